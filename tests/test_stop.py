"""Stopping: a document past its time or memory limit is one failed row; Ctrl-C, SIGTERM
and kill -9 at any stage of a run (extract, write, commit, publish) leave the published
output whole, and no process gongkai started (sandboxes, workers, Prefect's server)
outlives it. The slow and hungry documents are generated here."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from gongkai.pipeline.run import history
from gongkai.pipeline.run.sandbox import Limits, Sandbox
from gongkai.schemas.reasons import DocumentError, Reason
from tests.conftest import FIXTURES, SEED

TABLES = ("documents", "facts", "summary", "checks", "projects", "line_items")


# -- the sandbox ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def box():
    box = Sandbox(Limits(seconds=2, memory_mb=1024))
    yield box
    box.kill()


def test_work_within_the_limits_comes_back(box):
    assert box.call("sum", sum, [1, 2, 3]) == 6


def test_past_the_time_limit_the_work_is_stopped_and_the_next_runs(box):
    started = time.perf_counter()
    with pytest.raises(DocumentError) as caught:
        box.call("slow.pdf", time.sleep, 60)
    assert caught.value.reason is Reason.TIMEOUT
    assert "slow.pdf" in caught.value.message and "seconds=2" in caught.value.message
    assert time.perf_counter() - started < 10
    assert box.call("sum", sum, [4, 5]) == 9  # a fresh process took over


def test_over_the_memory_limit_is_too_large(box):
    with pytest.raises(DocumentError) as caught:
        box.call("hungry.xlsx", bytearray, 2 * 2**30)  # 2 GiB, over memory_mb=1024
    assert caught.value.reason is Reason.TOO_LARGE and "memory_mb=1024" in caught.value.message
    assert box.call("sum", sum, [1]) == 1


def test_a_process_that_dies_costs_its_document_only(box):
    with pytest.raises(DocumentError) as caught:
        box.call("crash.pdf", os.abort)
    assert caught.value.reason is Reason.WORKER_CRASHED and "SIGABRT" in caught.value.message
    assert box.call("sum", sum, [2]) == 2


@pytest.mark.parametrize("bad", [{"seconds": 0}, {"seconds": -1}, {"memory_mb": 10}, {"memory_mb": 1.5}])
def test_a_bad_limit_names_its_setting(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        Limits(**bad)


# -- whole runs, in a process of their own ---------------------------------------------------

# Runs the CLI; with a stage, this process kills itself (SIGKILL) when the run reaches it.
KILL_AT = r"""
import os, signal, sys
from gongkai.pipeline import cli
from gongkai.pipeline.run import dataset, history, parts, writer

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

stage, argv = sys.argv[1], sys.argv[2:]
if stage == "extract":
    parts.extract_part = die
elif stage == "write":
    parts.write_part = die
elif stage == "commit":
    writer.write_package = die  # partitioning the dataset, inside the commit
elif stage == "renamed":
    writer.publish = die  # the run is complete in runs/, not yet published
elif stage.startswith("publish"):
    calls, after = [0], int(stage[len("publish"):])
    swap = history._symlink
    def _symlink(target, path):
        if calls[0] == after:
            die()
        calls[0] += 1
        swap(target, path)
    history._symlink = _symlink
sys.exit(cli.main(argv))
"""


@pytest.fixture(scope="module")
def server() -> str:
    """A Prefect server for the runs that do not test the server's own end (each run would
    otherwise start one: 10–25 s)."""
    from prefect.server.api.server import SubprocessASGIServer

    running = SubprocessASGIServer()
    running.start()
    return running.api_url


def _gongkai(stage: str, *argv: str, mark: str, api: str | None = None, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "GONGKAI_TEST_MARK": mark, "COLUMNS": "200"}
    if api:
        env["PREFECT_API_URL"] = api
    return subprocess.Popen(
        [sys.executable, "-W", "ignore", "-c", KILL_AT, stage, *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def _marked(mark: str) -> list[int]:
    """Processes started with GONGKAI_TEST_MARK=mark (they inherit it: sandboxes, workers, Prefect's server)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"GONGKAI_TEST_MARK={mark}".encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def _none_left(mark: str, within: float = 15.0) -> bool:
    deadline = time.time() + within
    while time.time() < deadline:
        if not _marked(mark):
            return True
        time.sleep(0.2)
    return not _marked(mark)


def _published(out: Path) -> dict[str, bytes]:
    """The published tables, read through OUT/ as a reader would."""
    return {t: (out / f"{t}.parquet").read_bytes() for t in TABLES}


def _one_run(out: Path) -> str:
    """The published tables all belong to one complete run: the one OUT/current names."""
    run = history.published(out)
    assert run is not None
    run_dir = out / history.RUNS_DIR / run
    assert history.read_manifest(run_dir), run
    for t in TABLES:
        assert (out / f"{t}.parquet").read_bytes() == (run_dir / f"{t}.parquet").read_bytes(), t
        pq.read_table(out / f"{t}.parquet")
    assert pq.read_table(out / "dataset" / "documents").num_rows == pq.read_table(out / "documents.parquet").num_rows
    return run


@pytest.fixture(scope="module")
def slow_text(tmp_path_factory) -> Path:
    """A text disclosure long enough to take several seconds to extract (the seed, repeated)."""
    folder = tmp_path_factory.mktemp("slow")
    seed = SEED.read_text(encoding="utf-8")
    path = folder / "long-budget.txt"
    path.write_text(seed * (8_000_000 // len(seed)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def published_once(tmp_path_factory, server) -> Path:
    """An output directory with one published run of the seed."""
    out = tmp_path_factory.mktemp("published") / "out"
    proc = _gongkai("none", "run", str(SEED), "--out", str(out), mark=uuid.uuid4().hex, api=server)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return out


def test_a_document_past_the_time_limit_is_a_failed_row_and_the_rest_is_written(tmp_path, slow_text, server):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / SEED.name).write_bytes(SEED.read_bytes())
    (folder / slow_text.name).write_bytes(slow_text.read_bytes())
    out = tmp_path / "out"
    proc = _gongkai(
        "none", "run", str(folder), "--out", str(out), "--doc-timeout", "1", mark=uuid.uuid4().hex, api=server
    )
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, err  # some documents failed
    docs = pq.read_table(out / "documents.parquet").to_pylist()
    by_name = {Path(d["source"]).name: d for d in docs}
    assert by_name[SEED.name]["status"] == "ok"
    slow = by_name[slow_text.name]
    assert slow["status"] == "failed" and slow["error_reason"] == "timeout"
    assert "seconds=1" in slow["error_message"] and slow["sha256"]
    assert pq.read_table(out / "facts.parquet").num_rows > 0


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stop_signal_ends_the_run_within_seconds_and_the_output_stays(
    published_once, tmp_path, slow_text, signum, code
):
    out = tmp_path / "out"
    subprocess.run(["cp", "-a", str(published_once), str(out)], check=True)
    before, run_before = _published(out), history.published(out)
    mark = uuid.uuid4().hex
    proc = _gongkai("none", "run", str(slow_text), "--out", str(out), "--doc-timeout", "0", mark=mark)
    deadline = time.time() + 120
    while not list(out.glob(".staging-*/.parts")) and time.time() < deadline:  # extracting
        time.sleep(0.2)
    assert proc.poll() is None, proc.communicate()[1]
    time.sleep(1)
    signalled = time.perf_counter()
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert time.perf_counter() - signalled < 15
    assert proc.returncode == code, err
    assert "stopped" in err and "unchanged" in err
    assert _published(out) == before and history.published(out) == run_before
    assert not list(out.glob(".staging-*"))
    assert _none_left(mark)


@pytest.mark.parametrize("stage", ["extract", "write", "commit", "renamed", "publish0", "publish1"])
def test_killed_at_any_stage_the_output_is_one_whole_run(published_once, tmp_path, stage, server):
    """kill -9 at each stage of a second run: OUT/ shows the first run or the second, never
    a mix; no process is left; the next run works and publishes."""
    out = tmp_path / "out"
    subprocess.run(["cp", "-a", str(published_once), str(out)], check=True)
    first = history.published(out)
    mark = uuid.uuid4().hex
    proc = _gongkai(
        stage, "run", str(SEED), str(SEED.with_suffix(".gold.json")), "--out", str(out), mark=mark, api=server
    )
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == -signal.SIGKILL, err
    assert _one_run(out) in {first} | {d.name for d in history.complete_runs(out)}
    if stage in ("extract", "write", "commit"):
        assert history.published(out) == first
    assert _none_left(mark)
    if stage not in ("write", "renamed", "publish0"):
        return  # the next run after the other stages is the same as after these
    again = _gongkai("none", "run", str(SEED), "--out", str(out), mark=mark, api=server)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    newest = history.complete_runs(out)[-1].name
    assert _one_run(out) == newest != first
    assert not list(out.glob(".staging-*"))


def test_kill_9_leaves_no_process_behind(tmp_path, slow_text):
    mark = uuid.uuid4().hex
    out = tmp_path / "out"
    proc = _gongkai("none", "run", str(slow_text), str(SEED), "--out", str(out), "--workers", "2", mark=mark)
    deadline = time.time() + 120
    while not list(out.glob(".staging-*/.parts")) and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    assert len(_marked(mark)) >= 3  # gongkai, its worker and sandboxes, Prefect's server
    proc.kill()
    proc.communicate(timeout=30)
    assert _none_left(mark)


def test_work_that_raises_is_an_extraction_error_of_its_document(box):
    with pytest.raises(DocumentError) as caught:
        box.call("bug.pdf", int, "not a number")
    assert caught.value.reason is Reason.EXTRACTION_ERROR
    assert "bug.pdf" in caught.value.message and "ValueError" in caught.value.message
    assert box.call("sum", sum, [3]) == 3


def test_load_limits_are_settings_of_the_run(tmp_path, server):
    """``--limit NAME=VALUE`` reaches the loaders: the seed over a text_chars limit is a
    failed row naming the limit; a bad name is a usage error listing the known ones."""
    from gongkai.pipeline.run.sandbox import Limits

    with pytest.raises(ValueError, match="text_chars"):
        Limits.parse(300, 4096, ["pages=3"])
    with pytest.raises(ValueError, match="whole number"):
        Limits.parse(300, 4096, ["pdf_pages=many"])
    assert Limits.parse(300, 4096, ["pdf_pages=500"]).load.pdf_pages == 500
    out = tmp_path / "out"
    longer = FIXTURES / "gold" / "js_rdbgt_2019_budget.txt"  # 7,654 characters; the seed has 3,326
    argv = ["run", str(SEED), str(longer), "--out", str(out), "--limit", "text_chars=5000"]
    proc = _gongkai("none", *argv, mark=uuid.uuid4().hex, api=server)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, err
    docs = {Path(d["source"]).name: d for d in pq.read_table(out / "documents.parquet").to_pylist()}
    assert docs[SEED.name]["status"] == "ok"
    assert docs[longer.name]["error_reason"] == "too_large" and "text_chars=5000" in docs[longer.name]["error_message"]
    bad = _gongkai("none", "run", str(SEED), "--out", str(out), "--limit", "pages=3", mark=uuid.uuid4().hex, api=server)
    _, err = bad.communicate(timeout=300)
    assert bad.returncode == 2 and "pdf_pages" in err
