"""The heading tree of a disclosure text.

Budget and final-account disclosures are organised by numbered headings whose
styles vary from one document to the next::

    第一部分 部门概况            part        第X部分
    第一章 …                     chapter     第X章 (第X节: section)
    一、部门主要职能             cn          一、 一． 一.
    （一）基本支出：…            pcn         （一） (一)
    1.截至2023年… / 1、… / １．  ar          1. 1、 1． ⒈
    1）…                         arp         1） 1)
    （1）… / (1)… / ⑴            par         （1） (1)
    ①…                           circ        ① … ⑳

plus unnumbered titles: standalone title lines ("名词解释",
"上海市普陀区司法局主要职能", "2026年部门预算编制说明") and labels that open a
paragraph ("预算绩效目标说明：本部门…").

Levels are not a fixed table: a style gets its level when it first appears and
a style seen before pops back to its level (a stack), so documents that start
at "一、", skip "第一部分" or nest "(1)" directly under "一、" all work. Skipped
and duplicated numbers are accepted as they come.

Matching works on the normalized view (``extractors.normalize``: full-width
folded, blanks between CJK dropped, so "一 、 部 门 职 责" and "１．" match);
offsets are mapped back to the stored text, which is never changed.

What is *not* a heading: numbers inside sentences (only line starts count),
table-of-contents lines (dot leaders, or the block after a "目录" line), table
rows ("一、财政拨款收入 96,282,213.44 一、公共安全支出 …"), and "1.2万元"
(a decimal, while "1.2024年" is the marker "1." and the text "2024年").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from gongkai.extractors.text.fallbacks import first_found
from gongkai.extractors.text.normalize import Normalized, normalize

__all__ = ["Section", "SectionIndex", "build_sections"]


@dataclass(frozen=True)
class Section:
    id: int  # order of appearance, 0 = the implicit root
    level: int  # 0 for the root, 1.. for headings
    marker: str  # as printed: "一、", "（一）", "1.", "" for unnumbered titles/root
    title: str  # short title, e.g. "部门收支总体情况", "基本支出"
    start: int  # offset in the STORED text where the heading line starts
    end: int  # offset where this section ends (next heading of same or higher level, or len(text))
    parent: int | None
    path: tuple[str, ...]  # titles from the top level down to this one, root excluded


@dataclass(frozen=True)
class SectionIndex:
    sections: tuple[Section, ...]
    _starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(s.start for s in self.sections))

    @property
    def root(self) -> Section:
        return self.sections[0]

    def at(self, offset: int) -> Section:
        """The deepest section containing ``offset`` (the root if none): O(log n)."""
        root = self.sections[0]
        if offset < 0 or offset >= root.end:
            return root
        section = self.sections[bisect_right(self._starts, offset) - 1]
        while section.parent is not None and not (section.start <= offset < section.end):
            section = self.sections[section.parent]
        return section

    def children(self, section_id: int) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.parent == section_id)

    def top_level(self) -> tuple[Section, ...]:
        return self.children(0)

    def __iter__(self):
        return iter(self.sections)

    def __len__(self) -> int:
        return len(self.sections)


# --- markers (on one normalized line, which starts at its first non-blank) -----------
_CN = "[一二三四五六七八九十百零〇两]+"
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"第(?:{_CN}|\d{{1,2}})部分[、.:：]?")),
    ("chapter", re.compile(rf"第(?:{_CN}|\d{{1,2}})章[、.:：]?")),
    ("jie", re.compile(rf"第(?:{_CN}|\d{{1,2}})节[、.:：]?")),
    ("cn", re.compile(rf"{_CN}(?:、|[.](?!\d))")),
    ("pcn", re.compile(rf"[（(]{_CN}[）)][、.]?")),
    # 1、 always; 1. unless a decimal follows (1.2万元), except a year: 1.2024年
    ("ar", re.compile(r"(?:\d{1,2}(?:、|[.](?!\d)|[.](?=(?:19|20)\d\d年))|[\u2488-\u249b])")),
    ("arp", re.compile(r"\d{1,2}[）)](?![）)])")),
    ("par", re.compile(r"(?:[（(]\d{1,2}[）)]|[\u2474-\u2487])[、.]?")),
    ("circ", re.compile(r"[\u2460-\u2473]")),
)

# Titles are cut at the first of these (a list item keeps "text up to the first ，/。").
_TITLE_STOPS = set("：:，。；;？?！!")
_MAX_TITLE = 30
# Title words that make an unnumbered line a heading.
_TITLE_ENDINGS = (
    "说明",
    "情况",
    "解释",
    "概况",
    "职能",
    "职责",
    "设置",
    "构成",
    "目标",
    "简介",
    "概述",
)
_TOP_TITLES = re.compile(r"^(?:专业)?名词解释$|^附(?:件|表|录)\d*$")
_TABLE_TITLE = re.compile(r"^[^见]*(?:预算|决算)[^见]*表$")
_SENTENCE_PUNCT = set("，,。；;：:！？!?")
_DOT_LEADERS = re.compile(r"(?:…{2,}|⋯{2,}|\.{4,}|·{3,}|-{4,}|_{4,}|—{3,}|…\s*\d+$|\.{2,}\s*\d+$)")
_TOC_LINE = re.compile(r"^(?:目录|目次)$")
_NUMBER_TOKEN = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$")
_NUMBER_UNITS = tuple("年月日号个家人万元亿次项类款")
# The end of the first line of a heading wrapped onto a second line.
_OPEN_ENDINGS = ("年度", "年", "的", "和", "及", "与", "、", "预算", "部门")
_SECOND_CN_MARKER = re.compile(rf"\s{_CN}、")
_BLANKS = re.compile(r"[\s\u3000\u00a0]+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _is_cjk(ch: str) -> bool:
    return bool(ch) and _CJK.match(ch) is not None


@dataclass
class _Line:
    nstart: int  # normalized offset of the first character
    text: str  # normalized line without "\r"
    start: int  # stored offset where the line starts (indentation included)


@dataclass
class _Heading:
    line: int  # index into the lines
    kind: str  # "num" | "title" (standalone unnumbered) | "label" (unnumbered, opens a paragraph)
    style: str  # marker style, "U" for standalone titles, "" for labels
    marker: str
    title: str
    item: bool  # a list item of a paragraph (title cut from a sentence)
    top: bool = False  # 名词解释, 附件: always level 1
    level: int = 0


def _lines(norm: Normalized, text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for raw in norm.text.split("\n"):
        s = raw.strip("\r")
        lead = len(raw) - len(raw.lstrip("\r"))
        n0 = pos + lead
        stored = norm.index[n0] if n0 < len(norm.index) else len(text)
        line_start = text.rfind("\n", 0, stored) + 1 if stored > 0 else 0
        out.append(_Line(n0, s, line_start))
        pos += len(raw) + 1
    return out


def _printed(text: str, norm: Normalized, n0: int, n1: int) -> str:
    a, b = norm.span(n0, n1)
    return _BLANKS.sub("", text[a:b])


def _has_gap(norm: Normalized, i: int) -> bool:
    """Whether the stored text has blanks between normalized characters i and i+1."""
    return i + 1 < len(norm.index) - 1 and norm.index[i + 1] > norm.index[i] + 1


def _cut_title(norm: Normalized, n0: int, rest: str) -> tuple[str, bool]:
    """Short title from the text after a marker; and whether the line is a list item."""
    rest_stripped = rest.lstrip("、.:：")
    n0 += len(rest) - len(rest_stripped)
    rest = rest_stripped
    if not rest:
        return "", False
    # "（1）办公室 协助院领导组织、协调…": a blank between two CJK characters ends a
    # short title when body text follows (not for spaced-out titles "部 门 职 责").
    head = min(len(rest), 16)
    gaps = [i for i in range(head - 1) if _has_gap(norm, n0 + i)]
    if gaps and len(gaps) <= 2:
        i = gaps[0]
        if (
            2 <= i + 1 <= 15
            and _is_cjk(rest[i])
            and _is_cjk(rest[i + 1])
            and any(c in "，。；、" for c in rest[i + 1 :])
            and not any(c in _TITLE_STOPS for c in rest[: i + 1])
        ):
            return rest[: i + 1], False
    cut = next(
        (
            i
            for i, c in enumerate(rest)
            if c in _TITLE_STOPS
            or (c == "," and not (0 < i < len(rest) - 1 and rest[i - 1].isdigit() and rest[i + 1].isdigit()))
        ),
        None,
    )
    if cut is None:
        title, item = rest, False
    else:
        title = rest[:cut]
        body = rest[cut + 1 :].strip("。；;，,：: ")
        item = rest[cut] not in "：:" and bool(body)
    title = title.strip(" .、")
    if len(title) > _MAX_TITLE:
        title, item = title[:_MAX_TITLE], True
    return title, item


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_MAX_SKIP = 3  # （一）（三）: a skipped number is fine; 一、 then 六、 is a table column


def _cn_value(s: str) -> int | None:
    """一 → 1, 十二 → 12, 二十三 → 23 (up to 99); None if not a plain numeral."""
    if not s or any(c not in _CN_DIGITS and c != "十" for c in s):
        return None
    if "十" not in s:
        return _CN_DIGITS[s] if len(s) == 1 else None
    tens, _, units = s.partition("十")
    t = _CN_DIGITS.get(tens, None) if tens else 1
    u = _CN_DIGITS.get(units, None) if units else 0
    return None if t is None or u is None else t * 10 + u


def _marker_value(marker: str) -> int | None:
    m = re.search(r"\d+", marker)
    if m:
        return int(m.group())
    m = re.search(r"[零〇一二两三四五六七八九十]+", marker)
    if m:
        return _cn_value(m.group())
    ch = marker[:1]
    if "\u2460" <= ch <= "\u2473":
        return ord(ch) - 0x2460 + 1
    if "\u2474" <= ch <= "\u2487":
        return ord(ch) - 0x2474 + 1
    if "\u2488" <= ch <= "\u249b":
        return ord(ch) - 0x2488 + 1
    return None


def _plain_short(line: str) -> bool:
    """A short line without sentence punctuation (a heading or a table cell)."""
    return len(line.strip()) <= 20 and not any(c in _SENTENCE_PUNCT for c in line)


def _ends_like_title(s: str) -> bool:
    return s.endswith(_TITLE_ENDINGS)


def _is_table_row(text: str, line: _Line, marker_end_stored: int, line_end_stored: int) -> bool:
    if any(c in "，。；" for c in line.text):
        return False
    tokens = text[marker_end_stored:line_end_stored].split()
    for k, tok in enumerate(tokens):
        # "96,282,213.44", "0.00", a page number; not "2017 年度" or "28849.38 万元"
        nxt = tokens[k + 1] if k + 1 < len(tokens) else ""
        if _NUMBER_TOKEN.match(tok) and not nxt.startswith(_NUMBER_UNITS):
            return True
    stored = " ".join(tokens)
    return _SECOND_CN_MARKER.search(stored) is not None


def _parse_numbered(text: str, norm: Normalized, line: _Line, line_end: int) -> _Heading | None:
    s = line.text
    for style, pattern in _MARKERS:
        m = pattern.match(s)
        if not m:
            continue
        rest = s[m.end() :]
        if style == "ar" and rest[:1].isdigit() and not re.match(r"(?:19|20)\d\d年", rest):
            return None
        marker_end = norm.index[line.nstart + m.end()] if m.end() < len(s) else line_end
        if _is_table_row(text, line, marker_end, line_end):
            return None
        title, item = _cut_title(norm, line.nstart + m.end(), rest)
        marker = (
            _printed(text, norm, line.nstart, line.nstart + m.end()).rstrip("、.:：")
            if style in ("part", "chapter", "jie")
            else _printed(text, norm, line.nstart, line.nstart + m.end())
        )
        return _Heading(-1, "num", style, marker, title, item)
    return None


# --- unnumbered headings: an ordered list of methods, each a _Heading or None ---------


def _top_title(s: str) -> _Heading | None:
    """A title always at level 1, a trailing ：dropped: 名词解释, 专业名词解释：, 附件1, 附表."""
    bare = s.rstrip("：:")
    return _Heading(-1, "title", "U", "", bare, False, top=True) if _TOP_TITLES.match(bare) else None


def _standalone_title(s: str) -> _Heading | None:
    """A short line (4–30 characters) without sentence punctuation that ends in a title word
    or names a table: 上海市普陀区司法局主要职能, 2026年部门预算编制说明, 部门收支预算总表."""
    if 4 <= len(s) <= 30 and not any(c in _SENTENCE_PUNCT for c in s):
        if _ends_like_title(s) or (len(s) <= 40 and _TABLE_TITLE.match(s)):
            return _Heading(-1, "title", "U", "", s, False)
    return None


def _paragraph_label(s: str) -> _Heading | None:
    """A label ending in a title word that opens a paragraph: 预算绩效目标说明：本部门…"""
    m = re.match(r"([^，,。；;：:！？!?、（(]{2,20})[：:]", s)
    if m and _ends_like_title(m.group(1)):
        return _Heading(-1, "label", "", "", m.group(1), False)
    return None


UNNUMBERED_METHODS = (_top_title, _standalone_title, _paragraph_label)


def _parse_unnumbered(line: _Line, prev_ended: bool) -> _Heading | None:
    """An unnumbered heading (UNNUMBERED_METHODS), only on a line after one that ended."""
    s = line.text.strip()
    if not s or not prev_ended:
        return None
    return first_found(UNNUMBERED_METHODS, s)


def _toc_key(h: _Heading | None) -> tuple[str, str] | None:
    return (h.style, h.title) if h is not None and h.kind == "num" else None


# --- table of contents: where the block after a "目录" line ends --------------------


@dataclass(frozen=True)
class _Toc:
    """What the table-of-contents methods read: the lines, and for each its dot leaders and the
    numbered heading it starts."""

    text: str
    norm: Normalized
    lines: list[_Line]
    leaders: list[bool]
    numbered: list[_Heading | None]

    def stored_end(self, i: int) -> int:
        return self.lines[i + 1].start - 1 if i + 1 < len(self.lines) else len(self.text)


def _toc_first_entry(toc: _Toc, i: int) -> tuple[tuple[str, str] | None, int]:
    """The first non-blank line after the 目录 line ``i`` (within 80 lines): its key if it is a
    numbered entry (dot leaders cut off), and its index; (None, i + 1) if there is none."""
    lines = toc.lines
    for j in range(i + 1, min(len(lines), i + 80)):
        if toc.leaders[j]:
            cleaned = _DOT_LEADERS.split(lines[j].text)[0]
            first = _toc_key(
                _parse_numbered(toc.text, toc.norm, _Line(lines[j].nstart, cleaned, lines[j].start), toc.stored_end(j))
            )
        else:
            first = _toc_key(toc.numbered[j])
        if first is not None or lines[j].text.strip():
            return first, j
    return None, i + 1


def _toc_end_at_first_entry(toc: _Toc, i: int) -> int | None:
    """The line (within 400) where the first entry comes back as a heading:
    目录 / 一、部门职责……1 / 二、… / 一、部门职责 ← here."""
    first, j0 = _toc_first_entry(toc, i)
    if first is None:
        return None
    for k in range(j0 + 1, min(len(toc.lines), j0 + 400)):
        if not toc.leaders[k] and _toc_key(toc.numbered[k]) == first:
            return k
    return None


def _toc_end_after_entries(toc: _Toc, i: int) -> int:
    """The first non-blank line that is not an entry (dot leaders, or a numbered line of at most
    40 characters without ，；;): 目录 / 一、部门概况 / 二、收支预算 / 怀化市民政局2024年部门预算 ← here.
    Always finds one (the end of the text at the latest)."""
    k = i + 1
    while k < len(toc.lines):
        t = toc.lines[k].text.strip()
        entry = toc.numbered[k] is not None and len(t) <= 40 and not any(c in "，；;" for c in t)
        if t and not toc.leaders[k] and not entry:
            break
        k += 1
    return k


TOC_END_METHODS = (_toc_end_at_first_entry, _toc_end_after_entries)


def _toc_lines(toc: _Toc) -> list[bool]:
    """Which lines are a table of contents: each 目录 line and the lines up to its end (TOC_END_METHODS)."""
    skip = [False] * len(toc.lines)
    for i, ln in enumerate(toc.lines):
        if not _TOC_LINE.match(ln.text.strip()) or skip[i]:
            continue
        skip[i] = True
        for k in range(i + 1, first_found(TOC_END_METHODS, toc, i)):
            skip[k] = True
    return skip


def build_sections(text: str) -> SectionIndex:
    """The heading tree of ``text``; see the module docstring."""
    norm = normalize(text)
    lines = _lines(norm, text)
    n = len(lines)

    def stored_end(i: int) -> int:
        return lines[i + 1].start - 1 if i + 1 < n else len(text)

    lengths = sorted(len(ln.text) for ln in lines if ln.text.strip())
    wrap = lengths[int(len(lengths) * 0.9)] if lengths else 0
    short_line = max(12, int(wrap * 0.7))

    leaders = [bool(_DOT_LEADERS.search(ln.text)) for ln in lines]
    numbered: list[_Heading | None] = [
        None if leaders[i] or not ln.text else _parse_numbered(text, norm, ln, stored_end(i))
        for i, ln in enumerate(lines)
    ]

    # Table of contents after a "目录" line: up to where its first entry comes back,
    # else as long as the lines look like entries.
    skip = _toc_lines(_Toc(text, norm, lines, leaders, numbered))

    headings: list[_Heading] = []
    prev_ended = True
    consumed = -1
    for i, ln in enumerate(lines):
        t = ln.text.strip()
        if not t:
            prev_ended = True
            continue
        if skip[i] or leaders[i] or i == consumed:
            prev_ended = True
            continue
        h = numbered[i]
        if h is None:
            h = _parse_unnumbered(ln, prev_ended)
        if h is None:
            prev_ended = t[-1] in "。；;！？!?：:…" or len(t) < short_line
            continue
        h.line = i
        # a heading wrapped onto a second short line: "…支出预算" + "表情况说明"
        if h.kind == "num" and not h.item and h.title and t.endswith(h.title) and not _ends_like_title(h.title):
            nxt = lines[i + 1].text.strip() if i + 1 < n else ""
            part = h.style in ("part", "chapter")
            if (
                nxt
                and len(nxt) <= 15
                and numbered[i + 1] is None
                and not any(c in _SENTENCE_PUNCT for c in nxt)
                and not _TOP_TITLES.match(nxt)
                and (_ends_like_title(nxt) or (part and nxt.endswith("表")))
                and (part or len(t) >= 0.6 * wrap or h.title.endswith(_OPEN_ENDINGS))
            ):
                h.title = (h.title + nxt)[: _MAX_TITLE + 15]
                consumed = i + 1
        headings.append(h)
        prev_ended = True

    # Levels: a stack of marker styles (each slot a set: an unnumbered title can share one).
    stack: list[set[str]] = []
    numbers: list[int | None] = []  # the last number seen in each slot
    open_chain: list[_Heading] = []  # the open headings, outermost first
    kept: list[_Heading] = []
    for h in headings:
        if h.kind == "label":
            anchor = next((o for o in reversed(open_chain) if not o.item), None)
            level = anchor.level if anchor is not None else 1
            del stack[level:]
            while len(stack) < level:
                stack.append(set())
        elif h.top:
            level = 1
            stack[:] = [(stack[0] if stack else set()) | {"U"}]
        else:
            slot = next((k for k, styles in enumerate(stack) if h.style in styles), None)
            value = _marker_value(h.marker) if h.kind == "num" else None
            last = numbers[slot] if slot is not None and value is not None else None
            if last is not None and value is not None and value > last + _MAX_SKIP and _plain_short(lines[h.line].text):
                # "一、…总表" then "六、科学技术支出": the left column of a table, not a heading
                continue
            if slot is None:
                stack.append({h.style})
                numbers.append(value)
                level = len(stack)
            else:
                level = slot + 1
                del stack[level:]
                numbers[slot] = value if value is not None else numbers[slot]
        del numbers[len(stack) :]
        while len(numbers) < len(stack):
            numbers.append(None)
        kept.append(h)
        h.level = level
        while open_chain and open_chain[-1].level >= level:
            open_chain.pop()
        open_chain.append(h)

    # Sections with ends, parents and paths.
    headings = kept
    starts = [lines[h.line].start for h in headings]
    ends = [len(text)] * len(headings)
    parents: list[int] = [0] * len(headings)
    chain: list[int] = []  # indices into headings
    for k, h in enumerate(headings):
        while chain and headings[chain[-1]].level >= h.level:
            ends[chain.pop()] = starts[k]
        parents[k] = chain[-1] + 1 if chain else 0
        chain.append(k)

    sections: list[Section] = [Section(0, 0, "", "", 0, len(text), None, ())]
    for k, h in enumerate(headings):
        parent = parents[k]
        path = sections[parent].path + (h.title,)
        sections.append(Section(k + 1, h.level, h.marker, h.title, starts[k], ends[k], parent, path))
    return SectionIndex(tuple(sections))
