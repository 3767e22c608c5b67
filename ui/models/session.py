"""The review session: the engine's groups plus the user's keep/remove marks.

This is the one source of truth the Qt models adapt; they keep no copy of their own, so
no view can disagree with another or with what a removal acts on. Groups are the
engine's frozen `DuplicateGroup`s, in arrival order; marks are one `bytearray` per
group (1 = remove). Two rules are enforced here, not in the views:

- a group can never have all its copies marked (at least one copy stays), and a copy that
  changed or vanished since the review was saved (`set_changed`) is no copy that stays:
  while the group has a copy still as scanned, one of those stays unmarked;
- a file in a protected folder is never marked;
- a group is shown once, and a file in one group only: `add_groups` refuses a group whose
  id it already holds or with a file another group (or the same group twice) holds, so
  Keep chosen on a file is the file's only mark (issue 10, class 12).

For the removal step, `paths_to_remove()` and `decisions()` give the final choice as
plain data, and `current_result()` is the engine's `ScanResult` with the groups as they
are now, which `cleaner.removal.plan.plan_removal(result, marked=paths)` expects. `result`
stays the scan's own result (the report reads it with the undo log's outcomes).

After a move, `drop_files(paths)` takes the moved files out of their groups and removes
the groups left with one copy; after an undo, `restore_files(paths)` puts them back. Both
announce every change before making it (`membersAboutToBeRemoved`, `groupsAboutToBeRemoved`,
...), so the Qt models can call `beginRemoveRows`/`endRemoveRows` around it.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Signal

from cleaner import N_, DuplicateGroup, GroupMember, ScanResult, SkippedFile


class Decision(str, enum.Enum):
    KEEP = "keep"
    REMOVE = "remove"


class MarkRefused(str, enum.Enum):
    """Why a mark was not set, in words the window shows (in English, marked for the
    catalog: shown through `_(refused.value)`)."""

    PROTECTED = N_("This copy is in a protected folder, so it is always kept.")
    LAST_COPY = N_("At least one copy of each picture is always kept.")
    CHANGED = N_("This file changed since the review was saved: scan again to include it.")
    OTHERS_CHANGED = N_(
        "The other copies of this picture changed or are gone since the review was saved, "
        "so this one is kept: at least one copy of each picture is always kept."
    )


def _norm(path: str) -> str:
    return os.path.normcase(os.path.abspath(path)).rstrip(os.sep)


def in_folders(path: str, folders: Sequence[str]) -> bool:
    p = _norm(path)
    return any(p == f or p.startswith(f + os.sep) for f in folders)


@dataclass(frozen=True, slots=True)
class DropSummary:
    """What `drop_files` changed."""

    files: int  # files taken out of their groups
    groups_removed: int  # groups that had one copy (or none) left and went away
    groups_changed: int  # groups that lost copies and stay


def _without(group: DuplicateGroup, drop: Collection[int]) -> DuplicateGroup:
    """`group` minus the members at `drop`; if the keeper went, the best copy left is."""
    members = [m for i, m in enumerate(group.members) if i not in drop]
    # what matched a copy was measured against one copy of the set: once that one is out
    # of the set, it is not said any more
    left = {m.path for m in members}
    members = [
        replace(m, match=None) if m.match is not None and m.match.against not in left else m
        for m in members
    ]
    if members and not any(m.is_keeper for m in members):
        best = max(range(len(members)), key=lambda i: members[i].quality)
        members[best] = replace(members[best], is_keeper=True, suggested_remove=False)
        # each copy's reason named the keeper that went: none is true of the new one,
        # and no criterion decided it
        members = [replace(m, kept_over=None) for m in members]
        return replace(group, members=tuple(members), deciding_criterion=None)
    return replace(group, members=tuple(members))


def _reasons_hold(group: DuplicateGroup) -> bool:
    """Whether the copies' reasons (`kept_over`) still speak of this group's keeper: a
    group whose keeper was replaced has none left and no deciding criterion (`_without`)."""
    return group.deciding_criterion is not None or any(
        m.kept_over is not None for m in group.members
    )


class ReviewSession(QObject):
    """Groups, skipped files and marks of one scan.

    Signals:
        groupsInserted(first, last): rows appended to `groups`.
        marksChanged(row): the marks of group `row` changed (-1: many groups).
        summaryChanged(): marked count or bytes changed.
        reset(): everything was replaced (a new scan).
        membersAboutToBeRemoved(row, indices) / membersRemoved(row, indices): copies of
            group `row` (indices into its old `members`) are taken out; the group stays.
        groupsAboutToBeRemoved(rows) / groupsRemoved(rows): whole groups go (rows in the
            old numbering, ascending); later rows move up.
        membersAboutToBeInserted(row, count) / membersInserted(row, count): copies put
            back at the end of group `row`'s members.
    """

    groupsInserted = Signal(int, int)
    aboutToInsertGroups = Signal(int, int)
    marksChanged = Signal(int)
    summaryChanged = Signal()
    skippedAdded = Signal(int, int)
    aboutToAddSkipped = Signal(int, int)
    aboutToReset = Signal()
    reset = Signal()
    membersAboutToBeRemoved = Signal(int, list)
    membersRemoved = Signal(int, list)
    groupsAboutToBeRemoved = Signal(list)
    groupsRemoved = Signal(list)
    membersAboutToBeInserted = Signal(int, int)
    membersInserted = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.groups: list[DuplicateGroup] = []
        self.skipped: list[SkippedFile] = []
        self.result: ScanResult | None = None
        self._marks: list[bytearray] = []
        self._locked: list[bytearray] = []  # 1 = protected, cannot be marked
        self._protected: tuple[str, ...] = ()
        self._roots: tuple[str, ...] = ()
        self._marked_count = 0
        self._marked_bytes = 0
        # What drop_files took away, so restore_files can put it back:
        self._dropped_members: dict[str, tuple[int, GroupMember]] = {}  # path -> group id
        self._dropped_groups: dict[int, DuplicateGroup] = {}  # id -> what was left of it
        self._held: dict[str, int] = {}  # path -> id of the group showing it
        self._ids: set[int] = set()  # ids of the groups shown
        # Groups for which this says False are not shown (the ignore list, `ui.marks_menu`).
        self.group_filter: Callable[[DuplicateGroup], bool] | None = None
        self._changed: set[str] = set()  # changed on disk since a saved review: never marked

    # -- loading -----------------------------------------------------------------------

    def clear(self, protected_folders: Iterable[str] = (), roots: Iterable[str] = ()) -> None:
        """Empty the review. `roots`: the folders being scanned (paths are shown from them
        until the result names its own)."""
        self.aboutToReset.emit()
        self.groups = []
        self.skipped = []
        self.result = None
        self._marks = []
        self._locked = []
        self._protected = tuple(_norm(p) for p in protected_folders)
        self._roots = tuple(roots)
        self._marked_count = 0
        self._marked_bytes = 0
        self._dropped_members = {}
        self._dropped_groups = {}
        self._held = {}
        self._ids = set()
        self._changed = set()
        self.reset.emit()
        self.summaryChanged.emit()

    def add_groups(
        self, groups: Sequence[DuplicateGroup], suggest: bool = True
    ) -> list[DuplicateGroup]:
        """Append groups, with the engine's suggestions preselected (`suggest`) or all kept.

        Returns the groups refused: an id already shown, or a file already shown (in
        another group, or twice in this one). Showing one file twice would let a Keep on
        one showing be undone by a mark on the other.
        """
        refused: list[DuplicateGroup] = []
        accepted: list[DuplicateGroup] = []
        for group in groups:
            paths = [m.path for m in group.members]
            if (
                (self.group_filter is not None and not self.group_filter(group))
                or group.id in self._ids
                or len(set(paths)) != len(paths)
                or any(p in self._held for p in paths)
            ):
                refused.append(group)
                continue
            self._ids.add(group.id)
            self._held.update((p, group.id) for p in paths)
            accepted.append(group)
        groups = accepted
        if not groups:
            return refused
        first = len(self.groups)
        last = first + len(groups) - 1
        self.aboutToInsertGroups.emit(first, last)
        for group in groups:
            locked = bytearray(1 if self._locks(m) else 0 for m in group.members)
            self.groups.append(group)
            self._locked.append(locked)
            self._marks.append(bytearray(len(group.members)))
            if suggest:
                self._apply_suggestion(len(self.groups) - 1)
        self.groupsInserted.emit(first, last)
        self.summaryChanged.emit()
        return refused

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

    @property
    def roots(self) -> tuple[str, ...]:
        """The scanned folders: the result's once there is one, else those being scanned."""
        return self.result.settings.roots if self.result is not None else self._roots

    def __len__(self) -> int:
        return len(self.groups)

    def current_result(self) -> ScanResult | None:
        """The scan's result with the groups as they are now (moved files taken out)."""
        if self.result is None:
            return None
        return replace(self.result, groups=tuple(self.groups))

    def saved_result(self) -> ScanResult | None:
        """What a saved review needs to come back as it is now, undo included, with
        `moved_paths`: the scan's result with each set shown (or gone, but for files that
        can be put back) as the scan found it. Showing it and calling
        `drop_files(moved_paths())` gives this review again, and what it remembers for
        `restore_files` (a set's keeper is chosen again the same way)."""
        if self.result is None:
            return None
        scanned = {g.id: g for g in self.result.groups}
        groups = [scanned.get(g.id, g) for g in self.groups]
        groups += [scanned[i] for i in self._dropped_groups if i in scanned]
        return replace(self.result, groups=tuple(groups))

    def moved_paths(self) -> list[str]:
        """The files `drop_files` took out (moved away) and `restore_files` did not put
        back."""
        return list(self._dropped_members)

    def row_of_group(self, group_id: int) -> int:
        return next((r for r, g in enumerate(self.groups) if g.id == group_id), -1)

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

    def is_changed(self, row: int, index: int) -> bool:
        return bool(self._changed) and self.groups[row].members[index].path in self._changed

    def can_mark(self, row: int, index: int) -> MarkRefused | None:
        """None if the copy may be marked for removal, else why not."""
        if self._locked[row][index]:
            changed = self.is_changed(row, index)
            return MarkRefused.CHANGED if changed else MarkRefused.PROTECTED
        marks = self._marks[row]
        if not marks[index]:
            return self._leaves_no_copy(row, [i == index or bool(m) for i, m in enumerate(marks)])
        return None

    def _leaves_no_copy(self, row: int, wanted: Sequence[bool] | bytearray) -> MarkRefused | None:
        """Why marks `wanted` on group `row` would leave no copy that stays, or None: every
        copy marked, or every copy left unmarked changed since the review was saved."""
        if all(wanted):
            return MarkRefused.LAST_COPY
        if self._changed and not self._sound_stays(row, wanted):
            return MarkRefused.OTHERS_CHANGED
        return None

    def _sound_stays(self, row: int, wanted: Sequence[bool] | bytearray) -> bool:
        """Whether a copy still as scanned stays unmarked, or the group has none to keep."""
        members = self.groups[row].members
        sound = [i for i, m in enumerate(members) if m.path not in self._changed]
        return not sound or any(not wanted[i] for i in sound)

    def _hold_a_sound_copy(self, row: int) -> bool:
        """Marks changed so a copy still as scanned stays: if every one is marked, the best
        of them (the keeper, else the best quality) is kept. Counts are updated. Whether a
        marked copy was kept back."""
        if not self._changed or self._sound_stays(row, self._marks[row]):
            return False
        members = self.groups[row].members
        sound = [i for i, m in enumerate(members) if m.path not in self._changed]
        best = max(sound, key=lambda i: (members[i].is_keeper, members[i].quality, -i))
        self._marks[row][best] = 0
        self._count(members[best], -1)
        return True

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
                    return self.can_mark(row, i)
            after = [bool(m) or i in indices for i, m in enumerate(marks)]
            refused = self._leaves_no_copy(row, after)
            if refused is not None:
                return refused
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

    def _apply_suggestion(self, row: int) -> bool:
        """Group `row` as the engine suggested; whether a copy suggested for removal was
        kept back because the others changed since the review was saved."""
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
        return self._hold_a_sound_copy(row)  # the keeper changed since the review was saved

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

    def replace_marks(self, changes: Mapping[int, Sequence[bool]]) -> list[int]:
        """Set the whole mark list of many groups at once (`ui.marking`), one signal for
        all. A group whose new marks would mark a locked copy or every copy, or leave only
        copies that changed since the review was saved, is left as it was; returns those
        rows."""
        refused: list[int] = []
        for row, wanted in changes.items():
            marks, locked = self._marks[row], self._locked[row]
            if len(wanted) != len(marks) or self._leaves_no_copy(row, wanted) is not None:
                refused.append(row)
                continue
            if any(w and lk for w, lk in zip(wanted, locked, strict=True)):
                refused.append(row)
                continue
            for i, (w, m) in enumerate(zip(wanted, self.groups[row].members, strict=True)):
                if bool(marks[i]) != bool(w):
                    marks[i] = 1 if w else 0
                    self._count(m, 1 if w else -1)
        self.marksChanged.emit(-1)
        self.summaryChanged.emit()
        return refused

    def remove_groups(self, rows: Sequence[int]) -> list[DuplicateGroup]:
        """Take whole groups out of the review (the user said they are not copies); their
        files stay where they are. Returns the groups taken out."""
        doomed = sorted(set(rows))
        if not doomed:
            return []
        self.groupsAboutToBeRemoved.emit(doomed)
        gone = [self.groups[r] for r in doomed]
        for row in doomed:
            for i, m in enumerate(self.groups[row].members):
                if self._marks[row][i]:
                    self._count(m, -1)
                self._held.pop(m.path, None)
            self._ids.discard(self.groups[row].id)
        dropped = set(doomed)
        keep = [r for r in range(len(self.groups)) if r not in dropped]
        self.groups = [self.groups[r] for r in keep]
        self._marks = [self._marks[r] for r in keep]
        self._locked = [self._locked[r] for r in keep]
        self.groupsRemoved.emit(doomed)
        self.summaryChanged.emit()
        return gone

    # -- a saved review (ui.autosave) --------------------------------------------------

    def set_marked_paths(self, paths: Collection[str]) -> int:
        """Marks as saved: exactly these paths marked, every other copy kept; the rules
        still hold (a locked copy, or one that would leave no copy or only changed ones,
        stays kept). Returns how many marks were set."""
        wanted = set(paths)
        for row in range(len(self.groups)):
            self._set_row_marks(row, wanted)
        self.marksChanged.emit(-1)
        self.summaryChanged.emit()
        return self._marked_count

    def _set_row_marks(self, row: int, wanted: Collection[str]) -> bool:
        """Group `row`'s marks as saved (`set_marked_paths`); whether a marked copy was
        kept back because the others changed since the review was saved."""
        group, marks, locked = self.groups[row], self._marks[row], self._locked[row]
        for i, m in enumerate(group.members):
            if marks[i]:
                self._count(m, -1)
            marks[i] = 1 if m.path in wanted and not locked[i] else 0
        while marks and all(marks):  # never all copies of a picture
            marks[marks.rindex(1)] = 0
        for i, m in enumerate(group.members):
            if marks[i]:
                self._count(m, 1)
        return self._hold_a_sound_copy(row)

    def add_saved_groups(
        self, groups: Sequence[DuplicateGroup], marked: Collection[str] | None
    ) -> int:
        """Append some sets of an opened review (`ui.saved_review` shows a big one a part
        at a time), with the saved marks (`marked`: these paths marked, every other copy
        kept) or, for a plain result (None), the engine's suggestions. Copies named by
        `set_changed` before come locked. Returns how many marked (or suggested) copies
        were kept back because the other copies of their picture changed."""
        first = len(self.groups)
        self.add_groups(groups, suggest=False)
        held = 0
        for row in range(first, len(self.groups)):
            kept_back = (
                self._apply_suggestion(row) if marked is None else self._set_row_marks(row, marked)
            )
            held += kept_back
        self.marksChanged.emit(-1)
        self.summaryChanged.emit()
        return held

    def set_changed(self, paths: Collection[str]) -> int:
        """Files that changed or vanished since the result was made: kept and locked, so
        they cannot be marked until a new scan looks at them again. Nor do they count as
        the copy that stays: a group whose copies still as scanned are all marked keeps
        the best of them. Returns how many marked copies were kept back so (the banner
        says it)."""
        self._changed = set(paths)
        held = 0
        for row, group in enumerate(self.groups):
            for i, m in enumerate(group.members):
                if m.path in self._changed:
                    self._locked[row][i] = 1
                    if self._marks[row][i]:
                        self._marks[row][i] = 0
                        self._count(m, -1)
            held += self._hold_a_sound_copy(row)
        self.marksChanged.emit(-1)
        self.summaryChanged.emit()
        return held

    # -- files moved away and put back ------------------------------------------------

    def drop_files(self, paths: Iterable[str]) -> DropSummary:
        """Take files that were moved away out of their groups; a group left with one copy
        (or none) goes. Marks of the files that stay are kept."""
        gone = set(paths)
        if not gone:
            return DropSummary(0, 0, 0)
        changed: list[tuple[int, list[int]]] = []
        emptied: list[int] = []
        for row, group in enumerate(self.groups):
            idx = [i for i, m in enumerate(group.members) if m.path in gone]
            if not idx:
                continue
            for i in idx:
                self._dropped_members[group.members[i].path] = (group.id, group.members[i])
                self._held.pop(group.members[i].path, None)
            if len(group.members) - len(idx) < 2:
                emptied.append(row)
            else:
                changed.append((row, idx))
        files = 0
        for row, idx in changed:
            self.membersAboutToBeRemoved.emit(row, idx)
            self._remove_members(row, idx)
            self.membersRemoved.emit(row, idx)
            files += len(idx)
        if emptied:
            self.groupsAboutToBeRemoved.emit(emptied)
            doomed = set(emptied)
            for row in emptied:
                group = self.groups[row]
                drop = {i for i, m in enumerate(group.members) if m.path in gone}
                files += len(drop)
                for i, m in enumerate(group.members):
                    if self._marks[row][i]:
                        self._count(m, -1)
                    self._held.pop(m.path, None)
                self._ids.discard(group.id)
                self._dropped_groups[group.id] = _without(group, drop)
            keep = [r for r in range(len(self.groups)) if r not in doomed]
            self.groups = [self.groups[r] for r in keep]
            self._marks = [self._marks[r] for r in keep]
            self._locked = [self._locked[r] for r in keep]
            self.groupsRemoved.emit(emptied)
        self.summaryChanged.emit()
        return DropSummary(files, len(emptied), len(changed))

    def _remove_members(self, row: int, idx: Sequence[int]) -> None:
        group, marks, locked = self.groups[row], self._marks[row], self._locked[row]
        drop = set(idx)
        for i in drop:
            if marks[i]:
                self._count(group.members[i], -1)
        self.groups[row] = _without(group, drop)
        self._marks[row] = bytearray(v for i, v in enumerate(marks) if i not in drop)
        self._locked[row] = bytearray(v for i, v in enumerate(locked) if i not in drop)

    def restore_files(self, paths: Iterable[str]) -> int:
        """Put back files that `drop_files` took out (they are back on disk, at the same
        path). They come back as the scan suggested them: a copy suggested for removal is
        marked again (unless protected), the others are kept. Returns how many came back."""
        by_group: dict[int, list[GroupMember]] = {}
        for path in paths:
            found = self._dropped_members.pop(path, None)
            if found is not None:
                by_group.setdefault(found[0], []).append(found[1])
        count = 0
        new_groups: list[DuplicateGroup] = []
        for group_id, members in by_group.items():
            row = self.row_of_group(group_id)
            if row >= 0:
                group = self.groups[row]
                holds = _reasons_hold(group)
                back = tuple(
                    replace(m, is_keeper=False, kept_over=m.kept_over if holds else None)
                    for m in members
                    if m.path not in self._held
                )
                if not back:
                    continue
                self._held.update((m.path, group_id) for m in back)
                self.membersAboutToBeInserted.emit(row, len(back))
                self.groups[row] = replace(group, members=group.members + back)
                locked = [1 if self._locks(m) else 0 for m in back]
                marks = [
                    1 if m.suggested_remove and not lock else 0
                    for m, lock in zip(back, locked, strict=True)
                ]
                if all(self._marks[row]) and all(marks):  # a guard: one copy always stays
                    marks[-1] = 0
                self._marks[row].extend(marks)
                self._locked[row].extend(locked)
                for m, mark in zip(back, marks, strict=True):
                    if mark:
                        self._count(m, 1)
                self._hold_a_sound_copy(row)
                self.membersInserted.emit(row, len(back))
                count += len(back)
                continue
            left = self._dropped_groups.get(group_id)
            if left is None:  # not a group this session knows: nothing to show
                continue
            keeper_known = any(m.is_keeper for m in left.members)
            holds = keeper_known and _reasons_hold(left)
            back = tuple(
                replace(m, is_keeper=False, kept_over=m.kept_over if holds else None)
                if keeper_known
                else m
                for m in members
            )
            group = _without(replace(left, members=left.members + back), ())
            if len(group.members) >= 2:
                self._dropped_groups.pop(group_id, None)
                new_groups.append(group)
                count += len(back)
            else:  # still alone: remember it for a later restore
                self._dropped_groups[group_id] = group
                for m in back:
                    self._dropped_members[m.path] = (group_id, m)
        if new_groups:
            self.add_groups(new_groups, suggest=True)
        if count:
            self.marksChanged.emit(-1)
            self.summaryChanged.emit()
        return count

    def _locks(self, member: GroupMember) -> bool:
        """Whether a copy is kept whatever the user marks: in a protected folder, or
        changed on disk since a saved review (one rule for every way a set comes in:
        a scan, an undo, a set shown again from the ignore list)."""
        return self._is_protected(member) or member.path in self._changed

    def _is_protected(self, member: GroupMember) -> bool:
        return member.protected or bool(
            self._protected and in_folders(member.path, self._protected)
        )
