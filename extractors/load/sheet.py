"""Loading spreadsheet disclosures (.xlsx via openpyxl, legacy .xls via xlrd).

Every sheet becomes

* text: the sheet name as a line, then each row's non-empty cells joined by a tab
  (rows by "\\n"; sheets by "\\n") — the document's stored text, which offsets index;
* standard tables (:class:`extractors.tables.PdfTable`): a title row recognised by
  :func:`extractors.tables.classify_title` (else the sheet name), the 单位 line, header
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

from gongkai.extractors.tables.classification import code_info
from gongkai.extractors.load.text import LoadedDocument, read_bytes, sha256_bytes
from gongkai.extractors.text.normalize import fold
from gongkai.extractors.text.numbers import parse_quantity, parse_unit_header
from gongkai.extractors.tables.core import (
    CODE_HEADER, COLUMN_NUMBERS, DASH, INTEGER, NUMBER_ALONE, UNIT_IN_HEADER, PdfCell, PdfColumn, PdfRow, PdfTable,
    classify_title, is_numeric, key_text, label_of, load_table_kinds, measure_key, strip_number, title_key,
)
from gongkai.schemas.reasons import DocumentError, Reason

__all__ = ["XLSX_MEDIA_TYPE", "XLS_MEDIA_TYPE", "load_sheet", "load_sheet_file"]

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLS_MEDIA_TYPE = "application/vnd.ms-excel"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZERO = (0.0, 0.0, 0.0, 0.0)
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")
_HEAD_SCAN = 3          # rows after a title that may hold the 单位 line / table number


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
            s = format(float(value), ".15g")     # 300.00000000000006 from a formula → 300
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
class _Sheet:
    """One sheet as a grid of displayed strings ("" for blank) and its merged ranges."""

    def __init__(self, name: str, grid: list[list[str]], merged: list[tuple[int, int, int, int]]):
        width = max((len(r) for r in grid), default=0)
        self.name = name
        self.grid = [r + [""] * (width - len(r)) for r in grid]
        self.merged = merged          # (row0, col0, row1, col1), 0-based, inclusive
        self.filled = [list(r) for r in self.grid]
        for r0, c0, r1, c1 in merged:
            if r0 >= len(self.grid) or c0 >= width:
                continue
            v = self.grid[r0][c0]
            for r in range(r0, min(r1, len(self.grid) - 1) + 1):
                for c in range(c0, min(c1, width - 1) + 1):
                    self.filled[r][c] = v


def _read_xlsx(data: bytes, source: str) -> list[_Sheet]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors …
        raise DocumentError(Reason.CORRUPT_FILE, f"{source}: cannot read as .xlsx ({type(exc).__name__}: {exc})") from exc
    sheets = []
    try:
        for ws in wb.worksheets:
            grid = [[_text_of(v) for v in row] for row in ws.iter_rows(values_only=True)]
            merged = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
            sheets.append(_Sheet(ws.title, grid, merged))
    finally:
        wb.close()
    return sheets


def _read_xls(data: bytes, source: str) -> list[_Sheet]:
    import xlrd

    try:
        try:
            book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
        except NotImplementedError:          # formatting_info unsupported for this file
            book = xlrd.open_workbook(file_contents=data, on_demand=False)
    except Exception as exc:  # xlrd.XLRDError, CompDocError, struct errors …
        raise DocumentError(Reason.CORRUPT_FILE, f"{source}: cannot read as .xls ({type(exc).__name__}: {exc})") from exc
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
                else:                                   # empty, blank, error
                    row.append("")
            grid.append(row)
        merged = [(rlo, clo, rhi - 1, chi - 1) for rlo, rhi, clo, chi in getattr(sh, "merged_cells", [])]
        sheets.append(_Sheet(sh.name, grid, merged))
    return sheets


# --- tables of one sheet --------------------------------------------------------------------------
def _title_of_row(row: list[str], kinds) -> tuple[str, str] | None:
    """(title text, kind) when a row is a table title: at most two non-empty cells, one a title."""
    cells = [c for c in row if c]
    if not cells or len(cells) > 2:
        return None
    for c in cells:
        kind = classify_title(c, kinds)
        if kind:
            return c, kind
    return None


def _is_num(text: str) -> bool:
    return bool(text) and is_numeric(text)


def _tables_of_sheet(sheet: _Sheet, kinds) -> list[PdfTable]:
    grid = sheet.grid
    titles: list[tuple[int, str, str]] = []
    for r, row in enumerate(grid):
        found = _title_of_row(row, kinds)
        if found:
            titles.append((r, *found))
    if not titles:
        kind = classify_title(sheet.name, kinds)
        if kind is None:
            return []
        titles = [(-1, sheet.name, kind)]
    tables = []
    for n, (r, text, kind) in enumerate(titles):
        end = titles[n + 1][0] if n + 1 < len(titles) else len(grid)
        number_above = None
        if r > 0 and (n == 0 or r - 1 > titles[n - 1][0]):
            above = [c for c in grid[r - 1] if c]
            if len(above) == 1 and NUMBER_ALONE.match(key_text(above[0])):
                number_above = key_text(above[0])
        table = _table(sheet, r, end, text, kind, number_above, kinds)
        if table is not None:
            tables.append(table)
    return tables


def _table(sheet: _Sheet, title_row: int, end: int, title_text: str, kind_name: str, number: str | None,
           kinds) -> PdfTable | None:
    kind = kinds.kind(kind_name)
    form = kind is not None and kind.layout == "form"
    printed, num = strip_number(title_text)
    number = num or number
    if title_row >= 0:
        for c in sheet.grid[title_row]:
            if c and c != title_text and NUMBER_ALONE.match(key_text(c)):
                number = number or key_text(c)
    continued = title_key(title_text)[2]
    start = title_row + 1
    # the 单位 line (and 部门 / table-number lines before it)
    unit = None
    for r in range(start, min(end, start + _HEAD_SCAN)):
        row = sheet.grid[r]
        if any(_is_num(c) for c in row):
            break
        u = next((parse_unit_header(c) for c in row if c and parse_unit_header(c)), None)
        if u:
            unit = u
            for c in row:
                if c and NUMBER_ALONE.match(key_text(c)):
                    number = number or key_text(c)
            start = r + 1
            break
    rows = list(range(start, end))
    # header rows: before the first row with a number (栏次 rows are header)
    def is_colnum_row(r):
        return any(c and COLUMN_NUMBERS.match(key_text(c)) for c in sheet.grid[r])

    first_data = next((i for i, r in enumerate(rows) if not is_colnum_row(r)
                       and any(_is_num(c) for c in sheet.grid[r])), len(rows))
    if form:
        first_data = next((i for i, r in enumerate(rows) if any(sheet.grid[r])), len(rows))
    header_rows = [r for r in rows[:first_data] if any(sheet.grid[r])]
    body_rows = [r for r in rows[first_data:] if any(sheet.grid[r]) and not is_colnum_row(r)]
    unit_source = "line"
    if unit is None:
        m = next((UNIT_IN_HEADER.search(fold(c)) for r in header_rows for c in sheet.grid[r]
                  if c and UNIT_IN_HEADER.search(fold(c))), None)
        if m:
            unit, unit_source = m.group(1), "header"
        else:
            unit = kind.default_unit if kind else "元"
            unit_source = "continued" if continued else "default"
    width = len(sheet.grid[0]) if sheet.grid else 0

    def levels_of(col: int) -> list[str]:
        out: list[str] = []
        for r in header_rows:
            t = sheet.filled[r][col]
            if not t or _is_num(t) or (out and out[-1] == t):
                continue
            out.append(t)
        return out

    # column roles
    code_cols: set[int] = set()
    amount_cols: list[int] = []
    for col in range(width):
        texts = [fold(sheet.grid[r][col]).strip() for r in body_rows if sheet.grid[r][col]]
        nums = [t for t in texts if _is_num(t)]
        if not nums:
            continue
        levels = levels_of(col)
        ints = all(INTEGER.match(t) for t in nums)
        if form:
            amount_cols.append(col)
            continue
        if ints and any(CODE_HEADER.search(key_text(h)) for h in levels):
            code_cols.add(col)
            continue
        if measure_key(levels, kinds) is None and ints:
            named = sum(1 for r in body_rows if INTEGER.match(fold(sheet.grid[r][col]).strip() or "x")
                        and any(c and not _is_num(c) for c in sheet.grid[r][col + 1:]))
            codeish = sum(1 for t in nums if code_info(t) or len(t) <= 2)
            if named >= 0.6 * len(nums) and codeish >= 0.6 * len(nums):
                code_cols.add(col)
                continue
        amount_cols.append(col)
    columns = []
    col_index = {}
    for k, col in enumerate(amount_cols):
        levels = tuple(levels_of(col)) if not form else ()
        columns.append(PdfColumn(k, levels, float(col), float(col + 1), measure_key(levels, kinds)))
        col_index[col] = k
    header = [[PdfCell(c, _ZERO, 1) for c in sheet.grid[r] if c] for r in header_rows]
    body: list[PdfRow] = []
    for r in body_rows:
        cells: list[tuple[int, PdfCell]] = []
        for col, text in enumerate(sheet.grid[r]):
            if not text:
                continue
            cell = PdfCell(text, _ZERO, 1)
            if col in code_cols and INTEGER.match(fold(text).strip()):
                cell.role = "code"
            elif col in col_index and _is_num(text):
                q = parse_quantity(fold(text).replace(" ", ""), unit)
                if q is not None and q.unit == "yuan":
                    cell.role = "amount"
                    cell.value = -q.value if q.negative else q.value
                    c = columns[col_index[col]]
                    cell.column, cell.measure, cell.measure_key = c.index, c.measure, c.measure_key
            cells.append((col, cell))
        if not cells:
            continue
        if not any(c.role == "amount" for _, c in cells) and all(DASH.match(c.raw.strip()) for _, c in cells):
            continue
        _label(cells)
        body.append(PdfRow(len(body), 1, [c for _, c in cells]))
    has_amount = any(r.amounts for r in body)
    note = None
    if not has_amount:
        region = [c for r in range(title_row + 1, end) for c in sheet.grid[r] if c]
        note = next((c for c in region for p in kinds.empty if p.search(key_text(c))), None)
        body = []
    return PdfTable(
        kind=kind_name, title=printed, number=number, pages=[1], unit=unit, unit_source=unit_source,
        header=header, columns=columns, rows=body, empty=not has_amount, note=note, continued=continued,
        ruled=True, bbox=None, header_raw=[],
    )


def _label(cells: list[tuple[int, PdfCell]]) -> None:
    """Each amount takes the texts/codes between the previous amount and it; else the last label."""
    last: tuple[str | None, str | None] = (None, None)
    group: list[PdfCell] = []
    for _, cell in cells:
        if cell.role != "amount":
            group.append(cell)
            continue
        if group:
            label, code = label_of(group)
            if label is not None or code is not None:
                last = (label, code)
        group = []
        cell.label, cell.code = last


# --- public API -----------------------------------------------------------------------------------
def _sheet_text(sheets: list[_Sheet]) -> str:
    blocks = []
    for sh in sheets:
        lines = [sh.name] + ["\t".join(c for c in row if c) for row in sh.grid if any(row)]
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def grid_tables(name: str, grid: list[list[str]], merged: list[tuple[int, int, int, int]]) -> list[PdfTable]:
    """The standard tables of any grid of cell texts (a sheet, an HTML <table>); ``name``
    is the title to use when no row of the grid carries one."""
    return _tables_of_sheet(_Sheet(name, grid, merged), load_table_kinds())


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
    tables: list[PdfTable] = []
    for sh in sheets:
        tables.extend(_tables_of_sheet(sh, kinds))
    encoding = "xlsx" if media_type == XLSX_MEDIA_TYPE else "xls"
    return LoadedDocument(source, sha256_bytes(data), media_type, encoding, text, tables=tuple(tables))


def load_sheet_file(path: str | Path) -> LoadedDocument:
    """Read a spreadsheet disclosure from disk."""
    return load_sheet(str(path), read_bytes(Path(path)))
