"""One run at a time on an output directory, and the debris of killed runs swept.

``gongkai run`` and ``gongkai harvest`` hold ``OUT/.gongkai.lock`` (an advisory ``flock``,
released by the kernel when the process dies, even by SIGKILL) for the whole run. A second
run on the same output does not wait: it stops with a usage error naming the running one.
Holding the lock, a run may remove what no live run can own: the ``.staging-*``
directories (with their spilled parts) that killed runs left behind.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".gongkai.lock"
STAGING_PREFIX = ".staging-"


class OutputBusy(RuntimeError):
    """Another run holds the output directory; the message names it."""


def holder(out_dir: Path) -> dict:
    """What the lock file says of the run holding it (empty when unreadable)."""
    try:
        return json.loads((Path(out_dir) / LOCK_NAME).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


@contextmanager
def output_lock(out_dir: Path, command: str) -> Iterator[int]:
    """Hold ``out_dir``'s lock for a run of ``command``; the number of stale staging
    directories swept. Raises OutputBusy when another run holds it."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = holder(out_dir)
            raise OutputBusy(
                f"{out_dir} is in use by another gongkai {other.get('command', 'run')} "
                f"(pid {other.get('pid', '?')} on {other.get('host', '?')}, since {other.get('started', '?')}); "
                "wait for it to finish or use another --out"
            ) from None
        me = {"command": command, "pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%FT%T%z")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me).encode(), 0)
        yield sweep_staging(out_dir)
    finally:
        os.close(fd)  # releases the lock


def sweep_staging(out_dir: Path) -> int:
    """Remove the staging directories of runs that are gone (call it holding the lock)."""
    stale = [p for p in Path(out_dir).glob(STAGING_PREFIX + "*") if p.is_dir()]
    for p in stale:
        shutil.rmtree(p, ignore_errors=True)
    return len(stale)
