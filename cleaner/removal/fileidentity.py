"""Which file object a path names right now, found without trusting any symbolic link.

A path is only a name. Before PhotoSift moves a file, and before it counts another file as
the copy that stays, it wants the *file object*: the device and inode (on Windows the volume
serial number and file index that `os.stat` gives), with the size, mtime and change time
read from that same object. Two paths to one object (a hard link, a bind mount, a share
mounted twice, a folder reached through a symbolic link) are one file, never two copies.

On POSIX the path is walked one folder at a time from its scanned root: each folder is
opened with ``O_NOFOLLOW | O_DIRECTORY`` relative to the one above it (``dir_fd``), and the
file itself with ``O_NOFOLLOW``, so a folder swapped for a symbolic link anywhere below the
root is seen, and the bytes digested belong to the object whose identity was checked.
Elsewhere (Windows) every component below the root is ``lstat``-ed (symbolic links and
junctions are refused) and the opened file's identity is compared with the ``lstat`` of its
name. The root itself is opened as the user named it at scan time: a symbolic link there is
part of how the user chose the folder, and a root that points somewhere else now still
yields files whose device and inode differ from the scan's record.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass

from cleaner.errors import PhotoSiftError
from cleaner.removal.trash import NotARegularFile

_CHUNK = 1 << 20
# Windows reparse points that redirect a path to another place (symbolic links, junctions)
# have the "name surrogate" bit. Others (OneDrive placeholders, dedup) are ordinary files.
_NAME_SURROGATE = 0x20000000
_FILE_ATTRIBUTE_REPARSE_POINT = 0x400
_DIR_FD = os.open in os.supports_dir_fd and hasattr(os, "O_NOFOLLOW") and hasattr(os, "O_DIRECTORY")
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
# O_PATH (Linux) opens a folder to walk through even without permission to list it.
_DIR_FLAGS = (
    getattr(os, "O_PATH", os.O_RDONLY)
    | getattr(os, "O_DIRECTORY", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | _CLOEXEC
)
# O_NONBLOCK: a FIFO put where a picture was must not hang the open.
_FILE_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_BINARY", 0)
    | _CLOEXEC
)


# What opening a symbolic link with O_NOFOLLOW gives: ELOOP (Linux, macOS), EMLINK (FreeBSD),
# EFTYPE (some BSDs), ENOTDIR (a link where a folder was asked for).
_LINK_ERRNOS = frozenset(
    getattr(errno, name)
    for name in ("ELOOP", "EMLINK", "EFTYPE", "ENOTDIR")
    if hasattr(errno, name)
)


class SymlinkInPath(NotARegularFile):
    """The file, or a folder on its path below the scanned root, is a symbolic link."""


class BadPathForm(PhotoSiftError):
    """The path is not absolute and plain: PhotoSift never walks '.', '..' or '//'."""


@dataclass(frozen=True, slots=True)
class FileObject:
    """One file object as it is now: identity plus what changes when it is written."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int  # status change: moves when the bytes, the links or the owner change

    @classmethod
    def of(cls, st: os.stat_result) -> FileObject:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)

    @property
    def key(self) -> tuple[int, int]:
        return (self.device, self.inode)


def same_object(a: FileObject, b: FileObject) -> bool:
    """Whether `a` and `b` may be one file object.

    Equal device and inode: one object. Equal inode, size and mtime on two devices: also
    taken as one, because a network share mounted twice shows the server's inode numbers
    under two device numbers; two real copies almost never share all three, and when they
    do, treating them as one only keeps a file that could have gone. An inode of 0 means
    the file system gives no identity (some Windows network drives): no claim either way.
    """
    if a.inode == 0 or b.inode == 0:
        return False
    if a.inode != b.inode:
        return False
    return a.device == b.device or (a.size == b.size and a.mtime_ns == b.mtime_ns)


# -- the shape of a path ------------------------------------------------------------------


def path_form_problem(path: object) -> str | None:
    """Why `path` is not an absolute, plain path, in words; None when it is one."""
    if not isinstance(path, str) or not path:
        return "not a path"
    if "\0" in path:
        return "the name contains a NUL character"
    if not os.path.isabs(path):
        return "not an absolute path"
    if os.path.normpath(path) != path or (os.sep == "/" and path.startswith("//")):
        return "not written plainly (it has '.', '..' or doubled separators)"
    return None


def _key(path: str) -> str:
    return os.path.normcase(path)


def root_of(path: str, roots: Iterable[str]) -> str | None:
    """The longest of `roots` (absolute, plain) that `path` lies strictly inside."""
    best: str | None = None
    p = _key(path)
    for root in roots:
        if path_form_problem(root) is not None:
            continue
        r = _key(root)
        prefix = r if r.endswith(os.sep) else r + os.sep
        if p.startswith(prefix) and len(p) > len(prefix) and (best is None or len(r) > len(best)):
            best = root
    return best


def _components(path: str, root: str | None) -> tuple[str, list[str]]:
    """The folder to start from and the names below it (the last one is the file)."""
    problem = path_form_problem(path)
    if problem is not None:
        raise BadPathForm(f"{path!r}: {problem}")
    if root is not None and root_of(path, (root,)) == root:
        start = root
        rest = path[len(root) :].lstrip(os.sep)
    else:
        drive, tail = os.path.splitdrive(path)
        start = drive + os.sep
        rest = tail.lstrip("\\/")
    names = [n for n in rest.split(os.sep) if n]
    if not names or any(n in (".", "..") for n in names):
        raise BadPathForm(f"{path!r}: not a file path")
    return start, names


# -- POSIX: one folder at a time, relative to the one above ----------------------------------


def _classify_failure(exc: OSError, name: str, dir_fd: int, path: str) -> Exception:
    """An open that failed on `name`: a symbolic link there, or the error as it is."""
    if exc.errno in _LINK_ERRNOS:
        try:
            st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except OSError:
            return exc
        if stat.S_ISLNK(st.st_mode):
            return SymlinkInPath(f"{path}: '{name}' on its path is a symbolic link")
    return exc


def _open_parent(path: str, root: str | None) -> tuple[int, str]:
    """A descriptor of the folder holding `path`'s file, and the file's name."""
    start, names = _components(path, root)
    fd = os.open(start, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC)
    try:
        for name in names[:-1]:
            try:
                child = os.open(name, _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:
                raise _classify_failure(exc, name, fd, path) from exc
            try:
                if not stat.S_ISDIR(os.fstat(child).st_mode):  # O_PATH opened a link itself
                    raise SymlinkInPath(f"{path}: '{name}' on its path is a symbolic link")
            except BaseException:
                os.close(child)
                raise
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd, names[-1]


# -- elsewhere: lstat every component ----------------------------------------------------------


def _is_redirect(st: os.stat_result) -> bool:
    if stat.S_ISLNK(st.st_mode):
        return True
    attributes = getattr(st, "st_file_attributes", 0)
    tag = getattr(st, "st_reparse_tag", 0)
    return bool(attributes & _FILE_ATTRIBUTE_REPARSE_POINT) and bool(tag & _NAME_SURROGATE)


def _lstat_components(
    path: str, root: str | None, known_folders: set[str] | None = None
) -> os.stat_result:
    """`lstat` of `path`'s file after checking each folder below the start; folders in
    `known_folders` were checked a moment ago and are skipped, and checked ones are added."""
    start, names = _components(path, root)
    current = start
    if known_folders is None or start not in known_folders:
        os.stat(start)
    for name in names[:-1]:
        current = os.path.join(current, name)
        if known_folders is not None and current in known_folders:
            continue
        st = os.lstat(current)
        if _is_redirect(st):
            raise SymlinkInPath(f"{path}: '{name}' on its path is a symbolic link")
        if not stat.S_ISDIR(st.st_mode):
            raise NotADirectoryError(errno.ENOTDIR, "not a folder", current)
        if known_folders is not None:
            known_folders.add(current)
    if known_folders is not None:
        known_folders.add(start)
    return os.lstat(os.path.join(current, names[-1]))


# -- the public checks --------------------------------------------------------------------------


def stat_object(
    path: str, root: str | None = None, *, known_folders: set[str] | None = None
) -> FileObject:
    """The file object at `path` now, without following any link below `root`.

    Raises `SymlinkInPath`, `NotARegularFile`, `BadPathForm` or `OSError`
    (`FileNotFoundError` when it, or a folder on its path, is gone).

    `known_folders` (a set kept by the caller) lets a pass over many files check each
    folder once, by `lstat` (one call per file instead of one per folder on its path, which
    matters on a network share). That is for a first look, such as building a plan; the
    check just before a move must not pass it.
    """
    if known_folders is not None:
        st = _lstat_components(path, root, known_folders)
    elif _DIR_FD:
        parent, name = _open_parent(path, root)
        try:
            st = os.stat(name, dir_fd=parent, follow_symlinks=False)
        finally:
            os.close(parent)
    else:
        st = _lstat_components(path, root)
    if stat.S_ISLNK(st.st_mode) or _is_redirect(st):
        raise SymlinkInPath(f"{path} is a symbolic link")
    if not stat.S_ISREG(st.st_mode):
        raise NotARegularFile(f"{path} is not a regular file")
    return FileObject.of(st)


def read_object(path: str, root: str | None = None) -> tuple[FileObject, str]:
    """The file object at `path` and the SHA-256 of its bytes, read through one descriptor
    reached without following any link below `root`. Raises as `stat_object`."""
    if _DIR_FD:
        parent, name = _open_parent(path, root)
        try:
            try:
                fd = os.open(name, _FILE_FLAGS, dir_fd=parent)
            except OSError as exc:
                raise _classify_failure(exc, name, parent, path) from exc
        finally:
            os.close(parent)
    else:
        before = _lstat_components(path, root)
        if _is_redirect(before):
            raise SymlinkInPath(f"{path} is a symbolic link")
        if not stat.S_ISREG(before.st_mode):
            raise NotARegularFile(f"{path} is not a regular file")
        fd = os.open(path, _FILE_FLAGS)
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise NotARegularFile(f"{path} is not a regular file")
        if not _DIR_FD and (st.st_dev, st.st_ino) != (before.st_dev, before.st_ino):
            raise SymlinkInPath(f"{path} was replaced while it was opened")
        digest = hashlib.sha256()
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
        st = os.fstat(fh.fileno())  # after the read: a write during it shows here
    return FileObject.of(st), digest.hexdigest()
