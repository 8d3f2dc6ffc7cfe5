"""Figures as a check's message prints them, for a reviewer reading it at a glance.

The columns of checks.parquet keep exact yuan (``expected``, ``actual``); a message shows an
amount in the unit the document printed: ``2,072.05万元`` where it printed 万元, else
``20,720,500元`` (cents only when there are some), never ``20720500.0000``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

WAN = Decimal(10000)
_CENT = Decimal("0.01")
_WAN_Q = Decimal("0.0001")  # 万元 to 4 decimals: exact yuan
_PCT_Q = Decimal("0.01")


def _grouped(value: Decimal, min_decimals: int) -> str:
    """``value`` with thousands separators, trailing zeros dropped down to ``min_decimals``."""
    text = f"{value:,f}"
    if "." in text:
        whole, frac = text.split(".")
        frac = frac.rstrip("0").ljust(min_decimals, "0")
        return f"{whole}.{frac}" if frac else whole
    return text + ("." + "0" * min_decimals if min_decimals else "")


def amount_text(value: Decimal, unit: str | None = "元") -> str:
    """A yuan amount in the unit the document printed (``unit``, e.g. a fact's ``unit_text`` or a
    table cell's ``unit``): 万元 with 2 to 4 decimals (``51.29万元``), otherwise 元 with
    thousands separators and cents when there are some (``20,720,500元``, ``1,234.50元``)."""
    value = Decimal(value)
    if unit == "万元":
        return _grouped((value / WAN).quantize(_WAN_Q, rounding=ROUND_HALF_EVEN), 2) + "万元"
    cents = value.quantize(_CENT, rounding=ROUND_HALF_EVEN)
    return _grouped(cents, 2 if cents != cents.to_integral_value() else 0) + "元"


def percent_text(value: Decimal) -> str:
    """A computed percentage to 2 decimals at most: ``5.23%``, ``12.5%``, ``100%``."""
    return _grouped(Decimal(value).quantize(_PCT_Q, rounding=ROUND_HALF_EVEN), 0) + "%"


def one_line(message: str) -> str:
    """A message on one line: line breaks and runs of spaces (a label or figure broken across
    lines of the document) become one space."""
    return " ".join(message.split())
