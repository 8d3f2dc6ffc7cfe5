"""A Prefect flow run is named after gongkai's run id, and its logs reach a Prefect server the
user points at (issue 13, item 8)."""

from __future__ import annotations

import os

import pytest
from prefect import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
from prefect.testing.utilities import prefect_test_harness

from gongkai.pipeline.flows import RUN_ID, extract_flow, harvest_flow
from gongkai.pipeline.run.history import new_run_id
from gongkai.pipeline.run.settings import PREFECT_DEFAULTS, quiet_prefect
from tests.conftest import SEED
from tests.harvest_site import SiteServer

LOGS_TO_API = "PREFECT_LOGGING_TO_API_ENABLED"


# --- logs reach the server when PREFECT_API_URL is set ----------------------------------------


@pytest.fixture
def clean_env(monkeypatch):
    """No Prefect settings in the environment (monkeypatch restores them afterwards)."""
    for key in [*PREFECT_DEFAULTS, "PREFECT_API_URL"]:
        monkeypatch.setenv(key, "placeholder")  # recorded, so the test's changes are undone
        monkeypatch.delenv(key)
    return monkeypatch


def test_without_a_server_of_ones_own_logs_stay_local(clean_env):
    quiet_prefect()
    assert os.environ[LOGS_TO_API] == "false"
    assert all(os.environ[k] == v for k, v in PREFECT_DEFAULTS.items())


def test_with_prefect_api_url_logs_go_to_the_server(clean_env):
    clean_env.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    quiet_prefect()
    assert os.environ[LOGS_TO_API] == "true"
    assert os.environ["PREFECT_LOGGING_LEVEL"] == "WARNING"  # the other quiet defaults stay


def test_a_blank_prefect_api_url_is_no_server(clean_env):
    clean_env.setenv("PREFECT_API_URL", " ")
    quiet_prefect()
    assert os.environ[LOGS_TO_API] == "false"


@pytest.mark.parametrize("api_url", [None, "http://127.0.0.1:4200/api"])
@pytest.mark.parametrize("explicit", ["true", "false"])
def test_the_users_own_setting_wins(clean_env, api_url, explicit):
    if api_url:
        clean_env.setenv("PREFECT_API_URL", api_url)
    clean_env.setenv(LOGS_TO_API, explicit)
    quiet_prefect()
    assert os.environ[LOGS_TO_API] == explicit


# --- flow runs named after the run id ---------------------------------------------------------


@pytest.fixture(scope="module")
def prefect_server():
    with prefect_test_harness(server_startup_timeout=120):
        yield


def _runs_named(name: str) -> list[tuple[str, str]]:
    """(flow name, flow run name) of every flow run called ``name``, read back from the server."""
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[name])))
        return sorted((client.read_flow(r.flow_id).name, r.name) for r in runs)


@pytest.mark.flow
def test_the_extract_flow_run_is_named_after_the_run_id(prefect_server, tmp_path):
    _, report = extract_flow([SEED], tmp_path / "out")
    assert report.ok and RUN_ID.fullmatch(report.run_id)
    assert (tmp_path / "out" / "runs" / report.run_id / "manifest.json").is_file()
    assert _runs_named(report.run_id) == [("gongkai-extract", report.run_id)]


@pytest.mark.flow
def test_a_run_id_given_by_the_caller_names_the_run_and_its_flow_run(prefect_server, tmp_path):
    run_id = new_run_id()
    _, report = extract_flow([SEED], tmp_path / "out", run_id=run_id)
    assert report.run_id == run_id and (tmp_path / "out" / "LATEST").read_text().strip() == run_id
    assert _runs_named(run_id) == [("gongkai-extract", run_id)]


@pytest.mark.flow
def test_a_harvest_and_its_extraction_are_named_after_the_run_they_write(prefect_server, tmp_path):
    with SiteServer() as site:
        (tmp_path / "sources.toml").write_text(site.sources() + "attachments = []\n", encoding="utf-8")
        result = harvest_flow(
            str(tmp_path / "sources.toml"), str(tmp_path / "raw"), str(tmp_path / "out"), timeout=5, retries=1
        )
    run_id = result.report.run_id
    assert result.documents and all(d.status != "failed" for d in result.documents) and RUN_ID.fullmatch(run_id)
    assert (tmp_path / "out" / "runs" / run_id).is_dir()
    assert _runs_named(run_id) == [("gongkai-extract", run_id), ("gongkai-harvest", run_id)]
