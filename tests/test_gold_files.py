"""The hand-labeled gold files stay consistent with their texts (offsets, values, units)."""

from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import FIXTURES, SEED_GOLD

_spec = importlib.util.spec_from_file_location("verify_gold", FIXTURES / "gold" / "verify_gold.py")
verify_gold = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(verify_gold)

GOLD_FILES = [
    SEED_GOLD,
    *sorted((FIXTURES / "gold").glob("*.gold.json")),
    *sorted((FIXTURES / "heldout").glob("*.gold.json")),
]


@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.name for p in GOLD_FILES])
def test_gold_file_is_consistent(path):
    errors, n_facts = verify_gold.check_file(path)
    assert not errors
    assert n_facts >= 20


HTML_GOLD = sorted((FIXTURES / "html_gold").glob("*.gold.json"))


@pytest.mark.parametrize("path", HTML_GOLD, ids=[p.name for p in HTML_GOLD])
def test_web_page_gold_is_consistent(path, tmp_path):
    """Web-page gold offsets index the page's stored text (what extractors/load/html.py keeps)."""
    import json

    from gongkai.extractors.load.html import load_html

    gold = json.loads(path.read_text(encoding="utf-8"))
    page = path.with_name(gold["source"])
    text = load_html(page.name, page.read_bytes()).text
    (tmp_path / (page.stem + ".txt")).write_text(text, encoding="utf-8", newline="")
    copy = tmp_path / path.name
    copy.write_text(json.dumps({**gold, "source": page.stem + ".txt"}, ensure_ascii=False), encoding="utf-8")
    errors, n_facts = verify_gold.check_file(copy)
    assert not errors
    assert n_facts >= 20
