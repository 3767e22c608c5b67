"""The files the scan could not use, with the reason in words."""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Slot,
)

from cleaner import N_, _, skipped_words
from ui.format import plain_tooltip
from ui.models.session import ReviewSession

AnyIndex = QModelIndex | QPersistentModelIndex
_INVALID = QModelIndex()


class SkippedModel(QAbstractTableModel):
    HEADERS = (N_("File"), N_("Folder"), N_("Why it was skipped"))  # shown through _()

    def __init__(self, session: ReviewSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        session.aboutToAddSkipped.connect(self._before_add)
        session.skippedAdded.connect(self._after_add)
        session.aboutToReset.connect(self.beginResetModel)
        session.reset.connect(self.endResetModel)

    @Slot(int, int)
    def _before_add(self, first: int, last: int) -> None:
        self.beginInsertRows(_INVALID, first, last)

    @Slot(int, int)
    def _after_add(self, first: int, last: int) -> None:
        self.endInsertRows()

    def rowCount(self, parent: AnyIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.session.skipped)

    def columnCount(self, parent: AnyIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
            return _(self.HEADERS[section])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.session.skipped):
            return None
        item = self.session.skipped[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:  # a name with "<b>" shows as written
            text = self.data(index, Qt.ItemDataRole.DisplayRole)
            return plain_tooltip(text) if isinstance(text, str) else None
        if role == Qt.ItemDataRole.DisplayRole:
            col = index.column()
            if col == 0:
                return os.path.basename(item.path) or item.path
            if col == 1:
                return os.path.dirname(item.path)
            if col == 2:
                words = skipped_words(item)  # the engine's reason, in the user's language
                return words[:1].upper() + words[1:]
        if role == Qt.ItemDataRole.UserRole:
            return item
        return None

    def as_text(self) -> str:
        """The list as plain text (for "Copy list")."""
        return "\n".join(f"{s.path}\t{skipped_words(s)}" for s in self.session.skipped)
