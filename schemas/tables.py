"""The output tables: fixed pyarrow schemas and the rows that fill them.

Money is parquet DECIMAL (exact); the data dictionary in README.md describes
every column. ``rows_for`` turns one Extraction into rows of every table.
"""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pyarrow as pa

from gongkai.extractors.facts.attribute import load_vocabulary
from gongkai.extractors.model import Extraction

VALUE = pa.decimal128(28, 6)     # facts.value: yuan, percent or count
YUAN = pa.decimal128(22, 2)      # amounts in yuan
_VALUE_Q = Decimal("0.000001")
_YUAN_Q = Decimal("0.01")

DOCUMENTS = pa.schema([
    ("doc_id", pa.string()), ("source", pa.string()), ("sha256", pa.string()),
    ("media_type", pa.string()), ("encoding", pa.string()),
    ("status", pa.string()), ("error_reason", pa.string()), ("error_message", pa.string()),
    ("agency", pa.string()), ("parent_agency", pa.string()), ("fiscal_year", pa.int32()),
    ("doc_kind", pa.string()), ("province", pa.string()), ("city", pa.string()), ("county", pa.string()),
    ("admin_level", pa.string()), ("region_code", pa.string()),
    ("budget_units", pa.list_(pa.string())), ("internal_units", pa.list_(pa.string())),
    ("internal_unit_count", pa.int32()),
    ("pages", pa.int32()), ("n_facts", pa.int32()), ("n_checks_failed", pa.int32()),
    ("n_line_items", pa.int32()), ("ocr_pages", pa.list_(pa.int32())), ("ocr_confidence", pa.float64()),
    ("disclosure_id", pa.string()),
    ("attachments", pa.list_(pa.struct([("href", pa.string()), ("text", pa.string())]))),
    ("text_path", pa.string()),
])

FACTS = pa.schema([
    ("doc_id", pa.string()), ("fact_id", pa.int32()), ("concept", pa.string()), ("label", pa.string()),
    ("kind", pa.string()), ("value", VALUE), ("unit", pa.string()), ("unit_text", pa.string()),
    ("raw", pa.string()), ("char_start", pa.int64()), ("char_end", pa.int64()), ("page", pa.int32()),
    ("section", pa.string()), ("section_title", pa.string()), ("direction", pa.string()),
    ("stated_none", pa.bool_()), ("period", pa.string()), ("parent_fact_id", pa.int32()),
    ("source", pa.string()),
    ("x0", pa.float64()), ("top", pa.float64()), ("x1", pa.float64()), ("bottom", pa.float64()),
    ("confidence", pa.float64()),
])

LINE_ITEMS = pa.schema([
    ("doc_id", pa.string()), ("item_id", pa.int32()), ("table_kind", pa.string()), ("table_title", pa.string()),
    ("table_number", pa.string()), ("pages", pa.list_(pa.int32())), ("row_index", pa.int32()),
    ("row_label", pa.string()), ("classification_kind", pa.string()), ("code", pa.string()),
    ("code_name", pa.string()), ("level", pa.int32()), ("parent_code", pa.string()),
    ("measure", pa.string()), ("measure_key", pa.string()), ("amount", YUAN), ("raw", pa.string()),
    ("unit", pa.string()), ("page", pa.int32()),
    ("x0", pa.float64()), ("top", pa.float64()), ("x1", pa.float64()), ("bottom", pa.float64()),
])

PROJECTS = pa.schema([
    ("doc_id", pa.string()), ("name", pa.string()), ("amount", YUAN), ("purpose", pa.string()),
    ("char_start", pa.int64()), ("char_end", pa.int64()), ("fact_id", pa.int32()),
])

CHECKS = pa.schema([
    ("doc_id", pa.string()), ("rule", pa.string()), ("status", pa.string()),
    ("expected", VALUE), ("actual", VALUE), ("tolerance", VALUE), ("message", pa.string()),
    ("evidence", pa.list_(pa.struct([("start", pa.int64()), ("end", pa.int64())]))),
    ("evidence_items", pa.list_(pa.int32())),
])


def summary_schema() -> pa.Schema:
    fields = [("doc_id", pa.string())]
    for concept, unit in load_vocabulary().summary_columns:
        fields.append((concept, pa.int64() if unit == "count" else YUAN))
    fields.append(("sources", pa.map_(pa.string(), pa.string())))
    return pa.schema(fields)


SCHEMAS = {
    "documents": DOCUMENTS,
    "facts": FACTS,
    "projects": PROJECTS,
    "checks": CHECKS,
    "line_items": LINE_ITEMS,
}


def schema_for(table: str) -> pa.Schema:
    return summary_schema() if table == "summary" else SCHEMAS[table]


TABLES = ("documents", "facts", "projects", "summary", "checks", "line_items")


def _v(value: Decimal | None, q: Decimal = _VALUE_Q) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(q, rounding=ROUND_HALF_EVEN)


def rows_for(ex: Extraction, text_path: str | None = None) -> dict[str, list[dict]]:
    """Rows of every output table for one extracted document."""
    d = ex.document
    failed_checks = sum(1 for c in ex.checks if c.status == "fail")
    documents = [{
        "doc_id": ex.doc_id, "source": ex.source, "sha256": ex.sha256, "media_type": ex.media_type,
        "encoding": ex.encoding, "status": ex.status, "error_reason": ex.error_reason,
        "error_message": ex.error_message,
        "agency": d.get("agency"), "parent_agency": d.get("parent_agency"), "fiscal_year": d.get("fiscal_year"),
        "doc_kind": d.get("doc_kind"), "province": d.get("province"), "city": d.get("city"),
        "county": d.get("county"), "admin_level": d.get("admin_level"), "region_code": d.get("region_code"),
        "budget_units": list(d.get("budget_units") or []), "internal_units": list(d.get("internal_units") or []),
        "internal_unit_count": d.get("internal_unit_count"),
        "pages": ex.pages if ex.status != "failed" else None, "n_facts": len(ex.facts),
        "n_checks_failed": failed_checks, "n_line_items": len(ex.line_items),
        "ocr_pages": list(ex.ocr_pages), "ocr_confidence": ex.ocr_confidence,
        "disclosure_id": ex.disclosure_id,
        "attachments": [{"href": href, "text": text} for href, text in ex.attachments],
        "text_path": text_path,
    }]
    facts = [{
        "doc_id": ex.doc_id, "fact_id": f.fact_id, "concept": f.concept, "label": f.label, "kind": f.kind,
        "value": _v(f.value), "unit": f.unit, "unit_text": f.unit_text, "raw": f.raw,
        "char_start": f.char_start, "char_end": f.char_end, "page": f.page, "section": f.section,
        "section_title": f.section_title, "direction": f.direction, "stated_none": f.stated_none,
        "period": f.period, "parent_fact_id": f.parent, "source": f.source,
        **_box(f.bbox), "confidence": f.confidence,
    } for f in ex.facts]
    projects = [{
        "doc_id": ex.doc_id, "name": p.name, "amount": _v(p.amount, _YUAN_Q), "purpose": p.purpose,
        "char_start": p.char_start, "char_end": p.char_end, "fact_id": p.fact_id,
    } for p in ex.projects]
    summary = []
    if ex.status != "failed":
        row: dict = {"doc_id": ex.doc_id}
        for concept, unit in load_vocabulary().summary_columns:
            value = ex.summary.get(concept)
            row[concept] = value if unit == "count" or value is None else _v(value, _YUAN_Q)
        row["sources"] = sorted(ex.summary_sources.items())
        summary.append(row)
    checks = [{
        "doc_id": ex.doc_id, "rule": c.rule, "status": c.status, "expected": _v(c.expected),
        "actual": _v(c.actual), "tolerance": _v(c.tolerance), "message": c.message,
        "evidence": [{"start": s, "end": e} for s, e in c.evidence],
        "evidence_items": list(c.evidence_items),
    } for c in ex.checks]
    line_items = [{"doc_id": ex.doc_id, "item_id": i, **{k: item.get(k) for k in LINE_ITEMS.names[2:]},
                   "amount": _v(item.get("amount"), _YUAN_Q)} for i, item in enumerate(ex.line_items)]
    return {"documents": documents, "facts": facts, "projects": projects, "summary": summary, "checks": checks,
            "line_items": line_items}


def _box(bbox) -> dict:
    x0, top, x1, bottom = bbox if bbox else (None, None, None, None)
    return {"x0": x0, "top": top, "x1": x1, "bottom": bottom}
