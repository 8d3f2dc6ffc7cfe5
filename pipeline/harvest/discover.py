"""Which links of a listing page are disclosures or the next listing page, and which
links of a disclosure page are its attachments. Pure functions over a page's bytes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from gongkai.extractors.load import formats
from gongkai.extractors.load.html import decode_html
from gongkai.pipeline.harvest.store import url_suffix

_SPACE = re.compile(r"\s+")
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#")


@dataclass(frozen=True)
class Link:
    url: str  # absolute, without fragment
    text: str


def _parse(data: bytes) -> HTMLParser:
    return HTMLParser(decode_html(data)[0])


def _absolute(base: str, href: str) -> str | None:
    href = href.strip()
    if not href or href.lower().startswith(_SKIP_SCHEMES):
        return None
    return urldefrag(urljoin(base, href))[0]


def _base(tree: HTMLParser, url: str) -> str:
    node = tree.css_first("base[href]")
    return urljoin(url, node.attributes.get("href") or "") if node else url


def links(data: bytes, url: str, selector: str | None = None) -> list[Link]:
    """Every <a href> of the page (or inside the nodes ``selector`` matches), absolute,
    in page order, each URL once."""
    tree = _parse(data)
    base = _base(tree, url)
    if selector:
        anchors = []
        for node in tree.css(selector):
            anchors.extend([node] if node.tag == "a" else node.css("a[href]"))
    else:
        anchors = tree.css("a[href]")
    seen: set[str] = set()
    out: list[Link] = []
    for a in anchors:
        target = _absolute(base, a.attributes.get("href") or "")
        if target and target not in seen:
            seen.add(target)
            out.append(Link(target, _SPACE.sub(" ", a.text(deep=True)).strip()))
    return out


def _matching(data: bytes, url: str, rule: str) -> list[Link]:
    if not rule:
        return []
    if rule.startswith("css:"):
        return links(data, url, rule[4:].strip())
    pattern = re.compile(rule)
    return [link for link in links(data, url) if pattern.search(link.url)]


def disclosure_links(data: bytes, url: str, rule: str) -> list[Link]:
    """Links of a listing page that are disclosures (a regex on the URL, or ``css:`` selector)."""
    return _matching(data, url, rule)


def next_pages(data: bytes, url: str, rule: str) -> list[Link]:
    """Links of a listing page to further listing pages."""
    return [link for link in _matching(data, url, rule) if link.url != url]


def attachment_links(data: bytes, url: str, suffixes: tuple[str, ...]) -> list[Link]:
    """Links of a disclosure page to files with one of ``suffixes`` (pdf, xls, …)."""
    wanted = {"." + s.lower().lstrip(".") for s in suffixes}
    return [link for link in links(data, url) if url_suffix(link.url) in wanted]


def type_mismatch(url: str, media_type: str) -> bool:
    """True when the bytes are not what the link's suffix promises (an HTML error page
    served for a .pdf link, say)."""
    expected = formats.accepted_containers(url_suffix(url))
    return bool(expected) and media_type not in expected
