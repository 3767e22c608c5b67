"""Opening catalogs by keys only (issue 16): Ctrl+Alt+O, the two catalogs typed into the
chooser, one protected whole with Tab and Space, Enter opens them, and the review is
walked and marked from the keyboard as a scan's is."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.helpers.catalogs import Estate
from tests.helpers.keyboard import Keyboard, answer_file_dialog, when_modal
from ui.catalog_open import ProtectCatalogsDialog
from ui.main_window import MainWindow

Key = Qt.Key


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: no raise, no grab
def test_catalogs_open_and_are_reviewed_by_keys_only(
    window: MainWindow, qtbot: QtBot, estate: Estate
) -> None:
    keys = Keyboard(window, qtbot)
    keys.focused()
    protected: list[str] = []

    def protect_the_first(dialog: QWidget) -> None:
        assert isinstance(dialog, ProtectCatalogsDialog)
        first = dialog.checks[str(estate.a)]
        for _ in range(10):  # Tab to the first catalog's box
            if QApplication.focusWidget() is first:
                break
            QTest.keyClick(QApplication.focusWidget(), Key.Key_Tab)
        QTest.keyClick(first, Key.Key_Space)
        protected.extend(dialog.protected())
        QTest.keyClick(QApplication.focusWidget(), Key.Key_Return)  # Open is the default

    answer_file_dialog(f'"{estate.a}" "{estate.b}"')  # two files: each name in quotes
    when_modal(ProtectCatalogsDialog, protect_the_first)
    with qtbot.waitSignal(window.scanner.finished, timeout=120_000):
        keys.press(Key.Key_O, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    assert protected == [str(estate.a)]
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.review_page)
    rp = window.review_page
    assert keys.focused() is rp.grid
    first = rp.current_group_row()
    keys.press(Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert rp.current_group_row() != first
    row = rp.current_group_row()
    keys.press(Key.Key_Home)
    locked = [window.session.is_locked(row, rp.photo_model.member_index(r)) for r in range(2)]
    if locked[0]:  # a copy in the protected catalog stays: the next one is switched
        keys.press(Key.Key_Right)
    i = rp.photo_model.member_index(rp.grid.currentIndex().row())
    before = window.session.is_marked(row, i)
    keys.press(Key.Key_Space)
    assert window.session.is_marked(row, i) != before
    keys.press(Key.Key_Space)
    assert window.session.is_marked(row, i) == before
