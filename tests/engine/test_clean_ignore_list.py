"""`photosift clean --from OLD.json` honours the ignore list: a set the user said is not a
set of copies ("These are not copies") is never cleaned from an old result file either,
unless `--no-ignore-list` says so. A damaged list stops the clean with one clear line."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from cleaner import resultio
from cleaner.detect.ignore import IgnoreList, default_ignore_path
from cleaner.models import ScanResult
from tests.helpers.removal_cli import cli
from tests.helpers.removal_helpers import Env, exact_result, isolate


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    return isolate(monkeypatch, tmp_path)


@pytest.fixture
def saved(env: Env, tmp_path: Path) -> tuple[Path, ScanResult]:
    """A real result file of 3 sets, each with one copy suggested for removal."""
    res = exact_result(env.photos, groups=3)
    path = tmp_path / "result.json"
    resultio.save(res, path)
    return path, resultio.load(path)


def _copies(res: ScanResult, index: int) -> list[str]:
    return [m.path for m in res.groups[index].members if m.suggested_remove]


def _ignore_second_set(res: ScanResult, path: Path | None = None) -> None:
    ignore = IgnoreList.load(path)
    ignore.add(res.groups[1])
    ignore.save()


def test_an_ignored_set_is_left_alone_and_said_so(
    saved: tuple[Path, ScanResult], env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    result_file, res = saved
    _ignore_second_set(res)  # the user's own list, the one the window keeps
    assert cli("clean", "--from", str(result_file), "--yes") == 0
    out, err = capsys.readouterr()
    assert "1 set you marked as not copies (ignore list) is left alone" in out, out
    assert "2 files (4.1 KB) will be moved" in out
    assert err == ""
    assert [os.path.exists(c) for c in _copies(res, 0)] == [False]
    assert [os.path.exists(c) for c in _copies(res, 1)] == [True]  # the ignored set
    assert [os.path.exists(c) for c in _copies(res, 2)] == [False]
    assert all(os.path.exists(m.path) for m in res.groups[1].members)


def test_dry_run_lists_without_the_ignored_set(
    saved: tuple[Path, ScanResult], capsys: pytest.CaptureFixture[str]
) -> None:
    result_file, res = saved
    _ignore_second_set(res)
    assert cli("clean", "--from", str(result_file), "--dry-run") == 0
    out = capsys.readouterr().out
    assert _copies(res, 1)[0] not in out
    assert _copies(res, 0)[0] in out
    assert _copies(res, 2)[0] in out
    assert "is left alone" in out


def test_no_ignore_list_cleans_every_set(
    saved: tuple[Path, ScanResult], capsys: pytest.CaptureFixture[str]
) -> None:
    result_file, res = saved
    _ignore_second_set(res)
    assert cli("clean", "--from", str(result_file), "--no-ignore-list", "--yes") == 0
    out = capsys.readouterr().out
    assert "left alone" not in out
    assert "3 files (6.1 KB) will be moved" in out
    assert not any(os.path.exists(c) for i in range(3) for c in _copies(res, i))


def test_an_explicit_list_is_used_and_a_missing_one_refused(
    saved: tuple[Path, ScanResult], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result_file, res = saved
    other = tmp_path / "theirs.json"
    _ignore_second_set(res, other)
    assert cli("clean", "--from", str(result_file), "--ignore-list", str(other), "--dry-run") == 0
    assert _copies(res, 1)[0] not in capsys.readouterr().out

    missing = tmp_path / "nope.json"
    code = cli("clean", "--from", str(result_file), "--ignore-list", str(missing), "--yes")
    assert code == 3
    out, err = capsys.readouterr()
    assert "cannot read the ignore list" in err
    assert "no such file" in err
    assert out == ""
    assert all(os.path.exists(c) for i in range(3) for c in _copies(res, i))
    with pytest.raises(SystemExit):
        cli("clean", "--from", str(result_file), "--ignore-list", "x", "--no-ignore-list")


@pytest.mark.parametrize(
    "damage",
    ["garbage", "hand_edited", "fifo", "folder"],
)
def test_a_damaged_list_stops_the_clean_with_one_clear_line(
    saved: tuple[Path, ScanResult],
    damage: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Cleaning with half a list could move a copy of a set the user ignored: nothing moves,
    the message names the file and says how to go on. A FIFO must not hang."""
    result_file, res = saved
    target = default_ignore_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    if damage == "garbage":
        target.write_bytes(b"\x00\x01 not json")
    elif damage == "hand_edited":
        _ignore_second_set(res)
        text = target.read_text()
        target.write_text(text.replace('"sets": [', '"sets": [{"key": "not a key"}, 7, '))
    elif damage == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    assert cli("clean", "--from", str(result_file), "--yes") == 3
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(target) in lines[0]
    assert "was not fully read" in lines[0]
    assert "--no-ignore-list" in lines[0]
    assert "will be moved" not in out
    assert all(os.path.exists(c) for i in range(3) for c in _copies(res, i))
    # and the way out the message names works
    assert cli("clean", "--from", str(result_file), "--no-ignore-list", "--yes") == 0


def test_the_question_counts_only_the_sets_cleaned(
    saved: tuple[Path, ScanResult],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    result_file, res = saved
    _ignore_second_set(res)
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert cli("clean", "--from", str(result_file)) == 0
    assert "Move 2 files (4.1 KB)? [y/N]" in capsys.readouterr().out


def test_every_set_ignored_moves_nothing(
    saved: tuple[Path, ScanResult], capsys: pytest.CaptureFixture[str]
) -> None:
    result_file, res = saved
    ignore = IgnoreList.load()
    for group in res.groups:
        ignore.add(group)
    ignore.save()
    assert cli("clean", "--from", str(result_file), "--yes") == 0
    out = capsys.readouterr().out
    assert "3 sets you marked as not copies (ignore list) are left alone" in out
    assert "Nothing to remove." in out
    assert all(os.path.exists(c) for i in range(3) for c in _copies(res, i))
