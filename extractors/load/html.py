"""Loading HTML disclosures: bytes → the text of the page's main content.

* Charset: ``http_charset`` when given, else a ``<meta charset>`` /
  ``<meta http-equiv content="…charset=…">`` in the first 2 KB, else detection
  (:func:`extractors.load.text.decode_bytes`). GBK/GB2312 labels decode as GB18030.
* Main content: ``content_selector`` when given; otherwise scripts, styles, nav/header/
  footer/aside/form and elements whose class/id look like boilerplate are dropped and
  the deepest block that still holds most of the page's non-link CJK text is taken
  (a readability-style heuristic: link text does not count).
* Text: block elements end lines, cells in a table row are joined by a tab, runs of
  blank lines collapse to one; ``&nbsp;`` and U+3000 are kept as characters.

The returned text is never edited afterwards: every offset in the outputs indexes it.
"""

from __future__ import annotations

import codecs
import re

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from gongkai.extractors.load.limits import DEFAULT, LoadLimits
from gongkai.extractors.load.text import LoadedDocument, check_text_chars, decode_bytes, sha256_bytes
from gongkai.schemas.reasons import DocumentError, Reason

__all__ = ["attachment_links", "html_text", "load_html", "main_content", "sniff_charset"]

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_GB_ALIASES = {
    "gbk",
    "gb2312",
    "gb_2312",
    "gb_2312-80",
    "x-gbk",
    "cp936",
    "ms936",
    "windows-936",
    "csgb2312",
    "euc-cn",
    "gb18030",
    "chinese",
    "iso-ir-58",
}

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "select",
    "button",
    "input",
    "textarea",
    "template",
    "svg",
    "object",
)
# class/id tokens (split on blanks, "-" and "_") that mark navigation and boilerplate
_BOILERPLATE_TOKENS = {
    "nav",
    "navbar",
    "navi",
    "navigation",
    "menu",
    "menus",
    "submenu",
    "header",
    "head",
    "topbar",
    "footer",
    "foot",
    "bottom",
    "breadcrumb",
    "breadcrumbs",
    "crumb",
    "crumbs",
    "share",
    "fenxiang",
    "sidebar",
    "side",
    "aside",
    "copyright",
    "copy",
    "banner",
    "login",
    "search",
    "toolbar",
    "weizhi",
    "position",
    "location",
    "daohang",
    "dh",
    "friendlink",
    "links",
    "relalinks",
    "related",
    "ad",
    "ads",
    "advert",
    "qrcode",
    "ewm",
    "skip",
}
_BOILERPLATE_WORDS = re.compile(r"nav|menu|breadcrumb|footer|header|sidebar|copyright|share", re.I)
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")

_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "tr",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "caption",
    "blockquote",
    "pre",
    "section",
    "article",
    "main",
    "center",
    "hr",
    "address",
    "figure",
    "figcaption",
    "body",
    "html",
    "title",
}
_CELL_TAGS = {"td", "th"}
_CANDIDATE_TAGS = {"body", "div", "article", "section", "main", "center"}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_ATTACHMENT = re.compile(r"\.(xlsx?|docx?|pdf|et|wps)(?:$|[?#])", re.I)


# -- charset ---------------------------------------------------------------------------


def sniff_charset(data: bytes) -> str | None:
    """The charset declared in a <meta> of the first 2 KB, or None."""
    m = _META_CHARSET.search(data[:2048])
    return m.group(1).decode("ascii", "replace").strip().lower() if m else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB_ALIASES:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(data: bytes, source: str = "<bytes>", http_charset: str | None = None) -> tuple[str, str]:
    """(text, encoding): the HTTP charset wins, then the <meta> charset, then detection."""
    if not data.strip():
        raise DocumentError(Reason.EMPTY_FILE, f"{source}: the file is empty")
    has_bom = data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    for label in (http_charset, None if has_bom else sniff_charset(data)):
        codec = _codec(label)
        if codec is None:
            continue
        try:
            text = data.decode("utf-8-sig" if codec == "utf-8" else codec)
        except UnicodeDecodeError:
            continue
        return text, codec
    return decode_bytes(data, source)


# -- tree helpers ----------------------------------------------------------------------


def _children(node: Node):
    child = node.child
    while child is not None:
        yield child
        child = child.next


def _is_boilerplate(node: Node) -> bool:
    attrs = node.attributes
    for name in ("class", "id"):
        value = attrs.get(name) or ""
        if not value:
            continue
        tokens = {t.lower() for t in _TOKEN_SPLIT.split(value) if t}
        if tokens & _BOILERPLATE_TOKENS:
            return True
        if any(
            _BOILERPLATE_WORDS.search(t) and not _CJK.search(t) and "article" not in t and "content" not in t
            for t in tokens
        ):
            return True
    return False


def _cjk_counts(node: Node, out: dict[int, tuple[int, int]], in_link: bool = False) -> tuple[int, int]:
    """(CJK characters outside links, CJK characters inside links) of every element, memoised by id."""
    plain = linked = 0
    for child in _children(node):
        tag = child.tag
        if tag == "-text":
            n = len(_CJK.findall(child.text_content or ""))
            if in_link:
                linked += n
            else:
                plain += n
        elif tag and not tag.startswith("-"):
            p, l = _cjk_counts(child, out, in_link or tag == "a")
            plain += p
            linked += l
    out[node.mem_id] = (plain, linked)
    return plain, linked


def _strip_boilerplate(root: Node) -> None:
    for tag in _DROP_TAGS:
        for node in root.css(tag):
            node.decompose()
    for node in list(root.traverse()):
        if node.tag == "-comment":
            node.decompose()
    counts: dict[int, tuple[int, int]] = {}
    total = max(1, _cjk_counts(root, counts)[0])
    doomed = []
    stack = [root]
    while stack:
        node = stack.pop()
        for child in _children(node):
            if not child.tag or child.tag.startswith("-"):
                continue
            # never drop a block holding most of the page's text (a badly named wrapper)
            if _is_boilerplate(child) and counts.get(child.mem_id, (0, 0))[0] * 2 < total:
                doomed.append(child)
            else:
                stack.append(child)
    for node in doomed:
        node.decompose()


def main_content(tree: HTMLParser, content_selector: str | None = None) -> Node:
    """The element holding the page's main content."""
    if content_selector:
        found = tree.css_first(content_selector)
        if found is None:
            raise DocumentError(Reason.NO_FIGURES, f"content selector {content_selector!r} matches nothing")
        for tag in ("script", "style", "noscript"):
            for node in found.css(tag):
                node.decompose()
        return found
    root = tree.body or tree.root
    if root is None:
        raise DocumentError(Reason.EMPTY_FILE, "the page has no body")
    _strip_boilerplate(root)
    counts: dict[int, tuple[int, int]] = {}
    _cjk_counts(root, counts)
    node = root
    while True:
        plain, _ = counts.get(node.mem_id, (0, 0))
        best, best_plain = None, 0
        for child in _children(node):
            if child.tag in _CANDIDATE_TAGS:
                p = counts.get(child.mem_id, (0, 0))[0]
                if p > best_plain:
                    best, best_plain = child, p
        # descend while one child block keeps (nearly) all the non-link CJK text
        if best is None or plain == 0 or best_plain < 0.85 * plain:
            return node
        node = best


# -- text ------------------------------------------------------------------------------


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.line_empty = True

    def text(self, s: str) -> None:
        if not s:
            return
        if self.line_empty or (self.parts and self.parts[-1] == "\t"):
            s = s.lstrip(" ")
            if not s:
                return
        self.parts.append(s)
        self.line_empty = False

    def soft_break(self) -> None:
        if not self.line_empty:
            self.hard_break()

    def hard_break(self) -> None:
        self.parts.append("\n")
        self.line_empty = True

    def raw(self, s: str) -> None:
        self.parts.append(s)
        self.line_empty = False


def _walk(node: Node, w: _Writer, in_cell: bool) -> None:
    for child in _children(node):
        tag = child.tag
        if tag == "-text":
            w.text(_HTML_SPACE.sub(" ", child.text_content or ""))
            continue
        if not tag or tag.startswith("-") or tag in ("script", "style", "noscript", "template"):
            continue
        if tag == "tr":
            w.soft_break()
            first = True
            for cell in _children(child):
                if cell.tag not in _CELL_TAGS:
                    continue
                if not first:
                    w.raw("\t")
                first = False
                _walk(cell, w, True)
            w.soft_break()
            continue
        if in_cell:
            if tag in _BLOCK_TAGS and tag != "table":
                if w.parts and not w.parts[-1].endswith((" ", "\t", "\n")):
                    w.raw(" ")
                _walk(child, w, True)
                continue
            if tag == "table":  # a table inside a cell: its rows become lines
                _walk(child, w, False)
                continue
            _walk(child, w, True)
            continue
        if tag == "br":
            w.hard_break()
            continue
        block = tag in _BLOCK_TAGS or tag in _CELL_TAGS
        if block:
            w.soft_break()
        _walk(child, w, in_cell)
        if block:
            w.soft_break()


def html_text(node: Node) -> str:
    """The text of an element: lines per block, tab-separated table cells."""
    w = _Writer()
    _walk(node, w, False)
    joined = re.sub(r" +\t", "\t", "".join(w.parts))
    lines = [line.strip(" ") for line in joined.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line.strip(" \t") and (not out or out[-1] == ""):
            continue  # runs of blank lines collapse to one; none at the start
        out.append("" if not line.strip(" \t") else line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + ("\n" if out else "")


# -- attachments -----------------------------------------------------------------------


def attachment_links(data_or_html: str | bytes) -> list[tuple[str, str]]:
    """(href, link text) of every <a href> to an .xls/.xlsx/.doc/.docx/.pdf file, in page order."""
    html = data_or_html if isinstance(data_or_html, str) else decode_html(data_or_html)[0]
    return _links(HTMLParser(html))


def _links(tree: HTMLParser) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for a in tree.css("a[href]"):
        href = (a.attributes.get("href") or "").strip()
        if href and _ATTACHMENT.search(href):
            text = _HTML_SPACE.sub(" ", a.text(deep=True, separator="")).strip()
            out.append((href, text))
    return out


# -- the article title -------------------------------------------------------------------
# Sites print the title (agency, year, 预算/决算) above the article body, outside it.
_TITLE_SELECTOR = "h1, h2, h3, [class*=title], [class*=Title], [id*=title]"
_DISCLOSURE_WORDS = re.compile(r"预算|决算")
_MAX_TITLE = 80


def article_title(tree: HTMLParser, content: Node) -> str | None:
    """The first short heading of the page that names a budget or final accounts."""
    inside = {n.mem_id for n in content.traverse()}  # mem_id: the node itself, not its Python wrapper
    for node in tree.css(_TITLE_SELECTOR):
        if node.mem_id in inside:
            continue
        title = " ".join(node.text(separator=" ").split())
        if title and len(title) <= _MAX_TITLE and _DISCLOSURE_WORDS.search(title):
            return title
    return None


# -- tables ------------------------------------------------------------------------------


_SPAN = re.compile(r"[ \t\n\r\f]*([0-9]+)")  # ASCII digits only: "²" or "٣" is no span
_BROWSER_COLSPAN = 1000  # browsers read a larger colspan as 1000


def span_value(value: str | None) -> int:
    """A rowspan/colspan attribute as browsers read it: leading ASCII digits (after blanks),
    else 1; 0 is 1 here."""
    m = _SPAN.match(value or "")
    if m is None:
        return 1
    digits = m.group(1).lstrip("0") or "0"
    return max(1, int(digits) if len(digits) <= 18 else 10**18)


def _table_grid(
    table: Node, source: str = "<html>", limits: LoadLimits = DEFAULT
) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """The cell texts of an HTML table as a grid, colspan/rowspan as merged ranges. A span
    over ``html_span`` or a grid over ``html_cells`` fails the page; under them a colspan
    counts up to 1000 and a rowspan up to the table's last row, as in a browser."""
    grid: list[list[str]] = []
    merged: list[tuple[int, int, int, int]] = []
    taken: set[tuple[int, int]] = set()  # slots of later rows covered by a rowspan from above
    rows = table.css("tr")
    width = spanned = 0
    for r, row in enumerate(rows):
        grid.append([])
        c = 0
        for cell in row.iter():
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            span_c = span_value(cell.attributes.get("colspan"))
            span_r = span_value(cell.attributes.get("rowspan"))
            limits.check("html_span", span_c, source, "colspan of a table cell")
            limits.check("html_span", span_r, source, "rowspan of a table cell")
            span_c = min(span_c, _BROWSER_COLSPAN)
            span_r = min(span_r, len(rows) - r)
            width = max(width, c + span_c)
            limits.check(
                "html_cells", len(rows) * width, source, f"cells of a table ({len(rows)} rows × {width} columns)"
            )
            spanned += span_r * span_c  # spans may overlap: what CellGrid will spread out
            limits.check("html_cells", spanned, source, "cells covered by a table's spans")
            text = " ".join(cell.text(separator=" ").split())
            for dr in range(1, span_r):
                for dc in range(span_c):
                    taken.add((r + dr, c + dc))
            while len(grid[r]) < c:
                grid[r].append("")
            grid[r].append(text)
            grid[r].extend([""] * (span_c - 1))
            if span_c > 1 or span_r > 1:
                merged.append((r, c, r + span_r - 1, c + span_c - 1))
            c += span_c
    return grid, merged


def _lines_before(table: Node, limit: int = 3) -> list[str]:
    """The caption, or the short texts printed just above the table (its title, 单位：万元)."""
    caption = table.css_first("caption")
    if caption is not None:
        return [" ".join(caption.text().split())]
    lines: list[str] = []
    node = table.prev
    while node is not None and len(lines) < limit:
        text = " ".join((node.text(separator=" ") or "").split())
        if text:
            if len(text) > _MAX_TITLE:
                break
            lines.insert(0, text)
        node = node.prev
    return lines


def html_table(table: Node, source: str = "<html>", limits: LoadLimits = DEFAULT) -> list:
    """Standard tables (extractors.tables.model.Table) of one HTML <table>."""
    from gongkai.extractors.tables.grid import grid_tables

    grid, merged = _table_grid(table, source, limits)
    if not any(any(row) for row in grid):
        return []
    above = _lines_before(table)  # as rows above the grid: the title and unit rows
    shifted = [(r0 + len(above), c0, r1 + len(above), c1) for r0, c0, r1, c1 in merged]
    return grid_tables(above[0] if above else "", [[line] for line in above] + grid, shifted)


# -- the loader ------------------------------------------------------------------------


def load_html(
    source: str,
    data: bytes,
    content_selector: str | None = None,
    http_charset: str | None = None,
    limits: LoadLimits = DEFAULT,
) -> LoadedDocument:
    """An HTML disclosure from its bytes: the text of its main content. ``limits``: the page's
    source over ``text_chars``, a table span over ``html_span`` or a table over ``html_cells``
    fails it with ``too_large``."""
    limits.check(
        "text_chars", len(data) // 4, source, f"characters of the page's source (of {len(data)} bytes) at least"
    )
    html, encoding = decode_html(data, source, http_charset)
    check_text_chars(source, html, limits, f"characters of the page's source decoded as {encoding}")
    tree = HTMLParser(html)
    try:
        node = main_content(tree, content_selector)
    except DocumentError as exc:
        raise DocumentError(exc.reason, f"{source}: {exc.message}") from exc
    text = html_text(node)
    if not text.strip():
        raise DocumentError(Reason.EMPTY_FILE, f"{source}: the page has no text")
    title = article_title(tree, node)
    if title and title not in text[:200]:
        text = title + "\n" + text  # the stored text starts with the article's title
    tables = tuple(t for table in node.css("table") for t in html_table(table, source, limits))
    if not tables:  # a PDF printed as positioned boxes: one relative box per page
        from gongkai.extractors.tables.positioned import positioned_tables

        pages = node.css('div[style*="relative"]')
        tables = tuple(
            positioned_tables(
                (p.attributes.get("style") or "", [(c.text(), c.attributes.get("style") or "") for c in p.iter()])
                for p in pages
            )
        )
    links = tuple(_links(tree))
    return LoadedDocument(source, sha256_bytes(data), "text/html", encoding, text, tables=tables, attachments=links)
