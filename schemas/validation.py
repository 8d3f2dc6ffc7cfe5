"""A strict pandera schema per output table, generated from schemas/declarations.py, validated lazily.

Every failure of every table is collected and reported as one table
(``ValidationReport.failures``) instead of stopping at the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd
import pandera.pandas as pa
import pyarrow
from pandera.errors import SchemaErrors

from gongkai.schemas.declarations import Column, Table, declared

_DTYPES = {
    pyarrow.int32(): pd.Int32Dtype(),
    pyarrow.int64(): pd.Int64Dtype(),
    pyarrow.float64(): float,
    pyarrow.bool_(): bool,
}


def _dtype(t: pyarrow.DataType):
    """The pandera dtype of an arrow type: decimals, lists, structs and maps stay Python objects."""
    return str if pyarrow.types.is_string(t) else _DTYPES.get(t, object)


def _checks(c: Column) -> list[pa.Check]:
    """The column's checks, built-in ones first (in pandera's Field order), then its named checks."""
    checks = []
    if c.min is not None:
        checks.append(pa.Check.greater_than_or_equal_to(c.min))
    if c.max is not None:
        checks.append(pa.Check.less_than_or_equal_to(c.max))
    if c.values:
        checks.append(pa.Check.isin(list(c.values)))
    if c.min_length is not None:
        checks.append(pa.Check.str_length(min_value=c.min_length))
    if c.pattern is not None:
        checks.append(pa.Check.str_matches(c.pattern))
    return checks + [pa.Check(k.test, name=k.name) for k in c.checks]


def _column(c: Column) -> pa.Column:
    return pa.Column(
        _dtype(c.type), checks=_checks(c), nullable=c.nullable, unique=c.unique, coerce=c.coerce, name=c.name
    )


@cache
def pandera_schema(table: Table) -> pa.DataFrameSchema:
    """Exactly the declared columns (strict), with the table's named checks (built once per declaration)."""
    return pa.DataFrameSchema(
        {c.name: _column(c) for c in table.columns},
        checks=[pa.Check(k.test, name=k.name) for k in table.checks],
        strict=True,
        coerce=table.coerce,
        name=_model_name(table.name),
    )


def _model_name(table: str) -> str:
    """line_items → LineItemsModel."""
    return "".join(part.title() for part in table.split("_")) + "Model"


def schema_for(table: str) -> pa.DataFrameSchema:
    """The pandera schema of one output table."""
    return pandera_schema(declared(table))


FAILURE_COLUMNS = ["table", "check", "column", "index", "failure_case"]


@dataclass
class ValidationReport:
    failures: pd.DataFrame  # table, check, column, index, failure_case
    run_id: str | None = None  # the run the tables were written as (None when nothing was written)
    summary: dict | None = None  # the run's counts and first problems (pipeline.writer.TableWriter.summary)
    refused: str | None = None  # why a valid run was not published (e.g. no document could be read)

    @property
    def ok(self) -> bool:
        return self.failures.empty and self.refused is None


def validate_tables(frames: dict[str, pd.DataFrame]) -> ValidationReport:
    """Validate every table lazily; collect all failures in one frame."""
    collected = []
    for table, df in frames.items():
        try:
            schema_for(table).validate(df, lazy=True)
        except SchemaErrors as exc:
            cases = exc.failure_cases.copy()
            cases.insert(0, "table", table)
            collected.append(cases[FAILURE_COLUMNS])
    failures = pd.concat(collected, ignore_index=True) if collected else pd.DataFrame(columns=FAILURE_COLUMNS)
    return ValidationReport(failures)
