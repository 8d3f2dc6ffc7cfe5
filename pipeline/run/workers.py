"""Extraction on several processes: ``--workers N`` runs the part tasks' work (extract a
batch, write a part: pipeline/run/parts.py) on N processes, this one and N - 1 others.

Prefect runs the part tasks on threads; each task takes a free place (this process or a
process of the pool), runs its work there and gives the place back. The other processes
are started with ``spawn`` (no fork of a process running Prefect's threads) and warmed up
once (dictionaries, models); this process needs no start-up, so short runs gain too.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_crews: dict[int, _Crew] = {}


def _exit_without(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def watch_parent(parent: int) -> None:
    """Exit as soon as the process that started this one is gone (also after its kill -9)."""
    threading.Thread(target=_exit_without, args=(parent,), daemon=True, name="gongkai-watch-parent").start()


def _init_worker(parent: int) -> None:
    """A worker process: Ctrl-C is this process's to handle; gone with it; warmed up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(parent)
    warm()


def warm() -> None:
    """Load the tokenizer dictionary and vocabularies before the first real document."""
    from gongkai.extractors.extract import extract_loaded
    from gongkai.extractors.load.text import text_document

    extract_loaded(text_document("warm-up", "某局2024年部门预算：收入预算100万元。".encode()))


class _Crew:
    """N places to run work: this process and N - 1 spawned, warmed processes. A caller
    waits for whichever place is free first, so this process works from the first second
    while the others start, and no place idles while work waits."""

    def __init__(self, workers: int):
        # this process's share runs on one thread of its own, not on whichever thread Prefect
        # gave the task: memory freed by a thread stays with that thread's malloc arena, so
        # work spread over many threads would hold the peak of each
        self.here = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gongkai-work")
        self.pool = None
        if workers > 1:
            self.pool = ProcessPoolExecutor(
                max_workers=workers - 1,
                initializer=_init_worker,
                initargs=(os.getpid(),),
                mp_context=multiprocessing.get_context("spawn"),
            )
            for _ in range(workers - 1):
                self.pool.submit(int)  # start the processes now, not at the first real work
        self.places: queue.SimpleQueue[str] = queue.SimpleQueue()
        for place in ["here"] + ["pool"] * (workers - 1):
            self.places.put(place)

    def run(self, fn: Callable[..., T], *args) -> T:
        place = self.places.get()
        try:
            executor = self.here if place == "here" else self.pool
            assert executor is not None  # "pool" places exist only with a pool
            return executor.submit(fn, *args).result()
        finally:
            self.places.put(place)


def start(workers: int) -> None:
    """Start the processes of ``--workers N`` (the CLI calls this before Prefect's start-up,
    so they warm up meanwhile)."""
    with _lock:
        if workers not in _crews:
            _crews[workers] = _Crew(max(1, workers))


def on_workers(workers: int, fn: Callable[..., T], *args) -> T:
    """``fn(*args)`` in one of ``workers`` processes: this one or a spawned one, whichever
    is free first. At most ``workers`` run at once, however many task threads Prefect
    runs: one part at a time per process keeps memory flat."""
    start(workers)
    return _crews[workers].run(fn, *args)


def pool_of(workers: int) -> ProcessPoolExecutor | None:
    """The other processes of ``--workers N`` (None when N is 1)."""
    start(workers)
    return _crews[workers].pool


def here(workers: int, fn: Callable[..., T], *args) -> T:
    """``fn(*args)`` in this process, on the thread its share of the work runs on (one
    malloc arena for all of it)."""
    start(workers)
    return _crews[workers].here.submit(fn, *args).result()


def stop_all() -> None:
    """Kill the worker processes now (a stop signal): work waiting on them ends at once."""
    for crew in list(_crews.values()):
        if crew.pool is not None:
            for process in list(getattr(crew.pool, "_processes", {}).values()):
                process.kill()
            crew.pool.shutdown(wait=False, cancel_futures=True)


@atexit.register
def _shutdown() -> None:
    for crew in _crews.values():
        crew.here.shutdown(cancel_futures=True)
        if crew.pool is not None:
            crew.pool.shutdown(cancel_futures=True)
