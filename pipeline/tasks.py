"""Prefect tasks: thin, typed, one verb each. Retries only on I/O."""
from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from extractors.disclosures import check_companions
from extractors.extract import extract_path
from extractors.model import Extraction
from pipeline import harvest, harvest_extract
from pipeline.harvest import HarvestSettings, SiteReport
from pipeline.harvest_extract import StoredDocument
from pipeline.sources import Site
from pipeline.store import RawStore
from pipeline.workers import extract_on_workers
from pipeline.writer import OutputWriter
from schemas.validation import ValidationReport


@task(name="extract-document", cache_policy=NO_CACHE, persist_result=False,
      task_run_name="extract {path.name}")
def extract_document(path: Path) -> Extraction:
    """Extract one document; a bad document comes back as a failed Extraction."""
    return extract_path(path)


@task(name="extract-batch", cache_policy=NO_CACHE, persist_result=False,
      task_run_name="extract batch from {paths[0].name}")
def extract_batch(paths: list[Path], workers: int = 1) -> list[Extraction]:
    """Extract a batch of documents (large runs: spreads the per-task overhead), on one of
    ``workers`` processes."""
    return extract_on_workers(paths, workers)


@task(name="check-disclosures", cache_policy=NO_CACHE, persist_result=False)
def check_disclosures(extractions: list[Extraction]) -> list[Extraction]:
    """Check the files of one disclosure (prose PDF + tables PDF) against each other."""
    check_companions(extractions)
    return extractions


@task(name="write-outputs", cache_policy=NO_CACHE, persist_result=False, retries=2, retry_delay_seconds=1)
def write_outputs(extractions: list[Extraction], out_dir: Path, keep_texts: bool = True,
                  settings: dict | None = None, started: float | None = None,
                  timings: dict | None = None) -> ValidationReport:
    """Validate and write every table atomically, as a new run of the run history."""
    writer = OutputWriter(out_dir, keep_texts=keep_texts, started=started)
    for ex in extractions:
        writer.add(ex)
    return writer.commit(settings, timings)


# -- harvesting ---------------------------------------------------------------------------

@task(name="sweep-store", cache_policy=NO_CACHE, persist_result=False)
def sweep_store(settings: HarvestSettings) -> int:
    """Remove the temporary files an interrupted harvest left in the raw store."""
    return RawStore(settings.raw_dir).sweep()


@task(name="harvest-site", cache_policy=NO_CACHE, persist_result=False, task_run_name="harvest {site.name}")
def harvest_site(site: Site, settings: HarvestSettings) -> SiteReport:
    """Discover, fetch and store one site's disclosures (retries happen per URL, inside)."""
    return harvest.harvest_site(site, settings)


@task(name="plan-extraction", cache_policy=NO_CACHE, persist_result=False)
def plan_extraction(settings: HarvestSettings, sites: tuple[Site, ...]) -> list[StoredDocument]:
    """The stored files of every disclosure with a version not yet extracted."""
    return harvest_extract.plan_extraction(settings, sites)


@task(name="extract-stored", cache_policy=NO_CACHE, persist_result=False,
      task_run_name="extract {doc.url}")
def extract_stored(doc: StoredDocument) -> Extraction:
    """Extract one stored file (its source is the URL it came from)."""
    return harvest_extract.extract_stored(doc)


@task(name="bundle-disclosures", cache_policy=NO_CACHE, persist_result=False)
def bundle_disclosures(docs: list[StoredDocument], extractions: list[Extraction]) -> list[Extraction]:
    """A page and its attachments share a disclosure and are checked against each other."""
    harvest_extract.bundle(docs, extractions)
    check_companions(extractions)
    return extractions


@task(name="write-harvest-outputs", cache_policy=NO_CACHE, persist_result=False, retries=2, retry_delay_seconds=1)
def write_harvest_outputs(extractions: list[Extraction], out_dir: Path, settings: HarvestSettings) -> ValidationReport:
    """Bundle pages with their attachments, check them across, write every table atomically."""
    return harvest_extract.write_outputs(extractions, out_dir, settings)


@task(name="mark-extracted", cache_policy=NO_CACHE, persist_result=False, retries=2, retry_delay_seconds=1)
def mark_extracted(settings: HarvestSettings, docs: list[StoredDocument], extractions: list[Extraction]) -> None:
    """Record in the manifest which versions are extracted (after the outputs are written)."""
    harvest_extract.mark_extracted(settings, docs, extractions)
