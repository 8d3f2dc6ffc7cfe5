"""The PDF loader: stored text, page offsets, character boxes, page furniture, scanned
pages (with and without OCR), real disclosures and broken files.

The PDFs are made by tests/pdf_fixtures.py (reportlab) or are the small real ones copied
in tests/fixtures/pdf_gold/ (the hand-labeled real PDFs)."""

from __future__ import annotations

import io
import json
import re
from collections import Counter

import pdfplumber
import pytest
from reportlab.lib import pdfencrypt
from reportlab.pdfgen import canvas

from gongkai.extractors.load.pdf import (
    Line,
    PageText,
    PdfSettings,
    find_furniture,
    is_page_number,
    is_scanned,
    load_pdf,
    ocr_available,
    ocr_line,
)
from gongkai.schemas.reasons import DocumentError, Reason
from tests.conftest import SEED, SEED_GOLD
from tests.pdf_fixtures import (
    FONT,
    SEED_HEADER,
    real_pdf,
    register_font,
    scanned_pdf,
    seed_pdf,
    text_page_pdf,
)

SQUASH = re.compile(r"\s+")


def page_text(doc, page: int) -> str:
    """The stored text of a 1-based page."""
    start = doc.page_starts[page - 1]
    end = doc.page_starts[page] if page < len(doc.page_starts) else len(doc.text)
    return doc.text[start:end]


def page_span(doc, page: int) -> tuple[int, int]:
    start = doc.page_starts[page - 1]
    return start, doc.page_starts[page] if page < len(doc.page_starts) else len(doc.text)


def find_surface(text: str, surface: str, start: int = 0, end: int | None = None) -> list[re.Match]:
    """Occurrences of a surface, blanks and line breaks allowed between its characters."""
    chars = SQUASH.sub("", surface)
    pattern = re.compile(r"\s*".join(map(re.escape, chars)))
    return list(pattern.finditer(text, start, len(text) if end is None else end))


# --------------------------------------------------------------------------- the seed as a PDF


@pytest.fixture(scope="module")
def seed():
    text = SEED.read_text(encoding="utf-8")
    data, layout = seed_pdf(text)
    return load_pdf("seed.pdf", data, ocr=False), layout, text


def test_seed_pdf_keeps_the_text(seed):
    doc, layout, text = seed
    assert layout.pages >= 4
    assert doc.media_type == "application/pdf" and doc.encoding == "pdf"
    assert len(doc.sha256) == 64 and doc.partial_reason is None
    # nothing lost, nothing added (blanks and line breaks aside)
    assert SQUASH.sub("", doc.text) == SQUASH.sub("", text)
    # line breaks kept where the PDF breaks lines, no line glued to another
    assert doc.text.split("\n")[:4] == [line.text.strip() for line in layout.lines[:4]]


def test_seed_page_starts(seed):
    doc, layout, _ = seed
    assert len(doc.page_starts) == layout.pages
    assert doc.page_starts[0] == 0
    assert all(a < b for a, b in zip(doc.page_starts, doc.page_starts[1:]))
    for page, start in enumerate(doc.page_starts, 1):
        first = layout.page_lines(page)[0].text.strip()
        assert doc.text[start:].startswith(first), page
        assert doc.page_at(start) == page
        if start:
            assert doc.text[start - 1] == "\n" and doc.page_at(start - 1) == page - 1


def test_seed_page_furniture_is_not_text(seed):
    doc, layout, _ = seed
    assert SEED_HEADER not in doc.text
    assert SQUASH.sub("", SEED_HEADER) not in SQUASH.sub("", doc.text)
    for n in range(1, layout.pages + 1):
        assert not re.search(rf"^\s*-\s*{n}\s*-\s*$", doc.text, re.M)
    assert not any(is_page_number(line) for line in doc.text.split("\n"))


def test_seed_gold_surfaces_on_their_pages_with_boxes(seed):
    doc, layout, text = seed
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    items = gold["facts"] + gold["stated_none"]
    assert len(items) >= 60
    width, height = layout.page_size
    for item in items:
        at, surface = item["at"], item["surface"]
        assert text[at : at + len(surface)] == surface
        page = layout.page_of(at)
        start, end = page_span(doc, page)
        # the occurrence on its page, the same one as in the source (counting from the page top)
        before = len(find_surface(text, surface, min(line.start for line in layout.page_lines(page)), at))
        found = find_surface(doc.text, surface, start, end)
        assert len(found) > before, (surface, page)
        m = found[before]
        assert doc.page_at(m.start()) == page
        boxes = [(ch, doc.char_boxes[i]) for i, ch in enumerate(doc.text[m.start() : m.end()], m.start())]
        previous = None
        for ch, box in boxes:
            if ch.isspace():
                if ch == "\n":
                    previous = None  # a wrapped surface goes on at the left of the next line
                continue
            assert box is not None, (surface, ch)
            x0, top, x1, bottom = box
            assert 0 <= x0 < x1 <= width and 0 <= top < bottom <= height, (surface, box)
            if previous is not None:
                assert x0 >= previous[2] - 0.5 and abs(top - previous[1]) < 1, (surface, ch)
            previous = box


def test_seed_boxes_parallel_to_the_text(seed):
    doc, _, _ = seed
    assert len(doc.char_boxes) == len(doc.text)
    for ch, box in zip(doc.text, doc.char_boxes):
        assert (box is None) == ch.isspace(), repr(ch)


def test_unembedded_cjk_font_keeps_single_characters():
    """PDFium drops a one-character text object whose CJK font is not embedded when no
    Chinese system font is installed; such pages are read through pdfminer."""
    doc = load_pdf("single.pdf", text_page_pdf(["。", "甲", "乙丙", "3", "合计    12.50"]), ocr=False)
    assert doc.text.split("\n") == ["。", "甲", "乙丙", "3", "合计 12.50"]


# --------------------------------------------------------------------------- page furniture


@pytest.mark.parametrize(
    "line",
    [
        "3",
        "- 3 -",
        "─ 13 ─",
        "— 2 —",
        "第 3 页",
        "第3页",
        "第 3 页 共 12 页",
        "3/12",
        "－12－",
        "Page 4",
        "page 4 of 9",
        "·5·",
    ],
)
def test_page_number_lines(line):
    assert is_page_number(line)


@pytest.mark.parametrize(
    "line", ["2024年", "1094.8万元", "3个", "一、3", "合计 12.50", "- -", "", "第一页", "收入合计 27,664.22"]
)
def test_not_page_number_lines(line):
    assert not is_page_number(line)


def _line(text: str, top: float, x0: float = 50.0) -> Line:
    boxes = [None if ch == " " else (x0 + i * 10, top, x0 + i * 10 + 10, top + 10) for i, ch in enumerate(text)]
    return Line(text, boxes, x0, top, x0 + 10 * len(text), top + 10)


def test_running_header_and_footer_are_furniture():
    pages = []
    for n, title in enumerate(["部门职责", "机构设置", "收支总体情况", "三公经费", "名词解释"], 1):
        lines = [
            _line("怀化市政务服务中心2024年部门预算", 30),
            _line(title, 80),
            _line("正文内容", 100),
            _line(f"机密 第 {n} 页", 800),
        ]
        pages.append(PageText(n, 595, 842, lines))
    pages[0].lines = pages[0].lines[1:]  # the cover has no header
    drop = find_furniture(pages)
    assert drop[0] == {2}
    for n in range(1, 5):
        assert drop[n] == {0, 3}


def test_repeated_table_head_under_changing_titles_stays():
    pages = []
    titles = ["收支预算总表", "收入预算总表", "支出预算总表", "财政拨款收支预算总表"]
    for n, title in enumerate(titles, 1):
        lines = [
            _line(title, 40),
            _line("部门：中共江苏省委办公厅 单位：万元", 60),
            _line("合计 12.50", 200),
            _line(str(n), 800),
        ]
        pages.append(PageText(n, 595, 842, lines))
    drop = find_furniture(pages)
    assert drop == [{3}] * 4


def test_a_lone_number_inside_the_page_is_not_a_page_number():
    lines = [_line("项目", 100), _line("3", 400), _line("合计", 420)]
    assert find_furniture([PageText(1, 595, 842, lines)]) == [set()]


# --------------------------------------------------------------------------- scanned pages


@pytest.fixture(scope="module")
def scan():
    """Page 1 has text; page 2 is only the image of a real disclosure page (page 6 of the
    福利院 budget: its prose states 950.12万元)."""
    return scanned_pdf(
        real_pdf("sh_pt_fuliyuan_2024_unit_budget.pdf"), 5, ["怀化市政务服务中心2024年部门预算", "扫描件附后"]
    )


def test_scanned_page_without_ocr_is_partial(scan):
    doc = load_pdf("scan.pdf", scan, ocr=False)
    assert doc.partial_reason == Reason.SCANNED_PAGES.value == "scanned_pages"
    assert doc.partial_message.startswith("scan.pdf: page 2 has no text layer")
    assert "pip install gongkai[ocr]" in doc.partial_message
    assert doc.ocr_pages == () and doc.ocr_confidence is None
    assert len(doc.page_starts) == 2
    assert page_text(doc, 1).strip() == "怀化市政务服务中心2024年部门预算\n扫描件附后"
    assert page_text(doc, 2) == ""


def test_scanned_message_names_every_page():
    from gongkai.extractors.load.pdf import scanned_message

    assert scanned_message("x.pdf", [3, 4]).startswith("x.pdf: pages 3, 4 have no text layer")


def test_garbage_text_layer_is_scanned():
    settings = PdfSettings()
    assert is_scanned(readable=3, garbage=120, page=None, settings=settings)
    assert not is_scanned(readable=400, garbage=20, page=None, settings=settings)


@pytest.mark.skipif(not ocr_available(), reason="no OCR engine installed (pip install gongkai[ocr])")
def test_scanned_page_read_by_ocr(scan):
    doc = load_pdf("scan.pdf", scan, ocr=True)
    assert doc.ocr_pages == (2,)
    assert doc.partial_reason is None
    assert 0.8 < doc.ocr_confidence <= 1
    text = page_text(doc, 2)
    assert "950.12万元" in text and "上海市普陀区社会福利院" in text
    assert text.startswith("2024年单位预算编制说明\n")  # the heading first: reading order
    start, end = page_span(doc, 2)
    width, height = 842, 595  # the page is A4 landscape
    boxed = [(ch, doc.char_boxes[i]) for i, ch in enumerate(doc.text[start:end], start)]
    for ch, box in boxed:
        assert (box is None) == ch.isspace()
        if box:
            assert 0 <= box[0] < box[2] <= width + 1 and 0 <= box[1] < box[3] <= height + 1
    i = doc.text.index("950.12万元")
    assert doc.page_at(i) == 2
    figure = [b for b in doc.char_boxes[i : i + 8]]
    assert all(a[2] <= b[0] + 0.01 for a, b in zip(figure, figure[1:]))  # left to right


def test_ocr_true_without_engine_is_an_error(monkeypatch, scan):
    import gongkai.extractors.load.pdf as lp

    monkeypatch.setattr(lp, "ocr_available", lambda: False)
    with pytest.raises(RuntimeError, match="no OCR engine"):
        lp.load_pdf("scan.pdf", scan, ocr=True)
    doc = lp.load_pdf("scan.pdf", scan)  # None: OCR when installed
    assert doc.partial_reason == "scanned_pages"


def test_ocr_line_boxes_split_the_line():
    text, boxes = ocr_line("收入12.5万元", 100, 10, 200, 20)
    assert text == "收入12.5万元" and len(boxes) == len(text)
    assert boxes[0][0] == 100 and abs(boxes[-1][2] - 200) < 1e-9
    widths = [b[2] - b[0] for b in boxes]
    assert widths[0] == pytest.approx(2 * widths[2])  # a Chinese character is two digits wide
    assert all(a[2] == pytest.approx(b[0]) for a, b in zip(boxes, boxes[1:]))


# --------------------------------------------------------------------------- real PDFs

REAL = [
    # file, pages, agency line on page 1
    ("sh_pt_zfb_2025_dept_budget.pdf", 22, "预算主管部门：上海市普陀区人民政府办公室"),
    ("js_swbgt_2019_budget_tables.pdf", 12, "部门：中共江苏省委办公厅 单位：万元"),  # A3, some pages /Rotate 90
    ("sh_pt_fuliyuan_2024_unit_budget.pdf", 16, "预算单位：上海市普陀区社会福利院"),
]


def page_sizes(name: str) -> list[tuple[float, float]]:
    with pdfplumber.open(io.BytesIO(real_pdf(name))) as pdf:
        return [(float(p.width), float(p.height)) for p in pdf.pages]


@pytest.fixture(scope="module")
def real_docs():
    return {name: load_pdf(name, real_pdf(name), ocr=False) for name, *_ in REAL}


@pytest.mark.parametrize("name,pages,agency", REAL)
def test_real_pdf(real_docs, name, pages, agency):
    doc = real_docs[name]
    assert doc.partial_reason is None and doc.ocr_pages == ()
    assert len(doc.page_starts) == pages
    assert all(a < b for a, b in zip(doc.page_starts, doc.page_starts[1:]))
    assert agency in page_text(doc, 1).split("\n")
    lines = doc.text.split("\n")
    assert not [line for line in lines if is_page_number(line)]
    chars = [(ch, box) for ch, box in zip(doc.text, doc.char_boxes) if ch != "\n"]
    boxed = sum(1 for ch, box in chars if box is not None)
    assert boxed >= 0.99 * sum(1 for ch, _ in chars if not ch.isspace())
    # boxes on their page (a glyph's box may reach a little past the page edge)
    for n, (width, height) in enumerate(page_sizes(name), 1):
        start, end = page_span(doc, n)
        for box in doc.char_boxes[start:end]:
            if box is not None:
                assert -1 <= box[0] < box[2] <= width + 1 and -12 <= box[1] < box[3] <= height + 12, (n, box)
                assert box[0] < width and box[1] < height


@pytest.mark.parametrize("name", [r[0] for r in REAL])
def test_real_pdf_characters_match_pdfplumber(real_docs, name):
    """Page by page, the same characters as pdfplumber's extract_text (blanks and
    page-number lines aside; the order inside a line may differ where pdfplumber splits
    a line of mixed font sizes)."""
    doc = real_docs[name]
    with pdfplumber.open(io.BytesIO(real_pdf(name))) as pdf:
        for n, page in enumerate(pdf.pages, 1):
            ref = [line for line in page.extract_text().split("\n") if not is_page_number(line)]
            assert Counter(SQUASH.sub("", "".join(ref))) == Counter(SQUASH.sub("", page_text(doc, n))), n
            page.close()


def test_real_pdf_boxes_are_pdfplumbers():
    """Boxes in pdfplumber's coordinates, on a page shown rotated (/Rotate 90) too."""
    name = "js_swbgt_2019_budget_tables.pdf"
    doc = load_pdf(name, real_pdf(name), ocr=False)
    with pdfplumber.open(io.BytesIO(real_pdf(name))) as pdf:
        page = pdf.pages[0]
        assert page.rotation == 90
        want = {(c["text"], round(c["x0"]), round(c["top"])): c for c in page.chars}
    start, end = page_span(doc, 1)
    checked = 0
    for ch, box in zip(doc.text[start:end], doc.char_boxes[start:end]):
        if box is None:
            continue
        c = want.get((ch, round(box[0]), round(box[1])))
        assert c is not None, (ch, box)
        assert box == pytest.approx((c["x0"], c["top"], c["x1"], c["bottom"]), abs=0.5)
        checked += 1
    assert checked > 300


def test_on_page_gets_each_pdfplumber_page_once_in_order():
    name = "sh_pt_fuliyuan_2024_unit_budget.pdf"
    seen = []

    def on_page(page, number):
        assert isinstance(page, pdfplumber.page.Page) and page.page_number == number
        seen.append(number)
        return [("table", number)]

    doc = load_pdf(name, real_pdf(name), on_page=on_page, ocr=False, settings=PdfSettings(table_pages="all"))
    assert seen == list(range(1, 17))
    assert doc.tables == tuple(("table", n) for n in range(1, 17))
    # "likely" (the default) skips prose pages without figures, rules or a table title
    seen.clear()
    doc = load_pdf(name, real_pdf(name), on_page=on_page, ocr=False)
    assert seen == sorted(seen) and set(range(7, 16)) <= set(seen) and 3 not in seen
    assert doc.tables == tuple(("table", n) for n in seen)


def test_on_page_failure_names_file_and_page():
    name = "sh_pt_fuliyuan_2024_unit_budget.pdf"

    def tables_on_page(page, number):
        raise KeyError("boom")

    with pytest.raises(DocumentError) as exc:
        load_pdf(name, real_pdf(name), on_page=tables_on_page, ocr=False)
    assert exc.value.reason == Reason.EXTRACTION_ERROR
    assert exc.value.message.startswith(f"{name}: page ") and "tables_on_page" in exc.value.message


# --------------------------------------------------------------------------- broken files


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n%broken",
        b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer",
        b"%PDF-1.4\n" + bytes(range(256)) * 20,
    ],
)
def test_corrupt_pdf(data):
    with pytest.raises(DocumentError) as exc:
        load_pdf("broken.pdf", data)
    assert exc.value.reason == Reason.CORRUPT_PDF
    assert exc.value.message.startswith("broken.pdf: ")


@pytest.mark.parametrize("share", [0.1, 0.5, 0.9])
def test_truncated_pdf(share):
    data = real_pdf("sh_pt_zfb_2025_dept_budget.pdf")
    with pytest.raises(DocumentError) as exc:
        load_pdf("cut.pdf", data[: int(len(data) * share)])
    assert exc.value.reason == Reason.CORRUPT_PDF and "cut.pdf" in exc.value.message


def test_not_a_pdf_and_empty():
    with pytest.raises(DocumentError) as exc:
        load_pdf("x.pdf", b"<html>not a pdf</html>")
    assert exc.value.reason == Reason.CORRUPT_PDF and "x.pdf" in exc.value.message
    with pytest.raises(DocumentError) as exc:
        load_pdf("x.pdf", b"")
    assert exc.value.reason == Reason.EMPTY_FILE


def _encrypted(user: str) -> bytes:
    register_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=pdfencrypt.StandardEncryption(user, "owner-secret", canPrint=0))
    c.setFont(FONT, 12)
    c.drawString(72, 720, "支出预算1094.8万元")  # pdfminer cannot map this CID font when encrypted: PDFium reads it
    c.showPage()
    c.save()
    return buf.getvalue()


def test_password_protected_pdf():
    with pytest.raises(DocumentError) as exc:
        load_pdf("locked.pdf", _encrypted("user-secret"))
    assert exc.value.reason == Reason.ENCRYPTED and "locked.pdf" in exc.value.message


def test_pdf_with_only_an_owner_password_loads():
    doc = load_pdf("restricted.pdf", _encrypted(""), ocr=False)
    assert doc.text == "支出预算1094.8万元"


# --------------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    "kwargs,name",
    [
        ({"x_tolerance": -1}, "x_tolerance"),
        ({"y_tolerance": 0}, "y_tolerance"),
        ({"scanned_image_share": 1.5}, "scanned_image_share"),
        ({"scanned_max_chars": 2.5}, "scanned_max_chars"),
        ({"ocr_scale": 0}, "ocr_scale"),
        ({"ocr_min_confidence": 2}, "ocr_min_confidence"),
        ({"furniture_band": 0.8}, "furniture_band"),
        ({"furniture_share": float("nan")}, "furniture_share"),
        ({"table_pages": "some"}, "table_pages"),
        ({"x_tolerance": "3"}, "x_tolerance"),
    ],
)
def test_bad_settings_name_the_setting(kwargs, name):
    with pytest.raises(ValueError, match=rf"PdfSettings\.{name}"):
        PdfSettings(**kwargs)
