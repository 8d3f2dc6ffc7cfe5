"""PDF extraction end to end: the seed rendered as a PDF, a scanned page, real PDFs."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from gongkai.extractors.extract import extract_loaded
from gongkai.extractors.load.pdf import load_pdf
from gongkai.schemas.reasons import DocumentError, Reason
from tests.conftest import FIXTURES, SEED, SEED_GOLD
from tests.pdf_fixtures import SEED_HEADER as HEADER
from tests.pdf_fixtures import scanned_pdf, seed_pdf, text_page_pdf

SQUASH = re.compile(r"\s+")


@pytest.fixture(scope="module")
def seed_as_pdf():
    data, layout = seed_pdf(SEED.read_text(encoding="utf-8"))
    first_lines = {}
    for line in layout.lines:
        first_lines.setdefault(line.page, line.text)
    return load_pdf("seed.pdf", data), [first_lines[p] for p in sorted(first_lines)]


def test_pages_and_their_offsets(seed_as_pdf):
    doc, first_lines = seed_as_pdf
    assert len(doc.page_starts) == len(first_lines) >= 3
    for start, line in zip(doc.page_starts, first_lines):
        assert doc.text[start:].startswith(line)


def test_page_numbers_and_running_header_are_not_text(seed_as_pdf):
    doc, _ = seed_as_pdf
    assert HEADER not in doc.text
    assert not re.search(r"^-\s*\d+\s*-$", doc.text, re.M)


def test_every_character_has_a_box_on_its_page(seed_as_pdf):
    doc, _ = seed_as_pdf
    assert len(doc.char_boxes) == len(doc.text)
    for ch, box in zip(doc.text, doc.char_boxes):
        if ch.isspace():  # line breaks and blanks the loader inserted have no box
            continue
        assert box is not None
        x0, top, x1, bottom = box
        assert 0 <= x0 < x1 <= 600 and 0 <= top < bottom <= 850


def test_seed_as_pdf_yields_every_gold_figure_with_its_page(seed_as_pdf):
    """Every gold fact of the seed (value and kind) is found in the PDF, on a page whose
    text holds its surface, with a box."""
    doc, _ = seed_as_pdf
    ex = extract_loaded(doc)
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    found = {(SQUASH.sub("", f.raw), f.kind, f.value) for f in ex.facts}
    for g in gold["facts"]:
        assert (SQUASH.sub("", g["surface"]), g["kind"], Decimal(g["value"])) in found, g["surface"]
    for f in ex.facts:
        page_text = doc.text[doc.page_starts[f.page - 1] :]
        assert f.raw in page_text and f.bbox is not None
    expected = {k: (int(v) if k == "performance_projects" else Decimal(v)) for k, v in gold["summary"].items()}
    assert {k: ex.summary[k] for k in expected} == expected
    assert [c.rule for c in ex.checks if c.status == "fail"] == ["share_equals_part_over_parent"]


def _scan() -> bytes:
    page = text_page_pdf(["三、部门收支总体情况", "收入预算，2024年年初预算数1094.8万元，全部为一般公共预算拨款。"])
    return scanned_pdf(page, 0, ["一、部门基本概况：本页有文字层。"])


def test_scanned_page_without_ocr_is_partial():
    doc = load_pdf("scan.pdf", _scan(), ocr=False)
    assert doc.partial_reason == Reason.SCANNED_PAGES.value
    assert "scan.pdf" in doc.partial_message and "2" in doc.partial_message
    assert doc.ocr_pages == ()
    assert extract_loaded(doc).status == "partial"


def test_scanned_page_is_read_by_ocr_when_installed():
    pytest.importorskip("rapidocr")
    doc = load_pdf("scan.pdf", _scan(), ocr=True)
    assert doc.ocr_pages == (2,)
    assert doc.partial_reason is None
    # PDFium renders reportlab's (unembedded) STSong-Light without a CJK font on this
    # machine, so the scan holds the digits only: the year and the figure are read back
    page2 = doc.text[doc.page_starts[1] :]
    assert "2024" in page2 and re.search(r"1094\.?8", page2)
    assert doc.ocr_confidence is not None and 0 < doc.ocr_confidence <= 1


@pytest.mark.parametrize("data", [b"%PDF-1.4\n%broken", b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer"])
def test_corrupt_pdf_names_file_and_reason(data):
    with pytest.raises(DocumentError) as exc:
        load_pdf("broken.pdf", data)
    assert exc.value.reason == Reason.CORRUPT_PDF and "broken.pdf" in exc.value.message


def test_real_pdf_pages_and_boxes():
    from gongkai.extractors.load.dispatch import load_document

    path = FIXTURES / "pdf_gold" / "sh_pt_zfb_2025_dept_budget.pdf"
    doc = load_document(path)
    assert len(doc.page_starts) == 22
    first = doc.text[: doc.page_starts[1]]
    assert "上海市普陀区人民政府办公室" in first
    boxed = sum(1 for ch, b in zip(doc.text, doc.char_boxes) if not ch.isspace() and b is not None)
    assert boxed / sum(1 for ch in doc.text if not ch.isspace()) > 0.99
    assert {t.kind for t in doc.tables} >= {"income_expenditure_summary", "three_public"}
