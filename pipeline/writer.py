"""Write the output tables atomically.

Everything is written into a staging directory inside ``out_dir`` first; only
after all tables are written and validated are they moved into place with
``os.replace`` (atomic per file on one filesystem). A crash before that point
leaves the previous output whole.
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute  # noqa: F401  (pa.compute)
import pyarrow.parquet as pq

from extractors.model import Extraction
from schemas.tables import TABLES, rows_for, schema_for
from schemas.validation import ValidationReport, validate_tables

_PANDAS_TYPES = {
    pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype(),
}


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """Decimals stay Decimal objects; nullable ints stay ints."""
    return table.to_pandas(types_mapper=_PANDAS_TYPES.get)


class OutputWriter:
    """Collects the rows of a run and commits them in one step."""

    def __init__(self, out_dir: Path, keep_texts: bool = True):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.staging = self.out_dir / f".staging-{uuid.uuid4().hex[:8]}"
        (self.staging / "texts").mkdir(parents=True)
        self.keep_texts = keep_texts
        self.rows: dict[str, list[dict]] = {t: [] for t in TABLES}
        self.doc_ids: set[str] = set()

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
        return True

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
        for text_path in carried.values():
            if text_path and (self.out_dir / text_path).exists():
                shutil.copyfile(self.out_dir / text_path, self.staging / text_path)
        self.doc_ids |= set(carried)
        return len(carried)

    def tables(self) -> dict[str, pa.Table]:
        return {t: pa.Table.from_pylist(self.rows[t], schema=schema_for(t)) for t in TABLES}

    def commit(self) -> ValidationReport:
        """Validate, then move every table into ``out_dir``; nothing moves if validation fails."""
        try:
            return self._commit()
        except BaseException:
            self.abort()
            raise

    def _commit(self) -> ValidationReport:
        tables = self.tables()
        report = validate_tables({t: to_pandas(tab) for t, tab in tables.items()})
        if not report.ok:
            self.abort()
            return report
        for name, table in tables.items():
            pq.write_table(table, self.staging / f"{name}.parquet")
        for name in tables:
            os.replace(self.staging / f"{name}.parquet", self.out_dir / f"{name}.parquet")
        old_texts = self.out_dir / "texts"
        trash = self.out_dir / f".old-texts-{uuid.uuid4().hex[:8]}"
        if old_texts.exists():
            os.replace(old_texts, trash)
        os.replace(self.staging / "texts", old_texts)
        shutil.rmtree(trash, ignore_errors=True)
        shutil.rmtree(self.staging, ignore_errors=True)
        return report

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
