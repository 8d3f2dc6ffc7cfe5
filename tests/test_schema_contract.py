"""The schema says what the docs say (issue 13, item 7).

- Changes (and rates) are magnitudes: a `change` fact's value is never negative, its
  `direction` carries the sign, and every word that makes a figure a change also gives its
  direction (a drift test over the words of extractors/facts/figures.py).
- Negative amounts only where a table prints them: the change columns and rows of standard
  tables (增减变化情况 / 增减变化金额: -1.20), marked by their `measure_key` (`…_change`);
  negative facts, summary values and project amounts fail validation.
- A nonzero figure never reads as "states none": zero means the document printed zero or
  said 无.

The sentences are from real disclosures (the source is named beside each); the table is
深圳市财政局 2026 年部门预算's “三公”经费 table, which prints its changes as a row.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pyarrow as pa
import pytest

from gongkai.extractors.extract import extract_path
from gongkai.extractors.facts.figures import CHANGE_BEFORE, CHANGE_VERB_OBJECT, find_mentions
from gongkai.extractors.tables.line_items import measure_key
from gongkai.extractors.tables.model import Cell
from gongkai.extractors.text.normalize import normalize
from gongkai.pipeline.run.isolate import to_pandas
from gongkai.pipeline.run.rows import rows_for
from gongkai.schemas.declarations import TABLES, declared
from gongkai.schemas.tables import schema_for
from gongkai.schemas.validation import validate_tables
from gongkai.schemas.vocabulary import load_vocabulary
from tests.conftest import FIXTURES

SZ_CZJ = FIXTURES / "contract" / "gd_sz_czj_2026_budget.pdf"  # 深圳市财政局 2026 年部门预算


def _mentions(text: str):
    return find_mentions(normalize(text, join_wrapped=True), load_vocabulary())


def _money(text: str):
    """The money figures of a sentence, as (printed, kind, value, direction)."""
    return [
        (text[m.start : m.end], m.kind, m.value, m.direction)
        for m in _mentions(text)
        if m.unit == "yuan" and not m.stated_none
    ]


# --- every word that makes a change gives its direction ---------------------------------------


def _words(pattern: re.Pattern) -> list[str]:
    """The Chinese words a pattern is written with (its alternatives, and pieces of classes)."""
    return sorted(set(re.findall(r"[\u4e00-\u9fff]+", pattern.pattern)))


def test_every_word_that_makes_a_change_before_a_figure_gives_its_direction():
    made = []
    for word in _words(CHANGE_BEFORE):
        for sentence in (f"2026年支出预算较上年{word}12.50万元。", f"2026年支出预算较上年{word}了12.50万元。"):
            [(_, kind, value, direction)] = _money(sentence)
            if kind == "change":
                made.append(word)
                assert direction in ("increase", "decrease"), (word, sentence, direction)
                assert value == Decimal("125000")
    # not vacuous: the words of real disclosures make changes
    assert {"增加", "减少", "增长", "下降", "多", "少", "节约", "压减"} <= set(made), made


def test_every_verb_that_makes_a_change_of_what_follows_gives_its_direction():
    made = []
    for word in _words(CHANGE_VERB_OBJECT):
        sentence = f"主要原因是{word}了电子政务专项经费200万元。"
        [(_, kind, _value, direction)] = _money(sentence)
        if kind == "change":
            made.append(word)
            assert direction in ("increase", "decrease"), (word, direction)
    assert {"增加", "减少", "追加", "核减"} <= set(made), made


@pytest.mark.parametrize(
    "sentence,printed,direction,value",
    [
        # 苏州市水务局 2026 年单位预算 (js_sz_swj_2026_budget_unit.pdf): 多 made a change without a direction
        (
            "主要原因是市级水利工程运维与维护（拟由水务集团运维）较2025年预算多2,563.22万元"
            "（2026年增加2025年水利工程运维清算资金）。",
            "2,563.22万元",
            "increase",
            Decimal("25632200"),
        ),
        # 西安市 2020 年部门预算 (sn_xa_rsj_2020_budget.pdf)
        ("“三公”经费预算比上年减少19.5万元。", "19.5万元", "decrease", Decimal("195000")),
        # 怀化市政务服务中心 2024 年部门预算 (the seed)
        ("2024年收入预算1094.8万元，收入较上年增加88.87万元，增加率为8.8%。", "88.87万元", "increase", None),
        # the template of 江苏省人大常委会办公厅 2019 年部门预算 (js_rdbgt_2019_budget.pdf)
        ("因公出国（境）费与上年相比增加（减少）0万元。", "0万元", "flat", Decimal("0")),
        ("因公出国（境）费与上年相比增加（减少）12万元。", "12万元", "increase", Decimal("120000")),
        # the template filled with the 三公 table's signed change (-1.20 under 增减变化金额)
        ("公务用车运行维护费与上年相比增加（减少）-1.20万元。", "-1.20万元", "decrease", Decimal("12000")),
        ("“三公”经费预算比上年增加-2.40万元。", "-2.40万元", "decrease", Decimal("24000")),
    ],
)
def test_a_change_is_a_magnitude_with_a_direction(sentence, printed, direction, value):
    changes = [m for m in _money(sentence) if m[1] == "change"]
    assert [(p, d) for p, _, _, d in changes] == [(printed, direction)]
    if value is not None:
        assert changes[0][2] == value


def test_a_line_wrapped_direction_word_still_gives_the_direction():
    # 广州市统计局 2026 年部门预算 (gd_gz_tjj_2026_budget.pdf), wrapped as printed
    sentence = "公务用车运行维护费6.7万元，比上年减\n少2.3万元。）比上年减少2.3万元，下降25.6%"
    changes = [(p, d) for p, kind, _, d in _money(sentence) if kind == "change"]
    assert changes == [("2.3万元", "decrease"), ("2.3万元", "decrease")]


@pytest.mark.parametrize(
    "sentence",
    [
        "党员群众满意度不少于80%。",  # 上海市普陀区万里街道 2023 年部门预算 (sh_pt_wanli_2023_dept_budget.pdf)
        "扎实推进智慧气象多跨融合试点建设≥78 %。",  # 重庆市气象局 2026 年部门预算 (cq_qxj_2026_budget.pdf)
    ],
)
def test_more_and_less_make_no_rate_of_a_percentage(sentence):
    assert [(m.kind, m.direction) for m in _mentions(sentence) if m.unit == "percent"] == [("share", None)]


def test_a_negative_rate_is_a_magnitude_too():
    [rate] = [m for m in _mentions("公务接待费比上年增长-5.3%。") if m.kind == "rate"]
    assert (rate.value, rate.direction) == (Decimal("5.3"), "decrease")


def test_the_flat_phrase_is_a_flat_change_of_zero():
    # 上海市普陀区财政局 2025 年部门预算 (sh_pt_czj_2025_dept_budget.pdf)
    [flat] = [m for m in _mentions("2025年“三公”经费预算数为4.6万元，与2024年预算持平。") if m.kind == "change"]
    assert (flat.value, flat.direction) == (Decimal("0"), "flat")


# --- a nonzero figure never becomes zero ------------------------------------------------------


def test_a_figure_that_rounds_to_no_fen_is_no_figure_and_a_small_one_stays():
    sentence = "2024年“三公”经费预算0.0000001万元，公务接待费0.001万元，因公出国（境）费0.004元。"
    assert _money(sentence) == [("0.001万元", "amount", Decimal("10"), None)]


def test_a_document_printing_a_vanishing_figure_has_no_zero_for_it(tmp_path):
    doc = tmp_path / "tiny.txt"
    doc.write_text(
        "某某市某某局2024年部门预算\n一、“三公”经费预算情况\n"
        "2024年“三公”经费预算0.0000001万元，公务接待费0.001万元。\n"
        "二、政府性基金预算支出情况\n本部门无政府性基金预算支出。\n",
        encoding="utf-8",
    )
    ex = extract_path(doc)
    assert ex.summary["three_public_total"] is None  # not 0: nothing was stated as none
    assert ex.summary["three_public_reception"] == Decimal("10")
    assert ex.summary["fund_budget_expenditure"] == Decimal("0")  # 无: stated none
    [none] = [f for f in ex.facts if f.stated_none]
    assert none.concept == "fund_budget_expenditure" and none.value == 0
    assert validate_tables(_frames(rows_for(ex))).ok


# --- the declared checks ----------------------------------------------------------------------


def _frames(rows: dict[str, list[dict]]):
    return {t: to_pandas(pa.Table.from_pylist(rows[t], schema=schema_for(t))) for t in TABLES}


@pytest.fixture(scope="module")
def seed_rows(seed_extraction):
    return rows_for(seed_extraction)


def _changed(rows, table: str, where, **values) -> dict[str, list[dict]]:
    """A copy of ``rows`` with ``values`` set in the first row of ``table`` that ``where`` picks."""
    copied = {t: [dict(r) for r in rs] for t, rs in rows.items()}
    row = next(r for r in copied[table] if where(r))
    row.update(values)
    return copied


def _failed(rows, table: str) -> set[str]:
    report = validate_tables(_frames(rows))
    return set(report.failures.loc[report.failures["table"] == table, "check"].astype(str))


def test_the_seed_keeps_the_contract(seed_rows):
    assert validate_tables(_frames(seed_rows)).ok


def test_a_negative_change_fails(seed_rows):
    rows = _changed(seed_rows, "facts", lambda f: f["kind"] == "change", value=Decimal("-888700"))
    assert "changes_are_magnitudes" in _failed(rows, "facts")


def test_a_change_without_a_direction_fails(seed_rows):
    rows = _changed(seed_rows, "facts", lambda f: f["kind"] == "change", direction=None)
    assert {"changes_are_magnitudes", "changes_have_a_direction"} <= _failed(rows, "facts")


def test_a_negative_amount_fact_fails(seed_rows):
    rows = _changed(seed_rows, "facts", lambda f: f["kind"] == "amount" and f["value"], value=Decimal("-10948000"))
    assert "amounts_are_not_negative" in _failed(rows, "facts")


def test_a_nonzero_figure_held_as_zero_fails(seed_rows):
    rows = _changed(seed_rows, "facts", lambda f: f["raw"] == "1.15万元", value=Decimal("0"))
    assert _failed(rows, "facts") == {"zero_is_printed_zero"}


def test_zero_is_a_printed_zero_a_stated_absence_or_flat(seed_rows):
    printed = _changed(seed_rows, "facts", lambda f: f["kind"] == "amount", value=Decimal("0"), raw="0.00万元")
    flat = _changed(seed_rows, "facts", lambda f: f["kind"] == "change", value=Decimal("0"), raw="与 2025 年持\n平")
    assert not _failed(printed, "facts") and not _failed(flat, "facts")
    assert any(f["stated_none"] and f["value"] == 0 for f in seed_rows["facts"])  # and the seed's 无… pass


def test_a_negative_summary_value_fails(seed_rows):
    rows = _changed(seed_rows, "summary", lambda r: True, three_public_total=Decimal("-5000.00"))
    assert "not_negative" in _failed(rows, "summary")


def test_a_negative_project_amount_fails(seed_rows):
    rows = _changed(seed_rows, "projects", lambda p: p["amount"] is not None, amount=Decimal("-100.00"))
    assert "not_negative" in _failed(rows, "projects")


def _item(**values) -> dict:
    item = dict.fromkeys(declared("line_items").names)
    item.update(doc_id="0123456789abcdef", item_id=0, pages=[3], table_kind="three_public", page=3, unit="万元")
    item.update(values)
    return item


@pytest.mark.parametrize(
    "item,ok",
    [
        (_item(measure="增减变化情况 / 培训费", measure_key="training_change", amount=Decimal("-63100.00")), True),
        (
            _item(
                row_label="增减变化金额",
                measure="总计 / 一般公共预算",
                measure_key="general_budget_change",
                amount=Decimal("-12000.00"),
            ),
            True,
        ),
        (_item(measure="2019年 / 培训费", measure_key="training", amount=Decimal("-63100.00")), False),
        (_item(measure="2019年 / 培训费", measure_key=None, amount=Decimal("-63100.00")), False),
        (_item(measure="增减变化情况 / 培训费", measure_key="training_change", amount=Decimal("63100.00")), True),
    ],
)
def test_a_negative_line_item_must_be_marked_a_change(seed_rows, item, ok):
    item["raw"] = f"{item['amount'] / 10000:.2f}"  # the table's unit is 万元
    rows = {**seed_rows, "line_items": [item]}
    failed = _failed(rows, "line_items")
    assert (not failed) if ok else failed == {"negative_only_in_change_columns"}


# --- change columns and rows are marked -------------------------------------------------------


def _cell(measure: str | None, key: str | None, label: str = "合计") -> Cell:
    return Cell("-1.20", (0, 0, 0, 0), 3, "amount", Decimal("-12000"), 1, measure, key, label)


@pytest.mark.parametrize(
    "cell,key",
    [
        # 西安市 2019/2020 部门预算: 增减变化情况 over the columns of the year before and this year
        (_cell("增减变化情况 / 一般公共预算拨款安排的“三公”经费预算 / 小计", "total"), "total_change"),
        (_cell("增减变化情况 / 培训费", "training"), "training_change"),
        (_cell("比上年增减", None), "change"),
        (_cell("增加（减少）", None), "change"),
        # 深圳市财政局 2026: the change is a row under the years' rows
        (_cell("总计 / 一般公共预算", "general_budget", "增减变化金额"), "general_budget_change"),
        # not changes
        (_cell("2026年 / 公务接待费 / 一般公共预算", "general_budget", "2026年"), "general_budget"),
        (_cell("合计", "total", "应对气候变化管理事务"), "total"),
        (_cell("上年预算数", "budget_previous"), "budget_previous"),
    ],
)
def test_a_change_column_or_row_is_marked_in_its_measure_key(cell, key):
    assert measure_key(cell) == key


def test_a_real_table_prints_its_negative_changes_marked_and_valid():
    ex = extract_path(SZ_CZJ)
    assert ex.status == "ok"
    negative = [i for i in ex.line_items if i["amount"] is not None and i["amount"] < 0]
    assert negative, "the 三公 table prints 增减变化金额 -1.20"
    assert all(i["row_label"] == "增减变化金额" and i["measure_key"].endswith("_change") for i in negative)
    assert {i["raw"] for i in negative} == {"-1.20"}
    assert all(i["amount"] >= 0 for i in ex.line_items if not (i["measure_key"] or "").endswith("change"))
    assert all(f.value >= 0 for f in ex.facts)
    assert validate_tables(_frames(rows_for(ex))).ok
