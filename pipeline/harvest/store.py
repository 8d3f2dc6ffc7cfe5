"""The raw store: every fetched document once, under a path made from its sha256.

``raw/store/ab/abcdef….pdf`` — the directory and name come from the content's hash and
the suffix from a closed vocabulary of sniffed types, never from the URL, so a hostile
URL cannot choose where a file lands. Files are written to a temporary name in the same
directory, flushed to disk and renamed into place: a killed harvest leaves either the
whole file or none (a stray ``.tmp-*`` file at most, removed by :meth:`RawStore.sweep`).
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from gongkai.extractors.load import formats

# A stored file's suffix comes from its sniffed container (extractors/load/formats.py); the
# URL's suffix only chooses between formats that share a container (zip members decide for
# zip; for OLE2 the URL's suffix when it names an OLE2 format, else .xls).
_OLE_SUFFIXES = {s for f in formats.FORMATS if f.container == formats.OLE for s in f.suffixes}


def url_suffix(url: str) -> str:
    return PurePosixPath(unquote(urlsplit(url).path)).suffix.lower()


def stored_suffix(data: bytes, media_type: str, url: str) -> str:
    if media_type in (formats.PDF, formats.HTML, formats.TEXT):
        return next(f.suffixes[0] for f in formats.FORMATS if f.container == media_type)
    if media_type == formats.ZIP:
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return ".bin"
        fmt = formats.zip_format(names)
        return fmt.suffixes[0] if fmt else ".zip"
    if media_type == formats.OLE:
        suffix = url_suffix(url)
        return suffix if suffix in _OLE_SUFFIXES else ".xls"
    return ".bin"


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int
    path: Path  # relative to the store's root
    new: bool  # False when the same bytes were already stored


class RawStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.dir = self.root / "store"

    def path_for(self, sha256: str, suffix: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256: {sha256!r}")
        return Path("store") / sha256[:2] / f"{sha256}{suffix}"

    def put(self, data: bytes, media_type: str, url: str) -> Stored:
        """Store ``data`` once (atomically); the same bytes again are not written again."""
        sha = hashlib.sha256(data).hexdigest()
        relative = self.path_for(sha, stored_suffix(data, media_type, url))
        target = self.root / relative
        if target.exists() and target.stat().st_size == len(data):
            return Stored(sha, len(data), relative, new=False)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f".tmp-{uuid.uuid4().hex}"
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return Stored(sha, len(data), relative, new=True)

    def read(self, relative: str | Path) -> bytes:
        return (self.root / relative).read_bytes()

    def sweep(self) -> int:
        """Remove temporary files a killed harvest left behind; returns how many."""
        removed = 0
        if self.dir.exists():
            for tmp in self.dir.glob("*/.tmp-*"):
                tmp.unlink(missing_ok=True)
                removed += 1
        return removed
