"""Issue 10, class 6: a damaged undo log. `clean` refuses before the first move; `history`
and `undo` set the damaged file aside and go on with every record that can be read."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from cleaner import resultio
from cleaner.removal.move import run_removal
from cleaner.removal.plan import plan_removal
from cleaner.removal.undolog import (
    LOG_FILE_NAME,
    Method,
    UndoLog,
    UndoLogDamaged,
    UndoLogError,
)
from cleaner.removal.undolog_open import open_log
from tests.helpers.damaged_log import PAGE, damage_middle_page
from tests.helpers.removal_cli import cli
from tests.helpers.removal_helpers import Env, exact_result, isolate, snapshot


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    return isolate(monkeypatch, tmp_path)


def write_batch(log_path: Path, n: int) -> str:
    with UndoLog(log_path) as log:
        batch = log.begin_batch("test")
        for i in range(n):
            eid = log.record_pending(
                batch,
                f"/photos/album{i % 10}/IMG_{i:04d}.jpg",
                size=2048,
                mtime_ns=i,
                sha256="ab" * 32,
                method=Method.TRASH,
            )
            log.mark_moved(eid, f"/trash/files/IMG_{i:04d}.jpg")
        log.finish_batch(batch)
    return batch


def test_clean_refuses_before_the_first_move_when_the_log_is_damaged(
    env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log_path = env.data_dir / LOG_FILE_NAME
    write_batch(log_path, 1_000)
    damage_middle_page(log_path)
    res = exact_result(env.photos, groups=1_000)
    result_file = tmp_path / "result.json"
    resultio.save(res, result_file)
    copies = [m.path for g in res.groups for m in g.members if m.suggested_remove]
    before = snapshot(copies)

    assert cli("clean", "--from", str(result_file), "--yes") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "is damaged" in err[0]
    assert "nothing was moved" in err[0]
    assert "photosift history" in err[0]
    assert snapshot(copies) == before
    assert env.trashed_names() == []


def test_clean_refuses_when_the_log_cannot_be_written(env: Env) -> None:
    res = exact_result(env.photos, groups=5)
    plan = plan_removal(res)
    with UndoLog() as log:
        log._conn.execute("PRAGMA query_only=1")  # every write now fails, reads still work
        with pytest.raises(UndoLogError) as caught:
            run_removal(plan, log)
    assert "cannot write the undo log" in str(caught.value)
    assert all(os.path.exists(f.path) for f in plan.files)
    assert env.trashed_names() == []


def test_the_write_check_is_durable_and_changes_nothing_else(env: Env) -> None:
    with UndoLog() as log:
        log.check_ready()
        assert log.batches() == []
        value = log._conn.execute("SELECT value FROM meta WHERE key = 'write_check'").fetchone()
    assert value is not None


def test_history_and_undo_recover_every_readable_record(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    res = exact_result(env.photos, groups=1_000)
    plan = plan_removal(res)
    originals = snapshot([f.path for f in plan.files])
    with UndoLog() as log:
        finished = run_removal(plan, log)
    assert len(finished.removed) == 1_000
    log_path = env.data_dir / LOG_FILE_NAME
    damage_middle_page(log_path)
    with sqlite3.connect(log_path) as raw, pytest.raises(sqlite3.DatabaseError):
        raw.execute("SELECT * FROM entries").fetchall()  # the damage is real

    assert cli("history") == 0
    out, err = capsys.readouterr()
    assert "The undo log was damaged; it was set aside as" in err
    aside = [p for p in env.data_dir.iterdir() if ".damaged-" in p.name and p.suffix == ".sqlite3"]
    assert len(aside) == 1
    assert finished.batch_id in out

    with UndoLog() as log:
        (batch,) = log.batches()
        entries = log.entries(batch.id)
    recovered = [e.original_path for e in entries]
    # What could not be read is named by record number; the rest is all there, in order.
    assert 900 <= len(recovered) < 1_000
    assert recovered == [p for p in originals if p in set(recovered)]
    lost = 1_000 - len(recovered)
    assert f"{lost:,} file records could not be read" in err

    assert cli("history") == 0  # the rebuilt log is whole: no second recovery
    assert capsys.readouterr().err == ""

    assert cli("undo", finished.batch_id) == 0
    out = capsys.readouterr().out
    assert f"{len(recovered):,} of {len(recovered):,} files put back" in out
    back = {p: v for p, v in originals.items() if p in set(recovered)}
    assert snapshot(list(back)) == back
    assert len(env.trashed_names()) == lost


def test_a_log_whose_header_is_gone_still_gives_its_records(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    log_path = env.data_dir / LOG_FILE_NAME
    write_batch(log_path, 50)
    with open(log_path, "r+b") as fh:
        fh.write(b"not a database at all" * 10)
    with pytest.raises(UndoLogDamaged):
        UndoLog(log_path)
    assert cli("history") == 0
    out, err = capsys.readouterr()
    assert "Recovered 50 file records in 1 batch." in err
    assert "interrupted or running" not in out


def test_undo_recovers_too_and_a_log_with_nothing_readable_starts_afresh(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    log_path = env.data_dir / LOG_FILE_NAME
    write_batch(log_path, 50)
    size = log_path.stat().st_size
    log_path.write_bytes(bytes((i * 7 + 3) % 256 for i in range(size)))
    assert cli("undo") == 0
    out, err = capsys.readouterr()
    assert "Nothing in it could be read; a new, empty log was started." in err
    assert "Nothing to undo." in out
    log, recovery = open_log(log_path)
    log.close()
    assert recovery is None


def test_damage_found_while_reading_is_one_clear_error(env: Env) -> None:
    log_path = env.data_dir / LOG_FILE_NAME
    write_batch(log_path, 1_000)
    damage_middle_page(log_path)
    with UndoLog(log_path) as log:
        assert log.damage() is not None
        with pytest.raises(UndoLogDamaged):
            log.check_ready()
        with pytest.raises(UndoLogDamaged):
            log.entries(log.batches()[0].id)


def test_a_damaged_root_page_loses_nothing_the_leaf_pages_still_hold(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tree's root is gone, so no query reaches a single record; the rows are read
    straight from the table's leaf pages, as SQLite's own .recover does."""
    log_path = env.data_dir / LOG_FILE_NAME
    batch = write_batch(log_path, 1_000)
    with sqlite3.connect(log_path) as raw:
        (root,) = raw.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'entries'"
        ).fetchone()
    raw.close()
    with open(log_path, "r+b") as fh:
        fh.seek((root - 1) * PAGE)
        fh.write(b"\xff" * PAGE)
    with UndoLog(log_path) as log, pytest.raises(UndoLogDamaged):
        log.entries(batch)

    assert cli("history", batch) == 0
    out, err = capsys.readouterr()
    assert "Recovered 1,000 file records in 1 batch. Every record could be read." in err
    assert out.count("/photos/album") == 1_000
    with UndoLog(log_path) as log:
        entries = log.entries(batch)
    assert [e.original_path for e in entries] == [
        f"/photos/album{i % 10}/IMG_{i:04d}.jpg" for i in range(1_000)
    ]
    assert [e.id for e in entries] == list(range(1, 1_001))


def test_a_damaged_log_is_not_set_aside_while_another_photosift_moves_files(
    env: Env,
) -> None:
    """Setting the log aside while a clean writes to it would split its records between two
    files; recovery waits for the mover (the move lock), and says so in one line."""
    from cleaner.removal.movelock import moving_files

    log_path = env.data_dir / "undo-log.sqlite3"
    write_batch(log_path, 1_000)
    damage_middle_page(log_path)
    before = sorted(os.listdir(env.data_dir))
    with moving_files(), pytest.raises(UndoLogError, match="another PhotoSift is moving files"):
        open_log(log_path)
    after = [n for n in sorted(os.listdir(env.data_dir)) if n != "moves.lock"]
    assert after == before  # nothing renamed, nothing new
    log, recovery = open_log(log_path)  # once the mover is done, recovery goes ahead
    log.close()
    assert recovery is not None
