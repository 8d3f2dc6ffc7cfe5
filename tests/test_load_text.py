"""Loading text: encodings detected, stored text unchanged, bad input named."""

from __future__ import annotations

import codecs

import pytest

from gongkai.extractors.load.dispatch import load_document
from gongkai.extractors.load.text import decode_bytes, load_text
from gongkai.schemas.reasons import DocumentError, Reason

SAMPLE = " 一、部门基本概况\n收入预算，2024年年初预算数1094.8万元，全部为一般公共预算拨款。\n"

ENCODINGS = [
    ("utf-8", SAMPLE.encode("utf-8")),
    ("utf-8 with BOM", codecs.BOM_UTF8 + SAMPLE.encode("utf-8")),
    ("gb18030", SAMPLE.encode("gb18030")),
    ("gbk", SAMPLE.encode("gbk")),
    ("utf-16 with BOM", SAMPLE.encode("utf-16")),
    ("utf-16-le without BOM", SAMPLE.encode("utf-16-le")),
    ("utf-16-be without BOM", SAMPLE.encode("utf-16-be")),
]


@pytest.mark.parametrize("name,data", ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_every_encoding_decodes_to_the_same_text(name, data):
    text, _ = decode_bytes(data, name)
    assert text == SAMPLE


@pytest.mark.parametrize("name,data", ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_facts_identical_whatever_the_encoding(tmp_path, name, data, seed_text):
    from gongkai.extractors.extract import extract_path

    reference = extract_path(_write(tmp_path / "ref.txt", seed_text.encode("utf-8")))
    other = extract_path(
        _write(
            tmp_path / "doc.txt",
            codecs.BOM_UTF8 + seed_text.encode("utf-8")
            if "BOM" in name and "8" in name
            else seed_text.encode(_codec(name)),
        )
    )
    assert other.text == seed_text
    assert [(f.char_start, f.char_end, f.kind, f.value, f.concept) for f in other.facts] == [
        (f.char_start, f.char_end, f.kind, f.value, f.concept) for f in reference.facts
    ]


def _codec(name: str) -> str:
    return {
        "utf-16 with BOM": "utf-16",
        "utf-16-le without BOM": "utf-16-le",
        "utf-16-be without BOM": "utf-16-be",
    }.get(name, name.split()[0])


def _write(path, data):
    path.write_bytes(data)
    return path


BAD = [
    ("empty", b"", {Reason.EMPTY_FILE}),
    ("blank", b"  \n\t\n", {Reason.EMPTY_FILE}),
    ("binary junk", bytes(range(256)) * 4, {Reason.BINARY_CONTENT}),
    # no encoding reads it as text: either nothing decodes it or what decodes is control characters
    ("undecodable", b"\x81\xff\xfe\x80" * 50 + "收入".encode(), {Reason.UNDECODABLE, Reason.BINARY_CONTENT}),
]


@pytest.mark.parametrize("name,data,reason", BAD, ids=[b[0] for b in BAD])
def test_bad_input_names_file_and_reason(tmp_path, name, data, reason):
    path = _write(tmp_path / f"{name}.txt", data)
    with pytest.raises(DocumentError) as exc:
        load_text(path)
    assert exc.value.reason in reason
    assert str(path) in exc.value.message


def test_missing_file(tmp_path):
    with pytest.raises(DocumentError) as exc:
        load_text(tmp_path / "gone.txt")
    assert exc.value.reason == Reason.FILE_MISSING


def test_unsupported_format_is_named(tmp_path):
    path = _write(tmp_path / "notes.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest")
    with pytest.raises(DocumentError) as exc:
        load_document(path)
    assert exc.value.reason == Reason.UNSUPPORTED_FORMAT
    assert "notes.doc" in exc.value.message
