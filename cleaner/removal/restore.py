"""Put removed files back, from the undo log.

For each logged file a *locator* lists the places its bytes may be now (the destination
recorded at removal time first, then what the platform's trash says), and the restore
takes the first candidate whose size and SHA-256 match the log. The file goes back to its
original path, or beside it with a `` (restored)`` suffix when that path is taken; nothing
is ever overwritten. A restored file counts only after it is verified again in place.

The platform matchers are pure functions over a directory layout, so every one of them is
tested on any OS:

- freedesktop.org (Linux, BSD): ``$XDG_DATA_HOME/Trash`` and the per-volume
  ``.Trash/$UID`` and ``.Trash-$UID``; ``info/*.trashinfo`` gives the original path and
  the deletion time.
- Windows: ``<drive>\\$Recycle.Bin\\<SID>\\$I…`` records (versions 1 and 2) beside their
  ``$R…`` data files.
- macOS: ``~/.Trash`` and ``/Volumes/X/.Trashes/$UID``, which keep no record of where a
  file came from: matched by name (``IMG 2.jpg`` for a second ``IMG.jpg``), size and digest.
- Quarantine: the destination written in the log.
"""

from __future__ import annotations

import contextlib
import enum
import ntpath
import os
import posixpath
import stat
import sys
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote_to_bytes

from cleaner.i18n import N_, _, stored_words
from cleaner.progress import CancelToken, Progress, ProgressMeter, final_event
from cleaner.removal.movelock import one_mover_at_a_time
from cleaner.removal.trash import (
    QUARANTINE_INDEX_NAME,
    NotARegularFile,
    describe_error,
    file_state,
    move_no_overwrite,
)
from cleaner.removal.trash_places import (
    TrashDir,
    freedesktop_trash_dirs,
    mac_trash_dirs,
    recycle_bin_dirs,
    volume_root,
    xdg_data_home,
)
from cleaner.removal.undolog import LogEntry, Method, Outcome, UndoLog, is_batch_id
from cleaner.safeopen import open_regular

STAGE = N_("Putting files back")
RESTORED_SUFFIX = "restored"


class RestoreState(str, enum.Enum):
    """The result of restoring one file. Stored in the undo log: values are stable."""

    RESTORED = "restored"  # back at its original path
    RESTORED_BESIDE = "restored_beside"  # original path taken: back beside it, renamed
    IN_PLACE = "in_place"  # it never left, or was already put back by hand
    ALREADY_RESTORED = "already_restored"  # restored by an earlier undo
    NOT_IN_TRASH = "not_in_trash"  # the trash was emptied, or the copy was removed
    CHANGED = "changed"  # a copy was found but its bytes differ from the log
    NOT_MOVED = "not_moved"  # the log says this file was never moved (skipped or failed)
    FAILED = "failed"  # found, but could not be moved back

    @property
    def ok(self) -> bool:
        return self in _OK_STATES


_OK_STATES = frozenset(
    {
        RestoreState.RESTORED,
        RestoreState.RESTORED_BESIDE,
        RestoreState.IN_PLACE,
        RestoreState.ALREADY_RESTORED,
    }
)


@dataclass(frozen=True, slots=True)
class TrashedCopy:
    """A place where a removed file's bytes may be now."""

    data_path: str  # the file itself
    info_path: str | None = None  # its .trashinfo or $I record, removed after a restore
    deleted_at: float | None = None  # epoch seconds, when the trash says


@dataclass(frozen=True, slots=True)
class FileRestore:
    """The outcome for one file; also the per-file event of `restore_batch`."""

    entry_id: int
    original_path: str
    state: RestoreState
    restored_to: str | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.state.ok

    @property
    def message(self) -> str:
        text = _STATE_TEXT[self.state]
        if self.state is RestoreState.RESTORED_BESIDE and self.restored_to:
            text = f"{text} as {self.restored_to}"
        return f"{text}: {self.detail}" if self.detail else text

    @property
    def words(self) -> str:
        """`message` in the user's language, for the command line and the window. The
        detail is stored in the undo log in English: a fixed one (marked with N_() where
        it is made) is translated, one made of a path or the system's error is shown as
        written."""
        if self.state is RestoreState.RESTORED_BESIDE and self.restored_to:
            text = _("restored beside the original (its name was taken) as {path}").format(
                path=self.restored_to
            )
        else:
            text = _(_STATE_TEXT[self.state])
        if not self.detail:
            return text
        # Translators: {state} is what became of the file ("could not be put back"),
        # {detail} why
        return _("{state}: {detail}").format(state=text, detail=stored_words(self.detail))


_STATE_TEXT = {
    RestoreState.RESTORED: N_("restored"),
    RestoreState.RESTORED_BESIDE: N_("restored beside the original (its name was taken)"),
    RestoreState.IN_PLACE: N_("already in place"),
    RestoreState.ALREADY_RESTORED: N_("already restored earlier"),
    # the detail says where it was looked for (the trash or the quarantine folder)
    RestoreState.NOT_IN_TRASH: N_("not found where it was moved to"),
    RestoreState.CHANGED: N_("the copy found differs from the removed file; left where it is"),
    RestoreState.NOT_MOVED: N_("was not removed"),
    RestoreState.FAILED: N_("could not be put back"),
}


def restore_state_words(stored: str) -> str:
    """A restore state as the undo log stores it ("not_in_trash"), in the user's
    language; a value this PhotoSift does not write (a hand-edited log) as written."""
    try:
        return _(_STATE_TEXT[RestoreState(stored)])
    except ValueError:
        return stored.replace("_", " ")


@dataclass(frozen=True, slots=True)
class RestoreFinished:
    batch_id: str
    results: tuple[FileRestore, ...]
    cancelled: bool = False

    @property
    def restored(self) -> tuple[FileRestore, ...]:
        return tuple(r for r in self.results if r.ok)

    @property
    def problems(self) -> tuple[FileRestore, ...]:
        return tuple(r for r in self.results if not r.ok)


RestoreEvent = Progress | FileRestore | RestoreFinished

Locator = Callable[[LogEntry], list[TrashedCopy]]


# -- freedesktop.org trash ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrashInfo:
    original_path: str
    deleted_at: float | None


def parse_trashinfo(text: str, topdir: str) -> TrashInfo | None:
    """Read a ``.trashinfo`` file; relative ``Path=`` values are below `topdir`."""
    lines = [line.strip() for line in text.splitlines()]
    if "[Trash Info]" not in lines:
        return None
    values: dict[str, str] = {}
    in_group = False
    for line in lines:
        if line.startswith("["):
            in_group = line == "[Trash Info]"
        elif in_group and "=" in line:
            key, _eq, value = line.partition("=")
            values.setdefault(key.strip(), value.strip())
    if "Path" not in values:
        return None
    path = os.fsdecode(unquote_to_bytes(values["Path"]))
    if "\x00" in path:  # %00: a name no file can have, so no record of a real one
        return None
    if not os.path.isabs(path):
        path = os.path.join(topdir, path)
    deleted_at: float | None = None
    with contextlib.suppress(KeyError, ValueError, OverflowError, OSError):
        deleted_at = datetime.strptime(values["DeletionDate"], "%Y-%m-%dT%H:%M:%S").timestamp()
    return TrashInfo(os.path.normpath(path), deleted_at)


class FreedesktopTrash:
    """Finds trashed files through ``.trashinfo`` records, indexing each folder once."""

    def __init__(self, trash_dirs: Sequence[TrashDir] | None = None) -> None:
        self._fixed = None if trash_dirs is None else list(trash_dirs)
        self._index: dict[str, dict[str, list[tuple[str, TrashInfo]]]] = {}
        self._next_free: dict[tuple[str, str, str], int] = {}  # see `find_just_moved`

    def dirs_for(self, original_path: str) -> list[TrashDir]:
        return self._fixed if self._fixed is not None else freedesktop_trash_dirs(original_path)

    def candidates(self, original_path: str, near: float | None = None) -> list[TrashedCopy]:
        wanted = os.path.normpath(original_path)
        found: list[TrashedCopy] = []
        for d in self.dirs_for(original_path):
            for name, info in self._indexed(d).get(wanted, []):
                data = os.path.join(d.path, "files", name)
                if os.path.lexists(data):
                    found.append(TrashedCopy(data, _info_file(d.path, name), info.deleted_at))
        return _by_closeness(found, near)

    def find_just_moved(self, original_path: str, since: float) -> TrashedCopy | None:
        """Where a file trashed a moment ago went (without indexing the whole trash).

        send2trash names the entry after the file, adding `` 1``, `` 2``… before the
        extension when the name is taken; the record must name `original_path` and be no
        older than `since` (the trash stores whole seconds).
        """
        wanted = os.path.normpath(original_path)
        stem, ext = os.path.splitext(os.path.basename(original_path))
        for d in self.dirs_for(original_path):
            # A batch that trashes thousands of files of one name (IMG_0001.jpg from many
            # cards) would read every earlier record again for each move: start after the
            # number found last time, where send2trash puts the next one unless a lower
            # name was freed meanwhile, and look from the start only when that fails.
            key = (d.path, stem, ext)
            hint = self._next_free.get(key, 0)
            starts = (hint, 0) if hint else (0,)
            for start in starts:
                found = self._probe(d, stem, ext, start, wanted, since)
                if found is not None:
                    copy, n = found
                    self._next_free[key] = n + 1
                    return copy
        # Named some other way (another backend): index afresh, this instance's may be stale.
        copies = FreedesktopTrash(self._fixed).candidates(original_path, near=since)
        return copies[0] if copies else None

    def _probe(
        self, d: TrashDir, stem: str, ext: str, start: int, wanted: str, since: float
    ) -> tuple[TrashedCopy, int] | None:
        """The record among ``stem ext``, ``stem 1 ext``, … from number `start` up to the
        first free name, that names `wanted` and is no older than `since`."""
        for n in range(start, 10_000):
            name = f"{stem}{ext}" if n == 0 else f"{stem} {n}{ext}"
            info_file = _info_file(d.path, name)
            try:
                with open_regular(info_file) as fh:  # a FIFO here must not hang clean
                    info = parse_trashinfo(_text(fh.read()), d.topdir)
            except FileNotFoundError:
                return None
            except OSError:
                continue
            data = os.path.join(d.path, "files", name)
            if (
                info is not None
                and info.original_path == wanted
                and (info.deleted_at is None or info.deleted_at >= int(since) - 1)
                and os.path.lexists(data)
            ):
                return TrashedCopy(data, info_file, info.deleted_at), n
        return None

    def _indexed(self, d: TrashDir) -> dict[str, list[tuple[str, TrashInfo]]]:
        if d.path not in self._index:
            index: dict[str, list[tuple[str, TrashInfo]]] = {}
            info_dir = os.path.join(d.path, "info")
            try:
                names = os.listdir(info_dir)
            except OSError:
                names = []
            for info_name in names:
                if not info_name.endswith(".trashinfo"):
                    continue
                try:
                    with open_regular(os.path.join(info_dir, info_name)) as fh:
                        info = parse_trashinfo(_text(fh.read()), d.topdir)
                except OSError:
                    continue
                if info is not None:
                    entry = (info_name[: -len(".trashinfo")], info)
                    index.setdefault(info.original_path, []).append(entry)
            self._index[d.path] = index
        return self._index[d.path]


def _text(data: bytes) -> str:
    """A record's bytes as text; bytes that are not UTF-8 kept as in a file name."""
    return data.decode("utf-8", "surrogateescape")


def _info_file(trash_dir: str, name: str) -> str:
    return os.path.join(trash_dir, "info", name + ".trashinfo")


# -- Windows Recycle Bin -----------------------------------------------------------------

_FILETIME_EPOCH_OFFSET = 11_644_473_600  # seconds from 1601-01-01 to 1970-01-01


@dataclass(frozen=True, slots=True)
class RecycleInfo:
    """The contents of a Recycle Bin ``$I`` file."""

    original_path: str
    size: int
    deleted_at: float  # epoch seconds


def filetime_to_epoch(filetime: int) -> float:
    return filetime / 10_000_000 - _FILETIME_EPOCH_OFFSET


def epoch_to_filetime(seconds: float) -> int:
    return round((seconds + _FILETIME_EPOCH_OFFSET) * 10_000_000)


def parse_recycle_info(data: bytes) -> RecycleInfo:
    """Parse a ``$I`` file. Version 1 (Vista–8): a fixed 260-character path at offset 24.
    Version 2 (Windows 10+): a 4-byte character count at offset 24, then the path."""
    if len(data) < 24:
        raise ValueError("recycle bin record is too short")
    version = int.from_bytes(data[0:8], "little")
    size = int.from_bytes(data[8:16], "little")
    deleted_at = filetime_to_epoch(int.from_bytes(data[16:24], "little"))
    if version == 1:
        raw = data[24 : 24 + 520]
    elif version == 2:
        if len(data) < 28:
            raise ValueError("recycle bin record is too short")
        chars = int.from_bytes(data[24:28], "little")
        raw = data[28 : 28 + 2 * chars]
        if len(raw) != 2 * chars:
            raise ValueError("recycle bin record is cut short")
    else:
        raise ValueError(f"unknown recycle bin record version {version}")
    path = raw.decode("utf-16-le", "surrogatepass").split("\x00", 1)[0]
    return RecycleInfo(path, size, deleted_at)


def find_recycle_bin_copies(
    bin_dirs: Sequence[str], original_path: str, near: float | None = None
) -> list[TrashedCopy]:
    """``$R`` files whose ``$I`` record names `original_path` (compared as Windows does:
    case-insensitively, either slash)."""
    wanted = ntpath.normcase(ntpath.normpath(original_path))
    found: list[TrashedCopy] = []
    for d in bin_dirs:
        for info, info_file, data in recycle_bin_records(d):
            if ntpath.normcase(ntpath.normpath(info.original_path)) != wanted:
                continue
            if os.path.lexists(data):
                found.append(TrashedCopy(data, info_file, info.deleted_at))
    return _by_closeness(found, near)


def recycle_bin_records(bin_dir: str) -> Iterator[tuple[RecycleInfo, str, str]]:
    """Each readable ``$I`` record of one Recycle Bin folder: what it says, its own path,
    and the path of its ``$R`` data file (which may be gone). Records that cannot be read
    are passed over, and so is a folder that cannot be listed."""
    try:
        names = os.listdir(bin_dir)
    except OSError:
        return
    for name in names:
        if not name.upper().startswith("$I"):
            continue
        info_file = os.path.join(bin_dir, name)
        try:
            with open_regular(info_file) as fh:
                info = parse_recycle_info(fh.read(4096))
        except (OSError, ValueError):
            continue
        yield info, info_file, os.path.join(bin_dir, "$R" + name[2:])


# -- macOS trash ---------------------------------------------------------------------------


def find_mac_trash_copies(
    trash_dirs: Sequence[str], original_path: str, size: int, near: float | None = None
) -> list[TrashedCopy]:
    """Files in the trash named like `original_path` (``IMG.jpg``, ``IMG 2.jpg``,
    ``IMG 10.41.07.jpg``) with the logged size. The caller verifies the digest."""
    name = posixpath.basename(original_path)
    stem, ext = posixpath.splitext(name)
    found: list[TrashedCopy] = []
    for d in trash_dirs:
        try:
            entries = list(os.scandir(d))
        except OSError:
            continue
        for e in entries:
            same = e.name == name or (
                e.name.startswith(stem + " ") and posixpath.splitext(e.name)[1] == ext
            )
            if not same:
                continue
            try:
                st = e.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode) and st.st_size == size:
                # The trash keeps no deletion date; the move to it changed the ctime.
                found.append(TrashedCopy(e.path, None, st.st_ctime))
    return _by_closeness(found, near)


# -- choosing a locator --------------------------------------------------------------------


def _by_closeness(copies: list[TrashedCopy], near: float | None) -> list[TrashedCopy]:
    if near is None:
        return copies
    return sorted(
        copies,
        key=lambda c: abs(c.deleted_at - near) if c.deleted_at is not None else float("inf"),
    )


def recorded_copy(entry: LogEntry) -> TrashedCopy | None:
    """The destination written in the log, with its trash record, if it is still there
    and is a place PhotoSift puts files (see `tied_copy`); else None."""
    dest = entry.destination
    if dest is None or not os.path.lexists(dest):
        return None
    return tied_copy(entry, dest)


def tied_copy(entry: LogEntry, dest: str) -> TrashedCopy | None:
    """`dest` as a copy of `entry`, only if the place itself ties it to the entry's
    original path: a trash record (``.trashinfo``, ``$I``) naming that path, a macOS trash
    folder holding a file of that name, or the quarantine layout
    ``ROOT/BATCH/<original path below its drive>``; reached without symbolic links below
    the trash or quarantine folder. An edited log cannot point `undo` at any other file.
    """
    parent, name = os.path.split(dest)
    if entry.method is Method.QUARANTINE:
        # The batch folder is named by the batch id: only an id PhotoSift writes, so an
        # edited id cannot pass some other folder (a backup mirror of the disk) off as one.
        tail = os.path.splitdrive(entry.original_path)[1].lstrip("\\/")
        marker = os.sep + entry.batch_id + os.sep
        if not tail or not is_batch_id(entry.batch_id) or not dest.endswith(marker + tail):
            return None
        batch_dir = dest[: -len(tail) - 1]
        return TrashedCopy(dest) if symlink_below(batch_dir, dest) is None else None
    if os.path.basename(parent) == "files":
        trash_dir = os.path.dirname(parent)
        info = _info_file(trash_dir, name)
        named = _trashinfo_names(info, trash_dir, entry.original_path)
        return TrashedCopy(dest, info) if named and symlink_below(trash_dir, dest) is None else None
    if name.upper().startswith("$R"):
        info = os.path.join(parent, "$I" + name[2:])
        try:
            with open_regular(info) as fh:
                recorded = parse_recycle_info(fh.read(4096)).original_path
        except (OSError, ValueError):
            return None
        same = ntpath.normcase(ntpath.normpath(recorded)) == ntpath.normcase(
            ntpath.normpath(entry.original_path)
        )
        return TrashedCopy(dest, info) if same and symlink_below(parent, dest) is None else None
    if sys.platform == "darwin" and parent in mac_trash_dirs(entry.original_path):
        stem, ext = posixpath.splitext(posixpath.basename(entry.original_path))
        if name == stem + ext or (name.startswith(stem + " ") and name.endswith(ext)):
            return TrashedCopy(dest)
    return None


def _trashinfo_names(info_file: str, trash_dir: str, original: str) -> bool:
    try:
        with open_regular(info_file) as fh:
            text = _text(fh.read(65536))
    except OSError:
        return False
    tops = (xdg_data_home(), os.path.dirname(trash_dir), volume_root(trash_dir))
    wanted = os.path.normpath(original)
    for top in tops:
        info = parse_trashinfo(text, top)
        if info is not None and info.original_path == wanted:
            return True
    return False


def symlink_below(base: str, path: str) -> str | None:
    """The first symbolic link among the components of `path` below `base` (and `path`
    itself), or None. `path` must be inside `base`."""
    rel = os.path.relpath(path, base)
    if rel == os.curdir or rel.startswith(os.pardir):
        return path
    current = base
    for part in rel.split(os.sep):
        current = os.path.join(current, part)
        try:
            if stat.S_ISLNK(os.lstat(current).st_mode):
                return current
        except OSError:
            return None
    return None


def symlink_on_the_way(path: str) -> str | None:
    """The first existing folder on the way to `path` that is a symbolic link the user
    could have made, or None. Such a link means the folders were changed since the file
    was moved: putting it back through the link would put it somewhere else. A link in a
    folder the user cannot write to (``/home`` -> ``/data/home``, macOS's ``/var``) is part
    of the system, not a change, and is followed."""
    folder = os.path.dirname(path)
    anchor = os.path.splitdrive(folder)[0] + os.sep
    rel = os.path.relpath(folder, anchor) if folder != anchor else os.curdir
    if rel == os.curdir:
        return None
    current = anchor
    for part in rel.split(os.sep):
        current = os.path.join(current, part)
        try:
            st = os.lstat(current)
        except OSError:
            return None  # missing from here down: the restore creates real folders
        if stat.S_ISLNK(st.st_mode) and os.access(os.path.dirname(current), os.W_OK):
            return current
    return None


@dataclass
class PlatformLocator:
    """The default locator: the logged destination, then the platform's trash."""

    platform: str = sys.platform
    freedesktop: FreedesktopTrash = field(default_factory=FreedesktopTrash)

    def __call__(self, entry: LogEntry) -> list[TrashedCopy]:
        copies: list[TrashedCopy] = []
        recorded = recorded_copy(entry)
        if recorded is not None:
            copies.append(recorded)
        if entry.method is Method.TRASH:
            near = entry.started_at
            if self.platform == "win32":
                found = find_recycle_bin_copies(
                    recycle_bin_dirs(entry.original_path), entry.original_path, near
                )
            elif self.platform == "darwin":
                found = find_mac_trash_copies(
                    mac_trash_dirs(entry.original_path), entry.original_path, entry.size, near
                )
            else:
                found = self.freedesktop.candidates(entry.original_path, near)
            copies.extend(c for c in found if all(c.data_path != k.data_path for k in copies))
        return copies


# -- restoring -----------------------------------------------------------------------------


@one_mover_at_a_time  # one removal or undo at a time per user
def restore_batch(
    log: UndoLog,
    batch_id: str,
    *,
    entry_ids: Collection[int] | None = None,
    paths: Collection[str] | None = None,
    locator: Locator | None = None,
    cancel: CancelToken | None = None,
) -> Iterator[RestoreEvent]:
    """Put back the files of a batch (or only `entry_ids` / `paths` of it).

    Yields `Progress`, one `FileRestore` per file, and a final `RestoreFinished`. One
    file's failure never stops the others. Run it on one thread with its own `UndoLog`.
    """
    locate = locator if locator is not None else PlatformLocator()
    entries, bad = log.entries_checked(batch_id, None if entry_ids is None else list(entry_ids))
    if paths is not None:
        wanted = {os.path.normpath(os.path.abspath(p)) for p in paths}
        entries = [e for e in entries if os.path.normpath(e.original_path) in wanted]
        bad = []
    meter = ProgressMeter(STAGE, total=len(entries), bytes_total=sum(e.size for e in entries))
    results: list[FileRestore] = []
    for record in bad:  # one line each; the other records are still restored
        # shown, not stored (the record is not touched): in the user's language now
        detail = _("the undo log record is not valid ({problem}); left where it is").format(
            problem=_(record.problem)
        )
        rid = record.id if isinstance(record.id, int) else -1
        results.append(FileRestore(rid, record.original_path, RestoreState.FAILED, None, detail))
        yield results[-1]
    cancelled = False
    for entry in entries:
        if cancel is not None and cancel.cancelled:
            cancelled = True
            break
        result = restore_entry(log, entry, locate)
        results.append(result)
        yield result
        event = meter.advance(1, entry.size)
        if event is not None:
            yield event
    yield RestoreFinished(batch_id, tuple(results), cancelled)


def run_restore(
    log: UndoLog,
    batch_id: str,
    *,
    entry_ids: Collection[int] | None = None,
    paths: Collection[str] | None = None,
    locator: Locator | None = None,
) -> RestoreFinished:
    """`restore_batch` run to the end, for callers that do not show progress."""
    events = restore_batch(log, batch_id, entry_ids=entry_ids, paths=paths, locator=locator)
    return final_event(events, RestoreFinished)


def restore_entry(log: UndoLog, entry: LogEntry, locate: Locator) -> FileRestore:
    """Restore one logged file and record the outcome in the log."""

    def done(state: RestoreState, restored_to: str | None = None, detail: str = "") -> FileRestore:
        if state not in (RestoreState.ALREADY_RESTORED, RestoreState.NOT_MOVED):
            log.mark_restore(entry.id, state.value, restored_to, detail)
        return FileRestore(entry.id, entry.original_path, state, restored_to, detail)

    if entry.outcome not in (Outcome.MOVED, Outcome.PENDING):
        return done(RestoreState.NOT_MOVED, detail=entry.detail)
    if entry.restored:
        return done(RestoreState.ALREADY_RESTORED, entry.restored_to)
    if entry.sha256 is None:  # `cleaner.removal.undolog` refuses such a record; never act on one
        return done(RestoreState.FAILED, detail=N_("the undo log has no SHA-256 for this file"))
    link = symlink_on_the_way(entry.original_path)
    if link is not None:
        return done(
            RestoreState.FAILED,
            detail=f"the folder {link} is now a symbolic link; the file was left where it is",
        )
    try:
        candidates = locate(entry)
    except OSError as exc:
        return done(RestoreState.FAILED, detail=f"cannot look in the trash: {describe_error(exc)}")

    if _matches(entry.original_path, entry):
        # The same bytes are already at the original path: the removal was interrupted
        # before this file moved, or someone put it back by hand. Never add a second copy.
        if entry.outcome is Outcome.PENDING:
            log.mark_not_moved(entry.id, N_("the removal was interrupted before this file moved"))
            return FileRestore(entry.id, entry.original_path, RestoreState.IN_PLACE)
        return done(RestoreState.IN_PLACE, entry.original_path)

    mismatched = False
    linked: str | None = None
    for copy in candidates:
        # Its folder and itself reached without a link (the link could lead anywhere).
        link = symlink_below(os.path.dirname(os.path.dirname(copy.data_path)), copy.data_path)
        if link is not None:
            linked = linked or link
            continue
        if not _matches(copy.data_path, entry):
            mismatched = True
            continue
        return _put_back(log, entry, copy, done)
    if linked is not None:
        detail = f"{linked} is a symbolic link; the copy behind it was left where it is"
        return done(RestoreState.FAILED, detail=detail)
    if mismatched:
        return done(RestoreState.CHANGED)
    detail = (
        N_("it is no longer in the quarantine folder")
        if entry.method is Method.QUARANTINE
        else N_("the trash may have been emptied")
    )
    return done(RestoreState.NOT_IN_TRASH, detail=detail)


def _matches(path: str, entry: LogEntry) -> bool:
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size != entry.size:
            return False
        return file_state(path).sha256 == entry.sha256
    except (OSError, NotARegularFile):
        return False


def _put_back(
    log: UndoLog,
    entry: LogEntry,
    copy: TrashedCopy,
    done: Callable[[RestoreState, str | None, str], FileRestore],
) -> FileRestore:
    original = entry.original_path
    try:
        target = move_back(copy.data_path, original, entry.sha256)
        if target is None:
            return done(RestoreState.FAILED, None, NO_FREE_NAME)
        # Verify the file where it landed before it counts as restored.
        if not _matches(target, entry):
            return done(RestoreState.FAILED, target, N_("the restored file does not verify"))
        set_mtime(target, entry.mtime_ns)
    except OSError as exc:
        return done(RestoreState.FAILED, None, describe_error(exc))
    if copy.info_path is not None:
        with contextlib.suppress(OSError):
            os.unlink(copy.info_path)
    if entry.method is Method.QUARANTINE:
        _prune_quarantine_dirs(copy.data_path, entry.batch_id)
    if entry.outcome is Outcome.PENDING:
        log.mark_moved(entry.id, copy.data_path)
    state = RestoreState.RESTORED if target == original else RestoreState.RESTORED_BESIDE
    return done(state, target, "")


# The details below are stored in the undo log (English) and translated where shown
# (`FileRestore.words`).
NO_FREE_NAME = N_("no free name beside the original")


def move_back(source: str, original: str, sha256: str | None) -> str | None:
    """Move `source` to `original`, or beside it (`beside_name`) when that name is taken,
    never over anything, creating the missing folders. Returns where it landed, or None
    when no name was free. Raises OSError when the move fails."""
    os.makedirs(os.path.dirname(original) or ".", exist_ok=True)
    target = original
    for n in range(1, 10_000):
        try:
            move_no_overwrite(source, target, sha256)
            return target
        except FileExistsError:
            target = beside_name(original, n)
    return None


def set_mtime(path: str, mtime_ns: int) -> None:
    """Give a put-back file its recorded modification time again, if it lost it."""
    if os.lstat(path).st_mtime_ns != mtime_ns:
        os.utime(path, ns=(time.time_ns(), mtime_ns), follow_symlinks=False)


def _prune_quarantine_dirs(moved_from: str, batch_id: str) -> None:
    """Remove the quarantine folders left empty, up to and including the batch's folder."""
    parts = os.path.normpath(moved_from).split(os.sep)
    if batch_id not in parts[:-1]:
        return
    current = os.path.dirname(moved_from)
    while True:
        if os.path.basename(current) == batch_id:
            _drop_spent_index(current)
        try:
            os.rmdir(current)  # only ever removes an empty folder
        except OSError:
            return
        if os.path.basename(current) == batch_id:
            return
        current = os.path.dirname(current)


def _drop_spent_index(batch_dir: str) -> None:
    """The batch folder's index, once it is the only thing left there, has nothing to
    put back: remove it so the empty folder can go."""
    try:
        names = os.listdir(batch_dir)
    except OSError:
        return
    if names == [QUARANTINE_INDEX_NAME]:
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(batch_dir, QUARANTINE_INDEX_NAME))


def beside_name(original: str, n: int) -> str:
    """``IMG.jpg`` → ``IMG (restored).jpg``, ``IMG (restored 2).jpg``, …"""
    parent, name = os.path.split(original)
    stem, ext = os.path.splitext(name)
    label = RESTORED_SUFFIX if n == 1 else f"{RESTORED_SUFFIX} {n}"
    return os.path.join(parent, f"{stem} ({label}){ext}")


__all__ = [
    "FileRestore",
    "FreedesktopTrash",
    "Locator",
    "PlatformLocator",
    "RecycleInfo",
    "RestoreEvent",
    "RestoreFinished",
    "RestoreState",
    "TrashInfo",
    "TrashedCopy",
    "beside_name",
    "epoch_to_filetime",
    "filetime_to_epoch",
    "find_mac_trash_copies",
    "find_recycle_bin_copies",
    "parse_recycle_info",
    "parse_trashinfo",
    "recorded_copy",
    "recycle_bin_records",
    "restore_batch",
    "restore_entry",
    "run_restore",
]
