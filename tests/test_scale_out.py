"""Scale-out: the extract flow's tasks on a Dask cluster (started by the test, on this
machine), and outputs written to an s3:// URL (a local moto server)."""
from __future__ import annotations

import pyarrow.parquet as pq
import pytest
from prefect.testing.utilities import prefect_test_harness

from pipeline.cli import main
from tests.conftest import FIXTURES, SEED

DOCS = [SEED, *sorted((FIXTURES / "heldout").glob("*.txt"))]


@pytest.fixture(scope="module")
def harness():
    with prefect_test_harness(server_startup_timeout=120):
        yield


def test_dask_cluster_runs_the_extraction(harness, tmp_path):
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        assert main(["run", *map(str, DOCS), "--out", str(tmp_path / "dask"), "--batch-size", "2",
                     "--dask", cluster.scheduler_address]) == 0
        prefixes = client.run_on_scheduler(
            lambda dask_scheduler: {name: dict(p.all_durations) for name, p in dask_scheduler.task_prefixes.items()})
    # the batches were computed on the cluster's workers
    assert prefixes.get("extract_batch", {}).get("compute", 0) > 0, prefixes
    assert main(["run", *map(str, DOCS), "--out", str(tmp_path / "local"), "--batch-size", "2"]) == 0
    a = pq.read_table(tmp_path / "dask" / "facts.parquet").sort_by([("doc_id", "ascending"), ("fact_id", "ascending")])
    b = pq.read_table(tmp_path / "local" / "facts.parquet").sort_by([("doc_id", "ascending"), ("fact_id", "ascending")])
    assert a.equals(b) and a.num_rows > 300
