"""Prefect tasks: thin, typed, one verb each. Retries only on I/O."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from gongkai.pipeline.harvest import crawl
from gongkai.pipeline.harvest import extract as harvest_extract
from gongkai.pipeline.harvest.crawl import HarvestSettings, SiteReport
from gongkai.pipeline.harvest.extract import StoredDocument
from gongkai.pipeline.harvest.sources import Site
from gongkai.pipeline.harvest.store import RawStore
from gongkai.pipeline.run import parts
from gongkai.pipeline.run.parts import Carry, DocRef, Input, Plan
from gongkai.pipeline.run.sandbox import Limits
from gongkai.pipeline.run.workers import here, on_workers, pool_of
from gongkai.pipeline.run.writer import OutputWriter, TableWriter
from gongkai.schemas.validation import ValidationReport


@task(name="open-run", cache_policy=NO_CACHE, persist_result=False)
def open_run(
    out_dir: Path,
    keep_texts: bool = True,
    started: float | None = None,
    work: str | None = None,
    publish_unread: bool = True,
    run_id: str | None = None,
) -> OutputWriter:
    """Start a run: its staging directory, and where its parts are written until commit
    (inside the staging directory, or under a shared work area ``work``). ``publish_unread``
    False: a run in which no document could be read is not published."""
    run = OutputWriter(out_dir, keep_texts=keep_texts, started=started, work=work, run_id=run_id)
    run.publish_unread = publish_unread
    return run


@task(
    name="extract-part",
    cache_policy=NO_CACHE,
    persist_result=False,
    task_run_name="extract part {part} from {paths[0].name}",
)
def extract_part(
    paths: list[Path | Input], part: int, work_dir: str | Path, workers: int = 1, limits: Limits | None = None
) -> list[DocRef]:
    """Extract a batch of documents (on one of ``workers`` processes, each document within
    ``limits``) and spill them."""
    return on_workers(workers, parts.extract_part, paths, part, work_dir, limits)


@task(name="plan-parts", cache_policy=NO_CACHE, persist_result=False)
def plan_parts(refs: list[DocRef]) -> Plan:
    """Which documents are checked together (one disclosure, several files); which repeat."""
    return parts.plan_parts(refs)


@task(name="write-part", cache_policy=NO_CACHE, persist_result=False, task_run_name="write part {part}")
def write_part(part: int, plan: Plan, work_dir: str | Path, keep_texts: bool = True, workers: int = 1) -> TableWriter:
    """Cross-file checks, stored texts and validated tables of one part."""
    return on_workers(workers, parts.write_part, part, plan, work_dir, keep_texts)


@task(name="commit-run", cache_policy=NO_CACHE, persist_result=False)
def commit_run(
    run: OutputWriter,
    written: list[TableWriter],
    settings: dict,
    timings: dict,
    workers: int = 1,
    carry: Carry | None = None,
) -> ValidationReport:
    """Append the parts in order, carry over the earlier rows of ``carry`` (an incremental
    harvest), then validate-or-abort and publish the run atomically (the other worker
    processes partition the dataset's largest table meanwhile)."""
    return here(workers, _commit, run, written, settings, timings, pool_of(workers), carry)


def _commit(
    run: OutputWriter, written: list[TableWriter], settings: dict, timings: dict, pool, carry: Carry | None = None
) -> ValidationReport:
    for part in written:
        run.add_part(part)
    if carry is not None:
        run.doc_ids |= carry.extracted
        timings = {**timings, "extracted": len(carry.extracted), "carried_over": run.carry_over(set(carry.keep))}
    return run.commit(settings, timings, pool)


# -- harvesting ---------------------------------------------------------------------------


@task(name="sweep-store", cache_policy=NO_CACHE, persist_result=False)
def sweep_store(settings: HarvestSettings) -> int:
    """Remove the temporary files an interrupted harvest left in the raw store."""
    return RawStore(settings.raw_dir).sweep()


@task(name="harvest-site", cache_policy=NO_CACHE, persist_result=False, task_run_name="harvest {site.name}")
def harvest_site(site: Site, settings: HarvestSettings) -> SiteReport:
    """Discover, fetch and store one site's disclosures (retries happen per URL, inside)."""
    return crawl.harvest_site(site, settings)


@task(name="plan-extraction", cache_policy=NO_CACHE, persist_result=False)
def plan_extraction(settings: HarvestSettings, sites: tuple[Site, ...]) -> list[StoredDocument]:
    """The stored files of every disclosure with a version not yet extracted."""
    return harvest_extract.plan_extraction(settings, sites)


@task(name="current-documents", cache_policy=NO_CACHE, persist_result=False, retries=2, retry_delay_seconds=1)
def current_documents(settings: HarvestSettings) -> frozenset[str]:
    """The contents (sha256) of every document still current (their earlier rows are kept)."""
    return harvest_extract.current_shas(settings)


@task(name="mark-extracted", cache_policy=NO_CACHE, persist_result=False, retries=2, retry_delay_seconds=1)
def mark_extracted(settings: HarvestSettings, docs: list[StoredDocument], refs: list[DocRef], out_dir: Path) -> None:
    """Record in the ledger which versions are extracted (after the outputs are written)."""
    harvest_extract.mark_extracted(settings, docs, refs, out_dir)
