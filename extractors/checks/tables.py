"""Checks on the standard tables, and between the tables and the prose.

Table cells are exact to their printed unit (元 with 2 decimals, or 万元):
their interval is ± half a unit of the last printed digit, like prose figures.
Rules are named in schemas/rules.toml ([[table]] and [[text_vs_table]]).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from gongkai.extractors.checks.common import HALF, Interval, quantize, stated
from gongkai.extractors.model import Check, Fact

_UNIT_RESOLUTION = {"元": Decimal("0.01"), "千元": Decimal("10"), "万元": Decimal("100"), "亿元": Decimal("1000000")}


def cell_interval(item: dict) -> Interval:
    amount = Decimal(item["amount"])
    raw = (item.get("raw") or "").replace(",", "").strip()
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    scale = {"元": 1, "千元": 1000, "万元": 10000, "亿元": 100000000}.get(item.get("unit") or "元", 1)
    half = Decimal(scale) * Decimal(10) ** -decimals * HALF
    return Interval(amount - half, amount + half)


def _check(
    rule: str,
    status: str,
    expected: Interval,
    actual: Interval,
    msg: str,
    items: list[int],
    evidence: list[tuple[int, int]] | None = None,
) -> Check:
    return Check(
        rule,
        status,
        quantize(expected.mid),
        quantize(actual.mid),
        quantize(expected.half_width + actual.half_width),
        msg,
        evidence or [],
        items,
    )


def rows_sum_to_parent(items: list[dict], rule: str) -> list[Check]:
    """类 = Σ 款, 款 = Σ 项 in every classified table, for every column."""
    checks = []
    groups: dict[tuple, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    by_code: dict[tuple, int] = {}
    for i, it in enumerate(items):
        if it.get("code") and it.get("amount") is not None:
            # a table printed twice in one PDF is two tables: the pages tell them apart
            key = (it.get("table_kind"), it.get("table_title"), it.get("measure"), tuple(it.get("pages") or ()))
            by_code[key + (it["code"],)] = i
            if it.get("parent_code"):
                groups[key][it["parent_code"]].append(i)
    for key, parents in groups.items():
        for parent_code, children in parents.items():
            parent = by_code.get(key + (parent_code,))
            if parent is None:
                continue
            total = cell_interval(items[parent])
            summed = Interval(Decimal(0), Decimal(0))
            for c in children:
                summed = summed + cell_interval(items[c])
            ok = summed.overlaps(total)
            checks.append(
                _check(
                    rule,
                    "pass" if ok else "fail",
                    summed,
                    total,
                    f"{key[1]} / {key[2]}: rows under {parent_code} add up to {quantize(summed.mid)}, "
                    f"the row prints {items[parent]['raw']}",
                    [parent, *children],
                )
            )
    return checks


def row_identities(items: list[dict], rule: str, total: str, parts: tuple[str, ...]) -> list[Check]:
    """Within each table row: the `total` column = the sum of the `parts` columns (合计 = 基本 + 项目).
    A part ending in "?" (单位预留机动经费 "reserve?") is added when the table has that column."""
    required = tuple(p for p in parts if not p.endswith("?"))
    keys = {p.rstrip("?") for p in parts} | {total}
    rows: dict[tuple, dict[str, int]] = defaultdict(dict)
    for i, it in enumerate(items):
        if it.get("amount") is not None and it.get("measure_key") in keys:
            rows[(it.get("table_title"), it.get("row_index"), tuple(it.get("pages") or ()))].setdefault(
                it["measure_key"], i
            )
    checks = []
    for (title, row, _), cells in rows.items():
        if total not in cells or not all(p in cells for p in required):
            continue
        used = [p.rstrip("?") for p in parts if p.rstrip("?") in cells]
        summed = Interval(Decimal(0), Decimal(0))
        for p in used:
            summed = summed + cell_interval(items[cells[p]])
        whole = cell_interval(items[cells[total]])
        ok = summed.overlaps(whole)
        label = items[cells[total]].get("row_label") or f"row {row}"
        checks.append(
            _check(
                rule,
                "pass" if ok else "fail",
                summed,
                whole,
                f"{title} / {label}: {' + '.join(used)} = {quantize(summed.mid)}, {total} prints "
                f"{items[cells[total]]['raw']}",
                [cells[total], *(cells[p] for p in used)],
            )
        )
    return checks


def text_vs_tables(facts: list[Fact], table_cells: dict[str, int], items: list[dict], rule: str) -> list[Check]:
    """A figure stated in the prose equals the table cell stating the same concept."""
    checks = []
    for concept, item in table_cells.items():
        text = [f for f in stated(facts, concept) if f.source == "text" and not f.stated_none]
        if not text:
            continue
        prose, cell = Interval.of(text[0]), cell_interval(items[item])
        ok = prose.overlaps(cell)
        checks.append(
            _check(
                rule,
                "pass" if ok else "fail",
                prose,
                cell,
                f"{concept}: the text prints {text[0].raw}, the table {items[item]['raw']} "
                f"({items[item].get('unit') or '元'})",
                [item],
                [(text[0].char_start, text[0].char_end)],
            )
        )
    return checks


def tables_agree(items: list[dict], cells: dict[str, list[int]], rule: str) -> list[Check]:
    """Two standard tables stating the same concept (收支总表 and 支出总表 both print 基本支出) agree."""
    checks = []
    for concept, found in cells.items():
        if len(found) < 2:
            continue
        first = cell_interval(items[found[0]])
        for other in found[1:]:
            interval = cell_interval(items[other])
            ok = interval.overlaps(first)
            checks.append(
                _check(
                    rule,
                    "pass" if ok else "fail",
                    first,
                    interval,
                    f"{concept}: {items[found[0]].get('table_title')} prints {items[found[0]]['raw']}, "
                    f"{items[other].get('table_title')} prints {items[other]['raw']}",
                    [found[0], other],
                )
            )
    return checks
