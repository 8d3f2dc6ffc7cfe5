"""Finding the titles of standard tables among a page's lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.extractors.tables.titles import NUMBER_ALONE, NUMBER_PREFIX, classify_title, key_text, title_key
from gongkai.extractors.tables.words import Line
from gongkai.extractors.text.markers import PART
from gongkai.schemas.table_kinds import TableKinds


@dataclass
class Title:
    kind: str
    text: str  # as printed (number cut off)
    number: str | None
    continued: bool
    lines: list[int]  # line indexes it takes
    top: float
    bottom: float


_TOC = re.compile(r"^目录$")


PART_TITLE = re.compile(rf"^{PART}")


def strip_number(text: str) -> tuple[str, str | None]:
    """The title as printed without its leading number, and that number."""
    stripped = text.strip()
    m = NUMBER_PREFIX.match(key_text(stripped))
    if not m:
        return stripped, None
    # cut as many printed characters as the key's prefix holds (blanks don't count)
    want = len(key_text(stripped)[: m.end()])
    seen = 0
    i = 0
    while i < len(stripped) and seen < want:
        if not stripped[i].isspace():
            seen += 1
        i += 1
    return stripped[i:].strip(), m.group("num")


def find_titles(lines: list[Line], kinds: TableKinds) -> list[Title]:
    if any(_TOC.match(key_text(l.text)) for l in lines[:4]):
        return []
    titles = []
    i = 0
    while i < len(lines):
        found = None
        text = lines[i].text
        candidates = [(text, [i])]
        if i + 1 < len(lines) and not key_text(text).endswith("表"):
            nxt = lines[i + 1]
            if len(key_text(nxt.text)) <= 8 and nxt.top - lines[i].bottom < 1.5 * (lines[i].bottom - lines[i].top):
                candidates.append((text + nxt.text.strip(), [i, i + 1]))
        for cand, idx in reversed(candidates):
            kind = classify_title(cand, kinds)
            if kind:
                found = (cand, idx, kind)
                break
        if found:
            cand, idx, kind = found
            printed, number = strip_number(cand)
            # the table number may stand alone on the line above ("公开01表", right-aligned)
            if (
                i > 0
                and NUMBER_ALONE.match(key_text(lines[i - 1].text))
                and lines[i].top - lines[i - 1].bottom < 3 * (lines[i].bottom - lines[i].top)
            ):
                number = number or key_text(lines[i - 1].text)
                idx = [i - 1] + idx
            _, _, continued = title_key(cand)
            titles.append(
                Title(
                    kind,
                    printed,
                    number,
                    continued,
                    idx,
                    min(lines[j].top for j in idx),
                    max(lines[j].bottom for j in idx),
                )
            )
            i = idx[-1] + 1
        else:
            i += 1
    return titles
