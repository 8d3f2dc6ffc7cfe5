"""Every check has a severity (error, warning, info): declared per rule in schemas/rules.toml,
a column of checks.parquet, and the order in which the run summary, `gongkai extract` and the
review page list failed checks."""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from types import SimpleNamespace

import pyarrow.parquet as pq
import pytest

from gongkai.extractors.model import Check
from gongkai.pipeline import cli
from gongkai.pipeline.cli import main
from gongkai.pipeline.review.site import _checks_section, index_page, write_site
from gongkai.pipeline.run.history import complete_runs
from gongkai.pipeline.run.writer import SAMPLES, _first_failed
from gongkai.schemas.datafile import DataFileError, read_text
from gongkai.schemas.declarations import declared
from gongkai.schemas.rules import KINDS, SEVERITIES, load_rules, parse_rules, severity_of, severity_rank
from gongkai.schemas.table_kinds import load_table_kinds
from gongkai.schemas.vocabulary import load_vocabulary
from tests.conftest import SEED


def _parse(text: str):
    return parse_rules(text, load_vocabulary().concepts, load_table_kinds().measure_keys)


# --- severity on load ------------------------------------------------------------------------


def test_every_rule_entry_declares_its_severity():
    data = tomllib.loads(read_text("rules.toml"))
    entries = [(kind, e) for kind in KINDS for e in data.get(kind, [])]
    assert entries
    for kind, entry in entries:
        assert entry.get("severity") in SEVERITIES, f"[[{kind}]] {entry['name']} names no severity"
    rules = load_rules()
    assert set(rules.severities) == {e["name"] for _, e in entries}
    # today's rules are sums, shares, rates, repeats and table identities: the document contradicts itself
    assert severity_of("share_equals_part_over_parent") == "error"
    assert severity_of("three_public_parts_equal_total") == "error"


def test_an_unknown_severity_is_an_error_naming_the_file_and_entry():
    with pytest.raises(DataFileError, match=r"rules\.toml \[\[share\]\] #1 'share_x'.*unknown severity 'fatal'"):
        _parse('[[share]]\nname = "share_x"\nseverity = "fatal"\n')
    with pytest.raises(DataFileError, match=r"rules\.toml \[\[sum\]\] #1 'a_sum'.*'severity' must be a string"):
        _parse('[[sum]]\nname = "a_sum"\nseverity = 1\ntotal = "income_total"\nparts = ["expenditure_total"]\n')


def test_a_rule_without_severity_takes_its_kinds_and_a_declared_one_is_kept():
    rules = _parse('[[share]]\nname = "share_x"\n\n[[repeat]]\nname = "repeat_x"\nseverity = "info"\n')
    assert rules.severity("share_x") == "error" and rules.severity("repeat_x") == "info"


def test_rules_made_in_code_have_a_severity():
    """Cross-file checks are made from [[text_vs_table]] rules (rule name + "_across_files")."""
    rules = _parse('[[text_vs_table]]\nname = "texts_agree"\nseverity = "warning"\n')
    assert rules.severity("texts_agree_across_files") == "warning"
    assert severity_of("text_agrees_with_tables_across_files") == severity_of("text_agrees_with_tables")


def test_severities_sort_errors_first():
    assert [severity_rank(s) for s in SEVERITIES] == [0, 1, 2]
    assert sorted(["info", "warning", "error", "info"], key=severity_rank) == ["error", "warning", "info", "info"]


# --- checks.parquet --------------------------------------------------------------------------


def test_the_checks_table_declares_severity_as_a_closed_vocabulary():
    column = next(c for c in declared("checks").columns if c.name == "severity")
    assert tuple(column.values) == SEVERITIES and not column.nullable


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    from gongkai.pipeline.run.parts import run_in_process

    out = tmp_path_factory.mktemp("severity") / "out"
    assert run_in_process([SEED], out).ok
    return out


def test_checks_parquet_has_the_severity_of_each_rule(seed_run):
    checks = pq.read_table(seed_run / "checks.parquet").to_pylist()
    assert checks and all(c["severity"] == severity_of(c["rule"]) for c in checks)
    failed = [c for c in checks if c["status"] == "fail"]
    # the seed's one genuine inconsistency, the 5.23% share, is an error
    assert [(c["rule"], c["severity"]) for c in failed] == [("share_equals_part_over_parent", "error")]


def test_a_check_may_carry_its_own_severity(seed_extraction):
    from gongkai.pipeline.run.rows import rows_for

    ex = seed_extraction
    ex.checks.append(Check("repeated_figures_agree", "fail", Decimal(1), Decimal(2), Decimal(0), "m", severity="info"))
    try:
        rows = rows_for(ex)["checks"]
    finally:
        ex.checks.pop()
    assert rows[-1]["severity"] == "info" and rows[0]["severity"] == severity_of(rows[0]["rule"])


# --- the run summary and `gongkai extract` ---------------------------------------------------


def _failed(rule: str, severity: str, message: str = "m") -> dict:
    return {"source": "/x/a.txt", "rule": rule, "severity": severity, "message": message}


def test_the_run_summary_keeps_the_first_failed_checks_errors_first():
    met = [_failed(f"info_{i}", "info") for i in range(SAMPLES)] + [_failed("late_error", "error")]
    met.insert(3, _failed("a_warning", "warning"))
    first = _first_failed(met)
    assert len(first) == SAMPLES
    assert [f["rule"] for f in first[:2]] == ["late_error", "a_warning"]
    assert [f["rule"] for f in first[2:5]] == ["info_0", "info_1", "info_2"]  # the order met, within a severity


def test_the_run_summary_prints_failed_checks_by_severity(capsys):
    failed = [
        _failed("rule_info", "info", "an info [b]x[/b]"),
        _failed("rule_warning", "warning", "a warning"),
        _failed("rule_error", "error", "an error"),
    ]
    counts = dict.fromkeys(("documents", "ok", "partial", "failed", "facts", "projects", "checks"), 0)
    counts["checks_failed"] = 3
    report = SimpleNamespace(
        summary={"counts": counts, "problems": [], "failed_checks": failed}, run_id=None, refused=None, ok=True
    )
    assert cli._report_run(report, "out", 1.0) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "rule_" in line]
    assert [re.search(r"rule_\w+", line).group() for line in lines] == ["rule_error", "rule_warning", "rule_info"]
    assert "error: an error" in lines[0] and "warning: a warning" in lines[1]
    assert "info: an info [b]x[/b]" in lines[2]  # markup in a message is printed as it is


def test_extract_lists_failed_checks_errors_first(monkeypatch, seed_extraction, capsys):
    import gongkai.extractors.extract as extract

    ex = seed_extraction
    extra = [
        Check("repeated_figures_agree", "fail", None, None, None, "an info", severity="info"),
        Check("tables_agree", "fail", None, None, None, "a warning", severity="warning"),
    ]
    monkeypatch.setattr(extract, "extract_path", lambda _: ex)
    ex.checks[:0] = extra
    try:
        assert main(["extract", str(SEED)]) == 0
    finally:
        del ex.checks[:2]
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "✗" in line]
    assert len(lines) == 3
    assert "error share_equals_part_over_parent" in lines[0]
    assert "warning tables_agree: a warning" in lines[1] and "info repeated_figures_agree: an info" in lines[2]


# --- the review page -------------------------------------------------------------------------


def test_the_review_page_shows_and_sorts_by_severity():
    checks = [
        {"rule": "r_info", "status": "fail", "severity": "info", "message": "<i>i</i>", "evidence": []},
        {"rule": "r_pass", "status": "pass", "severity": "error", "message": "ok", "evidence": []},
        {"rule": "r_warning", "status": "fail", "severity": "warning", "message": "w", "evidence": []},
        {"rule": "r_error", "status": "fail", "severity": "error", "message": "e", "evidence": []},
        {"rule": "r_old", "status": "fail", "message": "a run before severities", "evidence": []},
    ]
    body, _ = _checks_section(checks, [])
    order = re.findall(r"r_\w+", body)
    assert order == ["r_error", "r_old", "r_warning", "r_info"]
    assert '<span class="severity severity-warning" title="severity">warning</span>' in body
    assert 'class="fail severity-info"' in body and "&lt;i&gt;i&lt;/i&gt;" in body and "<i>" not in body
    doc = {
        "doc_id": "d1",
        "source": "a.txt",
        "status": "ok",
        "n_facts": 0,
        "n_line_items": 0,
        "n_checks_failed": 4,
    }
    index = index_page("run", [doc], {"d1": checks}, False)
    assert re.findall(r"r_\w+", index) == ["r_error", "r_old", "r_warning", "r_info"]
    assert 'class="severity-warning"' in index


def test_the_review_site_of_a_real_run_shows_the_severity(seed_run):
    index = write_site(complete_runs(seed_run)[-1], seed_run / "review")
    doc_id = pq.read_table(seed_run / "documents.parquet").to_pylist()[0]["doc_id"]
    page = (index.parent / f"doc-{doc_id}.html").read_text(encoding="utf-8")
    assert '<span class="severity severity-error" title="severity">error</span>' in page
    assert "span.severity-error" in page  # the stylesheet is inlined
