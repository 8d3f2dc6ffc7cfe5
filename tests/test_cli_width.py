"""Tables printed to an 80-column terminal stay readable (issue 13, item 8): long cells wrap or
fold onto more lines, no line is wider than the terminal, and the values a reader looks for
(amounts, concepts, document names, rules, run ids) are printed whole, never cut to "…"."""

from __future__ import annotations

import re
import shutil

import pytest
from prefect.testing.utilities import prefect_test_harness
from rich.cells import cell_len

from gongkai.pipeline.cli import main
from tests.conftest import SEED, SEED_GOLD

WIDTH = 80


@pytest.fixture
def narrow(monkeypatch):
    monkeypatch.setenv("COLUMNS", str(WIDTH))  # rich reads it; main() makes its consoles per call


def _lines(printed: str) -> list[str]:
    return printed.splitlines()


def _assert_fits(printed: str) -> None:
    wide = [line for line in _lines(printed) if cell_len(line) > WIDTH]
    assert not wide, f"{len(wide)} lines wider than {WIDTH} columns, e.g. {wide[0]!r}"
    assert "…" not in printed, "a cell was cut"


def _whole(printed: str, *values: str) -> None:
    """Each value stands whole on one line of the output."""
    lines = _lines(printed)
    for value in values:
        assert any(value in line for line in lines), f"{value!r} is not printed whole"


def test_extract_fits_80_columns_with_values_and_concepts_whole(narrow, capsys):
    assert main(["extract", str(SEED)]) == 0
    out = capsys.readouterr().out
    _assert_fits(out)
    _whole(
        out,
        "10,948,000",  # 1094.8万元 in yuan
        "1094.8万元",
        "888,700",
        "8.8 percent",
        "three_public_vehicle_operation",
        "assets_general_equipment_over_threshold",  # the longest concept name of the vocabulary
        "(increase)",
        "怀化市政务服务中心",
        "share_equals_part_over_parent",
    )


def test_extract_one_concept_fits_80_columns(narrow, capsys):
    assert main(["extract", str(SEED), "--concept", "training_fee"]) == 0
    out = capsys.readouterr().out
    _assert_fits(out)
    table = out.split(" facts, ")[0]
    _whole(table, "1.15万元", "11,500", "training_fee")
    assert "1094.8万元" not in table


def test_a_wide_terminal_keeps_one_line_per_fact(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "160")
    assert main(["extract", str(SEED), "--concept", "income_total"]) == 0
    rows = [line for line in _lines(capsys.readouterr().out) if "income_total" in line]
    assert rows and all("万元" in row or "%" in row for row in rows)  # raw, value and concept on one line


@pytest.fixture
def seed_output(tmp_path):
    from gongkai.pipeline.run.parts import run_in_process

    assert run_in_process([SEED], tmp_path / "out").ok
    return tmp_path / "out"


def test_evaluate_fits_80_columns_with_the_document_whole(narrow, seed_output, capsys):
    assert main(["evaluate", str(seed_output), "--gold", str(SEED_GOLD)]) == 0
    out = capsys.readouterr().out
    _assert_fits(out)
    _whole(out, SEED.name, "overall", "three_public_total", "same concept")
    # ten figures per document do not fit beside its name: the table comes in parts, each
    # naming the document again, and every figure is there
    assert out.count(SEED.name) >= 2 and re.search(r"evaluation \(1/\d\)", out)
    for header in ("gold", "correct", "wrong", "missed", "on traps", "recall", "precision", "concept", "summary"):
        assert header in out


def test_evaluate_says_not_found_whole_at_80_columns(narrow, seed_output, tmp_path, capsys):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "other.gold.json").write_text(
        SEED_GOLD.read_text(encoding="utf-8").replace(SEED.name, "other-document.txt"), encoding="utf-8"
    )
    main(["evaluate", str(seed_output), "--gold", str(gold)])
    out = capsys.readouterr().out
    _assert_fits(out)
    _whole(out, "other-document.txt", "not found")


@pytest.fixture(scope="module")
def prefect_server():
    with prefect_test_harness(server_startup_timeout=120):
        yield


LONG_NAME = "附件3：怀化市政务服务中心2024年部门预算公开表格（空白的副本，名字很长）.txt"


@pytest.mark.flow
def test_the_run_summary_fits_80_columns(prefect_server, narrow, tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    (raw / "empty.txt").write_bytes(b"")
    (raw / LONG_NAME).write_bytes(b"")
    out_dir = tmp_path / "a-rather-long-output-directory-name" / "for" / "the" / "run" / "output"
    assert main(["run", str(raw), "--out", str(out_dir)]) == 1
    out = capsys.readouterr().out
    _assert_fits(out)
    run_id = (out_dir / "LATEST").read_text(encoding="utf-8").strip()
    _whole(
        out,
        "3: 1 ok, 0 partial, 2 failed",
        run_id,
        "documents not ok",
        "empty.txt",
        "empty_file",
        "failed checks",
        SEED.name,
        "share_equals_part_over_parent",
    )
    # the long name folds onto more lines of its column, all of it there
    problems = out.split("documents not ok")[1].split("failed checks")[0]
    column = [re.split(r" {2,}", line)[0] for line in _lines(problems) if line and not line.startswith(" ")]
    assert LONG_NAME in "".join(column)
