"""Rows of ``line_items.parquet`` from the tables."""

from __future__ import annotations

import re
from typing import Any

from gongkai.extractors.tables.classification import code_info
from gongkai.extractors.tables.model import Cell, Table
from gongkai.extractors.tables.titles import key_text
from gongkai.schemas.declarations import CHANGE_KEY
from gongkai.schemas.table_kinds import load_table_kinds

# A column that prints the change over the previous year (增减变化情况, 比上年增减, 增加(减少),
# 差额 …): its cells are changes, negative where the table prints them so (-2.40). A row that
# does so (增减变化金额 under the years' rows) must say it first: a row label such as
# 应对气候变化管理事务 names spending, not a change.
_CHANGE = r"增减|增\(减\)|增加\(减少\)|变化|变动|差额"
CHANGE_COLUMN = re.compile(_CHANGE)
CHANGE_ROW = re.compile(rf"^(比上年|较上年)?({_CHANGE})")


def measure_key(cell: Cell) -> str | None:
    """The cell's column key; a change column's or row's is marked: ``<key>_change`` or ``change``
    (never summed as the budget itself, and the only cells that may be negative)."""
    if CHANGE_COLUMN.search(key_text(cell.measure or "")) or CHANGE_ROW.search(key_text(cell.label or "")):
        return f"{cell.measure_key}_{CHANGE_KEY}" if cell.measure_key else CHANGE_KEY
    return cell.measure_key


def line_items(tables: list[Table]) -> list[dict[str, Any]]:
    """One dict per amount cell, in table, row and column order (line_items.parquet columns)."""
    kinds = load_table_kinds()
    out = []
    for t in tables:
        kind = kinds.kind(t.kind) if t.kind else None
        for row in t.rows:
            for cell in row.amounts:
                info = code_info(cell.code) if cell.code else None
                level = info.level if info else row.level
                if info:
                    classification = info.kind
                elif cell.code is None and row.level is not None and kind is not None:
                    classification = kind.classification
                else:
                    classification = "none"
                out.append(
                    {
                        "table_kind": t.kind,
                        "table_title": t.title,
                        "table_number": t.number,
                        "pages": list(t.pages),
                        "row_index": row.index,
                        "row_label": cell.label,
                        "classification_kind": classification,
                        "code": cell.code,
                        "code_name": cell.label if cell.code else None,
                        "level": level,
                        "parent_code": info.parent if info else None,
                        "measure": cell.measure,
                        "measure_key": measure_key(cell),
                        "amount": cell.value,
                        "raw": cell.raw,
                        "unit": t.unit,
                        "page": cell.page,
                        "x0": cell.bbox[0],
                        "top": cell.bbox[1],
                        "x1": cell.bbox[2],
                        "bottom": cell.bbox[3],
                    }
                )
    return out
