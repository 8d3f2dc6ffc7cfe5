"""Every command and example in README.md and docs/*.md runs as written.

Each page runs in a sandbox of its own: a fresh directory holding ``tests/`` and ``bench/``
(linked), ``raw/`` with the sample, an ``output/`` that already holds one ``gongkai run`` of
``raw/``, and ``sources/example.toml`` naming tests/harvest_site.py's local site (so the
harvest commands run against it, offline). ``/tmp/`` in a command means the sandbox's
``tmp/``, and so does ``mktemp``.

In a fenced ``bash`` block every line (split at top-level ``;`` and ``&&``) runs:

* ``gongkai …``: in-process, ``main(argv)`` with bash's expansion of the arguments
  (variables, globs, braces), on one Prefect test server for the module;
  ``gongkai serve`` with ``prefect.serve`` replaced by a recorder (it would serve until
  stopped): the sources are loaded and the deployments built; an environment prefix such
  as ``PREFECT_API_URL=… gongkai …`` is dropped (the module's Prefect server stands in);
* ``python …``: a subprocess of this interpreter;
* ``NAME=$(…)`` and ``cp``/``mkdir``: bash.

The exit code must be the one a trailing ``# exit N`` comment names (0 without one). Lines
whose program is ``pip`` or ``prefect`` or that say ``(not run by the tests)`` are not run;
the files they name must exist, and ``prefect deployment run 'FLOW/NAME'`` must name a
deployment the ``gongkai serve`` before it built. Every fenced ``python`` block is executed,
in order, in one namespace per page, with the sandbox as working directory.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
GENERATED = DOCS / "data-dictionary.md"  # written by a generator, not by hand
SAMPLE = ROOT / "raw" / "huaihua-zwfwzx-2024-budget.txt"

NOT_RUN_PROGRAMS = {"pip", "prefect"}
NOT_RUN_NOTE = "(not run by the tests)"
SHELL_PROGRAMS = {"cp", "mkdir"}
LINKED = ("tests", "bench")


def page_id(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def blocks(page: Path, lang: str | None = None) -> list[tuple[str, str]]:
    """The fenced blocks of a page in order, as (language, content)."""
    found = re.findall(r"^```(\w*)\n(.*?)^```", page.read_text(encoding="utf-8"), re.S | re.M)
    return [(lng, body) for lng, body in found if lang is None or lng == lang]


def command_lines(block: str) -> list[str]:
    """The command lines of a bash block (continuation lines joined, comment lines dropped)."""
    return [
        line.strip()
        for line in block.replace("\\\n", " ").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def commands(page: Path) -> list[str]:
    return [line for _, block in blocks(page, "bash") for line in command_lines(block)]


# -- splitting a line the way bash does (enough for the docs) ------------------------------


def split_line(line: str) -> tuple[list[tuple[str, str]], str]:
    """``(segments, comment)``: each segment with the operator before it ("" first, ";" or
    "&&"), quotes and ``$(…)`` respected; the comment after a top-level ``#``."""
    segments, current, op = [], [], ""
    quote, depth, i = None, 0, 0
    while i < len(line):
        c = line[i]
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif line.startswith("$(", i):
            depth += 1
            current.append("$(")
            i += 2
            continue
        elif c == ")" and depth:
            depth -= 1
        elif depth == 0 and c == "#" and (i == 0 or line[i - 1].isspace()):
            segments.append((op, "".join(current).strip()))
            return [s for s in segments if s[1]], line[i + 1 :].strip()
        elif depth == 0 and c == ";":
            segments.append((op, "".join(current).strip()))
            current, op = [], ";"
            i += 1
            continue
        elif depth == 0 and line.startswith("&&", i):
            segments.append((op, "".join(current).strip()))
            current, op = [], "&&"
            i += 2
            continue
        current.append(c)
        i += 1
    segments.append((op, "".join(current).strip()))
    return [s for s in segments if s[1]], ""


def test_split_line():
    assert split_line("a b && c 'x;y' ; d  # exit 1: why") == (
        [("", "a b"), ("&&", "c 'x;y'"), (";", "d")],
        "exit 1: why",
    )
    assert split_line("d=$(mktemp -d); cp x/*.{txt,json} $d/") == (
        [("", "d=$(mktemp -d)"), (";", "cp x/*.{txt,json} $d/")],
        "",
    )


ENV_PREFIX = re.compile(r"^((?:[A-Z_][A-Z0-9_]*=\S*\s+)+)")
ASSIGNMENT = re.compile(r"^([A-Za-z_]\w*)=(\$\(.*\)|\S+)$")
EXIT = re.compile(r"\bexit (\d+)\b")


# -- the sandbox ---------------------------------------------------------------------------


@dataclass
class Sandbox:
    root: Path
    env: dict = field(default_factory=dict)  # shell variables set by the page's lines
    served: list[str] = field(default_factory=list)  # FLOW/NAME of deployments `gongkai serve` built
    log: list[str] = field(default_factory=list)

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    def localize(self, text: str) -> str:
        return text.replace("/tmp/", f"{self.tmp}/")

    def shell_env(self) -> dict:
        return {**os.environ, "TMPDIR": str(self.tmp), **self.env}

    def bash(self, script: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "-c", script], cwd=self.root, env=self.shell_env(), capture_output=True)

    def expand(self, words: str) -> list[str]:
        done = self.bash(f'set -- {words}; for a in "$@"; do printf "%s\\0" "$a"; done')
        assert done.returncode == 0, done.stderr.decode()
        return [a for a in done.stdout.decode().split("\0")[:-1]]


def run_line(box: Sandbox, line: str, monkeypatch) -> None:
    segments, comment = split_line(box.localize(line))
    expected_last = int(m.group(1)) if (m := EXIT.search(comment)) else 0
    for n, (_op, segment) in enumerate(segments):
        expected = expected_last if n == len(segments) - 1 else 0
        started = time.perf_counter()
        code = run_segment(box, segment, monkeypatch)
        box.log.append(f"{segment} → {code} ({time.perf_counter() - started:.1f} s)")
        assert code == expected, f"{line!r}: `{segment}` exited {code}, the docs say {expected}\n" + "\n".join(box.log)


def run_segment(box: Sandbox, segment: str, monkeypatch) -> int:
    if m := ASSIGNMENT.match(segment):
        done = box.bash(f"printf %s {m.group(2)}")
        assert done.returncode == 0, done.stderr.decode()
        box.env[m.group(1)] = done.stdout.decode()
        return 0
    prefix = ENV_PREFIX.match(segment)
    env = dict(kv.split("=", 1) for kv in shlex.split(prefix.group(1))) if prefix else {}
    command = segment[prefix.end() :] if prefix else segment
    program, _, rest = command.partition(" ")
    if program == "gongkai":
        return run_gongkai(box, box.expand(rest), monkeypatch)  # (env prefixes: the test's Prefect server instead)
    if program == "python":
        done = subprocess.run(
            [sys.executable, *box.expand(rest)],
            cwd=box.root,
            env={**box.shell_env(), **env},
            capture_output=True,
            timeout=300,
        )
        if done.returncode:
            box.log.append(done.stderr.decode()[-3000:])
        return done.returncode
    assert program in SHELL_PROGRAMS, (
        f"`{program}` in the docs: teach tests/test_docs.py to run it, or mark the line {NOT_RUN_NOTE}"
    )
    done = box.bash(command)
    if done.returncode:
        box.log.append(done.stderr.decode())
    return done.returncode


def run_gongkai(box: Sandbox, argv: list[str], monkeypatch) -> int:
    import prefect

    from gongkai.pipeline.cli import main

    def serve(*deployments, **kwargs):  # `gongkai serve` would serve until stopped
        box.served.extend(f"{d.flow_name}/{d.name}" for d in deployments)

    monkeypatch.setattr(prefect, "serve", serve)
    monkeypatch.chdir(box.root)
    return main(argv)


def check_not_run(box: Sandbox, line: str) -> None:
    """A line the tests do not run: the files it names exist, a deployment it runs was served."""
    segments, _ = split_line(line)
    words = [w for _, segment in segments for w in shlex.split(ENV_PREFIX.sub("", segment))]
    if words[:3] == ["prefect", "deployment", "run"]:
        assert words[3] in box.served, f"{line!r}: `gongkai serve` built {box.served}"
        words = words[4:]
    for w in words:
        if "/" in w and not w.startswith(("-", "/")) and "://" not in w and "=" not in w:
            assert glob.glob(str(ROOT / w)), f"{line!r}: {w} does not exist"


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def prefect_server():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="module")
def site():
    from tests.harvest_site import SiteServer

    with SiteServer() as server:
        yield server


def fixture_sources(server) -> str:
    """sources/example.toml's site, at the fixture site: its first listing page only, its
    pages and PDF (the fault pages and the faulty attachments are tests/test_harvest_flow.py's)."""
    return (
        f'[[site]]\nname = "pingtan-bmyjsgk"\nprovince = "福建省"\ncity = "福州市"\n'
        f'listing_urls = ["{server.url}/list/index.htm"]\nnext_page = ""\n'
        f'disclosure_links = "/(t20\\\\d+_\\\\d+\\\\.htm|P\\\\d+_\\\\d+\\\\.pdf)$"\nattachments = ["pdf"]\n'
        f'allowed_hosts = ["{server.host}"]\nrequests_per_second = 20.0\nconcurrency_per_host = 4\n'
        f'schedule = "0 3 * * 1"\n'
    )


@pytest.fixture(scope="module")
def prepared_output(prefect_server, tmp_path_factory):
    """One `gongkai run` of raw/ (every page starts with it in output/)."""
    from gongkai.pipeline.cli import main

    base = tmp_path_factory.mktemp("docs-base")
    assert main(["run", str(SAMPLE), "--out", str(base / "output")]) == 0
    return base / "output"


@pytest.fixture
def sandbox(prepared_output, site, tmp_path) -> Sandbox:
    root = tmp_path / "sandbox"
    root.mkdir()
    for name in LINKED:
        (root / name).symlink_to(ROOT / name, target_is_directory=True)
    (root / "raw").mkdir()
    shutil.copy(SAMPLE, root / "raw" / SAMPLE.name)
    shutil.copytree(prepared_output, root / "output")
    (root / "sources").mkdir()
    (root / "sources" / "example.toml").write_text(fixture_sources(site), encoding="utf-8")
    (root / "tmp").mkdir()
    return Sandbox(root)


# -- the pages -----------------------------------------------------------------------------


@pytest.mark.flow
@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_commands_and_examples_run(page, sandbox, monkeypatch):
    scope: dict = {}
    for n, (lang, block) in enumerate(blocks(page)):
        if lang == "bash":
            for line in command_lines(block):
                first = ENV_PREFIX.sub("", line).split(" ", 1)[0]
                if first in NOT_RUN_PROGRAMS or NOT_RUN_NOTE in line:
                    check_not_run(sandbox, line)
                else:
                    run_line(sandbox, line, monkeypatch)
        elif lang == "python":
            monkeypatch.chdir(sandbox.root)
            exec(compile(sandbox.localize(block), f"{page_id(page)}, block {n + 1}", "exec"), scope)
    print("\n".join(sandbox.log))


def test_pages_show_commands():
    """The pages a newcomer reads have something to run."""
    for name in ("README.md", "docs/commands.md", "docs/accuracy.md", "docs/reviewing.md", "docs/harvesting.md"):
        assert any(line.startswith("gongkai") for line in commands(ROOT / name)), name


# -- links, paths and the folder map ---------------------------------------------------------


def slug(heading: str) -> str:
    """GitHub's anchor of a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)
    return {slug(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_links_resolve(page):
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if "://" in target:
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if file == GENERATED and not file.exists():
            continue  # generated from schemas/ (test_data_dictionary_is_there)
        assert file.exists(), f"{page_id(page)}: {target}"
        if anchor:
            assert anchor in anchors(file), f"{page_id(page)}: {target}: no such heading in {file.name}"


def test_data_dictionary_is_there():
    if not GENERATED.exists():
        pytest.skip("docs/data-dictionary.md is generated from schemas/ and not there yet")
    assert "data-dictionary.md" in (DOCS / "outputs.md").read_text(encoding="utf-8")


def test_every_docs_page_is_linked_from_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert PAGES[1:], "no docs/*.md"
    for page in PAGES[1:]:
        assert f"(docs/{page.name})" in readme, page.name


REPO_PATH = re.compile(r"`((?:pipeline|extractors|schemas|tests|bench|sources|raw|docs|\.ci)/[^`\s]*)`")


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_paths_named_in_the_docs_exist(page):
    """`pipeline/run/parts.py`, `extractors/load/`, `tests/fixtures/pdf_gold/` … are there
    (paths with placeholders such as <run_id> or … are patterns, not files)."""
    text = page.read_text(encoding="utf-8")
    missing = [
        p
        for p in REPO_PATH.findall(text)
        if not any(ch in p for ch in "<…*{") and not (ROOT / p.rstrip(":,.")).exists()
    ]
    assert not missing, (page_id(page), missing)


def folder_map() -> list[str]:
    """The paths of the README's folder map (its ``text`` block): two spaces per level,
    names before the description, several names separated by ", "."""
    block = next(body for lang, body in blocks(ROOT / "README.md", "text"))
    paths, stack = [], []
    for line in block.splitlines():
        if not line.strip():
            continue
        level = (len(line) - len(line.lstrip())) // 2
        names = re.split(r"\s{2,}", line.strip())[0]
        stack = stack[:level]
        for name in names.split(", "):
            paths.append("".join(stack) + name)
        if names.endswith("/"):
            stack.append(names)
    return paths


def test_the_folder_map_matches_the_tree():
    paths = folder_map()
    assert "pipeline/run/parts.py" in paths and "extractors/extract.py" in paths
    assert [p for p in paths if not (ROOT / p).exists()] == []
    listed = {p.rstrip("/") for p in paths}
    for package in ("pipeline", "pipeline/run", "pipeline/harvest", "pipeline/review"):
        modules = {f"{package}/{f.name}" for f in (ROOT / package).glob("*.py") if f.name != "__init__.py"}
        assert modules <= listed, sorted(modules - listed)
    for package in ("extractors", "pipeline"):
        subfolders = {
            f"{package}/{d.name}" for d in (ROOT / package).iterdir() if d.is_dir() and (d / "__init__.py").exists()
        }
        assert subfolders <= listed, sorted(subfolders - listed)
