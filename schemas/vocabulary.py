"""The concept vocabulary ``schemas/concepts.toml``: label regexes → concepts, validated on load."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from gongkai.schemas.datafile import (
    DataFileError,
    check_keys,
    compile_regex,
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

FILE = "concepts.toml"
DEFAULT_KINDS = ("amount", "change", "rate", "share")
FACT_KINDS = frozenset({"amount", "change", "rate", "share", "count", "threshold"})
UNITS = frozenset({"yuan", "count"})
SECTIONS = {"concept", "adjustment", "label"}
_CONCEPT_KEYS = {
    "name",
    "summary",
    "terms",
    "priority",
    "kinds",
    "context",
    "under",
    "children",
    "stated_none",
    "unit",
    "generic",
    "also",
}
_ADJUSTMENT_KEYS = {"name", "pattern", "earlier_suffix"}
_LABEL_KEYS = {"leading", "trailing", "generic"}


@dataclass(frozen=True)
class ConceptRule:
    name: str
    terms: re.Pattern
    priority: int
    kinds: tuple[str, ...]
    context: re.Pattern | None
    under: tuple[str, ...]
    children: str | None
    stated_none: bool
    summary: bool
    unit: str
    generic: bool = False
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Adjustment:
    name: str
    pattern: re.Pattern
    earlier_suffix: str


@dataclass(frozen=True)
class Vocabulary:
    rules: tuple[ConceptRule, ...]
    adjustments: tuple[Adjustment, ...]
    label_leading: re.Pattern
    label_trailing: re.Pattern
    generic_labels: frozenset[str]
    leading_words: frozenset[str]
    trailing_words: frozenset[str]
    summary_columns: tuple[tuple[str, str], ...]  # (concept, unit) in file order
    concepts: frozenset[str]  # every concept it names: rule names and their children

    def rule_for(self, concept: str) -> ConceptRule | None:
        return next((r for r in self.rules if r.name == concept), None)

    def children_of(self, concept: str | None) -> str | None:
        if concept is None:
            return None
        return next((r.children for r in self.rules if r.name == concept and r.children), None)


def _alternation(terms: list[str], at: str) -> re.Pattern:
    if not isinstance(terms, list) or not terms or not all(isinstance(t, str) and t for t in terms):
        raise DataFileError(f"{at}: 'terms' must be a non-empty list of regexes")
    for t in terms:
        compile_regex(t, at)
    # Longest alternatives first, so that 公务用车购置及运行维护费 beats 公务用车.
    return compile_regex("|".join(f"(?:{t})" for t in sorted(terms, key=len, reverse=True)), at)


def _concept_rule(entry: dict, at: str) -> ConceptRule:
    check_keys(entry, _CONCEPT_KEYS, set(), at)
    name = snake_case(entry.get("name"), "name", at)
    children = snake_case(entry["children"], "children", at) if entry.get("children") else None
    kinds = strings(entry, "kinds", at) if "kinds" in entry else DEFAULT_KINDS
    known(kinds, FACT_KINDS, "kinds", at)
    unit = string(entry, "unit", at, "count" if kinds == ("count",) else "yuan")
    known((unit,), UNITS, "unit", at)
    return ConceptRule(
        name=name,
        terms=_alternation(entry.get("terms", []), at),
        priority=int(entry.get("priority", 0)),
        kinds=kinds,
        context=compile_regex(required_str(entry, "context", at), at) if entry.get("context") else None,
        under=strings(entry, "under", at),
        children=children,
        stated_none=bool(entry.get("stated_none", False)),
        summary=bool(entry.get("summary", False)),
        unit=unit,
        generic=bool(entry.get("generic", False)),
        also=strings(entry, "also", at),
    )


def _adjustment(entry: dict, at: str) -> Adjustment:
    check_keys(entry, _ADJUSTMENT_KEYS, _ADJUSTMENT_KEYS, at)
    return Adjustment(
        required_str(entry, "name", at),
        compile_regex(required_str(entry, "pattern", at), at),
        required_str(entry, "earlier_suffix", at),
    )


def _check_references(rules: list[ConceptRule], concepts: frozenset[str]) -> None:
    """``under`` and ``also`` name concepts of the file."""
    for i, rule in enumerate(rules):
        known(rule.under, concepts, "concepts in 'under'", entry_at(FILE, "concept", i, rule.name))
        known(rule.also, concepts, "concepts in 'also'", entry_at(FILE, "concept", i, rule.name))


def _summary_columns(rules: list[ConceptRule]) -> tuple[tuple[str, str], ...]:
    summary: list[tuple[str, str]] = []
    for rule in rules:
        if rule.summary and rule.name not in dict(summary):
            summary.append((rule.name, rule.unit))
    return tuple(summary)


def parse_vocabulary(text: str) -> Vocabulary:
    """The vocabulary in the TOML ``text`` of concepts.toml; DataFileError names a bad entry."""
    data = parse_toml(text, FILE)
    check_keys(data, SECTIONS, set(), FILE)
    sections = entries(data, "concept", FILE)
    adjustments = entries(data, "adjustment", FILE)
    label = data.get("label", {})
    check_keys(label, _LABEL_KEYS, set(), f"{FILE} [label]")
    rules = [_concept_rule(e, entry_at(FILE, "concept", i, e.get("name", "?"))) for i, e in enumerate(sections)]
    concepts = frozenset(r.name for r in rules) | {r.children for r in rules if r.children}
    _check_references(rules, concepts)
    leading = strings(label, "leading", f"{FILE} [label]")
    trailing = strings(label, "trailing", f"{FILE} [label]")
    return Vocabulary(
        rules=tuple(rules),
        adjustments=tuple(
            _adjustment(e, entry_at(FILE, "adjustment", i, e.get("name", "?"))) for i, e in enumerate(adjustments)
        ),
        label_leading=compile_regex(
            "^(?:" + "|".join(sorted(leading, key=len, reverse=True)) + ")+", f"{FILE} [label] leading"
        ),
        label_trailing=compile_regex(
            "(?:" + "|".join(sorted(trailing, key=len, reverse=True)) + ")+$", f"{FILE} [label] trailing"
        ),
        generic_labels=frozenset(strings(label, "generic", f"{FILE} [label]")),
        leading_words=frozenset(w for w in leading if re.fullmatch(r"[\u4e00-\u9fff]+", w)),
        trailing_words=frozenset(trailing),
        summary_columns=_summary_columns(rules),
        concepts=concepts,
    )


@cache
def load_vocabulary() -> Vocabulary:
    return parse_vocabulary(read_text(FILE))
