"""Word (.docx) disclosures: paragraphs and tables in order, tables as line items."""

from __future__ import annotations

import io
from decimal import Decimal

import docx
import pytest

from gongkai.extractors.extract import extract_path
from gongkai.extractors.load.dispatch import load_document
from gongkai.schemas.reasons import DocumentError, Reason


def _docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("怀化市政务服务中心2024年部门预算")
    d.add_paragraph("一、部门收支总体情况")
    d.add_paragraph("支出预算1094.8万元，其中基本支出439.56万元，项目支出655.24万元。2024年无政府性基金预算支出。")
    d.add_paragraph("部门支出总表")
    d.add_paragraph("单位：万元")
    t = d.add_table(rows=4, cols=5)
    t.cell(0, 2).merge(t.cell(0, 4))
    for r, row in enumerate(
        [
            ["科目编码", "科目名称", "本年支出", "", ""],
            ["", "", "合计", "基本支出", "项目支出"],
            ["201", "一般公共服务支出", "1094.80", "439.56", "655.24"],
            ["", "合计", "1094.80", "439.56", "655.24"],
        ]
    ):
        for c, text in enumerate(row):
            if text:
                t.cell(r, c).text = text
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_text_tables_and_facts(tmp_path):
    path = tmp_path / "budget.docx"
    path.write_bytes(_docx())
    ex = extract_path(path)
    assert ex.status == "ok" and ex.media_type.endswith("wordprocessingml.document")
    assert (ex.document["agency"], ex.document["fiscal_year"], ex.document["doc_kind"]) == (
        "怀化市政务服务中心",
        2024,
        "budget",
    )
    assert any(f.raw == "439.56万元" and f.concept == "expenditure_basic" for f in ex.facts)
    assert any(f.stated_none and f.concept == "fund_budget_expenditure" for f in ex.facts)
    items = {(it["row_label"], it["measure_key"]): it["amount"] for it in ex.line_items}
    assert items[("一般公共服务支出", "project")] == Decimal("6552400")
    assert ex.summary_sources["expenditure_basic"] == "table"
    assert any(c.rule == "text_agrees_with_tables" and c.status == "pass" for c in ex.checks)


def test_broken_docx_names_file_and_reason(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(DocumentError) as exc:
        load_document(path)
    assert exc.value.reason == Reason.CORRUPT_FILE and "broken.docx" in exc.value.message
