"""The output tables, each declared once: its columns (name, arrow type, nullability, checks,
description) and its named table-level checks.

Generated from here: the pyarrow schemas (schemas/tables.py), the pandera schemas
(schemas/validation.py), the fields of ``datapackage.json`` (pipeline/run/dataset.py) and
docs/data-dictionary.md (``python -m gongkai.schemas.dictionary > docs/data-dictionary.md``).
Descriptions are Markdown; ``datapackage.json`` gets them without backticks.

Every parquet column is nullable; ``nullable`` here is what validation allows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
import pyarrow as pa

from gongkai.schemas.reasons import Reason
from gongkai.schemas.rules import SEVERITIES

# --- the declaration's vocabulary ------------------------------------------------------------

STRING = pa.string()
INT32 = pa.int32()
INT64 = pa.int64()
FLOAT64 = pa.float64()
BOOL = pa.bool_()
VALUE = pa.decimal128(28, 6)  # facts.value and check figures: yuan, percent or count
YUAN = pa.decimal128(22, 2)  # amounts in yuan
STRINGS = pa.list_(STRING)
INT32S = pa.list_(INT32)


@dataclass(frozen=True)
class Check:
    """A named Python check: ``test`` takes the column (a Series) or the table (a DataFrame)
    and returns one boolean per row. Validation failures carry ``name``."""

    name: str
    test: Callable[[pd.Series | pd.DataFrame], pd.Series]
    says: str  # the check in words (Markdown)


@dataclass(frozen=True)
class Column:
    """One column: its arrow type, what validation allows, and what it means."""

    name: str
    type: pa.DataType
    description: str  # Markdown
    nullable: bool = False
    unique: bool = False
    values: tuple[str, ...] = ()  # closed vocabulary
    min: int | None = None  # inclusive bounds
    max: int | None = None
    min_length: int | None = None  # of a string
    pattern: str | None = None  # regex a string must match
    checks: tuple[Check, ...] = ()  # named column checks
    coerce: bool = False  # coerce to the type even when the table is not coerced
    unit: str | None = None  # datapackage.json unit of a decimal column
    fiscal: str | None = None  # Fiscal Data Package columnType


@dataclass(frozen=True)
class Table:
    """One output table: ``<name>.parquet``."""

    name: str
    rows: str  # one row per …
    columns: tuple[Column, ...]
    checks: tuple[Check, ...] = ()  # named table-level checks
    primary_key: tuple[str, ...] = ()
    coerce: bool = True  # validation coerces values to the declared types
    notes: str = ""  # Markdown after the columns in the data dictionary

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


# --- named checks ------------------------------------------------------------------------------


def _decimal_or_null(s: pd.Series) -> pd.Series:
    return s.map(lambda v: v is None or isinstance(v, Decimal) or pd.isna(v))


def _is_decimal(s: pd.Series) -> pd.Series:
    return s.map(lambda v: isinstance(v, Decimal))


def failed_have_reason(df: pd.DataFrame) -> pd.Series:
    return (df["status"] == "ok") | df["error_reason"].notna()


def span_is_ordered(df: pd.DataFrame) -> pd.Series:
    return df["char_end"] > df["char_start"]


def stated_none_is_zero(df: pd.DataFrame) -> pd.Series:
    return ~df["stated_none"] | df["value"].map(lambda v: v == 0)


def changes_have_direction(df: pd.DataFrame) -> pd.Series:
    return (df["kind"] != "change") | df["direction"].notna()


def _not_negative(v) -> bool:
    return v is None or pd.isna(v) or v >= 0


def _not_negatives(s: pd.Series) -> pd.Series:
    return s.map(_not_negative).astype(bool)


def changes_are_magnitudes(df: pd.DataFrame) -> pd.Series:
    """Changes and rates are magnitudes; the direction carries the sign."""
    return ~df["kind"].isin(MAGNITUDE_KINDS) | (_not_negatives(df["value"]) & df["direction"].notna())


def amounts_are_not_negative(df: pd.DataFrame) -> pd.Series:
    return df["kind"].isin(MAGNITUDE_KINDS) | _not_negatives(df["value"])


# A digit that is not zero: 1-9, full-width, Chinese numerals (十 too; not 百/千/万/亿, which are
# also units: 0万元, 百分之零).
_NONZERO_DIGIT = re.compile(r"[1-9１-９一二三四五六七八九十两壹贰叁肆伍陆柒捌玖拾]")


def zero_is_printed_zero(df: pd.DataFrame) -> pd.Series:
    """A `value` of 0 is a printed zero, a stated absence (无…) or 持平: never a nonzero
    figure that rounded to zero."""
    raw = df["raw"].astype(str).str.replace(r"\s+", "", regex=True)
    return (
        (df["value"] != 0).astype(bool)
        | df["stated_none"].astype(bool)
        | raw.str.contains("持平", regex=False).astype(bool)
        | ~raw.str.contains(_NONZERO_DIGIT.pattern, regex=True).astype(bool)
    )


def is_change_measure(key) -> bool:
    """A line item's ``measure_key`` marks a change column (or row): ``change`` or ``…_change``."""
    return isinstance(key, str) and (key == CHANGE_KEY or key.endswith("_" + CHANGE_KEY))


def negative_only_in_change_columns(df: pd.DataFrame) -> pd.Series:
    return _not_negatives(df["amount"]) | df["measure_key"].map(is_change_measure).astype(bool)


def decided_have_values(df: pd.DataFrame) -> pd.Series:
    return (df["status"] == "not_applicable") | (df["expected"].notna() & df["actual"].notna())


def unique_ids(key: str) -> Callable[[pd.DataFrame], pd.Series]:
    """``(doc_id, key)`` occurs once."""

    def test(df: pd.DataFrame) -> pd.Series:
        return ~df.duplicated(["doc_id", key])

    return test


VALUE_IS_DECIMAL = Check("value_is_decimal", _is_decimal, "a `Decimal`")
AMOUNT_IS_DECIMAL_OR_NULL = Check("amount_is_decimal_or_null", _decimal_or_null, "a `Decimal` or null")
DECIMAL_YUAN_OR_NULL = Check("decimal_yuan_or_null", _decimal_or_null, "a `Decimal` or null")
NOT_NEGATIVE = Check("not_negative", _not_negatives, "not negative (or null)")

# --- closed vocabularies -----------------------------------------------------------------------

STATUSES = ("ok", "partial", "failed")
KINDS = ("amount", "change", "rate", "share", "count", "threshold")
UNITS = ("yuan", "percent", "count")
DIRECTIONS = ("increase", "decrease", "flat")
MAGNITUDE_KINDS = ("change", "rate")  # their value is a magnitude; `direction` carries the sign
CHANGE_KEY = "change"  # line_items.measure_key of a change column: `change`, `<key>_change`
PERIODS = ("current", "previous", "budgeted")
CHECK_STATUSES = ("pass", "fail", "not_applicable")
_PARTIAL_REASONS = {
    "scanned_pages": "partial: pages without a text layer and no OCR installed",
    "no_figures": "partial",
}


def _reason_codes() -> str:
    return ", ".join(
        f"`{r.value}` ({_PARTIAL_REASONS[r.value]})" if r.value in _PARTIAL_REASONS else f"`{r.value}`" for r in Reason
    )


def _doc_id(unique: bool = False) -> Column:
    return Column("doc_id", STRING, "the document (`documents.doc_id`)", unique=unique)


def _box(what: str, null_for: str) -> tuple[Column, ...]:
    """x0, top, x1, bottom: the box of ``what`` on its page."""
    description = f"PDFs: {what} box on its page, in PDF points from the top-left (null for {null_for})"
    return tuple(Column(name, FLOAT64, description, nullable=True) for name in ("x0", "top", "x1", "bottom"))


# --- the tables --------------------------------------------------------------------------------

_DOCUMENTS = Table(
    "documents",
    "input document: where it came from, status and reason, agency, year, kind, region",
    columns=(
        Column(
            "doc_id",
            STRING,
            "first 16 hex digits of the file's sha256 (of its path when it could not be read)",
            unique=True,
            min_length=1,
        ),
        Column("source", STRING, "the path as given; for a harvested document, the URL it was fetched from"),
        Column("sha256", STRING, "of the file's bytes; null when unreadable", nullable=True, pattern=r"^[0-9a-f]{64}$"),
        Column(
            "media_type",
            STRING,
            "`text/plain`, `application/pdf`, `text/html`, the spreadsheet and Word types",
            nullable=True,
        ),
        Column(
            "encoding", STRING, "the codec that decoded it (`utf-8`, `utf-8-sig`, `gb18030`, `utf-16` …)", nullable=True
        ),
        Column(
            "status",
            STRING,
            "`ok` · `partial` (read, but something is missing: see `error_reason`) · `failed`",
            values=STATUSES,
        ),
        Column("error_reason", STRING, "reason code (see below); null when ok", nullable=True),
        Column("error_message", STRING, "the file and the detail, for a human", nullable=True),
        Column(
            "agency",
            STRING,
            "部门 as printed, e.g. 怀化市政务服务中心",
            nullable=True,
            fiscal="administrative-classification:generic:label",
        ),
        Column(
            "parent_agency",
            STRING,
            "主管部门 when stated (怀化市政府办公室)",
            nullable=True,
            fiscal="administrative-classification:generic:parent",
        ),
        Column(
            "fiscal_year",
            INT32,
            "the year the budget or final accounts are for",
            nullable=True,
            min=1990,
            max=2100,
            fiscal="date:fiscal-year",
        ),
        Column(
            "doc_kind",
            STRING,
            "`budget` (预算) or `final_accounts` (决算)",
            nullable=True,
            values=("budget", "final_accounts"),
            fiscal="budget-phase",
        ),
        Column(
            "province",
            STRING,
            "the province, from the gazetteer `schemas/regions.csv`",
            nullable=True,
            fiscal="geo-source:label",
        ),
        Column("city", STRING, "the prefecture-level city, from the gazetteer `schemas/regions.csv`", nullable=True),
        Column("county", STRING, "the county-level division, from the gazetteer `schemas/regions.csv`", nullable=True),
        Column(
            "admin_level",
            STRING,
            "level of the region: `province`, `prefecture` or `county` (the gazetteer's "
            "levels; `township` is accepted too)",
            nullable=True,
            values=("province", "prefecture", "county", "township"),
        ),
        Column(
            "region_code",
            STRING,
            "6-digit administrative division code (怀化市 → 431200)",
            nullable=True,
            pattern=r"^\d{6}$",
            fiscal="geo-source:code",
        ),
        Column("budget_units", STRINGS, "预算单位 the disclosure covers"),
        Column("internal_units", STRINGS, "内设机构 (internal units) as listed"),
        Column("internal_unit_count", INT32, "number of internal units as stated", nullable=True, min=0),
        Column("pages", INT32, "pages (1 for text); null when failed", nullable=True, min=1),
        Column("n_facts", INT32, "rows in facts.parquet", min=0),
        Column("n_checks_failed", INT32, "rows in checks.parquet with status `fail`", min=0),
        Column("n_line_items", INT32, "rows in line_items.parquet", min=0),
        Column("ocr_pages", INT32S, "pages read by OCR (scanned pages)"),
        Column("ocr_confidence", FLOAT64, "mean OCR confidence of those pages (0–1)", nullable=True, min=0, max=1),
        Column(
            "disclosure_id",
            STRING,
            "one disclosure (agency, fiscal year, kind): a prose PDF and its tables PDF, "
            "a page and its attachments share it",
            nullable=True,
        ),
        Column(
            "attachments",
            pa.list_(pa.struct([("href", STRING), ("text", STRING)])),
            "web pages: links to attached files (.xls/.xlsx/.doc/.docx/.pdf) and their link texts",
        ),
        Column("text_path", STRING, "stored text, relative to the output directory", nullable=True),
    ),
    checks=(
        Check(
            "failed_documents_have_a_reason", failed_have_reason, "a document that is not `ok` has an `error_reason`"
        ),
    ),
    primary_key=("doc_id",),
    notes=f"Reason codes (`schemas/reasons.py`): {_reason_codes()}.",
)

_FACTS = Table(
    "facts",
    "figure in a document: concept, label, kind, value, unit, span, page, section",
    columns=(
        _doc_id(),
        Column("fact_id", INT32, "order of the figure in its document, from 0", min=0),
        Column(
            "concept",
            STRING,
            "what the figure is, from `schemas/concepts.toml` (the summary concepts, and "
            "`expenditure_by_function`, `expenditure_basic_item`, `project`, "
            "`performance_project_class`, `operating_funds_before_cuts`, counts such as "
            "`org_internal_units`, … ; `unknown` when no concept applies)",
        ),
        Column("label", STRING, "the subject as written, e.g. 电子政务内网机房运行维护费"),
        Column(
            "kind",
            STRING,
            "`amount` · `change` (增加/减少/持平) · `rate` (增长8.8%) · `share` (占40.15%) · "
            "`count` (17个) · `threshold` (单位价值50万元以上: a class boundary, not spending)",
            values=KINDS,
        ),
        Column(
            "value",
            VALUE,
            "yuan for money, the percentage number for rates and shares, the count for counts; "
            "never negative: changes and rates are magnitudes, `direction` carries the sign",
            checks=(VALUE_IS_DECIMAL,),
            unit="see unit column",
            fiscal="value",
        ),
        Column("unit", STRING, "`yuan`, `percent`, `count`", values=UNITS),
        Column("unit_text", STRING, "the unit as printed (万元, 元, %, 个 …)"),
        Column("raw", STRING, "the stored text at `[char_start, char_end)`", min_length=1),
        Column("char_start", INT64, "code-point offset of the figure's start in the stored text", min=0),
        Column("char_end", INT64, "code-point offset just after the figure's end in the stored text", min=0),
        Column("page", INT32, "page of the figure (1 for text)", min=1),
        Column("section", STRING, 'heading path (" > " joined)'),
        Column("section_title", STRING, "the innermost heading"),
        Column(
            "direction",
            STRING,
            "`increase`, `decrease`, `flat` for changes and rates (the sign of their `value`)",
            nullable=True,
            values=DIRECTIONS,
            fiscal="direction",
        ),
        Column("stated_none", BOOL, "a stated absence (无政府性基金预算支出): value 0, the span is the phrase"),
        Column(
            "period",
            STRING,
            "`current`, `previous` (上年 figures) or `budgeted` (年初预算 figures in final accounts)",
            values=PERIODS,
        ),
        Column("parent_fact_id", INT32, "the figure a 其中/包括 list breaks down", nullable=True, min=0),
        Column("source", STRING, "`text` (from prose) or `table`", values=("text", "table")),
        *_box("the figure's", "text"),
        Column(
            "confidence",
            FLOAT64,
            "OCR confidence when the figure was read by OCR, else null",
            nullable=True,
            min=0,
            max=1,
        ),
    ),
    checks=(
        Check("span_is_ordered", span_is_ordered, "`char_end` > `char_start`"),
        Check("stated_none_is_zero", stated_none_is_zero, "a stated absence has `value` 0"),
        Check("changes_have_a_direction", changes_have_direction, "a `change` has a `direction`"),
        Check(
            "changes_are_magnitudes",
            changes_are_magnitudes,
            "a `change` or `rate` has `value` ≥ 0 and a `direction`: the direction carries the sign "
            "(增加-2.40万元 is a `decrease` of 24000)",
        ),
        Check(
            "amounts_are_not_negative",
            amounts_are_not_negative,
            "every other `value` (amounts, shares, counts, thresholds) is ≥ 0",
        ),
        Check(
            "zero_is_printed_zero",
            zero_is_printed_zero,
            "a `value` of 0 is a printed zero (0.00万元), a stated absence (`stated_none`) or 持平; a "
            "figure that is not zero but rounds to zero is not a figure",
        ),
        Check("fact_ids_unique_per_document", unique_ids("fact_id"), "(`doc_id`, `fact_id`) occurs once"),
    ),
    primary_key=("doc_id", "fact_id"),
)

_PROJECTS = Table(
    "projects",
    "named project (项目), its amount and purpose",
    columns=(
        _doc_id(),
        Column("name", STRING, "the project as named", min_length=1),
        Column(
            "amount",
            YUAN,
            "decimal yuan, never negative; null for a project named without an amount",
            nullable=True,
            checks=(AMOUNT_IS_DECIMAL_OR_NULL, NOT_NEGATIVE),
            unit="yuan",
            fiscal="value",
        ),
        Column("purpose", STRING, "the 主要用于… clause", nullable=True),
        Column("char_start", INT64, "start of the name in the stored text", min=0),
        Column("char_end", INT64, "end of the amount in the stored text", min=0),
        Column("fact_id", INT32, "the figure of its amount in facts.parquet", nullable=True, min=0),
    ),
)

# The summary concepts' columns come from the vocabulary (schemas/concepts.toml, ``summary = true``);
# these are their descriptions.
SUMMARY_CONCEPTS = {
    "income_total": "收入总计 / 收入预算 / 收入合计",
    "income_current_year": "本年收入合计",
    "income_general_budget": "一般公共预算(财政)拨款收入",
    "expenditure_total": "支出总计 / 支出预算 / 支出合计",
    "expenditure_current_year": "本年支出合计",
    "expenditure_basic": "基本支出",
    "expenditure_project": "项目支出",
    "expenditure_personnel": "人员经费 / 工资福利支出",
    "expenditure_public_funds": "公用经费 / 公用支出",
    "expenditure_general_budget": "一般公共预算(财政)拨款支出",
    "fund_budget_expenditure": "政府性基金预算(财政拨款)支出",
    "three_public_total": "“三公”经费",
    "three_public_overseas": "因公出国（境）费",
    "three_public_vehicle_total": "公务用车购置及运行(维护)费",
    "three_public_vehicle_purchase": "公务用车购置费",
    "three_public_vehicle_operation": "公务用车运行(维护)费",
    "three_public_reception": "公务接待费",
    "operating_funds": "机关运行经费 (after the cuts the text describes)",
    "procurement_total": "政府采购预算(支出)总额",
    "procurement_goods": "货物",
    "procurement_works": "工程",
    "procurement_services": "服务",
    "training_fee": "培训费",
    "meeting_fee": "会议费",
    "performance_projects": "number of projects with 绩效目标",
    "performance_project_amount": "the project funds they cover",
}


def _summary_column(concept: str, unit: str) -> Column:
    """A summary concept's column: a count (coerced to int64) or decimal yuan."""
    description = SUMMARY_CONCEPTS.get(concept, "")
    if unit == "count":
        return Column(concept, INT64, description, nullable=True, min=0, coerce=True)
    return Column(concept, YUAN, description, nullable=True, checks=(DECIMAL_YUAN_OR_NULL, NOT_NEGATIVE), unit="yuan")


def summary_concepts() -> tuple[tuple[str, str], ...]:
    """(concept, unit) of every summary column, in vocabulary order."""
    from gongkai.schemas.vocabulary import load_vocabulary

    return load_vocabulary().summary_columns


def _summary() -> Table:
    return Table(
        "summary",
        "document, one column per summary concept (收入总计, 支出总计, “三公”经费 …)",
        columns=(
            _doc_id(unique=True),
            *(_summary_column(concept, unit) for concept, unit in summary_concepts()),
            Column(
                "sources",
                pa.map_(STRING, STRING),
                "concept → where its value came from: `table`, `table:<doc_id>` (a companion file's tables) or `text`",
            ),
        ),
        primary_key=("doc_id",),
        coerce=False,
        notes="One column per summary concept of `schemas/concepts.toml` (`summary = true`), in file order: decimal "
        'yuan (a count for `unit = "count"` concepts such as `performance_projects`), never negative, null when '
        "the document says nothing, 0 when it prints zero or states none. A figure of a standard table wins (exact 元); otherwise the "
        "first current-year figure of the concept in the prose is used. Failed documents have no row.",
    )


_CHECKS = Table(
    "checks",
    "reconciliation rule applied to a document: `pass`, `fail` or `not_applicable`",
    columns=(
        _doc_id(),
        Column("rule", STRING, "a rule name from `schemas/rules.toml`"),
        Column("status", STRING, "`pass`, `fail` or `not_applicable` (never a guess)", values=CHECK_STATUSES),
        Column(
            "severity",
            STRING,
            "how much a failure matters: `error` (the document contradicts itself), `warning` "
            "(probably wrong: a placeholder, a wrong year) or `info`; the rule's, from `schemas/rules.toml`",
            values=SEVERITIES,
        ),
        Column("expected", VALUE, "what the parts compute to", nullable=True, unit="yuan"),
        Column("actual", VALUE, "what the document prints", nullable=True, unit="yuan"),
        Column(
            "tolerance",
            VALUE,
            "allowed difference, from the printed precision: each figure may be off by half a "
            "unit of its last printed digit",
            nullable=True,
            unit="yuan",
        ),
        Column("message", STRING, "the check in words, for a human"),
        Column(
            "evidence",
            pa.list_(pa.struct([("start", INT64), ("end", INT64)])),
            "`{start, end}` spans of the figures involved",
        ),
        Column("evidence_items", INT32S, "`item_id`s of the line items involved"),
    ),
    checks=(
        Check("decided_checks_have_values", decided_have_values, "a `pass` or `fail` has `expected` and `actual`"),
    ),
)

_LINE_ITEMS = Table(
    "line_items",
    "amount cell of a standard table (PDFs, spreadsheets, web-page and Word tables)",
    columns=(
        _doc_id(),
        Column("item_id", INT32, "order of the cell in its document, from 0", min=0),
        Column(
            "table_kind",
            STRING,
            "canonical kind from `schemas/table_kinds.toml` (e.g. `income_expenditure_summary`)",
            nullable=True,
        ),
        Column("table_title", STRING, "the table's title as printed (部门收支总表 …)", nullable=True),
        Column("table_number", STRING, "the table's number as printed (公开01表 / 表1 …)", nullable=True),
        Column("pages", INT32S, "pages the table spans (a continued table is one table)"),
        Column("row_index", INT32, "position of the row in the table", nullable=True, min=0),
        Column("row_label", STRING, "the row's label as printed", nullable=True),
        Column(
            "classification_kind",
            STRING,
            "`function`, `economic` or `none`",
            nullable=True,
            values=("function", "economic", "none"),
        ),
        Column(
            "code",
            STRING,
            "类/款/项 code (201 → 20103 → 2010301)",
            nullable=True,
            pattern=r"^\d{3}(\d{2}){0,2}$",
            fiscal="functional-classification:generic:code",
        ),
        Column("code_name", STRING, "the code's name", nullable=True, fiscal="functional-classification:generic:label"),
        Column("level", INT32, "level of the code: 1 类, 2 款, 3 项", nullable=True, min=1, max=3),
        Column("parent_code", STRING, "the code above it", nullable=True),
        Column("measure", STRING, 'the column header as printed (levels joined by " / ")', nullable=True),
        Column(
            "measure_key",
            STRING,
            "the column's canonical key (`total`, `basic`, `project`, `personnel`, `public_funds` …); "
            "a change column or row (增减变化情况, 比上年增减, 增减变化金额 …) is marked `<key>_change` "
            "(`training_change`) or `change`",
            nullable=True,
        ),
        Column(
            "amount",
            YUAN,
            "yuan (the table's unit applied); negative only in a change column or row (`measure_key` "
            "`…_change`), as the table prints it (-2.40)",
            nullable=True,
            checks=(AMOUNT_IS_DECIMAL_OR_NULL,),
            unit="yuan",
            fiscal="value",
        ),
        Column("raw", STRING, "the cell as printed", nullable=True),
        Column("unit", STRING, "the table's unit (元/万元)", nullable=True),
        Column("page", INT32, "the cell's page", nullable=True, min=1),
        *_box("the cell's", "tables without a page layout: spreadsheets, web pages, Word"),
    ),
    checks=(
        Check("item_ids_unique_per_document", unique_ids("item_id"), "(`doc_id`, `item_id`) occurs once"),
        Check(
            "negative_only_in_change_columns",
            negative_only_in_change_columns,
            "a negative `amount` is a change, as printed (-2.40 under 增减变化情况): its `measure_key` ends in "
            "`change`",
        ),
    ),
    primary_key=("doc_id", "item_id"),
)

TABLES = ("documents", "facts", "projects", "summary", "checks", "line_items")
_STATIC = {t.name: t for t in (_DOCUMENTS, _FACTS, _PROJECTS, _CHECKS, _LINE_ITEMS)}


def declared(table: str) -> Table:
    """The declaration of one output table (summary's concept columns from the vocabulary)."""
    return _summary() if table == "summary" else _STATIC[table]


def declared_tables() -> tuple[Table, ...]:
    """Every output table, in TABLES order."""
    return tuple(declared(t) for t in TABLES)
