"""What changed between two runs: figures, checks and document facts.

A figure is matched across runs by a stable identity that survives a new file hash: its
disclosure (agency · year · kind, or the file name when those are unknown), concept,
label, kind and occurrence (the n-th figure with those four, in file-name and text order).
A check is matched by disclosure, rule and occurrence; a document by its file name.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

import pyarrow.parquet as pq

from gongkai.pipeline.run.history import read_manifest

DOCUMENT_FIELDS = (
    "status",
    "error_reason",
    "agency",
    "parent_agency",
    "fiscal_year",
    "doc_kind",
    "province",
    "city",
    "county",
    "region_code",
    "disclosure_id",
)
CHANGES = ("added", "removed", "changed")


@dataclass(frozen=True)
class Change:
    what: str  # figure · check · document
    change: str  # added · removed · changed
    disclosure: str
    key: str  # concept/label/kind#n · rule#n · file name (field)
    old: str | None
    new: str | None
    source: str  # the (new, else old) file
    at: int | None = None  # char_start of the figure in the (new, else old) stored text


@dataclass
class RunDiff:
    old_run: str
    new_run: str
    changes: list[Change]

    @property
    def empty(self) -> bool:
        return not self.changes

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {w: dict.fromkeys(CHANGES, 0) for w in ("figure", "check", "document")}
        for c in self.changes:
            out[c.what][c.change] += 1
        return out


def file_name(source: str) -> str:
    """The file name of a path or URL (what documents are matched by across runs)."""
    return PurePosixPath(str(source).replace("\\", "/")).name


def _disclosure(doc: dict) -> str:
    if doc.get("agency") and doc.get("fiscal_year") and doc.get("doc_kind"):
        return f"{doc['agency']} · {doc['fiscal_year']} · {doc['doc_kind']}"
    return file_name(doc["source"])


def _read(run_dir: Path, table: str) -> list[dict]:
    path = Path(run_dir) / f"{table}.parquet"
    return pq.read_table(path).to_pylist() if path.exists() else []


def _figure(f: dict) -> str:
    unit = "" if f["unit"] == "yuan" else f" {f['unit']}"
    return f"{f['value']}{unit} ({f['raw']})"


def _keyed_facts(run_dir: Path) -> dict[tuple, tuple[str, dict, dict]]:
    docs = {d["doc_id"]: d for d in _read(run_dir, "documents")}
    facts = sorted(
        _read(run_dir, "facts"), key=lambda f: (file_name(docs[f["doc_id"]]["source"]), f["char_start"], f["fact_id"])
    )
    seen: dict[tuple, int] = defaultdict(int)
    out = {}
    for f in facts:
        doc = docs[f["doc_id"]]
        base = (_disclosure(doc), f["concept"], f["label"], f["kind"])
        seen[base] += 1
        out[(*base, seen[base])] = (_figure(f), f, doc)
    return out


def _keyed_checks(run_dir: Path) -> dict[tuple, tuple[str, dict, dict]]:
    docs = {d["doc_id"]: d for d in _read(run_dir, "documents")}
    checks = sorted(_read(run_dir, "checks"), key=lambda c: (file_name(docs[c["doc_id"]]["source"]), c["rule"]))
    seen: dict[tuple, int] = defaultdict(int)
    out = {}
    for c in checks:
        doc = docs[c["doc_id"]]
        base = (_disclosure(doc), c["rule"])
        seen[base] += 1
        state = f"{c['status']}" + (f" (expected {c['expected']}, got {c['actual']})" if c["status"] == "fail" else "")
        out[(*base, seen[base])] = (state, c, doc)
    return out


def _compare(what: str, old: dict, new: dict, key_text) -> list[Change]:
    changes = []
    for key in sorted(set(old) | set(new), key=str):
        o, n = old.get(key), new.get(key)
        if o and n and o[0] == n[0]:
            continue
        change = "added" if o is None else "removed" if n is None else "changed"
        either = n or o
        assert either is not None  # the key is in old or in new
        row, doc = either[1], either[2]
        changes.append(
            Change(
                what,
                change,
                key[0],
                key_text(key),
                o[0] if o else None,
                n[0] if n else None,
                file_name(doc["source"]),
                row.get("char_start"),
            )
        )
    return changes


def diff_runs(old_dir: Path, new_dir: Path) -> RunDiff:
    old_dir, new_dir = Path(old_dir), Path(new_dir)
    changes = _compare(
        "figure", _keyed_facts(old_dir), _keyed_facts(new_dir), lambda k: f"{k[1]} / {k[2]} / {k[3]} #{k[4]}"
    )
    changes += _compare("check", _keyed_checks(old_dir), _keyed_checks(new_dir), lambda k: f"{k[1]} #{k[2]}")
    old_docs = {file_name(d["source"]): d for d in _read(old_dir, "documents")}
    new_docs = {file_name(d["source"]): d for d in _read(new_dir, "documents")}
    for name in sorted(set(old_docs) | set(new_docs)):
        o, n = old_docs.get(name), new_docs.get(name)
        if o is None or n is None:
            d = n or o
            assert d is not None  # the name is in old or in new
            changes.append(
                Change(
                    "document",
                    "added" if o is None else "removed",
                    _disclosure(d),
                    name,
                    None if o is None else d["status"],
                    None if n is None else d["status"],
                    name,
                )
            )
            continue
        for field in DOCUMENT_FIELDS:
            if o.get(field) != n.get(field):
                changes.append(
                    Change(
                        "document",
                        "changed",
                        _disclosure(n),
                        f"{name} ({field})",
                        _text(o.get(field)),
                        _text(n.get(field)),
                        name,
                    )
                )
    return RunDiff(_run_name(old_dir), _run_name(new_dir), changes)


def _text(value) -> str | None:
    return None if value is None else str(value)


def _run_name(run_dir: Path) -> str:
    manifest = read_manifest(run_dir)
    return manifest["run_id"] if manifest else str(run_dir)


# -- formats ---------------------------------------------------------------------------------


def to_json(d: RunDiff) -> str:
    return json.dumps(
        {"old_run": d.old_run, "new_run": d.new_run, "counts": d.counts(), "changes": [asdict(c) for c in d.changes]},
        ensure_ascii=False,
        indent=1,
    )


def _summary_line(d: RunDiff) -> str:
    parts = [
        f"{what}s: " + ", ".join(f"{n} {change}" for change, n in counts.items()) for what, counts in d.counts().items()
    ]
    return "; ".join(parts)


def _cell(s: str | None) -> str:
    return "" if s is None else s.replace("|", "\\|").replace("\n", " ")


def to_markdown(d: RunDiff) -> str:
    lines = [f"### gongkai diff `{d.old_run}` → `{d.new_run}`", "", _summary_line(d), ""]
    if d.empty:
        return "\n".join(lines + ["No changes."]) + "\n"
    lines += ["| what | change | disclosure | key | old | new | file |", "|---|---|---|---|---|---|---|"]
    lines += [
        f"| {c.what} | {c.change} | {_cell(c.disclosure)} | {_cell(c.key)} | {_cell(c.old)} | {_cell(c.new)} "
        f"| {_cell(c.source)} |"
        for c in d.changes
    ]
    return "\n".join(lines) + "\n"


def html_table(d: RunDiff) -> str:
    """The changes as an HTML table (escaped), for the diff page and the review site."""
    e = html.escape
    rows = "\n".join(
        f'<tr class="{e(c.change)}"><td>{e(c.what)}</td><td>{e(c.change)}</td><td>{e(c.disclosure)}</td>'
        f"<td>{e(c.key)}</td><td>{e(c.old or '')}</td><td>{e(c.new or '')}</td><td>{e(c.source)}</td></tr>"
        for c in d.changes
    )
    return (
        '<table class="diff"><thead><tr><th>what</th><th>change</th><th>disclosure</th><th>key</th>'
        f"<th>old</th><th>new</th><th>file</th></tr></thead><tbody>\n{rows}\n</tbody></table>"
    )


DIFF_CSS = """body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:2rem}
table.diff{border-collapse:collapse;width:100%}table.diff td,table.diff th{border:1px solid #ccc;padding:.3rem .5rem;
text-align:left;vertical-align:top}tr.added{background:#e6ffed}tr.removed{background:#ffeef0}
tr.changed{background:#fff8c5}"""


def to_html(d: RunDiff) -> str:
    e = html.escape
    return (
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>gongkai diff</title>'
        f"<style>{DIFF_CSS}</style></head><body><h1>gongkai diff</h1>"
        f"<p><code>{e(d.old_run)}</code> → <code>{e(d.new_run)}</code></p><p>{e(_summary_line(d))}</p>"
        f"{html_table(d) if not d.empty else '<p>No changes.</p>'}</body></html>\n"
    )


FORMATS = {"json": to_json, "markdown": to_markdown, "html": to_html}
