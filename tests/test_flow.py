"""The real Prefect flow, end to end, on a temporary Prefect server."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from prefect.testing.utilities import prefect_test_harness

from gongkai.pipeline.cli import main
from gongkai.schemas.tables import schema_for
from tests.conftest import SEED, SEED_GOLD

pytestmark = pytest.mark.flow


@pytest.fixture(scope="module")
def prefect_server():
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The seed, a GBK copy of it, and bad inputs side by side."""
    d = tmp_path_factory.mktemp("raw")
    shutil.copy(SEED, d / SEED.name)
    (d / "seed-gbk.txt").write_bytes((SEED.read_text(encoding="utf-8") + "\n（GBK 副本）\n").encode("gbk"))
    (d / "empty.txt").write_bytes(b"")
    (d / "junk.txt").write_bytes(bytes(range(256)) * 8)
    (d / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    (d / "tables.xlsx").write_bytes(b"PK\x03\x04 truncated")
    (d / "notes.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 legacy Word")
    return d


@pytest.fixture(scope="module")
def run_output(prefect_server, corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    code = main(["run", str(corpus), str(corpus / "vanished.txt"), "--out", str(out)])
    return code, out


def test_exit_code_says_some_failed(run_output):
    code, _ = run_output
    assert code == 1


def test_documents_table(run_output):
    _, out = run_output
    docs = {Path(r["source"]).name: r for r in pq.read_table(out / "documents.parquet").to_pylist()}
    assert docs[SEED.name]["status"] == "ok" and docs[SEED.name]["agency"] == "怀化市政务服务中心"
    assert docs["seed-gbk.txt"]["status"] == "ok" and docs["seed-gbk.txt"]["encoding"] == "gb18030"
    assert docs["empty.txt"]["error_reason"] == "empty_file"
    assert docs["junk.txt"]["error_reason"] == "binary_content"
    assert docs["broken.pdf"]["error_reason"] == "corrupt_pdf"
    assert docs["tables.xlsx"]["error_reason"] == "corrupt_file"
    assert docs["notes.doc"]["error_reason"] == "unsupported_format"
    assert docs["vanished.txt"]["error_reason"] == "file_missing"
    assert all(
        r["error_message"] and Path(r["source"]).name in r["error_message"]
        for r in docs.values()
        if r["status"] == "failed"
    )


def test_tables_have_the_fixed_schemas(run_output):
    _, out = run_output
    for name in ("documents", "facts", "projects", "summary", "checks"):
        assert pq.read_schema(out / f"{name}.parquet").remove_metadata() == schema_for(name)


def test_facts_are_exact_decimals_slicing_the_stored_text(run_output):
    _, out = run_output
    docs = {Path(r["source"]).name: r for r in pq.read_table(out / "documents.parquet").to_pylist()}
    seed = docs[SEED.name]
    text = (out / seed["text_path"]).read_text(encoding="utf-8")
    facts = [f for f in pq.read_table(out / "facts.parquet").to_pylist() if f["doc_id"] == seed["doc_id"]]
    assert len(facts) == seed["n_facts"] > 60
    for f in facts:
        assert isinstance(f["value"], Decimal)
        assert text[f["char_start"] : f["char_end"]] == f["raw"]
    summary = {r["doc_id"]: r for r in pq.read_table(out / "summary.parquet").to_pylist()}
    assert summary[seed["doc_id"]]["income_total"] == Decimal("10948000.00")
    # the GBK copy gives the same figures at the same offsets
    gbk = [f for f in pq.read_table(out / "facts.parquet").to_pylist() if f["doc_id"] == docs["seed-gbk.txt"]["doc_id"]]
    assert [(f["char_start"], f["value"]) for f in gbk[:40]] == [(f["char_start"], f["value"]) for f in facts[:40]]


def test_evaluate_on_the_run(run_output, capsys):
    _, out = run_output
    assert main(["evaluate", str(out), "--gold", str(SEED_GOLD)]) == 0
    assert "100.0%" in capsys.readouterr().out


def test_a_failed_run_leaves_the_previous_output_whole(run_output, tmp_path, monkeypatch):
    _, out = run_output
    before = {p.name: p.read_bytes() for p in out.glob("*.parquet")}
    import gongkai.pipeline.run.writer as writer

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(writer.pq, "write_table", crash)
    with pytest.raises(Exception):  # noqa: B017 (the task's OSError, however Prefect re-raises it)
        main(["run", str(SEED), "--out", str(out)])
    assert {p.name: p.read_bytes() for p in out.glob("*.parquet")} == before
    assert not list(out.glob(".staging-*"))


def test_a_part_that_crashes_leaves_the_previous_output_whole(run_output, monkeypatch):
    """A task that fails outright (not a bad document: those are failed rows) ends the run;
    its staging directory and spilled parts are removed."""
    _, out = run_output
    before = {p.name: p.read_bytes() for p in out.glob("*.parquet")}
    import gongkai.pipeline.run.parts as parts

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(parts, "write_part", crash)
    with pytest.raises(Exception):  # noqa: B017 (the task's OSError, however Prefect re-raises it)
        main(["run", str(SEED), "--out", str(out)])
    assert {p.name: p.read_bytes() for p in out.glob("*.parquet")} == before
    assert not list(out.glob(".staging-*"))


def _published(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.parquet"))} | {"LATEST": (out / "LATEST").read_bytes()}


def test_a_mistyped_path_leaves_the_published_tables_alone(run_output, tmp_path, capsys):
    """No input path exists: exit 2 naming it, and the published run stays the newest."""
    _, out = run_output
    before = _published(out)
    assert main(["run", str(tmp_path / "raww"), "--out", str(out)]) == 2
    assert "raww" in capsys.readouterr().err
    assert _published(out) == before


def test_a_run_that_reads_no_document_is_not_published(run_output, corpus, capsys):
    """Every input exists but none can be read (empty, binary junk, a broken PDF): exit 2 and
    the output is not replaced by a table of failures."""
    _, out = run_output
    before = _published(out)
    bad = [str(corpus / n) for n in ("empty.txt", "junk.txt", "broken.pdf")]
    assert main(["run", *bad, "--out", str(out)]) == 2
    assert "none of the 3 documents could be read" in capsys.readouterr().err
    assert _published(out) == before
    assert not list(out.glob(".staging-*"))
