"""`gongkai harvest` (the Prefect flow) against the fixture site: two runs, a killed run
resumed, and `gongkai serve` firing a scheduled harvest on a local Prefect server."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest
from prefect.testing.utilities import prefect_test_harness

from gongkai.pipeline.cli import EXIT_FAILED_DOCS, main
from gongkai.pipeline.run.settings import PREFECT_DEFAULTS
from tests.harvest_site import CHANGED_FIGURE, CHANGING_PAGE, FAULTY_ATTACHMENTS, FAULTY_PAGES, PAGES, SiteServer

FAST = ["--timeout", "0.5", "--retries", "1", "--backoff", "0.05", "--max-mb", "1"]
DOWN_SITE = (
    '\n[[site]]\nname = "down"\nlisting_urls = ["http://127.0.0.1:9/list/"]\n'
    'disclosure_links = "t"\nallowed_hosts = ["127.0.0.1:9"]\n'
)


@pytest.fixture(scope="module")
def harness():
    with prefect_test_harness(server_startup_timeout=120):
        yield


def _harvest(tmp: Path, sources: str, *extra: str) -> int:
    (tmp / "sources.toml").write_text(sources, encoding="utf-8")
    return main(
        [
            "harvest",
            "--sources",
            str(tmp / "sources.toml"),
            "--raw",
            str(tmp / "raw"),
            "--out",
            str(tmp / "out"),
            *FAST,
            *extra,
        ]
    )


def _documents(out: Path) -> dict[str, dict]:
    return {d["source"]: d for d in pq.read_table(out / "documents.parquet").to_pylist()}


@pytest.fixture(scope="module")
def two_harvests(harness, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("harvest-flow")
    with SiteServer() as server:
        sources = server.sources() + DOWN_SITE
        code1 = _harvest(tmp, sources)
        docs1 = _documents(tmp / "out")
        n = len(server.log)
        server.change_page()
        code2 = _harvest(tmp, sources)
        docs2 = _documents(tmp / "out")
        second_log = server.log[n:]
    return server, tmp, (code1, docs1), (code2, docs2), second_log


def test_first_harvest_extracts_every_stored_document(two_harvests, capsys):
    server, tmp, (code, docs), *_ = two_harvests
    assert code == EXIT_FAILED_DOCS  # the faults (and the site that is down) are failures
    assert len(docs) == 6 + 36  # 5 pages + 1 PDF, 36 attachments
    pages = {server.url + p: p for p in PAGES}
    assert set(pages) <= set(docs)
    assert all(d["status"] == "ok" for d in docs.values())
    # the attachments join their page's disclosure and take its agency, year and kind
    for page_url in pages:
        page = docs[page_url]
        members = [d for d in docs.values() if d["disclosure_id"] == page["disclosure_id"]]
        assert len(members) > 1
        assert {(d["agency"], d["fiscal_year"], d["doc_kind"]) for d in members} == {
            (page["agency"], page["fiscal_year"], page["doc_kind"])
        }
    # the site's province and city give a region to documents that name none
    assert all(d["region_code"] for d in docs.values())
    assert docs[server.url + "/list/t20161215_3.htm"]["agency"] == "平潭综合实验区公安局"  # the GBK page


def test_second_harvest_reextracts_only_the_changed_disclosure(two_harvests):
    server, tmp, (_, docs1), (code2, docs2), second_log = two_harvests
    assert code2 == EXIT_FAILED_DOCS
    # conditional requests: of the URLs that were stored, only the changed page sent a body
    bodies = {p for p, status in second_log if status == 200}
    assert bodies - set(FAULTY_ATTACHMENTS) - set(FAULTY_PAGES) - {"/robots.txt"} == {CHANGING_PAGE}
    assert set(docs1) == set(docs2)
    changed = server.url + CHANGING_PAGE
    assert docs1[changed]["sha256"] != docs2[changed]["sha256"]
    unchanged = [u for u in docs1 if docs1[u]["disclosure_id"] != docs1[changed]["disclosure_id"]]
    assert all(docs1[u] == docs2[u] for u in unchanged)
    facts = pq.read_table(tmp / "out" / "facts.parquet").to_pylist()
    raws = {f["raw"] for f in facts if f["doc_id"] == docs2[changed]["doc_id"]}
    assert f"{CHANGED_FIGURE}万元" in raws
    assert not any(f["doc_id"] == docs1[changed]["doc_id"] for f in facts)  # the old version's rows are gone


def test_harvest_reports_each_fault_and_the_site_down(two_harvests, capsys):
    server, tmp, *_ = two_harvests
    db = sqlite3.connect(tmp / "raw" / "manifest.sqlite")
    errors = dict(db.execute("SELECT url, error FROM urls WHERE error IS NOT NULL"))
    expected = {server.url + p: r for p, r in {**FAULTY_PAGES, **FAULTY_ATTACHMENTS}.items()}
    expected["http://127.0.0.1:9/list/"] = "connection_error"
    assert errors == expected
    runs = db.execute("SELECT site, status, new, changed, failed FROM runs ORDER BY started").fetchall()
    fixture = [r for r in runs if r[0] == "fixture"]
    assert [r[1:4] for r in fixture] == [("complete", 44, 0), ("complete", 0, 1)]
    assert [r[1:] for r in runs if r[0] == "down"] == [("complete", 0, 0, 1)] * 2


def test_harvest_summary_names_sites_and_reasons(harness, tmp_path, capsys):
    with SiteServer() as server:
        _harvest(tmp_path, server.sources(), "--no-extract")
    out = capsys.readouterr().out
    assert "fixture" in out and "redirect_off_site" in out and "too_many_redirects" in out
    assert not (tmp_path / "out").exists()


def test_bad_sources_file_is_a_usage_error(tmp_path, capsys):
    assert _harvest(tmp_path, '[[site]]\nname = "x"\n') == 2
    assert "missing keys" in capsys.readouterr().err


# -- killed and resumed ---------------------------------------------------------------------


def _quiet_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, **PREFECT_DEFAULTS, **extra}
    env.pop("PREFECT_API_URL", None)
    return env


def _versions(raw: Path) -> list[tuple[str, str]]:
    try:
        db = sqlite3.connect(f"file:{raw / 'manifest.sqlite'}?mode=ro", uri=True, timeout=5)
        return db.execute("SELECT url, sha256 FROM versions").fetchall()
    except sqlite3.Error:
        return []


def test_killed_harvest_resumes_without_loss_or_duplicates(harness, tmp_path, capsys):
    with SiteServer(attachment_delay=0.3) as server:
        (tmp_path / "sources.toml").write_text(server.sources(concurrency=2), encoding="utf-8")
        args = [
            "harvest",
            "--sources",
            str(tmp_path / "sources.toml"),
            "--raw",
            str(tmp_path / "raw"),
            "--out",
            str(tmp_path / "out"),
            *FAST,
        ]
        proc = subprocess.Popen(
            [sys.executable, "-c", "from gongkai.pipeline.cli import run_console; run_console()", *args],
            env=_quiet_env(),
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while len(_versions(tmp_path / "raw")) < 12 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        before = dict(_versions(tmp_path / "raw"))
        assert 12 <= len(before) < 44, "the harvest was not killed mid-run"
        n = len(server.log)
        server.attachment_delay = 0
        capsys.readouterr()
        assert main(args) == EXIT_FAILED_DOCS
        after_log = server.log[n:]
    assert "(resumed)" in capsys.readouterr().out
    # what the killed run stored is not requested again
    requested = {server.url + p for p, _ in after_log}
    assert not set(before) & requested
    # nothing lost, nothing duplicated, no half-written file
    versions = _versions(tmp_path / "raw")
    assert len(versions) == len({u for u, _ in versions}) == 44
    assert all(before[u] == sha for u, sha in versions if u in before)
    assert not list((tmp_path / "raw").rglob(".tmp-*"))
    assert len(_documents(tmp_path / "out")) == 42


# -- gongkai serve on a local Prefect server ------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _healthy(api: str) -> bool:
    try:
        return httpx.get(api + "/health", timeout=2, trust_env=False).status_code == 200
    except httpx.HTTPError:
        return False


def test_serve_runs_a_scheduled_harvest_on_a_local_prefect_server(tmp_path):
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = _quiet_env(
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="2",
        PREFECT_UI_ENABLED="false",
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        _wait(lambda: _healthy(api), 120, "the Prefect server")
        with SiteServer() as server:
            (tmp_path / "sources.toml").write_text(server.sources(), encoding="utf-8")  # schedule "* * * * *"
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        "from gongkai.pipeline.cli import run_console; run_console()",
                        "serve",
                        "--sources",
                        str(tmp_path / "sources.toml"),
                        "--raw",
                        str(tmp_path / "raw"),
                        "--out",
                        str(tmp_path / "out"),
                    ],
                    env={**env, "PREFECT_API_URL": api},
                    cwd=tmp_path,
                    start_new_session=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            _wait(lambda: (tmp_path / "out" / "documents.parquet").exists(), 240, "a scheduled harvest")
        runs = httpx.post(api + "/flow_runs/filter", json={"limit": 10}, timeout=10, trust_env=False).json()
        assert any(r["name"] and r["deployment_id"] for r in runs)
        # (default timeout and size cap here: the slow page and the big file come through too)
        assert {server.url + p for p in PAGES} <= set(_documents(tmp_path / "out"))
    finally:
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
