"""The shape of the pure core: `screening/` imports no broker, and its modules import each
other without cycles (a cycle is a module that cannot be understood or tested alone)."""

from __future__ import annotations

import ast
from pathlib import Path

SCREENING = Path(__file__).resolve().parents[2] / "screening"
BROKER_MODULES = {"faust", "mode", "aiokafka", "kafka", "prometheus_client", "asyncio", "agents"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(SCREENING.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports (at any depth of its code, type-checking imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in SCREENING.rglob("*.py")}
    return {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}


def test_the_core_imports_no_broker_or_agent_code() -> None:
    for path in SCREENING.rglob("*.py"):
        roots = {name.split(".")[0] for name in _imports(path)}
        assert not roots & BROKER_MODULES, (path, roots & BROKER_MODULES)


def test_core_modules_import_each_other_without_cycles() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for nxt in sorted(graph[name]):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def test_the_cycle_check_sees_a_cycle(tmp_path: Path) -> None:
    """The check above can fail: two modules importing each other are reported."""
    (tmp_path / "a.py").write_text("from screening.b import x\n")
    (tmp_path / "b.py").write_text("import screening.a\n")
    assert "screening.b" in _imports(tmp_path / "a.py")
    assert "screening.a" in _imports(tmp_path / "b.py")
