"""The standard tables of a disclosure PDF (收支总表, 一般公共预算支出表 …) as rows of cells.

A chain of small functions, page by page:

* :func:`tables_on_page` finds the standard tables on one pdfplumber page: a title line
  matched against ``schemas/table_kinds.toml``, the 单位 line (→ unit), the header rows
  and the body rows. Ruled tables take their cells from ``page.find_tables()``;
  unruled ones (positioned text only) from the words and their x positions: numeric
  words are clustered into columns and header cells are assigned to the columns they
  stand over. A region at the top of a page without a title is kept as a
  *continuation* candidate.
* :func:`merge_continued` joins a table continued on the next page (no title, same
  columns; or a title with （续）) into one table spanning both pages.
* :func:`line_items` flattens the tables into rows for ``line_items.parquet``.

Every amount cell keeps its raw text, its value in yuan (``numbers.parse_quantity``
with the table unit as the default unit) and its box on the page.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from statistics import median
from typing import Any, Iterable

from gongkai.extractors.tables.classification import code_info, compose_code, split_leading_code
from gongkai.extractors.text.markers import PART
from gongkai.extractors.text.normalize import fold
from gongkai.extractors.text.numbers import parse_quantity, parse_unit_header

__all__ = [
    "PdfCell",
    "PdfColumn",
    "PdfRow",
    "PdfTable",
    "TableKind",
    "TableKinds",
    "classify_title",
    "line_items",
    "load_table_kinds",
    "measure_key",
    "merge_continued",
    "tables_on_page",
    "title_key",
]

BBox = tuple[float, float, float, float]


# --- the vocabulary (schemas/table_kinds.toml) --------------------------------------------------
@dataclass(frozen=True)
class TableKind:
    name: str
    zh: str
    classification: str            # function | economic | none
    default_unit: str
    layout: str                    # grid | form
    patterns: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class TableKinds:
    kinds: tuple[TableKind, ...]
    measures: tuple[tuple[str, tuple[re.Pattern, ...], str | None, bool], ...]   # (key, patterns, group, by_period)
    empty: tuple[re.Pattern, ...]

    def kind(self, name: str) -> TableKind | None:
        return next((k for k in self.kinds if k.name == name), None)


def _compile(pattern: str, where: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as e:
        raise ValueError(f"table_kinds.toml {where}: bad regex {pattern!r}: {e}") from None


def parse_table_kinds(data: dict) -> TableKinds:
    kinds = []
    for i, k in enumerate(data.get("kind", [])):
        where = f"[[kind]] #{i + 1} ({k.get('name', '?')})"
        unknown = set(k) - {"name", "zh", "classification", "default_unit", "layout", "patterns"}
        if unknown or not k.get("name") or not k.get("patterns"):
            raise ValueError(f"table_kinds.toml {where}: needs name and patterns; unknown keys {sorted(unknown)}")
        if k.get("classification", "none") not in ("function", "economic", "none"):
            raise ValueError(f"table_kinds.toml {where}: classification must be function, economic or none")
        kinds.append(TableKind(
            k["name"], k.get("zh", ""), k.get("classification", "none"), k.get("default_unit", "元"),
            k.get("layout", "grid"), tuple(_compile(p, where) for p in k["patterns"])))
    names = [k.name for k in kinds]
    if len(set(names)) != len(names):
        raise ValueError("table_kinds.toml: duplicate kind names")
    measures = []
    for i, m in enumerate(data.get("measure", [])):
        where = f"[[measure]] #{i + 1} ({m.get('key', '?')})"
        if not m.get("key") or not m.get("patterns"):
            raise ValueError(f"table_kinds.toml {where}: needs key and patterns")
        unknown = set(m) - {"key", "patterns", "group", "by_period"}
        if unknown:
            raise ValueError(f"table_kinds.toml {where}: unknown keys {sorted(unknown)}")
        measures.append((m["key"], tuple(_compile(p, where) for p in m["patterns"]), m.get("group"),
                         bool(m.get("by_period"))))
    empty = tuple(_compile(p, "[empty]") for p in data.get("empty", {}).get("patterns", []))
    return TableKinds(tuple(kinds), tuple(measures), empty)


@lru_cache(maxsize=1)
def load_table_kinds() -> TableKinds:
    text = resources.files("gongkai.schemas").joinpath("table_kinds.toml").read_text(encoding="utf-8")
    return parse_table_kinds(tomllib.loads(text))


# --- titles -------------------------------------------------------------------------------------
_QUOTES = re.compile(r"[\"'“”‘’「」『』]")
_BLANKS = re.compile(r"\s+")
# The table number printed before the title: 公开01表, 附表1-1, 表1, 表一, 一、, 1., （一）
_NUMBER_PREFIX = re.compile(
    r"^(?P<num>公开\d+表|附表\d+(?:[-—]\d+)*|表\d+(?:[-—]\d+)*|表[一二三四五六七八九十]+(?=[、:：])|"
    r"[一二三四五六七八九十]+[、.]|\d+(?:[.、](?!\d)|[.、]?(?=\d{4}年)|\.(?=\s))|[(][一二三四五六七八九十\d]+[)])[:：、.\s]*")
# a number standing alone on its own line, or at the end of the unit line
NUMBER_ALONE = re.compile(r"^(公开\d+表|附表\d+(?:[-—]\d+)*|表\d+(?:[-—]\d+)*)$")
_NUMBER_IN_LINE = re.compile(r"(公开\d+表|附表\d+(?:[-—]\d+)*)")
_TRAILING_NOTE = re.compile(r"\((?P<note>续表?|功能科目|经济科目|按功能分类|按经济分类|(?:\d{4}年度?)|[^()]{0,8}科目)\)$")
_CONTINUED = re.compile(r"(\(续表?\)|续表)$")
_NOT_A_TITLE = re.compile(r"(…|\.{4,}|·{3,}|[，。；]|^详见|^见|情况说明|编制说明)")


def key_text(text: str) -> str:
    text = fold(text).replace("（", "(").replace("）", ")")
    return _QUOTES.sub("", _BLANKS.sub("", text))


def title_key(text: str) -> tuple[str, str | None, bool]:
    """(key to match, table number as printed or None, continued?) for a title line."""
    key = key_text(text)
    number = None
    m = _NUMBER_PREFIX.match(key)
    if m and len(key) > m.end():
        number = m.group("num")
        key = key[m.end():]
    continued = bool(_CONTINUED.search(key))
    key = _CONTINUED.sub("", key)
    for _ in range(2):
        key = _TRAILING_NOTE.sub("", key)
    return key, number, continued


def classify_title(text: str, kinds: TableKinds | None = None) -> str | None:
    """The kind whose pattern matches a title line, or None (first kind wins)."""
    kinds = kinds or load_table_kinds()
    if _NOT_A_TITLE.search(text):
        return None
    key, _, _ = title_key(text)
    if not key.endswith("表") or len(key) > 60:
        return None
    for kind in kinds.kinds:
        if any(p.search(key) for p in kind.patterns):
            return kind.name
    return None


_PERIODS = ("budget", "final", "budget_initial", "budget_previous")
_YEAR_PREFIX = re.compile(r"^20\d\d年度?")


def measure_key(levels: Iterable[str], kinds: TableKinds | None = None) -> str | None:
    """Canonical key of a column from its header levels (top to bottom).

    The deepest level with a key wins; 合计/小计 under a header with a `group` takes the
    group (公务用车购置及运行费 / 小计 → vehicle); 预算数/决算数 under a header marked
    `by_period` gets it appended (因公出国(境)费 / 决算数 → overseas_travel_final).
    """
    kinds = kinds or load_table_kinds()
    found: list[tuple[str, str | None, bool] | None] = []
    for level in levels:
        text = _YEAR_PREFIX.sub("", key_text(level))
        hit = None
        for key, patterns, group, by_period in kinds.measures:
            if any(p.search(text) for p in patterns):
                hit = (key, group, by_period)
                break
        found.append(hit)
    keyed = [k for k in found if k is not None]
    if not keyed:
        return None
    key = keyed[-1][0]
    above = keyed[:-1]
    if key in _PERIODS:
        # the nearest keyed header above that is not a generic total
        base = next((k for k in reversed(above) if k[0] != "total"), None)
        return f"{base[0]}_{key}" if base is not None and base[2] else key
    if key == "total":
        group = next((k[1] for k in reversed(above) if k[1]), None)
        if group:
            return group
    return key


# --- value objects ------------------------------------------------------------------------------
@dataclass
class PdfCell:
    """One cell as printed: its text, and for an amount its value in yuan."""

    raw: str
    bbox: BBox                     # the printed text's box (x0, top, x1, bottom), PDF points from top-left
    page: int
    role: str = "text"             # text | code | amount
    value: Decimal | None = None   # yuan, signed (amount cells)
    column: int | None = None      # amount column index within the table part
    measure: str | None = None     # the column header as printed, levels joined by " / "
    measure_key: str | None = None
    label: str | None = None       # the row label this amount belongs to (amount cells)
    code: str | None = None        # classification code of that label (amount cells)
    frame: BBox | None = None      # the ruled cell's rectangle (ruled tables)


@dataclass
class PdfColumn:
    index: int
    levels: tuple[str, ...]
    x0: float
    x1: float
    measure_key: str | None = None

    @property
    def measure(self) -> str | None:
        return " / ".join(self.levels) or None


@dataclass
class PdfRow:
    index: int                     # 0-based body row within the (merged) table
    page: int
    cells: list[PdfCell]           # every non-blank cell, left to right
    level: int | None = None       # from indentation when the row has no code

    @property
    def amounts(self) -> list[PdfCell]:
        return [c for c in self.cells if c.role == "amount"]


@dataclass
class PdfTable:
    kind: str | None               # canonical kind; None for an untitled continuation part
    title: str | None              # as printed (the number cut off)
    number: str | None             # 公开01表 / 表1 / 一、 … as printed
    pages: list[int]
    unit: str                      # 元 | 万元 | …
    unit_source: str               # line | header | default | continued
    header: list[list[PdfCell]]    # header rows as printed
    columns: list[PdfColumn]
    rows: list[PdfRow]
    empty: bool = False            # printed without figures (本表为空 / 无数据 …)
    note: str | None = None        # the 注/说明 lines under the table
    continued: bool = False        # this part continues a table of an earlier page
    ruled: bool = True
    bbox: BBox | None = None       # of the part on its first page
    header_raw: list = field(default_factory=list, repr=False, compare=False)   # header cells with their words

    @property
    def page(self) -> int:
        return self.pages[0]


# --- words and lines ----------------------------------------------------------------------------
_NUMERIC = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
INTEGER = re.compile(r"^\d+$")
DASH = re.compile(r"^[-—–－/／\\]+$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_SPLIT_NUM_CJK = re.compile(r"(?<=\d)(?=[\u3400-\u9fff（(])|(?<=[\u3400-\u9fff）)])(?=-?\d)")


@dataclass
class _Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class _Line:
    words: list[_Word]

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def text(self) -> str:
        return _join_words(self.words)


def _join_words(words: list[_Word]) -> str:
    out = ""
    prev = None
    for w in sorted(words, key=lambda w: w.x0):
        if prev is not None:
            gap = w.x0 - prev.x1
            if gap > 0.25 * max(prev.size, 1) and not (_CJK.search(prev.text[-1]) and _CJK.search(w.text[0]) and gap < prev.size):
                out += " "
        out += w.text
        prev = w
    return out


def _page_words(page) -> list[_Word]:
    """Words of a page, split where a number runs into CJK text ("91,016.35一、…")."""
    raw = page.extract_words(x_tolerance=1.5, y_tolerance=2.5, keep_blank_chars=False,
                             use_text_flow=False, extra_attrs=["size"], return_chars=True)
    words: list[_Word] = []
    for w in raw:
        text = w["text"]
        chars = w.get("chars") or []
        if len(chars) == len(text) and _SPLIT_NUM_CJK.search(text):
            start = 0
            for m in list(_SPLIT_NUM_CJK.finditer(text)) + [None]:
                end = m.start() if m else len(text)
                part = chars[start:end]
                if part:
                    words.append(_Word(text[start:end], min(c["x0"] for c in part), min(c["top"] for c in part),
                                       max(c["x1"] for c in part), max(c["bottom"] for c in part),
                                       float(w.get("size") or 10)))
                start = end
        else:
            words.append(_Word(text, w["x0"], w["top"], w["x1"], w["bottom"], float(w.get("size") or 10)))
    return words


def _lines(words: list[_Word]) -> list[_Line]:
    """Words grouped into lines by vertical overlap."""
    lines: list[_Line] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        for line in reversed(lines[-3:]):
            top, bottom = line.top, line.bottom
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap > 0.5 * min(bottom - top, w.bottom - w.top):
                line.words.append(w)
                break
        else:
            lines.append(_Line([w]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return sorted(lines, key=lambda l: l.top)


def is_numeric(text: str) -> bool:
    return bool(_NUMERIC.match(fold(text).replace(" ", "")))


# --- finding titles -----------------------------------------------------------------------------
@dataclass
class _Title:
    kind: str
    text: str              # as printed (number cut off)
    number: str | None
    continued: bool
    lines: list[int]       # line indexes it takes
    top: float
    bottom: float


_TOC = re.compile(r"^目录$")
_PART = re.compile(rf"^{PART}")


def strip_number(text: str) -> tuple[str, str | None]:
    """The title as printed without its leading number, and that number."""
    stripped = text.strip()
    m = _NUMBER_PREFIX.match(key_text(stripped))
    if not m:
        return stripped, None
    # cut as many printed characters as the key's prefix holds (blanks don't count)
    want = len(key_text(stripped)[:m.end()])
    seen = 0
    i = 0
    while i < len(stripped) and seen < want:
        if not stripped[i].isspace():
            seen += 1
        i += 1
    return stripped[i:].strip(), m.group("num")


def _find_titles(lines: list[_Line], kinds: TableKinds) -> list[_Title]:
    if any(_TOC.match(key_text(l.text)) for l in lines[:4]):
        return []
    titles = []
    i = 0
    while i < len(lines):
        found = None
        text = lines[i].text
        candidates = [(text, [i])]
        if i + 1 < len(lines) and not key_text(text).endswith("表"):
            nxt = lines[i + 1]
            if len(key_text(nxt.text)) <= 8 and nxt.top - lines[i].bottom < 1.5 * (lines[i].bottom - lines[i].top):
                candidates.append((text + nxt.text.strip(), [i, i + 1]))
        for cand, idx in reversed(candidates):
            kind = classify_title(cand, kinds)
            if kind:
                found = (cand, idx, kind)
                break
        if found:
            cand, idx, kind = found
            printed, number = strip_number(cand)
            # the table number may stand alone on the line above ("公开01表", right-aligned)
            if i > 0 and NUMBER_ALONE.match(key_text(lines[i - 1].text)) and \
                    lines[i].top - lines[i - 1].bottom < 3 * (lines[i].bottom - lines[i].top):
                number = number or key_text(lines[i - 1].text)
                idx = [i - 1] + idx
            _, _, continued = title_key(cand)
            titles.append(_Title(kind, printed, number, continued, idx,
                                 min(lines[j].top for j in idx), max(lines[j].bottom for j in idx)))
            i = idx[-1] + 1
        else:
            i += 1
    return titles


# --- ruled tables -------------------------------------------------------------------------------
@dataclass
class _Grid:
    bbox: BBox
    rows: list[list[BBox]]          # each row: the cells' rectangles (merged cells appear once)


def _ruled_grids(page) -> list[_Grid]:
    grids = []
    try:
        found = page.find_tables()
    except Exception:                # pdfplumber can fail on odd vector graphics
        return []
    for t in found:
        rows = [[c for c in r.cells if c is not None] for r in t.rows]
        rows = [r for r in rows if r]
        if rows:
            grids.append(_Grid(tuple(t.bbox), rows))
    return grids


# --- building one table part --------------------------------------------------------------------
@dataclass
class _Raw:
    """A cell before roles are known."""

    text: str
    bbox: BBox
    frame: BBox | None
    words: list[_Word]


def _cell_text(words: list[_Word]) -> str:
    """Text of a cell: its lines joined; a CJK line wrap joins without a blank."""
    lines = _lines(words)
    out = ""
    for line in lines:
        t = line.text
        if out and not (_CJK.search(out[-1]) or _CJK.search(t[0]) or out[-1] in "（(" or t[0] in "）)"):
            out += " "
        out += t
    return out


def _bbox(words: list[_Word]) -> BBox:
    return (min(w.x0 for w in words), min(w.top for w in words), max(w.x1 for w in words), max(w.bottom for w in words))


def _ruled_rows(grids: list[_Grid], words: list[_Word], top: float, bottom: float) -> tuple[list[list[_Raw]], set[int]]:
    """Rows of cells from the ruled grids inside [top, bottom); and the ids of the words used.

    Smaller cells take their words first, so a background rectangle drawn behind the
    whole table (a cell spanning everything) only keeps what no real cell holds; a cell
    whose words stand apart on a line (several columns in one rectangle) is split.
    """
    used: set[int] = set()
    frames = []
    for g, grid in enumerate(grids):
        if grid.bbox[3] <= top or grid.bbox[1] >= bottom:
            continue
        for r, cells in enumerate(grid.rows):
            for frame in cells:
                frames.append(((g, r), tuple(frame)))
    frames.sort(key=lambda f: (f[1][2] - f[1][0]) * (f[1][3] - f[1][1]))
    by_row: dict[tuple[int, int], list[_Raw]] = {}
    for key, frame in frames:
        inside = [w for w in words if id(w) not in used
                  and frame[0] - 0.5 <= w.xc <= frame[2] + 0.5 and frame[1] - 0.5 <= w.yc <= frame[3] + 0.5]
        if not inside:
            continue
        used.update(id(w) for w in inside)
        for part in _split_apart(inside):
            if len(part) == len(inside):
                by_row.setdefault(key, []).append(_Raw(_cell_text(part), _bbox(part), frame, part))
            else:   # a rectangle holding several cells: keep them apart, as unruled cells
                by_row.setdefault(key, []).append(_Raw(_cell_text(part), _bbox(part), None, part))
    rows = []
    for key, cells in by_row.items():
        # a spanning rectangle's words may stand on several lines: one row per line
        framed = [c for c in cells if c.frame is not None]
        loose = [c for c in cells if c.frame is None]
        for line in _lines([w for c in loose for w in c.words]):
            parts = _word_rows([line])[0]
            if framed and any(min(line.bottom, c.bbox[3]) - max(line.top, c.bbox[1]) > 0 for c in framed):
                framed.extend(parts)       # the same printed row as the framed cells
            else:
                rows.append(parts)
        if framed:
            framed.sort(key=lambda c: c.bbox[0])
            rows.append(framed)
    rows.sort(key=lambda r: min(c.bbox[1] for c in r))
    return rows, used


def _split_apart(words: list[_Word]) -> list[list[_Word]]:
    """Words of one rectangle as groups: split where words on one line stand far apart."""
    lines = _lines(words)
    if len(lines) == 1 and len(words) == 1:
        return [words]
    far = False
    for line in lines:
        for a, b in zip(line.words, line.words[1:]):
            if b.x0 - a.x1 > 2.5 * max(a.size, b.size):
                far = True
    if not far:
        return [words]
    return [c.words for line in lines for row in _word_rows([line]) for c in row]


def _word_rows(lines: list[_Line]) -> list[list[_Raw]]:
    """Rows of cells from positioned words: words close together on a line form one cell."""
    rows = []
    for line in lines:
        cells: list[list[_Word]] = []
        for w in line.words:
            if cells:
                prev = cells[-1][-1]
                gap = w.x0 - prev.x1
                numeric = is_numeric(w.text) or is_numeric(prev.text)
                if not numeric and gap < 1.1 * max(w.size, prev.size):
                    cells[-1].append(w)
                    continue
            cells.append([w])
        rows.append([_Raw(_join_words(c), _bbox(c), None, c) for c in cells])
    return rows


def _is_prose(line: _Line, page_width: float) -> bool:
    text = line.text
    if re.search(r"[，。；]", text) or _PART.match(key_text(text)):
        return True
    for a, b in zip(line.words, line.words[1:]):
        # a figure run into its unit or the next word ("2018 年度", "33172.15 万元"): running text
        # (a blank typed between them: split words of one printed word are not running text)
        if is_numeric(a.text) and 0.1 * a.size < b.x0 - a.x1 < 0.6 * a.size and \
                re.match(r"(万元|亿元|元|%)", b.text):
            return True
    return len(line.words) <= 2 and (line.x1 - line.x0) > 0.55 * page_width and len(text) > 25


_NOTE = re.compile(r"^(注|说明|备注|附注)\s*\d?\s*[:：]")
_PAGE_NO = re.compile(r"^[-—–\s]*(第?\s*\d{1,3}\s*页?)[-—–\s]*$")
COLUMN_NUMBERS = re.compile(r"^栏次$|^行次$")
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


def _xr(cell: _Raw) -> tuple[float, float]:
    box = cell.frame or cell.bbox
    return box[0], box[2]


UNIT_IN_HEADER = re.compile(r"[(（]\s*(?:单位\s*[:：]?\s*)?(?:人民币)?\s*(万元|千元|亿元|元)\s*[)）]")


def _build_part(
    rows: list[list[_Raw]], *, page: int, ruled: bool, kind: TableKind | None, unit: str,
    kinds: TableKinds,
) -> tuple[list[list[PdfCell]], list[PdfColumn], list[PdfRow], list[list[_Raw]]]:
    """Header rows, amount columns and body rows of one table part (unit applied).

    Returns (header, columns, rows, the header rows' raw cells).
    """
    form = kind is not None and kind.layout == "form"
    # 1. which rows are header: those before the first row with a number (栏次 rows are header)
    def numeric_cells(row):
        return [c for c in row if is_numeric(c.text)]

    first_data = None
    for i, row in enumerate(rows):
        if any(COLUMN_NUMBERS.match(key_text(c.text)) for c in row):
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
    body_rows = [r for r in body_rows if not any(COLUMN_NUMBERS.match(key_text(c.text)) for c in r)]
    # 2. numeric cells of the body → columns; integer-only columns of codes are code columns
    nums = [(ri, ci) for ri, row in enumerate(body_rows) for ci, c in enumerate(row) if is_numeric(c.text)]
    groups = _cluster_columns([_xr(body_rows[ri][ci]) for ri, ci in nums])
    header_cells = [c for row in header_rows for c in row]

    def header_over(x0: float, x1: float) -> list[_Raw]:
        return [h for h in header_cells if min(x1, _xr(h)[1]) - max(x0, _xr(h)[0]) > 0.3 * min(x1 - x0, _xr(h)[1] - _xr(h)[0])]

    code_cells: set[tuple[int, int]] = set()
    amount_groups: list[list[tuple[int, int]]] = []
    for g in groups:
        members = [nums[i] for i in g]
        texts = [fold(body_rows[ri][ci].text).strip() for ri, ci in members]
        x0 = min(_xr(body_rows[ri][ci])[0] for ri, ci in members)
        x1 = max(_xr(body_rows[ri][ci])[1] for ri, ci in members)
        heads = [key_text(h.text) for h in header_over(x0, x1)]
        # codes are integers (201, 20103, 2010301, or 类/款/项 parts 201 | 03 | 01) printed
        # before the row's name
        named = sum(1 for ri, ci in members if any(not is_numeric(c.text) for c in body_rows[ri][ci + 1:]))
        codeish = all(INTEGER.match(t) for t in texts) and named >= 0.6 * len(members) and (
            sum(1 for t in texts if code_info(t) or len(t) <= 2) >= 0.6 * len(texts))
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
        levels = [] if form else _levels_for(header_rows, x0, x1, extents, k, text_cols, ruled)
        columns.append(PdfColumn(k, tuple(levels), x0, x1, measure_key(levels, kinds)))
    # header cells naming an amount column (金额, 预算数 …): a label never lies across one
    slots = [_xr(h) for row in header_rows for h in row if measure_key([h.text], kinds) is not None]
    # 4. body rows: roles, labels and codes
    col_of = {cell: k for k, g in enumerate(amount_groups) for cell in g}
    out_rows: list[PdfRow] = []
    header = [[PdfCell(c.text, c.bbox, page, frame=c.frame) for c in row] for row in header_rows]
    for ri, row in enumerate(body_rows):
        cells: list[PdfCell] = []
        for ci, c in enumerate(row):
            cell = PdfCell(c.text, c.bbox, page, frame=c.frame)
            if (ri, ci) in code_cells:
                cell.role = "code"
            elif (ri, ci) in col_of:
                q = parse_quantity(fold(c.text).replace(" ", ""), unit)
                if q is not None and q.unit == "yuan":
                    cell.role = "amount"
                    cell.value = -q.value if q.negative else q.value
                    col = columns[col_of[(ri, ci)]]
                    cell.column, cell.measure, cell.measure_key = col.index, col.measure, col.measure_key
            cells.append(cell)
        if not any(c.role == "amount" for c in cells) and all(DASH.match(c.raw.strip()) for c in cells):
            continue
        _label_amounts(cells, columns, slots, ruled)
        out_rows.append(PdfRow(len(out_rows), page, cells))
    _fill_split_labels(out_rows, columns)
    _indent_levels(out_rows, kind)
    return header, columns, out_rows, header_rows


def _fill_split_labels(rows: list[PdfRow], columns: list[PdfColumn]) -> None:
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
                texts = [c.raw.strip() for c in rows[j].cells
                         if c.role == "text" and c.bbox[0] >= left - 1 and c.bbox[2] <= cell.bbox[0] + 1]
                if texts:
                    parts.append((j, "".join(texts)))
            if parts and any(c.role == "text" for c in row.cells):
                cell.label = "".join(t for _, t in sorted(parts))


_LABEL_HEADER = re.compile(r"(项目|名称|科目|编码|代码|^类$|^款$|^项$|单位[:：])")


def _unruled_claims(header_rows: list[list[_Raw]], centers: list[float]) -> dict[int, set[int]]:
    """Unruled headers: which columns (by center) each header cell stands over.

    The cells of a header line share the line out between them (a cell reaches halfway to
    its neighbours, the outer ones to the table's edges); a cell alone on its line only
    covers what it stands over; a label header (项目, 科目名称 …) only what it stands
    over. A cell never claims beyond what the header above it claims.
    """
    claims: dict[int, set[int]] = {}
    ranges: dict[int, tuple[float, float]] = {}
    done: list[list[_Raw]] = []
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
            part = set() if label else \
                {k for k, c in enumerate(centers) if lo <= c <= hi}
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


def _levels_for(header_rows, x0, x1, extents, k, text_cols, ruled) -> list[str]:
    """Header texts standing over amount column k, top to bottom (wrapped fragments joined)."""
    picked: list[_Raw] = []
    width = x1 - x0
    center = (x0 + x1) / 2
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
    levels: list[list[_Raw]] = []
    for h in picked:
        if levels:
            prev = levels[-1][-1]
            same_extent = (abs(_xr(prev)[0] - _xr(h)[0]) < 2 and abs(_xr(prev)[1] - _xr(h)[1]) < 2) if ruled else \
                abs(prev.bbox[0] + prev.bbox[2] - h.bbox[0] - h.bbox[2]) / 2 < 0.6 * h.words[0].size
            gap = h.bbox[1] - prev.bbox[3]
            if same_extent and gap < (2.5 if ruled else 0.6) * h.words[0].size and (
                    not ruled or prev.frame is None or h.frame is None or h.frame[1] - prev.frame[3] < 1):
                joined = "".join(x.text for x in levels[-1]) + h.text
                if _is_wrap(prev.text, h.text) or (
                        measure_key([joined]) is not None and measure_key([h.text]) is None):
                    levels[-1].append(h)
                    continue
        levels.append([h])
    out = []
    for group in levels:
        text = ""
        for h in group:
            t = h.text.strip()
            if text and not (_CJK.search(text[-1]) or _CJK.search(t[:1] or "a")):
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


def _label_amounts(cells: list[PdfCell], columns: list[PdfColumn], slots: list[tuple[float, float]] = (),
                   ruled: bool = True) -> None:
    """Give every amount cell the label (and code) printed to its left in the row.

    The label of an amount in column k is printed between column k-1 and it (收支总表
    prints label/amount pairs side by side); when nothing is printed there, the row's
    label further left holds (合计 | 基本支出 | 项目支出).
    """
    last_label: tuple[str | None, str | None] = (None, None)
    prev_amount: PdfCell | None = None
    for cell in cells:
        if cell.role != "amount":
            continue
        k = cell.column or 0
        left = columns[k - 1].x1 if k > 0 else float("-inf")
        after = [c for c in cells if c.role != "amount" and c.bbox[2] <= cell.bbox[0] + 1
                 and (prev_amount is None or c.bbox[0] >= prev_amount.bbox[2] - 1)]
        group = [c for c in after if (c.frame or c.bbox)[0] >= left - 1] or \
            (after if prev_amount is not None else [])
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


def label_of(group: list[PdfCell]) -> tuple[str | None, str | None]:
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


def _indent_levels(rows: list[PdfRow], kind: TableKind | None) -> None:
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


def _confirmed(title: _Title, nxt: _Title | None, lines: list[_Line], grids: list[_Grid], width: float,
               height: float) -> bool:
    """A title line heads a table: a unit line, a ruled grid or table-like lines follow it.

    Tables of contents and prose that name a table ("详见…绩效目标表") have none.
    """
    stop = nxt.lines[0] if nxt else len(lines)
    after = lines[title.lines[-1] + 1: min(stop, title.lines[-1] + 5)]
    if not after and nxt is None and title.bottom > 0.75 * height:
        return True       # the title closes the page; the table starts on the next one
    if any(parse_unit_header(l.text) for l in after):
        return True
    for g in grids:   # the title stands inside a ruled grid or just above it
        if g.bbox[1] - 80 <= title.bottom and title.top <= g.bbox[3] - 5:
            return True
    for l in after[:3]:
        if _is_prose(l, width):
            return False
        if len(_word_rows([l])[0]) >= 2:
            return True
    return False


# --- one page -----------------------------------------------------------------------------------
def tables_on_page(page, page_number: int) -> list[PdfTable]:
    """The standard tables on one pdfplumber page (and an untitled continuation at its top)."""
    kinds = load_table_kinds()
    words = _page_words(page)
    if not words:
        return []
    lines = _lines(words)
    titles = _find_titles(lines, kinds)
    grids = _ruled_grids(page)
    width, height = float(page.width), float(page.height)
    titles = [t for n, t in enumerate(titles) if _confirmed(t, titles[n + 1] if n + 1 < len(titles) else None,
                                                               lines, grids, width, height)]
    # regions: from each title to the next; the lines above the first title may continue
    # a table of the previous page
    starts: list[tuple[_Title | None, int]] = [(t, t.lines[0]) for t in titles]
    if not titles or titles[0].lines[0] > 0:
        starts.insert(0, (None, 0))
    tables: list[PdfTable] = []
    for n, (title, first) in enumerate(starts):
        end = starts[n + 1][1] if n + 1 < len(starts) else len(lines)
        part = _table_in_region(title, lines[first:end], grids, page_number, width, height, kinds)
        if part is not None:
            tables.append(part)
    return tables


def _head_lines(title: _Title | None, region: list[_Line]) -> tuple[set[int], str | None, str | None]:
    """Region lines that belong to the title block: the title itself, then the unit line,
    部门/编制单位 lines, a standalone table number and "(2023年度)" (a table continued from the
    previous page may repeat them). Returns (their indexes, unit, table number)."""
    n_title = len(title.lines) if title is not None else 0
    consumed = set(range(n_title))
    unit = None
    number = title.number if title else None
    for j in range(n_title, min(len(region), n_title + 4)):
        text = key_text(region[j].text)
        u = parse_unit_header(region[j].text)
        if u and not unit:
            unit = u
            consumed.add(j)
            m = _NUMBER_IN_LINE.search(text)
            number = number or (m.group(1) if m else None)
            continue
        if NUMBER_ALONE.match(text) or re.match(r"^(编制)?(部门|单位|预算单位|编制单位)[:：]", text) or \
                re.match(r"^\(\d{4}年度?\)$", text):
            if NUMBER_ALONE.match(text):
                number = number or text
            consumed.add(j)
            continue
        break
    return consumed, unit, number


def _content_lines(title: _Title | None, region: list[_Line], consumed: set[int], width: float,
                   height: float) -> tuple[list[_Line], list[_Line]]:
    """(table lines, lines after the table): the table ends at a 注/说明 line or running text;
    page numbers are dropped; running text before a titled table is skipped."""
    content: list[_Line] = []
    tail: list[_Line] = []
    for j, line in enumerate(region):
        if j in consumed:
            continue
        text = line.text.strip()
        if tail or _NOTE.match(fold(text)):
            tail.append(line)
        elif _is_prose(line, width):
            if content or title is None:
                tail.append(line)
        elif _PAGE_NO.match(text) and (line.top > 0.88 * height or line.bottom < 0.08 * height):
            continue
        else:
            content.append(line)
    return content, tail


def _region_rows(title: _Title | None, content: list[_Line], grids: list[_Grid]) -> tuple[list[list[_Raw]], bool] | None:
    """Rows of cells of the table lines: from the ruled grid when it holds the figures,
    else from the words' positions. None: an untitled region that is no table."""
    words = [w for line in content for w in line.words]
    top = min(l.top for l in content)
    bottom = max(l.bottom for l in content)
    ruled_rows, used = _ruled_rows(grids, words, top - 1, bottom + 1)
    numeric = [w for w in words if is_numeric(w.text)]
    if ruled_rows and sum(1 for w in numeric if id(w) in used) >= 0.9 * len(numeric):
        outside = [w for w in words if id(w) not in used]     # e.g. a header printed above the grid
        rows = ruled_rows + (_word_rows(_lines(outside)) if outside else [])
        return sorted(rows, key=lambda r: min(c.bbox[1] for c in r)), True
    if title is None and any(len(l.words) >= 2 and max(b.x0 - a.x1 for a, b in zip(l.words, l.words[1:]))
                             < l.words[0].size for l in content):
        return None       # words set like running text, not in columns: not a continued table
    return _merge_wrapped(_word_rows(content)), False


def _unit_of(title: _Title | None, kind: TableKind | None, unit: str | None,
             rows: list[list[_Raw]]) -> tuple[str, str]:
    """(unit, unit_source): the 单位 line, else a header cell (项目资金（元）), else the kind's default."""
    if unit:
        return unit, "line"
    for row in rows[:6]:
        for c in row:
            m = UNIT_IN_HEADER.search(fold(c.text))
            if m:
                return m.group(1), "header"
    if title is None or title.continued:
        return (kind.default_unit if kind else "元"), "continued"
    return (kind.default_unit if kind else "元"), "default"


def _table_in_region(title, region, grids, page_number, width, height, kinds) -> PdfTable | None:
    """The table a title heads (or the untitled continuation at the top of a page)."""
    kind = kinds.kind(title.kind) if title else None
    consumed, unit, number = _head_lines(title, region)
    content, tail = _content_lines(title, region, consumed, width, height)
    if title is None and (not content or (tail and tail[0].top < content[0].top)):
        return None
    found = _region_rows(title, content, grids) if content else ([], True)
    if found is None:
        return None
    rows, ruled = found
    if title is None and not any(is_numeric(c.text) for r in rows for c in r):
        return None
    unit, unit_source = _unit_of(title, kind, unit, rows)
    header, columns, body, header_raw = _build_part(rows, page=page_number, ruled=ruled, kind=kind, unit=unit,
                                                    kinds=kinds)
    has_amount = any(r.amounts for r in body)
    if title is None and not has_amount:
        return None
    notes = [l.text.strip() for i, l in enumerate(tail) if _NOTE.match(fold(l.text.strip())) or i < 3]
    note = " ".join(notes) if notes else None
    if not has_amount:
        marker = next((l.text.strip() for l in region for p in kinds.empty if p.search(key_text(l.text))), None)
        if marker and (not note or marker not in note):
            note = marker
        body = []
    boxes = [c.bbox for r in body for c in r.cells] + [c.bbox for r in header for c in r]
    bbox = None
    if boxes:
        bbox = (min(b[0] for b in boxes), title.top if title else min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes))
    return PdfTable(
        kind=title.kind if title else None, title=title.text if title else None, number=number,
        pages=[page_number], unit=unit, unit_source=unit_source, header=header, columns=columns, rows=body,
        empty=not has_amount, note=note, continued=title is None or title.continued, ruled=ruled, bbox=bbox,
        header_raw=header_raw,
    )


def _merge_wrapped(rows: list[list[_Raw]]) -> list[list[_Raw]]:
    """Unruled tables: a label wrapped onto its own line joins the row with figures nearest to it."""
    has_num = [any(is_numeric(c.text) for c in r) for r in rows]
    if not any(has_num):
        return rows
    first = has_num.index(True)
    out = list(rows[:first])
    body = rows[first:]
    flags = has_num[first:]
    keep = [True] * len(body)
    merged = [list(r) for r in body]
    for i, row in enumerate(body):
        if flags[i]:
            continue
        # rows like 合计 / 一、… standing alone are their own rows only if no figure row is near
        cands = []
        for j in (i - 1, i + 1):
            if 0 <= j < len(body) and flags[j]:
                a, b = row[0].bbox, body[j][0].bbox
                dist = (a[1] - body[j][-1].bbox[3]) if j < i else (body[j][0].bbox[1] - a[3])
                size = row[0].words[0].size
                if dist < 0.9 * size:
                    cands.append((dist, j))
        if not cands:
            continue
        _, j = min(cands)
        target = merged[j]
        for c in row:
            host = next((t for t in target if not is_numeric(t.text)
                         and min(t.bbox[2], c.bbox[2]) - max(t.bbox[0], c.bbox[0]) > 0), None)
            if host is None:
                target.append(c)
                target.sort(key=lambda t: t.bbox[0])
                continue
            words = host.words + c.words
            text = (c.text + host.text) if j > i else (host.text + c.text)
            target[target.index(host)] = _Raw(text, _bbox(words), None, words)
        keep[i] = False
    out.extend(r for r, k in zip(merged, keep) if k)
    return out


# --- across pages -------------------------------------------------------------------------------
def merge_continued(tables: list[PdfTable]) -> list[PdfTable]:
    """One table per printed table: a continuation part joins the table before it.

    A part continues the previous table when it has no title (or a title with （续）)
    and stands at the top of the page after the previous table's last page. Its columns
    take the previous table's headers when its own are missing or the column counts
    agree. Untitled parts with nothing to continue are dropped.
    """
    out: list[PdfTable] = []
    for t in tables:
        prev = out[-1] if out else None
        if t.continued and prev is not None and t.pages[0] in (prev.pages[-1] + 1, prev.pages[-1]) and \
                (t.kind is None or t.kind == prev.kind) and _compatible(prev, t):
            out[-1] = _join(prev, t)
            continue
        if t.kind is None:
            continue
        out.append(replace(t, rows=[replace(r) for r in t.rows], pages=list(t.pages)))
    return out


def _compatible(prev: PdfTable, part: PdfTable) -> bool:
    """Could `part` continue `prev`? Its own header (if printed) has the same columns."""
    own = [c for c in part.columns if c.levels]
    if not prev.columns or not own:
        return True
    return [c.measure for c in own] == [c.measure for c in prev.columns][:len(own)] or \
        len(prev.columns) == len(part.columns)


def _join(prev: PdfTable, part: PdfTable) -> PdfTable:
    """`prev` with the rows of `part`; part columns map to prev's by header, else by position."""
    kinds = load_table_kinds()
    columns = list(prev.columns)
    mapping: dict[int, PdfColumn] = {}
    for col in part.columns:
        target = None
        if col.levels:
            target = next((c for c in columns if c.measure == col.measure), None)
            if target is None and len(prev.columns) == len(part.columns):
                target = prev.columns[col.index]
        else:
            over = [c for c in columns if min(c.x1, col.x1) - max(c.x0, col.x0) > 0.5 * min(c.x1 - c.x0, col.x1 - col.x0)]
            if over:
                target = over[0]
        if target is None:
            levels = tuple(col.levels) or tuple(_levels_for(prev.header_raw, col.x0, col.x1, [(col.x0, col.x1)], 0,
                                                            [], prev.ruled)) if prev.header_raw else tuple(col.levels)
            target = PdfColumn(len(columns), levels, col.x0, col.x1, measure_key(levels, kinds))
            columns.append(target)
        mapping[col.index] = target
    rows = list(prev.rows)
    unit = prev.unit
    if prev.unit_source in ("default", "continued") and part.unit_source in ("line", "header") and not prev.rows:
        unit = part.unit            # the title closed the previous page; the unit line opens this one
    for r in part.rows:
        cells = []
        for c in r.cells:
            c = replace(c)
            if c.role == "amount" and c.column is not None:
                col = mapping[c.column]
                c.column, c.measure, c.measure_key = col.index, col.measure, col.measure_key
                if part.unit != unit:
                    q = parse_quantity(fold(c.raw).replace(" ", ""), unit)
                    if q is not None:
                        c.value = -q.value if q.negative else q.value
            cells.append(c)
        rows.append(PdfRow(len(rows), r.page, cells, r.level))
    # columns left to right again (a column first seen on this page joins the others)
    order = sorted(columns, key=lambda c: c.x0)
    renum = {c.index: i for i, c in enumerate(order)}
    columns = [replace(c, index=i) for i, c in enumerate(order)]
    for r in rows:
        for c in r.cells:
            if c.role == "amount" and c.column is not None:
                c.column = renum[c.column]
    pages = prev.pages + [p for p in part.pages if p not in prev.pages]
    empty = not any(r.amounts for r in rows)
    unit_source = prev.unit_source if unit == prev.unit else part.unit_source
    return replace(prev, pages=pages, rows=rows, columns=columns, empty=empty, unit=unit, unit_source=unit_source,
                   note=(part.note or prev.note) if empty else prev.note,
                   header=prev.header or part.header, header_raw=prev.header_raw or part.header_raw)


# --- rows for line_items.parquet ----------------------------------------------------------------
def line_items(tables: list[PdfTable]) -> list[dict[str, Any]]:
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
                out.append({
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
                })
    return out


def tables_in_pdf(path) -> list[PdfTable]:
    """Convenience for scripts and tests: every standard table of a PDF, continued parts merged."""
    import pdfplumber

    parts: list[PdfTable] = []
    with pdfplumber.open(path) as pdf:
        for i, page in enumerate(pdf.pages, start=1):
            parts.extend(tables_on_page(page, i))
            page.close()
    return merge_continued(parts)
