"""The output tables' pyarrow schemas, generated from schemas/declarations.py.

Money is parquet DECIMAL (exact). Every field is nullable in parquet; what may be null is
checked by validation (schemas/validation.py).
"""

from __future__ import annotations

import pyarrow as pa

from gongkai.schemas.declarations import TABLES, VALUE, YUAN, Table, declared

__all__ = [
    "CHECKS",
    "DOCUMENTS",
    "FACTS",
    "LINE_ITEMS",
    "PROJECTS",
    "SCHEMAS",
    "TABLES",
    "VALUE",
    "YUAN",
    "arrow_schema",
    "schema_for",
    "summary_schema",
]


def arrow_schema(table: Table) -> pa.Schema:
    """The declared columns, in order, as nullable arrow fields."""
    return pa.schema([(c.name, c.type) for c in table.columns])


DOCUMENTS = arrow_schema(declared("documents"))
FACTS = arrow_schema(declared("facts"))
PROJECTS = arrow_schema(declared("projects"))
CHECKS = arrow_schema(declared("checks"))
LINE_ITEMS = arrow_schema(declared("line_items"))

SCHEMAS = {
    "documents": DOCUMENTS,
    "facts": FACTS,
    "projects": PROJECTS,
    "checks": CHECKS,
    "line_items": LINE_ITEMS,
}


def summary_schema() -> pa.Schema:
    """doc_id, one column per summary concept of the vocabulary, sources."""
    return arrow_schema(declared("summary"))


def schema_for(table: str) -> pa.Schema:
    return summary_schema() if table == "summary" else SCHEMAS[table]
