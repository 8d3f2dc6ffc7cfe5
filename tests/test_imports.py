"""Layers only point down: pipeline → extractors → schemas, and no import cycles.

Every ``import`` / ``from … import`` of ``gongkai.*`` in pipeline/, extractors/ and
schemas/ counts, at module level and inside functions (a deferred import is still
an import).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pipeline", "extractors", "schemas")
# package → the project packages it may not import
FORBIDDEN = {
    "gongkai.schemas": ("gongkai.extractors", "gongkai.pipeline"),
    "gongkai.extractors": ("gongkai.pipeline",),
}


def module_name(path: Path, root: Path = ROOT) -> str:
    """gongkai.extractors.facts.attribute for extractors/facts/attribute.py (a package for __init__.py)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["gongkai", *parts])


def imported_names(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Every dotted name an import statement anywhere in ``tree`` may load (relative imports resolved)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def resolve(name: str, modules: set[str]) -> str | None:
    """The project module ``name`` refers to: itself, or the nearest enclosing module (a class in a module)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> dict[str, set[str]]:
    """module → the project modules it imports."""
    files = {module_name(p, root): p for pkg in packages for p in sorted((root / pkg).rglob("*.py"))}
    modules = set(files)
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = {resolve(n, modules) for n in imported_names(tree, module, path.name == "__init__.py")}
        # ``from gongkai.x import y`` names both the package and y: keep only the most specific
        targets.discard(None)
        graph[module] = {t for t in targets if t != module and not any(o.startswith(t + ".") for o in targets)}
    return graph


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    """``a → b`` for every import that points up or sideways out of its layer."""
    return sorted(
        f"{src} → {dst}"
        for src, dsts in graph.items()
        for dst in dsts
        for layer, banned in FORBIDDEN.items()
        if _inside(src, layer) and any(_inside(dst, b) for b in banned)
    )


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, …, a], or None (iterative depth-first search)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for start in sorted(graph):
        if state.get(start):
            continue
        path, stack = [start], [iter(sorted(graph.get(start, ())))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return None


# --- the repository --------------------------------------------------------------------

GRAPH = import_graph()


def test_schemas_import_nothing_from_the_project():
    bad = [v for v in layer_violations(GRAPH) if v.startswith("gongkai.schemas")]
    assert not bad, "schemas/ must not import extractors or pipeline:\n" + "\n".join(bad)


def test_extractors_do_not_import_the_pipeline():
    bad = [v for v in layer_violations(GRAPH) if v.startswith("gongkai.extractors")]
    assert not bad, "extractors/ must not import pipeline:\n" + "\n".join(bad)


def test_no_import_cycles():
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " → ".join(cycle)


def test_the_graph_sees_the_project():
    assert "gongkai.extractors.extract" in GRAPH
    assert "gongkai.extractors.model" in GRAPH["gongkai.extractors.extract"]


# --- the checker itself ----------------------------------------------------------------


def test_a_cycle_is_found_and_named():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_an_upward_import_is_a_violation():
    graph = {
        "gongkai.schemas.x": {"gongkai.extractors.y"},
        "gongkai.extractors.y": {"gongkai.pipeline.z"},
        "gongkai.pipeline.z": {"gongkai.extractors.y", "gongkai.schemas.x"},
    }
    assert layer_violations(graph) == [
        "gongkai.extractors.y → gongkai.pipeline.z",
        "gongkai.schemas.x → gongkai.extractors.y",
    ]


@pytest.mark.parametrize(
    "source,module,is_package,expected",
    [
        ("import gongkai.extractors.model", "gongkai.schemas.x", False, "gongkai.extractors.model"),
        (
            "def f():\n    from gongkai.pipeline.run import writer\n",
            "gongkai.extractors.x",
            False,
            "gongkai.pipeline.run.writer",
        ),
        ("from . import y", "gongkai.extractors.facts.x", False, "gongkai.extractors.facts.y"),
        ("from .y import z", "gongkai.extractors.facts", True, "gongkai.extractors.facts.y"),
    ],
)
def test_imports_are_found_at_any_depth(source, module, is_package, expected):
    assert expected in imported_names(ast.parse(source), module, is_package)


def test_a_deferred_import_makes_a_cycle(tmp_path):
    (tmp_path / "extractors").mkdir()
    (tmp_path / "extractors" / "a.py").write_text("from gongkai.extractors.b import f\n", encoding="utf-8")
    (tmp_path / "extractors" / "b.py").write_text("def f():\n    from gongkai.extractors import a\n", encoding="utf-8")
    graph = import_graph(tmp_path, ("extractors",))
    assert find_cycle(graph) == ["gongkai.extractors.a", "gongkai.extractors.b", "gongkai.extractors.a"]
