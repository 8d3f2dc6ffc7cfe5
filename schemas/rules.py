"""The reconciliation rules ``schemas/rules.toml``, validated on load.

Every rule kind ([[sum]], [[list]] …) has its keys; a concept a rule names must be a
concept of concepts.toml, a column a [[table]] rule names a measure key of table_kinds.toml.
What each kind checks is written at the top of rules.toml and done by extractors/checks/.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TypeVar

from gongkai.schemas.datafile import (
    SNAKE_CASE,
    DataFileError,
    check_keys,
    entries,
    entry_at,
    known,
    parse_toml,
    read_text,
    required_str,
    snake_case,
    string,
    strings,
)
from gongkai.schemas.table_kinds import load_table_kinds
from gongkai.schemas.vocabulary import load_vocabulary

FILE = "rules.toml"
# kinds whose rules are a name only
NAME_ONLY = ("list", "share", "rate", "repeat", "text_vs_table", "between_tables")
KINDS = ("sum", *NAME_ONLY, "table")
# [[table]] kind → its keys besides name and kind (all required)
TABLE_KINDS = {"rows_sum_to_parent": set(), "row_identity": {"total", "parts"}}
# How much a failed check matters, most first: `error` the document contradicts itself,
# `warning` probably wrong (a placeholder, a wrong year), `info` worth a look.
SEVERITIES = ("error", "warning", "info")
# the severity of a rule whose entry names none, by kind (every current entry names its own)
KIND_SEVERITY = dict.fromkeys(KINDS, "error")
# rules made in code from a rules.toml rule: the suffix added to its name, and their severity
# (None: the severity of the rule they are made from)
DERIVED_SUFFIXES: dict[str, str | None] = {"_across_files": None}


@dataclass(frozen=True)
class Rule:
    """A rule that is only a name: [[list]], [[share]], [[rate]], [[repeat]], [[text_vs_table]], [[between_tables]]."""

    name: str


@dataclass(frozen=True)
class SumRule:
    name: str
    total: str  # "a|b": the first alternative stated is the total
    parts: tuple[str, ...]  # "a", "a|b+c", "concept*" (all its figures), "concept?" (optional)


@dataclass(frozen=True)
class TableRule:
    name: str
    kind: str  # rows_sum_to_parent | row_identity
    total: str | None = None  # row_identity: the measure key of the total column
    parts: tuple[str, ...] = ()  # row_identity: measure keys of the parts ("key?" when the column may be absent)


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
    severities: Mapping[str, str] = field(default_factory=dict)  # rule name → severity

    def severity(self, rule: str) -> str:
        """The severity of a check's rule: its entry's, or for a rule made in code
        (``text_agrees_with_tables_across_files``) that of DERIVED_SUFFIXES or of its rule."""
        if rule in self.severities:
            return self.severities[rule]
        for suffix, severity in DERIVED_SUFFIXES.items():
            if rule.endswith(suffix):
                return severity or self.severity(rule.removesuffix(suffix))
        return SEVERITIES[0]  # a rule named nowhere: shown with the errors rather than hidden


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
        if table_kind is None:  # no 'kind' is reported as the unknown kind None
            raise DataFileError(f"{at}: unknown [[table]] kind [None]")
        known((table_kind,), frozenset(TABLE_KINDS), "[[table]] kind", at)
        return {"name", "kind", *TABLE_KINDS[table_kind]}
    return {"name"}


def _sum_rule(entry: dict, at: str, concepts: frozenset[str]) -> SumRule:
    total, parts = required_str(entry, "total", at), strings(entry, "parts", at)
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
    total, parts = required_str(entry, "total", at), strings(entry, "parts", at)
    known((total, *(p.removesuffix("?") for p in parts)), measure_keys, "measure keys (not in table_kinds.toml)", at)
    return TableRule(entry["name"], entry["kind"], total, parts)


def _severity(kind: str, entry: dict, at: str) -> str:
    """The entry's ``severity`` (one of SEVERITIES), else its kind's."""
    severity = string(entry, "severity", at, KIND_SEVERITY[kind])
    if severity not in SEVERITIES:
        raise DataFileError(f"{at}: unknown severity {severity!r} (known: {list(SEVERITIES)})")
    return severity


_R = TypeVar("_R", Rule, SumRule, TableRule)


def _rules_of(kind: str, data: dict, build: Callable[[dict, str], _R]) -> tuple[_R, ...]:
    """The [[kind]] entries of ``data``, their keys and name checked, each made a rule by ``build(entry, at)``."""
    found = []
    for i, entry in enumerate(entries(data, kind, FILE)):
        at = entry_at(FILE, kind, i, entry.get("name", "?"))
        keys = _keys(kind, entry, at)
        check_keys(entry, keys | {"severity"}, keys, at)
        snake_case(entry["name"], "name", at)
        _severity(kind, entry, at)
        found.append(build(entry, at))
    return tuple(found)


def parse_rules(text: str, concepts: frozenset[str], measure_keys: frozenset[str]) -> Rules:
    """The rules in the TOML ``text`` of rules.toml, naming only ``concepts`` and table ``measure_keys``."""
    data = parse_toml(text, FILE)
    unknown = sorted(set(data) - set(KINDS))
    if unknown:
        raise DataFileError(f"{FILE}: unknown rule kinds {unknown} (known: {list(KINDS)})")
    # in the order of KINDS: the first bad entry is the one reported
    sums = _rules_of("sum", data, lambda e, at: _sum_rule(e, at, concepts))
    named = {kind: _rules_of(kind, data, lambda e, at: Rule(e["name"])) for kind in NAME_ONLY}
    tables = _rules_of("table", data, lambda e, at: _table_rule(e, at, measure_keys))
    names = [r.name for r in sums] + [r.name for found in named.values() for r in found] + [r.name for r in tables]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise DataFileError(f"{FILE}: duplicate rule names {repeated}")
    return Rules(
        sum=sums,
        list=named["list"],
        share=named["share"],
        rate=named["rate"],
        repeat=named["repeat"],
        table=tables,
        text_vs_table=named["text_vs_table"],
        between_tables=named["between_tables"],
        severities={
            e["name"]: _severity(kind, e, FILE) for kind in KINDS for e in entries(data, kind, FILE) if "name" in e
        },
    )


@cache
def load_rules() -> Rules:
    return parse_rules(read_text(FILE), load_vocabulary().concepts, load_table_kinds().measure_keys)


def severity_of(rule: str) -> str:
    """The severity of the checks of ``rule`` (``error``, ``warning`` or ``info``)."""
    return load_rules().severity(rule)


def severity_rank(severity: str | None) -> int:
    """Where a severity sorts: errors first, then warnings, then info (unknown last)."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)
