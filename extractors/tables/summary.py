"""Summary concepts stated by standard tables, by the rules of schemas/table_concepts.toml.

The rules are loaded and validated by schemas/table_concepts.py.
"""

from __future__ import annotations

import re
from collections.abc import Set
from decimal import Decimal

from gongkai.schemas.table_concepts import TableConcept, load_table_concepts
from gongkai.schemas.vocabulary import Vocabulary

_BLANKS = re.compile(r"\s+")


def _matches(rule: TableConcept, item: dict) -> bool:
    if item.get("table_kind") not in rule.tables:
        return False
    label = _BLANKS.sub("", item.get("row_label") or "")
    measure = _BLANKS.sub("", item.get("measure") or "")
    if not rule.row.search(label) or not rule.measure.search(measure):
        return False
    return rule.key is None or bool(rule.key.fullmatch(item.get("measure_key") or ""))


def _table_of(item: dict) -> tuple:
    return (item.get("table_kind"), item.get("table_title"), tuple(item.get("pages") or ()))


def cells_by_table(items: list[dict], vocab: Vocabulary) -> dict[str, list[int]]:
    """concept → the first cell stating it in each table that does (for checks between tables)."""
    wanted = {c for c, unit in vocab.summary_columns if unit == "yuan"}
    found: dict[str, dict[tuple, int]] = {}
    labels: dict[tuple, set[str]] = {}
    for it in items:
        labels.setdefault(_table_of(it), set()).add(_BLANKS.sub("", it.get("row_label") or ""))
    for rule in load_table_concepts():
        if rule.concept not in wanted:
            continue
        for i, it in enumerate(items):
            if it.get("amount") is not None and _matches(rule, it):
                table = _table_of(it)
                if rule.unless_row is not None and any(rule.unless_row.search(lb) for lb in labels[table]):
                    continue
                found.setdefault(rule.concept, {}).setdefault(table, i)
    return {concept: list(tables.values()) for concept, tables in found.items()}


def table_cells(items: list[dict], vocab: Vocabulary) -> dict[str, int]:
    """concept → the cell that states it: the first rule's first matching cell."""
    return {concept: cells[0] for concept, cells in cells_by_table(items, vocab).items()}


def summary_from_tables(
    items: list[dict], vocab: Vocabulary, empty_kinds: Set[str] = frozenset()
) -> dict[str, Decimal]:
    """concept → exact value from the first table cell that states it (0 for a printed-empty table).

    A kind counts as printed empty only when no table of that kind has figures: a title printed
    twice (十、…表 over 2026年度…表) leaves an empty part beside the table that holds them."""
    found = {c: Decimal(items[i]["amount"]) for c, i in table_cells(items, vocab).items()}
    empty_kinds = set(empty_kinds) - {it.get("table_kind") for it in items if it.get("amount") is not None}
    for rule in load_table_concepts():
        if rule.concept not in found and rule.empty is not None and set(rule.tables) & empty_kinds:
            found[rule.concept] = rule.empty
    return found
