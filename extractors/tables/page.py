"""One PDF page → its standard tables; a whole PDF → its tables."""

from __future__ import annotations

import re

from gongkai.extractors.tables.build import (
    NOTE,
    PAGE_NO,
    UNIT_IN_HEADER,
    Raw,
    bbox_of,
    build_part,
    confirmed,
    is_prose,
    rows_of_grids,
    word_rows,
)
from gongkai.extractors.tables.continued import merge_continued
from gongkai.extractors.tables.model import Table
from gongkai.extractors.tables.page_titles import Title, find_titles
from gongkai.extractors.tables.ruled import Grid, ruled_grids
from gongkai.extractors.tables.titles import NUMBER_ALONE, NUMBER_IN_LINE, key_text
from gongkai.extractors.tables.words import Line, Word, is_numeric, lines_of, page_words
from gongkai.extractors.text.normalize import fold
from gongkai.extractors.text.numbers import parse_unit_header
from gongkai.schemas.table_kinds import TableKind, load_table_kinds


def tables_on_page(page, page_number: int) -> list[Table]:
    """The standard tables on one pdfplumber page (and an untitled continuation at its top)."""
    words = page_words(page)
    if not words:
        return []
    return tables_of_words(words, ruled_grids(page), float(page.width), float(page.height), page_number)


def tables_of_words(words: list[Word], grids: list[Grid], width: float, height: float, page_number: int) -> list[Table]:
    """The standard tables of one page given as positioned words (and the ruled grids drawn on it)."""
    kinds = load_table_kinds()
    lines = lines_of(words)
    titles = find_titles(lines, kinds)
    titles = [
        t
        for n, t in enumerate(titles)
        if confirmed(t, titles[n + 1] if n + 1 < len(titles) else None, lines, grids, width, height)
    ]
    # regions: from each title to the next; the lines above the first title may continue
    # a table of the previous page
    starts: list[tuple[Title | None, int]] = [(t, t.lines[0]) for t in titles]
    if not titles or titles[0].lines[0] > 0:
        starts.insert(0, (None, 0))
    tables: list[Table] = []
    for n, (title, first) in enumerate(starts):
        end = starts[n + 1][1] if n + 1 < len(starts) else len(lines)
        part = _table_in_region(title, lines[first:end], grids, page_number, width, height, kinds)
        if part is None:
            continue
        if n + 1 < len(starts) and part.empty and not part.header and not part.note:
            # a title with nothing under it before the next title (十、…表 printed over 2026年度…表,
            # a list of the tables): not a table printed empty
            continue
        tables.append(part)
    return tables


_UNIT_AT_END = re.compile(r"(?<!名称)单位[:：]?(万元|千元|亿元|元)$")


def _head_lines(title: Title | None, region: list[Line]) -> tuple[set[int], str | None, str | None]:
    """Region lines that belong to the title block: the title itself, then the unit line,
    部门/编制单位 lines, a standalone table number and "(2023年度)" (a table continued from the
    previous page may repeat them). Returns (their indexes, unit, table number)."""
    n_title = len(title.lines) if title is not None else 0
    consumed = set(range(n_title))
    unit = None
    number = title.number if title else None
    for j in range(n_title, min(len(region), n_title + 4)):
        text = key_text(region[j].text)
        u = parse_unit_header(region[j].text)
        if not u:  # 单位名称:… 单位:万元 with its colons printed a little lower (a line of their own)
            m = _UNIT_AT_END.search(text)
            u = m.group(1) if m else None
        if u and not unit:
            unit = u
            consumed.add(j)
            m = NUMBER_IN_LINE.search(text)
            number = number or (m.group(1) if m else None)
            continue
        if (
            NUMBER_ALONE.match(text)
            or re.match(r"^(编制)?(部门|单位|预算单位|编制单位)[:：]", text)
            or re.match(r"^\(\d{4}年度?\)$", text)
            or re.match(r"^20\d\d年?度?$", text)  # the year of a title printed on its own line
            or re.match(r"^[:：]+$", text)  # the colons of the unit line, set apart
        ):
            if NUMBER_ALONE.match(text):
                number = number or text
            consumed.add(j)
            continue
        break
    return consumed, unit, number


def _content_lines(
    title: Title | None, region: list[Line], consumed: set[int], width: float, height: float
) -> tuple[list[Line], list[Line]]:
    """(table lines, lines after the table): the table ends at a 注/说明 line or running text;
    page numbers are dropped; running text before a titled table is skipped."""
    content: list[Line] = []
    tail: list[Line] = []
    for j, line in enumerate(region):
        if j in consumed:
            continue
        text = line.text.strip()
        if tail or NOTE.match(fold(text)):
            tail.append(line)
        elif is_prose(line, width):
            if content or title is None:
                tail.append(line)
        elif PAGE_NO.match(text) and (line.top > 0.88 * height or line.bottom < 0.08 * height):
            continue
        else:
            content.append(line)
    return content, tail


def _region_rows(title: Title | None, content: list[Line], grids: list[Grid]) -> tuple[list[list[Raw]], bool] | None:
    """Rows of cells of the table lines: from the ruled grid when it holds the figures,
    else from the words' positions. None: an untitled region that is no table."""
    words = [w for line in content for w in line.words]
    top = min(l.top for l in content)
    bottom = max(l.bottom for l in content)
    ruled_rows, used = rows_of_grids(grids, words, top - 1, bottom + 1)
    numeric = [w for w in words if is_numeric(w.text)]
    if ruled_rows and sum(1 for w in numeric if id(w) in used) >= 0.9 * len(numeric):
        outside = [w for w in words if id(w) not in used]  # e.g. a header printed above the grid
        rows = ruled_rows + (word_rows(lines_of(outside)) if outside else [])
        return sorted(rows, key=lambda r: min(c.bbox[1] for c in r)), True
    if title is None and any(
        len(l.words) >= 2 and max(b.x0 - a.x1 for a, b in zip(l.words, l.words[1:])) < l.words[0].size for l in content
    ):
        return None  # words set like running text, not in columns: not a continued table
    return _merge_wrapped(word_rows(content)), False


def _unit_of(title: Title | None, kind: TableKind | None, unit: str | None, rows: list[list[Raw]]) -> tuple[str, str]:
    """(unit, unit_source): the 单位 line, else a header cell (项目资金（元）), else the kind's default."""
    if unit:
        return unit, "line"
    for row in rows[:6]:
        for c in row:
            m = UNIT_IN_HEADER.search(fold(c.text))
            if m:
                return m.group(1), "header"
    if title is None or title.continued:
        return (kind.default_unit if kind else "元"), "continued"
    return (kind.default_unit if kind else "元"), "default"


def _table_in_region(title, region, grids, page_number, width, height, kinds) -> Table | None:
    """The table a title heads (or the untitled continuation at the top of a page)."""
    kind = kinds.kind(title.kind) if title else None
    consumed, unit, number = _head_lines(title, region)
    content, tail = _content_lines(title, region, consumed, width, height)
    if title is None and (not content or (tail and tail[0].top < content[0].top)):
        return None
    found = _region_rows(title, content, grids) if content else ([], True)
    if found is None:
        return None
    rows, ruled = found
    if title is None and not any(is_numeric(c.text) for r in rows for c in r):
        return None
    unit, unit_source = _unit_of(title, kind, unit, rows)
    header, columns, body, header_raw = build_part(
        rows, page=page_number, ruled=ruled, kind=kind, unit=unit, kinds=kinds
    )
    has_amount = any(r.amounts for r in body)
    if title is None and not has_amount:
        return None
    notes = [l.text.strip() for i, l in enumerate(tail) if NOTE.match(fold(l.text.strip())) or i < 3]
    note = " ".join(notes) if notes else None
    if not has_amount:
        marker = next((l.text.strip() for l in region for p in kinds.empty if p.search(key_text(l.text))), None)
        if marker and (not note or marker not in note):
            note = marker
        body = []
    boxes = [c.bbox for r in body for c in r.cells] + [c.bbox for r in header for c in r]
    bbox = None
    if boxes:
        bbox = (
            min(b[0] for b in boxes),
            title.top if title else min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
    return Table(
        kind=title.kind if title else None,
        title=title.text if title else None,
        number=number,
        pages=[page_number],
        unit=unit,
        unit_source=unit_source,
        header=header,
        columns=columns,
        rows=body,
        empty=not has_amount,
        note=note,
        continued=title is None or title.continued,
        ruled=ruled,
        bbox=bbox,
        header_raw=header_raw,
    )


def _merge_wrapped(rows: list[list[Raw]]) -> list[list[Raw]]:
    """Unruled tables: a label wrapped onto its own line joins the row with figures nearest to it."""
    has_num = [any(is_numeric(c.text) for c in r) for r in rows]
    if not any(has_num):
        return rows
    first = has_num.index(True)
    out = list(rows[:first])
    body = rows[first:]
    flags = has_num[first:]
    keep = [True] * len(body)
    merged = [list(r) for r in body]
    for i, row in enumerate(body):
        if flags[i]:
            continue
        # rows like 合计 / 一、… standing alone are their own rows only if no figure row is near
        cands = []
        for j in (i - 1, i + 1):
            if 0 <= j < len(body) and flags[j]:
                a = row[0].bbox
                dist = (a[1] - body[j][-1].bbox[3]) if j < i else (body[j][0].bbox[1] - a[3])
                size = row[0].words[0].size
                if dist < 0.9 * size:
                    cands.append((dist, j))
        if not cands:
            continue
        _, j = min(cands)
        target = merged[j]
        for c in row:
            host = next(
                (
                    t
                    for t in target
                    if not is_numeric(t.text) and min(t.bbox[2], c.bbox[2]) - max(t.bbox[0], c.bbox[0]) > 0
                ),
                None,
            )
            if host is None:
                target.append(c)
                target.sort(key=lambda t: t.bbox[0])
                continue
            words = host.words + c.words
            text = (c.text + host.text) if j > i else (host.text + c.text)
            target[target.index(host)] = Raw(text, bbox_of(words), None, words)
        keep[i] = False
    out.extend(r for r, k in zip(merged, keep) if k)
    return out


def tables_in_pdf(path) -> list[Table]:
    """Convenience for scripts and tests: every standard table of a PDF, continued parts merged."""
    import pdfplumber

    parts: list[Table] = []
    with pdfplumber.open(path) as pdf:
        for i, page in enumerate(pdf.pages, start=1):
            parts.extend(tables_on_page(page, i))
            page.close()
    return merge_continued(parts)
