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
    assert site.allow_private is False  # non-global addresses need an explicit opt-in


def test_allowed_hosts_are_host_and_port():
    (site,) = parse_sources(GOOD)  # a bare host: the scheme's default port
    assert site.allows("https://example.gov.cn/a.pdf") and site.allows("http://example.gov.cn:80/a.pdf")
    assert not site.allows("https://example.gov.cn:8443/a.pdf") and not site.allows("http://example.gov.cn:8080/")
    (site,) = parse_sources(
        GOOD.replace('["example.gov.cn"]', '["example.gov.cn:8443", "127.0.0.1:8080", "[::1]:9000"]')
        .replace("https://example.gov.cn/list/", "https://example.gov.cn:8443/list/")
        .replace('name = "demo"', 'name = "demo"\nallow_private = true')
    )
    assert site.allows("https://example.gov.cn:8443/x") and not site.allows("https://example.gov.cn/x")
    assert site.allows("http://127.0.0.1:8080/x") and not site.allows("http://127.0.0.1/x")
    assert site.allows("http://[::1]:9000/x") and site.allow_private is True


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
        (("https://example.gov.cn/list/", "https://example.gov.cn:8443/list/"), "not on allowed_hosts"),
        (('["example.gov.cn"]', '["example.gov.cn:http"]'), "allowed_hosts: 'example.gov.cn:http' is not host"),
        (('["example.gov.cn"]', '["https://example.gov.cn/"]'), "allowed_hosts: .* is not host"),
        (('["example.gov.cn"]', '["example.gov.cn:70000"]'), "port 70000"),
        (('["example.gov.cn"]', '["::1"]'), "IPv6 address in brackets"),
        (('["example.gov.cn"]', "[]"), "non-empty list"),
        (('["example.gov.cn"]', '"example.gov.cn"'), "non-empty list"),
        (('name = "demo"', 'name = "demo"\nallow_private = "yes"'), "allow_private must be true or false"),
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
