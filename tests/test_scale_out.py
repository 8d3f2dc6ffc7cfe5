"""Scale-out: the extract flow's tasks on a Dask cluster (started by the test, on this
machine), and outputs written to an s3:// URL (a local moto server)."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest
from prefect.testing.utilities import prefect_test_harness

from gongkai.pipeline.cli import main
from tests.conftest import FIXTURES, SEED

DOCS = [SEED, *sorted((FIXTURES / "heldout").glob("*.txt"))]


@pytest.fixture(scope="module")
def harness():
    with prefect_test_harness(server_startup_timeout=120):
        yield


def test_dask_cluster_runs_the_extraction(harness, tmp_path):
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        assert (
            main(
                [
                    "run",
                    *map(str, DOCS),
                    "--out",
                    str(tmp_path / "dask"),
                    "--batch-size",
                    "2",
                    "--dask",
                    cluster.scheduler_address,
                ]
            )
            == 0
        )
        prefixes = client.run_on_scheduler(
            lambda dask_scheduler: {name: dict(p.all_durations) for name, p in dask_scheduler.task_prefixes.items()}
        )
    # the parts were extracted and written on the cluster's workers
    for name in ("extract_part", "write_part"):
        assert prefixes.get(name, {}).get("compute", 0) > 0, prefixes
    assert main(["run", *map(str, DOCS), "--out", str(tmp_path / "local"), "--batch-size", "2"]) == 0
    a = pq.read_table(tmp_path / "dask" / "facts.parquet").sort_by([("doc_id", "ascending"), ("fact_id", "ascending")])
    b = pq.read_table(tmp_path / "local" / "facts.parquet").sort_by([("doc_id", "ascending"), ("fact_id", "ascending")])
    assert a.equals(b) and a.num_rows > 300


# -- outputs at an s3:// URL (moto's S3 server on 127.0.0.1, started by the test) -----------


@pytest.fixture
def s3(monkeypatch):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
    }.items():
        monkeypatch.setenv(key, value)
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()
    fs = s3fs.S3FileSystem()
    if fs.exists("gongkai-test"):  # moto keeps its buckets for the whole process
        fs.rm("gongkai-test", recursive=True)
    fs.mkdir("gongkai-test")
    yield fs
    s3fs.S3FileSystem.clear_instance_cache()
    server.stop()


def test_run_writes_to_s3(harness, s3, tmp_path):
    from gongkai.pipeline.run.remote import remote_runs

    url = "s3://gongkai-test/disclosures"
    assert main(["run", *map(str, DOCS), "--out", url]) == 0
    assert main(["run", str(SEED), "--out", url]) == 0
    runs = remote_runs(url)
    assert len(runs) == 2
    assert s3.cat_file("gongkai-test/disclosures/LATEST").decode().strip() == runs[-1]
    # the top level is the newest run: the seed alone
    with s3.open("gongkai-test/disclosures/documents.parquet", "rb") as fh:
        docs = pq.read_table(fh).to_pylist()
    assert [d["source"] for d in docs] == [str(SEED)]
    # the first run is kept whole, with its manifest
    first = f"gongkai-test/disclosures/runs/{runs[0]}"
    with s3.open(f"{first}/facts.parquet", "rb") as fh:
        assert pq.read_table(fh).num_rows > 300
    assert s3.exists(f"{first}/manifest.json") and s3.exists(f"{first}/datapackage.json")
    # DuckDB-style readers find the partitioned dataset at the top level
    parts = s3.glob("gongkai-test/disclosures/dataset/summary/*/*/*.parquet")
    assert len(parts) == 1 and "fiscal_year=2024" in parts[0]


# -- the parts of a run in a shared work area (s3://), as workers on other machines need ------


def test_parts_in_an_s3_work_area(s3, tmp_path):
    from gongkai.pipeline.run import parts
    from gongkai.pipeline.run.writer import OutputWriter

    run = OutputWriter(tmp_path / "out", work="s3://gongkai-test/work")
    work = f"gongkai-test/work/{run.run_id}"
    batches = [DOCS[:2], DOCS[2:]]
    refs = [r for i, b in enumerate(batches) for r in parts.extract_part(b, i, run.work_dir)]
    assert s3.exists(f"{work}/spill/0.pkl") and s3.exists(f"{work}/spill/1.pkl")
    plan = parts.plan_parts(refs)
    written = [parts.write_part(i, plan, run.work_dir) for i in range(len(batches))]
    assert s3.exists(f"{work}/parts/1/facts.parquet") and s3.glob(f"{work}/parts/0/texts/*.txt")
    for part in written:
        run.add_part(part)
    assert run.commit().ok
    assert not s3.exists(work)  # the work area is cleaned up
    assert parts.run_in_process(DOCS, tmp_path / "local", batch_size=2).ok
    for table in ("documents", "facts", "checks", "summary"):
        assert pq.read_table(tmp_path / "out" / f"{table}.parquet").equals(
            pq.read_table(tmp_path / "local" / f"{table}.parquet")
        ), table
    assert sorted(p.name for p in (tmp_path / "out" / "texts").iterdir()) == sorted(
        p.name for p in (tmp_path / "local" / "texts").iterdir()
    )


def test_dask_workers_write_their_parts_to_s3(harness, s3, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        assert (
            main(
                [
                    "run",
                    *map(str, DOCS),
                    "--out",
                    str(tmp_path / "dask"),
                    "--batch-size",
                    "2",
                    "--dask",
                    cluster.scheduler_address,
                    "--work",
                    "s3://gongkai-test/work",
                ]
            )
            == 0
        )
    assert main(["run", *map(str, DOCS), "--out", str(tmp_path / "local"), "--batch-size", "2"]) == 0
    for table in ("documents", "facts", "checks"):
        assert pq.read_table(tmp_path / "dask" / f"{table}.parquet").equals(
            pq.read_table(tmp_path / "local" / f"{table}.parquet")
        ), table
    assert not s3.find("gongkai-test/work")  # the parts were there, and are cleaned up
