"""Hand-edited and malformed result files (issue 10, class 7, the `clean`/`report` side).

`clean` accepts only absolute, plain paths under the result's scanned folders, each checked
against the scan's record; a malformed result gives one clear line and exit code 3.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from cleaner import resultio
from cleaner.cli import main as cli_main
from cleaner.errors import ResultFormatError
from cleaner.removal.plan import KeepReason, plan_removal
from tests.helpers.removal_helpers import Env, exact_result, isolate, photo_bytes, write


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    return isolate(monkeypatch, tmp_path)


def as_member(path: str, real: Path, *, keeper: bool) -> dict[str, Any]:
    """A member entry as someone editing the JSON by hand would write it for `real`."""
    import hashlib

    st = os.stat(real)
    return {
        "path": path,
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "device": st.st_dev,
        "inode": st.st_ino,
        "hardlinks": [],
        "nlink": 1,
        "sha256": hashlib.sha256(real.read_bytes()).hexdigest(),
        "metrics": None,
        "quality": 50,
        "distance": 0,
        "keeper": keeper,
        "protected": False,
        "suggested_remove": not keeper,
    }


def edited_group(gid: int, keeper: Path, victim_path: str, victim_real: Path) -> dict[str, Any]:
    return {
        "id": gid,
        "kind": "exact",
        "reason": "edited",
        "deciding_criterion": None,
        "reclaimable_bytes": 0,
        "members": [
            as_member(str(keeper), keeper, keeper=True),
            as_member(victim_path, victim_real, keeper=False),
        ],
    }


def test_clean_moves_nothing_a_hand_edited_result_names_wrongly(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Caught on main: `clean --yes` moved the last copy spelled `a/../a/x.jpg`, `//x.jpg`
    and `./x.jpg`, and a text file outside the scanned folders."""
    base = exact_result(env.photos, groups=1)
    data = resultio.result_to_dict(base)
    album = env.photos / "album"
    keepers = [write(album / f"IMG_{i}.jpg", photo_bytes(100 + i)) for i in range(4)]
    outside = tmp_path / "elsewhere"
    notes = write(outside / "notes.txt", b"my notes\n" * 50)
    notes_copy = write(outside / "notes-copy.txt", b"my notes\n" * 50)
    monkeypatch.chdir(album)
    spelled = [
        (keepers[0], str(env.photos / "album" / ".." / "album" / keepers[0].name), keepers[0]),
        (keepers[1], "/" + str(keepers[1]), keepers[1]),  # //tmp/...: the same file
        (keepers[2], "./" + keepers[2].name, keepers[2]),
        (keepers[3], keepers[3].name, keepers[3]),  # relative
        (notes_copy, str(notes), notes),  # outside the roots, and a text file
    ]
    data["groups"] = [
        edited_group(n, keeper, path, real) for n, (keeper, path, real) in enumerate(spelled, 1)
    ]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    before = {p: p.read_bytes() for p in (*keepers, notes, notes_copy)}

    cli_main(["clean", "--from", str(edited), "--yes"])
    capsys.readouterr()
    assert {p: p.read_bytes() for p in before if p.exists()} == before
    assert env.trashed_names() == []
    plan = plan_removal(resultio.load(edited))
    assert plan.files == ()
    assert {k.reason for k in plan.refused} == {KeepReason.BAD_PATH}


def test_a_picture_inside_the_roots_with_a_made_up_record_stays(env: Env, tmp_path: Path) -> None:
    """An edited entry for a real file under the roots whose identity was guessed."""
    keep = write(env.photos / "a" / "IMG_1.jpg", photo_bytes(1))
    other = write(env.photos / "b" / "IMG_1.jpg", photo_bytes(1))
    data = resultio.result_to_dict(exact_result(env.photos / "x", groups=1))
    data["settings"]["roots"] = [str(env.photos)]
    group = edited_group(1, keep, str(other), other)
    group["members"][1]["inode"] += 1
    data["groups"] = [group]
    plan = plan_removal(resultio.result_from_dict(data))
    assert [(k.path, k.reason) for k in plan.refused] == [(str(other), KeepReason.CHANGED)]


# -- malformed result files ------------------------------------------------------------------


def valid_dict(tmp_path: Path) -> dict[str, Any]:
    root = tmp_path / "lib"
    res = exact_result(root, groups=2, copies=3)
    return json.loads(resultio.dumps(res))


def set_in(data: dict[str, Any], where: tuple[object, ...], value: object) -> None:
    target: Any = data
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value


MEMBER = ("groups", 0, "members", 0)
BAD_VALUES: list[tuple[str, tuple[object, ...], object]] = [
    ("path is a number", (*MEMBER, "path"), 12),
    ("path is null", (*MEMBER, "path"), None),
    ("path is a list", (*MEMBER, "path"), ["a", "b"]),
    ("path contains NUL", (*MEMBER, "path"), "/tmp/a\0b.jpg"),
    # A lone surrogate that no file name decodes to: os.stat raised UnicodeEncodeError.
    ("path is no possible name", (*MEMBER, "path"), "/tmp/a\ud800b.jpg"),
    ("a root is no possible name", ("settings", "roots"), ["/tmp/\ud800"]),
    ("size is text", (*MEMBER, "size"), "big"),
    ("size is a numeric string", (*MEMBER, "size"), "2048"),
    ("size is huge", (*MEMBER, "size"), 1e400),
    ("size is true", (*MEMBER, "size"), True),
    ("mtime is a float", (*MEMBER, "mtime_ns"), 1.5),
    ("inode is an object", (*MEMBER, "inode"), {"a": 1}),
    ("sha256 is a number", (*MEMBER, "sha256"), 5),
    ("metrics is a list", (*MEMBER, "metrics"), [1, 2]),
    ("metrics are empty", (*MEMBER, "metrics"), {}),
    ("keeper is text", (*MEMBER, "keeper"), "yes"),
    ("hardlinks is text", (*MEMBER, "hardlinks"), "abc"),
    ("members is text", ("groups", 0, "members"), "abc"),
    ("a member is a list", ("groups", 0, "members", 0), []),
    ("groups is an object", ("groups",), {}),
    ("group id is text", ("groups", 0, "id"), "one"),
    ("group kind unknown", ("groups", 0, "kind"), "maybe"),
    ("roots is text", ("settings", "roots"), "/tmp"),
    ("a root is a number", ("settings", "roots"), [3]),
    ("similarity is null", ("settings", "similarity"), None),
    ("threshold is text", ("settings", "threshold"), "5"),
    ("stats is a list", ("stats",), []),
    ("a stat is text", ("stats", "files_seen"), "many"),
    ("skipped is a number", ("skipped",), 3),
    ("a skip reason unknown", ("skipped",), [{"path": "/a", "reason": "bored"}]),
    ("started_at is a number", ("started_at",), 5),
    ("settings missing", ("settings",), None),
    # issue 12: why the keeper won over a copy, checked like every other value
    ("kept_over is text", (*MEMBER, "kept_over"), "resolution"),
    ("kept_over is a list", (*MEMBER, "kept_over"), ["resolution", "a", "b"]),
    ("kept_over criterion is a number", (*MEMBER, "kept_over"),
     {"criterion": 3, "keeper": "a", "copy": "b"}),
    ("kept_over criterion is no key", (*MEMBER, "kept_over"),
     {"criterion": "Bigger! <b>", "keeper": "a", "copy": "b"}),
    ("kept_over criterion is empty", (*MEMBER, "kept_over"),
     {"criterion": "", "keeper": "a", "copy": "b"}),
    ("kept_over keeper missing", (*MEMBER, "kept_over"), {"criterion": "resolution", "copy": "b"}),
    ("kept_over copy is a list", (*MEMBER, "kept_over"),
     {"criterion": "resolution", "keeper": "a", "copy": []}),
    ("kept_over value is huge", (*MEMBER, "kept_over"),
     {"criterion": "resolution", "keeper": "x" * 5000, "copy": "b"}),
]  # fmt: skip
MISSING: list[tuple[str, tuple[object, ...]]] = [
    ("no settings", ("settings",)),
    ("no groups", ("groups",)),
    ("no member path", (*MEMBER, "path")),
    ("no member size", (*MEMBER, "size")),
    ("no member device", (*MEMBER, "device")),
    ("no member inode", (*MEMBER, "inode")),
    ("no group members", ("groups", 0, "members")),
    ("no roots", ("settings", "roots")),
]


def check_one_line_error(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ResultFormatError) as caught:
        resultio.load(path)
    assert "\n" not in str(caught.value)
    capsys.readouterr()
    for argv in (
        ["clean", "--from", str(path), "--yes"],
        ["report", "--from", str(path), "--csv", str(path.parent / "out.csv")],
    ):
        assert cli_main(argv) == 3
        captured = capsys.readouterr()
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1, captured.err
        assert lines[0].startswith("photosift: ")
        assert "Traceback" not in captured.err + captured.out


@pytest.mark.parametrize(("name", "where", "value"), BAD_VALUES, ids=[b[0] for b in BAD_VALUES])
def test_a_wrong_value_is_one_clear_line(
    name: str,
    where: tuple[object, ...],
    value: object,
    env: Env,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = valid_dict(tmp_path)
    set_in(data, where, copy.deepcopy(value))
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    check_one_line_error(path, capsys)


@pytest.mark.parametrize(("name", "where"), MISSING, ids=[m[0] for m in MISSING])
def test_a_missing_key_is_one_clear_line(
    name: str,
    where: tuple[object, ...],
    env: Env,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = valid_dict(tmp_path)
    target: Any = data
    for key in where[:-1]:
        target = target[key]
    del target[where[-1]]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    check_one_line_error(path, capsys)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"schema": "photosift-result", "schema_version": 1, "groups": '
        + "[" * 50_000
        + "]" * 50_000
        + "}",
        '{"schema": "photosift-result", "schema_version": 1, "x": ' + "9" * 5000 + "}",
        "",
        "null",
        '"photosift-result"',
    ],
    ids=["deep list", "deep groups", "a 5000-digit number", "empty", "null", "a string"],
)
def test_unreadable_json_is_one_clear_line(
    text: str, env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    check_one_line_error(path, capsys)


def _set_members(data: dict[str, Any], members: list[dict[str, Any]]) -> None:
    data["groups"][0]["members"] = members


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda ms: [], id="no-copies"),
        pytest.param(lambda ms: ms[:1], id="one-copy"),
        pytest.param(lambda ms: [{**m, "keeper": False} for m in ms], id="no-keeper"),
        pytest.param(lambda ms: [{**m, "keeper": True} for m in ms], id="two-keepers"),
        pytest.param(
            lambda ms: [
                {**m, "suggested_remove": m["keeper"] or m["suggested_remove"]} for m in ms
            ],
            id="keeper-to-remove",
        ),
    ],
)
def test_a_set_that_is_not_a_set_is_one_clear_line(
    edit: Any, env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hand-edited sets the review, the plan and the report cannot stand on (the window
    crashed on an empty set opened with File → Open results) are refused on reading."""
    data = valid_dict(tmp_path)
    _set_members(data, edit(copy.deepcopy(data["groups"][0]["members"])))
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    check_one_line_error(path, capsys)
