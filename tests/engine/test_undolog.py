"""The undo log: where it lives, what it stores, and what it says after a crash."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import cleaner.removal.trash
from cleaner.removal.move import remove_files, run_removal
from cleaner.removal.plan import plan_removal
from cleaner.removal.restore import RestoreState, run_restore
from cleaner.removal.undolog import (
    LOG_FILE_NAME,
    BatchState,
    Method,
    Outcome,
    UndoLog,
    UndoLogError,
    default_log_path,
)
from tests.helpers.movers import child_env
from tests.helpers.removal_helpers import Env, exact_result, isolate, photo_bytes, snapshot


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    return isolate(monkeypatch, tmp_path)


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so no per-file handler catches it."""


def test_location_follows_the_env_var_and_the_parameter(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PHOTOSIFT_DATA_DIR", str(tmp_path / "env"))
    assert default_log_path() == tmp_path / "env" / LOG_FILE_NAME
    assert default_log_path(tmp_path / "param") == tmp_path / "param" / LOG_FILE_NAME
    with UndoLog(data_dir=tmp_path / "param") as log:
        assert log.path == tmp_path / "param" / LOG_FILE_NAME
    assert (tmp_path / "param" / LOG_FILE_NAME).is_file()
    monkeypatch.delenv("PHOTOSIFT_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_log_path() == tmp_path / "xdg" / "photosift" / LOG_FILE_NAME


def test_log_is_sqlite_in_wal_mode(env: Env) -> None:
    with UndoLog() as log:
        mode = log._conn.execute("PRAGMA journal_mode").fetchone()[0]
        sync = log._conn.execute("PRAGMA synchronous").fetchone()[0]
    assert mode == "wal"
    assert sync == 2  # FULL


def test_every_field_survives_reopening(env: Env) -> None:
    odd = "/photos/caf\udce9.jpg"  # a non-UTF-8 file name, as os.fsdecode spells it
    with UndoLog() as log:
        batch = log.begin_batch("1.2.3", source="scan.json")
        eid = log.record_pending(
            batch, odd, size=10, mtime_ns=123456789012345678, sha256="ab" * 32, method=Method.TRASH
        )
        log.mark_moved(eid, "/trash/files/caf\udce9.jpg")
        log.record_skipped(batch, "/photos/b.jpg", size=5, mtime_ns=1, detail="changed")
        log.finish_batch(batch)
    with UndoLog() as log:
        (b,) = log.batches()
        assert (b.id, b.app_version, b.source, b.state) == (
            batch,
            "1.2.3",
            "scan.json",
            BatchState.FINISHED,
        )
        assert (b.moved, b.skipped, b.pending, b.bytes_moved, b.undoable) == (1, 1, 0, 10, 1)
        moved, skipped = log.entries(batch)
        assert moved.original_path == odd
        assert moved.destination == "/trash/files/caf\udce9.jpg"
        assert (moved.size, moved.mtime_ns, moved.sha256) == (10, 123456789012345678, "ab" * 32)
        assert moved.outcome is Outcome.MOVED
        assert skipped.outcome is Outcome.SKIPPED
        assert skipped.detail == "changed"


def test_batches_are_found_by_prefix(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = iter(["20250101-100000-aaaa", "20250101-100000-aabb", "20250102-090000-cccc"])
    monkeypatch.setattr("cleaner.removal.undolog.new_batch_id", lambda: next(ids))
    with UndoLog() as log:
        for _ in range(3):
            log.begin_batch("1")
        assert log.batch("20250101-100000-aabb").id == "20250101-100000-aabb"
        assert log.batch("20250102").id == "20250102-090000-cccc"
        assert log.batches()[0].id == "20250102-090000-cccc"  # newest first
        with pytest.raises(UndoLogError, match="matches 2 batches"):
            log.batch("20250101-100000-aa")
        with pytest.raises(UndoLogError, match="no removal batch"):
            log.batch("nope")


def test_the_record_is_durable_before_the_move_starts(env: Env) -> None:
    res = exact_result(env.photos, groups=3)
    plan = plan_removal(res)
    seen: list[tuple[str, Outcome]] = []

    def spy(path: str) -> None:
        # A second connection sees only committed data: the record must already be there.
        with UndoLog() as other:
            (batch,) = other.batches()
            entry = other.entries(batch.id)[-1]
        seen.append((entry.original_path, entry.outcome))
        assert os.path.exists(path)  # and the file has not moved yet
        cleaner.removal.trash.send_to_trash(path)

    with UndoLog() as log:
        run_removal(plan, log, trash=spy)
    assert seen == [(f.path, Outcome.PENDING) for f in plan.files]


@pytest.mark.parametrize("k", [0, 1, 4, 7])
def test_a_crash_after_k_of_n_moves_leaves_exactly_k_in_the_log_and_undo_restores_them(
    env: Env, k: int
) -> None:
    n = 8
    res = exact_result(env.photos, groups=n)
    plan = plan_removal(res)
    originals = snapshot([f.path for f in plan.files])
    calls = 0

    def dies_after_k(path: str) -> None:
        nonlocal calls
        calls += 1
        if calls > k:
            raise Crash
        cleaner.removal.trash.send_to_trash(path)

    with UndoLog() as log, pytest.raises(Crash):
        for _ in remove_files(plan, log, trash=dies_after_k):
            pass

    with UndoLog() as log:
        (batch,) = log.batches()
        assert batch.state is BatchState.RUNNING  # never finished: it crashed
        entries = log.entries(batch.id)
        moved = [e.original_path for e in entries if e.outcome is Outcome.MOVED]
        assert moved == [f.path for f in plan.files[:k]]
        # The file being moved when the process died is the only one in doubt.
        assert [e.original_path for e in entries if e.outcome is Outcome.PENDING] == [
            plan.files[k].path
        ]
        assert len(env.trashed_names()) == k

        undone = run_restore(log, batch.id)
        states = [r.state for r in undone.results]
        assert states == [RestoreState.RESTORED] * k + [RestoreState.IN_PLACE]
        assert log.entries(batch.id)[-1].outcome is Outcome.NOT_MOVED
    assert snapshot(list(originals)) == originals
    assert env.trashed_names() == []


def test_a_crash_between_the_move_and_its_completion_is_recovered(env: Env) -> None:
    res = exact_result(env.photos, groups=3)
    plan = plan_removal(res)
    originals = snapshot([f.path for f in plan.files])
    calls = 0

    def dies_after_moving_the_second(path: str) -> None:
        nonlocal calls
        calls += 1
        cleaner.removal.trash.send_to_trash(path)
        if calls == 2:
            raise Crash

    with UndoLog() as log, pytest.raises(Crash):
        list(remove_files(plan, log, trash=dies_after_moving_the_second))
    with UndoLog() as log:
        (batch,) = log.batches()
        entries = log.entries(batch.id)
        assert [e.outcome for e in entries] == [Outcome.MOVED, Outcome.PENDING]
        assert entries[1].destination is None  # never learned where it went
        undone = run_restore(log, batch.id)
        assert [r.state for r in undone.results] == [RestoreState.RESTORED] * 2
    assert snapshot(list(originals)) == originals


def test_a_killed_process_leaves_a_log_that_undo_can_use(env: Env, tmp_path: Path) -> None:
    """The real thing: a child process is killed (os._exit) in the middle of a batch."""
    k, n = 3, 6
    script = tmp_path / "child.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import os, sys
            from pathlib import Path
            import pytest
            from tests.helpers.removal_helpers import exact_result, isolate
            import cleaner.removal.trash
            from cleaner.removal.move import run_removal
            from cleaner.removal.plan import plan_removal
            from cleaner.removal.undolog import UndoLog

            mp = pytest.MonkeyPatch()
            env = isolate(mp, Path({str(tmp_path)!r}))
            plan = plan_removal(exact_result(env.photos, groups={n}))
            calls = 0
            def trash(path):
                global calls
                calls += 1
                if calls > {k}:
                    os._exit(9)
                cleaner.removal.trash.send_to_trash(path)
            with UndoLog() as log:
                run_removal(plan, log, trash=trash)
            """
        )
    )
    proc = subprocess.run(
        [sys.executable, str(script)],
        cwd=str(Path(__file__).parents[2]),
        env=child_env(),  # this checkout's cleaner, not the venv's editable install
        check=False,
    )
    assert proc.returncode == 9
    with UndoLog() as log:
        (batch,) = log.batches()
        entries = log.entries(batch.id)
        assert sum(e.outcome is Outcome.MOVED for e in entries) == k
        assert [e.outcome for e in entries][-1] is Outcome.PENDING
        undone = run_restore(log, batch.id)
        assert all(r.ok for r in undone.results)
    for g in range(n):
        copy = next(env.photos.rglob(f"IMG_{g:04d}_copy1.jpg"))
        assert copy.read_bytes() == photo_bytes(g)
    assert env.trashed_names() == []


def test_latest_undoable_skips_batches_already_undone(env: Env) -> None:
    res = exact_result(env.photos, groups=2)
    with UndoLog() as log:
        first = run_removal(plan_removal(res, marked=[res.groups[0].members[1].path]), log)
        second = run_removal(plan_removal(res, marked=[res.groups[1].members[1].path]), log)
        assert log.latest_undoable() is not None
        assert log.latest_undoable().id == second.batch_id  # type: ignore[union-attr]
        run_restore(log, second.batch_id)
        assert log.latest_undoable().id == first.batch_id  # type: ignore[union-attr]
        run_restore(log, first.batch_id)
        assert log.latest_undoable() is None
