"""A PDF page's words and the lines they form (the input of the unruled-table reader)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.extractors.text.normalize import fold

_NUMERIC = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


INTEGER = re.compile(r"^\d+$")


DASH = re.compile(r"^[-—–－/／\\]+$")


CJK = re.compile(r"[\u3400-\u9fff]")


_SPLIT_NUM_CJK = re.compile(r"(?<=\d)(?=[\u3400-\u9fff（(])|(?<=[\u3400-\u9fff）)])(?=-?\d)")


@dataclass
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Line:
    words: list[Word]

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def text(self) -> str:
        return join_words(self.words)


def join_words(words: list[Word]) -> str:
    out = ""
    prev = None
    for w in sorted(words, key=lambda w: w.x0):
        if prev is not None:
            gap = w.x0 - prev.x1
            if gap > 0.25 * max(prev.size, 1) and not (
                CJK.search(prev.text[-1]) and CJK.search(w.text[0]) and gap < prev.size
            ):
                out += " "
        out += w.text
        prev = w
    return out


def page_words(page) -> list[Word]:
    """Words of a page, split where a number runs into CJK text ("91,016.35一、…")."""
    raw = page.extract_words(
        x_tolerance=1.5,
        y_tolerance=2.5,
        keep_blank_chars=False,
        use_text_flow=False,
        extra_attrs=["size"],
        return_chars=True,
    )
    words: list[Word] = []
    for w in raw:
        text = w["text"]
        chars = w.get("chars") or []
        if len(chars) == len(text) and _SPLIT_NUM_CJK.search(text):
            start = 0
            for m in list(_SPLIT_NUM_CJK.finditer(text)) + [None]:
                end = m.start() if m else len(text)
                part = chars[start:end]
                if part:
                    words.append(
                        Word(
                            text[start:end],
                            min(c["x0"] for c in part),
                            min(c["top"] for c in part),
                            max(c["x1"] for c in part),
                            max(c["bottom"] for c in part),
                            float(w.get("size") or 10),
                        )
                    )
                start = end
        else:
            words.append(Word(text, w["x0"], w["top"], w["x1"], w["bottom"], float(w.get("size") or 10)))
    return words


def lines_of(words: list[Word]) -> list[Line]:
    """Words grouped into lines by vertical overlap."""
    lines: list[Line] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        for line in reversed(lines[-3:]):
            top, bottom = line.top, line.bottom
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap > 0.5 * min(bottom - top, w.bottom - w.top):
                line.words.append(w)
                break
        else:
            lines.append(Line([w]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return sorted(lines, key=lambda l: l.top)


def is_numeric(text: str) -> bool:
    return bool(_NUMERIC.match(fold(text).replace(" ", "")))
