"""Write the output tables atomically, as one run of the run history.

Everything is written into a staging directory inside ``out_dir`` first: the tables,
the stored texts and, last, the run's ``manifest.json`` (inputs with sha256, gongkai
version and git commit, settings, counts, timings). Only a validated run is renamed to
``out_dir/runs/<run_id>/`` and then published at ``out_dir/`` (pipeline/run/history.py). A crash
before that point leaves the previous output whole.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import uuid
from concurrent.futures import Executor
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute  # noqa: F401  (pa.compute)
import pyarrow.parquet as pq

from gongkai.extractors.checks.messages import one_line
from gongkai.extractors.extract import unbuildable
from gongkai.extractors.model import Extraction
from gongkai.pipeline.run.dataset import write_package
from gongkai.pipeline.run.history import (
    MANIFEST,
    RUNS_DIR,
    ensure_published,
    git_commit,
    gongkai_version,
    new_run_id,
    publish,
)
from gongkai.pipeline.run.isolate import isolate, to_pandas
from gongkai.pipeline.run.rows import rows_for
from gongkai.schemas.rules import severity_of, severity_rank
from gongkai.schemas.tables import TABLES, schema_for
from gongkai.schemas.validation import FAILURE_COLUMNS, ValidationReport, validate_tables


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds")


FLUSH_EVERY = 250  # documents per batch of rows validated and written to the staging tables
SAMPLES = 15  # documents not ok / failed checks a run summary names


def _first_failed(failed: list[dict]) -> list[dict]:
    """The failed checks a run summary names: errors first, then warnings, then info,
    each in the order met (a stable sort), at most SAMPLES."""
    return sorted(failed, key=lambda f: severity_rank(f.get("severity")))[:SAMPLES]


WORK_DIR = ".parts"  # inside the staging directory: spilled extractions and the parts of a large run


def write_text(ex: Extraction, root: Path) -> str | None:
    """Store the document's text under ``root/texts/``; its path relative to ``root``."""
    if ex.text is None:
        return None
    text_path = f"texts/{ex.doc_id}.txt"
    with open(root / text_path, "w", encoding="utf-8", newline="") as fh:
        fh.write(ex.text)
    return text_path


class TableWriter:
    """Rows of documents into validated parquet tables in ``directory``.

    Rows are validated and appended every ``flush_every`` documents, so memory does not grow
    with the run. A run's staging directory has one; so has each part of a large run
    (pipeline/run/parts.py), written on whichever worker extracted it."""

    def __init__(self, directory: Path, flush_every: int = FLUSH_EVERY):
        # where the tables are; a part uploaded to a remote work area says its URL instead (a str)
        self.directory: Path | str = Path(directory)
        self.flush_every = flush_every
        self.rows: dict[str, list[dict]] = {t: [] for t in TABLES}
        self._pending = 0  # documents in self.rows
        self._writers: dict[str, pq.ParquetWriter] = {}
        self.written = dict.fromkeys(TABLES, 0)  # rows already in the tables
        self.failures: list[pd.DataFrame] = []
        self.inputs: list[dict] = []
        self.counts = {
            "documents": 0,
            "ok": 0,
            "partial": 0,
            "failed": 0,
            "facts": 0,
            "projects": 0,
            "line_items": 0,
            "checks": 0,
            "checks_failed": 0,
        }
        self.problems: list[dict] = []  # the first documents not ok: source, status, reason, message
        self.failed_checks: list[dict] = []  # the first failed checks by severity: source, rule, severity, message

    def add(self, ex: Extraction, text_path: str | None) -> None:
        """One document's rows (its text, if kept, is at ``text_path``)."""
        failed = [
            {
                "source": ex.source,
                "rule": c.rule,
                "severity": c.severity or severity_of(c.rule),
                "message": one_line(c.message),
            }
            for c in ex.checks
            if c.status == "fail"
        ]
        self.failed_checks = _first_failed(self.failed_checks + failed)
        try:
            rows = rows_for(ex, text_path)
        except Exception as exc:  # one document's rows that cannot be built cost no one else theirs
            rows = rows_for(unbuildable(ex, exc), text_path)
        if rows["documents"][0]["status"] != "ok":
            self._note_problem(rows["documents"][0])
        self.add_rows(rows, 1)

    def _note_problem(self, document: dict) -> None:
        """Keep one of the first documents not ok (from its documents row) for the summary."""
        if len(self.problems) < SAMPLES:
            self.problems.append(
                {
                    "source": document["source"],
                    "status": document["status"],
                    "reason": document["error_reason"],
                    "message": document["error_message"],
                }
            )

    def add_rows(self, rows: dict[str, list[dict]], documents: int) -> None:
        for table, got in rows.items():
            self.rows[table].extend(got)
        self._pending += documents
        if self._pending >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        """Validate the pending rows and append them to the tables."""
        if not self._pending and not any(self.rows.values()):
            return
        try:
            tables, report = self._validated()
        except (pa.ArrowException, ValueError, TypeError, ArithmeticError):
            tables, report = {}, None
        if report is None or not report.ok:  # find the documents at fault; withhold their rows
            self.rows, withheld = isolate(self.rows)
            for document in withheld:
                self._note_problem(document)
            tables, report = self._validated()
        if not report.ok:  # a failure no single document explains: the run is invalid
            self.failures.append(_shifted(report.failures, self.written))
        for name, table in tables.items():
            self.append(name, table)
        docs, checks = self.rows["documents"], self.rows["checks"]
        self.inputs += [
            {"source": d["source"], "sha256": d["sha256"], "doc_id": d["doc_id"], "status": d["status"]} for d in docs
        ]
        c = self.counts
        c["documents"] += len(docs)
        for d in docs:
            c[d["status"]] += 1
        for key in ("facts", "projects", "line_items", "checks"):
            c[key] += len(self.rows[key])
        c["checks_failed"] += sum(1 for r in checks if r["status"] == "fail")
        self.rows = {t: [] for t in TABLES}
        self._pending = 0

    def _validated(self) -> tuple[dict[str, pa.Table], ValidationReport]:
        """The pending rows as tables, and what validating them says."""
        tables = self.pending_tables()
        return tables, validate_tables({t: to_pandas(tab) for t, tab in tables.items()})

    def pending_tables(self) -> dict[str, pa.Table]:
        """The rows not yet flushed, as tables."""
        return {t: pa.Table.from_pylist(self.rows[t], schema=schema_for(t)) for t in TABLES}

    def append(self, name: str, table: pa.Table) -> None:
        """Rows already validated, written as they are."""
        self._open(name).write_table(table)
        self.written[name] += table.num_rows

    def _open(self, name: str) -> pq.ParquetWriter:
        if name not in self._writers:
            assert isinstance(self.directory, Path)  # tables are written locally; a part is uploaded once closed
            self._writers[name] = pq.ParquetWriter(self.directory / f"{name}.parquet", schema_for(name))
        return self._writers[name]

    def merge(self, other: TableWriter) -> None:
        """Append the (closed) tables of ``other`` after this one's rows, with its counts,
        inputs, failures (at their rows in these tables) and samples."""
        self.flush()
        for f in other.failures:
            self.failures.append(_shifted(f, self.written))
        assert isinstance(other.directory, Path)  # add_part downloads a part from a remote work area first
        for name in TABLES:
            path = other.directory / f"{name}.parquet"
            for batch in pq.ParquetFile(path).iter_batches(batch_size=65_536, use_threads=False):
                self.append(name, pa.Table.from_batches([batch], schema_for(name)))
        self.inputs += other.inputs
        for key, n in other.counts.items():
            self.counts[key] += n
        self.problems = (self.problems + other.problems)[:SAMPLES]
        self.failed_checks = _first_failed(self.failed_checks + other.failed_checks)

    def close(self, flush: bool = True) -> TableWriter:
        """Flush and close the tables (every table exists afterwards, if only empty)."""
        if flush:
            self.flush()
            for name in TABLES:
                self._open(name)
        for w in self._writers.values():
            w.close()
        self._writers.clear()
        return self

    def summary(self) -> dict:
        return {"counts": dict(self.counts), "problems": list(self.problems), "failed_checks": list(self.failed_checks)}

    def __getstate__(self) -> dict:  # a closed part travels back from its worker
        assert not self._writers, "close() a TableWriter before sending it"
        return self.__dict__


def _shifted(failures: pd.DataFrame, offsets: dict[str, int]) -> pd.DataFrame:
    """Failure row numbers counted from the start of the tables they are appended to."""
    failures = failures.copy()
    offset = failures["table"].map(offsets)
    failures["index"] = [i + o if isinstance(i, int) else i for i, o in zip(failures["index"], offset)]
    return failures


class OutputWriter:
    """Collects the rows of a run and commits them in one step; nothing is visible before
    ``commit``. Documents come one at a time (``add``) or as parts written elsewhere
    (``add_part``)."""

    def __init__(
        self,
        out_dir: Path,
        keep_texts: bool = True,
        started: float | None = None,
        flush_every: int = FLUSH_EVERY,
        work: str | None = None,
        run_id: str | None = None,
    ):
        self.work = work  # a shared work area (fsspec URL) for the parts, instead of the staging directory
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        ensure_published(self.out_dir)
        self.run_id = run_id or new_run_id()
        self.started = started or time.time()  # when the run began (the flow's start)
        self.staging = self.out_dir / f".staging-{uuid.uuid4().hex[:8]}"
        (self.staging / "texts").mkdir(parents=True)
        self.keep_texts = keep_texts
        self.tables = TableWriter(self.staging, flush_every)
        self.doc_ids: set[str] = set()
        # False: a run in which every document failed is not published (gongkai run); an
        # incremental harvest publishes anyway, since it carries the earlier rows over
        self.publish_unread = True

    @property
    def work_dir(self) -> str | Path:
        """Where the parts of the run are spilled and written (removed at commit): inside the
        staging directory, or ``<work>/<run_id>`` in a shared work area."""
        return f"{self.work.rstrip('/')}/{self.run_id}" if self.work else self.staging / WORK_DIR

    def add(self, ex: Extraction) -> bool:
        """Add one document's rows; False when the same content was already added."""
        if ex.doc_id in self.doc_ids:
            return False
        self.doc_ids.add(ex.doc_id)
        self.tables.add(ex, write_text(ex, self.staging) if self.keep_texts else None)
        return True

    def add_part(self, part: TableWriter) -> None:
        """Append a part written by ``parts.write_part`` (``parts.plan_parts``
        has left out repeated content): its tables after the rows so far, its texts into
        the run's ``texts/``. A part in a remote work area is downloaded first."""
        if isinstance(part.directory, str):
            import fsspec

            fs, root = fsspec.core.url_to_fs(part.directory)
            local = Path(tempfile.mkdtemp(prefix="gongkai-part-", dir=self.staging))
            for f in fs.find(root):
                target = local / f[len(root) :].lstrip("/")
                target.parent.mkdir(parents=True, exist_ok=True)
                fs.get_file(f, str(target))
            part.directory = local
        texts = part.directory / "texts"
        if texts.is_dir():
            for f in texts.iterdir():
                os.replace(f, self.staging / "texts" / f.name)
        self.tables.merge(part)
        shutil.rmtree(part.directory, ignore_errors=True)

    def _remove_work(self) -> None:
        if self.work:
            import fsspec

            fs, root = fsspec.core.url_to_fs(self.work_dir)
            if fs.exists(root):
                fs.rm(root, recursive=True)
        shutil.rmtree(self.staging / WORK_DIR, ignore_errors=True)

    def carry_over(self, keep: set[str]) -> int:
        """Add the rows (and stored texts) of the documents ``keep`` (sha256 values) from the
        tables already in ``out_dir``, except documents added to this writer: an
        incremental run replaces what changed and keeps the rest. Returns how many."""
        existing = self.out_dir / "documents.parquet"
        if not existing.exists():
            return 0
        docs = pq.read_table(existing, columns=["doc_id", "sha256", "text_path"]).to_pylist()
        carried = {d["doc_id"]: d["text_path"] for d in docs if d["sha256"] in keep and d["doc_id"] not in self.doc_ids}
        rows: dict[str, list[dict]] = {}
        for table in TABLES:
            path = self.out_dir / f"{table}.parquet"
            if not path.exists():
                continue
            old = pq.read_table(path)
            mask = pa.compute.is_in(old.column("doc_id"), value_set=pa.array(sorted(carried), pa.string()))
            kept = old.filter(mask)
            if table == "summary":  # the summary's columns follow the vocabulary: re-align
                kept = kept.select([c for c in kept.column_names if c in schema_for(table).names])
            rows[table] = kept.to_pylist()
        self.tables.add_rows(rows, len(carried))
        for text_path in carried.values():
            if text_path and (self.out_dir / text_path).exists():
                shutil.copyfile(self.out_dir / text_path, self.staging / text_path)
        self.doc_ids |= set(carried)
        return len(carried)

    def commit(
        self, settings: dict | None = None, timings: dict | None = None, pool: Executor | None = None
    ) -> ValidationReport:
        """Validate, then write the run and publish it; nothing moves if validation fails.
        ``settings`` and ``timings`` go into the run's manifest; ``pool``: processes that
        may partition a table of the dataset meanwhile."""
        try:
            return self._commit(settings or {}, timings or {}, pool)
        except BaseException:
            self.abort()
            raise

    def _commit(self, settings: dict, timings: dict, pool: Executor | None) -> ValidationReport:
        self.tables.close()
        self._remove_work()
        if self.tables.failures:
            self.abort()
            return ValidationReport(pd.concat(self.tables.failures, ignore_index=True), summary=self.tables.summary())
        report = ValidationReport(pd.DataFrame(columns=FAILURE_COLUMNS), summary=self.tables.summary())
        counts = self.tables.counts
        if not self.publish_unread and counts["documents"] and counts["failed"] == counts["documents"]:
            self.abort()  # nothing could be read: the published output stays as it was
            report.refused = f"none of the {counts['documents']} documents could be read; the output was not replaced"
            return report
        write_package(self.staging, self.run_id, pool)  # the partitioned dataset + datapackage.json
        manifest = self.manifest(settings, timings)
        (self.staging / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
        )
        run_dir = self.out_dir / RUNS_DIR / self.run_id
        run_dir.parent.mkdir(exist_ok=True)
        os.replace(self.staging, run_dir)  # the run is complete from here on
        publish(self.out_dir, run_dir)
        report.run_id = self.run_id
        return report

    def manifest(self, settings: dict, timings: dict) -> dict:
        return {
            "run_id": self.run_id,
            "status": "complete",
            "started": _iso(self.started),
            "finished": _iso(time.time()),
            "gongkai_version": gongkai_version(),
            "git_commit": git_commit(),
            "settings": {
                "out_dir": str(self.out_dir),
                "keep_texts": self.keep_texts,
                **({"work": self.work} if self.work else {}),
                **settings,
            },
            "inputs": self.tables.inputs,
            "counts": dict(self.tables.counts),
            "timings": {"seconds": round(time.time() - self.started, 3), **timings},
        }

    def abort(self) -> None:
        try:
            self.tables.close(flush=False)
            self._remove_work()
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)
