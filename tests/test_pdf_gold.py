"""`gongkai evaluate` on six hand-labeled real PDFs (Shanghai and Jiangsu; budgets, a unit
budget, final accounts, and one disclosure split into a prose PDF and a tables PDF)."""

from __future__ import annotations

import pytest

from gongkai.pipeline.review.evaluate import evaluate
from tests.conftest import FIXTURES, extract_into

PDF_GOLD = FIXTURES / "pdf_gold"


@pytest.fixture(scope="module")
def pdf_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf-out")
    return out, extract_into(out, sorted(PDF_GOLD.glob("*.pdf")), companions=True)


def test_every_pdf_is_ok_with_year_kind_and_agency(pdf_run):
    _, extractions = pdf_run
    for ex in extractions:
        assert ex.status == "ok", (ex.source, ex.error_message)
        assert ex.document["fiscal_year"] and ex.document["doc_kind"] and ex.document["agency"], ex.source


def test_standard_tables_become_line_items(pdf_run):
    _, extractions = pdf_run
    for ex in extractions:
        if "budget_text" in ex.source:  # the prose half of a split disclosure has no tables
            assert not ex.line_items
            continue
        kinds = {it["table_kind"] for it in ex.line_items}
        assert {"income_expenditure_summary", "general_budget_expenditure_by_function"} <= kinds, ex.source


def test_recall_and_wrong_values(pdf_run):
    out, _ = pdf_run
    report = evaluate(out, PDF_GOLD)
    assert len(report.docs) == 7
    for doc in report.docs:
        assert doc.recall >= 0.95, (doc.source, doc.missed)
        assert not doc.on_traps, doc.on_traps
    assert report.wrong == 0
    assert report.recall >= 0.99


def test_summary_takes_exact_table_values(pdf_run):
    out, extractions = pdf_run
    report = evaluate(out, PDF_GOLD)
    assert sum(d.summary_ok for d in report.docs) >= sum(d.summary_total for d in report.docs) - 2
    zfb = next(ex for ex in extractions if "zfb_2025" in ex.source)
    assert zfb.summary_sources["income_total"] == "table"
    assert str(zfb.summary["income_total"]) == "91016775.35"


def test_companion_files_share_a_disclosure_and_are_checked_across(pdf_run):
    _, extractions = pdf_run
    text = next(ex for ex in extractions if "swbgt_2019_budget_text" in ex.source)
    tables = next(ex for ex in extractions if "swbgt_2019_budget_tables" in ex.source)
    assert text.disclosure_id == tables.disclosure_id is not None
    across = [c for c in text.checks if c.rule.endswith("_across_files")]
    assert across and all(c.status == "pass" for c in across), [c.message for c in across if c.status != "pass"]


def test_checks_between_tables(pdf_run):
    """Two standard tables stating the same figure are compared; on these PDFs they agree."""
    _, extractions = pdf_run
    for ex in extractions:
        if ex.line_items:
            between = [c for c in ex.checks if c.rule == "tables_agree"]
            assert between and all(c.status == "pass" for c in between), ex.source
