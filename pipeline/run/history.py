"""Run history: every run's tables under ``OUT/runs/<run_id>/``, the newest complete run
published at ``OUT/``.

A run is written in a staging directory, its ``manifest.json`` last, and renamed into
``runs/`` in one step: a run directory without a complete manifest never exists, so an
interrupted run never becomes the newest. Publishing swaps one symbolic link,
``OUT/current`` → ``runs/<run_id>``, in one rename; the tables at ``OUT/`` are fixed links
through it, so every reader sees all tables of one run. ``ensure_published`` repairs a
publish that a kill interrupted (the run complete in ``runs/`` but not yet current).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import uuid
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

RUNS_DIR = "runs"
MANIFEST = "manifest.json"
LATEST = "LATEST"
_PROJECT = Path(__file__).resolve().parents[2]


class RunError(ValueError):
    """A run that does not exist or is not complete; the message names it."""


RUN_ID = re.compile(r"\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{6}")  # what new_run_id makes


def new_run_id() -> str:
    """Sortable by time: 20261130T224501.123456Z-1a2b3c."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ-") + uuid.uuid4().hex[:6]


def gongkai_version() -> str:
    try:
        return metadata.version("gongkai")
    except metadata.PackageNotFoundError:
        return "unknown"


def git_commit() -> str | None:
    """The commit of the code that ran (None outside a git checkout)."""
    try:
        out = subprocess.run(
            ["git", "-C", str(_PROJECT), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=True
        )
        dirty = subprocess.run(
            ["git", "-C", str(_PROJECT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() + ("-dirty" if dirty else "")


def read_manifest(run_dir: Path) -> dict | None:
    try:
        data = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if data.get("status") == "complete" else None


def complete_runs(out_dir: Path) -> list[Path]:
    """The complete runs in ``OUT/runs``, oldest first."""
    root = Path(out_dir) / RUNS_DIR
    if not root.is_dir():
        return []
    return sorted(
        (d for d in root.iterdir() if d.is_dir() and not d.name.startswith(".") and read_manifest(d)),
        key=lambda d: d.name,
    )


def resolve_run(ref: str | Path, out_dir: Path = Path("output")) -> Path:
    """A run directory from a run id (or a unique prefix of one), or a run directory's path."""
    path = Path(ref)
    if path.is_dir() and read_manifest(path):
        return path
    matches = [d for d in complete_runs(out_dir) if d.name.startswith(str(ref))]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise RunError(f"{ref}: not a complete run (runs are in {Path(out_dir) / RUNS_DIR})")
    raise RunError(f"{ref}: ambiguous, matches {[d.name for d in matches]}")


def chosen_run(out_dir: Path, ref: str | Path | None = None) -> Path:
    """The run ``ref`` or, without one, the newest complete run of ``out_dir``."""
    if ref:
        return resolve_run(ref, out_dir)
    runs = complete_runs(out_dir)
    if not runs:
        raise RunError(
            f"{out_dir}: no complete run in {Path(out_dir) / RUNS_DIR} (run `gongkai run --out {out_dir}` first)"
        )
    return runs[-1]


def run_before(run_dir: Path) -> Path | None:
    """The complete run before ``run_dir`` in its history (``OUT/runs/``), if any."""
    run_dir = Path(run_dir)
    older = [r for r in complete_runs(run_dir.parent.parent) if r.name < run_dir.name]
    return older[-1] if older else None


CURRENT = "current"  # OUT/current → runs/<run_id>: the published run, swapped by one rename
PUBLISHED = ("texts", "dataset", "datapackage.json")  # besides the *.parquet tables


def _symlink(target: str, path: Path) -> None:
    """``path`` becomes a symbolic link to ``target``, in one rename (readers see the old or the new)."""
    if path.is_symlink() and os.readlink(path) == target:
        return
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex[:8]}"
    os.symlink(target, tmp)
    if path.is_dir() and not path.is_symlink():  # a directory of the layout before OUT/current
        trash = path.parent / f".old-{path.name}-{uuid.uuid4().hex[:8]}"
        os.replace(path, trash)
        shutil.rmtree(trash, ignore_errors=True)
    os.replace(tmp, path)


def publish(out_dir: Path, run_dir: Path) -> None:
    """Make ``run_dir`` the published run: ``OUT/current`` is swapped to point at it in one
    rename, so a reader of ``OUT/`` sees every table of one run, also while a run publishes
    and after a kill at any moment. ``OUT/<table>.parquet``, ``OUT/dataset``, ``OUT/texts`` and
    ``OUT/datapackage.json`` are fixed links through ``current`` (made once); a reader that
    opens several tables and must not see a publish in between resolves ``OUT/current`` first
    (docs/outputs.md)."""
    out_dir, run_dir = Path(out_dir), Path(run_dir)
    _symlink(os.path.relpath(run_dir, out_dir), out_dir / CURRENT)
    names = sorted({p.name for p in run_dir.glob("*.parquet")} | set(PUBLISHED))
    for name in names:
        _symlink(f"{CURRENT}/{name}", out_dir / name)
    tmp = out_dir / f".{LATEST}.{uuid.uuid4().hex[:8]}"  # for readers of the older layout; `current` decides
    tmp.write_text(run_dir.name + "\n", encoding="utf-8")
    os.replace(tmp, out_dir / LATEST)


def published(out_dir: Path) -> str | None:
    """The id of the published run: where ``OUT/current`` points (or, in a copy of ``OUT``
    that followed the links, the id ``OUT/LATEST`` records)."""
    try:
        return Path(os.readlink(Path(out_dir) / CURRENT)).name or None
    except OSError:
        pass
    try:
        return (Path(out_dir) / LATEST).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def ensure_published(out_dir: Path) -> None:
    """Publish the newest complete run if an interrupted publish left an older one."""
    runs = complete_runs(out_dir)
    if runs and published(out_dir) != runs[-1].name:
        publish(out_dir, runs[-1])
