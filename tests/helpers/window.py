"""The main window as the window tests build it: made, sized and shown one way, and
given a finished result one way (tests/ui/conftest.py's `window` and `mover` use it)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pytestqt.qtbot import QtBot

from cleaner.models import DuplicateGroup
from tests.helpers.synthetic_result import result_of
from ui.main_window import MainWindow


def open_window(qtbot: QtBot, size: tuple[int, int] | None = (1300, 850)) -> MainWindow:
    """A shown main window (settings, cache and data in the test's folders: conftest);
    `size` None leaves the window's own size."""
    w = MainWindow(cache_path=None)
    qtbot.addWidget(w)
    if size is not None:
        w.resize(*size)
    w.show()
    return w


def show_groups(window: MainWindow, groups: Sequence[DuplicateGroup], root: str) -> None:
    """Show `groups` as a scan of `root` does: the sets as they come, then the end."""
    window.session.clear((), (root,))
    window.session.add_groups(groups)
    window._on_finished(result_of(groups, (root,)))


def open_catalogs(qtbot: QtBot, w: MainWindow, *paths: Path, protect: tuple[str, ...] = ()) -> None:
    """Open catalogs as File → Open catalogs… does, and wait for their review."""
    with qtbot.waitSignal(w.scanner.finished, timeout=120_000):
        w.catalogs.start([str(p) for p in paths], protect)
    qtbot.waitUntil(lambda: w.pages.currentWidget() is w.review_page)
