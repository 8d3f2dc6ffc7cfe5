"""Plain-text extraction against the document's size: is it linear?

    python bench/text_scaling.py                 # 1, 2, 4, 8 and 20 MB
    python bench/text_scaling.py --sizes 1 4     # chosen sizes (MB)

Each input is real disclosure texts (the text fixtures under tests/fixtures/) concatenated
over and over, blank line between, up to the size in UTF-8 bytes (1 MB = 1,000,000 bytes).
It is written to a temporary .txt file and read with ``extract_path``, as ``gongkai extract``
does. Prints the seconds, the seconds per MB, and the ratio of each size's seconds per MB to
the smallest size's: about 1.0 everywhere means linear time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gongkai.extractors.extract import extract_path  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
SOURCES = [
    FIXTURES / "huaihua-zwfwzx-2024-budget.txt",
    *sorted((FIXTURES / "heldout").glob("*.txt")),
    *sorted((FIXTURES / "gold").glob("*.txt")),
]
MB = 1_000_000


def big_text(megabytes: float) -> str:
    """Real texts, concatenated in turn until ``megabytes`` of UTF-8 (cut at a line end)."""
    texts = [p.read_text(encoding="utf-8").strip("\n") + "\n\n" for p in SOURCES]
    target = int(megabytes * MB)
    parts: list[str] = []
    size = 0
    i = 0
    while size < target:
        t = texts[i % len(texts)]
        n = len(t.encode("utf-8"))
        if size + n > target:  # the last text: whole lines up to the size
            kept: list[str] = []
            for line in t.splitlines(keepends=True):
                m = len(line.encode("utf-8"))
                if size + m > target:
                    break
                kept.append(line)
                size += m
            parts.extend(kept)
            break
        parts.append(t)
        size += n
        i += 1
    return "".join(parts)


def seconds_for(megabytes: float, folder: Path) -> tuple[float, int]:
    path = folder / f"big-{megabytes:g}mb.txt"
    path.write_text(big_text(megabytes), encoding="utf-8")
    start = time.perf_counter()
    ex = extract_path(path)
    seconds = time.perf_counter() - start
    if ex.status == "failed":
        raise SystemExit(f"{path}: {ex.error_reason}: {ex.error_message}")
    return seconds, len(ex.facts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 4, 8, 20], help="sizes in MB")
    args = parser.parse_args(argv)
    extract_path(SOURCES[0])  # warm-up: vocabularies, gazetteer, regexes
    with tempfile.TemporaryDirectory() as tmp:
        rows = [(mb, *seconds_for(mb, Path(tmp))) for mb in args.sizes]
    base = rows[0][1] / rows[0][0]
    print(f"{'MB':>5}  {'seconds':>8}  {'s/MB':>6}  {'ratio':>5}  facts")
    for mb, seconds, facts in rows:
        print(f"{mb:>5g}  {seconds:>8.2f}  {seconds / mb:>6.2f}  {seconds / mb / base:>5.2f}  {facts}")


if __name__ == "__main__":
    main()
