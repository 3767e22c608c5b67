"""Helpers for the window's removal, history and export tests: scan in the window, then move."""

from __future__ import annotations

import os
from pathlib import Path

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
