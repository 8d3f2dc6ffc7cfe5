"""Every output table is validated lazily: all failures come back as one table."""

from __future__ import annotations

from gongkai.extractors.extract import extract_path
from gongkai.pipeline.run.writer import OutputWriter, to_pandas
from gongkai.schemas.validation import validate_tables
from tests.conftest import SEED


def _frames(tmp_path):
    writer = OutputWriter(tmp_path)
    writer.add(extract_path(SEED))
    frames = {name: to_pandas(table) for name, table in writer.tables.pending_tables().items()}
    writer.abort()
    return frames


def test_real_output_is_valid(tmp_path):
    assert validate_tables(_frames(tmp_path)).ok


def test_every_failure_is_reported_with_its_table_and_check(tmp_path):
    frames = _frames(tmp_path)
    frames["facts"].loc[0, "kind"] = "money"  # not a kind
    frames["facts"].loc[1, "value"] = 1.5  # a float, not a Decimal
    frames["facts"]["colour"] = "red"  # a column no schema has
    frames["checks"].loc[0, "status"] = "maybe"  # not pass/fail/not_applicable
    frames["projects"].loc[0, "amount"] = "100000"  # a string amount
    report = validate_tables(frames)
    assert not report.ok
    found = set(zip(report.failures["table"], report.failures["check"].astype(str)))
    assert ("facts", "value_is_decimal") in found
    assert ("projects", "amount_is_decimal_or_null") in found
    assert {t for t, _ in found} >= {"facts", "checks", "projects"}
    assert any("colour" in str(c) for c in report.failures["failure_case"]) or any(
        "column_in_schema" in c for _, c in found
    )
