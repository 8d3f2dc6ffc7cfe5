"""Extraction on several processes: a process pool the extract tasks hand their batches to.

Prefect runs the batch tasks on threads; each task sends its batch to this pool and waits,
so ``--workers N`` keeps N processes busy. The workers are started with ``spawn`` (no
fork of a process running Prefect's threads) and warmed up once (dictionaries, models).
"""
from __future__ import annotations

import atexit
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from extractors.extract import extract_path
from extractors.model import Extraction

_lock = threading.Lock()
_pools: dict[int, ProcessPoolExecutor] = {}


def _warm() -> None:
    """Load the tokenizer dictionary and vocabularies before the first real document."""
    from extractors.load_text import text_document
    from extractors.extract import extract_loaded

    extract_loaded(text_document("warm-up", "某局2024年部门预算：收入预算100万元。".encode()))


def extract_many(paths: list[Path]) -> list[Extraction]:
    return [extract_path(p) for p in paths]


def pool(workers: int) -> ProcessPoolExecutor:
    with _lock:
        if workers not in _pools:
            _pools[workers] = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                                  initializer=_warm)
        return _pools[workers]


def extract_on_workers(paths: list[Path], workers: int) -> list[Extraction]:
    """Extract ``paths`` in one of ``workers`` processes (in this process when workers is 1)."""
    if workers <= 1:
        return extract_many(paths)
    return pool(workers).submit(extract_many, paths).result()


@atexit.register
def _shutdown() -> None:
    for p in _pools.values():
        p.shutdown(cancel_futures=True)
