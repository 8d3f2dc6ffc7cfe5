"""Test PDFs generated with reportlab's built-in CID font STSong-Light."""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
HEADER = "怀化市政务服务中心2024年部门预算公开"
WIDTH, HEIGHT = A4
MARGIN, SIZE, LEADING = 56, 11, 17


def _wrap(paragraph: str, width: float) -> list[str]:
    lines, line = [], ""
    for ch in paragraph:
        if pdfmetrics.stringWidth(line + ch, FONT, SIZE) > width:
            lines.append(line)
            line = ""
        line += ch
    return lines + [line]


def text_pdf(text: str, lines_per_page: int = 38) -> tuple[bytes, list[list[str]]]:
    """The text as a multi-page PDF (wrapped at the page width, a running header and a
    page number "- N -" on every page); returns the bytes and the lines of each page."""
    lines = [ln for para in text.split("\n") for ln in _wrap(para.strip(), WIDTH - 2 * MARGIN) if ln.strip()]
    pages = [lines[i:i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for number, page in enumerate(pages, start=1):
        c.setFont(FONT, 9)
        c.drawString(MARGIN, HEIGHT - 30, HEADER)
        c.drawCentredString(WIDTH / 2, 28, f"- {number} -")
        c.setFont(FONT, SIZE)
        y = HEIGHT - 70
        for line in page:
            c.drawString(MARGIN, y, line)
            y -= LEADING
        c.showPage()
    c.save()
    return buf.getvalue(), pages


def scanned_pdf() -> bytes:
    """Page 1 with a text layer; page 2 only an image of text (a scan)."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader

    source, _ = text_pdf("三、部门收支总体情况\n收入预算，2024年年初预算数1094.8万元，全部为一般公共预算拨款。")
    image = pdfium.PdfDocument(source)[0].render(scale=3).to_pil()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont(FONT, SIZE)
    c.drawString(MARGIN, HEIGHT - 70, "一、部门基本概况：本页有文字层。")
    c.showPage()
    c.drawImage(ImageReader(image), 0, 0, WIDTH, HEIGHT)
    c.showPage()
    c.save()
    return buf.getvalue()
