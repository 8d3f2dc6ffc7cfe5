"""Harvesting against the fixture site on 127.0.0.1 (tests/harvest_site.py), without
Prefect: the task body ``harvest_site`` twice, the store, the ledger and link discovery."""

from __future__ import annotations

import hashlib
import sqlite3
import time

import pytest

from gongkai.pipeline.harvest import discover
from gongkai.pipeline.harvest.crawl import HarvestSettings, harvest_site
from gongkai.pipeline.harvest.fetch import FetchSettings
from gongkai.pipeline.harvest.ledger import Ledger
from gongkai.pipeline.harvest.sources import parse_sources
from gongkai.pipeline.harvest.store import RawStore
from tests.harvest_site import (
    CHANGING_PAGE,
    DRIP_PAGE,
    FAST_PAGES,
    FAULTY_ATTACHMENTS,
    FAULTY_PAGES,
    FLAKY_PAGE,
    GBK_PAGE,
    LISTINGS,
    OTHER_PORT_LINK,
    PAGES,
    PDF_PATH,
    SiteServer,
)

FAST = FetchSettings(timeout=0.5, retries=1, backoff=0.05, max_bytes=1 << 20)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """Harvest the fixture site, change one page, harvest again."""
    raw = tmp_path_factory.mktemp("harvest") / "raw"
    settings = HarvestSettings(raw, FAST)
    with SiteServer() as server:
        (site,) = parse_sources(server.sources())
        first = harvest_site(site, settings)
        first_log = list(server.log)
        server.change_page()
        second = harvest_site(site, settings)
        second_log = server.log[len(first_log) :]
    return server, settings, first, first_log, second, second_log


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _db(settings) -> sqlite3.Connection:
    db = sqlite3.connect(settings.ledger_path)
    db.row_factory = sqlite3.Row
    return db


def test_first_run_stores_every_reachable_document_once(two_runs):
    server, settings, first, _, _, _ = two_runs
    assert first.error is None and not first.resumed
    db = _db(settings)
    stored = {_path(r["url"]): r for r in db.execute("SELECT * FROM urls WHERE version_id IS NOT NULL")}
    assert set(PAGES) | {PDF_PATH, "/list/index.htm", "/list/index_1.htm"} <= set(stored)
    attachments = [p for p, r in stored.items() if r["role"] == "attachment"]
    assert len(attachments) == 36 and not set(FAULTY_ATTACHMENTS) & set(attachments)
    # each attachment belongs to the page that links it
    assert {_path(stored[p]["disclosure_url"]) for p in attachments} == set(PAGES)
    assert first.new == len(stored) and first.changed == 0
    # one version per URL (two for the page changed before the second run), and the file
    # in the store is the content the ledger names
    versions = db.execute("SELECT url, sha256, path FROM versions").fetchall()
    assert len(versions) == len(stored) + 1
    for v in versions:
        data = (settings.raw_dir / v["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == v["sha256"] and v["path"].startswith("store/" + v["sha256"][:2])


def test_every_fault_is_reported_with_its_reason(two_runs):
    _, _, first, _, _, _ = two_runs
    got = {_path(f.url): f.reason for f in first.failures}
    assert got == {**FAULTY_PAGES, **FAULTY_ATTACHMENTS}
    assert first.failed == len(got)
    assert all(f.message and f.url in f.message for f in first.failures)


def test_off_site_links_are_not_requested(two_runs):
    server, settings, *_ = two_runs
    db = _db(settings)
    assert not db.execute("SELECT 1 FROM urls WHERE url LIKE '%other.example.org%' OR url LIKE '%evil%'").fetchall()
    assert all(not p.startswith("http") for p, _ in server.log)
    # the listing links a page on another port of 127.0.0.1: the site allows only its own port
    assert OTHER_PORT_LINK.encode() in LISTINGS["/list/index.htm"]
    assert not db.execute("SELECT 1 FROM urls WHERE url = ?", (OTHER_PORT_LINK,)).fetchall()
    assert {u.split("/")[2] for (u,) in db.execute("SELECT url FROM urls")} == {server.host}


def test_gbk_page_and_flaky_page_are_stored(two_runs):
    _, settings, _, first_log, _, _ = two_runs
    db = _db(settings)
    gbk = db.execute(
        "SELECT v.path FROM urls u JOIN versions v USING (version_id) WHERE u.url LIKE ?", ("%" + GBK_PAGE,)
    ).fetchone()
    data = (settings.raw_dir / gbk["path"]).read_bytes()
    assert "平潭综合实验区公安局".encode("gbk") in data and gbk["path"].endswith(".html")
    assert [status for p, status in first_log if p == FLAKY_PAGE] == [500, 200]  # retried after the 500
    flaky = db.execute("SELECT version_id, error FROM urls WHERE url LIKE ?", ("%" + FLAKY_PAGE,)).fetchone()
    assert flaky["version_id"] is not None and flaky["error"] is None
    pdf = db.execute(
        "SELECT v.path FROM urls u JOIN versions v USING (version_id) WHERE u.url LIKE ?", ("%" + PDF_PATH,)
    ).fetchone()
    assert pdf["path"].endswith(".pdf")


def test_second_run_fetches_only_the_changed_page(two_runs):
    server, settings, first, _, second, second_log = two_runs
    assert (second.new, second.changed) == (0, 1)
    assert second.unchanged == first.new - 1
    full_bodies = {p for p, status in second_log if status == 200} - {"/robots.txt"}
    faulty_with_body = {p for p in FAULTY_ATTACHMENTS if FAULTY_ATTACHMENTS[p] != "http_error"} | {
        "/list/t_slow.htm",
        "/list/t_cut.htm",
    }
    assert full_bodies - faulty_with_body == {CHANGING_PAGE}
    assert sum(1 for _, status in second_log if status == 304) == second.unchanged


def test_changed_page_is_a_new_version_linked_to_the_old(two_runs):
    _, settings, *_ = two_runs
    db = _db(settings)
    rows = db.execute(
        "SELECT version_id, previous_version, path, extracted_at FROM versions WHERE url LIKE ? ORDER BY version_id",
        ("%" + CHANGING_PAGE,),
    ).fetchall()
    assert len(rows) == 2 and rows[1]["previous_version"] == rows[0]["version_id"]
    assert rows[0]["path"] != rows[1]["path"] and (settings.raw_dir / rows[0]["path"]).exists()
    current = db.execute("SELECT version_id FROM urls WHERE url LIKE ?", ("%" + CHANGING_PAGE,)).fetchone()
    assert current["version_id"] == rows[1]["version_id"]
    assert b"722.27" in (settings.raw_dir / rows[1]["path"]).read_bytes()


def test_failing_urls_are_retried_and_counted(two_runs):
    _, settings, _, _, second, second_log = two_runs
    assert {_path(f.url) for f in second.failures} == set(FAULTY_PAGES) | set(FAULTY_ATTACHMENTS)
    assert all(f.failures == 2 for f in second.failures)
    requested = {p for p, _ in second_log}
    assert (set(FAULTY_PAGES) - {"/private/t_secret.htm"}) | set(FAULTY_ATTACHMENTS) <= requested


def test_pending_extraction_groups_a_page_with_its_attachments(two_runs):
    _, settings, *_ = two_runs
    with Ledger(settings.ledger_path) as ledger:
        groups = ledger.pending_disclosures()
    # nothing extracted yet: every disclosure waits, each page with its attachments
    assert {_path(d) for d in groups} == set(PAGES) | {PDF_PATH}
    renda = next(m for d, m in groups.items() if d.endswith(CHANGING_PAGE))
    assert len(renda) == 11 and sum(1 for p in renda if p.role == "page") == 1


def test_failed_retry_not_linked_any_more_is_still_tried(tmp_path):
    """A URL that failed stays in the ledger and is tried on the next run even when no
    listing links it."""
    settings = HarvestSettings(tmp_path / "raw", FAST)
    with SiteServer() as server:
        (site,) = parse_sources(server.sources())
        with Ledger(settings.ledger_path) as m:
            run_id, _ = m.start_run(site.name)
            m.record_failure(
                server.url + "/list/t20200220_1.htm", site.name, "page", None, run_id, "timeout", "timed out"
            )
            m.finish_run(run_id, site.name)
        report = harvest_site(
            site.__class__(**{**site.__dict__, "listing_urls": (server.url + "/list/none.htm",)}), settings
        )
    assert report.new == 2  # the page and its attachment
    assert [f.reason for f in report.failures] == ["http_error"]  # the listing is gone (404)


def test_a_site_that_is_down_is_reported(tmp_path):
    settings = HarvestSettings(tmp_path / "raw", FetchSettings(timeout=0.5, retries=0))
    (site,) = parse_sources(
        '[[site]]\nname = "down"\nlisting_urls = ["http://127.0.0.1:9/list/"]\n'
        'disclosure_links = "t"\nallowed_hosts = ["127.0.0.1:9"]\n'
    )
    report = harvest_site(site, settings)
    assert report.error is None and report.failed == 1
    assert report.failures[0].reason == "connection_error"


# -- network safety -------------------------------------------------------------------------

DEADLINE = FetchSettings(timeout=0.5, retries=1, backoff=0.05, max_bytes=1 << 20)


@pytest.mark.parametrize("concurrency", [2, 1])
def test_a_slow_url_does_not_hold_up_the_others(tmp_path, concurrency):
    """Among six fast pages, one whose body comes a byte every 50 ms (10 s in all): the fast
    pages are all stored, the slow one fails with ``timeout``, and the whole harvest takes
    about the slow URL's bound (two 0.5 s deadlines and a backoff), not the server's 10 s.
    With two workers the fast pages go on while one worker waits; with one they wait at most
    that bound."""
    settings = HarvestSettings(tmp_path / "raw", DEADLINE)
    with SiteServer() as server:
        (site,) = parse_sources(server.drip_sources(concurrency=concurrency))
        begin = time.monotonic()
        report = harvest_site(site, settings)
        took = time.monotonic() - begin
        served = server.served()
    assert report.error is None and report.new == 1 + len(FAST_PAGES)  # the listing and the fast pages
    assert [(_path(f.url), f.reason) for f in report.failures] == [(DRIP_PAGE, "timeout")]
    assert "deadline" in report.failures[0].message
    assert set(FAST_PAGES) <= set(served) and served.count(DRIP_PAGE) == 2  # two attempts
    assert took < DEADLINE.worst_case + 2.0  # the slow URL's bound, plus the fast pages


def test_private_addresses_need_the_sites_opt_in(tmp_path):
    """The fixture site under the name localhost: refused before connecting unless the site
    sets ``allow_private`` (listing 127.0.0.1 itself is the other opt-in, as the fixture does)."""
    with SiteServer() as server:
        sources = server.drip_sources().replace(server.host, f"localhost:{server.port}")
        (site,) = parse_sources(sources)
        refused = harvest_site(site, HarvestSettings(tmp_path / "refused", DEADLINE))
        requested = list(server.log)
        (opted_in,) = parse_sources(sources.replace('name = "drip"', 'name = "drip"\nallow_private = true'))
        allowed = harvest_site(opted_in, HarvestSettings(tmp_path / "allowed", FAST))
    assert requested == []
    assert [f.reason for f in refused.failures] == ["private_address"] and refused.new == 0
    assert "loopback" in refused.failures[0].message
    assert allowed.new == 1 + len(FAST_PAGES)


# -- the store ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, data, suffix",
    [
        ("http://x/../../etc/passwd.pdf", b"%PDF-1.4 x", ".pdf"),
        ("http://x/a.xls", b"\xd0\xcf\x11\xe0 ole", ".xls"),
        ("http://x/a.doc", b"\xd0\xcf\x11\xe0 ole", ".doc"),
        ("http://x/a.exe", b"\xd0\xcf\x11\xe0 ole", ".xls"),
        ("http://x/page", b"<html><body>x</body></html>", ".html"),
        ("http://x/a.sh", b"\x00\x01binary", ".bin"),
    ],
)
def test_store_path_comes_from_the_content(tmp_path, url, data, suffix):
    from gongkai.pipeline.harvest.fetch import sniff_type

    store = RawStore(tmp_path)
    stored = store.put(data, sniff_type(data), url)
    sha = hashlib.sha256(data).hexdigest()
    assert stored.path.as_posix() == f"store/{sha[:2]}/{sha}{suffix}" and stored.new
    assert store.read(stored.path) == data
    assert not store.put(data, sniff_type(data), url).new
    assert list(tmp_path.rglob("*")) == [tmp_path / "store", tmp_path / "store" / sha[:2], tmp_path / stored.path]


def test_store_sweeps_temporary_files(tmp_path):
    store = RawStore(tmp_path)
    store.put(b"%PDF-1 a", "application/pdf", "http://x/a.pdf")
    stray = next((tmp_path / "store").iterdir()) / ".tmp-abc"
    stray.write_bytes(b"half")
    assert store.sweep() == 1 and not stray.exists()


# -- link discovery -----------------------------------------------------------------------

LISTING = """<html><head><base href="http://site.gov.cn/list/"></head><body>
<div class="nav"><a href="/">首页</a></div>
<ul class="list"><li><a href="t20240101_1.htm">2024年A局部门预算</a></li>
<li><a href="./t20240102_2.htm#top">2024年B局部门预算</a></li>
<li><a href="javascript:void(0)">打印</a></li><li><a href="t20240101_1.htm">重复</a></li></ul>
<a href="index_1.htm">下一页</a><a href="mailto:x@y">邮件</a></body></html>""".encode()


def test_disclosure_links_by_regex_and_css():
    url = "http://site.gov.cn/list/index.htm"
    by_regex = [link.url for link in discover.disclosure_links(LISTING, url, r"/t\d{8}_\d+\.htm$")]
    assert by_regex == ["http://site.gov.cn/list/t20240101_1.htm", "http://site.gov.cn/list/t20240102_2.htm"]
    by_css = [link.url for link in discover.disclosure_links(LISTING, url, "css:ul.list")]
    assert by_css == by_regex
    assert [link.url for link in discover.next_pages(LISTING, url, r"index_\d+\.htm$")] == [
        "http://site.gov.cn/list/index_1.htm"
    ]


def test_attachment_links_and_type_mismatch():
    page = '<a href="/files/附件1.XLS">表</a><a href="a.pdf">正文</a><a href="b.htm">x</a>'.encode()
    got = discover.attachment_links(page, "http://s/p/t.htm", ("pdf", "xls"))
    assert [(link.url, link.text) for link in got] == [("http://s/files/附件1.XLS", "表"), ("http://s/p/a.pdf", "正文")]
    assert discover.type_mismatch("http://s/a.pdf", "text/html")
    assert not discover.type_mismatch("http://s/a.pdf", "application/pdf")
    assert not discover.type_mismatch("http://s/t.htm", "application/pdf")  # a page may be a PDF


def test_a_manifest_from_before_the_run_counts_is_migrated(tmp_path):
    """A manifest written before ``runs`` kept its counts opens, gains the columns, keeps its rows."""
    path = tmp_path / "manifest.sqlite"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE runs (run_id TEXT NOT NULL, site TEXT NOT NULL, started TEXT NOT NULL, "
        "finished TEXT, status TEXT NOT NULL, PRIMARY KEY (run_id, site));"
        "INSERT INTO runs VALUES ('r1', 'fixture', '2026-01-01T00:00:00+00:00', NULL, 'running');"
    )
    old.commit()
    old.close()
    with Ledger(path) as ledger:
        run_id, resumed = ledger.start_run("fixture")
        assert (run_id, resumed) == ("r1", True)  # the interrupted run is resumed
        assert ledger.finish_run(run_id, "fixture") == {"new": 0, "changed": 0, "unchanged": 0, "failed": 0}
        row = ledger._one("SELECT status, new, failed FROM runs WHERE run_id = 'r1'")
        assert tuple(row) == ("complete", 0, 0)
    with Ledger(path) as ledger:  # opening again adds nothing twice
        columns = [r[1] for r in ledger.db.execute("PRAGMA table_info(runs)")]
        assert columns.count("new") == 1
