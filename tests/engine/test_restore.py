"""Putting files back: the real freedesktop trash, and Windows/macOS layouts built on disk."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleaner.removal.move import run_removal
from cleaner.removal.plan import plan_removal
from cleaner.removal.restore import (
    FileRestore,
    FreedesktopTrash,
    RestoreFinished,
    RestoreState,
    TrashedCopy,
    beside_name,
    find_mac_trash_copies,
    find_recycle_bin_copies,
    parse_recycle_info,
    parse_trashinfo,
    restore_batch,
    run_restore,
)
from cleaner.removal.trash_places import TrashDir
from cleaner.removal.undolog import LogEntry, Method, Outcome, UndoLog
from tests.helpers.recycle_bin import recycle_record
from tests.helpers.removal_helpers import (
    Env,
    exact_result,
    group,
    isolate,
    member,
    result,
    snapshot,
    write,
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    return isolate(monkeypatch, tmp_path)


@pytest.fixture
def log(env: Env) -> Iterator[UndoLog]:
    with UndoLog() as undo_log:
        yield undo_log


# -- the real freedesktop trash, under a temporary XDG data home -------------------------------


def test_freedesktop_round_trip(env: Env, log: UndoLog) -> None:
    res = exact_result(env.photos, groups=3)
    plan = plan_removal(res)
    originals = snapshot([f.path for f in plan.files])
    finished = run_removal(plan, log)
    assert len(finished.removed) == 3
    # send2trash really used the temporary home trash, with one .trashinfo per file.
    infos = sorted((env.trash / "info").iterdir())
    assert len(infos) == 3
    info = parse_trashinfo(infos[0].read_text(), str(env.data_home))
    assert info is not None
    assert info.original_path in originals
    assert info.deleted_at is not None
    assert abs(info.deleted_at - time.time()) < 60
    for removed in finished.removed:
        assert removed.destination is not None
        assert Path(removed.destination).parent == env.trash / "files"

    undone = run_restore(log, finished.batch_id)
    assert [r.state for r in undone.results] == [RestoreState.RESTORED] * 3
    assert snapshot(list(originals)) == originals
    assert list((env.trash / "files").iterdir()) == []
    assert list((env.trash / "info").iterdir()) == []  # the records go with the files
    assert log.batch(finished.batch_id).restored == 3


def test_same_name_from_two_folders_goes_back_to_the_right_folder(env: Env, log: UndoLog) -> None:
    keep = write(env.photos / "keep.jpg", b"A" * 300)
    a = write(env.photos / "2019" / "IMG.jpg", b"A" * 300)
    b = write(env.photos / "2020" / "IMG.jpg", b"A" * 300)
    res = result(
        [group(1, member(keep, keeper=True), member(a, remove=True), member(b, remove=True))]
    )
    finished = run_removal(plan_removal(res), log)
    assert env.trashed_names() == ["IMG 1.jpg", "IMG.jpg"]
    # Forget the recorded destinations: matching must go by the .trashinfo Path.
    log._conn.execute("UPDATE entries SET destination = NULL")
    undone = run_restore(log, finished.batch_id)
    assert all(r.state is RestoreState.RESTORED for r in undone.results)
    assert a.read_bytes() == b.read_bytes() == b"A" * 300
    assert env.trashed_names() == []


def test_restore_only_chosen_files(env: Env, log: UndoLog) -> None:
    res = exact_result(env.photos, groups=4)
    plan = plan_removal(res)
    finished = run_removal(plan, log)
    chosen = [plan.files[0].path, plan.files[2].path]
    undone = run_restore(log, finished.batch_id, paths=chosen)
    assert [r.original_path for r in undone.results] == chosen
    assert [os.path.exists(f.path) for f in plan.files] == [True, False, True, False]
    again = run_restore(log, finished.batch_id)
    assert [r.state for r in again.results] == [
        RestoreState.ALREADY_RESTORED,
        RestoreState.RESTORED,
        RestoreState.ALREADY_RESTORED,
        RestoreState.RESTORED,
    ]
    ids = [e.id for e in log.entries(finished.batch_id)]
    by_id = run_restore(log, finished.batch_id, entry_ids=ids[:1])
    assert [r.entry_id for r in by_id.results] == ids[:1]


def test_a_taken_original_path_gets_a_suffix_and_is_never_overwritten(
    env: Env, log: UndoLog
) -> None:
    res = exact_result(env.photos, groups=1)
    plan = plan_removal(res)
    path = Path(plan.files[0].path)
    data = path.read_bytes()
    finished = run_removal(plan, log)
    path.write_bytes(b"a new picture that took the name")
    Path(beside_name(str(path), 1)).write_bytes(b"and this one too")

    (outcome,) = run_restore(log, finished.batch_id).results
    assert outcome.state is RestoreState.RESTORED_BESIDE
    assert outcome.restored_to == beside_name(str(path), 2)
    assert outcome.restored_to.endswith("IMG_0000_copy1 (restored 2).jpg")
    assert Path(outcome.restored_to).read_bytes() == data
    assert path.read_bytes() == b"a new picture that took the name"
    assert Path(beside_name(str(path), 1)).read_bytes() == b"and this one too"
    (entry,) = log.entries(finished.batch_id)
    assert entry.restored_to == outcome.restored_to


def test_an_emptied_trash_is_reported_per_file(env: Env, log: UndoLog) -> None:
    res = exact_result(env.photos, groups=3)
    plan = plan_removal(res)
    finished = run_removal(plan, log)
    # The user empties the trash, except for one file.
    survivor = Path(finished.removed[1].destination or "")
    kept_bytes = survivor.read_bytes()
    for p in (env.trash / "files").iterdir():
        if p != survivor:
            p.unlink()

    undone = run_restore(log, finished.batch_id)
    states = [r.state for r in undone.results]
    assert states == [RestoreState.NOT_IN_TRASH, RestoreState.RESTORED, RestoreState.NOT_IN_TRASH]
    assert "emptied" in undone.results[0].message
    assert Path(plan.files[1].path).read_bytes() == kept_bytes
    assert [e.restore_state for e in log.entries(finished.batch_id)] == [
        "not_in_trash",
        "restored",
        "not_in_trash",
    ]


def test_a_copy_whose_bytes_changed_in_the_trash_is_not_restored(env: Env, log: UndoLog) -> None:
    res = exact_result(env.photos, groups=1)
    plan = plan_removal(res)
    finished = run_removal(plan, log)
    trashed = Path(finished.removed[0].destination or "")
    trashed.write_bytes(b"\xff" * trashed.stat().st_size)
    (outcome,) = run_restore(log, finished.batch_id).results
    assert outcome.state is RestoreState.CHANGED
    assert not os.path.exists(plan.files[0].path)
    assert trashed.exists()


def test_restore_yields_progress_and_one_event_per_file(env: Env, log: UndoLog) -> None:
    res = exact_result(env.photos, groups=3)
    finished = run_removal(plan_removal(res), log)
    events = list(restore_batch(log, finished.batch_id))
    assert sum(isinstance(e, FileRestore) for e in events) == 3
    assert isinstance(events[-1], RestoreFinished)
    assert len(events[-1].restored) == 3


@pytest.mark.slow
def test_thousand_file_round_trip(env: Env, log: UndoLog) -> None:
    res = exact_result(env.photos, groups=1000, size=512)
    plan = plan_removal(res)
    originals = snapshot([f.path for f in plan.files])
    assert len(originals) == 1000
    start = time.perf_counter()
    finished = run_removal(plan, log)
    trashed = time.perf_counter()
    assert len(finished.removed) == 1000
    assert not any(os.path.lexists(p) for p in originals)
    undone = run_restore(log, finished.batch_id)
    end = time.perf_counter()
    assert [r.state for r in undone.results] == [RestoreState.RESTORED] * 1000
    assert snapshot(list(originals)) == originals
    assert env.trashed_names() == []
    print(f"1,000 files: trash {trashed - start:.2f} s, undo {end - trashed:.2f} s")
    assert end - start < 20


# -- freedesktop records and per-volume trashes built on disk -----------------------------


def test_parse_trashinfo_relative_and_percent_encoded() -> None:
    text = "[Trash Info]\nPath=photos/caf%C3%A9%20%231.jpg\nDeletionDate=2024-03-05T10:20:30\n"
    info = parse_trashinfo(text, "/media/usb")
    assert info is not None
    assert info.original_path == "/media/usb/photos/café #1.jpg"
    assert info.deleted_at is not None
    assert time.localtime(info.deleted_at)[:6] == (2024, 3, 5, 10, 20, 30)
    assert parse_trashinfo("Path=/x\n", "/") is None
    assert parse_trashinfo("[Trash Info]\nPath=/a%FF.jpg\n", "/") == parse_trashinfo(
        "[Trash Info]\nPath=/a%FF.jpg\nDeletionDate=bad\n", "/"
    )


def make_volume_trash(trash: Path, name: str, rel_path: str, data: bytes, when: str) -> Path:
    (trash / "files").mkdir(parents=True, exist_ok=True)
    (trash / "info").mkdir(parents=True, exist_ok=True)
    (trash / "info" / f"{name}.trashinfo").write_text(
        f"[Trash Info]\nPath={rel_path}\nDeletionDate={when}\n"
    )
    return write(trash / "files" / name, data)


def test_per_volume_trashes_match_by_path_and_deletion_time(tmp_path: Path) -> None:
    volume = tmp_path / "usb"
    shared = volume / ".Trash" / "1000"
    private = volume / ".Trash-1000"
    old = make_volume_trash(shared, "IMG.jpg", "DCIM/IMG.jpg", b"old", "2023-01-01T10:00:00")
    new = make_volume_trash(private, "IMG.jpg", "DCIM/IMG.jpg", b"new", "2024-06-01T12:00:00")
    make_volume_trash(private, "IMG 1.jpg", "Other/IMG.jpg", b"other", "2024-06-01T12:00:00")
    dirs = [TrashDir(str(shared), str(volume)), TrashDir(str(private), str(volume))]
    finder = FreedesktopTrash(dirs)
    near = time.mktime((2024, 6, 1, 12, 0, 1, 0, 0, -1))
    found = finder.candidates(str(volume / "DCIM" / "IMG.jpg"), near=near)
    assert [c.data_path for c in found] == [str(new), str(old)]
    assert found[0].info_path == str(private / "info" / "IMG.jpg.trashinfo")
    assert finder.candidates(str(volume / "DCIM" / "nope.jpg")) == []


# -- Windows Recycle Bin layouts ------------------------------------------------------------


def test_parse_recycle_bin_records_version_1_and_2() -> None:
    when = 1_700_000_000.5
    v2 = parse_recycle_info(recycle_record("C:\\Users\\Ann\\Pictures\\IMG_1.JPG", 12345, when))
    assert v2.original_path == "C:\\Users\\Ann\\Pictures\\IMG_1.JPG"
    assert v2.size == 12345
    assert v2.deleted_at == pytest.approx(when, abs=1e-6)
    v1 = parse_recycle_info(recycle_record("D:\\Fotos\\été.jpg", 7, when, version=1))
    assert (v1.original_path, v1.size) == ("D:\\Fotos\\été.jpg", 7)
    with pytest.raises(ValueError, match="version"):
        parse_recycle_info((3).to_bytes(8, "little") + bytes(40))
    with pytest.raises(ValueError, match="cut short"):
        parse_recycle_info(recycle_record("C:\\a.jpg", 1, when)[:-4])


def test_recycle_bin_matching_picks_the_right_pair(tmp_path: Path) -> None:
    sid = tmp_path / "$Recycle.Bin" / "S-1-5-21-1000"
    sid.mkdir(parents=True)
    target = "C:\\Photos\\Trip\\IMG_0001.JPG"
    pairs = {
        "$IAB12CD.JPG": (target.lower().replace("\\", "/"), 1_700_000_100.0),  # same file
        "$IZZ99ZZ.JPG": (target, 1_600_000_000.0),  # an older deletion of the same path
        "$IXX11XX.JPG": ("C:\\Photos\\Trip\\IMG_0002.JPG", 1_700_000_100.0),  # other path
        "$IQQ00QQ.JPG": (target, 1_700_000_099.0),  # its $R was purged
    }
    for name, (orig, when) in pairs.items():
        (sid / name).write_bytes(recycle_record(orig, 3, when))
        if name != "$IQQ00QQ.JPG":
            (sid / ("$R" + name[2:])).write_bytes(b"abc")
    found = find_recycle_bin_copies([str(sid)], target, near=1_700_000_100.0)
    assert [Path(c.data_path).name for c in found] == ["$RAB12CD.JPG", "$RZZ99ZZ.JPG"]
    assert found[0].info_path == str(sid / "$IAB12CD.JPG")


def test_restore_from_a_recycle_bin_layout(env: Env, log: UndoLog) -> None:
    """Remove with a stand-in for the Windows shell, then restore with the $I/$R matcher."""
    bin_dir = env.home / "$Recycle.Bin" / "S-1-5-21-42"
    bin_dir.mkdir(parents=True)
    counter = 0

    def recycle(path: str) -> None:
        nonlocal counter
        counter += 1
        suffix = f"{counter:06X}{Path(path).suffix}"
        size = os.path.getsize(path)
        (bin_dir / f"$I{suffix}").write_bytes(recycle_record(path, size, time.time()))
        shutil.move(path, bin_dir / f"$R{suffix}")

    res = exact_result(env.photos, groups=3)
    plan = plan_removal(res)
    originals = snapshot([f.path for f in plan.files])
    finished = run_removal(plan, log, trash=recycle)

    def locate(entry: LogEntry) -> list[TrashedCopy]:
        return find_recycle_bin_copies([str(bin_dir)], entry.original_path, entry.started_at)

    undone = run_restore(log, finished.batch_id, locator=locate)
    assert [r.state for r in undone.results] == [RestoreState.RESTORED] * 3
    assert snapshot(list(originals)) == originals
    assert list(bin_dir.iterdir()) == []  # $R moved back, $I removed


# -- macOS trash layouts ----------------------------------------------------------------------


def test_mac_trash_matching_by_name_then_digest(env: Env, log: UndoLog, tmp_path: Path) -> None:
    mac_trash = tmp_path / "mac-home" / ".Trash"
    mac_trash.mkdir(parents=True)
    keep = write(env.photos / "keep.jpg", b"P" * 500)
    ours = write(env.photos / "sub" / "IMG 7.jpg", b"P" * 500)
    res = result([group(1, member(keep, keeper=True), member(ours, remove=True))])

    # Already in the trash before us: same name, same size, other bytes; and an unrelated file.
    write(mac_trash / "IMG 7.jpg", b"Q" * 500)
    write(mac_trash / "Other.jpg", b"P" * 500)

    def finder_trash(path: str) -> None:  # Finder's naming: "IMG 7 2.jpg" when taken
        name = Path(path).name
        dest = mac_trash / name
        n = 2
        while dest.exists():
            dest = mac_trash / f"{Path(name).stem} {n}{Path(name).suffix}"
            n += 1
        shutil.move(path, dest)

    finished = run_removal(plan_removal(res), log, trash=finder_trash)
    assert (mac_trash / "IMG 7 2.jpg").exists()
    (entry,) = log.entries(finished.batch_id)
    assert entry.destination is None or not entry.destination.startswith(str(mac_trash))

    candidates = find_mac_trash_copies([str(mac_trash)], entry.original_path, entry.size)
    assert sorted(Path(c.data_path).name for c in candidates) == ["IMG 7 2.jpg", "IMG 7.jpg"]

    def locate(e: LogEntry) -> list[TrashedCopy]:
        return find_mac_trash_copies([str(mac_trash)], e.original_path, e.size, e.started_at)

    (outcome,) = run_restore(log, finished.batch_id, locator=locate).results
    assert outcome.state is RestoreState.RESTORED
    assert ours.read_bytes() == b"P" * 500
    assert (mac_trash / "IMG 7.jpg").read_bytes() == b"Q" * 500  # the stranger stays
    assert not (mac_trash / "IMG 7 2.jpg").exists()


def test_pending_entry_found_in_place_is_settled(env: Env, log: UndoLog) -> None:
    path = write(env.photos / "a.jpg", b"data")
    batch = log.begin_batch("t")
    st = path.stat()
    eid = log.record_pending(
        batch,
        str(path),
        size=st.st_size,
        mtime_ns=st.st_mtime_ns,
        sha256=hashlib.sha256(b"data").hexdigest(),
        method=Method.TRASH,
    )
    (outcome,) = run_restore(log, batch).results
    assert outcome.state is RestoreState.IN_PLACE
    assert log.entry(eid).outcome is Outcome.NOT_MOVED


@pytest.mark.slow
def test_many_files_of_one_name_read_each_trash_record_about_once(
    env: Env, log: UndoLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,500 files all named IMG_0001.jpg (many cards, many folders): finding where each one
    went must not read every earlier record again (1,500 moves read ~1.1 million records
    before), and a name freed below the others (the trash partly emptied) is still found."""
    import cleaner.removal.restore

    n = 1_500
    members = []
    for i in range(n):
        folder = env.photos / f"card{i // 100:02d}" / f"DCIM{i % 100:03d}"
        keeper = write(folder / "IMG_0001.jpg", hashlib.sha256(b"%d" % i).digest() * 40)
        copy = write(folder / "copy" / "IMG_0001.jpg", keeper.read_bytes())
        members.append((member(keeper, keeper=True), member(copy, remove=True)))
    res = result([group(i + 1, *ms) for i, ms in enumerate(members)], roots=(str(env.photos),))
    reads = 0
    real = cleaner.removal.restore.parse_trashinfo

    def counting(text: str, topdir: str) -> cleaner.removal.restore.TrashInfo | None:
        nonlocal reads
        reads += 1
        return real(text, topdir)

    monkeypatch.setattr(cleaner.removal.restore, "parse_trashinfo", counting)
    plan = plan_removal(res)
    half = run_removal(plan.__class__(plan.files[:750], (), plan.roots), log)
    assert [r.destination for r in half.removed] == [
        str(env.trash / "files" / ("IMG_0001.jpg" if k == 0 else f"IMG_0001 {k}.jpg"))
        for k in range(750)
    ]
    # The trash is partly emptied: names 10 and 11 are free again, below the others.
    for name in ("IMG_0001 10.jpg", "IMG_0001 11.jpg"):
        os.unlink(env.trash / "files" / name)
        os.unlink(env.trash / "info" / f"{name}.trashinfo")
    reads = 0
    rest = run_removal(plan.__class__(plan.files[750:], (), plan.roots), log)
    destinations = [r.destination for r in rest.removed]
    assert len(destinations) == 750
    assert destinations[:2] == [str(env.trash / "files" / f"IMG_0001 {k}.jpg") for k in (10, 11)]
    assert destinations[2:] == [
        str(env.trash / "files" / f"IMG_0001 {k}.jpg") for k in range(750, 1_498)
    ]
    assert reads < 4 * 750, reads  # about two per move; before: 841,149 for these 750
    undone = run_restore(log, rest.batch_id)
    assert [r.state for r in undone.results] == [RestoreState.RESTORED] * 750
