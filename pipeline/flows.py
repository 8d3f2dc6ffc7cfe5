"""Prefect flows: they only orchestrate (tasks do the work)."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow
from prefect.futures import as_completed

from extractors.model import Extraction
from pipeline.fetch import FetchSettings
from pipeline.harvest import HarvestSettings, SiteReport
from pipeline.sources import load_sources, select_sites
from pipeline.tasks import (bundle_disclosures, check_disclosures, extract_document, extract_stored, harvest_site,
                            mark_extracted, plan_extraction, sweep_store, write_harvest_outputs, write_outputs)
from schemas.validation import ValidationReport

# Called in the flow's process after each document (the CLI's progress bar).
_progress: list[Callable[[Extraction], None]] = []


def on_document_done(callback: Callable[[Extraction], None] | None) -> None:
    _progress.clear()
    if callback is not None:
        _progress.append(callback)


@flow(name="gongkai-extract", validate_parameters=False)
def extract_flow(paths: list[Path], out_dir: Path, keep_texts: bool = True) -> tuple[list[Extraction], ValidationReport]:
    """One task per document, then one atomic write of every table (a new run)."""
    started = time.time()
    futures = {extract_document.submit(p): i for i, p in enumerate(paths)}
    results: list[Extraction | None] = [None] * len(paths)
    for future in as_completed(list(futures)):
        ex = future.result()
        results[futures[future]] = ex
        for callback in _progress:
            callback(ex)
    extracted = time.time()
    done = check_disclosures([ex for ex in results if ex is not None])
    settings = {"command": "run", "inputs": [str(p) for p in paths]}
    report = write_outputs(done, out_dir, keep_texts, settings, started,
                           {"extract_seconds": round(extracted - started, 3)})
    return done, report


@dataclass
class HarvestResult:
    sites: list[SiteReport]
    extractions: list[Extraction] = field(default_factory=list)
    report: ValidationReport | None = None      # None when nothing needed extracting


@flow(name="gongkai-harvest", validate_parameters=False)
def harvest_flow(sources: str, raw_dir: str = "raw", out_dir: str = "output/harvest", sites: list[str] | None = None,
                 timeout: float = 20.0, retries: int = 3, backoff: float = 1.0, max_bytes: int = 50 * 2**20,
                 extract: bool = True) -> HarvestResult:
    """discover → fetch → store (one task per site, concurrently) → extract what is new or
    changed (one task per document) → one atomic write. Parameters are plain values so a
    deployment can carry them."""
    chosen = select_sites(load_sources(sources), sites)
    settings = HarvestSettings(Path(raw_dir), FetchSettings(timeout=timeout, retries=retries, backoff=backoff,
                                                           max_bytes=max_bytes))
    sweep_store(settings)
    reports = [f.result() for f in [harvest_site.submit(site, settings) for site in chosen]]
    result = HarvestResult(reports)
    if not extract:
        return result
    docs = plan_extraction(settings, chosen)
    if not docs:
        return result
    futures = [extract_stored.submit(doc) for doc in docs]
    extractions = [f.result() for f in futures]
    for ex in extractions:
        for callback in _progress:
            callback(ex)
    extractions = bundle_disclosures(docs, extractions)
    result.extractions, result.report = extractions, write_harvest_outputs(extractions, Path(out_dir), settings)
    if result.report.ok:
        mark_extracted(settings, docs, extractions)
    return result
