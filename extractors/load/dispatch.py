"""Pick the loader for a file from its bytes (and, failing that, its suffix)."""
from __future__ import annotations

from pathlib import Path

from gongkai.extractors.load.text import LoadedDocument, read_bytes, text_document
from gongkai.schemas.reasons import DocumentError, Reason

# Formats recognised by their first bytes or suffix but not read by this version.
MAGIC = (
    (b"\xd0\xcf\x11\xe0", "legacy Word (.doc, OLE2)"),
)
SHEET_SUFFIXES = {".xls", ".xlsx"}
UNSUPPORTED_SUFFIXES = {".doc"}
HTML_SUFFIXES = {".html", ".htm", ".shtml"}


def load_document(path: str | Path, content_selector: str | None = None, source: str | None = None) -> LoadedDocument:
    """``content_selector``: the CSS selector of a web page's main content (from the site's
    harvest configuration); other formats ignore it. ``source``: what the document is
    called in its record and messages (a harvested file's URL) instead of its path."""
    path = Path(path)
    data = read_bytes(path)
    name = source or str(path)
    if data.lstrip()[:5] == b"%PDF-":
        from gongkai.extractors.load.pdf import load_pdf
        from gongkai.extractors.tables.page import tables_on_page

        return load_pdf(name, data, on_page=tables_on_page)
    if path.suffix.lower() in SHEET_SUFFIXES:
        from gongkai.extractors.load.sheet import load_sheet

        return load_sheet(name, data)
    if path.suffix.lower() == ".docx":
        from gongkai.extractors.load.docx import load_docx

        return load_docx(name, data)
    for magic, format_name in MAGIC:
        if data.startswith(magic):
            raise DocumentError(Reason.UNSUPPORTED_FORMAT, f"{name}: {format_name} documents are not supported (save it as .docx or PDF)")
    if path.suffix.lower() in HTML_SUFFIXES or data.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        from gongkai.extractors.load.html import load_html

        return load_html(name, data, content_selector=content_selector)
    if path.suffix.lower() in UNSUPPORTED_SUFFIXES:
        raise DocumentError(Reason.UNSUPPORTED_FORMAT, f"{name}: {path.suffix} documents are not supported (save it as .docx or PDF)")
    if path.suffix.lower() == ".pdf":
        raise DocumentError(Reason.CORRUPT_PDF, f"{name}: named .pdf but does not start with %PDF-")
    return text_document(name, data)
