"""Fetching one URL politely and safely (httpx), for the harvester.

* only http(s) URLs on the site's allowed hosts; redirects are followed by hand, at most
  ``max_redirects``, and each hop must stay on the allowed hosts;
* retries with exponential backoff on timeouts, connection errors and 5xx — never on 4xx;
* a size cap: the body is streamed and abandoned past ``max_bytes``;
* conditional requests (ETag / Last-Modified): an unchanged document answers 304;
* robots.txt is honoured (one read per host and client);
* a User-Agent naming gongkai; the content type is sniffed from the bytes.
Failures are a closed vocabulary (:class:`FetchReason`), never ad-hoc strings.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from gongkai.extractors.load import formats

USER_AGENT = "gongkai/0.1 (+https://github.com/gongkai; fiscal-transparency harvester)"


class FetchReason(str, Enum):
    NOT_ALLOWED = "not_allowed"  # not http(s), or a host the site does not allow
    ROBOTS = "robots_disallowed"  # robots.txt forbids it
    REDIRECT_LOOP = "too_many_redirects"
    REDIRECT_FOREIGN = "redirect_off_site"  # a redirect to a host the site does not allow
    TOO_LARGE = "too_large"
    HTTP_ERROR = "http_error"  # a 4xx (not retried) or a 5xx after the retries
    TIMEOUT = "timeout"
    CONNECTION = "connection_error"
    TRUNCATED = "truncated"  # fewer bytes than Content-Length
    WRONG_TYPE = "wrong_content_type"  # e.g. an HTML error page where a .pdf was linked

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class FetchSettings:
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 1.0  # seconds, doubled each retry
    max_bytes: int = 50 * 2**20
    max_redirects: int = 5

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.retries < 0 or self.backoff < 0 or self.max_bytes <= 0 or self.max_redirects < 0:
            raise ValueError(f"bad fetch settings: {self}")


@dataclass
class FetchResult:
    url: str
    final_url: str | None = None
    status: int | None = None
    content: bytes | None = None
    content_type: str | None = None  # sniffed from the bytes
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    error: FetchReason | None = None
    message: str | None = None
    attempts: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None


_REDIRECTS = {301, 302, 303, 307, 308}  # (httpx counts 304 Not Modified as a redirect)


def sniff_type(data: bytes) -> str:
    """The container the bytes are (extractors/load/formats.py): never what the server claims."""
    return formats.sniff_container(data)


def allowed(url: str, hosts: tuple[str, ...]) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and (parts.hostname or "") in hosts


class HostLimiter:
    """Politeness per host: at most ``rate`` request starts per second and ``concurrency``
    requests in flight (shared by the threads of one harvest)."""

    def __init__(self, rate: float = 1.0, concurrency: int = 2):
        if rate <= 0 or concurrency < 1:
            raise ValueError(f"bad politeness: rate={rate}, concurrency={concurrency}")
        self.interval, self.concurrency = 1.0 / rate, concurrency
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._slots: dict[str, threading.Semaphore] = {}

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        host = urlsplit(url).netloc
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.Semaphore(self.concurrency))
        with semaphore:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next.get(host, now))
                self._next[host] = start + self.interval
            if start > now:
                time.sleep(start - now)
            yield


@dataclass
class Fetcher:
    """One client per harvest; robots.txt is read once per host."""

    hosts: tuple[str, ...]
    settings: FetchSettings = field(default_factory=FetchSettings)
    client: httpx.Client | None = None
    limiter: HostLimiter = field(default_factory=lambda: HostLimiter(rate=1000.0, concurrency=8))
    _robots: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.client is None:
            self.client = httpx.Client(
                timeout=self.settings.timeout,
                follow_redirects=False,
                headers={"User-Agent": USER_AGENT},
                trust_env=False,
            )

    @property
    def _http(self) -> httpx.Client:
        assert self.client is not None  # set in __post_init__
        return self.client

    def close(self) -> None:
        self._http.close()

    def robots_allow(self, url: str) -> bool:
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        if base not in self._robots:
            parser = RobotFileParser()
            try:
                with self.limiter.slot(base):
                    r = self._http.get(base + "/robots.txt")
                parser.parse(r.text.splitlines() if r.status_code == 200 else [])
            except httpx.HTTPError:
                parser.parse([])
            self._robots[base] = parser
        return self._robots[base].can_fetch(USER_AGENT, url)

    def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        result = FetchResult(url)
        if not allowed(url, self.hosts):
            return self._fail(result, FetchReason.NOT_ALLOWED, f"{url}: not an http(s) URL on {list(self.hosts)}")
        if not self.robots_allow(url):
            return self._fail(result, FetchReason.ROBOTS, f"{url}: disallowed by robots.txt")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        delay = self.settings.backoff
        for attempt in range(self.settings.retries + 1):
            result.attempts = attempt + 1
            retry = self._once(result, url, headers)
            if not retry or attempt == self.settings.retries:
                return result
            time.sleep(delay)
            delay *= 2
        return result

    def _once(self, result: FetchResult, url: str, headers: dict) -> bool:
        """One attempt (following redirects); True when worth retrying."""
        current = url
        try:
            for _ in range(self.settings.max_redirects + 1):
                with self.limiter.slot(current), self._http.stream("GET", current, headers=headers) as response:
                    if response.status_code in _REDIRECTS and "location" in response.headers:
                        target = urljoin(current, response.headers.get("location", ""))
                        if not allowed(target, self.hosts):
                            self._fail(result, FetchReason.REDIRECT_FOREIGN, f"{url}: redirected to {target}")
                            return False
                        current = target
                        continue
                    return self._read(result, url, current, response)
            self._fail(result, FetchReason.REDIRECT_LOOP, f"{url}: more than {self.settings.max_redirects} redirects")
            return False
        except httpx.TimeoutException as exc:
            self._fail(result, FetchReason.TIMEOUT, f"{url}: timed out ({type(exc).__name__})")
            return True
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            self._fail(result, FetchReason.TRUNCATED, f"{url}: the body was cut short ({type(exc).__name__})")
            return True
        except httpx.TransportError as exc:
            self._fail(result, FetchReason.CONNECTION, f"{url}: {type(exc).__name__}: {exc}")
            return True

    def _read(self, result: FetchResult, url: str, final: str, response: httpx.Response) -> bool:
        result.final_url, result.status = final, response.status_code
        if response.status_code == 304:
            result.not_modified, result.error, result.message = True, None, None
            return False
        if response.status_code >= 400:
            self._fail(result, FetchReason.HTTP_ERROR, f"{url}: HTTP {response.status_code}")
            return response.status_code >= 500
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.settings.max_bytes:
            self._fail(result, FetchReason.TOO_LARGE, f"{url}: {declared} bytes > {self.settings.max_bytes}")
            return False
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.settings.max_bytes:
                self._fail(result, FetchReason.TOO_LARGE, f"{url}: more than {self.settings.max_bytes} bytes")
                return False
            chunks.append(chunk)
        body = b"".join(chunks)
        if declared and declared.isdigit() and len(body) < int(declared):
            self._fail(result, FetchReason.TRUNCATED, f"{url}: {len(body)} of {declared} bytes")
            return True
        result.content, result.content_type = body, sniff_type(body)
        result.etag, result.last_modified = response.headers.get("etag"), response.headers.get("last-modified")
        result.error = result.message = None
        return False

    @staticmethod
    def _fail(result: FetchResult, reason: FetchReason, message: str) -> FetchResult:
        result.error, result.message = reason, message
        return result
