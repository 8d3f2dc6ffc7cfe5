"""The document formats gongkai knows: suffixes, first bytes and media types, in one place.

The loaders (``dispatch.load_document``), ``gongkai run``'s search of a directory
(``pipeline/run/settings.discover``) and the harvester (what a fetched file's bytes are,
which suffix it is stored under, whether a link's suffix matches what the server sent)
all read this table, so a format is added or changed here once.

A *container* is what the first bytes alone can tell (``sniff_container``): PDF, a zip
file, an OLE2 compound file, HTML or plain text. Formats that share a container are told
apart by the zip members (xl/ → .xlsx, word/ → .docx) or, for OLE2, by the suffix.
"""

from __future__ import annotations

from dataclasses import dataclass

PDF, ZIP, OLE, HTML, TEXT = "application/pdf", "application/zip", "application/x-ole-storage", "text/html", "text/plain"
OCTET_STREAM = "application/octet-stream"

# First bytes of each binary container (after leading blanks).
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"PK\x03\x04", ZIP),
    (b"\xd0\xcf\x11\xe0", OLE),
)
MAGIC_OF = {container: magic for magic, container in MAGIC}
HTML_STARTS = (b"<!doctype html", b"<html")


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str  # documents.media_type of a document read in this format
    suffixes: tuple[str, ...]  # the first one is the suffix a harvested file is stored under
    container: str  # what sniff_container says of its bytes
    accepts: tuple[str, ...] = ()  # containers a link with this suffix may really hold (() = no check)
    zip_member: str | None = None  # a zip file is this format when a member's path starts with this
    readable: bool = True  # False: recognised, but this version cannot read it


FORMATS: tuple[Format, ...] = (
    Format("pdf", PDF, (".pdf",), PDF, accepts=(PDF,)),
    Format(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
        ZIP,
        accepts=(ZIP,),
        zip_member="xl/",
    ),
    # servers send .xlsx bytes under an .xls name too
    Format("xls", "application/vnd.ms-excel", (".xls",), OLE, accepts=(OLE, ZIP)),
    Format(
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
        ZIP,
        accepts=(ZIP,),
        zip_member="word/",
    ),
    Format("doc", "application/msword", (".doc",), OLE, accepts=(OLE, ZIP), readable=False),
    Format("html", HTML, (".html", ".htm", ".shtml"), HTML),
    Format("text", TEXT, (".txt", ".text", ".md"), TEXT),
)
_BY_NAME = {f.name: f for f in FORMATS}
_BY_SUFFIX = {s: f for f in FORMATS for s in f.suffixes}

# What `gongkai run DIR` picks up: every suffix of a known format (unreadable ones too, so
# they get a failed row with their reason instead of being skipped silently).
DOCUMENT_SUFFIXES: tuple[str, ...] = tuple(s for f in FORMATS for s in f.suffixes)


def format_named(name: str) -> Format:
    return _BY_NAME[name]


def by_suffix(suffix: str) -> Format | None:
    """The format a file suffix (``.PDF``, ``.shtml`` …) names; None for an unknown one."""
    return _BY_SUFFIX.get(suffix.lower())


def is_suffix_of(suffix: str, *names: str) -> bool:
    fmt = by_suffix(suffix)
    return fmt is not None and fmt.name in names


def starts_like_html(data: bytes) -> bool:
    return data.lstrip()[:15].lower().startswith(HTML_STARTS)


def sniff_container(data: bytes) -> str:
    """What the first bytes say: PDF, zip, OLE2, HTML, plain text or octet-stream."""
    head = data[:512].lstrip()
    for magic, container in MAGIC:
        if head.startswith(magic):
            return container
    lowered = head[:256].lower()
    if lowered.startswith(HTML_STARTS) or b"<html" in lowered or b"<head" in lowered:
        return HTML
    return TEXT if b"\x00" not in head else OCTET_STREAM


def zip_format(members: list[str]) -> Format | None:
    """The format of a zip file from its member paths (xl/… → xlsx, word/… → docx)."""
    for f in FORMATS:
        if f.zip_member and any(m.startswith(f.zip_member) for m in members):
            return f
    return None


def accepted_containers(suffix: str) -> tuple[str, ...]:
    """Containers a link ending in ``suffix`` may hold; () when the suffix promises nothing."""
    fmt = by_suffix(suffix)
    return fmt.accepts if fmt else ()
