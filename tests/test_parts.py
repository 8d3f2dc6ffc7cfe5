"""A run in parts (pipeline/run/parts.py) writes the same tables as one pass in memory, with
the cross-file checks of disclosures whose files land in different parts."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from gongkai.pipeline.run.parts import DocRef, plan_parts, run_in_process
from tests.conftest import FIXTURES, SEED, extract_into
from tests.sheet_fixtures import page_with_attachment

PDF_GOLD = FIXTURES / "pdf_gold"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    tmp = tmp_path_factory.mktemp("corpus")
    page, sheet = page_with_attachment(tmp)
    broken = tmp / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7 this is not a PDF")
    repeat = tmp / "seed-copy.txt"
    repeat.write_bytes(SEED.read_bytes())
    # companions far apart: the prose PDF first, its tables PDF last; the page before its attachment
    return [
        PDF_GOLD / "js_swbgt_2019_budget_text.pdf",
        page,
        SEED,
        broken,
        *sorted((FIXTURES / "heldout").glob("*.txt"))[:3],
        repeat,
        sheet,
        PDF_GOLD / "js_swbgt_2019_budget_tables.pdf",
    ]


@pytest.mark.parametrize("batch_size", [1, 3])
def test_parts_write_what_one_pass_writes(corpus, tmp_path, batch_size):
    extract_into(tmp_path / "whole", corpus, companions=True)
    report = run_in_process(corpus, tmp_path / "parts", batch_size=batch_size)
    assert report.ok and report.summary["counts"]["documents"] == len(corpus) - 1  # the copy is written once
    assert report.summary["counts"]["failed"] == 1 and report.summary["problems"][0]["source"].endswith("broken.pdf")
    for table in ("documents", "facts", "projects", "checks", "summary", "line_items"):
        whole = pq.read_table(tmp_path / "whole" / f"{table}.parquet")
        parts = pq.read_table(tmp_path / "parts" / f"{table}.parquet")
        assert parts.equals(whole), table
    checks = pq.read_table(tmp_path / "parts" / "checks.parquet").to_pylist()
    source = {
        d["doc_id"]: Path(d["source"]).name for d in pq.read_table(tmp_path / "parts" / "documents.parquet").to_pylist()
    }
    across = {source[c["doc_id"]] for c in checks if c["rule"].endswith("_across_files")}
    # the prose PDF against its tables PDF; the page and the seed (the same agency, year and kind)
    # against the page's spreadsheet
    assert across == {"js_swbgt_2019_budget_text.pdf", "page.html", SEED.name}
    texts = sorted(p.name for p in (tmp_path / "parts" / "texts").iterdir())
    assert texts == sorted(p.name for p in (tmp_path / "whole" / "texts").iterdir())
    assert not list((tmp_path / "parts").glob(".staging-*")) and not list((tmp_path / "parts").rglob(".parts"))


def _ref(part, index, doc_id, name, disclosure=None, links=(), status="ok", page=None):
    return DocRef(part, index, doc_id, f"/in/{name}", status, disclosure, tuple(links), page=page and f"/in/{page}")


@pytest.mark.parametrize(
    "refs, together, repeats",
    [
        # one disclosure in two files, in different parts
        (
            [_ref(0, 0, "a", "text.pdf", "D"), _ref(1, 0, "b", "x.txt", "E"), _ref(2, 0, "c", "tables.pdf", "D")],
            [{(0, 0), (2, 0)}],
            set(),
        ),
        # a page, its attachment (named like the link) and, through the attachment's disclosure, a third file
        (
            [
                _ref(0, 0, "p", "page.html", None, ["表.xlsx"]),
                _ref(0, 1, "s", "表.xlsx", "D"),
                _ref(1, 0, "t", "t.pdf", "D"),
            ],
            [{(0, 0), (0, 1), (1, 0)}],
            set(),
        ),
        # a failed document joins no disclosure; the same content twice is written once
        (
            [
                _ref(0, 0, "a", "a.pdf", "D"),
                _ref(0, 1, "b", "b.pdf", "D", status="failed"),
                _ref(1, 0, "a", "a2.pdf", "D"),
            ],
            [{(0, 0), (1, 0)}],
            {(1, 0)},
        ),
        # a harvested attachment joins the page the ledger says it was found on, whatever its name
        (
            [
                _ref(0, 0, "p", "page.html", "P"),
                _ref(1, 0, "s", "download-17", None, page="page.html"),
                _ref(2, 0, "o", "other.html", "Q"),
            ],
            [{(0, 0), (1, 0)}],
            set(),
        ),
        # … but not a failed page
        (
            [
                _ref(0, 0, "p", "page.html", "P", status="failed"),
                _ref(1, 0, "s", "download-17", None, page="page.html"),
            ],
            [],
            set(),
        ),
        # nothing shared
        (
            [
                _ref(0, 0, "a", "a.txt", "D"),
                _ref(0, 1, "b", "b.txt", "E"),
                _ref(1, 0, "c", "c.html", None, ["missing.xls"]),
            ],
            [],
            set(),
        ),
    ],
)
def test_plan(refs, together, repeats):
    plan = plan_parts(list(reversed(refs)))  # the order refs arrive in does not matter
    groups = {frozenset(members) for members in plan.together.values()}
    assert groups == {frozenset(g) for g in together}
    assert all(plan.together[k] == tuple(sorted(plan.together[k])) for k in plan.together)
    assert plan.repeats == repeats
    assert set(plan.pages) <= set(plan.together)  # an attachment is always checked with its page


def test_cross_file_checks_that_raise_cost_only_those_checks(tmp_path, monkeypatch):
    """A bug in the checks across a disclosure's files: its documents are written as partial
    (reason extraction_error, the message says what raised), the run goes on."""
    import gongkai.pipeline.run.parts as parts_module
    from gongkai.pipeline.run.writer import OutputWriter

    def broken(group):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(parts_module, "check_companions", broken)
    run = OutputWriter(tmp_path / "out")
    docs = [SEED]
    refs = parts_module.extract_part(docs, 0, run.work_dir)
    run.add_part(parts_module.write_part(0, parts_module.plan_parts(refs), run.work_dir))
    report = run.commit()
    assert report.ok
    row = pq.read_table(tmp_path / "out" / "documents.parquet").to_pylist()[0]
    assert row["status"] == "partial" and row["error_reason"] == "extraction_error"
    assert "ZeroDivisionError: a bug" in row["error_message"]
    assert pq.read_table(tmp_path / "out" / "facts.parquet").num_rows > 0
