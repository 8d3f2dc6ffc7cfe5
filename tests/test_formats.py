"""One table of formats (extractors/load/formats.py) serves the loaders, `gongkai run DIR` and the harvester."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from gongkai.extractors.extract import extract_path
from gongkai.extractors.load import formats
from gongkai.pipeline.harvest.discover import type_mismatch
from gongkai.pipeline.harvest.fetch import sniff_type
from gongkai.pipeline.harvest.store import stored_suffix
from gongkai.pipeline.run.settings import discover

HTML_PAGE = Path(__file__).parent / "fixtures" / "html" / "fj_pt_gongan_2016_budget.html"


def _zip(member: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(member, "x")
    return buf.getvalue()


@pytest.mark.parametrize(
    "data, container",
    [
        (b"%PDF-1.7\n", formats.PDF),
        (b"  \n%PDF-1.4", formats.PDF),  # leading blanks
        (_zip("xl/workbook.xml"), formats.ZIP),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", formats.OLE),
        (b"<!DOCTYPE html><html>", formats.HTML),
        (b"<meta charset=gbk><head>", formats.HTML),
        ("部门预算".encode("gb18030"), formats.TEXT),
        (b"\x00\x01\x02", formats.OCTET_STREAM),
    ],
)
def test_sniffed_container(data, container):
    assert formats.sniff_container(data) == container
    assert sniff_type(data) == container  # the harvester asks the same table


@pytest.mark.parametrize(
    "data, container, url, suffix",
    [
        (b"%PDF-1.7", formats.PDF, "http://x/a.pdf", ".pdf"),
        (b"<html>", formats.HTML, "http://x/a.shtml", ".html"),
        (b"text", formats.TEXT, "http://x/a", ".txt"),
        (_zip("xl/workbook.xml"), formats.ZIP, "http://x/a.xls", ".xlsx"),  # the members decide
        (_zip("word/document.xml"), formats.ZIP, "http://x/a.doc", ".docx"),
        (_zip("other.txt"), formats.ZIP, "http://x/a.zip", ".zip"),
        (b"\xd0\xcf\x11\xe0", formats.OLE, "http://x/a.DOC", ".doc"),  # OLE2: the URL's suffix chooses
        (b"\xd0\xcf\x11\xe0", formats.OLE, "http://x/download?id=1", ".xls"),
    ],
)
def test_stored_suffix(data, container, url, suffix):
    assert stored_suffix(data, container, url) == suffix


@pytest.mark.parametrize(
    "url, container, mismatch",
    [
        ("http://x/a.pdf", formats.HTML, True),  # an error page served for a PDF link
        ("http://x/a.pdf", formats.PDF, False),
        ("http://x/a.xls", formats.ZIP, False),  # .xlsx bytes under an .xls name
        ("http://x/a.docx", formats.OLE, True),
        ("http://x/a.html", formats.TEXT, False),  # pages promise nothing
    ],
)
def test_link_suffix_promises(url, container, mismatch):
    assert type_mismatch(url, container) is mismatch


def test_every_loadable_suffix_is_picked_up_by_a_run(tmp_path):
    """A .shtml page is loadable, so `gongkai run DIR` must not skip it."""
    shutil.copy(HTML_PAGE, tmp_path / "page.shtml")
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    found = discover([tmp_path])
    assert [p.name for p in found] == ["page.shtml"]
    ex = extract_path(found[0])
    assert ex.status == "ok" and ex.media_type == "text/html"


def test_every_suffix_belongs_to_one_format():
    suffixes = [s for f in formats.FORMATS for s in f.suffixes]
    assert len(suffixes) == len(set(suffixes))
    assert all(s == s.lower() and s.startswith(".") for s in suffixes)
    assert formats.by_suffix(".SHTML").name == "html"
    assert formats.by_suffix(".json") is None
