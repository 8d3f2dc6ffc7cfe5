"""Ruled tables: the cell grids pdfplumber finds from a page's lines."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.extractors.tables.model import BBox


@dataclass
class Grid:
    bbox: BBox
    rows: list[list[BBox]]  # each row: the cells' rectangles (merged cells appear once)


def ruled_grids(page) -> list[Grid]:
    grids = []
    try:
        found = page.find_tables()
    except Exception:  # pdfplumber can fail on odd vector graphics
        return []
    for t in found:
        rows = [[c for c in r.cells if c is not None] for r in t.rows]
        rows = [r for r in rows if r]
        if rows:
            grids.append(Grid(tuple(t.bbox), rows))
    return grids
