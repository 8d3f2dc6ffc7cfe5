"""The vocabulary and rules are data humans edit: catch drift early."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from gongkai.extractors.facts.attribute import VocabularyError, load_vocabulary, match_concept, parse_vocabulary
from gongkai.extractors.checks.rules import load_rules

ROOT = Path(__file__).parents[1]

# The summary concepts issue #2 requires (README "Summary concepts").
REQUIRED_SUMMARY = """income_total income_current_year income_general_budget expenditure_total
expenditure_current_year expenditure_basic expenditure_project expenditure_personnel
expenditure_public_funds expenditure_general_budget fund_budget_expenditure three_public_total
three_public_overseas three_public_vehicle_total three_public_vehicle_purchase
three_public_vehicle_operation three_public_reception operating_funds procurement_total
procurement_goods procurement_works procurement_services training_fee meeting_fee
performance_projects performance_project_amount""".split()


def test_every_required_summary_concept_is_a_column():
    columns = [c for c, _ in load_vocabulary().summary_columns]
    assert sorted(columns) == sorted(REQUIRED_SUMMARY)


def test_readme_documents_every_summary_column():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c, _ in load_vocabulary().summary_columns if f"`{c}`" not in readme]
    assert not missing


def test_rules_name_only_known_concepts():
    concepts = {r.name for r in load_vocabulary().rules} | {"performance_project_class"}
    for rule in load_rules()["sum"]:
        named = re.split(r"[|+]", "|".join([rule["total"], *rule["parts"]]))
        unknown = {c.rstrip("*?") for c in named} - concepts
        assert not unknown, rule["name"]


def test_children_and_under_name_known_concepts():
    vocab = load_vocabulary()
    names = {r.name for r in vocab.rules} | {"project", "performance_project_class"}
    for rule in vocab.rules:
        assert rule.children is None or rule.children in names, rule.name
        assert set(rule.under) <= names, rule.name


@pytest.mark.parametrize("entry,message", [
    ({"concept": [{"name": "x", "terms": ["(unclosed"]}]}, "bad regex"),
    ({"concept": [{"name": "x", "terms": ["a"], "colour": "red"}]}, "unknown keys"),
    ({"concept": [{"name": "Bad Name", "terms": ["a"]}]}, "snake_case"),
    ({"concept": [{"name": "x", "terms": []}]}, "non-empty"),
    ({"concept": [{"name": "x", "terms": ["a"], "kinds": ["money"]}]}, "unknown kinds"),
])
def test_a_bad_entry_is_named(entry, message):
    with pytest.raises(VocabularyError, match=message):
        parse_vocabulary(entry)


def test_the_shipped_file_parses_strictly():
    data = tomllib.loads((ROOT / "schemas" / "concepts.toml").read_text(encoding="utf-8"))
    assert parse_vocabulary(data).rules


LABELS = [
    # (label, kind, sentence context, parent concept, expected concept)
    ("收入预算", "amount", "", None, "income_total"),
    ("工资福利支出", "amount", "", None, "expenditure_personnel"),
    ("一般公共预算拨款支出", "amount", "", None, "expenditure_general_budget"),
    ("一般公共预算拨款安排“三公”经费预算数", "amount", "", None, "three_public_total"),
    ("机关运行经费一般公共预算拨款", "amount", "", None, "operating_funds"),
    ("公务用车购置及运行维护费", "amount", "", None, "three_public_vehicle_total"),
    ("公务用车运行费", "amount", "", None, "three_public_vehicle_operation"),
    ("政府采购服务预算", "amount", "政府采购预算总额", None, "procurement_services"),
    ("政府采购预算总额", "amount", "政府采购预算总额", None, "procurement_total"),
    ("一般公共预算拨款", "amount", "", "income_total", "income_general_budget"),
    ("编报绩效目标的项目", "count", "", None, "performance_projects"),
    ("参加人数", "count", "培训费预算1.15万元", None, "training_participants"),
    ("参加人数", "count", "会议费预算0.45万元", None, "meeting_participants"),
]


@pytest.mark.parametrize("label,kind,context,parent,expected", LABELS)
def test_label_to_concept(label, kind, context, parent, expected):
    found = match_concept(label, kind, context, load_vocabulary(), parent)
    assert found is not None and found.concept == expected
