"""Which cell of which standard table states a summary concept: ``schemas/table_concepts.toml``, validated on load."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
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
    string,
    strings,
)
from gongkai.schemas.table_kinds import load_table_kinds
from gongkai.schemas.vocabulary import load_vocabulary

FILE = "table_concepts.toml"
_KEYS = {"concept", "tables", "row", "measure", "key", "empty", "unless_row"}


@dataclass(frozen=True)
class TableConcept:
    concept: str  # a concept of concepts.toml
    tables: tuple[str, ...]  # kinds of table_kinds.toml
    row: re.Pattern  # searched in the row label, blanks removed ("" = any)
    measure: re.Pattern  # searched in the column header as printed, blanks removed
    key: re.Pattern | None  # must match the column's canonical key in full
    empty: Decimal | None  # the value when the table is printed empty
    unless_row: re.Pattern | None = None  # no cell of a table with a row label matching it


def _empty(entry: dict, at: str) -> Decimal | None:
    value = string(entry, "empty", at)
    if value is None:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise DataFileError(f"{at}: 'empty' must be a number, not {value!r}") from None


def _table_concept(entry: dict, at: str, concepts: frozenset[str], kinds: frozenset[str]) -> TableConcept:
    check_keys(entry, _KEYS, {"concept", "tables"}, at)
    concept = required_str(entry, "concept", at)
    known((concept,), concepts, "concept (not in concepts.toml)", at)
    tables = strings(entry, "tables", at)
    if not tables:
        raise DataFileError(f"{at}: 'tables' must be a non-empty list of table kinds")
    known(tables, kinds, "table kinds (not in table_kinds.toml)", at)
    key = string(entry, "key", at)
    unless = string(entry, "unless_row", at)
    return TableConcept(
        concept,
        tables,
        compile_regex(string(entry, "row", at, ""), at),
        compile_regex(string(entry, "measure", at, ""), at),
        None if key is None else compile_regex(key, at),
        _empty(entry, at),
        None if unless is None else compile_regex(unless, at),
    )


def parse_table_concepts(text: str, concepts: frozenset[str], kinds: frozenset[str]) -> tuple[TableConcept, ...]:
    """The rules in the TOML ``text`` of table_concepts.toml, naming only ``concepts`` and table ``kinds``."""
    data = parse_toml(text, FILE)
    check_keys(data, {"rule"}, set(), FILE)
    return tuple(
        _table_concept(e, entry_at(FILE, "rule", i, e.get("concept", "?")), concepts, kinds)
        for i, e in enumerate(entries(data, "rule", FILE))
    )


@cache
def load_table_concepts() -> tuple[TableConcept, ...]:
    return parse_table_concepts(read_text(FILE), load_vocabulary().concepts, load_table_kinds().names)
