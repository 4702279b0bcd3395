"""The layers' contracts, read from the import statements (issue 15, point 2).

Services know nothing of the screen: segtui/services and the modules beside them never import
textual, rich or segtui.tui. Screens go through services: segtui/tui never imports segtui.models or
peewee (the stored choices come through segtui.labels). And no two services import each other,
not even inside a function, so each can be read and tested from the bottom up.

Every import counts, also one inside a function: a lazy import is still a dependency.
"""
import ast
import importlib.util
import subprocess
import tempfile
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "segtui"

SERVICE_FILES = ["filters/__init__.py", "filters/syntax.py", "filters/checking.py", "filters/sql.py",
                 "models.py", "db.py", "config.py", "labels.py", "text.py", "errors.py", "private.py"]
SCREEN_FREE = ("textual", "rich", "segtui.tui")
MODEL_FREE = ("segtui.models", "peewee", "playhouse")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(source: str, module: str, is_package: bool = False) -> list[tuple[str, int]]:
    """(imported module or module.name, line) for every import in `source`, relative ones made absolute."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.append((target, node.lineno))
            # `from . import segments` imports the module segtui.services.segments
            found += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("import_module", "__import__")):
            # importlib.import_module("segtui.services.delivery") is an import all the same
            found.append((node.args[0].value, node.lineno))
    return found


def file_imports(path: Path) -> list[tuple[str, int]]:
    return imported_names(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py")


def is_under(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def violations(paths, forbidden) -> list[str]:
    return [f"{path.relative_to(ROOT)}:{line} imports {name}"
            for path in paths for name, line in file_imports(path) if is_under(name, forbidden)]


def service_paths() -> list[Path]:
    return sorted((PACKAGE / "services").rglob("*.py")) + [PACKAGE / name for name in SERVICE_FILES]


def service_graph() -> dict[str, set[str]]:
    """Service module -> the other service modules it imports (a package's own modules not counted)."""
    paths = {module_name(p): p for p in service_paths()}
    graph = {}
    for name, path in paths.items():
        own = name + "." if path.name == "__init__.py" else None
        graph[name] = {target for target, _ in file_imports(path)
                       if target in paths and target != name and not (own and target.startswith(own))}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or round about (Tarjan's components)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_service_files_exist():
    # A renamed file would silently leave the contracts; every listed one must be there.
    missing = [p.name for p in service_paths() if not p.is_file()]
    assert missing == []
    assert len(service_paths()) > 20


def test_services_never_import_the_screen():
    assert violations(service_paths(), SCREEN_FREE) == []


def test_screens_never_import_models_or_peewee():
    screens = sorted((PACKAGE / "tui").rglob("*.py"))
    assert len(screens) > 10
    assert violations(screens, MODEL_FREE) == []


def test_no_two_services_import_each_other():
    assert cycles(service_graph()) == []


# --- the readers themselves catch what they are for ----------------------------------------------------

SERVICE, SCREEN = "segtui.services.example", "segtui.tui.screens.example"


@pytest.mark.parametrize("module, source, forbidden", [
    (SERVICE, "from textual.widgets import Static\n", SCREEN_FREE),
    (SERVICE, "import rich.text\n", SCREEN_FREE),
    (SERVICE, "def f():\n    from ..tui.app import SegtuiApp\n", SCREEN_FREE),
    (SCREEN, "from ...models import Contact\n", MODEL_FREE),
    (SCREEN, "from ... import models\n", MODEL_FREE),
    (SCREEN, "import peewee\n", MODEL_FREE),
    (SERVICE, "importlib.import_module('segtui.tui.app')\n", SCREEN_FREE),
], ids=["from-textual", "import-rich", "lazy-tui", "from-models", "models-module", "peewee", "import-module"])
def test_a_new_violation_is_found(module, source, forbidden):
    assert any(is_under(name, forbidden) for name, _ in imported_names(source, module))


def test_labels_is_not_mistaken_for_models():
    names = [name for name, _ in imported_names("from ...labels import EVALUATIONS\n", "segtui.tui.screens.x")]
    assert names == ["segtui.labels", "segtui.labels.EVALUATIONS"]
    assert not any(is_under(name, MODEL_FREE) for name in names)


def test_a_cycle_is_found_also_round_about():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


# --- ruff: the style and pyflakes rules of pyproject.toml ----------------------------------------------

@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff comes with the test extra")
def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "segtui", "tests", "bench"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- mypy: services/ and filters/ type-check (config in pyproject.toml [tool.mypy]) ---------------

needs_mypy = pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy comes with the test extra")


def run_mypy(*paths: str) -> subprocess.CompletedProcess:
    # Cache outside the repo: a checkout stays clean and parallel runs do not share a half-written cache.
    args = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
            "--cache-dir", str(Path(tempfile.gettempdir()) / f"segtui-mypy-{sys.version_info[:2]}"), *paths]
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True)


@needs_mypy
def test_mypy_finds_nothing_in_services_and_filters():
    result = run_mypy()  # the files listed in [tool.mypy]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


@needs_mypy
def test_mypy_would_catch_a_wrong_result_type(tmp_path):
    bad = tmp_path / "bad_service.py"
    bad.write_text("from segtui.services.results import LinesChanged\n\n\n"
                   "def go_back() -> LinesChanged:\n    return {'undone': '2', 'no_of_lines': 0}\n")
    result = run_mypy(str(bad))
    assert result.returncode == 1
    assert "bad_service.py:5: error" in result.stdout
