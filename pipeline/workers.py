"""Extraction on several processes: ``--workers N`` runs the part tasks' work (extract a
batch, write a part: pipeline/parts.py) on N processes, this one and N - 1 others.

Prefect runs the part tasks on threads; each task takes a free place (this process or a
process of the pool), runs its work there and gives the place back. The other processes
are started with ``spawn`` (no fork of a process running Prefect's threads) and warmed up
once (dictionaries, models); this process needs no start-up, so short runs gain too.
"""
from __future__ import annotations

import atexit
import multiprocessing
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_crews: dict[int, "_Crew"] = {}


def _warm() -> None:
    """Load the tokenizer dictionary and vocabularies before the first real document."""
    from extractors.extract import extract_loaded
    from extractors.load_text import text_document

    extract_loaded(text_document("warm-up", "某局2024年部门预算：收入预算100万元。".encode()))


class _Crew:
    """N places to run work: this process and N - 1 spawned, warmed processes. A caller
    waits for whichever place is free first, so this process works from the first second
    while the others start, and no place idles while work waits."""

    def __init__(self, workers: int):
        self.pool = ProcessPoolExecutor(max_workers=workers - 1, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_warm)
        for _ in range(workers - 1):
            self.pool.submit(int)                 # start the processes now, not at the first real work
        self.places: queue.SimpleQueue[str] = queue.SimpleQueue()
        for place in ["here"] + ["pool"] * (workers - 1):
            self.places.put(place)

    def run(self, fn: Callable[..., T], *args) -> T:
        place = self.places.get()
        try:
            return fn(*args) if place == "here" else self.pool.submit(fn, *args).result()
        finally:
            self.places.put(place)


def start(workers: int) -> None:
    """Start the processes of ``--workers N`` (the CLI calls this before Prefect's start-up,
    so they warm up meanwhile)."""
    if workers > 1:
        with _lock:
            if workers not in _crews:
                _crews[workers] = _Crew(workers)


def on_workers(workers: int, fn: Callable[..., T], *args) -> T:
    """``fn(*args)`` in one of ``workers`` processes: this one or a spawned one, whichever
    is free first (always this one when workers is 1)."""
    if workers <= 1:
        return fn(*args)
    start(workers)
    return _crews[workers].run(fn, *args)


@atexit.register
def _shutdown() -> None:
    for crew in _crews.values():
        crew.pool.shutdown(cancel_futures=True)
