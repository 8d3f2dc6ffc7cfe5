"""Named projects from the tables of a disclosure: one project per row of a project list
(项目支出预算表, 专项业务经费支出表, 财政拨款结转资金支出表, a list-style 项目支出绩效目标表:
a 项目名称 column and an amount column) and one per 项目支出绩效目标表 form (项目名称 …
资金总额/年度资金总额/项目资金 …).

Lists are read from the PDF's stored text with the characters' boxes (``char_boxes``): the
header line gives the name and amount columns, each amount under the amount column makes a
row, and the name is what stands in the name column on that line and on the wrapped lines
next to it; a list goes on over the next pages until a new table's title, 注 or header. A
list needs its printed unit (单位：万元) and a title that does not say it lists something
else (采购, 培训, 基本支出 …). Category and unit rows are not projects: a row whose amount is
the sum of the rows under it (a subtotal), a unit's row (unit code + a name ending 局/中心 …)
and 合计/小计 rows are left out. Forms come from the tables the table builder found (PDF), or
from one-cell-per-line text (web pages). Every project's span runs from its name to its
amount in the stored text; a project whose printed name or amount cannot be found there is
dropped. Amounts are Decimal yuan, scaled by the printed unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from gongkai.extractors.load.text import LoadedDocument
from gongkai.extractors.model import Project
from gongkai.extractors.tables.model import Cell, Table
from gongkai.extractors.text.numbers import UNITS

# The header of the column that names the projects.
NAME_HEADER = re.compile(r"^((预算)?项目名称|单位[（(]项目[)）]名称|支出项目类别.*|专项名称)$")
# The header of the column of the project's whole amount (the first such column wins).
AMOUNT_HEADER = re.compile(r"^(项目金额|金额|总计|合计|资金总额|预算金额|预算数|当年财政拨款预算金额|项目资金)$")
# A list whose title says it lists something else (procurement, training, meetings …).
OTHER_LIST = re.compile(r"采购|培训|会议|三公|资产|机关运行|收入|基本支出")
# Rows that are totals, not projects.
TOTAL_ROW = re.compile(r"^(合计|总计|小计|共计|其中|本年|上年|项目支出|基本支出)[:：]?$")
# A unit's row in a list that mixes units and projects (单位（项目）名称): its name ends so.
AGENCY_END = re.compile(
    r"(局|厅|委|办|中心|办公室|委员会|院|站|队|所|处|馆|校|会|部|社|室|府)[（(]?(本级|机关)?[)）]?$"
)
# 单位：万元 / 单位:元 / （单位：万元）
UNIT_LINE = re.compile(r"单位\s*[:：]\s*(亿元|万元|千元|元)")
SCALE = {u: Decimal(10) ** UNITS[u][1] for u in ("元", "千元", "万元", "亿元")}  # the amount parser's units
NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+(\.\d+)?$")

# A 绩效目标表 form: the label of the project's name and of its amount.
FORM_NAME = re.compile(r"^(专项[（(])?项目[)）]?名称[:：]?$")
FORM_AMOUNT = re.compile(r"(年度)?资金总额|项目资金|预算金额|项目金额|年度预算")
FORM_UNIT = re.compile(r"[（(](亿元|万元|千元|元)[)）]")
# "市行政中心保安服务项目绩效目标表" → 市行政中心保安服务; a generic title names no project.
FORM_TITLE = re.compile(r"^(?P<name>.+?)(项目)?(支出)?绩效目标(申报|填报)?表$")
GENERIC_TITLE = re.compile(
    r"^(\d{4}年度?)?(部门|单位)?(综合)?(预算)?(项目|项目支出|专项资金|专项业务经费)?(重点)?(项目)?(整体)?(支出)?$"
)


@dataclass
class _Row:
    name: Cell
    amount: Cell
    value: Decimal
    code: bool  # a unit code printed before the name: a unit's subtotal


class _Locator:
    """Stored-text offsets of a printed cell, from the characters' boxes on its page."""

    def __init__(self, doc: LoadedDocument):
        self.doc = doc
        self.starts = list(doc.page_starts) + [len(doc.text)]

    def span(self, cell: Cell) -> tuple[int, int] | None:
        boxes = self.doc.char_boxes
        if boxes is None or not (1 <= cell.page < len(self.starts)):
            return None
        x0, top, x1, bottom = cell.bbox
        lo, hi = self.starts[cell.page - 1], self.starts[cell.page]
        inside = [
            i
            for i in range(lo, hi)
            if (b := boxes[i]) is not None
            and x0 - 1 <= (b[0] + b[2]) / 2 <= x1 + 1
            and top - 1 <= (b[1] + b[3]) / 2 <= bottom + 1
            and not self.doc.text[i].isspace()
        ]
        if not inside:
            return None
        start, end = inside[0], inside[-1] + 1
        # a wrapped cell's lines may have other cells' text between them in the stored text
        if "".join(self.doc.text[i] for i in inside) != _squeeze(cell.raw):
            return None
        return start, end


def _squeeze(s: str) -> str:
    return "".join(s.split())


def _amount(raw: str, scale: Decimal) -> Decimal | None:
    s = _squeeze(raw)
    if not NUMBER.match(s):
        return None
    try:
        value = Decimal(s.replace(",", "")) * scale
    except InvalidOperation:
        return None
    return value if value > 0 else None


def _rows(t: Table) -> list[list[Cell]]:
    return [list(r) for r in t.header] + [r.cells for r in t.rows]


def _leaves(rows: list[_Row]) -> list[_Row]:
    """The rows that are not subtotals. Bottom up, a row whose amount equals the sum of a
    run of the leaf rows right under it is a subtotal (通用项目 = 大型活动 + 购买服务 …).
    A run of one row counts only in a list that also has a subtotal of several rows."""
    n = len(rows)
    subtotal = [False] * n
    single: list[int] = []
    several = False
    for i in range(n - 1, -1, -1):
        total = Decimal(0)
        run = 0
        for j in range(i + 1, n):
            if subtotal[j]:
                continue
            total += rows[j].value
            run += 1
            if total == rows[i].value:
                subtotal[i] = True
                if run == 1:
                    single.append(i)
                else:
                    several = True
                break
            if total > rows[i].value:
                break
    if not several:
        for i in single:
            subtotal[i] = False
    return [r for i, r in enumerate(rows) if not subtotal[i] and not r.code]


def _project(loc: _Locator, name_cell: Cell | None, name: str, amount: Cell, value: Decimal) -> Project | None:
    amount_span = loc.span(amount)
    if amount_span is None:
        return None
    if name_cell is not None:
        name_span = loc.span(name_cell)
    else:
        name_span = _find_title(loc, name, amount.page)
    if name_span is None:
        return None
    start, end = min(name_span[0], amount_span[0]), max(name_span[1], amount_span[1])
    return Project(name, value, None, start, end)


def _find_title(loc: _Locator, name: str, page: int) -> tuple[int, int] | None:
    """The span of a form's title naming the project, on its page or the one before."""
    text = loc.doc.text
    for p in (page, page - 1):
        if not (1 <= p < len(loc.starts)):
            continue
        lo, hi = loc.starts[p - 1], loc.starts[p]
        chars = [i for i in range(lo, hi) if not text[i].isspace()]
        squeezed = "".join(text[i] for i in chars)
        at = squeezed.rfind(name)
        if at >= 0:
            return chars[at], chars[at + len(name) - 1] + 1
    return None


def _form_name(t: Table) -> str | None:
    m = FORM_TITLE.match(_squeeze(t.title or ""))
    if not m or GENERIC_TITLE.match(m.group("name")):
        return None
    return m.group("name")


def table_projects(doc: LoadedDocument, known: list[Project] | None = None) -> list[Project]:
    """The projects of the 绩效目标表 forms the table builder found: 项目名称 (or the form's
    title) and 资金总额/项目资金/预算金额, on one table part or a part continued from it."""
    if not doc.tables or doc.char_boxes is None:
        return []
    loc = _Locator(doc)
    out: list[Project] = []
    form_name: tuple[Cell | None, str] | None = None
    form_scale: Decimal | None = None
    for t in doc.tables:
        if t.kind == "performance_targets" and not t.continued:
            name = _form_name(t)
            form_name = (None, name) if name else None
            form_scale = None
        elif t.kind is not None and t.kind != "performance_targets":
            form_name = None
            continue
        if t.kind is None and not t.continued:
            continue
        for cells in _rows(t):
            texts = [c for c in cells if c.role == "text"]
            if texts and FORM_NAME.match(_squeeze(texts[0].raw)) and len(texts) > 1:
                form_name = (texts[1], _squeeze(texts[1].raw))
                continue
            labels = "".join(_squeeze(c.raw) for c in texts)
            if m := FORM_UNIT.search(labels):
                form_scale = SCALE[m.group(1)]
            amounts = [c for c in cells if c.role == "amount"]
            if form_name and amounts and FORM_AMOUNT.search(labels):
                unit = form_scale or (SCALE.get(t.unit) if t.unit_source in ("line", "header") else None)
                value = _amount(amounts[0].raw, unit) if unit else None
                if value is not None:
                    p = _project(loc, form_name[0], form_name[1], amounts[0], value)
                    if p is not None:
                        out.append(p)
                form_name = None
    return _dedupe(out, known or [])


def _dedupe(found: list[Project], known: list[Project]) -> list[Project]:
    seen = {(p.name, p.amount, p.char_start) for p in known}
    out = []
    for p in found:
        if (p.name, p.amount, p.char_start) in seen or any(
            k.amount == p.amount and (k.name in p.name or p.name in k.name) for k in known
        ):
            continue
        seen.add((p.name, p.amount, p.char_start))
        out.append(p)
    return out


def document_projects(doc: LoadedDocument, known: list[Project]) -> list[Project]:
    """Projects of the document's tables not already in ``known`` (the prose's): every row
    of its project lists, then each 绩效目标表 form not naming a listed project again (a form
    repeats a listed project in 万元, or its several years' total)."""
    listed = _dedupe(text_list_projects(doc), known)
    forms = [
        p
        for p in table_projects(doc) + text_form_projects(doc)
        if not any(p.amount == q.amount or p.name in q.name or q.name in p.name for q in listed)
    ]
    return listed + _dedupe(forms, known + listed)


# --- project lists read from the characters' positions ------------------------------
# A list the table builder did not find (unruled pages, rows wrapped around a long
# 项目简介) is read from the stored text: the header line gives the columns, each amount
# under the amount column makes a row, and the name is what stands in the name column on
# that line and on the wrapped lines next to it.


@dataclass
class _Token:
    start: int  # stored-text span
    end: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2


STOP_LINE = re.compile(r"^(表\d|注[:：]|说明[:：])|表(\(续\)|（续）)?$|单位[:：]")


def _lines(doc: LoadedDocument, page: int, starts: list[int]) -> list[list[_Token]]:
    """The page's lines as tokens (blank- or gap-separated runs of characters with boxes)."""
    boxes = doc.char_boxes
    assert boxes is not None
    text = doc.text
    out: list[list[_Token]] = []
    lo, hi = starts[page - 1], starts[page]
    pos = lo
    for line in text[lo:hi].split("\n"):
        tokens: list[_Token] = []
        run: list[int] = []

        for k, ch in enumerate(line):
            i = pos + k
            b = boxes[i]
            if ch.isspace() or b is None:
                _close(doc, run, page, tokens)
                continue
            if run and (prev := boxes[run[-1]]) is not None and b[0] - prev[2] > max(3.0, 0.5 * (b[3] - b[1])):
                _close(doc, run, page, tokens)
            run.append(i)
        _close(doc, run, page, tokens)
        if tokens:
            out.append(tokens)
        pos += len(line) + 1
    return out


def _close(doc: LoadedDocument, run: list[int], page: int, tokens: list[_Token]) -> None:
    """End the run of characters as a token."""
    if not run:
        return
    boxes = doc.char_boxes
    assert boxes is not None
    bs = [b for i in run if (b := boxes[i]) is not None]
    text = doc.text[run[0] : run[-1] + 1]
    x0, x1 = min(b[0] for b in bs), max(b[2] for b in bs)
    tokens.append(_Token(run[0], run[-1] + 1, text, x0, x1, min(b[1] for b in bs), max(b[3] for b in bs), page))
    run.clear()


def _text_header(lines: list[list[_Token]], at: int) -> tuple[_Token, _Token, float] | None:
    """(name header, amount header, left edge of the name column) when line ``at`` holds a
    project list's name header. The amount header may be printed over several lines next to
    it (当年财政拨 / 款预算金额): the header lines' tokens are stacked by column."""
    name = next((t for t in lines[at] if NAME_HEADER.match(t.text)), None)
    if name is None:
        return None
    header = [lines[at]]
    for k in (at - 1, at - 2):
        if k < 0 or UNIT_LINE.search("".join(t.text for t in lines[k])) or STOP_LINE.search(lines[k][0].text):
            break
        header.insert(0, lines[k])
    for k in (at + 1, at + 2):
        if k >= len(lines) or any(_is_number(t.text) for t in lines[k]):
            break
        header.append(lines[k])
    stacks: list[list[_Token]] = []
    words = (t for line in header for t in line if t.x0 > name.x1 - 1 and re.search(r"[\u4e00-\u9fff]", t.text))
    for t in sorted(words, key=lambda t: (t.top, t.x0)):
        stack = next((s for s in stacks if min(s[-1].x1, t.x1) - max(s[-1].x0, t.x0) > 0), None)
        if stack is None:
            stacks.append([t])
        else:
            stack.append(t)
    found = [s for s in stacks if AMOUNT_HEADER.match("".join(t.text for t in s))]
    if not found:
        return None
    column = min(found, key=lambda s: s[0].x0)
    amount = _Token(
        column[0].start,
        column[-1].end,
        "".join(t.text for t in column),
        min(t.x0 for t in column),
        max(t.x1 for t in column),
        min(t.top for t in column),
        max(t.bottom for t in column),
        column[0].page,
    )
    left = max((t.x1 for t in lines[at] if t.x1 <= name.x0 + 1), default=0.0)
    return name, amount, left


def _is_number(s: str) -> bool:
    return bool(NUMBER.match(s))


def text_list_projects(doc: LoadedDocument) -> list[Project]:
    """Project lists found by their header line in the stored text of a PDF."""
    if doc.char_boxes is None:
        return []
    starts = list(doc.page_starts) + [len(doc.text)]
    pages = len(starts) - 1
    out: list[Project] = []
    page = 1
    while page <= pages:
        lines = _lines(doc, page, starts)
        found = next(((i, h) for i in range(len(lines)) if (h := _text_header(lines, i))), None)
        if found is None:
            page += 1
            continue
        at, (name_h, amount_h, left) = found
        before = "".join(t.text for line in lines[max(0, at - 4) : at] for t in line)
        units = UNIT_LINE.findall(before)
        mixed = "单位" in name_h.text
        if OTHER_LIST.search(before) or not units:
            page += 1
            continue
        scale = SCALE[units[-1]]
        rows: list[_Row] = []
        body = lines[at + 1 :]
        p = page
        while True:
            done = _read_rows(body, name_h, amount_h, left, scale, mixed, rows)
            if done or p >= pages:
                break
            p += 1
            body = _lines(doc, p, starts)
        for q in _text_projects(doc, rows):
            # a form-like list repeats its row at the top of each continued page
            repeat = bool(out) and (out[-1].name, out[-1].amount) == (q.name, q.amount)
            if not repeat and not any(q.char_start < o.char_end and o.char_start < q.char_end for o in out):
                out.append(q)
        page = p if p > page else page + 1
    return out


@dataclass
class _TextRow:
    names: list[_Token]
    amount: _Token
    value: Decimal
    code: bool
    own: bool = True  # a name printed on the amount's own line


def _read_rows(
    body: list[list[_Token]],
    name_h: _Token,
    amount_h: _Token,
    left: float,
    scale: Decimal,
    mixed: bool,
    rows: list,
) -> bool:
    """Rows of the list on one page's lines; True when the list ends on this page."""
    center = amount_h.xc
    fragments: list[tuple[float, list[_Token]]] = []
    page_rows: list[_TextRow] = []
    seen_row = False
    for line in body:
        joined = "".join(t.text for t in line)
        if STOP_LINE.search(joined) or _text_header([line], 0):
            _attach(fragments, page_rows)
            rows.extend(page_rows)
            return True
        numbers = sorted((abs(t.xc - center), k, t) for k, t in enumerate(line) if _is_number(t.text))
        amounts = [numbers[0][2]] if numbers and numbers[0][0] <= 45 else []
        names = [
            t
            for t in line
            if t.xc > left and t.x1 <= (amounts[0].x0 if amounts else amount_h.x0) + 1 and not _is_number(t.text)
        ]
        if amounts:
            value = _amount(amounts[0].text, scale)
            code = any(_is_number(t.text) and t.x1 <= (names[0].x0 if names else amounts[0].x0) for t in line)
            if value is None:
                continue
            unit = code and mixed and bool(names) and bool(AGENCY_END.search("".join(t.text for t in names)))
            page_rows.append(_TextRow(names, amounts[0], value, unit, bool(names)))
            seen_row = True
        elif names:
            fragments.append((names[0].top, names))
        elif not seen_row:
            continue
    _attach(fragments, page_rows)
    rows.extend(page_rows)
    return False


def _attach(fragments: list[tuple[float, list[_Token]]], rows: list[_TextRow]) -> None:
    """Wrapped name lines go to the row whose amount line is nearest (within two lines)."""
    for top, tokens in fragments:
        if not rows:
            continue
        # nearest; on a tie a row without a name on its own line, then the row below
        best = min(rows, key=lambda r: (round(abs(r.amount.top - top)), r.own, r.amount.top < top))
        height = best.amount.bottom - best.amount.top
        if abs(best.amount.top - top) <= 2.6 * height:
            best.names.extend(tokens)
    for r in rows:
        r.names.sort(key=lambda t: (t.top, t.x0))


def _text_projects(doc: LoadedDocument, rows: list) -> list[Project]:
    listed = [r for r in rows if r.names]
    named = []
    for r in listed:
        name = "".join(t.text for t in r.names)
        if TOTAL_ROW.match(name) or len(name) < 2:
            continue
        named.append(r)
    proxies = [
        _Row(Cell(r.names[0].text, (0, 0, 0, 0), 0), Cell(r.amount.text, (0, 0, 0, 0), 0), r.value, r.code)
        for r in named
    ]
    keep = {id(p) for p in _leaves(proxies)}
    out = []
    for r, proxy in zip(named, proxies):
        if id(proxy) not in keep:
            continue
        name = "".join(t.text for t in r.names)
        start = min(r.names[0].start, r.amount.start)
        end = max(r.amount.end, max(t.end for t in r.names))
        out.append(Project(name, r.value, None, start, end))
    return out


# --- 绩效目标表 forms in text without positions (web pages, plain text) ----------------
# One label or value per line: 项目名称 / <name> / … / 项目资金 / （万元） / 年度预算资金总额： / 15.00.
TEXT_FORM_NAME = re.compile(r"^(专项[（(])?项目[)）]?名称[:：]?(?P<name>.*)$")
TEXT_FORM_AMOUNT = re.compile(r"(年度预算)?资金总额|项目资金[:：]|预算金额")
TEXT_FORM_VALUE = re.compile(r"[:：]?\s*(?P<number>\d[\d,]*(\.\d+)?)\s*$")
FORM_WINDOW = 16  # lines from 项目名称 to its amount


def text_form_projects(doc: LoadedDocument) -> list[Project]:
    """The 绩效目标表 forms of a document read as text (no character positions)."""
    if doc.char_boxes is not None:
        return []
    text = doc.text
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip().replace("\u3000", "")
        if stripped:
            at = pos + len(line) - len(line.lstrip())
            lines.append((at, stripped))
        pos += len(line) + 1
    out: list[Project] = []
    for k, (at, line) in enumerate(lines):
        m = TEXT_FORM_NAME.match(line)
        if not m:
            continue
        if m.group("name").strip():
            name, name_at = m.group("name").strip(), at + line.index(m.group("name").strip())
        elif k + 1 < len(lines):
            name_at, name = lines[k + 1]
        else:
            continue
        if _is_number(name) or len(name) < 2 or TEXT_FORM_NAME.match(name):
            continue
        window = lines[k + 1 : k + FORM_WINDOW]
        scale: Decimal | None = None
        for j, (amount_at, label) in enumerate(window):
            if TEXT_FORM_NAME.match(label):
                break
            if u := FORM_UNIT.search(label) or UNIT_LINE.search(label):
                scale = SCALE[u.group(1)]
            if not TEXT_FORM_AMOUNT.search(label):
                continue
            same = TEXT_FORM_VALUE.search(label)
            if same and same.start() > 0 and not label[: same.start()].endswith(("（", "(")):
                raw_at, raw = amount_at + same.start("number"), same.group("number")
            elif j + 1 < len(window) and _is_number(window[j + 1][1]):
                raw_at, raw = window[j + 1]
            else:
                break
            value = _amount(raw, scale) if scale is not None else None
            if (
                value is not None
                and text[raw_at : raw_at + len(raw)] == raw
                and text[name_at : name_at + len(name)] == name
            ):
                out.append(Project(name, value, None, name_at, raw_at + len(raw)))
            break
    return out
