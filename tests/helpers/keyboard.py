"""A person at the keyboard, for the window tests that drive a flow by keys only: keys go
to whatever has the focus (`QApplication.focusWidget`), never to a widget picked by the
test. Two stand-ins for the desktop, said where they happen: Qt's own file dialog is
answered by typing a path into its line edit (offscreen has no native one), and when a
dialog closes the activation goes back to the window, as a window manager does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow

Key = Qt.Key
NoMod = Qt.KeyboardModifier.NoModifier


class Keyboard:
    """A person at the keyboard of `window`: keys go to whatever has the focus."""

    def __init__(self, window: MainWindow, qtbot: QtBot) -> None:
        self.window = window
        self.qtbot = qtbot

    def focused(self) -> QWidget:
        """The widget the keyboard types into. A window manager gives the activation back
        to the window when its dialog closes; offscreen nothing does, so the test does."""
        if QApplication.activeWindow() is None:
            self.window.activateWindow()
            self.qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def press(self, key: Key, mods: Qt.KeyboardModifier = NoMod) -> None:
        QTest.keyClick(self.focused(), key, mods)

    def tab_to(self, wanted: Callable[[QWidget], bool], back: bool = False) -> QWidget:
        """Tab (or Shift+Tab) until the focus is on a widget `wanted` accepts."""
        for _ in range(40):
            widget = self.focused()
            if wanted(widget):
                return widget
            QTest.keyClick(widget, Key.Key_Backtab if back else Key.Key_Tab)
        raise AssertionError(f"Tab never reached it; the focus is on {self.focused()!r}")


def default_stays(keys: Keyboard, default: QPushButton) -> None:
    """Tab once round `default`'s dialog: wherever the focus is not on a button, Enter
    would press `default` (the export dialog once let "Choose…", passed by Tab, keep it:
    Enter in the folder field then opened the folder chooser)."""
    for _ in range(len(default.window().findChildren(QWidget)) + 1):
        keys.press(Key.Key_Tab)
        if not isinstance(keys.focused(), QPushButton):
            assert default.isDefault(), f"Enter on {keys.focused()!r} presses another button"
        if keys.focused() is default:
            return
    raise AssertionError("Tab never came back to the default button")


def answer_file_dialog(path: Path | str) -> None:
    """When Qt's file dialog comes up (its static functions block), type `path` into the
    line edit it focuses and press Enter."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        edit = QApplication.focusWidget()
        if not isinstance(dialog, QFileDialog) or edit is None or edit.window() is not dialog:
            QTimer.singleShot(50, answer)  # not up yet, or not given the focus yet
            return
        QTest.keyClicks(edit, str(path))
        QTest.keyClick(edit, Key.Key_Return)

    QTimer.singleShot(0, answer)


def when_modal(kind: type[QWidget], act: Callable[[QWidget], None]) -> None:
    """When a modal `kind` is up with the focus in it (a dialog's `exec` blocks the test),
    call `act(dialog)`: it presses the keys there."""

    def check() -> None:
        dialog = QApplication.activeModalWidget()
        focus = QApplication.focusWidget()
        if not isinstance(dialog, kind) or focus is None or focus.window() is not dialog:
            QTimer.singleShot(50, check)
            return
        act(dialog)

    QTimer.singleShot(0, check)
