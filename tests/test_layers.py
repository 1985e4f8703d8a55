"""The packages depend downward only: none imports one that imports it back, counting imports
inside functions and under ``TYPE_CHECKING`` (docs: STYLE's layers)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "schemalint"


def _unit(module: str) -> str:
    """The package (``measure``) or top-level module (``engine``) a dotted name belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _imported(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "schemalint":
                names |= {f"schemalint.{alias.name}" for alias in node.names}
            elif node.module.startswith("schemalint."):
                names.add(node.module)
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names if a.name.startswith("schemalint.")}
    return names


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        unit = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        for name in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            if (target := _unit(name)) != unit:
                graph[unit].add(target)
    return graph


def reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        unit = todo.pop()
        if unit == goal:
            return True
        if unit not in seen:
            seen.add(unit)
            todo.extend(graph.get(unit, ()))
    return False


def test_no_package_imports_one_that_imports_it_back() -> None:
    graph = import_graph()
    cycles = sorted(
        f"{unit} -> {target}"
        for unit, targets in graph.items()
        for target in targets
        if reaches(graph, target, unit)
    )
    assert cycles == []


def test_static_analysis_and_checks_know_nothing_of_measurement_or_engines() -> None:
    graph = import_graph()
    for lower in ("analysis", "checks"):
        assert not graph[lower] & {"measure", "engines", "verdicts", "engine", "config"}, lower


def test_engines_sit_below_measure() -> None:
    graph = import_graph()
    assert "engines" in graph["measure"] and not reaches(graph, "engines", "measure")
