"""Harvest sources as data (a TOML file, `sources/example.toml`), validated on load.

Every mistake names the site and the key: a run never starts on a half-understood
configuration, and the harvester only ever talks to the hosts listed here.

``allowed_hosts`` entries are ``host`` (the scheme's default port: 80 for http, 443 for
https) or ``host:port`` (IPv6 in brackets); a port not named is not allowed. Addresses that
are not global (loopback, private, link-local, …) are refused unless the site opts in:
``allow_private = true`` for its host names, or an IP literal in ``allowed_hosts`` for URLs
naming that literal (pipeline/harvest/fetch.py's docstring has the whole design).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from gongkai.pipeline.harvest.fetch import allowed, host_entry

_KEYS = {
    "name",
    "province",
    "city",
    "listing_urls",
    "next_page",
    "disclosure_links",
    "attachments",
    "allowed_hosts",
    "allow_private",
    "requests_per_second",
    "concurrency_per_host",
    "schedule",
    "content_selector",
}
_REQUIRED = {"name", "listing_urls", "disclosure_links", "allowed_hosts"}
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")


class SourcesError(ValueError):
    """A bad sources file; the message names the site and the key."""


@dataclass(frozen=True)
class Site:
    name: str
    listing_urls: tuple[str, ...]
    disclosure_links: str
    allowed_hosts: tuple[str, ...]
    province: str | None = None
    city: str | None = None
    next_page: str = ""
    attachments: tuple[str, ...] = ("pdf", "xls", "xlsx", "doc", "docx")
    requests_per_second: float = 1.0
    concurrency_per_host: int = 2
    schedule: str = "0 3 * * *"
    content_selector: str | None = None
    allow_private: bool = False  # its host names may resolve to non-global addresses (opt-in)

    def allows(self, url: str) -> bool:
        """Only http(s) URLs on the site's allowed hosts and ports."""
        return allowed(url, self.allowed_hosts)


def _site(entry: dict, i: int) -> Site:
    where = f"[[site]] #{i + 1} ({entry.get('name', '?')})"
    unknown = set(entry) - _KEYS
    if unknown:
        raise SourcesError(f"{where}: unknown keys {sorted(unknown)}")
    missing = _REQUIRED - set(entry)
    if missing:
        raise SourcesError(f"{where}: missing keys {sorted(missing)}")
    if not _NAME.match(str(entry["name"])):
        raise SourcesError(f"{where}: name must be letters, digits, - or _")
    hosts = tuple(entry["allowed_hosts"]) if isinstance(entry["allowed_hosts"], list) else ()
    if not hosts:
        raise SourcesError(f"{where}: allowed_hosts must be a non-empty list of host or host:port")
    for host in hosts:
        try:
            if not isinstance(host, str):
                raise ValueError(f"{host!r} is not a string")
            host_entry(host)
        except ValueError as exc:
            raise SourcesError(f"{where}: allowed_hosts: {exc}") from exc
    allow_private = entry.get("allow_private", False)
    if not isinstance(allow_private, bool):
        raise SourcesError(f"{where}: allow_private must be true or false, got {allow_private!r}")
    urls = tuple(entry["listing_urls"])
    if not urls:
        raise SourcesError(f"{where}: listing_urls is empty")
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise SourcesError(f"{where}: listing_urls: {url!r} is not an http(s) URL")
        if not allowed(url, hosts):
            raise SourcesError(f"{where}: listing_urls: {url!r} is not on allowed_hosts {list(hosts)} (host and port)")
    for key in ("disclosure_links", "next_page"):
        pattern = entry.get(key, "")
        if pattern and not pattern.startswith("css:"):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise SourcesError(f"{where}: {key}: bad regex {pattern!r}: {exc}") from exc
    rps = float(entry.get("requests_per_second", 1.0))
    if not 0 < rps <= 20:
        raise SourcesError(f"{where}: requests_per_second must be in (0, 20], got {rps}")
    concurrency = int(entry.get("concurrency_per_host", 2))
    if not 1 <= concurrency <= 8:
        raise SourcesError(f"{where}: concurrency_per_host must be 1..8, got {concurrency}")
    schedule = entry.get("schedule", "0 3 * * *")
    fields = schedule.split()
    if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
        raise SourcesError(f"{where}: schedule: {schedule!r} is not a 5-field cron expression")
    return Site(
        name=entry["name"],
        listing_urls=urls,
        disclosure_links=entry["disclosure_links"],
        allowed_hosts=hosts,
        allow_private=allow_private,
        province=entry.get("province"),
        city=entry.get("city"),
        next_page=entry.get("next_page", ""),
        attachments=tuple(a.lower().lstrip(".") for a in entry.get("attachments", Site.attachments)),
        requests_per_second=rps,
        concurrency_per_host=concurrency,
        schedule=schedule,
        content_selector=entry.get("content_selector"),
    )


def parse_sources(text: str) -> tuple[Site, ...]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"not valid TOML: {exc}") from exc
    sites = tuple(_site(entry, i) for i, entry in enumerate(data.get("site", [])))
    if not sites:
        raise SourcesError("no [[site]] entries")
    names = [s.name for s in sites]
    duplicated = {n for n in names if names.count(n) > 1}
    if duplicated:
        raise SourcesError(f"site names must be unique: {sorted(duplicated)}")
    return sites


def load_sources(path: str | Path) -> tuple[Site, ...]:
    path = Path(path)
    try:
        return parse_sources(path.read_text(encoding="utf-8"))
    except SourcesError as exc:
        raise SourcesError(f"{path}: {exc}") from exc


def select_sites(sites: tuple[Site, ...], names: list[str] | None) -> tuple[Site, ...]:
    """The sites named (all when ``names`` is empty); an unknown name is an error."""
    if not names:
        return sites
    unknown = set(names) - {s.name for s in sites}
    if unknown:
        raise SourcesError(f"no site named {sorted(unknown)}; the sources file has {[s.name for s in sites]}")
    return tuple(s for s in sites if s.name in names)
