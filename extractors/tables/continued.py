"""Tables continued across pages, joined into one."""

from __future__ import annotations

from dataclasses import replace

from gongkai.extractors.tables.build import levels_for
from gongkai.extractors.tables.model import Column, Row, Table
from gongkai.extractors.tables.titles import measure_key
from gongkai.extractors.text.normalize import fold
from gongkai.extractors.text.numbers import parse_quantity
from gongkai.schemas.table_kinds import load_table_kinds


def merge_continued(tables: list[Table]) -> list[Table]:
    """One table per printed table: a continuation part joins the table before it.

    A part continues the previous table when it has no title (or a title with （续）)
    and stands at the top of the page after the previous table's last page. Its columns
    take the previous table's headers when its own are missing or the column counts
    agree. Untitled parts with nothing to continue are dropped.
    """
    out: list[Table] = []
    for t in tables:
        prev = out[-1] if out else None
        if (
            t.continued
            and prev is not None
            and t.pages[0] in (prev.pages[-1] + 1, prev.pages[-1])
            and (t.kind is None or t.kind == prev.kind)
            and _compatible(prev, t)
        ):
            out[-1] = _join(prev, t)
            continue
        if t.kind is None:
            continue
        out.append(replace(t, rows=[replace(r) for r in t.rows], pages=list(t.pages)))
    return _document_unit(out)


def _document_unit(tables: list[Table]) -> list[Table]:
    """A table that prints no unit takes the one unit every other table of the document
    prints (收入预算表 without its 单位 line between tables in 万元); with none or several
    printed, or for a kind with a default of its own (“三公” tables: 万元), the default stays."""
    printed = {t.unit for t in tables if t.unit_source in ("line", "header")}
    if len(printed) != 1:
        return tables
    unit = printed.pop()
    kinds = load_table_kinds()
    out = []
    for t in tables:
        kind = kinds.kind(t.kind) if t.kind else None
        # a kind usually printed in its own unit (“三公” tables in 万元) keeps it
        if t.unit_source != "default" or t.unit == unit or (kind is not None and kind.default_unit != "元"):
            out.append(t)
            continue
        rows = []
        for r in t.rows:
            cells = []
            for c in r.cells:
                c = replace(c)
                if c.role == "amount":
                    q = parse_quantity(fold(c.raw).replace(" ", ""), unit)
                    if q is not None:
                        c.value = -q.value if q.negative else q.value
                cells.append(c)
            rows.append(replace(r, cells=cells))
        out.append(replace(t, rows=rows, unit=unit, unit_source="document"))
    return out


def _compatible(prev: Table, part: Table) -> bool:
    """Could `part` continue `prev`? Its own header (if printed) has the same columns."""
    own = [c for c in part.columns if c.levels]
    if not prev.columns or not own:
        return True
    return [c.measure for c in own] == [c.measure for c in prev.columns][: len(own)] or len(prev.columns) == len(
        part.columns
    )


def _join(prev: Table, part: Table) -> Table:
    """`prev` with the rows of `part`; part columns map to prev's by header, else by position."""
    kinds = load_table_kinds()
    columns = list(prev.columns)
    mapping: dict[int, Column] = {}
    for col in part.columns:
        target = None
        if col.levels:
            target = next((c for c in columns if c.measure == col.measure), None)
            if target is None and len(prev.columns) == len(part.columns):
                target = prev.columns[col.index]
        else:
            over = [
                c for c in columns if min(c.x1, col.x1) - max(c.x0, col.x0) > 0.5 * min(c.x1 - c.x0, col.x1 - col.x0)
            ]
            if over:
                target = over[0]
        if target is None:
            levels = (
                tuple(col.levels)
                or tuple(levels_for(prev.header_raw, col.x0, col.x1, [(col.x0, col.x1)], 0, [], prev.ruled))
                if prev.header_raw
                else tuple(col.levels)
            )
            target = Column(len(columns), levels, col.x0, col.x1, measure_key(levels, kinds))
            columns.append(target)
        mapping[col.index] = target
    rows = list(prev.rows)
    unit = prev.unit
    if prev.unit_source in ("default", "continued") and part.unit_source in ("line", "header") and not prev.rows:
        unit = part.unit  # the title closed the previous page; the unit line opens this one
    for r in part.rows:
        cells = []
        for c in r.cells:
            c = replace(c)
            if c.role == "amount" and c.column is not None:
                col = mapping[c.column]
                c.column, c.measure, c.measure_key = col.index, col.measure, col.measure_key
                if part.unit != unit:
                    q = parse_quantity(fold(c.raw).replace(" ", ""), unit)
                    if q is not None:
                        c.value = -q.value if q.negative else q.value
            cells.append(c)
        rows.append(Row(len(rows), r.page, cells, r.level))
    # columns left to right again (a column first seen on this page joins the others)
    order = sorted(columns, key=lambda c: c.x0)
    renum = {c.index: i for i, c in enumerate(order)}
    columns = [replace(c, index=i) for i, c in enumerate(order)]
    for r in rows:
        for c in r.cells:
            if c.role == "amount" and c.column is not None:
                c.column = renum[c.column]
    pages = prev.pages + [p for p in part.pages if p not in prev.pages]
    empty = not any(r.amounts for r in rows)
    unit_source = prev.unit_source if unit == prev.unit else part.unit_source
    return replace(
        prev,
        pages=pages,
        rows=rows,
        columns=columns,
        empty=empty,
        unit=unit,
        unit_source=unit_source,
        note=(part.note or prev.note) if empty else prev.note,
        header=prev.header or part.header,
        header_raw=prev.header_raw or part.header_raw,
    )
