"""Loading spreadsheet disclosures (.xlsx via openpyxl, legacy .xls via xlrd).

Every sheet becomes

* text: the sheet name as a line, then each row's non-empty cells joined by a tab
  (rows by "\\n"; sheets by "\\n") — the document's stored text, which offsets index;
* standard tables (:class:`extractors.tables.model.Table`): a title row recognised by
  :func:`extractors.tables.titles.classify_title` (else the sheet name), the 单位 line, header
  rows (merged cells spread over their columns, levels joined " / "), and body rows
  with codes, labels and amounts in yuan (Decimal, never float). page=1, boxes zero.

``line_items(merge_continued(list(doc.tables)))`` yields the line items as for a PDF.

Limits (extractors/load/limits.py): an .xlsx's zip directory is checked before openpyxl
opens it (``unzipped_bytes``, ``xml_bytes``, ``zip_ratio``, ``zip_entries``), then its sheet
XML is scanned as a stream for the farthest cell and the merged ranges (``sheet_cells``)
before openpyxl builds a cell; the used ranges are checked again before the cells are
iterated (and an .xls's before its cells are read).
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
import zlib
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from gongkai.extractors.load.formats import format_named
from gongkai.extractors.load.limits import DEFAULT, LoadLimits, check_zip
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


# --- the used range of sheet XML, before openpyxl reads it -----------------------------------------
# openpyxl builds a cell object per cell of the XML and per cell of every merged range, and
# iter_rows walks A1 to the farthest cell: a 1 KB sheet naming cell XFD1048576 or merging
# A1:XFD1048576 would take hours. The XML is scanned as a stream for those first.
_SHEET_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|mergeCell)(?=[\s/>])([^>]*)>")
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*["']([^"']*)["']""")
_REF_ATTR = re.compile(rb"""(?:^|\s)ref\s*=\s*["']([^"']*)["']""")
_CELL_REF = re.compile(rb"\$?([A-Za-z]{1,7})\$?([0-9]{1,12})")
_CHUNK = 1 << 20
_HUGE = 10**12  # a row or column number past any sheet's


@lru_cache(maxsize=4096)
def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _row_number(value: bytes) -> int | None:
    try:
        return int(value)
    except ValueError:
        try:
            return min(_HUGE, int(float(value)))
        except (ValueError, OverflowError):
            return None


class _UsedRange:
    """The farthest row and column a sheet's XML reaches (cells as openpyxl places them: a
    cell or row without ``r`` follows the previous one) and the cells of its merged ranges."""

    def __init__(self) -> None:
        self.rows = self.columns = self.merged = 0
        self._row = self._column = 0

    def _merge(self, attrs: bytes) -> None:
        ref = _REF_ATTR.search(attrs)
        corners = _CELL_REF.findall(ref.group(1)) if ref else []
        if corners:
            rows = [int(r) for _, r in corners]
            cols = [_column_number(c) for c, _ in corners]
            self.rows, self.columns = max(self.rows, *rows), max(self.columns, *cols)
            self.merged += (max(rows) - min(rows) + 1) * (max(cols) - min(cols) + 1)

    def feed(self, buf: bytes, end: int) -> None:
        """The tags of ``buf[:end]``."""
        for m in _SHEET_TAG.finditer(buf, 0, end):
            tag, attrs = m.group(1), m.group(2)
            if tag == b"mergeCell":
                self._merge(attrs)
                continue
            r = _R_ATTR.search(attrs)
            if tag == b"row":
                number = _row_number(r.group(1)) if r else None
                self._row = number if number is not None else self._row + 1
                self._column = 0
                self.rows = max(self.rows, self._row)
                continue
            ref = _CELL_REF.fullmatch(r.group(1).strip()) if r else None
            if ref:
                self._column = _column_number(ref.group(1))
                self.rows = max(self.rows, int(ref.group(2)))
            else:
                self._column += 1
                self.rows = max(self.rows, self._row)
            self.columns = max(self.columns, self._column)

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def _check_sheet_xml(source: str, zf: zipfile.ZipFile, limits: LoadLimits) -> None:
    """Every XML part of the workbook (whatever its name: the workbook's relationships may
    point anywhere) scanned in 1 MiB chunks; only worksheets hold rows and cells. The used
    ranges, summed, and the merged cells of each within ``sheet_cells``."""
    total = 0
    for info in zf.infolist():
        used = _UsedRange()
        with zf.open(info) as f:
            tail, first = b"", True
            while True:
                chunk = f.read(_CHUNK)
                if first and not chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                    break  # not XML (an image…)
                first = False
                buf = tail + chunk
                end = max(0, len(buf) if not chunk else buf.rfind(b"<"))
                used.feed(buf, end)
                tail = buf[end:]
                if len(tail) > _CHUNK:  # no tag of a cell is this long
                    tail = b""
                what = f"cells of {info.filename} ({used.rows} rows × {used.columns} columns)"
                limits.check("sheet_cells", total + used.cells, source, what)
                limits.check("sheet_cells", used.merged, source, f"cells in the merged ranges of {info.filename}")
                if not chunk:
                    break
        total += used.cells


# --- reading the workbook -------------------------------------------------------------------------
def _read_xlsx(data: bytes, source: str, limits: LoadLimits = DEFAULT) -> list[CellGrid]:
    import openpyxl

    check_zip(source, data, limits, streamed=("xl/worksheets/",))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            _check_sheet_xml(source, zf, limits)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        pass  # not a readable zip (or a damaged entry): openpyxl says what is wrong
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors …
        raise DocumentError(
            Reason.CORRUPT_FILE, f"{source}: cannot read as .xlsx ({type(exc).__name__}: {exc})"
        ) from exc
    sheets = []
    try:
        total = 0
        for ws in wb.worksheets:
            total += ws.max_row * ws.max_column
            what = f"cells of sheet {ws.title!r} ({ws.max_row} rows × {ws.max_column} columns)"
            limits.check("sheet_cells", total, source, what)
        for ws in wb.worksheets:
            grid = [[_text_of(v) for v in row] for row in ws.iter_rows(values_only=True)]
            merged = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
            sheets.append(CellGrid(ws.title, grid, merged))
    finally:
        wb.close()
    return sheets


def _read_xls(data: bytes, source: str, limits: LoadLimits = DEFAULT) -> list[CellGrid]:
    import xlrd

    try:
        try:  # ragged rows: a cell far out does not pad every row to it
            book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False, ragged_rows=True)
        except NotImplementedError:  # formatting_info unsupported for this file
            book = xlrd.open_workbook(file_contents=data, on_demand=False, ragged_rows=True)
    except Exception as exc:  # xlrd.XLRDError, CompDocError, struct errors …
        raise DocumentError(
            Reason.CORRUPT_FILE, f"{source}: cannot read as .xls ({type(exc).__name__}: {exc})"
        ) from exc
    total = 0
    for sh in book.sheets():
        total += sh.nrows * sh.ncols
        limits.check("sheet_cells", total, source, f"cells of sheet {sh.name!r} ({sh.nrows} rows × {sh.ncols} columns)")
        merged_cells = sum((rhi - rlo) * (chi - clo) for rlo, rhi, clo, chi in getattr(sh, "merged_cells", []))
        limits.check("sheet_cells", merged_cells, source, f"cells in the merged ranges of sheet {sh.name!r}")
    sheets = []
    for sh in book.sheets():
        grid = []
        for r in range(sh.nrows):
            row = []
            for c in range(sh.row_len(r)):
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
            grid.append(row + [""] * (sh.ncols - len(row)))
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


def load_sheet(source: str, data: bytes, limits: LoadLimits = DEFAULT) -> LoadedDocument:
    """A spreadsheet disclosure (.xlsx or .xls) from its bytes: stored text and standard tables;
    one over ``limits`` fails with ``too_large``."""
    if not data or not data.strip():
        raise DocumentError(Reason.EMPTY_FILE, f"{source}: the file is empty")
    suffix = Path(source).suffix.lower()
    if data.startswith(b"PK"):
        media_type, sheets = XLSX_MEDIA_TYPE, _read_xlsx(data, source, limits)
    elif data.startswith(_OLE_MAGIC):
        media_type, sheets = XLS_MEDIA_TYPE, _read_xls(data, source, limits)
    elif suffix in (".xlsx", ".xlsm"):
        raise DocumentError(Reason.CORRUPT_FILE, f"{source}: not a zip container, cannot be an .xlsx workbook")
    elif suffix == ".xls":
        raise DocumentError(Reason.CORRUPT_FILE, f"{source}: not an OLE2 compound file, cannot be an .xls workbook")
    else:
        raise DocumentError(Reason.UNSUPPORTED_FORMAT, f"{source}: not a spreadsheet (.xlsx / .xls)")
    text = _sheet_text(sheets)
    limits.check("text_chars", len(text), source, "characters of the stored text")
    if not text.strip() or all(not any(any(r) for r in sh.grid) for sh in sheets):
        raise DocumentError(Reason.EMPTY_FILE, f"{source}: the workbook has no non-empty cell")
    kinds = load_table_kinds()
    tables: list[Table] = []
    for sh in sheets:
        tables.extend(tables_of_grid(sh, kinds))
    encoding = "xlsx" if media_type == XLSX_MEDIA_TYPE else "xls"
    return LoadedDocument(source, sha256_bytes(data), media_type, encoding, text, tables=tuple(tables))


def load_sheet_file(path: str | Path, limits: LoadLimits = DEFAULT) -> LoadedDocument:
    """Read a spreadsheet disclosure from disk."""
    return load_sheet(str(path), read_bytes(Path(path), limits), limits)
