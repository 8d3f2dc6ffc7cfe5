"""Failed checks over the shared corpus (issue 15): the false alarms fixed at their cause, each
with the document's own words and figures, and the genuine inconsistencies that still fail."""

from __future__ import annotations

from decimal import Decimal as D

from gongkai.extractors.checks.rules import check_lists, check_rates, check_repeats, check_sum
from gongkai.extractors.checks.tables import rows_sum_to_parent, text_vs_tables
from gongkai.extractors.extract import extract_path
from gongkai.extractors.model import Fact
from gongkai.extractors.tables.titles import measure_key
from gongkai.schemas.rules import Rule, SumRule

WAN = D(10000)
CENT_OF_WAN = D(100)  # 0.01万元 in yuan


def fig(i, concept, wan, kind="amount", **kw):
    """A figure printed in 万元 with the decimals of ``wan`` (its resolution follows them)."""
    decimals = len(wan.split(".")[1]) if "." in wan else 0
    unit = "percent" if kind in ("rate", "share") else "yuan"
    value = D(wan) if unit == "percent" else D(wan) * WAN
    resolution = D(10) ** -decimals * (1 if unit == "percent" else WAN)
    return Fact(
        fact_id=i,
        kind=kind,
        value=value,
        unit=unit,
        raw=wan + ("%" if unit == "percent" else "万元"),
        char_start=i * 10,
        char_end=i * 10 + 5,
        concept=concept,
        resolution=resolution,
        **kw,
    )


LIST = Rule("list_members_sum_to_parent")


# --- a list that states its figure twice over ------------------------------------------------------
def test_list_with_a_closing_figure_equal_to_the_parent_passes():
    # 本部门当年预算收入4,203.47万元，其中：一般公共预算拨款4,005.29万元、上年实户资金余额98.18万元、
    # 其他收入100.00万元，…；本部门当年预算支出4,203.47万元，其中：…
    facts = [
        fig(0, "income_total", "4203.47"),
        fig(1, "income_general_budget", "4005.29", parent=0, list_open=True),
        fig(2, "unknown", "98.18", parent=0, list_open=True),
        fig(3, "income_other", "100.00", parent=0, list_open=True),
        fig(4, "expenditure_total", "4203.47", parent=0, list_open=True),
    ]
    (check,) = check_lists(facts, LIST)
    assert check.status == "pass"


def test_list_stating_one_figure_twice_passes():
    # 本部门当年财政拨款收入5,093.76万元，其中：一般公共预算拨款收入5,093.76万元，…；本部门当年
    # 财政拨款支出5,093.76万元，其中：…
    facts = [
        fig(0, "income_fiscal_appropriation", "5093.76"),
        fig(1, "income_general_budget", "5093.76", parent=0, list_open=True),
        fig(2, "expenditure_fiscal_appropriation", "5093.76", parent=0, list_open=True),
    ]
    assert check_lists(facts, LIST)[0].status == "pass"


def test_list_whose_parts_exceed_the_parent_still_fails():
    facts = [
        fig(0, "income_total", "4203.47"),
        fig(1, "income_general_budget", "4005.29", parent=0),
        fig(2, "unknown", "298.18", parent=0),
        fig(3, "income_other", "100.00", parent=0),
    ]
    assert check_lists(facts, LIST)[0].status == "fail"


def test_a_list_breaks_down_the_figure_before_the_bracket(tmp_path):
    # 西南大学 2021: the list and its shares are of 490,808.40, not of the bracketed 415,808.40
    doc = tmp_path / "swu-2021-budget.txt"
    doc.write_text(
        "某大学2021年部门预算\n（三）支出预算情况说明\n"
        "我校2021年支出预算490,808.40万元（本年支出预算415,808.40万元），其中：教育支出398,593.09万元，"
        "占总支出的81.21%；科学技术支出1,512.90万元，占0.31%；住房保障支出15,702.41万元，占3.2%；"
        "结转下年75,000.00万元，占总支出的15.28%。\n",
        encoding="utf-8",
    )
    ex = extract_path(doc)
    lists = [c for c in ex.checks if c.rule == "list_members_sum_to_parent"]
    shares = [c for c in ex.checks if c.rule == "share_equals_part_over_parent" and c.status != "not_applicable"]
    assert lists and all(c.status == "pass" for c in lists)
    assert len(shares) >= 2 and all(c.status == "pass" for c in shares)  # 0.31%, 3.2% of 490,808.40


# --- a breakdown missing a part checked as if complete ---------------------------------------------
BASIC = SumRule(
    "personnel_plus_public_funds_equals_basic",
    "expenditure_basic",
    ("expenditure_personnel", "expenditure_public_funds"),
)
TOTAL3 = SumRule(
    "personnel_public_funds_project_equal_total",
    "expenditure_total",
    ("expenditure_personnel", "expenditure_public_funds", "expenditure_project"),
)


def test_parts_listed_under_qizhong_do_not_claim_the_whole():
    # 1. 基本支出7663.19万元。其中，人员支出5781.07万元，公用支出1714.43万元。(对个人和家庭的补助 left out)
    facts = [
        fig(0, "expenditure_basic", "7663.19"),
        fig(1, "expenditure_personnel", "5781.07", parent=0, list_open=True),
        fig(2, "expenditure_public_funds", "1714.43", parent=0, list_open=True),
    ]
    assert check_sum(facts, BASIC).status == "not_applicable"


def test_a_total_whose_list_names_other_parts():
    # 相应安排支出预算53550.27万元，其中：人员经费754.12万元，公用支出77.15万元，项目支出39719万元，
    # 基金预算支出13000万元。
    facts = [
        fig(0, "expenditure_total", "53550.27"),
        fig(1, "expenditure_personnel", "754.12", parent=0),
        fig(2, "expenditure_public_funds", "77.15", parent=0),
        fig(3, "expenditure_project", "39719", parent=0),
        fig(4, "fund_budget_expenditure", "13000", parent=0),
    ]
    check = check_sum(facts, TOTAL3)
    assert check.status == "not_applicable"
    assert "基金" in check.message or "fund" in check.message


def test_a_complete_breakdown_that_does_not_add_up_still_fails():
    # 平潭县人民法院 2016 决算: 1. 基本支出1520.44万元。其中，人员支出1442.04万元，公用经费78.06万元。
    # — stated twice elsewhere as the sum of its parts; parts above the total fail whatever the list.
    facts = [
        fig(0, "expenditure_basic", "1520.44"),
        fig(1, "expenditure_personnel", "1442.04", parent=0, list_open=True),
        fig(2, "expenditure_public_funds", "88.06", parent=0, list_open=True),
    ]
    assert check_sum(facts, BASIC).status == "fail"
    basic_project = SumRule("basic_plus_project", "expenditure_total", ("expenditure_basic", "expenditure_project"))
    # 本年支出2220.35万元 … 1. 基本支出1520.44万元 … 2. 项目支出689.91万元。
    facts = [
        fig(0, "expenditure_total", "2220.35"),
        fig(1, "expenditure_basic", "1520.44"),
        fig(2, "expenditure_project", "689.91"),
    ]
    assert check_sum(facts, basic_project).status == "fail"


PERFORMANCE = SumRule(
    "performance_classes_equal_project_amount", "performance_project_amount", ("performance_project_class*",)
)


def test_performance_funds_qizhong_caizheng_bokuan_is_not_all_classes():
    # 涉及一级预算项目6个，预算资金781.5万元，其中财政拨款4.5万元。
    facts = [
        fig(0, "performance_project_amount", "781.5"),
        fig(1, "performance_project_class", "4.5", parent=0, list_open=True),
    ]
    assert check_sum(facts, PERFORMANCE).status == "not_applicable"


def test_performance_classes_of_another_figure_are_not_counted():
    # …预算资金2385.28万元，其中财政拨款2285.28万元。拟对…开展…评价，涉及预算资金5450万元，其中财政拨款5450万元。
    facts = [
        fig(0, "performance_project_amount", "2385.28"),
        fig(1, "performance_project_class", "2285.28", parent=0, list_open=True),
        fig(2, "performance_project_amount", "5450"),
        fig(3, "performance_project_class", "5450", parent=2, list_open=True),
    ]
    check = check_sum(facts, PERFORMANCE)
    assert check.status == "not_applicable"


# --- figures of different scope compared ------------------------------------------------------------
REPEAT = Rule("repeated_figures_agree")


def test_a_figure_listed_under_another_is_not_the_summary_figure():
    # “三公”经费预算合计29.30万元，其中：…公务接待费3.30万元 / 机关运行经费预算总计82万元，其中：…公务接待费2万元
    facts = [
        fig(0, "three_public_total", "29.30", label="三公经费预算合计"),
        fig(1, "three_public_reception", "3.30", parent=0, label="公务接待费"),
        fig(2, "operating_funds", "82", label="机关运行经费预算总计"),
        fig(3, "three_public_reception", "2", parent=2, label="公务接待费"),
    ]
    assert [c.status for c in check_repeats(facts, REPEAT, ["three_public_reception"])] == []


def test_a_figure_of_the_caizheng_bokuan_section_is_not_the_departments():
    # 本部门收入预算总计182157.13万元,支出预算总计182157.13万元 / （二）财政拨款收支情况: …支出预算总计181807.13万元
    facts = [
        fig(0, "expenditure_total", "182157.13", label="支出预算总计", section_title="（一）收支预算总体情况"),
        fig(1, "expenditure_total", "181807.13", label="支出预算总计", section_title="（二）财政拨款收支情况"),
    ]
    assert check_repeats(facts, REPEAT, ["expenditure_total"]) == []


def test_one_figure_printed_twice_with_two_values_still_fails():
    # 平潭县人民法院 2016: 本年支出2220.35万元 … （二）2016本年支出2210万元
    facts = [
        fig(0, "expenditure_current_year", "2220.35", label="本年支出"),
        fig(1, "expenditure_current_year", "2210", label="本年支出"),
    ]
    (check,) = check_repeats(facts, REPEAT, ["expenditure_current_year"])
    assert check.status == "fail"


def cell(label, measure, key, raw, code=None, parent=None, pages=(1,), title="表", row=0, unit="元"):
    return {
        "table_kind": "k",
        "table_title": title,
        "measure": measure,
        "measure_key": key,
        "row_label": label,
        "row_index": row,
        "code": code,
        "parent_code": parent,
        "raw": raw,
        "amount": str(D(raw.replace(",", "")) * (WAN if unit == "万元" else 1)),
        "unit": unit,
        "pages": list(pages),
    }


def test_prose_naming_a_table_row_is_compared_with_that_row():
    # （1）工资福利支出（301）2,981.28万元 — the 301 row, not the 人员经费 column (301 + 303)
    facts = [fig(0, "expenditure_personnel", "2981.28", label="工资福利支出（301")]
    items = [
        cell("合计", "人员经费支出", "personnel", "31,558,364.40"),
        cell("工资福利支出", "人员经费支出", "personnel", "29,812,828.40", code="301", row=1),
    ]
    (check,) = text_vs_tables(facts, {"expenditure_personnel": 0}, items, "text_agrees_with_tables")
    assert check.status == "pass"


def test_a_part_of_another_figure_is_not_compared_with_the_table():
    # 机关运行经费预算总计82万元，其中：…公务用车运行维护费12万元 (the 三公 table prints 26.00)
    facts = [
        fig(0, "operating_funds", "82", label="机关运行经费预算总计"),
        fig(1, "three_public_vehicle_operation", "12", parent=0, label="公务用车运行维护费"),
    ]
    items = [cell("合计", "公务用车运行费", "vehicle_operation", "26.00", unit="万元")]
    assert text_vs_tables(facts, {"three_public_vehicle_operation": 0}, items, "text_agrees_with_tables") == []


def test_prose_against_the_table_still_fails_when_they_differ():
    facts = [fig(0, "expenditure_personnel", "2981.28", label="人员经费")]
    items = [cell("合计", "人员经费支出", "personnel", "31,558,364.40")]
    (check,) = text_vs_tables(facts, {"expenditure_personnel": 0}, items, "text_agrees_with_tables")
    assert check.status == "fail"


# --- the rate of a change: the figure it changes ------------------------------------------------------
def _rate_facts(current, change, rate, direction):
    return [
        fig(0, "expenditure_personnel", "5781.07", label="人员支出", sentence=0),
        fig(1, "expenditure_personnel", current, label="工资福利支出", sentence=1),
        fig(2, "expenditure_personnel", change, kind="change", direction=direction, sentence=1),
        fig(3, "expenditure_personnel", rate, kind="rate", direction=direction, about=2, sentence=1),
    ]


def test_a_rate_is_of_the_figure_before_it_in_its_sentence():
    # （一）工资福利支出5157.55万元，较2014年决算数增加2038.89万元，增长65.37%。
    facts = _rate_facts("5157.55", "2038.89", "65.37", "increase")
    (check,) = check_rates(facts, Rule("rate_equals_change_over_previous"), {"expenditure_personnel"})
    assert check.status == "pass"


def test_a_rate_divided_by_the_current_figure_still_fails():
    # （二）商品和服务支出1406.81万元，较2014年决算数减少1104.6万元，下降78.52%。(1104.6 / 1406.81)
    facts = _rate_facts("1406.81", "1104.6", "78.52", "decrease")
    (check,) = check_rates(facts, Rule("rate_equals_change_over_previous"), {"expenditure_personnel"})
    assert check.status == "fail"


# --- the standard tables ------------------------------------------------------------------------------
def test_a_subtotal_of_another_group_is_not_the_tables_total():
    # 深圳 支出总表: 支出总计 | 基本支出 | 项目支出 | … | 2026年政府采购项目 / 小计
    assert measure_key(("2026年政府采购项目", "小计")) is None
    assert measure_key(("增减变化情况", "合计")) == "total"
    assert measure_key(("合计",)) == "total"


def test_a_table_read_one_page_at_a_time_is_one_table():
    # 行政事业单位养老支出 20805 at the foot of page 31, two of its 项 at the top of page 32
    items = [
        cell("行政事业单位养老支出", "支出总计", None, "1,402.81", code="20805", pages=(31,), unit="万元"),
        cell("行政单位离退休", "支出总计", None, "477.81", code="2080501", parent="20805", pages=(31,), unit="万元"),
        cell(
            "机关事业单位基本养老保险缴费支出",
            "支出总计",
            None,
            "626.55",
            code="2080505",
            parent="20805",
            pages=(32,),
            unit="万元",
        ),
        cell(
            "机关事业单位职业年金缴费支出",
            "支出总计",
            None,
            "298.45",
            code="2080506",
            parent="20805",
            pages=(32,),
            unit="万元",
        ),
    ]
    (check,) = rows_sum_to_parent(items, "rows_sum_to_parent_code")
    assert check.status == "pass"


def test_a_table_printed_twice_stays_two_tables():
    first = [
        cell("住房改革支出", "合计", None, "361.22", code="22102", pages=(3,), unit="万元"),
        cell("住房公积金", "合计", None, "114.07", code="2210201", parent="22102", pages=(3,), unit="万元"),
    ]
    again = [
        cell("住房改革支出", "合计", None, "361.22", code="22102", pages=(4,), unit="万元"),
        cell("住房公积金", "合计", None, "114.07", code="2210201", parent="22102", pages=(4,), unit="万元"),
    ]
    checks = rows_sum_to_parent(first + again, "rows_sum_to_parent_code")
    assert [c.status for c in checks] == ["fail", "fail"]


# --- genuine inconsistencies of the corpus that stay ----------------------------------------------------
def test_a_three_public_table_noted_empty_yet_printing_figures_fails():
    # 上海市普陀区万里街道 2024: 注:本部门2024年无“三公”经费和机关运行经费预算，故本表为空表。
    # beside 2024年“三公”经费预算数为47.91万元 (公务用车购置及运行费46.56万元，公务接待费1.35万元)
    three = SumRule(
        "three_public_parts_equal_total",
        "three_public_total",
        ("three_public_overseas", "three_public_vehicle_total", "three_public_reception"),
    )
    facts = [
        fig(0, "three_public_total", "0", stated_none=True),
        fig(1, "three_public_overseas", "0"),
        fig(2, "three_public_vehicle_total", "46.56"),
        fig(3, "three_public_reception", "1.35"),
    ]
    assert check_sum(facts, three).status == "fail"


# --- two whole disclosures of one agency and year -------------------------------------------------------
def test_a_department_budget_is_not_checked_against_a_unit_budgets_tables():
    # 上海市普陀区司法局 2026: 部门预算 9628.22万元 (its own tables) beside the 单位预算 of 8695.94万元
    from gongkai.extractors.checks.disclosures import check_companions
    from gongkai.extractors.model import Extraction

    def disclosure(doc_id, wan, yuan):
        total = cell("支出总计", "预算数", "budget", yuan, title="收支总表")
        total["table_kind"] = "income_expenditure_summary"
        return Extraction(
            doc_id,
            f"{doc_id}.pdf",
            None,
            "application/pdf",
            "ok",
            facts=[fig(0, "expenditure_total", wan, label="支出预算")],
            line_items=[total],
            disclosure_id="sfj-2026-budget",
        )

    dept = disclosure("dept", "9628.22", "96,282,213.44")
    unit = disclosure("unit", "8695.94", "86,959,408.34")
    check_companions([dept, unit])
    assert [c for c in dept.checks + unit.checks if c.rule.endswith("_across_files")] == []
