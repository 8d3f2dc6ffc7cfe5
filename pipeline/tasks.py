"""Prefect tasks: thin, typed, one verb each. Retries only on I/O."""
from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from extractors.disclosures import check_companions
from extractors.extract import extract_path
from extractors.model import Extraction
from pipeline.writer import OutputWriter
from schemas.validation import ValidationReport


@task(name="extract-document", cache_policy=NO_CACHE, persist_result=False,
      task_run_name="extract {path.name}")
def extract_document(path: Path) -> Extraction:
    """Extract one document; a bad document comes back as a failed Extraction."""
    return extract_path(path)


@task(name="check-disclosures", cache_policy=NO_CACHE, persist_result=False)
def check_disclosures(extractions: list[Extraction]) -> list[Extraction]:
    """Check the files of one disclosure (prose PDF + tables PDF) against each other."""
    check_companions(extractions)
    return extractions


@task(name="write-outputs", cache_policy=NO_CACHE, persist_result=False, retries=2, retry_delay_seconds=1)
def write_outputs(extractions: list[Extraction], out_dir: Path, keep_texts: bool = True) -> ValidationReport:
    """Validate and write every table atomically."""
    writer = OutputWriter(out_dir, keep_texts=keep_texts)
    for ex in extractions:
        writer.add(ex)
    return writer.commit()
