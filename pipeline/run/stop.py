"""Stopping a run, and nothing left behind: Ctrl-C and SIGTERM stop a run within seconds
with the published output whole, and no process gongkai started outlives it.

- ``stop_work``: the sandboxes (pipeline/run/sandbox.py) and the worker processes
  (pipeline/run/workers.py) of this process are killed at once, so the threads waiting on
  them return and the flow unwinds (its staging directory is dropped; the published
  output is untouched: a run becomes visible only by one rename, pipeline/run/history.py).
- ``exit_soon``: if anything still holds the process after a grace period, it exits anyway.
- ``start_prefect_server``: Prefect's temporary server is started here rather than on the
  first flow call, with a watchdog process that kills it as soon as this process is gone,
  also after ``kill -9`` (the server is a separate process that would otherwise stay,
  holding a port and a few hundred MB).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

GRACE_SECONDS = 10.0  # after a stop signal, the longest the process waits for its threads

# The watchdog: reads its stdin until end-of-file, which happens when gongkai exits however
# it exits (the kernel closes the pipe), then stops the processes it was given, if they are
# still the ones it was given (the same start time in /proc).
_WATCHDOG = r"""
import os, signal, sys, time
targets = [tuple(a.split(":")) for a in sys.argv[1:]]
def started(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[19]
    except OSError:
        return None
try:
    sys.stdin.buffer.read()
except BaseException:
    pass
alive = [pid for pid, start in targets if started(pid) == start]
for pid in alive:
    try: os.kill(int(pid), signal.SIGTERM)
    except OSError: pass
deadline = time.time() + 5
while time.time() < deadline and any(started(pid) for pid in alive):
    time.sleep(0.1)
for pid, start in targets:
    if started(pid) == start:
        try: os.kill(int(pid), signal.SIGKILL)
        except OSError: pass
"""


def _start_time(pid: int) -> str | None:
    """The process's start time (field 22 of /proc/<pid>/stat): with the pid, it names one process."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[19]
    except OSError:
        return None


def watch(pids: list[int]) -> subprocess.Popen | None:
    """A watchdog that stops ``pids`` when this process is gone (Linux: /proc)."""
    targets = [f"{pid}:{start}" for pid in pids if (start := _start_time(pid))]
    if not targets:
        return None
    return subprocess.Popen(
        [sys.executable, "-I", "-c", _WATCHDOG, *targets],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C at the terminal does not reach it: it waits for gongkai
        close_fds=True,
    )


_watchdogs: list[subprocess.Popen] = []


def start_prefect_server() -> None:
    """Start Prefect's temporary server now, watched, unless the user points at a server
    of their own (``PREFECT_API_URL``). The flows then use this server."""
    if os.environ.get("PREFECT_API_URL"):
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the one instance Prefect's client uses for its temporary server
    server.start()
    if server.server_process is not None and (dog := watch([server.server_process.pid])):
        _watchdogs.append(dog)


def stop_work() -> None:
    """Kill this process's sandboxes and worker processes (a stop signal arrived)."""
    from gongkai.pipeline.run import sandbox, workers

    sandbox.stop_all()
    workers.stop_all()


def exit_soon(code: int, grace: float = GRACE_SECONDS) -> None:
    """Exit with ``code`` after ``grace`` seconds if the process is still running then."""
    timer = threading.Timer(grace, os._exit, (code,))
    timer.daemon = True
    timer.start()


class StopSignal(BaseException):
    """SIGTERM arrived (raised in the main thread, like KeyboardInterrupt for Ctrl-C)."""

    def __init__(self, signum: int):
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.code = 128 + signum


def _raise_stop(signum: int, frame) -> None:
    raise StopSignal(signum)


def on_stop_signals() -> None:
    """SIGTERM raises StopSignal in the main thread (Prefect's flow engine hands it on the
    same way once its flow has unwound), so a run stops as it does on Ctrl-C."""
    signal.signal(signal.SIGTERM, _raise_stop)


def stop_code(exc: BaseException) -> int | None:
    """The exit code if ``exc`` is a stop (Ctrl-C, SIGTERM; also as Prefect's TerminationSignal)."""
    if isinstance(exc, KeyboardInterrupt):
        return 130
    if isinstance(exc, StopSignal):
        return exc.code
    signum = getattr(exc, "signal", None)  # prefect.exceptions.TerminationSignal
    if type(exc).__name__ == "TerminationSignal" and isinstance(signum, int):
        return 128 + signum
    return None
