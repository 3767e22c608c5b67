"""The walk over the window's first screens, for the tests that look at every screen (the
pseudo-locale clipping test, the accessible-name test): each says what it looks for, the
walk is written once. The move and undo screens are `removal_support.look_at_move_screens`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from cleaner import Progress
from tests.helpers.removal_support import scan
from ui.main_window import MainWindow
from ui.widgets.scan_settings_dialog import ScanSettingsDialog

Seen = TypeVar("Seen")


def _shown(qtbot: QtBot, widget: QWidget) -> QWidget:
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def look_at_first_screens(
    window: MainWindow, qtbot: QtBot, root: Path, look: Callable[[QWidget], Seen]
) -> dict[str, Seen]:
    """Open each screen before a move (the start page empty and with `root`, both tabs of
    the scan settings, the progress page fed one `Progress`, then a real scan of `root`:
    the review, its Skipped tab, Compare and the export dialog) and return what `look`
    says of each, by name. Nothing is moved."""
    seen: dict[str, Seen] = {"start, empty": look(window)}
    window.start_page.add_folders([str(root)])
    seen["start"] = look(window)
    settings = ScanSettingsDialog(window.settings, window)
    qtbot.addWidget(settings)
    _shown(qtbot, settings)
    seen["scan settings"] = look(settings)
    settings.tabs.setCurrentIndex(1)
    seen["scan settings, leave out"] = look(settings)
    settings.reject()
    window.pages.setCurrentWidget(window.progress_page)
    progress = window.progress_page
    progress.reset([str(root)])
    progress.set_progress(Progress("Reading files", 120, 400, rate=60.0, eta_seconds=12.0))
    progress.add_found(groups=3, skipped=1)
    seen["progress"] = look(window)
    scan(window, qtbot, root)
    seen["review"] = look(window)
    window.review_page.tabs.setCurrentIndex(1)
    seen["review, skipped"] = look(window)
    window.review_page.tabs.setCurrentIndex(0)
    compare = window.compare_dialog()
    assert compare is not None
    qtbot.addWidget(compare)
    seen["compare"] = look(_shown(qtbot, compare))
    compare.close()
    window.export_report()
    assert window.export_dialog is not None
    qtbot.waitExposed(window.export_dialog)
    seen["export"] = look(window.export_dialog)
    window.export_dialog.close()
    return seen
