"""Build the wheel that `pip install` makes and look inside it.

What a pip-installed PhotoSift needs besides its modules is package data: the window's
SVG icon (ui/icons.py) and the pictures `--smoke-test` decodes (cleaner/demo/smoke.py).
A package list or a package-data pattern that misses a folder builds without a word, so
this test builds the wheel from a copy of the checkout and checks that:

- every module under cleaner/ and ui/ is in it, and nothing else at the top level
  (no tests/, benchmarks/, tools/ or packaging/);
- the icons and the smoke samples are in it;
- installed into a folder of its own, the window finds its icon and the smoke test
  reads its samples through the same code the app runs, from inside that folder.

Offline: it builds with this environment's setuptools (`--no-build-isolation`, the test
extras pull a setuptools that builds wheels by itself) and installs with `--no-index`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

# Build leftovers and environments: never part of the source the wheel is built from.
_SKIP_AT_ROOT = {".git", ".venv", ".venv-headless", "build", "dist"}
_SKIP_ANYWHERE = ("__pycache__", "*.egg-info", ".*_cache")


def _ignore(folder: str, names: list[str]) -> set[str]:
    skipped = set(shutil.ignore_patterns(*_SKIP_ANYWHERE)(folder, names))
    if Path(folder) == ROOT:
        skipped |= _SKIP_AT_ROOT & set(names)
    return skipped


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean copy of the checkout: an in-tree build/ folder left by an earlier build
    could slip deleted modules into the wheel, and the test must not leave one behind."""
    copy = tmp_path_factory.mktemp("source") / "photosift"
    shutil.copytree(ROOT, copy, ignore=_ignore)
    return copy


@pytest.fixture(scope="module")
def wheel(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
         "--no-build-isolation", str(source), "-w", str(out)],
        check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    (built,) = out.glob("photosift-*.whl")
    return built


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _files(source: Path, folder: str, pattern: str) -> set[str]:
    return {
        path.relative_to(source).as_posix()
        for path in (source / folder).rglob(pattern)
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_every_module_of_the_engine_and_the_window_is_in_the_wheel(
    source: Path, names: set[str]
) -> None:
    modules = _files(source, "cleaner", "*.py") | _files(source, "ui", "*.py")
    assert "cleaner/__init__.py" in modules
    assert "ui/icons.py" in modules
    assert sorted(modules - names) == []
    assert sorted(n for n in names if n.endswith(".py")) == sorted(modules)


def test_only_the_engine_and_the_window_are_installed(names: set[str]) -> None:
    top = {name.split("/", 1)[0] for name in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"cleaner", "ui"}


def test_icons_and_smoke_samples_are_in_the_wheel(source: Path, names: set[str]) -> None:
    icons = _files(source, "ui/resources/icons", "*.svg")
    samples = _files(source, "cleaner/demo/smoke_samples", "*")
    assert "ui/resources/icons/photosift.svg" in icons
    assert len(samples) >= 4
    assert sorted((icons | samples) - names) == []


def test_the_translation_catalogs_are_in_the_wheel(source: Path, names: set[str]) -> None:
    catalogs = _files(source, "cleaner/locale/es/LC_MESSAGES", "*.mo")
    assert catalogs == {"cleaner/locale/es/LC_MESSAGES/photosift.mo"}
    assert sorted(catalogs - names) == []


# Run by the installed package: the window's own lookup and the smoke test's own check.
_PROBE = """
import json
import cleaner, ui
from cleaner.demo import smoke
from ui.icons import icon_path

icon = icon_path("photosift")
print(json.dumps({
    "cleaner": cleaner.__file__,
    "ui": ui.__file__,
    "icon": None if icon is None else str(icon),
    "samples": str(smoke.SAMPLES_DIR),
    "problems": smoke.check_samples(report=lambda line: None),
}))
"""


def test_installed_wheel_finds_its_icon_and_samples(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--target", str(target), str(wheel)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    neutral = tmp_path / "elsewhere"  # not the checkout: nothing found by accident
    neutral.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=neutral, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    for key in ("cleaner", "ui", "icon", "samples"):
        assert found[key] is not None, key
        assert Path(found[key]).is_relative_to(target), (key, found[key])
    assert Path(found["icon"]).is_file()
    assert found["problems"] == []
