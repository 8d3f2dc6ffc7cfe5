"""A run in parts, so memory does not grow with the corpus and the work spreads over
processes (``--workers``) or machines (``--dask``).

1. ``extract_part``: a batch of documents is extracted and spilled to
   ``<staging>/.parts/spill/<part>.pkl``; only a small ``DocRef`` per document comes back.
2. ``plan_parts``: from the references alone, which documents must be checked together
   (a prose file and the tables of the same disclosure; a web page and its attachments)
   and which are repeats of content already in the run.
3. ``write_part``: each part reloads its documents (and, for cross-file checks, the other
   members of their disclosure from other parts), runs the cross-file checks, writes the
   stored texts and its rows as validated parquet tables.
4. The run's ``OutputWriter.add_part`` appends the parts' tables in part order.

The result is the same tables an in-memory run writes (tests/test_parts.py).
"""
from __future__ import annotations

import pickle
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from extractors.disclosures import check_companions, link_name
from extractors.extract import extract_path
from extractors.model import Extraction
from pipeline.writer import TableWriter, write_text

Key = tuple[int, int]      # (part, position in the part): where a document's extraction is spilled


@dataclass(frozen=True, slots=True)
class DocRef:
    """What the plan needs of one extracted document (and the progress bar shows)."""

    part: int
    index: int
    doc_id: str
    source: str
    status: str
    disclosure_id: str | None
    links: tuple[str, ...]       # file names of the attachments a web page links to
    offset: int = 0              # where its pickled extraction starts in the part's spill file

    @property
    def key(self) -> Key:
        return self.part, self.index

    @property
    def name(self) -> str:
        return PurePosixPath(self.source.replace("\\", "/")).name


class Plan:
    """A plain class, not a dataclass: Prefect passes it to the write tasks as it is
    (it walks dataclasses looking for futures, and task runners such as Dask's do not
    unwrap ``quote``)."""

    __slots__ = ("together", "repeats", "offsets")

    def __init__(self, together: dict[Key, tuple[Key, ...]], repeats: frozenset[Key], offsets: dict[Key, int]):
        self.together = together     # a document → every document it is checked with (itself included)
        self.repeats = repeats       # content already in the run at an earlier place: not written again
        self.offsets = offsets       # where the documents checked together are in their spill files


def spill_path(work_dir: Path, part: int) -> Path:
    return Path(work_dir) / "spill" / f"{part}.pkl"


def extract_part(paths: list[Path], part: int, work_dir: Path) -> list[DocRef]:
    """Extract ``paths`` and spill the extractions (one pickle each, back to back, so one
    can be read alone); their references."""
    path = spill_path(work_dir, part)
    path.parent.mkdir(parents=True, exist_ok=True)
    refs = []
    with open(path, "wb") as fh:
        for i, p in enumerate(paths):
            ex = extract_path(p)
            refs.append(DocRef(part, i, ex.doc_id, ex.source, ex.status, ex.disclosure_id,
                               tuple(link_name(h) for h, _ in ex.attachments) if ex.status != "failed" else (),
                               fh.tell()))
            pickle.dump(ex, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return refs


def plan_parts(refs: list[DocRef]) -> Plan:
    """Documents that share a disclosure, or a page and the files named like its links,
    end up in one group (transitively); ``check_companions`` then sees each group whole."""
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
    return Plan(together, frozenset(repeats), offsets)


def load_part(work_dir: Path, part: int) -> list[Extraction]:
    extractions = []
    with open(spill_path(work_dir, part), "rb") as fh:
        while fh.peek(1):
            extractions.append(pickle.load(fh))
    return extractions


def _load_one(work_dir: Path, key: Key, offset: int) -> Extraction:
    with open(spill_path(work_dir, key[0]), "rb") as fh:
        fh.seek(offset)
        return pickle.load(fh)


def write_part(part: int, plan: Plan, work_dir: Path, keep_texts: bool = True) -> TableWriter:
    """Check the part's documents with the other files of their disclosures, then write
    their texts into the run's staging directory and their rows as tables in
    ``work_dir/parts/<part>/``. The closed ``TableWriter`` carries counts and failures."""
    work_dir = Path(work_dir)
    staging = work_dir.parent
    extractions = load_part(work_dir, part)
    checked: set[Key] = set()
    for i in range(len(extractions)):
        if (part, i) not in checked:
            members = plan.together.get((part, i), ((part, i),))
            check_companions([extractions[k[1]] if k[0] == part else _load_one(work_dir, k, plan.offsets[k])
                              for k in members])                  # alone: a page with links still becomes a disclosure
            checked.update(members)
    directory = work_dir / "parts" / str(part)
    directory.mkdir(parents=True, exist_ok=True)
    tables = TableWriter(directory)
    for i, ex in enumerate(extractions):
        if (part, i) not in plan.repeats:
            tables.add(ex, write_text(ex, staging) if keep_texts else None)
    return tables.close()


def run_in_process(paths: list[Path], out_dir: Path, batch_size: int = 200, keep_texts: bool = True,
                   settings: dict | None = None):
    """The extract flow's steps without Prefect, on this process: the benchmark's baseline
    and the tests' reference. Returns the ValidationReport of the committed run."""
    from pipeline.writer import OutputWriter

    run = OutputWriter(out_dir, keep_texts=keep_texts)
    batches = [paths[i:i + batch_size] for i in range(0, len(paths), batch_size)]
    refs = [ref for i, batch in enumerate(batches) for ref in extract_part(batch, i, run.work_dir)]
    plan = plan_parts(refs)
    for i in range(len(batches)):
        run.add_part(write_part(i, plan, run.work_dir, keep_texts))
    return run.commit(settings)
