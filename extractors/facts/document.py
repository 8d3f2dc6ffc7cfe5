"""Document facts: who published a budget / final-accounts disclosure, for which year,
of which kind, where, and which units it covers.

``extract_document_facts(text, source_name)`` is pure. It reads two normalized views
of the text (``extractors.normalize``: full-width folded, blanks dropped; one line by
line as printed for the cover, labels and headings, one with PDF line wraps joined for
sentences and lists) and maps every span it keeps in ``evidence`` back to the stored
text (code-point offsets, ``text[start:end]``).

Where each fact comes from, best source first (each list is a tuple of small functions tried in
order: AGENCY_METHODS, YEAR_METHODS, KIND_METHODS, PARENT_METHODS, REGION_METHODS):

* agency: a cover label (预算主管部门：X, 预算单位：X, 部门：X) → the title
  (X2026年部门预算, 2015年度X决算说明, 平潭2016年X部门预算说明) → the scope sentence
  (纳入2024年X部门预算编制范围) → a heading (X部门职责, X主要职能, X机构设置, X概况)
  → a table-of-contents line (第二部分 X 2017年度部门预算表);
* fiscal year and kind: the title → the scope sentence → a table-of-contents line → the most
  frequent "YYYY年(度)部门预算/决算" (year) and 预算 vs 决算 markers (kind) → the file name
  (..._2024_final.pdf) as a last resort;
* region: the gazetteer on the agency (then the parent agency, then the title's
  region, e.g. 上海市普陀区2025年区级部门预算), ambiguous names decided by the text;
  finally the region the text mentions most;
* parent agency: the 预算主管部门 label of a unit budget → a sentence: X作为Y二级预算单位,
  主管部门为Y, Y所属二级预算单位;
* budget units: the list after 纳入…编制范围的(预算)单位包括：, …具体包括：, or the
  unit table after …见下表 (inline 、-separated, numbered 1./1、, or table rows);
* internal units: the list after 内设机构为N个：, 设N个内设机构，包括：, 内设机构包括…,
  or under a （一）机关内设机构 subheading; the count from "N个".

Agency names are kept as printed with three canonical fixes: a party organ written
without 中共 gets it (江苏省委办公厅 → 中共江苏省委办公厅), a bare township gets its
government (东庠乡 → 东庠乡人民政府, 万里街道 → 万里街道办事处), and a title that
splits a short region from the agency (平潭2016年社会事业局部门预算说明) takes the
region's form the document itself uses most (平潭综合实验区社会事业局).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from typing import Generic, TypeVar

from gongkai.extractors.facts.gazetteer import (
    Region,
    gazetteer,
    match_region_name,
    match_region_prefix,
    resolve_region,
    resolve_region_in_text,
)
from gongkai.extractors.text.fallbacks import first_found
from gongkai.extractors.text.markers import CN_ITEM, DIGIT_ITEM, PAREN_ANY, PAREN_CN, PART
from gongkai.extractors.text.normalize import Normalized, normalize

# --- patterns (data) ------------------------------------------------------------------
# All patterns run on the normalized view: no blanks between Chinese characters,
# ASCII digits and punctuation ．→. ％→%, PDF line wraps joined.

YEAR = r"(?:19|20)\d{2}"
CN_NUM = "零一二三四五六七八九十两"
NUM = rf"(?:\d+|[{CN_NUM}]+)"

# A title: [agency] YYYY年(度) [级] [agency] [部门|单位] [汇总] 预算|决算 [公开|说明 …] [date].
# Both agency slots are lazy, so "江苏省人大常委会办公厅2019年度部门预算公开" keeps
# 部门 out of the agency; "平潭2016年社会事业局部门预算说明" fills both slots.
TITLE = re.compile(
    rf"(?P<pre>[^\d\n，。；：:]{{0,40}}?)(?P<year>{YEAR})年度?(?:[区市县省乡镇]级|本级)?"
    r"(?P<post>[^\d\n，。；：:]{0,40}?)(?P<unit>部门|单位)?(?:汇总|综合)?(?P<kind>预算|决算)"
    r"(?P<tail>[^\d\n，。；：:]{0,24})"
    rf"(?:{YEAR}年\d{{1,2}}月(?:\d{{1,2}}日)?)?"
)
# The year after the kind: 怀化市民政局部门预算（2024年度）.
TITLE_YEAR_AFTER = re.compile(
    r"(?P<pre>[^\d\n，。；：:]{2,40}?)(?P<post>)(?P<unit>部门|单位)?(?:汇总|综合)?(?P<kind>预算|决算)"
    rf"[（(]?(?P<year>{YEAR})年度?[)）]?(?P<tail>[^\d\n，。；：:]{{0,24}})"
)
TITLES = (TITLE, TITLE_YEAR_AFTER)
# Words before a title that are not part of the agency: 关于怀化市民政局2024年部门预算的说明.
TITLE_LEAD = re.compile(r"^(?:关于|公开|发布)")
# Lines that end the cover: a table of contents or the first heading.
HEAD_STOP = re.compile(rf"^(?:目录|{PART}|{CN_ITEM}|{PAREN_CN})")
HEAD_LINES = 8  # the cover is within the first lines that have text
HEAD_WINDOW = 4  # a title may be wrapped over up to this many lines
TOC_PREFIX = re.compile(rf"^{PART}")

# Cover and table labels at the start of a line, longest role first. The name runs to the
# end of the line or to a following "单位：" (部门：中共江苏省委办公厅 单位：万元).
LABEL = re.compile(
    r"^(?:[^\n:：]{0,30}表)?(?P<role>预算主管部门|主管部门|预算单位|单位名称|编制单位|填报单位|部门名称|编制部门|部门|单位)[:：]"
    r"(?P<name>[^\n:：，。；、]{2,50}?)(?=(?:金额)?单位[:：]|\n|$)",
    re.M,
)
DEPARTMENT_ROLES = {"预算主管部门", "主管部门", "部门名称", "编制部门", "部门"}
UNIT_ROLES = {"预算单位", "单位名称", "编制单位", "填报单位", "单位"}

# 纳入2024年怀化市政务服务中心部门预算编制范围 …
SCOPE = re.compile(
    rf"(?:纳入|列入)(?:本部门)?(?:(?P<year>{YEAR})年度?)?(?P<agency>[^\d\n，。；：:]{{0,40}}?)"
    rf"(?:(?P<year2>{YEAR})年度?)?(?:部门|单位)?(?:汇总)?(?P<kind>预算|决算)(?:算)?(?:编制)?范围"
)
# … and the units it lists: 的预算单位包括： / 的单位共2家，包括： / 的单位详细情况见下表：
SCOPE_UNITS = re.compile(
    r"范围的(?:二级|三级|下属|所属)?(?:预算|决算)?单位(?:共计?[^，。：:\n]{0,10}?)?[，,]?(?:具体|分别)?"
    r"(?:包括|有|为|是|如下|详细情况见下表|见下表)[:：]?"
)
# 本部门共有3家预算单位，包括：… / 下属2个二级预算单位，分别是：…
COUNTED_UNITS = re.compile(
    rf"{NUM}(?:家|个)(?:二级|三级|下属|所属)?(?:预算|决算)单位[，,]?(?:具体|分别)?(?:包括|为|是)[:：]"
)
# 具体包括： after a sentence about the department's 预算单位 (Shanghai style)
DETAIL_UNITS = re.compile(r"具体包括[:：]")
DETAIL_UNITS_CONTEXT = re.compile(r"预算单位|决算单位|下属单位")

# Headings that name the agency: 怀化市政务服务中心部门职责, 上海市普陀区司法局主要职能,
# 上海市普陀区人民政府万里街道办事处（部门）机构设置, 第一部分 上海市普陀区规划和自然资源局概况.
HEADING = re.compile(
    rf"^(?:{PART}|{CN_ITEM}|{PAREN_CN})?(?P<agency>[^\d\n，。；：:]{{3,50}}?)(?:[（(](?:部门|单位)[)）])?"
    r"(?:部门|单位)?(?:主要|基本)?(?:职责|职能|概况|机构设置|基本情况)$",
    re.M,
)

# Parent agency, most specific first.
PARENT = (
    re.compile(r"作为(?P<parent>[^\n，。；：:、]{2,40}?)(?:的)?(?:所属|下属|直属)?(?:二级|三级)(?:部门)?(?:预算)?单位"),
    re.compile(r"(?:上级主管部门|预算主管部门|主管部门)(?:为|是)(?P<parent>[^\n，。；：:、]{2,40}?)(?=[，。；\n]|$)"),
    re.compile(
        r"(?:是|系|为)(?P<parent>[^\n，。；：:、是]{2,40}?)(?:的)?(?:所属|下属|直属)[^\n，。；：:]{0,10}?(?:单位|机构)"
    ),
    re.compile(r"隶属于(?P<parent>[^\n，。；：:、]{2,40}?)(?:管理|领导)?(?=[，。；\n]|$)"),
)

# Internal units: the count and where the list starts.
INTERNAL_WORDS = r"(?:机构|科室|处室|股室|部门|职能部门|行政处室|机关行政处室|室)"
INTERNAL_COUNT = (
    re.compile(rf"内设{INTERNAL_WORDS}(?:为|共|有|共有|共计|设)?(?P<n>{NUM})个"),
    re.compile(rf"(?P<n>{NUM})个(?:内设|机关内设|机关)(?:机构|科室|处室|股室|部门|行政处室|室)"),
    re.compile(rf"内设(?P<n>{NUM})个(?:科室|处室|股室|机构|部门|职能部门)"),
)
INTERNAL_LIST = (
    # 内设机构为10个：… / 设5个内设机构，包括：… / 内设机构包括：…
    re.compile(rf"内设{INTERNAL_WORDS}(?:为|共|有|共有|共计|设)?{NUM}个[^：:。\n]{{0,12}}?[:：]"),
    re.compile(rf"{NUM}个(?:内设|机关内设){INTERNAL_WORDS}[，,]?(?:分别为|分别是|包括|具体包括|为|即)[:：]?"),
    re.compile(rf"内设{NUM}个(?:科室|处室|股室|机构|部门)[，,]?(?:分别为|分别是|包括|具体包括|为|即)[:：]?"),
    re.compile(rf"内设{INTERNAL_WORDS}(?:包括|有|为|分别为|分别是)[:：]?"),
)
# 包括监察室、办公室、…、立案庭等13个科室: the list and the count in one sentence.
INTERNAL_ENUM = re.compile(
    rf"(?:包括|设有|下设|内设)(?P<list>[^。：:\n]{{2,400}}?)等(?P<n>{NUM})个(?:内设)?(?:科室|处室|股室|内设机构|机构|职能部门|部门)"
)
INTERNAL_SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十][)）](?:机关)?内设(?:机构|科室|处室)[:：]?$", re.M)

# A list item that is a numbered line: "1. 普陀区司法局本部", "2、组织人事处", "（3）教育处".
NUMBERED = re.compile(r"^(?:(?P<n>\d{1,3})[.、．]|[（(](?P<m>\d{1,3})[)）])\s*(?P<item>.*)$")
# Where an inline list stops: a line starting a heading or a new item.
NEW_BLOCK = re.compile(rf"^(?:{PART}|{CN_ITEM}|{PAREN_ANY}|{DIGIT_ITEM}|名词解释)")
LIST_SPLIT = "、；;，,"
NOT_A_NAME = re.compile(
    r"\d|下设|包括|负责|主要|承担|共有|其中|以下|如下|详见|见下表|编制|单位名称|序号|^[本我该各]|^等$"
)
# Table cells that are not unit names: headers, funding kinds, numbers, dashes.
TABLE_HEADER = re.compile(
    r"^(?:序号|单位名称|单位|经费性质|经费形式|人员编制数|编制数|在职人数|实有人数|备注|性质|级次|单位性质)+$"
)
FUNDING = re.compile(r"(?:拨款|核拨|补助|自理|自支|自收自支|差额|全额|定额|财政|经费)$")
REMARK = re.compile(r"[（(][^（）()]*(?:下属|事业单位|参公|行政单位|自收自支|差额|全额)[^（）()]*[)）]")
FILLER = re.compile(r"^[\d.,\-—–－\s/]*$")

# A name is an organisation when it ends like one (after any trailing parenthesis).
ORG_SUFFIXES = (
    "委员会",
    "办事处",
    "人民政府",
    "中心",
    "本级",
    "本部",
    "机关",
    "街道",
    "基地",
    "集团",
    "部门",
    "局",
    "厅",
    "委",
    "办",
    "室",
    "院",
    "会",
    "部",
    "所",
    "站",
    "队",
    "处",
    "府",
    "馆",
    "社",
    "团",
    "联",
    "校",
    "学",
    "园",
    "场",
    "台",
    "署",
    "庭",
    "科",
    "组",
    "行",
    "司",
    "宫",
    "库",
    "狱",
    "店",
    "厂",
    "乡",
    "镇",
    "盟",
    "股",
)
GENERIC_NAMES = {"部门", "单位", "本部门", "本单位", "我单位", "我部门", "该部门", "本级", "机关", "本部"}

# File-name hints, used only when the text says nothing.
NAME_YEAR = re.compile(rf"(?<!\d)({YEAR})(?!\d)")
HASH_RUN = re.compile(r"[0-9a-fA-F]{12,}")
NAME_FINAL = re.compile(r"final|juesuan|accounts|决算", re.I)
NAME_BUDGET = re.compile(r"budget|yusuan|预算", re.I)

# Markers of the kind when the title says nothing.
BUDGET_MARKERS = re.compile(r"(?:部门|单位)预算|预算(?:公开|说明|总表|表|编制|安排)|(?:收支|收入|支出)预算")
FINAL_MARKERS = re.compile(r"决算")
YEAR_KIND = re.compile(rf"({YEAR})年度?(?:[区市县省]级)?(?:部门|单位)?(?:汇总)?(?:预算|决算)")

KINDS = {"预算": "budget", "决算": "final_accounts"}


@dataclass(frozen=True)
class DocumentFacts:
    agency: str | None = None
    parent_agency: str | None = None
    fiscal_year: int | None = None
    doc_kind: str | None = None  # budget · final_accounts
    province: str | None = None
    city: str | None = None
    county: str | None = None
    admin_level: str | None = None  # province · prefecture · county
    region_code: str | None = None
    budget_units: tuple[str, ...] = ()
    internal_units: tuple[str, ...] = ()
    internal_unit_count: int | None = None
    evidence: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False)


_V = TypeVar("_V")


@dataclass(frozen=True)
class _Found(Generic[_V]):
    value: _V
    span: tuple[int, int]  # normalized offsets
    source: str = ""


# --- small helpers --------------------------------------------------------------------


def _cn_int(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    digits["两"] = 2
    if s == "十":
        return 10
    if "十" in s:
        tens, _, ones = s.partition("十")
        t = digits.get(tens, None) if tens else 1
        o = digits.get(ones, None) if ones else 0
        return None if t is None or o is None else t * 10 + o
    return digits.get(s) if len(s) == 1 else None


def _strip_trailing_paren(name: str) -> str:
    return re.sub(r"[（(][^（）()]*[)）]$", "", name)


def is_region_only(name: str) -> bool:
    return bool(name) and match_region_name(name) is not None


def looks_like_agency(name: str | None) -> bool:
    """An organisation's name: ends like one, no digits, not only a region or a pronoun."""
    if not name:
        return False
    core = _strip_trailing_paren(name)
    if not (2 <= len(core) <= 50) or name in GENERIC_NAMES or core in GENERIC_NAMES:
        return False
    if re.search(r"\d|[，。；：:、]", core) or core[0] in "本我该各其":
        return False
    if not core.endswith(ORG_SUFFIXES):
        return False
    return not is_region_only(core)


def _clean_name(name: str) -> str:
    name = re.sub(r"\s+", "", name)
    name = TOC_PREFIX.sub("", name)
    name = TITLE_LEAD.sub("", name)
    name = re.sub(r"[（(](?:部门|单位)[)）]$", "", name)
    return name.strip("“”\"'《》「」:：，,。.;；")


def _region_form(pre: str, text: str) -> str:
    """The written form of the region ``pre`` names that the document uses most:
    平潭 → 平潭综合实验区 when the text says 平潭综合实验区 more than 平潭县."""
    m = match_region_name(pre)
    if m is None or len(m.codes) != 1:
        return pre
    g = gazetteer()
    code = m.codes[0]
    forms = [
        n for n, entries in g.names.items() if any(e.code == code and e.kind in ("full", "alias") for e in entries)
    ]
    counts = {f: text.count(f) for f in forms if len(f) > len(pre)}
    if not counts or max(counts.values()) == 0:
        return pre
    return max(counts, key=lambda f: (counts[f], len(f)))


def canonical_agency(name: str, text: str = "", region_prefix: str | None = None) -> str:
    """The three canonical fixes described in the module docstring."""
    name = _clean_name(name)
    if region_prefix:
        name = _region_form(region_prefix, text) + name
    if not name.startswith(("中共", "中国共产党")):
        m = match_region_prefix(name)
        rest = name[m.end :] if m else ""
        if (
            m
            and m.start == 0
            and rest.startswith("委")
            and not rest.startswith("委员会")
            and m.surface[-1] in "省市区县州盟旗"
        ):
            name = "中共" + name
    if name.endswith(("乡", "镇")) and len(name) >= 3:
        name += "人民政府"
    elif name.endswith("街道") and len(name) >= 4:
        name += "办事处"
    return name


# --- the lines of the normalized text -------------------------------------------------


def _lines(t: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for raw in t.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append((pos + lead, pos + lead + len(stripped), stripped))
        pos += len(raw) + 1
    return out


def _lines_from(t: str, base: int) -> Iterator[tuple[int, int, str]]:
    """``_lines(t[base:])`` one line at a time (offsets from ``base``), without copying the
    rest of the text: a list reads only as many lines as it spans."""
    n, pos = len(t), base
    while pos <= n:
        nl = t.find("\n", pos)
        if nl < 0:
            nl = n
        raw = t[pos:nl]
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            yield (pos + lead - base, pos + lead + len(stripped) - base, stripped)
        pos = nl + 1


def _head(lines: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    head = []
    for ln in lines[:HEAD_LINES]:
        if HEAD_STOP.match(ln[2]):
            break
        head.append(ln)
    return head


# --- title ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Title:
    agency: str | None
    region_hint: str | None
    year: int
    kind: str
    unit_level: bool  # 单位预算 (a unit's own budget)
    span: tuple[int, int]  # the whole title (flat view)
    agency_span: tuple[int, int] | None = None
    year_span: tuple[int, int] | None = None
    kind_span: tuple[int, int] | None = None


def _parse_title(m: re.Match, offs: list[int], text: str) -> _Title:
    """``offs[i]`` is the flat-view offset of character ``i`` of the matched string."""

    def span(a: int, b: int) -> tuple[int, int]:
        return (offs[a], offs[b - 1] + 1) if b > a else (offs[a], offs[a])

    pre, post = _clean_name(m.group("pre")), _clean_name(m.group("post"))
    agency = region_hint = agency_span = None
    if pre and post and is_region_only(pre) and not match_region_prefix(post):
        agency, region_hint = canonical_agency(post, text, region_prefix=pre), pre
        agency_span = span(m.start("pre"), m.end("post"))
    elif pre and not is_region_only(pre):
        agency, agency_span = canonical_agency(pre, text), span(*m.span("pre"))
    elif post and not is_region_only(post):
        agency, agency_span = canonical_agency(post, text), span(*m.span("post"))
        region_hint = pre or None
    else:
        region_hint = pre or post or None
    if agency and not looks_like_agency(agency):
        agency = agency_span = None
    return _Title(
        agency,
        region_hint,
        int(m.group("year")),
        KINDS[m.group("kind")],
        m.group("unit") == "单位",
        span(0, len(m.group(0))),
        agency_span,
        span(*m.span("year")),
        span(*m.span("kind")),
    )


def _find_title(lines: list[tuple[int, int, str]], text: str) -> _Title | None:
    """The first run of 1–4 cover lines that reads as a title (a full match)."""
    head = _head(lines)
    found: _Title | None = None
    for i in range(len(head)):
        joined = ""
        offs: list[int] = []
        for j in range(i, min(i + HEAD_WINDOW, len(head))):
            joined += head[j][2]
            offs += range(head[j][0], head[j][1])
            if len(joined) > 90:
                break
            m = next((m for p in TITLES if (m := p.fullmatch(joined))), None)
            if m:
                t = _parse_title(m, offs, text)
                if t.agency:
                    return t
                if found is None:
                    found = _agency_beside(t, head, i, j, text)
                break
    return found


def _agency_beside(title: _Title, head: list[tuple[int, int, str]], i: int, j: int, text: str) -> _Title:
    """A title without an agency takes one from the cover line just after or before it:
    "2019年度部门决算公开" / "西安市雁塔区审计局"."""
    for k in (j + 1, i - 1):
        if 0 <= k < len(head):
            name = _clean_name(head[k][2])
            if looks_like_agency(name):
                return dataclasses.replace(
                    title, agency=canonical_agency(name, text), agency_span=(head[k][0], head[k][1])
                )
    return title


def _toc_titles(lines: list[tuple[int, int, str]], text: str) -> list[_Title]:
    """Title-like lines elsewhere: 第二部分 江苏省高级人民法院 2017 年度部门预算表."""
    out = []
    for start, end, line in lines[:200]:
        body = TOC_PREFIX.sub("", line)
        m = TITLE.fullmatch(body)
        if m:
            first = start + len(line) - len(body)
            t = _parse_title(m, list(range(first, end)), text)
            if t.agency:
                out.append(t)
    return out


# --- lists ----------------------------------------------------------------------------


def _split_items(s: str) -> list[str]:
    """Split at 、；， outside parentheses; keep 政务公开办公室（《…》编辑部） whole."""
    items: list[str] = []
    depth = 0
    cur: list[str] = []
    for ch in s:
        if ch in "（(《":
            depth += 1
        elif ch in "）)》":
            depth = max(0, depth - 1)
        if ch in LIST_SPLIT and depth == 0:
            items.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    items.append("".join(cur))
    return [_clean_item(x) for x in items if _clean_item(x)]


def _clean_item(s: str) -> str:
    s = re.sub(r"\s+", "", s).strip("。.；;，,：:")
    s = re.sub(r"^(?:\d{1,3}[.、．]|[（(]\d{1,3}[)）])", "", s)
    if s.endswith("等") and len(s) > 3:
        s = s[:-1]
    return s


def _valid_items(items: list[str]) -> bool:
    return bool(items) and all(2 <= len(x) <= 40 and not NOT_A_NAME.search(_strip_trailing_paren(x)) for x in items)


def _numbered_items(t: str, pos: int) -> tuple[list[str], int] | None:
    """Consecutive numbered lines from ``pos`` (1. A / 2. B …)."""
    items, expect, end = [], None, pos
    for _start, stop, line in _lines_from(t, pos):
        m = NUMBERED.match(line)
        if not m:
            break
        n = int(m.group("n") or m.group("m"))
        if expect is not None and n != expect:
            break
        # a line may carry several items: "具体包括：1. A 2. B" is rare; one per line here
        items.append(_clean_item(m.group("item")))
        expect, end = n + 1, pos + stop
    if len(items) >= 1 and expect is not None:
        return items, end
    return None


def _inline_items(t: str, pos: int, limit: int = 600) -> tuple[list[str], int]:
    """An inline list from ``pos`` to 。 or to a line that starts a heading/new item."""
    end = min(len(t), pos + limit)
    stop = t.find("。", pos, end)
    if stop >= 0:
        end = stop
    nl = pos
    while True:
        nl = t.find("\n", nl, end)
        if nl < 0:
            break
        rest = t[nl + 1 : end].lstrip()
        if not rest or NEW_BLOCK.match(rest) or not t[pos:nl].strip():
            if t[pos:nl].strip():
                end = nl
                break
        nl += 1
    return _split_items(t[pos:end]), end


def _table_units(t: str, pos: int) -> tuple[list[str], int] | None:
    """Unit names from a table flattened to lines (单位名称 / 经费性质 / 人员编制数 …)."""
    lines = list(islice(_lines_from(t, pos), 80))
    if not lines or not re.search(r"单位名称|序号", lines[0][2]):
        return None
    units: list[str] = []
    pending = ""
    end = pos
    for _start, stop, line in lines:
        if NEW_BLOCK.match(line) and not NUMBERED.match(line) or HEAD_STOP.match(line):
            break
        cell = re.sub(r"\s+", "", line)
        if TABLE_HEADER.match(cell):
            end = pos + stop
            continue
        cell = re.sub(r"^\d{1,3}(?=[^\d.])", "", cell)
        cell = REMARK.sub("", cell)
        if not cell or FILLER.match(cell) or FUNDING.search(cell):
            end = pos + stop
            continue
        if pending:
            cell, pending = pending + cell, ""
        if _strip_trailing_paren(cell).endswith(ORG_SUFFIXES):
            units.append(cell)
        else:
            pending = cell
        end = pos + stop
    units = [
        u
        for u in units
        if all(looks_like_agency(p) or p.endswith(("本级", "（本级）", "(本级)")) for p in u.split("、"))
    ]
    return (units, end) if units else None


def _list_after(t: str, pos: int) -> tuple[list[str], int] | None:
    """The list that starts at ``pos``: a table, numbered lines, or inline items."""
    p = pos
    while p < len(t) and t[p].isspace():  # t[pos:].lstrip(), without copying the rest
        p += 1
    tab = _table_units(t, p)
    if tab:
        return tab
    num = _numbered_items(t, p)
    if num:
        return num
    items, end = _inline_items(t, p)
    return (items, end) if items else None


# --- the extraction -------------------------------------------------------------------


def _labels(t: str) -> list[tuple[str, str, tuple[int, int]]]:
    out = []
    for m in LABEL.finditer(t):
        name = _clean_name(m.group("name"))
        if looks_like_agency(name) and not _strip_trailing_paren(name).endswith(("本级", "本部")):
            out.append((m.group("role"), canonical_agency(name, t), m.span("name")))
    return out


def _scope(t: str) -> list[re.Match]:
    return list(SCOPE.finditer(t))


def _headings(t: str) -> list[tuple[str, tuple[int, int]]]:
    out = []
    for m in HEADING.finditer(t):
        name = _clean_name(m.group("agency"))
        if looks_like_agency(name):
            out.append((canonical_agency(name, t), m.span("agency")))
    return out


def _parent(t: str, agency: str | None) -> _Found[str] | None:
    for pattern in PARENT:
        for m in pattern.finditer(t):
            name = _clean_name(m.group("parent"))
            if looks_like_agency(name) and name != agency:
                return _Found(name, m.span("parent"), pattern.pattern[:12])
    return None


def _budget_units(t: str) -> _Found[tuple[str, ...]] | None:
    candidates = [m.end() for p in (SCOPE_UNITS, COUNTED_UNITS) for m in p.finditer(t)]
    for m in DETAIL_UNITS.finditer(t):
        if DETAIL_UNITS_CONTEXT.search(t, max(0, m.start() - 160), m.start()):
            candidates.append(m.end())
    for pos in sorted(candidates):
        got = _list_after(t, pos)
        if got and _valid_items(got[0]):
            items, end = got
            return _Found(tuple(dict.fromkeys(items)), (pos, end), "units")
    return None


def _internal_units(t: str) -> tuple[_Found[tuple[str, ...]] | None, _Found[int] | None]:
    count = None
    for pattern in INTERNAL_COUNT:
        m = pattern.search(t)
        if m and (count is None or m.start() < count.span[0]):
            n = _cn_int(m.group("n"))
            if n is not None:
                count = _Found(n, m.span("n"), "count")
    units = None
    for m in INTERNAL_ENUM.finditer(t):
        items = _split_items(m.group("list"))
        n = _cn_int(m.group("n"))
        if _valid_items(items) and len(items) >= 2:
            if count is None or m.start() <= count.span[0]:
                count = _Found(n, m.span("n"), "count") if n is not None else count
            return _Found(tuple(items), m.span("list"), "internal"), count
    starts = sorted(m.end() for p in INTERNAL_LIST for m in p.finditer(t))
    starts += [m.end() for m in INTERNAL_SUBHEADING.finditer(t)]
    for pos in starts:
        got = _list_after(t, pos)
        if got and _valid_items(got[0]) and len(got[0]) >= 2:
            units = _Found(tuple(got[0]), (pos, got[1]), "internal")
            break
    return units, count


def _year_and_kind_from_text(t: str) -> tuple[_Found[int] | None, _Found[str] | None]:
    years: Counter[int] = Counter()
    first: dict[int, tuple[int, int]] = {}
    for m in YEAR_KIND.finditer(t):
        y = int(m.group(1))
        years[y] += 1
        first.setdefault(y, m.span(1))
    year = None
    if years:
        y = max(years, key=lambda k: (years[k], k))
        year = _Found(y, first[y], "text")
    n_final = len(FINAL_MARKERS.findall(t))
    n_budget = len(BUDGET_MARKERS.findall(t))
    kind = None
    if n_final or n_budget:
        k = "final_accounts" if n_final > n_budget else "budget"
        marker = (FINAL_MARKERS if k == "final_accounts" else BUDGET_MARKERS).search(t)
        assert marker is not None  # the pattern counted at least one
        kind = _Found(k, marker.span(), "markers")
    return year, kind


def _hints_from_name(source_name: str | None) -> tuple[int | None, str | None]:
    if not source_name:
        return None, None
    source_name = HASH_RUN.sub(" ", source_name)  # 2c90b38b…1980… is a hash, not a year
    m = NAME_YEAR.search(source_name)
    kind = "final_accounts" if NAME_FINAL.search(source_name) else "budget" if NAME_BUDGET.search(source_name) else None
    return (int(m.group(1)) if m else None), kind


# --- the fact methods ------------------------------------------------------------------
# Each fact is found by an ordered list of small functions (AGENCY_METHODS, …): each looks
# in one place and returns the fact (a _Hit, or a Region) or None for "not found"; ``first_found``
# tries them in order.


@dataclass(frozen=True)
class _Hit:
    value: object
    span: tuple[int, int] | None  # stored-text offsets; None when the text has no span (file name)


class _Doc:
    """What the fact methods read: two normalized views of one text (line by line as printed
    for the cover, labels and headings; PDF line wraps joined for sentences and lists), the
    cover title, the labels and the scope sentences. Other parts are read once, on first use."""

    def __init__(self, text: str, source_name: str | None) -> None:
        source = text.replace("\f", "\n")
        self.flat: Normalized = normalize(source)
        self.norm: Normalized = normalize(source, join_wrapped=True)
        self.f, self.t = self.flat.text, self.norm.text
        self.source_name = source_name
        self.lines = _lines(self.f)
        self.title = _find_title(self.lines, self.f)
        self.labels = _labels(self.f)
        self.scopes = _scope(self.t)
        self.unit_level = bool(self.title and self.title.unit_level)
        self.department_label = next(((n, s) for r, n, s in self.labels if r in DEPARTMENT_ROLES), None)
        self.unit_label = next(((n, s) for r, n, s in self.labels if r in UNIT_ROLES), None)

    @cached_property
    def toc_titles(self) -> list[_Title]:
        return _toc_titles(self.lines, self.f)

    @cached_property
    def year_and_kind_in_text(self) -> tuple[_Found[int] | None, _Found[str] | None]:
        return _year_and_kind_from_text(self.t)

    def on_flat(self, value: object, span: tuple[int, int]) -> _Hit:
        return _Hit(value, self.flat.span(*span))

    def on_norm(self, value: object, span: tuple[int, int]) -> _Hit:
        return _Hit(value, self.norm.span(*span))


# agency


def _agency_from_unit_label(doc: _Doc) -> _Hit | None:
    """A unit label, when the title is a unit budget (单位预算) or there is no department label:
    预算单位：上海市普陀区社会福利院."""
    unit = doc.unit_label
    if unit and (doc.unit_level or not doc.department_label):
        return doc.on_flat(*unit)
    return None


def _agency_from_department_label(doc: _Doc) -> _Hit | None:
    """A department label: 部门：中共江苏省委办公厅 单位：万元, 预算主管部门：怀化市民政局."""
    dept = doc.department_label
    return doc.on_flat(*dept) if dept else None


def _agency_from_title(doc: _Doc) -> _Hit | None:
    """The cover title: 怀化市民政局2024年部门预算, 2015年度X决算说明, 平潭2016年社会事业局部门预算说明."""
    title = doc.title
    if title and title.agency:
        return doc.on_flat(title.agency, title.agency_span or title.span)
    return None


def _agency_from_scope(doc: _Doc) -> _Hit | None:
    """The scope sentence: 纳入2024年怀化市政务服务中心部门预算编制范围."""
    for m in doc.scopes:
        name = _clean_name(m.group("agency"))
        if looks_like_agency(name):
            return doc.on_norm(canonical_agency(name, doc.t), m.span("agency"))
    return None


def _agency_from_heading(doc: _Doc) -> _Hit | None:
    """The first heading that names it: 怀化市政务服务中心部门职责, 上海市普陀区司法局主要职能."""
    heads = _headings(doc.f)
    return doc.on_flat(*heads[0]) if heads else None


def _agency_from_toc(doc: _Doc) -> _Hit | None:
    """A title-like line elsewhere (table of contents): 第二部分 江苏省高级人民法院 2017 年度部门预算表."""
    tocs = doc.toc_titles
    return doc.on_flat(tocs[0].agency, tocs[0].agency_span or tocs[0].span) if tocs else None


AGENCY_METHODS = (
    _agency_from_unit_label,
    _agency_from_department_label,
    _agency_from_title,
    _agency_from_scope,
    _agency_from_heading,
    _agency_from_toc,
)


# parent agency (given the agency found)


def _parent_from_labels(doc: _Doc, agency: str | None) -> _Hit | None:
    """A unit budget's department label, when the agency is the unit label's and differs:
    预算主管部门：怀化市民政局 / 预算单位：怀化市社会福利院 → 怀化市民政局."""
    unit, dept = doc.unit_label, doc.department_label
    if unit and (doc.unit_level or not dept) and dept and dept[0] != unit[0]:
        return doc.on_flat(*dept)
    return None


def _parent_from_sentences(doc: _Doc, agency: str | None) -> _Hit | None:
    """A sentence, most specific pattern first (PARENT): X作为Y二级预算单位, 主管部门为Y,
    是Y所属事业单位, 隶属于Y."""
    found = _parent(doc.t, agency)
    return doc.on_norm(found.value, found.span) if found else None


PARENT_METHODS = (_parent_from_labels, _parent_from_sentences)


# fiscal year


def _year_from_title(doc: _Doc) -> _Hit | None:
    """The cover title: 怀化市民政局2024年部门预算 → 2024."""
    title = doc.title
    return doc.on_flat(title.year, title.year_span or title.span) if title else None


def _year_from_scope(doc: _Doc) -> _Hit | None:
    """The first scope sentence with a year: 纳入2024年怀化市政务服务中心部门预算编制范围 → 2024."""
    m = next((m for m in doc.scopes if m.group("year") or m.group("year2")), None)
    if m is None:
        return None
    group = "year" if m.group("year") else "year2"
    return doc.on_norm(int(m.group(group)), m.span(group))


def _year_from_toc(doc: _Doc) -> _Hit | None:
    """A title-like line elsewhere: 第二部分 江苏省高级人民法院 2017 年度部门预算表 → 2017."""
    tocs = doc.toc_titles
    return doc.on_flat(tocs[0].year, tocs[0].year_span or tocs[0].span) if tocs else None


def _year_from_text(doc: _Doc) -> _Hit | None:
    """The most frequent "YYYY年(度)部门预算/决算" in the text (the later year on a tie)."""
    year = doc.year_and_kind_in_text[0]
    return doc.on_norm(year.value, year.span) if year else None


def _year_from_file_name(doc: _Doc) -> _Hit | None:
    """A year in the file name, a hex hash run removed first: js_swbgt_2019_budget_tables.pdf → 2019."""
    year = _hints_from_name(doc.source_name)[0]
    return _Hit(year, None) if year is not None else None


YEAR_METHODS = (_year_from_title, _year_from_scope, _year_from_toc, _year_from_text, _year_from_file_name)


# kind


def _kind_from_title(doc: _Doc) -> _Hit | None:
    """The cover title: 怀化市民政局2024年部门预算 → budget, 2015年度X决算说明 → final_accounts."""
    title = doc.title
    return doc.on_flat(title.kind, title.kind_span or title.span) if title else None


def _kind_from_scope(doc: _Doc) -> _Hit | None:
    """The first scope sentence: 纳入…部门预算编制范围 → budget."""
    if not doc.scopes:
        return None
    return doc.on_norm(KINDS[doc.scopes[0].group("kind")], doc.scopes[0].span("kind"))


def _kind_from_toc(doc: _Doc) -> _Hit | None:
    """A title-like line elsewhere: 第二部分 江苏省高级人民法院 2017 年度部门预算表 → budget."""
    tocs = doc.toc_titles
    return doc.on_flat(tocs[0].kind, tocs[0].kind_span or tocs[0].span) if tocs else None


def _kind_from_markers(doc: _Doc) -> _Hit | None:
    """决算 vs 预算 markers (部门预算, 预算公开, 收支预算 …) counted: more 决算 → final_accounts."""
    kind = doc.year_and_kind_in_text[1]
    return doc.on_norm(kind.value, kind.span) if kind else None


def _kind_from_file_name(doc: _Doc) -> _Hit | None:
    """A word in the file name: ..._2024_final.pdf → final_accounts, ..._budget.pdf → budget."""
    kind = _hints_from_name(doc.source_name)[1]
    return _Hit(kind, None) if kind else None


KIND_METHODS = (_kind_from_title, _kind_from_scope, _kind_from_toc, _kind_from_markers, _kind_from_file_name)


# region (given the agency and parent found)


def _region_of_agency(doc: _Doc, agency: str | None, parent: str | None) -> Region | None:
    """The gazetteer on the agency, an ambiguous name decided by the text: 怀化市政务服务中心 → 怀化市."""
    return resolve_region(agency, context=doc.t) if agency else None


def _region_of_parent(doc: _Doc, agency: str | None, parent: str | None) -> Region | None:
    """The gazetteer on the parent agency: 怀化市政府办公室 → 怀化市."""
    return resolve_region(parent, context=doc.t) if parent else None


def _region_of_title(doc: _Doc, agency: str | None, parent: str | None) -> Region | None:
    """The region the title names beside the agency: 上海市普陀区2025年区级部门预算 → 普陀区."""
    hint = match_region_name(doc.title.region_hint) if doc.title and doc.title.region_hint else None
    if hint is None:
        return None
    return resolve_region(hint.surface, context=doc.t) if len(hint.codes) > 1 else gazetteer().region(hint.codes[0])


def _region_in_text(doc: _Doc, agency: str | None, parent: str | None) -> Region | None:
    """The region the text mentions most."""
    return resolve_region_in_text(doc.t)


REGION_METHODS = (_region_of_agency, _region_of_parent, _region_of_title, _region_in_text)


def _region_span(doc: _Doc, agency: str | None, region: Region) -> tuple[int, int] | None:
    """Evidence of the region: the agency's region prefix, else the region's name, where the text first has it."""
    m = match_region_prefix(agency) if agency else None
    surface = m.surface if m is not None else region.name
    start = doc.f.find(surface) if surface else -1
    return doc.flat.span(start, start + len(surface)) if start >= 0 else None


# --- the extraction -------------------------------------------------------------------


def extract_document_facts(text: str, source_name: str | None = None) -> DocumentFacts:
    """Agency, parent, fiscal year, kind, region and units of one disclosure."""
    doc = _Doc(text or "", source_name)
    agency = first_found(AGENCY_METHODS, doc)
    name = agency.value if agency else None
    parent = first_found(PARENT_METHODS, doc, name)
    year = first_found(YEAR_METHODS, doc)
    kind = first_found(KIND_METHODS, doc)
    region = first_found(REGION_METHODS, doc, name, parent.value if parent else None)
    budget_units = _budget_units(doc.t)
    internal, count = _internal_units(doc.t)

    ev: dict[str, tuple[int, int]] = {}
    for key, hit in (("agency", agency), ("parent_agency", parent), ("fiscal_year", year), ("doc_kind", kind)):
        if hit is not None and hit.span is not None:
            ev[key] = hit.span
    region_span = _region_span(doc, name, region) if region is not None else None
    if region_span is not None:
        ev["region_code"] = region_span
    for key, found in (("budget_units", budget_units), ("internal_units", internal), ("internal_unit_count", count)):
        if found:
            ev[key] = doc.norm.span(*found.span)

    return DocumentFacts(
        agency=name,
        parent_agency=parent.value if parent else None,
        fiscal_year=year.value if year else None,
        doc_kind=kind.value if kind else None,
        province=region.province if region else None,
        city=region.city if region else None,
        county=region.county if region else None,
        admin_level=region.admin_level if region else None,
        region_code=region.code if region else None,
        budget_units=budget_units.value if budget_units else (),
        internal_units=internal.value if internal else (),
        internal_unit_count=count.value if count else None,
        evidence=ev,
    )
