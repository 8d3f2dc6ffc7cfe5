"""The writer validates and writes rows in batches: the same tables as one batch, every
failure reported with its row in the final table, and nothing published on a failure."""

from __future__ import annotations

import copy

import pyarrow.parquet as pq

from gongkai.extractors.extract import extract_path
from gongkai.pipeline.run.history import complete_runs
from gongkai.pipeline.run.writer import OutputWriter
from tests.conftest import FIXTURES

DOCS = sorted((FIXTURES / "heldout").glob("*.txt")) + sorted((FIXTURES / "html").glob("*.html"))


def _write(out, extractions, flush_every):
    writer = OutputWriter(out, flush_every=flush_every)
    for ex in extractions:
        writer.add(ex)
    return writer.commit()


def test_batches_write_the_same_tables(tmp_path):
    exs = [extract_path(p) for p in DOCS]
    assert _write(tmp_path / "one", exs, 1000).ok and _write(tmp_path / "two", exs, 2).ok
    for table in ("documents", "facts", "checks", "summary", "line_items"):
        assert pq.read_table(tmp_path / "one" / f"{table}.parquet").equals(
            pq.read_table(tmp_path / "two" / f"{table}.parquet")
        ), table
    one, two = (complete_runs(tmp_path / d)[-1] for d in ("one", "two"))
    import json

    m1, m2 = (json.loads((r / "manifest.json").read_text(encoding="utf-8")) for r in (one, two))
    assert m1["counts"] == m2["counts"] and m1["inputs"] == m2["inputs"] and m1["counts"]["documents"] == len(DOCS)


def test_a_bad_row_in_a_later_batch_fails_its_document_only(tmp_path):
    """A row that breaks a check in a later batch: its document becomes a failed row
    (invalid_extraction, naming the column), the batches before and after are written."""
    exs = [extract_path(p) for p in DOCS]
    bad = copy.deepcopy(exs[-1])
    bad.doc_id = "f" * 16
    bad.document["fiscal_year"] = 1980
    report = _write(tmp_path / "out", exs + [bad], 2)
    assert report.ok and report.run_id
    docs = pq.read_table(tmp_path / "out" / "documents.parquet").to_pylist()
    assert len(docs) == len(exs) + 1 and all(d["status"] == "ok" for d in docs[:-1])
    assert docs[-1]["error_reason"] == "invalid_extraction" and "documents.fiscal_year" in docs[-1]["error_message"]
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".staging")]
