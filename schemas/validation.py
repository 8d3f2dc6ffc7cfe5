"""A strict pandera model per output table, validated lazily.

Every failure of every table is collected and reported as one table
(``ValidationReport.failures``) instead of stopping at the first.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors
from pandera.typing import Series

from gongkai.extractors.facts.attribute import load_vocabulary

KINDS = ["amount", "change", "rate", "share", "count", "threshold"]
UNITS = ["yuan", "percent", "count"]
STATUSES = ["ok", "partial", "failed"]
CHECK_STATUSES = ["pass", "fail", "not_applicable"]
DIRECTIONS = ["increase", "decrease", "flat"]


def _decimal_or_null(s: pd.Series) -> pd.Series:
    return s.map(lambda v: v is None or isinstance(v, Decimal) or pd.isna(v))


class StrictModel(pa.DataFrameModel):
    """Every table: exactly its columns, values coerced to the declared types."""

    class Config:
        strict = True
        coerce = True


class AmountModel(StrictModel):
    """Tables with a nullable decimal ``amount`` column (yuan)."""

    amount: Series[object] = pa.Field(nullable=True)

    @pa.check("amount", name="amount_is_decimal_or_null")
    def amount_is_decimal(cls, s: Series[object]) -> Series[bool]:
        return _decimal_or_null(s)


class DocumentsModel(StrictModel):
    doc_id: Series[str] = pa.Field(unique=True, str_length={"min_value": 1})
    source: Series[str]
    sha256: Series[str] = pa.Field(nullable=True, str_matches=r"^[0-9a-f]{64}$")
    media_type: Series[str] = pa.Field(nullable=True)
    encoding: Series[str] = pa.Field(nullable=True)
    status: Series[str] = pa.Field(isin=STATUSES)
    error_reason: Series[str] = pa.Field(nullable=True)
    error_message: Series[str] = pa.Field(nullable=True)
    agency: Series[str] = pa.Field(nullable=True)
    parent_agency: Series[str] = pa.Field(nullable=True)
    fiscal_year: Series[pd.Int32Dtype] = pa.Field(nullable=True, ge=1990, le=2100)
    doc_kind: Series[str] = pa.Field(nullable=True, isin=["budget", "final_accounts"])
    province: Series[str] = pa.Field(nullable=True)
    city: Series[str] = pa.Field(nullable=True)
    county: Series[str] = pa.Field(nullable=True)
    admin_level: Series[str] = pa.Field(nullable=True, isin=["province", "prefecture", "county", "township"])
    region_code: Series[str] = pa.Field(nullable=True, str_matches=r"^\d{6}$")
    budget_units: Series[object]
    internal_units: Series[object]
    internal_unit_count: Series[pd.Int32Dtype] = pa.Field(nullable=True, ge=0)
    pages: Series[pd.Int32Dtype] = pa.Field(nullable=True, ge=1)
    n_facts: Series[pd.Int32Dtype] = pa.Field(ge=0)
    n_checks_failed: Series[pd.Int32Dtype] = pa.Field(ge=0)
    n_line_items: Series[pd.Int32Dtype] = pa.Field(ge=0)
    ocr_pages: Series[object]
    ocr_confidence: Series[float] = pa.Field(nullable=True, ge=0, le=1)
    disclosure_id: Series[str] = pa.Field(nullable=True)
    attachments: Series[object]
    text_path: Series[str] = pa.Field(nullable=True)


    @pa.dataframe_check(name="failed_documents_have_a_reason")
    def failed_have_reason(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["status"] == "ok") | df["error_reason"].notna()


class FactsModel(StrictModel):
    doc_id: Series[str]
    fact_id: Series[pd.Int32Dtype] = pa.Field(ge=0)
    concept: Series[str]
    label: Series[str]
    kind: Series[str] = pa.Field(isin=KINDS)
    value: Series[object]
    unit: Series[str] = pa.Field(isin=UNITS)
    unit_text: Series[str]
    raw: Series[str] = pa.Field(str_length={"min_value": 1})
    char_start: Series[pd.Int64Dtype] = pa.Field(ge=0)
    char_end: Series[pd.Int64Dtype] = pa.Field(ge=0)
    page: Series[pd.Int32Dtype] = pa.Field(ge=1)
    section: Series[str]
    section_title: Series[str]
    direction: Series[str] = pa.Field(nullable=True, isin=DIRECTIONS)
    stated_none: Series[bool]
    period: Series[str] = pa.Field(isin=["current", "previous", "budgeted"])
    parent_fact_id: Series[pd.Int32Dtype] = pa.Field(nullable=True, ge=0)
    source: Series[str] = pa.Field(isin=["text", "table"])
    x0: Series[float] = pa.Field(nullable=True)
    top: Series[float] = pa.Field(nullable=True)
    x1: Series[float] = pa.Field(nullable=True)
    bottom: Series[float] = pa.Field(nullable=True)
    confidence: Series[float] = pa.Field(nullable=True, ge=0, le=1)


    @pa.check("value", name="value_is_decimal")
    def value_is_decimal(cls, s: Series[object]) -> Series[bool]:
        return s.map(lambda v: isinstance(v, Decimal))

    @pa.dataframe_check(name="span_is_ordered")
    def span_is_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        return df["char_end"] > df["char_start"]

    @pa.dataframe_check(name="stated_none_is_zero")
    def stated_none_is_zero(cls, df: pd.DataFrame) -> Series[bool]:
        return ~df["stated_none"] | df["value"].map(lambda v: v == 0)

    @pa.dataframe_check(name="changes_have_a_direction")
    def changes_have_direction(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["kind"] != "change") | df["direction"].notna()

    @pa.dataframe_check(name="fact_ids_unique_per_document")
    def unique_ids(cls, df: pd.DataFrame) -> Series[bool]:
        return ~df.duplicated(["doc_id", "fact_id"])


class ProjectsModel(AmountModel):
    doc_id: Series[str]
    name: Series[str] = pa.Field(str_length={"min_value": 1})
    purpose: Series[str] = pa.Field(nullable=True)
    char_start: Series[pd.Int64Dtype] = pa.Field(ge=0)
    char_end: Series[pd.Int64Dtype] = pa.Field(ge=0)
    fact_id: Series[pd.Int32Dtype] = pa.Field(nullable=True, ge=0)


class ChecksModel(StrictModel):
    doc_id: Series[str]
    rule: Series[str]
    status: Series[str] = pa.Field(isin=CHECK_STATUSES)
    expected: Series[object] = pa.Field(nullable=True)
    actual: Series[object] = pa.Field(nullable=True)
    tolerance: Series[object] = pa.Field(nullable=True)
    message: Series[str]
    evidence: Series[object]
    evidence_items: Series[object]


    @pa.dataframe_check(name="decided_checks_have_values")
    def decided_have_values(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["status"] == "not_applicable") | (df["expected"].notna() & df["actual"].notna())


class LineItemsModel(AmountModel):
    doc_id: Series[str]
    item_id: Series[pd.Int32Dtype] = pa.Field(ge=0)
    table_kind: Series[str] = pa.Field(nullable=True)
    table_title: Series[str] = pa.Field(nullable=True)
    table_number: Series[str] = pa.Field(nullable=True)
    pages: Series[object]
    row_index: Series[pd.Int32Dtype] = pa.Field(nullable=True, ge=0)
    row_label: Series[str] = pa.Field(nullable=True)
    classification_kind: Series[str] = pa.Field(nullable=True, isin=["function", "economic", "none"])
    code: Series[str] = pa.Field(nullable=True, str_matches=r"^\d{3}(\d{2}){0,2}$")
    code_name: Series[str] = pa.Field(nullable=True)
    level: Series[pd.Int32Dtype] = pa.Field(nullable=True, ge=1, le=3)
    parent_code: Series[str] = pa.Field(nullable=True)
    measure: Series[str] = pa.Field(nullable=True)
    measure_key: Series[str] = pa.Field(nullable=True)
    raw: Series[str] = pa.Field(nullable=True)
    unit: Series[str] = pa.Field(nullable=True)
    page: Series[pd.Int32Dtype] = pa.Field(nullable=True, ge=1)
    x0: Series[float] = pa.Field(nullable=True)
    top: Series[float] = pa.Field(nullable=True)
    x1: Series[float] = pa.Field(nullable=True)
    bottom: Series[float] = pa.Field(nullable=True)


    @pa.dataframe_check(name="item_ids_unique_per_document")
    def unique_ids(cls, df: pd.DataFrame) -> Series[bool]:
        return ~df.duplicated(["doc_id", "item_id"])


def summary_model() -> pa.DataFrameSchema:
    """Built from the vocabulary: one nullable column per summary concept."""
    columns = {"doc_id": pa.Column(str, unique=True)}
    for concept, unit in load_vocabulary().summary_columns:
        if unit == "count":
            columns[concept] = pa.Column(pd.Int64Dtype(), nullable=True, checks=pa.Check.ge(0), coerce=True)
        else:
            columns[concept] = pa.Column(object, nullable=True, checks=pa.Check(
                lambda s: _decimal_or_null(s), name="decimal_yuan_or_null"))
    columns["sources"] = pa.Column(object)
    return pa.DataFrameSchema(columns, strict=True, name="SummaryModel")


MODELS = {
    "documents": DocumentsModel,
    "facts": FactsModel,
    "projects": ProjectsModel,
    "checks": ChecksModel,
    "line_items": LineItemsModel,
}


FAILURE_COLUMNS = ["table", "check", "column", "index", "failure_case"]


@dataclass
class ValidationReport:
    failures: pd.DataFrame   # table, check, column, index, failure_case
    run_id: str | None = None    # the run the tables were written as (None when nothing was written)
    summary: dict | None = None  # the run's counts and first problems (pipeline.writer.TableWriter.summary)

    @property
    def ok(self) -> bool:
        return self.failures.empty


def validate_tables(frames: dict[str, pd.DataFrame]) -> ValidationReport:
    """Validate every table lazily; collect all failures in one frame."""
    collected = []
    for table, df in frames.items():
        schema = summary_model() if table == "summary" else MODELS[table].to_schema()
        try:
            schema.validate(df, lazy=True)
        except SchemaErrors as exc:
            cases = exc.failure_cases.copy()
            cases.insert(0, "table", table)
            collected.append(cases[FAILURE_COLUMNS])
    failures = pd.concat(collected, ignore_index=True) if collected else pd.DataFrame(columns=FAILURE_COLUMNS)
    return ValidationReport(failures)
