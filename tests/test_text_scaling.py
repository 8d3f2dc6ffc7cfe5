"""Text extraction stays linear in the document's size (issue 13): measured without a clock.

The work per figure must not grow with the document. The quadratic steps this guards against
each looked at every earlier figure once per figure (the facts of "the same sentence" searched
for in all facts, a 其中 list's members searched for in all later mentions, each rate's
changed figure looked up in all facts), so they showed up as reads of the Fact and Mention
objects. Here every attribute read of those objects is counted, for a disclosure and for the
same disclosure repeated six times: the reads per fact must stay the same. The seconds are
measured in bench/text_scaling.py, not here.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

import gongkai.extractors.facts.figures as figures
from gongkai.extractors.extract import extract_loaded
from gongkai.extractors.facts.document import _lines, _lines_from, _list_after
from gongkai.extractors.load.text import LoadedDocument

FIXTURES = Path(__file__).parent / "fixtures"


def _counting(cls: type, reads: Counter) -> type:
    """``cls`` with every attribute read counted in ``reads`` under the class name."""
    name = cls.__name__

    def __getattribute__(self, attr):
        reads[name] += 1
        return object.__getattribute__(self, attr)

    return type(name, (cls,), {"__getattribute__": __getattribute__})


def _reads_per_fact(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, float]]:
    reads: Counter = Counter()
    with monkeypatch.context() as m:
        m.setattr(figures, "Fact", _counting(figures.Fact, reads))
        m.setattr(figures, "Mention", _counting(figures.Mention, reads))
        ex = extract_loaded(LoadedDocument("big.txt", "0" * 64, "text/plain", "utf-8", text))
    assert ex.status == "ok"
    n = len(ex.facts)
    return n, {cls: count / n for cls, count in reads.items()}


@pytest.mark.parametrize(
    "name", ["huaihua-zwfwzx-2024-budget.txt", "gold/js_rdbgt_2019_budget.txt", "heldout/sh_pt_ghzyj_2024_final.txt"]
)
def test_work_per_fact_does_not_grow_with_the_document(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    one = (FIXTURES / name).read_text(encoding="utf-8").strip("\n") + "\n\n"
    n1, per_fact_1 = _reads_per_fact(one, monkeypatch)
    n6, per_fact_6 = _reads_per_fact(one * 6, monkeypatch)
    assert n6 == 6 * n1  # the same figures, six times
    assert set(per_fact_1) == {"Fact", "Mention"}
    for cls, reads in per_fact_1.items():
        # linear: about the same reads per fact (the quadratic steps gave 2–4× here)
        assert per_fact_6[cls] <= 1.1 * reads, (cls, reads, per_fact_6[cls])


def test_lines_from_is_lines_of_the_rest() -> None:
    """``_lines_from(t, pos)`` (lazy, no copy of the rest) yields ``_lines(t[pos:])``."""
    rng = random.Random(13)
    for _ in range(3000):
        t = "".join(rng.choice("ab \n\r\t\u3000\x0c中") for _ in range(rng.randint(0, 24)))
        pos = rng.randint(0, len(t))
        assert list(_lines_from(t, pos)) == _lines(t[pos:])


def test_a_list_reads_only_its_own_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """A unit list after 包括： is read line by line up to its end, not the whole rest of the text."""
    import gongkai.extractors.facts.document as document

    yielded = 0  # lines split off, whichever way

    def counted_from(t: str, base: int):
        nonlocal yielded
        for line in _lines_from(t, base):
            yielded += 1
            yield line

    def counted(t: str):
        nonlocal yielded
        lines = _lines(t)
        yielded += len(lines)
        return lines

    monkeypatch.setattr(document, "_lines_from", counted_from)
    monkeypatch.setattr(document, "_lines", counted)
    head = "纳入编制范围的预算单位包括：\n1. 怀化市政务服务中心\n2. 怀化市公共资源交易中心\n"
    tail = "正文第一段。\n" * 5000
    assert _list_after(head + tail, head.index("：") + 1) == (
        ["怀化市政务服务中心", "怀化市公共资源交易中心"],
        len(head) - 1,
    )
    assert yielded < 200  # the first 80 lines at most for a table, then the numbered lines
