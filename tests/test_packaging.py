"""gongkai installs as one import package, `gongkai`, and works without the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "raw" / "huaihua-zwfwzx-2024-budget.txt"
LAYERS = ("pipeline", "extractors", "schemas")


def _declared() -> set[str]:
    return set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])


def test_every_package_folder_is_declared():
    """A new folder with an __init__.py that pyproject.toml does not list would be missing from the wheel."""
    folders = {
        "gongkai." + ".".join(p.parent.relative_to(ROOT).parts)
        for layer in LAYERS
        for p in (ROOT / layer).rglob("__init__.py")
    }
    assert folders == _declared()


def test_wheel_installs_and_extracts_without_the_repository(tmp_path):
    dist, venv, work = tmp_path / "dist", tmp_path / "venv", tmp_path / "work"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(dist.glob("gongkai-*.whl"))
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.startswith("gongkai-")}
    assert top == {"gongkai"}  # nothing named pipeline/extractors/schemas in site-packages
    assert "gongkai/schemas/concepts.toml" in names and "gongkai/pipeline/review/assets/review.js" in names

    # the dependencies come from this interpreter's site-packages; gongkai only from the wheel
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120)
    bin_dir = venv / "bin"
    subprocess.run(
        [bin_dir / "python", "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    work.mkdir()
    sample = work / SAMPLE.name
    sample.write_bytes(SAMPLE.read_bytes())
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = subprocess.run(
        [bin_dir / "gongkai", "extract", sample.name, "--concept", "three_public_total"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "怀化市政务服务中心" in run.stdout and "three_public_total" in run.stdout
    version = subprocess.run([bin_dir / "gongkai", "--version"], cwd=work, env=env, capture_output=True, text=True)
    assert version.stdout.strip() == "gongkai 0.1.0"

    where = subprocess.run(
        [
            bin_dir / "python",
            "-W",
            "ignore",
            "-c",
            "import sys, gongkai.pipeline.cli, gongkai.extractors.extract, gongkai.schemas.reasons\n"
            "print('\\n'.join(m.__file__ for n, m in sys.modules.items() if n.startswith('gongkai.')))",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    files = where.stdout.split()
    assert files and all(f.startswith(str(venv)) for f in files), files
