"""Run settings as a validated dataclass, and the quiet, offline Prefect defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gongkai.extractors.load import formats

# Prefect stays quiet and never phones home unless the user says otherwise.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
}

# Files a run picks up from a directory: every suffix of a known format (extractors/load/formats.py).
DOCUMENT_SUFFIXES = formats.DOCUMENT_SUFFIXES


def quiet_prefect() -> None:
    """Set the quiet/offline defaults; explicit environment settings win.

    With ``PREFECT_API_URL`` set (a Prefect server the user runs), the flows' and tasks' logs
    are sent to it (``PREFECT_LOGGING_TO_API_ENABLED=true``): the runs in its UI show them.
    Without it, Prefect's ephemeral server is gongkai's own and gets no logs."""
    defaults = dict(PREFECT_DEFAULTS)
    if os.environ.get("PREFECT_API_URL", "").strip():
        defaults["PREFECT_LOGGING_TO_API_ENABLED"] = "true"
    for key, value in defaults.items():
        os.environ.setdefault(key, value)


class SettingsError(ValueError):
    """A bad setting; the message names it."""


@dataclass(frozen=True)
class RunSettings:
    inputs: tuple[Path, ...]
    out_dir: Path = Path("output")
    keep_texts: bool = True

    def __post_init__(self) -> None:
        if not self.inputs:
            raise SettingsError("inputs: no input paths given")
        for p in self.inputs:
            if not isinstance(p, Path):
                raise SettingsError(f"inputs: {p!r} is not a path")
        if self.out_dir.exists() and not self.out_dir.is_dir():
            raise SettingsError(f"out_dir: {self.out_dir} exists and is not a directory")


def check_inputs(paths: list[Path]) -> None:
    """A run needs at least one input that exists: a mistyped path must not replace the
    published tables with one failed row."""
    if not any(p.exists() for p in paths):
        raise SettingsError("inputs: none of " + ", ".join(map(str, paths)) + " exists; the output was not touched")


def _broken_link(path: Path) -> bool:
    """A link to nowhere, or to itself: kept, so it becomes a failed row instead of vanishing."""
    try:
        return path.is_symlink() and not path.exists()
    except OSError:  # a loop of links
        return True


def discover(paths: list[Path]) -> list[Path]:
    """Expand directories into the documents they hold (sorted); keep files as given.

    A path that does not exist is kept: it becomes a failed document with reason
    file_missing, so the run reports it instead of silently skipping it; so are links in a
    directory that lead nowhere or in a loop (directories reached through links are not
    searched twice).
    """
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if (f.is_file() or _broken_link(f))
                    and f.suffix.lower() in DOCUMENT_SUFFIXES
                    and not f.name.startswith(".")
                )
            )
        else:
            found.append(p)
    seen: set[Path] = set()
    unique = []
    for p in found:
        if p not in seen:
            seen.add(p)
            unique.append(p)
    return unique
