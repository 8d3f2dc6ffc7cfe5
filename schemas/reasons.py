"""Reason codes: the closed vocabulary of why a document is not (fully) ok.

Every failed or partial document names one of these in ``documents.error_reason``;
the free-text ``error_message`` adds the file and the detail for a human.
"""

from __future__ import annotations

from enum import Enum


class Reason(str, Enum):
    EMPTY_FILE = "empty_file"  # zero bytes, or only blanks
    BINARY_CONTENT = "binary_content"  # bytes that are not text (NULs, control characters)
    UNDECODABLE = "undecodable"  # no supported encoding decodes the bytes
    FILE_MISSING = "file_missing"  # listed for the run but gone when read
    UNREADABLE = "unreadable"  # the OS refused to read it (permissions, a directory…)
    UNSUPPORTED_FORMAT = "unsupported_format"  # a format this version cannot read
    CORRUPT_PDF = "corrupt_pdf"  # a PDF that cannot be parsed (truncated, damaged, not a PDF)
    CORRUPT_FILE = "corrupt_file"  # another format (xlsx, xls…) that cannot be parsed
    ENCRYPTED = "encrypted"  # a password-protected PDF
    SCANNED_PAGES = "scanned_pages"  # pages without a text layer and no OCR installed (partial)
    NO_FIGURES = "no_figures"  # decoded, but no figure of a disclosure found (partial)
    EXTRACTION_ERROR = "extraction_error"  # a bug: the extractor raised; the message has the traceback tail
    INVALID_EXTRACTION = "invalid_extraction"  # its rows broke the tables' types or checks: withheld, the rest written
    TOO_LARGE = "too_large"  # over a limit of LoadLimits (extractors/load/limits.py): the message names the limit
    TIMEOUT = "timeout"  # its extraction ran past the time limit per document and was stopped
    WORKER_CRASHED = "worker_crashed"  # the process extracting it died (out of memory, a crash in a library)

    def __str__(self) -> str:  # so f-strings print the code
        return self.value


class DocumentError(Exception):
    """A document-level failure with a reason code and a human message."""

    def __init__(self, reason: Reason, message: str):
        super().__init__(f"{reason.value}: {message}")
        self.reason = reason
        self.message = message
