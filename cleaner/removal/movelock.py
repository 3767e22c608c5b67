"""One removal or undo at a time per user: an operating-system file lock.

Two PhotoSift processes (two `photosift clean`, a window and a `clean`, two windows)
moving files at the same time can each see the other's keeper still in place and move
it: every copy of a picture gone. `moving_files()` holds an exclusive OS lock on
``moves.lock`` in the user's own data folder (`cleaner.paths.lock_dir`) for as long
as files are being moved or put back. It is one lock per user, not per undo log: a
portable window (``--portable DIR``, ``$PHOTOSIFT_DATA_DIR``: its own undo log) and an
installed ``photosift clean`` still take turns. ``$PHOTOSIFT_LOCK_DIR`` moves it (tests,
which run side by side, each in its own folders). It never waits: a second mover is told at
once, before it moves anything, with `AnotherRemovalRunning`. The engine's movers
(`cleaner.removal.move.remove_files`, `cleaner.removal.restore.restore_batch`) take it
themselves with `@one_mover_at_a_time`, so every caller (command line, window, scripts) is
covered, and the survivor checks before each move happen under it.

The lock is the `filelock` library's (``flock`` on Linux and macOS, ``LockFileEx`` on
Windows): the operating system releases it when the process ends, however it ends, so a
crash or a kill never leaves a stale lock behind.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

import filelock

from cleaner.errors import PhotoSiftError
from cleaner.i18n import _
from cleaner.paths import lock_dir as default_lock_dir

LOCK_FILE_NAME = "moves.lock"

P = ParamSpec("P")
T = TypeVar("T")


class AnotherRemovalRunning(PhotoSiftError):
    """Another PhotoSift (process or window) is moving files or putting them back."""

    def __init__(self) -> None:
        # said in the user's language when raised: the message is shown, never stored
        super().__init__(
            _("another PhotoSift is moving files; wait for it to finish and try again")
        )


class MoveLockError(PhotoSiftError):
    """The lock file cannot be created (the data folder is not writable)."""


def lock_path(lock_dir: str | os.PathLike[str] | None = None) -> Path:
    """``moves.lock`` in `lock_dir`, ``$PHOTOSIFT_LOCK_DIR``, or the user's data folder."""
    return Path(lock_dir if lock_dir is not None else default_lock_dir()) / LOCK_FILE_NAME


@contextmanager
def moving_files(lock_dir: str | os.PathLike[str] | None = None) -> Iterator[None]:
    """Hold the per-user move lock for the body; raise `AnotherRemovalRunning` at once
    if another mover holds it."""
    path = lock_path(lock_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(path, timeout=0)
        lock.acquire()
    except filelock.Timeout:
        raise AnotherRemovalRunning() from None
    except OSError as exc:
        raise MoveLockError(
            _(
                "cannot create {path}, which keeps two PhotoSifts from moving files at once "
                "({error}); nothing was changed"
            ).format(path=path, error=exc.strerror or exc)
        ) from exc
    try:
        yield
    finally:
        lock.release()


def one_mover_at_a_time(
    func: Callable[P, Iterator[T]],
) -> Callable[P, Generator[T, None, None]]:
    """Make a generator of move events hold `moving_files()` from its first step until it
    ends, is closed, or is cancelled. Nothing of `func` runs without the lock. Callers
    that stop early should `close()` it (or use `contextlib.closing`) to let go at once."""

    @functools.wraps(func)
    def holding_the_lock(*args: P.args, **kwargs: P.kwargs) -> Generator[T, None, None]:
        with moving_files():
            yield from func(*args, **kwargs)

    return holding_the_lock
