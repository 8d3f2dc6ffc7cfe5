"""The synthetic corpus (bench/generate.py): reproducible, and its truth is what
`gongkai evaluate` measures the extractor against (text and PDF)."""

from __future__ import annotations

import json

from bench.generate import generate
from gongkai.pipeline.review.evaluate import evaluate
from tests.conftest import extract_into


def test_same_seed_same_corpus(tmp_path):
    a = generate(tmp_path / "a", 5, seed=3, pdf_share=0.0)
    b = generate(tmp_path / "b", 5, seed=3, pdf_share=0.0)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    c = generate(tmp_path / "c", 5, seed=4, pdf_share=0.0)
    assert [p.read_bytes() for p in a] != [p.read_bytes() for p in c]


def test_gold_spans_are_the_printed_figures(tmp_path):
    for path in generate(tmp_path, 10, seed=5, pdf_share=0.0):
        text = path.read_text(encoding="utf-8")
        gold = json.loads(path.with_suffix(".gold.json").read_text(encoding="utf-8"))
        assert 2500 <= len(text) <= 4500
        for fact in gold["facts"]:
            assert text[fact["at"] : fact["at"] + len(fact["surface"])] == fact["surface"]


def test_extractor_against_the_generated_truth(tmp_path):
    paths = generate(tmp_path, 40, seed=9, pdf_share=0.25)
    assert any(p.suffix == ".pdf" for p in paths)
    extract_into(tmp_path / "out", paths)
    report = evaluate(tmp_path / "out", tmp_path)
    assert report._sum("gold") >= 40 * 20
    assert report.recall >= 0.99 and report.wrong == 0 and report.precision >= 0.99
    assert report.concept_agreement >= 0.95
    assert report._sum("summary_ok") >= 0.97 * report._sum("summary_total")
