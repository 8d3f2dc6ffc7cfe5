"""Normalization for matching that never moves offsets.

The stored text of a document is kept exactly as decoded. Everything that
matches patterns (numbers, headings, labels) works on a *normalized view*:

* full-width digits, latin letters and the number punctuation ``．％－＋～``
  become their ASCII forms (one character for one character);
* runs of horizontal whitespace (spaces, U+3000, NBSP, tabs) and invisible
  characters (soft hyphen, zero-width spaces, BOM) are dropped, except a
  single space kept between two ASCII letters/digits so that ``100 200``
  does not become ``100200``. This joins "50 万元" and spaced-out headings
  such as "江 苏 省 人 民 检 察 院".
* with ``join_wrapped`` (text from PDFs), page-number lines and the newlines
  that only wrap a full line are dropped too; a number wrapped in the middle
  ("4\n03.56万元") is read as one.

``Normalized.index[i]`` is the offset in the stored text of the normalized
character ``i``; :meth:`Normalized.span` maps a normalized span back, so every
fact's ``char_start/char_end`` slices the stored text.

The Chinese comma "，" is deliberately kept: it is punctuation, never a
thousands separator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from gongkai.extractors.text.markers import CN_ITEM, DIGIT_ITEM, NUMERAL, PAREN_ANY

# One-to-one character replacements (full-width forms → ASCII).
_FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(ord("０"), ord("９") + 1)}
_FULLWIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(ord("Ａ"), ord("Ｚ") + 1)})
_FULLWIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(ord("ａ"), ord("ｚ") + 1)})
_FULLWIDTH.update(
    {
        "．": ".",  # full-width full stop used as a decimal point: １２．５万元
        "％": "%",
        "－": "-",
        "＋": "+",
        "～": "~",
        "﹪": "%",
        "−": "-",  # minus sign
        "–": "-",  # en dash in ranges: 2–3次
    }
)
_TRANSLATE = str.maketrans(_FULLWIDTH)

# Horizontal whitespace and characters that take no room on the page.
_BLANK = set(" \t\u00a0\u3000\u2002\u2003\u2009\u200a\u202f\u205f\x0b\x0c")
_INVISIBLE = set("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_SPECIAL = re.compile("[" + re.escape("".join(sorted(_BLANK | _INVISIBLE))) + "]")


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass(frozen=True)
class Normalized:
    """The normalized view of a stored text and its offset map."""

    text: str
    index: tuple[int, ...]  # len(text) + 1 entries; the last is len(original)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized span [start, end) to the stored text."""
        if end <= start:
            o = self.index[start]
            return o, o
        return self.index[start], self.index[end - 1] + 1

    def offset(self, i: int) -> int:
        return self.index[i]


def fold(text: str) -> str:
    """Full-width → ASCII, one character for one (no offsets move)."""
    return text.translate(_TRANSLATE)


# A line that starts like this is a new heading or list item, never a wrapped continuation.
_NEW_ITEM = re.compile(rf"^(第{NUMERAL}[部分章节]|{CN_ITEM}|{PAREN_ANY}|{DIGIT_ITEM}|[①-⑳]|表\d|附件|单位[:：])")
# Lines ending like this end a sentence or introduce what follows.
_LINE_END = set("。！？!?")  # a full-width line ending in ，；： still wraps
# A number at the end of a line and its unit at the start of the next: "1446.32\n万元".
_SPLIT_UNIT = re.compile(r"^(亿元|万元|千元|元|%|个|人|辆|台|套|项)")
_WRAP_SHARE = 0.8


# A line that is only a page number: "3", "- 3 -", "─ 13 ─", "第 3 页", "第3页 共12页", "3/12",
# "Page 3 of 12" (the PDF loader drops them too: extractors/load/pdf.py).
_DASHES = r"\-–—―─━－~～·•.．_"
PAGE_NUMBER = re.compile(
    rf"^[\s{_DASHES}]*(?:(?:第\s*)?\d{{1,4}}\s*页?(?:\s*[/／]\s*\d{{1,4}}|\s*[,，]?\s*共\s*\d{{1,4}}\s*页)?"
    rf"|(?i:page)\s*\d{{1,4}}(?:\s*(?i:of)\s*\d{{1,4}})?)[\s{_DASHES}]*$"
)


def is_page_number(text: str) -> bool:
    """A line that is only a page number."""
    return bool(PAGE_NUMBER.match(text)) and any(ch.isdigit() for ch in text)


def layout_breaks(folded: str) -> set[int]:
    """Offsets that are page furniture or line wraps, not text structure.

    * a line that is only a page number (with its newline) is dropped;
    * a newline that only wraps a long line (as PDF text extraction leaves them) is
      dropped: its line is nearly as long as the document's long lines (the 90th
      percentile), does not end a sentence, and the next line does not start a
      heading or list item;
    * a newline that splits a number from its unit is dropped.
    """
    lines: list[tuple[int, int, str]] = []  # (start, newline offset, stripped text)
    pos = 0
    drop: set[int] = set()
    for raw in folded.split("\n"):
        stripped = raw.strip(" \t\r\u00a0\u3000")
        if stripped and is_page_number(stripped):
            drop.update(range(pos, pos + len(raw) + 1))
        else:
            lines.append((pos, pos + len(raw), stripped))
        pos += len(raw) + 1
    drop.discard(len(folded))
    lengths = sorted(len(t) for _, _, t in lines if t)
    if not lengths:
        return drop
    width = lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))]
    for (_, nl, line), (_, _, nxt) in zip(lines, lines[1:]):
        if not line or not nxt:
            continue
        if line[-1].isdigit() and _SPLIT_UNIT.match(nxt):
            drop.add(nl)
        elif len(line) >= width * _WRAP_SHARE and line[-1] not in _LINE_END and not _NEW_ITEM.match(nxt):
            drop.add(nl)
    return drop


@lru_cache(maxsize=16)  # the loader, sections, document facts and figures all ask for the same view
def normalize(original: str, join_wrapped: bool = False) -> Normalized:
    """Build the matching view of ``original`` (see module docstring).

    With ``join_wrapped`` newlines that only wrap a long line are dropped too, so a
    sentence broken across lines by PDF text extraction reads as one.
    """
    folded = fold(original)
    joins = layout_breaks(folded) if join_wrapped else set()
    n = len(folded)

    def droppable(j: int) -> bool:
        ch = folded[j]
        return ch in _BLANK or ch in _INVISIBLE or (j in joins and ch in "\r\n \t") or (ch == "\r" and j + 1 in joins)

    specials = {m.start() for m in _SPECIAL.finditer(folded)} | joins
    specials |= {j - 1 for j in joins if j and folded[j - 1] == "\r"}
    out: list[str] = []
    index: list[int] = []
    last = ""
    i = 0
    for p in sorted(specials):
        if p < i:
            continue
        if p > i:  # an ordinary stretch: copied as it is
            out.append(folded[i:p])
            index.extend(range(i, p))
            last, i = folded[p - 1], p
        ch = folded[i]
        if ch in _INVISIBLE or (i in joins and not droppable(i)):  # page-number line characters
            i += 1
            continue
        j = i
        while j < n and droppable(j):
            j += 1
        nxt = folded[j] if j < n else ""
        # keep one blank between two ASCII words/numbers ("100 200") and before a
        # negative number after a number ("27,664.22 -0.8": two cells, not a range)
        negative_next = nxt == "-" and j + 1 < n and folded[j + 1].isdigit()
        # a full line wrapped in the middle of a number ("支出4\n03.56万元") is one number
        wrap_only = all(folded[k] in "\r\n" for k in range(i, j))
        if last and nxt and not wrap_only and _is_ascii_alnum(last) and (_is_ascii_alnum(nxt) or negative_next):
            out.append(" ")
            index.append(i)
            last = " "
        i = j
    out.append(folded[i:])
    index.extend(range(i, n))
    index.append(len(original))
    return Normalized("".join(out), tuple(index))
