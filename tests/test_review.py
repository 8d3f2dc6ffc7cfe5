"""The review site without a browser: the highlighter (pure) and the pages' content."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from gongkai.pipeline.cli import main
from gongkai.pipeline.review.site import Span, highlight, write_site
from gongkai.pipeline.run.history import complete_runs
from tests.conftest import SEED, extract_into


def _span(start, end, fact_id, concept="c"):
    return Span(start, end, fact_id, concept, f"title {fact_id}")


@pytest.mark.parametrize(
    "text, spans, anchors, expected",
    [
        # real case: a figure in a sentence
        ("收入1094.8万元。", [_span(2, 10, 0)], {}, "收入<m0>1094.8万元</m>。"),
        # a figure inside another nests; one crossing the end of another is cut there
        ("abcdef", [_span(0, 4, 0), _span(1, 3, 1)], {}, "<m0>a<m1>bc</m>d</m>ef"),
        ("abcdef", [_span(0, 3, 0), _span(2, 5, 1)], {}, "<m0>ab<m1>c</m></m>def"),
        # document text is escaped, never markup
        ("<script>1元</script>", [_span(8, 10, 0)], {}, "&lt;script&gt;<m0>1元</m>&lt;/script&gt;"),
        # evidence anchors at offsets, also inside a figure and at the end
        (
            "abcd",
            [_span(1, 3, 0)],
            {0: ["ev-0-0"], 2: ["ev-1-0"], 4: ["ev-2-0"]},
            "<a ev-0-0>a<m0>b<a ev-1-0>c</m>d<a ev-2-0>",
        ),
        # page breaks are drawn
        ("a\fb", [], {}, "a<br>b"),
    ],
)
def test_highlight(text, spans, anchors, expected):
    got = highlight(text, spans, anchors)
    import re

    got = re.sub(r'<mark class="fact[^"]*" id="f-(\d+)"[^>]*>', r"<m\1>", got).replace("</mark>", "</m>")
    got = re.sub(r'<a class="anchor" id="([^"]+)"></a>', r"<a \1>", got).replace(
        '<span class="pagebreak"></span>', "<br>"
    )
    assert got == expected


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("review")
    hostile = tmp / "hostile.txt"
    hostile.write_text(
        "某某局2024年部门预算\n<script>window.hacked = 1</script>收入预算100万元，支出预算100万元。\n", encoding="utf-8"
    )
    out = tmp / "out"
    extract_into(out, [SEED, hostile])
    return out


def test_site_pages(run):
    index = write_site(complete_runs(run)[-1], run / "review")
    site = index.parent
    docs = pq.read_table(run / "documents.parquet").to_pylist()
    html = index.read_text(encoding="utf-8")
    assert all(f"doc-{d['doc_id']}.html" in html for d in docs) and "share_equals_part_over_parent" in html
    assert not (site / "diff.html").exists()  # one run: nothing to compare with
    facts = pq.read_table(run / "facts.parquet").to_pylist()
    for d in docs:
        page = (site / f"doc-{d['doc_id']}.html").read_text(encoding="utf-8")
        ids = {f["fact_id"] for f in facts if f["doc_id"] == d["doc_id"]}
        assert all(f'id="f-{i}"' in page for i in ids)
        assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page  # no CDN
    hostile = next(d for d in docs if d["source"].endswith("hostile.txt"))
    page = (site / f"doc-{hostile['doc_id']}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.hacked = 1&lt;/script&gt;" in page and "<script>window.hacked" not in page


def test_review_command(run, tmp_path, capsys):
    assert main(["review", "--out", str(run), "--site", str(tmp_path / "site")]) == 0
    assert (tmp_path / "site" / "index.html").exists() and "file://" in capsys.readouterr().out
    assert main(["review", "nope", "--out", str(run)]) == 2
    assert main(["review", "--out", str(tmp_path / "empty")]) == 2
