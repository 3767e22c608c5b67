"""Put back PhotoSift's moves without the undo log (lost, or records that could not be read).

Two sources, both narrow:

- Quarantine folders: every batch folder holds its own index, ``photosift-batch.jsonl``,
  written before each move (see `cleaner.removal.trash.move_to_quarantine`). Each entry there is
  PhotoSift's own and carries the file's SHA-256, checked before the file goes back.
- The trash (freedesktop ``.trashinfo`` records, Windows ``$I`` records): a record names the
  original path and the deletion time but not who deleted the file, so only records whose
  original path is inside a folder the user names (and, if asked, deleted since a date) are
  offered, and the command line lists them and asks before it acts. The macOS trash keeps no
  record of where a file came from: nothing is offered from it.

Files go back only to their original path, or beside it (``NAME (restored).EXT``), never
over anything, never through a symbolic link.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from cleaner.i18n import N_, _, time_of
from cleaner.removal.fileidentity import path_form_problem
from cleaner.removal.movelock import one_mover_at_a_time
from cleaner.removal.restore import (
    NO_FREE_NAME,
    FileRestore,
    FreedesktopTrash,
    RestoreState,
    _prune_quarantine_dirs,
    find_recycle_bin_copies,
    move_back,
    recycle_bin_records,
    set_mtime,
    symlink_below,
    symlink_on_the_way,
)
from cleaner.removal.trash import (
    QUARANTINE_INDEX_NAME,
    NotARegularFile,
    default_quarantine_root,
    describe_error,
    file_state,
)
from cleaner.removal.trash_places import TrashDir, freedesktop_trash_dirs, recycle_bin_dirs
from cleaner.safeopen import open_regular


@dataclass(frozen=True, slots=True)
class Found:
    """A file PhotoSift may have moved, and where it is now."""

    original_path: str
    data_path: str
    info_path: str | None = None  # the trash's record, removed once the file is back
    batch: str | None = None  # the quarantine batch, when it came from an index
    deleted_at: float | None = None  # epoch seconds
    size: int | None = None
    mtime_ns: int | None = None
    sha256: str | None = None  # from the quarantine index: checked before the move

    @property
    def where(self) -> str:
        """Where the file is now, in the user's language (shown, never stored)."""
        if self.batch is not None:
            return _("quarantine batch {batch}").format(batch=self.batch)
        if self.deleted_at is None:
            return _("the trash")
        # Translators: where a file is now: "the trash, deleted 27 Nov 2026, 11:38"
        return _("the trash, deleted {when}").format(when=_date(self.deleted_at))


def _date(epoch: float) -> str:
    """Local day and time in the user's locale; a date no clock can hold as it is stored."""
    try:
        when = datetime.fromtimestamp(epoch)
    except (OverflowError, OSError, ValueError):
        return str(epoch)
    return time_of(when.isoformat(timespec="minutes"))


def inside(path: str, folders: Sequence[str]) -> bool:
    """Whether `path` is one of `folders` or below one (compared as normalised paths)."""
    p = os.path.normcase(os.path.normpath(path))
    for folder in folders:
        f = os.path.normcase(os.path.normpath(os.path.abspath(folder)))
        if p == f or p.startswith(f.rstrip(os.sep) + os.sep):
            return True
    return False


# -- quarantine indexes --------------------------------------------------------------------


def quarantine_roots_for(folders: Sequence[str]) -> list[str]:
    """The quarantine folder PhotoSift would have used for files in each folder."""
    roots = [default_quarantine_root(os.path.join(os.path.abspath(f), "x")) for f in folders]
    return list(dict.fromkeys(roots))


def batch_dirs(root: str) -> list[str]:
    """`root` itself when it is a batch folder, else its batch folders (with an index)."""
    if os.path.isfile(os.path.join(root, QUARANTINE_INDEX_NAME)):
        return [root]
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return []
    return [
        os.path.join(root, n)
        for n in names
        if os.path.isfile(os.path.join(root, n, QUARANTINE_INDEX_NAME))
    ]


def read_index(batch_dir: str) -> tuple[list[Found], list[str]]:
    """The files of one quarantine batch still in its folder, and one line per record
    that could not be used."""
    index = os.path.join(batch_dir, QUARANTINE_INDEX_NAME)
    batch = os.path.basename(batch_dir)
    found: list[Found] = []
    problems: list[str] = []
    try:
        with open_regular(index) as fh:  # a FIFO in its place must not hang undo
            lines = fh.read().decode("utf-8", "surrogateescape").splitlines()
    except OSError as exc:
        # shown, never stored: in the user's language now
        unread = _("{index}: cannot be read ({reason})").format(
            index=index, reason=_(describe_error(exc))
        )
        return [], [unread]
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            problems.append(
                _("{index}, line {n}: not a record PhotoSift writes").format(index=index, n=n)
            )
            continue
        if not isinstance(record, dict) or "photosift_quarantine_batch" in record:
            continue
        problem = _index_problem(record)
        if problem is not None:
            # Translators: {problem} says what is wrong with one record of a quarantine index
            problems.append(
                _("{index}, line {n}: {problem}").format(index=index, n=n, problem=problem)
            )
            continue
        data = os.path.join(batch_dir, record["stored"])
        if not os.path.lexists(data):
            continue  # put back already, or never moved (the move failed)
        found.append(
            Found(
                original_path=record["original"],
                data_path=data,
                batch=batch,
                deleted_at=record.get("moved_at")
                if isinstance(record.get("moved_at"), (int, float))
                else None,
                size=record["size"],
                mtime_ns=record["mtime_ns"],
                sha256=record["sha256"],
            )
        )
    return found, problems


def _index_problem(r: dict[str, object]) -> str | None:
    """What is wrong with one record of a quarantine index, in the user's language."""
    original, stored, sha = r.get("original"), r.get("stored"), r.get("sha256")
    if not isinstance(original, str) or "\x00" in original:
        return _("the original path is not valid")
    if path_form_problem(original) is not None:  # the one rule for a plain, absolute path
        return _("the original path is not absolute and normalised")
    if not isinstance(stored, str) or "\x00" in stored or os.path.isabs(stored):
        return _("the stored path is not valid")
    if os.pardir in stored.replace("\\", "/").split("/"):
        return _("the stored path leaves the batch folder")
    if stored != os.path.splitdrive(original)[1].lstrip("\\/"):
        # The quarantine keeps each file at its original path below the batch folder:
        # an index naming another original is not one PhotoSift wrote.
        return _("the stored path does not match the original path")
    if not isinstance(r.get("size"), int) or not isinstance(r.get("mtime_ns"), int):
        return _("size or modification time is not a whole number")
    if not isinstance(sha, str) or len(sha) != 64:
        return _("no SHA-256")
    return None


def find_in_quarantine(
    roots: Iterable[str], folders: Sequence[str] = (), since: float | None = None
) -> tuple[list[Found], list[str]]:
    found: list[Found] = []
    problems: list[str] = []
    # Absolute and plain (no trailing separator, no '.'): a batch folder's name is the
    # last component of its path, and `put_back` finds the batch by that name.
    for root in dict.fromkeys(os.path.abspath(r) for r in roots):
        for batch_dir in batch_dirs(root):
            files, bad = read_index(batch_dir)
            problems.extend(bad)
            found.extend(f for f in files if _wanted(f, folders, since))
    return found, problems


def _wanted(f: Found, folders: Sequence[str], since: float | None) -> bool:
    if folders and not inside(f.original_path, folders):
        return False
    return since is None or (f.deleted_at is not None and f.deleted_at >= since)


# -- the trash -----------------------------------------------------------------------------


def find_in_trash(
    folders: Sequence[str], since: float | None = None, platform: str = sys.platform
) -> list[Found]:
    """Trash records whose original path is inside `folders` (required: a trash record
    cannot say who deleted a file) and, with `since`, deleted at or after it."""
    if not folders:
        return []
    found: list[Found] = []
    if platform == "win32":
        seen: set[str] = set()
        for folder in folders:
            for bin_dir in recycle_bin_dirs(folder):
                if bin_dir in seen:
                    continue
                seen.add(bin_dir)
                found.extend(_recycle_bin_records(bin_dir))
    elif platform != "darwin":
        dirs: dict[str, TrashDir] = {}
        for folder in folders:
            for d in freedesktop_trash_dirs(os.path.join(os.path.abspath(folder), "x")):
                dirs.setdefault(os.path.realpath(d.path), d)
        trash = FreedesktopTrash(list(dirs.values()))
        for d in dirs.values():
            for original, entries in trash._indexed(d).items():
                for name, info in entries:
                    data = os.path.join(d.path, "files", name)
                    info_file = os.path.join(d.path, "info", name + ".trashinfo")
                    found.append(Found(original, data, info_file, deleted_at=info.deleted_at))
    return [
        f
        for f in found
        if inside(f.original_path, folders)
        and (since is None or (f.deleted_at is not None and f.deleted_at >= since))
        and _regular(f.data_path)
    ]


def _recycle_bin_records(bin_dir: str) -> list[Found]:
    return [
        Found(info.original_path, data, info_file, deleted_at=info.deleted_at)
        for info, info_file, data in recycle_bin_records(bin_dir)
    ]


def _regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


# -- putting back --------------------------------------------------------------------------


@one_mover_at_a_time  # one removal or undo at a time per user
def put_back_all(found: Sequence[Found]) -> Iterator[FileRestore]:
    """`put_back` each file in turn, holding the move lock (`AnotherRemovalRunning`)."""
    for f in found:
        yield put_back(f)


def put_back(f: Found) -> FileRestore:
    """Move one found file back to its original path (or beside it), never over anything.

    Nothing here is stored (no undo log): a detail made of a path is said in the user's
    language at once; a fixed one is marked with N_() and said by `FileRestore.words`."""

    def result(state: RestoreState, to: str | None = None, detail: str = "") -> FileRestore:
        return FileRestore(-1, f.original_path, state, to, detail)

    link = symlink_on_the_way(f.original_path)
    if link is not None:
        detail = _("the folder {folder} is now a symbolic link").format(folder=link)
        return result(RestoreState.FAILED, detail=detail)
    if f.batch is not None:  # below the batch folder
        marker = os.sep + f.batch + os.sep
        base = f.data_path[: f.data_path.index(marker) + len(marker) - 1]
    else:  # below the trash folder (files/NAME) or the Recycle Bin folder ($R...)
        parent = os.path.dirname(f.data_path)
        base = os.path.dirname(parent) if os.path.basename(parent) == "files" else parent
    if symlink_below(base, f.data_path) is not None:
        return result(RestoreState.FAILED, detail=N_("reached through a symbolic link"))
    try:
        state = file_state(f.data_path)
    except FileNotFoundError:
        return result(RestoreState.NOT_IN_TRASH, detail=N_("the trash may have been emptied"))
    except NotARegularFile:  # its own words name the copy's path: said in fixed words
        return result(RestoreState.FAILED, detail=N_("the copy found is not a regular file"))
    except OSError as exc:
        return result(RestoreState.FAILED, detail=describe_error(exc))
    if f.sha256 is not None and (state.sha256 != f.sha256 or state.size != f.size):
        return result(RestoreState.CHANGED)
    try:
        target = move_back(f.data_path, f.original_path, state.sha256)
        if target is None:
            return result(RestoreState.FAILED, detail=NO_FREE_NAME)
        if f.mtime_ns is not None:
            set_mtime(target, f.mtime_ns)
    except OSError as exc:
        return result(RestoreState.FAILED, detail=describe_error(exc))
    if f.info_path is not None:
        with contextlib.suppress(OSError):
            os.unlink(f.info_path)
    if f.batch is not None:
        _prune_quarantine_dirs(f.data_path, f.batch)
    done = RestoreState.RESTORED if target == f.original_path else RestoreState.RESTORED_BESIDE
    return result(done, target)


__all__ = [
    "Found",
    "batch_dirs",
    "find_in_quarantine",
    "find_in_trash",
    "find_recycle_bin_copies",
    "inside",
    "put_back",
    "quarantine_roots_for",
    "read_index",
]
