"""Reconciliation rules: pass, fail or not_applicable, by printed precision."""

from __future__ import annotations

from decimal import Decimal as D

from gongkai.extractors.checks.rules import check_lists, check_shares, check_sum
from gongkai.extractors.model import Fact
from gongkai.schemas.rules import Rule, SumRule


def fact(
    i,
    concept,
    value,
    resolution="100",
    kind="amount",
    sentence=0,
    parent=None,
    list_open=False,
    stated_none=False,
    label="",
):
    return Fact(
        fact_id=i,
        kind=kind,
        value=D(value),
        unit="yuan",
        raw=str(value),
        char_start=i * 10,
        char_end=i * 10 + 5,
        concept=concept,
        resolution=D(resolution),
        sentence=sentence,
        parent=parent,
        list_open=list_open,
        stated_none=stated_none,
        label=label,
    )


SUM = SumRule("basic_plus_project", "expenditure_total", ("expenditure_basic", "expenditure_project"))


def test_sum_passes_within_printed_precision():
    facts = [
        fact(0, "expenditure_total", "10948000"),
        fact(1, "expenditure_basic", "4395600"),
        fact(2, "expenditure_project", "6552400"),
    ]
    assert check_sum(facts, SUM).status == "pass"


def test_sum_fails_beyond_printed_precision():
    facts = [
        fact(0, "expenditure_total", "10948000"),
        fact(1, "expenditure_basic", "4395600"),
        fact(2, "expenditure_project", "6552600"),
    ]
    check = check_sum(facts, SUM)
    assert check.status == "fail"
    assert check.expected == D("10948200") and check.actual == D("10948000")
    assert check.evidence == [(0, 5), (10, 15), (20, 25)]


def test_sum_not_applicable_when_total_missing():
    assert check_sum([fact(1, "expenditure_basic", "1")], SUM).status == "not_applicable"


def test_missing_part_below_total_is_not_a_failure():
    rule = SumRule(
        "procurement", "procurement_total", ("procurement_goods", "procurement_works", "procurement_services")
    )
    facts = [
        fact(0, "procurement_total", "567800"),
        fact(1, "procurement_goods", "80000"),
        fact(2, "procurement_services", "400000"),
    ]
    assert check_sum(facts, rule).status == "not_applicable"
    facts[2] = fact(2, "procurement_services", "487800")
    assert check_sum(facts, rule).status == "pass"


def test_stated_none_counts_as_zero():
    rule = SumRule("three_public", "three_public_total", ("three_public_overseas", "three_public_reception"))
    facts = [
        fact(0, "three_public_total", "3000"),
        fact(1, "three_public_overseas", "0", "0", stated_none=True),
        fact(2, "three_public_reception", "3000"),
    ]
    assert check_sum(facts, rule).status == "pass"


def test_open_list_below_parent_is_not_applicable_but_above_fails():
    parent = fact(0, "expenditure_basic", "4395600")
    members = [
        fact(1, "expenditure_basic_item", "1188600", parent=0, list_open=True),
        fact(2, "expenditure_basic_item", "636100", parent=0, list_open=True),
    ]
    assert [c.status for c in check_lists([parent, *members], Rule("list"))] == ["not_applicable"]
    members[1] = fact(2, "expenditure_basic_item", "4000000", parent=0, list_open=True)
    assert [c.status for c in check_lists([parent, *members], Rule("list"))] == ["fail"]


def test_share_uses_interval_arithmetic():
    whole = fact(0, "expenditure_general_budget", "10948000", resolution="1000")
    part = fact(1, "expenditure_by_function", "579600", parent=0, sentence=0)
    wrong = Fact(
        fact_id=2,
        kind="share",
        value=D("5.23"),
        unit="percent",
        raw="5.23%",
        char_start=30,
        char_end=35,
        resolution=D("0.01"),
        sentence=0,
        about=1,
    )
    right = Fact(
        fact_id=2,
        kind="share",
        value=D("5.29"),
        unit="percent",
        raw="5.29%",
        char_start=30,
        char_end=35,
        resolution=D("0.01"),
        sentence=0,
        about=1,
    )
    assert check_shares([whole, part, wrong], Rule("share"))[0].status == "fail"
    assert check_shares([whole, part, right], Rule("share"))[0].status == "pass"


def test_tables_that_disagree_fail():
    from gongkai.extractors.checks.tables import tables_agree

    items = [
        {"table_title": "收支总表", "raw": "10,948,000.00", "amount": D("10948000"), "unit": "元"},
        {"table_title": "收入总表", "raw": "10,948,100.00", "amount": D("10948100"), "unit": "元"},
        {"table_title": "财政拨款收支总表", "raw": "1094.80", "amount": D("10948000"), "unit": "万元"},
    ]
    checks = tables_agree(items, {"income_general_budget": [0, 1, 2]}, "tables_agree")
    assert [c.status for c in checks] == ["fail", "pass"]  # 100 元 apart; 1094.80万元 holds 10,948,000 元
    assert checks[0].evidence_items == [0, 1]
