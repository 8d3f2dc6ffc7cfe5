"""A disclosure site on 127.0.0.1 for the harvest tests, built from real pages.

The pages are real Pingtan (Fujian) disclosure pages from tests/fixtures, their links to
www.pingtan.gov.cn made relative so their attachments come from this server; the PDF is
a real Jiangsu disclosure. The two listing pages are written here. Faults: a page that
answers 500 once, one that times out, one cut short, a redirect loop, a redirect to a
foreign host, a 404, a page robots.txt forbids, and among one page's attachments a file
over the size cap, an HTML error page served for an .xls, and a 404. ETag and
Last-Modified are served and conditional requests answered with 304. ``SiteServer.log``
records (path, status) of every request; ``change_page()`` edits one page's figure.

The first listing also links a page on another port of 127.0.0.1 (never requested: the
site allows only its own port). ``drip_sources()`` is a second, small site on the same
server: a listing of fast pages and one page whose body comes a byte at a time.

The sources name the host with its port (``127.0.0.1:<port>``): a bare host would mean
port 80. Listing the IP literal is also the site's opt-in to a loopback address.
"""

from __future__ import annotations

import hashlib
import io
import threading
import time
from email.utils import formatdate
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.sheet_fixtures import xlsx_bytes

FIXTURES = Path(__file__).parent / "fixtures"
REAL_HOST = "https://www.pingtan.gov.cn/"

# path → the real page it serves
PAGES = {
    "/list/t20200220_1.htm": FIXTURES / "html" / "fj_pt_zhengan_2020_budget.html",
    "/list/t20171101_2.htm": FIXTURES / "html_gold" / "fj_pt_renda_2017_budget.html",  # changes on demand
    "/list/t20161215_3.htm": FIXTURES / "html" / "fj_pt_gongan_2016_budget.html",  # served as GBK
    "/list/t20170818_4.htm": FIXTURES / "html_gold" / "fj_pt_fayuan_2016_final.html",  # faulty attachments
    "/list/t20180814_5.htm": FIXTURES / "html" / "fj_pt_suao_2017_final.html",  # 500 once, then 200
}
PDF_PATH = "/list/P020190301_6.pdf"
PDF_FILE = FIXTURES / "pdf_gold" / "js_swbgt_2019_budget_tables.pdf"
GBK_PAGE = "/list/t20161215_3.htm"
CHANGING_PAGE = "/list/t20171101_2.htm"
FLAKY_PAGE = "/list/t20180814_5.htm"
CHANGED_FIGURE = "722.27"
FAULTY_PAGES = {
    "/list/t_slow.htm": "timeout",
    "/list/t_cut.htm": "truncated",
    "/list/t_loop.htm": "too_many_redirects",
    "/list/t_away.htm": "redirect_off_site",
    "/list/t_gone.htm": "http_error",
    "/private/t_secret.htm": "robots_disallowed",
}
# attachments of the fayuan page (their real file names) that misbehave
FAULTY_ATTACHMENTS = {
    "/attachFiles/myfile/DATE_20170818/2c90b38b5dedfcd4015df4d34ed100be.xls": "too_large",
    "/attachFiles/myfile/DATE_20170818/2c90b38b5dedfcd4015df4d34fda00c0.xls": "wrong_content_type",
    "/attachFiles/myfile/DATE_20170818/2c90b38b5dedfcd4015df4d350b500c2.xls": "http_error",
}
MAX_BYTES = 1 << 20  # the tests harvest with --max-mb 1
ERROR_PAGE = "<html><head><meta charset='utf-8'><title>错误</title></head><body>文件不存在</body></html>".encode()


def _listing(items: list[str], next_href: str) -> bytes:
    rows = "\n".join(
        f'<li><a href="{href}">{i}. 2024年部门预算公开</a><span>2024-01-0{i % 9 + 1}</span></li>'
        for i, href in enumerate(items, 1)
    )
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>部门预决算公开</title></head><body>"
        f"<div class='nav'><a href='/'>首页</a></div><ul class='list'>{rows}</ul>"
        f"<div class='page'><a href='{next_href}'>下一页</a></div></body></html>"
    ).encode()


OTHER_PORT_LINK = "http://127.0.0.1:1/list/t_other_port.htm"  # an allowed host, another port

LISTINGS = {
    "/list/index.htm": _listing(
        [
            "t20200220_1.htm",
            "t20171101_2.htm",
            "./t20161215_3.htm",
            "/list/t20170818_4.htm",
            "t20180814_5.htm",
            "P020190301_6.pdf",
            "http://other.example.org/list/t1.htm",
            OTHER_PORT_LINK,
        ],
        "index_1.htm",
    ),
    "/list/index_1.htm": _listing(
        [
            "t_slow.htm",
            "t_cut.htm",
            "t_loop.htm",
            "t_away.htm",
            "t_gone.htm",
            "/private/t_secret.htm",
            "t20200220_1.htm#top",
        ],
        "index.htm",
    ),
}

# the drip site: fast pages and one that sends its body a byte every DRIP_INTERVAL seconds
FAST_PAGES = [f"/drip/t_fast_{i}.htm" for i in range(1, 7)]
DRIP_PAGE = "/drip/t_drip.htm"
DRIP_INTERVAL, DRIP_BYTES = 0.05, 200  # 10 s for the whole body, far over the tests' deadline
DRIP_LISTING = _listing([p.rsplit("/", 1)[1] for p in [*FAST_PAGES[:3], DRIP_PAGE, *FAST_PAGES[3:]]], "index.htm")


@cache
def spreadsheet(path: str) -> bytes:
    """A standard-table workbook, one per attachment path (so each is its own document),
    made once per process so it does not change between two harvests."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx_bytes()))
    wb.active["F1"] = f"附件 {Path(path).name}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def page_bytes(path: str, version: int) -> bytes:
    html = PAGES[path].read_bytes().decode("utf-8").replace(REAL_HOST, "/")
    if path == CHANGING_PAGE and version > 1:
        html = html.replace(">711.27<", f">{CHANGED_FIGURE}<", 1)  # 部门收入预算为711.27万元 → 722.27
    if path == GBK_PAGE:
        return html.replace('charset="utf-8"', 'charset="gbk"').encode("gbk", errors="xmlcharrefreplace")
    return html.encode("utf-8")


class SiteServer:
    """Start with ``with SiteServer() as site:``; ``site.url`` is its base URL."""

    def __init__(self, attachment_delay: float = 0.0):
        self.log: list[tuple[str, int]] = []
        self.version = 1
        self.flaky_calls = 0
        self.attachment_delay = attachment_delay
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # clients that hang up (timeouts, size cap)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.host = f"127.0.0.1:{self.port}"  # host and port: a bare host means port 80

    def __enter__(self) -> SiteServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def change_page(self) -> None:
        self.version += 1

    def served(self, status: int = 200) -> list[str]:
        return [p for p, s in self.log if s == status]

    def sources(self, rps: float = 20.0, concurrency: int = 4) -> str:
        return (
            f'[[site]]\nname = "fixture"\nprovince = "福建省"\ncity = "福州市"\n'
            f'listing_urls = ["{self.url}/list/index.htm"]\nnext_page = "index_\\\\d+\\\\.htm$"\n'
            f'disclosure_links = "/(t[^/]*\\\\.htm|P\\\\d+_\\\\d+\\\\.pdf)$"\n'
            f'allowed_hosts = ["{self.host}"]\nrequests_per_second = {rps}\n'
            f'concurrency_per_host = {concurrency}\nschedule = "* * * * *"\n'
        )

    def drip_sources(self, concurrency: int = 2) -> str:
        """A site of six fast pages and one dripping page (DRIP_PAGE), no attachments."""
        return (
            f'[[site]]\nname = "drip"\nlisting_urls = ["{self.url}/drip/index.htm"]\n'
            f'disclosure_links = "/t_[a-z0-9_]+\\\\.htm$"\nattachments = []\n'
            f'allowed_hosts = ["{self.host}"]\nrequests_per_second = 20.0\n'
            f"concurrency_per_host = {concurrency}\n"
        )

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: bytes = b"", headers: dict | None = None, length: int | None = None):
                with server._lock:
                    server.log.append((self.path, status))
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                self.end_headers()
                self.wfile.write(body)

            def _drip(self):
                with server._lock:
                    server.log.append((self.path, 200))
                self.send_response(200)
                self.send_header("Content-Length", str(DRIP_BYTES))
                self.end_headers()
                try:
                    for _ in range(DRIP_BYTES):  # bounded: stops after DRIP_BYTES or when the client hangs up
                        self.wfile.write(b"x")
                        self.wfile.flush()
                        time.sleep(DRIP_INTERVAL)
                except OSError:
                    pass

            def _document(self, body: bytes, content_type: str):
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304, headers={"ETag": etag})
                return self._send(
                    200,
                    body,
                    {"ETag": etag, "Content-Type": content_type, "Last-Modified": formatdate(1700000000, usegmt=True)},
                )

            def do_GET(self):
                p = self.path
                if p == "/robots.txt":
                    return self._send(200, b"User-agent: *\nDisallow: /private/\n")
                if p in LISTINGS:
                    return self._document(LISTINGS[p], "text/html; charset=utf-8")
                if p == FLAKY_PAGE:
                    server.flaky_calls += 1
                    if server.flaky_calls == 1:
                        return self._send(500, b"busy")
                if p in PAGES:
                    charset = "gbk" if p == GBK_PAGE else "utf-8"
                    return self._document(page_bytes(p, server.version), f"text/html; charset={charset}")
                if p == PDF_PATH:
                    return self._document(PDF_FILE.read_bytes(), "application/octet-stream")
                if p == "/drip/index.htm":
                    return self._document(DRIP_LISTING, "text/html; charset=utf-8")
                if p in FAST_PAGES:
                    body = f"<html><head><meta charset='utf-8'></head><body>{p} 预算</body></html>".encode()
                    return self._document(body, "text/html; charset=utf-8")
                if p == DRIP_PAGE:
                    return self._drip()
                if p == "/list/t_slow.htm":
                    time.sleep(2.0)
                    return self._send(200, b"late")
                if p == "/list/t_cut.htm":
                    return self._send(200, b"<html>" + "预算".encode() * 10, length=5000)
                if p == "/list/t_loop.htm":
                    return self._send(302, headers={"Location": "/list/t_loop.htm"})
                if p == "/list/t_away.htm":
                    return self._send(302, headers={"Location": "http://evil.example.com/list/t1.htm"})
                fault = FAULTY_ATTACHMENTS.get(p)
                if fault == "too_large":
                    return self._send(200, b"\xd0\xcf\x11\xe0" + b"\0" * (MAX_BYTES + 10))
                if fault == "wrong_content_type":
                    return self._send(200, ERROR_PAGE, {"Content-Type": "application/vnd.ms-excel"})
                if p.startswith("/attachFiles/") and fault is None:
                    if server.attachment_delay:
                        time.sleep(server.attachment_delay)
                    return self._document(spreadsheet(p), "application/octet-stream")
                return self._send(404, ERROR_PAGE)

        return Handler
