"""Normalization for matching never moves offsets."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gongkai.extractors.text.normalize import fold, normalize

CASES = [
    # (stored text, normalized text)
    ("单位价值50 万元以上", "单位价值50万元以上"),
    ("１２．５万元", "12.5万元"),
    ("江 苏 省 人 民 检 察 院", "江苏省人民检察院"),
    ("\u3000\u3000一、部门职责", "一、部门职责"),
    ("100 200", "100 200"),
    ("增长８．８％", "增长8.8%"),
    ("公安\u00ad局", "公安局"),
]


def test_cases():
    for stored, expected in CASES:
        assert normalize(stored).text == expected, stored


def test_span_maps_back_to_the_stored_text():
    stored = " 其中，公务接待费 0.3 万元，无单价100 万元以上专用设备"
    n = normalize(stored)
    i = n.text.index("0.3万元")
    start, end = n.span(i, i + len("0.3万元"))
    assert stored[start:end] == "0.3 万元"
    i = n.text.index("100万元")
    assert stored[slice(*n.span(i, i + 5))] == "100 万元"


@given(st.text(alphabet=st.sampled_from(list("0123456789０１２３万元 \u3000\t.．％%，一二江苏\n")), max_size=60))
def test_every_normalized_char_comes_from_its_offset(text):
    n = normalize(text)
    assert len(n.index) == len(n.text) + 1
    folded = fold(text)
    for i, ch in enumerate(n.text):
        if ch == " ":  # a kept blank between two ASCII digits: any blank in the original
            assert folded[n.index[i]].isspace()
        else:
            assert folded[n.index[i]] == ch
    assert list(n.index) == sorted(n.index)
