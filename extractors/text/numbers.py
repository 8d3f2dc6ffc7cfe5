"""Amounts, percentages and counts as printed in budget disclosures.

Small pure functions in the style of price-parser: each returns a frozen
dataclass or ``None`` for "not found". Money is :class:`~decimal.Decimal`,
never float.

* :func:`parse_quantity` reads a string that is exactly one quantity
  ("1094.8万元", "１２．５万元", "百分之八点八", "壹佰贰拾叁元肆角伍分", "17个").
* :func:`find_quantities` scans running prose (the normalized view, see
  extractors/text/normalize.py) and returns every quantity with its span.
* :func:`parse_unit_header` reads a table's unit line ("单位：万元").

``Quantity.value`` is always the magnitude; a printed minus sign sets
``negative`` (the caller applies it). Direction words (增加/减少) are the
caller's business: "减少0.8万元" is a match of 8000 with ``negative=False``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Context, Decimal
from functools import lru_cache

from gongkai.extractors.text.normalize import fold, normalize

__all__ = [
    "Quantity",
    "QuantityMatch",
    "UNITS",
    "find_quantities",
    "parse_quantity",
    "parse_unit_header",
]


@dataclass(frozen=True)
class Quantity:
    value: Decimal  # magnitude: yuan for money, 8.8 for 8.8%, an integer for counts
    unit: str  # "yuan" | "percent" | "count"
    unit_text: str  # unit as printed ("万元", "%", "个"); "" when it came from default_unit
    scale: Decimal  # multiplier applied to the printed number (10000 for 万元)
    resolution: Decimal  # one unit in the last printed digit, in base units (1094.8万元 -> 1000)
    negative: bool = False  # printed with a minus sign


@dataclass(frozen=True)
class QuantityMatch:
    start: int  # span in the scanned string [start, end)
    end: int
    raw: str  # text[start:end]
    quantity: Quantity
    range_high: Decimal | None = None  # "2-3次": quantity is the low end, this the high end


# --- vocabulary -------------------------------------------------------------------
# Unit as printed -> (kind, power of ten). The regex alternation is built from
# this table longest first, so "万元" wins over "万" and "人次" over "人".
UNITS: dict[str, tuple[str, int]] = {
    # money
    "万亿元": ("yuan", 12),
    "千万元": ("yuan", 7),
    "百万元": ("yuan", 6),
    "亿元": ("yuan", 8),
    "万元": ("yuan", 4),
    "千元": ("yuan", 3),
    "元": ("yuan", 0),
    "亿": ("yuan", 8),  # bare 亿/万 right after a number is money: "3亿", "50万"
    "万": ("yuan", 4),
    # percent; "个百分点" (a difference of percentages) is kept apart from the count 个
    "个百分点": ("percent", 0),
    "%": ("percent", 0),
    # counts (an arabic integer only: "一名", "三公" are words)
    "人次": ("count", 0),
    "批次": ("count", 0),
    **{u: ("count", 0) for u in "个人辆台套项家户名所处次"},
}

# What may not follow a unit, to keep words out. Table rows lose their blanks in
# the normalized view ("11,700.63人员经费", "2,938.21项目支出"), and codes run
# into names ("30310个人农业生产补贴", "2010104人大会议"); also 3个月 (a duration),
# 100人民币, 5处室, 3万人 / 5万平方米 (not money), 3万5千元 (not supported:
# nothing rather than two wrong figures).
_NOT_MONEY_AFTER_BARE = "人个辆台套项家户名所处次平米吨亩册份件张本字条座间公"
_UNIT_GUARD = {
    "个": r"(?!月|人|体|税)",
    "人": r"(?!民|大|员|口|才|事|力|身|均|数)",
    "项": r"(?!目)",
    "家": r"(?!庭|具)",
    "户": r"(?!籍|口)",
    "名": r"(?!称|义|单)",
    "所": r"(?!属|得|在|有|需)",
    "处": r"(?!室|理|置)",
    "次": r"(?!年|月|日)",
    "台": r"(?!湾|账|阶)",
    "万": rf"(?![余多]?[{_NOT_MONEY_AFTER_BARE}]|\d)",
    "亿": rf"(?![余多]?[{_NOT_MONEY_AFTER_BARE}]|\d)",
}


def _unit_regex(unit: str) -> str:
    # A PDF line break may split the unit: "事业收入0万\n元".
    if len(unit) >= 2 and unit.endswith("元"):
        body = re.escape(unit[:-1]) + r"\n?元"
    else:
        body = re.escape(unit)
    return body + _UNIT_GUARD.get(unit, "")


_BY_LENGTH = sorted(UNITS, key=len, reverse=True)
_UNIT_ALT = "|".join(_unit_regex(u) for u in _BY_LENGTH)

# Arabic numbers (on folded text). Thousands separators in groups of three
# ("1,094.80"); the first group's length (1-3) is checked after matching.
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
# A number ends where no digit, ".digit" or ",digit" follows: "2024.1.1" is a
# date, "1,2345" and "8,9" are not numbers with separators.
_NUM_END = r"(?![0-9]|[.,][0-9])"
# Range separators: 2-3次, 2~3次 (～ folds to ~), 2至3次, 2到3次, 2—3次.
_RANGE_SEP = r"[-~至到—]"
# A number may not start glued to these (checked on the character before the
# number, or before its minus sign): "A12", "1.2024", "3/25", "x_1".
_GLUE = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_./")

# Chinese numerals: lowercase and 大写 (financial) forms, with traditional variants.
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
    "壹": 1,
    "贰": 2,
    "貳": 2,
    "叁": 3,
    "參": 3,
    "肆": 4,
    "伍": 5,
    "陆": 6,
    "陸": 6,
    "柒": 7,
    "捌": 8,
    "玖": 9,
}
_CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_DAXIE = frozenset("壹贰貳叁參肆伍陆陸柒捌玖拾佰仟圆")
_D = "".join(_CN_DIGITS)
_S = "".join(_CN_SMALL)
_B = "".join(_CN_BIG)
_CN_NUM = rf"[{_D}{_S}{_B}]+(?:点[{_D}]+[{_B}]*)?"
# 几十万元, 数十万元, 若干: approximate, not numbers (上千万元, 百万元 have no digit).
_CN_NOT_AFTER = frozenset("几数多余若")
# 一元化, 多元素: words, not money.
_CN_YUAN_WORD = frozenset("化素论")

# --- the scanner ----------------------------------------------------------------------
# One compiled alternation whose branches start with a consuming character class
# (no leading look-behind), scanned once; the context checks that regexes
# would do per position are done in Python per match.
_SCAN = re.compile(
    rf"""
    (?=[0-9{_D}{_S}{_B}])   # a cheap first-character test lets the engine skip prose fast
    (?:
    (?P<num>{_NUM}){_NUM_END}
    (?:(?P<rsep>{_RANGE_SEP})(?P<num2>{_NUM}){_NUM_END})?
    (?P<unit>{_UNIT_ALT})?
    |
    百分之(?:(?P<pct_ar>{_NUM}){_NUM_END}|(?P<pct_cn>[{_D}{_S}]+(?:点[{_D}]+)?))
    |
    (?P<cn>{_CN_NUM})(?P<cnyuan>[元圆])
    (?:(?P<jiao>零?[{_D}])角)?(?:(?P<fen>零?[{_D}])分)?(?P<zheng>整)?
    )
    """,
    re.VERBOSE,
)

# A bare number (no unit) followed by one of these is a year, a date, an
# ordinal, a list number or a measure ("2024年", "1.2024年", "3/25", "3:00",
# "1、", "1.", "3万人"; "第3页" is checked before). Normalized table rows glue
# cells to the next label ("27,664.22一、一般公共服务支出"), so other CJK may follow.
_BARE_BAD_AFTER = re.compile(
    r"[/:：]\d|[-、.]|[A-Za-z]"
    r"|[年月日号时分秒页章节条款类级届期岁周天度倍位件份张本册米吨亩万亿千百]"
)
# A "-" after one of these is a dash between two figures, not a minus sign.
_UNIT_FINAL = frozenset(u[-1] for u in UNITS)

# Table unit lines: 单位：万元, 金额单位：万元, （单位：亿元）, 单位: 万元, 单位：人民币元,
# 单位（万元）; but not 编制单位：上海市… (no unit word after the colon).
_UNIT_HEADER = re.compile(
    r"单位\s*(?:[:：]|(?=[（(]))\s*[（(]?\s*(?:人民币)?\s*"
    rf"(?P<unit>{'|'.join(re.escape(u) for u in _BY_LENGTH)})"
    r"(?![\u3400-\u9fffA-Za-z0-9])"
)

# Full-width number characters that fold() maps (normalized text has none).
_NEEDS_FOLD = re.compile(r"[０-９．％－＋～﹪−–]")

_ONE = Decimal(1)
# Exact arithmetic for anything a document prints (the default context keeps 28 digits).
_CTX = Context(prec=80)
_MAX_DIGITS = 30
_FEN = Decimal("0.01")


# --- helpers --------------------------------------------------------------------------
def _canon(d: Decimal) -> Decimal:
    """Plain, exponent-free form: 1.0948E+7 -> 10948000, 125.990 -> 125.99."""
    if d == d.to_integral_value(context=_CTX):
        return d.quantize(_ONE, context=_CTX)
    return d.normalize(context=_CTX)


def _valid_arabic(s: str) -> bool:
    """Thousands groups need 1-3 leading digits; no leading zeros ("05", "0745")."""
    if "," in s and s.index(",") > 3:
        return False
    if len(s) > _MAX_DIGITS:
        return False  # an identifier, not an amount
    return not (len(s) > 1 and s[0] == "0" and s[1].isdigit())


def _scaled(s: str, power: int) -> tuple[Decimal, Decimal]:
    """(value, resolution) of the arabic number ``s`` times 10**power."""
    d = Decimal(s.replace(",", ""))
    exp = d.as_tuple().exponent
    assert isinstance(exp, int)  # finite: s is digits
    return _canon(d.scaleb(power, context=_CTX)), _canon(_ONE.scaleb(exp + power, context=_CTX))


def _cn_int(s: str) -> int | None:
    """Integer value of a Chinese numeral without 点, or None if malformed."""
    if not s:
        return None
    if all(ch in _CN_DIGITS for ch in s):  # 二〇二四, 零: digit by digit
        return int("".join(str(_CN_DIGITS[ch]) for ch in s))
    total = 0  # sections closed by 万/亿
    section = 0  # the open section (< 10000)
    digit: int | None = None
    last_unit: int | None = None
    zero = False  # a 零 since the last unit: 一万零五 = 10005, not 15000
    last_big: int | None = None
    for i, ch in enumerate(s):
        if ch in _CN_DIGITS:
            d = _CN_DIGITS[ch]
            if digit:  # 一二百, 五零: two digits in a row
                return None
            if d == 0:
                zero = True
            else:
                digit = d
        elif ch in _CN_SMALL:
            unit = _CN_SMALL[ch]
            if digit is None:
                # a bare 十 reads 一十: 十二, 一万十二, 一百零十
                if unit == 10 and (i == 0 or s[i - 1] in _CN_BIG or zero):
                    digit = 1
                else:
                    return None
            section += digit * unit
            digit, last_unit, zero = None, unit, False
        else:  # 万 / 亿
            unit = _CN_BIG[ch]
            if digit:
                section += digit
            if section == 0 and total == 0:
                return None  # 万 with no number before it
            if last_big is None or last_big <= unit:
                total = (total + section) * unit  # 一万亿, 一万零五万 = 10005 × 万
            else:
                total += section * unit  # 三亿五千万
            section, digit, last_unit, zero = 0, None, unit, False
            last_big = unit
    if digit:
        # a digit right after a unit of 百 or more is one place lower:
        # 一万五 = 15000, 三千二 = 3200, 一百二 = 120
        if last_unit and last_unit >= 100 and not zero and s[-2] not in _CN_DIGITS:
            digit *= last_unit // 10
        section += digit
    return total + section


def _cn_number(s: str) -> tuple[Decimal, Decimal, int] | None:
    """(value, resolution, multiplier) of a Chinese numeral with optional 点 decimals.

    The multiplier is that of the 万/亿 *after* the decimals: "一千零九十四点八万"
    is 1094.8 × 10000 (a popular library reads it as 80000).
    """
    if len(s) > _MAX_DIGITS:
        return None
    if "点" in s:
        int_part, frac = s.split("点", 1)
        digits = frac.rstrip(_B)
        bigs = frac[len(digits) :]
        if not digits or any(ch not in _CN_DIGITS for ch in digits):
            return None
        power = sum(4 if _CN_BIG[ch] == 10**4 else 8 for ch in bigs)
        if power > 16:
            return None
        iv = _cn_int(int_part)
        if iv is None or iv >= 10**_MAX_DIGITS:
            return None
        number = f"{iv}.{''.join(str(_CN_DIGITS[c]) for c in digits)}"
        value, res = _scaled(number, power)
        return value, res, 10**power
    iv = _cn_int(s)
    if iv is None or iv >= 10**_MAX_DIGITS:
        return None
    step = 1
    if not all(ch in _CN_DIGITS for ch in s):
        # the last printed digit of 叁万伍仟 is at 千; 二〇二〇 prints its zeros
        v = iv
        while v and v % 10 == 0:
            v //= 10
            step *= 10
    return Decimal(iv), Decimal(step), 1


def _default_unit(default_unit: str | None) -> str | None:
    if not default_unit:
        return None
    unit = fold(default_unit).strip()
    if unit not in UNITS:
        raise ValueError(f"unknown default_unit {default_unit!r}; known: {', '.join(UNITS)}")
    return unit


# --- building quantities (cached: documents repeat their figures) -----------------------
@lru_cache(maxsize=4096)
def _arabic_quantity(
    num: str, num2: str | None, unit_text: str | None, default: str | None, negative: bool
) -> tuple[Quantity, Decimal | None] | None:
    if not _valid_arabic(num) or (num2 is not None and not _valid_arabic(num2)):
        return None
    if unit_text is not None:
        shown = unit_text
    elif default is not None:
        unit_text, shown = default, ""
    else:
        return None
    kind, power = UNITS[unit_text]
    if kind == "count" and ("." in num or (num2 is not None and "." in num2)):
        return None  # 1.5个 is not a count
    value, res = _scaled(num, power)
    if kind == "count":
        res = _ONE
    high = None
    if num2 is not None:
        high = _scaled(num2, power)[0]
        if negative or high <= value:
            return None  # 2023-12, 3-1: not a range
    return Quantity(value, kind, shown, Decimal(10) ** power, res, negative), high


@lru_cache(maxsize=1024)
def _cn_money(cn: str, yuan_char: str, jiao: str | None, fen: str | None, zheng: bool) -> Quantity | None:
    parsed = _cn_number(cn)
    if parsed is None:
        return None
    value, res, mult = parsed
    # unit as printed: 万元/亿元 when the numeral ends in the one 万/亿 that acts
    # as the unit ("十二万元", "一千零九十四点八万元"), else 元 ("三亿五千万元").
    unit_text, scale = yuan_char, 1
    if mult > 1:
        unit_text, scale = cn[len(cn.rstrip(_B)) :] + yuan_char, mult
    elif cn[-1] in _CN_BIG and not any(ch in _CN_BIG for ch in cn[:-1]):
        unit_text, scale = cn[-1] + yuan_char, _CN_BIG[cn[-1]]
    if jiao:
        value = _CTX.add(value, Decimal(_CN_DIGITS[jiao[-1]]).scaleb(-1))
        res = Decimal("0.1")
    if fen:
        value = _CTX.add(value, Decimal(_CN_DIGITS[fen[-1]]).scaleb(-2))
        res = _FEN
    if zheng or any(ch in _DAXIE for ch in cn + yuan_char):
        res = _FEN  # 大写 amounts are exact to the fen
    return Quantity(_canon(value), "yuan", unit_text, Decimal(scale), _canon(res))


@lru_cache(maxsize=256)
def _percent_cn(cn: str) -> Quantity | None:
    parsed = (Decimal(100), _ONE, 1) if cn == "百" else _cn_number(cn)
    if parsed is None:
        return None
    return Quantity(_canon(parsed[0]), "percent", "百分之", _ONE, parsed[1])


def _quantity_at(
    m: re.Match, text: str, default: str | None, whole: bool, bare_integers: bool
) -> tuple[int, Quantity, Decimal | None] | None:
    """(start, quantity, range_high) for a scanner match, or None if it is not one."""
    q: Quantity | None
    start = m.start()
    prev = text[start - 1] if start else ""
    num = m.group("num")
    if num is not None:
        negative = False
        if prev == "-":
            before = text[start - 2] if start >= 2 else ""
            if before in _GLUE:  # 0745-2222222, A-3
                return None
            if before not in _UNIT_FINAL:  # 10万元-20万元: a dash, not a sign
                negative = True
                start -= 1
                prev = before
        elif prev in _GLUE or (prev == "," and start >= 2 and text[start - 2].isdigit()):
            return None  # A12, 1.2024, 3/25, 1,2345
        unit_text = m.group("unit")
        if unit_text is not None:
            unit_text = unit_text.replace("\n", "")
        num2 = m.group("num2")
        if unit_text is None:
            if default is None or num2 is not None:
                return None
            if not whole:
                if not bare_integers and "." not in num and "," not in num:
                    return None  # codes, years, list numbers
                if _BARE_BAD_AFTER.match(text, m.end()) or prev == "第":
                    return None  # 2024年, 1.2024年, 第3页, 3/25
        elif whole and num2 is not None:
            return None  # a range is not one quantity
        built = _arabic_quantity(num, num2, unit_text, default, negative)
        if built is None:
            return None
        q, high = built
        if not whole and unit_text == "项" and prev in "（(" and m.end() < len(text) and text[m.end()] in "）)":
            return None  # （13项）: a classification level
        return start, q, high
    if m.group("cn") is not None:
        if prev in _CN_NOT_AFTER:
            return None
        if m.group("jiao") is None and m.group("fen") is None and m.group("zheng") is None:
            if text[m.end() : m.end() + 1] in _CN_YUAN_WORD:
                return None
        q = _cn_money(m.group("cn"), m.group("cnyuan"), m.group("jiao"), m.group("fen"), m.group("zheng") is not None)
        return None if q is None else (start, q, None)
    pct = m.group("pct_ar")
    if pct is not None:
        if not _valid_arabic(pct):
            return None
        value, res = _scaled(pct, 0)
        return start, Quantity(value, "percent", "百分之", _ONE, res), None
    q = _percent_cn(m.group("pct_cn"))
    return None if q is None else (start, q, None)


# --- public API ------------------------------------------------------------------------
def parse_quantity(text: str, default_unit: str | None = None) -> Quantity | None:
    """The quantity that ``text`` is, or None.

    ``text`` may be raw (full-width digits, blanks around and inside, e.g.
    "50 万元"). ``default_unit`` (from a table header, e.g. "万元") applies to a
    bare number, integers included ("439.56" -> 4395600 with "万元"). A range
    ("2-3次") is not one quantity: None.
    """
    if not text:
        return None
    default = _default_unit(default_unit)
    s = normalize(text).text.strip()
    m = _SCAN.fullmatch(s, 1) if s.startswith("-") else _SCAN.fullmatch(s)
    if m is None:
        return None
    found = _quantity_at(m, s, default, whole=True, bare_integers=True)
    if found is None or found[2] is not None:
        return None
    q = found[1]
    if s.startswith("-") and not q.negative:
        q = replace(q, negative=True)  # -一万元, -百分之五
    return q


def find_quantities(
    text: str,
    default_unit: str | None = None,
    *,
    bare_integers: bool = False,
) -> list[QuantityMatch]:
    """Every quantity in running (normalized) prose, in text order.

    With ``default_unit``, bare numbers get that unit when they look like
    amounts: with a decimal point or a thousands separator (integers too when
    ``bare_integers``), not running into a word ("2024年") and not ranges.
    Full-width digits are folded here (one for one, spans unchanged).
    """
    default = _default_unit(default_unit)
    scan = fold(text) if _NEEDS_FOLD.search(text) else text
    out: list[QuantityMatch] = []
    for m in _SCAN.finditer(scan):
        found = _quantity_at(m, scan, default, False, bare_integers)
        if found is not None:
            start, q, high = found
            end = m.end()
            out.append(QuantityMatch(start, end, text[start:end], q, high))
    return out


def parse_unit_header(line: str) -> str | None:
    """The unit of a table unit line ("单位：万元" -> "万元"), or None."""
    m = _UNIT_HEADER.search(fold(line))
    return m.group("unit") if m else None
