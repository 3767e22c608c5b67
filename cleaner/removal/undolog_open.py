"""Opening the undo log to read it (history, undo): a damaged log is recovered first,
under the move lock.

Apart from `cleaner.removal.undolog` and `cleaner.removal.undolog_recovery` because it is
the one undo log step that has to reckon with other PhotoSift processes: setting the log
aside while another PhotoSift writes to it would split its records between two files, so
recovery happens only while this process holds the move lock (`cleaner.removal.movelock`).
"""

from __future__ import annotations

import os
from pathlib import Path

from cleaner.i18n import _
from cleaner.removal.movelock import AnotherRemovalRunning, MoveLockError, moving_files
from cleaner.removal.undolog import UndoLog, UndoLogDamaged, UndoLogError, default_log_path
from cleaner.removal.undolog_recovery import Recovery, recover_log


def open_log(
    path: str | os.PathLike[str] | None = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    check: bool = True,
) -> tuple[UndoLog, Recovery | None]:
    """Open the undo log for reading it (history, undo). A damaged log is set aside and
    rebuilt from every record that can still be read; the `Recovery` says what happened."""
    log_path = Path(path) if path is not None else default_log_path(data_dir)
    problem: str | None
    try:
        log = UndoLog(log_path)
    except UndoLogDamaged as exc:
        problem = str(exc)
    else:
        problem = log.damage() if check else None
        if problem is None:
            return log, None
        log.close()
    # Setting the log aside while another PhotoSift writes to it would split its records
    # between two files: recover only under the move lock.
    try:
        with moving_files():
            recovery = recover_log(log_path)
    except AnotherRemovalRunning as exc:
        raise UndoLogError(
            _("the undo log is damaged, and {problem}; it will be repaired then").format(
                problem=exc
            )
        ) from exc
    except MoveLockError as exc:
        raise UndoLogError(str(exc)) from exc
    return UndoLog(log_path), recovery
