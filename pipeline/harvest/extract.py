"""Extracting what a harvest stored: the disclosures with a version not yet extracted.

A disclosure is a page and the attachments it links to (from the ledger, not from
file names); when any of its files is new or changed, all of its current files are
extracted together so they are checked against each other. Each extraction's ``source``
is the URL it was fetched from. The output tables are rewritten with the new
extractions plus the earlier rows of every document that is still current, so a
harvest that changed one page re-extracts only that page.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gongkai.extractors.checks.disclosures import inherit
from gongkai.extractors.extract import extract_path
from gongkai.extractors.facts.gazetteer import region_for_code, resolve_region
from gongkai.extractors.model import Extraction
from gongkai.pipeline.harvest.crawl import HarvestSettings
from gongkai.pipeline.harvest.ledger import Ledger
from gongkai.pipeline.harvest.sources import Site
from gongkai.pipeline.run.writer import OutputWriter
from gongkai.schemas.validation import ValidationReport


@dataclass(frozen=True)
class StoredDocument:
    path: Path                  # the file in the raw store
    url: str
    role: str                   # page | attachment
    disclosure_url: str         # the page the file belongs to
    version_id: int
    content_selector: str | None = None
    region_code: str | None = None          # the site's (from its province and city)


def site_region(site: Site) -> str | None:
    """The region code of a site's province and city (None when they do not resolve)."""
    name = (site.province or "") + (site.city or "")
    region = resolve_region(name) if name else None
    return region.code if region else None


def plan_extraction(settings: HarvestSettings, sites: tuple[Site, ...]) -> list[StoredDocument]:
    selectors = {s.name: s.content_selector for s in sites}
    regions = {s.name: site_region(s) for s in sites}
    with Ledger(settings.ledger_path) as ledger:
        groups = ledger.pending_disclosures([s.name for s in sites])
    return [StoredDocument(Path(settings.raw_dir) / p.path, p.url, p.role, p.disclosure_url, p.version_id,
                           selectors.get(p.site) if p.role == "page" else None, regions.get(p.site))
            for members in groups.values() for p in members]


def extract_stored(doc: StoredDocument) -> Extraction:
    return extract_path(doc.path, doc.content_selector, source=doc.url)


def bundle(docs: list[StoredDocument], extractions: list[Extraction]) -> None:
    """The attachments of a page join the page's disclosure (and take its agency, year and
    kind where they name none); a document that names no region takes its site's."""
    pages = {d.url: ex for d, ex in zip(docs, extractions) if d.role == "page" and ex.status != "failed"}
    for d, ex in zip(docs, extractions):
        if ex.status != "failed" and not ex.document.get("region_code") and d.region_code:
            region = region_for_code(d.region_code)
            ex.document.update(province=region.province, city=region.city, county=region.county,
                               admin_level=region.admin_level, region_code=region.code)
    for page in pages.values():
        page.disclosure_id = page.disclosure_id or page.doc_id
    for d, ex in zip(docs, extractions):
        page = pages.get(d.disclosure_url)
        if d.role == "attachment" and page is not None and ex.status != "failed":
            inherit(page, ex)


def write_outputs(extractions: list[Extraction], out_dir: Path, settings: HarvestSettings,
                  keep_texts: bool = True) -> ValidationReport:
    """New extractions plus the earlier rows of the documents that are still current."""
    with Ledger(settings.ledger_path) as ledger:
        current = ledger.current_shas()
    writer = OutputWriter(out_dir, keep_texts=keep_texts)
    for ex in extractions:
        writer.add(ex)
    carried = writer.carry_over(current)
    return writer.commit({"command": "harvest", "raw_dir": str(settings.raw_dir)},
                         {"extracted": len(extractions), "carried_over": carried})


def mark_extracted(settings: HarvestSettings, docs: list[StoredDocument], extractions: list[Extraction]) -> None:
    with Ledger(settings.ledger_path) as ledger:
        ledger.mark_extracted({d.version_id: ex.disclosure_id for d, ex in zip(docs, extractions)})
