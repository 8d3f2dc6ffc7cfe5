"""Prefect tasks: thin, typed, one verb each. Retries only on I/O."""
from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from gongkai.extractors.checks.disclosures import check_companions
from gongkai.extractors.model import Extraction
from gongkai.pipeline.harvest import extract as harvest_extract
from gongkai.pipeline.harvest import crawl as harvest
from gongkai.pipeline.run import parts
from gongkai.pipeline.harvest.crawl import HarvestSettings, SiteReport
from gongkai.pipeline.harvest.extract import StoredDocument
from gongkai.pipeline.harvest.sources import Site
from gongkai.pipeline.harvest.store import RawStore
from gongkai.pipeline.run.parts import DocRef, Plan
from gongkai.pipeline.run.workers import here, on_workers, pool_of
from gongkai.pipeline.run.writer import OutputWriter, TableWriter
from gongkai.schemas.validation import ValidationReport


@task(name="open-run", cache_policy=NO_CACHE, persist_result=False)
def open_run(out_dir: Path, keep_texts: bool = True, started: float | None = None,
             work: str | None = None) -> OutputWriter:
    """Start a run: its staging directory, and where its parts are written until commit
    (inside the staging directory, or under a shared work area ``work``)."""
    return OutputWriter(out_dir, keep_texts=keep_texts, started=started, work=work)


@task(name="extract-part", cache_policy=NO_CACHE, persist_result=False,
      task_run_name="extract part {part} from {paths[0].name}")
def extract_part(paths: list[Path], part: int, work_dir: str | Path, workers: int = 1) -> list[DocRef]:
    """Extract a batch of documents (on one of ``workers`` processes) and spill them."""
    return on_workers(workers, parts.extract_part, paths, part, work_dir)


@task(name="plan-parts", cache_policy=NO_CACHE, persist_result=False)
def plan_parts(refs: list[DocRef]) -> Plan:
    """Which documents are checked together (one disclosure, several files); which repeat."""
    return parts.plan_parts(refs)


@task(name="write-part", cache_policy=NO_CACHE, persist_result=False, task_run_name="write part {part}")
def write_part(part: int, plan: Plan, work_dir: str | Path, keep_texts: bool = True, workers: int = 1) -> TableWriter:
    """Cross-file checks, stored texts and validated tables of one part."""
    return on_workers(workers, parts.write_part, part, plan, work_dir, keep_texts)


@task(name="commit-run", cache_policy=NO_CACHE, persist_result=False)
def commit_run(run: OutputWriter, written: list[TableWriter], settings: dict, timings: dict,
               workers: int = 1) -> ValidationReport:
    """Append the parts in order, then validate-or-abort and publish the run atomically
    (the other worker processes partition the dataset's largest table meanwhile)."""
    return here(workers, _commit, run, written, settings, timings, pool_of(workers))


def _commit(run: OutputWriter, written: list[TableWriter], settings: dict, timings: dict, pool) -> ValidationReport:
    for part in written:
        run.add_part(part)
    return run.commit(settings, timings, pool)


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
    """Record in the ledger which versions are extracted (after the outputs are written)."""
    harvest_extract.mark_extracted(settings, docs, extractions)
