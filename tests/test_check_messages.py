"""Check messages a reviewer reads at a glance: amounts in the unit the document printed
(万元 as printed, else 元 with thousands separators), at most 2 decimals of a percentage,
one line, never ``20720500.0000``."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from gongkai.extractors.checks.messages import amount_text, one_line, percent_text
from gongkai.extractors.checks.rules import check_lists, check_sum
from gongkai.extractors.checks.tables import row_identities, rows_sum_to_parent, tables_agree
from gongkai.extractors.model import Fact
from gongkai.schemas.rules import Rule, SumRule

# a number with more than 2 decimals ending in 0, as Decimal.quantize printed them: 20720500.0000
UNGLANCEABLE = re.compile(r"\d\.\d{2,}0(?!\d)|\d\.0{3,}")


@pytest.mark.parametrize(
    "value, unit, expected",
    [
        ("20720500.0000", "万元", "2,072.05万元"),
        ("20720500.0000", "元", "20,720,500元"),
        ("20720500.0000", None, "20,720,500元"),
        ("512900", "万元", "51.29万元"),
        ("535600.00", "万元", "53.56万元"),
        ("10948000", "万元", "1,094.80万元"),  # 万元 keeps 2 decimals, as documents print them
        ("123", "万元", "0.0123万元"),  # exact yuan: up to 4 decimals of 万元, no trailing zeros
        ("1234.5", "元", "1,234.50元"),  # cents when there are some
        ("1234.505", "元", "1,234.50元"),  # to the cent (half even)
        ("0", "元", "0元"),
        ("-5000", "万元", "-0.50万元"),
        ("10948000", "千元", "10,948,000元"),  # any unit but 万元: 元
    ],
)
def test_amount_text(value, unit, expected):
    assert amount_text(D(value), unit) == expected


@pytest.mark.parametrize(
    "value, expected",
    [("5.2900", "5.29%"), ("5.23456", "5.23%"), ("12.5000", "12.5%"), ("100.0000", "100%"), ("1681.14", "1,681.14%")],
)
def test_percent_text(value, expected):
    assert percent_text(D(value)) == expected


def test_one_line():
    assert (
        one_line("三公经费\n合计 51.29万元,\r\n  the total is 53.56万元")
        == "三公经费 合计 51.29万元, the total is 53.56万元"
    )


def _fact(i, concept, value, unit_text="万元", resolution="100", parent=None, label="", raw=None):
    return Fact(
        fact_id=i,
        kind="amount",
        value=D(value),
        unit="yuan",
        raw=raw or f"{D(value) / 10000}{unit_text}",
        char_start=i * 10,
        char_end=i * 10 + 5,
        concept=concept,
        unit_text=unit_text,
        resolution=D(resolution),
        parent=parent,
        label=label,
    )


def test_a_failed_sum_prints_the_documents_unit():
    rule = SumRule(
        "three_public_parts_equal_total",
        "three_public_total",
        ("three_public_overseas", "three_public_vehicle_total", "three_public_reception"),
    )
    facts = [
        _fact(0, "three_public_total", "535600"),
        _fact(1, "three_public_overseas", "0", resolution="10000"),
        _fact(2, "three_public_vehicle_total", "410000"),
        _fact(3, "three_public_reception", "102900"),
    ]
    check = check_sum(facts, rule)
    assert check.status == "fail"
    assert check.message == "parts add up to 51.29万元, the total is 53.56万元"
    assert check.expected == D("512900.0000")  # the columns keep exact yuan


def test_a_failed_sum_in_yuan_has_thousands_separators():
    rule = SumRule("basic_plus_project", "expenditure_total", ("expenditure_basic", "expenditure_project"))
    facts = [
        _fact(0, "expenditure_total", "20720500", "元", "0.01", raw="20720500元"),
        _fact(1, "expenditure_basic", "10000000", "元", "0.01", raw="10000000元"),
        _fact(2, "expenditure_project", "10000000", "元", "0.01", raw="10000000元"),
    ]
    check = check_sum(facts, rule)
    assert check.message == "parts add up to 20,000,000元, the total is 20,720,500元"
    assert not UNGLANCEABLE.search(check.message)


def test_a_failed_list_prints_the_parents_unit():
    facts = [
        _fact(0, "expenditure_basic", "4395600", label="基本支出"),
        _fact(1, "expenditure_personnel", "3000000", parent=0),
        _fact(2, "expenditure_public_funds", "1000000", parent=0),
    ]
    (check,) = check_lists(facts, Rule("list_members_sum_to_parent"))
    assert check.status == "fail"
    assert check.message == "the 2 items under 基本支出 add up to 400.00万元, not 439.56万元"


def _cell(code, parent, raw, amount, unit="元", measure="合计", title="一般公共预算支出表"):
    return {
        "table_kind": "expenditure",
        "table_title": title,
        "measure": measure,
        "code": code,
        "parent_code": parent,
        "raw": raw,
        "amount": D(amount),
        "unit": unit,
    }


def test_failed_table_checks_print_amounts_with_their_unit():
    items = [
        _cell("201", None, "20,720,500.00", "20720500"),
        _cell("20101", "201", "10,000,000.00", "10000000"),
        _cell("20102", "201", "10,000,000.00", "10000000"),
    ]
    (check,) = rows_sum_to_parent(items, "rows_sum_to_parent_code")
    assert check.message == (
        "一般公共预算支出表 / 合计: rows under 201 add up to 20,000,000元, the row prints 20,720,500.00元"
    )
    wan = [
        {"table_title": "支出总表", "row_index": 3, "row_label": "一般公共服务支出", "measure_key": k, "raw": r,
         "amount": D(a), "unit": "万元"}
        for k, r, a in (("total", "1094.80", "10948000"), ("basic", "439.56", "4395600"), ("project", "600", "6000000"))
    ]  # fmt: skip
    (check,) = row_identities(wan, "row_total_equals_basic_plus_project", "total", ("basic", "project"))
    assert check.message == "支出总表 / 一般公共服务支出: basic + project = 1,039.56万元, total prints 1094.80万元"
    agree = [
        {"table_title": "收支总表", "raw": "10,948,000.00", "amount": D("10948000"), "unit": "元"},
        {"table_title": "收入总表", "raw": "10,948,100.00", "amount": D("10948100"), "unit": "元"},
    ]
    (check,) = tables_agree(agree, {"income_general_budget": [0, 1]}, "tables_agree")
    assert check.message == "income_general_budget: 收支总表 prints 10,948,000.00元, 收入总表 prints 10,948,100.00元"


def test_the_seed_share_message_reads_at_a_glance(seed_extraction):
    (check,) = [c for c in seed_extraction.checks if c.status == "fail"]
    assert check.message.endswith("= 5.29%, printed 5.23%")
    assert "\n" not in check.message and not UNGLANCEABLE.search(check.message)


def test_no_check_message_of_the_seed_prints_unglanceable_numbers(seed_extraction):
    for check in seed_extraction.checks:
        assert not UNGLANCEABLE.search(check.message), check.message
