"""The copies of one group, as a flat list for the thumbnail grid."""

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
    Signal,
    Slot,
)

from cleaner import DuplicateGroup, GroupMember, _, damage_words, number, printable
from ui.announce import tile_announcement
from ui.catalog_places import places_for
from ui.format import (
    file_and_folder,
    format_label,
    human_bytes,
    keeper_changed_text,
    keeper_reason,
    kept_over_text,
    match_short,
    match_tooltip,
    plain_tooltip,
    quality_tooltip,
    resolution,
)
from ui.models import roles
from ui.models.session import ReviewSession
from ui.thumbnails import ThumbnailLoader

AnyIndex = QModelIndex | QPersistentModelIndex
_INVALID = QModelIndex()


class PhotoGridModel(QAbstractListModel):
    """Rows are the members of the session's group `group_row` (-1: none shown).

    The suggested keeper comes first, then the other copies in the engine's order;
    `member_index(row)` maps a row back to the index in `DuplicateGroup.members`.

    `setData(index, bool, MarkedRole)` marks or unmarks a copy through the session;
    when a rule refuses it, `markRefused(message)` says why.
    """

    markRefused = Signal(str)

    def __init__(
        self,
        session: ReviewSession,
        thumbnails: ThumbnailLoader | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.thumbnails = thumbnails
        self.thumb_size = QSize(200, 170)
        self.dpr = 1.0
        self._row = -1
        self._index_of: dict[str, int] = {}
        self._order: list[int] = []
        session.marksChanged.connect(self._marks_changed)
        session.aboutToReset.connect(self._before_reset)
        session.reset.connect(self._after_reset)
        session.groupsAboutToBeRemoved.connect(self._before_groups_removed)
        session.membersRemoved.connect(self._members_removed)
        session.membersAboutToBeInserted.connect(self._before_members_inserted)
        session.membersInserted.connect(self._members_inserted)
        self._inserting = False
        if thumbnails is not None:
            thumbnails.thumbnailReady.connect(self._thumbnail_ready)

    def set_thumbnail_size(self, size: QSize, dpr: float) -> None:
        self.thumb_size, self.dpr = size, dpr

    @property
    def group_row(self) -> int:
        return self._row

    @property
    def group(self) -> DuplicateGroup | None:
        return self.session.groups[self._row] if self._row >= 0 else None

    def set_group(self, row: int) -> None:
        """Show the copies of session group `row` (-1 for none)."""
        if row == self._row:
            return
        self.beginResetModel()
        self._row = row if 0 <= row < len(self.session.groups) else -1
        group = self.group
        if group is None:
            self._order = []
        else:
            members = group.members
            self._order = sorted(range(len(members)), key=lambda i: not members[i].is_keeper)
        self._index_of = {self.member(r).path: r for r in range(len(self._order))}
        self.endResetModel()

    def member_index(self, row: int) -> int:
        return self._order[row]

    # -- session signals ---------------------------------------------------------------

    @Slot(int)
    def _marks_changed(self, row: int) -> None:
        if self._row >= 0 and row in (-1, self._row) and self.rowCount():
            self.dataChanged.emit(self.index(0), self.index(self.rowCount() - 1))

    @Slot()
    def _before_reset(self) -> None:
        self.beginResetModel()

    @Slot()
    def _after_reset(self) -> None:
        self._row = -1
        self._index_of = {}
        self._order = []
        self.endResetModel()

    @Slot(list)
    def _before_groups_removed(self, rows: list[int]) -> None:
        """Groups are about to go: if ours is one, show none; else follow its new row."""
        if self._row < 0:
            return
        if self._row in rows:
            self.beginResetModel()
            self._row = -1
            self._order = []
            self._index_of = {}
            self.endResetModel()
        else:  # nothing reads the model until the session has removed them
            self._row -= sum(1 for r in rows if r < self._row)

    @Slot(int, list)
    def _members_removed(self, row: int, indices: list[int]) -> None:
        """Copies of the shown group went (the session has them out already)."""
        if row != self._row:
            return
        drop = sorted(indices)
        gone = set(drop)
        self._order = [-1 if i in gone else i - bisect_left(drop, i) for i in self._order]
        for view_row in reversed([r for r, i in enumerate(self._order) if i < 0]):
            self.beginRemoveRows(_INVALID, view_row, view_row)
            del self._order[view_row]
            self.endRemoveRows()
        self._index_of = {self.member(r).path: r for r in range(len(self._order))}
        if self._order:  # the keeper may have changed
            self.dataChanged.emit(self.index(0), self.index(len(self._order) - 1))

    @Slot(int, int)
    def _before_members_inserted(self, row: int, count: int) -> None:
        if row == self._row and count > 0:
            n = len(self._order)
            self.beginInsertRows(_INVALID, n, n + count - 1)
            self._inserting = True

    @Slot(int, int)
    def _members_inserted(self, row: int, count: int) -> None:
        if not self._inserting:
            return
        self._inserting = False
        group = self.group
        assert group is not None
        first = len(group.members) - count
        self._order.extend(range(first, len(group.members)))
        self._index_of = {self.member(r).path: r for r in range(len(self._order))}
        self.endInsertRows()

    @Slot(str)
    def _thumbnail_ready(self, path: str) -> None:
        i = self._index_of.get(path)
        if i is not None:
            idx = self.index(i)
            self.dataChanged.emit(idx, idx, [roles.ThumbnailRole])

    # -- the model ---------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = _INVALID) -> int:
        return 0 if parent.isValid() or self._row < 0 else len(self._order)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def member(self, row: int) -> GroupMember:
        group = self.group
        assert group is not None
        return group.members[self._order[row]]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        group = self.group
        if group is None or not index.isValid() or index.row() >= len(self._order):
            return None
        i = self._order[index.row()]
        if i < 0:  # going away (between beginRemoveRows and endRemoveRows)
            return None
        m = group.members[i]
        if role == roles.MemberRole:
            return m
        if role == roles.PathRole:
            return m.path
        if role == roles.ThumbnailRole:
            if self.thumbnails is None:
                return None
            return self.thumbnails.get(m.path, self.thumb_size, self.dpr)
        if role == roles.ThumbnailErrorRole:
            if self.thumbnails is None:
                return None
            return self.thumbnails.error(m.path, self.thumb_size, self.dpr)
        if role == roles.MarkedRole:
            return self.session.is_marked(self._row, i)
        if role == roles.LockedRole:
            return self.session.is_locked(self._row, i)
        if role == roles.ChangedRole:
            return self.session.is_changed(self._row, i)
        if role == roles.KeeperRole:
            return m.is_keeper
        if role == roles.ReasonRole:
            return group.reason
        if role == roles.LabelRole:
            places = places_for(self.session.result)
            return places.label(m.path) if places is not None else ""
        if role == roles.LinesRole:  # what the tile says, line by line (see the delegate)
            name, folder = file_and_folder(m.path, self.session.roots)
            if (places := places_for(self.session.result)) is not None:  # on a server
                folder = printable(places.folder(m.path)) or _("(top folder)")
            return (
                _("Quality {score}").format(score=number(m.quality)),
                resolution(m),
                f"{human_bytes(m.entry.size)} · {format_label(m)}",
                name,
                folder,
            )
        if role == roles.QualityTipRole:
            return quality_tooltip(m, group)
        if role == roles.MatchRole:  # what matched, in a few words ("" for the keeper)
            return match_short(m, group)
        if role == Qt.ItemDataRole.DisplayRole:
            return os.path.basename(m.path)
        if role == Qt.ItemDataRole.AccessibleTextRole:  # the words: ui.announce
            places = places_for(self.session.result)
            return tile_announcement(
                os.path.basename(m.path),
                marked=self.session.is_marked(self._row, i),
                suggested=m.is_keeper,
                changed=self.session.is_changed(self._row, i),
                protected=self.session.is_locked(self._row, i),
                match=match_short(m, group),
                damaged=m.metrics is not None and m.metrics.damaged,
                quality=m.quality,
                resolution=resolution(m),
                size=human_bytes(m.entry.size),
                file_format=format_label(m),
                folder=file_and_folder(m.path, self.session.roots)[1],
                server=printable(places.label(m.path)) if places is not None else "",
            )
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            # why it is kept or not (the tooltip's reason) and how to change it
            if self.session.is_changed(self._row, i):
                why = _("Changed since this review was saved: scan again to include it.")
            elif self.session.is_locked(self._row, i):
                why = _("In a protected folder: always kept.")
            elif m.is_keeper:
                why = keeper_reason(group)
            else:
                keeper = next((k for k in group.members if k.is_keeper), None)
                why = kept_over_text(m, keeper) or (
                    _("Another copy is suggested to keep: {name}.").format(
                        name=os.path.basename(keeper.path)
                    )
                    if keeper is not None
                    else ""
                )
            space = _("Press Space to keep or remove it.")
            return f"{why} {space}".strip()
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [printable(m.path)]  # the full path, on its own line at the top
            if (places := places_for(self.session.result)) is not None:
                lines.append(
                    _("On “{server}”: {path}").format(
                        server=printable(places.label(m.path)),
                        path=printable(places.on_server(m.path)),
                    )
                )
            keeper_at = next((k for k, c in enumerate(group.members) if c.is_keeper), -1)
            if keeper_at >= 0 and self.session.is_changed(self._row, keeper_at):
                # the suggestion is gone: never present it as one; say what stays now
                if m.is_keeper:
                    lines.append(_("Suggested to keep when this review was saved."))
                else:
                    stays = [
                        c.path
                        for k, c in enumerate(group.members)
                        if not self.session.is_marked(self._row, k)
                        and not self.session.is_changed(self._row, k)
                    ]
                    lines.append(keeper_changed_text(m, group, stays))
            elif m.is_keeper:
                lines.append(keeper_reason(group))
            elif why := kept_over_text(m, next((k for k in group.members if k.is_keeper), None)):
                lines.append(why)
            if how := match_tooltip(m, group):
                lines.append(how)
            if m.metrics is not None and m.metrics.damaged:
                damage = damage_words(m.metrics)  # the engine's words, in the user's language
                lines.append(damage[:1].upper() + damage[1:])
            if self.session.is_changed(self._row, i):
                lines.append(_("Changed since this review was saved: scan again to include it."))
            elif self.session.is_locked(self._row, i):
                lines.append(_("In a protected folder: always kept."))
            if not m.entry.frees_space:
                lines.append(_("Hard-linked: removing this name frees no space."))
            if m.metrics is not None and m.metrics.camera:
                lines.append(_("Camera: {camera}").format(camera=m.metrics.camera))
            if m.metrics is not None and m.metrics.capture_time:
                lines.append(_("Taken: {when}").format(when=m.metrics.capture_time))
            lines.append(
                _("Quality {score}: point at the number to see what it is made of.").format(
                    score=number(m.quality)
                )
            )
            lines.append(_("Click the bar at the bottom (or press Space) to keep or remove."))
            return plain_tooltip("\n".join(lines))
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = roles.MarkedRole) -> bool:
        if role != roles.MarkedRole or self._row < 0 or not index.isValid():
            return False
        refused = self.session.set_mark(self._row, self._order[index.row()], bool(value))
        if refused is not None:
            self.markRefused.emit(_(refused.value))
            return False
        return True

    def toggle(self, rows: list[int]) -> bool:
        """Toggle the given copies together: if any is kept, mark them all, else unmark."""
        if self._row < 0 or not rows:
            return False
        rows = [self._order[r] for r in rows]
        remove = not all(self.session.is_marked(self._row, r) for r in rows)
        if remove:
            rows = [r for r in rows if not self.session.is_locked(self._row, r)] or rows
        refused = self.session.set_marks(self._row, rows, remove)
        if refused is not None:
            self.markRefused.emit(_(refused.value))
            return False
        return True
