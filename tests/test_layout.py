"""The layout holds: each layer imports only the layers below it, no import cycle, no room too
big to live in (README, "How the code is laid out").

Imports are read from the source with :mod:`ast`, those inside functions too, so a cycle
cannot hide in a function body.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "forcecalc"

#: Each layer and the layers it may import (besides itself).
LAYERS: dict[str, set[str]] = {
    "core": set(),
    "calibration": {"core"},
    "scenario": {"core", "calibration"},
    "analysis": {"core", "calibration", "scenario"},
    "report": {"core", "calibration", "scenario", "analysis"},
    "cli": {"core", "calibration", "scenario", "analysis", "report"},
    "app": {"core", "calibration", "scenario", "analysis", "report"},
}
#: Third-party packages each layer may import; the standard library is free to all.
THIRD_PARTY: dict[str, set[str]] = {
    "core": {"numpy", "scipy"},
    "calibration": {"numpy", "scipy"},
    "scenario": {"numpy", "scipy", "yaml", "ruamel"},
    "analysis": {"numpy", "scipy"},
    "report": {"numpy", "scipy", "openpyxl", "vl_convert"},
    "cli": {"numpy", "scipy"},
    "app": {"numpy", "scipy", "streamlit", "pandas", "yaml"},  # charts: report.charts specs
}
MAX_MODULE_LINES, MAX_CLASS_LINES, MAX_FUNCTION_LINES = 600, 300, 80
#: Optional extras any layer may import, but only lazily (:func:`_lazy_ok`, issue 15).
OPTIONAL = {"dask", "distributed"}

MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports, anywhere in it, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # ``from forcecalc.core import glossary`` imports the module forcecalc.core.glossary
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, "." * node.level + (node.module or "")))
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "forcecalc" and parts[1] in LAYERS else None


def _internal_modules() -> set[str]:
    return {_module_name(p) for p in MODULES}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_module_imports_only_the_layers_below_it(path: Path) -> None:
    here = _module_name(path)
    layer = _layer(here)
    internal = _internal_modules()
    for line, module in _imports(path):
        assert not module.startswith("."), f"{path}:{line}: relative import {module}"
        top = module.split(".")[0]
        if top in OPTIONAL and line in _lazy_lines(path):
            continue
        if top != "forcecalc":
            if layer is not None and top not in THIRD_PARTY[layer]:
                assert top in _stdlib(), f"{path}:{line}: layer {layer} imports {top}"
            continue
        if module not in internal and module.rpartition(".")[0] in internal:
            continue  # a name imported from a module, not a module
        target = _layer(module)
        if layer is None:  # forcecalc/__init__.py, __main__.py: the public faces
            continue
        assert target is not None, f"{path}:{line}: {here} imports the package root ({module})"
        assert target == layer or target in LAYERS[layer], (
            f"{path}:{line}: {layer} may not import {target} ({module})"
        )


def _lazy_lines(path: Path) -> set[int]:
    """Lines of imports inside a function that the lazy-import rule allows."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = set()
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom) and _lazy_ok(inner, lines):
                    found.add(inner.lineno)
    return found


def _stdlib() -> set[str]:
    import sys

    return set(sys.stdlib_module_names) | {"__future__"}


def test_no_import_cycle() -> None:
    internal = _internal_modules()
    graph: dict[str, set[str]] = {m: set() for m in internal}
    for path in MODULES:
        here = _module_name(path)
        for _, module in _imports(path):
            if module in internal and module != here:
                graph[here].add(module)
    # a package's __init__ importing its own submodule (cli → cli.main) is how it re-exports
    for m in list(graph):
        graph[m] = {t for t in graph[m] if not (t.startswith(m + ".") and m in internal)}
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt] if nxt in stack else [node, nxt]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])


def test_no_module_imports_by_string() -> None:
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        for bad in ("importlib.import_module", "__import__("):
            assert bad not in text, f"{path}: {bad} hides an import from readers and tools"


def _span(node: ast.AST) -> int:
    """Lines of a definition, its docstring excluded."""
    body = node.body  # type: ignore[attr-defined]
    start = node.lineno
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        doc = body[0].end_lineno - body[0].lineno + 1  # type: ignore[operator]
    else:
        doc = 0
    return node.end_lineno - start + 1 - doc  # type: ignore[operator]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_room_too_big_to_live_in(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    assert lines <= MAX_MODULE_LINES, f"{path}: {lines} lines (at most {MAX_MODULE_LINES})"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef):
            assert _span(node) <= MAX_CLASS_LINES, f"{path}:{node.lineno}: class {node.name}"
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert _span(node) <= MAX_FUNCTION_LINES, (
                f"{path}:{node.lineno}: function {node.name} has {_span(node)} lines"
            )


def test_every_layer_is_a_subpackage_and_nothing_else_sits_beside_them() -> None:
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name in LAYERS} == set(LAYERS)
    loose = {p.name for p in PACKAGE.glob("*.py")}
    assert loose <= {"__init__.py", "__main__.py"}, f"modules outside the layers: {loose}"


#: Third-party modules heavy or optional enough to be imported in the function that uses them
#: (issue 15: every command pays for what it imports at the top); a submodule counts with
#: its package (``scipy.stats.qmc`` with ``scipy.stats``). ``scipy.special`` is one: it costs
#: about twice numpy's own import, which ``--help`` and ``validate`` need not pay.
LAZY_MODULES = frozenset(
    {
        "scipy.stats",
        "scipy.optimize",
        "scipy.linalg",
        "scipy.special",
        "openpyxl",
        "vl_convert",
        "ruamel",
        "dask",
        "distributed",
        "psutil",
        "pandas",
        "matplotlib",
    }
)
LAZY_COMMENT = re.compile(r"#\s*lazy:\s*\S")


def _is_lazy_module(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in LAZY_MODULES)


def _lazy_ok(inner: ast.Import | ast.ImportFrom, lines: list[str]) -> bool:
    """An import the lazy-import rule allows: of modules of :data:`LAZY_MODULES` only, on a
    line ending ``# lazy: <why>``."""
    if isinstance(inner, ast.ImportFrom):
        names = [inner.module or ""] if inner.level == 0 else []
    else:
        names = [a.name for a in inner.names]
    lazy = bool(names) and all(_is_lazy_module(n) for n in names)
    return lazy and LAZY_COMMENT.search(lines[inner.end_lineno - 1]) is not None  # type: ignore[operator]


def _misplaced_imports(source: str) -> list[str]:
    """``line: why`` of each import inside a function that the lazy-import rule refuses: only
    a module of :data:`LAZY_MODULES` may be imported there, on a line ending ``# lazy: why``."""
    lines = source.splitlines()
    problems = {}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import):
                names = [a.name for a in inner.names]
                lazy = all(_is_lazy_module(n) for n in names)
            elif isinstance(inner, ast.ImportFrom):
                names = ["." * inner.level + (inner.module or "")]
                lazy = inner.level == 0 and all(
                    _is_lazy_module(names[0]) or _is_lazy_module(f"{names[0]}.{a.name}")
                    for a in inner.names
                )
            else:
                continue
            where = f"{inner.lineno}: import of {', '.join(names)} inside {node.name}()"
            if not lazy:
                problems[inner.lineno] = f"{where}: not a heavy or optional module"
            elif not LAZY_COMMENT.search(lines[inner.end_lineno - 1]):  # type: ignore[operator]
                problems[inner.lineno] = f"{where}: the line does not end '# lazy: <why>'"
    return [problems[k] for k in sorted(problems)]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_are_at_the_top_where_readers_see_them(path: Path) -> None:
    """An import inside a function hides a dependency (and often dodges a cycle): only a heavy
    or optional third-party module may wait there, and its line says why."""
    problems = _misplaced_imports(path.read_text(encoding="utf-8"))
    assert not problems, "\n".join(f"{path}:{p}" for p in problems)


def test_the_lazy_import_rule_refuses_what_it_should() -> None:
    source = """
import numpy

def fine():
    from scipy import stats  # lazy: 0.3 s
    from scipy.stats import qmc  # lazy: 0.3 s
    import ruamel.yaml  # lazy: only the editor needs it
    try:
        import openpyxl  # lazy: an optional extra
    except ImportError:
        pass

def not_heavy():
    from scipy import constants  # lazy: it says so, but constants is not on the list
    import json  # lazy: the standard library waits at the top too
    from forcecalc.core import model  # lazy: a cycle dodged

def half_heavy():
    from scipy import stats, constants  # lazy: constants rides along

def no_comment():
    def inner():
        import pandas
        from scipy import (  # lazy: the comment belongs on the last line
            optimize,
        )
"""
    problems = _misplaced_imports(source)
    assert [p.split(":")[0] for p in problems] == ["14", "15", "16", "19", "23", "24"]
    assert all("not a heavy or optional module" in p for p in problems[:4])
    assert all("does not end '# lazy: <why>'" in p for p in problems[4:])
    assert "import of pandas inside inner()" in problems[4]
