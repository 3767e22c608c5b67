"""The engine never imports Qt or the window: checked statically and at run time."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import cleaner

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


def test_importing_every_engine_module_loads_no_qt() -> None:
    package_dir = Path(cleaner.__file__).parent
    modules = sorted(
        ".".join(("cleaner", *p.relative_to(package_dir).with_suffix("").parts)).removesuffix(
            ".__init__"
        )
        for p in package_dir.rglob("*.py")
        if p.name != "__main__.py"
    )
    assert "cleaner.scan" in modules
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
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"LOADED {len(modules)}" in proc.stdout
