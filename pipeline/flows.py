"""Prefect flows: they only orchestrate (tasks do the work)."""
from __future__ import annotations

import time
from pathlib import Path

from prefect import flow
from prefect.futures import as_completed
from prefect.utilities.annotations import quote

from extractors.model import Extraction
from pipeline import progress
from pipeline.fetch import FetchSettings
from pipeline.harvest import HarvestSettings, SiteReport
from pipeline.sources import load_sources, select_sites
from pipeline.tasks import (bundle_disclosures, check_disclosures, extract_batch, extract_document, extract_stored, harvest_site,
                            mark_extracted, plan_extraction, sweep_store, write_harvest_outputs, write_outputs)
from schemas.validation import ValidationReport

on_document_done = progress.on_document_done     # the CLI's progress bar (pipeline/progress.py)


def batch_size_for(n: int, workers: int = 1) -> int:
    """Documents per task: one each for small runs; for large runs about 8 tasks per worker
    so Prefect's per-task overhead is spread over many documents (at most 200 per task)."""
    if n <= SMALL_RUN:
        return 1
    return max(1, min(200, -(-n // (8 * max(1, workers)))))


SMALL_RUN = 64


class RunOutput:
    """What the extract flow returns: ``extractions, report = extract_flow(...)``.

    A plain class on purpose: Prefect walks a flow's return value looking for futures
    (lists, tuples, dicts and dataclasses all the way down), which for thousands of
    documents costs seconds; it does not look inside this."""

    __slots__ = ("extractions", "report")

    def __init__(self, extractions: list[Extraction], report: ValidationReport):
        self.extractions, self.report = extractions, report

    def __iter__(self):
        return iter((self.extractions, self.report))


@flow(name="gongkai-extract", validate_parameters=False)
def extract_flow(paths: list[Path], out_dir: Path, keep_texts: bool = True, batch_size: int | None = None,
                 workers: int = 1) -> RunOutput:
    """One task per document (per batch of documents in large runs), then one atomic
    write of every table (a new run). ``workers`` > 1: the batches are extracted on that
    many processes (pipeline/workers.py)."""
    started = time.time()
    size = batch_size or batch_size_for(len(paths), workers)
    batches = [paths[i:i + size] for i in range(0, len(paths), size)]
    one_by_one = size == 1 and workers <= 1
    futures = {(extract_document.submit(b[0]) if one_by_one else extract_batch.submit(b, workers)): i
               for i, b in enumerate(batches)}
    results: list[list[Extraction]] = [[] for _ in batches]
    for future in as_completed(list(futures)):
        got = future.result()
        results[futures[future]] = got if isinstance(got, list) else [got]
        for ex in results[futures[future]]:
            progress.notify(ex)
    extracted = time.time()
    # quote(): Prefect would otherwise walk every fact of every document looking for futures
    done = check_disclosures(quote([ex for batch in results for ex in batch]))
    settings = {"command": "run", "inputs": [str(p) for p in paths], "batch_size": size, "workers": workers}
    report = write_outputs(quote(done), out_dir, keep_texts, settings, started,
                           {"extract_seconds": round(extracted - started, 3)})
    return RunOutput(done, report)


def on_dask(address: str):
    """The extract flow with its tasks on a Dask cluster: ``local`` starts one on this
    machine (a process per core), otherwise ``address`` is a scheduler (tcp://host:8786)
    whose workers can read the inputs and the output directory (shared storage)."""
    from prefect_dask import DaskTaskRunner

    if address == "local":
        runner = DaskTaskRunner(cluster_kwargs={"processes": True, "threads_per_worker": 1,
                                                "dashboard_address": None})
    else:
        runner = DaskTaskRunner(address=address)
    return extract_flow.with_options(task_runner=runner)


class HarvestResult:
    """Per-site reports, the extractions and the validation report (None when nothing
    needed extracting). A plain class: Prefect does not walk it (see RunOutput)."""

    def __init__(self, sites: list[SiteReport], extractions: list[Extraction] | None = None,
                 report: ValidationReport | None = None):
        self.sites, self.extractions, self.report = sites, extractions or [], report


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
        progress.notify(ex)
    extractions = bundle_disclosures(quote(docs), quote(extractions))
    result.extractions, result.report = extractions, write_harvest_outputs(quote(extractions), Path(out_dir), settings)
    if result.report.ok:
        mark_extracted(settings, quote(docs), quote(extractions))
    return result
