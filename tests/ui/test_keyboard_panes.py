"""What needed a mouse, by keys (issue 16, README "Keyboard"): the dividers between panes
(View → Narrow/Widen the left pane, Reset the panes; the same keys in Compare and History)
and the breakdown of a copy's quality score (Ctrl+I: a popup that takes the focus, not a
hover tooltip)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QSplitter
from pytestqt.qtbot import QtBot

from tests.helpers.keyboard import Keyboard
from tests.helpers.synthetic_result import synthetic_groups
from tests.helpers.window import show_groups
from ui.main_window import MainWindow
from ui.models import roles
from ui.pane_keys import STEP
from ui.quality_popup import QualityPopup

Key = Qt.Key
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _review(window: MainWindow, qtbot: QtBot) -> Keyboard:
    show_groups(window, synthetic_groups(5, per_group=3), "/nonexistent/lib")
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.review_page)
    keys = Keyboard(window, qtbot)
    window.review_page.grid.setFocus()
    qtbot.waitUntil(lambda: window.review_page.grid.currentIndex().isValid())
    return keys


def test_the_set_list_is_widened_narrowed_and_reset_by_keys(
    window: MainWindow, qtbot: QtBot
) -> None:
    keys = _review(window, qtbot)
    splitter = window.review_page.splitter
    first = splitter.sizes()
    assert first[0] > STEP
    keys.press(Key.Key_Right, CTRL_SHIFT)
    assert splitter.sizes()[0] == first[0] + STEP
    keys.press(Key.Key_Left, CTRL_SHIFT)
    assert splitter.sizes()[0] == first[0]
    for _ in range(20):  # never narrower than the list can be drawn
        keys.press(Key.Key_Left, CTRL_SHIFT)
    assert splitter.sizes()[0] == splitter.widget(0).minimumSizeHint().width() > 0
    splitter.setSizes([first[0] + 200, first[1] - 200])  # dragged by a mouse, too
    keys.press(Key.Key_0, CTRL_SHIFT)
    assert splitter.sizes() == first


def test_the_pane_and_quality_keys_are_in_the_view_menu_and_f1(window: MainWindow) -> None:
    view = next(m for m in window.menuBar().actions() if m.text() == "&View").menu()
    listed = {a.text(): a.shortcut().toString() for a in view.actions()}
    assert listed["&Quality breakdown"] == "Ctrl+I"
    assert listed["&Narrow the left pane"] == "Ctrl+Shift+Left"
    assert listed["&Widen the left pane"] == "Ctrl+Shift+Right"
    assert listed["&Reset the panes"] == "Ctrl+Shift+0"
    # F1 lists the window's actions that have a key (the Language submenu has none)
    with_keys = {text for text, key in listed.items() if key}
    assert {a.text() for a in window.actions() if not a.shortcut().isEmpty()} >= with_keys


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: no raise
def test_the_quality_breakdown_opens_by_key_and_takes_the_focus(
    window: MainWindow, qtbot: QtBot
) -> None:
    keys = _review(window, qtbot)
    grid = window.review_page.grid
    expected = grid.currentIndex().data(roles.QualityTipRole)
    assert expected.startswith("Quality ")
    keys.press(Key.Key_I, CTRL)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeWindow(), QualityPopup))
    popup = QApplication.activeWindow()
    assert isinstance(popup, QualityPopup)
    assert popup.label.text() == expected
    qtbot.waitUntil(lambda: QApplication.focusWidget() is popup.label)  # read at once
    assert popup.windowTitle() == "What the quality score is made of"
    assert popup.label.accessibleName() == "What the quality score is made of"
    assert popup.label.accessibleDescription() == expected
    # under the current tile, not wherever the mouse is
    tile = grid.visualRect(grid.currentIndex())
    corner = grid.viewport().mapToGlobal(tile.bottomLeft())
    assert (popup.pos() - corner).manhattanLength() <= 8  # the window's frame aside
    keys.press(Key.Key_Escape)
    qtbot.waitUntil(lambda: not popup.isVisible())


def test_compare_moves_both_dividers_by_keys(window: MainWindow, qtbot: QtBot) -> None:
    _review(window, qtbot)
    dialog = window.compare_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    across = dialog.pictures
    stacked = next(s for s in dialog.findChildren(QSplitter) if s is not across)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(300)  # the pictures in: each pane is then at least its picture's width
    least = sum(across.widget(i).minimumSizeHint().width() for i in range(across.count()))
    dialog.resize(least + 6 * STEP, 900)
    qtbot.waitUntil(lambda: sum(stacked.sizes()) > 0 and sum(across.sizes()) >= least + 2 * STEP)
    a0, s0 = across.sizes(), stacked.sizes()
    # the dialog's own actions, with their keys (pressed in the main window's test above)
    acts = {a.shortcut().toString(): a for a in dialog.actions() if not a.shortcut().isEmpty()}
    assert set(acts) >= {"Ctrl+Shift+Left", "Ctrl+Shift+Right", "Ctrl+Shift+Up", "Ctrl+Shift+Down"}
    acts["Ctrl+Shift+Right"].trigger()
    assert across.sizes()[0] == a0[0] + STEP
    acts["Ctrl+Shift+Up"].trigger()
    assert stacked.sizes()[0] == s0[0] - STEP
    acts["Ctrl+Shift+Left"].trigger()
    acts["Ctrl+Shift+Down"].trigger()
    assert (across.sizes(), stacked.sizes()) == (a0, s0)
    dialog.close()


def test_history_moves_its_divider_by_keys(window: MainWindow, qtbot: QtBot) -> None:
    window.removal.show_history()
    history = window.removal.history_dialog
    assert history is not None
    splitter = history.findChild(QSplitter)
    qtbot.waitUntil(lambda: sum(splitter.sizes()) > 0)
    top = splitter.sizes()[0]
    acts = {a.shortcut().toString(): a for a in history.actions() if not a.shortcut().isEmpty()}
    acts["Ctrl+Shift+Down"].trigger()
    assert splitter.sizes()[0] == top + STEP
    acts["Ctrl+Shift+0"].trigger()
    assert splitter.sizes()[0] == top
    history.close()
