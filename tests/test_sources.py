"""Harvest sources are data: the example loads, and every mistake names site and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.pipeline.harvest.sources import SourcesError, load_sources, parse_sources

EXAMPLE = Path(__file__).parents[1] / "sources" / "example.toml"
GOOD = """[[site]]
name = "demo"
listing_urls = ["https://example.gov.cn/list/"]
disclosure_links = "/t\\\\d+\\\\.htm$"
allowed_hosts = ["example.gov.cn"]
"""


def test_the_example_loads():
    (site,) = load_sources(EXAMPLE)
    assert site.name == "pingtan-bmyjsgk" and site.allows(site.listing_urls[0])
    assert not site.allows("https://evil.example.com/x.pdf")
    assert not site.allows("file:///etc/passwd")


def test_defaults():
    (site,) = parse_sources(GOOD)
    assert site.attachments == ("pdf", "xls", "xlsx", "doc", "docx") and site.requests_per_second == 1.0


@pytest.mark.parametrize(
    "change,message",
    [
        (('allowed_hosts = ["example.gov.cn"]', 'allowed_hosts = ["other.gov.cn"]'), "not on allowed_hosts"),
        (("https://example.gov.cn/list/", "ftp://example.gov.cn/list/"), "not an http"),
        (('name = "demo"', 'name = "demo"\ncolour = "red"'), "unknown keys"),
        (('disclosure_links = "/t\\\\d+\\\\.htm$"', 'disclosure_links = "(unclosed"'), "disclosure_links: bad regex"),
        (('name = "demo"', 'name = "demo"\nschedule = "every day"'), "schedule"),
        (('name = "demo"', 'name = "demo"\nrequests_per_second = 100'), "requests_per_second"),
        (('name = "demo"', 'name = "a b"'), "name must be"),
    ],
)
def test_a_mistake_is_named(change, message):
    with pytest.raises(SourcesError, match=message):
        parse_sources(GOOD.replace(*change))


def test_duplicate_and_missing():
    with pytest.raises(SourcesError, match="unique"):
        parse_sources(GOOD + "\n" + GOOD)
    with pytest.raises(SourcesError, match="no \\[\\[site\\]\\]"):
        parse_sources("")
