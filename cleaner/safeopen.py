"""Open a file for reading only if it is a regular file, and never block doing so.

A path that was a picture when the walk saw it can be a FIFO, a device or a socket by
the time it is read. A plain `open()` of a FIFO waits for a writer forever, and a
worker thread stuck there cannot be interrupted: the scan then hung for good, even on
Ctrl+C. `open_regular` opens with O_NONBLOCK (which returns at once for a FIFO and
changes nothing for a regular file), checks the *open descriptor* with fstat, so what
is read is what was checked, and only then makes the descriptor blocking again for
ordinary reads. Every reader of a picture's bytes goes through it: digests, decoding,
EXIF, report previews.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO

from cleaner.i18n import N_

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # POSIX; Windows has no FIFOs in folders
_FLAGS = os.O_RDONLY | _NONBLOCK | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)
# Errors that opening a socket or an unusual device gives instead of a descriptor.
_NOT_A_FILE_ERRNOS = frozenset(
    code for code in (errno.ENXIO, errno.ENODEV, getattr(errno, "EOPNOTSUPP", None)) if code
)


class NotARegularFileError(OSError):
    """The path is a pipe, device, socket or folder, not a file: nothing was read.

    An `OSError`, so every per-file handler that turns a read error into a skip reason
    handles it (`cleaner.detect.walk.reason_for_os_error` gives `SkipReason.NOT_A_FILE`). Its
    one argument is what the path is instead (`kind_of`), kept in `args` so the error
    survives a process pool's pickling."""

    @property
    def kind(self) -> str:
        return str(self.args[0]) if self.args else N_("not a regular file")

    def __str__(self) -> str:
        return f"not a regular file: it is {self.kind}"


def kind_of(mode: int) -> str:
    """What a non-regular file is, in plain words."""
    if stat.S_ISFIFO(mode):
        return N_("a pipe (FIFO)")
    if stat.S_ISSOCK(mode):
        return N_("a socket")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return N_("a device")
    if stat.S_ISDIR(mode):
        return N_("a folder")
    if stat.S_ISLNK(mode):
        return N_("a symbolic link")
    return N_("not a regular file")


def _refuse(mode: int) -> NotARegularFileError:
    return NotARegularFileError(kind_of(mode))


def open_regular(path: str | os.PathLike[str], *, follow_symlinks: bool = True) -> BinaryIO:
    """`path` opened for binary reading, if (and only if) it is a regular file.

    Raises `NotARegularFileError` at once for a FIFO, device, socket or folder (and for
    a symbolic link when `follow_symlinks` is False), and the usual `OSError` otherwise.
    Links are followed by default: the scan reads through them when asked to follow
    links, and reading is harmless; whatever moves files checks links itself
    (`cleaner.removal.trash.file_state`).
    """
    flags = _FLAGS if follow_symlinks else _FLAGS | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno in _NOT_A_FILE_ERRNOS or (exc.errno == errno.ELOOP and not follow_symlinks):
            try:
                st = os.stat(path, follow_symlinks=follow_symlinks)
            except OSError:
                raise exc from None
            if not stat.S_ISREG(st.st_mode):
                raise _refuse(st.st_mode) from exc
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _refuse(mode)
        if _NONBLOCK:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
