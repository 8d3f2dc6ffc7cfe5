"""Reading the data files of schemas/, and errors that name the file, the entry and the problem."""

from __future__ import annotations

import csv
import io
import re
import tomllib
from importlib import resources
from typing import overload

SNAKE_CASE = re.compile(r"[a-z][a-z0-9_]*")


class DataFileError(ValueError):
    """A data file of schemas/ is malformed: ``rules.toml [[sum]] #3 'xyz': unknown keys ['totl']``."""


def read_text(name: str) -> str:
    """The text of ``schemas/<name>``."""
    return resources.files("gongkai.schemas").joinpath(name).read_text(encoding="utf-8")


def parse_toml(text: str, file: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{file}: {exc}") from exc


def entries(data: dict, section: str, file: str) -> list[dict]:
    """The ``[[section]]`` entries of a TOML file (none when absent)."""
    found = data.get(section, [])
    if not isinstance(found, list) or not all(isinstance(e, dict) for e in found):
        raise DataFileError(f"{file}: '{section}' must be a list of [[{section}]] tables")
    return found


def entry_at(file: str, section: str, index: int, label: object) -> str:
    """How an error names an entry: ``rules.toml [[sum]] #3 'xyz'`` (index from 0, printed from 1)."""
    return f"{file} [[{section}]] #{index + 1} {str(label)!r}"


def check_keys(entry: dict, allowed: set[str], required: set[str], at: str) -> None:
    unknown = set(entry) - allowed
    if unknown:
        raise DataFileError(f"{at}: unknown keys {sorted(unknown)} (allowed: {sorted(allowed)})")
    missing = required - set(entry)
    if missing:
        raise DataFileError(f"{at}: missing keys {sorted(missing)}")


@overload
def string(entry: dict, key: str, at: str, default: str) -> str: ...
@overload
def string(entry: dict, key: str, at: str, default: None = None) -> str | None: ...
def string(entry: dict, key: str, at: str, default: str | None = None) -> str | None:
    """``entry[key]``, a string, else ``default`` when absent (a TOML table has no null: with a
    string default the result is a string)."""
    value = entry.get(key, default)
    if value is not None and not isinstance(value, str):
        raise DataFileError(f"{at}: '{key}' must be a string")
    return value


def required_str(entry: dict, key: str, at: str) -> str:
    """``entry[key]``, a string that must be there (as check_keys says when it is not)."""
    value = string(entry, key, at)
    if value is None:
        raise DataFileError(f"{at}: missing keys {[key]}")
    return value


def strings(entry: dict, key: str, at: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataFileError(f"{at}: '{key}' must be a list of strings")
    return tuple(value)


def snake_case(value: object, key: str, at: str) -> str:
    if not isinstance(value, str) or not SNAKE_CASE.fullmatch(value):
        raise DataFileError(f"{at}: '{key}' must be snake_case, not {value!r}")
    return value


def known(names: tuple[str, ...] | list[str], allowed: frozenset[str], what: str, at: str) -> None:
    """Every name is one of ``allowed`` (concepts of concepts.toml, kinds of table_kinds.toml …)."""
    unknown = sorted(set(names) - allowed)
    if unknown:
        raise DataFileError(f"{at}: unknown {what} {unknown}")


def compile_regex(pattern: str, at: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise DataFileError(f"{at}: bad regex {pattern!r}: {exc}") from exc


def csv_rows(text: str, file: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str | None]]]:
    """(line number, row) of a CSV file whose header has at least ``columns`` (None where a short row ends)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in columns if c not in (reader.fieldnames or ())]
    if missing:
        raise DataFileError(f"{file}: header lacks columns {missing}")
    return [(reader.line_num, row) for row in reader]
