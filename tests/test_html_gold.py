"""`gongkai evaluate` on hand-labeled Fujian web pages (offsets index the pages' stored text)."""

from __future__ import annotations

from gongkai.pipeline.review.evaluate import evaluate
from tests.conftest import FIXTURES, extract_into

HTML_GOLD = FIXTURES / "html_gold"


def test_web_pages_recall_and_no_wrong_value(tmp_path):
    extract_into(tmp_path, sorted(HTML_GOLD.glob("*.html")))
    report = evaluate(tmp_path, HTML_GOLD)
    assert len(report.docs) >= 2
    for doc in report.docs:
        assert doc.doc_id is not None, doc.source
        assert doc.recall >= 0.95, (doc.source, [(g["surface"], g["at"]) for g in doc.missed])
        assert not doc.wrong, (doc.source, doc.wrong)
        assert not doc.on_traps, (doc.source, doc.on_traps)
