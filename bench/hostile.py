"""Hostile inputs next to real ones (issue 13's "done when"): a folder of generated bombs
and junk, run together with a corpus of real disclosures; every good document must be
written, in bounded time and memory.

    python bench/hostile.py [--corpus ../shared/corpus] [--out /tmp/gongkai-hostile]

Prints the run's wall time, the peak memory of the largest process (gongkai, a sandbox or
a worker) and each hostile file's row. Nothing here is committed as a file: the bombs are
made on the fly (a few MB on disk).
"""

from __future__ import annotations

import argparse
import io
import resource
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]


def _xlsx(cells: dict[str, str]) -> bytes:
    """A minimal valid workbook with these cells on its one sheet."""
    import openpyxl

    wb = openpyxl.Workbook()
    for ref, value in cells.items():
        wb.active[ref] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def far_corner_xlsx() -> bytes:
    """1–2 KB declaring a cell at the far corner of the grid (XFD1048576)."""
    src = zipfile.ZipFile(io.BytesIO(_xlsx({"A1": "收入总计"})))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1"/>', b'<dimension ref="A1:XFD1048576"/>').replace(
                    b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>'
                )
            z.writestr(info, data)
    return out.getvalue()


def zip_bomb_xlsx(inflated: int = 2**30) -> bytes:
    """A workbook carrying one member that inflates to ``inflated`` bytes of zeros."""
    out = io.BytesIO(_xlsx({"A1": "支出总计", "B1": "100"}))
    with (
        zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z,
        z.open("xl/media/image1.bin", "w", force_zip64=True) as fh,
    ):
        block = bytes(2**20)
        for _ in range(inflated // len(block)):
            fh.write(block)
    return out.getvalue()


def rowspan_html() -> bytes:
    return (
        "<html><body><p>某局2024年部门预算</p><table><tr>"
        '<td rowspan="100000000" colspan="99999">收入总计</td><td colspan="²">1</td>'
        "</tr></table></body></html>"
    ).encode()


def _pdf(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def page_tree_pdf(fan: int = 1000) -> bytes:
    """A page tree of ``fan`` × ``fan`` pages from a file of a few KB (a million pages)."""
    kids = b" ".join(b"3 0 R" for _ in range(fan))
    leaves = b" ".join(b"4 0 R" for _ in range(fan))
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, fan * fan),
            b"<< /Type /Pages /Parent 2 0 R /Kids [%s] /Count %d >>" % (leaves, fan),
            b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] >>",
        ]
    )


def flate_bomb_pdf(inflated: int = 2**30) -> bytes:
    """One page whose content stream inflates to ``inflated`` bytes (about 1 MB compressed)."""
    z = zlib.compressobj(9)
    block = b" " * 2**20
    data = b"".join(z.compress(block) for _ in range(inflated // len(block))) + z.flush()
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
        ]
    )


def hostile_folder(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    seed = (ROOT / "raw" / "huaihua-zwfwzx-2024-budget.txt").read_text(encoding="utf-8")
    files = {
        "far-corner.xlsx": far_corner_xlsx(),
        "zip-bomb.xlsx": zip_bomb_xlsx(),
        "rowspan.html": rowspan_html(),
        "page-tree.pdf": page_tree_pdf(),
        "flate-bomb.pdf": flate_bomb_pdf(),
        "long.txt": (seed * (20_000_000 // len(seed))).encode(),
        "junk.pdf": bytes(range(256)) * 64,
        "empty.txt": b"",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    loop = folder / "loop.txt"
    if not loop.is_symlink():
        loop.symlink_to(loop)
    return sorted(folder.iterdir())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--out", type=Path, default=Path("/tmp/gongkai-hostile"))
    ap.add_argument("--workers", default="2")
    args = ap.parse_args(argv)
    hostile = hostile_folder(args.out / "hostile")
    inputs = [str(args.corpus)] if args.corpus.is_dir() else []
    started = time.perf_counter()
    cmd = [
        "gongkai",
        "run",
        *inputs,
        str(args.out / "hostile"),
        "--out",
        str(args.out / "out"),
        "--workers",
        args.workers,
    ]
    code = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False).returncode
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    docs = pq.read_table(args.out / "out" / "documents.parquet").to_pylist()
    print(f"exit {code}; {len(docs)} documents in {seconds:.0f} s; largest process peak {peak:.0f} MiB")
    print(
        f"ok {sum(d['status'] == 'ok' for d in docs)}, partial {sum(d['status'] == 'partial' for d in docs)}, failed {sum(d['status'] == 'failed' for d in docs)}"
    )
    names = {p.name for p in hostile}
    for d in docs:
        if Path(d["source"]).name in names or d["status"] == "failed":
            print(
                f"  {Path(d['source']).name}: {d['status']} {d['error_reason'] or ''} {(d['error_message'] or '')[:120]}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
