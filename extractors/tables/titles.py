"""Table titles and header levels: the key of a title, its kind, its number, the measure of a column."""

from __future__ import annotations

import re
from collections.abc import Iterable

from gongkai.extractors.text.normalize import fold
from gongkai.schemas.table_kinds import TableKinds, load_table_kinds

_QUOTES = re.compile(r"[\"'“”‘’「」『』]")


_BLANKS = re.compile(r"\s+")


# The table number printed before the title: 公开01表, 附表1-1, 表1, 表一, 一、, 1., （一）
NUMBER_PREFIX = re.compile(
    r"^(?P<num>公开\d+表|附表\d+(?:[-—]\d+)*|表\d+(?:[-—]\d+)*|表[一二三四五六七八九十]+(?=[、:：])|"
    r"[一二三四五六七八九十]+[、.]|\d+(?:[.、](?!\d)|[.、]?(?=\d{4}年)|\.(?=\s))|[(][一二三四五六七八九十\d]+[)])[:：、.\s]*"
)


# a number standing alone on its own line, or at the end of the unit line
NUMBER_ALONE = re.compile(r"^(公开\d+表|附表\d+(?:[-—]\d+)*|表\d+(?:[-—]\d+)*)$")


NUMBER_IN_LINE = re.compile(r"(公开\d+表|附表\d+(?:[-—]\d+)*)")


_TRAILING_NOTE = re.compile(
    r"\((?P<note>续表?|功能科目|经济科目|按功能分类|按经济分类|(?:\d{4}年度?)|[^()]{0,8}科目)\)$"
)


_CONTINUED = re.compile(r"(\(续表?\)|续表)$")


_NOT_A_TITLE = re.compile(r"(…|\.{4,}|·{3,}|[，。；]|^详见|^见|情况说明|编制说明)")


def key_text(text: str) -> str:
    text = fold(text).replace("（", "(").replace("）", ")")
    return _QUOTES.sub("", _BLANKS.sub("", text))


def title_key(text: str) -> tuple[str, str | None, bool]:
    """(key to match, table number as printed or None, continued?) for a title line."""
    key = key_text(text)
    number = None
    m = NUMBER_PREFIX.match(key)
    if m and len(key) > m.end():
        number = m.group("num")
        key = key[m.end() :]
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
    # the classification a trailing note names ((按支出经济分类科目) …): a kind whose rows are
    # classified the other way is not this table (一般公共预算支出明细表 is printed twice)
    named = _CLASSIFICATION_NOTE.search(key_text(text))
    other = None if named is None else ("economic" if named.group(1) == "功能" else "function")
    for kind in kinds.kinds:
        if other is not None and kind.classification == other:
            continue
        if any(p.search(key) for p in kind.patterns):
            return kind.name
    return None


_CLASSIFICATION_NOTE = re.compile(r"\((?:按)?(?:支出)?(功能|经济)(?:分类)?(?:科目)?\)$")


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
    if found[-1] is None and re.match(r"^其中", key_text(list(levels)[-1])):
        return None  # 一般公共预算拨款 / 其中：专项资金…: a part of the column above, not it
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
        if _subtotal_of_other(list(levels), found):
            return None
    return key


def _subtotal_of_other(levels: list[str], found: list) -> bool:
    """小计/合计 right under a header that names something of its own (支出总表's
    2026年政府采购项目 / 小计 beside 支出总计 | 基本支出 | 项目支出): that group's subtotal,
    not the table's total. A period (2026年预算数 / 小计) or a keyed header is not such a group."""
    if len(levels) < 2 or found[-2] is not None:
        return False
    text = key_text(levels[-2])
    return (
        bool(text)
        and not _PERIOD_LEVEL.match(text)
        and not re.search(
            r"预算|决算|执行|合计|总计|小计|金额|增减|变化|变动|比较|对比|本年|上年|当年|数$",
            _YEAR_PREFIX.sub("", text),
        )
    )


# A header level naming the period of the columns under it: 2025年 / 2025年预算数 / 上年 /
# 上年执行数 / 本年 / 当年. Tables print the previous year beside the current one (上年 | 当年,
# 2019年 | 2020年, 2025年预算数 | 2026年预算数): the columns under the earlier period repeat the
# current keys and must not be read as the current figures.
_PERIOD_LEVEL = re.compile(
    r"^(?:(?P<year>20\d\d)年度?|(?P<previous>上年度?|上一年度?)|本年度?|当年度?)"
    r"(?:(?:部门)?(?:预算|决算|执行|预计执行)数?|数)?$"
)


def previous_period_keys(level_lists: list[tuple[str, ...]], keys: list[str | None]) -> list[str | None]:
    """The keys of columns, those under an earlier period's header marked ``<key>_previous``.

    A column is of the previous period when one of its header levels says 上年 (上年预算数 …),
    or names a year earlier than another year heading columns of the same table
    (2019年 | 2020年): the latest year is the table's current one."""
    periods: list[list[tuple[str | None, bool]]] = []
    years: set[int] = set()
    for levels in level_lists:
        found = []
        for level in levels:
            m = _PERIOD_LEVEL.match(key_text(level))
            if m:
                found.append((m.group("year"), bool(m.group("previous"))))
                if m.group("year"):
                    years.add(int(m.group("year")))
        periods.append(found)
    latest = max(years) if len(years) >= 2 else None
    out: list[str | None] = []
    for found, key in zip(periods, keys):
        previous = any(p or (latest is not None and y is not None and int(y) < latest) for y, p in found)
        if previous and key is not None and not key.endswith("_previous"):
            key = "budget_previous" if key == "budget" else f"{key}_previous"
        out.append(key)
    return out
