"""`photosift ARGS...` in a child process, with the user's folders in a test folder.

Usage: python -m tests.helpers.mover_child BASE GO DIE_AT ARGS...

- BASE: the folder `removal_helpers.isolate()` fills (HOME, trash, undo log, photos);
  children given the same BASE share one trash, one undo log and one move lock.
- GO: ``-``, or a file to wait for just before the command starts moving files (when
  `clean` calls `remove_files`, `undo` calls `restore_batch`), so that two children
  start moving at the same moment; ``GO.ready.PID`` is written on arrival there.
- DIE_AT: ``N`` to end the process with ``os._exit(9)`` as the N-th file is about to
  go to the trash (a crash at a chosen point), or ``-``.

Run it from the checkout with the checkout on PYTHONPATH (see `movers.start`): the venv may
hold an editable install of another checkout.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import cleaner.removal.trash
from cleaner.cli import clean_cmd, undo_cmd
from cleaner.cli import main as photosift
from tests.helpers.removal_helpers import isolate

DIED = 9


def main(argv: list[str]) -> int:
    base, go, die_at, *args = argv
    isolate(pytest.MonkeyPatch(), Path(base))
    if die_at != "-":
        real, limit = cleaner.removal.trash.send_to_trash, int(die_at)
        calls = 0

        def dying_trash(path: str) -> None:
            nonlocal calls
            calls += 1
            if calls >= limit:
                os._exit(DIED)
            real(path)

        cleaner.removal.trash.send_to_trash = dying_trash
    if go != "-":
        for module, name in ((clean_cmd, "remove_files"), (undo_cmd, "restore_batch")):
            setattr(module, name, _after_go(getattr(module, name), go))
    return photosift(args)


def _after_go(engine: Any, go: str) -> Any:
    def wait_then_run(*args: Any, **kwargs: Any) -> Any:
        Path(f"{go}.ready.{os.getpid()}").touch()
        deadline = time.monotonic() + 60
        while not os.path.exists(go) and time.monotonic() < deadline:
            time.sleep(0.0002)
        return engine(*args, **kwargs)

    return wait_then_run


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
