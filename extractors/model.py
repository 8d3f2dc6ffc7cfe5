"""The value objects that flow from the extractors to the output tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Fact:
    """One figure of a document: what it is, its value, and where it stands."""

    fact_id: int  # 0-based order in the document
    kind: str  # amount | change | rate | share | count | threshold
    value: Decimal  # yuan, percentage number, or count
    unit: str  # yuan | percent | count
    raw: str  # the stored text at [char_start, char_end)
    char_start: int
    char_end: int
    page: int = 1
    concept: str = "unknown"
    label: str = ""
    direction: str | None = None  # increase | decrease | flat (changes and rates)
    stated_none: bool = False  # "无政府性基金预算支出": a stated absence, value 0
    period: str = "current"  # current | previous (上年/去年 figures)
    section: str = ""  # section path, " > " joined
    section_title: str = ""
    unit_text: str = ""  # the unit as printed: 万元, 元, %, 个 ...
    resolution: Decimal = Decimal(0)  # value of one step of the last printed digit (for tolerances)
    sentence: int = -1  # index of the sentence (internal linkage)
    parent: int | None = None  # fact_id of the figure a 其中/包括 list breaks down
    list_open: bool = False  # member of a list that ends in 等 or is introduced by 其中
    about: int | None = None  # fact_id of the figure a change/rate/share without its own subject refers to
    source: str = "text"  # text | table
    bbox: tuple[float, float, float, float] | None = None  # PDFs: (x0, top, x1, bottom) on `page`
    confidence: float | None = None  # OCR confidence of the figure's page (None: text layer)


@dataclass
class Project:
    name: str
    amount: Decimal | None
    purpose: str | None
    char_start: int
    char_end: int
    fact_id: int | None = None


@dataclass
class Check:
    rule: str
    status: str  # pass | fail | not_applicable
    expected: Decimal | None
    actual: Decimal | None
    tolerance: Decimal | None
    message: str
    evidence: list[tuple[int, int]] = field(default_factory=list)
    evidence_items: list[int] = field(default_factory=list)  # item_id of line_items involved
    severity: str | None = None  # error | warning | info; None: its rule's (schemas/rules.toml)


@dataclass
class Extraction:
    """Everything extracted from one document (one row of documents + its children)."""

    doc_id: str
    source: str
    sha256: str | None
    media_type: str | None
    status: str  # ok | partial | failed
    error_reason: str | None = None
    error_message: str | None = None
    text: str | None = None
    document: dict = field(default_factory=dict)  # agency, fiscal_year, ... (documents.py)
    facts: list[Fact] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    summary: dict = field(default_factory=dict)  # concept -> Decimal | int
    checks: list[Check] = field(default_factory=list)
    encoding: str | None = None
    pages: int = 1
    line_items: list[dict] = field(default_factory=list)  # standard-table rows (line_items.parquet)
    summary_sources: dict = field(default_factory=dict)  # concept -> "table" | "text"
    ocr_pages: tuple[int, ...] = ()
    ocr_confidence: float | None = None
    disclosure_id: str | None = None
    attachments: tuple[tuple[str, str], ...] = ()  # web pages: (href, link text) of attached files
