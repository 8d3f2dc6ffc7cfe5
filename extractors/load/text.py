"""Loading plain-text disclosures: bytes → decoded text, stored unchanged.

Encodings seen in the wild: UTF-8 with or without BOM, GB18030/GBK/GB2312
(most older government sites), UTF-16 with or without BOM (Windows
"Unicode" exports). The decoded text is never edited afterwards: every
character offset in the outputs indexes it.
"""

from __future__ import annotations

import codecs
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from gongkai.extractors.load.limits import DEFAULT, LoadLimits
from gongkai.schemas.reasons import DocumentError, Reason

# BOMs, longest first (UTF-32 LE starts with the UTF-16 LE BOM).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Tried strictly, in order, when there is no BOM.
_STRICT_CANDIDATES = ("utf-8", "gb18030")
# Control characters allowed in text (tab, newlines, form feed).
_TEXT_CONTROLS = set("\t\n\r\x0c")
_MAX_CONTROL_SHARE = 0.01


@dataclass(frozen=True)
class LoadedDocument:
    """A document read from disk: its stored text and where it came from."""

    source: str  # the path as given
    sha256: str  # of the bytes
    media_type: str  # "text/plain", later "application/pdf", "text/html"...
    encoding: str  # the codec that decoded the bytes
    text: str  # the stored text: every offset indexes it
    page_starts: tuple[int, ...] = (0,)  # offset where each page begins (text: one page)
    # PDFs: for every character of ``text``, its box (x0, top, x1, bottom) in PDF points on
    # its page, or None for characters the loader inserted (newlines, joining blanks).
    char_boxes: tuple[tuple[float, float, float, float] | None, ...] | None = None
    tables: tuple = ()  # extractors.tables.model.Table found while reading the pages
    ocr_pages: tuple[int, ...] = ()  # 1-based pages read by OCR
    ocr_confidence: float | None = None  # mean OCR confidence over those pages (0..1)
    partial_reason: str | None = None  # a Reason value when something could not be read
    partial_message: str | None = None
    attachments: tuple[tuple[str, str], ...] = ()  # web pages: (href, link text) of attached files

    def page_at(self, offset: int) -> int:
        """1-based page number of a character offset."""
        from bisect import bisect_right

        return max(1, bisect_right(self.page_starts, offset))


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM: the ASCII characters (digits, blanks, newlines) put NUL
    bytes in one byte lane only; UTF-8 and GB18030 text has no NUL at all."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    if even_nuls + odd_nuls < 2:
        return None
    for codec, lane, other in (("utf-16-le", odd_nuls, even_nuls), ("utf-16-be", even_nuls, odd_nuls)):
        if lane and other * 3 <= lane:  # CJK code points like U+4E00 put a few NULs in the other lane
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def decode_bytes(data: bytes, source: str = "<bytes>") -> tuple[str, str]:
    """Decode document bytes; returns (text, encoding) or raises DocumentError."""
    if not data.strip():
        raise DocumentError(Reason.EMPTY_FILE, f"{source}: the file is empty")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(codec), codec, source)
            except UnicodeDecodeError as exc:
                raise DocumentError(
                    Reason.UNDECODABLE, f"{source}: starts with a {codec} BOM but {exc.reason} at byte {exc.start}"
                ) from exc
    text = _utf16_without_bom(data)
    if text is not None:
        return _checked(text, "utf-16", source)
    if b"\x00" in data:
        raise DocumentError(Reason.BINARY_CONTENT, f"{source}: contains NUL bytes, not a text document")
    for codec in _STRICT_CANDIDATES:
        try:
            return _checked(data.decode(codec), codec, source)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DocumentError(Reason.UNDECODABLE, f"{source}: no supported encoding (UTF-8, GB18030, UTF-16) decodes it")
    return _checked(str(best), best.encoding, source)


def _checked(text: str, codec: str, source: str) -> tuple[str, str]:
    if not text.strip():
        raise DocumentError(Reason.EMPTY_FILE, f"{source}: decodes ({codec}) to blank text")
    controls = sum(1 for ch in text if (ch < " " or "\x7f" <= ch <= "\x9f") and ch not in _TEXT_CONTROLS)
    if controls > max(2, len(text) * _MAX_CONTROL_SHARE):
        raise DocumentError(
            Reason.BINARY_CONTENT,
            f"{source}: {controls} control characters after decoding as {codec}; not a text document",
        )
    if text.count("\ufffd") > max(2, len(text) * _MAX_CONTROL_SHARE):
        raise DocumentError(Reason.UNDECODABLE, f"{source}: decoding as {codec} leaves replacement characters")
    return text, codec


def read_bytes(path: Path, limits: LoadLimits = DEFAULT, source: str | None = None) -> bytes:
    """The bytes of a file, refused (``file_bytes``) from its size before they are read;
    ``source`` names it in messages (default: the path)."""
    try:
        with path.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            limits.check("file_bytes", size, source or str(path), "file size")
            data = f.read(limits.file_bytes + 1)  # a file growing while it is read stops here
    except FileNotFoundError as exc:
        raise DocumentError(Reason.FILE_MISSING, f"{path}: the file no longer exists") from exc
    except (IsADirectoryError, PermissionError, OSError) as exc:
        raise DocumentError(Reason.UNREADABLE, f"{path}: {exc.strerror or exc}") from exc
    limits.check("file_bytes", len(data), source or str(path), "file size")
    return data


def check_text_chars(source: str, text: str, limits: LoadLimits = DEFAULT, what: str = "characters of text") -> None:
    """Refuse a stored (or decoded) text over ``text_chars``."""
    limits.check("text_chars", len(text), source, what)


def decode_limited(data: bytes, source: str, limits: LoadLimits = DEFAULT) -> tuple[str, str]:
    """:func:`decode_bytes` within ``text_chars``: bytes that cannot decode to fewer
    characters (4 bytes at most make one) are refused before they are decoded."""
    limits.check("text_chars", len(data) // 4, source, f"characters of text (of {len(data)} bytes) at least")
    text, encoding = decode_bytes(data, source)
    check_text_chars(source, text, limits, f"characters of text decoded as {encoding}")
    return text, encoding


def text_document(source: str, data: bytes, limits: LoadLimits = DEFAULT) -> LoadedDocument:
    """A plain-text disclosure from its bytes."""
    text, encoding = decode_limited(data, source, limits)
    return LoadedDocument(source, sha256_bytes(data), "text/plain", encoding, text)


def load_text(path: str | Path, limits: LoadLimits = DEFAULT) -> LoadedDocument:
    """Read a plain-text disclosure from disk."""
    return text_document(str(path), read_bytes(Path(path), limits), limits)
