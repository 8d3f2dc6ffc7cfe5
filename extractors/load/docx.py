"""Loading Word disclosures (.docx, python-docx): paragraphs and tables in document order.

The stored text is the paragraphs (one per line) with every table's rows in place (cells
joined by tabs); each table goes through the same grid reader as spreadsheets and HTML
tables (``extractors.tables.grid.grid_tables``), with the short paragraphs printed just above
it (its title, 单位：万元) as its first rows. Legacy .doc is not read: it fails with
``unsupported_format`` and a message saying so.

Limits (extractors/load/limits.py): the zip directory is checked before python-docx reads
anything (``unzipped_bytes``, ``xml_bytes``, ``zip_ratio``, ``zip_entries``); a table's grid
over ``docx_cells`` and a text over ``text_chars`` fail the document with ``too_large``.
"""

from __future__ import annotations

import io
from typing import Any

from gongkai.extractors.load.formats import format_named
from gongkai.extractors.load.limits import DEFAULT, LoadLimits, check_zip
from gongkai.extractors.load.text import LoadedDocument, sha256_bytes
from gongkai.schemas.reasons import DocumentError, Reason

DOCX_MEDIA_TYPE = format_named("docx").media_type
_TITLE_LINES = 3  # short paragraphs above a table that may be its title and unit line
_MAX_TITLE = 80


def _span(tc) -> int:
    try:
        return int(tc.grid_span)
    except (ValueError, TypeError):  # a gridSpan python-docx cannot read: one column
        return 1


def _row_tcs(table, source: str, limits: LoadLimits) -> list[list[Any]]:
    """Per row, the ``w:tc`` of every layout-grid cell, as python-docx's ``row.cells`` gives
    them (a cell spanning columns repeated, a vertically merged cell as the cell it continues)
    but in one pass: no search of the row above per cell, no recursion up a long merge, and
    the grid (rows × columns) checked against ``docx_cells`` before it is spread out."""
    trs = list(table._tbl.tr_lst)
    out: list[list[Any]] = []
    above: dict[int, Any] = {}  # grid offset → the cell (root of a vertical merge) in the row above
    width = 0
    for tr in trs:
        tcs = list(tr.tc_lst)
        try:
            offset = int(tr.grid_before)
        except (ValueError, TypeError):
            offset = 0
        placed: list[tuple[int, Any, int]] = []  # (offset, root tc, columns)
        for tc in tcs:
            span = _span(tc)
            root = tc
            if tc.vMerge == "continue" and offset in above:
                root = above[offset]
            placed.append((offset, root, _span(root) if root is not tc else span))
            offset += span
        width = max(width, sum(max(0, n) for _, _, n in placed))
        limits.check(
            "docx_cells", len(trs) * width, source, f"cells of a Word table ({len(trs)} rows × {width} columns)"
        )
        above = {at: root for at, root, _ in placed}
        out.append([root for _, root, n in placed for _ in range(n)])
    return out


def _grid(table, source: str = "<docx>", limits: LoadLimits = DEFAULT):
    """Cell texts as a grid; horizontally merged cells (python-docx repeats them) become ranges."""
    from docx.table import _Cell

    grid: list[list[str]] = []
    merged: list[tuple[int, int, int, int]] = []
    texts: dict[int, str] = {}
    for r, tcs in enumerate(_row_tcs(table, source, limits)):
        cells: list[str] = []
        seen: list[tuple[int, object]] = []  # (column, the merged cell's element)
        for c, tc in enumerate(tcs):
            if seen and tc is seen[-1][1]:  # the same merged cell again
                start = seen[-1][0]
                cells.append("")
                merged = [m for m in merged if m[:2] != (r, start)] + [(r, start, r, c)]
                continue
            seen.append((c, tc))
            if id(tc) not in texts:
                texts[id(tc)] = " ".join(_Cell(tc, table).text.split())
            cells.append(texts[id(tc)])
        grid.append(cells)
    return grid, merged


def _inline_entities(root) -> None:
    """Entity references python-docx's parser keeps unexpanded (``&name;`` declared in a DTD:
    no entity is ever expanded) hold the text after them as their tail, which python-docx's
    ``text`` never reads. Each becomes its reference as written, joined to the text around it,
    so nothing after it is lost. (``&amp;``, ``&#x4E2D;`` are plain text already.)"""
    from lxml import etree

    for entity in list(root.iter(etree.Entity)):
        parent = entity.getparent()
        if parent is None:
            continue
        text = (entity.text or "") + (entity.tail or "")
        previous = entity.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        parent.remove(entity)


def load_docx(source: str, data: bytes, limits: LoadLimits = DEFAULT) -> LoadedDocument:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from gongkai.extractors.tables.grid import grid_tables

    check_zip(source, data, limits)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml errors …
        raise DocumentError(
            Reason.CORRUPT_FILE, f"{source}: cannot read as .docx ({type(exc).__name__}: {exc})"
        ) from exc
    _inline_entities(document.element)
    lines: list[str] = []
    chars = 0
    tables: list = []
    recent: list[str] = []  # short paragraphs since the last table
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1] if isinstance(block.tag, str) else ""
        if tag == "p":
            text = Paragraph(block, document).text
            lines.append(text)
            chars += len(text) + 1
            if text.strip():
                recent = (recent + [text.strip()])[-_TITLE_LINES:] if len(text.strip()) <= _MAX_TITLE else []
        elif tag == "tbl":
            grid, merged = _grid(Table(block, document), source, limits)
            rows = ["\t".join(c for c in row if c) for row in grid]
            lines.extend(rows)
            chars += sum(len(row) + 1 for row in rows)
            shifted = [(r0 + len(recent), c0, r1 + len(recent), c1) for r0, c0, r1, c1 in merged]
            tables.extend(grid_tables(recent[0] if recent else "", [[t] for t in recent] + grid, shifted))
            recent = []
        limits.check("text_chars", chars, source, "characters of text, at least")
    text = "\n".join(lines)
    if not text.strip():
        raise DocumentError(Reason.EMPTY_FILE, f"{source}: the document has no text")
    return LoadedDocument(source, sha256_bytes(data), DOCX_MEDIA_TYPE, "docx", text, tables=tuple(tables))
