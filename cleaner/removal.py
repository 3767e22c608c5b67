"""Remove the copies the user marked, safely: plan, check, log, then move.

`plan_removal` turns a `ScanResult` and the set of marked paths into a `RemovalPlan`,
refusing with a reason every file that must not go: the last copies of a group, files in
protected folders, symbolic links, files that are not in the result, and (looking at the
disk) files that vanished or changed since the scan.

`remove_files` carries a plan out as a generator of events, so the window can drive it
from its single "mutations" thread and the command line from a loop. For each file, just
before moving it, it checks again that the file is the one that was scanned (size, mtime,
and SHA-256 where the scan computed one), that a copy of the picture is still in place,
writes a durable record to the undo log, moves the file to the trash (or quarantine), and
completes the record. A failure on one file is reported for that file and the batch goes
on. Nothing is ever deleted permanently: when the trash cannot take a file, it is moved to
a quarantine folder only if the caller chose that, and otherwise left where it is.
"""

from __future__ import annotations

import enum
import os
import stat
import sys
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

import cleaner
from cleaner.errors import Cancelled
from cleaner.models import DuplicateGroup, GroupMember, ScanResult
from cleaner.movelock import one_mover_at_a_time
from cleaner.progress import CancelToken, Progress, ProgressMeter, final_event
from cleaner.restore import FreedesktopTrash
from cleaner.trash import (
    NotARegularFile,
    TrashUnavailable,
    default_quarantine_root,
    describe_error,
    file_state,
    move_to_quarantine,
    move_to_trash,
    quarantine_destination,
)
from cleaner.undolog import Method, UndoLog

STAGE = "Moving copies to the trash"


class KeepReason(str, enum.Enum):
    """Why a marked file stays where it is. The value is stable (logs, JSON)."""

    ALL_COPIES = "all_copies"
    NO_COPY_LEFT = "no_copy_left"
    PROTECTED = "protected"
    SYMLINK = "symlink"
    NOT_A_FILE = "not_a_file"
    NOT_IN_RESULT = "not_in_result"
    CHANGED = "changed"
    VANISHED = "vanished"
    UNREADABLE = "unreadable"
    TRASH_UNAVAILABLE = "trash_unavailable"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return _KEEP_LABELS[self]


_KEEP_LABELS = {
    KeepReason.ALL_COPIES: "every copy of this picture is marked; one must stay",
    KeepReason.NO_COPY_LEFT: "the copy that would stay is missing or changed",
    KeepReason.PROTECTED: "in a protected folder",
    KeepReason.SYMLINK: "a shortcut (symbolic link); PhotoSift never acts through one",
    KeepReason.NOT_A_FILE: "not a regular file",
    KeepReason.NOT_IN_RESULT: "not part of this scan",
    KeepReason.CHANGED: "changed since the scan",
    KeepReason.VANISHED: "no longer there",
    KeepReason.UNREADABLE: "could not be read",
    KeepReason.TRASH_UNAVAILABLE: "the trash is not available on this drive",
    KeepReason.FAILED: "could not be moved",
}


class QuarantineMode(str, enum.Enum):
    OFF = "off"  # trash only; a file the trash cannot take stays where it is
    FALLBACK = "fallback"  # trash, and the quarantine folder where the trash is unavailable
    ALWAYS = "always"  # quarantine folder only


@dataclass(frozen=True, slots=True)
class RemovalOptions:
    quarantine: QuarantineMode = QuarantineMode.OFF
    # None: ``.photosift-quarantine`` at the root of each file's volume.
    quarantine_dir: str | None = None


@dataclass(frozen=True, slots=True)
class Survivor:
    """A group member that stays, as the scan saw it."""

    path: str
    size: int
    mtime_ns: int
    sha256: str | None


@dataclass(frozen=True, slots=True)
class PlannedFile:
    path: str
    size: int
    mtime_ns: int
    sha256: str | None  # from the scan, when it computed one
    group_id: int
    survivors: tuple[Survivor, ...]  # the group's members that stay


@dataclass(frozen=True, slots=True)
class KeptFile:
    """A marked file that was not removed, and why."""

    path: str
    reason: KeepReason
    detail: str = ""

    @property
    def message(self) -> str:
        return f"{self.reason.label} ({self.detail})" if self.detail else self.reason.label


@dataclass(frozen=True, slots=True)
class RemovalPlan:
    files: tuple[PlannedFile, ...]
    refused: tuple[KeptFile, ...]

    @property
    def bytes_total(self) -> int:
        return sum(f.size for f in self.files)


@dataclass(frozen=True, slots=True)
class RemovalStarted:
    batch_id: str
    total: int
    bytes_total: int


@dataclass(frozen=True, slots=True)
class FileRemoved:
    path: str
    size: int
    method: Method
    destination: str | None  # the trashed file or quarantine path, when known
    entry_id: int


@dataclass(frozen=True, slots=True)
class FileKept:
    kept: KeptFile


@dataclass(frozen=True, slots=True)
class RemovalFinished:
    batch_id: str
    removed: tuple[FileRemoved, ...]
    kept: tuple[KeptFile, ...]
    cancelled: bool = False

    @property
    def bytes_removed(self) -> int:
        return sum(r.size for r in self.removed)


RemovalEvent = Progress | RemovalStarted | FileRemoved | FileKept | RemovalFinished

# Moves one file to the OS trash; raises TrashUnavailable or OSError. Replaceable in tests.
TrashFunc = Callable[[str], None]


# -- planning ------------------------------------------------------------------------------


def suggested_paths(result: ScanResult) -> set[str]:
    """The paths the scan suggests removing."""
    return {m.path for g in result.groups for m in g.members if m.suggested_remove}


def plan_removal(
    result: ScanResult,
    marked: Collection[str] | None = None,
    *,
    protected_folders: Collection[str] = (),
    check_disk: bool = True,
) -> RemovalPlan:
    """Decide which of the `marked` paths (default: the scan's suggestions) may go.

    With `check_disk`, files that vanished, changed size or mtime, or became symbolic
    links since the scan are refused now; `remove_files` checks again before each move.
    """
    wanted = suggested_paths(result) if marked is None else set(marked)
    protected = (*result.settings.protected, *protected_folders)
    files: list[PlannedFile] = []
    refused: list[KeptFile] = []
    seen: set[str] = set()
    for group in result.groups:
        chosen = [m for m in group.members if m.path in wanted and m.path not in seen]
        if not chosen:
            continue
        seen.update(m.path for m in chosen)
        survivors = tuple(
            Survivor(m.path, m.entry.size, m.entry.mtime_ns, m.sha256)
            for m in group.members
            if m.path not in wanted
        )
        if not survivors:
            refused.extend(KeptFile(m.path, KeepReason.ALL_COPIES) for m in chosen)
            continue
        for member in chosen:
            problem = _static_problem(member, protected)
            if problem is None and check_disk:
                problem = _disk_problem(member)
            if problem is not None:
                refused.append(problem)
            else:
                files.append(_planned(member, group, survivors))
    in_result = {m.path for g in result.groups for m in g.members}
    refused.extend(KeptFile(p, KeepReason.NOT_IN_RESULT) for p in sorted(wanted - in_result - seen))
    return RemovalPlan(tuple(files), tuple(refused))


def _planned(
    member: GroupMember, group: DuplicateGroup, survivors: tuple[Survivor, ...]
) -> PlannedFile:
    e = member.entry
    return PlannedFile(e.path, e.size, e.mtime_ns, member.sha256, group.id, survivors)


def _forms(path: str) -> set[str]:
    """The path as given and with symlinks resolved, normalised for comparison."""
    absolute = os.path.abspath(path)
    return {os.path.normcase(os.path.normpath(p)) for p in (absolute, os.path.realpath(absolute))}


def is_protected(path: str, protected_folders: Collection[str]) -> bool:
    """Whether `path` is inside one of the folders, spelled directly or through a symlink."""
    paths = _forms(path)
    for folder in protected_folders:
        for f in _forms(folder):
            prefix = f.rstrip(os.sep) + os.sep
            if any(p == f or p.startswith(prefix) for p in paths):
                return True
    return False


def _static_problem(member: GroupMember, protected: tuple[str, ...]) -> KeptFile | None:
    if member.protected or is_protected(member.path, protected):
        return KeptFile(member.path, KeepReason.PROTECTED)
    return None


def _disk_problem(member: GroupMember) -> KeptFile | None:
    path = member.path
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return KeptFile(path, KeepReason.VANISHED)
    except OSError as exc:
        return KeptFile(path, KeepReason.UNREADABLE, describe_error(exc))
    if stat.S_ISLNK(st.st_mode):
        return KeptFile(path, KeepReason.SYMLINK)
    if not stat.S_ISREG(st.st_mode):
        return KeptFile(path, KeepReason.NOT_A_FILE)
    if st.st_size != member.entry.size or st.st_mtime_ns != member.entry.mtime_ns:
        return KeptFile(path, KeepReason.CHANGED, _change_detail(member.entry.size, st))
    return None


def _change_detail(size: int, st: os.stat_result) -> str:
    if st.st_size != size:
        return f"size {size:,} → {st.st_size:,} bytes"
    return "modified since the scan"


# -- carrying out a plan --------------------------------------------------------------------


@one_mover_at_a_time  # one removal or undo at a time per user, checks included
def remove_files(
    plan: RemovalPlan,
    log: UndoLog,
    *,
    options: RemovalOptions | None = None,
    cancel: CancelToken | None = None,
    app_version: str | None = None,
    source: str = "",
    trash: TrashFunc | None = None,
) -> Iterator[RemovalEvent]:
    """Move the plan's files out of the way, logging each move before it happens.

    Yields `RemovalStarted`, then per file `FileRemoved` or `FileKept` (and throttled
    `Progress`), and finally `RemovalFinished`. Setting `cancel` (or closing the generator)
    stops between files; the batch is then marked cancelled. Only a failure to write the
    undo log stops the batch (`UndoLogError`): no file moves without its record.
    """
    opts = options or RemovalOptions()
    to_trash = trash or move_to_trash
    batch_id = log.begin_batch(app_version or cleaner.__version__, source)
    meter = ProgressMeter(STAGE, total=len(plan.files), bytes_total=plan.bytes_total)
    removed: list[FileRemoved] = []
    kept: list[KeptFile] = []
    survivors_ok: dict[int, KeptFile | None] = {}
    locator = FreedesktopTrash()
    yield RemovalStarted(batch_id, len(plan.files), plan.bytes_total)
    try:
        for planned in plan.files:
            if cancel is not None:
                cancel.check()
            if planned.group_id not in survivors_ok:
                survivors_ok[planned.group_id] = _check_survivors(planned)
            problem = survivors_ok[planned.group_id]
            if problem is not None:
                outcome: FileRemoved | KeptFile = KeptFile(planned.path, problem.reason)
                log.record_skipped(
                    batch_id,
                    planned.path,
                    size=planned.size,
                    mtime_ns=planned.mtime_ns,
                    detail=problem.message,
                )
            else:
                outcome = _remove_one(planned, log, batch_id, opts, to_trash, locator)
            if isinstance(outcome, FileRemoved):
                removed.append(outcome)
                yield outcome
            else:
                kept.append(outcome)
                yield FileKept(outcome)
            event = meter.advance(1, planned.size)
            if event is not None:
                yield event
    except (Cancelled, GeneratorExit) as stop:
        log.finish_batch(batch_id, cancelled=True)
        if isinstance(stop, GeneratorExit):
            raise
        yield RemovalFinished(batch_id, tuple(removed), tuple(kept), cancelled=True)
        return
    log.finish_batch(batch_id)
    yield RemovalFinished(batch_id, tuple(removed), tuple(kept))


def run_removal(
    plan: RemovalPlan,
    log: UndoLog,
    *,
    options: RemovalOptions | None = None,
    source: str = "",
    trash: TrashFunc | None = None,
) -> RemovalFinished:
    """`remove_files` run to the end, for callers that do not show progress."""
    events = remove_files(plan, log, options=options, source=source, trash=trash)
    return final_event(events, RemovalFinished)


def _check_survivors(planned: PlannedFile) -> KeptFile | None:
    """At least one member that stays must still be in place, as the scan saw it."""
    for s in planned.survivors:
        try:
            st = os.lstat(s.path)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_size != s.size or st.st_mtime_ns != s.mtime_ns:
            continue
        if s.sha256 is not None:
            try:
                if file_state(s.path).sha256 != s.sha256:
                    continue
            except (OSError, NotARegularFile):
                continue
        return None
    return KeptFile(planned.path, KeepReason.NO_COPY_LEFT)


def _remove_one(
    planned: PlannedFile,
    log: UndoLog,
    batch_id: str,
    opts: RemovalOptions,
    to_trash: TrashFunc,
    locator: FreedesktopTrash,
) -> FileRemoved | KeptFile:
    path = planned.path

    def skip(reason: KeepReason, detail: str = "") -> KeptFile:
        kept = KeptFile(path, reason, detail)
        log.record_skipped(
            batch_id, path, size=planned.size, mtime_ns=planned.mtime_ns, detail=kept.message
        )
        return kept

    # Is it still the file that was scanned? Read through one descriptor, no symlinks.
    try:
        now = file_state(path)
    except FileNotFoundError:
        return skip(KeepReason.VANISHED)
    except NotARegularFile:
        return skip(KeepReason.SYMLINK if os.path.islink(path) else KeepReason.NOT_A_FILE)
    except OSError as exc:
        return skip(KeepReason.UNREADABLE, describe_error(exc))
    if now.size != planned.size or now.mtime_ns != planned.mtime_ns:
        detail = f"size {planned.size:,} → {now.size:,} bytes" if now.size != planned.size else ""
        return skip(KeepReason.CHANGED, detail or "modified since the scan")
    if planned.sha256 is not None and now.sha256 != planned.sha256:
        return skip(KeepReason.CHANGED, "contents differ from the scan")

    method = Method.QUARANTINE if opts.quarantine is QuarantineMode.ALWAYS else Method.TRASH
    destination = _quarantine_target(path, opts, batch_id) if method is Method.QUARANTINE else None
    started = time.time()
    entry_id = log.record_pending(
        batch_id,
        path,
        size=now.size,
        mtime_ns=now.mtime_ns,
        sha256=now.sha256,
        method=method,
        destination=destination,
    )
    try:
        if method is Method.TRASH:
            try:
                to_trash(path)
                destination = _where_trashed(path, started, locator)
            except TrashUnavailable as exc:
                if opts.quarantine is not QuarantineMode.FALLBACK:
                    log.mark_failed(entry_id, f"{exc}; choose a quarantine folder to remove it")
                    return KeptFile(path, KeepReason.TRASH_UNAVAILABLE, str(exc))
                method = Method.QUARANTINE
                destination = _quarantine_target(path, opts, batch_id)
                log.set_destination(entry_id, method, destination)
                move_to_quarantine(path, destination, now.sha256)
        else:
            assert destination is not None
            move_to_quarantine(path, destination, now.sha256)
    except Exception as exc:  # one file's failure never stops the batch
        detail = describe_error(exc)
        log.mark_failed(entry_id, detail)
        return KeptFile(path, KeepReason.FAILED, detail)
    log.mark_moved(entry_id, destination, method)
    return FileRemoved(path, now.size, method, destination, entry_id)


def _quarantine_target(path: str, opts: RemovalOptions, batch_id: str) -> str:
    root = opts.quarantine_dir or default_quarantine_root(path)
    return quarantine_destination(path, root, batch_id)


def _where_trashed(path: str, since: float, locator: FreedesktopTrash) -> str | None:
    """The trashed file's new path, where the platform lets us know it cheaply."""
    if sys.platform in ("win32", "darwin"):
        return None  # found at restore time by `cleaner.restore.PlatformLocator`
    try:
        found = locator.find_just_moved(path, since)
    except OSError:
        return None
    return None if found is None else found.data_path
