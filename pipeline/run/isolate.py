"""One document's bad rows never cost the others theirs.

The writer validates its pending rows a batch at a time (fast). When a batch does not
convert to the tables' arrow types (an amount too large for the decimal type, say) or
fails a schema check, the rows are looked at document by document: a document whose
own rows fail becomes a ``failed`` documents row with reason ``invalid_extraction`` and
a message naming the table, column and check; its other rows are withheld. Everything
else in the batch is written as it was.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from gongkai.schemas.reasons import Reason
from gongkai.schemas.tables import TABLES, schema_for
from gongkai.schemas.validation import validate_tables

Rows = dict[str, list[dict]]

_PANDAS_TYPES = {
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """A table as the validator sees it: decimals stay Decimal objects; nullable ints stay ints."""
    return table.to_pandas(types_mapper=_PANDAS_TYPES.get)


# What a withheld document's row keeps: who it is and where its text is; the rest is what
# a failed document states (nothing), so the row itself always validates.
_KEPT = ("doc_id", "source", "sha256", "media_type", "encoding", "disclosure_id", "text_path")
_EMPTY_LISTS = ("budget_units", "internal_units", "ocr_pages", "attachments")


def by_document(rows: Rows) -> dict[str, Rows]:
    """The rows of each document (by doc_id), in the order the documents came."""
    out: dict[str, Rows] = {d["doc_id"]: {t: [] for t in TABLES} for d in rows["documents"]}
    for table in TABLES:
        for row in rows[table]:
            out.setdefault(row["doc_id"], {t: [] for t in TABLES})[table].append(row)
    return out


def problem_of(rows: Rows) -> str | None:
    """What is wrong with one document's rows (None: they convert and validate)."""
    frames = {}
    for table in TABLES:
        try:
            arrow = pa.Table.from_pylist(rows[table], schema=schema_for(table))
        except (pa.ArrowException, ValueError, TypeError, ArithmeticError) as exc:
            return f"{table}: {type(exc).__name__}: {exc}"
        frames[table] = to_pandas(arrow)
    report = validate_tables(frames)
    if report.ok:
        return None
    failures = report.failures
    first = failures.iloc[0]
    same = failures[(failures["table"] == first["table"]) & (failures["check"] == first["check"])]
    if same["column"].nunique() > 1:  # a check of whole rows: pandera lists every column of the row
        said = f"{first['table']} fails {first['check']} (row {first['index']})"
    else:
        said = f"{first['table']}.{first['column']} fails {first['check']}: {first['failure_case']!r}"
    others = failures[["table", "check"]].drop_duplicates().shape[0] - 1
    return said + (f" (and {others} more checks)" if others else "")


def withheld(document: dict, problem: str) -> dict:
    """The documents row of a document whose rows are withheld."""
    row: dict = {k: ([] if k in _EMPTY_LISTS else None) for k in document}
    row.update({k: document[k] for k in _KEPT if k in document})
    row.update(
        n_facts=0,
        n_checks_failed=0,
        n_line_items=0,
        status="failed",
        error_reason=Reason.INVALID_EXTRACTION.value,
        error_message=f"{document['source']}: {problem}; its figures, tables and checks are withheld",
    )
    return row


def isolate(rows: Rows) -> tuple[Rows, list[dict]]:
    """``rows`` without the rows of documents that fail on their own, and those documents'
    (failed) documents rows, which take their place in the documents table."""
    bad = {}
    for doc_id, own in by_document(rows).items():
        if not own["documents"]:
            continue
        problem = problem_of(own)
        if problem is not None:
            bad[doc_id] = withheld(own["documents"][0], problem)
    if not bad:
        return rows, []
    kept: Rows = {t: [r for r in rows[t] if r["doc_id"] not in bad] for t in TABLES if t != "documents"}
    kept["documents"] = [bad.get(d["doc_id"], d) for d in rows["documents"]]
    return kept, list(bad.values())
