"""The review site: static, self-contained HTML pages for checking one run by eye.

``index.html`` lists the documents (status, counts, failed checks); ``doc-<doc_id>.html``
shows a document's stored text with every figure highlighted (colour by concept; click
for value in yuan, kind, concept, section, summary source), its failed checks linked to
their evidence, summary, projects and line items, and for PDFs the page images with the
figures' boxes; ``diff.html`` lists what changed since the previous run. CSS and JS are
inlined (no CDN; it works from the file system). Every piece of document text is escaped.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import uuid
from collections.abc import Set
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pyarrow.parquet as pq

from gongkai.pipeline.review import diff as diffs
from gongkai.pipeline.review.diff import file_name
from gongkai.pipeline.run.history import read_manifest, run_before
from gongkai.schemas.rules import SEVERITIES, severity_rank

e = html.escape
MAX_LINE_ITEMS = 3000
MAX_PAGE_IMAGES = 40


def _asset(name: str) -> str:
    return resources.files("gongkai.pipeline.review").joinpath("assets", name).read_text(encoding="utf-8")


def concept_colour(concept: str) -> str:
    """A stable light colour per concept."""
    hue = int(hashlib.sha1(concept.encode()).hexdigest()[:4], 16) % 360
    return f"hsl({hue}, 75%, 82%)"


def yuan_text(value, unit: str) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    if unit == "yuan":
        return f"{value:,.2f} 元"
    text = format(value.normalize(), "f")
    return f"{text} {unit}"


# -- the highlighted text --------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    fact_id: int
    concept: str
    title: str


def highlight(text: str, spans: list[Span], anchors: dict[int, list[str]] | None = None) -> str:
    """``text`` escaped, each span wrapped in ``<mark id="f-<fact_id>">`` (a span inside
    another nests; one crossing its end is cut there), empty anchors inserted at the given
    offsets, page breaks (form feeds) drawn as rules."""
    anchors = anchors or {}
    stops = sorted(anchors)
    out: list[str] = []
    pos = 0
    stack: list[int] = []  # ends of the open marks

    def emit(upto: int) -> None:
        nonlocal pos
        while stops and stops[0] < upto:
            at = stops.pop(0)
            if at >= pos:
                out.append(_text(text[pos:at]))
                out.extend(f'<a class="anchor" id="{e(a)}"></a>' for a in anchors[at])
                pos = at
        if upto > pos:
            out.append(_text(text[pos:upto]))
            pos = upto

    for s in sorted(spans, key=lambda s: (s.start, -s.end, s.fact_id)):
        start = max(s.start, pos)
        while stack and stack[-1] <= start:
            emit(stack.pop())
            out.append("</mark>")
        emit(start)
        end = min(max(s.end, start), stack[-1]) if stack else max(s.end, start)
        unknown = " unknown" if s.concept == "unknown" else ""
        out.append(
            f'<mark class="fact{unknown}" id="f-{s.fact_id}" data-fact="{s.fact_id}" '
            f'data-concept="{e(s.concept)}" style="background:{concept_colour(s.concept)}" '
            f'title="{e(s.title)}">'
        )
        stack.append(end)
    while stack:
        emit(stack.pop())
        out.append("</mark>")
    emit(len(text))
    for at in stops:
        out.extend(f'<a class="anchor" id="{e(a)}"></a>' for a in anchors[at])
    return "".join(out)


def _text(segment: str) -> str:
    return e(segment).replace("\f", '<span class="pagebreak"></span>')


# -- reading a run ---------------------------------------------------------------------------


def _rows(run_dir: Path, table: str) -> list[dict]:
    path = run_dir / f"{table}.parquet"
    return pq.read_table(path).to_pylist() if path.exists() else []


def _by_doc(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r["doc_id"], []).append(r)
    return out


# -- pages -----------------------------------------------------------------------------------


def _page(title: str, body: str, script: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(title)}</title>'
        f"<style>{_asset('review.css')}</style></head><body>{body}{script}</body></html>\n"
    )


def _json_script(element_id: str, data) -> str:
    payload = json.dumps(data, ensure_ascii=False, default=str).replace("<", "\\u003c")  # no markup in a script
    return f'<script type="application/json" id="{element_id}">{payload}</script>'


def _fact_title(f: dict) -> str:
    return f"{f['concept']} · {yuan_text(f['value'], f['unit'])} · {f['kind']} · {f['label']}"


def _severity(check: dict) -> str:
    """A check's severity (a run written before severities existed: error)."""
    return check.get("severity") or SEVERITIES[0]


def _failed(checks: list[dict]) -> list[dict]:
    """The failed checks, errors first, then warnings, then info (each in document order)."""
    return sorted((c for c in checks if c["status"] == "fail"), key=lambda c: severity_rank(_severity(c)))


def _badge(check: dict) -> str:
    severity = e(_severity(check))
    return f'<span class="severity severity-{severity}" title="severity">{severity}</span>'


def _checks_section(checks: list[dict], facts: list[dict]) -> tuple[str, dict[int, list[str]]]:
    """Failed checks linked to their evidence: the figures inside each evidence span, or an
    anchor at the span's start when no figure lies there."""
    anchors: dict[int, list[str]] = {}
    items = []
    for i, c in enumerate(_failed(checks)):
        targets = []
        for k, ev in enumerate(c.get("evidence") or []):
            inside = [
                f"f-{f['fact_id']}" for f in facts if ev["start"] <= f["char_start"] and f["char_end"] <= ev["end"]
            ]
            if inside:
                targets.extend(inside)
            else:
                anchors.setdefault(ev["start"], []).append(f"ev-{i}-{k}")
                targets.append(f"ev-{i}-{k}")
        link = (
            f'<a class="check-link" id="check-{i}" href="#{e(targets[0])}" data-targets="{e(" ".join(targets))}">'
            f"{e(c['rule'])}</a>"
            if targets
            else e(c["rule"])
        )
        items.append(f'<li class="fail severity-{e(_severity(c))}">{_badge(c)} {link}: {e(c["message"] or "")}</li>')
    body = "<ul>" + "".join(items) + "</ul>" if items else "<p>No failed check.</p>"
    return body, anchors


def _table(headers: list[str], rows: list[list], numeric: Set[int] = frozenset()) -> str:
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{e(str(v))}</td>' if j in numeric else f"<td>{e(str(v))}</td>" for j, v in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _page_images(doc: dict, facts: list[dict], site: Path) -> str:
    """PNG of each PDF page that holds a figure, with the figures' boxes (needs the PDF file)."""
    source = Path(doc["source"])
    if doc.get("media_type") != "application/pdf" or not source.exists():
        return ""
    import pypdfium2 as pdfium

    boxed = [f for f in facts if f.get("page") and f.get("x0") is not None]
    pages = sorted({f["page"] for f in boxed})[:MAX_PAGE_IMAGES]
    if not pages:
        return ""
    parts = []
    pdf = pdfium.PdfDocument(str(source))
    try:
        for number in pages:
            page = pdf[number - 1]
            width, height = page.get_size()
            name = f"pages/{doc['doc_id']}-p{number}.png"
            (site / "pages").mkdir(exist_ok=True)
            page.render(scale=1.5).to_pil().save(site / name)
            page.close()
            boxes = "".join(
                f'<a class="box" href="#f-{f["fact_id"]}" data-fact="{f["fact_id"]}" title="{e(_fact_title(f))}" '
                f'style="left:{f["x0"] / width:.4%};top:{f["top"] / height:.4%};'
                f'width:{(f["x1"] - f["x0"]) / width:.4%};height:{(f["bottom"] - f["top"]) / height:.4%}"></a>'
                for f in boxed
                if f["page"] == number
            )
            parts.append(
                f'<div class="pageimg" id="page-{number}"><img src="{name}" alt="page {number}">'
                f'<span class="label">p. {number}</span>{boxes}</div>'
            )
    finally:
        pdf.close()
    return "<section><h2>Pages</h2>" + "".join(parts) + "</section>"


def document_page(
    doc: dict,
    text: str,
    facts: list[dict],
    checks: list[dict],
    projects: list[dict],
    items: list[dict],
    summary: dict | None,
    site: Path,
) -> str:
    sources = dict((summary or {}).get("sources") or [])
    checks_html, anchors = _checks_section(checks, facts)
    spans = [Span(f["char_start"], f["char_end"], f["fact_id"], f["concept"], _fact_title(f)) for f in facts]
    data = {
        f["fact_id"]: {
            "value_text": yuan_text(f["value"], f["unit"]),
            "raw": f["raw"],
            "kind": f["kind"] + (" (stated none)" if f["stated_none"] else ""),
            "concept": f["concept"],
            "label": f["label"],
            "section": f["section"],
            "page": f["page"],
            "summary_source": sources.get(f["concept"]),
            "char_start": f["char_start"],
            "char_end": f["char_end"],
        }
        for f in facts
    }
    concepts = sorted({f["concept"] for f in facts})
    legend = "".join(f'<span style="background:{concept_colour(c)}">{e(c)}</span>' for c in concepts)
    summary_rows = [
        [k, yuan_text(v, "yuan") if isinstance(v, Decimal) else v, sources.get(k, "")]
        for k, v in (summary or {}).items()
        if k not in ("doc_id", "sources") and v is not None
    ]
    project_rows = [[p["name"], yuan_text(p["amount"], "yuan"), p["purpose"] or ""] for p in projects]
    item_rows = [
        [
            i["table_kind"] or "",
            i["row_label"] or "",
            i["measure"] or "",
            yuan_text(i["amount"], "yuan"),
            i["page"] or "",
        ]
        for i in items[:MAX_LINE_ITEMS]
    ]
    meta = " · ".join(
        str(x)
        for x in (
            doc.get("agency"),
            doc.get("fiscal_year"),
            doc.get("doc_kind"),
            doc.get("region_code"),
            doc["status"],
            doc.get("error_reason"),
        )
        if x
    )
    body = (
        f'<header><h1>{e(file_name(doc["source"]))}</h1><div class="meta">{e(meta)}</div>'
        f'<div class="meta">{e(doc["source"])} · sha256 {e(doc.get("sha256") or "")} · '
        f'<a href="index.html">all documents</a></div></header><main>'
        f'<pre id="text">{highlight(text, spans, anchors)}</pre><aside>'
        f'<section id="detail"><h2>Figure</h2><div id="detail-body"><p>Click a highlighted figure.</p></div>'
        f'</section><section id="checks"><h2>Failed checks</h2>{checks_html}</section>'
        f'<section><h2>Concepts</h2><div class="legend">{legend}</div></section>'
        f'<section id="summary"><h2>Summary</h2>{_table(["concept", "value", "source"], summary_rows, {1})}</section>'
        f'<section id="projects"><h2>Projects</h2>{_table(["name", "amount", "purpose"], project_rows, {1})}</section>'
        f"{_page_images(doc, facts, site)}"
        f'<section id="line-items"><h2>Line items ({len(items)})</h2>'
        f"{_table(['table', 'row', 'measure', 'amount', 'page'], item_rows, {3})}</section>"
        f"</aside></main>"
    )
    script = _json_script("facts-data", data) + f"<script>{_asset('review.js')}</script>"
    return _page(file_name(doc["source"]), body, script)


def index_page(run_id: str, docs: list[dict], checks: dict[str, list[dict]], has_diff: bool) -> str:
    rows = []
    for d in sorted(docs, key=lambda d: file_name(d["source"])):
        failed = _failed(checks.get(d["doc_id"], []))
        fail_links = ", ".join(
            f'<a class="severity-{e(_severity(c))}" href="doc-{e(d["doc_id"])}.html#checks" '
            f'title="{e(_severity(c))}">{e(c["rule"])}</a>'
            for c in failed[:6]
        )
        cls = ' class="fail"' if d["status"] != "ok" else ""
        rows.append(
            f'<tr{cls}><td><a href="doc-{e(d["doc_id"])}.html">{e(file_name(d["source"]))}</a></td>'
            f"<td>{e(d.get('agency') or '')}</td><td>{e(str(d.get('fiscal_year') or ''))}</td>"
            f"<td>{e(d.get('doc_kind') or '')}</td><td>{e(d['status'])}</td>"
            f'<td>{e(d.get("error_reason") or "")}</td><td class="num">{d["n_facts"]}</td>'
            f'<td class="num">{d["n_line_items"]}</td><td class="num">{d["n_checks_failed"]}</td>'
            f"<td>{fail_links}</td></tr>"
        )
    diff_link = ' · <a href="diff.html">changes since the previous run</a>' if has_diff else ""
    body = (
        f'<header><h1>gongkai review</h1><div class="meta">run {e(run_id)} · {len(docs)} documents'
        f'{diff_link}</div></header><main class="index"><table id="documents"><thead><tr><th>document</th><th>agency</th>'
        f"<th>year</th><th>kind</th><th>status</th><th>reason</th><th>facts</th><th>line items</th>"
        f"<th>failed checks</th><th>which</th></tr></thead><tbody>{''.join(rows)}</tbody></table></main>"
    )
    return _page(f"gongkai review {run_id}", body)


def diff_page(result: diffs.RunDiff, doc_ids: dict[str, str]) -> str:
    rows = []
    for c in result.changes:
        doc_id = doc_ids.get(c.source)
        where = f'<a href="doc-{e(doc_id)}.html">{e(c.source)}</a>' if doc_id else e(c.source)
        rows.append(
            f'<tr class="{e(c.change)}"><td>{e(c.what)}</td><td>{e(c.change)}</td><td>{e(c.disclosure)}</td>'
            f"<td>{e(c.key)}</td><td>{e(c.old or '')}</td><td>{e(c.new or '')}</td><td>{where}</td></tr>"
        )
    table = (
        '<table id="changes"><thead><tr><th>what</th><th>change</th><th>disclosure</th><th>key</th>'
        f"<th>old</th><th>new</th><th>file</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        if rows
        else "<p>No changes.</p>"
    )
    body = (
        f'<header><h1>Changes</h1><div class="meta">{e(result.old_run)} → {e(result.new_run)} · '
        f'{e(diffs._summary_line(result))} · <a href="index.html">all documents</a></div></header>'
        f'<main class="index">{table}</main>'
    )
    return _page("gongkai diff", body)


# -- the site --------------------------------------------------------------------------------


def write_site(run_dir: Path, site: Path, against: Path | None = None) -> Path:
    """Write the review site of ``run_dir`` into ``site`` (replaced as a whole); the diff
    is against ``against`` or the complete run before it in the same history."""
    run_dir, site = Path(run_dir), Path(site)
    manifest = read_manifest(run_dir) or {"run_id": run_dir.name}
    if against is None:
        against = run_before(run_dir)
    site.parent.mkdir(parents=True, exist_ok=True)
    tmp = site.parent / f".{site.name}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        docs = _rows(run_dir, "documents")
        facts, checks = _by_doc(_rows(run_dir, "facts")), _by_doc(_rows(run_dir, "checks"))
        projects, items = _by_doc(_rows(run_dir, "projects")), _by_doc(_rows(run_dir, "line_items"))
        summary = {r["doc_id"]: r for r in _rows(run_dir, "summary")}
        for d in docs:
            text_path = run_dir / d["text_path"] if d.get("text_path") else None
            text = text_path.read_text(encoding="utf-8") if text_path and text_path.exists() else ""
            page = document_page(
                d,
                text,
                facts.get(d["doc_id"], []),
                checks.get(d["doc_id"], []),
                projects.get(d["doc_id"], []),
                items.get(d["doc_id"], []),
                summary.get(d["doc_id"]),
                tmp,
            )
            (tmp / f"doc-{d['doc_id']}.html").write_text(page, encoding="utf-8")
        if against is not None:
            result = diffs.diff_runs(against, run_dir)
            (tmp / "diff.html").write_text(
                diff_page(result, {file_name(d["source"]): d["doc_id"] for d in docs}), encoding="utf-8"
            )
        (tmp / "index.html").write_text(
            index_page(manifest["run_id"], docs, checks, against is not None), encoding="utf-8"
        )
        trash = site.parent / f".{site.name}-old-{uuid.uuid4().hex[:8]}"
        if site.exists():
            os.replace(site, trash)
        os.replace(tmp, site)
        shutil.rmtree(trash, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return site / "index.html"
