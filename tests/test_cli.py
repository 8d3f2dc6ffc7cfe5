"""The command line: extract in-process, evaluate, usage errors."""

from __future__ import annotations

from gongkai.pipeline.cli import main
from tests.conftest import SEED, SEED_GOLD


def test_extract_prints_the_facts(capsys):
    assert main(["extract", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "怀化市政务服务中心" in out and "431200" in out
    assert "three_public_total" in out and "1094.8万元" in out
    assert "share_equals_part_over_parent" in out  # the one failed check is listed


def test_extract_filters_by_concept(capsys):
    assert main(["extract", str(SEED), "--concept", "training_fee"]) == 0
    out = capsys.readouterr().out
    table = out.split(" facts, ")[0]
    assert "1.15万元" in table and "1094.8万元" not in table


def test_extract_bad_file_names_reason(tmp_path, capsys):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    assert main(["extract", str(bad)]) == 1
    assert "empty_file" in capsys.readouterr().err


def test_usage_error_is_exit_2(capsys):
    assert main(["run", "--no-such-option"]) == 2


def test_evaluate_without_output_is_a_usage_error(tmp_path):
    assert main(["evaluate", str(tmp_path), "--gold", str(SEED_GOLD)]) == 2
