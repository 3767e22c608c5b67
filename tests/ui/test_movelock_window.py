"""Another PhotoSift is moving files: the window says so plainly (issue 10, class 3).

The move lock (cleaner/removal/movelock.py) is held here by the test itself, as another window or
a `photosift clean` would hold it; flock locks of two open files conflict within one
process as between two.
"""

from __future__ import annotations

import os

import pytest
from pytestqt.qtbot import QtBot

from cleaner.demo.library import DemoLibrary
from cleaner.removal.movelock import moving_files
from tests.helpers.removal_helpers import Env, snapshot
from tests.helpers.removal_support import TIMEOUT, move_marked, press_move, scan
from ui.main_window import MainWindow
from ui.widgets.error_dialog import ErrorDialog

MESSAGE = "Another PhotoSift is moving files; wait for it to finish and try again."


pytestmark = pytest.mark.usefixtures("trash_env")  # moves go to the test's own trash


def _error_dialogs(window: MainWindow) -> list[ErrorDialog]:
    return [d for d in window.findChildren(ErrorDialog) if d.isVisible()]


def _wait_idle(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: not window.mutations.busy(), timeout=TIMEOUT)


def test_moving_while_another_photosift_moves_says_so_and_moves_nothing(
    window: MainWindow, qtbot: QtBot, library: DemoLibrary, trash_env: Env
) -> None:
    scan(window, qtbot, library.root)
    marked = window.session.paths_to_remove()
    before = snapshot(marked)
    press_move(window, qtbot)
    dialog = window.removal.confirm_dialog
    assert dialog is not None
    with moving_files():  # another PhotoSift is moving files
        dialog.move_button.click()
        _wait_idle(window, qtbot)
        qtbot.waitUntil(
            lambda: window.removal.busy_box is not None and window.removal.busy_box.isVisible()
        )

    assert _error_dialogs(window) == []  # no "unexpected problem", no traceback
    box = window.removal.busy_box
    assert box is not None
    assert box.windowTitle() == "Another PhotoSift is moving files"
    assert box.text() == f"<b>{MESSAGE}</b>"
    assert "Nothing was moved" in box.informativeText()
    assert "Traceback" not in box.informativeText() + box.detailedText()
    assert window.removal.progress_dialog is None
    assert MESSAGE in window.statusBar().currentMessage()
    # Nothing moved, nothing logged, the marks are still there to try again.
    assert snapshot(marked) == before
    assert trash_env.trashed_names() == []
    assert window.session.paths_to_remove() == marked
    assert window.removal.last_removal is None
    box.button(box.StandardButton.Close).click()
    assert window.act_move.isEnabled()

    # The other one has finished: the same button works.
    move_marked(window, qtbot)
    assert window.removal.last_removal is not None
    assert sorted(r.path for r in window.removal.last_removal.removed) == sorted(marked)


def test_undo_while_another_photosift_moves_says_so_and_puts_nothing_back(
    window: MainWindow, qtbot: QtBot, library: DemoLibrary, trash_env: Env
) -> None:
    scan(window, qtbot, library.root)
    marked = window.session.paths_to_remove()
    move_marked(window, qtbot)
    assert window.removal.summary_dialog is not None
    window.removal.summary_dialog.close_button.click()
    trashed = trash_env.trashed_names()
    assert len(trashed) == len(marked)

    window.act_undo.trigger()
    qtbot.waitUntil(lambda: window.removal.undo_confirm_button is not None, timeout=TIMEOUT)
    assert window.removal.undo_confirm_button is not None
    with moving_files():
        window.removal.undo_confirm_button.click()
        _wait_idle(window, qtbot)
        qtbot.waitUntil(
            lambda: window.removal.busy_box is not None and window.removal.busy_box.isVisible()
        )
    assert _error_dialogs(window) == []
    box = window.removal.busy_box
    assert box is not None
    assert box.text() == f"<b>{MESSAGE}</b>"
    assert "Nothing was put back" in box.informativeText()
    assert trash_env.trashed_names() == trashed
    assert not any(os.path.exists(p) for p in marked)
    assert window.removal.last_restore is None
