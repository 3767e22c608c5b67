""" "Choose copies…": a menu that lists every copy of a set by name and folder, ticked
when it is shown; ticking one shows it, unticking hides it. The menu stays open while
the user ticks, so choosing several is one visit."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from cleaner import ngettext, number
from ui.format import plain_tooltip


class _StayOpenMenu(QMenu):
    """A click (or Space) on a tickable entry ticks it and leaves the menu open."""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        action = self.activeAction()
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self.activeAction()
        if (
            event.key() == Qt.Key.Key_Space
            and action is not None
            and action.isCheckable()
            and action.isEnabled()
        ):
            action.trigger()
            return
        super().keyPressEvent(event)


class CopyChooser(QToolButton):
    """Entries `labels` (one per copy, with `tips` as tooltips, plain text: a name with
    "<b>" shows as written), `chosen` ticked; at least one and at most `most` can be
    ticked. `chosenChanged(list)` gives the ticked entries' positions, in order, after
    each change."""

    chosenChanged = Signal(list)

    def __init__(
        self,
        labels: list[str],
        tips: list[str],
        chosen: list[int],
        most: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.most = max(1, most)
        self.setText(self.tr("Choose copies…"))
        self.setToolTip(self.tr("Choose which copies of the set are shown side by side"))
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = _StayOpenMenu(self)
        menu.setToolTipsVisible(True)
        self.actions_: list[QAction] = []
        self._tips = list(tips)
        for n, (label, tip) in enumerate(zip(labels, tips, strict=True)):
            action = QAction(label.replace("&", "&&"), menu)  # "&" is not a shortcut here
            action.setCheckable(True)
            action.setChecked(n in chosen)
            action.setToolTip(plain_tooltip(tip))
            action.toggled.connect(self._toggled)
            menu.addAction(action)
            self.actions_.append(action)
        self.setMenu(menu)
        self._update_enabled()

    def set_limit(self, most: int, chosen: list[int]) -> None:
        """At most `most` ticked; tick `chosen` (without saying so: the caller knows)."""
        self.most = max(1, most)
        for n, action in enumerate(self.actions_):
            action.blockSignals(True)
            action.setChecked(n in chosen)
            action.blockSignals(False)
        self._update_enabled()

    def chosen(self) -> list[int]:
        return [n for n, a in enumerate(self.actions_) if a.isChecked()]

    def set_chosen(self, n: int, on: bool) -> None:
        """What ticking or unticking entry `n` does (ignored when the rules forbid it)."""
        if self.actions_[n].isEnabled():
            self.actions_[n].setChecked(on)

    def _toggled(self, _on: bool) -> None:
        self._update_enabled()
        self.chosenChanged.emit(self.chosen())

    def _update_enabled(self) -> None:
        chosen = self.chosen()
        full = len(chosen) >= self.most
        for action, tip in zip(self.actions_, self._tips, strict=True):
            ticked = action.isChecked()
            # the last shown copy stays; no more than fit side by side
            action.setEnabled((ticked and len(chosen) > 1) or (not ticked and not full))
            if not ticked and full:
                tip += "\n" + ngettext(
                    "Up to {n} copy fits side by side: untick one first.",
                    "Up to {n} copies fit side by side: untick one first.",
                    self.most,
                ).format(n=number(self.most))
            action.setToolTip(plain_tooltip(tip))
