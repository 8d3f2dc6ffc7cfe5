"""Summary concepts stated by standard tables (rules in schemas/table_concepts.toml)."""
from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from functools import cache
from importlib import resources

from gongkai.extractors.facts.attribute import Vocabulary

_BLANKS = re.compile(r"\s+")


@cache
def load_table_rules() -> tuple[dict, ...]:
    text = resources.files("gongkai.schemas").joinpath("table_concepts.toml").read_text(encoding="utf-8")
    rules = []
    for i, rule in enumerate(tomllib.loads(text).get("rule", [])):
        where = f"table_concepts.toml [[rule]] #{i + 1} ({rule.get('concept')})"
        unknown = set(rule) - {"concept", "tables", "row", "measure", "key", "empty"}
        if unknown or "concept" not in rule or not rule.get("tables"):
            raise ValueError(f"{where}: needs concept and tables; unknown keys {sorted(unknown)}")
        rules.append({**rule, "row_re": re.compile(rule.get("row", "")),
                      "measure_re": re.compile(rule.get("measure", "")),
                      "key_re": re.compile(rule["key"]) if "key" in rule else None})
    return tuple(rules)


def _matches(rule: dict, item: dict) -> bool:
    if item.get("table_kind") not in rule["tables"]:
        return False
    label = _BLANKS.sub("", item.get("row_label") or "")
    measure = _BLANKS.sub("", item.get("measure") or "")
    if not rule["row_re"].search(label) or not rule["measure_re"].search(measure):
        return False
    return rule["key_re"] is None or bool(rule["key_re"].fullmatch(item.get("measure_key") or ""))


def cells_by_table(items: list[dict], vocab: Vocabulary) -> dict[str, list[int]]:
    """concept → the first cell stating it in each table that does (for checks between tables)."""
    wanted = {c for c, unit in vocab.summary_columns if unit == "yuan"}
    found: dict[str, dict[tuple, int]] = {}
    for rule in load_table_rules():
        if rule["concept"] not in wanted:
            continue
        for i, it in enumerate(items):
            if it.get("amount") is not None and _matches(rule, it):
                table = (it.get("table_kind"), it.get("table_title"), tuple(it.get("pages") or ()))
                found.setdefault(rule["concept"], {}).setdefault(table, i)
    return {concept: list(tables.values()) for concept, tables in found.items()}


def table_cells(items: list[dict], vocab: Vocabulary) -> dict[str, int]:
    """concept → the cell that states it: the first rule's first matching cell."""
    return {concept: cells[0] for concept, cells in cells_by_table(items, vocab).items()}


def summary_from_tables(items: list[dict], vocab: Vocabulary, empty_kinds: set[str] = frozenset()) -> dict[str, Decimal]:
    """concept → exact value from the first table cell that states it (0 for a printed-empty table)."""
    found = {c: Decimal(items[i]["amount"]) for c, i in table_cells(items, vocab).items()}
    for rule in load_table_rules():
        if rule["concept"] not in found and "empty" in rule and set(rule["tables"]) & empty_kinds:
            found[rule["concept"]] = Decimal(rule["empty"])
    return found
