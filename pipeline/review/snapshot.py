"""Golden snapshots: each fixture document's extraction as sorted text, one fact per line.

Committed beside the list of documents they cover (``tests/snapshots/documents.txt``), so
every extraction change shows up in the git diff of a pull request: ``gongkai snapshot``
reports drift, ``gongkai snapshot --update`` rewrites the files.

Line kinds (tab-separated): ``document`` (agency, year, kind, region, status), ``fact``
(concept, kind, value, unit, label, raw@offset), ``project``, ``check`` (rule, status,
expected, actual), ``summary`` (concept, value), ``item`` (table kind, row, measure,
amount, page).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from gongkai.extractors.model import Extraction

LIST_FILE = Path("tests/snapshots/documents.txt")


def _v(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text if "." not in text else text.rstrip("0").rstrip(".")
    return str(value)


def snapshot_lines(ex: Extraction) -> list[str]:
    d = ex.document
    lines = [
        "document\t"
        + "\t".join(f"{k}={_v(d.get(k))}" for k in ("agency", "fiscal_year", "doc_kind", "region_code"))
        + f"\tstatus={ex.status}\treason={_v(ex.error_reason)}"
    ]
    lines += [
        f"fact\t{f.concept}\t{f.kind}{' (none)' if f.stated_none else ''}\t{_v(f.value)}\t{f.unit}\t{f.label}"
        f"\t{f.raw}@{f.char_start}"
        for f in ex.facts
    ]
    lines += [f"project\t{p.name}\t{_v(p.amount)}\t{(p.purpose or '')[:40]}" for p in ex.projects]
    lines += [f"check\t{c.rule}\t{c.status}\t{_v(c.expected)}\t{_v(c.actual)}" for c in ex.checks]
    lines += [f"summary\t{k}\t{_v(v)}" for k, v in ex.summary.items() if v is not None]
    lines += [
        f"item\t{i.get('table_kind')}\t{i.get('row_label')}\t{i.get('measure')}\t{_v(i.get('amount'))}"
        f"\tp{i.get('page')}"
        for i in ex.line_items
    ]
    return sorted(line.replace("\n", " ") for line in lines)


def snapshot_text(ex: Extraction) -> str:
    return "\n".join(snapshot_lines(ex)) + "\n"


def snapshot_name(entry: str) -> str:
    """A list entry → its snapshot's file name: ../fixtures/pdf_gold/x.pdf → pdf_gold__x.pdf.snap.txt."""
    parts = [p for p in Path(entry).parts if p not in ("..", ".")]
    if parts and parts[0] == "fixtures":
        parts = parts[1:]
    return "__".join(parts) + ".snap.txt"


def entries(list_file: Path = LIST_FILE) -> list[str]:
    """The lines of a list file: document paths relative to it (# starts a comment)."""
    lines = list_file.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def documents(list_file: Path = LIST_FILE) -> list[Path]:
    return [list_file.parent / e for e in entries(list_file)]


@dataclass(frozen=True)
class Drift:
    document: Path
    snapshot: Path
    diff: str  # unified diff, snapshot → now ("" when the snapshot is missing)
    missing: bool = False


def check(list_file: Path = LIST_FILE, update: bool = False) -> list[Drift]:
    """Compare (or with ``update`` rewrite) every snapshot; returns the drifted ones."""
    from gongkai.extractors.extract import extract_path

    drifts = []
    for entry in entries(list_file):
        doc, path = list_file.parent / entry, list_file.parent / snapshot_name(entry)
        now = snapshot_text(extract_path(doc))
        before = path.read_text(encoding="utf-8") if path.exists() else None
        if before == now:
            continue
        diff = (
            ""
            if before is None
            else "".join(
                difflib.unified_diff(
                    before.splitlines(keepends=True), now.splitlines(keepends=True), str(path), "now", n=0
                )
            )
        )
        drifts.append(Drift(doc, path, diff, missing=before is None))
        if update:
            path.write_text(now, encoding="utf-8")
    return drifts
