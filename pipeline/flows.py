"""Prefect flows: they only orchestrate (tasks do the work)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TypeVar, cast

from prefect import flow
from prefect.futures import as_completed
from prefect.utilities.annotations import quote

from gongkai.pipeline.harvest.crawl import HarvestSettings, SiteReport
from gongkai.pipeline.harvest.fetch import FetchSettings
from gongkai.pipeline.harvest.sources import load_sources, select_sites
from gongkai.pipeline.run import progress
from gongkai.pipeline.run.history import RUN_ID, new_run_id
from gongkai.pipeline.run.lock import output_lock
from gongkai.pipeline.run.parts import Carry, DocRef, Input
from gongkai.pipeline.run.sandbox import Limits
from gongkai.pipeline.run.stop import stop_code, stop_work
from gongkai.pipeline.tasks import (
    commit_run,
    current_documents,
    extract_part,
    harvest_site,
    mark_extracted,
    open_run,
    plan_extraction,
    plan_parts,
    sweep_store,
    write_part,
)
from gongkai.schemas.validation import ValidationReport

on_document_done = progress.on_document_done  # the CLI's progress bar (pipeline/run/progress.py)

T = TypeVar("T")


def _quoted(value: T) -> T:
    """``quote(value)``: Prefect passes it to the task as it is, without walking it for futures.
    Typed as the value itself, which is what the task receives (Prefect's typing of a task's
    call does not know ``quote``)."""
    return cast(T, quote(value))


def batch_size_for(n: int, workers: int = 1) -> int:
    """Documents per part: one each for small runs; for large runs about 4 parts per worker,
    so Prefect's per-task overhead is spread over many documents while the workers still
    share the last parts evenly (at most 500 per part)."""
    if n <= SMALL_RUN:
        return 1
    return max(1, min(500, -(-n // (4 * max(1, workers)))))


SMALL_RUN = 64


def run_name() -> str:
    """A flow run's name: gongkai's run id, the one its output run gets (``OUT/runs/<run_id>/``,
    the manifest, the run summary). The ``run_id`` parameter when the caller made one,
    otherwise a new id, which the flow then takes as its own (``_own_run_id``)."""
    from prefect.runtime import flow_run

    return flow_run.parameters.get("run_id") or new_run_id()


def _own_run_id(given: str | None) -> str:
    """The gongkai run id of this flow run: ``given``, else the name ``run_name`` gave it."""
    if given:
        return given
    from prefect.runtime import flow_run

    name = flow_run.get_name()
    return name if name and RUN_ID.fullmatch(name) else new_run_id()


class RunOutput:
    """What the extract flow returns: ``documents, report = extract_flow(...)``: a reference
    per document (pipeline.run.parts.DocRef) and the validation report (with the run's summary).

    A plain class on purpose: Prefect walks a flow's return value looking for futures
    (lists, tuples, dicts and dataclasses all the way down), which for thousands of
    documents costs seconds; it does not look inside this."""

    __slots__ = ("documents", "report")

    def __init__(self, documents: list[DocRef], report: ValidationReport):
        self.documents, self.report = documents, report

    def __iter__(self):
        return iter((self.documents, self.report))


@flow(name="gongkai-extract", flow_run_name=run_name, validate_parameters=False)
def extract_flow(
    paths: list[Path | Input],
    out_dir: Path,
    keep_texts: bool = True,
    batch_size: int | None = None,
    workers: int = 1,
    work: str | None = None,
    keep: frozenset[str] | None = None,
    settings: dict | None = None,
    limits: Limits | None = None,
    run_id: str | None = None,
) -> RunOutput:
    """Extract in parts (one document per part in small runs, batches in large ones),
    plan the cross-file checks, write each part, then commit the run in one step
    (pipeline/run/parts.py). ``workers`` > 1: parts run on that many processes. Only small
    references reach this process, so memory does not grow with the corpus. ``work``: a
    work area every task can reach (fsspec URL) for the parts, when tasks run on other
    machines (``on_dask``); by default the parts live in the run's staging directory.
    ``keep``: an incremental run (a harvest, as a subflow): the earlier rows of these
    contents (sha256) stay in the output. ``settings``: more for the run's manifest.
    ``limits``: time and memory per document (pipeline/run/sandbox.py; default: none).
    ``run_id``: the run's id (default: a new one); the flow run is named after it."""
    started = time.time()
    run_id = _own_run_id(run_id)
    size = batch_size or batch_size_for(len(paths), workers)
    batches = [paths[i : i + size] for i in range(0, len(paths), size)]
    run = open_run(out_dir, keep_texts, started, work, publish_unread=keep is not None, run_id=run_id)
    refs: list[DocRef] = []
    try:
        for future in as_completed(
            [extract_part.submit(b, i, run.work_dir, workers, limits) for i, b in enumerate(batches)]
        ):
            for ref in future.result():
                refs.append(ref)
                progress.notify(ref)
        extracted = time.time()
        # quote(): Prefect would otherwise walk every reference looking for futures
        plan = plan_parts(_quoted(refs))
        written = [
            f.result()
            for f in [write_part.submit(i, plan, run.work_dir, keep_texts, workers) for i in range(len(batches))]
        ]
    except BaseException as exc:
        if stop_code(exc) is not None:  # Ctrl-C or SIGTERM: the work in other processes stops now
            stop_work()
        run.abort()  # a task that crashed: drop the staging directory, the previous output stays
        raise
    recorded = {
        "command": "run",
        "inputs": [_name(p) for p in paths],
        "batch_size": size,
        "workers": workers,
        "limits": {"seconds": limits.seconds, "memory_mb": limits.memory_mb, **limits.load.__dict__}
        if limits
        else None,
        **(settings or {}),
    }
    carry = Carry({r.doc_id for r in refs}, keep) if keep is not None else None
    report = commit_run(
        _quoted(run),
        _quoted(written),
        recorded,
        {"extract_seconds": round(extracted - started, 3)},
        workers,
        _quoted(carry),
    )
    return RunOutput(refs, report)


def _name(item: Path | Input) -> str:
    return item.source or str(item.path) if isinstance(item, Input) else str(item)


def on_dask(address: str):
    """The extract flow with its tasks on a Dask cluster: ``local`` starts one on this
    machine (a process per core), otherwise ``address`` is a scheduler (tcp://host:8786)
    whose workers can read the inputs and the output directory (shared storage)."""
    from prefect_dask import DaskTaskRunner

    if address == "local":
        runner = DaskTaskRunner(cluster_kwargs={"processes": True, "threads_per_worker": 1, "dashboard_address": None})
    else:
        runner = DaskTaskRunner(address=address)
    # Prefect types task_runner as TaskRunner[PrefectFuture[Any]], which DaskTaskRunner (a
    # TaskRunner of its own futures) does not match although Prefect accepts any task runner
    return extract_flow.with_options(task_runner=runner)  # type: ignore[arg-type]


class HarvestResult:
    """Per-site reports, a reference per extracted document (DocRef) and the validation
    report (None when nothing needed extracting). A plain class: Prefect does not walk it
    (see RunOutput)."""

    def __init__(
        self, sites: list[SiteReport], documents: list[DocRef] | None = None, report: ValidationReport | None = None
    ):
        self.sites, self.documents, self.report = sites, documents or [], report


@flow(name="gongkai-harvest", flow_run_name=run_name, validate_parameters=False)
def harvest_flow(
    sources: str,
    raw_dir: str = "raw",
    out_dir: str = "output/harvest",
    sites: list[str] | None = None,
    timeout: float = 20.0,
    retries: int = 3,
    backoff: float = 1.0,
    max_bytes: int = 50 * 2**20,
    extract: bool = True,
    doc_seconds: float | None = Limits.seconds,
    doc_memory_mb: int | None = Limits.memory_mb,
    doc_limits: list[str] | None = None,
    run_id: str | None = None,
) -> HarvestResult:
    """discover → fetch → store (one task per site, concurrently) → extract what is new or
    changed with the extract flow as a subflow (in parts, as ``gongkai run`` does; the
    earlier rows of documents still current are kept) → record what was extracted.
    Parameters are plain values so a deployment can carry them. One harvest at a time per
    output directory (pipeline/run/lock.py): a second one raises OutputBusy. ``doc_seconds``,
    ``doc_memory_mb``, ``doc_limits`` (``NAME=VALUE`` of extractors/load/limits.py): the limits
    per document (pipeline/run/sandbox.py). ``run_id``: the id of
    the run the extraction writes (default: a new one); the harvest's flow run and its extract
    subflow are named after it."""
    limits = Limits.parse(doc_seconds, doc_memory_mb, doc_limits)
    run_id = _own_run_id(run_id)
    args = (sources, raw_dir, out_dir, sites, timeout, retries, backoff, max_bytes, extract, limits, run_id)
    if not extract:  # nothing is written to out_dir
        return _harvest(*args)
    with output_lock(Path(out_dir), "harvest"):
        return _harvest(*args)


def _harvest(
    sources, raw_dir, out_dir, sites, timeout, retries, backoff, max_bytes, extract, limits, run_id
) -> HarvestResult:
    chosen = select_sites(load_sources(sources), sites)
    settings = HarvestSettings(
        Path(raw_dir), FetchSettings(timeout=timeout, retries=retries, backoff=backoff, max_bytes=max_bytes)
    )
    sweep_store(settings)
    reports = [f.result() for f in [harvest_site.submit(site, settings) for site in chosen]]
    result = HarvestResult(reports)
    if not extract:
        return result
    docs = plan_extraction(settings, chosen)
    if not docs:
        return result
    keep = current_documents(settings)
    refs, report = extract_flow(
        [d.as_input() for d in docs],
        Path(out_dir),
        keep=keep,
        settings={"command": "harvest", "raw_dir": str(settings.raw_dir)},
        limits=limits,
        run_id=run_id,
    )
    result.documents, result.report = refs, report
    if report.ok:
        mark_extracted(settings, _quoted(docs), _quoted(refs), Path(out_dir))
    return result
