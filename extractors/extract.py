"""One document, end to end and in-process: load → normalize → segment → parse →
attribute → check. Used by the Prefect task and by ``gongkai extract``."""

from __future__ import annotations

import dataclasses
import hashlib
import traceback
from decimal import Decimal
from pathlib import Path

from gongkai.extractors.checks.common import stated
from gongkai.extractors.checks.rules import run_checks
from gongkai.extractors.facts.document import extract_document_facts
from gongkai.extractors.facts.figures import attribute, find_mentions
from gongkai.extractors.facts.project_tables import document_projects
from gongkai.extractors.facts.projects import extract_projects
from gongkai.extractors.load.dispatch import load_document
from gongkai.extractors.load.limits import DEFAULT as DEFAULT_LIMITS
from gongkai.extractors.load.limits import LoadLimits
from gongkai.extractors.load.text import LoadedDocument
from gongkai.extractors.model import Extraction, Fact
from gongkai.extractors.text.normalize import normalize
from gongkai.extractors.text.sections import build_sections
from gongkai.schemas.reasons import DocumentError, Reason
from gongkai.schemas.vocabulary import Vocabulary, load_vocabulary


def doc_id_for(sha256: str | None, source: str) -> str:
    """Stable id: from the content when it was read, else from the path."""
    return (sha256 or hashlib.sha256(source.encode("utf-8")).hexdigest())[:16]


def disclosure_id_for(agency: str | None, fiscal_year: int | None, doc_kind: str | None) -> str | None:
    """One disclosure = one agency, year and kind: a prose PDF and its tables PDF share it."""
    if not (agency and fiscal_year and doc_kind):
        return None
    return hashlib.sha256(f"{agency}|{fiscal_year}|{doc_kind}".encode()).hexdigest()[:16]


def fact_box(doc: LoadedDocument, start: int, end: int) -> tuple[float, float, float, float] | None:
    """Union of the boxes of a span's characters (on the page of its first character)."""
    if doc.char_boxes is None:
        return None
    boxes = [b for b in doc.char_boxes[start:end] if b is not None]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


# A summary concept stated only as a member of a list under another figure: (concept,
# parent's concept, member's concept). "纳入2026年部门整体支出绩效目标的金额为1935.36万元，其中，
# 基本支出1517.95万元，项目支出417.41万元": the projects' part of what has 绩效目标.
STATED_AS_MEMBER = (("performance_project_amount", "performance_total", "expenditure_project"),)


def _members(facts: list[Fact], concept: str) -> list[Fact]:
    by_id = {f.fact_id: f for f in facts}
    found = []
    for name, parent, member in STATED_AS_MEMBER:
        if name != concept:
            continue
        for f in stated(facts, member):
            p = by_id.get(f.parent) if f.parent is not None else None
            if p is not None and p.concept == parent and p.period == "current":
                found.append(f)
    return found


def summarize(facts: list[Fact], vocab: Vocabulary) -> dict[str, Decimal | int | None]:
    """One value per summary concept: the first current figure the document states."""
    summary: dict[str, Decimal | int | None] = {}
    for concept, unit in vocab.summary_columns:
        found = [f for f in stated(facts, concept) if (f.kind == "count") == (unit == "count")]
        if not found and unit != "count":
            found = _members(facts, concept)
        if not found:
            summary[concept] = None
        elif unit == "count":
            summary[concept] = int(found[0].value)
        else:
            summary[concept] = _unit_slip_free(found)
    return summary


# A prose figure (in 万元) that a table states to the 元 under a concept the document defines as
# the same: 机关运行经费 "指各部门的公用经费" (机关运行经费预算安排198.59万元; 公用经费 1,985,851.68 元).
REFINED_BY = {"operating_funds": ("expenditure_public_funds",)}


def refine_from_tables(summary: dict, sources: dict[str, str], facts: list[Fact]) -> None:
    """A summary value taken from the prose is replaced by the table value of a concept of
    REFINED_BY that rounds to it at the prose figure's printed precision (and only then)."""
    for concept, related in REFINED_BY.items():
        if sources.get(concept) != "text" or summary.get(concept) is None:
            continue
        chosen = next((f for f in stated(facts, concept) if f.value == summary[concept]), None)
        if chosen is None or not chosen.resolution:
            continue
        for other in related:
            value = summary.get(other)
            if not sources.get(other, "").startswith("table") or value is None:
                continue
            if value != chosen.value and abs(value - chosen.value) <= chosen.resolution / 2:
                summary[concept], sources[concept] = value, sources[other]
                break


UNIT_SLIPS = (Decimal(10) ** 4, Decimal(10) ** 8)


def _unit_slip_free(found: list[Fact]) -> Decimal | None:
    """The first figure's value, unless another statement of the concept is exactly 10⁴ or
    10⁸ times it or a 10⁴th / 10⁸th of it (a unit slip: 一般公共预算拨款356.2元 once, 356.2万元
    elsewhere): then the value more statements agree on, and none when as many say each."""
    first = found[0].value
    slipped = {f.value for f in found if first and any(f.value in (first * k, first / k) for k in UNIT_SLIPS)}
    if not slipped:
        return first
    votes = {v: sum(f.value == v for f in found) for v in {first, *slipped}}
    best = max(votes.values())
    winners = [v for v, n in votes.items() if n == best]
    return winners[0] if len(winners) == 1 else None


def extract_loaded(doc: LoadedDocument) -> Extraction:
    vocab = load_vocabulary()
    text = doc.text
    norm = normalize(text, join_wrapped=True)
    sections = build_sections(text)
    info = extract_document_facts(text, Path(doc.source).name)
    mentions = find_mentions(norm, vocab)
    facts = attribute(
        norm,
        mentions,
        vocab,
        sections,
        fiscal_year=info.fiscal_year,
        agency=info.agency,
        doc_kind=info.doc_kind,
        page_at=doc.page_at,
    )
    ocr_pages = set(doc.ocr_pages)
    for f in facts:
        f.raw = text[f.char_start : f.char_end]
        f.bbox = fact_box(doc, f.char_start, f.char_end)
        if f.page in ocr_pages:
            f.confidence = doc.ocr_confidence
    projects = extract_projects(norm, mentions, facts)
    projects += document_projects(doc, projects)  # project lists and 绩效目标表 of the tables
    summary = summarize(facts, vocab)
    sources = {c: "text" for c, v in summary.items() if v is not None}
    items, empty_kinds = table_line_items(doc)
    if items or empty_kinds:
        from gongkai.extractors.tables.summary import summary_from_tables

        for concept, value in summary_from_tables(items, vocab, empty_kinds).items():
            summary[concept], sources[concept] = value, "table"
    refine_from_tables(summary, sources, facts)
    checks = run_checks(facts, [c for c, _ in vocab.summary_columns], items)
    document = {k: v for k, v in dataclasses.asdict(info).items() if k != "evidence"}
    status, reason, message = "ok", None, None
    if doc.partial_reason:
        status, reason, message = "partial", doc.partial_reason, doc.partial_message
    elif not facts and not items:
        status, reason = "partial", Reason.NO_FIGURES.value
        message = f"{doc.source}: decoded ({doc.encoding}) but no figure found"
    return Extraction(
        doc_id=doc_id_for(doc.sha256, doc.source),
        source=doc.source,
        sha256=doc.sha256,
        media_type=doc.media_type,
        status=status,
        error_reason=reason,
        error_message=message,
        text=text,
        document=document,
        facts=facts,
        projects=projects,
        summary=summary,
        checks=checks,
        encoding=doc.encoding,
        pages=len(doc.page_starts),
        line_items=items,
        summary_sources=sources,
        ocr_pages=tuple(doc.ocr_pages),
        ocr_confidence=doc.ocr_confidence,
        disclosure_id=disclosure_id_for(info.agency, info.fiscal_year, info.doc_kind),
        attachments=tuple(doc.attachments),
    )


def table_line_items(doc: LoadedDocument) -> tuple[list[dict], set[str]]:
    """Line items of the standard tables the loader found (PDFs, continued tables merged),
    and the kinds of the tables printed empty (本表为空)."""
    if not doc.tables:
        return [], set()
    from gongkai.extractors.tables.continued import merge_continued
    from gongkai.extractors.tables.line_items import line_items

    tables = merge_continued(list(doc.tables))
    return line_items(tables), {t.kind for t in tables if t.empty and t.kind}


def failed(
    source: str, reason: Reason, message: str, sha256: str | None = None, media_type: str | None = None
) -> Extraction:
    return Extraction(
        doc_id=doc_id_for(sha256, source),
        source=source,
        sha256=sha256,
        media_type=media_type,
        status="failed",
        error_reason=reason.value,
        error_message=message,
    )


def unbuildable(ex: Extraction, exc: Exception) -> Extraction:
    """The failed stand-in of an extraction whose output rows could not be built."""
    message = f"{ex.source}: its rows could not be built: {type(exc).__name__}: {exc}"
    out = failed(ex.source, Reason.INVALID_EXTRACTION, message, sha256=ex.sha256, media_type=ex.media_type)
    out.disclosure_id = ex.disclosure_id
    return out


def extract_path(
    path: str | Path,
    content_selector: str | None = None,
    source: str | None = None,
    limits: LoadLimits = DEFAULT_LIMITS,
) -> Extraction:
    """Extract one file; never raises: a bad file becomes a failed Extraction. ``source``
    names it (a harvested file's URL) instead of its path. ``limits``: the loaders' input
    limits (a file over one fails with ``too_large``, extractors/load/limits.py)."""
    source = source or str(path)
    try:
        doc = load_document(path, content_selector, source, limits=limits)
    except DocumentError as exc:
        return failed(source, exc.reason, exc.message)
    except Exception as exc:  # a loader's bug (or a file deeper than it recurses) must not stop the others
        tail = traceback.format_exc(limit=-3).strip().splitlines()[-1]
        return failed(source, Reason.EXTRACTION_ERROR, f"{source}: loading raised {type(exc).__name__}: {exc} ({tail})")
    try:
        return extract_loaded(doc)
    except Exception as exc:  # a bug must not stop the other documents
        tail = traceback.format_exc(limit=-3).strip().splitlines()[-1]
        return failed(
            source,
            Reason.EXTRACTION_ERROR,
            f"{source}: {type(exc).__name__}: {exc} ({tail})",
            sha256=doc.sha256,
            media_type=doc.media_type,
        )
