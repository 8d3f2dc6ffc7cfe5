"""The ``gongkai`` command. ``main(argv)`` returns the exit code (testable).

Exit codes: 0 everything ok · 1 some documents failed (or evaluate under its
threshold) · 2 usage error · 3 the output tables failed validation (nothing
was replaced).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table
from rich.text import Text

from gongkai.pipeline.run.lock import OutputBusy, output_lock
from gongkai.pipeline.run.settings import RunSettings, SettingsError, check_inputs, discover, quiet_prefect
from gongkai.schemas.rules import severity_of, severity_rank

app = typer.Typer(
    add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish, PowerShell)
    no_args_is_help=True,
    help="Chinese budget and final-account disclosures → validated parquet tables.",
)
console = Console(stderr=False)
err = Console(stderr=True)

EXIT_OK, EXIT_FAILED_DOCS, EXIT_USAGE, EXIT_INVALID = 0, 1, 2, 3


# --- tables that fit the terminal ------------------------------------------------------------------
# Rich cuts every cell of a table too wide for the terminal to "…". Here no cell is cut: a
# `whole` column keeps each value on one line (amounts, counts, names, ids), the other columns
# fold long values onto more lines; a table whose whole columns cannot fit side by side is
# printed in parts that repeat its first column (the row's name).

FOLD_MIN = 8  # the narrowest a folding column is counted when fitting a table


def _col(header: str, whole: bool = False, justify: str = "left", **options) -> Column:
    return Column(header, no_wrap=whole, overflow="fold", justify=justify, **options)  # type: ignore[arg-type]


def _table(*columns: Column | str, **options) -> Table:
    """A table without side borders: three cells between columns, long values folded."""
    cols = [c if isinstance(c, Column) else _col(c) for c in columns]
    return Table(*cols, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, **options)


def _cells(value: str) -> int:
    """Terminal cells of the widest line of a cell as shown (markup removed; CJK counts 2)."""
    return max((cell_len(line) for line in Text.from_markup(value).plain.split("\n")), default=0)


def _needed(columns: list[Column], rows: list[list[str]]) -> int:
    """Terminal cells the table needs with its whole columns whole (folding ones at FOLD_MIN)."""
    widths = [
        max([_cells(str(c.header)), *(_cells(r[i]) for r in rows)]) if c.no_wrap else FOLD_MIN
        for i, c in enumerate(columns)
    ]
    return sum(widths) + 3 * (len(columns) - 1)


def _fitted(columns: list[Column], rows: list[list[str]], width: int) -> list[Column]:
    """The columns, the widest whole ones made to fold until the table fits ``width``."""
    columns = list(columns)
    while _needed(columns, rows) > width and any(c.no_wrap for c in columns):
        i = max(
            (i for i, c in enumerate(columns) if c.no_wrap),
            key=lambda i: max([_cells(str(columns[i].header)), *(_cells(r[i]) for r in rows)]),
        )
        columns[i] = _col(str(columns[i].header), justify=columns[i].justify)
    return columns


def _print_table(
    target: Console, title: str, columns: list[Column], rows: list[list[str]], split: bool = False
) -> None:
    """Print the rows as a table that fits the terminal. ``split``: a table of many whole
    columns (figures) too wide for it is printed in parts of consecutive columns, each
    repeating the first (the row's name). Whole columns that still do not fit fold, the
    widest first."""
    parts = [list(range(len(columns)))]
    if split and _needed(columns, rows) > target.width and len(columns) > 2:
        parts = [[0, 1]]
        for i in range(2, len(columns)):
            if _needed([columns[j] for j in [*parts[-1], i]], rows) <= target.width:
                parts[-1].append(i)
            else:
                parts.append([0, i])
    for n, part in enumerate(parts, 1):
        picked = [[r[j] for j in part] for r in rows]
        cols = _fitted([columns[j] for j in part], picked, target.width)
        t = _table(*cols, title=title if len(parts) == 1 else f"{title} ({n}/{len(parts)})")
        for r in picked:
            t.add_row(*r)
        target.print(t)


MESSAGE_CHARS = 300  # of a document's message in the run summary (a traceback's tail can be longer)


def _shortened(message: str) -> str:
    return message if len(message) <= MESSAGE_CHARS else message[: MESSAGE_CHARS - 1] + "…"


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        console.print(f"gongkai {version('gongkai')}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Chinese budget and final-account disclosures → validated parquet tables."""


_DOC_TIMEOUT = typer.Option(
    "--doc-timeout",
    help="Seconds one document may take to extract; past that it is stopped and becomes a failed row "
    "(reason timeout). 0: no limit.",
    min=0,
)
_DOC_MEMORY = typer.Option(
    "--doc-memory",
    help="MiB of memory one document's extraction may use; over that it becomes a failed row "
    "(reason too_large). 0: no limit.",
    min=0,
)


_LIMIT = typer.Option(
    "--limit",
    help="A limit on what one file may hold, NAME=VALUE (repeatable): file_bytes, pdf_pages, "
    "sheet_cells, html_span, text_chars … (docs/formats.md#limits). Over it: a failed row (too_large).",
)


def _limits(doc_timeout: float, doc_memory: int, limit: list[str] | None = None):
    from gongkai.pipeline.run.sandbox import Limits

    try:
        return Limits.parse(doc_timeout or None, doc_memory or None, limit)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_USAGE) from None


@app.command()
def run(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories (default: raw/).")] = None,
    out: Annotated[
        str, typer.Option("--out", "-o", help="Output directory, or an fsspec URL (s3://bucket/prefix).")
    ] = "output",
    no_texts: Annotated[bool, typer.Option("--no-texts", help="Do not keep the stored texts in OUT/texts/.")] = False,
    workers: Annotated[int, typer.Option("--workers", "-w", help="Processes extracting in parallel.", min=1)] = 1,
    batch_size: Annotated[
        int | None, typer.Option(help="Documents per task (default: 1 for small runs, batches for large ones).", min=1)
    ] = None,
    dask: Annotated[str | None, typer.Option(help="Run the tasks on Dask: 'local' or a scheduler address.")] = None,
    work: Annotated[
        str | None,
        typer.Option(
            help="A work area every worker can reach (fsspec URL, e.g. "
            "s3://bucket/tmp) for the run's parts; default: the run's "
            "staging directory."
        ),
    ] = None,
    doc_timeout: Annotated[float, _DOC_TIMEOUT] = 300.0,
    doc_memory: Annotated[int, _DOC_MEMORY] = 4096,
    limit: Annotated[list[str] | None, _LIMIT] = None,
) -> None:
    """Extract every document with a Prefect flow (in parts: pipeline/run/parts.py) into OUT."""
    quiet_prefect()
    given = list(paths or [Path("raw")])
    try:
        check_inputs(given)
    except SettingsError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_USAGE) from None
    inputs = discover(given)
    limits = _limits(doc_timeout, doc_memory, limit)
    from gongkai.pipeline.run.remote import is_url, push_run

    remote = out if is_url(out) else None
    local_out = Path(tempfile.mkdtemp(prefix="gongkai-run-")) if remote else Path(out)
    try:
        settings = RunSettings(tuple(inputs), local_out, keep_texts=not no_texts)
    except SettingsError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_USAGE) from None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from gongkai.pipeline.flows import extract_flow, on_dask, on_document_done
    from gongkai.pipeline.run.workers import start

    started = time.perf_counter()
    start(workers)  # the worker processes warm up while Prefect starts
    with Progress(
        TextColumn("[bold]extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as progress:
        bar = progress.add_task("starting Prefect…", total=len(settings.inputs))
        on_document_done(lambda ex: progress.update(bar, advance=1, description=Path(ex.source).name))
        try:
            flow = on_dask(dask) if dask else extract_flow
            with output_lock(settings.out_dir, "run"), _stoppable(settings.out_dir):
                _, report = flow(
                    list(settings.inputs),
                    settings.out_dir,
                    settings.keep_texts,
                    batch_size,
                    workers,
                    work,
                    limits=limits,
                )
        except OutputBusy as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(EXIT_USAGE) from None
        finally:
            on_document_done(None)
    if remote and report.ok:
        push_run(local_out, remote)
        shutil.rmtree(local_out, ignore_errors=True)
    raise typer.Exit(_report_run(report, remote or settings.out_dir, time.perf_counter() - started))


@contextmanager
def _stoppable(out: str | Path):
    """Ctrl-C or SIGTERM during a flow: the work stops now, the published output stays
    whole (pipeline/run/stop.py); exit 130 (SIGINT) or 143 (SIGTERM) with a message."""
    from gongkai.pipeline.run.stop import exit_soon, on_stop_signals, start_prefect_server, stop_code, stop_work

    on_stop_signals()
    try:
        start_prefect_server()
        yield
    except BaseException as exc:
        code = stop_code(exc)
        if code is None:
            raise
        stop_work()
        exit_soon(code)
        err.print(
            f"[yellow]stopped[/yellow] ({escape(str(exc)) or 'interrupted'}): the published output in {out} is unchanged"
        )
        raise typer.Exit(code) from None


def _report_run(report, out_dir: str | Path, seconds: float, failed: int | None = None) -> int:
    """Print the run's summary (pipeline.run.writer.TableWriter.summary); the exit code.
    ``failed``: failed documents that make the exit code (default: all of the run's)."""
    summary = report.summary
    c = summary["counts"]
    console.print(f"[bold]gongkai run[/bold] → {escape(str(out_dir))}  ({seconds:.1f} s)")
    table = Table(_col("", whole=True), _col(""), show_header=False, box=None)
    table.add_row(
        "documents",
        f"{c['documents']}: [green]{c['ok']} ok[/green], "
        f"[yellow]{c['partial']} partial[/yellow], [red]{c['failed']} failed[/red]",
    )
    table.add_row("facts", str(c["facts"]))
    table.add_row("projects", str(c["projects"]))
    table.add_row("checks", f"{c['checks']} run, [red]{c['checks_failed']} failed[/red]")
    if report.run_id:
        table.add_row("run", f"{report.run_id} (gongkai diff · gongkai review --out {escape(str(out_dir))})")
    console.print(table)
    if summary["problems"]:
        _print_table(
            console,
            "documents not ok (the first ones)",
            [_col("document", whole=True), _col("status", whole=True), _col("reason", whole=True), _col("message")],
            [
                [escape(Path(p["source"]).name), p["status"], p["reason"] or "", escape(_shortened(p["message"] or ""))]
                for p in summary["problems"]
            ],
        )
    if summary["failed_checks"]:
        _print_table(
            console,
            "failed checks (the first ones)",
            [_col("document", whole=True), _col("rule", whole=True), _col("severity: message")],
            [
                [escape(Path(f["source"]).name), f["rule"], f"{_severity(f.get('severity'))}: {escape(f['message'])}"]
                for f in sorted(summary["failed_checks"], key=lambda f: severity_rank(f.get("severity")))[:10]
            ],
        )
    if report.refused:
        err.print(f"[red]error:[/red] {escape(report.refused)}")
        return EXIT_USAGE
    if not report.ok:
        err.print("[red]output validation failed; previous output left in place[/red]")
        err.print(report.failures.head(30).to_string())
        return EXIT_INVALID
    return EXIT_FAILED_DOCS if (c["failed"] if failed is None else failed) else EXIT_OK


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="One document.")],
    concept: Annotated[str | None, typer.Option(help="Show only facts of this concept.")] = None,
) -> None:
    """Extract one file in-process (no Prefect) and print its facts as a table."""
    from gongkai.extractors.checks.messages import one_line
    from gongkai.extractors.extract import extract_path
    from gongkai.schemas.vocabulary import load_vocabulary

    known = load_vocabulary().concepts
    if concept is not None and concept not in known:
        err.print(f"[red]error:[/red] --concept {escape(concept)}: not a concept; known: {', '.join(sorted(known))}")
        raise typer.Exit(EXIT_USAGE) from None
    ex = extract_path(file)
    if ex.status == "failed":
        err.print(f"[red]{ex.error_reason}[/red]: {escape(ex.error_message or '')}")
        raise typer.Exit(EXIT_FAILED_DOCS) from None
    d = ex.document
    console.print(
        f"[bold]{d.get('agency') or Path(ex.source).name}[/bold] · {d.get('fiscal_year')} · "
        f"{d.get('doc_kind')} · {d.get('province') or ''}{d.get('city') or ''}{d.get('county') or ''} "
        f"{d.get('region_code') or ''} · {ex.encoding} · status {ex.status}"
    )
    console.print(_facts_table([f for f in ex.facts if not concept or f.concept == concept], console.width))
    failed = sorted(
        ((c.severity or severity_of(c.rule), c) for c in ex.checks if c.status == "fail"),
        key=lambda found: severity_rank(found[0]),
    )
    console.print(
        f"{len(ex.facts)} facts, {len(ex.projects)} projects, {len(ex.checks)} checks ([red]{len(failed)} failed[/red])"
    )
    for severity, c in failed:
        console.print(f"  [red]✗[/red] {_severity(severity)} {c.rule}: {escape(one_line(c.message))}")
    raise typer.Exit(EXIT_OK)


SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


def _severity(severity: str | None) -> str:
    """A failed check's severity as the summaries print it: ``[red]error[/red]``."""
    name = severity or "error"
    return f"[{SEVERITY_STYLE.get(name, 'red')}]{escape(name)}[/{SEVERITY_STYLE.get(name, 'red')}]"


WIDE = 120  # terminal columns from which a fact takes one line of the facts table


def _facts_table(facts: list, width: int) -> Table:
    """The facts of ``gongkai extract``: one line each on a wide terminal; on a narrower one
    (80 columns) the offset goes under the number, the kind under the value and the label and
    section under the concept, so the values and concepts stay whole."""
    wide = width >= WIDE
    if wide:
        t = _table(
            _col("#", whole=True, justify="right"),
            _col("at", whole=True, justify="right"),
            _col("raw", ratio=1),
            _col("kind", ratio=1),
            _col("value", whole=True, justify="right"),
            _col("concept", whole=True),
            _col("label", ratio=2),
            _col("section", ratio=1),
        )
    else:
        t = _table(
            _col("#", whole=True, justify="right"),
            _col("raw", max_width=12),
            _col("value", whole=True, justify="right"),
            _col("concept · label", ratio=1),
        )
    for f in facts:
        value = escape(f"{f.value:,}" + ("" if f.unit == "yuan" else " " + f.unit))
        flag = "(无)" if f.stated_none else (f"({f.direction})" if f.direction else "")
        section = escape(f.section.split(" > ")[-1][:20])
        if wide:
            kind = f.kind + (" " + flag if flag else "")
            t.add_row(
                str(f.fact_id), str(f.char_start), escape(f.raw), kind, value, f.concept, escape(f.label), section
            )
        else:
            kind = f"[dim]{f.kind}[/dim]" + (f"\n[dim]{flag}[/dim]" if flag else "")
            about = escape(f.label) + (f" [dim]· {section}[/dim]" if section else "")
            t.add_row(
                f"{f.fact_id}\n[dim]@{f.char_start}[/dim]", escape(f.raw), f"{value}\n{kind}", f"{f.concept}\n{about}"
            )
    return t


@app.command()
def evaluate(
    out: Annotated[Path, typer.Argument(help="An output directory of `gongkai run`.")],
    gold: Annotated[Path, typer.Option("--gold", help="A *.gold.json file or a directory of them.")],
    min_recall: Annotated[float, typer.Option(help="Exit 1 when overall recall is below this.")] = 0.95,
    max_wrong: Annotated[int, typer.Option(help="Exit 1 when more facts than this have a wrong value.")] = 0,
) -> None:
    """Recall and precision per document, per concept and overall against gold files."""
    from gongkai.pipeline.review.evaluate import evaluate as run_eval

    if not (out / "facts.parquet").exists():
        err.print(f"[red]error:[/red] {out}: no facts.parquet (run `gongkai run --out {out}` first)")
        raise typer.Exit(EXIT_USAGE) from None
    from gongkai.pipeline.review.evaluate import gold_files

    if not gold_files(gold) or not all(g.is_file() for g in gold_files(gold)):
        err.print(f"[red]error:[/red] --gold {escape(str(gold))}: no such gold file (or no *.gold.json in it)")
        raise typer.Exit(EXIT_USAGE) from None
    report = run_eval(out, gold)
    numbers = ("gold", "correct", "wrong", "missed", "on traps", "recall", "precision", "concept", "summary")
    rows = [
        [
            escape(d.source),
            str(d.gold),
            str(d.correct),
            str(len(d.wrong)),
            str(len(d.missed)),
            str(len(d.on_traps)),
            f"{d.recall:.1%}" if d.doc_id else "[red]not found[/red]",
            f"{d.precision:.1%}" if d.doc_id else "—",
            f"{d.concept_ok / d.correct if d.correct else 1:.1%}" if d.doc_id else "—",
            f"{d.summary_ok}/{d.summary_total}",
        ]
        for d in report.docs
    ]
    rows.append(
        [
            "[bold]overall",
            str(report._sum("gold")),
            str(report._sum("correct")),
            str(report.wrong),
            str(report._sum("missed")),
            str(report._sum("on_traps")),
            f"[bold]{report.recall:.1%}",
            f"[bold]{report.precision:.1%}",
            f"{report.concept_agreement:.1%}",
            f"{report._sum('summary_ok')}/{report._sum('summary_total')}",
        ]
    )
    columns = [_col("document", whole=True), *(_col(n, whole=True, justify="right") for n in numbers)]
    _print_table(console, "evaluation", columns, rows, split=True)
    _print_table(
        console,
        "per concept",
        [
            _col("gold concept", whole=True),
            *(_col(n, whole=True, justify="right") for n in ("correct", "gold", "recall", "same concept")),
        ],
        [
            [concept, str(ok), str(total), f"{ok / total:.0%}", f"{same}/{ok}"]
            for concept, (ok, total, same) in report.per_concept().items()
        ],
    )

    def where(g: dict) -> str:
        return f"@{g['at']}" if "at" in g else f"p.{g.get('page')}"

    for d in report.docs:
        if d.doc_id is None:
            console.print(f"  [red]not found[/red] {escape(d.source)}: no document of that name in {escape(str(out))}")
            continue
        for g in d.missed:
            console.print(f"  missed  {d.source} {where(g)} {g['surface']} ({g['kind']} {g.get('concept', '')})")
        for g in d.wrong:
            console.print(
                f"  [red]wrong[/red]   {d.source} {where(g)} {g['surface']}: expected {g['kind']} {g['value']}, "
                f"got {g['got_kind']} {g['got_value']}"
            )
        for g in d.on_traps:
            console.print(f"  [red]trap[/red]    {d.source} {where(g)} {g['surface']}: extracted {g['fact']}")
        for s in d.summary_wrong:
            console.print(f"  summary {d.source} {s}")
    ok = report.recall >= min_recall and report.wrong <= max_wrong
    raise typer.Exit(EXIT_OK if ok else EXIT_FAILED_DOCS)


@app.command()
def diff(
    old: Annotated[str | None, typer.Argument(help="Old run: a run id (or prefix) or a run directory.")] = None,
    new: Annotated[str | None, typer.Argument(help="New run (default: the newest).")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="The output directory holding runs/.")] = Path("output"),
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, markdown, json or html.")] = "text",
    output: Annotated[Path | None, typer.Option("--output", help="Write to this file instead of stdout.")] = None,
    fail_on_change: Annotated[bool, typer.Option("--fail-on-change", help="Exit 1 when anything differs.")] = False,
) -> None:
    """Figures, checks and document facts added, removed or changed between two runs."""
    from gongkai.pipeline.review import diff as diffs
    from gongkai.pipeline.run.history import RunError, chosen_run, complete_runs, resolve_run, run_before

    if fmt not in ("text", *diffs.FORMATS):
        err.print(f"[red]error:[/red] --format {fmt!r}: choose text, markdown, json or html")
        raise typer.Exit(EXIT_USAGE) from None
    try:
        if not new and not complete_runs(out):
            raise RunError(f"{out}: need two complete runs in {out / 'runs'}, found 0")
        new_dir = chosen_run(out, new)
        old_dir = resolve_run(old, out) if old else run_before(new_dir)
        if old_dir is None:
            raise RunError(f"{out}: need two complete runs in {out / 'runs'}, found {len(complete_runs(out))}")
    except RunError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_USAGE) from None
    result = diffs.diff_runs(old_dir, new_dir)
    if fmt == "text":
        target = Console(file=open(output, "w", encoding="utf-8"), width=200) if output else console
        t = _table(
            _col("what", whole=True),
            _col("change", whole=True),
            "disclosure",
            "key",
            "old",
            "new",
            "file",
            title=f"gongkai diff {result.old_run} → {result.new_run}",
        )
        colour = {"added": "green", "removed": "red", "changed": "yellow"}
        for c in result.changes:
            t.add_row(
                c.what,
                f"[{colour[c.change]}]{c.change}[/]",
                *(escape(v or "") for v in (c.disclosure, c.key, c.old, c.new, c.source)),
            )
        target.print(t if not result.empty else f"no changes between {result.old_run} and {result.new_run}")
        target.print(diffs._summary_line(result))
        if output:
            target.file.close()
    else:
        text = diffs.FORMATS[fmt](result)
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            console.file.write(text)
    raise typer.Exit(EXIT_FAILED_DOCS if fail_on_change and not result.empty else EXIT_OK)


@app.command()
def review(
    run_ref: Annotated[
        str | None, typer.Argument(metavar="RUN", help="A run id (or prefix) or run directory; default: the newest.")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="The output directory holding runs/.")] = Path("output"),
    site: Annotated[Path | None, typer.Option("--site", help="Where to write the pages (default: OUT/review).")] = None,
    against: Annotated[str | None, typer.Option(help="Run to diff against (default: the previous one).")] = None,
) -> None:
    """Write the review site of a run: every figure highlighted in its source, failed checks, diff."""
    from gongkai.pipeline.review.site import write_site
    from gongkai.pipeline.run.history import RunError, chosen_run, resolve_run

    try:
        run_dir = chosen_run(out, run_ref)
        against_dir = resolve_run(against, out) if against else None
    except RunError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_USAGE) from None
    index = write_site(run_dir, site or out / "review", against_dir)
    console.print(f"review site of run {run_dir.name}: {index.resolve().as_uri()}")
    raise typer.Exit(EXIT_OK)


@app.command()
def snapshot(
    update: Annotated[bool, typer.Option("--update", help="Rewrite the snapshots that drifted.")] = False,
    docs: Annotated[
        Path, typer.Option("--list", help="The list of documents (snapshots are written beside it).")
    ] = Path("tests/snapshots/documents.txt"),
) -> None:
    """Compare each listed document's extraction with its golden snapshot (exit 1 on drift)."""
    from gongkai.pipeline.review.snapshot import check

    if not docs.exists():
        err.print(f"[red]error:[/red] {docs}: no such list of documents")
        raise typer.Exit(EXIT_USAGE) from None
    drifts = check(docs, update=update)
    for d in drifts:
        state = "written" if update else ("missing" if d.missing else "drifted")
        console.print(f"[yellow]{state}[/yellow] {d.snapshot}")
        if d.diff and not update:
            console.file.write(d.diff)  # as is: tabs and all
    if not drifts:
        console.print("snapshots match")
    raise typer.Exit(EXIT_FAILED_DOCS if drifts and not update else EXIT_OK)


_SOURCES = typer.Option("--sources", "-s", help="The sites to harvest (a TOML file; see sources/example.toml).")
_RAW = typer.Option("--raw", help="The raw store (files + manifest.sqlite).")
_HARVEST_OUT = typer.Option("--out", "-o", help="Output directory of the extracted tables.")


def _sites_or_exit(sources: Path, names: list[str] | None):
    from gongkai.pipeline.harvest.sources import SourcesError, load_sources, select_sites

    try:
        return select_sites(load_sources(sources), names)
    except (SourcesError, OSError) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_USAGE) from None


@app.command()
def harvest(
    sources: Annotated[Path, _SOURCES],
    raw: Annotated[Path, _RAW] = Path("raw"),
    out: Annotated[Path, _HARVEST_OUT] = Path("output/harvest"),
    site: Annotated[list[str] | None, typer.Option("--site", help="Only this site (repeatable).")] = None,
    timeout: Annotated[
        float, typer.Option(help="Deadline of one attempt at a URL (connect to last byte), seconds.")
    ] = 20.0,
    retries: Annotated[int, typer.Option(help="Retries on timeouts, connection errors and 5xx.")] = 3,
    backoff: Annotated[float, typer.Option(help="First retry delay in seconds (doubled each retry).")] = 1.0,
    max_mb: Annotated[float, typer.Option(help="Largest file to download, in MiB.")] = 50.0,
    no_extract: Annotated[bool, typer.Option("--no-extract", help="Only fetch and store.")] = False,
    doc_timeout: Annotated[float, _DOC_TIMEOUT] = 300.0,
    doc_memory: Annotated[int, _DOC_MEMORY] = 4096,
    limit: Annotated[list[str] | None, _LIMIT] = None,
) -> None:
    """Harvest the sites once (Prefect flow): fetch and store what is new or changed, extract it into OUT."""
    quiet_prefect()
    chosen = _sites_or_exit(sources, site)
    limits = _limits(doc_timeout, doc_memory, limit)
    from gongkai.pipeline.flows import harvest_flow

    started = time.perf_counter()
    try:
        if out.exists() and not no_extract:  # a quick refusal before Prefect starts; the flow holds the lock
            with output_lock(out, "harvest"):
                pass
        with _stoppable(out):
            result = harvest_flow(
                str(sources),
                str(raw),
                str(out),
                [s.name for s in chosen],
                timeout=timeout,
                retries=retries,
                backoff=backoff,
                max_bytes=int(max_mb * 2**20),
                extract=not no_extract,
                doc_seconds=limits.seconds,
                doc_memory_mb=limits.memory_mb,
            )
    except OutputBusy as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_USAGE) from None

    raise typer.Exit(_report_harvest(result, out, time.perf_counter() - started))


def _report_harvest(result, out: Path, seconds: float) -> int:
    _print_table(
        console,
        f"gongkai harvest ({seconds:.1f} s)",
        [
            _col("site", whole=True),
            _col("run"),
            *(_col(n, whole=True, justify="right") for n in ("new", "changed", "unchanged", "failed")),
        ],
        [
            [
                escape(r.site),
                (r.run_id or "") + (" (resumed)" if r.resumed else ""),
                str(r.new),
                str(r.changed),
                str(r.unchanged),
                f"[red]{r.failed}[/red]" if r.failed else "0",
            ]
            for r in result.sites
        ],
    )
    failures = [(r.site, f) for r in result.sites for f in r.failures]
    if failures:
        _print_table(
            console,
            "failed (retried on the next harvest)",
            [
                _col("site", whole=True),
                _col("url"),
                _col("reason", whole=True),
                _col("tries", whole=True),
                _col("message"),
            ],
            [
                [escape(name), escape(f.url), f.reason, str(f.failures), escape(f.message[:100])]
                for name, f in failures[:30]
            ],
        )
    for r in result.sites:
        if r.error:
            err.print(f"[red]site failed:[/red] {escape(str(r.error))}")
    exit_code = EXIT_FAILED_DOCS if failures or any(r.error for r in result.sites) else EXIT_OK
    if result.report is None:
        console.print("nothing new to extract")
        return exit_code
    code = _report_run(result.report, out, seconds, failed=sum(1 for d in result.documents if d.status == "failed"))
    return code if code != EXIT_OK else exit_code


@app.command()
def serve(
    sources: Annotated[Path, _SOURCES],
    raw: Annotated[Path, _RAW] = Path("raw"),
    out: Annotated[Path, _HARVEST_OUT] = Path("output/harvest"),
) -> None:
    """Serve one harvest deployment per site on its cron schedule, until stopped.

    With PREFECT_API_URL pointing at a Prefect server (prefect server start) its UI shows and triggers the runs."""
    quiet_prefect()
    chosen = _sites_or_exit(sources, None)
    from prefect import serve as prefect_serve

    from gongkai.pipeline.flows import harvest_flow

    deployments = [
        harvest_flow.to_deployment(
            name=f"harvest-{s.name}",
            cron=s.schedule,
            tags=["gongkai", "harvest"],
            parameters={
                "sources": str(sources.resolve()),
                "raw_dir": str(raw.resolve()),
                "out_dir": str(out.resolve()),
                "sites": [s.name],
            },
        )
        for s in chosen
    ]
    console.print(
        f"serving {len(deployments)} harvest deployment(s): " + ", ".join(f"{s.name} [{s.schedule}]" for s in chosen)
    )
    # to_deployment is typed for sync and async callers (RunnerDeployment | Coroutine); called here
    # from sync code it returns the RunnerDeployment
    prefect_serve(*deployments, print_starting_message=False)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv``; return the exit code instead of exiting."""
    global console, err
    console, err = Console(), Console(stderr=True)  # pick up the terminal (or COLUMNS) of this call
    try:
        app(args=list(sys.argv[1:] if argv is None else argv), prog_name="gongkai")
    except SystemExit as exc:  # typer exits with the command's code (2 for usage errors)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_USAGE)
    return EXIT_OK


def run_console() -> None:
    sys.exit(main())
