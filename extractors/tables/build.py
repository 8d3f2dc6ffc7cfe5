"""Building one table part from a page region: rows, columns, header levels, labels, amounts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from gongkai.extractors.tables.classification import code_info, compose_code, split_leading_code
from gongkai.extractors.tables.model import BBox, Cell, Column, Row
from gongkai.extractors.tables.page_titles import PART_TITLE, Title
from gongkai.extractors.tables.ruled import Grid
from gongkai.extractors.tables.titles import key_text, measure_key, previous_period_keys
from gongkai.extractors.tables.words import CJK, DASH, INTEGER, Line, Word, is_numeric, join_words, lines_of
from gongkai.extractors.text.normalize import fold
from gongkai.extractors.text.numbers import parse_quantity, parse_unit_header
from gongkai.schemas.table_kinds import TableKind, TableKinds


@dataclass
class Raw:
    """A cell before roles are known."""

    text: str
    bbox: BBox
    frame: BBox | None
    words: list[Word]


def _cell_text(words: list[Word]) -> str:
    """Text of a cell: its lines joined; a CJK line wrap joins without a blank."""
    lines = lines_of(words)
    out = ""
    for line in lines:
        t = line.text
        if out and not (CJK.search(out[-1]) or CJK.search(t[0]) or out[-1] in "（(" or t[0] in "）)"):
            out += " "
        out += t
    return out


def bbox_of(words: list[Word]) -> BBox:
    return (min(w.x0 for w in words), min(w.top for w in words), max(w.x1 for w in words), max(w.bottom for w in words))


def rows_of_grids(grids: list[Grid], words: list[Word], top: float, bottom: float) -> tuple[list[list[Raw]], set[int]]:
    """Rows of cells from the ruled grids inside [top, bottom); and the ids of the words used.

    Smaller cells take their words first, so a background rectangle drawn behind the
    whole table (a cell spanning everything) only keeps what no real cell holds; a cell
    whose words stand apart on a line (several columns in one rectangle) is split.
    """
    used: set[int] = set()
    frames: list[tuple[tuple[int, int], BBox]] = []
    for g, grid in enumerate(grids):
        if grid.bbox[3] <= top or grid.bbox[1] >= bottom:
            continue
        for r, grid_row in enumerate(grid.rows):
            for rect in grid_row:
                frames.append(((g, r), (rect[0], rect[1], rect[2], rect[3])))
    frames.sort(key=lambda f: (f[1][2] - f[1][0]) * (f[1][3] - f[1][1]))
    by_row: dict[tuple[int, int], list[Raw]] = {}
    for key, frame in frames:
        inside = [
            w
            for w in words
            if id(w) not in used
            and frame[0] - 0.5 <= w.xc <= frame[2] + 0.5
            and frame[1] - 0.5 <= w.yc <= frame[3] + 0.5
        ]
        if not inside:
            continue
        used.update(id(w) for w in inside)
        for part in _split_apart(inside):
            if len(part) == len(inside):
                by_row.setdefault(key, []).append(Raw(_cell_text(part), bbox_of(part), frame, part))
            else:  # a rectangle holding several cells: keep them apart, as unruled cells
                by_row.setdefault(key, []).append(Raw(_cell_text(part), bbox_of(part), None, part))
    rows = []
    for _key, cells in by_row.items():
        # a spanning rectangle's words may stand on several lines: one row per line
        framed = [c for c in cells if c.frame is not None]
        loose = [c for c in cells if c.frame is None]
        for line in lines_of([w for c in loose for w in c.words]):
            parts = word_rows([line])[0]
            if framed and any(min(line.bottom, c.bbox[3]) - max(line.top, c.bbox[1]) > 0 for c in framed):
                framed.extend(parts)  # the same printed row as the framed cells
            else:
                rows.append(parts)
        if framed:
            framed.sort(key=lambda c: c.bbox[0])
            rows.append(framed)
    rows.sort(key=lambda r: min(c.bbox[1] for c in r))
    return rows, used


def _split_apart(words: list[Word]) -> list[list[Word]]:
    """Words of one rectangle as groups: split where words on one line stand far apart."""
    lines = lines_of(words)
    if len(lines) == 1 and len(words) == 1:
        return [words]
    far = False
    for line in lines:
        for a, b in zip(line.words, line.words[1:]):
            if b.x0 - a.x1 > 2.5 * max(a.size, b.size):
                far = True
    if not far:
        return [words]
    return [c.words for line in lines for row in word_rows([line]) for c in row]


def word_rows(lines: list[Line]) -> list[list[Raw]]:
    """Rows of cells from positioned words: words close together on a line form one cell."""
    rows = []
    for line in lines:
        cells: list[list[Word]] = []
        for w in line.words:
            if cells:
                prev = cells[-1][-1]
                gap = w.x0 - prev.x1
                numeric = is_numeric(w.text) or is_numeric(prev.text)
                if not numeric and gap < 1.1 * max(w.size, prev.size):
                    cells[-1].append(w)
                    continue
            cells.append([w])
        rows.append([Raw(join_words(c), bbox_of(c), None, c) for c in cells])
    return rows


def is_prose(line: Line, page_width: float) -> bool:
    text = line.text
    if re.search(r"[，。；]", text) or PART_TITLE.match(key_text(text)):
        return True
    for a, b in zip(line.words, line.words[1:]):
        # a figure run into its unit or the next word ("2018 年度", "33172.15 万元"): running text
        # (a blank typed between them: split words of one printed word are not running text)
        if is_numeric(a.text) and 0.1 * a.size < b.x0 - a.x1 < 0.6 * a.size and re.match(r"(万元|亿元|元|%)", b.text):
            return True
    return len(line.words) <= 2 and (line.x1 - line.x0) > 0.55 * page_width and len(text) > 25


NOTE = re.compile(r"^(注|说明|备注|附注)\s*\d?\s*[:：]")


PAGE_NO = re.compile(r"^[-—–\s]*(第?\s*\d{1,3}\s*页?)[-—–\s]*$")


COLUMN_NUMBERS = re.compile(r"^栏次$|^行次$")


# the other cells of a row numbering the columns: 栏次, **, 甲/乙, a formula (3=4+5), blank
_COLUMN_NUMBER_MARK = re.compile(r"^([*＊]+|栏次|行次|[甲乙丙丁]|[\d+=＝＋\-－—]+)?$")


def is_column_number_row(texts: Sequence[str]) -> bool:
    """A row that numbers the columns under the header (栏次 1 2 3 …, ** ** 1 2 3 …, 1 2 3=4+5 4 5):
    header, never amounts. Its integers run up from 1, one per column, and nothing else in
    the row names a line (no label, no code)."""
    texts = [fold(t).replace(" ", "") for t in texts if t and t.strip()]
    if any(COLUMN_NUMBERS.match(key_text(t)) for t in texts):
        return True
    numbers = [int(t) for t in texts if INTEGER.match(t) and len(t) <= 3]
    if len(numbers) < 3 or numbers[0] != 1 or any(b <= a for a, b in zip(numbers, numbers[1:])):
        return False
    others = [t for t in texts if not (INTEGER.match(t) and len(t) <= 3)]
    return numbers[-1] <= len(numbers) + len(others) and all(_COLUMN_NUMBER_MARK.match(t) for t in others)


_CODES = re.compile(r"^\d{3,}(\s+\d{3,})+$")


CODE_HEADER = re.compile(r"(编码|代码|编号|^类$|^款$|^项$)")


def _cluster_columns(cells: list[tuple[float, float]]) -> list[list[int]]:
    """Indexes of x-ranges grouped into columns (ranges that overlap)."""
    order = sorted(range(len(cells)), key=lambda i: (cells[i][0] + cells[i][1]) / 2)
    groups: list[tuple[float, float, list[int]]] = []
    for i in order:
        x0, x1 = cells[i]
        best, best_ov = None, 0.0
        for g, (gx0, gx1, _) in enumerate(groups):
            ov = min(x1, gx1) - max(x0, gx0)
            if ov > 0.4 * min(x1 - x0, gx1 - gx0) and ov > best_ov:
                best, best_ov = g, ov
        if best is None:
            groups.append((x0, x1, [i]))
        else:
            gx0, gx1, members = groups[best]
            members.append(i)
            groups[best] = (min(gx0, x0), max(gx1, x1), members)
    groups.sort(key=lambda g: g[0])
    return [g[2] for g in groups]


def _xr(cell: Raw) -> tuple[float, float]:
    box = cell.frame or cell.bbox
    return box[0], box[2]


UNIT_IN_HEADER = re.compile(r"[(（]\s*(?:单位\s*[:：]?\s*)?(?:人民币)?\s*(万元|千元|亿元|元)\s*[)）]")


def build_part(
    rows: list[list[Raw]],
    *,
    page: int,
    ruled: bool,
    kind: TableKind | None,
    unit: str,
    kinds: TableKinds,
) -> tuple[list[list[Cell]], list[Column], list[Row], list[list[Raw]]]:
    """Header rows, amount columns and body rows of one table part (unit applied).

    Returns (header, columns, rows, the header rows' raw cells).
    """
    form = kind is not None and kind.layout == "form"

    # 1. which rows are header: those before the first row with a number (栏次 rows are header)
    def numeric_cells(row):
        return [c for c in row if is_numeric(c.text)]

    first_data = None
    for i, row in enumerate(rows):
        if is_column_number_row([c.text for c in row]):
            continue
        nums = numeric_cells(row)
        if nums:
            first_data = i
            break
    if form:
        first_data = 0
    if first_data is None:
        first_data = len(rows)
    header_rows, body_rows = rows[:first_data], rows[first_data:]
    if not form:
        header_rows = [r for r in header_rows if not is_column_number_row([c.text for c in r])]
    body_rows = [r for r in body_rows if form or not is_column_number_row([c.text for c in r])]
    # 2. numeric cells of the body → columns; integer-only columns of codes are code columns
    nums = [(ri, ci) for ri, row in enumerate(body_rows) for ci, c in enumerate(row) if is_numeric(c.text)]
    groups = _cluster_columns([_xr(body_rows[ri][ci]) for ri, ci in nums])
    header_cells = [c for row in header_rows for c in row]

    def header_over(x0: float, x1: float) -> list[Raw]:
        return [
            h
            for h in header_cells
            if min(x1, _xr(h)[1]) - max(x0, _xr(h)[0]) > 0.3 * min(x1 - x0, _xr(h)[1] - _xr(h)[0])
        ]

    code_cells: set[tuple[int, int]] = set()
    amount_groups: list[list[tuple[int, int]]] = []
    for group in groups:
        members = [nums[i] for i in group]
        texts = [fold(body_rows[ri][ci].text).strip() for ri, ci in members]
        x0 = min(_xr(body_rows[ri][ci])[0] for ri, ci in members)
        x1 = max(_xr(body_rows[ri][ci])[1] for ri, ci in members)
        heads = [key_text(h.text) for h in header_over(x0, x1)]
        # codes are integers (201, 20103, 2010301, or 类/款/项 parts 201 | 03 | 01) printed
        # before the row's name
        named = sum(1 for ri, ci in members if any(not is_numeric(c.text) for c in body_rows[ri][ci + 1 :]))
        # two codes in one cell: the rows of a ruled cell printed on two lines (30102 3010201)
        texts = [t.split()[0] if _CODES.match(t) else t for t in texts]
        codeish = (
            all(INTEGER.match(t) for t in texts)
            and named >= 0.6 * len(members)
            and (sum(1 for t in texts if code_info(t) or len(t) <= 2) >= 0.6 * len(texts))
        )
        if any(CODE_HEADER.search(h) for h in heads) and all(INTEGER.match(t) for t in texts):
            codeish = True
        if codeish and not form:
            code_cells.update(members)
        else:
            amount_groups.append(members)
    # a code printed in the label column (2010301 行政运行 as two cells, or one)
    for ri, row in enumerate(body_rows):
        for ci, c in enumerate(row[:-1]):
            t = fold(c.text).strip()
            if (ri, ci) in code_cells or not INTEGER.match(t) or not code_info(t):
                continue
            nxt = row[ci + 1]
            if not is_numeric(nxt.text) and len(amount_groups) and not form:
                # an integer right before a text cell, in a column that holds no decimals
                col = next((g for g in amount_groups if (ri, ci) in g), None)
                if col is not None and all(INTEGER.match(fold(body_rows[r][k].text).strip()) for r, k in col):
                    code_cells.add((ri, ci))
                    col.remove((ri, ci))
    amount_groups = [g for g in amount_groups if g]
    # 3. columns and their header levels
    extents = []
    for g in amount_groups:
        x0 = min(_xr(body_rows[ri][ci])[0] for ri, ci in g)
        x1 = max(_xr(body_rows[ri][ci])[1] for ri, ci in g)
        extents.append((x0, x1))
    order = sorted(range(len(amount_groups)), key=lambda i: extents[i][0])
    amount_groups = [amount_groups[i] for i in order]
    extents = [extents[i] for i in order]
    text_cols = [(_xr(c)[0], _xr(c)[1]) for row in body_rows for c in row if not is_numeric(c.text)]
    columns = []
    for k, (x0, x1) in enumerate(extents):
        levels = [] if form else levels_for(header_rows, x0, x1, extents, k, text_cols, ruled)
        columns.append(Column(k, tuple(levels), x0, x1, measure_key(levels, kinds)))
    for column, key in zip(
        columns, previous_period_keys([c.levels for c in columns], [c.measure_key for c in columns])
    ):
        column.measure_key = key
    # header cells naming an amount column (金额, 预算数 …): a label never lies across one
    slots = [_xr(h) for row in header_rows for h in row if measure_key([h.text], kinds) is not None]
    # 4. body rows: roles, labels and codes
    col_of = {cell: k for k, g in enumerate(amount_groups) for cell in g}
    out_rows: list[Row] = []
    header = [[Cell(c.text, c.bbox, page, frame=c.frame) for c in row] for row in header_rows]
    for ri, row in enumerate(body_rows):
        cells: list[Cell] = []
        for ci, c in enumerate(row):
            cell = Cell(c.text, c.bbox, page, frame=c.frame)
            if (ri, ci) in code_cells:
                cell.role = "code"
            elif (ri, ci) in col_of:
                q = parse_quantity(fold(c.text).replace(" ", ""), unit)
                if q is not None and q.unit == "yuan":
                    cell.role = "amount"
                    cell.value = -q.value if q.negative else q.value
                    column = columns[col_of[(ri, ci)]]
                    cell.column, cell.measure, cell.measure_key = column.index, column.measure, column.measure_key
            cells.append(cell)
        if not any(c.role == "amount" for c in cells) and all(DASH.match(c.raw.strip()) for c in cells):
            continue
        _label_amounts(cells, columns, slots, ruled)
        out_rows.append(Row(len(out_rows), page, cells))
    _fill_split_labels(out_rows, columns)
    _indent_levels(out_rows, kind)
    return header, columns, out_rows, header_rows


def _fill_split_labels(rows: list[Row], columns: list[Column]) -> None:
    """A label the grid split over the rows above and below its figure ("三、单位预留机动经" /
    2,938.21 / "费"): an amount without a label takes the texts printed in its label slot
    on the touching rows that hold no figures."""

    def span(row):
        return min(c.bbox[1] for c in row.cells), max(c.bbox[3] for c in row.cells)

    for i, row in enumerate(rows):
        top, bottom = span(row)
        for cell in row.amounts:
            if cell.label is not None or cell.code is not None or cell.column is None:
                continue
            left = columns[cell.column - 1].x1 if cell.column > 0 else float("-inf")
            parts = []
            for j in (i - 1, i + 1):
                if not 0 <= j < len(rows) or rows[j].amounts:
                    continue
                otop, obottom = span(rows[j])
                if (otop - bottom if j > i else top - obottom) > (bottom - top):
                    continue
                texts = [
                    c.raw.strip()
                    for c in rows[j].cells
                    if c.role == "text" and c.bbox[0] >= left - 1 and c.bbox[2] <= cell.bbox[0] + 1
                ]
                if texts:
                    parts.append((j, "".join(texts)))
            if parts and any(c.role == "text" for c in row.cells):
                cell.label = "".join(t for _, t in sorted(parts))


_LABEL_HEADER = re.compile(r"(项目|名称|科目|编码|代码|^类$|^款$|^项$|单位[:：])")


def _unruled_claims(header_rows: list[list[Raw]], centers: list[float]) -> dict[int, set[int]]:
    """Unruled headers: which columns (by center) each header cell stands over.

    The cells of a header line share the line out between them (a cell reaches halfway to
    its neighbours, the outer ones to the table's edges); a cell alone on its line only
    covers what it stands over; a label header (项目, 科目名称 …) only what it stands
    over. A cell never claims beyond what the header above it claims.
    """
    claims: dict[int, set[int]] = {}
    ranges: dict[int, tuple[float, float]] = {}
    done: list[list[Raw]] = []
    for row in header_rows:
        cells = sorted(row, key=lambda h: h.bbox[0])
        for i, h in enumerate(cells):
            hx0, hx1 = h.bbox[0], h.bbox[2]
            w, pad = hx1 - hx0, 0.5 * h.words[0].size
            if len(cells) == 1:
                lo, hi = hx0 - w / 2, hx1 + w / 2
            else:
                lo = (cells[i - 1].bbox[2] + hx0) / 2 if i > 0 else float("-inf")
                hi = (hx1 + cells[i + 1].bbox[0]) / 2 if i + 1 < len(cells) else float("inf")
            over = {k for k, c in enumerate(centers) if hx0 - pad <= c <= hx1 + pad}
            label = _LABEL_HEADER.search(key_text(h.text)) and measure_key([h.text]) is None
            part = set() if label else {k for k, c in enumerate(centers) if lo <= c <= hi}
            hc = (hx0 + hx1) / 2
            parent = None
            for upper in reversed(done):
                parent = next((p for p in upper if ranges[id(p)][0] <= hc <= ranges[id(p)][1]), None)
                if parent is not None:
                    break
            if parent is not None and claims[id(parent)]:
                part &= claims[id(parent)]
            claims[id(h)] = over | part
            ranges[id(h)] = (lo, hi)
        done.append(cells)
    return claims


def levels_for(header_rows, x0, x1, extents, k, text_cols, ruled) -> list[str]:
    """Header texts standing over amount column k, top to bottom (wrapped fragments joined)."""
    picked: list[Raw] = []
    width = x1 - x0
    for row in header_rows:
        if ruled:
            for h in row:
                hx0, hx1 = _xr(h)
                if min(x1, hx1) - max(x0, hx0) > 0.5 * min(width, hx1 - hx0):
                    picked.append(h)
            continue
        claims = _unruled_claims(header_rows, [(a + b) / 2 for a, b in extents])
        picked.extend(h for h in row if k in claims.get(id(h), ()))
    picked.sort(key=lambda h: h.bbox[1])
    levels: list[list[Raw]] = []
    for h in picked:
        if levels:
            prev = levels[-1][-1]
            same_extent = (
                (abs(_xr(prev)[0] - _xr(h)[0]) < 2 and abs(_xr(prev)[1] - _xr(h)[1]) < 2)
                if ruled
                else abs(prev.bbox[0] + prev.bbox[2] - h.bbox[0] - h.bbox[2]) / 2 < 0.6 * h.words[0].size
            )
            gap = h.bbox[1] - prev.bbox[3]
            if (
                same_extent
                and gap < (2.5 if ruled else 0.6) * h.words[0].size
                and (not ruled or prev.frame is None or h.frame is None or h.frame[1] - prev.frame[3] < 1)
            ):
                joined = "".join(x.text for x in levels[-1]) + h.text
                if _is_wrap(prev.text, h.text) or (measure_key([joined]) is not None and measure_key([h.text]) is None):
                    levels[-1].append(h)
                    continue
        levels.append([h])
    out: list[str] = []
    for group in levels:
        text = ""
        for h in group:
            t = h.text.strip()
            if text and not (CJK.search(text[-1]) or CJK.search(t[:1] or "a")):
                text += " "
            text += t
        text = re.sub(r"(?<=[\u3400-\u9fff）)])\s+(?=[\u3400-\u9fff（(])", "", text)
        if text and (not out or out[-1] != text):
            out.append(text)
    return out


def _is_wrap(upper: str, lower: str) -> bool:
    """Is `lower` the wrapped end of `upper` (one header cell printed on two lines)?"""
    lower = lower.strip()
    return bool(lower) and (lower[0] in "（()）" or len(lower) <= 2 or upper.rstrip()[-1:] in "及和与、（(")


def _label_amounts(
    cells: list[Cell], columns: list[Column], slots: Sequence[tuple[float, float]] = (), ruled: bool = True
) -> None:
    """Give every amount cell the label (and code) printed to its left in the row.

    The label of an amount in column k is printed between column k-1 and it (收支总表
    prints label/amount pairs side by side); when nothing is printed there, the row's
    label further left holds (合计 | 基本支出 | 项目支出).
    """
    last_label: tuple[str | None, str | None] = (None, None)
    prev_amount: Cell | None = None
    for cell in cells:
        if cell.role != "amount":
            continue
        k = cell.column or 0
        left = columns[k - 1].x1 if k > 0 else float("-inf")
        after = [
            c
            for c in cells
            if c.role != "amount"
            and c.bbox[2] <= cell.bbox[0] + 1
            and (prev_amount is None or c.bbox[0] >= prev_amount.bbox[2] - 1)
        ]
        group = [c for c in after if (c.frame or c.bbox)[0] >= left - 1] or (after if prev_amount is not None else [])
        # an amount column header standing between a text and this amount: not its label
        col = columns[k]
        between = []
        for x0, x1 in slots:
            if ruled:
                if min(x1, col.x1) - max(x0, col.x0) > 0:
                    continue
            elif min(columns, key=lambda c: abs((c.x0 + c.x1) / 2 - (x0 + x1) / 2)) is col:
                continue
            between.append((x0, x1))
        group = [c for c in group if not any(x0 >= c.bbox[2] - 1 and x1 <= cell.bbox[0] + 1 for x0, x1 in between)]
        prev_amount = cell
        if group:
            label, code = label_of(group)
            if label is not None or code is not None:
                last_label = (label, code)
        cell.label, cell.code = last_label


def label_of(group: list[Cell]) -> tuple[str | None, str | None]:
    codes = [fold(c.raw).strip() for c in group if c.role == "code"]
    names = [c.raw.strip() for c in group if c.role != "code" and c.raw.strip() and not DASH.match(c.raw.strip())]
    code = compose_code(codes) if codes else None
    if code is None and names:
        split = split_leading_code(fold(names[0]))
        if split:
            code, first = split
            names[0] = first
    label = " ".join(names) if names else None
    return label, code


_TOTAL_LABEL = re.compile(r"^(合计|总计|小计|本年(收入|支出)合计|收入总计|支出总计)$")


def _indent_levels(rows: list[Row], kind: TableKind | None) -> None:
    """Level 1–3 from the indentation of labels, for classified rows printed without codes."""
    if kind is None or kind.classification == "none":
        return
    firsts = []
    for row in rows:
        texts = [c for c in row.cells if c.role == "text"]
        if any(c.role == "code" for c in row.cells) or not texts or not row.amounts:
            continue
        if texts[0].bbox[0] > row.amounts[0].bbox[0] or _TOTAL_LABEL.match(key_text(texts[0].raw)):
            continue
        firsts.append((row, texts[0]))
    if len(firsts) < 3:
        return
    base = min(c.bbox[0] for _, c in firsts)
    offsets = sorted({round(c.bbox[0] - base) for _, c in firsts})
    distinct: list[float] = []
    for o in offsets:
        if not distinct or o - distinct[-1] > 3:
            distinct.append(o)
    if not 2 <= len(distinct) <= 3:
        return
    # only a real indentation: the smallest offset is a plain cell padding
    size = median(c.bbox[3] - c.bbox[1] for _, c in firsts)
    if distinct[1] - distinct[0] < 0.6 * size or distinct[-1] - distinct[0] > 8 * size:
        return
    for row, c in firsts:
        off = round(c.bbox[0] - base)
        row.level = 1 + max(i for i, d in enumerate(distinct) if off >= d - 3)


def confirmed(
    title: Title, nxt: Title | None, lines: list[Line], grids: list[Grid], width: float, height: float
) -> bool:
    """A title line heads a table: a unit line, a ruled grid or table-like lines follow it.

    Tables of contents and prose that name a table ("详见…绩效目标表") have none.
    """
    stop = nxt.lines[0] if nxt else len(lines)
    after = lines[title.lines[-1] + 1 : min(stop, title.lines[-1] + 5)]
    if not after and nxt is None and title.bottom > 0.75 * height:
        return True  # the title closes the page; the table starts on the next one
    if any(parse_unit_header(l.text) for l in after):
        return True
    for g in grids:  # the title stands inside a ruled grid or just above it
        if g.bbox[1] - 80 <= title.bottom and title.top <= g.bbox[3] - 5:
            return True
    for l in after[:3]:
        if is_prose(l, width):
            return False
        if len(word_rows([l])[0]) >= 2:
            return True
    return False
