"""The analyst dataset: partitioned tables, datapackage.json, and the three examples of
docs/analysts.md (DuckDB, pandas, polars) run as written and agree."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from gongkai.pipeline.run.dataset import datapackage_fields
from gongkai.schemas.tables import TABLES, schema_for
from tests.conftest import FIXTURES, SEED, extract_into

ANALYSTS = Path(__file__).parents[1] / "docs" / "analysts.md"


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("analyst")
    docs = [SEED, *sorted((FIXTURES / "heldout").glob("*.txt")), *sorted((FIXTURES / "html").glob("*.html"))]
    extract_into(tmp / "output", docs)
    return tmp


def test_every_column_has_a_description():
    for table in TABLES:
        fields = datapackage_fields(table)
        missing = [f["name"] for f in fields if not f["description"]]
        assert not missing, (table, missing)
        assert [f["name"] for f in fields] == schema_for(table).names, table


def test_tables_are_partitioned_by_year_and_province(output):
    out = output / "output"
    docs = pq.read_table(out / "documents.parquet").to_pylist()
    for d in docs:
        year, province = d["fiscal_year"], d["province"]
        parts = list((out / "dataset" / "facts").glob(f"fiscal_year={year}/province=*/part-0.parquet"))
        assert parts, (year, province)
    for table in TABLES:
        whole = pq.read_table(out / f"{table}.parquet").num_rows
        parted = sum(pq.read_metadata(p).num_rows for p in (out / "dataset" / table).rglob("*.parquet"))
        assert whole == parted, table


def test_datapackage_describes_every_table_and_column(output):
    root = output / "output"
    package = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "fiscal-data-package"
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == {t.replace("_", "-") for t in TABLES}
    for table in TABLES:
        r = resources[table.replace("_", "-")]
        assert r["path"] and all((root / p).exists() for p in r["path"])
        names = [f["name"] for f in r["schema"]["fields"]]
        assert set(schema_for(table).names) <= set(names)
        assert all(f["description"] for f in r["schema"]["fields"])
    facts = {f["name"]: f for f in resources["facts"]["schema"]["fields"]}
    assert facts["value"]["type"] == "number" and facts["value"]["format"] == "decimal(28,6)"
    assert facts["value"]["columnType"] == "value"
    docs = {f["name"]: f for f in resources["documents"]["schema"]["fields"]}
    assert docs["fiscal_year"]["columnType"] == "date:fiscal-year"


def _examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", ANALYSTS.read_text(encoding="utf-8"), re.S)


def test_analyst_examples_agree(output, monkeypatch):
    monkeypatch.chdir(output)
    results = {}
    for code in _examples():
        scope: dict = {}
        exec(compile(code, "docs/analysts.md", "exec"), scope)
        results.update({k: v for k, v in scope.items() if k.endswith("_result")})
    assert set(results) == {"duckdb_result", "pandas_result", "polars_result"}

    def rows(df) -> set[tuple]:
        records = df.to_dict("records") if hasattr(df, "to_dict") and not hasattr(df, "to_dicts") else df.to_dicts()
        return {
            (
                r["province"],
                r["city"] if r["city"] == r["city"] else None,
                int(r["fiscal_year"]),
                Decimal(r["three_public_total"]),
                int(r["documents"]),
            )
            for r in records
        }

    duck = rows(results["duckdb_result"])
    assert duck == rows(results["pandas_result"]) == rows(results["polars_result"])
    # the seed: 湖南省怀化市 2024, 三公 1.2万元
    assert ("湖南省", "怀化市", 2024, Decimal("12000.00"), 1) in duck
    summary = pq.read_table(output / "output" / "summary.parquet").to_pylist()
    assert sum(r[3] for r in duck) == sum(
        s["three_public_total"] for s in summary if s["three_public_total"] is not None
    )
