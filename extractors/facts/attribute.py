"""Label → concept, from the vocabulary kept as data in ``schemas/concepts.toml``."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

DEFAULT_KINDS = ("amount", "change", "rate", "share")
_CONCEPT_KEYS = {"name", "summary", "terms", "priority", "kinds", "context", "under", "children", "stated_none", "unit",
                 "generic", "also"}
_ADJUSTMENT_KEYS = {"name", "pattern", "earlier_suffix"}


class VocabularyError(ValueError):
    """The vocabulary file is malformed; the message names the entry and key."""


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
    summary_columns: tuple[tuple[str, str], ...]   # (concept, unit) in file order

    def rule_for(self, concept: str) -> ConceptRule | None:
        return next((r for r in self.rules if r.name == concept), None)

    def children_of(self, concept: str | None) -> str | None:
        if concept is None:
            return None
        return next((r.children for r in self.rules if r.name == concept and r.children), None)


@dataclass(frozen=True)
class ConceptMatch:
    concept: str
    start: int   # span of the term in the label
    end: int
    rule: ConceptRule


def _compile(pattern: str, where: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise VocabularyError(f"{where}: bad regex {pattern!r}: {exc}") from exc


def _alternation(terms: list[str], where: str) -> re.Pattern:
    if not terms or not all(isinstance(t, str) and t for t in terms):
        raise VocabularyError(f"{where}: 'terms' must be a non-empty list of regexes")
    for t in terms:
        _compile(t, where)
    # Longest alternatives first, so that 公务用车购置及运行维护费 beats 公务用车.
    return _compile("|".join(f"(?:{t})" for t in sorted(terms, key=len, reverse=True)), where)


def parse_vocabulary(data: dict) -> Vocabulary:
    rules: list[ConceptRule] = []
    summary: list[tuple[str, str]] = []
    for i, entry in enumerate(data.get("concept", [])):
        where = f"concepts.toml [[concept]] #{i + 1} ({entry.get('name', '?')})"
        unknown = set(entry) - _CONCEPT_KEYS
        if unknown:
            raise VocabularyError(f"{where}: unknown keys {sorted(unknown)}")
        name = entry.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise VocabularyError(f"{where}: 'name' must be snake_case")
        kinds = tuple(entry.get("kinds", DEFAULT_KINDS))
        bad = set(kinds) - {"amount", "change", "rate", "share", "count", "threshold"}
        if bad:
            raise VocabularyError(f"{where}: unknown kinds {sorted(bad)}")
        unit = entry.get("unit", "count" if kinds == ("count",) else "yuan")
        rule = ConceptRule(
            name=name,
            terms=_alternation(entry.get("terms", []), where),
            priority=int(entry.get("priority", 0)),
            kinds=kinds,
            context=_compile(entry["context"], where) if entry.get("context") else None,
            under=tuple(entry.get("under", ())),
            children=entry.get("children"),
            stated_none=bool(entry.get("stated_none", False)),
            summary=bool(entry.get("summary", False)),
            unit=unit,
            generic=bool(entry.get("generic", False)),
            also=tuple(entry.get("also", ())),
        )
        rules.append(rule)
        if rule.summary and name not in dict(summary):
            summary.append((name, unit))
    adjustments = []
    for i, entry in enumerate(data.get("adjustment", [])):
        where = f"concepts.toml [[adjustment]] #{i + 1}"
        unknown = set(entry) - _ADJUSTMENT_KEYS
        if unknown:
            raise VocabularyError(f"{where}: unknown keys {sorted(unknown)}")
        adjustments.append(Adjustment(entry["name"], _compile(entry["pattern"], where), entry["earlier_suffix"]))
    label = data.get("label", {})
    leading = label.get("leading", [])
    trailing = label.get("trailing", [])
    return Vocabulary(
        rules=tuple(rules),
        adjustments=tuple(adjustments),
        label_leading=_compile("^(?:" + "|".join(sorted(leading, key=len, reverse=True)) + ")+", "concepts.toml [label] leading"),
        label_trailing=_compile("(?:" + "|".join(sorted(trailing, key=len, reverse=True)) + ")+$", "concepts.toml [label] trailing"),
        generic_labels=frozenset(label.get("generic", [])),
        leading_words=frozenset(w for w in leading if re.fullmatch(r"[\u4e00-\u9fff]+", w)),
        trailing_words=frozenset(trailing),
        summary_columns=tuple(summary),
    )


@cache
def load_vocabulary() -> Vocabulary:
    text = resources.files("gongkai.schemas").joinpath("concepts.toml").read_text(encoding="utf-8")
    return parse_vocabulary(tomllib.loads(text))


def vocabulary_terms(vocab: Vocabulary) -> list[str]:
    """Plain (regex-free) alternatives of the terms: the jieba user dictionary."""
    words: set[str] = set()
    for rule in vocab.rules:
        for alt in rule.terms.pattern.split("|"):
            alt = alt.removeprefix("(?:").removesuffix(")")
            if re.fullmatch(r"[\u4e00-\u9fff、“”]+", alt):
                words.add(alt)
    return sorted(words)


def match_concept(
    label: str,
    kind: str,
    context: str,
    vocab: Vocabulary,
    parent_concept: str | None = None,
) -> ConceptMatch | None:
    """The concept a label names, or None.

    Highest priority wins; ties go to the longest term, then to the term
    nearest the end of the label (the number follows the label).
    """
    best: tuple | None = None
    for rule in vocab.rules:
        if kind not in rule.kinds:
            continue
        if rule.under and parent_concept not in rule.under:
            continue
        if rule.context is not None and not rule.context.search(context):
            continue
        for m in rule.terms.finditer(label):
            if m.end() == m.start():
                continue
            key = (rule.priority, m.end() - m.start(), m.end())
            if best is None or key > best[0]:
                best = (key, ConceptMatch(rule.name, m.start(), m.end(), rule))
    return best[1] if best else None
