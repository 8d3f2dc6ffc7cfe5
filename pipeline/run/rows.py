"""The rows of every output table for one extracted document (schemas/declarations.py declares the tables)."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from gongkai.extractors.checks.messages import one_line
from gongkai.extractors.model import Extraction
from gongkai.schemas.declarations import summary_concepts
from gongkai.schemas.rules import severity_of
from gongkai.schemas.tables import LINE_ITEMS

_VALUE_Q = Decimal("0.000001")  # facts.value, check figures: DECIMAL(28,6)
_YUAN_Q = Decimal("0.01")  # amounts: DECIMAL(22,2)


def _v(value: Decimal | None, q: Decimal = _VALUE_Q) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(q, rounding=ROUND_HALF_EVEN)


def rows_for(ex: Extraction, text_path: str | None = None) -> dict[str, list[dict]]:
    """Rows of every output table for one extracted document."""
    d = ex.document
    failed_checks = sum(1 for c in ex.checks if c.status == "fail")
    documents = [
        {
            "doc_id": ex.doc_id,
            "source": ex.source,
            "sha256": ex.sha256,
            "media_type": ex.media_type,
            "encoding": ex.encoding,
            "status": ex.status,
            "error_reason": ex.error_reason,
            "error_message": ex.error_message,
            "agency": d.get("agency"),
            "parent_agency": d.get("parent_agency"),
            "fiscal_year": d.get("fiscal_year"),
            "doc_kind": d.get("doc_kind"),
            "province": d.get("province"),
            "city": d.get("city"),
            "county": d.get("county"),
            "admin_level": d.get("admin_level"),
            "region_code": d.get("region_code"),
            "budget_units": list(d.get("budget_units") or []),
            "internal_units": list(d.get("internal_units") or []),
            "internal_unit_count": d.get("internal_unit_count"),
            "pages": ex.pages if ex.status != "failed" else None,
            "n_facts": len(ex.facts),
            "n_checks_failed": failed_checks,
            "n_line_items": len(ex.line_items),
            "ocr_pages": list(ex.ocr_pages),
            "ocr_confidence": ex.ocr_confidence,
            "disclosure_id": ex.disclosure_id,
            "attachments": [{"href": href, "text": text} for href, text in ex.attachments],
            "text_path": text_path,
        }
    ]
    facts = [
        {
            "doc_id": ex.doc_id,
            "fact_id": f.fact_id,
            "concept": f.concept,
            "label": f.label,
            "kind": f.kind,
            "value": _v(f.value),
            "unit": f.unit,
            "unit_text": f.unit_text,
            "raw": f.raw,
            "char_start": f.char_start,
            "char_end": f.char_end,
            "page": f.page,
            "section": f.section,
            "section_title": f.section_title,
            "direction": f.direction,
            "stated_none": f.stated_none,
            "period": f.period,
            "parent_fact_id": f.parent,
            "source": f.source,
            **_box(f.bbox),
            "confidence": f.confidence,
        }
        for f in ex.facts
    ]
    projects = [
        {
            "doc_id": ex.doc_id,
            "name": p.name,
            "amount": _v(p.amount, _YUAN_Q),
            "purpose": p.purpose,
            "char_start": p.char_start,
            "char_end": p.char_end,
            "fact_id": p.fact_id,
        }
        for p in ex.projects
    ]
    summary = []
    if ex.status != "failed":
        row: dict = {"doc_id": ex.doc_id}
        for concept, unit in summary_concepts():
            value = ex.summary.get(concept)
            row[concept] = value if unit == "count" or value is None else _v(value, _YUAN_Q)
        row["sources"] = sorted(ex.summary_sources.items())
        summary.append(row)
    checks = [
        {
            "doc_id": ex.doc_id,
            "rule": c.rule,
            "status": c.status,
            "severity": c.severity or severity_of(c.rule),
            "expected": _v(c.expected),
            "actual": _v(c.actual),
            "tolerance": _v(c.tolerance),
            "message": one_line(c.message),
            "evidence": [{"start": s, "end": e} for s, e in c.evidence],
            "evidence_items": list(c.evidence_items),
        }
        for c in ex.checks
    ]
    line_items = [
        {
            "doc_id": ex.doc_id,
            "item_id": i,
            **{k: item.get(k) for k in LINE_ITEMS.names[2:]},
            "amount": _v(item.get("amount"), _YUAN_Q),
        }
        for i, item in enumerate(ex.line_items)
    ]
    return {
        "documents": documents,
        "facts": facts,
        "projects": projects,
        "summary": summary,
        "checks": checks,
        "line_items": line_items,
    }


def _box(bbox) -> dict:
    x0, top, x1, bottom = bbox if bbox else (None, None, None, None)
    return {"x0": x0, "top": top, "x1": x1, "bottom": bottom}
