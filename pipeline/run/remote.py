"""Outputs at any fsspec URL (``s3://bucket/prefix`` through s3fs, ``gs://``, ``memory://`` …).

A run is written and validated locally first (the same atomic writer), then pushed: its
files to ``URL/runs/<run_id>/`` with ``manifest.json`` last (a run without a manifest is
incomplete and never read), then the tables, ``datapackage.json`` and ``dataset/`` copied to
``URL/``, and ``URL/LATEST`` naming the run written last. Object stores have no atomic
rename: readers that must never see a publish half-way read ``URL/runs/<LATEST>/``.
Credentials and endpoints come from the environment (``AWS_ENDPOINT_URL`` …) or
``storage_options``; only the configured endpoint is contacted.
"""

from __future__ import annotations

from pathlib import Path

from gongkai.pipeline.run.history import LATEST, MANIFEST, complete_runs

TOP_LEVEL = ("datapackage.json",)  # besides the *.parquet tables and dataset/


def is_url(target: str | Path) -> bool:
    text = str(target)
    return "://" in text and not text.startswith("file://")


def _fs(url: str, storage_options: dict | None):
    import fsspec

    return fsspec.core.url_to_fs(url, **(storage_options or {}))


def push_run(local_out: Path, url: str, storage_options: dict | None = None) -> str:
    """Push the newest complete run of ``local_out`` to ``url``; returns its run id."""
    runs = complete_runs(local_out)
    if not runs:
        raise ValueError(f"{local_out}: no complete run to push")
    run_dir = runs[-1]
    fs, root = _fs(url, storage_options)
    root = root.rstrip("/")
    remote_run = f"{root}/runs/{run_dir.name}"
    files = sorted(p for p in run_dir.rglob("*") if p.is_file() and p.name != MANIFEST)
    for f in files:
        fs.put_file(str(f), f"{remote_run}/{f.relative_to(run_dir).as_posix()}")
    fs.put_file(str(run_dir / MANIFEST), f"{remote_run}/{MANIFEST}")  # the run is complete from here
    if fs.exists(f"{root}/dataset"):
        fs.rm(f"{root}/dataset", recursive=True)
    for f in files:
        rel = f.relative_to(run_dir).as_posix()
        if f.suffix == ".parquet" and "/" not in rel or rel in TOP_LEVEL or rel.startswith("dataset/"):
            fs.copy(f"{remote_run}/{rel}", f"{root}/{rel}")
    fs.pipe_file(f"{root}/{LATEST}", (run_dir.name + "\n").encode())
    return run_dir.name


def remote_runs(url: str, storage_options: dict | None = None) -> list[str]:
    """The complete runs at ``url`` (those with a manifest), oldest first."""
    fs, root = _fs(url, storage_options)
    root = root.rstrip("/")
    if not fs.exists(f"{root}/runs"):
        return []
    return sorted(
        p.rstrip("/").rsplit("/", 1)[-1]
        for p in fs.ls(f"{root}/runs", detail=False)
        if fs.exists(f"{p.rstrip('/')}/{MANIFEST}")
    )
