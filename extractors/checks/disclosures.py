"""One disclosure, several files: a prose PDF and its tables PDF share a disclosure_id
(agency, fiscal year, kind); a web page and the attachments it links to (matched by file
name among the documents of the run) share the page's. The files of one disclosure are
checked against each other: the prose figures of one against the tables of the other."""

from __future__ import annotations

from collections import defaultdict
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from gongkai.extractors.checks.tables import text_vs_tables
from gongkai.extractors.model import Extraction
from gongkai.extractors.tables.summary import summary_from_tables, table_cells
from gongkai.schemas.rules import load_rules
from gongkai.schemas.vocabulary import load_vocabulary


def link_name(href: str) -> str:
    return PurePosixPath(unquote(urlsplit(href).path)).name


# What a file of a disclosure that does not say it (a bare table) takes from the page.
INHERITED = ("agency", "parent_agency", "fiscal_year", "doc_kind")
REGION_KEYS = ("province", "city", "county", "admin_level", "region_code")


def inherit(page: Extraction, attached: Extraction) -> None:
    """An attachment joins the page's disclosure and, where it names none, takes the
    page's agency, year, kind and region."""
    attached.disclosure_id = page.disclosure_id
    for key in INHERITED:
        if attached.document.get(key) is None and page.document.get(key) is not None:
            attached.document[key] = page.document[key]
    if not attached.document.get("region_code") and page.document.get("region_code"):
        for key in REGION_KEYS:
            attached.document[key] = page.document.get(key)


def bundle_attachments(extractions: list[Extraction]) -> None:
    """A page's attachments (files of the run named like its links) join its disclosure."""
    by_name: dict[str, list[Extraction]] = defaultdict(list)
    for ex in extractions:
        by_name[PurePosixPath(ex.source.replace("\\", "/")).name].append(ex)
    for page in extractions:
        if not page.attachments or page.status == "failed":
            continue
        page.disclosure_id = page.disclosure_id or page.doc_id
        for href, _ in page.attachments:
            for attached in by_name.get(link_name(href), []):
                if attached is not page and attached.status != "failed":
                    inherit(page, attached)


def _has_standard_tables(ex: Extraction) -> bool:
    return any(it.get("table_kind") for it in ex.line_items)


def check_companions(extractions: list[Extraction]) -> None:
    """Add cross-file checks to the prose documents of every multi-file disclosure,
    and fill their summary from the companion's tables where they state a concept."""
    bundle_attachments(extractions)
    groups: dict[str, list[Extraction]] = defaultdict(list)
    for ex in extractions:
        if ex.disclosure_id and ex.status != "failed":
            groups[ex.disclosure_id].append(ex)
    vocab = load_vocabulary()
    rules = load_rules().text_vs_table
    for members in groups.values():
        if len(members) < 2:
            continue
        for prose in members:
            for other in members:
                if other is prose or not other.line_items:
                    continue
                cells = table_cells(other.line_items, vocab)
                # a file with standard tables of its own is a whole disclosure: another such file of
                # the agency and year is another scope (the 部门预算 beside a 单位预算), not its tables
                for rule in rules if not _has_standard_tables(prose) else ():
                    for check in text_vs_tables(prose.facts, cells, other.line_items, rule.name + "_across_files"):
                        check.message += f" (tables in {other.source})"
                        check.evidence_items = []  # item ids belong to the other document
                        prose.checks.append(check)
                for concept, value in summary_from_tables(other.line_items, vocab).items():
                    if prose.summary_sources.get(concept) != "table":
                        prose.summary[concept] = value
                        prose.summary_sources[concept] = f"table:{other.doc_id}"
