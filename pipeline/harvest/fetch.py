"""Fetching one URL politely and safely (httpx), for the harvester.

* only http(s) URLs on the site's allowed hosts; redirects are followed by hand, at most
  ``max_redirects``, and each hop must stay on the allowed hosts;
* retries with exponential backoff on timeouts, connection errors and 5xx — never on 4xx;
* a size cap: the body is streamed and abandoned past ``max_bytes``;
* conditional requests (ETag / Last-Modified): an unchanged document answers 304;
* robots.txt is honoured (one read per host and client);
* a User-Agent naming gongkai; the content type is sniffed from the bytes.
Failures are a closed vocabulary (:class:`FetchReason`), never ad-hoc strings.

Network safety
--------------
**A deadline per request.** ``FetchSettings.timeout`` is the whole time one attempt may
take, not the wait for each read: name resolution, connect, TLS, sending, every redirect
hop of the attempt and the last byte of the streamed body all fall inside it (a server
sending one byte a second cannot hold a URL longer). Each socket operation gets what is
left of the deadline as its timeout, so nothing can block past it. Waiting for a politeness
slot (:class:`HostLimiter`) does not count. An attempt over its deadline fails with
``timeout``. Retries each get a deadline of their own, so one :meth:`Fetcher.fetch` lasts
at most ``FetchSettings.worst_case`` = ``(retries + 1) * timeout + backoff * (2**retries -
1)`` seconds, politeness waits aside (20 s, 3 retries and 1 s backoff: 87 s); the first
URL of a host also reads its robots.txt, under one deadline of its own.

**Allowed hosts are host and port.** An ``allowed_hosts`` entry is ``host`` or
``host:port`` (an IPv6 address in brackets, ``[::1]:8080``). A bare host allows its
scheme's default port only (80 for http, 443 for https); ``host:port`` allows that port
(for http and https). A URL, link or redirect to another port of an allowed host is
refused like one to another host (``not_allowed``, ``redirect_off_site``).

**Resolved addresses are checked, and pinned.** Before connecting, the host name is
resolved and every address it resolves to must be global (``ipaddress``: not loopback,
private, link-local, multicast, unspecified, reserved, shared or otherwise non-global);
otherwise the request fails with ``private_address`` and nothing is connected. Every
harvested host is in ``allowed_hosts``, so being listed is not an opt-in by itself. A
private address needs one of two explicit opt-ins: the site's ``allow_private = true``
(its host names may resolve anywhere, e.g. an intranet mirror), or an IP literal listed in
``allowed_hosts`` (``127.0.0.1:8080``: URLs naming that literal; the test sites do this).
The check and the connection use the same answer: the connection is opened to the checked
IP address itself (a network backend of httpcore's, under httpx's transport), never by
resolving the name again, so a DNS answer that changes between the two (DNS rebinding)
cannot slip past. TLS still verifies the certificate against the host name.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import ssl
import threading
import time
import typing
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from gongkai.extractors.load import formats

USER_AGENT = "gongkai/0.1 (+https://github.com/gongkai; fiscal-transparency harvester)"
DEFAULT_PORTS = {"http": 80, "https": 443}
ROBOTS_MAX_BYTES = 512 * 1024


class FetchReason(str, Enum):
    NOT_ALLOWED = "not_allowed"  # not http(s), or a host (or port) the site does not allow
    ROBOTS = "robots_disallowed"  # robots.txt forbids it
    REDIRECT_LOOP = "too_many_redirects"
    REDIRECT_FOREIGN = "redirect_off_site"  # a redirect to a host (or port) the site does not allow
    PRIVATE_ADDRESS = "private_address"  # the host is (or resolves to) a non-global address not opted in
    TOO_LARGE = "too_large"
    HTTP_ERROR = "http_error"  # a 4xx (not retried) or a 5xx after the retries
    TIMEOUT = "timeout"  # over the deadline of every attempt
    CONNECTION = "connection_error"
    TRUNCATED = "truncated"  # fewer bytes than Content-Length
    WRONG_TYPE = "wrong_content_type"  # e.g. an HTML error page where a .pdf was linked

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class FetchSettings:
    timeout: float = 20.0  # the deadline of one attempt: connect to last byte, redirect hops included
    retries: int = 3
    backoff: float = 1.0  # seconds, doubled each retry
    max_bytes: int = 50 * 2**20
    max_redirects: int = 5

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.retries < 0 or self.backoff < 0 or self.max_bytes <= 0 or self.max_redirects < 0:
            raise ValueError(f"bad fetch settings: {self}")

    @property
    def worst_case(self) -> float:
        """Seconds one :meth:`Fetcher.fetch` can last, politeness waits and robots.txt aside:
        every attempt its deadline, plus the backoff sleeps between them."""
        return (self.retries + 1) * self.timeout + self.backoff * (2**self.retries - 1)


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


# -- allowed hosts: host and port ---------------------------------------------------------------

_HOST_ENTRY = re.compile(r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[^\s/\\:@?#\[\]]+))(?::(?P<port>\d{1,5}))?$")


def _canonical(host: str) -> str:
    """A host as compared: lower case, an IP address in its standard spelling."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host.lower()


@lru_cache(maxsize=1024)
def host_entry(entry: str) -> tuple[str, int | None]:
    """An ``allowed_hosts`` entry, ``host`` or ``host:port`` (IPv6 in brackets), as (host,
    port or None for the scheme's default port); ValueError if it is neither."""
    m = _HOST_ENTRY.match(entry) if isinstance(entry, str) else None
    if m is None:
        raise ValueError(f"{entry!r} is not host or host:port (an IPv6 address in brackets)")
    port = int(m["port"]) if m["port"] else None
    if port is not None and not 0 < port < 65536:
        raise ValueError(f"{entry!r}: port {port} is not 1..65535")
    if m["v6"]:
        try:
            return str(ipaddress.IPv6Address(m["v6"])), port
        except ValueError as exc:
            raise ValueError(f"{entry!r}: {exc}") from exc
    return _canonical(m["name"]), port


def allowed(url: str, hosts: Iterable[str]) -> bool:
    """An http(s) URL whose host and port an entry of ``hosts`` names (a bare host: the
    scheme's default port)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number, or out of range
        return False
    default = DEFAULT_PORTS.get(parts.scheme)
    if default is None or not parts.hostname:
        return False
    host, port = _canonical(parts.hostname), default if port is None else port
    for entry in hosts:
        try:
            entry_host, entry_port = host_entry(entry)
        except ValueError:
            continue
        if entry_host == host and (default if entry_port is None else entry_port) == port:
            return True
    return False


# -- resolved addresses: checked and pinned ------------------------------------------------------


class AddressRefused(Exception):
    """The host is, or resolves to, an address the site did not opt in to (nothing was connected)."""


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def address_kind(ip: IPAddress) -> str | None:
    """None for a global address; otherwise what it is (loopback, private, …)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind in ("loopback", "link_local", "private", "multicast", "unspecified", "reserved"):
        if getattr(ip, "is_" + kind):
            return kind.replace("_", "-")
    return None if ip.is_global else "non-global"


class _Deadline(threading.local):
    """When the current thread's request must be over (``time.monotonic()``), or None."""

    at: float | None = None

    def start(self, seconds: float, waited: float) -> None:
        """The first hop starts the deadline; a later hop's wait for its politeness slot is added."""
        self.at = time.monotonic() + seconds if self.at is None else self.at + waited

    def left(self, timeout: float | None, late: type[Exception]) -> float | None:
        """``timeout`` cut to what is left of the deadline; ``late`` is raised once it has passed."""
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if left <= 0:
            raise late("over the request's deadline")
        return left if timeout is None else min(timeout, left)


def _resolve(host: str, port: int, timeout: float | None) -> list[IPAddress]:
    """The addresses of ``host``, within ``timeout`` (getaddrinfo has none of its own, so it
    runs in a daemon thread that is abandoned when it is late)."""
    box: dict[str, typing.Any] = {}

    def run() -> None:
        try:
            box["answer"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            box["error"] = exc

    worker = threading.Thread(target=run, name=f"resolve {host}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise httpcore.ConnectTimeout(f"resolving {host} ran over the request's deadline")
    if "error" in box:
        raise httpcore.ConnectError(f"cannot resolve {host}: {box['error']}")
    out: list[IPAddress] = []
    for *_, sockaddr in box["answer"]:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in out:
            out.append(ip)
    if not out:
        raise httpcore.ConnectError(f"{host} has no address")
    return out


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline):
        self._inner, self._deadline = inner, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        tls = self._inner.start_tls(ssl_context, server_hostname, self._deadline.left(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(tls, self._deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """httpcore's connections, opened only to checked addresses and bounded by the deadline."""

    def __init__(self, literals: frozenset[str], allow_private: bool, deadline: _Deadline):
        self.literals, self.allow_private, self.deadline = literals, allow_private, deadline
        self.inner: httpcore.NetworkBackend = httpcore.SyncBackend()

    def addresses(self, host: str, port: int) -> list[IPAddress]:
        """The checked addresses to connect to; AddressRefused when the site did not opt in."""
        try:
            literal: IPAddress | None = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if literal is not None:
            kind = address_kind(literal)
            if kind is None or self.allow_private or str(literal) in self.literals:
                return [literal]
            raise AddressRefused(f"{host} is a {kind} address (list it in allowed_hosts or set allow_private)")
        answer = _resolve(host, port, self.deadline.left(None, httpcore.ConnectTimeout))
        if not self.allow_private:
            for ip in answer:
                kind = address_kind(ip)
                if kind is not None:
                    raise AddressRefused(f"{host} resolves to {ip}, a {kind} address (the site does not allow_private)")
        return answer

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        error: Exception | None = None
        for ip in self.addresses(host, port):
            left = self.deadline.left(timeout, httpcore.ConnectTimeout)
            try:  # the checked address itself: no second resolution of the name
                stream = self.inner.connect_tcp(str(ip), port, left, local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
                continue
            return _DeadlineStream(stream, self.deadline)
        assert error is not None  # addresses() is never empty
        raise error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("the harvester does not use unix sockets")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _guarded_client(settings: FetchSettings, backend: _GuardedBackend) -> httpx.Client:
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx does not take a network backend; its httpcore pool does (httpcore.ConnectionPool's
    # network_backend), so it is set on the pool httpx made. tests/test_fetch.py fails if an
    # upgrade renames it.
    pool = transport._pool
    if not isinstance(pool, httpcore.ConnectionPool) or not hasattr(pool, "_network_backend"):
        raise RuntimeError("httpx/httpcore changed: cannot pin connections to checked addresses")
    pool._network_backend = backend
    return httpx.Client(
        transport=transport,
        timeout=settings.timeout,
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
        trust_env=False,
    )


# -- politeness ---------------------------------------------------------------------------------


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


# -- the fetcher --------------------------------------------------------------------------------


@dataclass
class Fetcher:
    """One client per harvest (it makes its own, so every connection is checked and bounded);
    robots.txt is read once per host. ``allow_private``: the site's opt-in to host names that
    resolve to non-global addresses (module docstring)."""

    hosts: tuple[str, ...]
    settings: FetchSettings = field(default_factory=FetchSettings)
    limiter: HostLimiter = field(default_factory=lambda: HostLimiter(rate=1000.0, concurrency=8))
    allow_private: bool = False
    client: httpx.Client = field(init=False, repr=False)
    backend: _GuardedBackend = field(init=False, repr=False)
    _deadline: _Deadline = field(init=False, repr=False, default_factory=_Deadline)
    _robots: dict = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        literals = set()
        for entry in self.hosts:
            try:
                host, _ = host_entry(entry)
                literals.add(str(ipaddress.ip_address(host)))
            except ValueError:
                continue
        self.backend = _GuardedBackend(frozenset(literals), self.allow_private, self._deadline)
        self.client = _guarded_client(self.settings, self.backend)

    @property
    def _http(self) -> httpx.Client:
        return self.client

    def close(self) -> None:
        self._http.close()

    @contextmanager
    def _in_flight(self, url: str) -> Iterator[None]:
        """A politeness slot for ``url``; the deadline starts (or, for a later redirect hop,
        is moved by the wait for the slot) once the slot is ours."""
        asked = time.monotonic()
        with self.limiter.slot(url):
            self._deadline.start(self.settings.timeout, time.monotonic() - asked)
            yield

    def robots_allow(self, url: str) -> bool:
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        if base not in self._robots:
            parser = RobotFileParser()
            lines: list[str] = []
            self._deadline.at = None
            try:
                with self._in_flight(base), self._http.stream("GET", base + "/robots.txt") as r:
                    if r.status_code == 200:
                        body = b""
                        for chunk in r.iter_bytes():
                            body += chunk
                            if len(body) > ROBOTS_MAX_BYTES:
                                break
                        lines = body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace").splitlines()
            except (httpx.HTTPError, AddressRefused):
                lines = []
            finally:
                self._deadline.at = None
            parser.parse(lines)
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
        """One attempt (following redirects) under one deadline; True when worth retrying."""
        current = url
        self._deadline.at = None
        try:
            for _ in range(self.settings.max_redirects + 1):
                with self._in_flight(current), self._http.stream("GET", current, headers=headers) as response:
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
        except AddressRefused as exc:
            self._fail(result, FetchReason.PRIVATE_ADDRESS, f"{url}: {exc}")
            return False
        except httpx.TimeoutException as exc:
            self._fail(
                result,
                FetchReason.TIMEOUT,
                f"{url}: timed out: not done within the {self.settings.timeout:g} s deadline ({type(exc).__name__})",
            )
            return True
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            self._fail(result, FetchReason.TRUNCATED, f"{url}: the body was cut short ({type(exc).__name__})")
            return True
        except httpx.TransportError as exc:
            self._fail(result, FetchReason.CONNECTION, f"{url}: {type(exc).__name__}: {exc}")
            return True
        finally:
            self._deadline.at = None

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
        for chunk in response.iter_bytes():  # every read ends by the deadline (_DeadlineStream)
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
