"""Pick the loader for a file from its bytes (and, failing that, its suffix); formats in formats.py."""

from __future__ import annotations

from pathlib import Path

from gongkai.extractors.load.formats import MAGIC_OF, OLE, PDF, by_suffix, is_suffix_of, starts_like_html
from gongkai.extractors.load.limits import DEFAULT, LoadLimits
from gongkai.extractors.load.text import LoadedDocument, check_text_chars, read_bytes, text_document
from gongkai.schemas.reasons import DocumentError, Reason


def load_document(
    path: str | Path,
    content_selector: str | None = None,
    source: str | None = None,
    limits: LoadLimits = DEFAULT,
) -> LoadedDocument:
    """``content_selector``: the CSS selector of a web page's main content (from the site's
    harvest configuration); other formats ignore it. ``source``: what the document is
    called in its record and messages (a harvested file's URL) instead of its path.
    ``limits``: a file over one of them fails with ``too_large`` (extractors/load/limits.py)."""
    path = Path(path)
    name = source or str(path)
    data = read_bytes(path, limits, name)
    doc = _load(path, name, data, content_selector, limits)
    check_text_chars(name, doc.text, limits, "characters of the stored text")
    return doc


def _load(path: Path, name: str, data: bytes, content_selector: str | None, limits: LoadLimits) -> LoadedDocument:
    if data[: 64 * 1024].lstrip().startswith(MAGIC_OF[PDF]):  # no copy of the whole file
        from gongkai.extractors.load.pdf import load_pdf
        from gongkai.extractors.tables.page import tables_on_page

        return load_pdf(name, data, on_page=tables_on_page, limits=limits)
    suffix = path.suffix.lower()
    fmt = by_suffix(suffix)
    if is_suffix_of(suffix, "xls", "xlsx"):
        from gongkai.extractors.load.sheet import load_sheet

        return load_sheet(name, data, limits=limits)
    if is_suffix_of(suffix, "docx"):
        from gongkai.extractors.load.docx import load_docx

        return load_docx(name, data, limits=limits)
    if data.startswith(MAGIC_OF[OLE]):  # an OLE2 file not named .xls: legacy Word
        raise DocumentError(
            Reason.UNSUPPORTED_FORMAT,
            f"{name}: legacy Word (.doc, OLE2) documents are not supported (save it as .docx or PDF)",
        )
    if is_suffix_of(suffix, "html") or starts_like_html(data):
        from gongkai.extractors.load.html import load_html

        return load_html(name, data, content_selector=content_selector, limits=limits)
    if fmt is not None and not fmt.readable:
        raise DocumentError(
            Reason.UNSUPPORTED_FORMAT, f"{name}: {path.suffix} documents are not supported (save it as .docx or PDF)"
        )
    if is_suffix_of(suffix, "pdf"):
        raise DocumentError(Reason.CORRUPT_PDF, f"{name}: named .pdf but does not start with %PDF-")
    return text_document(name, data, limits)
