"""A run in parts, so memory does not grow with the corpus and the work spreads over
processes (``--workers``) or machines (``--dask``).

1. ``extract_part``: a batch of documents is extracted and spilled to
   ``<staging>/.parts/spill/<part>.pkl``; only a small ``DocRef`` per document comes back.
2. ``plan_parts``: from the references alone, which documents must be checked together
   (a prose file and the tables of the same disclosure; a web page and its attachments)
   and which are repeats of content already in the run.
3. ``write_part``: each part reads its documents back one at a time (and, for cross-file
   checks, the other files of their disclosure, from whichever part holds them), runs the
   cross-file checks, writes the stored texts and its rows as validated parquet tables.
4. The run's ``OutputWriter.add_part`` appends the parts' tables in part order.

The spill and the parts live in the run's staging directory, or in a shared work area
(an fsspec URL) when the tasks run on other machines.

The result is the same tables an in-memory run writes (tests/test_parts.py).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import pickle
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from gongkai.extractors.checks.disclosures import check_companions, inherit, link_name
from gongkai.extractors.extract import extract_path, failed
from gongkai.extractors.facts.gazetteer import region_for_code
from gongkai.extractors.load.limits import DEFAULT as LOAD_DEFAULTS
from gongkai.extractors.load.limits import LoadLimits
from gongkai.extractors.model import Extraction
from gongkai.pipeline.run.sandbox import Limits, sandbox
from gongkai.pipeline.run.writer import TableWriter, write_text
from gongkai.schemas.reasons import DocumentError, Reason

Key = tuple[int, int]  # (part, position in the part): where a document's extraction is spilled


@dataclass(frozen=True, slots=True)
class Input:
    """One document to extract: its file, and what a harvest knows of it that the file
    does not say (``gongkai run`` passes plain paths)."""

    path: Path
    source: str | None = None  # what its record calls it (a harvested file's URL); default: the path
    content_selector: str | None = None  # a web page's main content (the harvested site's setting)
    page: str | None = None  # the source of the page it is attached to (the harvest ledger's link)
    is_page: bool = False  # a harvested disclosure page: a disclosure even without attachments
    region_code: str | None = None  # the region when the document names none (the harvested site's)

    @property
    def name(self) -> str:
        return self.path.name


def as_input(item: Path | Input) -> Input:
    return item if isinstance(item, Input) else Input(Path(item))


def extract_input(inp: Input, load: LoadLimits = LOAD_DEFAULTS) -> Extraction:
    """Extract one document (within the loaders' ``load`` limits) and apply what its input
    knows: the site's region where the document names none; a harvested page is a
    disclosure of its own."""
    ex = extract_path(inp.path, inp.content_selector, source=inp.source, limits=load)
    if ex.status == "failed":
        return ex
    if inp.region_code and not ex.document.get("region_code"):
        region = region_for_code(inp.region_code)
        if region is None:  # a site's code comes from the gazetteer; never fail a document for it
            return ex
        ex.document.update(
            province=region.province,
            city=region.city,
            county=region.county,
            admin_level=region.admin_level,
            region_code=region.code,
        )
    if inp.is_page:
        ex.disclosure_id = ex.disclosure_id or ex.doc_id
    return ex


@dataclass(frozen=True, slots=True)
class DocRef:
    """What the plan needs of one extracted document (and the progress bar shows)."""

    part: int
    index: int
    doc_id: str
    source: str
    status: str
    disclosure_id: str | None
    links: tuple[str, ...]  # file names of the attachments a web page links to
    offset: int = 0  # where its pickled extraction starts in the part's spill file
    page: str | None = None  # the source of the page it is attached to (Input.page)

    @property
    def key(self) -> Key:
        return self.part, self.index

    @property
    def name(self) -> str:
        return PurePosixPath(self.source.replace("\\", "/")).name


class Carry:
    """An incremental run: the documents it extracted, and the contents (sha256) whose
    earlier rows in the output are kept (``OutputWriter.carry_over``). A plain class (see Plan)."""

    __slots__ = ("extracted", "keep")

    def __init__(self, extracted: set[str], keep: frozenset[str]):
        self.extracted, self.keep = extracted, keep


class Plan:
    """A plain class, not a dataclass: Prefect passes it to the write tasks as it is
    (it walks dataclasses looking for futures, and task runners such as Dask's do not
    unwrap ``quote``)."""

    __slots__ = ("together", "repeats", "offsets", "pages")

    def __init__(
        self,
        together: dict[Key, tuple[Key, ...]],
        repeats: frozenset[Key],
        offsets: dict[Key, int],
        pages: dict[Key, Key] | None = None,
    ):
        self.together = together  # a document → every document it is checked with (itself included)
        self.repeats = repeats  # content already in the run at an earlier place: not written again
        self.offsets = offsets  # where the documents checked together are in their spill files
        self.pages = pages or {}  # an attachment → the page it belongs to (Input.page)


def work_fs(work: str | Path):
    """The filesystem and root of a work area: a local directory (the run's staging) or
    an fsspec URL every worker can reach (``--work s3://bucket/tmp`` for Dask workers on
    other machines)."""
    import fsspec

    return fsspec.core.url_to_fs(str(work))


def is_local(fs) -> bool:
    return "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,))


def _spill(root: str, part: int) -> str:
    return f"{root}/spill/{part}.pkl"


def extract_limited(inp: Input, limits: Limits | None) -> Extraction:
    """``extract_input`` in this thread's sandbox (pipeline/run/sandbox.py) when ``limits``
    guard the run: past the time or memory limit the document is a failed row."""
    if limits is None:
        return extract_input(inp)
    if not limits.guarded or multiprocessing.current_process().daemon:
        return extract_input(inp, limits.load)  # a daemonic process (a Dask worker's) cannot start a child
    source = inp.source or str(inp.path)
    absolute = replace(inp, path=inp.path.absolute(), source=source)  # the child may run in another directory
    try:
        return sandbox(limits).call(source, extract_input, absolute, limits.load)
    except DocumentError as exc:
        return failed(source, exc.reason, exc.message, sha256=_sha256(inp.path))


def _sha256(path: Path) -> str | None:
    """The content id of a file that could not be extracted (so a later run knows it)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(2**20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def extract_part(
    paths: Sequence[Path | Input], part: int, work: str | Path, limits: Limits | None = None
) -> list[DocRef]:
    """Extract ``paths`` (files, or ``Input``s) and spill the extractions to the work area
    (one pickle each, back to back, so one can be read alone); their references. With
    ``limits``, each document is extracted in a sandbox within them."""
    fs, root = work_fs(work)
    fs.makedirs(f"{root}/spill", exist_ok=True)
    refs = []
    with fs.open(_spill(root, part), "wb") as fh:
        for i, item in enumerate(paths):
            inp = as_input(item)
            ex = extract_limited(inp, limits)
            refs.append(
                DocRef(
                    part,
                    i,
                    ex.doc_id,
                    ex.source,
                    ex.status,
                    ex.disclosure_id,
                    tuple(link_name(h) for h, _ in ex.attachments) if ex.status != "failed" else (),
                    fh.tell(),
                    inp.page,
                )
            )
            pickle.dump(ex, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return refs


def plan_parts(refs: list[DocRef]) -> Plan:
    """Which files form one disclosure, the one place this is decided: documents that share
    a disclosure_id, a page and the files named like its links, and an attachment and the
    page a harvest found it on (``DocRef.page``) end up in one group (transitively);
    ``check_companions`` then sees each group whole."""
    refs = sorted(refs, key=lambda r: r.key)
    parent = {r.key: r.key for r in refs}

    def root(k: Key) -> Key:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def join(a: Key, b: Key) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    first_of: dict[str, Key] = {}
    by_name: dict[str, list[Key]] = defaultdict(list)
    for r in refs:
        by_name[r.name].append(r.key)
        if r.disclosure_id and r.status != "failed":
            join(first_of.setdefault(r.disclosure_id, r.key), r.key)
    for r in refs:
        for link in r.links:
            for other in by_name.get(link, []):
                join(r.key, other)
    by_source = {r.source: r.key for r in refs if r.status != "failed"}
    pages = {r.key: by_source[r.page] for r in refs if r.page in by_source and r.status != "failed"}
    for attachment, page in pages.items():
        join(attachment, page)
    groups: dict[Key, list[Key]] = defaultdict(list)
    for r in refs:
        groups[root(r.key)].append(r.key)
    together = {k: tuple(members) for members in groups.values() if len(members) > 1 for k in members}
    seen: set[str] = set()
    repeats = set()
    for r in refs:
        if r.doc_id in seen:
            repeats.add(r.key)
        seen.add(r.doc_id)
    offsets = {r.key: r.offset for r in refs if r.key in together}
    return Plan(together, frozenset(repeats), offsets, pages)


def spilled(work: str | Path, part: int) -> Iterator[Extraction]:
    """The spilled extractions of one part, one at a time."""
    fs, root = work_fs(work)
    with fs.open(_spill(root, part), "rb") as fh:
        size = fs.size(_spill(root, part))
        while fh.tell() < size:
            yield pickle.load(fh)


def _load_one(work: str | Path, key: Key, offset: int) -> Extraction:
    fs, root = work_fs(work)
    with fs.open(_spill(root, key[0]), "rb") as fh:
        fh.seek(offset)
        return pickle.load(fh)


def _attach(group: list[Extraction], members: tuple[Key, ...], pages: dict[Key, Key]) -> None:
    """Attachments join the disclosure of the page they were found on (and take its agency,
    year and kind where they name none)."""
    by_key = dict(zip(members, group))
    for key, ex in by_key.items():
        page_key = pages.get(key)
        page = by_key.get(page_key) if page_key is not None else None
        if page is not None:
            inherit(page, ex)


def short_of_companions(ex: Extraction, exc: Exception) -> None:
    """A document whose checks across the files of its disclosure raised: kept, as partial."""
    if ex.status == "failed":
        return
    ex.status = "partial"
    ex.error_reason = ex.error_reason or Reason.EXTRACTION_ERROR.value
    note = f"{ex.source}: the checks across the files of its disclosure failed: {type(exc).__name__}: {exc}"
    ex.error_message = f"{ex.error_message}; {note}" if ex.error_message else note


def write_part(part: int, plan: Plan, work: str | Path, keep_texts: bool = True) -> TableWriter:
    """Check the part's documents with the other files of their disclosures, then write
    their rows as validated tables and their texts (``texts/``) into
    ``<work>/parts/<part>/``; written locally and uploaded when the work area is a URL.
    One document is in memory at a time (with the other files of its disclosure). The
    closed ``TableWriter`` carries the counts, failures and where the part is."""
    fs, root = work_fs(work)
    remote = not is_local(fs)
    directory = Path(tempfile.mkdtemp(prefix="gongkai-part-")) if remote else Path(root) / "parts" / str(part)
    (directory / "texts").mkdir(parents=True, exist_ok=True)
    tables = TableWriter(directory)
    checked: dict[Key, Extraction] = {}  # later documents of this part, already checked with their disclosure
    for i, ex in enumerate(spilled(work, part)):
        key = (part, i)
        if key in checked:
            ex = checked.pop(key)
        else:
            members = plan.together.get(key, (key,))
            group = [ex if k == key else _load_one(work, k, plan.offsets[k]) for k in members]
            try:
                _attach(group, members, plan.pages)
                check_companions(group)  # alone, too: a page with links still becomes a disclosure
            except Exception as exc:  # a bug in the cross-file checks costs these files those checks only
                for e in group:
                    short_of_companions(e, exc)
            checked.update((k, e) for k, e in zip(members, group) if k[0] == part and k[1] > i)
        if key not in plan.repeats:
            tables.add(ex, write_text(ex, directory) if keep_texts else None)
    tables.close()
    if remote:
        for f in sorted(directory.rglob("*")):
            if f.is_file():
                fs.put_file(str(f), f"{root}/parts/{part}/{f.relative_to(directory).as_posix()}")
        shutil.rmtree(directory, ignore_errors=True)
        tables.directory = f"{str(work).rstrip('/')}/parts/{part}"
    return tables


def run_in_process(
    paths: list[Path],
    out_dir: Path,
    batch_size: int = 200,
    keep_texts: bool = True,
    settings: dict | None = None,
    work: str | None = None,
):
    """The extract flow's steps without Prefect, on this process: the benchmark's baseline
    and the tests' reference. Returns the ValidationReport of the committed run."""
    from gongkai.pipeline.run.writer import OutputWriter

    run = OutputWriter(out_dir, keep_texts=keep_texts, work=work)
    batches = [paths[i : i + batch_size] for i in range(0, len(paths), batch_size)]
    refs = [ref for i, batch in enumerate(batches) for ref in extract_part(batch, i, run.work_dir)]
    plan = plan_parts(refs)
    for i in range(len(batches)):
        run.add_part(write_part(i, plan, run.work_dir, keep_texts))
    return run.commit(settings)
