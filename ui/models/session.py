"""The review session: the engine's groups plus the user's keep/remove marks.

This is the one source of truth the Qt models adapt (house style 11). Groups are the
engine's frozen `DuplicateGroup`s, in arrival order; marks are one `bytearray` per
group (1 = remove). Two rules are enforced here, not in the views:

- a group can never have all its copies marked (at least one copy stays);
- a file in a protected folder is never marked.

For the removal step, `paths_to_remove()` and `decisions()` give the final choice as
plain data, and `result` is the engine's `ScanResult` that
`cleaner.removal.plan_removal(result, marked=paths)` expects.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QObject, Signal

from cleaner.models import DuplicateGroup, GroupMember, ScanResult, SkippedFile


class Decision(str, enum.Enum):
    KEEP = "keep"
    REMOVE = "remove"


class MarkRefused(str, enum.Enum):
    """Why a mark was not set, in words the window shows."""

    PROTECTED = "This copy is in a protected folder, so it is always kept."
    LAST_COPY = "At least one copy of each picture is always kept."


def _norm(path: str) -> str:
    return os.path.normcase(os.path.abspath(path)).rstrip(os.sep)


def in_folders(path: str, folders: Sequence[str]) -> bool:
    p = _norm(path)
    return any(p == f or p.startswith(f + os.sep) for f in folders)


class ReviewSession(QObject):
    """Groups, skipped files and marks of one scan.

    Signals:
        groupsInserted(first, last): rows appended to `groups`.
        marksChanged(row): the marks of group `row` changed (-1: many groups).
        summaryChanged(): marked count or bytes changed.
        reset(): everything was replaced (a new scan).
    """

    groupsInserted = Signal(int, int)
    aboutToInsertGroups = Signal(int, int)
    marksChanged = Signal(int)
    summaryChanged = Signal()
    skippedAdded = Signal(int, int)
    aboutToAddSkipped = Signal(int, int)
    aboutToReset = Signal()
    reset = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.groups: list[DuplicateGroup] = []
        self.skipped: list[SkippedFile] = []
        self.result: ScanResult | None = None
        self._marks: list[bytearray] = []
        self._locked: list[bytearray] = []  # 1 = protected, cannot be marked
        self._protected: tuple[str, ...] = ()
        self._marked_count = 0
        self._marked_bytes = 0

    # -- loading -----------------------------------------------------------------------

    def clear(self, protected_folders: Iterable[str] = ()) -> None:
        self.aboutToReset.emit()
        self.groups = []
        self.skipped = []
        self.result = None
        self._marks = []
        self._locked = []
        self._protected = tuple(_norm(p) for p in protected_folders)
        self._marked_count = 0
        self._marked_bytes = 0
        self.reset.emit()
        self.summaryChanged.emit()

    def add_groups(self, groups: Sequence[DuplicateGroup]) -> None:
        """Append groups, with the engine's suggestions preselected."""
        if not groups:
            return
        first = len(self.groups)
        last = first + len(groups) - 1
        self.aboutToInsertGroups.emit(first, last)
        for group in groups:
            locked = bytearray(
                1
                if (m.protected or (self._protected and in_folders(m.path, self._protected)))
                else 0
                for m in group.members
            )
            self.groups.append(group)
            self._locked.append(locked)
            self._marks.append(bytearray(len(group.members)))
            self._apply_suggestion(len(self.groups) - 1)
        self.groupsInserted.emit(first, last)
        self.summaryChanged.emit()

    def add_skipped(self, files: Sequence[SkippedFile]) -> None:
        if not files:
            return
        first = len(self.skipped)
        self.aboutToAddSkipped.emit(first, first + len(files) - 1)
        self.skipped.extend(files)
        self.skippedAdded.emit(first, first + len(files) - 1)

    def finish(self, result: ScanResult) -> None:
        """The scan ended: keep its result; add any group or skip not seen yet."""
        self.result = result
        seen = {g.id for g in self.groups}
        self.add_groups([g for g in result.groups if g.id not in seen])
        known = {s.path for s in self.skipped}
        self.add_skipped([s for s in result.skipped if s.path not in known])

    # -- queries -----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.groups)

    def is_marked(self, row: int, index: int) -> bool:
        return bool(self._marks[row][index])

    def is_locked(self, row: int, index: int) -> bool:
        return bool(self._locked[row][index])

    def marked_in_group(self, row: int) -> int:
        return sum(self._marks[row])

    def bytes_in_group(self, row: int) -> int:
        marks = self._marks[row]
        return sum(
            m.entry.size
            for m, mark in zip(self.groups[row].members, marks, strict=True)
            if mark and m.entry.frees_space
        )

    @property
    def marked_count(self) -> int:
        return self._marked_count

    @property
    def marked_bytes(self) -> int:
        """Bytes the marked files give back (hard-linked files free nothing)."""
        return self._marked_bytes

    def can_mark(self, row: int, index: int) -> MarkRefused | None:
        """None if the copy may be marked for removal, else why not."""
        if self._locked[row][index]:
            return MarkRefused.PROTECTED
        marks = self._marks[row]
        if not marks[index] and sum(marks) + 1 >= len(marks):
            return MarkRefused.LAST_COPY
        return None

    def paths_to_remove(self) -> list[str]:
        """The user's final choice: every marked path, in group order."""
        return [
            m.path
            for group, marks in zip(self.groups, self._marks, strict=True)
            for m, mark in zip(group.members, marks, strict=True)
            if mark
        ]

    def decisions(self) -> dict[str, Decision]:
        """Every file of every group, keep or remove."""
        return {
            m.path: Decision.REMOVE if mark else Decision.KEEP
            for group, marks in zip(self.groups, self._marks, strict=True)
            for m, mark in zip(group.members, marks, strict=True)
        }

    # -- changing marks ----------------------------------------------------------------

    def _count(self, member: GroupMember, sign: int) -> None:
        self._marked_count += sign
        if member.entry.frees_space:
            self._marked_bytes += sign * member.entry.size

    def set_mark(self, row: int, index: int, remove: bool) -> MarkRefused | None:
        """Mark or unmark one copy. Returns why it was refused, or None when done."""
        marks = self._marks[row]
        if bool(marks[index]) == remove:
            return None
        if remove:
            refused = self.can_mark(row, index)
            if refused is not None:
                return refused
        marks[index] = 1 if remove else 0
        self._count(self.groups[row].members[index], 1 if remove else -1)
        self.marksChanged.emit(row)
        self.summaryChanged.emit()
        return None

    def toggle(self, row: int, index: int) -> MarkRefused | None:
        return self.set_mark(row, index, not self._marks[row][index])

    def set_marks(self, row: int, indices: Sequence[int], remove: bool) -> MarkRefused | None:
        """Mark or unmark several copies of one group; refuses all if any rule would break."""
        marks = self._marks[row]
        if remove:
            for i in indices:
                if self._locked[row][i]:
                    return MarkRefused.PROTECTED
            if sum(1 for i, m in enumerate(marks) if m or i in indices) >= len(marks):
                return MarkRefused.LAST_COPY
        changed = False
        for i in indices:
            if bool(marks[i]) != remove:
                marks[i] = 1 if remove else 0
                self._count(self.groups[row].members[i], 1 if remove else -1)
                changed = True
        if changed:
            self.marksChanged.emit(row)
            self.summaryChanged.emit()
        return None

    def _apply_suggestion(self, row: int) -> None:
        group, marks, locked = self.groups[row], self._marks[row], self._locked[row]
        for i, m in enumerate(group.members):
            if marks[i]:
                self._count(m, -1)
            marks[i] = 1 if (m.suggested_remove and not locked[i]) else 0
        if all(marks):  # never happens with the engine's suggestions; kept as a guard
            keeper = next((i for i, m in enumerate(group.members) if m.is_keeper), 0)
            marks[keeper] = 0
        for i, m in enumerate(group.members):
            if marks[i]:
                self._count(m, 1)

    def apply_suggestions(self) -> None:
        """Every group back to the engine's suggestion."""
        for row in range(len(self.groups)):
            self._apply_suggestion(row)
        self.marksChanged.emit(-1)
        self.summaryChanged.emit()

    def clear_marks(self) -> None:
        for marks in self._marks:
            marks[:] = bytes(len(marks))
        self._marked_count = 0
        self._marked_bytes = 0
        self.marksChanged.emit(-1)
        self.summaryChanged.emit()
