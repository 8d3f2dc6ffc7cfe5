"""The kinds of standard table and their column keys, ``schemas/table_kinds.toml``, validated on load."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from gongkai.schemas.datafile import (
    DataFileError,
    check_keys,
    compile_regex,
    entries,
    entry_at,
    known,
    parse_toml,
    read_text,
    snake_case,
    string,
    strings,
)

FILE = "table_kinds.toml"
SECTIONS = {"kind", "measure", "empty"}
CLASSIFICATIONS = frozenset({"function", "economic", "none"})
LAYOUTS = frozenset({"grid", "form"})
_KIND_KEYS = {"name", "zh", "classification", "default_unit", "layout", "patterns"}
_MEASURE_KEYS = {"key", "patterns", "group", "by_period"}


@dataclass(frozen=True)
class TableKind:
    name: str
    zh: str
    classification: str  # function | economic | none
    default_unit: str
    layout: str  # grid | form
    patterns: tuple[re.Pattern, ...]


class Measure(NamedTuple):
    """Column header → canonical key (a tuple: readers unpack ``key, patterns, group, by_period``)."""

    key: str
    patterns: tuple[re.Pattern, ...]
    group: str | None
    by_period: bool


@dataclass(frozen=True)
class TableKinds:
    kinds: tuple[TableKind, ...]
    measures: tuple[Measure, ...]
    empty: tuple[re.Pattern, ...]

    def kind(self, name: str) -> TableKind | None:
        return next((k for k in self.kinds if k.name == name), None)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(k.name for k in self.kinds)

    @property
    def measure_keys(self) -> frozenset[str]:
        return frozenset(m.key for m in self.measures)


def _patterns(entry: dict, at: str) -> tuple[re.Pattern, ...]:
    patterns = strings(entry, "patterns", at)
    if not patterns:
        raise DataFileError(f"{at}: 'patterns' must be a non-empty list of regexes")
    return tuple(compile_regex(p, at) for p in patterns)


def _kind(entry: dict, at: str) -> TableKind:
    check_keys(entry, _KIND_KEYS, {"name", "patterns"}, at)
    classification = string(entry, "classification", at, "none")
    known((classification,), CLASSIFICATIONS, "classification", at)
    layout = string(entry, "layout", at, "grid")
    known((layout,), LAYOUTS, "layout", at)
    return TableKind(
        snake_case(entry["name"], "name", at),
        string(entry, "zh", at, ""),
        classification,
        string(entry, "default_unit", at, "元"),
        layout,
        _patterns(entry, at),
    )


def _measure(entry: dict, at: str) -> Measure:
    check_keys(entry, _MEASURE_KEYS, {"key", "patterns"}, at)
    return Measure(
        snake_case(entry["key"], "key", at),
        _patterns(entry, at),
        string(entry, "group", at),
        bool(entry.get("by_period")),
    )


def _unique(names: list[str], what: str) -> None:
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise DataFileError(f"{FILE}: duplicate {what} {repeated}")


def parse_table_kinds(text: str) -> TableKinds:
    """The table kinds in the TOML ``text`` of table_kinds.toml; DataFileError names a bad entry."""
    data = parse_toml(text, FILE)
    check_keys(data, SECTIONS, set(), FILE)
    kinds = [_kind(e, entry_at(FILE, "kind", i, e.get("name", "?"))) for i, e in enumerate(entries(data, "kind", FILE))]
    _unique([k.name for k in kinds], "kind names")
    measures = [
        _measure(e, entry_at(FILE, "measure", i, e.get("key", "?")))
        for i, e in enumerate(entries(data, "measure", FILE))
    ]
    _unique([m.key for m in measures], "measure keys")
    keys = frozenset(m.key for m in measures)
    for i, m in enumerate(measures):
        at = entry_at(FILE, "measure", i, m.key)
        known(() if m.group is None else (m.group,), keys, "measure key in 'group'", at)
    empty = data.get("empty", {})
    check_keys(empty, {"patterns"}, set(), f"{FILE} [empty]")
    return TableKinds(
        tuple(kinds),
        tuple(measures),
        tuple(compile_regex(p, f"{FILE} [empty]") for p in strings(empty, "patterns", f"{FILE} [empty]")),
    )


@cache
def load_table_kinds() -> TableKinds:
    return parse_table_kinds(read_text(FILE))
