"""Resizing the panes of a window from the keyboard.

A `QSplitter`'s handle takes no keyboard focus, so the dividers (the set list beside the
copies, the pictures of Compare, the batches of History) could only be dragged. Polished
Qt apps offer menu commands with shortcuts instead (Kate's and Qt Creator's "sidebar"
sizes): these actions move a splitter's first divider by a step and put every divider
back where the window first placed it. They are window actions, so they work wherever
the focus is in the window, and the main window lists them in View and in F1.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QSplitter, QWidget

STEP = 48  # pixels a divider moves per key press: a few lines of text, visible at once


class _FirstSizes(QObject):
    """Remembers the splitter's sizes once the window has first laid it out, for Reset:
    on its first Show, after the layout requests then pending have run."""

    def __init__(self, splitter: QSplitter) -> None:
        super().__init__(splitter)
        self.splitter = splitter
        self.sizes: list[int] = []
        splitter.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and watched is self.splitter and not self.sizes:
            QTimer.singleShot(0, self.remember)
        return False

    def remember(self) -> None:
        if not self.sizes and sum(self.splitter.sizes()) > 0:
            self.sizes = self.splitter.sizes()


def move_divider(splitter: QSplitter, by: int) -> None:
    """Move the first divider by `by` pixels (positive: the first pane grows), keeping
    every pane at least its minimum size (Qt's `setSizes` clamps them)."""
    sizes = splitter.sizes()
    if len(sizes) < 2 or sum(sizes) == 0:
        return
    by = max(-sizes[0], min(by, sizes[1]))
    splitter.setSizes([sizes[0] + by, sizes[1] - by, *sizes[2:]])


def pane_actions(window: QWidget, *splitters: QSplitter) -> list[QAction]:
    """For each splitter, actions of `window` that narrow and widen its first pane
    (Ctrl+Shift+Left/Right for side-by-side panes, Ctrl+Shift+Up/Down for stacked ones;
    at most one splitter of each kind per window), and one that puts every divider back
    (Ctrl+Shift+0). A text field with the focus keeps its own Ctrl+Shift+arrows (select
    by word): Qt gives a focused field's standard keys precedence over window shortcuts."""
    made: list[QAction] = []

    def add(text: str, key: str, slot: Callable[[], None]) -> None:
        action = QAction(text, window)
        action.setShortcut(QKeySequence(key))
        action.triggered.connect(slot)
        window.addAction(action)  # works while the menus are hidden, and in dialogs
        made.append(action)

    firsts = [_FirstSizes(s) for s in splitters]
    for first in firsts:
        if first.splitter.orientation() == Qt.Orientation.Horizontal:
            add(
                QCoreApplication.translate("PaneKeys", "&Narrow the left pane"),
                "Ctrl+Shift+Left",
                _mover(first, -STEP),
            )
            add(
                QCoreApplication.translate("PaneKeys", "&Widen the left pane"),
                "Ctrl+Shift+Right",
                _mover(first, STEP),
            )
        else:
            add(
                QCoreApplication.translate("PaneKeys", "Make the &top pane shorter"),
                "Ctrl+Shift+Up",
                _mover(first, -STEP),
            )
            add(
                QCoreApplication.translate("PaneKeys", "Make the top pane &taller"),
                "Ctrl+Shift+Down",
                _mover(first, STEP),
            )

    def reset() -> None:
        for first in firsts:
            if first.sizes:
                first.splitter.setSizes(first.sizes)

    add(QCoreApplication.translate("PaneKeys", "&Reset the panes"), "Ctrl+Shift+0", reset)
    return made


def _mover(first: _FirstSizes, by: int) -> Callable[[], None]:
    def move() -> None:
        first.remember()  # a key pressed before the timer: the sizes before it moves
        move_divider(first.splitter, by)

    return move
