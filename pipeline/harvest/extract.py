"""Extracting what a harvest stored: the disclosures with a version not yet extracted.

A disclosure is a page and the attachments it links to (from the ledger, not from file
names); when any of its files is new or changed, all of its current files are extracted
together so they are checked against each other. The files go to the same parts-based
extraction as ``gongkai run`` (pipeline/run/parts.py), each as an ``Input`` carrying the
URL it was fetched from (its ``source``), the page it belongs to, the site's content
selector and region. The output tables are rewritten with the new extractions plus the
earlier rows of every document that is still current, so a harvest that changed one page
re-extracts only that page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from gongkai.extractors.facts.gazetteer import resolve_region
from gongkai.pipeline.harvest.crawl import HarvestSettings
from gongkai.pipeline.harvest.ledger import Ledger
from gongkai.pipeline.harvest.sources import Site
from gongkai.pipeline.run.parts import DocRef, Input


@dataclass(frozen=True)
class StoredDocument:
    path: Path  # the file in the raw store
    url: str
    role: str  # page | attachment
    disclosure_url: str  # the page the file belongs to
    version_id: int
    content_selector: str | None = None
    region_code: str | None = None  # the site's (from its province and city)

    def as_input(self) -> Input:
        return Input(
            self.path,
            self.url,
            self.content_selector,
            page=self.disclosure_url if self.role == "attachment" else None,
            is_page=self.role == "page",
            region_code=self.region_code,
        )


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
    return [
        StoredDocument(
            Path(settings.raw_dir) / p.path,
            p.url,
            p.role,
            p.disclosure_url,
            p.version_id,
            selectors.get(p.site) if p.role == "page" else None,
            regions.get(p.site),
        )
        for members in groups.values()
        for p in members
    ]


def current_shas(settings: HarvestSettings) -> frozenset[str]:
    """The contents (sha256) of every document still current: their earlier rows are kept."""
    with Ledger(settings.ledger_path) as ledger:
        return frozenset(ledger.current_shas())


def mark_extracted(settings: HarvestSettings, docs: list[StoredDocument], refs: list[DocRef], out_dir: Path) -> None:
    """Record each extracted version with the disclosure it got (read from the written
    documents table, after the cross-file bundling)."""
    documents = pq.read_table(Path(out_dir) / "documents.parquet", columns=["doc_id", "disclosure_id"]).to_pylist()
    disclosure = {d["doc_id"]: d["disclosure_id"] for d in documents}
    refs = sorted(refs, key=lambda r: r.key)
    with Ledger(settings.ledger_path) as ledger:
        ledger.mark_extracted({d.version_id: disclosure.get(r.doc_id) for d, r in zip(docs, refs)})
