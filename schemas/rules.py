"""The reconciliation rules ``schemas/rules.toml``, validated on load.

Every rule kind ([[sum]], [[list]] …) has its keys; a concept a rule names must be a
concept of concepts.toml, a column a [[table]] rule names a measure key of table_kinds.toml.
What each kind checks is written at the top of rules.toml and done by extractors/checks/.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from gongkai.schemas.datafile import (SNAKE_CASE, DataFileError, check_keys, entries, entry_at, known, parse_toml,
                                      read_text, snake_case, string, strings)
from gongkai.schemas.table_kinds import load_table_kinds
from gongkai.schemas.vocabulary import load_vocabulary

FILE = "rules.toml"
# kinds whose rules are a name only
NAME_ONLY = ("list", "share", "rate", "repeat", "text_vs_table", "between_tables")
KINDS = ("sum", *NAME_ONLY, "table")
# [[table]] kind → its keys besides name and kind (all required)
TABLE_KINDS = {"rows_sum_to_parent": set(), "row_identity": {"total", "parts"}}


@dataclass(frozen=True)
class Rule:
    """A rule that is only a name: [[list]], [[share]], [[rate]], [[repeat]], [[text_vs_table]], [[between_tables]]."""
    name: str


@dataclass(frozen=True)
class SumRule:
    name: str
    total: str                     # "a|b": the first alternative stated is the total
    parts: tuple[str, ...]         # "a", "a|b+c", "concept*" (all its figures), "concept?" (optional)


@dataclass(frozen=True)
class TableRule:
    name: str
    kind: str                      # rows_sum_to_parent | row_identity
    total: str | None = None       # row_identity: the measure key of the total column
    parts: tuple[str, ...] = ()    # row_identity: measure keys of the parts ("key?" when the column may be absent)


@dataclass(frozen=True)
class Rules:
    sum: tuple[SumRule, ...]
    list: tuple[Rule, ...]
    share: tuple[Rule, ...]
    rate: tuple[Rule, ...]
    repeat: tuple[Rule, ...]
    table: tuple[TableRule, ...]
    text_vs_table: tuple[Rule, ...]
    between_tables: tuple[Rule, ...]


def _concepts_of(spec: str) -> list[str]:
    """The concepts a total or part names: "a|b+c*?" → [a, b, c]."""
    return [c.removesuffix("*") for alternative in spec.removesuffix("?").split("|") for c in alternative.split("+")]


def _check_spec(spec: str, concepts: frozenset[str], at: str) -> None:
    names = _concepts_of(spec)
    for alternative in spec.removesuffix("?").split("|"):
        if "*" in alternative and ("+" in alternative or not alternative.endswith("*")):
            raise DataFileError(f"{at}: in {spec!r}, 'concept*' must be a whole alternative")
    if not all(SNAKE_CASE.fullmatch(n) for n in names):
        raise DataFileError(f"{at}: {spec!r} must be snake_case concepts joined by '|' or '+'")
    known(names, concepts, "concepts (not in concepts.toml)", at)


def _keys(kind: str, entry: dict, at: str) -> set[str]:
    """The keys a rule of ``kind`` has (all required)."""
    if kind == "sum":
        return {"name", "total", "parts"}
    if kind == "table":
        table_kind = string(entry, "kind", at)
        known((table_kind,), frozenset(TABLE_KINDS), "[[table]] kind", at)
        return {"name", "kind", *TABLE_KINDS[table_kind]}
    return {"name"}


def _sum_rule(entry: dict, at: str, concepts: frozenset[str]) -> SumRule:
    total, parts = string(entry, "total", at), strings(entry, "parts", at)
    if not parts:
        raise DataFileError(f"{at}: 'parts' must be a non-empty list")
    if "+" in total or "*" in total or "?" in total:
        raise DataFileError(f"{at}: 'total' names concepts separated by '|' only")
    for spec in (total, *parts):
        _check_spec(spec, concepts, at)
    return SumRule(entry["name"], total, parts)


def _table_rule(entry: dict, at: str, measure_keys: frozenset[str]) -> TableRule:
    if "total" not in entry:
        return TableRule(entry["name"], entry["kind"])
    total, parts = string(entry, "total", at), strings(entry, "parts", at)
    known((total, *(p.removesuffix("?") for p in parts)), measure_keys, "measure keys (not in table_kinds.toml)", at)
    return TableRule(entry["name"], entry["kind"], total, parts)


def _rule(kind: str, entry: dict, at: str, concepts: frozenset[str],
          measure_keys: frozenset[str]) -> Rule | SumRule | TableRule:
    keys = _keys(kind, entry, at)
    check_keys(entry, keys, keys, at)
    snake_case(entry["name"], "name", at)
    if kind == "sum":
        return _sum_rule(entry, at, concepts)
    if kind == "table":
        return _table_rule(entry, at, measure_keys)
    return Rule(entry["name"])


def parse_rules(text: str, concepts: frozenset[str], measure_keys: frozenset[str]) -> Rules:
    """The rules in the TOML ``text`` of rules.toml, naming only ``concepts`` and table ``measure_keys``."""
    data = parse_toml(text, FILE)
    unknown = sorted(set(data) - set(KINDS))
    if unknown:
        raise DataFileError(f"{FILE}: unknown rule kinds {unknown} (known: {list(KINDS)})")
    rules = {kind: tuple(_rule(kind, e, entry_at(FILE, kind, i, e.get("name", "?")), concepts, measure_keys)
                         for i, e in enumerate(entries(data, kind, FILE)))
             for kind in KINDS}
    names = [r.name for found in rules.values() for r in found]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise DataFileError(f"{FILE}: duplicate rule names {repeated}")
    return Rules(**rules)


@cache
def load_rules() -> Rules:
    return parse_rules(read_text(FILE), load_vocabulary().concepts, load_table_kinds().measure_keys)
