"""Ordered fallbacks: a fact is looked for by a list of small methods, most reliable first
(price-parser's way); the first one that finds it wins. Used by the document facts
(extractors/facts/document.py) and the section builder (extractors/text/sections.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def first_found(methods: Sequence[Callable[..., Any]], *args: object) -> Any:
    """The value of the first method that finds one (not None), trying them in order; None if none does."""
    for method in methods:
        value = method(*args)
        if value is not None:
            return value
    return None
