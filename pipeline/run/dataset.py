"""The analyst dataset: every table partitioned by fiscal year and province, and a
``datapackage.json`` (Frictionless Data Package, with Fiscal Data Package column types)
describing every table and column.

``dataset/<table>/fiscal_year=2024/province=湖南省/part-0.parquet`` (hive layout; a
document without a year or province lands in ``__HIVE_DEFAULT_PARTITION__``). DuckDB,
pandas (pyarrow) and polars read it with hive partitioning; README "For analysts".
"""

from __future__ import annotations

import json
import os
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from gongkai.schemas.declarations import TABLES, Column, declared

PARTITIONS = ("fiscal_year", "province")
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
DATASET_DIR = "dataset"
DATAPACKAGE = "datapackage.json"

# Frictionless field types of the arrow types.
_TYPES = (
    (pa.types.is_decimal, "number"),
    (pa.types.is_integer, "integer"),
    (pa.types.is_floating, "number"),
    (pa.types.is_boolean, "boolean"),
    (pa.types.is_string, "string"),
    (pa.types.is_list, "array"),
    (pa.types.is_struct, "object"),
    (pa.types.is_map, "object"),
)


def _field_type(t: pa.DataType) -> str:
    return next((name for test, name in _TYPES if test(t)), "any")


def _field(c: Column) -> dict:
    """One Data Package field of a declared column (descriptions without Markdown backticks)."""
    field = {"name": c.name, "type": _field_type(c.type), "description": c.description.replace("`", "")}
    if pa.types.is_decimal(c.type):
        field["format"] = f"decimal({c.type.precision},{c.type.scale})"
    if c.unit:
        field["unit"] = c.unit
    if c.fiscal:
        field["columnType"] = c.fiscal
    return field


def datapackage_fields(table: str) -> list[dict]:
    """The Data Package fields of a table's columns (schemas/declarations.py), partition columns not included."""
    return [_field(c) for c in declared(table).columns]


BATCH_ROWS = 8_192  # rows read from a staged table at a time
OPEN_PARTITIONS = 64  # partitions (open files) written in one pass over a table
WAITING_ROWS = 16_384  # rows held back at most; then every partition writes what it holds as a row group
# Memory stays flat as the corpus grows: at most BATCH_ROWS + WAITING_ROWS rows are in memory,
# and each partition is one file (of one row group per WAITING_ROWS rows of the table).


class _Partitions:
    """Which partition each document falls in, and the directory of each partition."""

    def __init__(self, documents: Path):
        keys = pq.read_table(documents, columns=["doc_id", *PARTITIONS])
        self.doc_ids = keys.column("doc_id").combine_chunks()
        pairs = list(zip(*(keys.column(n).to_pylist() for n in PARTITIONS)))
        distinct = list(dict.fromkeys(pairs))
        number = {pair: i for i, pair in enumerate(distinct)}
        self.of_doc = pa.array([number[pair] for pair in pairs], pa.int32())
        layout = ds.partitioning(pa.schema([keys.schema.field(n) for n in PARTITIONS]), flavor="hive")
        self.dirs = [layout.format(_equals(keys.schema, pair))[0] for pair in distinct]

    def of_rows(self, batch: pa.RecordBatch) -> pa.Array:
        return pc.take(self.of_doc, pc.index_in(batch.column("doc_id"), value_set=self.doc_ids))


def _equals(schema: pa.Schema, pair: tuple) -> pc.Expression:
    terms = [
        pc.field(n).is_null() if v is None else pc.field(n) == pa.scalar(v, schema.field(n).type)
        for n, v in zip(PARTITIONS, pair)
    ]
    return terms[0] & terms[1]


def _file_schema(source: pq.ParquetFile) -> pa.Schema:
    """A partition file's columns: the table's without the partition keys (they are in its path)."""
    return pa.schema([f for f in source.schema_arrow if f.name not in PARTITIONS])


def _write_partitions(source: pq.ParquetFile, parts: _Partitions, first: int, last: int, out: Path) -> None:
    """One pass over ``source``: the rows of partitions ``first``..``last - 1``, one file each."""
    schema = _file_schema(source)
    writers: dict[int, pq.ParquetWriter] = {}
    waiting: dict[int, list[pa.RecordBatch]] = {}

    def write_out() -> None:
        for i, batches in waiting.items():
            if i not in writers:
                (out / parts.dirs[i]).mkdir(parents=True)
                writers[i] = pq.ParquetWriter(out / parts.dirs[i] / "part-0.parquet", schema)
            writers[i].write_table(pa.Table.from_batches(batches, schema))
        waiting.clear()

    held = 0
    for batch in source.iter_batches(batch_size=BATCH_ROWS, use_threads=False):
        batch = batch.select(schema.names)
        number = parts.of_rows(batch)
        mine = pc.and_(pc.greater_equal(number, first), pc.less(number, last))
        batch, number = batch.filter(mine), pc.filter(number, mine)
        order = pc.sort_indices(number)  # stable: rows keep their order within a partition
        batch, number = batch.take(order), pc.take(number, order)
        bounds = pc.run_end_encode(number)
        start = 0
        for i, end in zip(bounds.values.to_pylist(), bounds.run_ends.to_pylist()):
            waiting.setdefault(i, []).append(batch.slice(start, end - start))
            start = end
        held += batch.num_rows
        if held >= WAITING_ROWS:
            write_out()
            held = 0
    write_out()
    for w in writers.values():
        w.close()


def _write_table(path: Path, parts: _Partitions, out: Path) -> None:
    source = pq.ParquetFile(path)
    if source.metadata.num_rows == 0:  # an empty table still gets one (empty) file, in the layout readers expect
        empty = out / f"fiscal_year={NULL_PARTITION}" / f"province={NULL_PARTITION}"
        empty.mkdir(parents=True)
        pq.write_table(_file_schema(source).empty_table(), empty / "part-0.parquet")
        return
    for first in range(0, len(parts.dirs), OPEN_PARTITIONS):
        _write_partitions(source, parts, first, first + OPEN_PARTITIONS, out)


def write_dataset(tables_dir: Path, out: Path, pool: Executor | None = None) -> list[Path]:
    """Partition the tables of ``tables_dir`` into ``out`` (which must not exist yet), the
    tables side by side on threads (parquet writing releases the GIL); with ``pool`` (the
    ``--workers`` processes) the largest table goes there. Streaming: tables are read
    ``BATCH_ROWS`` rows at a time, one pass per ``OPEN_PARTITIONS`` partitions; rows keep
    their order within a partition."""
    tables_dir, out = Path(tables_dir), Path(out)
    parts = _Partitions(tables_dir / "documents.parquet")
    by_size = sorted(TABLES, key=lambda t: -pq.ParquetFile(tables_dir / f"{t}.parquet").metadata.num_rows)
    with ThreadPoolExecutor(max_workers=min(len(TABLES), os.cpu_count() or 1)) as threads:
        running = [
            (pool if pool is not None and i == 0 else threads).submit(
                _write_table, tables_dir / f"{t}.parquet", parts, out / t
            )
            for i, t in enumerate(by_size)
        ]
        for done in running:
            done.result()
    return sorted(out.rglob("*.parquet"))


def datapackage(root: Path, run_id: str | None = None) -> dict:
    """The Data Package of the dataset under ``root/dataset`` (paths relative to ``root``)."""
    root = Path(root)
    resources_ = []
    for table in TABLES:
        files = sorted(p.relative_to(root).as_posix() for p in (root / DATASET_DIR / table).rglob("*.parquet"))
        fields = datapackage_fields(table)
        if table != "documents":
            fields += [
                {
                    "name": "fiscal_year",
                    "type": "integer",
                    "description": "partition: the document's fiscal year",
                    "columnType": "date:fiscal-year",
                },
                {
                    "name": "province",
                    "type": "string",
                    "description": "partition: the document's province",
                    "columnType": "geo-source:label",
                },
            ]
        resources_.append(
            {
                "name": table.replace("_", "-"),
                "path": files,
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "profile": "tabular-data-resource",
                "description": f"{table}.parquet, partitioned by fiscal_year and province (hive layout)",
                "schema": {
                    "fields": fields,
                    "primaryKey": list(declared(table).primary_key),
                    **(
                        {
                            "foreignKeys": [
                                {"fields": "doc_id", "reference": {"resource": "documents", "fields": "doc_id"}}
                            ]
                        }
                        if table != "documents"
                        else {}
                    ),
                },
            }
        )
    return {
        "profile": "fiscal-data-package",
        "name": "gongkai-disclosures",
        "title": "Chinese budget and final-account disclosures (部门预算/决算公开) as tables",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "version": run_id or "",
        "licenses": [{"name": "other-pd", "title": "public government disclosures"}],
        "keywords": ["budget", "final accounts", "预算", "决算", "China"],
        "resources": resources_,
    }


def write_package(root: Path, run_id: str | None = None, pool: Executor | None = None) -> Path:
    """Partition ``root``'s tables into ``root/dataset`` and describe them in ``root/datapackage.json``."""
    root = Path(root)
    write_dataset(root, root / DATASET_DIR, pool)
    path = root / DATAPACKAGE
    path.write_text(json.dumps(datapackage(root, run_id), ensure_ascii=False, indent=1), encoding="utf-8")
    return path
