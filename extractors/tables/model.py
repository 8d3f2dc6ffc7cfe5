"""The table model every format produces (PDF pages, spreadsheets, web pages, Word): cells, columns, rows, tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

BBox = tuple[float, float, float, float]


@dataclass
class Cell:
    """One cell as printed: its text, and for an amount its value in yuan."""

    raw: str
    bbox: BBox  # the printed text's box (x0, top, x1, bottom), PDF points from top-left
    page: int
    role: str = "text"  # text | code | amount
    value: Decimal | None = None  # yuan, signed (amount cells)
    column: int | None = None  # amount column index within the table part
    measure: str | None = None  # the column header as printed, levels joined by " / "
    measure_key: str | None = None
    label: str | None = None  # the row label this amount belongs to (amount cells)
    code: str | None = None  # classification code of that label (amount cells)
    frame: BBox | None = None  # the ruled cell's rectangle (ruled tables)


@dataclass
class Column:
    index: int
    levels: tuple[str, ...]
    x0: float
    x1: float
    measure_key: str | None = None

    @property
    def measure(self) -> str | None:
        return " / ".join(self.levels) or None


@dataclass
class Row:
    index: int  # 0-based body row within the (merged) table
    page: int
    cells: list[Cell]  # every non-blank cell, left to right
    level: int | None = None  # from indentation when the row has no code

    @property
    def amounts(self) -> list[Cell]:
        return [c for c in self.cells if c.role == "amount"]


@dataclass
class Table:
    kind: str | None  # canonical kind; None for an untitled continuation part
    title: str | None  # as printed (the number cut off)
    number: str | None  # 公开01表 / 表1 / 一、 … as printed
    pages: list[int]
    unit: str  # 元 | 万元 | …
    unit_source: str  # line | header | default | continued | document (the one unit the other tables print)
    header: list[list[Cell]]  # header rows as printed
    columns: list[Column]
    rows: list[Row]
    empty: bool = False  # printed without figures (本表为空 / 无数据 …)
    note: str | None = None  # the 注/说明 lines under the table
    continued: bool = False  # this part continues a table of an earlier page
    ruled: bool = True
    bbox: BBox | None = None  # of the part on its first page
    header_raw: list = field(default_factory=list, repr=False, compare=False)  # header cells with their words

    @property
    def page(self) -> int:
        return self.pages[0]
