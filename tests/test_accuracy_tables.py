"""Figures read from the standard tables (issue 14, tables part): the rules added while
measuring the provincial disclosures, each with the rows and headers it is about.

* rows that number the columns (栏次 1 2 3 …, ** ** 1 2 3 …) are header, never amounts;
* columns under an earlier period (2019年 | 2020年, 上年 | 当年, 2025年预算数 | 2026年预算数)
  are not the current figures;
* “三公” tables printed one row per item under 预算数 give the 三公 concepts;
* a title printed twice (十、…表 over 2026年度…表) is not a table printed empty;
* table titles and column headers of Shaanxi, Chongqing and Hunan disclosures.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pdfplumber
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from gongkai.extractors.tables.build import is_column_number_row
from gongkai.extractors.tables.continued import merge_continued
from gongkai.extractors.tables.grid import grid_tables
from gongkai.extractors.tables.line_items import line_items
from gongkai.extractors.tables.model import Cell, Column, Row, Table
from gongkai.extractors.tables.page import tables_on_page
from gongkai.extractors.tables.summary import summary_from_tables
from gongkai.extractors.tables.titles import classify_title, measure_key, previous_period_keys
from gongkai.schemas.vocabulary import load_vocabulary
from tests.pdf_fixtures import register_font


# --- rows numbering the columns -----------------------------------------------------------------
@pytest.mark.parametrize(
    "row",
    [
        ["**", "**", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"],  # 西安 收入总表
        ["栏次", "1", "2", "3"],
        ["行次", "1", "2"],
        ["甲", "乙", "1", "2", "3", "4"],
        ["1", "2", "3=4+5", "4", "5"],
    ],
)
def test_rows_numbering_the_columns(row):
    assert is_column_number_row(row)


@pytest.mark.parametrize(
    "row",
    [
        ["合计", "1", "2", "3"],  # a total row of small amounts is data
        ["301", "工资福利支出", "5,293.75", "5,293.75"],
        ["2", "3", "4"],  # does not start at 1
        ["1", "1", "2"],
        ["1", "2"],  # too short to say
        ["公务用车", "1", "2", "3"],
    ],
)
def test_data_rows_are_not_column_numbers(row):
    assert not is_column_number_row(row)


def test_a_column_number_row_of_a_sheet_is_no_amount():
    grid = [
        ["部门收入总表"],
        ["单位：万元"],
        ["单位编码", "单位名称", "合计", "一般公共预算拨款", "其他收入"],
        ["**", "**", "1", "2", "3"],
        ["", "合计", "182157.13", "181716.56", "350"],
    ]
    (table,) = grid_tables("Sheet1", grid, [])
    items = line_items([table])
    assert [it["raw"] for it in items] == ["182157.13", "181716.56", "350"]
    assert {it["row_label"] for it in items} == {"合计"}


# --- periods: the current year's columns only ----------------------------------------------------
def test_columns_of_an_earlier_year_are_previous():
    levels = [
        ("2019年", "合计"),
        ("2019年", "一般公共预算拨款安排的“三公”经费预算", "公务接待费"),
        ("2020年", "合计"),
        ("2020年", "一般公共预算拨款安排的“三公”经费预算", "公务接待费"),
        ("增减变化情况", "合计"),
    ]
    keys = [measure_key(lv) for lv in levels]
    assert keys == ["total", "reception", "total", "reception", "total"]
    assert previous_period_keys(levels, keys) == [
        "total_previous",
        "reception_previous",
        "total",
        "reception",
        "total",
    ]


def test_columns_under_shang_nian_are_previous():
    levels = [("上年", "会议费"), ("当年", "会议费")]
    assert previous_period_keys(levels, [measure_key(lv) for lv in levels]) == ["meetings_previous", "meetings"]
    levels = [("2025年预算数", "公务用车购置及运行费", "小计"), ("2026年预算数", "公务用车购置及运行费", "小计")]
    assert previous_period_keys(levels, [measure_key(lv) for lv in levels]) == ["vehicle_previous", "vehicle"]
    # one year only, or the same year twice (预算数 | 决算数 of a final account): nothing previous
    levels = [("2023年预算数",), ("2023年决算数",)]
    assert previous_period_keys(levels, [measure_key(lv) for lv in levels]) == ["budget", "final"]


def test_three_public_header_of_xian_tables():
    assert measure_key(["一般公共预算拨款安排的“三公”经费预算", "小计"]) == "three_public_total"
    assert measure_key(["公务用车购置及运行维护费", "公务用车购置经费"]) == "vehicle_purchase"


# --- column headers -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("levels", "key"),
    [
        (["人员经费支出"], "personnel"),
        (["公用经费支出"], "public_funds"),
        (["人员类"], "personnel"),  # 湖南: 人员类 | 公用经费
        (["一般公共预算拨款", "小计"], "general_budget"),
        (["一般公共预算拨款", "其中：专项资金列入部门预算项目"], None),  # a part of the column, not it
        (["预算金额"], "total"),
    ],
)
def test_measure_keys(levels, key):
    assert measure_key(levels) == key


# --- titles ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("部门综合预算支出总表", "expenditure_summary"),
        ("部门预算支出总表", "expenditure_summary"),
        ("西南大学支出预算表", "expenditure_summary"),
        ("西南大学收入预算表", "income_summary"),
        ("部门综合预算一般公共预算支出明细表（按支出功能分类科目）", "general_budget_expenditure_by_function"),
        ("部门综合预算一般公共预算支出明细表（按支出经济分类科目）", None),
        ("部门综合预算一般公共预算基本支出明细表（按支出经济分类科目）", "general_budget_basic_expenditure"),
        ("部门综合预算一般公共预算基本支出明细表（按支出功能分类科目）", None),
        ("部门综合预算政府采购（资产配置、购买服务）预算表", "procurement"),
        ("2020年部门综合预算政府性基金收支总表", None),  # not the department's 收支总表
        ("财政拨款支出预算表（功能科目）", "fiscal_appropriation_expenditure"),
        ("一般公共预算支出预算表", "general_budget_expenditure_by_function"),
    ],
)
def test_titles(title, kind):
    assert classify_title(title) == kind


# --- “三公” tables one row per item ---------------------------------------------------------------
def _item(label: str, amount: str, key: str | None, title: str = "一般公共预算“三公”经费支出预算表") -> dict:
    return {
        "table_kind": "three_public",
        "table_title": title,
        "pages": [21],
        "row_label": label,
        "measure": "预算数",
        "measure_key": key,
        "amount": Decimal(amount),
    }


FUJIAN_ROWS = [
    ("合计", "93000"),
    ("1、因公出国（境）费用", "0"),
    ("2、公务接待费", "13000"),
    ("3、公务用车购置及运行费", "80000"),
    ("其中：（1）公务用车购置费", "0"),
    ("（2）公务用车运行费", "80000"),
]


def test_three_public_one_row_per_item():
    items = [_item(label, amount, "budget") for label, amount in FUJIAN_ROWS]
    found = summary_from_tables(items, load_vocabulary(), {"three_public"})
    assert {c: v for c, v in found.items() if c.startswith("three_public")} == {
        "three_public_total": Decimal("93000"),
        "three_public_overseas": Decimal("0"),
        "three_public_reception": Decimal("13000"),
        "three_public_vehicle_total": Decimal("80000"),
        "three_public_vehicle_purchase": Decimal("0"),
        "three_public_vehicle_operation": Decimal("80000"),
    }  # the empty part of the same kind (a title printed twice) does not make them 0


def test_three_public_rows_never_from_the_previous_year():
    items = [_item(label, amount, "budget_previous") for label, amount in FUJIAN_ROWS]
    found = summary_from_tables(items, load_vocabulary())
    assert not any(c.startswith("three_public") for c in found)


def test_a_total_row_beside_meetings_and_training_is_not_the_three_public_total():
    items = [
        _item(label, amount, "budget") for label, amount in [*FUJIAN_ROWS, ("4、会议费", "5000"), ("5、培训费", "7000")]
    ]
    items[0]["amount"] = Decimal("105000")
    found = summary_from_tables(items, load_vocabulary())
    assert "three_public_total" not in found
    assert found["meeting_fee"] == Decimal("5000") and found["training_fee"] == Decimal("7000")


def test_a_kind_printed_empty_still_gives_zero():
    assert summary_from_tables([], load_vocabulary(), {"three_public"})["three_public_total"] == Decimal("0")


# --- the document's unit for a table that prints none ---------------------------------------------
def _table(kind: str, unit: str, source: str, raw: str) -> Table:
    cell = Cell(raw, (0, 0, 1, 1), 1, role="amount", value=Decimal(raw.replace(",", "")), column=0, label="合计")
    return Table(kind, kind, None, [1], unit, source, [], [Column(0, ("合计",), 0, 1, "total")], [Row(0, 1, [cell])])


def test_a_table_without_a_unit_takes_the_one_unit_of_the_others():
    tables = merge_continued(
        [
            _table("income_expenditure_summary", "万元", "line", "390,140.45"),
            _table("income_summary", "元", "default", "390,140.45"),
            _table("expenditure_summary", "万元", "line", "415,808.40"),
        ]
    )
    assert [(t.unit, t.rows[0].cells[0].value) for t in tables][1] == ("万元", Decimal("3901404500.00"))
    mixed = merge_continued(
        [
            _table("income_expenditure_summary", "万元", "line", "1.00"),
            _table("income_summary", "元", "default", "1.00"),
            _table("expenditure_summary", "元", "line", "1.00"),
        ]
    )
    assert mixed[1].unit == "元" and mixed[1].rows[0].cells[0].value == Decimal("1.00")


# --- a PDF page: the title printed twice, a row-per-item “三公” table ------------------------------
def _pdf(lines: list[list[tuple[float, str]]], top: float = 60, step: float = 22) -> bytes:
    font = register_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    height = A4[1]
    for i, line in enumerate(lines):
        for x, text in line:
            c.setFont(font, 11)
            c.drawString(x, height - top - i * step, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def _tables(pdf: bytes) -> list[Table]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return merge_continued(tables_on_page(doc.pages[0], 1))


def test_title_printed_twice_over_a_row_per_item_three_public_table():
    pdf = _pdf(
        [
            [(60, "十、一般公共预算“三公”经费支出预算表")],
            [(60, "2026年度一般公共预算“三公”经费支出预算表")],
            [(420, "单位：万元")],
            [(60, "项目"), (400, "预算数")],
            *[[(60, label), (400, f"{Decimal(amount) / 10000:.2f}")] for label, amount in FUJIAN_ROWS],
        ]
    )
    tables = _tables(pdf)
    assert [(t.kind, t.empty) for t in tables] == [("three_public", False)]
    items = line_items(tables)
    empty = {t.kind for t in tables if t.empty and t.kind}
    found = summary_from_tables(items, load_vocabulary(), empty)
    assert found["three_public_total"] == Decimal("93000")
    assert found["three_public_reception"] == Decimal("13000")
    assert found["three_public_vehicle_operation"] == Decimal("80000")


def test_year_on_its_own_line_and_unit_colons_set_apart():
    """重庆: 表六 / 年一般公共预算基本支出情况表 / 2026 / 单位名称 重庆市气象局 单位 万元 (colons lower)."""
    pdf = _pdf(
        [
            [(60, "年一般公共预算基本支出情况表")],
            [(60, "2026")],
            [(60, "单位名称"), (120, "重庆市气象局"), (420, "单位"), (450, "万元")],
            [(60, "科目编码"), (140, "科目名称"), (300, "总计"), (380, "人员经费"), (460, "公用经费")],
            [(60, "合计"), (300, "5,445.39"), (380, "5,308.05"), (460, "137.34")],
            [(60, "301"), (140, "工资福利支出"), (300, "5,293.75"), (380, "5,293.75")],
        ]
    )
    (table,) = _tables(pdf)
    assert (table.kind, table.unit) == ("general_budget_basic_expenditure", "万元")
    found = summary_from_tables(line_items([table]), load_vocabulary())
    assert found["expenditure_personnel"] == Decimal("53080500")
    assert found["expenditure_public_funds"] == Decimal("1373400")


# --- a web page printing a PDF as positioned boxes ------------------------------------------------
def _positioned_page() -> str:
    """A “三公” table as a converter prints it: one placed <div> per text run, the rules as
    border boxes of no height (horizontal) or no width (vertical)."""
    runs = [
        (60, 40, 13.2, "一般公共预算“三公”经费支出情况表"),
        (480, 62, 8.5, "单位：万元"),
        (150, 84, 9.4, "2025年预算数"),
        (390, 84, 9.4, "2026年预算数"),
        (70, 104, 9.4, "合计"),
        (150, 104, 9.4, "公务用车运行费"),
        (270, 104, 9.4, "公务接待费"),
        (330, 104, 9.4, "合计"),
        (390, 104, 9.4, "公务用车运行费"),
        (510, 104, 9.4, "公务接待费"),
        (70, 124, 9.43, "28.10"),
        (150, 124, 9.43, "19.90"),
        (270, 124, 9.43, "8.20"),
        (330, 124, 9.43, "25.02"),
        (390, 124, 9.43, "17.40"),
        (510, 124, 9.43, "7.62"),
    ]
    xs, ys = [60, 140, 260, 320, 380, 500, 570], [80, 100, 120, 140]
    boxes = []
    for y in ys:  # horizontal rules, one per cell as converters draw them
        for a, b in zip(xs, xs[1:]):
            boxes.append(f"left:{a}pt;top:{y}pt;width:{b - a}pt;height:0.0pt;border-bottom:0.5pt solid #000000;")
    for x in xs:
        for a, b in zip(ys, ys[1:]):
            if a == 80 and x not in (60, 320, 570):  # the period headers span their blocks
                continue
            boxes.append(f"left:{x}pt;top:{a}pt;width:0.0pt;height:{b - a}pt;border-right:0.5pt solid #000000;")
    divs = [f'<div class="r" style="position:absolute;{b}"> </div>' for b in boxes]
    divs += [
        f'<div class="p" style="top:{top}pt;left:{left}pt;font-size:{size}pt;position:absolute;">{text}</div>'
        for left, top, size, text in runs
    ]
    page = '<div class="page" style="width:595.0pt;height:842.0pt;overflow:hidden;position:relative;">'
    return f"<html><body>{page}{''.join(divs)}</div></body></html>"


def test_positioned_page_tables():
    from gongkai.extractors.load.html import load_html

    doc = load_html("page.html", _positioned_page().encode("utf-8"))
    (table,) = [t for t in doc.tables if t.kind == "three_public"]
    assert table.ruled and table.unit == "万元"
    assert [c.measure_key for c in table.columns] == [
        "total_previous",
        "vehicle_operation_previous",
        "reception_previous",
        "total",
        "vehicle_operation",
        "reception",
    ]
    found = summary_from_tables(line_items(list(doc.tables)), load_vocabulary())
    assert found["three_public_vehicle_operation"] == Decimal("174000")
    assert found["three_public_reception"] == Decimal("76200")


def test_a_three_public_table_without_a_unit_keeps_its_own_default():
    three = _table("three_public", "万元", "default", "9.30")
    three.rows[0].cells[0].value = Decimal("93000")
    tables = merge_continued([_table("income_expenditure_summary", "元", "line", "1.00"), three])
    assert tables[1].unit == "万元" and tables[1].rows[0].cells[0].value == Decimal("93000")
