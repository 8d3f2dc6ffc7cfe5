"""Rows of ``line_items.parquet`` from the tables."""

from __future__ import annotations

from typing import Any

from gongkai.extractors.tables.classification import code_info
from gongkai.extractors.tables.model import Table
from gongkai.schemas.table_kinds import load_table_kinds


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
                        "measure_key": cell.measure_key,
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
