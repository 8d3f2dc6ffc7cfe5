"""Per-document input limits (extractors/load/limits.py): hostile files fail as one failed
document with reason ``too_large`` whose message names the limit, quickly and without
eating memory. Every hostile file is made inside the test (bombs from a compressed MiB
repeated, so making them is instant too); none is committed."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import docx
import pytest

from gongkai.extractors.extract import extract_path
from gongkai.extractors.load.limits import DEFAULT, LoadLimits
from gongkai.schemas.reasons import Reason

ROOT = Path(__file__).parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
MiB = 1 << 20
QUICK = 10.0  # seconds: generous for a slow CI machine; they take well under one here


def refused(path: Path, setting: str, limits: LoadLimits = DEFAULT, seconds: float = QUICK):
    """Extract ``path``: a failed document, reason too_large, its message naming ``setting``."""
    start = time.perf_counter()
    ex = extract_path(path, limits=limits)
    took = time.perf_counter() - start
    assert (ex.status, ex.error_reason) == ("failed", Reason.TOO_LARGE.value), (ex.status, ex.error_message)
    value = getattr(limits, setting)
    assert f"over the limit {setting}={value}" in ex.error_message, ex.error_message
    assert ex.error_message.startswith(f"{path}: "), ex.error_message
    assert took < seconds, (took, ex.error_message)
    return ex


# --------------------------------------------------------------------------- makers


def deflated_run(n_mib: int, byte: bytes = b"\0") -> tuple[bytes, int, int]:
    """A raw deflate stream of ``n_mib`` MiB of ``byte``: one compressed MiB repeated (a full
    flush resets the compressor, so every MiB compresses to the same bytes). Returns (data,
    crc32, adler32) of the inflated bytes."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = byte * MiB
    segment = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    assert c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH) == segment
    crc, adler = 0, 1
    for _ in range(n_mib):
        crc, adler = zlib.crc32(chunk, crc), zlib.adler32(chunk, adler)
    return segment * n_mib + c.flush(), crc, adler


def zip_file(members: dict[str, bytes], raw: dict[str, tuple[bytes, int, int]] | None = None) -> bytes:
    """A zip file written by hand: ``members`` deflated here, ``raw`` entries given as
    (raw deflate data, crc32, size) so a bomb is never inflated to be written."""
    entries = []
    for name, data in members.items():
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        entries.append((name, c.compress(data) + c.flush(), zlib.crc32(data), len(data)))
    entries += [(name, *spec) for name, spec in (raw or {}).items()]
    out, central = bytearray(), bytearray()
    for name, data, crc, size in entries:
        offset, encoded = len(out), name.encode()
        out += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0)
        out += encoded + data
        central += struct.pack(
            "<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0, 0, 0, 0, 0, offset
        )
        central += encoded
    n = len(entries)
    return bytes(out + central + struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, n, n, len(central), len(out), 0))


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"


def xlsx_members(sheet_data: str, after: str = "") -> dict[str, bytes]:
    """The parts of a minimal workbook, its one sheet's <sheetData> written by hand."""
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return {
        "[Content_Types].xml": (
            f'<Types xmlns="{_PKG}/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/></Types>'
        ).encode(),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
            f'<sheet name="收支总表" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
            f'Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ).encode(),
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{_NS}"><sheetData>{sheet_data}</sheetData>{after}</worksheet>'.encode(),
    }


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


TITLE_ROW = '<row r="1">' + cell("A1", "2024年部门收支总表") + cell("B1", "支出预算100万元") + "</row>"


def docx_bytes() -> bytes:
    d = docx.Document()
    d.add_paragraph("某局2024年部门预算")
    d.add_paragraph("支出预算1094.8万元。")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(1, 1).text = "合计", "1094.80"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def patched_docx(old: bytes, new: bytes, doctype: bytes = b"") -> bytes:
    """The docx of :func:`docx_bytes` with word/document.xml edited."""
    zin = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    members = {}
    for info in zin.infolist():
        data = zin.read(info.filename)
        if info.filename == "word/document.xml":
            assert old in data
            data = data.replace(old, new)
            if doctype:
                data = data.replace(b"?>", b"?>" + doctype, 1)
        members[info.filename] = data
    return zip_file(members)


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF written by hand: object i + 1 is ``objects[i]``, the catalog is object 1."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


CONTENT = b"BT /F1 12 Tf 72 720 Td (Budget 2024) Tj ET\n"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def one_page_pdf(pages: bytes = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", contents: bytes | None = None) -> bytes:
    contents = contents if contents is not None else stream(b"", CONTENT)
    return pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>", pages, PAGE, contents, FONT])


def flate_bomb_pdf(n_mib: int) -> bytes:
    """One page whose content stream is its text followed by ``n_mib`` MiB of blanks, deflated."""
    c = zlib.compressobj(9)
    head = c.compress(CONTENT) + c.flush(zlib.Z_FULL_FLUSH)  # the blocks after it stand alone
    raw, _, _ = deflated_run(n_mib, b" ")
    adler = zlib.adler32(CONTENT)
    for _ in range(n_mib):
        adler = zlib.adler32(b" " * MiB, adler)
    return one_page_pdf(contents=stream(b"/Filter /FlateDecode", head + raw + struct.pack(">I", adler)))


# --------------------------------------------------------------------------- the settings


def test_defaults_and_bad_settings():
    assert LoadLimits() == DEFAULT and DEFAULT.pdf_pages == 3000 and DEFAULT.text_chars == 10_000_000
    assert LoadLimits(pdf_pages=5).pdf_pages == 5
    for bad in ({"pdf_pages": 0}, {"sheet_cells": -1}, {"html_span": 1.5}, {"text_chars": "10"}, {"file_bytes": True}):
        (name,) = bad
        with pytest.raises(ValueError, match=rf"LoadLimits\.{name} must be"):
            LoadLimits(**bad)
    with pytest.raises(TypeError):
        LoadLimits(pages=3)  # type: ignore[call-arg]  # a misspelt setting


def test_the_default_is_used_and_normal_documents_load(tmp_path):
    from tests.sheet_fixtures import xlsx_bytes

    (tmp_path / "budget.xlsx").write_bytes(xlsx_bytes())
    (tmp_path / "budget.docx").write_bytes(docx_bytes())
    paths = [
        ROOT / "raw" / "huaihua-zwfwzx-2024-budget.txt",
        FIXTURES / "pdf_gold" / "js_gy_2017_budget.pdf",
        FIXTURES / "tables" / "sh_pt_shgzb_2024_final.pdf",
        FIXTURES / "html_gold" / "fj_pt_renda_2017_budget.html",
        FIXTURES / "html" / "fj_pt_zhengan_2020_budget.html",
        tmp_path / "budget.xlsx",
        tmp_path / "budget.docx",
    ]
    for path in paths:
        ex = extract_path(path)
        assert ex.status == "ok", (path.name, ex.error_reason, ex.error_message)
        assert ex.facts or ex.line_items, path.name


# --------------------------------------------------------------------------- any file, text


def test_file_bytes_from_the_size(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes("某局2024年部门预算，支出预算100万元。\n".encode() * 100)
    ex = refused(path, "file_bytes", LoadLimits(file_bytes=1000))
    assert f"file size {path.stat().st_size} over" in ex.error_message
    assert extract_path(path).status == "ok"


def test_text_chars(tmp_path):
    path = tmp_path / "long.txt"
    path.write_bytes("某局2024年部门预算，支出预算100万元。\n".encode() * 100)  # 2300 characters, 5300 bytes
    refused(path, "text_chars", LoadLimits(text_chars=2000))
    ex = refused(path, "text_chars", LoadLimits(text_chars=1000))  # refused from its bytes alone
    assert "(of 5300 bytes) at least 1325 over" in ex.error_message
    utf16 = tmp_path / "long-utf16.txt"
    utf16.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    refused(utf16, "text_chars", LoadLimits(text_chars=2000))
    assert extract_path(path, limits=LoadLimits(text_chars=3000)).status == "ok"


# --------------------------------------------------------------------------- spreadsheets


def test_a_cell_at_the_far_corner(tmp_path):
    """A 1 KB workbook naming cell XFD1048576: openpyxl would walk 17 billion cells."""
    members = xlsx_members(TITLE_ROW + '<row r="1048576">' + cell("XFD1048576", "x") + "</row>")
    path = tmp_path / "corner.xlsx"
    path.write_bytes(zip_file(members))
    assert path.stat().st_size < 2048
    ex = refused(path, "sheet_cells")
    assert "(1048576 rows × 16384 columns) 17179869184 over" in ex.error_message
    near = tmp_path / "near.xlsx"  # the same workbook, its last cell near: it loads
    near.write_bytes(zip_file(xlsx_members(TITLE_ROW + '<row r="30">' + cell("H30", "x") + "</row>")))
    assert extract_path(near).status != "failed"


def test_a_merged_range_over_the_whole_sheet(tmp_path):
    """openpyxl makes a cell object for every cell of a merged range."""
    members = xlsx_members(TITLE_ROW, '<mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells>')
    path = tmp_path / "merged.xlsx"
    path.write_bytes(zip_file(members))
    refused(path, "sheet_cells")
    many = "".join('<mergeCell ref="C2:Z99"/>' for _ in range(2000))  # 2000 × 2352 cells, overlapping
    path.write_bytes(zip_file(xlsx_members(TITLE_ROW, f'<mergeCells count="2000">{many}</mergeCells>')))
    ex = refused(path, "sheet_cells")
    assert "merged ranges" in ex.error_message


def test_cells_without_coordinates_count_as_openpyxl_places_them(tmp_path):
    row = "<row>" + "<c><v>1</v></c>" * 50 + "</row>"
    path = tmp_path / "rows.xlsx"
    path.write_bytes(zip_file(xlsx_members(TITLE_ROW + row * 30)))
    ex = refused(path, "sheet_cells", LoadLimits(sheet_cells=1000))
    assert "(31 rows × 50 columns) 1550 over" in ex.error_message
    assert extract_path(path, limits=LoadLimits(sheet_cells=1550)).status != "failed"


def test_an_xlsx_zip_bomb(tmp_path):
    """300 MiB of zeros in one entry, 300 KB on disk: refused from the zip directory."""
    members = xlsx_members(TITLE_ROW)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(zip_file(members, {"xl/media/image1.png": deflated_run(300)[:2] + (300 * MiB,)}))
    assert path.stat().st_size < 400_000
    ex = refused(path, "zip_ratio")
    assert "xl/media/image1.png" in ex.error_message
    refused(path, "unzipped_bytes", LoadLimits(unzipped_bytes=100 * MiB, zip_ratio=10_000))


def test_unzipped_bytes_and_xml_bytes_with_lowered_limits(tmp_path):
    from tests.sheet_fixtures import xlsx_bytes

    path = tmp_path / "budget.xlsx"
    path.write_bytes(xlsx_bytes())
    refused(path, "unzipped_bytes", LoadLimits(unzipped_bytes=10_000))
    refused(path, "xml_bytes", LoadLimits(xml_bytes=2_000))  # styles, workbook… (worksheets are streamed)
    refused(path, "zip_entries", LoadLimits(zip_entries=5))
    word = tmp_path / "budget.docx"
    word.write_bytes(docx_bytes())
    refused(word, "unzipped_bytes", LoadLimits(unzipped_bytes=10_000))
    refused(word, "xml_bytes", LoadLimits(xml_bytes=10_000))


# --------------------------------------------------------------------------- Word


def test_a_docx_zip_bomb(tmp_path):
    zin = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    members = {name: zin.read(name) for name in zin.namelist()}
    path = tmp_path / "bomb.docx"
    path.write_bytes(zip_file(members, {"word/document2.xml": deflated_run(300, b"<")[:2] + (300 * MiB,)}))
    refused(path, "zip_ratio")


def test_a_word_table_spanning_a_hundred_million_columns(tmp_path):
    path = tmp_path / "span.docx"
    path.write_bytes(patched_docx(b"<w:tc><w:tcPr>", b'<w:tc><w:tcPr><w:gridSpan w:val="100000000"/>'))
    ex = refused(path, "docx_cells")
    assert "cells of a Word table" in ex.error_message


def test_word_text_after_entity_and_character_references(tmp_path):
    """``&amp;`` and ``&#x4E2D;`` are text; an entity declared in a DTD is kept as written
    (never expanded) and the text after it is not dropped."""
    sentence = "支出预算1094.8万元。".encode()
    path = tmp_path / "references.docx"
    path.write_bytes(patched_docx(sentence, "支出&amp;预算&#x4E2D;&#20013;1094.8万元。".encode()))
    ex = extract_path(path)
    assert ex.status != "failed", ex.error_message
    assert "支出&预算中中1094.8万元。" in ex.text
    path = tmp_path / "declared.docx"
    doctype = b'<!DOCTYPE w:document [<!ENTITY ent "x">]>'
    path.write_bytes(patched_docx(sentence, "支出&ent;预算&#x4E2D;1094.8万元。".encode(), doctype))
    ex = extract_path(path)
    assert ex.status != "failed", ex.error_message
    assert "支出&ent;预算中1094.8万元。" in ex.text


def test_a_vertical_merge_deeper_than_the_recursion_limit(tmp_path):
    """python-docx finds a merged cell's text by recursing up the merge, one row a level."""
    d = docx.Document()
    d.add_paragraph("某局2024年部门预算，支出预算100万元。")
    table = d.add_table(rows=1500, cols=2)
    for i, tr in enumerate(table._tbl.tr_lst):
        tr.tc_lst[0].get_or_add_tcPr().vMerge_val = "restart" if i == 0 else "continue"
    table.cell(0, 0).paragraphs[0].add_run("合计")
    path = tmp_path / "merged.docx"
    d.save(path)
    ex = extract_path(path)
    assert ex.status != "failed", ex.error_message
    assert ex.text.count("合计") == 1500


# --------------------------------------------------------------------------- web pages


def page(table: str) -> bytes:
    return (
        "<html><head><meta charset='utf-8'><title>预算</title></head><body><div>"
        "<p>某局2024年部门预算，支出预算100万元。</p>" + table + "</div></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("table", "what"),
    [
        ('<table><tr><td rowspan="100000000">a</td><td>1</td></tr><tr><td>2</td></tr></table>', "rowspan"),
        ('<table><tr><td colspan="99999">a</td></tr></table>', "colspan"),
        ('<table><tr><td colspan="99999999999999999999999999999">a</td></tr></table>', "colspan"),
    ],
)
def test_html_spans(tmp_path, table, what):
    path = tmp_path / "span.html"
    path.write_bytes(page(table))
    assert len(path.read_bytes()) < 400
    ex = refused(path, "html_span")
    assert what in ex.error_message


def test_html_cells(tmp_path):
    """Spans a browser honours (colspan up to 1000) spread a few hundred bytes over a
    million cells."""
    rows = '<tr><td colspan="1000">a</td></tr>' * 1001
    path = tmp_path / "wide.html"
    path.write_bytes(page(f"<table>{rows}</table>"))
    refused(path, "html_cells")
    path.write_bytes(page('<table><tr><td colspan="5000">a</td></tr>' + "<tr><td>1</td></tr>" * 1000 + "</table>"))
    ex = refused(path, "html_cells")  # a colspan over 1000 counts 1000, as in a browser
    assert "(1001 rows × 1000 columns)" in ex.error_message
    small = page("<table>" + "<tr><td>收入</td><td>100</td></tr>" * 10 + "</table>")
    path.write_bytes(small)
    refused(path, "html_cells", LoadLimits(html_cells=19))
    assert extract_path(path, limits=LoadLimits(html_cells=20)).status != "failed"


def test_html_spans_in_other_digits_are_one(tmp_path):
    """colspan="²" (str.isdigit says yes, int() says no) and Arabic-Indic digits: 1."""
    path = tmp_path / "digits.html"
    table = '<table><tr><td colspan="²">收入</td><td rowspan="٣">100</td><td colspan=" 2">x</td></tr></table>'
    path.write_bytes(page(table))
    ex = extract_path(path)
    assert ex.status != "failed", ex.error_message
    assert "收入\t100\tx" in ex.text


def test_the_page_source_counts_towards_text_chars(tmp_path):
    path = tmp_path / "long.html"
    path.write_bytes(page("<p>" + "预算" * 3000 + "</p>"))
    ex = refused(path, "text_chars", LoadLimits(text_chars=5000))
    assert "page's source" in ex.error_message


def test_a_loader_that_raises_is_a_failed_row(tmp_path):
    """extract_path never raises, whatever a loader does (here: nesting deeper than it recurses)."""
    path = tmp_path / "deep.html"
    path.write_bytes(page("<div>" * 5000 + "支出预算100万元。" + "</div>" * 5000))
    ex = extract_path(path)
    assert ex.status in ("ok", "partial", "failed")


# --------------------------------------------------------------------------- PDFs


def test_a_page_tree_declaring_a_million_pages(tmp_path):
    path = tmp_path / "count.pdf"
    path.write_bytes(one_page_pdf(b"<< /Type /Pages /Kids [3 0 R] /Count 1000000 >>"))
    assert path.stat().st_size < 1024
    ex = refused(path, "pdf_pages")
    assert "pages 1000000 over" in ex.error_message


def test_a_page_tree_fanning_out(tmp_path):
    """One page object listed 100000 times: PDFium counts 100000 pages."""
    kids = b" ".join([b"3 0 R"] * 100_000)
    path = tmp_path / "fan.pdf"
    path.write_bytes(one_page_pdf(b"<< /Type /Pages /Kids [" + kids + b"] /Count 100000 >>"))
    refused(path, "pdf_pages")
    refused(path, "pdf_pages", LoadLimits(pdf_pages=99_999))
    # the tree claims one page: PDFium reads one, pdfminer's walk stops there too
    path.write_bytes(one_page_pdf(b"<< /Type /Pages /Kids [" + kids + b"] /Count 1 >>"))
    start = time.perf_counter()
    ex = extract_path(path)
    assert ex.status != "failed" and ex.pages == 1, ex.error_message
    assert time.perf_counter() - start < QUICK


def test_a_flate_bomb_under_a_lowered_limit(tmp_path):
    path = tmp_path / "bomb.pdf"
    path.write_bytes(flate_bomb_pdf(4))
    ex = refused(path, "pdf_stream_bytes", LoadLimits(pdf_stream_bytes=MiB))
    assert "Flate stream of object 4" in ex.error_message
    refused(path, "pdf_inflated_bytes", LoadLimits(pdf_inflated_bytes=2 * MiB))
    assert extract_path(path, limits=LoadLimits(pdf_stream_bytes=5 * MiB)).status != "failed"


def test_a_one_megabyte_pdf_inflating_to_a_gibibyte(tmp_path):
    path = tmp_path / "gib.pdf"
    path.write_bytes(flate_bomb_pdf(1024))
    assert path.stat().st_size < 1.2 * MiB
    refused(path, "pdf_stream_bytes")


def test_flate_under_ascii85_and_in_an_encrypted_pdf(tmp_path):
    """reportlab writes /ASCII85Decode /FlateDecode streams, RC4-encrypted with an owner password."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    for name, encrypt in (("plain.pdf", None), ("rc4.pdf", pdfencrypt.StandardEncryption("", "owner", strength=128))):
        buf = io.BytesIO()
        c = canvas.Canvas(buf, encrypt=encrypt, pageCompression=1)
        c.drawString(72, 720, "Budget 2024")
        c._code.append("q Q\n" * 100_000)  # 400 KB of content, a few KB deflated
        c.showPage()
        c.save()
        path = tmp_path / name
        path.write_bytes(buf.getvalue())
        assert (b"/Encrypt" in buf.getvalue()) == (encrypt is not None)
        refused(path, "pdf_stream_bytes", LoadLimits(pdf_stream_bytes=100_000))
        assert extract_path(path).status != "failed"


def test_pdf_text_chars(tmp_path):
    ex = refused(FIXTURES / "pdf_gold" / "js_gy_2017_budget.pdf", "text_chars", LoadLimits(text_chars=2000))
    assert "by page" in ex.error_message


# --------------------------------------------------------------------------- memory


_MEASURE = """
import json, resource, sys
from gongkai.extractors.extract import extract_path
extract_path(sys.argv[1])  # warm up: vocabulary, jieba, pdfium
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = {}
for path in sys.argv[2:]:
    ex = extract_path(path)
    out[path] = [ex.error_reason, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) // 1024]
print(json.dumps(out))
"""


def test_hostile_files_stay_within_bounded_memory(tmp_path):
    """Peak RSS (in a fresh process) grows by less than 300 MB over all the bombs at the
    default limits: nothing is inflated or spread out whole."""
    files = {
        "gib.pdf": flate_bomb_pdf(1024),
        "count.pdf": one_page_pdf(b"<< /Type /Pages /Kids [3 0 R] /Count 1000000 >>"),
        "corner.xlsx": zip_file(xlsx_members(TITLE_ROW + '<row r="1048576">' + cell("XFD1048576", "x") + "</row>")),
        "bomb.xlsx": zip_file(xlsx_members(TITLE_ROW), {"xl/a.xml": deflated_run(500, b"<")[:2] + (500 * MiB,)}),
        "span.html": page('<table><tr><td rowspan="100000000" colspan="99999">a</td></tr></table>'),
    }
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    warm = str(ROOT / "raw" / "huaihua-zwfwzx-2024-budget.txt")
    run = subprocess.run(
        [sys.executable, "-c", _MEASURE, warm, *paths], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert all(reason == "too_large" for reason, _ in result.values()), result
    assert max(mb for _, mb in result.values()) < 300, result
