"""The engine never imports Qt or the window, and its rooms keep to their places: checked
statically (import-linter) and at run time."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import cleaner
from tests.helpers.engine_modules import needs_a_missing_extra

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_import_linter_contracts_hold() -> None:
    exe = BIN / "lint-imports"
    if not exe.exists():
        found = shutil.which("lint-imports")
        if found is None:
            pytest.skip("import-linter is not installed (pip install import-linter)")
        exe = Path(found)
    proc = subprocess.run(
        [str(exe), "--no-cache"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "The engine never imports Qt or the window KEPT" in proc.stdout
    assert "The window reads the engine through its front door only KEPT" in proc.stdout
    assert "The shared modules import no room KEPT" in proc.stdout
    assert "The engine's rooms: commands above, rooms apart, keep below detect KEPT" in proc.stdout
    assert "Only the catalog's cluster runner imports Dask KEPT" in proc.stdout


ROOMS = {"catalog", "cli", "demo", "detect", "keep", "removal", "report"}


def _contract(name: str) -> dict[str, object]:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    found: dict[str, object] = next(c for c in contracts if c["name"] == name)
    return found


def _top_level_parts() -> set[str]:
    """Every module and package directly under cleaner/ (what a contract must name)."""
    package_dir = Path(cleaner.__file__).parent
    return {
        p.stem if p.is_file() else p.name
        for p in package_dir.iterdir()
        if (p.suffix == ".py" and p.stem not in ("__init__", "__main__"))
        or (p.is_dir() and (p / "__init__.py").exists())
    }


def test_every_engine_module_is_a_room_or_a_shared_module() -> None:
    """A new module under cleaner/ must be placed: in a room, or named as shared (and so
    forbidden from importing rooms). Otherwise the contracts would silently not see it."""
    shared = _contract("The shared modules import no room")["source_modules"]
    assert isinstance(shared, list)
    names = {m.removeprefix("cleaner.") for m in shared}
    assert _top_level_parts() == ROOMS | names
    # the rooms' contract is exhaustive: it must name the same rooms and shared modules
    rooms = _contract("The engine's rooms: commands above, rooms apart, keep below detect")
    layers = rooms["layers"]
    ignores = rooms["exhaustive_ignores"]
    assert isinstance(layers, list)
    assert isinstance(ignores, list)
    assert {r.strip() for layer in layers for r in layer.split("|")} == ROOMS
    assert set(ignores) == names | {"__main__"}


def test_the_window_is_barred_from_every_engine_module_but_the_front_door() -> None:
    forbidden = _contract("The window reads the engine through its front door only")[
        "forbidden_modules"
    ]
    assert isinstance(forbidden, list)
    assert {m.removeprefix("cleaner.") for m in forbidden} == _top_level_parts()


def test_the_front_door_exports_what_it_imports() -> None:
    """`from cleaner import X` in the window works only for names in `__all__` (mypy and
    readers rely on it), and every name listed there is really there."""
    for name in cleaner.__all__:
        assert hasattr(cleaner, name), name


def _in_a_fresh_python(script: str) -> subprocess.CompletedProcess[str]:
    """`script` run by this Python in a new process (nothing imported yet), from the
    repository; it must succeed."""
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def test_the_compiled_loops_are_loaded_only_through_the_kernel_facade() -> None:
    """numba is the [fast] extra: loading every engine module but the loops themselves,
    and the command line, loads neither numba nor the loops (the facade imports them on
    the first big search), so an install without the extra works."""
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        import cleaner
        for info in pkgutil.walk_packages(cleaner.__path__, "cleaner."):
            if not info.name.endswith(("__main__", "_lsh_jit")):
                importlib.import_module(info.name)
        from cleaner.cli import build_parser
        build_parser().parse_args(["scan", "."])
        loaded = sorted(
            m for m in sys.modules
            if m.split(".")[0] in ("numba", "llvmlite") or m.endswith("_lsh_jit")
        )
        print("NUMBA", loaded)
        """
    )
    proc = _in_a_fresh_python(script)
    assert "NUMBA []" in proc.stdout


def test_importing_every_engine_module_loads_no_qt() -> None:
    package_dir = Path(cleaner.__file__).parent
    modules = sorted(
        ".".join(("cleaner", *p.relative_to(package_dir).with_suffix("").parts)).removesuffix(
            ".__init__"
        )
        for p in package_dir.rglob("*.py")
        if p.name != "__main__.py"
    )
    modules = [m for m in modules if m not in needs_a_missing_extra()]
    assert "cleaner.detect.scan" in modules
    assert "cleaner.cli.scan_cmd" in modules
    script = textwrap.dedent(
        f"""
        import importlib, sys
        for name in {modules!r}:
            importlib.import_module(name)
        from cleaner.cli import build_parser
        build_parser()
        bad = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "ui"))
        print("LOADED", len({modules!r}))
        if bad:
            print("QT", bad)
            sys.exit(1)
        """
    )
    proc = _in_a_fresh_python(script)
    assert f"LOADED {len(modules)}" in proc.stdout


def test_dask_is_imported_only_by_the_cluster_runner_and_only_when_a_cluster_is_used() -> None:
    """Dask is the optional [dask] extra (issue 15): the contract names the one module
    allowed to import it, and loading every engine module and the command line (the
    cluster module included) loads none of it, so a server without Dask works."""
    contract = _contract("Only the catalog's cluster runner imports Dask")
    assert contract["forbidden_modules"] == ["dask", "distributed"]
    assert contract["ignore_imports"] == [
        "cleaner.catalog.cluster -> dask",
        "cleaner.catalog.cluster -> distributed",
    ]
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        import cleaner
        for info in pkgutil.walk_packages(cleaner.__path__, "cleaner."):
            if not info.name.endswith("__main__") and info.name not in {extra!r}:
                importlib.import_module(info.name)
        from cleaner.cli import build_parser
        build_parser().parse_args(["catalog", "build", ".", "--label", "a", "--out", "x"])
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("dask", "distributed"))
        print("DASK", loaded)
        """
    ).replace("{extra!r}", repr(needs_a_missing_extra()))
    proc = _in_a_fresh_python(script)
    assert "DASK []" in proc.stdout


# -- the engine never loads the window, not even by name ---------------------------------

# A module name that is the window's package or Qt's ("ui", "ui.app", "PySide6.QtCore",
# "ui.app:main" as pkgutil.resolve_name spells it).
_WINDOW_NAME = re.compile(r"(?:ui|PySide6|shiboken6)(?:\.[\w.]*)?(?::[\w.]*)?")
# Calls that import a module named by a value rather than by an import statement.
_LOADERS = frozenset(
    {"import_module", "__import__", "find_spec", "resolve_name", "run_module", "run_path"}
)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _engine_name(arg: ast.expr) -> bool:
    """A module name that is visibly the engine's own: "cleaner..." or f"cleaner...{x}"."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value.startswith("cleaner.")
    if isinstance(arg, ast.JoinedStr) and arg.values:
        first = arg.values[0]
        return isinstance(first, ast.Constant) and str(first.value).startswith("cleaner.")
    return False


def dynamic_window_imports(text: str) -> list[str]:
    """What in `text` could load the window or Qt by name, which import-linter cannot see:
    any string (not a docstring) that is such a module's name, and any dynamic import of a
    name that is not visibly the engine's own. Read from the syntax tree, so a call the
    formatter split over lines, or an aliased import_module, is seen too."""
    tree = ast.parse(text)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skip
            and _WINDOW_NAME.fullmatch(node.value)
        ):
            found.append(f"{node.lineno}: {node.value!r}")
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in _LOADERS and not (node.args and _engine_name(node.args[0])):
                found.append(f"{node.lineno}: {name}(...)")
    return found


def test_the_check_for_dynamic_window_imports_sees_one() -> None:
    assert dynamic_window_imports('app = importlib.import_module("ui.app")')
    assert dynamic_window_imports("Qt = __import__('PySide6.QtWidgets')")
    assert dynamic_window_imports('NAME = "ui.app"\nmodule = import_module(NAME)')
    assert not dynamic_window_imports('module = importlib.import_module(f"cleaner.cli.{x}")')
    assert not dynamic_window_imports('print("ui window")')
    # split by the formatter, aliased, or through pkgutil/runpy: seen all the same
    assert dynamic_window_imports('m = importlib.import_module(\n    "ui.app"\n)')
    assert dynamic_window_imports('from importlib import import_module as load\nload("ui.app")')
    assert dynamic_window_imports('import pkgutil\npkgutil.resolve_name("ui.app:main")')
    assert dynamic_window_imports('import runpy\nrunpy.run_module("ui.app")')
    assert dynamic_window_imports("from cleaner.version import WINDOW\nimport_module(WINDOW)")
    assert not dynamic_window_imports('"""Started by ui.launch."""')


def test_no_engine_module_imports_the_window_by_name() -> None:
    package_dir = Path(cleaner.__file__).parent
    offenders = {
        str(path.relative_to(REPO)): lines
        for path in sorted(package_dir.rglob("*.py"))
        if (lines := dynamic_window_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "the engine must not load the window (ui/launch.py starts it)"
