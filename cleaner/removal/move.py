"""Carry out a removal plan: check each file again, log it, then move it.

`remove_files` carries a plan (from `cleaner.removal.plan`) out as a generator of events, so
the window can drive it from its single "mutations" thread and the command line from a loop.
For each file, just before moving it, it checks again that the file is the one that was
scanned (the same file object, reached with no symbolic link on its path, with the scanned
size, mtime and SHA-256), that another copy of the picture is still in place as a different
file object, writes a durable record to the undo log, moves the file to the trash (or
quarantine), and completes the record. A failure on one file is reported for that file and
the batch goes on. Nothing is ever deleted permanently: when the trash cannot take a file, it
is moved to a quarantine folder only if the caller chose that, and otherwise left where it is.

`QuarantineMode` and `RemovalOptions` live here, not with the plan: they say where a file
goes, which only the move reads.
"""

from __future__ import annotations

import enum
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from cleaner.errors import Cancelled
from cleaner.i18n import N_
from cleaner.models import Sidecar
from cleaner.progress import CancelToken, Progress, ProgressMeter, final_event
from cleaner.removal.fileidentity import (
    BadPathForm,
    FileObject,
    read_object,
    root_of,
    same_object,
    stat_object,
)
from cleaner.removal.movelock import one_mover_at_a_time
from cleaner.removal.plan import (
    OTHER_OBJECT,
    KeepReason,
    KeptFile,
    PlannedFile,
    RemovalPlan,
    Survivor,
    change_detail,
    state_problem,
)
from cleaner.removal.restore import FreedesktopTrash
from cleaner.removal.trash import (
    NotARegularFile,
    TrashUnavailable,
    default_quarantine_root,
    describe_error,
    move_to_quarantine,
    move_to_trash,
    quarantine_destination,
)
from cleaner.removal.undolog import Method, UndoLog
from cleaner.sidecars import FolderIndexes, belongs_to, regular_stat
from cleaner.version import __version__

STAGE = N_("Moving copies to the trash")
# What a file the trash refused says to do, after why (stored English; `stored_words`)
CHOOSE_QUARANTINE = N_("choose a quarantine folder to remove it")
# How old (seconds) a folder listing may be when checking a picture's sidecars before its
# move: a huge folder is not listed again before each of thousands of moves.
SIDECAR_LISTING_MAX_AGE = 1.0


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
    sidecars: tuple[FileRemoved, ...] = ()  # its sidecar files, moved right after it
    sidecars_kept: tuple[KeptFile, ...] = ()  # its sidecar files that could not follow it


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
    log.check_ready()  # a damaged or unwritable undo log: refuse before anything moves
    batch_id = log.begin_batch(app_version or __version__, source)
    meter = ProgressMeter(STAGE, total=len(plan.files), bytes_total=plan.bytes_total)
    removed: list[FileRemoved] = []
    kept: list[KeptFile] = []
    guard = _MoveGuard(plan.roots)
    locator = FreedesktopTrash()
    folders = FolderIndexes(max_age=SIDECAR_LISTING_MAX_AGE)
    yield RemovalStarted(batch_id, len(plan.files), plan.bytes_total)
    try:
        for planned in plan.files:
            if cancel is not None:
                cancel.check()
            checked = guard.check(planned)
            if isinstance(checked, KeptFile):
                outcome: FileRemoved | KeptFile = checked
                _record_kept(log, batch_id, planned, checked)
            else:
                outcome = _remove_with_sidecars(
                    planned, checked, guard, log, batch_id, opts, to_trash, locator, folders
                )
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


# -- the checks just before each move ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Checked:
    """The file to move, as read a moment ago: the scan's file object and content."""

    obj: FileObject
    sha256: str

    @property
    def size(self) -> int:
        return self.obj.size

    @property
    def mtime_ns(self) -> int:
        return self.obj.mtime_ns


class _MoveGuard:
    """Just before each move: the file is the file object the scan recorded, reached with
    no symbolic link on its path below its scanned folder, with the scanned size, mtime and
    digest; and another member of its group is in place as a *different* file object (not
    the victim, not any file already moved in this batch) with its own scanned content.

    Cost: a survivor's bytes are digested once, then remembered with its change time
    (ctime), which any write, rename or new link moves and no program can set back. Before
    each later victim of the group the survivor is only looked up again (one stat per
    folder on its path); if anything about it differs it is digested again. A group of
    1,000 exact copies thus reads its keeper once, not 999 times, yet a keeper edited or
    swapped between two moves is still seen. Survivors are remembered by their own record,
    not by group id, so two groups sharing an id (an edited result) are checked apart.
    """

    def __init__(self, roots: tuple[str, ...]) -> None:
        self._roots = roots
        self._verified: dict[Survivor, FileObject] = {}
        self._moved: dict[int, list[FileObject]] = {}  # by inode, for `same_object`

    def moved(self, obj: FileObject) -> None:
        self._moved.setdefault(obj.inode, []).append(obj)

    def _is_moved(self, obj: FileObject) -> bool:
        return any(same_object(obj, m) for m in self._moved.get(obj.inode, ()))

    def check(self, planned: PlannedFile) -> _Checked | KeptFile:
        path = planned.path
        root = root_of(path, self._roots)
        try:
            obj, sha = read_object(path, root)
        except (OSError, NotARegularFile, BadPathForm) as exc:
            return state_problem(path, exc)
        if obj.key != (planned.device, planned.inode):
            return KeptFile(path, KeepReason.CHANGED, OTHER_OBJECT)
        if obj.size != planned.size or obj.mtime_ns != planned.mtime_ns:
            return KeptFile(path, KeepReason.CHANGED, change_detail(planned.size, obj.size))
        if planned.sha256 is not None and sha != planned.sha256:
            return KeptFile(path, KeepReason.CHANGED, N_("contents differ from the scan"))
        if self._is_moved(obj):
            return KeptFile(path, KeepReason.SAME_FILE, N_("that file was moved a moment ago"))
        problem = self._survivor_problem(planned, obj)
        if problem is not None:
            return problem
        try:  # the last look, right before the move: nothing changed while we checked
            again = stat_object(path, root)
        except (OSError, NotARegularFile, BadPathForm) as exc:
            return state_problem(path, exc)
        if again != obj:
            return KeptFile(path, KeepReason.CHANGED, N_("it changed while it was being checked"))
        return _Checked(obj, sha)

    def check_sidecar(self, car: Sidecar) -> _Checked | KeptFile:
        """A sidecar about to follow its picture: the file the scan recorded, reached with no
        symbolic link on its path, with the scanned size and mtime (no survivor needed: it
        is no picture, and it moves only with the picture it belongs to)."""
        path = car.path
        try:
            obj, sha = read_object(path, root_of(path, self._roots))
        except (OSError, NotARegularFile, BadPathForm) as exc:
            return state_problem(path, exc)
        if car.inode and obj.key != (car.device, car.inode):
            return KeptFile(path, KeepReason.SIDECAR_CHANGED, OTHER_OBJECT)
        if obj.size != car.size or obj.mtime_ns != car.mtime_ns:
            return KeptFile(path, KeepReason.SIDECAR_CHANGED, change_detail(car.size, obj.size))
        return _Checked(obj, sha)

    def _survivor_problem(self, planned: PlannedFile, victim: FileObject) -> KeptFile | None:
        same_file = False
        for s in planned.survivors:
            if s.elsewhere:
                # Confirmed by its own server (it cannot be read from here). The same file
                # seen through a share mounted on both servers is no second copy.
                there = FileObject(s.device, s.inode, s.size, s.mtime_ns, 0)
                if same_object(there, victim):
                    same_file = True
                    continue
                return None
            obj = self._still_verified(s)
            if obj is None:
                obj = self._verify(s)
                if obj is None:
                    continue
                self._verified[s] = obj
            if same_object(obj, victim) or self._is_moved(obj):
                same_file = True
                continue
            return None
        if same_file:
            detail = N_("the copy that would stay is this same file, reached by another path")
            return KeptFile(planned.path, KeepReason.SAME_FILE, detail)
        return KeptFile(planned.path, KeepReason.NO_COPY_LEFT)

    def _still_verified(self, s: Survivor) -> FileObject | None:
        """The survivor's object if it was digested before and nothing about it moved."""
        before = self._verified.get(s)
        if before is None:
            return None
        try:
            now = stat_object(s.path, root_of(s.path, self._roots))
        except (OSError, NotARegularFile, BadPathForm):
            now = None
        if now != before:
            del self._verified[s]
            return None
        return now

    def _verify(self, s: Survivor) -> FileObject | None:
        """The survivor's object if it is the scanned file with the scanned content."""
        root = root_of(s.path, self._roots)
        try:
            if s.sha256 is None:
                obj, sha = stat_object(s.path, root), None
            else:
                obj, sha = read_object(s.path, root)
        except (OSError, NotARegularFile, BadPathForm):
            return None
        if obj.key != (s.device, s.inode) or obj.size != s.size or obj.mtime_ns != s.mtime_ns:
            return None
        return obj if sha == s.sha256 else None


def _record_kept(log: UndoLog, batch_id: str, planned: PlannedFile, kept: KeptFile) -> None:
    """Log a planned file that stays where it is, and why (it was not attempted)."""
    log.record_skipped(
        batch_id, planned.path, size=planned.size, mtime_ns=planned.mtime_ns, detail=kept.message
    )


def _remove_one(
    planned: PlannedFile,
    checked: _Checked,
    log: UndoLog,
    batch_id: str,
    opts: RemovalOptions,
    to_trash: TrashFunc,
    locator: FreedesktopTrash,
) -> FileRemoved | KeptFile:
    path = planned.path
    now = checked  # the file as verified just now (size, mtime_ns, sha256)
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
                    # stored English, both parts catalog messages (`stored_words` says it)
                    log.mark_failed(entry_id, f"{exc}; {CHOOSE_QUARANTINE}")
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
    # Absolute: the undo log keeps only absolute destinations (and the current folder
    # may be another one when the files are put back).
    root = os.path.abspath(opts.quarantine_dir or default_quarantine_root(path))
    return quarantine_destination(path, root, batch_id)


def _where_trashed(path: str, since: float, locator: FreedesktopTrash) -> str | None:
    """The trashed file's new path, where the platform lets us know it cheaply."""
    if sys.platform in ("win32", "darwin"):
        return None  # found at restore time by `cleaner.removal.restore.PlatformLocator`
    try:
        found = locator.find_just_moved(path, since)
    except OSError:
        return None
    return None if found is None else found.data_path


# -- sidecar files ----------------------------------------------------------------------------


def _remove_with_sidecars(
    planned: PlannedFile,
    checked: _Checked,
    guard: _MoveGuard,
    log: UndoLog,
    batch_id: str,
    opts: RemovalOptions,
    to_trash: TrashFunc,
    locator: FreedesktopTrash,
    folders: FolderIndexes,
) -> FileRemoved | KeptFile:
    """`_remove_one`, with the picture's sidecar files checked before and moved after it."""
    problem = _sidecar_problem(planned, folders)
    if problem is not None:
        _record_kept(log, batch_id, planned, problem)
        return problem
    outcome = _remove_one(planned, checked, log, batch_id, opts, to_trash, locator)
    guard.moved(checked.obj)  # whatever came of it: never a survivor again
    if isinstance(outcome, FileRemoved):
        folders.moved(planned.path)
        if planned.sidecars:
            outcome = _move_sidecars(
                outcome, planned, guard, log, batch_id, opts, to_trash, locator, folders
            )
    return outcome


def _sidecar_problem(planned: PlannedFile, folders: FolderIndexes) -> KeptFile | None:
    """Before the picture moves: its sidecars must be the ones the scan saw. A sidecar that
    changed, became a symlink or appeared since the scan keeps the picture (and itself) in
    place, so keywords written after the scan never end up beside nothing."""
    path = planned.path

    def changed(detail: str) -> KeptFile:
        return KeptFile(path, KeepReason.SIDECAR_CHANGED, detail)

    for car in planned.sidecars:
        if not belongs_to(car.path, path):
            return changed(f"{car.path} is not one of its sidecar files")
        if not os.path.lexists(car.path):
            continue  # gone since the scan: nothing would be left behind
        st = regular_stat(car.path)
        if (
            st is None
            or (st.st_size, st.st_mtime_ns) != (car.size, car.mtime_ns)
            or (car.inode and (st.st_dev, st.st_ino) != (car.device, car.inode))
        ):
            return changed(os.path.basename(car.path))
    folder, name = os.path.split(path)
    try:
        index = folders.index(folder)
    except OSError as exc:
        return KeptFile(path, KeepReason.UNREADABLE, f"its folder: {describe_error(exc)}")
    known = {c.path for c in planned.sidecars} | set(planned.shared_sidecars)
    for found in index.sidecars(name):
        if found not in known and regular_stat(found) is not None:
            return changed(f"{os.path.basename(found)} appeared since the scan")
    return None


def _move_sidecars(
    removed: FileRemoved,
    planned: PlannedFile,
    guard: _MoveGuard,
    log: UndoLog,
    batch_id: str,
    opts: RemovalOptions,
    to_trash: TrashFunc,
    locator: FreedesktopTrash,
    folders: FolderIndexes,
) -> FileRemoved:
    """Right after its picture moved: each sidecar, checked and logged like any file (its
    own undo record, written before its move), unless a picture that uses it is still there."""
    moved: list[FileRemoved] = []
    kept: list[KeptFile] = []
    for car in planned.sidecars:
        if not os.path.lexists(car.path):
            continue  # gone since the scan: nothing is left behind
        folder, name = os.path.split(car.path)
        try:
            others = [p for p in folders.index(folder).users(name) if p != planned.path]
        except OSError as exc:
            kept.append(KeptFile(car.path, KeepReason.UNREADABLE, describe_error(exc)))
            continue
        if others:
            kept.append(KeptFile(car.path, KeepReason.SIDECAR_IN_USE, os.path.basename(others[0])))
            continue
        checked = guard.check_sidecar(car)
        if isinstance(checked, KeptFile):
            kept.append(checked)
            continue
        as_file = PlannedFile(
            car.path, car.size, car.mtime_ns, None, planned.group_id, (), car.device, car.inode
        )
        outcome = _remove_one(as_file, checked, log, batch_id, opts, to_trash, locator)
        if isinstance(outcome, FileRemoved):
            moved.append(outcome)
            folders.moved(car.path)
        else:
            kept.append(outcome)
    return replace(removed, sidecars=tuple(moved), sidecars_kept=tuple(kept))
