"""Progress callbacks of the flows (the CLI's progress bar), called in the flow's process
with each document done: a ``pipeline.run.parts.DocRef`` in runs, an ``Extraction`` in
harvests; both have ``source`` and ``status``.

A module of its own: the flow functions reach the callbacks through this module, which
pickles by name, so a callback holding a terminal (locks and all) never travels with the
flow to a Dask or process-pool worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_callbacks: list[Callable[[Any], None]] = []


def on_document_done(callback: Callable[[Any], None] | None) -> None:
    _callbacks.clear()
    if callback is not None:
        _callbacks.append(callback)


def notify(ex: Any) -> None:
    for callback in _callbacks:
        callback(ex)
