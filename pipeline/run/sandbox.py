"""Each document extracted in a process that can be stopped: the time and memory limits
per document.

A ``Sandbox`` is one spawned, warmed child process. The part task sends it one document
at a time and waits at most ``Limits.seconds``; past that the child is killed (whatever
it was doing, in Python or inside a C library) and the document becomes a failed row with
reason ``timeout``. The child's address space is capped at ``Limits.memory_mb``: a
document that needs more raises MemoryError there and becomes ``too_large``; a child
that dies anyway (the system's OOM killer, a crash inside a library) costs its document
only (``worker_crashed``). The next document gets a fresh child.

Children never outlive this process: each one watches its parent and exits when it is
gone (also after ``kill -9``), and ``stop_all`` kills them at once (Ctrl-C, SIGTERM).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import traceback
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from gongkai.extractors.load.limits import DEFAULT as LOAD_DEFAULTS
from gongkai.extractors.load.limits import LoadLimits
from gongkai.pipeline.run.workers import warm, watch_parent
from gongkai.schemas.reasons import DocumentError, Reason

T = TypeVar("T")

START_UP_SECONDS = 120.0  # a fresh child loads its dictionaries before its first document (not counted)


@dataclass(frozen=True)
class Limits:
    """The limits per document of a run. ``None`` switches a limit off; with both off the
    documents are extracted in the part's own process (no child). ``load``: the loaders'
    limits on what a file may hold (pages, cells, inflated bytes …: extractors/load/limits.py)."""

    seconds: float | None = 300.0  # wall time to extract one document (load, parse, tables, facts, checks)
    memory_mb: int | None = 4096  # address space of the process extracting it (its tokenizer and models included)
    load: LoadLimits = field(default=LOAD_DEFAULTS)

    def __post_init__(self) -> None:
        if self.seconds is not None and not self.seconds > 0:
            raise ValueError(f"seconds: {self.seconds!r} must be a positive number of seconds (or None)")
        if self.memory_mb is not None and (not isinstance(self.memory_mb, int) or self.memory_mb < 256):
            raise ValueError(f"memory_mb: {self.memory_mb!r} must be a whole number of MiB, at least 256 (or None)")

    @classmethod
    def parse(cls, seconds: float | None, memory_mb: int | None, load: list[str] | None = None) -> Limits:
        """Limits from settings as a command line gives them: ``load`` as ``NAME=VALUE`` strings
        naming fields of LoadLimits. A bad one raises ValueError naming it."""
        names = {f.name for f in fields(LoadLimits)}
        changes = {}
        for item in load or ():
            name, sep, value = item.partition("=")
            name = name.strip().replace("-", "_")
            if not sep or name not in names:
                raise ValueError(f"limit {item!r}: expected NAME=VALUE with NAME one of {', '.join(sorted(names))}")
            try:
                changes[name] = int(value.replace("_", ""))
            except ValueError:
                raise ValueError(f"limit {item!r}: {value!r} is not a whole number") from None
        return cls(seconds, memory_mb, LoadLimits(**{**LOAD_DEFAULTS.__dict__, **changes}))

    @property
    def guarded(self) -> bool:
        return self.seconds is not None or self.memory_mb is not None


NONE = Limits(seconds=None, memory_mb=None)


# -- the child ------------------------------------------------------------------------


def _serve(conn, parent: int, memory_mb: int | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    watch_parent(parent)
    warm()
    if memory_mb is not None:
        import resource

        limit = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn.send(("ready", None))
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", fn(*args))
        except MemoryError:
            reply = ("memory", None)
        except BaseException as exc:  # reported to the parent, which decides
            reply = ("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-3)}")
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", None))


# -- the parent -----------------------------------------------------------------------

_all: weakref.WeakSet[Sandbox] = weakref.WeakSet()
_stopping = threading.Event()


class Stopped(Exception):
    """The run is being stopped (Ctrl-C, SIGTERM): no new document starts."""


class Sandbox:
    """One child process extracting documents one at a time, within ``limits``."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.process: Any = None
        self.conn: Any = None
        _all.add(self)

    def _start(self, what: str) -> None:
        ctx = multiprocessing.get_context("spawn")
        here, there = ctx.Pipe()
        self.process = ctx.Process(
            target=_serve, args=(there, os.getpid(), self.limits.memory_mb), daemon=True, name="gongkai-sandbox"
        )
        self.process.start()
        there.close()
        self.conn = here
        try:
            ready = here.poll(START_UP_SECONDS) and here.recv()[0] == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            code = self.process.exitcode
            self.kill()
            raise DocumentError(
                Reason.WORKER_CRASHED,
                f"{what}: the process to extract it did not start within {START_UP_SECONDS:g} s ({_exit(code)})",
            )

    def kill(self) -> None:
        process, conn = self.process, self.conn
        self.process = self.conn = None
        if process is not None:
            process.kill()
            process.join(5)
            conn.close()

    def call(self, what: str, fn: Callable[..., T], *args) -> T:
        """``fn(*args)`` in the child, within the limits; ``what`` names the document in errors.
        Raises DocumentError (timeout, too_large, worker_crashed; extraction_error when ``fn``
        raised) or Stopped."""
        if _stopping.is_set():
            raise Stopped(what)
        if self.process is None or not self.process.is_alive():
            self.kill()
            self._start(what)
        process, conn = self.process, self.conn
        seconds = self.limits.seconds
        try:
            conn.send((fn, args))
            done = conn.poll(seconds)
        except (EOFError, OSError):  # the child died meanwhile, or stop_all closed the pipe: recv tells
            done = True
        if not done:
            self.kill()
            raise DocumentError(
                Reason.TIMEOUT, f"{what}: still extracting after {seconds:g} s, over the limit seconds={seconds:g}"
            )
        try:
            kind, value = conn.recv()
        except (EOFError, OSError):
            process.join(5)
            self.kill()
            if _stopping.is_set():
                raise Stopped(what) from None
            raise DocumentError(
                Reason.WORKER_CRASHED, f"{what}: the process extracting it died ({_exit(process.exitcode)})"
            ) from None
        if kind == "ok":
            return value
        if kind == "memory":
            self.kill()  # a fresh child for the next document: this one's heap is fragmented
            raise DocumentError(
                Reason.TOO_LARGE, f"{what}: needs more memory than the limit memory_mb={self.limits.memory_mb}"
            )
        raise DocumentError(
            Reason.EXTRACTION_ERROR, f"{what}: {value.strip().splitlines()[0]} ({value.strip().splitlines()[-1]})"
        )


def _exit(code: int | None) -> str:
    if code is None:
        return "no exit status"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


_local = threading.local()


def sandbox(limits: Limits) -> Sandbox:
    """This thread's sandbox for ``limits`` (a part task runs on one thread at a time)."""
    boxes = getattr(_local, "boxes", None)
    if boxes is None:
        boxes = _local.boxes = {}
    if limits not in boxes:
        boxes[limits] = Sandbox(limits)
    return boxes[limits]


def stop_all() -> None:
    """Stop every sandbox of this process now: no document starts any more, those
    running are killed (their waits end at once)."""
    _stopping.set()
    for box in list(_all):
        box.kill()
