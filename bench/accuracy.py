"""Accuracy on real disclosures gongkai was not written for (issue 14): the blind gold of
``tests/fixtures/province_gold/`` against a run over ``../shared/corpus/provinces/``.

    python bench/accuracy.py                  # the tuned part (run + score)
    python bench/accuracy.py --part held_out  # the part set aside: only at the end of the issue
    python bench/accuracy.py --out DIR --no-run --details
    python bench/accuracy.py --gold tests/fixtures/province_gold_round2   # round 2: only when its round ends

Per key figure (a summary concept the gold states, non-null): **correct** (equal to the cent),
**missing** (gongkai says nothing) or **wrong** (another value). A value where the gold says
the document never states the concept is **spurious** (a wrong figure too). Named projects:
recall of the gold's projects (same amount, and a name that contains or is contained in
the gold's). Reported per province and per format; figures in docs/accuracy.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "province_gold"
CORPUS = ROOT.parent / "shared" / "corpus" / "provinces"
PROVINCES = {
    "cq": "Chongqing",
    "fj": "Fujian",
    "gd": "Guangdong",
    "hn": "Hunan",
    "js": "Jiangsu",
    "sd": "Shandong",
    "sn": "Shaanxi",
}


def split(part: str, gold: Path = GOLD) -> list[str]:
    """The documents of ``part``: from the gold folder's SPLIT.json, or every gold file of a
    folder without one (round 2, a part set aside as a whole)."""
    if not (gold / "SPLIT.json").exists():
        return sorted(_source(p) for p in gold.glob("*.gold.json"))
    chosen = json.loads((gold / "SPLIT.json").read_text(encoding="utf-8"))
    return chosen["labelled"] if part == "all" else chosen[part]


def _source(path: Path) -> str:
    return json.loads(path.read_text(encoding="utf-8"))["source"]


def _money(v) -> Decimal | None:
    return None if v is None else Decimal(str(v)).quantize(Decimal("0.01"))


def _same_name(a: str, b: str) -> bool:
    a, b = "".join(a.split()), "".join(b.split())
    return bool(a and b) and (a in b or b in a)


def score(out: Path, files: list[str], gold_dir: Path = GOLD) -> list[dict]:
    docs = {Path(d["source"]).name: d for d in pq.read_table(out / "documents.parquet").to_pylist()}
    summaries = {r["doc_id"]: r for r in pq.read_table(out / "summary.parquet").to_pylist()}
    projects: dict[str, list[dict]] = defaultdict(list)
    for p in pq.read_table(out / "projects.parquet").to_pylist():
        projects[p["doc_id"]].append(p)
    rows = []
    for name in files:
        gold = json.loads((gold_dir / f"{Path(name).stem}.gold.json").read_text(encoding="utf-8"))
        doc = docs.get(name)
        summary = summaries.get(doc["doc_id"], {}) if doc else {}
        row = {"file": name, "province": PROVINCES[name[:2]], "format": gold["format"], "status": doc and doc["status"]}
        row.update(correct=0, missing=0, wrong=0, spurious=0, details=[])
        for concept, expected in gold["summary"].items():
            got = summary.get(concept)
            if concept == "performance_projects":
                exp_v, got_v = expected, got
            else:
                exp_v, got_v = _money(expected), _money(got)
            if expected is None:
                if got is not None:
                    row["spurious"] += 1
                    row["details"].append(f"spurious {concept}: got {got_v}")
                continue
            if got is None:
                row["missing"] += 1
                row["details"].append(f"missing {concept}: expected {exp_v}")
            elif exp_v == got_v:
                row["correct"] += 1
            else:
                row["wrong"] += 1
                row["details"].append(f"WRONG {concept}: expected {exp_v}, got {got_v}")
        found = projects.get(doc["doc_id"], []) if doc else []
        gold_projects = [p for p in gold.get("projects", []) if p.get("amount_yuan")]
        hits = sum(
            any(_money(f["amount"]) == _money(g["amount_yuan"]) and _same_name(f["name"], g["name"]) for f in found)
            for g in gold_projects
        )
        row["projects"], row["projects_found"] = len(gold_projects), hits
        rows.append(row)
    return rows


def _line(label: str, rows: list[dict]) -> str:
    c, m, w, s = (sum(r[k] for r in rows) for k in ("correct", "missing", "wrong", "spurious"))
    n = c + m + w
    p, pf = sum(r["projects"] for r in rows), sum(r["projects_found"] for r in rows)
    pct = f"{100 * c / n:.1f}%" if n else "-"
    proj = f"{100 * pf / p:.0f}% of {p}" if p else "-"
    return f"| {label} | {len(rows)} | {n} | {c} ({pct}) | {m} | {w} | {s} | {proj} |"


def report(rows: list[dict], details: bool = False) -> str:
    head = "| part | documents | key figures | correct | missing | wrong | spurious | projects found |\n|---|---|---|---|---|---|---|---|"
    lines = [head, _line("all", rows)]
    for key in ("province", "format"):
        for value in sorted({r[key] for r in rows}):
            lines.append(_line(f"{key} {value}", [r for r in rows if r[key] == value]))
    if details:
        for r in rows:
            lines.append(
                f"\n{r['file']} ({r['status']}): {r['correct']} correct, {r['missing']} missing, {r['wrong']} wrong, {r['spurious']} spurious, projects {r['projects_found']}/{r['projects']}"
            )
            lines.extend(f"  {d}" for d in r["details"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=["tuned", "held_out", "all"], default="tuned")
    ap.add_argument("--out", type=Path, default=Path("/tmp/gongkai-accuracy"))
    ap.add_argument("--no-run", action="store_true", help="score the output already in --out")
    ap.add_argument("--details", action="store_true")
    ap.add_argument("--workers", default="2")
    ap.add_argument("--gold", type=Path, default=GOLD, help="a gold folder (default: round 1, with its SPLIT.json)")
    args = ap.parse_args(argv)
    files = split(args.part, args.gold)
    if not args.no_run:
        if not CORPUS.is_dir():
            print(f"{CORPUS}: not found (the shared corpus is needed to run this measurement)", file=sys.stderr)
            return 2
        out = args.out / (args.part if args.gold == GOLD else args.gold.name)
        cmd = ["gongkai", "run", *(str(CORPUS / f) for f in files), "--out", str(out), "--workers", args.workers]
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=False)
    else:
        out = args.out
    print(report(score(out, files, args.gold), args.details))
    return 0


if __name__ == "__main__":
    sys.exit(main())
