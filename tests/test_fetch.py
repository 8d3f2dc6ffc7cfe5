"""The fetcher against a real local HTTP server (127.0.0.1, started by the tests)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gongkai.pipeline.harvest.fetch import Fetcher, FetchReason, FetchSettings

PAGE = "<html><head><meta charset='utf-8'></head><body>2024年部门预算</body></html>".encode()
PDF = b"%PDF-1.4 tiny"
STATE = {"flaky": 0}


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
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def fetcher():
    f = Fetcher(("127.0.0.1",), FetchSettings(timeout=0.5, retries=1, backoff=0.01, max_bytes=4000))
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
