"""Write the output tables atomically, as one run of the run history.

Everything is written into a staging directory inside ``out_dir`` first: the tables,
the stored texts and, last, the run's ``manifest.json`` (inputs with sha256, gongkai
version and git commit, settings, counts, timings). Only a validated run is renamed to
``out_dir/runs/<run_id>/`` and then published at ``out_dir/`` (pipeline/runs.py). A crash
before that point leaves the previous output whole.
"""
from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute  # noqa: F401  (pa.compute)
import pyarrow.parquet as pq

from extractors.model import Extraction
from pipeline.dataset import write_package
from pipeline.runs import MANIFEST, RUNS_DIR, ensure_published, git_commit, gongkai_version, new_run_id, publish
from schemas.tables import TABLES, rows_for, schema_for
from schemas.validation import ValidationReport, validate_tables

_PANDAS_TYPES = {
    pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype(),
}


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """Decimals stay Decimal objects; nullable ints stay ints."""
    return table.to_pandas(types_mapper=_PANDAS_TYPES.get)


_NO_FAILURES = pd.DataFrame(columns=["table", "check", "column", "index", "failure_case"])


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="milliseconds")


FLUSH_EVERY = 250      # documents per batch of rows validated and written to the staging tables


class OutputWriter:
    """Collects the rows of a run and commits them in one step.

    Rows are validated and appended to the staging tables every ``flush_every`` documents,
    so memory does not grow with the run; nothing is visible before ``commit``."""

    def __init__(self, out_dir: Path, keep_texts: bool = True, started: float | None = None,
                 flush_every: int = FLUSH_EVERY):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        ensure_published(self.out_dir)
        self.run_id = new_run_id()
        self.started = started or time.time()     # when the run began (the flow's start)
        self.staging = self.out_dir / f".staging-{uuid.uuid4().hex[:8]}"
        (self.staging / "texts").mkdir(parents=True)
        self.keep_texts = keep_texts
        self.rows: dict[str, list[dict]] = {t: [] for t in TABLES}
        self.doc_ids: set[str] = set()
        self.flush_every = flush_every
        self._pending = 0                                  # documents in self.rows
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._written = dict.fromkeys(TABLES, 0)           # rows already in the staging tables
        self._failures: list[pd.DataFrame] = []
        self.inputs: list[dict] = []
        self.counts = {"documents": 0, "ok": 0, "partial": 0, "failed": 0, "facts": 0, "projects": 0,
                       "line_items": 0, "checks": 0, "checks_failed": 0}

    def add(self, ex: Extraction) -> bool:
        """Add one document's rows; False when the same content was already added."""
        if ex.doc_id in self.doc_ids:
            return False
        self.doc_ids.add(ex.doc_id)
        text_path = None
        if ex.text is not None and self.keep_texts:
            text_path = f"texts/{ex.doc_id}.txt"
            with open(self.staging / text_path, "w", encoding="utf-8", newline="") as fh:
                fh.write(ex.text)
        for table, rows in rows_for(ex, text_path).items():
            self.rows[table].extend(rows)
        self._pending += 1
        if self._pending >= self.flush_every:
            self.flush()
        return True

    def flush(self) -> None:
        """Validate the pending rows and append them to the staging tables."""
        tables = self.tables()
        report = validate_tables({t: to_pandas(tab) for t, tab in tables.items()})
        if not report.ok:
            failures = report.failures.copy()
            offsets = failures["table"].map(self._written)
            failures["index"] = [i + o if isinstance(i, int) else i for i, o in zip(failures["index"], offsets)]
            self._failures.append(failures)
        for name, table in tables.items():
            if name not in self._writers:
                self._writers[name] = pq.ParquetWriter(self.staging / f"{name}.parquet", schema_for(name))
            self._writers[name].write_table(table)
            self._written[name] += table.num_rows
        docs, checks = self.rows["documents"], self.rows["checks"]
        self.inputs += [{"source": d["source"], "sha256": d["sha256"], "doc_id": d["doc_id"], "status": d["status"]}
                        for d in docs]
        c = self.counts
        c["documents"] += len(docs)
        for d in docs:
            c[d["status"]] += 1
        for key in ("facts", "projects", "line_items", "checks"):
            c[key] += len(self.rows[key])
        c["checks_failed"] += sum(1 for r in checks if r["status"] == "fail")
        self.rows = {t: [] for t in TABLES}
        self._pending = 0

    def carry_over(self, keep: set[str]) -> int:
        """Add the rows (and stored texts) of the documents ``keep`` (sha256 values) from the
        tables already in ``out_dir``, except documents added to this writer: an
        incremental run replaces what changed and keeps the rest. Returns how many."""
        existing = self.out_dir / "documents.parquet"
        if not existing.exists():
            return 0
        docs = pq.read_table(existing, columns=["doc_id", "sha256", "text_path"]).to_pylist()
        carried = {d["doc_id"]: d["text_path"] for d in docs
                   if d["sha256"] in keep and d["doc_id"] not in self.doc_ids}
        for table in TABLES:
            path = self.out_dir / f"{table}.parquet"
            if not path.exists():
                continue
            old = pq.read_table(path)
            mask = pa.compute.is_in(old.column("doc_id"), value_set=pa.array(sorted(carried), pa.string()))
            kept = old.filter(mask)
            if table == "summary":     # the summary's columns follow the vocabulary: re-align
                kept = kept.select([c for c in kept.column_names if c in schema_for(table).names])
            self.rows[table].extend(kept.to_pylist())
        self._pending += len(carried)
        for text_path in carried.values():
            if text_path and (self.out_dir / text_path).exists():
                shutil.copyfile(self.out_dir / text_path, self.staging / text_path)
        self.doc_ids |= set(carried)
        return len(carried)

    def tables(self) -> dict[str, pa.Table]:
        return {t: pa.Table.from_pylist(self.rows[t], schema=schema_for(t)) for t in TABLES}

    def commit(self, settings: dict | None = None, timings: dict | None = None) -> ValidationReport:
        """Validate, then write the run and publish it; nothing moves if validation fails.
        ``settings`` and ``timings`` go into the run's manifest."""
        try:
            return self._commit(settings or {}, timings or {})
        except BaseException:
            self.abort()
            raise

    def _commit(self, settings: dict, timings: dict) -> ValidationReport:
        self.flush()
        self._close()
        if self._failures:
            self.abort()
            return ValidationReport(pd.concat(self._failures, ignore_index=True))
        report = ValidationReport(_NO_FAILURES.copy())
        write_package(self.staging, self.run_id)     # the partitioned dataset + datapackage.json
        manifest = self.manifest(settings, timings)
        (self.staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, default=str),
                                             encoding="utf-8")
        run_dir = self.out_dir / RUNS_DIR / self.run_id
        run_dir.parent.mkdir(exist_ok=True)
        os.replace(self.staging, run_dir)          # the run is complete from here on
        publish(self.out_dir, run_dir)
        report.run_id = self.run_id
        return report

    def _close(self) -> None:
        for w in self._writers.values():
            w.close()
        self._writers.clear()

    def manifest(self, settings: dict, timings: dict) -> dict:
        return {
            "run_id": self.run_id, "status": "complete",
            "started": _iso(self.started), "finished": _iso(time.time()),
            "gongkai_version": gongkai_version(), "git_commit": git_commit(),
            "settings": {"out_dir": str(self.out_dir), "keep_texts": self.keep_texts, **settings},
            "inputs": self.inputs,
            "counts": dict(self.counts),
            "timings": {"seconds": round(time.time() - self.started, 3), **timings},
        }

    def abort(self) -> None:
        self._close()
        shutil.rmtree(self.staging, ignore_errors=True)
