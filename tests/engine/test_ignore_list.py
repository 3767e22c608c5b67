"""The ignore list ("These are not copies"): remembered by content, honoured by later scans
and by `photosift scan`, and a damaged list never stops a scan."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cleaner.cli import main
from cleaner.detect.ignore import (
    IGNORE_FILE_NAME,
    IgnoreList,
    IgnoreListError,
    default_ignore_path,
    group_key,
    split_ignored,
    without_ignored,
)
from tests.helpers import images
from tests.helpers.synthetic_result import synthetic_groups, synthetic_result


@pytest.fixture
def two_sets(library):
    lib = library()
    first = images.photo(71, (400, 300))
    lib.add("Trip/sea.jpg", first)
    lib.copy("Trip/sea.jpg", "Backup/sea.jpg")  # exact copy
    lib.add("Trip/sea_small.png", images.resized(first, 200))  # similar copy, no digest
    second = images.photo(72, (400, 300))
    lib.add("Home/cat.jpg", second)
    lib.copy("Home/cat.jpg", "Backup/cat.jpg")
    return lib


def _names(groups) -> list[list[str]]:
    return sorted(sorted(os.path.basename(m.path) for m in g.members) for g in groups)


def test_an_ignored_set_stays_ignored_after_renaming_and_moving_its_files(two_sets) -> None:
    result = two_sets.scan()
    assert _names(result.groups) == [
        ["cat.jpg", "cat.jpg"],
        ["sea.jpg", "sea.jpg", "sea_small.png"],
    ]
    sea = next(g for g in result.groups if len(g.members) == 3)
    ignore = IgnoreList.load()
    ignore.add(sea)
    ignore.save()
    assert default_ignore_path().name == IGNORE_FILE_NAME
    assert default_ignore_path().is_file()

    root = two_sets.root
    (root / "Trip").rename(root / "Voyage")
    (root / "Voyage" / "sea_small.png").rename(root / "Voyage" / "renamed.png")
    (root / "Backup" / "sea.jpg").rename(root / "Home" / "moved.jpg")
    rescanned = two_sets.scan()
    shown, hidden = split_ignored(rescanned.groups, IgnoreList.load())
    assert _names(hidden) == [["moved.jpg", "renamed.png", "sea.jpg"]]
    assert _names(shown) == [["cat.jpg", "cat.jpg"]]


def test_a_set_that_gained_a_copy_is_shown_again(two_sets) -> None:
    result = two_sets.scan()
    ignore = IgnoreList.load()
    for group in result.groups:
        ignore.add(group)
    ignore.save()
    two_sets.copy("Home/cat.jpg", "Phone/cat (1).jpg")  # a third copy joins the cat set
    shown, hidden = split_ignored(two_sets.scan().groups, IgnoreList.load())
    assert _names(shown) == [["cat (1).jpg", "cat.jpg", "cat.jpg"]]
    assert _names(hidden) == [["sea.jpg", "sea.jpg", "sea_small.png"]]


def test_keys_do_not_depend_on_paths_or_order() -> None:
    [group] = synthetic_groups(1, per_group=3)
    moved = type(group)(
        id=9,
        kind=group.kind,
        members=tuple(
            type(m)(**{**{f: getattr(m, f) for f in m.__slots__}, "entry": _moved(m.entry)})
            for m in reversed(group.members)
        ),
        reason=group.reason,
        deciding_criterion=None,
    )
    assert group_key(moved) == group_key(group)
    assert len(group_key(group)) == 64


def _moved(entry):
    from dataclasses import replace

    return replace(entry, path="/elsewhere/" + os.path.basename(entry.path))


def test_without_ignored_recounts_the_result() -> None:
    result = synthetic_result(3000)
    ignore = IgnoreList()
    for group in result.groups[::3]:
        ignore.add(group)
    kept, hidden = without_ignored(result, ignore)
    assert [g.id for g in hidden] == [g.id for g in result.groups[::3]]
    assert [g.id for g in kept.groups] == [g.id for i, g in enumerate(result.groups) if i % 3]
    assert kept.stats.groups == 2000
    assert kept.stats.redundant_copies == 2000 * 2
    assert kept.extra["ignored_sets"] == "1000"
    assert without_ignored(result, None)[0] is result


def test_add_remove_clear_and_round_trip(tmp_path: Path) -> None:
    groups = synthetic_groups(5)
    path = tmp_path / "sub" / "list.json"
    ignore = IgnoreList.load(path)
    assert len(ignore) == 0
    assert ignore.problem == ""
    keys = [ignore.add(g) for g in groups]
    assert ignore.keys() == keys
    assert ignore.remove(keys[1]) is True
    assert ignore.remove(keys[1]) is False
    ignore.save()
    again = IgnoreList.load(path)
    assert again.keys() == [keys[0], *keys[2:]]
    assert again.entries()[0].files == tuple(m.path for m in groups[0].members)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "photosift-ignore-list"
    assert doc["version"] == 1
    again.clear()
    again.save()
    assert IgnoreList.load(path).keys() == []
    with pytest.raises(ValueError, match="not an ignore-list key"):
        again.add_key("not a key")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "not valid JSON"),
        (
            b'{"format": "photosift-ignore-list", "version": 1, "sets": [{"key": "ab',
            "not valid JSON",
        ),
        (b"\xff\xfe garbage \x00", "not valid JSON"),
        (b"[1, 2, 3]", "not a PhotoSift ignore list"),
        (b'{"format": "photosift-ignore-list", "version": 7, "sets": []}', "version 7"),
        (b'{"format": "photosift-ignore-list", "version": 1, "sets": {}}', "not a list"),
    ],
)
def test_a_damaged_list_is_said_and_read_as_empty(tmp_path: Path, content, words) -> None:
    path = tmp_path / "list.json"
    path.write_bytes(content)
    ignore = IgnoreList.load(path)
    assert len(ignore) == 0
    assert words in ignore.problem
    assert str(path) in ignore.problem
    # Saving over it keeps the damaged file aside, then writes a good one.
    ignore.add(synthetic_groups(1)[0])
    ignore.save()
    assert (tmp_path / "list.json.damaged").read_bytes() == content
    assert len(IgnoreList.load(path)) == 1
    assert IgnoreList.load(path).problem == ""


def test_hand_edited_entries_are_skipped_one_by_one(tmp_path: Path) -> None:
    good = group_key(synthetic_groups(1)[0])
    path = tmp_path / "list.json"
    sets = [{"key": good, "files": "oops"}, {"key": "short"}, 5, {"files": []}]
    path.write_text(json.dumps({"format": "photosift-ignore-list", "version": 1, "sets": sets}))
    ignore = IgnoreList.load(path)
    assert ignore.keys() == [good]
    assert ignore.entries()[0].files == ()
    assert "3 of its 4 entries" in ignore.problem


def test_an_unreadable_place_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    ignore = IgnoreList(blocker / "list.json")  # its folder is a file
    ignore.add(synthetic_groups(1)[0])
    with pytest.raises(IgnoreListError, match="cannot save the ignore list"):
        ignore.save()
    folder_list = IgnoreList.load(tmp_path)  # a folder, not a file
    assert "not a regular file but a folder" in folder_list.problem


# -- the command line -------------------------------------------------------------------


def _scan(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(["scan", *args, "--no-cache"])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_honours_the_users_list_and_an_explicit_one(two_sets, tmp_path, capsys) -> None:
    result = two_sets.scan()
    sea = next(g for g in result.groups if len(g.members) == 3)
    mine = IgnoreList.load()
    mine.add(sea)
    mine.save()
    out_json = tmp_path / "out.json"
    code, out, err = _scan([str(two_sets.root), "--json", str(out_json)], capsys)
    assert code == 0, err
    assert "Duplicate groups:    1" in out
    assert "Ignored sets:        1" in out
    assert len(json.loads(out_json.read_text())["groups"]) == 1

    code, out, _ = _scan([str(two_sets.root), "--no-ignore-list"], capsys)
    assert code == 0
    assert "Duplicate groups:    2" in out
    assert "Ignored sets" not in out

    other = tmp_path / "other.json"
    theirs = IgnoreList(other)
    for group in result.groups:
        theirs.add(group)
    theirs.save()
    code, out, _ = _scan([str(two_sets.root), "--ignore-list", str(other)], capsys)
    assert code == 0
    assert "Duplicate groups:    0" in out
    assert "Ignored sets:        2" in out


def test_cli_with_a_garbage_list_says_so_and_scans(two_sets, tmp_path, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\x00\x01 not json")
    code, out, err = _scan([str(two_sets.root), "--ignore-list", str(bad)], capsys)
    assert code == 0
    assert "was not fully read" in err
    assert "Traceback" not in err
    assert "Duplicate groups:    2" in out
    default_ignore_path().write_text("{ truncated")
    code, out, err = _scan([str(two_sets.root)], capsys)
    assert code == 0
    assert "was not fully read" in err
    assert "Duplicate groups:    2" in out


def test_cli_refuses_a_missing_list_before_scanning(two_sets, tmp_path, capsys) -> None:
    code, out, err = _scan([str(two_sets.root), "--ignore-list", str(tmp_path / "nope")], capsys)
    assert code == 3
    assert "cannot read the ignore list" in err
    assert out == ""
    with pytest.raises(SystemExit):
        main(["scan", str(two_sets.root), "--ignore-list", "x", "--no-ignore-list"])


def test_a_fifo_in_the_lists_place_does_not_hang(tmp_path: Path) -> None:
    """A plain open() of a FIFO blocks until a writer comes: the scan and the window
    would wait forever. The list is read only if it is a regular file."""
    fifo = tmp_path / "ignored-sets.json"
    os.mkfifo(fifo)
    ignore = IgnoreList.load(fifo)
    assert "not a regular file" in ignore.problem
    assert list(ignore.keys()) == []
