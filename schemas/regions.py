"""The regions gazetteer data, ``schemas/regions.csv`` and ``schemas/region_aliases.csv``, validated on load.

regions.csv holds the 6-digit division codes, names, short names, levels and parents
(built once by ``schemas/build_regions.py``, see ``schemas/REGIONS_SOURCE.md``);
region_aliases.csv the names that are not in the code table (平潭综合实验区 → 350128).
Resolving names to regions is extractors/facts/gazetteer.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from gongkai.schemas.datafile import DataFileError, csv_rows, read_text

REGIONS_FILE = "regions.csv"
ALIASES_FILE = "region_aliases.csv"
LEVELS = frozenset({"province", "prefecture", "county"})
_CODE = re.compile(r"\d{6}")


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    short_name: str
    level: str  # province · prefecture · county
    province_code: str
    prefecture_code: str  # "" for provinces, prefectures and counties of a municipality


@dataclass(frozen=True)
class RegionAlias:
    alias: str
    code: str  # a code of regions.csv


@dataclass(frozen=True)
class Regions:
    rows: tuple[RegionRow, ...]
    aliases: tuple[RegionAlias, ...]


def _at(file: str, line: int, label: object) -> str:
    return f"{file} line {line} {str(label)!r}"


def _region_row(row: Mapping[str, str | None], at: str) -> RegionRow:
    region = RegionRow(
        *(row[c] or "" for c in ("code", "name", "short_name", "level", "province_code", "prefecture_code"))
    )
    if not _CODE.fullmatch(region.code):
        raise DataFileError(f"{at}: 'code' must be 6 digits")
    if not region.name:
        raise DataFileError(f"{at}: 'name' is empty")
    if region.level not in LEVELS:
        raise DataFileError(f"{at}: 'level' must be one of {sorted(LEVELS)}, not {region.level!r}")
    return region


def _check_parents(rows: list[tuple[int, RegionRow]]) -> None:
    codes: set[str] = set()
    for line, r in rows:
        if r.code in codes:
            raise DataFileError(f"{_at(REGIONS_FILE, line, r.code)}: duplicate code")
        codes.add(r.code)
    for line, r in rows:
        if r.province_code not in codes or (r.prefecture_code and r.prefecture_code not in codes):
            raise DataFileError(f"{_at(REGIONS_FILE, line, r.code)}: parent code not in {REGIONS_FILE}")


def parse_regions(text: str) -> tuple[RegionRow, ...]:
    """The rows of regions.csv: 6-digit unique codes, known levels, parents that are rows."""
    rows = [
        (line, _region_row(row, _at(REGIONS_FILE, line, row.get("code"))))
        for line, row in csv_rows(
            text, REGIONS_FILE, ("code", "name", "short_name", "level", "province_code", "prefecture_code")
        )
    ]
    _check_parents(rows)
    return tuple(r for _, r in rows)


def parse_aliases(text: str, codes: frozenset[str]) -> tuple[RegionAlias, ...]:
    """The rows of region_aliases.csv (alias and code stripped), each naming a code of ``codes``."""
    aliases = []
    for line, row in csv_rows(text, ALIASES_FILE, ("alias", "code")):
        alias = RegionAlias((row["alias"] or "").strip(), (row["code"] or "").strip())
        if not alias.alias or alias.code not in codes:
            raise DataFileError(f"{_at(ALIASES_FILE, line, alias.alias)}: needs an alias and a code of {REGIONS_FILE}")
        aliases.append(alias)
    return tuple(aliases)


@cache
def load_regions() -> Regions:
    rows = parse_regions(read_text(REGIONS_FILE))
    return Regions(rows, parse_aliases(read_text(ALIASES_FILE), frozenset(r.code for r in rows)))
