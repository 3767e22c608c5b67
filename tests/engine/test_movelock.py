"""One removal or undo at a time per user (issue 10, class 3).

Two `photosift clean` processes on overlapping results with different keepers each saw
the other's keeper still in place and moved it: every copy of some pictures gone. The
move lock (cleaner/removal/movelock.py) lets one mover at a time move files; a second one is
told so at once and moves nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import resultio
from cleaner.progress import CancelToken
from cleaner.removal.move import RemovalFinished, remove_files, run_removal
from cleaner.removal.movelock import AnotherRemovalRunning, MoveLockError, lock_path, moving_files
from cleaner.removal.plan import plan_removal
from cleaner.removal.restore import restore_batch, run_restore
from cleaner.removal.undolog import Outcome, UndoLog
from tests.helpers.movers import pictures_left, release_together, start, swapped_keepers
from tests.helpers.removal_helpers import Env, exact_result, isolate

LOCKED = "photosift: another PhotoSift is moving files; wait for it to finish and try again"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    return isolate(monkeypatch, tmp_path)


@pytest.mark.slow
def test_two_cleans_racing_never_move_every_copy(env: Env, tmp_path: Path) -> None:
    n = 1000
    first = exact_result(env.photos, groups=n)
    second = swapped_keepers(first)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    resultio.save(first, a)
    resultio.save(second, b)
    go = tmp_path / "go"
    procs = [start(tmp_path, "clean", "--yes", "--from", str(p), go=go) for p in (a, b)]
    release_together(go, 2)
    finished = [p.finish() for p in procs]
    codes = [code for code, _, _ in finished]

    left = pictures_left(first)
    lost = [g.id for g, k in zip(first.groups, left, strict=True) if k == 0]
    assert lost == [], f"every copy of {len(lost)} of {n} pictures was moved"
    assert sorted(left).count(1) == n  # one clean moved one copy of each, the other none
    for code, out, err in finished:
        assert "Traceback" not in err
        if LOCKED in err:
            assert code != 0
            assert err.strip().splitlines()[-1] == LOCKED
            assert "Moved" not in out
    assert sorted(codes) == [0, 1]
    # Every file moved is in the undo log, and undo puts all of them back.
    with UndoLog() as log:
        entries = [e for b_ in log.batches() for e in log.entries(b_.id)]
    assert sum(e.outcome is Outcome.MOVED for e in entries) == n
    code, out, err = start(tmp_path, "undo").finish()
    assert code == 0, err
    assert pictures_left(first) == [2] * n
    assert env.trashed_names() == []


def test_clean_and_undo_started_while_another_moves_are_told_and_change_nothing(
    env: Env, tmp_path: Path
) -> None:
    """The lock is held for a whole batch: a clean or an undo started meanwhile is told at
    once, in one line, and changes nothing (not even an empty batch in the log)."""
    res = exact_result(env.photos, groups=20)
    path = tmp_path / "r.json"
    resultio.save(res, path)
    with UndoLog() as log:
        earlier = run_removal(plan_removal(res, [g.members[1].path for g in res.groups[:5]]), log)
    assert len(earlier.removed) == 5
    before = pictures_left(res)

    with moving_files():  # this test process is the one moving files now
        clean_code, clean_out, clean_err = start(
            tmp_path, "clean", "--yes", "--from", str(path)
        ).finish()
        undo_code, undo_out, undo_err = start(tmp_path, "undo").finish()

    assert (clean_code, clean_err.splitlines()) == (1, [LOCKED])
    assert "Moved" not in clean_out
    assert (undo_code, undo_out, undo_err.splitlines()) == (1, "", [LOCKED])
    assert pictures_left(res) == before == [1] * 5 + [2] * 15
    assert len(env.trashed_names()) == 5
    with UndoLog() as log:
        assert [b.id for b in log.batches()] == [earlier.batch_id]
    # Once the lock is free, the same commands run.
    assert start(tmp_path, "undo").finish()[0] == 0
    assert pictures_left(res) == [2] * 20


def test_the_lock_is_released_when_a_move_ends_is_closed_or_is_cancelled(env: Env) -> None:
    res = exact_result(env.photos, groups=6)
    with UndoLog() as log:
        events = remove_files(plan_removal(res), log)
        next(events)  # started: the lock is held
        with pytest.raises(AnotherRemovalRunning):
            next(remove_files(plan_removal(res), log))
        with pytest.raises(AnotherRemovalRunning):
            next(restore_batch(log, "any"))
        events.close()  # the window closing mid-batch
        with moving_files():
            pass
        cancel = CancelToken()
        events = remove_files(plan_removal(res), log, cancel=cancel)
        next(events)
        cancel.cancel()
        assert isinstance(list(events)[-1], RemovalFinished)
        with moving_files():
            pass
        finished = run_removal(plan_removal(res), log)
        assert len(finished.removed) == 6
        run_restore(log, finished.batch_id)
        with moving_files():
            pass


def test_a_second_lock_in_the_same_process_is_refused(env: Env) -> None:
    """A window with two mutation threads (or a script) cannot move twice at once either."""
    with moving_files(), pytest.raises(AnotherRemovalRunning) as raised, moving_files():
        pass
    assert str(raised.value) == LOCKED.removeprefix("photosift: ")
    assert lock_path().parent == env.data_dir


def test_an_unwritable_data_folder_is_one_clear_error(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("PHOTOSIFT_LOCK_DIR", str(blocker / "data"))
    expected = "keeps two PhotoSifts from moving files at once"
    with pytest.raises(MoveLockError, match=expected), moving_files():
        pass


def test_undo_from_the_trash_while_another_moves_is_told_and_puts_nothing_back(
    env: Env, tmp_path: Path
) -> None:
    res = exact_result(env.photos, groups=4)
    with UndoLog() as log:
        run_removal(plan_removal(res), log)
    (env.data_dir / "undo-log.sqlite3").unlink()  # the log is gone: find them in the trash
    with moving_files():
        code, _out, err = start(
            tmp_path, "undo", "--from-trash", "--folder", str(env.photos), "--yes"
        ).finish()
    assert (code, err.splitlines()[-1]) == (1, LOCKED)
    assert len(env.trashed_names()) == 4
    code, _out, err = start(
        tmp_path, "undo", "--from-trash", "--folder", str(env.photos), "--yes"
    ).finish()
    assert code == 0, err
    assert pictures_left(res) == [2] * 4


def test_one_mover_per_user_even_with_another_data_folder(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A portable window (`--portable DIR`, its own undo log) and an installed `photosift
    clean` are the same user moving files: the lock is per user, not per undo-log folder."""
    monkeypatch.delenv("PHOTOSIFT_LOCK_DIR", raising=False)
    monkeypatch.setenv("PHOTOSIFT_DATA_DIR", str(tmp_path / "portable" / "data"))
    with moving_files():
        monkeypatch.setenv("PHOTOSIFT_DATA_DIR", str(tmp_path / "installed" / "data"))
        with pytest.raises(AnotherRemovalRunning), moving_files():
            pass
    # where it lives: the user's own data folder, whatever PHOTOSIFT_DATA_DIR says
    assert lock_path().parent == env.data_home / "photosift"
