"""The README's data dictionary and commands stay true to the code."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from gongkai.schemas.tables import TABLES, schema_for

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("table", TABLES)
def test_every_column_is_documented(table):
    missing = [f.name for f in schema_for(table) if f"`{f.name}`" not in README]
    assert not missing, (table, missing)


def test_reason_codes_are_documented():
    from gongkai.schemas.reasons import Reason

    assert all(f"`{r.value}`" in README for r in Reason)


def test_the_two_opening_commands():
    block = re.search(r"```bash\n(.*?)```", README, re.S).group(1).strip().splitlines()
    assert block[0].startswith('pip install -e ".[test]" && gongkai run')
    assert 'python -m pytest' in block[1]
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install -q -e ".[test]" && python -m pytest' in ci


def test_harvest_vocabularies_are_documented():
    from gongkai.pipeline.harvest.fetch import FetchReason
    from gongkai.pipeline.harvest.ledger import SCHEMA

    assert all(f"`{r.value}`" in README for r in FetchReason)
    columns = re.findall(r"^\s+(\w+) (?:TEXT|INTEGER)", SCHEMA, re.M)
    assert columns and all(f"`{c}`" in README for c in columns), [c for c in columns if f"`{c}`" not in README]


def test_every_sources_key_is_documented():
    from gongkai.pipeline.harvest.sources import _KEYS

    example = (Path(__file__).parents[1] / "sources" / "example.toml").read_text(encoding="utf-8")
    assert all(f"`{k}`" in README and f"#   {k}" in example for k in _KEYS)
