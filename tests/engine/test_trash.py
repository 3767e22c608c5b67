"""Moving one file: never through a symlink, never over another file, never a silent delete."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest
from send2trash import TrashPermissionError

import cleaner.removal.trash
from cleaner.removal.trash import (
    NotARegularFile,
    TrashUnavailable,
    describe_error,
    file_state,
    move_no_overwrite,
    move_to_quarantine,
    move_to_trash,
    quarantine_destination,
)
from cleaner.removal.trash_places import volume_root
from tests.helpers.removal_helpers import write


def test_file_state_reads_size_mtime_and_digest(tmp_path: Path) -> None:
    p = write(tmp_path / "a.jpg", b"hello" * 1000, mtime_ns=1_500_000_000_123_456_789)
    st = file_state(str(p))
    assert (st.size, st.mtime_ns) == (5000, 1_500_000_000_123_456_789)
    assert st.sha256 == hashlib.sha256(b"hello" * 1000).hexdigest()


def test_file_state_refuses_symlinks_and_folders(tmp_path: Path) -> None:
    target = write(tmp_path / "t.jpg", b"x")
    link = tmp_path / "l.jpg"
    link.symlink_to(target)
    with pytest.raises(NotARegularFile, match="symbolic link"):
        file_state(str(link))
    with pytest.raises(NotARegularFile, match="not a regular file"):
        file_state(str(tmp_path))
    with pytest.raises(FileNotFoundError):
        file_state(str(tmp_path / "missing.jpg"))


def test_move_no_overwrite_never_replaces(tmp_path: Path) -> None:
    src = write(tmp_path / "src.jpg", b"new")
    dst = write(tmp_path / "dst.jpg", b"old")
    with pytest.raises(FileExistsError):
        move_no_overwrite(str(src), str(dst))
    assert (src.read_bytes(), dst.read_bytes()) == (b"new", b"old")
    free = tmp_path / "free.jpg"
    move_no_overwrite(str(src), str(free))
    assert free.read_bytes() == b"new"
    assert not src.exists()


def exdev(*args: object, **kwargs: object) -> None:
    raise OSError(errno.EXDEV, "Invalid cross-device link")


def test_across_volumes_the_copy_is_verified_before_the_original_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write(tmp_path / "src.jpg", b"data" * 100, mtime_ns=1_400_000_000_000_000_000)
    sha = hashlib.sha256(b"data" * 100).hexdigest()
    monkeypatch.setattr(os, "link", exdev)
    monkeypatch.setattr(os, "rename", exdev)
    dst = tmp_path / "other" / "dst.jpg"
    move_to_quarantine(str(src), str(dst), sha)
    assert dst.read_bytes() == b"data" * 100
    assert dst.stat().st_mtime_ns == 1_400_000_000_000_000_000
    assert not src.exists()

    # A digest that does not match: the original stays, no partial file is left.
    src2 = write(tmp_path / "src2.jpg", b"data" * 100)
    dst2 = tmp_path / "other" / "dst2.jpg"
    with pytest.raises(OSError, match="does not match"):
        move_no_overwrite(str(src2), str(dst2), "0" * 64)
    assert src2.exists()
    assert sorted(p.name for p in (tmp_path / "other").iterdir()) == ["dst.jpg"]


def test_quarantine_destination_keeps_the_folder_structure(tmp_path: Path) -> None:
    dest = quarantine_destination("/media/share/2019/trip/IMG.jpg", "/media/share/.q", "B1")
    assert dest == "/media/share/.q/B1/media/share/2019/trip/IMG.jpg"


def test_volume_root_is_a_mount_point(tmp_path: Path) -> None:
    root = volume_root(str(tmp_path / "a" / "b.jpg"))
    assert os.path.ismount(root)
    assert str(tmp_path).startswith(root)


def test_trash_permission_error_means_unavailable_and_nothing_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = write(tmp_path / "a.jpg", b"x")

    def refuses(path: str) -> None:
        raise TrashPermissionError(path)

    monkeypatch.setattr(cleaner.removal.trash, "send_to_trash", refuses)
    with pytest.raises(TrashUnavailable):
        move_to_trash(str(p))
    assert p.exists()

    def no_mount(path: str) -> None:
        raise OSError(f"Couldn't find mount point for {path}")

    monkeypatch.setattr(cleaner.removal.trash, "send_to_trash", no_mount)
    with pytest.raises(TrashUnavailable):
        move_to_trash(str(p))

    def plain_permission(path: str) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", path)

    monkeypatch.setattr(cleaner.removal.trash, "send_to_trash", plain_permission)
    with pytest.raises(PermissionError) as info:
        move_to_trash(str(p))
    assert not isinstance(info.value, TrashUnavailable)


def test_a_trash_that_says_yes_but_leaves_the_file_is_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = write(tmp_path / "a.jpg", b"x")
    monkeypatch.setattr(cleaner.removal.trash, "send_to_trash", lambda path: None)
    with pytest.raises(OSError, match="still there"):
        move_to_trash(str(p))


@pytest.mark.parametrize(
    ("exc", "text"),
    [
        (OSError(errno.EACCES, "x"), "permission denied"),
        (OSError(errno.ENAMETOOLONG, "x"), "the path is too long"),
        (OSError(errno.EBUSY, "x"), "the file is in use"),
        (OSError(errno.ENOENT, "x"), "the file is no longer there"),
        (OSError(errno.EROFS, "x"), "the drive is read-only"),
        (TrashUnavailable("no trash here"), "no trash here"),
    ],
)
def test_errors_are_described_in_plain_words(exc: BaseException, text: str) -> None:
    assert describe_error(exc) == text


def test_quarantine_goes_to_the_highest_writable_folder_of_the_volume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A system drive's root is not writable for a normal user: the quarantine must then
    go to the first writable folder below it, never to a path the move cannot create."""
    from cleaner.removal import trash as trash_module

    photo = tmp_path / "home" / "ann" / "Pictures" / "a.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"x")
    monkeypatch.setattr(trash_module, "volume_root", lambda _p: str(tmp_path))
    writable = {str(tmp_path / "home" / "ann"), str(tmp_path / "home" / "ann" / "Pictures")}
    monkeypatch.setattr(trash_module.os, "access", lambda p, _mode: str(p) in writable)
    assert trash_module.default_quarantine_root(str(photo)) == str(
        tmp_path / "home" / "ann" / ".photosift-quarantine"
    )
    writable.add(str(tmp_path))  # a share or an external drive: its root
    assert trash_module.default_quarantine_root(str(photo)) == str(
        tmp_path / ".photosift-quarantine"
    )
