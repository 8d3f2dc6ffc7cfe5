"""One run at a time per output directory; a killed run's lock and staging are gone for the next."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from gongkai.pipeline.cli import main
from gongkai.pipeline.run.lock import LOCK_NAME, OutputBusy, holder, output_lock
from tests.conftest import SEED

HOLD = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from gongkai.pipeline.run.lock import output_lock\n"
    "with output_lock(Path(sys.argv[1]), 'run'):\n"
    "    print('locked', flush=True)\n"
    "    time.sleep(60)\n"
)


@pytest.fixture
def held(tmp_path):
    """Another process holding tmp_path/out's lock (killed with SIGKILL at the end)."""
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-W", "ignore", "-c", HOLD, str(out)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    yield out, proc
    proc.kill()
    proc.wait(timeout=10)


def test_a_second_run_on_the_same_output_exits_2_naming_the_first(held, capsys):
    out, proc = held
    before = sorted(p.name for p in out.iterdir())
    started = time.perf_counter()
    assert main(["run", str(SEED), "--out", str(out)]) == 2
    assert time.perf_counter() - started < 30  # refused at once, no waiting for the other run
    err = capsys.readouterr().err
    assert f"pid {proc.pid}" in err and "in use" in err
    assert sorted(p.name for p in out.iterdir()) == before


def test_the_lock_of_a_killed_run_is_free_and_its_staging_swept(held):
    out, proc = held
    (out / ".staging-deadbeef" / ".parts" / "spill").mkdir(parents=True)
    (out / ".staging-deadbeef" / ".parts" / "spill" / "0.pkl").write_bytes(b"x" * 100)
    with pytest.raises(OutputBusy):
        with output_lock(out, "run"):
            pass
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    with output_lock(out, "run") as swept:
        assert swept == 1 and not list(out.glob(".staging-*"))
        assert holder(out)["command"] == "run"
    assert (out / LOCK_NAME).exists()
