"""Loading PDF disclosures: bytes → the stored text of every page and each character's box.

A chain of small functions, one page at a time and each page read once:

1. :func:`open_pdf` opens the bytes with PDFium (pypdfium2): a damaged file or one that
   needs a password becomes a :class:`~schemas.reasons.DocumentError`.
2. :func:`page_chars` reads the page's characters with their boxes (PDFium's text page:
   C speed; the loose glyph boxes are the ones pdfplumber reports), in pdfplumber's
   coordinates: PDF points from the top-left of the media box as displayed (``/Rotate``
   applied). A page whose Chinese fonts are not embedded is read through pdfminer instead
   (:func:`plumber_chars`; :class:`FontCheck` looks at the page's font resources):
   without a system font PDFium drops one-character text objects of such fonts.
3. :func:`group_lines` puts them in reading order: lines top to bottom, characters left to
   right, a blank inserted where two characters stand apart (pdfplumber's ``x_tolerance``
   rule). Blanks and line breaks the loader inserts have no box (``None``).
4. :func:`is_scanned` tells a page without a usable text layer: (almost) no text but
   images, or text that is mostly unmapped glyphs. Such a page is read by OCR
   (:func:`ocr_lines`, RapidOCR) when it is installed; otherwise the document loads with
   what it has and is marked partial (``scanned_pages``).
5. ``on_page(page, page_number)`` (the standard-table finder) gets the pdfplumber page of
   every page that may hold a table (:func:`likely_table_page`: drawn rules, rows of
   figures or a table title; ``PdfSettings.table_pages="all"`` for every page). pdfminer's
   parse of a page is nearly all the cost of bare ``extract_text``: prose pages skip it.
   The page is closed right after, so memory stays flat with the length of the document.
6. :func:`find_furniture` drops page furniture: page-number lines ("- 3 -", "─ 13 ─",
   "第 3 页") and running headers/footers repeated at the same place on most pages.
7. :func:`assemble` joins the pages with "\\n" and records where each page begins.

The text is otherwise kept as extracted: no normalization, no joining of wrapped lines
(the matching view in :mod:`extractors.text.normalize` does that with an offset map).

PDFium is not thread-safe and the Prefect task runner uses threads: every PDFium call
here holds one module lock (the OCR engine has its own).
"""

from __future__ import annotations

import base64
import ctypes
import hashlib
import importlib.util
import io
import math
import re
import struct
import threading
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from gongkai.extractors.load.limits import DEFAULT, LoadLimits, too_large
from gongkai.extractors.load.text import LoadedDocument, sha256_bytes
from gongkai.extractors.text.normalize import is_page_number
from gongkai.schemas.reasons import DocumentError, Reason

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, origin top-left
OnPage = Callable[[object, int], Iterable]

_PDFIUM_LOCK = threading.RLock()
OCR_HINT = "install the ocr extra: pip install gongkai[ocr]"


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class PdfSettings:
    """Tolerances of the PDF loader; every value is checked when the settings are made."""

    x_tolerance: float = 3.0  # a gap wider than this (points) between two characters is a blank
    y_tolerance: float = 3.0  # characters whose vertical centres are this close share a line
    scanned_max_chars: int = 10  # a page with at most this many readable characters…
    scanned_image_share: float = 0.3  # …and images over at least this share of it is scanned
    garbage_share: float = 0.5  # a page whose characters are mostly unmapped glyphs is scanned too
    ocr_scale: float = 2.0  # render scale for OCR (2.0 = 144 dpi)
    ocr_min_confidence: float = 0.5  # OCR lines below this score are dropped
    furniture_share: float = 0.6  # a running header/footer is on at least this share of the pages…
    furniture_min_pages: int = 3  # …and on at least this many pages
    furniture_band: float = 0.12  # headers/footers/page numbers live in this share of the height at the top/bottom
    furniture_position_tolerance: float = 6.0  # points: "the same position" on every page
    furniture_max_lines: int = 3  # at most this many lines at each edge of a page are furniture
    # on_page (the table finder) gets "all" pages, or only the "likely" ones: ruled lines,
    # rows of figures or a table title. pdfminer's parse of a page is most of the cost of
    # a PDF; prose pages need none.
    table_pages: str = "likely"
    table_min_rules: int = 4  # "likely": at least this many drawn paths on the page…
    table_min_rows: int = 2  # …or this many lines holding two or more blank-separated numbers

    def __post_init__(self) -> None:
        if self.table_pages not in ("all", "likely"):
            raise ValueError(f"PdfSettings.table_pages must be 'all' or 'likely', got {self.table_pages!r}")
        positive = ("x_tolerance", "y_tolerance", "ocr_scale", "furniture_position_tolerance")
        shares = ("scanned_image_share", "garbage_share", "furniture_share", "furniture_band")
        counts = (
            "scanned_max_chars",
            "furniture_min_pages",
            "furniture_max_lines",
            "table_min_rules",
            "table_min_rows",
        )
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "table_pages":
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
                raise ValueError(f"PdfSettings.{f.name} must be a number, got {value!r}")
            if f.name in positive and value <= 0:
                raise ValueError(f"PdfSettings.{f.name} must be > 0, got {value!r}")
            if f.name in shares and not 0 < value <= 1:
                raise ValueError(f"PdfSettings.{f.name} must be in (0, 1], got {value!r}")
            if f.name in counts and (not isinstance(value, int) or value < 0):
                raise ValueError(f"PdfSettings.{f.name} must be a non-negative integer, got {value!r}")
        if not 0 <= self.ocr_min_confidence <= 1:
            raise ValueError(f"PdfSettings.ocr_min_confidence must be in [0, 1], got {self.ocr_min_confidence!r}")
        if self.furniture_band > 0.5:
            raise ValueError(f"PdfSettings.furniture_band must be at most 0.5, got {self.furniture_band!r}")
        if self.ocr_scale > 8:
            raise ValueError(f"PdfSettings.ocr_scale must be at most 8, got {self.ocr_scale!r}")


DEFAULT_SETTINGS = PdfSettings()


# --------------------------------------------------------------------------- data


@dataclass
class Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def box(self) -> Box:
        return (self.x0, self.top, self.x1, self.bottom)


@dataclass
class Line:
    """One line of a page: its text and one box (or None) per character."""

    text: str
    boxes: list[Box | None]
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class PageText:
    number: int  # 1-based
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    scanned: bool = False  # no usable text layer
    ocr: bool = False  # lines read by OCR
    ocr_scores: list[tuple[float, int]] = field(default_factory=list)  # (score, characters) per OCR line
    rules: int = 0  # drawn paths counted (up to PdfSettings.table_min_rules)


# --------------------------------------------------------------------------- opening

_PASSWORD_ERRORS = {pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY}


def open_pdf(source: str, data: bytes) -> pdfium.PdfDocument:
    """The PDFium document, or a DocumentError naming the file and what is wrong."""
    if not data.strip():
        raise DocumentError(Reason.EMPTY_FILE, f"{source}: the file is empty")
    if b"%PDF-" not in data[:1024]:
        raise DocumentError(Reason.CORRUPT_PDF, f"{source}: not a PDF (no %PDF- header)")
    try:
        with _PDFIUM_LOCK:
            doc = pdfium.PdfDocument(data)
            n_pages = len(doc)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in _PASSWORD_ERRORS:
            raise DocumentError(Reason.ENCRYPTED, f"{source}: the PDF is password-protected") from exc
        raise DocumentError(
            Reason.CORRUPT_PDF, f"{source}: the PDF cannot be parsed, damaged or truncated ({exc})"
        ) from exc
    if n_pages == 0:
        _close(doc)
        raise DocumentError(Reason.CORRUPT_PDF, f"{source}: the PDF has no pages (damaged or truncated)")
    return doc


def _close(obj) -> None:
    with _PDFIUM_LOCK:
        obj.close()


def display_transform(page: pdfium.PdfPage) -> tuple[Callable[[float, float, float, float], Box], float, float]:
    """Map a box in PDF user space (left, bottom, right, top) to pdfplumber's display
    coordinates (x0, top, x1, bottom): origin at the top-left of the media box as shown,
    ``/Rotate`` applied the way pdfminer applies it. Returns (mapping, width, height)."""
    mx0, my0, mx1, my1 = page.get_mediabox()
    mx0, mx1 = sorted((mx0, mx1))
    my0, my1 = sorted((my0, my1))
    rotation = page.get_rotation() % 360
    if rotation == 90:
        return (lambda l, b, r, t: (b - my0, l - mx0, t - my0, r - mx0)), my1 - my0, mx1 - mx0
    if rotation == 180:
        return (lambda l, b, r, t: (mx1 - r, b - my0, mx1 - l, t - my0)), mx1 - mx0, my1 - my0
    if rotation == 270:
        return (lambda l, b, r, t: (my1 - t, mx1 - r, my1 - b, mx1 - l)), my1 - my0, mx1 - mx0
    return (lambda l, b, r, t: (l - mx0, my1 - t, r - mx0, my1 - b)), mx1 - mx0, my1 - my0


# --------------------------------------------------------------------------- limits
# PDFium and pdfminer inflate a stream whole, in memory: a 1 MB PDF whose Flate stream
# inflates to 1 GiB would take gigabytes. Every stream is inflated here first, in chunks,
# counting and dropping the output, and the PDF refused once one stream or all of them
# together are over the limits. A stream that starts like a zlib stream is inflated where
# it lies; one under an ASCII filter (/ASCII85Decode /FlateDecode) or in an encrypted PDF
# (decrypted with the empty user password) is taken up to its ``endstream`` first.

_STREAM_DATA = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_OBJ_HEADER = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")
_FLATE = (b"FlateDecode", b"Fl")
_ASCII85 = (b"ASCII85Decode", b"A85")
_ASCIIHEX = (b"ASCIIHexDecode", b"AHx")
_INFLATE_IN = 64 * 1024  # compressed bytes fed at a time
_INFLATE_OUT = 1 << 20  # inflated bytes taken at a time, then dropped


def is_zlib_header(data: bytes | memoryview, at: int = 0) -> bool:
    """Do two bytes start a zlib stream (deflate, a valid header check)?"""
    if at + 2 > len(data):
        return False
    cmf, flg = data[at], data[at + 1]
    return cmf & 0x0F == 8 and cmf >> 4 <= 7 and (cmf * 256 + flg) % 31 == 0


def inflated_size(data: bytes | memoryview, start: int, cap: int) -> int:
    """How many bytes the zlib stream at ``data[start:]`` inflates to, counted in chunks and
    never held: stops at the stream's end, at the first error, or once past ``cap``
    (returning ``cap + 1``)."""
    view = memoryview(data)
    inflater = zlib.decompressobj()
    out, pos = 0, start
    try:
        while pos < len(view) and not inflater.eof:
            piece: bytes | memoryview = view[pos : pos + _INFLATE_IN]
            pos += len(piece)
            while piece:
                out += len(inflater.decompress(piece, min(_INFLATE_OUT, cap + 1 - out)))
                if out > cap:
                    return cap + 1
                if inflater.eof:
                    break
                piece = inflater.unconsumed_tail
    except zlib.error:
        pass
    return out


def _header(data: bytes, pos: int) -> tuple[tuple[int, int] | None, bytes]:
    """(number, generation) of the object whose stream starts at ``pos`` and the text of its
    dictionary (what precedes the stream since ``N G obj``)."""
    found = None
    for m in _OBJ_HEADER.finditer(data, max(0, pos - 4096), pos):
        found = m  # the last one
    if found is None:
        return None, data[max(0, pos - 4096) : pos]
    return (int(found.group(1)), int(found.group(2))), data[found.end() : pos]


def _filters(dictionary: bytes) -> list[bytes]:
    m = _FILTER.search(dictionary)
    return _NAME.findall(m.group(1)) if m else []


class _Decrypter:
    """The document's stream decryption (pdfminer's key from the empty user password); RC4
    runs in C (pdfminer's own RC4 is pure Python, quadratic)."""

    def __init__(self, data: bytes) -> None:
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfparser import PDFParser

        self.decipher = None
        self.rc4_key: bytes | None = None
        try:
            self.decipher = PDFDocument(PDFParser(io.BytesIO(data))).decipher
        except Exception:  # a password, a damaged file: PDFium says what is wrong
            return
        handler: Any = getattr(self.decipher, "__self__", None)
        method = self.decipher
        if hasattr(handler, "cfm") and hasattr(handler, "stmf"):  # V4: the streams' crypt filter
            method = handler.cfm.get(handler.stmf, method)
        rc4 = getattr(type(handler), "decrypt_rc4", None)
        v2 = type(handler).__name__ == "PDFStandardSecurityHandler"
        if rc4 is not None and (v2 or getattr(method, "__func__", None) is rc4):
            self.rc4_key = getattr(handler, "key", None)

    def __call__(self, obj: tuple[int, int], data: bytes) -> bytes | None:
        if self.decipher is None:
            return None
        try:
            if self.rc4_key is not None:
                from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4
                from cryptography.hazmat.primitives.ciphers import Cipher

                key = self.rc4_key + struct.pack("<L", obj[0])[:3] + struct.pack("<L", obj[1])[:2]
                key = hashlib.md5(key).digest()[: min(len(key), 16)]
                return Cipher(ARC4(key), mode=None).decryptor().update(data)
            for candidate in (data.rstrip(b"\r\n"), data):  # AES wants whole blocks
                try:
                    return self.decipher(obj[0], obj[1], candidate)
                except Exception:
                    continue
        except Exception:
            return None
        return None


def _undo_ascii(data: bytes, filters: list[bytes]) -> bytes | None:
    """The data under the stream's leading ASCII filters."""
    for name in filters:
        try:
            if name in _ASCII85:
                end = data.find(b"~>")
                data = base64.a85decode(data[: end if end >= 0 else len(data)], ignorechars=b" \t\n\r\x0b\x0c")
            elif name in _ASCIIHEX:
                end = data.find(b">")
                digits = re.sub(rb"\s+", b"", data[: end if end >= 0 else len(data)])
                data = bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))
            else:
                return data
        except ValueError:
            return None
    return data


def check_streams(source: str, data: bytes, limits: LoadLimits = DEFAULT) -> None:
    """Refuse a PDF with a Flate stream inflating past ``pdf_stream_bytes`` or streams
    inflating past ``pdf_inflated_bytes`` together, before anything inflates them whole."""
    total = 0
    encrypted = b"/Encrypt" in data
    decrypter: _Decrypter | None = None
    for m in _STREAM_DATA.finditer(data):
        start = m.end()
        cap = min(limits.pdf_stream_bytes, limits.pdf_inflated_bytes - total)
        n = inflated_size(data, start, cap) if is_zlib_header(data, start) else 0
        obj, dictionary = _header(data, m.start())
        filters = _filters(dictionary)
        if n <= cap and any(f in _FLATE for f in filters) and (encrypted or filters[0] not in _FLATE):
            end = data.find(b"endstream", start)
            plain: bytes | None = data[start : end if end >= 0 else len(data)]
            if encrypted and obj is not None:
                decrypter = decrypter or _Decrypter(data)
                plain = decrypter(obj, plain) if plain else None
            plain = _undo_ascii(plain, filters) if plain else None
            if plain and is_zlib_header(plain):
                n = max(n, inflated_size(plain, 0, cap))
        if n > limits.pdf_stream_bytes:
            where = f"object {obj[0]}" if obj else f"byte {start}"
            raise too_large(source, f"Flate stream of {where} inflating to at least", n, "pdf_stream_bytes", limits)
        total += n
        limits.check("pdf_inflated_bytes", total, source, "Flate streams inflating together to at least")


# --------------------------------------------------------------------------- characters

# Characters that separate words; the loader inserts its own blanks from the gaps.
_BLANKS = frozenset(map(ord, " \t\r\n\x0b\x0c\u00a0\u2002\u2003\u2009\u200a\u200b\u202f\u205f\u3000\ufeff"))


def is_garbage_code(u: int) -> bool:
    """Private-use glyphs, replacement characters and controls: glyphs without a Unicode mapping."""
    return 0xE000 <= u <= 0xF8FF or u in (0xFFFD, 0xFFFE, 0xFFFF) or u < 0x20 or 0xD800 <= u <= 0xDFFF or u >= 0xF0000


def page_chars(textpage: pdfium.PdfTextPage, to_display) -> tuple[list[Char], int, int]:
    """Every visible character of a page with its box (PDFium), in content order; returns
    (characters, readable, garbage): garbage are glyphs without a Unicode mapping.
    Controls are not kept."""
    tp = textpage.raw
    n = pdfium_c.FPDFText_CountChars(tp)
    get_unicode = pdfium_c.FPDFText_GetUnicode
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    map_error = pdfium_c.FPDFText_HasUnicodeMapError
    rect = pdfium_c.FS_RECTF()
    rect_ref = ctypes.byref(rect)
    chars: list[Char] = []
    garbage = 0
    for i in range(n):
        u = get_unicode(tp, i)
        if u in _BLANKS:
            continue
        if is_garbage_code(u) or map_error(tp, i) == 1:
            garbage += 1
            if u < 0x20 or 0xD800 <= u <= 0xDFFF or u > 0x10FFFF:
                continue
        if not get_box(tp, i, rect_ref):
            continue
        x0, top, x1, bottom = to_display(rect.left, rect.bottom, rect.right, rect.top)
        chars.append(Char(chr(u), x0, top, x1, bottom))
    return chars, max(0, len(chars) - garbage), garbage


def plumber_chars(page) -> tuple[list[Char], int, int]:
    """The same from a pdfplumber page (pdfminer): for pages whose fonts PDFium cannot use.
    Unmapped glyphs come as "(cid:N)" (kept as extracted, one box for all its letters)."""
    chars: list[Char] = []
    garbage = 0
    for c in page.chars:
        t = c["text"]
        if not t or t.isspace():
            continue
        if t.startswith("(cid:") or any(is_garbage_code(ord(ch)) for ch in t):
            garbage += 1
            t = "".join(ch for ch in t if ord(ch) >= 0x20)
            if not t:
                continue
        chars.append(Char(t, float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"])))
    return chars, max(0, len(chars) - garbage), garbage


# A font PDFium would need a system font for: Chinese names, CID fonts.
_CJK_FONT_NAME = re.compile(
    r"sim|song|sun|hei|kai|fang|ming|yahei|gb|fz|^st[a-z]+-|gothic|mincho|batang|gulim|cid", re.I
)


def font_needs_pdfminer(font) -> bool:
    """PDFium reads text from the glyphs it can draw: a CJK font that is not embedded,
    on a machine without Chinese system fonts, loses characters (a text object of one
    character is dropped whole). pdfminer reads such text from the CMaps alone."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import literal_name

    font = resolve1(font)
    if not isinstance(font, dict):
        return False
    subtype = literal_name(font.get("Subtype")) if font.get("Subtype") is not None else ""
    if subtype == "Type3":  # glyphs drawn by the PDF itself
        return False
    holder = font
    if subtype == "Type0":
        descendants = resolve1(font.get("DescendantFonts")) or []
        holder = resolve1(descendants[0]) if descendants else {}
        holder = holder if isinstance(holder, dict) else {}
    descriptor = resolve1(holder.get("FontDescriptor")) or {}
    if isinstance(descriptor, dict) and any(k in descriptor for k in ("FontFile", "FontFile2", "FontFile3")):
        return False
    if subtype == "Type0":
        return True
    base = font.get("BaseFont")
    name = literal_name(base) if base is not None else ""
    if isinstance(name, bytes):
        return True
    return not name.isascii() or bool(_CJK_FONT_NAME.search(name))


class FontCheck:
    """Per document: does a page use a font PDFium cannot read without system fonts?
    Looks only at the page's font resources (and those of its forms), each font once."""

    def __init__(self) -> None:
        self._fonts: dict[int, bool] = {}

    def page_needs_pdfminer(self, plumber_page) -> bool:
        try:
            return self._resources(plumber_page.page_obj.resources, 0)
        except Exception:  # a damaged resource dictionary: let PDFium try
            return False

    def _resources(self, resources, depth: int) -> bool:
        from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1
        from pdfminer.psparser import literal_name

        resources = resolve1(resources)
        if not isinstance(resources, dict):
            return False
        fonts = resolve1(resources.get("Font")) or {}
        if isinstance(fonts, dict):
            for ref in fonts.values():
                if not isinstance(ref, PDFObjRef):  # a direct font dictionary: not cached
                    if font_needs_pdfminer(ref):
                        return True
                    continue
                if ref.objid not in self._fonts:
                    self._fonts[ref.objid] = font_needs_pdfminer(ref)
                if self._fonts[ref.objid]:
                    return True
        if depth >= 4:
            return False
        xobjects = resolve1(resources.get("XObject")) or {}
        if isinstance(xobjects, dict):
            for ref in xobjects.values():
                xobj = resolve1(ref)
                if (
                    isinstance(xobj, PDFStream)
                    and xobj.get("Subtype") is not None
                    and literal_name(xobj.get("Subtype")) == "Form"
                    and self._resources(xobj.get("Resources"), depth + 1)
                ):
                    return True
        return False


def group_lines(chars: list[Char], settings: PdfSettings = DEFAULT_SETTINGS) -> list[Line]:
    """Characters in reading order: lines (vertical centres within ``y_tolerance`` of the
    previous character's, chained) top to bottom, characters left to right; a blank (no box)
    where the gap between two characters is wider than ``x_tolerance``. An overprinted
    duplicate (the same character at the same place: fake bold) is read once."""
    if not chars:
        return []
    ordered = sorted(chars, key=lambda c: c.top + c.bottom)
    groups: list[list[Char]] = [[ordered[0]]]
    last = ordered[0].top + ordered[0].bottom
    tol2 = 2 * settings.y_tolerance
    for c in ordered[1:]:
        centre2 = c.top + c.bottom
        if centre2 - last > tol2:
            groups.append([c])
        else:
            groups[-1].append(c)
        last = centre2
    xtol = settings.x_tolerance
    lines = []
    for group in groups:
        group.sort(key=lambda c: c.x0)
        text: list[str] = []
        boxes: list[Box | None] = []
        prev: Char | None = None
        for c in group:
            if prev is not None:
                if c.text == prev.text and abs(c.x0 - prev.x0) < 1 and abs(c.top - prev.top) < 1:
                    continue
                if c.x0 - prev.x1 > xtol:
                    text.append(" ")
                    boxes.append(None)
            text.append(c.text)
            if len(c.text) == 1:
                boxes.append(c.box)
            else:  # "(cid:12)", a ligature: every letter gets the glyph's box
                boxes.extend([c.box] * len(c.text))
            prev = c
        lines.append(
            Line(
                "".join(text),
                boxes,
                min(c.x0 for c in group),
                min(c.top for c in group),
                max(c.x1 for c in group),
                max(c.bottom for c in group),
            )
        )
    return lines


# --------------------------------------------------------------------------- scanned pages


def image_share(page: pdfium.PdfPage) -> float:
    """Share of the page (media box) covered by images (overlaps counted twice, capped at 1)."""
    mx0, my0, mx1, my1 = page.get_mediabox()
    area = abs(mx1 - mx0) * abs(my1 - my0)
    if area <= 0:
        return 0.0
    covered = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=4):
        l, b, r, t = obj.get_bounds()
        w = min(r, max(mx0, mx1)) - max(l, min(mx0, mx1))
        h = min(t, max(my0, my1)) - max(b, min(my0, my1))
        if w > 0 and h > 0:
            covered += w * h
    return min(1.0, covered / area)


def is_scanned(readable: int, garbage: int, page: pdfium.PdfPage, settings: PdfSettings = DEFAULT_SETTINGS) -> bool:
    """A page without a usable text layer: (almost) no readable text but images, or text
    that is mostly glyphs without a Unicode mapping ("(cid:N)", private-use characters)."""
    total = readable + garbage
    if total and garbage / total >= settings.garbage_share and garbage > settings.scanned_max_chars:
        return True
    if readable > settings.scanned_max_chars:
        return False
    return image_share(page) >= settings.scanned_image_share


# --------------------------------------------------------------------------- OCR

_OCR_MODULES = ("rapidocr", "rapidocr_onnxruntime")  # the ocr extra; the older package works too
_OCR_LOCK = threading.Lock()


def ocr_available() -> bool:
    """True when an OCR engine (RapidOCR, its models shipped in the wheel) is installed."""
    return any(importlib.util.find_spec(name) is not None for name in _OCR_MODULES)


@lru_cache(maxsize=1)
def _engine():
    import logging

    for name in _OCR_MODULES:
        if importlib.util.find_spec(name) is not None:
            logging.getLogger("RapidOCR").setLevel(logging.WARNING)  # it logs every model it loads
            module = importlib.import_module(name)
            return module.RapidOCR()
    raise RuntimeError(f"no OCR engine installed ({OCR_HINT})")


def ocr_engine():
    """The RapidOCR engine (loaded once per process)."""
    with _OCR_LOCK:
        return _engine()


def run_ocr(engine, image) -> list[tuple[list[tuple[float, float]], str, float]]:
    """(polygon in pixels, text, score) per detected line, from either RapidOCR API:
    ``rapidocr_onnxruntime`` returns ``(result, elapse)``, ``rapidocr`` ≥ 2 an object with
    ``boxes``, ``txts`` and ``scores``."""
    out = engine(image)
    if hasattr(out, "txts"):
        if out.boxes is None or out.txts is None:
            return []
        return [
            ([(float(p[0]), float(p[1])) for p in box], str(txt), float(score))
            for box, txt, score in zip(out.boxes, out.txts, out.scores)
        ]
    result = out[0] if isinstance(out, tuple) else out
    return [([(float(p[0]), float(p[1])) for p in box], str(txt), float(score)) for box, txt, score in (result or [])]


def _char_units(ch: str) -> int:
    import unicodedata

    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def ocr_line(text: str, x0: float, top: float, x1: float, bottom: float) -> tuple[str, list[Box | None]]:
    """An OCR line's characters with the line box split between them (full-width
    characters get two shares, others one); blanks get no box."""
    units = [_char_units(ch) for ch in text]
    step = (x1 - x0) / max(1, sum(units))
    boxes: list[Box | None] = []
    x = x0
    for ch, u in zip(text, units):
        nx = x + u * step
        boxes.append(None if ch.isspace() else (x, top, nx, bottom))
        x = nx
    return text, boxes


def ocr_lines(
    page: pdfium.PdfPage, width: float, height: float, settings: PdfSettings = DEFAULT_SETTINGS
) -> tuple[list[Line], list[tuple[float, int]]]:
    """Read a page image by OCR: lines top to bottom, pieces of a line left to right
    (joined by a blank), boxes in PDF points. Returns (lines, (score, characters) per piece)."""
    scale = settings.ocr_scale
    with _PDFIUM_LOCK:
        bitmap = page.render(scale=scale)
        image = bitmap.to_numpy()
        if image.ndim == 3 and image.shape[2] == 4:
            image = image[:, :, :3]
        image = image.copy()
        bitmap.close()
    # the rendered area is the crop box as displayed; pdfplumber's coordinates start at the media box
    sx = width / image.shape[1] if image.shape[1] else 1 / scale
    sy = height / image.shape[0] if image.shape[0] else 1 / scale
    pieces = []
    engine = ocr_engine()
    with _OCR_LOCK:  # one page at a time through the engine (threads share it)
        found = run_ocr(engine, image)
    for poly, text, score in found:
        text = text.strip()
        if not text or score < settings.ocr_min_confidence:
            continue
        xs, ys = [p[0] for p in poly], [p[1] for p in poly]
        pieces.append((min(xs) * sx, min(ys) * sy, max(xs) * sx, max(ys) * sy, text, score))
    pieces.sort(key=lambda p: p[1] + p[3])
    rows: list[list[tuple]] = []
    for p in pieces:
        if rows:
            row = rows[-1]
            r_top = min(q[1] for q in row)
            r_bottom = max(q[3] for q in row)
            overlap = min(r_bottom, p[3]) - max(r_top, p[1])
            if overlap > 0.5 * min(r_bottom - r_top, p[3] - p[1]):
                row.append(p)
                continue
        rows.append([p])
    lines: list[Line] = []
    scores: list[tuple[float, int]] = []
    for row in rows:
        row.sort(key=lambda p: p[0])
        text_parts: list[str] = []
        boxes: list[Box | None] = []
        for n, (x0, top, x1, bottom, text, score) in enumerate(row):
            if n:
                text_parts.append(" ")
                boxes.append(None)
            t, b = ocr_line(text, x0, top, x1, bottom)
            text_parts.append(t)
            boxes.extend(b)
            scores.append((score, len(text)))
        lines.append(
            Line(
                "".join(text_parts),
                boxes,
                min(p[0] for p in row),
                min(p[1] for p in row),
                max(p[2] for p in row),
                max(p[3] for p in row),
            )
        )
    return lines, scores


# --------------------------------------------------------------------------- page furniture

_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def furniture_key(text: str) -> str:
    """Lines that differ only in their numbers and blanks are the same running header."""
    return _DIGITS.sub("#", _SPACE.sub("", text))


def _edge_lines(page: PageText, settings: PdfSettings) -> list[tuple[int, str]]:
    """(index, edge) of the lines that could be furniture: the first/last few lines of the
    page inside the top/bottom band."""
    band = settings.furniture_band * page.height
    n = len(page.lines)
    k = settings.furniture_max_lines
    out = []
    for i in range(min(k, n)):
        if page.lines[i].bottom <= band:
            out.append((i, "top"))
    for i in range(max(0, n - k), n):
        if page.lines[i].top >= page.height - band and (i, "top") not in out:
            out.append((i, "bottom"))
    return out


def find_furniture(pages: list[PageText], settings: PdfSettings = DEFAULT_SETTINGS) -> list[set[int]]:
    """Per page, the indexes of its furniture lines: page numbers and running headers/
    footers (the same text, numbers aside, at the same place on most pages). Only lines
    at the page's edges count, taken from the edge inwards: the first line that is not
    furniture shields the ones behind it (a table's "部门：… 单位：万元" line under a
    changing title stays)."""
    candidates = [_edge_lines(p, settings) for p in pages]
    # where each key stands, page by page
    seen: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    for n, (page, cands) in enumerate(zip(pages, candidates)):
        for i, edge in cands:
            line = page.lines[i]
            if is_page_number(line.text):
                continue
            seen[(edge, furniture_key(line.text))].append((n, line.top))
    with_text = sum(1 for p in pages if p.lines)
    need = max(settings.furniture_min_pages, math.ceil(settings.furniture_share * with_text))
    tol = settings.furniture_position_tolerance
    running: set[tuple[int, str, float]] = set()  # (page, key, top) of running lines
    for (_edge, key), where in seen.items():
        if len({n for n, _ in where}) < need:
            continue
        # the position most pages agree on
        tops = Counter(round(top / tol) for _, top in where)
        best = tops.most_common(1)[0][0] * tol
        at = [(n, top) for n, top in where if abs(top - best) <= tol]
        if len({n for n, _ in at}) >= need:
            running.update((n, key, top) for n, top in at)
    result: list[set[int]] = []
    for n, (page, cands) in enumerate(zip(pages, candidates)):
        edge_of = dict(cands)
        drop: set[int] = set()

        def furniture(i: int) -> bool:
            line = page.lines[i]  # noqa: B023 (called within this iteration only)
            if i not in edge_of:  # noqa: B023
                return False
            return is_page_number(line.text) or (n, furniture_key(line.text), line.top) in running  # noqa: B023

        for i in range(len(page.lines)):  # from the top inwards
            if edge_of.get(i) != "top" or not furniture(i):
                break
            drop.add(i)
        for i in reversed(range(len(page.lines))):  # from the bottom inwards
            if i in drop or edge_of.get(i) != "bottom" or not furniture(i):
                break
            drop.add(i)
        result.append(drop)
    return result


# --------------------------------------------------------------------------- assembling


def assemble(pages: list[PageText], furniture: list[set[int]]) -> tuple[str, tuple[Box | None, ...], tuple[int, ...]]:
    """The stored text (pages joined by "\\n", lines by "\\n"), a box per character and the
    offset where each page begins."""
    parts: list[str] = []
    boxes: list[Box | None] = []
    starts: list[int] = []
    offset = 0
    for n, (page, drop) in enumerate(zip(pages, furniture)):
        if n:
            parts.append("\n")
            boxes.append(None)
            offset += 1
        starts.append(offset)
        first = True
        for i, line in enumerate(page.lines):
            if i in drop:
                continue
            if not first:
                parts.append("\n")
                boxes.append(None)
                offset += 1
            parts.append(line.text)
            boxes.extend(line.boxes)
            offset += len(line.text)
            first = False
    return "".join(parts), tuple(boxes), tuple(starts)


def scanned_message(source: str, pages: list[int]) -> str:
    if len(pages) == 1:
        return f"{source}: page {pages[0]} has no text layer ({OCR_HINT})"
    return f"{source}: pages {', '.join(map(str, pages))} have no text layer ({OCR_HINT})"


# --------------------------------------------------------------------------- the loader


def count_paths(page: pdfium.PdfPage, limit: int) -> int:
    """Drawn paths (rules, cell borders) on a page, counted up to ``limit``."""
    n = 0
    if limit <= 0:
        return 0
    for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=4):
        n += 1
        if n >= limit:
            break
    return n


_CELL_NUMBER = re.compile(
    r"(?:(?<=\s)|^)[-+]?\d[\d,]*(?:\.\d+)?%?(?=\s|$)"
    r"(?!\s*(?:万|元|亿|年|个|%|％|分|人|辆|台|套|项|次|月|日|号|倍|家|所|名|户|平方|公里|天))"
)
_TABLE_TITLE = re.compile(r"(?:表|表[（(]续[)）]|续表)$")


def likely_table_page(page: PageText, settings: PdfSettings = DEFAULT_SETTINGS) -> bool:
    """Could the page hold a standard table? Drawn rules, rows of blank-separated figures
    or a short line ending in 表 (a title, also of an empty table). Pages read by OCR and
    scanned pages go to the table finder too."""
    if settings.table_pages == "all" or page.scanned or page.rules >= settings.table_min_rules:
        return True
    rows = 0
    for line in page.lines:
        text = line.text.strip()
        if len(text) <= 40 and _TABLE_TITLE.search(text):
            return True
        if len(_CELL_NUMBER.findall(text)) >= 2:
            rows += 1
            if rows >= settings.table_min_rows:
                return True
    return False


def _pdfium_chars(page: pdfium.PdfPage, to_display) -> tuple[list[Char], int, int]:
    textpage = page.get_textpage()
    try:
        return page_chars(textpage, to_display)
    finally:
        textpage.close()


def read_page(
    doc: pdfium.PdfDocument,
    index: int,
    use_ocr: bool,
    settings: PdfSettings = DEFAULT_SETTINGS,
    plumber_page=None,
    count_rules: bool = False,
) -> PageText:
    """One page's lines: from PDFium, from pdfminer (``plumber_page``) when PDFium cannot
    read its fonts, or by OCR when the page is scanned and OCR is on."""
    rules = 0
    with _PDFIUM_LOCK:
        page = doc[index]
        try:
            if count_rules and settings.table_pages == "likely":
                rules = count_paths(page, settings.table_min_rules)
            to_display, width, height = display_transform(page)
            if plumber_page is None:
                chars, readable, garbage = _pdfium_chars(page, to_display)
        except pdfium.PdfiumError:
            page.close()
            raise
    try:
        if plumber_page is not None:
            chars, readable, garbage = plumber_chars(plumber_page)
            if garbage > readable:  # pdfminer misreads the fonts (e.g. encrypted CMaps): try PDFium
                with _PDFIUM_LOCK:
                    other = _pdfium_chars(page, to_display)
                if other[1] > readable:
                    chars, readable, garbage = other
        with _PDFIUM_LOCK:
            scanned = is_scanned(readable, garbage, page, settings)
        result = PageText(index + 1, float(width), float(height), scanned=scanned, rules=rules)
        if scanned and use_ocr:
            result.lines, result.ocr_scores = ocr_lines(page, result.width, result.height, settings)
            result.ocr = True
        else:
            result.lines = group_lines(chars, settings)
    finally:
        _close(page)
    return result


def _plumber_open(data: bytes, n_pages: int):
    """pdfplumber's view of the document (for ``on_page`` and for pages PDFium cannot
    read): its first ``n_pages`` pages (the pages PDFium counts), made one by one from
    pdfminer's walk of the page tree, which stops there (a tree fanning out to a million
    pages is not walked to its end); they parse their content stream only when asked to."""
    import pdfplumber
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    pdf = pdfplumber.open(io.BytesIO(data))
    pages: list = []
    pdf._pages = pages  # pdf.pages (and pdf.close) use these, never walking the tree again
    try:
        doctop = 0.0
        for obj in PDFPage.create_pages(pdf.doc):
            if len(pages) >= n_pages:
                break
            page = Page(pdf, obj, page_number=len(pages) + 1, initial_doctop=doctop)
            pages.append(page)
            doctop += page.height
    except Exception:
        pdf.close()
        raise
    return pdf, pages


def _call_on_page(on_page: OnPage, plumber_page, number: int, source: str) -> list:
    try:
        found = on_page(plumber_page, number)
    except DocumentError:
        raise
    except Exception as exc:
        from pdfminer.psparser import PSException
        from pdfplumber.utils.exceptions import PdfminerException

        if isinstance(exc, (PdfminerException, PSException)):
            raise DocumentError(
                Reason.CORRUPT_PDF, f"{source}: page {number} cannot be parsed by pdfminer ({exc})"
            ) from exc
        raise DocumentError(
            Reason.EXTRACTION_ERROR,
            f"{source}: page {number}: {getattr(on_page, '__name__', 'on_page')} raised {type(exc).__name__}: {exc}",
        ) from exc
    return list(found or [])


def load_pdf(
    source: str,
    data: bytes,
    on_page: OnPage | None = None,
    ocr: bool | None = None,
    settings: PdfSettings = DEFAULT_SETTINGS,
    limits: LoadLimits = DEFAULT,
) -> LoadedDocument:
    """A PDF disclosure from its bytes.

    ``on_page(page, page_number)`` gets the pdfplumber page (1-based number) of every page
    that may hold a table (``settings.table_pages``), in order, and returns the tables
    found on it; they are collected into ``LoadedDocument.tables``. ``ocr``: True reads
    scanned pages by OCR (an error if no engine is installed), False never, None when
    RapidOCR is installed. ``limits``: a PDF over ``pdf_stream_bytes``/``pdf_inflated_bytes``
    (checked before it is opened), ``pdf_pages`` (right after) or ``text_chars`` (as its pages
    are read) fails with ``too_large``."""
    if ocr is None:
        use_ocr = ocr_available()
    elif ocr and not ocr_available():
        raise RuntimeError(f"ocr=True but no OCR engine is installed ({OCR_HINT})")
    else:
        use_ocr = bool(ocr)
    check_streams(source, data, limits)
    doc = open_pdf(source, data)
    try:
        limits.check("pdf_pages", len(doc), source, "pages")
    except DocumentError:
        _close(doc)
        raise
    pdf = None
    n_chars = 0
    pages: list[PageText] = []
    tables: list = []
    partial: tuple[Reason, str] | None = None
    fonts = FontCheck()
    try:
        n_pages = len(doc)
        plumber_pages: list = []
        try:
            pdf, plumber_pages = _plumber_open(data, n_pages)
        except Exception as exc:  # pdfminer cannot read what PDFium could: text without tables
            if on_page is not None:
                partial = (
                    Reason.CORRUPT_PDF,
                    f"{source}: the tables cannot be read (pdfminer: {type(exc).__name__}: {exc})",
                )
        for index in range(n_pages):
            plumber_page = plumber_pages[index] if index < len(plumber_pages) else None
            try:
                via_pdfminer = plumber_page is not None and fonts.page_needs_pdfminer(plumber_page)
                page = read_page(
                    doc,
                    index,
                    use_ocr,
                    settings,
                    plumber_page if via_pdfminer else None,
                    count_rules=on_page is not None and plumber_page is not None,
                )
            except pdfium.PdfiumError as exc:
                raise DocumentError(Reason.CORRUPT_PDF, f"{source}: page {index + 1} cannot be read ({exc})") from exc
            except Exception as exc:
                from pdfminer.psparser import PSException
                from pdfplumber.utils.exceptions import PdfminerException

                if isinstance(exc, (PdfminerException, PSException)):
                    raise DocumentError(
                        Reason.CORRUPT_PDF, f"{source}: page {index + 1} cannot be parsed ({exc})"
                    ) from exc
                # a bug must not stop the other documents of a run
                raise DocumentError(
                    Reason.EXTRACTION_ERROR,
                    f"{source}: page {index + 1}: reading the page raised {type(exc).__name__}: {exc}",
                ) from exc
            pages.append(page)
            n_chars += sum(len(line.text) + 1 for line in page.lines)
            limits.check("text_chars", n_chars, source, f"characters of text by page {index + 1}, at least")
            if plumber_page is not None:
                try:
                    if on_page is not None and likely_table_page(page, settings):
                        tables.extend(_call_on_page(on_page, plumber_page, index + 1, source))
                finally:
                    plumber_page.close()
    finally:
        _close(doc)
        if pdf is not None:
            pdf.close()
    text, boxes, starts = assemble(pages, find_furniture(pages, settings))
    scanned = [p.number for p in pages if p.scanned and not p.ocr]
    if scanned:
        partial = (Reason.SCANNED_PAGES, scanned_message(source, scanned))
    ocr_pages = tuple(p.number for p in pages if p.ocr)
    scores = [s for p in pages for s in p.ocr_scores]
    confidence = None
    if scores:
        confidence = sum(score * n for score, n in scores) / max(1, sum(n for _, n in scores))
        confidence = min(1.0, max(0.0, confidence))
    return LoadedDocument(
        source=source,
        sha256=sha256_bytes(data),
        media_type="application/pdf",
        encoding="pdf",
        text=text,
        page_starts=starts,
        char_boxes=boxes,
        tables=tuple(tables),
        ocr_pages=ocr_pages,
        ocr_confidence=confidence,
        partial_reason=partial[0].value if partial else None,
        partial_message=partial[1] if partial else None,
    )


def load_pdf_path(path: str | Path, limits: LoadLimits = DEFAULT, **kwargs) -> LoadedDocument:
    """Read a PDF disclosure from disk (see :func:`load_pdf`)."""
    from gongkai.extractors.load.text import read_bytes

    return load_pdf(str(path), read_bytes(Path(path), limits), limits=limits, **kwargs)
