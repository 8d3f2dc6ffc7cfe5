"""Checks on the standard tables, and between the tables and the prose.

Table cells are exact to their printed unit (元 with 2 decimals, or 万元):
their interval is ± half a unit of the last printed digit, like prose figures.
Rules are named in schemas/rules.toml ([[table]] and [[text_vs_table]]).
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from gongkai.extractors.checks.common import HALF, Interval, quantize, stated
from gongkai.extractors.checks.messages import amount_text
from gongkai.extractors.model import Check, Fact

_UNIT_RESOLUTION = {"元": Decimal("0.01"), "千元": Decimal("10"), "万元": Decimal("100"), "亿元": Decimal("1000000")}


def cell_interval(item: dict) -> Interval:
    amount = Decimal(item["amount"])
    raw = (item.get("raw") or "").replace(",", "").strip()
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    scale = {"元": 1, "千元": 1000, "万元": 10000, "亿元": 100000000}.get(item.get("unit") or "元", 1)
    half = Decimal(scale) * Decimal(10) ** -decimals * HALF
    return Interval(amount - half, amount + half)


def _printed(item: dict) -> str:
    """A table cell as printed, with its unit: ``1094.80万元``."""
    return f"{item['raw']}{item.get('unit') or '元'}"


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


def _joined_pieces(items: list[dict]) -> dict[int, tuple]:
    """The pages of the table each coded row belongs to. A table read in pieces, one per page
    (住房保障支出 221 at the foot of a page, 住房改革支出 22102 and its 项 on the next), is one
    table: a piece that starts on the page after another of the same title and measure and
    repeats none of its codes continues it. A table printed twice repeats its codes, so it
    stays two tables."""
    by_piece: dict[tuple, dict[tuple, set[str]]] = defaultdict(dict)
    for it in items:
        if it.get("code") and it.get("amount") is not None:
            table = (it.get("table_kind"), it.get("table_title"), it.get("measure"))
            by_piece[table].setdefault(tuple(it.get("pages") or ()), set()).add(it["code"])
    joined: dict[tuple, tuple] = {}
    for table, pieces in by_piece.items():
        chain: tuple = ()
        codes: set[str] = set()
        for pages in sorted(pieces, key=lambda p: (p[:1], p)):
            if chain and pages and chain[-1] and pages[0] == chain[-1][-1] + 1 and not codes & pieces[pages]:
                chain = (*chain, pages)
                codes |= pieces[pages]
            else:
                chain, codes = (pages,), set(pieces[pages])
            for p in chain:
                joined[(*table, p)] = chain[0]
    return {
        i: joined[(it.get("table_kind"), it.get("table_title"), it.get("measure"), tuple(it.get("pages") or ()))]
        for i, it in enumerate(items)
        if it.get("code") and it.get("amount") is not None
    }


def rows_sum_to_parent(items: list[dict], rule: str) -> list[Check]:
    """类 = Σ 款, 款 = Σ 项 in every classified table, for every column."""
    checks = []
    groups: dict[tuple, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    by_code: dict[tuple, int] = {}
    pieces = _joined_pieces(items)
    for i, it in enumerate(items):
        if it.get("code") and it.get("amount") is not None:
            # a table printed twice in one PDF is two tables: the pages tell them apart
            key = (it.get("table_kind"), it.get("table_title"), it.get("measure"), pieces[i])
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
                    f"{key[1]} / {key[2]}: rows under {parent_code} add up to "
                    f"{amount_text(summed.mid, items[parent].get('unit'))}, the row prints {_printed(items[parent])}",
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
                f"{title} / {label}: {' + '.join(used)} = {amount_text(summed.mid, items[cells[total]].get('unit'))}, "
                f"{total} prints {_printed(items[cells[total]])}",
                [cells[total], *(cells[p] for p in used)],
            )
        )
    return checks


def text_vs_tables(facts: list[Fact], table_cells: dict[str, int], items: list[dict], rule: str) -> list[Check]:
    """A figure stated in the prose equals the table cell stating the same concept."""
    checks = []
    for concept in table_cells:
        text = [f for f in stated(facts, concept) if f.source == "text" and not f.stated_none and _own_scope(facts, f)]
        if not text:
            continue
        prose = Interval.of(text[0])
        item = _row_named(text[0], items, prose) if text[0].label else None
        item = item if item is not None else table_cells[concept]
        cell = cell_interval(items[item])
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


def _own_scope(facts: list[Fact], fact: Fact) -> bool:
    """Whether a prose figure is of its concept's own scope: not a part listed under a figure
    of another family (机关运行经费82万元，其中：…公务用车运行维护费12万元 is a part of 机关运行经费,
    not the 三公 figure the 三公 table prints)."""
    if fact.parent is None:
        return True
    parent = facts[fact.parent].concept
    return parent in ("unknown", "") or parent.split("_")[0] == fact.concept.split("_")[0]


def _name(label: str) -> str:
    """A label without its code, list number and blanks: 工资福利支出（301 → 工资福利支出."""
    return re.sub(r"[（(][^）)]*[）)]?|[\d\s.、:：]", "", label)


def _row_named(fact: Fact, items: list[dict], prose: Interval) -> int | None:
    """The table row the prose figure names by its own label, when one prints its value:
    工资福利支出（301）2,981.28万元 is the 301 row of the economic table, not the 人员经费
    column (which adds 对个人和家庭的补助)."""
    label = _name(fact.label)
    for i, it in enumerate(items):
        if label and it.get("amount") is not None and _name(it.get("row_label") or "") == label:
            if cell_interval(it).overlaps(prose):
                return i
    return None


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
                    f"{concept}: {items[found[0]].get('table_title')} prints {_printed(items[found[0]])}, "
                    f"{items[other].get('table_title')} prints {_printed(items[other])}",
                    [found[0], other],
                )
            )
    return checks
