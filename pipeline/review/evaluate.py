"""Compare an output directory with hand-checked gold files.

A gold fact is *found* when an extracted fact has exactly its span
(``at`` .. ``at + len(surface)``), and *correct* when kind and value agree
too; a found fact with another kind or value is *wrong*. *Concept agreement*
is the share of correct facts whose concept is the gold concept. Recall is correct /
gold facts. Precision is correct / extracted facts for gold files that list
every figure (``"complete": true``, the default) and correct / (correct +
wrong) for gold files marked ``"complete": false`` (key figures only).
PDF gold files (``"format": "pdf"``) locate a figure by page and printed surface
instead of an offset, and figures with ``"source": "table"`` are looked up in
line_items.parquet. Extracted facts overlapping a gold trap (other than gold figures inside its span)
count against precision everywhere.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq


@dataclass
class DocScore:
    source: str
    doc_id: str | None
    gold: int = 0
    correct: int = 0
    wrong: list[dict] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)
    on_traps: list[dict] = field(default_factory=list)
    extracted: int = 0
    complete: bool = True
    concept_ok: int = 0
    summary_total: int = 0
    summary_ok: int = 0
    summary_wrong: list[str] = field(default_factory=list)
    # concept -> [correct, gold, correct with the same concept]
    per_concept: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        denom = (self.extracted if self.complete else self.correct + len(self.wrong)) + len(self.on_traps)
        return self.correct / denom if denom else 1.0


@dataclass
class EvalReport:
    docs: list[DocScore]

    def _sum(self, attr: str) -> int:
        return sum(getattr(d, attr) if isinstance(getattr(d, attr), int) else len(getattr(d, attr)) for d in self.docs)

    @property
    def recall(self) -> float:
        gold = self._sum("gold")
        return self._sum("correct") / gold if gold else 1.0

    @property
    def precision(self) -> float:
        num = self._sum("correct")
        den = sum((d.extracted if d.complete else d.correct + len(d.wrong)) + len(d.on_traps) for d in self.docs)
        return num / den if den else 1.0

    @property
    def wrong(self) -> int:
        return self._sum("wrong")

    @property
    def concept_agreement(self) -> float:
        correct = self._sum("correct")
        return self._sum("concept_ok") / correct if correct else 1.0

    def per_concept(self) -> dict[str, tuple[int, int, int]]:
        """concept → (correct, gold, correct and attributed to that concept)."""
        merged: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for d in self.docs:
            for concept, counts in d.per_concept.items():
                for i, n in enumerate(counts):
                    merged[concept][i] += n
        return {k: (v[0], v[1], v[2]) for k, v in sorted(merged.items())}


def gold_files(path: Path) -> list[Path]:
    return sorted(path.glob("*.gold.json")) if path.is_dir() else [path]


def _norm_value(v) -> Decimal:
    return Decimal(str(v)).normalize()


_BLANK = str.maketrans("", "", " \n\t\r\u3000,")


def _squash(text: str | None) -> str:
    return (text or "").translate(_BLANK)


def _score_pdf_fact(g: dict, facts: list[dict], items: list[dict]) -> tuple[str, dict | None]:
    """PDF gold facts are located by page and printed surface (offsets depend on the loader):
    ("correct" | "wrong" | "missed", the extracted fact or line item)."""
    surface, value = _squash(g["surface"]), _norm_value(g["value"])
    if g.get("source") == "table":
        same = [it for it in items if it.get("page") == g["page"] and _squash(it.get("raw")) == surface]
        for it in same:
            if it.get("amount") is not None and _norm_value(it["amount"]) == value:
                return "correct", it
        return ("wrong", same[0]) if same else ("missed", None)
    same = [f for f in facts if f["page"] == g["page"] and _squash(f["raw"]) == surface]
    if not same and value == 0:  # a stated absence: where its phrase starts and ends is a matter of taste
        same = [
            f
            for f in facts
            if f["page"] == g["page"]
            and f["stated_none"]
            and (_squash(f["raw"]) in surface or surface in _squash(f["raw"]))
        ]
    for f in same:
        if f["kind"] == g["kind"] and _norm_value(f["value"]) == value:
            return "correct", f
    return ("wrong", same[0]) if same else ("missed", None)


def evaluate(out_dir: Path, gold_path: Path) -> EvalReport:
    docs = pq.read_table(out_dir / "documents.parquet").to_pylist()
    facts = pq.read_table(out_dir / "facts.parquet").to_pylist()
    items_path = out_dir / "line_items.parquet"
    items_by_doc: dict[str, list[dict]] = defaultdict(list)
    if items_path.exists():
        for it in pq.read_table(items_path).to_pylist():
            items_by_doc[it["doc_id"]].append(it)
    summaries = {r["doc_id"]: r for r in pq.read_table(out_dir / "summary.parquet").to_pylist()}
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for f in facts:
        by_doc[f["doc_id"]].append(f)
    scores = []
    for gf in gold_files(gold_path):
        gold = json.loads(gf.read_text(encoding="utf-8"))
        source = gold.get("source") or gf.name.replace(".gold.json", ".txt")
        doc = next((d for d in docs if Path(d["source"]).name == Path(source).name), None)
        score = DocScore(source, doc["doc_id"] if doc else None, complete=gold.get("complete", True))
        extracted = by_doc.get(doc["doc_id"], []) if doc else []
        score.extracted = len(extracted)
        spans = {(f["char_start"], f["char_end"]): f for f in extracted}
        gold_spans = {
            (g["at"], g["at"] + len(g["surface"]))
            for g in [*gold.get("facts", []), *gold.get("stated_none", [])]
            if "at" in g
        }
        is_pdf = gold.get("format") == "pdf"
        doc_items = items_by_doc.get(doc["doc_id"], []) if doc else []
        stated_none = [{"kind": "amount", "value": "0", **g} for g in gold.get("stated_none", [])]
        for g in [*gold.get("facts", []), *stated_none]:
            score.gold += 1
            concept = g.get("concept", "")
            score.per_concept[concept][1] += 1
            if is_pdf:
                outcome, got = _score_pdf_fact(g, extracted, doc_items)
            else:
                got = spans.get((g["at"], g["at"] + len(g["surface"])))
                outcome = (
                    "missed"
                    if got is None
                    else "correct"
                    if got["kind"] == g["kind"] and _norm_value(got["value"]) == _norm_value(g["value"])
                    else "wrong"
                )
            if outcome == "missed":
                score.missed.append(g)
                continue
            assert got is not None  # only a miss comes without the fact or line item
            if outcome == "correct":
                score.correct += 1
                score.per_concept[concept][0] += 1
                same = got.get("concept") == concept  # table cells carry no concept
                score.concept_ok += same
                score.per_concept[concept][2] += same
            else:
                score.wrong.append(
                    {
                        **g,
                        "got_kind": got.get("kind", "table cell"),
                        "got_value": str(got.get("value", got.get("amount"))),
                    }
                )
        for trap in gold.get("traps", []):
            if is_pdf:  # located by page and surface: an amount printed there is on the trap
                hits = [
                    f
                    for f in extracted
                    if f["page"] == trap["page"]
                    and f["kind"] == "amount"
                    and _squash(f["raw"]) == _squash(trap["surface"])
                ]
            else:
                t0, t1 = trap["at"], trap["at"] + len(trap["surface"])
                # a gold figure inside a trap's span ("（01项）1672.67万元") is not on the trap
                hits = [
                    f
                    for f in extracted
                    if f["char_start"] < t1
                    and t0 < f["char_end"]
                    and (f["char_start"], f["char_end"]) not in gold_spans
                ]
            score.on_traps.extend({**trap, "fact": f["raw"]} for f in hits)
        summary = summaries.get(doc["doc_id"]) if doc else None
        for concept, expected in gold.get("summary", {}).items():
            score.summary_total += 1
            got = summary.get(concept) if summary else None
            if (expected is None and got is None) or (
                got is not None and expected is not None and _norm_value(got) == _norm_value(expected)
            ):
                score.summary_ok += 1
            else:
                score.summary_wrong.append(f"{concept}: expected {expected}, got {got}")
        scores.append(score)
    return EvalReport(scores)
