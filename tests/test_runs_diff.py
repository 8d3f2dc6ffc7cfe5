"""Run history and `gongkai diff`: the seed extracted twice, one figure changed in between."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from gongkai.pipeline.cli import main
from gongkai.pipeline.run import history
from tests.conftest import SEED, extract_into

OLD_FIGURE, NEW_FIGURE = "1.15万元", "1.25万元"  # 培训费, printed once in the seed


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("runs")
    doc = tmp / SEED.name
    shutil.copy(SEED, doc)
    out = tmp / "out"
    extract_into(out, [doc])
    text = doc.read_text(encoding="utf-8")
    assert text.count(OLD_FIGURE) == 1
    doc.write_text(text.replace(OLD_FIGURE, NEW_FIGURE), encoding="utf-8")
    extract_into(out, [doc])
    return out


def test_each_run_has_a_complete_manifest(two_runs):
    complete = history.complete_runs(two_runs)
    assert len(complete) == 2
    manifest = history.read_manifest(complete[-1])
    assert manifest["run_id"] == complete[-1].name and manifest["status"] == "complete"
    assert manifest["gongkai_version"] != "unknown"
    assert manifest["counts"]["documents"] == 1 and manifest["counts"]["facts"] > 60
    assert manifest["counts"]["checks_failed"] >= 1
    (source,) = manifest["inputs"]
    assert source["source"].endswith(SEED.name) and len(source["sha256"]) == 64
    assert manifest["timings"]["seconds"] >= 0 and "keep_texts" in manifest["settings"]
    assert manifest["git_commit"] is None or len(manifest["git_commit"].split("-")[0]) == 40


def test_output_tables_are_the_newest_run(two_runs):
    newest = history.complete_runs(two_runs)[-1]
    assert history.published(two_runs) == newest.name
    for table in ("documents", "facts", "checks"):
        assert pq.read_table(two_runs / f"{table}.parquet").equals(pq.read_table(newest / f"{table}.parquet"))
    assert {p.name for p in (two_runs / "texts").iterdir()} == {p.name for p in (newest / "texts").iterdir()}


def test_an_interrupted_run_never_becomes_the_newest(two_runs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(two_runs, out)
    before = history.published(out)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed while writing")

    monkeypatch.setattr("gongkai.pipeline.run.writer.pq.write_table", crash)
    with pytest.raises(KeyboardInterrupt):
        extract_into(out, [SEED])
    monkeypatch.undo()
    assert [r.name for r in history.complete_runs(out)] == [r.name for r in history.complete_runs(two_runs)]
    assert history.published(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]


def test_a_publish_cut_short_is_repaired(two_runs, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(two_runs, out)
    oldest = history.complete_runs(out)[0]
    history.publish(out, oldest)  # as if the newest run's publish never happened
    assert history.published(out) == oldest.name
    history.ensure_published(out)
    assert history.published(out) == history.complete_runs(out)[-1].name


def _diff(out: Path, capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["diff", "--out", str(out), *args])
    return code, capsys.readouterr().out


def test_diff_json_shows_exactly_the_changed_figure(two_runs, capsys):
    code, out = _diff(two_runs, capsys, "--format", "json")
    assert code == 0
    data = json.loads(out)
    figures = [c for c in data["changes"] if c["what"] == "figure"]
    assert data["counts"]["figure"] == {"added": 0, "removed": 0, "changed": 1}
    (change,) = figures
    assert change["key"].startswith("training_fee / ") and OLD_FIGURE in change["old"] and NEW_FIGURE in change["new"]
    assert change["disclosure"] == "怀化市政务服务中心 · 2024 · budget"
    assert data["counts"]["document"] == {"added": 0, "removed": 0, "changed": 0}


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_diff_formats_show_the_change(two_runs, capsys, fmt):
    code, out = _diff(two_runs, capsys, "--format", fmt)
    assert code == 0 and OLD_FIGURE in out and NEW_FIGURE in out and "training_fee" in out
    assert "figures: 0 added, 0 removed, 1 changed" in out
    if fmt == "markdown":
        assert "| figure | changed |" in out
    if fmt == "html":
        assert out.startswith("<!DOCTYPE html>") and '<tr class="changed"><td>figure</td>' in out


def test_fail_on_change_is_a_ci_gate(two_runs, capsys, tmp_path):
    assert _diff(two_runs, capsys, "--fail-on-change")[0] == 1
    first, second = history.complete_runs(two_runs)
    assert _diff(two_runs, capsys, first.name, first.name, "--fail-on-change")[0] == 0
    code, _ = _diff(
        two_runs, capsys, str(second), first.name[:22], "--format", "markdown", "--output", str(tmp_path / "d.md")
    )
    assert code == 0 and "training_fee" in (tmp_path / "d.md").read_text(encoding="utf-8")


def test_diff_needs_two_runs(tmp_path, capsys):
    code = main(["diff", "--out", str(tmp_path)])
    assert code == 2 and "need two complete runs" in capsys.readouterr().err


def test_run_ids_sort_by_time():
    a = history.new_run_id()
    b = history.new_run_id()
    assert a < b and os.sep not in a
