"""Fixtures for the window tests (pytest-qt, offscreen).

- Qt runs offscreen (set before pytest-qt creates the QApplication).
- Every test here is marked `gui` automatically.
- Settings, cache and undo-log folders point at tmp_path (never the user's).
- A test fails if it leaves a scan thread running or a thread pool busy; the leftover
  is stopped so the next test starts clean.
- `window`: a shown main window (tests/helpers/window.py); `mover`: the same, whose
  moves go to the test's own trash and undo log (`trash_env`, set up first); `estate`: two
  catalogued servers for the catalog review tests. A module
  whose every test moves files says `pytestmark = pytest.mark.usefixtures("trash_env")`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ui.qtcheck import binding_problem

if binding_problem() is not None:  # a known-crashing PySide6 would abort the whole run
    pytest.exit(str(binding_problem()), returncode=2)

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    base = tmp_path / "user"
    monkeypatch.setenv("PHOTOSIFT_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("PHOTOSIFT_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("PHOTOSIFT_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("PHOTOSIFT_LOCK_DIR", str(base / "data"))  # the move lock (per user)
    return base


@pytest.fixture(autouse=True)
def _no_leftover_threads() -> Iterator[None]:
    """Fail a test that leaves a scan thread running or a pool busy (torn down after qtbot)."""
    yield
    from ui.workers.base import busy_pools, drain_pools, running_threads

    threads = running_threads()
    pools = busy_pools()
    for thread in threads:
        thread.quit()
        thread.wait(5000)
    drain_pools()
    assert not threads, f"test left {len(threads)} scan thread(s) running"
    assert not pools, f"test left {len(pools)} thread pool(s) busy"


@pytest.fixture(scope="session")
def demo_library(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from cleaner.demo.library import make_demo_library

    return make_demo_library(tmp_path_factory.mktemp("demo") / "Sample photos")


@pytest.fixture
def trash_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, user_dirs: Path):  # type: ignore[no-untyped-def]
    """HOME, XDG_DATA_HOME (the trash) and PHOTOSIFT_DATA_DIR (the undo log) in tmp_path,
    and send2trash's freedesktop backend pointed there (tests/helpers/removal_helpers.py)."""
    from tests.helpers.removal_helpers import isolate

    return isolate(monkeypatch, tmp_path)


@pytest.fixture
def library(trash_env):  # type: ignore[no-untyped-def]
    """A fresh copy of the sample library for each test: these tests move its files."""
    from cleaner.demo.library import make_demo_library

    return make_demo_library(trash_env.photos / "Sample photos")


@pytest.fixture
def window(qtbot):  # type: ignore[no-untyped-def]
    from tests.helpers.window import open_window

    w = open_window(qtbot)
    yield w
    w.close()


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Two catalogued "servers" for the catalog review tests (tests/helpers/catalogs.py),
    built once per module."""
    from tests.helpers.catalogs import ESTATE_ACROSS, ESTATE_SETS, make_estate

    return make_estate(tmp_path_factory.mktemp("estate"), sets=ESTATE_SETS, across=ESTATE_ACROSS)


@pytest.fixture
def mover(trash_env, window):  # type: ignore[no-untyped-def]
    """A window whose moves go to the test's own trash and undo log."""
    return window
