"""Write a text file by streaming into a temporary file that replaces the target at the end.

A crash or a full disk leaves the old file (or none), never half a report.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


@contextlib.contextmanager
def atomic_text_file(
    path: str | os.PathLike[str], encoding: str = "utf-8", newline: str = ""
) -> Iterator[TextIO]:
    """Open a temporary file beside `path` for writing; on success it becomes `path`."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        # mkstemp makes the file private (0600); a report is meant to be shared, so give it
        # the mode of the file it replaces, or the usual rw-r--r--.
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except OSError:
            mode = 0o644
        with contextlib.suppress(OSError):  # e.g. a file system without permissions
            os.chmod(tmp, mode)
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
