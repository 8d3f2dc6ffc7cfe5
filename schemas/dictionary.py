"""The data dictionary (docs/data-dictionary.md), generated from schemas/declarations.py.

    python -m gongkai.schemas.dictionary > docs/data-dictionary.md

tests/test_declarations.py fails when the committed file differs from what this prints.
"""

from __future__ import annotations

import sys
from itertools import groupby

import pyarrow as pa

from gongkai.schemas.declarations import Column, Table, declared_tables

COMMAND = "python -m gongkai.schemas.dictionary > docs/data-dictionary.md"

_INTRO = """\
Every column of every output table, with its type, whether it may be null, what validation
checks and what it means. Money is `decimal(22,2)` yuan, whatever unit the document printed;
`facts.value` and the figures of `checks` are `decimal(28,6)` because they also hold
percentages and counts. Parquet marks every column nullable; the *null* column says what
validation allows. Every table is checked by a strict pandera schema (`schemas/validation.py`:
exactly these columns, these types, these rules, and the named table checks); all failures of
all tables are reported together."""


def type_name(t: pa.DataType) -> str:
    """Short type names: decimal(22,2), list<string>, list<struct<href, text>>, map<string, string>."""
    if pa.types.is_decimal(t):
        return f"decimal({t.precision},{t.scale})"
    if pa.types.is_map(t):
        return f"map<{type_name(t.key_type)}, {type_name(t.item_type)}>"
    if pa.types.is_list(t):
        return f"list<{type_name(t.value_type)}>"
    if pa.types.is_struct(t):
        return "struct<" + ", ".join(t.field(i).name for i in range(t.num_fields)) + ">"
    return {"double": "float64"}.get(str(t), str(t))


def rules(c: Column) -> str:
    """What validation checks of a column, in words."""
    said = ["unique"] if c.unique else []
    if c.values:
        said.append("one of " + ", ".join(f"`{v}`" for v in c.values))
    if c.min is not None and c.max is not None:
        said.append(f"{c.min}–{c.max}")
    elif c.min is not None:
        said.append(f"≥ {c.min}")
    elif c.max is not None:
        said.append(f"≤ {c.max}")
    if c.min_length:
        said.append("not empty" if c.min_length == 1 else f"at least {c.min_length} characters")
    if c.pattern:
        said.append(f"matches `{c.pattern}`")
    said += [f"{k.says} (`{k.name}`)" for k in c.checks]
    return "; ".join(said)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _row(columns: list[Column]) -> str:
    """One table row for consecutive columns that differ only in name."""
    c = columns[0]
    names = ", ".join(f"`{k.name}`" for k in columns)
    cells = [names, type_name(c.type), "yes" if c.nullable else "", rules(c), c.description]
    return "| " + " | ".join(_cell(x) for x in cells) + " |"


def _same(c: Column) -> tuple:
    return type_name(c.type), c.nullable, rules(c), c.description


def table_section(table: Table) -> str:
    """The Markdown section of one table."""
    lines = [f"## {table.name}.parquet", "", f"One row per {table.rows}."]
    if table.primary_key:
        lines[-1] += " Key: " + ", ".join(f"`{k}`" for k in table.primary_key) + "."
    lines += ["", "| column | type | null | rules | meaning |", "|---|---|---|---|---|"]
    lines += [_row(list(group)) for _, group in groupby(table.columns, key=_same)]
    if table.checks:
        lines += ["", "Table checks:", ""]
        lines += [f"- `{k.name}`: {k.says}" for k in table.checks]
    if table.notes:
        lines += ["", table.notes]
    return "\n".join(lines)


def render() -> str:
    """The whole data dictionary page."""
    head = [
        "# Data dictionary",
        "",
        f"_Generated from `schemas/declarations.py` by `{COMMAND}`; edit the declarations, not this file._",
        "",
        _INTRO,
    ]
    return "\n\n".join(["\n".join(head), *(table_section(t) for t in declared_tables())]) + "\n"


def main() -> None:
    """Print the page as UTF-8 bytes (no newline translation)."""
    sys.stdout.buffer.write(render().encode("utf-8"))


if __name__ == "__main__":
    main()
