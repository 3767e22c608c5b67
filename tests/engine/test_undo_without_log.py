"""Issue 10, class 6: with the undo log gone (or partly unreadable), `photosift undo
--from-trash` finds PhotoSift's moves in the quarantine folders' own indexes and in the
trash's records, lists them, asks, and puts them back."""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleaner.removal.trash
from cleaner.removal.move import QuarantineMode, RemovalOptions, run_removal
from cleaner.removal.plan import plan_removal
from cleaner.removal.trash import QUARANTINE_INDEX_NAME
from cleaner.removal.undolog import LOG_FILE_NAME, UndoLog
from tests.helpers.damaged_log import damage_middle_page
from tests.helpers.recycle_bin import recycle_record
from tests.helpers.removal_cli import cli
from tests.helpers.removal_helpers import Env, exact_result, isolate, photo_bytes, snapshot, write


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    return isolate(monkeypatch, tmp_path)


def lose_the_log(env: Env) -> None:
    for p in env.data_dir.iterdir():
        p.unlink()


def test_a_quarantine_batch_comes_back_from_its_own_index(
    env: Env,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    quarantine = tmp_path / "quarantine"
    res = exact_result(env.photos, groups=50)
    plan = plan_removal(res)
    originals = snapshot([f.path for f in plan.files])
    with UndoLog() as log:
        finished = run_removal(
            plan, log, options=RemovalOptions(QuarantineMode.ALWAYS, str(quarantine))
        )
    assert len(finished.removed) == 50
    index = quarantine / finished.batch_id / QUARANTINE_INDEX_NAME
    records = [json.loads(line) for line in index.read_text().splitlines()]
    assert records[0]["photosift_quarantine_batch"] == finished.batch_id
    assert [r["original"] for r in records[1:]] == [f.path for f in plan.files]
    lose_the_log(env)

    assert cli("undo") == 0
    assert "Nothing to undo." in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert cli("undo", "--from-trash", "--quarantine", str(quarantine)) == 0
    out = capsys.readouterr().out
    assert "Found 50 files to put back:" in out
    assert f"(from quarantine batch {finished.batch_id})" in out
    assert "Put back these 50 files? [y/N]" in out
    assert "Nothing was put back." in out
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert cli("undo", "--from-trash", "--quarantine", str(quarantine)) == 1
    assert "no answer on standard input" in capsys.readouterr().err
    assert not any(os.path.exists(p) for p in originals)

    assert cli("undo", "--from-trash", "--quarantine", str(quarantine), "--yes") == 0
    assert "50 of 50 files put back." in capsys.readouterr().out
    assert snapshot(list(originals)) == originals
    assert list(quarantine.iterdir()) == []  # the batch folder and its index are gone


def test_the_trash_is_searched_only_inside_the_named_folder_and_since_a_date(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    res = exact_result(env.photos, groups=20)
    plan = plan_removal(res)
    originals = snapshot([f.path for f in plan.files])
    with UndoLog() as log:
        assert len(run_removal(plan, log).removed) == 20
    # The user's own deletions: one from another folder, one from the photos long ago.
    other = write(tmp_path / "documents" / "notes.txt", b"notes")
    cleaner.removal.trash.move_to_trash(str(other))
    old = write(env.photos / "old.jpg", photo_bytes(999))
    cleaner.removal.trash.move_to_trash(str(old))
    (info,) = [p for p in (env.trash / "info").iterdir() if p.name.startswith("old.jpg")]
    info.write_text(
        info.read_text().replace(
            info.read_text().split("DeletionDate=")[1], "2020-01-01T10:00:00\n"
        )
    )
    lose_the_log(env)

    assert cli("undo", "--from-trash") == 1
    assert "say where to look" in capsys.readouterr().err
    assert cli("undo", "--from-trash", "--folder", str(env.photos), "--since", "2099-01-01") == 0
    assert "Nothing found to put back" in capsys.readouterr().out

    assert (
        cli("undo", "--from-trash", "--folder", str(env.photos), "--since", "2021-01-01", "--yes")
        == 0
    )
    out = capsys.readouterr().out
    assert "Found 20 files to put back:" in out
    assert "chosen by their original folder and date only" in out
    assert "20 of 20 files put back." in out
    assert snapshot(list(originals)) == originals
    assert not old.exists()
    assert not other.exists()
    assert sorted(env.trashed_names()) == ["notes.txt", "old.jpg"]


def test_a_damaged_index_record_is_one_line_and_a_changed_file_stays(
    env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    quarantine = tmp_path / "quarantine"
    res = exact_result(env.photos, groups=3)
    plan = plan_removal(res)
    with UndoLog() as log:
        finished = run_removal(
            plan, log, options=RemovalOptions(QuarantineMode.ALWAYS, str(quarantine))
        )
    batch_dir = quarantine / finished.batch_id
    index = batch_dir / QUARANTINE_INDEX_NAME
    lines = index.read_text().splitlines()
    first, second = json.loads(lines[1]), json.loads(lines[2])
    first["stored"] = "../../documents/letter.txt"  # an edit pointing outside the batch
    lines[1] = json.dumps(first)
    index.write_text("\n".join([*lines, "{not json"]) + "\n")
    (batch_dir / second["stored"]).write_bytes(b"changed in the quarantine")
    lose_the_log(env)

    assert cli("undo", "--from-trash", "--quarantine", str(quarantine), "--yes") == 1
    out, err = capsys.readouterr()
    assert "line 2: the stored path leaves the batch folder" in err
    assert "line 5: not a record PhotoSift writes" in err
    assert f"{second['original']}: the copy found differs from the removed file" in err
    assert "1 of 2 files put back" in out
    assert not os.path.exists(second["original"])


def test_what_a_damaged_log_lost_comes_back_from_the_trash(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    res = exact_result(env.photos, groups=1_000)
    plan = plan_removal(res)
    originals = snapshot([f.path for f in plan.files])
    with UndoLog() as log:
        run_removal(plan, log)
    damage_middle_page(env.data_dir / LOG_FILE_NAME)
    assert cli("undo") == 0
    err = capsys.readouterr().err
    assert "file records could not be read" in err
    assert "photosift undo --from-trash" in err
    lost = len(env.trashed_names())
    assert 0 < lost < 100
    assert cli("undo", "--from-trash", "--folder", str(env.photos), "--yes") == 0
    assert f"{lost} of {lost} files put back." in capsys.readouterr().out
    assert snapshot(list(originals)) == originals
    assert env.trashed_names() == []


def test_recycle_bin_records_inside_the_folder_are_offered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cleaner.removal import rescue

    bin_dir = tmp_path / "$Recycle.Bin" / "S-1-5-21-42"
    bin_dir.mkdir(parents=True)
    photos = tmp_path / "photos"
    ours = str(photos / "a.jpg")
    theirs = str(tmp_path / "documents" / "b.txt")
    for tag, original in (("AAA111", ours), ("BBB222", theirs)):
        (bin_dir / f"$I{tag}.jpg").write_bytes(recycle_record(original, 5, 1_700_000_000.0))
        (bin_dir / f"$R{tag}.jpg").write_bytes(b"bytes")
    (bin_dir / "$ICCC333.jpg").write_bytes(b"\x02short")  # a damaged record: ignored
    monkeypatch.setattr(rescue, "recycle_bin_dirs", lambda folder: [str(bin_dir)])
    found = rescue.find_in_trash([str(photos)], platform="win32")
    assert [(f.original_path, Path(f.data_path).name) for f in found] == [(ours, "$RAAA111.jpg")]
    assert rescue.find_in_trash([str(photos)], since=1_800_000_000.0, platform="win32") == []
    assert rescue.find_in_trash([str(photos)], platform="darwin") == []
    assert rescue.find_in_trash([], platform="win32") == []  # never without a folder
    (result,) = [rescue.put_back(f) for f in found]
    assert result.ok
    assert Path(ours).read_bytes() == b"bytes"
    assert sorted(p.name for p in bin_dir.iterdir()) == [
        "$IBBB222.jpg",
        "$ICCC333.jpg",
        "$RBBB222.jpg",
    ]


index_values = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["../x", "ELSEWHERE", "a\x00b", "ab" * 32, "./x.jpg", "//x.jpg"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    field=st.sampled_from(["original", "stored", "size", "mtime_ns", "sha256", "moved_at"]),
    value=st.one_of(st.just("ELSEWHERE"), index_values),
    raw_line=st.one_of(st.none(), st.text(max_size=40)),
)
def test_any_edit_of_a_quarantine_index_is_one_line_and_moves_only_its_own_files(
    tmp_path_factory: pytest.TempPathFactory, field: str, value: object, raw_line: str | None
) -> None:
    from cleaner.removal import rescue

    root = tmp_path_factory.mktemp("q")
    batch_dir = root / "quarantine" / "20250101-000000-abcd"
    photos = root / "photos"
    outsider = write(root / "documents" / "letter.txt", b"letter")
    records = []
    for i in range(3):
        original = photos / f"IMG_{i}.jpg"
        stored = str(original).lstrip("/")
        data = photo_bytes(i, 300)
        write(batch_dir / stored, data)
        records.append(
            {
                "original": str(original),
                "stored": stored,
                "size": len(data),
                "mtime_ns": 1_600_000_000_000_000_000,
                "sha256": hashlib.sha256(data).hexdigest(),
                "moved_at": 1_700_000_000.0,
            }
        )
    elsewhere = root / "elsewhere" / "IMG_0.jpg"
    records[0][field] = str(elsewhere) if value == "ELSEWHERE" else value
    lines = [json.dumps({"photosift_quarantine_batch": batch_dir.name, "format": 1})]
    lines += [json.dumps(r) for r in records]
    if raw_line is not None:
        lines.append(raw_line)
    (batch_dir / QUARANTINE_INDEX_NAME).write_text("\n".join(lines) + "\n")

    found, problems = rescue.find_in_quarantine([str(root / "quarantine")])
    extra_lines = len(raw_line.splitlines()) if raw_line is not None else 0
    assert len(problems) <= 1 + extra_lines  # one line per line that is not a record
    results = [rescue.put_back(f) for f in found]
    assert all(isinstance(r.message, str) for r in results)
    for i in (1, 2):  # the untouched records always come back
        assert (photos / f"IMG_{i}.jpg").read_bytes() == photo_bytes(i, 300)
    assert outsider.read_bytes() == b"letter"
    assert not elsewhere.parent.exists()  # never to a path an edit chose
    back = sorted(p.name for p in photos.iterdir())
    assert set(back) <= {"IMG_0.jpg", "IMG_1.jpg", "IMG_2.jpg", "IMG_0 (restored).jpg"}
    for p in photos.rglob("*"):  # only the batch's own bytes ever arrive
        assert p.read_bytes() in {photo_bytes(i, 300) for i in range(3)}


@pytest.mark.parametrize("spelling", ["relative", "trailing slash", "dot"])
def test_a_quarantine_folder_named_any_way_is_searched_and_put_back(
    env: Env,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    spelling: str,
) -> None:
    """Caught in review: `--quarantine BATCH/` (or a relative or `.` spelling of the batch
    folder) found the files, then ended with a ValueError traceback before putting any back."""
    quarantine = tmp_path / "quarantine"
    res = exact_result(env.photos, groups=20)
    plan = plan_removal(res)
    originals = snapshot([f.path for f in plan.files])
    with UndoLog() as log:
        finished = run_removal(
            plan, log, options=RemovalOptions(QuarantineMode.ALWAYS, str(quarantine))
        )
    lose_the_log(env)
    batch_dir = quarantine / finished.batch_id
    given_as = {
        "relative": ("quarantine", tmp_path),
        "trailing slash": (str(batch_dir) + os.sep, tmp_path),
        "dot": (".", batch_dir),
    }[spelling]
    monkeypatch.chdir(given_as[1])
    assert cli("undo", "--from-trash", "--quarantine", given_as[0], "--yes") == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert f"(from quarantine batch {finished.batch_id})" in out
    assert "20 of 20 files put back." in out
    assert snapshot(list(originals)) == originals


def test_a_trash_record_naming_no_possible_file_is_passed_over(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    """Caught in review: a `.trashinfo` record whose Path holds %00 (a NUL no file name can
    have) inside the named folder was offered, and putting it back ended in a ValueError
    traceback ("embedded null byte"), with files still waiting to come back."""
    res = exact_result(env.photos, groups=5)
    plan = plan_removal(res)
    originals = snapshot([f.path for f in plan.files])
    with UndoLog() as log:
        assert len(run_removal(plan, log).removed) == 5
    lose_the_log(env)
    odd = write(env.photos / "odd.jpg", photo_bytes(77))
    cleaner.removal.trash.move_to_trash(str(odd))
    (info,) = [p for p in (env.trash / "info").iterdir() if p.name.startswith("odd.jpg")]
    info.write_text(info.read_text().replace("odd.jpg", "o%00dd.jpg"))
    capsys.readouterr()

    assert cli("undo", "--from-trash", "--folder", str(env.photos), "--yes") == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "Found 5 files to put back:" in out
    assert "5 of 5 files put back." in out
    assert snapshot(list(originals)) == originals
    assert env.trashed_names() == ["odd.jpg"]  # not PhotoSift's to put anywhere
