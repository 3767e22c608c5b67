"""The list of duplicate groups, and a proxy that sorts and filters it on Python values."""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Slot,
)

from cleaner.models import DuplicateGroup
from ui.format import folder_name, human_bytes, keeper_reason, plural
from ui.models import roles
from ui.models.session import ReviewSession
from ui.thumbnails import ThumbnailLoader

AnyIndex = QModelIndex | QPersistentModelIndex
_INVALID = QModelIndex()


class GroupListModel(QAbstractListModel):
    """One row per `DuplicateGroup` of the session, in arrival order."""

    def __init__(
        self,
        session: ReviewSession,
        thumbnails: ThumbnailLoader | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.thumbnails = thumbnails
        self.thumb_size = QSize(64, 64)
        self.dpr = 1.0
        self._row_of_keeper: dict[str, int] = {}
        session.aboutToInsertGroups.connect(self._before_insert)
        session.groupsInserted.connect(self._after_insert)
        session.aboutToReset.connect(self._before_reset)
        session.reset.connect(self._after_reset)
        session.marksChanged.connect(self._marks_changed)
        if thumbnails is not None:
            thumbnails.thumbnailReady.connect(self._thumbnail_ready)

    def set_thumbnail_size(self, size: QSize, dpr: float) -> None:
        self.thumb_size, self.dpr = size, dpr

    # -- session signals ---------------------------------------------------------------

    @Slot(int, int)
    def _before_insert(self, first: int, last: int) -> None:
        self.beginInsertRows(_INVALID, first, last)

    @Slot(int, int)
    def _after_insert(self, first: int, last: int) -> None:
        for row in range(first, last + 1):
            self._row_of_keeper[self.session.groups[row].keeper.path] = row
        self.endInsertRows()

    @Slot()
    def _before_reset(self) -> None:
        self.beginResetModel()

    @Slot()
    def _after_reset(self) -> None:
        self._row_of_keeper.clear()
        self.endResetModel()

    @Slot(int)
    def _marks_changed(self, row: int) -> None:
        if not self.session.groups:
            return
        if row < 0:
            self.dataChanged.emit(self.index(0), self.index(len(self.session.groups) - 1))
        else:
            self.dataChanged.emit(self.index(row), self.index(row))

    @Slot(str)
    def _thumbnail_ready(self, path: str) -> None:
        row = self._row_of_keeper.get(path)
        if row is not None:
            idx = self.index(row)
            self.dataChanged.emit(idx, idx, [roles.ThumbnailRole])

    # -- the model ---------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.session.groups)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.session.groups):
            return None
        row = index.row()
        group = self.session.groups[row]
        if role == roles.GroupRole:
            return group
        if role == roles.ThumbnailRole:
            if self.thumbnails is None:
                return None
            return self.thumbnails.get(group.keeper.path, self.thumb_size, self.dpr)
        if role == roles.CopiesRole:
            return group.size
        if role == roles.ReclaimRole:
            return group.reclaimable_bytes
        if role == roles.FolderRole:
            return os.path.dirname(group.keeper.path)
        if role == roles.MarkedCountRole:
            return self.session.marked_in_group(row)
        if role == roles.MarkedBytesRole:
            return self.session.bytes_in_group(row)
        if role == roles.ReasonRole:
            return group.reason
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            marked = self.session.marked_in_group(row)
            text = (
                f"{plural(group.size, 'copy', 'copies')} of {os.path.basename(group.keeper.path)}"
            )
            if marked:
                text += f", {marked} marked, {human_bytes(self.session.bytes_in_group(row))}"
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            folders = sorted({folder_name(m.path) for m in group.members})
            return f"{keeper_reason(group.reason)}\nFolders: {', '.join(folders[:6])}" + (
                " …" if len(folders) > 6 else ""
            )
        return None


class GroupSortProxy(QSortFilterProxyModel):
    """Sorts on Python values (no 32-bit truncation, pitfall P13) and hides small groups.

    `sort_by`: "space" (most space to free first), "copies" (most copies first) or
    "folder" (the keeper's folder, A-Z). `min_copies`: show only groups with more than
    this many copies (0: all).
    """

    KEYS = ("space", "copies", "folder")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sort_by = "space"
        self._min_copies = 0
        self.setDynamicSortFilter(False)  # marks do not move rows under the user's cursor

    @property
    def sort_by(self) -> str:
        return self._sort_by

    def set_sort_by(self, key: str) -> None:
        if key not in self.KEYS:
            raise ValueError(key)
        self._sort_by = key
        self.invalidate()
        self.sort(0, Qt.SortOrder.AscendingOrder)

    @property
    def min_copies(self) -> int:
        return self._min_copies

    def set_min_copies(self, n: int) -> None:
        self.beginFilterChange()
        self._min_copies = max(0, n)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _key(self, index: AnyIndex) -> tuple[object, ...]:
        group: DuplicateGroup = index.data(roles.GroupRole)
        if self._sort_by == "copies":
            return (-group.size, -group.reclaimable_bytes, group.id)
        if self._sort_by == "folder":
            folder = os.path.dirname(group.keeper.path)
            return (folder.casefold(), os.path.basename(group.keeper.path).casefold(), group.id)
        return (-group.reclaimable_bytes, -group.size, group.id)

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        return self._key(left) < self._key(right)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if self._min_copies <= 0:
            return True
        model = self.sourceModel()
        if not isinstance(model, GroupListModel):
            return True
        return model.session.groups[source_row].size > self._min_copies
