"""Harvesting one site: discover → fetch → store → record (the body of the harvest task).

Listing pages (and the next pages they link to) give the disclosure pages; each page
gives its attachments. Fetches run in a thread pool sized by the site's concurrency per
host and paced by its requests per second; every result is stored and recorded in the
main thread, one ledger transaction per URL. A URL this run already handled (an
interrupted run being resumed) is not requested again; a URL that failed before is
tried again even if no listing links it any more.

A slow server holds up only its own URL: every attempt has a total deadline (connect to
last byte, pipeline/harvest/fetch.py), so a URL costs at most ``FetchSettings.worst_case``
seconds (its retries and backoff included). The fetches of a phase (the disclosure pages,
then the attachments) run ``concurrency_per_host`` at a time, so while one worker waits
out a slow URL the others go on fetching the rest; with ``concurrency_per_host = 1`` they
wait at most that bound. The listing pages are fetched one at a time (each names the next).
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.pipeline.harvest import discover
from gongkai.pipeline.harvest.fetch import Fetcher, FetchReason, FetchResult, FetchSettings, HostLimiter, sniff_type
from gongkai.pipeline.harvest.ledger import Ledger
from gongkai.pipeline.harvest.sources import Site
from gongkai.pipeline.harvest.store import RawStore

LEDGER_NAME = "manifest.sqlite"


@dataclass(frozen=True)
class HarvestSettings:
    raw_dir: Path = Path("raw")
    fetch: FetchSettings = field(default_factory=FetchSettings)
    max_listing_pages: int = 200

    def __post_init__(self) -> None:
        if self.max_listing_pages < 1:
            raise ValueError(f"max_listing_pages must be ≥ 1, got {self.max_listing_pages}")

    @property
    def ledger_path(self) -> Path:
        return Path(self.raw_dir) / LEDGER_NAME


@dataclass(frozen=True)
class Failure:
    url: str
    role: str
    reason: str
    message: str
    failures: int  # consecutive failed runs of this URL


@dataclass
class SiteReport:
    site: str
    run_id: str | None = None
    resumed: bool = False
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)
    error: str | None = None  # the site could not be harvested at all


@dataclass(frozen=True)
class _Job:
    url: str
    role: str  # listing | page | attachment
    disclosure_url: str | None


class _SiteHarvest:
    def __init__(self, site: Site, settings: HarvestSettings, ledger: Ledger, fetcher: Fetcher, run_id: str):
        self.site, self.settings, self.m, self.fetcher, self.run_id = site, settings, ledger, fetcher, run_id
        self.store = RawStore(settings.raw_dir)

    # -- one URL ---------------------------------------------------------------------------
    def _fetch(self, job: _Job) -> FetchResult | None:
        """Runs in a worker thread; None = this run already handled the URL (resume)."""
        if self.m.done_in_run(job.url, self.run_id):
            return None
        row, path = self.m.get(job.url), self.m.current_path(job.url)
        if row is None or path is None or not (self.store.root / path).exists():
            return self.fetcher.fetch(job.url, etag=None, last_modified=None)  # nothing stored to revalidate
        return self.fetcher.fetch(job.url, etag=row["etag"], last_modified=row["last_modified"])

    def _record(self, job: _Job, result: FetchResult | None) -> bytes | None:
        """Main thread: store and record; returns the URL's current content (None on failure)."""
        m, site = self.m, self.site.name
        if result is None:
            path = m.current_path(job.url)
            return self.store.read(path) if path else None
        if result.error is not None:  # not result.ok
            m.record_failure(
                job.url,
                site,
                job.role,
                job.disclosure_url,
                self.run_id,
                result.error.value,
                result.message or "",
                result.status,
                result.final_url,
            )
            return None
        if result.not_modified:
            m.record_unchanged(
                job.url, site, job.role, job.disclosure_url, self.run_id, result.status, result.final_url
            )
            current = m.current_path(job.url)
            assert current is not None, f"{job.url}: 304 Not Modified but no stored version"
            return self.store.read(current)
        # a success (Fetcher._read): the bytes and their sniffed type are set
        assert result.content is not None and result.content_type is not None
        if job.role != "listing" and discover.type_mismatch(result.final_url or job.url, result.content_type):
            m.record_failure(
                job.url,
                site,
                job.role,
                job.disclosure_url,
                self.run_id,
                FetchReason.WRONG_TYPE.value,
                f"{job.url}: linked as {discover.url_suffix(job.url)} but the server sent {result.content_type}",
                result.status,
                result.final_url,
            )
            return None
        stored = self.store.put(result.content, result.content_type, result.final_url or job.url)
        m.record_content(
            job.url,
            site,
            job.role,
            job.disclosure_url,
            self.run_id,
            sha256=stored.sha256,
            size=stored.size,
            media_type=result.content_type,
            path=str(stored.path),
            status=result.status,
            final_url=result.final_url,
            etag=result.etag,
            last_modified=result.last_modified,
        )
        return result.content

    def _run(self, jobs: Iterable[_Job], pool: ThreadPoolExecutor) -> list[tuple[_Job, bytes | None]]:
        jobs = list(jobs)
        return [(job, self._record(job, result)) for job, result in zip(jobs, pool.map(self._fetch, jobs))]

    # -- the site ------------------------------------------------------------------------
    def crawl(self) -> None:
        site = self.site
        with ThreadPoolExecutor(max_workers=site.concurrency_per_host) as pool:
            pages: dict[str, None] = {}
            queue, seen = list(site.listing_urls), set(site.listing_urls)
            while queue:  # listing pages, breadth first, one at a time (they name the next ones)
                url = queue.pop(0)
                ((_, body),) = self._run([_Job(url, "listing", None)], pool)
                if body is None:
                    continue
                for link in discover.disclosure_links(body, url, site.disclosure_links):
                    if site.allows(link.url):
                        pages.setdefault(link.url)
                for link in discover.next_pages(body, url, site.next_page):
                    if site.allows(link.url) and link.url not in seen and len(seen) < self.settings.max_listing_pages:
                        seen.add(link.url)
                        queue.append(link.url)
            retry = self.m.retry_candidates(site.name, self.run_id)
            for row in retry:
                if row["role"] == "page":
                    pages.setdefault(row["url"])
            attachments: dict[str, _Job] = {}
            for job, body in self._run([_Job(u, "page", u) for u in pages], pool):
                if body is None or sniff_type(body) != "text/html":
                    continue
                for link in discover.attachment_links(body, job.url, site.attachments):
                    if site.allows(link.url) and link.url not in pages:
                        attachments.setdefault(link.url, _Job(link.url, "attachment", job.url))
            for row in retry:
                if row["role"] == "attachment" and row["url"] not in attachments:
                    attachments[row["url"]] = _Job(row["url"], "attachment", row["disclosure_url"])
            self._run(attachments.values(), pool)


def harvest_site(site: Site, settings: HarvestSettings) -> SiteReport:
    """Harvest one site into the raw store and ledger; never raises (a broken site is
    reported with its error and the other sites go on)."""
    report = SiteReport(site.name)
    try:
        with Ledger(settings.ledger_path) as ledger:
            report.run_id, report.resumed = ledger.start_run(site.name)
            fetcher = Fetcher(
                site.allowed_hosts,
                settings.fetch,
                limiter=HostLimiter(site.requests_per_second, site.concurrency_per_host),
                allow_private=site.allow_private,
            )
            try:
                _SiteHarvest(site, settings, ledger, fetcher, report.run_id).crawl()
            finally:
                fetcher.close()
            for outcome, n in ledger.finish_run(report.run_id, site.name).items():
                setattr(report, outcome, n)
            report.failures = [
                Failure(r["url"], r["role"], r["error"], r["message"] or "", r["failures"])
                for r in ledger.failures(report.run_id, site.name)
            ]
    except Exception as exc:  # a bug or a broken ledger must not stop the other sites
        report.error = f"{site.name}: {type(exc).__name__}: {exc} ({traceback.format_exc(limit=-1).splitlines()[-1]})"
    return report
