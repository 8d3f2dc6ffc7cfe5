"""The kinds of standard table, from ``schemas/table_kinds.toml`` (validated on load)."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class TableKind:
    name: str
    zh: str
    classification: str            # function | economic | none
    default_unit: str
    layout: str                    # grid | form
    patterns: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class TableKinds:
    kinds: tuple[TableKind, ...]
    measures: tuple[tuple[str, tuple[re.Pattern, ...], str | None, bool], ...]   # (key, patterns, group, by_period)
    empty: tuple[re.Pattern, ...]

    def kind(self, name: str) -> TableKind | None:
        return next((k for k in self.kinds if k.name == name), None)


def _compile(pattern: str, where: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as e:
        raise ValueError(f"table_kinds.toml {where}: bad regex {pattern!r}: {e}") from None


def parse_table_kinds(data: dict) -> TableKinds:
    kinds = []
    for i, k in enumerate(data.get("kind", [])):
        where = f"[[kind]] #{i + 1} ({k.get('name', '?')})"
        unknown = set(k) - {"name", "zh", "classification", "default_unit", "layout", "patterns"}
        if unknown or not k.get("name") or not k.get("patterns"):
            raise ValueError(f"table_kinds.toml {where}: needs name and patterns; unknown keys {sorted(unknown)}")
        if k.get("classification", "none") not in ("function", "economic", "none"):
            raise ValueError(f"table_kinds.toml {where}: classification must be function, economic or none")
        kinds.append(TableKind(
            k["name"], k.get("zh", ""), k.get("classification", "none"), k.get("default_unit", "元"),
            k.get("layout", "grid"), tuple(_compile(p, where) for p in k["patterns"])))
    names = [k.name for k in kinds]
    if len(set(names)) != len(names):
        raise ValueError("table_kinds.toml: duplicate kind names")
    measures = []
    for i, m in enumerate(data.get("measure", [])):
        where = f"[[measure]] #{i + 1} ({m.get('key', '?')})"
        if not m.get("key") or not m.get("patterns"):
            raise ValueError(f"table_kinds.toml {where}: needs key and patterns")
        unknown = set(m) - {"key", "patterns", "group", "by_period"}
        if unknown:
            raise ValueError(f"table_kinds.toml {where}: unknown keys {sorted(unknown)}")
        measures.append((m["key"], tuple(_compile(p, where) for p in m["patterns"]), m.get("group"),
                         bool(m.get("by_period"))))
    empty = tuple(_compile(p, "[empty]") for p in data.get("empty", {}).get("patterns", []))
    return TableKinds(tuple(kinds), tuple(measures), empty)


@lru_cache(maxsize=1)
def load_table_kinds() -> TableKinds:
    text = resources.files("gongkai.schemas").joinpath("table_kinds.toml").read_text(encoding="utf-8")
    return parse_table_kinds(tomllib.loads(text))

