"""One document's bad rows cost no other document its output (issue 13, isolation).

Real extractions of the held-out fixtures, one of them damaged the ways real documents
have broken a run: a change without a direction, an amount too large for the decimal
type, a figure no decimal context can hold, a year outside the schema's range."""

from __future__ import annotations

import copy
from decimal import Decimal

import pyarrow.parquet as pq
import pytest

from gongkai.extractors.extract import extract_path
from gongkai.pipeline.run.history import complete_runs
from gongkai.pipeline.run.isolate import isolate
from gongkai.pipeline.run.rows import rows_for
from gongkai.pipeline.run.writer import OutputWriter
from tests.conftest import FIXTURES, SEED

DOCS = [
    *sorted((FIXTURES / "heldout").glob("*.txt")),
    FIXTURES / "pdf_gold" / "sh_pt_czj_2025_dept_budget.pdf",  # figures and standard tables
    *sorted((FIXTURES / "html").glob("*.html")),
]


@pytest.fixture(scope="module")
def extractions():
    exs = [extract_path(p) for p in DOCS]
    assert all(ex.status == "ok" for ex in exs)
    return exs


def _change_without_direction(ex):
    fact = next(f for f in ex.facts if f.kind == "change")
    fact.direction = None
    return "facts fails changes_have_a_direction (row "


def _amount_too_large_for_decimal_22_2(ex):
    ex.line_items[0]["amount"] = Decimal("1e21")  # converts to Decimal, not to DECIMAL(22,2)
    return "line_items: ArrowInvalid"


def _figure_no_decimal_context_holds(ex):
    ex.facts[0].value = Decimal("1e40")  # rows_for cannot even quantize it
    return "its rows could not be built"


def _year_out_of_range(ex):
    ex.document["fiscal_year"] = 1980
    return "documents.fiscal_year fails"


@pytest.mark.parametrize(
    "damage",
    [
        _change_without_direction,
        _amount_too_large_for_decimal_22_2,
        _figure_no_decimal_context_holds,
        _year_out_of_range,
    ],
)
@pytest.mark.parametrize("flush_every", [1, 2, 1000])
def test_a_damaged_document_is_a_failed_row_and_the_others_are_written(tmp_path, extractions, damage, flush_every):
    exs = copy.deepcopy(extractions)
    victim = next(i for i, ex in enumerate(exs) if ex.line_items and any(f.kind == "change" for f in ex.facts))
    says = damage(exs[victim])
    writer = OutputWriter(tmp_path, flush_every=flush_every)
    for ex in exs:
        writer.add(ex)
    report = writer.commit()
    assert report.ok and report.run_id
    docs = pq.read_table(tmp_path / "documents.parquet").to_pylist()
    assert [d["doc_id"] for d in docs] == [ex.doc_id for ex in exs]  # every document has its row, in order
    bad = docs[victim]
    assert bad["status"] == "failed" and bad["error_reason"] == "invalid_extraction"
    assert says in bad["error_message"] and str(DOCS[victim]) in bad["error_message"]
    assert bad["n_facts"] == 0 and bad["fiscal_year"] is None
    for table in ("facts", "line_items", "checks", "summary", "projects"):
        ids = set(pq.read_table(tmp_path / f"{table}.parquet", columns=["doc_id"]).column("doc_id").to_pylist())
        assert exs[victim].doc_id not in ids, table
    good = [ex for i, ex in enumerate(exs) if i != victim]
    facts = pq.read_table(tmp_path / "facts.parquet", columns=["doc_id"]).column("doc_id").to_pylist()
    assert len(facts) == sum(len(ex.facts) for ex in good)
    assert report.summary["counts"]["failed"] == 1
    assert any(p["reason"] == "invalid_extraction" for p in report.summary["problems"])


def test_isolate_leaves_sound_rows_alone(extractions):
    rows = {t: [] for t in ("documents", "facts", "projects", "summary", "checks", "line_items")}
    for ex in extractions:
        for table, got in rows_for(ex).items():
            rows[table].extend(got)
    kept, withheld = isolate(rows)
    assert withheld == [] and kept is rows


def test_a_failure_no_single_document_explains_publishes_nothing(tmp_path, extractions):
    """The same doc_id twice in one batch: each copy is sound alone, together they break
    the table's uniqueness: the run is invalid and the previous output stays."""
    twin = copy.deepcopy(extractions[0])
    twin.source = "elsewhere/" + twin.source
    writer = OutputWriter(tmp_path / "out", flush_every=1000)
    writer.tables.add(extractions[0], None)
    writer.tables.add(twin, None)
    report = writer.commit()
    assert not report.ok and report.run_id is None
    assert "unique" in " ".join(report.failures["check"].astype(str))
    assert not complete_runs(tmp_path / "out")


def test_links_to_nowhere_and_link_loops_in_a_folder_become_failed_rows(tmp_path):
    from gongkai.pipeline.run.settings import discover

    folder = tmp_path / "in"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "budget.txt").write_bytes(SEED.read_bytes())
    (folder / "a" / "gone.txt").symlink_to("nowhere.txt")
    (folder / "a" / "loop.txt").symlink_to(folder / "a" / "loop.txt")
    (folder / "a" / "up").symlink_to(folder)  # a directory loop: searched once
    found = discover([folder])
    assert sorted(p.name for p in found) == ["budget.txt", "gone.txt", "loop.txt"]
    reasons = {p.name: extract_path(p).error_reason for p in found}
    assert reasons == {"budget.txt": None, "gone.txt": "file_missing", "loop.txt": "unreadable"}
