"""Each output table is declared once (schemas/declarations.py); the arrow schemas, the pandera
schemas, the datapackage.json fields and docs/data-dictionary.md are generated from it."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from gongkai.pipeline.run.dataset import datapackage_fields
from gongkai.pipeline.run.rows import rows_for
from gongkai.pipeline.run.writer import to_pandas
from gongkai.schemas import dictionary
from gongkai.schemas.declarations import SUMMARY_CONCEPTS, TABLES, declared, declared_tables, summary_concepts
from gongkai.schemas.tables import schema_for as arrow_schema_for
from gongkai.schemas.validation import schema_for as pandera_schema_for
from gongkai.schemas.validation import validate_tables

DICTIONARY = Path(__file__).parents[1] / "docs" / "data-dictionary.md"


def test_the_data_dictionary_is_generated_from_the_declarations():
    assert DICTIONARY.read_text(encoding="utf-8") == dictionary.render(), (
        f"docs/data-dictionary.md is stale: run `{dictionary.COMMAND}`"
    )


def test_the_dictionary_says_how_it_is_generated():
    assert dictionary.COMMAND in dictionary.render().splitlines()[2]


@pytest.mark.parametrize("table", TABLES)
def test_a_declaration_is_well_formed(table):
    t = declared(table)
    assert t.name == table and t.rows
    assert len(set(t.names)) == len(t.names), "a column declared twice"
    assert all(c.description.strip() for c in t.columns), [c.name for c in t.columns if not c.description.strip()]
    assert set(t.primary_key) <= set(t.names)
    assert len({k.name for k in t.checks}) == len(t.checks)


@pytest.mark.parametrize("table", TABLES)
def test_the_arrow_schema_is_the_declaration(table):
    t = declared(table)
    schema = arrow_schema_for(table)
    assert schema.names == t.names
    assert [f.type for f in schema] == [c.type for c in t.columns]
    assert all(f.nullable for f in schema)  # parquet columns are all nullable; validation decides


@pytest.mark.parametrize("table", TABLES)
def test_the_pandera_schema_is_the_declaration(table):
    t = declared(table)
    schema = pandera_schema_for(table)
    assert list(schema.columns) == t.names and schema.strict is True
    assert {n: c.nullable for n, c in schema.columns.items()} == {c.name: c.nullable for c in t.columns}
    assert {n: c.unique for n, c in schema.columns.items()} == {c.name: c.unique for c in t.columns}
    assert [k.name for k in schema.checks] == [k.name for k in t.checks]
    for c in t.columns:
        names = [k.name for k in schema.columns[c.name].checks]
        assert all(k.name in names for k in c.checks), (c.name, names)


@pytest.mark.parametrize("table", TABLES)
def test_the_datapackage_fields_are_the_declaration(table):
    fields = datapackage_fields(table)
    assert [f["name"] for f in fields] == declared(table).names
    assert all(f["description"] and "`" not in f["description"] for f in fields)


def test_every_summary_concept_is_described():
    concepts = [c for c, _ in summary_concepts()]
    assert set(concepts) == set(SUMMARY_CONCEPTS), (
        "schemas/declarations.py SUMMARY_CONCEPTS must describe exactly the summary concepts of concepts.toml"
    )


def test_summary_has_one_column_per_concept():
    names = declared("summary").names
    assert names == ["doc_id", *(c for c, _ in summary_concepts()), "sources"]
    counts = [c for c, unit in summary_concepts() if unit == "count"]
    assert all(arrow_schema_for("summary").field(c).type == pa.int64() for c in counts)


@pytest.fixture(scope="module")
def frames(seed_extraction):
    rows = rows_for(seed_extraction)
    return {t: to_pandas(pa.Table.from_pylist(rows[t], schema=arrow_schema_for(t))) for t in TABLES}


def _break(frames, table, **values):
    broken = {t: df.copy() for t, df in frames.items()}
    for column, value in values.items():
        broken[table][column] = broken[table][column].astype(object)
        broken[table].loc[0, column] = value
    return broken


@pytest.mark.parametrize(
    "table,values,check",
    [
        ("documents", {"status": "failed", "error_reason": None}, "failed_documents_have_a_reason"),
        ("facts", {"char_end": 0, "char_start": 5}, "span_is_ordered"),
        ("facts", {"stated_none": True}, "stated_none_is_zero"),
        ("facts", {"kind": "change", "direction": None}, "changes_have_a_direction"),
        ("facts", {"fact_id": 1}, "fact_ids_unique_per_document"),
        ("checks", {"status": "fail", "expected": None}, "decided_checks_have_values"),
    ],
)
def test_a_named_table_check_is_reported_by_name(frames, table, values, check):
    assert validate_tables(frames).ok
    report = validate_tables(_break(frames, table, **values))
    assert check in set(report.failures.loc[report.failures["table"] == table, "check"].astype(str))


def test_every_table_is_declared():
    assert tuple(t.name for t in declared_tables()) == TABLES
