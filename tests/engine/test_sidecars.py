"""Sidecar files (XMP, Apple .AAE, .THM) travel with their picture, and never alone.

Every test here scans real pictures and moves them to a real (isolated) trash: the
sidecar must go with the copy it belongs to, come back with it on undo, be listed in the
plan and the report, never be moved while another picture still uses it, and never be
taken for a picture itself.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import resultio
from cleaner.cli import clean_cmd, undo_cmd
from cleaner.detect.scan import run_scan
from cleaner.errors import ResultFormatError
from cleaner.models import ScanResult, ScanSettings
from cleaner.removal.move import run_removal
from cleaner.removal.plan import KeepReason, plan_removal
from cleaner.removal.restore import RestoreState, run_restore
from cleaner.removal.undolog import Outcome, UndoLog
from tests.helpers import images
from tests.helpers.movers import child_env
from tests.helpers.removal_helpers import Env, isolate, snapshot

XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>'
    b"<dc:subject>Museum inventory 1987/12, gift of the Smith family</dc:subject>"
    b"</rdf:Description></rdf:RDF></x:xmpmeta>\n"
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    return isolate(monkeypatch, tmp_path)


def jpeg(path: Path, seed: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(images.jpeg_bytes(images.photo(seed, (320, 240))))
    return path


def copy(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(src.read_bytes())
    return dst


def text(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def scan(env: Env) -> ScanResult:
    return run_scan(ScanSettings(roots=(str(env.photos),)), cache_path=None)


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="photosift")
    sub = parser.add_subparsers(dest="command")
    for module in (clean_cmd, undo_cmd):
        module.add_parser(sub)
    args = parser.parse_args(argv)
    return {"clean": clean_cmd, "undo": undo_cmd}[args.command].run(args)


def library(env: Env, sidecar_name: str = "IMG_1234.xmp") -> tuple[Path, Path, Path]:
    """An original in originals/ (the keeper) and an exact copy in copies/ that carries a
    sidecar. Returns (keeper, copy, sidecar)."""
    keeper = jpeg(env.photos / "originals" / "IMG_1234.JPG", 1)
    dup = copy(keeper, env.photos / "copies" / "IMG_1234.JPG")
    sidecar = text(env.photos / "copies" / sidecar_name, XMP)
    return keeper, dup, sidecar


# -- the sidecar goes with its picture and comes back with it -----------------------------


@pytest.mark.parametrize(
    "sidecar_name",
    ["IMG_1234.xmp", "IMG_1234.JPG.xmp", "img_1234.XMP", "IMG_1234.AAE", "IMG_O1234.AAE"],
)
def test_the_sidecar_goes_to_the_trash_with_its_picture_and_comes_back(
    env: Env, sidecar_name: str
) -> None:
    keeper, dup, sidecar = library(env, sidecar_name)
    before = snapshot([str(dup), str(sidecar)])
    res = scan(env)
    (group,) = res.groups
    assert [m.path for m in group.members if m.suggested_remove] == [str(dup)]
    with UndoLog() as log:
        finished = run_removal(plan_removal(res), log)
        assert [r.path for r in finished.removed] == [str(dup)]
        assert finished.kept == ()
        assert not dup.exists()
        assert not sidecar.exists()
        assert sorted(env.trashed_names()) == sorted([dup.name, sidecar.name])
        entries = log.entries(finished.batch_id)
        assert [(e.original_path, e.outcome) for e in entries] == [
            (str(dup), Outcome.MOVED),
            (str(sidecar), Outcome.MOVED),
        ]
        undone = run_restore(log, finished.batch_id)
    assert all(r.ok for r in undone.results)
    assert len(undone.results) == 2
    assert snapshot([str(dup), str(sidecar)]) == before
    assert keeper.exists()


def test_a_thm_thumbnail_goes_with_its_raw_and_is_never_a_picture(env: Env) -> None:
    """A camera's .THM is a small JPEG. It must not be grouped as a copy of anything, and
    it goes with the picture it belongs to."""
    keeper = jpeg(env.photos / "originals" / "MVI_0042.JPG", 2)
    dup = copy(keeper, env.photos / "copies" / "MVI_0042.JPG")
    thm = copy(keeper, env.photos / "copies" / "MVI_0042.THM")  # a valid JPEG, same bytes
    res = scan(env)
    grouped = [m.path for g in res.groups for m in g.members]
    assert str(thm) not in grouped
    assert sorted(grouped) == sorted([str(keeper), str(dup)])
    with UndoLog() as log:
        finished = run_removal(plan_removal(res), log)
    assert [r.path for r in finished.removed] == [str(dup)]
    assert not thm.exists()
    assert sorted(env.trashed_names()) == sorted([dup.name, thm.name])


def test_the_cli_plan_lists_the_sidecar_and_undo_brings_both_back(
    env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _keeper, dup, sidecar = library(env)
    before = snapshot([str(dup), str(sidecar)])
    result_file = tmp_path / "result.json"
    resultio.save(scan(env), result_file)
    assert cli("clean", "--from", str(result_file), "--dry-run") == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    at = lines.index(f"  {dup}")
    assert str(sidecar) in lines[at + 1]  # listed right under its picture
    assert "sidecar" in lines[at + 1]
    assert sidecar.exists()

    assert cli("clean", "--from", str(result_file), "--yes") == 0
    out = capsys.readouterr().out
    assert "Moved 1 file" in out
    assert "1 sidecar file" in out
    assert not sidecar.exists()
    assert cli("undo") == 0
    assert "2 of 2 files put back." in capsys.readouterr().out
    assert snapshot([str(dup), str(sidecar)]) == before


# -- the keeper has no sidecar: say so ------------------------------------------------------


def test_the_plan_says_when_only_the_removed_copy_has_a_sidecar(
    env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library(env)
    result_file = tmp_path / "result.json"
    resultio.save(scan(env), result_file)
    assert cli("clean", "--from", str(result_file), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "the copy that stays has no sidecar file" in out
    (planned,) = plan_removal(resultio.load(result_file)).files
    assert planned.keeper_has_no_sidecar


def test_no_note_when_the_keeper_has_its_own_sidecar(
    env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keeper, _dup, _sidecar = library(env)
    text(keeper.with_suffix(".xmp"), XMP)
    result_file = tmp_path / "result.json"
    resultio.save(scan(env), result_file)
    assert cli("clean", "--from", str(result_file), "--dry-run") == 0
    assert "no sidecar" not in capsys.readouterr().out
    (planned,) = plan_removal(resultio.load(result_file)).files
    assert not planned.keeper_has_no_sidecar


# -- a sidecar shared by two pictures of one name -------------------------------------------


def test_a_sidecar_another_picture_still_uses_stays(env: Env) -> None:
    """IMG_1234.JPG goes (a copy of the original), IMG_1234.CR2 beside it stays (it is
    no copy of anything): the shared IMG_1234.xmp stays with the picture that stays."""
    _keeper, dup, sidecar = library(env)
    raw = jpeg(env.photos / "copies" / "IMG_1234.CR2", 7)  # another picture, same name
    res = scan(env)
    assert [m.path for g in res.groups for m in g.members if m.suggested_remove] == [str(dup)]
    with UndoLog() as log:
        finished = run_removal(plan_removal(res), log)
        assert [e.original_path for e in log.entries(finished.batch_id)] == [str(dup)]
    assert not dup.exists()
    assert sidecar.read_bytes() == XMP
    assert raw.exists()


def test_a_shared_sidecar_moves_once_with_the_last_picture_that_goes(env: Env) -> None:
    """Both pictures named IMG_1234 in copies/ are copies of originals: the shared xmp
    goes with the last of them, once, and comes back on undo."""
    _keeper, dup, sidecar = library(env)
    keeper_png = env.photos / "originals" / "IMG_1234.PNG"
    images.save(images.photo(8, (320, 240)), keeper_png)
    dup_png = copy(keeper_png, env.photos / "copies" / "IMG_1234.PNG")
    before = snapshot([str(dup), str(dup_png), str(sidecar)])
    res = scan(env)
    going = sorted(m.path for g in res.groups for m in g.members if m.suggested_remove)
    assert going == sorted([str(dup), str(dup_png)])
    plan = plan_removal(res)
    assert [s.path for f in plan.files for s in f.sidecars] == [str(sidecar)]  # listed once
    with UndoLog() as log:
        finished = run_removal(plan, log)
        entries = log.entries(finished.batch_id)
        assert sorted(e.original_path for e in entries) == sorted(before)
        assert [e.original_path for e in entries][-1] == str(sidecar)  # after both pictures
        assert all(e.outcome is Outcome.MOVED for e in entries)
        undone = run_restore(log, finished.batch_id)
    assert all(r.ok for r in undone.results)
    assert snapshot(list(before)) == before


def test_a_shared_sidecar_stays_when_its_other_picture_is_kept_at_the_last_moment(
    env: Env,
) -> None:
    """Both pictures were planned, but the first one changed before the move: it stays, so
    the shared xmp must stay too (it is still that picture's sidecar)."""
    _keeper, dup, sidecar = library(env)
    keeper_png = env.photos / "originals" / "IMG_1234.PNG"
    images.save(images.photo(8, (320, 240)), keeper_png)
    dup_png = copy(keeper_png, env.photos / "copies" / "IMG_1234.PNG")
    res = scan(env)
    plan = plan_removal(res)
    first = Path(plan.files[0].path)
    os.utime(first, ns=(1, 1))  # changed since the scan: it will be refused
    with UndoLog() as log:
        finished = run_removal(plan, log)
    assert [k.path for k in finished.kept] == [str(first)]
    assert first.exists()
    assert sidecar.read_bytes() == XMP
    assert not ({dup, dup_png} - {first}).pop().exists()


# -- a sidecar that changed or appeared since the scan ---------------------------------------


def test_a_sidecar_changed_since_the_scan_keeps_both_in_place(env: Env) -> None:
    _keeper, dup, sidecar = library(env)
    res = scan(env)
    sidecar.write_bytes(XMP + b"<!-- keywords added after the scan -->\n")
    with UndoLog() as log:
        finished = run_removal(plan_removal(res), log)
    assert finished.removed == ()
    (kept,) = finished.kept
    assert (kept.path, kept.reason) == (str(dup), KeepReason("sidecar_changed"))
    assert "sidecar" in kept.message
    assert sidecar.name in kept.message
    assert dup.exists()
    assert sidecar.exists()
    assert env.trashed_names() == []


def test_a_sidecar_that_appeared_since_the_scan_keeps_both_in_place(env: Env) -> None:
    keeper = jpeg(env.photos / "originals" / "IMG_1234.JPG", 1)
    dup = copy(keeper, env.photos / "copies" / "IMG_1234.JPG")
    res = scan(env)
    sidecar = text(env.photos / "copies" / "IMG_1234.xmp", XMP)  # written after the scan
    with UndoLog() as log:
        finished = run_removal(plan_removal(res), log)
    assert finished.removed == ()
    assert [(k.path, k.reason) for k in finished.kept] == [
        (str(dup), KeepReason("sidecar_changed"))
    ]
    assert dup.exists()
    assert sidecar.exists()


def test_a_sidecar_replaced_by_a_symlink_keeps_both_in_place(env: Env, tmp_path: Path) -> None:
    _keeper, dup, sidecar = library(env)
    res = scan(env)
    elsewhere = text(tmp_path / "elsewhere" / "notes.xmp", XMP)
    st = sidecar.stat()
    sidecar.unlink()
    sidecar.symlink_to(elsewhere)
    os.utime(sidecar, ns=(st.st_atime_ns, st.st_mtime_ns), follow_symlinks=False)
    with UndoLog() as log:
        finished = run_removal(plan_removal(res), log)
    assert finished.removed == ()
    assert dup.exists()
    assert sidecar.is_symlink()
    assert elsewhere.read_bytes() == XMP


def test_a_sidecar_swapped_for_another_file_of_the_same_size_and_time_keeps_both(
    env: Env, tmp_path: Path
) -> None:
    """Same size, same modification time, different file (another inode): not the sidecar
    the scan saw, so neither it nor its picture moves."""
    _keeper, dup, sidecar = library(env)
    res = scan(env)
    st = sidecar.stat()
    other = text(sidecar.with_name("swap.tmp"), XMP.replace(b"Smith", b"Jones"))
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(other, sidecar)
    assert (sidecar.stat().st_size, sidecar.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    with UndoLog() as log:
        finished = run_removal(plan_removal(res), log)
    assert finished.removed == ()
    assert [k.reason for k in finished.kept] == [KeepReason("sidecar_changed")]
    assert dup.exists()
    assert b"Jones" in sidecar.read_bytes()


# -- the report and the result file -----------------------------------------------------------


def test_the_result_json_records_sidecars_and_refuses_a_foreign_one(
    env: Env, tmp_path: Path
) -> None:
    _keeper, dup, sidecar = library(env)
    res = scan(env)
    data = resultio.result_to_dict(res)
    member = next(m for g in data["groups"] for m in g["members"] if m["path"] == str(dup))
    (recorded,) = member["sidecars"]
    assert recorded["path"] == str(sidecar)
    assert recorded["size"] == len(XMP)
    assert recorded["mtime_ns"] == sidecar.stat().st_mtime_ns
    assert (recorded["device"], recorded["inode"]) == (sidecar.stat().st_dev, sidecar.stat().st_ino)
    assert resultio.result_from_dict(json.loads(json.dumps(data))) == res
    # A hand-edited result cannot make clean move a file that is no sidecar of the picture.
    recorded["path"] = str(tmp_path / "home" / "notes.txt")
    with pytest.raises(ResultFormatError, match="sidecar"):
        resultio.result_from_dict(data)


def test_the_html_and_csv_reports_list_each_members_sidecars(env: Env, tmp_path: Path) -> None:
    from cleaner.report import write_report
    from cleaner.report.csv import write_csv

    _keeper, dup, sidecar = library(env)
    res = scan(env)
    write_report(res, {"html": tmp_path / "report.html"})
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert sidecar.name in html
    assert "sidecar" in html.lower()
    write_csv(res.groups, tmp_path / "report.csv")
    with open(tmp_path / "report.csv", encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    by_path = {row["path"]: row for row in table}
    assert by_path[str(dup)]["sidecars"] == str(sidecar)
    assert all(row["sidecars"] == "" for p, row in by_path.items() if p != str(dup))


# -- killed between the picture's move and its sidecar's ------------------------------------


@pytest.mark.parametrize("when", ["before", "after"])
def test_killed_between_picture_and_sidecar_everything_is_recorded_and_undoable(
    env: Env, tmp_path: Path, when: str
) -> None:
    """A child process moves the picture, then is killed (os._exit) just before its
    sidecar moves, or just after the sidecar moved but before its record was completed."""
    keeper, dup, sidecar = library(env)
    result_file = tmp_path / "result.json"
    resultio.save(scan(env), result_file)
    before = snapshot([str(dup), str(sidecar)])
    script = tmp_path / "child.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import os, sys
            from pathlib import Path
            import pytest
            from tests.helpers.removal_helpers import isolate
            import cleaner.removal.trash
            from cleaner import resultio
            from cleaner.removal.move import run_removal
            from cleaner.removal.plan import plan_removal
            from cleaner.removal.undolog import UndoLog

            mp = pytest.MonkeyPatch()
            isolate(mp, Path({str(tmp_path)!r}))
            plan = plan_removal(resultio.load({str(result_file)!r}))
            calls = 0
            def trash(path):
                global calls
                calls += 1
                if calls == 2 and {when!r} == "before":
                    os._exit(9)
                cleaner.removal.trash.send_to_trash(path)
                if calls == 2:
                    os._exit(9)
            assert cleaner.removal.trash.__file__.startswith({str(Path(__file__).parents[2])!r})
            with UndoLog() as log:
                run_removal(plan, log, trash=trash)
            """
        )
    )
    proc = subprocess.run(
        [sys.executable, str(script)],
        cwd=str(Path(__file__).parents[2]),
        env=child_env(),  # this checkout's cleaner and tests.helpers first
        check=False,
    )
    assert proc.returncode == 9
    assert not dup.exists()
    assert sidecar.exists() is (when == "before")
    with UndoLog() as log:
        (batch,) = log.batches()
        entries = log.entries(batch.id)
        assert [(e.original_path, e.outcome) for e in entries] == [
            (str(dup), Outcome.MOVED),
            (str(sidecar), Outcome.PENDING),
        ]
        undone = run_restore(log, batch.id)
    assert all(r.ok for r in undone.results)
    assert snapshot([str(dup), str(sidecar)]) == before
    assert keeper.exists()


# -- naming rules, and the folder index against its plain definition ---------------------------


def test_which_names_are_sidecars_of_which_picture() -> None:
    from cleaner.sidecars import find_sidecars, users

    names = [
        "IMG_1234.CR2", "IMG_1234.JPG", "IMG_1234.xmp", "IMG_1234.CR2.xmp", "IMG_1234.AAE",
        "IMG_O1234.AAE", "IMG_E1234.HEIC", "IMG_1234.THM", "IMG_12345.xmp", "IMG_1234 copy.xmp",
        "img_1234.Xmp", "notes.txt", "IMG_1234.JPG.xmp.bak",
    ]  # fmt: skip
    d = "/p"
    assert find_sidecars("/p/IMG_1234.CR2", names) == tuple(
        f"{d}/{n}"
        for n in sorted(
            ["IMG_1234.xmp", "IMG_1234.CR2.xmp", "IMG_1234.AAE", "IMG_O1234.AAE",
             "IMG_1234.THM", "img_1234.Xmp"]
        )
    )  # fmt: skip
    assert "/p/IMG_1234.CR2.xmp" not in find_sidecars("/p/IMG_1234.JPG", names)
    assert find_sidecars("/p/IMG_E1234.HEIC", names) == ()  # the edited render has none
    assert users("/p/IMG_1234.xmp", names) == ("/p/IMG_1234.CR2", "/p/IMG_1234.JPG")
    assert users("/p/IMG_1234.CR2.xmp", names) == ("/p/IMG_1234.CR2",)
    assert users("/p/IMG_O1234.AAE", names) == ("/p/IMG_1234.CR2", "/p/IMG_1234.JPG")
    assert users("/p/IMG_12345.xmp", names) == ()


NAME = st.builds(
    lambda stem, num, ext: f"{stem}{num}{ext}",
    st.sampled_from(["IMG_", "img_", "IMG_O", "DSC", "a", "A.", ""]),
    st.sampled_from(["", "1", "12", "O1"]),
    st.sampled_from(
        ["", ".jpg", ".JPG", ".cr2", ".xmp", ".XMP", ".jpg.xmp", ".aae", ".AAE", ".thm", ".txt"]
    ),
)


def agrees_with_the_plain_rule(index: object, names: list[str]) -> None:
    from cleaner.sidecars import FolderIndex, is_picture_name, is_sidecar_name, sidecar_keys

    assert isinstance(index, FolderIndex)
    for n in names:
        if is_picture_name(n):
            plain = sorted(
                f"/f/{s}"
                for s in names
                if s != n and is_sidecar_name(s) and s.casefold() in sidecar_keys(n)
            )
            assert list(index.sidecars(n)) == plain
        if is_sidecar_name(n):
            plain = sorted(
                f"/f/{p}"
                for p in names
                if p != n and is_picture_name(p) and n.casefold() in sidecar_keys(p)
            )
            assert list(index.users(n)) == plain


@settings(max_examples=300, deadline=None)
@given(
    names=st.lists(NAME, max_size=25, unique=True),
    gone=st.lists(st.booleans(), min_size=25, max_size=25),
    warm=st.booleans(),
)
def test_the_folder_index_agrees_with_the_plain_rule(
    names: list[str], gone: list[bool], warm: bool
) -> None:
    """Looked up by index or by scanning every name with `sidecar_keys`: the same answer,
    and a sidecar's users are exactly the pictures that list it among their sidecars; also
    after the batch's own moves were taken out of an index already used (`warm`) or not."""
    from cleaner.sidecars import FolderIndex

    index = FolderIndex("/f", names)
    if warm:
        agrees_with_the_plain_rule(index, names)
    moved = [n for n, g in zip(names, gone[: len(names)], strict=True) if g]
    for n in moved:
        index.discard(n)
    agrees_with_the_plain_rule(index, [n for n in names if n not in moved])


# -- at scale: one listing per folder at scan time, few at removal time ---------------------


@pytest.mark.slow
def test_thousands_of_pictures_with_sidecars_list_each_folder_rarely(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,000 copies with an XMP each in one folder (and their originals in another): the
    scan lists each folder once to find sidecars, the removal lists it a handful of times
    (not once per file), and every sidecar goes with its picture and comes back."""
    import cleaner.sidecars

    n = 1000
    originals, copies = env.photos / "originals", env.photos / "copies"
    for d in (originals, copies):
        d.mkdir(parents=True)
    for i in range(n):
        data = images.jpeg_bytes(images.photo(i, (96, 72)), quality=80)
        (originals / f"IMG_{i:04d}.JPG").write_bytes(data)
        (copies / f"IMG_{i:04d}.JPG").write_bytes(data)
        (copies / f"IMG_{i:04d}.xmp").write_bytes(XMP + str(i).encode())
    listed: list[str] = []
    real_listdir = os.listdir

    def counting_listdir(path: str) -> list[str]:
        listed.append(path)
        return real_listdir(path)

    class CountingOs:
        listdir = staticmethod(counting_listdir)

        def __getattr__(self, name: str) -> object:
            return getattr(os, name)

    monkeypatch.setattr(cleaner.sidecars, "os", CountingOs())
    res = scan(env)
    assert len(res.groups) == n
    assert sorted(listed) == sorted([str(originals), str(copies)])
    plan = plan_removal(res)
    assert len(plan.files) == n
    assert all(len(f.sidecars) == 1 for f in plan.files)
    before = snapshot([str(p) for p in copies.iterdir()])
    listed.clear()
    with UndoLog() as log:
        finished = run_removal(plan, log)
        assert len(finished.removed) == n
        assert finished.kept == ()
        assert sum(len(r.sidecars) for r in finished.removed) == n
        assert list(copies.iterdir()) == []
        assert 1 <= len(listed) < 100  # re-listed at most about once a second
        undone = run_restore(log, finished.batch_id)
    assert len(undone.results) == 2 * n
    assert all(r.ok for r in undone.results)
    assert snapshot(list(before)) == before


def test_sidecar_extensions_are_never_picture_candidates() -> None:
    from cleaner.formats import is_image_candidate
    from cleaner.sidecars import SIDECAR_EXTENSIONS

    for ext in SIDECAR_EXTENSIONS:
        for spelled in (ext, ext.upper()):
            assert not is_image_candidate(f"/p/IMG_1234{spelled}")
            assert not is_image_candidate(f"/p/IMG_1234.CR2{spelled}")


def test_the_sidecar_follows_its_picture_into_the_quarantine_folder_and_back(
    env: Env, tmp_path: Path
) -> None:
    from cleaner.removal.move import QuarantineMode, RemovalOptions

    _keeper, dup, sidecar = library(env, "IMG_1234.JPG.xmp")
    before = snapshot([str(dup), str(sidecar)])
    quarantine = tmp_path / "quarantine"
    options = RemovalOptions(QuarantineMode.ALWAYS, str(quarantine))
    with UndoLog() as log:
        finished = run_removal(plan_removal(scan(env)), log, options=options)
        (removed,) = finished.removed
        (moved_sidecar,) = removed.sidecars
        assert moved_sidecar.destination is not None
        assert Path(moved_sidecar.destination).read_bytes() == XMP
        assert env.trashed_names() == []
        assert not sidecar.exists()
        undone = run_restore(log, finished.batch_id)
    assert all(r.ok for r in undone.results)
    assert snapshot([str(dup), str(sidecar)]) == before


def test_a_result_from_before_sidecars_were_recorded_keeps_a_copy_that_has_one(
    env: Env, tmp_path: Path
) -> None:
    """An older result has no `sidecars`: clean cannot tell an old sidecar from a new one,
    so the copy stays (scan again) rather than leave its keywords behind."""
    _keeper, dup, sidecar = library(env)
    data = resultio.result_to_dict(scan(env))
    for g in data["groups"]:
        for m in g["members"]:
            del m["sidecars"]
    with UndoLog() as log:
        finished = run_removal(plan_removal(resultio.result_from_dict(data)), log)
    assert finished.removed == ()
    assert [(k.path, k.reason) for k in finished.kept] == [
        (str(dup), KeepReason("sidecar_changed"))
    ]
    assert dup.exists()
    assert sidecar.exists()


def test_a_sidecar_the_trash_refuses_is_reported_and_its_picture_can_come_back(
    env: Env,
) -> None:
    """The picture moved, then its sidecar could not be moved: the batch says so for the
    sidecar (recorded as failed), and undo puts the picture back beside it."""
    import cleaner.removal.trash

    _keeper, dup, sidecar = library(env)
    before = snapshot([str(dup), str(sidecar)])

    def trash(path: str) -> None:
        if path.endswith(".xmp"):
            raise PermissionError(13, "Permission denied", path)
        cleaner.removal.trash.send_to_trash(path)

    with UndoLog() as log:
        finished = run_removal(plan_removal(scan(env)), log, trash=trash)
        (removed,) = finished.removed
        assert removed.sidecars == ()
        assert [(k.path, k.reason) for k in removed.sidecars_kept] == [
            (str(sidecar), KeepReason.FAILED)
        ]
        outcomes = [(e.original_path, e.outcome) for e in log.entries(finished.batch_id)]
        assert outcomes == [(str(dup), Outcome.MOVED), (str(sidecar), Outcome.FAILED)]
        undone = run_restore(log, finished.batch_id)
    # the sidecar's entry is the log's usual "never moved" one
    assert [r.state for r in undone.results] == [RestoreState.RESTORED, RestoreState.NOT_MOVED]
    assert snapshot([str(dup), str(sidecar)]) == before


def test_the_cli_plan_says_where_a_shared_sidecar_goes(
    env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _keeper, dup, sidecar = library(env)
    keeper_png = env.photos / "originals" / "IMG_1234.PNG"
    images.save(images.photo(8, (320, 240)), keeper_png)
    dup_png = copy(keeper_png, env.photos / "copies" / "IMG_1234.PNG")
    raw = jpeg(env.photos / "copies" / "IMG_1234.CR2", 9)  # stays: no copy of anything
    result_file = tmp_path / "result.json"
    resultio.save(scan(env), result_file)
    assert cli("clean", "--from", str(result_file), "--dry-run") == 0
    out = capsys.readouterr().out
    assert f"    = {sidecar} (sidecar file another picture beside it uses: it stays)" in out
    assert f"+ {sidecar}" not in out

    raw.unlink()  # now both pictures that use it go: it moves once, with the last
    resultio.save(scan(env), result_file)
    assert cli("clean", "--from", str(result_file), "--dry-run") == 0
    lines = capsys.readouterr().out.splitlines()
    first, last = sorted([str(dup), str(dup_png)], key=lambda p: lines.index(f"  {p}"))
    assert f"    = {sidecar} (sidecar file it shares: moved with {last})" in lines
    assert lines[lines.index(f"  {last}") + 1] == (
        f"    + {sidecar} (its sidecar file, moved with it)"
    )
    assert sum(str(sidecar) in line for line in lines) == 2
    assert first != last
