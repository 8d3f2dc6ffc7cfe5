"""Standard tables of disclosure PDFs: kinds, units, headers, codes and exact amounts.

Synthetic tables (tests/table_fixtures.py, drawn with reportlab) check every part of the
chain against the values they were drawn with; three real disclosures copied into
tests/fixtures/pdf_gold/ check the extraction on meaning (kinds found, totals that must
agree, figures read off the PDFs by eye).
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest

from gongkai.extractors.tables.classification import code_info, compose_code, split_leading_code
from gongkai.extractors.tables.continued import merge_continued
from gongkai.extractors.tables.line_items import line_items
from gongkai.extractors.tables.model import Table
from gongkai.extractors.tables.page import tables_on_page
from gongkai.extractors.tables.titles import classify_title, measure_key, title_key
from gongkai.schemas.table_kinds import load_table_kinds
from tests.table_fixtures import (
    BASIC_ROWS,
    FUNCTION_ROWS,
    FUNCTION_ROWS_ON_FIRST_PAGE,
    STATE_ROWS,
    SUMMARY,
    build_tables_pdf,
    yuan,
)

REAL = Path(__file__).parent / "fixtures" / "pdf_gold"  # the real PDFs labeled there
JS = REAL / "js_swbgt_2019_budget_tables.pdf"  # Jiangsu 2019 budget, 12 tables, 万元
SH = REAL / "sh_pt_zfb_2025_dept_budget.pdf"  # Shanghai Putuo 2025 budget, 类/款/项 columns, 元
SH_FINAL = REAL / "sh_pt_shgzb_2024_final.pdf"  # Shanghai Putuo 2024 final accounts (决算), 万元


def extract(path: Path) -> list[Table]:
    """As the PDF loader does: one page at a time, then the continued tables merged."""
    parts: list[Table] = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            parts.extend(tables_on_page(page, number))
            page.close()
    return merge_continued(parts)


def by_kind(tables: list[Table]) -> dict[str, Table]:
    return {t.kind: t for t in tables}


def cells(items: list[dict], kind: str) -> list[dict]:
    return [it for it in items if it["table_kind"] == kind]


def cell(
    items: list[dict],
    kind: str,
    *,
    label: str | None = None,
    code: str | None = None,
    key: str | None = None,
    measure: str | None = None,
) -> dict:
    found = [
        it
        for it in cells(items, kind)
        if (label is None or re.sub(r"\s", "", it["row_label"] or "") == label)
        and (code is None or it["code"] == code)
        and (key is None or it["measure_key"] == key)
        and (measure is None or it["measure"] == measure)
    ]
    assert len(found) == 1, f"{kind} {label} {code} {key} {measure}: {len(found)} cells"
    return found[0]


# --- the vocabulary -----------------------------------------------------------------------------
# Titles as printed in the 15 real disclosures of the corpus (numbers and years included).
REAL_TITLES = {
    "一、2017年度江苏省高级人民法院部门收支预算总表": "income_expenditure_summary",
    "一、2018 年度江苏省高级人民法院收支预算总表": "income_expenditure_summary",
    "收支预算总表": "income_expenditure_summary",
    "2025年部门财务收支预算总表": "income_expenditure_summary",
    "2024年预算单位财务收支预算总表": "income_expenditure_summary",
    "收入支出决算总表": "income_expenditure_summary",
    "部门收支总体情况表": "income_expenditure_summary",
    "二、2017年度江苏省高级人民法院部门收入预算总表": "income_summary",
    "收入预算总表": "income_summary",
    "2025年部门收入预算总表": "income_summary",
    "收入决算表": "income_summary",
    "三、2018年度江苏省高级人民法院支出预算总表": "expenditure_summary",
    "支出预算总表": "expenditure_summary",
    "2026年预算单位支出预算总表": "expenditure_summary",
    "支出决算表": "expenditure_summary",
    "四、2017年度江苏省高级人民法院部门财政拨款收支预算总表": "fiscal_appropriation_summary",
    "财政拨款收支预算总表": "fiscal_appropriation_summary",
    "2025年部门财政拨款收支预算总表": "fiscal_appropriation_summary",
    "财政拨款收入支出决算总表": "fiscal_appropriation_summary",
    "五、2018年度江苏省高级人民法院财政拨款支出预算表": "fiscal_appropriation_expenditure",
    "财政拨款支出预算表（功能科目）": "fiscal_appropriation_expenditure",
    "六、2017年度江苏省高级人民法院部门财政拨款基本支出预算表": "fiscal_appropriation_basic_expenditure",
    "财政拨款基本支出预算表（经济科目）": "fiscal_appropriation_basic_expenditure",
    "八、2017年度江苏省高级人民法院部门一般公共预算支出预算表": "general_budget_expenditure_by_function",
    "一般公共预算支出预算表（功能科目）": "general_budget_expenditure_by_function",
    "2025年部门一般公共预算支出功能分类预算表": "general_budget_expenditure_by_function",
    "一般公共预算财政拨款支出决算表": "general_budget_expenditure_by_function",
    "九、2017年度江苏省高级人民法院部门一般公共预算基本支出预算表": "general_budget_basic_expenditure",
    "一般公共预算基本支出预算表（经济科目）": "general_budget_basic_expenditure",
    "2025年部门一般公共预算基本支出部门预算经济分类预算表": "general_budget_basic_expenditure",
    "一般公共预算财政拨款基本支出决算表": "general_budget_basic_expenditure",
    "十一、2017年江苏省高级人民法院部门一般公共预算“三公”经费、会议费、培训费支出预算表": "three_public",
    "“三公”经费、会议费、培训费支出预算表": "three_public",
    "2025年部门“三公”经费和机关运行经费预算表": "three_public",
    "单位“三公”经费和机关运行经费预算表": "three_public",
    "财政拨款“三公”经费支出决算表": "three_public",
    "七、2017年度江苏省高级人民法院部门政府性基金支出预算表": "government_fund_expenditure",
    "十、2018年度江苏省高级人民法院政府性基金预算财政拨款支出预算表": "government_fund_expenditure",
    "财政拨款政府性基金支出预算表": "government_fund_expenditure",
    "十、政府性基金财政拨款支出预算表": "government_fund_expenditure",
    "2025年部门政府性基金预算支出功能分类预算表": "government_fund_expenditure",
    "政府性基金预算财政拨款收入支出决算表": "government_fund_expenditure",
    "2025年部门国有资本经营预算支出功能分类预算表": "state_capital_expenditure",
    "国有资本经营预算财政拨款收入支出决算表": "state_capital_expenditure",
    "十、2017年度江苏省高级人民法院部门一般公共预算机关运行经费支出预算表": "office_operating_costs",
    "一般公共预算机关运行经费支出预算表": "office_operating_costs",
    "十二、2017年江苏省高级人民法院部门政府采购预算表": "procurement",
    "2019年政府采购预算表": "procurement",
    "十二、2018 年度江苏省高级人民法院政府采购支出预算表": "procurement",
    "财政项目支出绩效目标填报表": "performance_targets",
    # numbering variants of other provinces
    "公开01表 部门收支总表": "income_expenditure_summary",
    "表1 2024年部门收支总表": "income_expenditure_summary",
    "附表1-1 部门收入总表": "income_summary",
    "表3 部门支出总表": "expenditure_summary",
    "公开04表 财政拨款收支总表": "fiscal_appropriation_summary",
    "表5 一般公共预算支出表": "general_budget_expenditure_by_function",
    "表6 一般公共预算基本支出表": "general_budget_basic_expenditure",
    "表7 一般公共预算“三公”经费支出表": "three_public",
    "表8 政府性基金预算支出表": "government_fund_expenditure",
    "表9 国有资本经营预算支出表": "state_capital_expenditure",
    "表10 项目支出表": "project_expenditure",
    "表11 项目支出绩效目标表": "performance_targets",
    "表12 部门整体支出绩效目标表": "overall_performance_targets",
    "表13 政府采购预算表": "procurement",
    "一般公共预算支出表（续）": "general_budget_expenditure_by_function",
}

NOT_TITLES = [
    "第二部分 江苏省高级人民法院 2017 年度部门预算表",
    "上海市规划和自然资源局 2024 年度部门决算表",
    "一、收支预算总表情况说明",
    "详见单位的项目绩效目标表",
    "1. 2026年部门财务收支预算总表 ……………………………………",
    "本表反映部门本年度的总收支和年末结转结余情况。",
    "五、部门预算表",
]


def test_every_pattern_compiles_and_every_kind_has_one():
    kinds = load_table_kinds()
    assert len({k.name for k in kinds.kinds}) == len(kinds.kinds)
    for kind in kinds.kinds:
        assert re.fullmatch(r"[a-z][a-z_]*", kind.name), kind.name
        assert kind.patterns, kind.name
        assert kind.classification in ("function", "economic", "none")
        assert kind.default_unit in ("元", "万元")
    assert {
        "income_expenditure_summary",
        "income_summary",
        "expenditure_summary",
        "fiscal_appropriation_summary",
        "general_budget_expenditure_by_function",
        "general_budget_basic_expenditure",
        "three_public",
        "government_fund_expenditure",
        "state_capital_expenditure",
        "project_expenditure",
        "performance_targets",
        "procurement",
    } <= {k.name for k in kinds.kinds}


@pytest.mark.parametrize("title,kind", sorted(REAL_TITLES.items()))
def test_real_titles_have_exactly_one_kind(title, kind):
    kinds = load_table_kinds()
    key, _, _ = title_key(title)
    claiming = [k.name for k in kinds.kinds if any(p.search(key) for p in k.patterns)]
    assert claiming == [kind]
    assert classify_title(title) == kind


@pytest.mark.parametrize("line", NOT_TITLES)
def test_headings_and_prose_are_not_titles(line):
    assert classify_title(line) is None


def test_title_numbers_and_continuation():
    assert title_key("公开01表 部门收支总表")[1] == "公开01表"
    assert title_key("附表1-1 部门收入总表")[1] == "附表1-1"
    assert title_key("十二、2017年江苏省高级人民法院部门政府采购预算表")[1] == "十二、"
    assert title_key("一般公共预算支出表（续）") == ("一般公共预算支出表", None, True)


@pytest.mark.parametrize(
    "levels,key",
    [
        (["本年支出", "基本支出"], "basic"),
        (["支出预算", "合计"], "total"),
        (["一般公共预算基本支出", "人员经费"], "personnel"),
        (["一般公共预算基本支出", "公用经费"], "public_funds"),
        (["上年预算数"], "budget_previous"),
        (["收入", "决算数"], "final"),
        (["本年收入"], "income_current_year"),
        (["“三公”经费", "小计"], "three_public_total"),
        (["“三公”经费", "公务用车购置及运行维护费", "小计"], "vehicle"),
        (["财政拨款“三公”经费", "因公出国（境）费", "决算数"], "overseas_travel_final"),
        (["2024年机关运行经费预算数"], "operating_costs"),
        (["功能分类科目名称"], None),
    ],
)
def test_measure_keys(levels, key):
    assert measure_key(levels) == key


def test_classification_codes():
    assert code_info("2010301") == ("2010301", "function", 3, "20103")
    assert code_info("20103") == ("20103", "function", 2, "201")
    assert code_info("201") == ("201", "function", 1, None)
    assert code_info("30101") == ("30101", "economic", 2, "301")
    assert code_info("50201")[1:] == ("economic", 2, "502")
    assert code_info("2024") is None and code_info("3010101") is None
    assert compose_code(["201", "03", "01"]) == "2010301"
    assert compose_code(["301", "2"]) == "30102"  # 款 printed without its leading zero
    assert compose_code(["201", "20103"]) == "20103"
    assert split_leading_code("2010301 行政运行") == ("2010301", "行政运行")
    assert split_leading_code("一般公共服务支出") is None


# --- synthetic tables ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[list[Table], list[dict]]:
    path = build_tables_pdf(tmp_path_factory.mktemp("tables") / "synthetic_tables.pdf")
    tables = extract(path)
    return tables, line_items(tables)


def test_synthetic_kinds_titles_numbers_units(synthetic):
    tables, _ = synthetic
    assert [(t.kind, t.title, t.number, t.unit, t.unit_source, t.pages) for t in tables] == [
        ("income_expenditure_summary", "2024年部门收支总表", "公开01表", "万元", "line", [2]),
        ("general_budget_expenditure_by_function", "2024年一般公共预算支出表", "公开02表", "元", "line", [3, 4]),
        ("general_budget_basic_expenditure", "2024年一般公共预算基本支出表", "公开03表", "万元", "line", [4]),
        ("government_fund_expenditure", "2024年政府性基金预算支出表", "公开04表", "元", "line", [5]),
        ("state_capital_expenditure", "2024年国有资本经营预算支出表", "公开05表", "元", "line", [5]),
    ]  # the table of contents on page 1 names the tables but holds none
    assert [t.ruled for t in tables] == [True, True, False, True, True]


def test_synthetic_summary_ruled(synthetic):
    tables, items = synthetic
    summary = by_kind(tables)["income_expenditure_summary"]
    assert [c.measure for c in summary.columns] == ["收入 / 预算数", "支出 / 预算数"]
    got = [(it["row_label"], it["measure"], it["amount"], it["raw"]) for it in cells(items, summary.kind)]
    want = []
    for il, ia, el, ea in SUMMARY:
        if ia:
            want.append((il, "收入 / 预算数", yuan(ia, "万元"), ia))
        if ea:
            want.append((el, "支出 / 预算数", yuan(ea, "万元"), ea))
    assert got == want
    income = cell(items, summary.kind, label="收入总计")["amount"]
    spending = cell(items, summary.kind, label="支出总计")["amount"]
    assert income == spending == Decimal("12005000")
    parts = [
        it["amount"]
        for it in cells(items, summary.kind)
        if it["measure"] == "支出 / 预算数" and it["row_label"] != "支出总计"
    ]
    assert sum(parts) == spending


def test_synthetic_function_table_continued_over_two_pages(synthetic):
    tables, items = synthetic
    table = by_kind(tables)["general_budget_expenditure_by_function"]
    assert table.pages == [3, 4]
    assert [(c.measure, c.measure_key) for c in table.columns] == [
        ("一般公共预算支出 / 合计", "total"),
        ("一般公共预算支出 / 基本支出", "basic"),
        ("一般公共预算支出 / 项目支出", "project"),
    ]
    assert [r.page for r in table.rows] == [3] * FUNCTION_ROWS_ON_FIRST_PAGE + [4] * (
        len(FUNCTION_ROWS) - FUNCTION_ROWS_ON_FIRST_PAGE
    )  # the page number "- 3 -" is no row
    rows = defaultdict(dict)
    for it in cells(items, table.kind):
        rows[it["row_index"]][it["measure_key"]] = it
    assert len(rows) == len(FUNCTION_ROWS)
    for i, (code, name, total, basic, project) in enumerate(FUNCTION_ROWS):
        row = rows[i]
        assert {k: v["amount"] for k, v in row.items()} == {
            "total": yuan(total, "元"),
            "basic": yuan(basic, "元"),
            "project": yuan(project, "元"),
        }
        assert row["total"]["amount"] == row["basic"]["amount"] + row["project"]["amount"]
        first = row["total"]
        assert first["row_label"] == name
        assert first["code"] == (code or None)
        if code:
            assert first["code_name"] == name
            assert first["classification_kind"] == "function"
            assert first["level"] == {3: 1, 5: 2, 7: 3}[len(code)]
            assert first["parent_code"] == (code[:-2] if len(code) > 3 else None)
        assert first["pages"] == [3, 4] and first["unit"] == "元"
        x0, top, x1, bottom = first["x0"], first["top"], first["x1"], first["bottom"]
        assert 0 < x0 < x1 < 595 and 0 < top < bottom < 842
    # 类 = Σ 款 = Σ 项 holds in the drawn data, so it must hold in the extraction
    totals = {
        it["code"]: it["amount"] for it in cells(items, table.kind) if it["code"] and it["measure_key"] == "total"
    }
    for code, amount in totals.items():
        children = [a for c, a in totals.items() if code_info(c).parent == code]
        if children:
            assert sum(children) == amount, code


def test_synthetic_unruled_basic_table(synthetic):
    tables, items = synthetic
    table = by_kind(tables)["general_budget_basic_expenditure"]
    assert not table.ruled
    assert [(c.measure, c.measure_key) for c in table.columns] == [
        ("一般公共预算基本支出 / 合计", "total"),
        ("一般公共预算基本支出 / 人员经费", "personnel"),
        ("一般公共预算基本支出 / 公用经费", "public_funds"),
    ]
    got = defaultdict(dict)
    for it in cells(items, table.kind):
        got[(it["code"], it["row_label"])][it["measure_key"]] = it["amount"]
    want = {}
    for code, name, total, personnel, public in BASIC_ROWS:
        row = {"total": yuan(total, "万元")}
        if personnel:
            row["personnel"] = yuan(personnel, "万元")
        if public:
            row["public_funds"] = yuan(public, "万元")
        want[(code or None, name.replace("|", ""))] = row  # the wrapped name is read whole
    assert dict(got) == want
    for row in want.values():
        assert row["total"] == row.get("personnel", 0) + row.get("public_funds", 0)
    pension = cell(items, table.kind, code="30108", key="total")
    assert (pension["classification_kind"], pension["level"], pension["parent_code"]) == ("economic", 2, "301")


def test_synthetic_empty_table(synthetic):
    tables, items = synthetic
    table = by_kind(tables)["government_fund_expenditure"]
    assert table.empty and table.rows == []
    assert "本表为空" in table.note
    assert cells(items, table.kind) == []


def test_synthetic_levels_from_indentation(synthetic):
    tables, items = synthetic
    table = by_kind(tables)["state_capital_expenditure"]
    got = [(it["row_label"], it["level"], it["code"], it["amount"]) for it in cells(items, table.kind)]
    assert got == [
        (name, None if name == "合计" else level, None, yuan(amount, "元")) for level, name, amount in STATE_ROWS
    ]
    assert cell(items, table.kind, label="一般公共服务支出")["classification_kind"] == "function"


def test_line_item_columns_match_the_output_schema(synthetic):
    from gongkai.schemas.tables import LINE_ITEMS

    _, items = synthetic
    wanted = [n for n in LINE_ITEMS.names if n not in ("doc_id", "item_id")]
    assert items and all(list(it) == wanted for it in items)
    assert all(isinstance(it["amount"], Decimal) for it in items)


def test_tables_on_page_is_per_page(synthetic, tmp_path):
    """The loader calls tables_on_page once per page: a continuation part comes back untitled."""
    path = build_tables_pdf(tmp_path / "t.pdf")
    with pdfplumber.open(path) as pdf:
        first = tables_on_page(pdf.pages[0], 1)
        fourth = tables_on_page(pdf.pages[3], 4)
    assert first == []
    assert fourth[0].kind is None and fourth[0].continued
    assert [t.kind for t in fourth[1:]] == ["general_budget_basic_expenditure"]


# --- real disclosures ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def js() -> tuple[list[Table], list[dict]]:
    tables = extract(JS)
    return tables, line_items(tables)


@pytest.fixture(scope="module")
def sh() -> tuple[list[Table], list[dict]]:
    tables = extract(SH)
    return tables, line_items(tables)


@pytest.fixture(scope="module")
def sh_final() -> tuple[list[Table], list[dict]]:
    tables = extract(SH_FINAL)
    return tables, line_items(tables)


def test_js_standard_tables(js):
    tables, _ = js
    assert [t.kind for t in tables] == [
        "income_expenditure_summary",
        "income_summary",
        "expenditure_summary",
        "fiscal_appropriation_summary",
        "fiscal_appropriation_expenditure",
        "fiscal_appropriation_basic_expenditure",
        "general_budget_expenditure_by_function",
        "general_budget_basic_expenditure",
        "three_public",
        "government_fund_expenditure",
        "office_operating_costs",
        "procurement",
    ]
    assert {(t.unit, t.unit_source) for t in tables} == {("万元", "line")}
    assert by_kind(tables)["government_fund_expenditure"].empty
    assert "无相关收支" in by_kind(tables)["government_fund_expenditure"].note


def test_js_totals(js):
    tables, items = js
    summary = "income_expenditure_summary"
    assert [c.measure for c in by_kind(tables)[summary].columns] == [
        "收入 / 金额",
        "支出 / 功能分类 / 金额",
        "支出 / 支出用途 / 金额",
    ]
    assert (
        cell(items, summary, label="收入合计")["amount"]
        == cell(items, summary, label="支出合计")["amount"]
        == Decimal("276642200")
    )  # 27,664.22 万元
    assert cell(items, summary, label="一、一般公共服务支出")["amount"] == Decimal("223955000")
    assert cell(items, summary, label="二、项目支出")["measure"] == "支出 / 支出用途 / 金额"
    spending = "expenditure_summary"
    assert [c.measure for c in by_kind(tables)[spending].columns] == [
        "合计",
        "基本支出",
        "项目支出",
        "单位预留机动经费",
    ]
    assert cell(items, spending, key="basic")["amount"] == Decimal("117006300")
    row = {it["measure_key"]: it["amount"] for it in cells(items, spending)}
    assert row["total"] == row["basic"] + row["project"] + row["reserve"]


def test_js_codes_and_three_public(js):
    _, items = js
    run = cell(items, "general_budget_expenditure_by_function", code="2013101")
    assert (run["row_label"], run["amount"], run["level"], run["parent_code"], run["classification_kind"]) == (
        "行政运行",
        Decimal("93701200"),
        3,
        "20131",
        "function",
    )
    salary = cell(items, "general_budget_basic_expenditure", code="30101")
    assert (salary["row_label"], salary["amount"], salary["level"], salary["parent_code"]) == (
        "基本工资",
        Decimal("15812600"),
        2,
        "301",
    )
    basic = cells(items, "general_budget_basic_expenditure")
    for parent in ("301", "302", "303"):
        total = next(it["amount"] for it in basic if it["code"] == parent)
        assert sum(it["amount"] for it in basic if it["parent_code"] == parent) == total
    three = {it["measure_key"]: it["amount"] for it in cells(items, "three_public")}
    assert three == {
        "total": Decimal("14717000"),
        "three_public_total": Decimal("5082000"),
        "overseas_travel": Decimal("700000"),
        "vehicle": Decimal("4112000"),
        "vehicle_operation": Decimal("4112000"),
        "reception": Decimal("270000"),
        "meetings": Decimal("9335000"),
        "training": Decimal("300000"),
    }
    assert three["three_public_total"] == three["overseas_travel"] + three["vehicle"] + three["reception"]


def test_sh_standard_tables(sh):
    tables, _ = sh
    assert [(t.kind, t.pages) for t in tables] == [
        ("income_expenditure_summary", [8]),
        ("income_summary", [9, 10]),
        ("expenditure_summary", [11, 12]),
        ("fiscal_appropriation_summary", [13]),
        ("general_budget_expenditure_by_function", [14, 15]),
        ("government_fund_expenditure", [16]),
        ("state_capital_expenditure", [17]),
        ("general_budget_basic_expenditure", [18, 19]),
        ("three_public", [20]),
    ]
    assert [t.unit for t in tables] == ["元"] * 8 + ["万元"]
    for kind in ("government_fund_expenditure", "state_capital_expenditure"):
        assert by_kind(tables)[kind].empty and "本表为空" in by_kind(tables)[kind].note


def test_sh_totals_and_headers(sh):
    tables, items = sh
    summary = "income_expenditure_summary"
    assert [c.measure for c in by_kind(tables)[summary].columns] == ["本年收入 / 预算数", "本年支出 / 预算数"]
    assert (
        cell(items, summary, label="收入总计")["amount"]
        == cell(items, summary, label="支出总计")["amount"]
        == Decimal("91016775.35")
    )
    spending = "expenditure_summary"
    assert [(c.measure, c.measure_key) for c in by_kind(tables)[spending].columns] == [
        ("支出预算 / 合计", "total"),
        ("支出预算 / 基本支出", "basic"),
        ("支出预算 / 项目支出", "project"),
    ]
    total = {it["measure_key"]: it["amount"] for it in cells(items, spending) if it["row_label"] == "合计"}
    assert total == {
        "total": Decimal("91016775.35"),
        "basic": Decimal("24606775.35"),
        "project": Decimal("66410000.00"),
    }
    rows = defaultdict(dict)
    for it in cells(items, spending):
        rows[it["row_index"]][it["measure_key"]] = it["amount"]
    assert len(rows) == 21
    for row in rows.values():  # 合计 = 基本支出 + 项目支出 on every row, on both pages
        assert row["total"] == row.get("basic", 0) + row.get("project", 0)


def test_sh_codes_from_class_columns(sh):
    _, items = sh
    kind = "general_budget_expenditure_by_function"
    unit = cell(items, kind, code="2010350", key="total")  # 类 201 | 款 03 | 项 50
    assert (unit["row_label"], unit["amount"], unit["level"], unit["parent_code"], unit["pages"]) == (
        "事业运行",
        Decimal("3807295.58"),
        3,
        "20103",
        [14, 15],
    )
    assert cell(items, kind, code="2101102", key="total")["page"] == 15  # on the continued page
    assert cell(items, kind, code="2101102", key="total")["measure"] == "一般公共预算支出 / 合计"
    basic = "general_budget_basic_expenditure"
    assert cell(items, basic, code="30102", key="total")["amount"] == Decimal("9572367.00")
    assert cell(items, basic, label="合计", key="personnel")["amount"] == Decimal("22473997.81")
    assert cell(items, basic, label="合计", key="public_funds")["amount"] == Decimal("2132777.54")
    three = {it["measure_key"]: it["amount"] for it in cells(items, "three_public")}
    assert three == {
        "three_public_total": Decimal("8675000"),
        "overseas_travel": Decimal("8390000"),
        "reception": Decimal("285000"),
        "operating_costs": Decimal("2132800"),
    }


def test_sh_final_accounts(sh_final):
    tables, items = sh_final
    assert [t.kind for t in tables] == [
        "income_expenditure_summary",
        "income_summary",
        "expenditure_summary",
        "fiscal_appropriation_summary",
        "general_budget_expenditure_by_function",
        "general_budget_basic_expenditure",
        "three_public",
        "government_fund_expenditure",
        "state_capital_expenditure",
    ]
    assert [t.kind for t in tables if t.empty] == [
        "three_public",
        "government_fund_expenditure",
        "state_capital_expenditure",
    ]
    summary = [it for it in cells(items, "income_expenditure_summary") if it["row_label"] == "总计"]
    assert [(it["measure"], it["measure_key"], it["amount"]) for it in summary] == [
        ("收入 / 决算数", "final", Decimal("3078200")),
        ("支出 / 决算数", "final", Decimal("3078200")),
    ]
    other = cell(items, "general_budget_expenditure_by_function", code="2013999", key="project")
    assert (other["row_label"], other["amount"]) == ("其他社会工作事务支出", Decimal("2022400"))  # a wrapped name
    basic = "general_budget_basic_expenditure"  # two code | name | 决算数 groups side by side
    assert cell(items, basic, code="30101")["amount"] == Decimal("141200")
    assert cell(items, basic, code="30201")["amount"] == Decimal("37800")
    assert cell(items, basic, label="人员经费合计")["amount"] == Decimal("953600")
    assert cell(items, basic, label="公用经费合计")["amount"] == Decimal("102300")


def test_js_read_as_unruled_finds_the_same_figures(js, monkeypatch):
    """The word-position path (no ruling lines at all) on the real Jiangsu layout: the same
    tables, figures and codes as the ruled path, and the same single-level headers."""
    import gongkai.extractors.tables.page as page_module

    monkeypatch.setattr(page_module, "ruled_grids", lambda page: [])
    words = extract(JS)
    ruled, ruled_items = js
    assert not any(t.ruled for t in words)
    assert [t.kind for t in words] == [t.kind for t in ruled]
    word_items = line_items(words)

    def figures(items):
        return sorted((it["table_kind"], it["page"], it["code"] or "", it["amount"]) for it in items)

    assert figures(word_items) == figures(ruled_items)
    for kind in ("expenditure_summary", "general_budget_expenditure_by_function", "general_budget_basic_expenditure"):
        assert [c.measure for c in by_kind(words)[kind].columns] == [c.measure for c in by_kind(ruled)[kind].columns]
    salary = cell(word_items, "general_budget_basic_expenditure", code="30101")
    assert (salary["row_label"], salary["amount"]) == ("基本工资", Decimal("15812600"))
    assert cell(word_items, "income_expenditure_summary", label="收入合计")["amount"] == Decimal("276642200")
