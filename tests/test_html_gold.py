"""`gongkai evaluate` on hand-labeled Fujian web pages (offsets index the pages' stored text)."""
from __future__ import annotations

from extractors.extract import extract_path
from pipeline.evaluate import evaluate
from pipeline.writer import OutputWriter
from tests.conftest import FIXTURES

HTML_GOLD = FIXTURES / "html_gold"


def test_web_pages_recall_and_no_wrong_value(tmp_path):
    writer = OutputWriter(tmp_path)
    for page in sorted(HTML_GOLD.glob("*.html")):
        writer.add(extract_path(page))
    assert writer.commit().ok
    report = evaluate(tmp_path, HTML_GOLD)
    assert len(report.docs) >= 2
    for doc in report.docs:
        assert doc.doc_id is not None, doc.source
        assert doc.recall >= 0.95, (doc.source, [(g["surface"], g["at"]) for g in doc.missed])
        assert not doc.wrong, (doc.source, doc.wrong)
        assert not doc.on_traps, (doc.source, doc.on_traps)
