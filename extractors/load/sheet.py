"""Loading spreadsheet disclosures (.xlsx via openpyxl, legacy .xls via xlrd).

Every sheet becomes

* text: the sheet name as a line, then each row's non-empty cells joined by a tab
  (rows by "\\n"; sheets by "\\n") — the document's stored text, which offsets index;
* standard tables (:class:`extractors.tables.model.Table`): a title row recognised by
  :func:`extractors.tables.titles.classify_title` (else the sheet name), the 单位 line, header
  rows (merged cells spread over their columns, levels joined " / "), and body rows
  with codes, labels and amounts in yuan (Decimal, never float). page=1, boxes zero.

``line_items(merge_continued(list(doc.tables)))`` yields the line items as for a PDF.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from gongkai.extractors.load.formats import format_named
from gongkai.extractors.load.text import LoadedDocument, read_bytes, sha256_bytes
from gongkai.extractors.tables.grid import CellGrid, tables_of_grid
from gongkai.extractors.tables.model import Table
from gongkai.schemas.reasons import DocumentError, Reason
from gongkai.schemas.table_kinds import load_table_kinds

__all__ = ["XLSX_MEDIA_TYPE", "XLS_MEDIA_TYPE", "load_sheet", "load_sheet_file"]

XLSX_MEDIA_TYPE = format_named("xlsx").media_type
XLS_MEDIA_TYPE = format_named("xls").media_type
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the full OLE2 signature (formats.MAGIC checks its first half)
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")


# --- cell values → displayed strings --------------------------------------------------------------
def _number_text(value) -> str:
    """A numeric cell as a plain decimal string (no float kept, no exponent)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        d = value
    else:
        s = repr(float(value))
        if len(re.sub(r"[^0-9]", "", s.split("e")[0].lstrip("-0.") or "0")) > 15:
            s = format(float(value), ".15g")  # 300.00000000000006 from a formula → 300
        try:
            d = Decimal(s)
        except InvalidOperation:
            return s
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f")


def _text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return _number_text(value)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    text = str(value).replace("\t", " ")
    return _NEWLINES.sub("", text.strip())


# --- reading the workbook -------------------------------------------------------------------------
def _read_xlsx(data: bytes, source: str) -> list[CellGrid]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors …
        raise DocumentError(
            Reason.CORRUPT_FILE, f"{source}: cannot read as .xlsx ({type(exc).__name__}: {exc})"
        ) from exc
    sheets = []
    try:
        for ws in wb.worksheets:
            grid = [[_text_of(v) for v in row] for row in ws.iter_rows(values_only=True)]
            merged = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
            sheets.append(CellGrid(ws.title, grid, merged))
    finally:
        wb.close()
    return sheets


def _read_xls(data: bytes, source: str) -> list[CellGrid]:
    import xlrd

    try:
        try:
            book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
        except NotImplementedError:  # formatting_info unsupported for this file
            book = xlrd.open_workbook(file_contents=data, on_demand=False)
    except Exception as exc:  # xlrd.XLRDError, CompDocError, struct errors …
        raise DocumentError(
            Reason.CORRUPT_FILE, f"{source}: cannot read as .xls ({type(exc).__name__}: {exc})"
        ) from exc
    sheets = []
    for sh in book.sheets():
        grid = []
        for r in range(sh.nrows):
            row = []
            for c in range(sh.ncols):
                cell = sh.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_NUMBER:
                    row.append(_number_text(cell.value))
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode).isoformat())
                    except Exception:
                        row.append(_number_text(cell.value))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    row.append(str(bool(cell.value)))
                elif cell.ctype == xlrd.XL_CELL_TEXT:
                    row.append(_text_of(cell.value))
                else:  # empty, blank, error
                    row.append("")
            grid.append(row)
        merged = [(rlo, clo, rhi - 1, chi - 1) for rlo, rhi, clo, chi in getattr(sh, "merged_cells", [])]
        sheets.append(CellGrid(sh.name, grid, merged))
    return sheets


# --- public API -----------------------------------------------------------------------------------
def _sheet_text(sheets: list[CellGrid]) -> str:
    blocks = []
    for sh in sheets:
        lines = [sh.name] + ["\t".join(c for c in row if c) for row in sh.grid if any(row)]
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def load_sheet(source: str, data: bytes) -> LoadedDocument:
    """A spreadsheet disclosure (.xlsx or .xls) from its bytes: stored text and standard tables."""
    if not data or not data.strip():
        raise DocumentError(Reason.EMPTY_FILE, f"{source}: the file is empty")
    suffix = Path(source).suffix.lower()
    if data.startswith(b"PK"):
        media_type, sheets = XLSX_MEDIA_TYPE, _read_xlsx(data, source)
    elif data.startswith(_OLE_MAGIC):
        media_type, sheets = XLS_MEDIA_TYPE, _read_xls(data, source)
    elif suffix in (".xlsx", ".xlsm"):
        raise DocumentError(Reason.CORRUPT_FILE, f"{source}: not a zip container, cannot be an .xlsx workbook")
    elif suffix == ".xls":
        raise DocumentError(Reason.CORRUPT_FILE, f"{source}: not an OLE2 compound file, cannot be an .xls workbook")
    else:
        raise DocumentError(Reason.UNSUPPORTED_FORMAT, f"{source}: not a spreadsheet (.xlsx / .xls)")
    text = _sheet_text(sheets)
    if not text.strip() or all(not any(any(r) for r in sh.grid) for sh in sheets):
        raise DocumentError(Reason.EMPTY_FILE, f"{source}: the workbook has no non-empty cell")
    kinds = load_table_kinds()
    tables: list[Table] = []
    for sh in sheets:
        tables.extend(tables_of_grid(sh, kinds))
    encoding = "xlsx" if media_type == XLSX_MEDIA_TYPE else "xls"
    return LoadedDocument(source, sha256_bytes(data), media_type, encoding, text, tables=tuple(tables))


def load_sheet_file(path: str | Path) -> LoadedDocument:
    """Read a spreadsheet disclosure from disk."""
    return load_sheet(str(path), read_bytes(Path(path)))
