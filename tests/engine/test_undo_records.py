"""Issue 10, class 7 (the undo side): an edited or damaged undo record never makes `undo`
move a file that PhotoSift did not move, nor put one anywhere but back where it was."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.removal.move import QuarantineMode, RemovalOptions, run_removal
from cleaner.removal.plan import plan_removal
from cleaner.removal.restore import RestoreState, run_restore
from cleaner.removal.undolog import LOG_FILE_NAME, UndoLog
from tests.helpers.removal_cli import cli
from tests.helpers.removal_helpers import Env, exact_result, isolate, snapshot, write


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    return isolate(monkeypatch, tmp_path)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def edit(env: Env, sql: str, params: tuple[Any, ...]) -> None:
    with sqlite3.connect(env.data_dir / LOG_FILE_NAME) as conn:
        conn.execute(sql, params)


def removed_batch(env: Env, groups: int = 3, **kwargs: Any) -> tuple[str, dict[str, Any]]:
    res = exact_result(env.photos, groups=groups)
    plan = plan_removal(res)
    originals = snapshot([f.path for f in plan.files])
    with UndoLog() as log:
        finished = run_removal(plan, log, **kwargs)
    assert len(finished.removed) == groups
    return finished.batch_id, originals


def test_an_edited_record_cannot_move_an_unrelated_file(env: Env, tmp_path: Path) -> None:
    batch, originals = removed_batch(env)
    unrelated = write(tmp_path / "documents" / "letter.txt", b"a private letter")
    chosen = tmp_path / "chosen" / "letter.txt"
    first = min(originals)
    # The editor points the record at the letter, with the letter's true size and digest.
    edit(
        env,
        "UPDATE entries SET destination = ?, sha256 = ?, size = ?, original_path = ? "
        "WHERE original_path = ?",
        (
            str(unrelated).encode(),
            sha(unrelated),
            unrelated.stat().st_size,
            str(chosen).encode(),
            first.encode(),
        ),
    )
    with UndoLog() as log:
        done = run_restore(log, batch)
    assert unrelated.read_bytes() == b"a private letter"
    assert not chosen.exists()
    states = {r.original_path: r.state for r in done.results}
    assert states[str(chosen)] is RestoreState.NOT_IN_TRASH
    rest = {p: v for p, v in originals.items() if p != first}
    assert snapshot(list(rest)) == rest  # the other records still restored


def test_an_edited_quarantine_record_cannot_move_an_unrelated_file(
    env: Env, tmp_path: Path
) -> None:
    quarantine = tmp_path / "quarantine"
    opts = RemovalOptions(QuarantineMode.ALWAYS, str(quarantine))
    batch, originals = removed_batch(env, options=opts)
    unrelated = write(tmp_path / "documents" / "letter.txt", b"another letter")
    first = min(originals)
    edit(
        env,
        "UPDATE entries SET destination = ?, sha256 = ?, size = ? WHERE original_path = ?",
        (str(unrelated).encode(), sha(unrelated), unrelated.stat().st_size, first.encode()),
    )
    with UndoLog() as log:
        done = run_restore(log, batch)
    assert unrelated.read_bytes() == b"another letter"
    assert not Path(first).exists()
    assert [r.ok for r in done.results].count(True) == len(originals) - 1


def test_undo_never_puts_a_file_back_through_a_folder_now_a_symlink(
    env: Env, tmp_path: Path
) -> None:
    batch, originals = removed_batch(env, groups=1)
    (original,) = originals
    album = Path(original).parent
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for leftover in album.iterdir():
        leftover.rename(elsewhere / leftover.name)
    album.rmdir()
    album.symlink_to(elsewhere, target_is_directory=True)
    with UndoLog() as log:
        (r,) = run_restore(log, batch).results
    assert r.state is RestoreState.FAILED
    assert "is now a symbolic link" in r.detail
    assert not (elsewhere / Path(original).name).exists()
    assert len(env.trashed_names()) == 1  # still safe in the trash


def test_a_symlink_in_the_trash_is_never_taken_for_the_file(env: Env, tmp_path: Path) -> None:
    batch, originals = removed_batch(env, groups=1)
    (original,) = originals
    (name,) = env.trashed_names()
    trashed = env.trash / "files" / name
    kept = tmp_path / "kept-elsewhere.jpg"
    trashed.rename(kept)
    trashed.symlink_to(kept)  # same bytes, reached through a link
    with UndoLog() as log:
        (r,) = run_restore(log, batch).results
    assert r.state is RestoreState.FAILED
    assert "is a symbolic link" in r.detail
    assert not os.path.lexists(original)
    assert kept.exists()


# -- malformed records ---------------------------------------------------------------------

COLUMNS = {
    "original_path": 2,
    "size": 3,
    "mtime_ns": 4,
    "sha256": 5,
    "method": 6,
    "destination": 7,
    "outcome": 8,
    "started_at": 10,
    "moved_at": 11,
    "restored_to": 13,
}

odd_values = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "moved",
            "trash",
            "quarantine",
            "x\x00y",
            "/a/../b.jpg",
            "./x.jpg",
            "//x.jpg",
            "relative.jpg",
            "nan",
            "12",
            "[1, 2]",
            "\x1b[2J",
            "ab" * 32,
            "é",
        ]
    ),
    st.binary(max_size=30),
    st.builds(lambda s: s.encode(), st.text(max_size=20)),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    edits=st.lists(st.tuples(st.sampled_from(sorted(COLUMNS)), odd_values), min_size=1, max_size=4)
)
def test_malformed_records_give_one_line_each_and_the_rest_restores(
    env: Env, capsys: pytest.CaptureFixture[str], edits: list[tuple[str, Any]]
) -> None:
    batch, originals = removed_batch(env, groups=3)
    victim = min(originals)
    with sqlite3.connect(env.data_dir / LOG_FILE_NAME) as conn:
        (eid,) = conn.execute(
            "SELECT id FROM entries WHERE original_path = ? AND batch_id = ?",
            (victim.encode(), batch),
        ).fetchone()
        for column, value in edits:
            conn.execute(f"UPDATE OR IGNORE entries SET {column} = ? WHERE id = ?", (value, eid))
    capsys.readouterr()
    assert cli("history", batch) == 0
    assert cli("undo", batch) in (0, 1)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    others = {p: v for p, v in originals.items() if p != victim}
    assert snapshot(list(others)) == others  # every other record restored
    assert len(err.splitlines()) <= 1  # at most one line, for the edited record
    # Whatever the edit, the only file that may have moved is the one of the record.
    for other in env.trashed_names():
        assert Path(other).name.startswith(Path(victim).stem)
    assert len(env.trashed_names()) + sum(os.path.exists(p) for p in originals) >= 3
    for name in env.trashed_names():  # clean up for the next example
        (env.trash / "files" / name).unlink()
    for info in (env.trash / "info").iterdir():
        info.unlink()
    for p in originals:
        Path(p).unlink(missing_ok=True)


@pytest.mark.parametrize("sizes", [(2**63 - 1, 2**63 - 1), (2**63 - 1, 1), (-(2**63), -1)])
def test_edited_sizes_that_overflow_a_sum_still_list_and_restore(
    env: Env, capsys: pytest.CaptureFixture[str], sizes: tuple[int, int]
) -> None:
    """Hand-edited sizes whose total does not fit SQLite's 64-bit integer: the history
    still lists the batch (its byte count from the sizes that make sense) and the other
    records restore; found by the property test above with a stored example."""
    batch, originals = removed_batch(env, groups=3)
    first, second = sorted(originals)[:2]
    for path, size in ((first, sizes[0]), (second, sizes[1])):
        edit(env, "UPDATE entries SET size = ? WHERE original_path = ?", (size, path.encode()))
    capsys.readouterr()
    assert cli("history") == 0
    assert cli("history", batch) == 0
    out, err = capsys.readouterr()
    assert "overflow" not in out + err
    assert "Traceback" not in out + err
    with UndoLog() as log:
        listed = log.batch(batch)
    assert 0 <= listed.bytes_moved < 2**63
    assert cli("undo", batch) in (0, 1)
    third = sorted(originals)[2]
    assert snapshot([third]) == {third: originals[third]}


def test_malformed_record_through_the_cli_names_the_record(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    batch, originals = removed_batch(env, groups=3)
    victim = min(originals)
    edit(env, "UPDATE entries SET method = 'teleport' WHERE original_path = ?", (victim.encode(),))
    capsys.readouterr()
    assert cli("undo", batch) == 1
    out, err = capsys.readouterr()
    assert err.strip() == (
        f"{victim}: could not be put back: the undo log record is not valid "
        "(its method 'teleport' is not one PhotoSift writes); left where it is"
    )
    assert "2 of 3 files put back" in out
    assert cli("history", batch) == 0
    assert "its method 'teleport' is not one PhotoSift writes" in capsys.readouterr().out


def test_a_trash_folder_replaced_by_a_symlink_is_not_followed(env: Env, tmp_path: Path) -> None:
    batch, originals = removed_batch(env, groups=2)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (env.trash / "files").rename(elsewhere / "files")
    (env.trash / "files").symlink_to(elsewhere / "files", target_is_directory=True)
    with UndoLog() as log:
        done = run_restore(log, batch)
    assert [r.state for r in done.results] == [RestoreState.FAILED] * 2
    assert all("is a symbolic link" in r.detail for r in done.results)
    assert not any(os.path.exists(p) for p in originals)
    assert len(list((elsewhere / "files").iterdir())) == 2


def test_a_system_link_the_user_cannot_change_is_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``/home -> /data/home`` is no change since the scan: only a link in a folder the
    user can write to stops a file going back."""
    from cleaner.removal import restore

    (tmp_path / "data" / "home").mkdir(parents=True)
    (tmp_path / "home").symlink_to(tmp_path / "data" / "home", target_is_directory=True)
    original = str(tmp_path / "home" / "u" / "Pictures" / "a.jpg")
    assert restore.symlink_on_the_way(original) == str(tmp_path / "home")
    real_access = os.access

    def access(path: str, mode: int) -> bool:
        return False if path == str(tmp_path) else real_access(path, mode)

    monkeypatch.setattr(restore.os, "access", access)
    assert restore.symlink_on_the_way(original) is None


def test_a_path_no_file_can_have_is_one_line_and_the_rest_restores(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    """Caught in review: a record whose path holds an encoded lone surrogate (UTF-8 bytes
    ED A0 80, which no file name decodes to) made `undo` end in a UnicodeEncodeError
    traceback, and the batch's other files were not put back."""
    batch, originals = removed_batch(env, groups=3)
    victim = min(originals)
    odd = os.path.join(os.path.dirname(victim), "IMG").encode() + b"\xed\xa0\x80.jpg"
    edit(
        env, "UPDATE entries SET original_path = ? WHERE original_path = ?", (odd, victim.encode())
    )
    capsys.readouterr()
    assert cli("history", batch) == 0
    assert cli("undo", batch) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert len(err.strip().splitlines()) == 1
    assert "could not be put back: the undo log record is not valid" in err
    others = {p: v for p, v in originals.items() if p != victim}
    assert snapshot(list(others)) == others
    assert "2 of 3 files put back" in out


def test_an_edited_batch_id_cannot_pass_a_mirror_folder_off_as_a_quarantine(
    env: Env, tmp_path: Path
) -> None:
    """Caught in review: a quarantine record's batch id is text the editor chooses, and
    `undo` took any file at ``<somewhere>/<batch id>/<original path>`` for the quarantined
    copy. A backup mirror of the disk (``/mnt/backup/home/...``) fits that shape with
    the batch id ``backup``: `undo` moved the backup's file out of the backup to the
    path the editor chose. A batch id is now only what PhotoSift writes."""
    batch, originals = removed_batch(env, groups=2)
    chosen = tmp_path / "home" / "letters" / "letter.txt"
    mirror = tmp_path / "backup"
    unrelated = write(mirror / str(chosen).lstrip(os.sep), b"the backup's letter")
    first = min(originals)
    with sqlite3.connect(env.data_dir / LOG_FILE_NAME) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute(
            "INSERT INTO batches(id, created_at, app_version, source, state) "
            "SELECT 'backup', created_at, app_version, source, state FROM batches WHERE id = ?",
            (batch,),
        )
        conn.execute(
            "UPDATE entries SET batch_id = 'backup', method = 'quarantine', destination = ?, "
            "sha256 = ?, size = ?, original_path = ? WHERE original_path = ?",
            (
                str(unrelated).encode(),
                sha(unrelated),
                unrelated.stat().st_size,
                str(chosen).encode(),
                first.encode(),
            ),
        )
    with UndoLog() as log:
        done = run_restore(log, "backup")
    assert unrelated.read_bytes() == b"the backup's letter"
    assert not chosen.exists()
    assert [r.state for r in done.results] == [RestoreState.NOT_IN_TRASH]
    with UndoLog() as log:
        rest = run_restore(log, batch)
    assert [r.ok for r in rest.results] == [True]
