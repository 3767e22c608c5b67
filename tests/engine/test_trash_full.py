"""Issue 10, class 11: a trash copy to another drive that fails midway (the drive is full)
leaves nothing in the trash that looks restorable, and the file is reported as not moved."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import cleaner.removal.trash
from cleaner.removal.move import QuarantineMode, RemovalOptions, run_removal
from cleaner.removal.plan import KeepReason, plan_removal
from cleaner.removal.restore import RestoreState, run_restore
from cleaner.removal.undolog import Outcome, UndoLog
from tests.helpers.removal_helpers import Env, exact_result, isolate, snapshot, write


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    return isolate(monkeypatch, tmp_path)


def trash_contents(trash: Path) -> list[str]:
    return sorted(
        str(p.relative_to(trash)) for p in trash.rglob("*") if p.is_file() or p.is_symlink()
    )


def test_a_cross_drive_trash_copy_that_runs_out_of_space_leaves_nothing(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in for send2trash's cross-device fallback: it writes the .trashinfo record,
    then half of the file, then the drive is full."""

    def full_drive_trash(path: str) -> None:
        name = os.path.basename(path)
        (env.trash / "info").mkdir(parents=True, exist_ok=True)
        (env.trash / "files").mkdir(parents=True, exist_ok=True)
        (env.trash / "info" / f"{name}.trashinfo").write_text(
            f"[Trash Info]\nPath={path}\nDeletionDate=2025-01-01T00:00:00\n"
        )
        data = Path(path).read_bytes()
        (env.trash / "files" / name).write_bytes(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(cleaner.removal.trash, "send_to_trash", full_drive_trash)
    res = exact_result(env.photos, groups=20)
    plan = plan_removal(res)
    before = snapshot([f.path for f in plan.files])
    with UndoLog() as log:
        finished = run_removal(plan, log)
        entries = log.entries(finished.batch_id)
    assert finished.removed == ()
    assert [k.reason for k in finished.kept] == [KeepReason.FAILED] * 20
    assert {k.detail for k in finished.kept} == {"the drive is full"}
    assert [e.outcome for e in entries] == [Outcome.FAILED] * 20
    assert snapshot(list(before)) == before
    assert trash_contents(env.trash) == []  # no partial copy, no orphan record


def test_restore_never_takes_a_partial_copy_for_the_file(env: Env) -> None:
    res = exact_result(env.photos, groups=3)
    plan = plan_removal(res)
    with UndoLog() as log:
        finished = run_removal(plan, log)
        for name in env.trashed_names():  # as an older PhotoSift could have left them
            data = (env.trash / "files" / name).read_bytes()
            (env.trash / "files" / name).write_bytes(data[: len(data) // 2])
        done = run_restore(log, finished.batch_id)
    assert [r.state for r in done.results] == [RestoreState.CHANGED] * 3
    assert not any(os.path.exists(f.path) for f in plan.files)
    assert len(env.trashed_names()) == 3


def test_a_quarantine_copy_to_a_full_drive_leaves_nothing(
    env: Env, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def cross_device(src: str, dst: str, **kwargs: object) -> None:
        raise OSError(errno.EXDEV, "cross-device link")

    def half_then_full(fin: object, fout: object, length: int = 0) -> None:
        data = fin.read()  # type: ignore[attr-defined]
        fout.write(data[: len(data) // 2])  # type: ignore[attr-defined]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "link", cross_device)
    monkeypatch.setattr(os, "rename", cross_device)
    monkeypatch.setattr(shutil, "copyfileobj", half_then_full)
    quarantine = tmp_path / "quarantine"
    res = exact_result(env.photos, groups=10)
    plan = plan_removal(res)
    before = snapshot([f.path for f in plan.files])
    opts = RemovalOptions(QuarantineMode.ALWAYS, str(quarantine))
    with UndoLog() as log:
        finished = run_removal(plan, log, options=opts)
        entries = log.entries(finished.batch_id)
    assert finished.removed == ()
    assert [e.outcome for e in entries] == [Outcome.FAILED] * 10
    assert snapshot(list(before)) == before
    leftovers = sorted(str(p) for p in quarantine.rglob("*")) if quarantine.exists() else []
    assert leftovers == []


def test_a_quarantine_copy_whose_original_cannot_be_unlinked_is_taken_back(
    env: Env, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    src = write(env.photos / "a.jpg", b"picture" * 100)
    dst = tmp_path / "q" / "batch" / "a.jpg"
    dst.parent.mkdir(parents=True)
    real_unlink = os.unlink

    def unlink(path: str, *args: object, **kwargs: object) -> None:
        if str(path) == str(src):
            raise PermissionError(errno.EACCES, "denied")
        real_unlink(path)

    monkeypatch.setattr(os, "unlink", unlink)
    with pytest.raises(PermissionError):
        cleaner.removal.trash._copy_verified_then_unlink(str(src), str(dst), None)
    assert src.read_bytes() == b"picture" * 100
    assert list(dst.parent.iterdir()) == []


# -- send2trash's own freedesktop code, with the home trash on a small, full drive ---------


@pytest.fixture
def two_drives(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    big, small = tmp_path / "big", tmp_path / "small"
    big.mkdir()
    small.mkdir()
    mounted: list[Path] = []
    try:
        for where, size in ((big, "8m"), (small, "64k")):
            done = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                capture_output=True,
                check=False,
            )
            if done.returncode != 0:
                pytest.skip("cannot mount a tmpfs here (needs root)")
            mounted.append(where)
        yield big, small
    finally:
        for where in reversed(mounted):
            subprocess.run(["umount", "-l", str(where)], check=False)


def test_send2trash_cross_device_fallback_on_a_full_drive(
    two_drives: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from send2trash import plat_other

    big, small = two_drives
    data_home = small / "share"
    data_home.mkdir()
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    monkeypatch.setenv("PHOTOSIFT_DATA_DIR", str(tmp_path / "photosift-data"))
    monkeypatch.setenv("PHOTOSIFT_LOCK_DIR", str(tmp_path / "photosift-data"))
    home_trash = data_home / "Trash"
    monkeypatch.setattr(plat_other, "XDG_DATA_HOME", os.fsencode(data_home))
    monkeypatch.setattr(plat_other, "HOMETRASH_B", os.fsencode(home_trash))
    monkeypatch.setattr(plat_other, "HOMETRASH", str(home_trash))
    monkeypatch.setattr(cleaner.removal.trash, "send_to_trash", plat_other.send2trash)
    # The photo drive's trash folder lives on the small drive: the rename into it fails
    # with EXDEV and send2trash falls back to copying into the home trash, which fills up.
    (small / "volume-trash").mkdir()
    os.symlink(small / "volume-trash", big / f".Trash-{os.getuid()}")

    res = exact_result(big / "photos", groups=3, size=200_000)
    plan = plan_removal(res)
    before = snapshot([f.path for f in plan.files])
    with UndoLog() as log:
        finished = run_removal(plan, log)
        entries = log.entries(finished.batch_id)
    assert finished.removed == ()
    assert [e.outcome for e in entries] == [Outcome.FAILED] * 3
    assert {e.detail for e in entries} == {"the drive is full"}
    assert snapshot(list(before)) == before
    assert trash_contents(small) == []  # neither record nor partial copy, on either trash
