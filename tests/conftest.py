from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gongkai.pipeline.run.settings import quiet_prefect

quiet_prefect()
os.environ.setdefault("HYPOTHESIS_PROFILE", "ci")

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "huaihua-zwfwzx-2024-budget.txt"
SEED_GOLD = FIXTURES / "huaihua-zwfwzx-2024-budget.gold.json"


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    """Rich tables printed by the CLI are read by the tests: no truncated columns."""
    monkeypatch.setenv("COLUMNS", "250")


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_gold() -> dict:
    return json.loads(SEED_GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_extraction():
    from gongkai.extractors.extract import extract_path

    return extract_path(SEED)


def extract_into(out: Path, paths, companions: bool = False) -> list:
    """Extract documents in-process (as the flow's task does) and write one validated output."""
    from gongkai.extractors.checks.disclosures import check_companions
    from gongkai.extractors.extract import extract_path
    from gongkai.pipeline.run.writer import OutputWriter

    extractions = [extract_path(p) for p in paths]
    if companions:
        check_companions(extractions)
    writer = OutputWriter(out)
    for ex in extractions:
        writer.add(ex)
    report = writer.commit()
    assert report.ok, report.failures
    return extractions
