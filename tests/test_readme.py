"""The README's opening commands, and the docs stay true to the code: every column, reason
code, fetch reason, ledger column and sources key is documented. (That every command and
example in the docs runs: tests/test_docs.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gongkai.schemas.tables import TABLES, schema_for

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def doc(name: str) -> str:
    return (ROOT / "docs" / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("table", TABLES)
def test_every_column_is_documented(table):
    dictionary = ROOT / "docs" / "data-dictionary.md"
    if not dictionary.exists():
        pytest.skip("docs/data-dictionary.md is generated from schemas/ and not there yet")
    text = dictionary.read_text(encoding="utf-8")
    missing = [f.name for f in schema_for(table) if not re.search(rf"(?<![\w]){re.escape(f.name)}(?![\w])", text)]
    assert not missing, (table, missing)


def test_reason_codes_are_documented():
    from gongkai.schemas.reasons import Reason

    outputs = doc("outputs.md")
    assert all(f"`{r.value}`" in outputs for r in Reason), [r.value for r in Reason if f"`{r.value}`" not in outputs]


def test_the_two_opening_commands():
    block = re.search(r"```bash\n(.*?)```", README, re.S).group(1).strip().splitlines()
    assert block[0].startswith('pip install -e ".[test]" && gongkai run')
    assert "python -m pytest" in block[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install -q -e ".[test]" && python -m pytest' in ci
    lint = ci.index("python -m ruff check . && python -m ruff format --check . && .ci/typecheck")
    assert lint < ci.index("python -m pytest")  # lint, format and types before the tests


def test_the_readme_stays_short():
    assert len(README.splitlines()) <= 200


def test_harvest_vocabularies_are_documented():
    from gongkai.pipeline.harvest.fetch import FetchReason
    from gongkai.pipeline.harvest.ledger import SCHEMA

    harvesting = doc("harvesting.md")
    assert all(f"`{r.value}`" in harvesting for r in FetchReason)
    columns = re.findall(r"^\s+(\w+) (?:TEXT|INTEGER)", SCHEMA, re.M)
    assert columns and all(f"`{c}`" in harvesting for c in columns), [c for c in columns if f"`{c}`" not in harvesting]


def test_every_sources_key_is_documented():
    from gongkai.pipeline.harvest.sources import _KEYS

    harvesting = doc("harvesting.md")
    example = (ROOT / "sources" / "example.toml").read_text(encoding="utf-8")
    assert all(f"`{k}`" in harvesting and f"#   {k}" in example for k in _KEYS)
