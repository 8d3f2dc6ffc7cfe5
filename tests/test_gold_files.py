"""The hand-labeled gold files stay consistent with their texts (offsets, values, units)."""
from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import FIXTURES, SEED_GOLD

_spec = importlib.util.spec_from_file_location("verify_gold", FIXTURES / "gold" / "verify_gold.py")
verify_gold = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(verify_gold)

GOLD_FILES = [SEED_GOLD, *sorted((FIXTURES / "gold").glob("*.gold.json")),
              *sorted((FIXTURES / "heldout").glob("*.gold.json"))]


@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.name for p in GOLD_FILES])
def test_gold_file_is_consistent(path):
    errors, n_facts = verify_gold.check_file(path)
    assert not errors
    assert n_facts >= 20
