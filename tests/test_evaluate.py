"""`gongkai evaluate` on every hand-labeled gold file (the seed and real documents)."""

from __future__ import annotations

import shutil

import pytest

from gongkai.pipeline.cli import main
from gongkai.pipeline.review.evaluate import evaluate
from tests.conftest import FIXTURES, SEED_GOLD, extract_into

GOLD_DIR = FIXTURES / "gold"
HELDOUT_DIR = FIXTURES / "heldout"  # labeled without looking at the extractor's output


@pytest.fixture(scope="module")
def gold_run(tmp_path_factory):
    """Gold files and their texts side by side, extracted in-process into one output."""
    gold = tmp_path_factory.mktemp("gold")
    for g in [SEED_GOLD, *GOLD_DIR.glob("*.gold.json"), *HELDOUT_DIR.glob("*.gold.json")]:
        shutil.copy(g, gold / g.name)
        shutil.copy(g.with_name(g.name.replace(".gold.json", ".txt")), gold / g.name.replace(".gold.json", ".txt"))
    out = tmp_path_factory.mktemp("out")
    extract_into(out, sorted(gold.glob("*.txt")))
    return out, gold


def test_at_least_three_gold_documents(gold_run):
    _, gold = gold_run
    assert len(list(gold.glob("*.gold.json"))) >= 3


def test_recall_and_no_wrong_value(gold_run):
    out, gold = gold_run
    report = evaluate(out, gold)
    heldout = {g.name.replace(".gold.json", ".txt") for g in HELDOUT_DIR.glob("*.gold.json")}
    for doc in report.docs:
        if doc.source in heldout:
            continue
        assert doc.doc_id is not None, doc.source
        assert doc.recall >= 0.95, (doc.source, [(g["surface"], g["at"]) for g in doc.missed])
        assert not doc.wrong, (doc.source, doc.wrong)
        assert not doc.on_traps, (doc.source, doc.on_traps)
    assert report.recall >= 0.95


def test_heldout_documents(gold_run):
    """Documents the vocabulary was not tuned on: high recall, almost no wrong value."""
    out, gold = gold_run
    heldout = {g.name.replace(".gold.json", ".txt") for g in HELDOUT_DIR.glob("*.gold.json")}
    docs = [d for d in evaluate(out, gold).docs if d.source in heldout]
    assert len(docs) == 3
    for doc in docs:
        assert doc.recall >= 0.95, (doc.source, doc.missed)
        assert not doc.on_traps, (doc.source, doc.on_traps)
    assert sum(len(d.wrong) for d in docs) <= 1  # js_gy_2018 @7163: a change read as an amount


def test_summary_concepts_match_gold(gold_run):
    out, gold = gold_run
    for doc in evaluate(out, gold).docs:
        assert not doc.summary_wrong, (doc.source, doc.summary_wrong)


def test_evaluate_command_exit_codes(gold_run, capsys):
    out, gold = gold_run
    assert main(["evaluate", str(out), "--gold", str(gold), "--max-wrong", "1"]) == 0
    printed = capsys.readouterr().out
    assert "overall" in printed and "per concept" in printed
    # an impossible threshold fails
    assert main(["evaluate", str(out), "--gold", str(gold), "--min-recall", "1.01"]) == 1


def test_a_wrong_value_is_reported(gold_run, tmp_path):
    """Evaluation can fail: a gold file with one value changed yields a wrong fact."""
    import json

    out, gold = gold_run
    g = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    g["facts"][1]["value"] = "10948001.00"
    bad = tmp_path / SEED_GOLD.name
    bad.write_text(json.dumps(g, ensure_ascii=False), encoding="utf-8")
    report = evaluate(out, bad)
    assert len(report.docs[0].wrong) == 1
    assert main(["evaluate", str(out), "--gold", str(bad)]) == 1
