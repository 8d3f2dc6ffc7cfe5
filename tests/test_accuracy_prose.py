"""Figures stated in prose and the summary concepts they become (issue 14): the sentences are
typed from real disclosures (Chongqing, Jiangsu, Hunan, Shandong, Shaanxi, Guangdong budgets)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gongkai.extractors.extract import extract_path, refine_from_tables
from gongkai.extractors.model import Fact

TITLE = "某市某局2026年部门预算\n"


def _extract(tmp_path, body: str, title: str = TITLE):
    path = tmp_path / "doc.txt"
    path.write_text(title + body, encoding="utf-8")
    ex = extract_path(path)
    assert ex.status == "ok", ex.error_message
    return ex


def _fact(ex, surface: str):
    return next(f for f in ex.facts if f.raw == surface)


# --- 运行经费 named by its funding -------------------------------------------------


def test_operating_funds_named_by_their_funding(tmp_path):
    ex = _extract(
        tmp_path,
        "五、其他重要事项的情况说明\n（一）机关运行经费。2026年一般公共预算财政拨款运行经费137.15万元,"
        "比2025年增加4.43万元,主要原因为人员增加导致公用经费增加。\n",
    )
    assert ex.summary["operating_funds"] == Decimal("1371500")
    assert ex.summary["expenditure_general_budget"] is None


# --- 绩效目标: the projects' figures, not the whole budget --------------------------

JIANGSU_PERFORMANCE = (
    "十五、预算绩效目标设置情况说明\n2026 年度，本部门整体支出纳入绩效目标管理，涉及财政性资金 4,651.67 万元；"
    "本部门共 7 个项目纳入绩效目标管理，涉及财政性资金合计 339.5 万元，占财政性资金(人员类和运转类中的"
    "公用经费项目支出除外)总额的比例为 100%。\n"
)


def test_projects_under_performance_targets_not_the_whole_budget(tmp_path):
    ex = _extract(tmp_path, JIANGSU_PERFORMANCE)
    assert ex.summary["performance_projects"] == 7
    assert ex.summary["performance_project_amount"] == Decimal("3395000")
    assert _fact(ex, "4,651.67 万元").concept == "performance_total"


def test_project_spending_under_performance_targets(tmp_path):
    ex = _extract(
        tmp_path,
        "（三）绩效目标设置情况。2026年项目支出均实行了绩效目标管理,涉及一般公共预算财政拨款\n7,227.34万元。\n",
    )
    assert ex.summary["performance_project_amount"] == Decimal("72273400")
    assert ex.summary["expenditure_general_budget"] is None


@pytest.mark.parametrize(
    "sentence",
    [
        "六、部门预算绩效目标说明\n2019 年本部门实现了绩效目标管理全覆盖，涉及一般公共预算当年拨款 203091.65 万元，"
        "政府性基金预算当年拨款 0 元。\n",
        "十三、绩效目标情况说明\n本部门绩效目标管理全覆盖，涉及当年一般公共预算拨款4005.29万元，政府性基金预算拨款0.00万元。\n",
        "十五、预算绩效目标设置情况说明\n2026 年度，本部门整体支出纳入绩效目标管理，涉及一般公共预算拨款 4,651.67 万元。\n",
        # the heading names projects, the sentence the whole budget
        "（三）项目绩效目标情况\n2026 年度，本部门整体支出纳入绩效目标管理，涉及财政性资金 4,651.67 万元。\n",
        "（三）绩效目标情况\n本部门整体支出和项目支出全部纳入绩效目标管理，涉及资金 4,651.67 万元。\n",
    ],
)
def test_whole_budget_coverage_is_no_project_amount(tmp_path, sentence):
    ex = _extract(tmp_path, sentence)
    assert ex.summary["performance_project_amount"] is None


def test_projects_counted_then_their_funds(tmp_path):
    ex = _extract(
        tmp_path,
        "七、预算绩效管理情况说明\n（一）总体工作情况\n烟台市退役军人事务局2026年政策和项目全面实施绩效目标管理，涉及"
        "一级预算项目15个，预算资金4278万元，其中财政拨款1935万元。根据以前年度绩效评价结果，优化实施项目预算安排。\n",
    )
    assert ex.summary["performance_projects"] == 15
    assert ex.summary["performance_project_amount"] == Decimal("42780000")


def test_project_part_of_the_whole_budget_under_performance_targets(tmp_path):
    ex = _extract(
        tmp_path,
        "（七）预算绩效目标说明：本单位所有支出实行绩效目标管理。纳入 2026 年部门整体支出绩效目标的金额为 1935.36 万元，"
        "其中，基本支出 1517.95 万元，项目支出 417.41 万元，具体绩效目标详见报表。\n",
    )
    assert ex.summary["performance_project_amount"] == Decimal("4174100")
    # the figure keeps its own concept: it is the 项目支出 too
    assert _fact(ex, "417.41 万元").concept == "expenditure_project"


# --- a figure of two subjects joined by 及/和/、 is neither -------------------------


def test_three_public_meetings_and_training_together_are_none_of_them(tmp_path):
    ex = _extract(
        tmp_path,
        "（六）“三公”经费等预算情况\n2019 年本部门一般公共预算“三公”经费及会议费、培训费预算支出共 263.72 万元，其中：\n"
        "1、“三公”经费预算 18.6 万元，较上年减少 24.5 万元。\n2、会议费预算 174.6 万元，较上年预算增加 151.6 万元。\n"
        "3、培训费预算 70.52 万元，较上年预算增加 57.52 万元。\n",
        title="某市发展和改革委员会2019年部门预算\n",
    )
    assert _fact(ex, "263.72 万元").concept == "unknown"
    assert ex.summary["training_fee"] == Decimal("705200")
    assert ex.summary["meeting_fee"] == Decimal("1746000")
    assert ex.summary["three_public_total"] == Decimal("186000")


def test_basic_and_project_spending_together_is_neither(tmp_path):
    ex = _extract(tmp_path, "二、支出预算\n本部门基本支出和项目支出532.10万元。\n")
    assert ex.summary["expenditure_basic"] is None and ex.summary["expenditure_project"] is None


def test_an_empty_table_of_joined_subjects_states_each_absent(tmp_path):
    ex = _extract(tmp_path, "八、“三公”经费、会议费、培训费支出预算表\n本部门无相关收支项目。\n")
    assert ex.summary["three_public_total"] == 0


# --- an economic class marked (款) is a line item, not the 三公 figure ---------------


def test_an_economic_class_is_not_the_three_public_figure(tmp_path):
    ex = _extract(
        tmp_path,
        "三、一般公共预算基本支出情况\n2026年一般公共预算基本支出300万元，其中：公务接待费（款）支出8万元，会议费（款）支出2万元。\n",
    )
    assert ex.summary["three_public_reception"] is None
    assert ex.summary["meeting_fee"] is None
    ex = _extract(tmp_path, "四、“三公”经费情况\n2026年公务接待费预算支出120.50万元。\n")
    assert ex.summary["three_public_reception"] == Decimal("1205000")


# --- a label on the line before its figure -------------------------------------------


def test_label_on_the_line_before_its_figure(tmp_path):
    # a line the layout does not join ("2.3" could start a list item 2.): the label ends the line before
    ex = _extract(
        tmp_path,
        "二、“三公”经费安排情况\n"
        "2026年本部门财政拨款安排“三公”经费4.8万元，比上年减少1万元，下降17.2%，主要原因是根据公务用车运行维护费定额标准调整。\n"
        "其中：因公出国（境）费0万元，比上年增加0万元，增长0%，主要原因是与上年持平，无增减变化；公务用车购置及运行维护费2.5万元。\n"
        "主要原因是根据公务用车运行维护费定额标准，调整公车运行维护经费；公务接待费\n"
        "2.3万元，比上年增加0万元，增长0%，主要原因是与上年持平，无增减变化。\n",
    )
    assert ex.summary["three_public_reception"] == Decimal("23000")
    assert ex.summary["three_public_total"] == Decimal("48000")


def test_a_change_whose_verb_is_on_the_line_before(tmp_path):
    ex = _extract(
        tmp_path,
        "七、一般公共预算支出预算情况说明\n"
        "江苏省高级人民法院 2018 年一般公共预算财政拨款支出预算 33172.15 万元，与上年相比增加 4322.77 万元。主要\n"
        "原因是基本支出增加机关事业单位养老保险、职业年金缴费等\n1447.63 万元、项目支出增加信息化建设经费等 1000 万元。\n",
        title="江苏省高级人民法院2018年部门预算\n",
    )
    fact = _fact(ex, "1447.63 万元")
    assert (fact.kind, fact.direction) == ("change", "increase")


# --- targets of 绩效 indicators -----------------------------------------------------


def test_indicator_targets_are_not_budget_figures(tmp_path):
    ex = _extract(
        tmp_path,
        "部门整体支出绩效目标表\n总体目标\n短期休养人员支出标准=1920元\n基本支出不超预算 ≤ 1517.95 万元\n",
    )
    assert ex.summary["expenditure_personnel"] is None
    assert ex.summary["expenditure_basic"] is None


# --- the period ---------------------------------------------------------------------


def test_a_year_compared_with_itself_is_the_documents_year(tmp_path):
    # a 2026 budget whose 三公 paragraph is headed 2025年 by mistake (表八 is titled 2026年)
    ex = _extract(
        tmp_path,
        "四、“三公”经费情况说明\n2025年 “三公”经费预算13.85万元,比2025年减少5.45万元。其中:因公出国 (境)费用0万元。\n",
    )
    assert ex.summary["three_public_total"] == Decimal("138500")


def test_the_previous_years_figure_stays_previous(tmp_path):
    ex = _extract(tmp_path, "四、“三公”经费情况说明\n2025年“三公”经费预算19.3万元,比2024年减少5.45万元。\n")
    assert ex.summary["three_public_total"] is None


# --- totals -------------------------------------------------------------------------


def test_the_departments_budget_income(tmp_path):
    ex = _extract(
        tmp_path,
        "（一）收支预算总体情况\n2019 年部门预算收入 203091.65 万元，其中一般公共预算拨款收入 203091.65 万元。\n",
        title="某市发展和改革委员会2019年部门预算\n",
    )
    assert ex.summary["income_total"] == Decimal("2030916500")
    assert ex.summary["income_general_budget"] == Decimal("2030916500")


def test_a_unit_slip_takes_the_value_the_other_statements_agree_on(tmp_path):
    ex = _extract(
        tmp_path,
        "一、收入预算\n2026年一般公共预算拨款收入356.2元。\n二、财政拨款收入\n2026年一般公共预算拨款收入356.2万元。\n"
        "三、一般公共预算\n2026年一般公共预算拨款收入356.2万元。\n",
    )
    assert ex.summary["income_general_budget"] == Decimal("3562000")
    ex = _extract(
        tmp_path,
        "一、收入预算\n2026年一般公共预算拨款收入356.2元。\n二、财政拨款收入\n2026年一般公共预算拨款收入356.2万元。\n",
    )
    assert ex.summary["income_general_budget"] is None  # as many say each: unsure


# --- a prose figure a table states to the 元 ---------------------------------------


def _operating_funds(value: str, resolution: str) -> Fact:
    return Fact(
        0, "amount", Decimal(value), "yuan", "", 0, 0, concept="operating_funds", resolution=Decimal(resolution)
    )


@pytest.mark.parametrize(
    ("public_funds", "expected", "source"),
    [
        ("1985851.68", "1985851.68", "table"),  # 表7 公用经费 1,985,851.68 元 rounds to 198.59万元
        ("1373400.00", "1371500", "text"),  # 公用经费 137.34 万元 is not 机关运行经费 137.15 万元
    ],
)
def test_operating_funds_to_the_yuan_from_the_public_funds_table(public_funds, expected, source):
    prose = "1985900" if source == "table" else "1371500"
    summary = {"operating_funds": Decimal(prose), "expenditure_public_funds": Decimal(public_funds)}
    sources = {"operating_funds": "text", "expenditure_public_funds": "table"}
    refine_from_tables(summary, sources, [_operating_funds(prose, "100")])
    assert (summary["operating_funds"], sources["operating_funds"]) == (Decimal(expected), source)


# --- scope: the 财政拨款 part is not the department's ---------------------------------


def test_basic_and_project_spending_of_the_fiscal_appropriation_only(tmp_path):
    ex = _extract(
        tmp_path,
        "（四）财政拨款支出预算情况说明\n2026年财政拨款支出预算12,672.73万元，其中：基本支出5,445.39万元，项目支出7,227.34万元。\n",
    )
    assert ex.summary["expenditure_basic"] is None and ex.summary["expenditure_project"] is None
    ex = _extract(
        tmp_path, "二、支出预算\n2026年支出预算14,770.62万元，其中：基本支出5,838.39万元，项目支出8,932.23万元。\n"
    )
    assert ex.summary["expenditure_basic"] == Decimal("58383900")
    assert ex.summary["expenditure_project"] == Decimal("89322300")


# --- 分别为: the n-th figure is the n-th subject ---------------------------------------


def test_figures_listed_respectively(tmp_path):
    ex = _extract(
        tmp_path,
        "六、其他重要事项的情况说明\n2026年本部门会议费、培训费预算分别为3.5万元、8万元，均与上年持平。\n"
        "2026年“三公”经费预算12万元，其中：因公出国（境）费、公务接待费和公务用车运行维护费分别为0万元、2万元、10万元。\n",
    )
    assert ex.summary["meeting_fee"] == Decimal("35000")
    assert ex.summary["training_fee"] == Decimal("80000")
    assert ex.summary["three_public_overseas"] == 0
    assert ex.summary["three_public_reception"] == Decimal("20000")
    assert ex.summary["three_public_vehicle_operation"] == Decimal("100000")


def test_figures_listed_respectively_that_do_not_pair_up_are_none(tmp_path):
    ex = _extract(tmp_path, "六、其他重要事项的情况说明\n2026年本部门会议费、培训费预算分别为3.5万元、8万元、2万元。\n")
    assert ex.summary["meeting_fee"] is None and ex.summary["training_fee"] is None
