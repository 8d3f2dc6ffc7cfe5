"""What every check uses: the interval a printed figure stands for, and the figures of a concept.

Every figure is an interval: its printed value ± half a unit of its last printed
digit (1094.8万元 is 1094.75–1094.85万元). A check passes when the intervals allow
equality and fails when they cannot.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gongkai.extractors.model import Fact

HALF = Decimal("0.5")
PCT = Decimal(100)
Q = Decimal("0.0001")


@dataclass(frozen=True)
class Interval:
    low: Decimal
    high: Decimal

    @classmethod
    def of(cls, fact: Fact) -> Interval:
        """The values the printed figure may stand for: ± half a unit of its last digit,
        ± a whole unit for percentages (rounded or truncated)."""
        half = fact.resolution * (1 if fact.unit == "percent" else HALF)
        return cls(fact.value - half, fact.value + half)

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.low + other.low, self.high + other.high)

    def overlaps(self, other: Interval) -> bool:
        return self.low <= other.high and other.low <= self.high

    @property
    def mid(self) -> Decimal:
        return (self.low + self.high) / 2

    @property
    def half_width(self) -> Decimal:
        return (self.high - self.low) / 2


ZERO = Interval(Decimal(0), Decimal(0))


def quantize(value: Decimal) -> Decimal:
    """A check's computed value as reported (4 decimals)."""
    return value.quantize(Q)


def stated(facts: list[Fact], concept: str) -> list[Fact]:
    """Current-period figures of a concept (amounts and stated absences), in order."""
    return [f for f in facts if f.concept == concept and f.kind in ("amount", "count") and f.period == "current"]
