from decimal import Decimal

import pytest

from gongkai.extractors.load.sheet import XLS_MEDIA_TYPE, XLSX_MEDIA_TYPE, load_sheet
from gongkai.extractors.tables.continued import merge_continued
from gongkai.extractors.tables.line_items import line_items
from gongkai.schemas.reasons import DocumentError, Reason
from tests.sheet_fixtures import EXPENDITURE_ROWS, SUMMARY_ROWS, xls_bytes, xlsx_bytes


@pytest.fixture(scope="module")
def doc():
    return load_sheet("budget.xlsx", xlsx_bytes())


def _items(doc, kind):
    return [i for i in line_items(merge_continued(list(doc.tables))) if i["table_kind"] == kind]


def test_media_type_text_and_kinds(doc):
    assert doc.media_type == XLSX_MEDIA_TYPE
    assert [t.kind for t in doc.tables] == [
        "income_expenditure_summary",
        "general_budget_expenditure_by_function",
        "general_budget_basic_expenditure",
        "three_public",
    ]
    assert doc.text.startswith("收支总表\n2024年部门收支总表\n单位：万元\n")
    assert "一、一般公共预算拨款收入\t1234.56\t一、一般公共服务支出\t1000.5" in doc.text
    for label in ["行政运行", "一般行政管理事务", "30101 基本工资", "公务接待费", "Sheet3"]:
        assert label in doc.text
    assert all(isinstance(c.value, Decimal) for t in doc.tables for r in t.rows for c in r.amounts)


def test_summary_merged_two_level_header(doc):
    t = doc.tables[0]
    assert t.title == "2024年部门收支总表" and t.unit == "万元" and t.unit_source == "line"
    assert [c.measure for c in t.columns] == ["收入 / 预算数", "支出 / 预算数"]
    assert [c.measure_key for c in t.columns] == ["budget", "budget"]
    items = _items(doc, "income_expenditure_summary")
    got = {(i["row_label"], i["measure"]): i["amount"] for i in items}
    assert got[("一、一般公共预算拨款收入", "收入 / 预算数")] == Decimal("12345600")
    assert got[("一、一般公共服务支出", "支出 / 预算数")] == Decimal("10005000")
    assert got[("二、教育支出", "支出 / 预算数")] == Decimal("2340600")
    assert got[("二、政府性基金预算拨款收入", "收入 / 预算数")] == 0
    assert len(items) == 2 * len(SUMMARY_ROWS)


def _check_expenditure(items):
    assert {i["measure_key"] for i in items} == {"total", "basic", "project"}
    by = {(i["code"], i["measure_key"]): i for i in items if i["code"]}
    assert by[("201", "total")]["level"] == 1 and by[("201", "total")]["parent_code"] is None
    assert by[("20103", "basic")]["level"] == 2 and by[("20103", "basic")]["parent_code"] == "201"
    assert by[("2010301", "project")]["level"] == 3 and by[("2010301", "project")]["parent_code"] == "20103"
    assert by[("2010301", "total")]["row_label"] == "行政运行"
    assert by[("2010301", "total")]["classification_kind"] == "function"
    assert by[("201", "total")]["amount"] == Decimal("3005000")
    assert by[("2010302", "project")]["amount"] == Decimal("1002500")
    totals = [i for i in items if i["row_label"] == "合计"]
    assert [i["amount"] for i in totals] == [Decimal("3005000"), Decimal("2002500"), Decimal("1002500")]
    rows = {}
    for i in items:
        rows.setdefault(i["row_index"], {})[i["measure_key"]] = i["amount"]
    assert len(rows) == len(EXPENDITURE_ROWS)
    for r in rows.values():
        assert r["total"] == r["basic"] + r["project"]


def test_expenditure_codes_levels_identity(doc):
    t = doc.tables[1]
    assert t.number == "公开03表" and t.unit == "万元"
    assert [c.measure for c in t.columns] == ["合计", "基本支出", "项目支出"]
    _check_expenditure(_items(doc, "general_budget_expenditure_by_function"))


def test_second_sheet_two_tables(doc):
    basic = _items(doc, "general_budget_basic_expenditure")
    assert [(i["code"], i["row_label"], i["level"], i["parent_code"], i["amount"]) for i in basic] == [
        ("30101", "基本工资", 2, "301", Decimal("12345.67")),
        ("30102", "津贴补贴", 2, "301", Decimal("500")),
    ]
    three = _items(doc, "three_public")
    assert [(i["row_label"], i["amount"]) for i in three] == [
        ("公务接待费", Decimal("12000")),
        ("因公出国（境）费用", Decimal("3500")),
    ]


def test_legacy_xls():
    data = xls_bytes()
    if data is None:
        pytest.skip("xlwt not installed")
    doc = load_sheet("budget.xls", data)
    assert doc.media_type == XLS_MEDIA_TYPE
    assert [t.kind for t in doc.tables] == ["general_budget_expenditure_by_function"]
    assert "2010301\t行政运行" in doc.text
    _check_expenditure(_items(doc, "general_budget_expenditure_by_function"))


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", Reason.EMPTY_FILE),
        (b"PK\x03\x04 not really a zip", Reason.CORRUPT_FILE),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, Reason.CORRUPT_FILE),
    ],
)
def test_errors(data, reason):
    with pytest.raises(DocumentError) as e:
        load_sheet("bad.xlsx", data)
    assert e.value.reason == reason


def test_a_workbook_goes_through_the_pipeline(tmp_path):
    """gongkai extracts a spreadsheet like any disclosure: its tables land in line_items."""
    from gongkai.extractors.extract import extract_path
    from tests.sheet_fixtures import xlsx_bytes

    path = tmp_path / "2024年部门预算公开表.xlsx"
    path.write_bytes(xlsx_bytes())
    ex = extract_path(path)
    assert ex.status in ("ok", "partial"), ex.error_message
    assert ex.line_items
    kinds = {it["table_kind"] for it in ex.line_items}
    assert "general_budget_expenditure_by_function" in kinds
    assert any(c.rule == "row_total_equals_basic_plus_project" and c.status == "pass" for c in ex.checks)
