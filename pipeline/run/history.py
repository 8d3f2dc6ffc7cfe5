"""Run history: every run's tables under ``OUT/runs/<run_id>/``, the newest complete run
published at ``OUT/``.

A run is written in a staging directory, its ``manifest.json`` last, and renamed into
``runs/`` in one step: a run directory without a complete manifest never exists, so an
interrupted run never becomes the newest. Publishing hard-links (or copies) the newest
run's tables into ``OUT/`` file by file with ``os.replace`` and records its id in
``OUT/LATEST``; ``ensure_published`` repairs a publish that was interrupted.
"""

from __future__ import annotations

import json
import os
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


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


PUBLISHED_DIRS = ("texts", "dataset")


def _publish_dir(src: Path, out_dir: Path, name: str) -> None:
    """Replace ``out_dir/name`` with a linked copy of ``src`` (swapped in with renames)."""
    fresh = out_dir / f".{name}-{uuid.uuid4().hex[:8]}"
    for f in src.rglob("*"):
        target = fresh / f.relative_to(src)
        if f.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(f, target)
    fresh.mkdir(exist_ok=True)
    trash = out_dir / f".old-{name}-{uuid.uuid4().hex[:8]}"
    if (out_dir / name).exists():
        os.replace(out_dir / name, trash)
    os.replace(fresh, out_dir / name)
    shutil.rmtree(trash, ignore_errors=True)


def publish(out_dir: Path, run_dir: Path) -> None:
    """Make ``run_dir`` the tables at ``out_dir`` (each file replaced atomically)."""
    out_dir = Path(out_dir)
    for table in sorted(run_dir.glob("*.parquet")):
        tmp = out_dir / f".{table.name}.{uuid.uuid4().hex[:8]}"
        _link_or_copy(table, tmp)
        os.replace(tmp, out_dir / table.name)
    for name in ("datapackage.json",):
        if (run_dir / name).exists():
            tmp = out_dir / f".{name}.{uuid.uuid4().hex[:8]}"
            _link_or_copy(run_dir / name, tmp)
            os.replace(tmp, out_dir / name)
    for name in PUBLISHED_DIRS:
        if (run_dir / name).is_dir():
            _publish_dir(run_dir / name, out_dir, name)
    tmp = out_dir / f".{LATEST}.{uuid.uuid4().hex[:8]}"
    tmp.write_text(run_dir.name + "\n", encoding="utf-8")
    os.replace(tmp, out_dir / LATEST)


def published(out_dir: Path) -> str | None:
    try:
        return (Path(out_dir) / LATEST).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def ensure_published(out_dir: Path) -> None:
    """Publish the newest complete run if an interrupted publish left an older one."""
    runs = complete_runs(out_dir)
    if runs and published(out_dir) != runs[-1].name:
        publish(out_dir, runs[-1])
