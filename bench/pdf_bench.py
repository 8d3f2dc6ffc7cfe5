"""Whole PDF extraction (text, tables, facts, checks) against bare pdfplumber text
extraction of the same pages, measured in one run.

    python bench/pdf_bench.py [PDF ...]      # default: every PDF under tests/fixtures/

Prints pages/s for both (best of three interleaved rounds), their ratio (ours / bare:
lower is better, the target is ≤ 1.0), and the peak memory (tracemalloc) of each.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gongkai.extractors.extract import extract_path  # noqa: E402


def bare_pdfplumber(paths: list[Path]) -> int:
    pages = 0
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
                pages += 1
    return pages


def ours(paths: list[Path]) -> int:
    pages = 0
    for path in paths:
        ex = extract_path(path)
        if ex.status == "failed":
            raise SystemExit(f"{path}: {ex.error_reason}: {ex.error_message}")
        pages += ex.pages
    return pages


def measure(fn, paths: list[Path]) -> tuple[int, float, float]:
    """Pages, seconds (untraced) and peak traced memory (a second, traced pass)."""
    start = time.perf_counter()
    pages = fn(paths)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    fn(paths)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return pages, seconds, peak


def compare(paths: list[Path], rounds: int = 3) -> tuple[tuple[int, float, float], tuple[int, float, float]]:
    """(pages, seconds, peak MiB) of bare pdfplumber and of ours: the best of ``rounds``
    interleaved rounds, so the machine's noise hits both."""
    ours(paths[:1])  # warm up: imports, vocabulary, jieba dictionary, spaCy
    measured = [(measure(bare_pdfplumber, paths), measure(ours, paths)) for _ in range(rounds)]
    return (min((r[0] for r in measured), key=lambda m: m[1]), min((r[1] for r in measured), key=lambda m: m[1]))


def main(argv: list[str]) -> None:
    paths = [Path(a) for a in argv] or sorted({p.resolve() for p in (ROOT / "tests" / "fixtures").rglob("*.pdf")})
    (bare_pages, bare_s, bare_mem), (our_pages, our_s, our_mem) = compare(paths)
    print(f"{len(paths)} PDFs, {bare_pages} pages")
    print(f"bare pdfplumber extract_text : {bare_pages / bare_s:7.1f} pages/s  peak {bare_mem:6.1f} MiB")
    print(f"gongkai whole extraction     : {our_pages / our_s:7.1f} pages/s  peak {our_mem:6.1f} MiB")
    print(f"ratio (ours / bare, time)    : {our_s / bare_s:7.2f}x")


if __name__ == "__main__":
    main(sys.argv[1:])
