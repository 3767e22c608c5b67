"""Move one file out of the way: to the operating system's trash, or to a quarantine folder.

Nothing here ever deletes a file permanently. `move_to_trash` goes through send2trash and
raises `TrashUnavailable` when the trash cannot take the file (network shares, some
external drives), so the caller can offer a quarantine folder instead; on Windows a
network drive is refused *before* send2trash is called, because the shell's fallback for
a drive without a Recycle Bin is to delete. `move_to_quarantine` renames the file into a
folder on the same volume (or copies, verifies and only then unlinks, when the folder the
user picked is on another volume).

Where the trash is on each platform lives in `cleaner.removal.trash_places`.

Also here: the SHA-256 of a file read through a descriptor that refuses symbolic links, so
the bytes digested and the size/mtime checked belong to the very same file.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import stat
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from cleaner.errors import PhotoSiftError
from cleaner.i18n import N_
from cleaner.removal.trash_places import send2trash_trash_dirs, trash_supported, volume_root
from cleaner.safeopen import open_regular

QUARANTINE_DIR_NAME = ".photosift-quarantine"
_CHUNK = 1 << 20


class TrashUnavailable(PhotoSiftError):
    """The operating system's trash cannot take this file; nothing was changed."""


class NotARegularFile(PhotoSiftError):
    """The path is a symbolic link, a folder or a device: PhotoSift never acts on it."""


@dataclass(frozen=True, slots=True)
class FileState:
    """What a file looks like right now, read through one descriptor."""

    size: int
    mtime_ns: int
    device: int
    inode: int
    sha256: str


def file_state(path: str) -> FileState:
    """Size, mtime and SHA-256 of the regular file at `path`, never through a symlink.

    Raises `NotARegularFile` for a symlink or anything that is not a regular file, and
    `OSError` (FileNotFoundError for a vanished file) when it cannot be read.
    """
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode):
        # stored in English (a failed move's detail in the undo log) and, being made of a
        # path, shown as written (`KeptFile.words`, `FileRestore.words`)
        kind = "a symbolic link" if stat.S_ISLNK(st.st_mode) else "not a regular file"
        raise NotARegularFile(f"{path} is {kind}")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after the lstat must not block
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # replaced by a symlink since the lstat
            raise NotARegularFile(f"{path} is a symbolic link") from exc
        raise
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise NotARegularFile(f"{path} is not a regular file")
        digest = hashlib.sha256()
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return FileState(st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino, digest.hexdigest())


def describe_error(exc: BaseException) -> str:
    """One short line for the user about why a file could not be moved, in English: it is
    stored (a failed move's detail in the undo log), so the fixed phrases are marked with
    N_() and translated where they are shown (`KeptFile.words`, `FileRestore.words`;
    ``_(describe_error(exc))`` where nothing is stored)."""
    if isinstance(exc, PhotoSiftError):
        return str(exc)
    if isinstance(exc, OSError):
        winerror = getattr(exc, "winerror", None)
        if winerror in (32, 33):
            return N_("the file is open in another program")
        if winerror == 206 or exc.errno == errno.ENAMETOOLONG:
            return N_("the path is too long")
        if exc.errno == errno.ENOENT:
            return N_("the file is no longer there")
        if exc.errno in (errno.EACCES, errno.EPERM):
            return N_("permission denied")
        if exc.errno in (errno.EBUSY, errno.ETXTBSY):
            return N_("the file is in use")
        if exc.errno == errno.EROFS:
            return N_("the drive is read-only")
        if exc.errno == errno.ENOSPC:
            return N_("the drive is full")
        return exc.strerror or str(exc) or type(exc).__name__
    return str(exc) or type(exc).__name__


# -- the operating system's trash --------------------------------------------------------


def _send2trash(path: str) -> None:
    from send2trash import send2trash  # imported late: it picks its backend at import

    send2trash(path)


# The backend that really moves a file to the trash. Tests replace it with send2trash's
# freedesktop implementation pointed at a temporary data home; nothing else should.
send_to_trash: Callable[[str], None] = _send2trash


def move_to_trash(path: str) -> None:
    """Move `path` to the operating system's trash.

    Raises `TrashUnavailable` when the trash cannot take it (the file is untouched), and
    `OSError` for other failures. After a normal return the file is no longer at `path`.
    After a failure that left the file in place, whatever the attempt put in the trash (a
    partial copy when a copy to another drive ran out of space, and its ``.trashinfo``
    record) is removed: nothing in the trash may look like a copy of a file that never left.
    """
    if not trash_supported(path):
        raise TrashUnavailable(N_("this drive has no trash (network drive)"))
    slots = _free_trash_slots(path)
    try:
        try:
            send_to_trash(path)
        except BaseException:
            if os.path.lexists(path):
                _remove_left_behind(slots)
            raise
    except PermissionError as exc:
        if type(exc).__name__ == "TrashPermissionError":
            raise TrashUnavailable(N_("no trash folder can be created on this drive")) from exc
        raise
    except OSError as exc:
        if exc.errno is None and "mount point" in str(exc):
            raise TrashUnavailable(N_("the trash for this drive could not be found")) from exc
        raise
    if os.path.lexists(path):
        # Never seen with send2trash, but a "success" that left the file means nothing moved.
        raise OSError(errno.EIO, N_("the trash reported success but the file is still there"))


@dataclass(frozen=True, slots=True)
class _TrashSlot:
    """The name a freedesktop trash would give the file now: its data and record paths."""

    data: str
    info: str


def _free_trash_slots(path: str) -> list[_TrashSlot]:
    """Where send2trash's freedesktop backend would put `path` in each trash it may use:
    the first name free in both ``files`` and ``info``, found as it finds it. What appears
    there during a failed attempt was put there by that attempt."""
    if sys.platform in ("win32", "darwin"):
        return []
    stem, ext = os.path.splitext(os.path.basename(path))
    slots = []
    for trash_dir in send2trash_trash_dirs(path):
        for n in range(10_000):
            name = f"{stem}{ext}" if n == 0 else f"{stem} {n}{ext}"
            data = os.path.join(trash_dir, "files", name)
            info = os.path.join(trash_dir, "info", name + ".trashinfo")
            if not os.path.lexists(data) and not os.path.lexists(info):
                slots.append(_TrashSlot(data, info))
                break
    return slots


def _remove_left_behind(slots: list[_TrashSlot]) -> None:
    """Remove what a failed attempt wrote in the free slots (never a folder or a link)."""
    for slot in slots:
        for leftover in (slot.data, slot.info):
            with contextlib.suppress(OSError):
                if stat.S_ISREG(os.lstat(leftover).st_mode):
                    os.unlink(leftover)


# -- quarantine folders ------------------------------------------------------------------


def default_quarantine_root(path: str) -> str:
    """``.photosift-quarantine`` in the highest folder of `path`'s volume that the user
    can write to: the volume's root on a share or an external drive, the first writable
    folder below it (typically the home folder) on a system drive whose root is not.

    Staying on the same volume keeps a move a rename: no copy, no second disk's space.
    """
    root = volume_root(path)
    folder = os.path.dirname(os.path.abspath(path))
    chain = [folder]
    while folder != root and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
        chain.append(folder)
    for candidate in reversed(chain):  # from the volume's root down to the file's folder
        existing = os.path.join(candidate, QUARANTINE_DIR_NAME)
        if os.path.isdir(existing) and os.access(existing, os.W_OK | os.X_OK):
            return existing
        if os.access(candidate, os.W_OK | os.X_OK):
            return existing
    return os.path.join(root, QUARANTINE_DIR_NAME)


def quarantine_destination(path: str, quarantine_root: str, batch_id: str) -> str:
    """Where `path` goes in a quarantine folder: ``ROOT/BATCH/<path below its drive>``.

    Keeping the folder structure makes names unique within a batch and lets a person find
    and put back a file by hand, without PhotoSift.
    """
    absolute = os.path.abspath(path)
    tail = os.path.splitdrive(absolute)[1].lstrip("\\/")
    return os.path.join(quarantine_root, batch_id, tail)


def move_to_quarantine(path: str, destination: str, sha256: str | None = None) -> None:
    """Move `path` to `destination` (from `quarantine_destination`), never overwriting.

    On the same volume this is a rename. On another volume the file is copied, flushed,
    verified by size (and `sha256` when given), and only then unlinked.
    """
    created = _missing_folders(os.path.dirname(destination))
    os.makedirs(os.path.dirname(destination), exist_ok=True)
    new_index: str | None = None
    try:
        new_index = _index_before_move(path, destination, sha256)
        move_no_overwrite(path, destination, sha256)
    except BaseException:
        if new_index is not None:  # it names only this file, which did not move
            with contextlib.suppress(OSError):
                os.unlink(new_index)
        for folder in created:  # deepest first; only folders this call made, only if empty
            with contextlib.suppress(OSError):
                os.rmdir(folder)
        raise


QUARANTINE_INDEX_NAME = "photosift-batch.jsonl"
QUARANTINE_INDEX_FORMAT = 1


def quarantine_batch_dir(path: str, destination: str) -> tuple[str, str] | None:
    """The batch folder of a `quarantine_destination` and the file's place below it, or
    None when `destination` is not laid out that way."""
    tail = os.path.splitdrive(os.path.abspath(path))[1].lstrip("\\/")
    if not tail or not destination.endswith(os.sep + tail):
        return None
    return destination[: -len(tail) - 1], tail


def _index_before_move(path: str, destination: str, sha256: str | None) -> str | None:
    """Append the move to the batch folder's own index, durably, before it happens.

    One JSON object per line: a header naming the batch, then one line per file (original
    path, place below the batch folder, size, mtime, SHA-256). With it a quarantine batch
    can be put back without the undo log (``photosift undo --from-trash``), and by hand.
    """
    where = quarantine_batch_dir(path, destination)
    if where is None:
        return None
    batch_dir, tail = where
    st = os.lstat(path)
    index = os.path.join(batch_dir, QUARANTINE_INDEX_NAME)
    lines = []
    created = not os.path.lexists(index)
    if created:
        header = {
            "photosift_quarantine_batch": os.path.basename(batch_dir),
            "format": QUARANTINE_INDEX_FORMAT,
            "created_at": time.time(),
        }
        lines.append(json.dumps(header))
    record = {
        "original": os.path.abspath(path),
        "stored": tail,
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "sha256": sha256,
        "moved_at": time.time(),
    }
    lines.append(json.dumps(record))
    fd = os.open(index, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return index if created else None


def _missing_folders(folder: str) -> list[str]:
    missing = []
    while folder and not os.path.lexists(folder):
        missing.append(folder)
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return missing


def move_no_overwrite(src: str, dst: str, sha256: str | None = None) -> None:
    """Move a regular file without ever replacing what is at `dst` (FileExistsError then)."""
    if os.path.lexists(dst):
        raise FileExistsError(errno.EEXIST, N_("destination exists"), dst)
    try:
        # link + unlink is an atomic "rename unless the target exists" on POSIX.
        os.link(src, dst, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno == errno.EXDEV:
            _copy_verified_then_unlink(src, dst, sha256)
            return
        # No hard links here (FAT, some network shares, Windows without privileges).
        if os.path.lexists(dst):
            raise FileExistsError(errno.EEXIST, N_("destination exists"), dst) from exc
        try:
            os.rename(src, dst)  # refuses an existing target on Windows
        except OSError as exc2:
            if exc2.errno == errno.EXDEV:
                _copy_verified_then_unlink(src, dst, sha256)
                return
            raise
        return
    os.unlink(src)


def _copy_verified_then_unlink(src: str, dst: str, sha256: str | None) -> None:
    tmp = f"{dst}.photosift-partial"
    try:
        with open_regular(src, follow_symlinks=False) as fin, open(tmp, "xb") as fout:
            shutil.copyfileobj(fin, fout, _CHUNK)
            fout.flush()
            os.fsync(fout.fileno())
        shutil.copystat(src, tmp)
        src_st = os.stat(src)
        copied = file_state(tmp)
        if copied.size != src_st.st_size or (sha256 is not None and copied.sha256 != sha256):
            raise OSError(errno.EIO, N_("the copy does not match the original"))
        if os.path.lexists(dst):
            raise FileExistsError(errno.EEXIST, N_("destination exists"), dst)
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    try:
        os.unlink(src)
    except BaseException:
        # The original stays: the copy must not look like a moved file.
        with contextlib.suppress(OSError):
            os.unlink(dst)
        raise
