"""Batches and worker processes give the same extraction as one document per task."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest
from prefect.testing.utilities import prefect_test_harness

from gongkai.extractors.extract import extract_path
from gongkai.pipeline.cli import main
from gongkai.pipeline.flows import SMALL_RUN, batch_size_for
from gongkai.pipeline.run.parts import extract_part, spilled
from gongkai.pipeline.run.workers import on_workers
from tests.conftest import FIXTURES, SEED

DOCS = [SEED, *sorted((FIXTURES / "heldout").glob("*.txt")), *sorted((FIXTURES / "html").glob("*.html"))]


def _facts(exs):
    return [(e.doc_id, f.fact_id, f.concept, f.value, f.char_start) for e in exs for f in e.facts]


def test_worker_processes_extract_the_same(tmp_path):
    refs = on_workers(2, extract_part, DOCS, 0, tmp_path)
    spilled_here = list(spilled(tmp_path, 0))
    here = [extract_path(p) for p in DOCS]
    assert [r.doc_id for r in refs] == [e.doc_id for e in here]
    assert _facts(spilled_here) == _facts(here)


@pytest.mark.parametrize(
    "n, workers, expected",
    [
        (1, 1, 1),
        (SMALL_RUN, 1, 1),
        (SMALL_RUN + 1, 1, 17),
        (2000, 1, 500),
        (2000, 2, 250),
        (100_000, 2, 500),
    ],
)
def test_batch_size(n, workers, expected):
    assert batch_size_for(n, workers) == expected


def test_flow_with_workers_and_batches_writes_the_same_tables(tmp_path):
    with prefect_test_harness(server_startup_timeout=120):
        assert main(["run", *map(str, DOCS), "--out", str(tmp_path / "one")]) == 0
        assert (
            main(["run", *map(str, DOCS), "--out", str(tmp_path / "two"), "--workers", "2", "--batch-size", "2"]) == 0
        )
    for table in ("documents", "facts", "checks", "line_items"):
        one = pq.read_table(tmp_path / "one" / f"{table}.parquet").drop_columns(
            ["text_path"] if table == "documents" else []
        )
        two = pq.read_table(tmp_path / "two" / f"{table}.parquet").drop_columns(
            ["text_path"] if table == "documents" else []
        )
        assert one.sort_by("doc_id").equals(two.sort_by("doc_id")), table
    # the partitioned dataset too (its largest table is partitioned on the other process)
    for table in ("documents", "facts", "checks"):
        one, two = (
            sorted(
                p.relative_to(tmp_path / d).as_posix() for p in (tmp_path / d / "dataset" / table).rglob("*.parquet")
            )
            for d in ("one", "two")
        )
        assert one == two, table
        for rel in one:
            a, b = pq.read_table(tmp_path / "one" / rel), pq.read_table(tmp_path / "two" / rel)
            if table == "documents":
                a, b = a.drop_columns(["text_path"]), b.drop_columns(["text_path"])
            assert a.sort_by("doc_id").equals(b.sort_by("doc_id")), rel
