"""Property tests: format an amount every way documents print it, parse it back.

The Chinese numeral writer below is an independent implementation (standard
rules: sections of four digits under 万/亿, one 零 for any run of zeros).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from gongkai.extractors.text.normalize import normalize
from gongkai.extractors.text.numbers import find_quantities, parse_quantity

LOWER = "零一二三四五六七八九"
UPPER = "零壹贰叁肆伍陆柒捌玖"
LOWER_UNITS = ("", "十", "百", "千")
UPPER_UNITS = ("", "拾", "佰", "仟")
SECTIONS = ("", "万", "亿", "万亿")
FULL_WIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")

# 0.01 .. 10^10 yuan, two decimals, as an exact Decimal
amounts = st.integers(min_value=1, max_value=10**12).map(lambda cents: Decimal(cents).scaleb(-2))
percents = st.integers(min_value=0, max_value=100_000).map(lambda x: Decimal(x).scaleb(-2))


def plain(d: Decimal) -> str:
    """Shortest exponent-free decimal string: 1094.80 -> '1094.8', 1E+2 -> '100'."""
    s = format(d.normalize(), "f")
    return s


def _section(n: int, digits: str, units: tuple[str, ...]) -> str:
    out, zero = "", False
    for pos in (3, 2, 1, 0):
        d = n // 10**pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += digits[0]
            zero = False
        out += digits[d] + units[pos]
    return out


def cn_int(n: int, upper: bool = False) -> str:
    digits, units = (UPPER, UPPER_UNITS) if upper else (LOWER, LOWER_UNITS)
    if n == 0:
        return digits[0]
    parts = []
    while n:
        parts.append(n % 10000)
        n //= 10000
    out, gap = "", False
    for i in reversed(range(len(parts))):
        sec = parts[i]
        if sec == 0:
            gap = bool(out)
            continue
        if out and (gap or sec < 1000):
            out += digits[0]
        out += _section(sec, digits, units) + SECTIONS[i]
        gap = False
    return out


def cn_decimal(d: Decimal, short_ten: bool) -> str:
    """一千零九十四点八 for 1094.8."""
    s = plain(d)
    int_part, _, frac = s.partition(".")
    out = cn_int(int(int_part))
    if short_ten and out.startswith("一十"):
        out = out[1:]  # 十二 rather than 一十二
    if frac:
        out += "点" + "".join(LOWER[int(c)] for c in frac)
    return out


def daxie(amount: Decimal) -> str:
    """壹佰贰拾叁元肆角伍分 / 壹万元整 / 叁佰元零伍分."""
    cents = int(amount * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    out = cn_int(yuan, upper=True) + "元"
    if jiao == 0 and fen == 0:
        return out + "整"
    if jiao:
        out += UPPER[jiao] + "角"
    if fen:
        out += ("零" if not jiao else "") + UPPER[fen] + "分"
    return out


def formats(amount: Decimal, short_ten: bool) -> list[str]:
    wan = amount.scaleb(-4)
    yi = amount.scaleb(-8)
    return [
        f"{amount:.2f}元",
        f"{plain(amount)}元",
        f"{amount:,.2f}元",
        f"{plain(wan)}万元",
        f"{plain(yi)}亿元",
        f"{plain(wan)} 万元",
        f"{plain(wan)}万元".translate(FULL_WIDTH),
        f"{amount:.2f}元".translate(FULL_WIDTH),
        cn_decimal(wan, short_ten) + "万元",
        cn_decimal(amount, short_ten) + "元",
        daxie(amount),
    ]


@settings(max_examples=150, deadline=None)
@given(amounts, st.booleans())
@example(Decimal("10948000"), False)
@example(Decimal("125000"), True)
@example(Decimal("100050000"), False)
@example(Decimal("0.01"), False)
@example(Decimal("100000000.05"), False)
@example(Decimal("10000000000"), False)
def test_amount_round_trips_in_every_style(amount: Decimal, short_ten: bool) -> None:
    for text in formats(amount, short_ten):
        q = parse_quantity(text)
        assert q is not None, text
        assert q.unit == "yuan", text
        assert q.value == amount, text
        assert not q.negative
        # the printed value is a whole number of its last printed digit
        assert q.resolution > 0 and q.value % q.resolution == 0, (text, q)


@settings(max_examples=100, deadline=None)
@given(
    amounts,
    st.booleans(),
    st.sampled_from(["其中", "预算数为", "增加", "较上年减少", "（", "，"]),
    st.sampled_from(["，", "。", "，主要用于", "以上", "）", "\n"]),
)
def test_amount_is_found_in_prose(amount: Decimal, short_ten: bool, before: str, after: str) -> None:
    for printed in formats(amount, short_ten):
        text = before + printed + after
        norm = normalize(text)
        found = find_quantities(norm.text)
        assert len(found) == 1, (text, found)
        m = found[0]
        start, end = norm.span(m.start, m.end)
        assert text[start:end] == printed
        assert m.quantity.value == amount and m.range_high is None


@settings(max_examples=150, deadline=None)
@given(percents, st.booleans())
@example(Decimal("8.8"), False)
@example(Decimal("100"), False)
@example(Decimal("0"), False)
def test_percent_round_trips(p: Decimal, negative: bool) -> None:
    texts = [f"{plain(p)}%", f"{plain(p)}％", f"{plain(p)} %", "百分之" + cn_decimal(p, short_ten=True)]
    for text in texts:
        q = parse_quantity(text)
        assert q is not None, text
        assert (q.unit, q.value) == ("percent", p), text
    q = parse_quantity(f"-{plain(p)}%")
    assert q is not None and q.value == p and q.negative


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=10**6), st.sampled_from("个人辆台套项家户名所处次"))
def test_count_round_trips(n: int, unit: str) -> None:
    q = parse_quantity(f"{n}{unit}")
    assert q is not None and (q.unit, q.value, q.resolution) == ("count", n, 1)
    assert parse_quantity(f"{n}.5{unit}") is None


@settings(max_examples=100, deadline=None)
@given(amounts, st.sampled_from(["元", "万元", "亿元"]))
def test_default_unit_applies_to_bare_numbers(amount: Decimal, unit: str) -> None:
    power = {"元": 0, "万元": 4, "亿元": 8}[unit]
    printed = plain(amount.scaleb(-power))
    q = parse_quantity(printed, default_unit=unit)
    assert q is not None and q.value == amount and q.unit_text == ""
    with_sep = f"{amount.scaleb(-power):,f}"
    q = parse_quantity(with_sep, default_unit=unit)
    assert q is not None and q.value == amount


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789.,-~%万元亿个人年月日第页/：:一二三十百千点整 \n", max_size=30))
def test_scanner_never_crashes_and_spans_are_exact(text: str) -> None:
    for m in find_quantities(text):
        assert text[m.start : m.end] == m.raw
        assert m.quantity.value >= 0
    for m in find_quantities(text, "万元", bare_integers=True):
        assert text[m.start : m.end] == m.raw
    parse_quantity(text)
