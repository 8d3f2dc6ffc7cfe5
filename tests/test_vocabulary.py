"""The data files of schemas/ are edited by humans: a broken entry fails on load, naming the file and the entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.extractors.facts.attribute import match_concept
from gongkai.schemas.datafile import DataFileError
from gongkai.schemas.regions import load_regions, parse_aliases, parse_regions
from gongkai.schemas.rules import load_rules, parse_rules
from gongkai.schemas.table_concepts import load_table_concepts, parse_table_concepts
from gongkai.schemas.table_kinds import load_table_kinds, parse_table_kinds
from gongkai.schemas.vocabulary import load_vocabulary, parse_vocabulary

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


def test_the_data_dictionary_documents_every_summary_column():
    dictionary = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    missing = [c for c, _ in load_vocabulary().summary_columns if f"`{c}`" not in dictionary]
    assert not missing


# --- drift: the shipped files load ----------------------------------------------------


def test_the_shipped_files_load():
    vocab = load_vocabulary()
    assert len(vocab.rules) > 50 and {"project", "performance_project_class"} <= vocab.concepts
    rules = load_rules()
    assert rules.sum and rules.list and rules.table and rules.text_vs_table and rules.between_tables
    kinds = load_table_kinds()
    assert "three_public" in kinds.names and "total" in kinds.measure_keys and kinds.empty
    assert {c.concept for c in load_table_concepts()} <= vocab.concepts
    regions = load_regions()
    assert len(regions.rows) > 3000 and {a.alias for a in regions.aliases} >= {"平潭综合实验区"}


def test_the_shipped_files_parse_strictly():
    text = {
        name: (ROOT / "schemas" / name).read_text(encoding="utf-8")
        for name in ("concepts.toml", "rules.toml", "table_kinds.toml", "table_concepts.toml")
    }
    vocab = parse_vocabulary(text["concepts.toml"])
    kinds = parse_table_kinds(text["table_kinds.toml"])
    assert parse_rules(text["rules.toml"], vocab.concepts, kinds.measure_keys) == load_rules()
    assert parse_table_concepts(text["table_concepts.toml"], vocab.concepts, kinds.names) == load_table_concepts()


# --- broken entries are named ---------------------------------------------------------


def _rules(text: str):
    return parse_rules(text, load_vocabulary().concepts, load_table_kinds().measure_keys)


def _table_concepts(text: str):
    return parse_table_concepts(text, load_vocabulary().concepts, load_table_kinds().names)


def _aliases(text: str):
    return parse_aliases(text, frozenset({"110000", "110101"}))


SUM = '[[sum]]\nname = "{}"\ntotal = "expenditure_total"\nparts = ["expenditure_basic", "expenditure_project"]\n'
CONCEPT = '[[concept]]\nname = "x"\nterms = ["a"]\n'
KIND = '[[kind]]\nname = "k"\npatterns = ["表$"]\n'
REGIONS = "code,name,short_name,level,province_code,prefecture_code\n110000,北京市,北京,province,110000,\n"

BROKEN = [
    # (parse, text, where the error points, what it says)
    (_rules, "[[summ]]\nname = 'x'\n", "rules.toml", "unknown rule kinds ['summ']"),
    (
        _rules,
        SUM.format("a") + SUM.format("b") + SUM.format("xyz").replace("total =", "totl ="),
        "rules.toml [[sum]] #3 'xyz'",
        "unknown keys ['totl']",
    ),
    (
        _rules,
        SUM.format("xyz").replace('"expenditure_project"', '"expenditure_projet"'),
        "rules.toml [[sum]] #1 'xyz'",
        "unknown concepts (not in concepts.toml) ['expenditure_projet']",
    ),
    (
        _rules,
        SUM.format("xyz").replace('total = "expenditure_total"', 'total = "expenditure_totl|income_total"'),
        "rules.toml [[sum]] #1 'xyz'",
        "['expenditure_totl']",
    ),
    (
        _rules,
        SUM.format("xyz").replace('"expenditure_basic"', '"expenditure_basic*+expenditure_project"'),
        "rules.toml [[sum]] #1 'xyz'",
        "'concept*' must be a whole alternative",
    ),
    (
        _rules,
        '[[sum]]\nname = "xyz"\ntotal = "expenditure_total"\n',
        "rules.toml [[sum]] #1 'xyz'",
        "missing keys ['parts']",
    ),
    (
        _rules,
        '[[sum]]\nname = "xyz"\ntotal = "expenditure_total"\nparts = "expenditure_basic"\n',
        "rules.toml [[sum]] #1 'xyz'",
        "'parts' must be a list of strings",
    ),
    (
        _rules,
        '[[list]]\nname = "l"\n[[list]]\nname = "xyz"\nkind = "all"\n',
        "rules.toml [[list]] #2 'xyz'",
        "unknown keys ['kind']",
    ),
    (
        _rules,
        '[[table]]\nname = "xyz"\nkind = "rows_sum"\n',
        "rules.toml [[table]] #1 'xyz'",
        "unknown [[table]] kind ['rows_sum']",
    ),
    (
        _rules,
        '[[table]]\nname = "xyz"\nkind = "row_identity"\ntotal = "total"\nparts = ["basic", "projects"]\n',
        "rules.toml [[table]] #1 'xyz'",
        "unknown measure keys (not in table_kinds.toml) ['projects']",
    ),
    (
        _rules,
        '[[table]]\nname = "xyz"\nkind = "row_identity"\ntotal = "total"\n',
        "rules.toml [[table]] #1 'xyz'",
        "missing keys ['parts']",
    ),
    (
        _rules,
        '[[table]]\nname = "xyz"\nkind = "rows_sum_to_parent"\ntotal = "total"\n',
        "rules.toml [[table]] #1 'xyz'",
        "unknown keys ['total']",
    ),
    (_rules, '[[rate]]\nname = "Rate Check"\n', "rules.toml [[rate]] #1 'Rate Check'", "snake_case"),
    (_rules, SUM.format("xyz") + '[[share]]\nname = "xyz"\n', "rules.toml", "duplicate rule names ['xyz']"),
    (_rules, '[sum]\nname = "xyz"\n', "rules.toml", "must be a list of [[sum]] tables"),
    (_rules, '[[sum]\nname = "xyz"\n', "rules.toml", "line 1"),
    (
        _table_concepts,
        '[[rule]]\nconcept = "income_totl"\ntables = ["income_expenditure_summary"]\n',
        "table_concepts.toml [[rule]] #1 'income_totl'",
        "unknown concept (not in concepts.toml) ['income_totl']",
    ),
    (
        _table_concepts,
        '[[rule]]\nconcept = "income_total"\ntables = ["income_summery"]\n',
        "table_concepts.toml [[rule]] #1 'income_total'",
        "['income_summery']",
    ),
    (
        _table_concepts,
        '[[rule]]\nconcept = "income_total"\ntables = ["income_summary"]\nrows = "^合计$"\n',
        "table_concepts.toml [[rule]] #1 'income_total'",
        "unknown keys ['rows']",
    ),
    (
        _table_concepts,
        '[[rule]]\nconcept = "income_total"\ntables = ["income_summary"]\nrow = "(合计"\n',
        "table_concepts.toml [[rule]] #1 'income_total'",
        "bad regex '(合计'",
    ),
    (
        _table_concepts,
        '[[rule]]\nconcept = "income_total"\ntables = ["income_summary"]\nempty = "none"\n',
        "table_concepts.toml [[rule]] #1 'income_total'",
        "'empty' must be a number",
    ),
    (
        _table_concepts,
        '[[rule]]\nconcept = "income_total"\n',
        "table_concepts.toml [[rule]] #1 'income_total'",
        "missing keys ['tables']",
    ),
    (
        parse_table_kinds,
        KIND + 'classification = "functional"\n',
        "table_kinds.toml [[kind]] #1 'k'",
        "unknown classification ['functional']",
    ),
    (
        parse_table_kinds,
        KIND + '[[kind]]\nname = "xyz"\n',
        "table_kinds.toml [[kind]] #2 'xyz'",
        "missing keys ['patterns']",
    ),
    (parse_table_kinds, KIND + 'pattern = ["x"]\n', "table_kinds.toml [[kind]] #1 'k'", "unknown keys ['pattern']"),
    (parse_table_kinds, KIND + 'layout = "list"\n', "table_kinds.toml [[kind]] #1 'k'", "unknown layout ['list']"),
    (parse_table_kinds, KIND.replace("表$", "(表"), "table_kinds.toml [[kind]] #1 'k'", "bad regex"),
    (parse_table_kinds, KIND + KIND, "table_kinds.toml", "duplicate kind names ['k']"),
    (
        parse_table_kinds,
        '[[measure]]\nkey = "total"\npatterns = ["合计"]\ngroup = "totals"\n',
        "table_kinds.toml [[measure]] #1 'total'",
        "unknown measure key in 'group' ['totals']",
    ),
    (parse_table_kinds, '[empty]\npattern = ["无"]\n', "table_kinds.toml [empty]", "unknown keys ['pattern']"),
    (parse_vocabulary, CONCEPT.replace('"a"', '"(unclosed"'), "concepts.toml [[concept]] #1 'x'", "bad regex"),
    (parse_vocabulary, CONCEPT + 'colour = "red"\n', "concepts.toml [[concept]] #1 'x'", "unknown keys ['colour']"),
    (parse_vocabulary, CONCEPT.replace('"x"', '"Bad Name"'), "concepts.toml [[concept]] #1 'Bad Name'", "snake_case"),
    (parse_vocabulary, CONCEPT.replace('["a"]', "[]"), "concepts.toml [[concept]] #1 'x'", "non-empty"),
    (parse_vocabulary, CONCEPT + 'kinds = ["money"]\n', "concepts.toml [[concept]] #1 'x'", "unknown kinds ['money']"),
    (parse_vocabulary, CONCEPT + 'unit = "euro"\n', "concepts.toml [[concept]] #1 'x'", "unknown unit ['euro']"),
    (parse_vocabulary, CONCEPT + 'under = ["y"]\n', "concepts.toml [[concept]] #1 'x'", "concepts in 'under' ['y']"),
    (parse_vocabulary, CONCEPT + 'also = ["y"]\n', "concepts.toml [[concept]] #1 'x'", "concepts in 'also' ['y']"),
    (
        parse_vocabulary,
        '[[adjustment]]\nname = "after_cuts"\npattern = "压减"\n',
        "concepts.toml [[adjustment]] #1 'after_cuts'",
        "missing keys ['earlier_suffix']",
    ),
    (
        parse_vocabulary,
        '[label]\nleading = ["的"]\ngenerics = []\n',
        "concepts.toml [label]",
        "unknown keys ['generics']",
    ),
    (parse_vocabulary, '[[concepts]]\nname = "x"\n', "concepts.toml", "unknown keys ['concepts']"),
    (parse_regions, REGIONS + "11010,东城区,东城,county,110000,\n", "regions.csv line 3 '11010'", "6 digits"),
    (parse_regions, REGIONS + "110101,东城区,东城,district,110000,\n", "regions.csv line 3 '110101'", "'level'"),
    (parse_regions, REGIONS + "110101,东城区,东城,county,120000,\n", "regions.csv line 3 '110101'", "parent code"),
    (parse_regions, REGIONS + "110000,北京市,北京,province,110000,\n", "regions.csv line 3 '110000'", "duplicate"),
    (parse_regions, "code,name,level\n110000,北京市,province\n", "regions.csv", "header lacks columns"),
    (
        _aliases,
        "alias,code,note\n北平,110000,\n燕京,999999,\n",
        "region_aliases.csv line 3 '燕京'",
        "a code of regions.csv",
    ),
]


@pytest.mark.parametrize("parse,text,where,problem", BROKEN)
def test_a_broken_entry_is_named(parse, text, where, problem):
    with pytest.raises(DataFileError) as raised:
        parse(text)
    assert where in str(raised.value) and problem in str(raised.value), str(raised.value)


def test_a_good_entry_parses():
    assert _rules(SUM.format("xyz")).sum[0].parts == ("expenditure_basic", "expenditure_project")
    assert parse_vocabulary(CONCEPT).rules[0].kinds == ("amount", "change", "rate", "share")
    assert parse_table_kinds(KIND).kinds[0].layout == "grid"
    assert parse_regions(REGIONS)[0].prefecture_code == ""
    assert _aliases("alias,code,note\n北平, 110000 ,\n")[0].code == "110000"


# --- label → concept ------------------------------------------------------------------

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
