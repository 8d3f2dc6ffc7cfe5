"""Per-document input limits of the loaders: a hostile file fails as one document, cheaply.

A file over a limit raises ``DocumentError(Reason.TOO_LARGE, …)`` whose message names the
file, what was measured and the setting (``"a.xlsx: cells of sheet … 17179869184 over the
limit sheet_cells=2000000"``); the extractor turns it into a failed row like any bad file.
The cheap facts are checked first: the file's size before it is read, a zip file's
directory before anything is decompressed, a PDF's page count before its pages are walked,
a sheet's used range before its cells are iterated.

The defaults are generous for real disclosures (a few hundred pages, a few MB) and keep one
document within about a gigabyte or two of memory: ``extract_path(path, limits=LoadLimits(
pdf_pages=500))`` tightens (or loosens) them per call.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass, fields

from gongkai.schemas.reasons import DocumentError, Reason

__all__ = ["DEFAULT", "LoadLimits", "check_zip", "too_large"]

MiB, GiB = 1 << 20, 1 << 30


@dataclass(frozen=True)
class LoadLimits:
    """The limits of one document's loading; every value is checked when the limits are made."""

    # Bytes of an input file (any format), from stat before it is read. Real disclosures are
    # a few MB; scanned ones reach a few hundred.
    file_bytes: int = 512 * MiB
    # .xlsx/.docx: the decompressed sizes the zip directory declares, summed over its entries
    # (read before anything is decompressed; Python's zipfile never inflates an entry past its
    # declared size, so the declaration is what will be read).
    unzipped_bytes: int = 512 * MiB
    # .xlsx/.docx: an entry declaring over 8 MiB that inflates to more than this many times its
    # compressed size is a zip bomb (real XML parts stay under ~200; deflate tops out at ~1030).
    zip_ratio: int = 500
    # .xlsx/.docx: entries in the zip directory (real files have tens to a few hundred).
    zip_entries: int = 10_000
    # .docx: the declared sizes of its XML parts, summed; .xlsx: the same for the parts other
    # than worksheets (shared strings, styles…). python-docx holds every part as an XML tree
    # of 10–20 times its size; real document.xml parts are a few MB.
    xml_bytes: int = 64 * MiB
    # .xlsx/.xls: rows × columns of the used ranges of a workbook's sheets (from A1 to the
    # farthest cell or merged range), summed over the sheets; checked from the sheet XML
    # before openpyxl builds its cells, and again before the cells are iterated.
    sheet_cells: int = 2_000_000
    # PDF: pages, as PDFium counts them right after opening (a page tree's /Count may claim
    # a million pages in a few hundred bytes).
    pdf_pages: int = 3000
    # PDF: the inflated size of any one Flate stream, measured in chunks (zlib with
    # max_length) before PDFium or pdfminer inflate anything whole.
    pdf_stream_bytes: int = 256 * MiB
    # PDF: the inflated sizes of all its Flate streams, summed (bounds the time of that scan).
    pdf_inflated_bytes: int = 4 * GiB
    # Web pages: the largest rowspan/colspan a table cell may declare; a larger one fails the
    # page. Under it, spans are clamped as browsers clamp them: colspan to 1000, rowspan to
    # the rows left in the table (65534 is the most rowspan any browser honours).
    html_span: int = 65_534
    # Web pages: rows × columns of one <table> once its spans are spread out.
    html_cells: int = 1_000_000
    # Word: rows × columns of one table once its merged cells (gridSpan) are spread out.
    docx_cells: int = 1_000_000
    # Characters of decoded text: a text file or a web page's source once decoded, and the
    # stored text of any document (about 3000 dense pages; the later steps need ~100 bytes
    # of memory per character).
    text_chars: int = 10_000_000

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"LoadLimits.{f.name} must be an integer, got {value!r}")
            if value <= 0:
                raise ValueError(f"LoadLimits.{f.name} must be > 0, got {value!r}")

    def check(self, setting: str, n: int, source: str, what: str) -> None:
        """Raise ``too_large`` when ``n`` is over the limit ``setting``."""
        if n > getattr(self, setting):
            raise too_large(source, what, n, setting, self)


DEFAULT = LoadLimits()


def too_large(source: str, what: str, n: int, setting: str, limits: LoadLimits) -> DocumentError:
    """The error of a document over a limit: ``<file>: <what> <n> over the limit <setting>=<value>``."""
    return DocumentError(Reason.TOO_LARGE, f"{source}: {what} {n} over the limit {setting}={getattr(limits, setting)}")


# --------------------------------------------------------------------------- zip containers

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_RATIO_FLOOR = 8 * MiB  # smaller entries are never zip bombs worth refusing


def zip_entry_count(data: bytes) -> int | None:
    """The number of entries the end-of-central-directory record declares (ZIP64 too), read
    from the last bytes of the file alone; None when there is no such record."""
    at = data.rfind(_EOCD, max(0, len(data) - 22 - 0xFFFF))
    if at < 0 or at + 22 > len(data):
        return None
    (count,) = struct.unpack_from("<H", data, at + 10)
    locator = at - 20
    if count == 0xFFFF and locator >= 0 and data[locator : locator + 4] == _EOCD64_LOCATOR:
        (offset,) = struct.unpack_from("<Q", data, locator + 8)
        if offset + 56 <= len(data) and data[offset : offset + 4] == _EOCD64:
            (count,) = struct.unpack_from("<Q", data, offset + 32)
    return count


def check_zip(source: str, data: bytes, limits: LoadLimits, streamed: tuple[str, ...] = ()) -> None:
    """Refuse a zip container (xlsx, docx) from its directory alone, before any entry is
    inflated: too many entries, declared sizes over ``unzipped_bytes`` (all entries) or
    ``xml_bytes`` (the XML parts, but those whose path starts with one of ``streamed``: parts
    read as a stream, not held whole), or an entry compressed beyond ``zip_ratio``. A file that
    is not a readable zip passes: its loader reports it as corrupt."""
    count = zip_entry_count(data)
    if count is not None:
        limits.check("zip_entries", count, source, "entries in the zip directory")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error, NotImplementedError):
        return
    limits.check("zip_entries", len(infos), source, "entries in the zip directory")
    total = xml = 0
    for info in infos:
        total += info.file_size
        name = info.filename.lower()
        if name.endswith((".xml", ".rels")) and not name.startswith(streamed):
            xml += info.file_size
        if info.file_size > _RATIO_FLOOR and info.compress_type != zipfile.ZIP_STORED:
            ratio = info.file_size // max(1, info.compress_size)
            limits.check("zip_ratio", ratio, source, f"compression ratio of the zip entry {info.filename}")
    limits.check("unzipped_bytes", total, source, "decompressed bytes declared by the zip directory")
    limits.check("xml_bytes", xml, source, "bytes of XML parts declared by the zip directory")
