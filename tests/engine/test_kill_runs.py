"""`photosift clean` killed at random points, alone and with a second clean racing it.

Issue 10, "What done means": over 50 runs of a 1,000-file batch, the real command is
killed at a random point, either by SIGKILL from here at a random moment of the batch
(after a random number of files reached the trash, plus a few random milliseconds) or by
``os._exit`` as a random file is about to go to the trash. In half the runs a second
`clean`, with the other copy of every picture as its keeper, is started at another random
point: it is told another PhotoSift is moving files, or it runs after the first died.
After each run:

- every file is in place, byte for byte, or in the trash and recorded in the undo log;
- no picture lost its last copy;
- `photosift undo` of every batch puts every file back, byte for byte, mtime too, and
  leaves the trash empty.

The children run the real command line (tests/helpers/mover_child.py) with HOME, the
trash and the undo log in the run's own temporary folder. ``PHOTOSIFT_KILL_SEED`` picks
another set of random points; a failure names its run's seed.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from cleaner import resultio
from cleaner.cli import main as photosift
from cleaner.models import ScanResult
from cleaner.removal.undolog import LogEntry, Outcome, UndoLog
from tests.helpers.mover_child import DIED
from tests.helpers.movers import Child, pictures_left, release_together, start, swapped_keepers
from tests.helpers.removal_helpers import Env, exact_result, isolate, snapshot

FILES = 1000  # pairs of exact copies: one copy of each to move
RUNS = 50
LOCKED = "photosift: another PhotoSift is moving files; wait for it to finish and try again"
BASE_SEED = int(os.environ.get("PHOTOSIFT_KILL_SEED", "20261127"))


@dataclass(frozen=True)
class Run:
    index: int
    how: str  # "sigkill": SIGKILL from here at a random moment; "exit": os._exit at a file
    racing: bool  # a second clean, keeping the other copies, starts at a random moment

    @property
    def seed(self) -> int:
        return BASE_SEED * 1000 + self.index

    def __str__(self) -> str:
        race = "-racing" if self.racing else ""
        return f"{self.index:02d}-{self.how}{race}"


PLAN = [Run(i, ("sigkill", "exit")[i % 2], racing=i % 4 >= 2) for i in range(RUNS)]


@pytest.mark.slow
@pytest.mark.parametrize("run", PLAN, ids=str)
def test_clean_killed_at_a_random_point_loses_nothing_and_undo_puts_all_back(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(run.seed)
    where = f"run {run} (seed {run.seed})"
    env = isolate(monkeypatch, tmp_path)
    first = exact_result(env.photos, groups=FILES)
    every = [m.path for g in first.groups for m in g.members]
    before = snapshot(every)
    first_json, second_json = tmp_path / "first.json", tmp_path / "second.json"
    resultio.save(first, first_json)
    resultio.save(swapped_keepers(first), second_json)

    go = tmp_path / "go"
    die_at = rng.randint(1, FILES) if run.how == "exit" else None
    killed = start(tmp_path, "clean", "--yes", "--from", str(first_json), go=go, die_at=die_at)
    release_together(go, 1)
    # Random points of the batch, counted in files gone to the trash (whatever the speed
    # of the machine), plus a random few milliseconds to land anywhere within one file.
    second: Child | None = None
    points = []
    if run.how == "sigkill":
        points.append((rng.randint(0, FILES), "kill"))
    if run.racing:
        points.append((rng.randint(0, FILES), "second"))
    for files_gone, action in sorted(points):
        while killed.proc.poll() is None and len(env.trashed_names()) < files_gone:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.004))
        if action == "kill":
            killed.proc.kill()  # SIGKILL: no cleanup of any kind
        else:
            second = start(tmp_path, "clean", "--yes", "--from", str(second_json))
    code, _out, err = killed.finish()
    assert "Traceback" not in err, where
    if run.how == "exit":
        assert code == DIED, f"{where}: the first clean ended with {code}, not at file {die_at}"
    if second is not None:
        code2, out2, err2 = second.finish()
        assert "Traceback" not in err2, where
        if LOCKED in err2:
            assert (code2, err2.splitlines()[-1]) == (1, LOCKED), where
            assert "Moved" not in out2, where

    entries = _log_entries()
    _every_file_in_place_or_trashed_and_logged(env, first, before, entries, where)
    assert min(pictures_left(first)) >= 1, f"{where}: a picture lost its last copy"

    for batch_id in dict.fromkeys(e.batch_id for e in entries):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            undo_code = photosift(["undo", batch_id])
        assert undo_code == 0, f"{where}: undo {batch_id} said:\n{out.getvalue()}"
    assert snapshot(every) == before, f"{where}: undo did not put every file back as it was"
    assert env.trashed_names() == [], where
    shutil.rmtree(tmp_path, ignore_errors=True)  # 2,000 files a run: keep the disk tidy


def _log_entries() -> list[LogEntry]:
    with UndoLog() as log:
        return [e for b in reversed(log.batches()) for e in log.entries(b.id)]


def _every_file_in_place_or_trashed_and_logged(
    env: Env,
    result: ScanResult,
    before: dict[str, tuple[bytes, int]],
    entries: list[LogEntry],
    where: str,
) -> None:
    logged = {e.original_path: e for e in entries if e.outcome in (Outcome.MOVED, Outcome.PENDING)}
    gone = []
    for path, (data, _mtime) in before.items():
        if os.path.isfile(path) and Path(path).read_bytes() == data:
            continue
        assert not os.path.lexists(path), f"{where}: {path} is in place but changed"
        assert path in logged, f"{where}: {path} left its folder without a record"
        gone.append(data)
    for e in entries:
        if e.outcome is Outcome.MOVED:
            assert not os.path.lexists(e.original_path), f"{where}: {e.original_path} moved?"
    trash = env.trash / "files"
    in_trash = sorted((trash / name).read_bytes() for name in env.trashed_names())
    assert in_trash == sorted(gone), f"{where}: the trash holds other files than those gone"
    assert len(result.groups) * 2 == len(before)
