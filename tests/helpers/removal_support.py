"""Helpers for the window's removal, history and export tests: scan in the window, then move."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from cleaner.models import ScanSettings
from ui.main_window import MainWindow

TIMEOUT = 30_000


def scan(window: MainWindow, qtbot: QtBot, root: Path) -> None:
    with qtbot.waitSignal(window.scanner.finished, timeout=60_000):
        window.run_scan(ScanSettings(roots=(str(root),)))
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.review_page, timeout=5000)


def group_names(window: MainWindow) -> list[list[str]]:
    """The file names of every group the window lists, keeper first."""
    return sorted(
        sorted(os.path.basename(m.path) for m in g.members) for g in window.session.groups
    )


def press_move(window: MainWindow, qtbot: QtBot) -> None:
    """Click "Move N files to Trash…" and wait for the confirmation."""
    window.removal.confirm_dialog = None
    with qtbot.waitSignal(window.mutations.planned, timeout=TIMEOUT):
        window.review_page.trash_button.click()
    qtbot.waitUntil(lambda: window.removal.confirm_dialog is not None, timeout=TIMEOUT)
    qtbot.waitUntil(
        lambda: (
            window.removal.confirm_dialog is not None and window.removal.confirm_dialog.isVisible()
        )
    )


def confirm_and_wait(window: MainWindow, qtbot: QtBot) -> None:
    """Accept the confirmation, wait for the move to end and the summary to show."""
    dialog = window.removal.confirm_dialog
    assert dialog is not None
    window.removal.summary_dialog = None
    with qtbot.waitSignal(window.mutations.removalFinished, timeout=TIMEOUT):
        dialog.move_button.click()
    qtbot.waitUntil(lambda: window.removal.summary_dialog is not None, timeout=TIMEOUT)


def move_marked(window: MainWindow, qtbot: QtBot) -> None:
    press_move(window, qtbot)
    confirm_and_wait(window, qtbot)


Seen = TypeVar("Seen")


def look_at_move_screens(
    window: MainWindow, qtbot: QtBot, root: Path, look: Callable[[QWidget], Seen]
) -> dict[str, Seen]:
    """Scan `root`, then open each screen of a move and its undo (confirm, summary,
    history, the undo question) and return what `look` says of each, by name. Moves the
    marked files: use a library the test owns."""
    scan(window, qtbot, root)
    seen: dict[str, Seen] = {}
    press_move(window, qtbot)
    assert window.removal.confirm_dialog is not None
    seen["confirm"] = look(window.removal.confirm_dialog)
    window.removal.confirm_dialog.reject()
    move_marked(window, qtbot)
    assert window.removal.summary_dialog is not None
    seen["summary"] = look(window.removal.summary_dialog)
    window.removal.summary_dialog.close()
    window.removal.show_history()
    history = window.removal.history_dialog
    assert history is not None
    qtbot.waitUntil(lambda: history.loaded and history.entry_model.rowCount() > 0, timeout=TIMEOUT)
    seen["history"] = look(history)
    history.close()
    window.removal.undo_last()
    qtbot.waitUntil(
        lambda: window.removal.undo_box is not None and window.removal.undo_box.isVisible()
    )
    assert window.removal.undo_box is not None
    seen["undo"] = look(window.removal.undo_box)
    window.removal.undo_box.close()
    return seen
