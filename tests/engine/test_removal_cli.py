"""`photosift clean`, `history` and `undo`, driven through their argparse parsers."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from cleaner import resultio
from cleaner.humanize import human_time
from cleaner.removal.trash import TrashUnavailable
from cleaner.removal.undolog import UndoLog
from tests.helpers.removal_cli import cli
from tests.helpers.removal_helpers import Env, exact_result, isolate, snapshot


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    return isolate(monkeypatch, tmp_path)


@pytest.fixture
def saved(env: Env, tmp_path: Path) -> tuple[Path, list[str]]:
    res = exact_result(env.photos, groups=3)
    path = tmp_path / "result.json"
    resultio.save(res, path)
    copies = [m.path for g in res.groups for m in g.members if m.suggested_remove]
    return path, copies


def test_dry_run_changes_nothing(
    saved: tuple[Path, list[str]], env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    result_file, copies = saved
    assert cli("clean", "--from", str(result_file), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "3 files (6.1 KB) will be moved to the trash" in out
    assert all(c in out for c in copies)
    assert "Dry run: nothing was moved." in out
    assert all(os.path.exists(c) for c in copies)
    assert env.trashed_names() == []


def test_declining_the_question_moves_nothing(
    saved: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    result_file, copies = saved
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert cli("clean", "--from", str(result_file)) == 0
    assert "Move 3 files (6.1 KB)? [y/N]" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal, no answer
    assert cli("clean", "--from", str(result_file)) == 1
    assert "no answer" in capsys.readouterr().err
    assert all(os.path.exists(c) for c in copies)


def test_clean_history_undo_round_trip(
    saved: tuple[Path, list[str]],
    env: Env,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    result_file, copies = saved
    originals = snapshot(copies)
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert cli("clean", "--from", str(result_file)) == 0
    out = capsys.readouterr().out
    assert "Moved 3 files (6.1 KB): 3 to the trash." in out
    assert not any(os.path.exists(c) for c in copies)
    with UndoLog() as log:
        (batch,) = log.batches()
    assert f"photosift undo {batch.id}" in out

    assert cli("history") == 0
    listing = capsys.readouterr().out
    assert batch.id in listing
    assert "finished" in listing
    assert human_time(batch.created_at) in listing  # "27 Nov 2026, 12:27", local time
    assert batch.created_at not in listing
    assert cli("history", batch.id[:12]) == 0
    detail = capsys.readouterr().out
    assert f"Batch {batch.id}, {human_time(batch.created_at)}, PhotoSift" in detail
    assert all(c in detail for c in copies)
    assert str(env.trash / "files") in detail

    assert cli("undo") == 0
    assert "3 of 3 files put back." in capsys.readouterr().out
    assert snapshot(copies) == originals
    assert cli("undo") == 0
    assert "Nothing to undo." in capsys.readouterr().out
    assert cli("history") == 0
    assert "undone" in capsys.readouterr().out


def test_undo_reports_an_emptied_trash_and_fails(
    saved: tuple[Path, list[str]], env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    result_file, _ = saved
    assert cli("clean", "--from", str(result_file), "--yes") == 0
    for p in (env.trash / "files").iterdir():
        p.unlink()
    capsys.readouterr()
    assert cli("undo") == 1
    captured = capsys.readouterr()
    gone = "not found where it was moved to: the trash may have been emptied"
    assert captured.err.count(gone) == 3
    assert "0 of 3 files put back; 3 could not be put back" in captured.out


def test_undo_only_chosen_files(
    saved: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    result_file, copies = saved
    assert cli("clean", "--from", str(result_file), "--yes") == 0
    assert cli("undo", "--file", copies[1]) == 0
    assert [os.path.exists(c) for c in copies] == [False, True, False]
    assert cli("undo", "--file", "/not/in/the/batch.jpg") == 1
    assert "none of the given files" in capsys.readouterr().err


def test_trash_unavailable_hint_and_quarantine_option(
    saved: tuple[Path, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    result_file, copies = saved

    def no_trash(path: str) -> None:
        raise TrashUnavailable("no trash folder can be created on this drive")

    monkeypatch.setattr("cleaner.removal.move.move_to_trash", no_trash)
    assert cli("clean", "--from", str(result_file), "--yes") == 1
    captured = capsys.readouterr()
    assert "--quarantine DIR" in captured.out
    assert captured.err.count("the trash is not available on this drive") == 3
    assert all(os.path.exists(c) for c in copies)

    qdir = tmp_path / "quarantine"
    assert cli("clean", "--from", str(result_file), "--yes", "--quarantine", str(qdir)) == 0
    assert "3 to the quarantine folder" in capsys.readouterr().out
    assert not any(os.path.exists(c) for c in copies)
    files = sorted(p.name for p in qdir.rglob("*") if p.is_file())
    assert files == sorted([*(os.path.basename(c) for c in copies), "photosift-batch.jsonl"])
    assert cli("undo") == 0
    assert all(os.path.exists(c) for c in copies)


def test_user_errors_are_one_line_without_traceback(
    tmp_path: Path, env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("clean", "--from", str(tmp_path / "missing.json"), "--yes") == 3
    err = capsys.readouterr().err
    assert err.startswith("photosift: result file not found")
    assert len(err.strip().splitlines()) == 1
    assert cli("history", "nope") == 1
    err = capsys.readouterr().err
    assert err.strip() == "photosift: no removal batch 'nope' in the undo log"
    assert cli("clean", "--from", "x.json", "--quarantine-only") == 2


@pytest.mark.parametrize("limit", ["99999999999999999999", "-3", "0"])
def test_history_limit_of_any_size_is_no_traceback(
    saved: tuple[Path, list[str]],
    env: Env,
    capsys: pytest.CaptureFixture[str],
    limit: str,
) -> None:
    """Caught in review: `history --limit 99999999999999999999` ended in an OverflowError
    traceback (the number went straight into SQLite); a limit below 1 is refused."""
    result_file, _ = saved
    assert cli("clean", "--from", str(result_file), "--yes") == 0
    with UndoLog() as log:
        (batch,) = log.batches()
    capsys.readouterr()
    if int(limit) < 1:
        with pytest.raises(SystemExit) as stopped:
            cli("history", "--limit", limit)
        assert stopped.value.code == 2
        err = capsys.readouterr().err
        assert f"--limit: must be at least 1, not {limit}" in err
        return
    assert cli("history", "--limit", limit) == 0
    assert batch.id in capsys.readouterr().out


def test_a_relative_quarantine_folder_can_be_undone(
    saved: tuple[Path, list[str]],
    env: Env,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Caught in review: `clean --quarantine q` (a folder named relative to the current
    one) wrote each file's destination into the undo log as a relative path, which the log
    then refuses as not valid: `undo` put back none of the files."""
    result_file, copies = saved
    originals = snapshot(copies)
    monkeypatch.chdir(tmp_path)
    argv = ("clean", "--from", str(result_file), "--yes", "--quarantine", "q")
    assert cli(*argv, "--quarantine-only") == 0
    assert not any(os.path.exists(c) for c in copies)
    monkeypatch.chdir(env.home)  # undo from another folder
    capsys.readouterr()
    assert cli("undo") == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "3 of 3 files put back." in out
    assert snapshot(copies) == originals
    assert list((tmp_path / "q").iterdir()) == []


def test_a_trash_folder_spelled_with_a_doubled_separator_can_be_undone(
    saved: tuple[Path, list[str]],
    env: Env,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Caught in review: with XDG_DATA_HOME spelled '/home/u//.local/share' (what
    "$HOME/.local/share" gives when HOME ends in '/'), clean recorded each trashed file's
    place with the doubled separator, which the undo log refuses as not valid: undo put
    back none of the files, although they were in the trash."""
    result_file, copies = saved
    originals = snapshot(copies)
    monkeypatch.setenv("XDG_DATA_HOME", f"{env.home}{os.sep}{os.sep}.local{os.sep}share")
    assert cli("clean", "--from", str(result_file), "--yes") == 0
    assert len(env.trashed_names()) == 3
    capsys.readouterr()
    assert cli("undo") == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "3 of 3 files put back." in out
    assert snapshot(copies) == originals
