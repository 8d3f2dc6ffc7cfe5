"""Loading Word disclosures (.docx, python-docx): paragraphs and tables in document order.

The stored text is the paragraphs (one per line) with every table's rows in place (cells
joined by tabs); each table goes through the same grid reader as spreadsheets and HTML
tables (``extractors.tables.grid.grid_tables``), with the short paragraphs printed just above
it (its title, 单位：万元) as its first rows. Legacy .doc is not read: it fails with
``unsupported_format`` and a message saying so.
"""

from __future__ import annotations

import io

from gongkai.extractors.load.formats import format_named
from gongkai.extractors.load.text import LoadedDocument, sha256_bytes
from gongkai.schemas.reasons import DocumentError, Reason

DOCX_MEDIA_TYPE = format_named("docx").media_type
_TITLE_LINES = 3  # short paragraphs above a table that may be its title and unit line
_MAX_TITLE = 80


def _grid(table) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """Cell texts as a grid; horizontally merged cells (python-docx repeats them) become ranges."""
    grid: list[list[str]] = []
    merged: list[tuple[int, int, int, int]] = []
    for r, row in enumerate(table.rows):
        cells: list[str] = []
        seen: list[tuple[int, object]] = []  # (column, the merged cell's element)
        for c, cell in enumerate(row.cells):
            if seen and cell._tc is seen[-1][1]:  # the same merged cell again
                start = seen[-1][0]
                cells.append("")
                merged = [m for m in merged if m[:2] != (r, start)] + [(r, start, r, c)]
                continue
            seen.append((c, cell._tc))
            cells.append(" ".join(cell.text.split()))
        grid.append(cells)
    return grid, merged


def load_docx(source: str, data: bytes) -> LoadedDocument:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from gongkai.extractors.tables.grid import grid_tables

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml errors …
        raise DocumentError(
            Reason.CORRUPT_FILE, f"{source}: cannot read as .docx ({type(exc).__name__}: {exc})"
        ) from exc
    lines: list[str] = []
    tables: list = []
    recent: list[str] = []  # short paragraphs since the last table
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(block, document).text
            lines.append(text)
            if text.strip():
                recent = (recent + [text.strip()])[-_TITLE_LINES:] if len(text.strip()) <= _MAX_TITLE else []
        elif tag == "tbl":
            grid, merged = _grid(Table(block, document))
            lines.extend("\t".join(c for c in row if c) for row in grid)
            shifted = [(r0 + len(recent), c0, r1 + len(recent), c1) for r0, c0, r1, c1 in merged]
            tables.extend(grid_tables(recent[0] if recent else "", [[t] for t in recent] + grid, shifted))
            recent = []
    text = "\n".join(lines)
    if not text.strip():
        raise DocumentError(Reason.EMPTY_FILE, f"{source}: the document has no text")
    return LoadedDocument(source, sha256_bytes(data), DOCX_MEDIA_TYPE, "docx", text, tables=tuple(tables))
