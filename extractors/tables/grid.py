"""The grid reader: the standard tables of any grid of cell texts with merged ranges.

Spreadsheets (extractors/load/sheet.py), web-page <table>s (load/html.py) and Word
tables (load/docx.py) all produce such a grid; this module finds the titles in it and
builds the same table model PDF pages produce (extractors/tables/model.py).
"""

from __future__ import annotations

from gongkai.extractors.tables.build import CODE_HEADER, UNIT_IN_HEADER, is_column_number_row, label_of
from gongkai.extractors.tables.classification import code_info
from gongkai.extractors.tables.model import Cell, Column, Row, Table
from gongkai.extractors.tables.page_titles import strip_number
from gongkai.extractors.tables.titles import (
    NUMBER_ALONE,
    classify_title,
    key_text,
    measure_key,
    previous_period_keys,
    title_key,
)
from gongkai.extractors.tables.words import DASH, INTEGER, is_numeric
from gongkai.extractors.text.normalize import fold
from gongkai.extractors.text.numbers import parse_quantity, parse_unit_header
from gongkai.schemas.table_kinds import load_table_kinds

_ZERO = (0.0, 0.0, 0.0, 0.0)
_HEAD_SCAN = 3  # rows after a title that may hold the 单位 line / table number


class CellGrid:
    """A sheet (or an HTML/Word table) as a grid of displayed strings ("" for blank) and its merged ranges."""

    def __init__(self, name: str, grid: list[list[str]], merged: list[tuple[int, int, int, int]]):
        width = max((len(r) for r in grid), default=0)
        self.name = name
        self.grid = [r + [""] * (width - len(r)) for r in grid]
        self.merged = merged  # (row0, col0, row1, col1), 0-based, inclusive
        self.filled = [list(r) for r in self.grid]
        for r0, c0, r1, c1 in merged:
            if r0 >= len(self.grid) or c0 >= width:
                continue
            v = self.grid[r0][c0]
            for r in range(r0, min(r1, len(self.grid) - 1) + 1):
                for c in range(c0, min(c1, width - 1) + 1):
                    self.filled[r][c] = v


# --- tables of one grid --------------------------------------------------------------------------
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


def tables_of_grid(sheet: CellGrid, kinds) -> list[Table]:
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


def _table(
    sheet: CellGrid, title_row: int, end: int, title_text: str, kind_name: str, number: str | None, kinds
) -> Table | None:
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
        return not form and is_column_number_row(sheet.grid[r])

    first_data = next(
        (i for i, r in enumerate(rows) if not is_colnum_row(r) and any(_is_num(c) for c in sheet.grid[r])), len(rows)
    )
    if form:
        first_data = next((i for i, r in enumerate(rows) if any(sheet.grid[r])), len(rows))
    header_rows = [r for r in rows[:first_data] if any(sheet.grid[r])]
    body_rows = [r for r in rows[first_data:] if any(sheet.grid[r]) and not is_colnum_row(r)]
    unit_source = "line"
    if unit is None:
        m = next(
            (
                UNIT_IN_HEADER.search(fold(c))
                for r in header_rows
                for c in sheet.grid[r]
                if c and UNIT_IN_HEADER.search(fold(c))
            ),
            None,
        )
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
    # per body row, the last column holding text (not a number): "a text after this column"
    # in one lookup, not a scan of the rest of the row per column (rows × columns² otherwise)
    last_text: dict[int, int] | None = None
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
            if last_text is None:
                last_text = {
                    r: max((i for i, c in enumerate(sheet.grid[r]) if c and not _is_num(c)), default=-1)
                    for r in body_rows
                }
            named = sum(
                1 for r in body_rows if INTEGER.match(fold(sheet.grid[r][col]).strip() or "x") and last_text[r] > col
            )
            codeish = sum(1 for t in nums if code_info(t) or len(t) <= 2)
            if named >= 0.6 * len(nums) and codeish >= 0.6 * len(nums):
                code_cols.add(col)
                continue
        amount_cols.append(col)
    columns = []
    col_index = {}
    for k, col in enumerate(amount_cols):
        col_levels = tuple(levels_of(col)) if not form else ()
        columns.append(Column(k, col_levels, float(col), float(col + 1), measure_key(col_levels, kinds)))
        col_index[col] = k
    for column, key in zip(
        columns, previous_period_keys([c.levels for c in columns], [c.measure_key for c in columns])
    ):
        column.measure_key = key
    header = [[Cell(c, _ZERO, 1) for c in sheet.grid[r] if c] for r in header_rows]
    body: list[Row] = []
    for r in body_rows:
        cells: list[tuple[int, Cell]] = []
        for col, text in enumerate(sheet.grid[r]):
            if not text:
                continue
            cell = Cell(text, _ZERO, 1)
            if col in code_cols and INTEGER.match(fold(text).strip()):
                cell.role = "code"
            elif col in col_index and _is_num(text):
                q = parse_quantity(fold(text).replace(" ", ""), unit)
                if q is not None and q.unit == "yuan":
                    cell.role = "amount"
                    cell.value = -q.value if q.negative else q.value
                    column = columns[col_index[col]]
                    cell.column, cell.measure, cell.measure_key = column.index, column.measure, column.measure_key
            cells.append((col, cell))
        if not cells:
            continue
        if not any(c.role == "amount" for _, c in cells) and all(DASH.match(c.raw.strip()) for _, c in cells):
            continue
        _label(cells)
        body.append(Row(len(body), 1, [c for _, c in cells]))
    has_amount = any(r.amounts for r in body)
    note = None
    if not has_amount:
        region = [c for r in range(title_row + 1, end) for c in sheet.grid[r] if c]
        note = next((c for c in region for p in kinds.empty if p.search(key_text(c))), None)
        body = []
    return Table(
        kind=kind_name,
        title=printed,
        number=number,
        pages=[1],
        unit=unit,
        unit_source=unit_source,
        header=header,
        columns=columns,
        rows=body,
        empty=not has_amount,
        note=note,
        continued=continued,
        ruled=True,
        bbox=None,
        header_raw=[],
    )


def _label(cells: list[tuple[int, Cell]]) -> None:
    """Each amount takes the texts/codes between the previous amount and it; else the last label."""
    last: tuple[str | None, str | None] = (None, None)
    group: list[Cell] = []
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


def grid_tables(name: str, grid: list[list[str]], merged: list[tuple[int, int, int, int]]) -> list[Table]:
    """The standard tables of any grid of cell texts (a sheet, an HTML <table>); ``name``
    is the title to use when no row of the grid carries one."""
    return tables_of_grid(CellGrid(name, grid, merged), load_table_kinds())
