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


def test_extract_with_an_unknown_concept_lists_the_known_ones(capsys):
    assert main(["extract", str(SEED), "--concept", "three_public_totl"]) == 2
    err = capsys.readouterr().err
    assert "three_public_totl" in err and "three_public_total" in err and "training_fee" in err


def test_markup_in_messages_is_printed_as_it_is(tmp_path, capsys):
    """Rich markup must not eat text such as [[site]] (a sources-file section) in a message."""
    bad = tmp_path / "[[site]] [bold]x.txt"
    bad.write_bytes(b"")
    assert main(["extract", str(bad)]) == 1
    assert "[[site]] [bold]x.txt" in capsys.readouterr().err.replace("\n", "")


def _seed_output(tmp_path):
    from gongkai.pipeline.run.parts import run_in_process

    assert run_in_process([SEED], tmp_path / "out").ok
    return tmp_path / "out"


def test_evaluate_with_a_missing_gold_path_is_one_line(tmp_path, capsys):
    out = _seed_output(tmp_path)
    assert main(["evaluate", str(out), "--gold", str(tmp_path / "nope.gold.json")]) == 2
    err = capsys.readouterr().err
    assert "nope.gold.json" in err and "Traceback" not in err and len(err.strip().splitlines()) <= 2


def test_evaluate_says_not_found_for_a_gold_document_absent_from_the_output(tmp_path, capsys):
    out = _seed_output(tmp_path)
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "other.gold.json").write_text(
        SEED_GOLD.read_text(encoding="utf-8").replace(SEED.name, "other-document.txt"), encoding="utf-8"
    )
    main(["evaluate", str(out), "--gold", str(gold)])
    printed = capsys.readouterr().out
    assert "not found" in printed and "100.0%" not in printed.split("overall")[0]


def test_shell_completion_completes_commands(tmp_path):
    """`gongkai --install-completion` installs it; the completion itself answers commands."""
    import os
    import subprocess

    env = {**os.environ, "_GONGKAI_COMPLETE": "complete_bash", "COMP_WORDS": "gongkai ev", "COMP_CWORD": "1"}
    done = subprocess.run(["gongkai"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["evaluate"]
    script = subprocess.run(
        ["gongkai", "--show-completion", "bash"],
        # the shell named, not detected from the processes above this one (none under some runners)
        env={**os.environ, "SHELL": "/bin/bash", "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "_gongkai_completion" in script.stdout
