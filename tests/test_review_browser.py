"""The review site in real headless Chromium (Debian's chromium, driven by Playwright).

The seed is extracted twice (one figure changed in between) with a real PDF and a
document that contains a <script>; the tests open the pages from the file system. A
screenshot of the seed's page is saved to test-artifacts/ (or $GONGKAI_ARTIFACTS).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from gongkai.pipeline.review.site import write_site
from gongkai.pipeline.run.history import complete_runs
from tests.conftest import FIXTURES, SEED, extract_into

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PDF = FIXTURES / "pdf_gold" / "js_swbgt_2019_budget_text.pdf"
ARTIFACTS = Path(os.environ.get("GONGKAI_ARTIFACTS", Path(__file__).parents[1] / "test-artifacts"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("review-browser")
    seed, hostile = tmp / SEED.name, tmp / "hostile.txt"
    shutil.copy(SEED, seed)
    hostile.write_text("某某局2024年部门预算\n<script>window.hacked = 1</script>收入预算100万元。\n", encoding="utf-8")
    out = tmp / "out"
    extract_into(out, [seed, PDF, hostile])
    seed.write_text(seed.read_text(encoding="utf-8").replace("1.15万元", "1.25万元"), encoding="utf-8")
    extract_into(out, [seed, PDF, hostile])
    write_site(complete_runs(out)[-1], out / "review")
    docs = {Path(d["source"]).name: d for d in pq.read_table(out / "documents.parquet").to_pylist()}
    facts = pq.read_table(out / "facts.parquet").to_pylist()
    return out / "review", docs, facts


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, errors


def _open(page, site, doc):
    page.goto((site[0] / f"doc-{doc['doc_id']}.html").resolve().as_uri())


def test_every_fact_of_the_seed_is_highlighted(site, page):
    seed = site[1][SEED.name]
    _open(page, site, seed)
    ids = sorted(f["fact_id"] for f in site[2] if f["doc_id"] == seed["doc_id"])
    marks = page.eval_on_selector_all("mark.fact", "els => els.map(e => Number(e.dataset.fact))")
    assert sorted(marks) == ids and len(ids) > 60
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review-seed.png"), full_page=False)
    assert (ARTIFACTS / "review-seed.png").stat().st_size > 10_000


def test_clicking_the_failed_share_check_scrolls_to_its_sentence(site, page):
    _open(page, site, site[1][SEED.name])
    link = page.locator("#checks li", has_text="printed 5.23%").locator("a.check-link")
    assert link.inner_text() == "share_equals_part_over_parent"
    link.click()
    target = page.locator("mark.flash").first
    assert "5.23%" in page.locator("mark.flash").all_inner_texts()
    box = target.evaluate(
        "el => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, h: window.innerHeight}; }"
    )
    text_box = page.locator("pre#text").evaluate(
        "el => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; }"
    )
    assert 0 <= box["top"] and box["bottom"] <= box["h"]
    assert text_box["top"] <= box["top"] and box["bottom"] <= text_box["bottom"]
    assert "5.23" in page.locator("#detail-body").inner_text()


def test_clicking_a_figure_shows_its_details(site, page):
    _open(page, site, site[1][SEED.name])
    fact = next(f for f in site[2] if f["doc_id"] == site[1][SEED.name]["doc_id"] and f["concept"] == "training_fee")
    page.locator(f"#f-{fact['fact_id']}").click()
    detail = page.locator("#detail-body").inner_text()
    assert "12,500.00 元" in detail and "training_fee" in detail and fact["section"] in detail


def test_pdf_page_images_carry_the_boxes(site, page):
    pdf = site[1][PDF.name]
    _open(page, site, pdf)
    boxed = [f for f in site[2] if f["doc_id"] == pdf["doc_id"] and f["x0"] is not None]
    assert page.locator(".pageimg a.box").count() == len(boxed) > 50
    widths = page.eval_on_selector_all(".pageimg img", "els => els.map(e => e.naturalWidth)")
    assert widths and all(w > 500 for w in widths)
    page.locator(".pageimg a.box").first.click()
    assert page.locator("mark.flash").count() == 1


def test_document_script_is_shown_as_text(site, page):
    _open(page, site, site[1]["hostile.txt"])
    assert page.evaluate("typeof window.hacked") == "undefined"
    assert "<script>window.hacked = 1</script>" in page.locator("pre#text").inner_text()


def test_diff_view_lists_the_changed_figure(site, page):
    page.goto((site[0] / "index.html").resolve().as_uri())
    page.locator("a", has_text="changes since the previous run").click()
    rows = page.locator("#changes tr.changed", has_text="training_fee")
    assert rows.count() == 1
    assert "1.15万元" in rows.inner_text() and "1.25万元" in rows.inner_text()
    rows.locator("a").click()
    assert page.url.endswith(f"doc-{site[1][SEED.name]['doc_id']}.html")
