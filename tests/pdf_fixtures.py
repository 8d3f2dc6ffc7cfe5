"""Test PDFs made on the fly with reportlab (and pypdfium2 for page images).

* :func:`seed_pdf` renders the seed disclosure text as a multi-page PDF in the built-in
  CID font ``STSong-Light``: long lines wrapped at the page width, a running header at the
  top and a page number "- N -" at the bottom of every page. It returns the bytes and the
  layout (which seed characters went to which page and line) so tests know where every
  gold surface must be.
* :func:`scanned_pdf` makes a document whose second page is only an image: a real
  disclosure page (its fonts are embedded, so PDFium can draw the Chinese glyphs, which
  ``STSong-Light`` cannot without system fonts) rendered to pixels and placed with
  ``drawImage``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A5
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
PDF_FIXTURES = Path(__file__).parent / "fixtures" / "pdf_gold"  # the real PDFs (labeled there too)
SEED_HEADER = "湖南省怀化市政务服务中心部门预算公开文本"


def register_font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


@dataclass
class RenderedLine:
    start: int  # offset in the source text of the line's first character
    end: int  # offset after its last character
    text: str
    page: int  # 1-based


@dataclass
class Layout:
    page_size: tuple[float, float]
    lines: list[RenderedLine] = field(default_factory=list)
    pages: int = 0

    def page_of(self, offset: int) -> int:
        for line in self.lines:
            if line.start <= offset < line.end:
                return line.page
        raise KeyError(offset)

    def page_lines(self, page: int) -> list[RenderedLine]:
        return [line for line in self.lines if line.page == page]


def wrap(text: str, width: float, size: float) -> list[tuple[int, int]]:
    """(start, end) pieces of one source line that fit ``width`` points; a piece never
    starts with a blank (blanks at a break stay at the end of the previous piece)."""
    pieces = []
    start = 0
    while start < len(text):
        end = start
        while end < len(text) and pdfmetrics.stringWidth(text[start : end + 1], FONT, size) <= width:
            end += 1
        end = max(end, start + 1)
        while end < len(text) and text[end].isspace():
            end += 1
        pieces.append((start, end))
        start = end
    return pieces


def seed_pdf(
    text: str,
    header: str = SEED_HEADER,
    page_size: tuple[float, float] = A5,
    size: float = 11.0,
    margin: float = 56.0,
    leading: float = 16.0,
) -> tuple[bytes, Layout]:
    """The text as a PDF: one source line per line, wrapped; blank lines leave a gap.
    Every page has ``header`` at the top and "- N -" at the bottom."""
    register_font()
    width, height = page_size
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=page_size, invariant=1)
    layout = Layout(page_size)
    page = 1
    y = height - margin

    def furniture() -> None:
        c.setFont(FONT, 9)
        c.drawCentredString(width / 2, height - 28, header)
        c.drawCentredString(width / 2, 24, f"- {page} -")
        c.setFont(FONT, size)

    furniture()
    offset = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if not stripped:
            y -= leading / 2
        else:
            lead = len(raw) - len(raw.lstrip())
            body = raw[lead:].rstrip()
            for a, b in wrap(body, width - 2 * margin, size):
                if y < margin:
                    c.showPage()
                    page += 1
                    y = height - margin
                    furniture()
                piece = body[a:b]
                c.drawString(margin, y, piece)
                layout.lines.append(RenderedLine(offset + lead + a, offset + lead + b, piece, page))
                y -= leading
        offset += len(raw) + 1
    c.showPage()
    c.save()
    layout.pages = page
    return buf.getvalue(), layout


def text_page_pdf(lines: list[str], page_size: tuple[float, float] = A5, size: float = 12.0) -> bytes:
    """A one-page PDF with these lines of text."""
    register_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=page_size, invariant=1)
    c.setFont(FONT, size)
    y = page_size[1] - 60
    for line in lines:
        c.drawString(50, y, line)
        y -= size * 1.6
    c.showPage()
    c.save()
    return buf.getvalue()


def page_image(pdf: bytes, page_index: int, scale: float = 3.0):
    """A PDF page rendered to a PIL image (pypdfium2), and the page's size in points."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[page_index]
        size = page.get_size()
        image = page.render(scale=scale).to_pil().convert("L")
        page.close()
    finally:
        doc.close()
    return image, size


def scanned_pdf(image_source: bytes, image_page: int, text_lines: list[str]) -> bytes:
    """Two pages: page 1 a text page (``text_lines``), page 2 only an image of page
    ``image_page`` (0-based) of ``image_source``, like a scan: no text layer at all."""
    register_font()
    image, (w, h) = page_image(image_source, image_page)
    png = io.BytesIO()
    image.save(png, format="PNG")
    png.seek(0)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(w, h), invariant=1)
    c.setFont(FONT, 12)
    y = h - 60
    for line in text_lines:
        c.drawString(50, y, line)
        y -= 20
    c.showPage()
    c.drawImage(ImageReader(png), 0, 0, width=w, height=h)
    c.showPage()
    c.save()
    return buf.getvalue()


def real_pdf(name: str) -> bytes:
    return (PDF_FIXTURES / name).read_bytes()
