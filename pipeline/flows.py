"""Prefect flows: they only orchestrate (tasks do the work)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prefect import flow
from prefect.futures import as_completed

from extractors.model import Extraction
from pipeline.tasks import check_disclosures, extract_document, write_outputs
from schemas.validation import ValidationReport

# Called in the flow's process after each document (the CLI's progress bar).
_progress: list[Callable[[Extraction], None]] = []


def on_document_done(callback: Callable[[Extraction], None] | None) -> None:
    _progress.clear()
    if callback is not None:
        _progress.append(callback)


@flow(name="gongkai-extract", validate_parameters=False)
def extract_flow(paths: list[Path], out_dir: Path, keep_texts: bool = True) -> tuple[list[Extraction], ValidationReport]:
    """One task per document, then one atomic write of every table."""
    futures = {extract_document.submit(p): i for i, p in enumerate(paths)}
    results: list[Extraction | None] = [None] * len(paths)
    for future in as_completed(list(futures)):
        ex = future.result()
        results[futures[future]] = ex
        for callback in _progress:
            callback(ex)
    done = check_disclosures([ex for ex in results if ex is not None])
    report = write_outputs(done, out_dir, keep_texts)
    return done, report
