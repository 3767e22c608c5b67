"""The list of duplicate groups, sorted and filtered on Python values.

Why not a QSortFilterProxyModel: with 20,000 groups its `lessThan` is called about
300,000 times from C++ into Python, and a sort took 2.8-4.6 s on the GUI thread
(measured with tests/ui/bench_models.py), a visible stall. Here the model keeps the
display order as a Python list of session rows and sorts it with `sorted()` (tens of
milliseconds). Sort keys are Python tuples, so byte counts over 2^31 compare right
(Qt's own sort cut large integers to 32 bits), and a re-sort is a layout change that keeps
selection and scroll.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Slot,
)
from PySide6.QtGui import QPixmap

from cleaner import DuplicateGroup, _, ngettext, number, printable
from ui.announce import set_row_announcement
from ui.catalog_places import places_for
from ui.format import folder_in_scan, human_bytes, keeper_reason, plain_tooltip
from ui.models import roles
from ui.models.session import ReviewSession
from ui.thumbnails import UNREACHABLE, ThumbnailLoader

AnyIndex = QModelIndex | QPersistentModelIndex
_INVALID = QModelIndex()

SORT_KEYS = ("space", "copies", "folder")


def sort_key(group: DuplicateGroup, sort_by: str) -> tuple[object, ...]:
    """Smaller first. "space": most to free; "copies": most copies; "folder": A to Z."""
    if sort_by == "copies":
        return (-group.size, -group.reclaimable_bytes, group.id)
    if sort_by == "folder":
        path = group.keeper.path
        return (os.path.dirname(path).casefold(), os.path.basename(path).casefold(), group.id)
    return (-group.reclaimable_bytes, -group.size, group.id)


class GroupListModel(QAbstractListModel):
    """The session's groups in display order: sorted by `sort_by`, and only those with
    more than `min_copies` copies (0: all). Groups that arrive during a scan are
    appended; `resort()` (called when the scan ends) puts them in order."""

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
        self._sort_by = "space"
        self._min_copies = 0
        self._rows: list[int] = []  # session rows, in display order
        self._view_row: dict[int, int] = {}  # session row -> display row
        self._keeper_row: dict[str, int] = {}  # keeper path -> session row
        # sort keys of the groups as they are (a group changed is a new object): worked
        # out as groups arrive, so the sort when a scan ends or a review opens is quick
        self._keys: dict[int, tuple[DuplicateGroup, str, tuple[object, ...]]] = {}
        session.aboutToInsertGroups.connect(self._before_insert)
        session.groupsInserted.connect(self._after_insert)
        session.aboutToReset.connect(self._before_reset)
        session.reset.connect(self._after_reset)
        session.marksChanged.connect(self._marks_changed)
        session.membersRemoved.connect(self._members_changed)
        session.membersInserted.connect(self._members_changed)
        session.groupsRemoved.connect(self._groups_removed)
        if thumbnails is not None:
            thumbnails.thumbnailReady.connect(self._thumbnail_ready)

    def set_thumbnail_size(self, size: QSize, dpr: float) -> None:
        self.thumb_size, self.dpr = size, dpr

    # -- order and filter --------------------------------------------------------------

    @property
    def sort_by(self) -> str:
        return self._sort_by

    def _accepts(self, session_row: int) -> bool:
        return self._min_copies <= 0 or self.session.groups[session_row].size > self._min_copies

    def _key(self, group: DuplicateGroup) -> tuple[object, ...]:
        known = self._keys.get(id(group))
        if known is not None and known[0] is group and known[1] == self._sort_by:
            return known[2]
        key = sort_key(group, self._sort_by)
        self._keys[id(group)] = (group, self._sort_by, key)
        return key

    def _ordered(self) -> list[int]:
        groups = self.session.groups
        rows = [r for r in range(len(groups)) if self._accepts(r)]
        rows.sort(key=lambda r: self._key(groups[r]))
        if len(self._keys) > 2 * len(groups) + 1000:  # groups replaced since: forget them
            shown = {id(g) for g in groups}
            self._keys = {k: v for k, v in self._keys.items() if k in shown}
        return rows

    def _reindex(self) -> None:
        self._view_row = {r: i for i, r in enumerate(self._rows)}

    def set_sort_by(self, key: str) -> None:
        if key not in SORT_KEYS:
            raise ValueError(key)
        self._sort_by = key
        self.resort()

    def resort(self) -> None:
        """Put every row in order again; selection and current row follow their groups."""
        self.layoutAboutToBeChanged.emit()
        old = self._rows
        self._rows = self._ordered()
        self._reindex()
        persistent = self.persistentIndexList()
        moved = []
        for index in persistent:
            session_row = old[index.row()] if 0 <= index.row() < len(old) else -1
            new = self._view_row.get(session_row)
            moved.append(self.index(new) if new is not None else QModelIndex())
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def set_min_copies(self, n: int) -> None:
        """Show only groups with more than `n` copies (0: all groups)."""
        self.beginResetModel()
        self._min_copies = max(0, n)
        self._rows = self._ordered()
        self._reindex()
        self.endResetModel()

    def session_row(self, view_row: int) -> int:
        return self._rows[view_row] if 0 <= view_row < len(self._rows) else -1

    def view_row(self, session_row: int) -> int:
        return self._view_row.get(session_row, -1)

    # -- session signals ---------------------------------------------------------------

    @Slot(int, int)
    def _before_insert(self, first: int, last: int) -> None:
        """Nothing to do: which rows are shown is known once the session has them."""

    @Slot(int, int)
    def _after_insert(self, first: int, last: int) -> None:
        for row in range(first, last + 1):
            group = self.session.groups[row]
            self._keeper_row[group.keeper.path] = row
            self._key(group)
        accepted = [r for r in range(first, last + 1) if self._accepts(r)]
        if not accepted:
            return
        start = len(self._rows)
        self.beginInsertRows(_INVALID, start, start + len(accepted) - 1)
        for r in accepted:
            self._view_row[r] = len(self._rows)
            self._rows.append(r)
        self.endInsertRows()

    @Slot()
    def _before_reset(self) -> None:
        self.beginResetModel()

    @Slot()
    def _after_reset(self) -> None:
        self._rows = []
        self._view_row = {}
        self._keeper_row = {}
        self._keys = {}
        self.endResetModel()

    @Slot(int)
    def _marks_changed(self, session_row: int) -> None:
        if not self._rows:
            return
        if session_row < 0:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))
            return
        row = self._view_row.get(session_row)
        if row is not None:
            self.dataChanged.emit(self.index(row), self.index(row))

    @Slot(int, list)
    @Slot(int, int)
    def _members_changed(self, session_row: int, _what: object = None) -> None:
        """Copies of one group went or came back: its keeper, count and size changed."""
        self._keeper_row[self.session.groups[session_row].keeper.path] = session_row
        row = self._view_row.get(session_row)
        if row is not None:
            self.dataChanged.emit(self.index(row), self.index(row))

    @Slot(list)
    def _groups_removed(self, session_rows: list[int]) -> None:
        """Groups went from the session (already gone there): remove their rows, in
        contiguous runs from the bottom up, renumbering the session rows of the rest."""
        gone_rows = sorted(session_rows)
        doomed = set(gone_rows)
        self._rows = [-1 if r in doomed else r - bisect_left(gone_rows, r) for r in self._rows]
        gone = [i for i, r in enumerate(self._rows) if r < 0]
        runs: list[tuple[int, int]] = []
        for i in gone:
            if runs and runs[-1][1] == i - 1:
                runs[-1] = (runs[-1][0], i)
            else:
                runs.append((i, i))
        for first, last in reversed(runs):
            self.beginRemoveRows(_INVALID, first, last)
            del self._rows[first : last + 1]
            self.endRemoveRows()
        self._reindex()
        self._keeper_row = {g.keeper.path: r for r, g in enumerate(self.session.groups)}

    @Slot(str)
    def _thumbnail_ready(self, path: str) -> None:
        row = self._view_row.get(self._keeper_row.get(path, -1))
        if row is None and self._rows and places_for(self.session.result) is not None:
            # another copy of a set of catalogs: its row is repainted with the others
            last = self.index(len(self._rows) - 1)
            self.dataChanged.emit(self.index(0), last, [roles.ThumbnailRole])
            return
        if row is not None:
            idx = self.index(row)
            self.dataChanged.emit(idx, idx, [roles.ThumbnailRole])

    def _picture(self, group: DuplicateGroup) -> tuple[QPixmap | None, str | None]:
        """The row's picture: the keeper's; in a review of catalogs, the first copy whose
        file is on this computer (each copy is the same picture) when the keeper's is on
        another one. Decodes are asked one copy at a time, as the row is painted."""
        assert self.thumbnails is not None
        size, dpr = self.thumb_size, self.dpr
        members = [group.keeper]
        if places_for(self.session.result) is not None:
            members += [m for m in group.members if not m.is_keeper]
        error: str | None = None
        for m in members:
            pixmap = self.thumbnails.get(m.path, size, dpr)
            error = self.thumbnails.error(m.path, size, dpr)
            if pixmap is not None or error != UNREACHABLE:
                return pixmap, error
        return None, error

    # -- the model ---------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if row < 0:  # going away (between beginRemoveRows and endRemoveRows)
            return None
        group = self.session.groups[row]
        if role == roles.GroupRole:
            return group
        if role == roles.SessionRowRole:
            return row
        if role in (roles.ThumbnailRole, roles.ThumbnailErrorRole):
            if self.thumbnails is None:
                return None
            pixmap, error = self._picture(group)
            return pixmap if role == roles.ThumbnailRole else error
        if role == roles.CopiesRole:
            return group.size
        if role == roles.ReclaimRole:
            return group.reclaimable_bytes
        if role == roles.FolderRole:
            return os.path.dirname(group.keeper.path)
        if role == roles.SortRole:
            return sort_key(group, self._sort_by)
        if role == roles.MarkedCountRole:
            return self.session.marked_in_group(row)
        if role == roles.MarkedBytesRole:
            return self.session.bytes_in_group(row)
        if role == roles.ReasonRole:
            return group.reason
        if role == roles.SpansRole:
            places = places_for(self.session.result)
            on = places.spanned([m.path for m in group.members]) if places is not None else []
            return tuple(on) if len(on) > 1 else ()
        if role == roles.LinesRole:  # what the row says, line by line (see the delegate)
            name = printable(os.path.basename(group.keeper.path))
            marked = self.session.marked_in_group(row)
            where = printable(folder_in_scan(group.keeper.path, self.session.roots))
            if (places := places_for(self.session.result)) is not None:  # servers
                on = places.spanned([m.path for m in group.members])
                where = printable(
                    ngettext("On {n} server: {names}", "On {n} servers: {names}", len(on)).format(
                        n=number(len(on)), names=", ".join(on)
                    )
                    if len(on) > 1
                    else f"{on[0] if on else ''}: {places.folder(group.keeper.path) or '/'}"
                )
            size = human_bytes(self.session.bytes_in_group(row))
            return (
                ngettext("{n} copy of {name}", "{n} copies of {name}", group.size).format(
                    n=number(group.size), name=name
                ),
                ngettext("{n} to remove · {size}", "{n} to remove · {size}", marked).format(
                    n=number(marked), size=size
                )
                if marked
                else _("Nothing marked"),
                where,
            )
        if role == Qt.ItemDataRole.AccessibleTextRole:  # the words: ui.announce
            places = places_for(self.session.result)
            return set_row_announcement(
                group.size,
                os.path.basename(group.keeper.path),
                marked=self.session.marked_in_group(row),
                marked_size=human_bytes(self.session.bytes_in_group(row)),
                servers=places.spanned([m.path for m in group.members])
                if places is not None
                else (),
            )
        if role == Qt.ItemDataRole.DisplayRole:
            marked = self.session.marked_in_group(row)
            text = ngettext("{n} copy of {name}", "{n} copies of {name}", group.size).format(
                n=number(group.size), name=os.path.basename(group.keeper.path)
            )
            if marked:
                size = human_bytes(self.session.bytes_in_group(row))
                text = ngettext(
                    "{copies}, {n} marked, {size}", "{copies}, {n} marked, {size}", marked
                ).format(copies=text, n=number(marked), size=size)
            return text
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            where = printable(folder_in_scan(group.keeper.path, self.session.roots))
            kept_in = (
                _("Kept copy in {folder}.").format(folder=where)
                if where
                else _("Kept copy in the top folder.")
            )
            return f"{keeper_reason(group)} {kept_in}"
        if role == Qt.ItemDataRole.ToolTipRole:
            roots = self.session.roots
            folders = sorted({printable(folder_in_scan(m.path, roots)) for m in group.members})
            shown = ", ".join(folders[:6]) + (" …" if len(folders) > 6 else "")
            return plain_tooltip(
                f"{printable(group.keeper.path)}\n{keeper_reason(group)}\n"
                + _("Folders: {folders}").format(folders=shown)
            )
        return None
