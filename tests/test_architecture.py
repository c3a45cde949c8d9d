"""The layout keeps its promises: no import cycle, arrows point down, small modules, small
functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "jcmcalc"
MODULES = sorted(PACKAGE.rglob("*.py"))
#: Subpackages from the bottom up: a module may import its own layer and the layers below.
LAYERS = ("model", "tools", "inputs", "plugin", "run", "views", "portfolio", "authoring")
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 80
MAX_FOLDER_MODULES = 15
#: Rooms inside a layer that must not reach into their neighbours: the file readers know no
#: monitoring series and no submission; a submission is read without the series machinery.
SEPARATE = {
    "jcmcalc.inputs.readers": ("jcmcalc.inputs.series", "jcmcalc.inputs.submitted"),
    "jcmcalc.inputs.submitted": ("jcmcalc.inputs.series",),
    "jcmcalc.model.expressions": ("jcmcalc.model.kernel", "jcmcalc.model.methodology"),
}


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


NAMES = {_name(path): path for path in MODULES}


def imports(path: Path) -> set[str]:
    """The jcmcalc modules ``path`` imports, at any depth of its code (lazy imports too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in NAMES else node.module)
    return {name for name in found if name in NAMES}


GRAPH = {name: imports(path) for name, path in NAMES.items()}


def test_the_graph_is_read() -> None:
    assert "jcmcalc.model.kernel" in GRAPH["jcmcalc.run.engine"]
    assert "jcmcalc.portfolio.batch" in GRAPH["jcmcalc.portfolio.compute"]


def test_no_import_cycle() -> None:
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in sorted(GRAPH[name]):
            if state.get(target) == "open":
                cycle = [*trail[trail.index(target) :], target] if target in trail else [target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target, [*trail, target])
        state[name] = "done"

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])


def _layer(name: str) -> int | None:
    parts = name.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 2 and parts[1] in LAYERS else None


def test_imports_point_down_the_layers() -> None:
    upward = [
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        for target in targets
        if (mine := _layer(name)) is not None
        and (theirs := _layer(target)) is not None
        and theirs > mine
    ]
    assert not upward, "\n".join(upward)


def test_the_model_imports_nothing_above_it() -> None:
    for name, targets in GRAPH.items():
        if name.startswith("jcmcalc.model."):
            assert all(t.startswith("jcmcalc.model") for t in targets), (name, targets)


def test_rooms_do_not_reach_into_their_neighbours() -> None:
    reaching = [
        f"{name} imports {target}"
        for room, neighbours in SEPARATE.items()
        for name, targets in GRAPH.items()
        if name.startswith(room + ".")
        for target in targets
        if target.startswith(neighbours)
    ]
    assert not reaching, "\n".join(reaching)


def test_folders_are_small() -> None:
    crowded = {
        str(folder.relative_to(ROOT)): n
        for folder in {path.parent for path in MODULES}
        if (n := len(list(folder.glob("*.py")))) > MAX_FOLDER_MODULES
    }
    assert not crowded, f"folders over {MAX_FOLDER_MODULES} modules: {crowded}"


def test_modules_are_small() -> None:
    large = {
        str(path.relative_to(ROOT)): n
        for path in MODULES + PLUGINS
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not large, f"modules over {MAX_MODULE_LINES} lines: {large}"


#: The built-in methodology plugins' sources keep the same limits as the core.
PLUGINS = sorted(ROOT.glob("methodologies/*/src/*/*.py"))


def test_functions_are_small() -> None:
    long = []
    for path in MODULES + PLUGINS:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length})")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"
