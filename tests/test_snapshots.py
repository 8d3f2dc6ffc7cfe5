"""Golden snapshots of the fixture documents (tests/snapshots/): any extraction change
fails here and shows up in the pull request's diff after `gongkai snapshot --update`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gongkai.extractors.extract import extract_path
from gongkai.pipeline.cli import main
from gongkai.pipeline.review.snapshot import entries, snapshot_name, snapshot_text

LIST = Path(__file__).parent / "snapshots" / "documents.txt"
ENTRIES = entries(LIST)
DOCS = [LIST.parent / e for e in ENTRIES]


def test_the_list_names_existing_documents():
    assert len(DOCS) >= 15 and all(d.exists() for d in DOCS)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: Path(e).name)
def test_extraction_matches_its_snapshot(entry):
    doc, snapshot = LIST.parent / entry, LIST.parent / snapshot_name(entry)
    assert snapshot.exists(), f"no snapshot for {doc}: run `gongkai snapshot --update`"
    now = snapshot_text(extract_path(doc))
    assert now == snapshot.read_text(encoding="utf-8"), f"{doc} drifted: run `gongkai snapshot` to see how"


def _copy_of_seed(tmp_path: Path) -> Path:
    entry = next(e for e in ENTRIES if "huaihua" in e)
    seed = LIST.parent / entry
    (tmp_path / "docs").mkdir()
    shutil.copy(seed, tmp_path / "docs" / seed.name)
    shutil.copy(LIST.parent / snapshot_name(entry), tmp_path / snapshot_name(f"docs/{seed.name}"))
    (tmp_path / "documents.txt").write_text(f"docs/{seed.name}\n", encoding="utf-8")
    return tmp_path / "documents.txt"


def test_snapshot_command_catches_an_extractor_change(tmp_path, monkeypatch, capsys, request):
    listing = _copy_of_seed(tmp_path)
    assert main(["snapshot", "--list", str(listing)]) == 0
    import gongkai.extractors.text.numbers as numbers

    def clear_caches():  # the parser caches quantities: start and leave clean
        for f in vars(numbers).values():
            if hasattr(f, "cache_clear"):
                f.cache_clear()

    monkeypatch.setitem(numbers.UNITS, "万元", ("yuan", 3))  # a bug: 万元 read as thousands
    clear_caches()
    request.addfinalizer(clear_caches)
    capsys.readouterr()
    assert main(["snapshot", "--list", str(listing)]) == 1
    out = capsys.readouterr().out
    assert "drifted" in out and "-fact\tassets_threshold\tthreshold\t500000\tyuan" in out
    assert "+fact\tassets_threshold\tthreshold\t50000\tyuan" in out
    # --update rewrites the snapshot; then it matches again
    assert main(["snapshot", "--list", str(listing), "--update"]) == 0
    assert main(["snapshot", "--list", str(listing)]) == 0
