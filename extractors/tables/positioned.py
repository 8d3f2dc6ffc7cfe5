"""Standard tables of web pages that print a PDF as positioned boxes (a converter's output:
``<div class="page" style="position:relative">`` holding one absolutely placed
``<div style="top:…pt;left:…pt;font-size:…pt">`` per text run): the runs become the words
of a page and the PDF table reader reads them (extractors/tables/page.py)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from gongkai.extractors.tables.continued import merge_continued
from gongkai.extractors.tables.model import Table
from gongkai.extractors.tables.page import tables_of_words
from gongkai.extractors.tables.ruled import Grid
from gongkai.extractors.tables.words import Word

_LENGTH = r"(-?\d+(?:\.\d+)?)(pt|px)"
_TOP = re.compile(rf"(?:^|;)\s*top\s*:\s*{_LENGTH}")
_LEFT = re.compile(rf"(?:^|;)\s*left\s*:\s*{_LENGTH}")
_SIZE = re.compile(rf"(?:^|;)\s*font-size\s*:\s*{_LENGTH}")
_WIDTH = re.compile(rf"(?:^|;)\s*width\s*:\s*{_LENGTH}")
_HEIGHT = re.compile(rf"(?:^|;)\s*height\s*:\s*{_LENGTH}")
_ABSOLUTE = re.compile(r"position\s*:\s*absolute")
_RELATIVE = re.compile(r"position\s*:\s*relative")
_MIN_RUNS = 20  # a page with fewer placed runs is not a printed page


def _pt(m: re.Match | None) -> float | None:
    if m is None:
        return None
    value = float(m.group(1))
    return value * 0.75 if m.group(2) == "px" else value


def _advance(ch: str, size: float) -> float:
    """The width of a character: CJK and full-width forms are one em, the others half."""
    return size if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5 * size


def run_words(text: str, left: float, top: float, size: float) -> list[Word]:
    """The words of one placed text run (split at blanks), with their estimated boxes."""
    words = []
    x = left
    for part in re.split(r"(\s+)", text):
        width = sum(_advance(ch, size) for ch in part)
        if part and not part.isspace():
            words.append(Word(part, x, top, x + width, top + size, size))
        x += width
    return words


_BORDER = re.compile(r"border-(bottom|top|right|left)\s*:\s*\d")
_TOL = 1.5


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _TOL:
            out.append(v)
    return out


def _merged(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1] + _TOL:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


class _Rules:
    """Segments at snapped positions: does one cover [a, b]?"""

    def __init__(self, segments: list[tuple[float, float, float]]):
        self.at = _snap([s[0] for s in segments])
        spans: dict[float, list[tuple[float, float]]] = {}
        for pos, a, b in segments:
            spans.setdefault(min(self.at, key=lambda p: abs(p - pos)), []).append((a, b))
        self.spans = {p: _merged(v) for p, v in spans.items()}

    def covers(self, pos: float, a: float, b: float) -> bool:
        return any(x <= a + _TOL and b - _TOL <= y for x, y in self.spans.get(pos, ()))


def ruled_grids_of_rules(styles: Iterable[str]) -> list[Grid]:
    """The cell grids drawn by border boxes (a horizontal rule: a box of no height with a
    bottom border; a vertical one: no width and a right border), one grid per band of
    the page the vertical rules cover."""
    horizontal: list[tuple[float, float, float]] = []
    vertical: list[tuple[float, float, float]] = []
    for style in styles:
        border = _BORDER.search(style)
        top, left = _pt(_TOP.search(style)), _pt(_LEFT.search(style))
        width, height = _pt(_WIDTH.search(style)) or 0.0, _pt(_HEIGHT.search(style)) or 0.0
        if border is None or top is None or left is None:
            continue
        if border.group(1) in ("bottom", "top") and height < 1 and width > 1:
            horizontal.append((top + (height if border.group(1) == "bottom" else 0), left, left + width))
        elif border.group(1) in ("right", "left") and width < 1 and height > 1:
            vertical.append((left + (width if border.group(1) == "right" else 0), top, top + height))
    grids = []
    for y0, y1 in _merged([(a, b) for _, a, b in vertical]):
        hs = _Rules([h for h in horizontal if y0 - _TOL <= h[0] <= y1 + _TOL])
        vs = _Rules([v for v in vertical if v[1] >= y0 - _TOL and v[2] <= y1 + _TOL])
        ys, xs = hs.at, vs.at
        if len(ys) < 2 or len(xs) < 2:
            continue
        rows = []
        for i in range(len(ys) - 1):
            row = []
            for j in range(len(xs) - 1):
                if not (hs.covers(ys[i], xs[j], xs[j + 1]) and vs.covers(xs[j], ys[i], ys[i + 1])):
                    continue
                k = j + 1
                while k < len(xs) - 1 and not vs.covers(xs[k], ys[i], ys[i + 1]):
                    k += 1
                m = i + 1
                while m < len(ys) - 1 and not hs.covers(ys[m], xs[j], xs[k]):
                    m += 1
                row.append((xs[j], ys[i], xs[k], ys[m]))
            if row:
                rows.append(row)
        if rows:
            grids.append(Grid((xs[0], ys[0], xs[-1], ys[-1]), rows))
    return grids


def page_tables(runs: Iterable[tuple[str, str]], width: float, height: float, page_number: int) -> list[Table]:
    """Tables of one positioned page from its runs (text, style) and its border boxes."""
    runs = list(runs)
    words: list[Word] = []
    for text, style in runs:
        if not text.strip() or not _ABSOLUTE.search(style):
            continue
        top, left, size = _pt(_TOP.search(style)), _pt(_LEFT.search(style)), _pt(_SIZE.search(style))
        if top is None or left is None or not size:
            continue
        words.extend(run_words(text.strip(), left, top, size))
    if not words:
        return []
    grids = ruled_grids_of_rules(style for text, style in runs if not text.strip())
    return tables_of_words(words, grids, width, height, page_number)


def positioned_tables(pages: Iterable[tuple[str, list[tuple[str, str]]]]) -> list[Table]:
    """Tables of positioned pages: each page as (its style, its runs as (text, style)).
    Pages that are not relative boxes of a known size with enough placed runs are skipped."""
    parts: list[Table] = []
    number = 0
    for style, runs in pages:
        if not _RELATIVE.search(style):
            continue
        width, height = _pt(_WIDTH.search(style)), _pt(_HEIGHT.search(style))
        if not width or not height or len(runs) < _MIN_RUNS:
            continue
        number += 1
        parts.extend(page_tables(runs, width, height, number))
    return merge_continued(parts)
