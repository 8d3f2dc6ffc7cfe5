"""The fetcher against a real local HTTP server (127.0.0.1, started by the tests).

Nothing here leaves the machine: the only server is on 127.0.0.1, and the tests that need
other host names answer them with a stub resolver (and, for a global address, a stub
connection that never connects)."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpcore
import pytest

from gongkai.pipeline.harvest.fetch import AddressRefused, Fetcher, FetchReason, FetchSettings, allowed

PAGE = "<html><head><meta charset='utf-8'></head><body>2024年部门预算</body></html>".encode()
PDF = b"%PDF-1.4 tiny"
STATE: dict = {"flaky": 0, "paths": []}
DRIP_BYTES, DRIP_INTERVAL = 100, 0.05  # a byte every 50 ms: each read is quick, the whole body 5 s


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        p = self.path
        STATE["paths"].append(p)
        if p == "/robots.txt":
            return self._send(200, b"User-agent: *\nDisallow: /private/\n")
        if p == "/page.html":
            if self.headers.get("If-None-Match") == '"v1"':
                return self._send(304)
            return self._send(
                200,
                PAGE,
                {"ETag": '"v1"', "Content-Type": "application/octet-stream", "Content-Length": str(len(PAGE))},
            )
        if p == "/table.pdf":
            return self._send(200, PDF, {"Content-Type": "text/html"})
        if p == "/flaky":
            STATE["flaky"] += 1
            return self._send(500) if STATE["flaky"] == 1 else self._send(200, PAGE)
        if p == "/missing":
            return self._send(404)
        if p == "/loop":
            return self._send(302, headers={"Location": "/loop"})
        if p == "/away":
            return self._send(302, headers={"Location": "http://evil.example.com/x"})
        if p == "/hop":
            return self._send(301, headers={"Location": "/page.html"})
        if p == "/big":
            return self._send(200, b"x" * 5000)
        if p == "/slow":
            time.sleep(1.5)
            return self._send(200, PAGE)
        if p == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", str(DRIP_BYTES))
            self.end_headers()
            try:
                for _ in range(DRIP_BYTES):  # bounded; stops when the client hangs up
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(DRIP_INTERVAL)
            except OSError:
                pass
            return None
        if p == "/drip-hop":  # a redirect to the dripping body: the hops share one deadline
            return self._send(302, headers={"Location": "/drip"})
        if p == "/other-port":
            return self._send(302, headers={"Location": "http://127.0.0.1:1/page.html"})
        if p == "/cut":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"only a little")
            return None
        return self._send(404)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.handle_error = lambda request, address: None  # clients that hang up (deadlines, size cap)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _host(server: str) -> str:
    return server.removeprefix("http://")  # 127.0.0.1:<port>


SETTINGS = FetchSettings(timeout=0.5, retries=1, backoff=0.01, max_bytes=4000)


@pytest.fixture
def fetcher(server):
    f = Fetcher((_host(server),), SETTINGS)  # the IP literal with its port: explicitly allowed
    yield f
    f.close()


def test_page_with_sniffed_type_and_conditional_request(server, fetcher):
    first = fetcher.fetch(server + "/page.html")
    assert first.ok and first.content == PAGE and first.content_type == "text/html" and first.etag == '"v1"'
    again = fetcher.fetch(server + "/page.html", etag=first.etag)
    assert again.ok and again.not_modified and again.content is None
    assert fetcher.fetch(server + "/table.pdf").content_type == "application/pdf"  # the bytes, not the header


def test_5xx_is_retried_4xx_is_not(server, fetcher):
    flaky = fetcher.fetch(server + "/flaky")
    assert flaky.ok and flaky.attempts == 2
    missing = fetcher.fetch(server + "/missing")
    assert missing.error == FetchReason.HTTP_ERROR and missing.attempts == 1 and "404" in missing.message


@pytest.mark.parametrize(
    "path,reason",
    [
        ("/loop", FetchReason.REDIRECT_LOOP),
        ("/away", FetchReason.REDIRECT_FOREIGN),
        ("/big", FetchReason.TOO_LARGE),
        ("/slow", FetchReason.TIMEOUT),
        ("/cut", FetchReason.TRUNCATED),
        ("/private/x.pdf", FetchReason.ROBOTS),
    ],
)
def test_faults_have_reasons(server, fetcher, path, reason):
    result = fetcher.fetch(server + path)
    assert result.error == reason and path in result.message


def test_redirect_on_site_is_followed(server, fetcher):
    hop = fetcher.fetch(server + "/hop")
    assert hop.ok and hop.final_url.endswith("/page.html")


def test_only_allowed_hosts_and_http(fetcher):
    assert fetcher.fetch("http://example.com/x").error == FetchReason.NOT_ALLOWED
    assert fetcher.fetch("file:///etc/passwd").error == FetchReason.NOT_ALLOWED


# -- the deadline: connect to last byte ----------------------------------------------------------


def test_the_deadline_covers_the_whole_body_and_each_retry(server, fetcher):
    """A server sending a byte every 50 ms never lets one read wait 0.5 s, yet the URL is given
    up after 0.5 s per attempt (not the 5 s the body would take)."""
    begin = time.monotonic()
    result = fetcher.fetch(server + "/drip")
    took = time.monotonic() - begin
    assert result.error == FetchReason.TIMEOUT and result.attempts == 2 and "/drip" in result.message
    assert "deadline" in result.message
    assert 2 * SETTINGS.timeout <= took < SETTINGS.worst_case + 0.5  # two deadlines and one backoff
    assert SETTINGS.worst_case == pytest.approx(2 * 0.5 + 0.01)


def test_redirect_hops_share_the_deadline(server):
    f = Fetcher((_host(server),), FetchSettings(timeout=0.6, retries=0, backoff=0))
    try:
        begin = time.monotonic()
        result = f.fetch(server + "/drip-hop")
        took = time.monotonic() - begin
    finally:
        f.close()
    assert result.error == FetchReason.TIMEOUT and result.attempts == 1 and 0.6 <= took < 1.1


def test_slow_name_resolution_is_inside_the_deadline(server, monkeypatch):
    real = socket.getaddrinfo

    def slow(host, *args, **kwargs):
        if host == "slow-dns.test":
            time.sleep(2.0)
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    port = _host(server).rsplit(":", 1)[1]
    f = Fetcher((f"slow-dns.test:{port}",), FetchSettings(timeout=0.3, retries=0), allow_private=True)
    try:
        begin = time.monotonic()
        result = f.fetch(f"http://slow-dns.test:{port}/page.html")
        took = time.monotonic() - begin
    finally:
        f.close()
    # robots.txt and the page: each its own 0.3 s deadline, neither waits out the 2 s lookup
    assert result.error == FetchReason.TIMEOUT and took < 1.5


# -- allowed hosts: host and port ---------------------------------------------------------------


def test_allowed_hosts_match_host_and_port():
    assert allowed("http://gov.cn/x", ("gov.cn",)) and allowed("https://gov.cn/x", ("gov.cn",))
    assert allowed("http://gov.cn:80/x", ("gov.cn",)) and allowed("https://GOV.cn:443/x", ("gov.cn",))
    assert not allowed("http://gov.cn:8080/x", ("gov.cn",))  # a bare host is the default port only
    assert not allowed("https://gov.cn:80/x", ("gov.cn",))  # https's default is 443
    assert allowed("http://gov.cn:8080/x", ("gov.cn:8080",)) and allowed("https://gov.cn:8080/x", ("gov.cn:8080",))
    assert not allowed("http://gov.cn/x", ("gov.cn:8080",))
    assert allowed("http://[::1]:8080/x", ("[0:0::1]:8080",)) and not allowed("http://[::1]/x", ("[::1]:8080",))
    assert not allowed("http://gov.cn:99999/x", ("gov.cn",)) and not allowed("ftp://gov.cn/x", ("gov.cn",))


def test_another_port_of_an_allowed_host_is_refused(server, fetcher):
    port = int(_host(server).rsplit(":", 1)[1])
    other = f"http://127.0.0.1:{port + 1}/page.html"
    assert fetcher.fetch(other).error == FetchReason.NOT_ALLOWED
    away = fetcher.fetch(server + "/other-port")
    assert away.error == FetchReason.REDIRECT_FOREIGN and "127.0.0.1:1/" in away.message
    bare = Fetcher(("127.0.0.1",), SETTINGS)  # port 80 only
    try:
        assert bare.fetch(server + "/page.html").error == FetchReason.NOT_ALLOWED
    finally:
        bare.close()


# -- resolved addresses: checked and pinned -------------------------------------------------------


def test_a_name_resolving_to_loopback_needs_allow_private(server):
    port = _host(server).rsplit(":", 1)[1]
    url = f"http://localhost:{port}/page.html"
    refused = Fetcher((f"localhost:{port}",), SETTINGS)
    before = len(STATE["paths"])
    try:
        result = refused.fetch(url)
    finally:
        refused.close()
    assert result.error == FetchReason.PRIVATE_ADDRESS and result.attempts == 1
    assert url in result.message and "127.0.0.1" in result.message and "loopback" in result.message
    assert len(STATE["paths"]) == before  # nothing was connected, robots.txt included
    opted_in = Fetcher((f"localhost:{port}",), SETTINGS, allow_private=True)
    try:
        assert opted_in.fetch(url).ok
    finally:
        opted_in.close()


def test_a_listed_ip_literal_is_the_opt_in(server):
    """127.0.0.1 listed (as the fixture does) is allowed; another loopback literal is not."""
    port = int(_host(server).rsplit(":", 1)[1])
    f = Fetcher((f"127.0.0.1:{port}", f"127.0.0.2:{port}"), SETTINGS)
    try:
        assert f.fetch(server + "/page.html").ok
        assert f.backend.addresses("127.0.0.1", port)  # the listed literal passes the check
        with pytest.raises(AddressRefused, match="loopback"):
            f.backend.addresses("127.0.0.3", port)  # one not listed does not
    finally:
        f.close()


class _NoConnection(httpcore.SyncBackend):
    """Records where a connection would go, and never connects."""

    def __init__(self):
        self.hosts: list[str] = []

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        self.hosts.append(host)
        raise httpcore.ConnectError("the test does not connect")


def test_the_checked_address_is_the_one_connected(monkeypatch):
    """DNS rebinding: the name answers a global address, then a loopback one. The connection
    goes to the checked address itself (an IP literal, never the name again), and the next
    connection, whose answer is loopback, is refused before connecting."""
    answers = iter(["93.184.215.14", "127.0.0.1", "127.0.0.1", "127.0.0.1"])
    asked: list[str] = []
    real = socket.getaddrinfo

    def resolver(host, port, *args, **kwargs):
        if host == "rebind.test":
            asked.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        assert host[0].isdigit(), f"{host}: only literals reach the system resolver"
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    f = Fetcher(("rebind.test",), FetchSettings(timeout=0.5, retries=0))
    f.backend.inner = none = _NoConnection()  # the global address is never really connected
    try:
        result = f.fetch("http://rebind.test/x.pdf")  # robots.txt: answer 1, the page: answer 2
    finally:
        f.close()
    assert none.hosts == ["93.184.215.14"] and asked == ["rebind.test", "rebind.test"]
    assert result.error == FetchReason.PRIVATE_ADDRESS and "127.0.0.1" in result.message


def test_a_pinned_name_is_connected_to_its_checked_address(server, monkeypatch):
    """A name only the stub resolver knows is fetched from 127.0.0.1: each connection is made
    to the address its check saw (the name is looked up once per connection, then only the
    literal reaches the system)."""
    port = _host(server).rsplit(":", 1)[1]
    real = socket.getaddrinfo
    asked: list[str] = []

    def resolver(host, *args, **kwargs):
        asked.append(host)
        return real("127.0.0.1" if host == "pinned.test" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    f = Fetcher((f"pinned.test:{port}",), SETTINGS, allow_private=True)
    try:
        result = f.fetch(f"http://pinned.test:{port}/page.html")
    finally:
        f.close()
    assert result.ok and result.content == PAGE
    assert asked and asked[0::2] == ["pinned.test"] * (len(asked) // 2) and set(asked[1::2]) == {"127.0.0.1"}


# -- politeness -----------------------------------------------------------------------------


def test_host_limiter_paces_request_starts_per_host():
    from gongkai.pipeline.harvest.fetch import HostLimiter

    limiter = HostLimiter(rate=20.0, concurrency=4)
    starts: list[float] = []
    begin = time.monotonic()
    for _ in range(5):
        with limiter.slot("http://a.example/x"):
            starts.append(time.monotonic() - begin)
    with limiter.slot("http://b.example/x"):  # another host is not held back
        other = time.monotonic() - begin
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert min(gaps) >= 0.045 and other - starts[-1] < 0.04


def test_host_limiter_caps_requests_in_flight():
    from concurrent.futures import ThreadPoolExecutor

    from gongkai.pipeline.harvest.fetch import HostLimiter

    limiter = HostLimiter(rate=1000.0, concurrency=2)
    state = {"now": 0, "max": 0}
    lock = threading.Lock()

    def work(_):
        with limiter.slot("http://a.example/x"):
            with lock:
                state["now"] += 1
                state["max"] = max(state["max"], state["now"])
            time.sleep(0.05)
            with lock:
                state["now"] -= 1

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(work, range(12)))
    assert state["max"] == 2


def test_host_limiter_rejects_bad_settings():
    from gongkai.pipeline.harvest.fetch import HostLimiter

    with pytest.raises(ValueError, match="rate=0"):
        HostLimiter(rate=0)
