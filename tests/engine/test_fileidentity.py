"""`cleaner.removal.fileidentity`: the shape of a path, and the file object it names now."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

import cleaner.removal.fileidentity as fid
from cleaner.removal.fileidentity import (
    FileObject,
    SymlinkInPath,
    path_form_problem,
    read_object,
    root_of,
    same_object,
    stat_object,
)
from cleaner.removal.trash import NotARegularFile


@pytest.fixture(params=["dir_fd", "lstat"])
def walk_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "lstat":
        monkeypatch.setattr(fid, "_DIR_FD", False)
    return str(request.param)


@pytest.mark.parametrize(
    "path",
    ["a/x.jpg", "./x.jpg", "x.jpg", "/a/../a/x.jpg", "/a/./x.jpg", "/a//x.jpg", "/a/x.jpg/", "",
     "/a/x\0.jpg"],
)  # fmt: skip
def test_paths_that_are_not_absolute_and_plain_are_named(path: str) -> None:
    assert path_form_problem(path) is not None


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX spelling")
def test_a_leading_double_slash_is_not_plain() -> None:
    assert path_form_problem("//x.jpg") is not None
    assert path_form_problem("/photos/x.jpg") is None


def test_root_of_picks_the_longest_root_and_never_a_mere_prefix() -> None:
    roots = ("/p", "/p/inner", "/q/", "relative", "/p/../p")
    assert root_of("/p/inner/x.jpg", roots) == "/p/inner"
    assert root_of("/p/x.jpg", roots) == "/p"
    assert root_of("/pp/x.jpg", roots) is None
    assert root_of("/p", roots) is None  # the root itself is not a file inside it
    assert root_of("/q/x.jpg", roots) is None  # "/q/" is not a plain path


def test_same_object() -> None:
    a = FileObject(1, 10, 100, 5, 6)
    assert same_object(a, FileObject(1, 10, 999, 7, 8))  # same device and inode
    assert same_object(a, FileObject(2, 10, 100, 5, 9))  # a share mounted twice
    assert not same_object(a, FileObject(2, 10, 101, 5, 9))  # another disk, other file
    assert not same_object(a, FileObject(1, 11, 100, 5, 6))
    assert not same_object(FileObject(1, 0, 1, 1, 1), FileObject(1, 0, 1, 1, 1))  # no identity


def test_read_object_digests_the_file_it_identifies(tmp_path: Path, walk_mode: str) -> None:
    f = tmp_path / "a" / "b" / "x.jpg"
    f.parent.mkdir(parents=True)
    f.write_bytes(b"abc" * 1000)
    obj, sha = read_object(str(f), str(tmp_path))
    st = os.stat(f)
    assert obj == FileObject(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    assert sha == hashlib.sha256(b"abc" * 1000).hexdigest()
    assert stat_object(str(f), str(tmp_path)) == obj


def test_a_symlink_anywhere_below_the_root_is_refused(tmp_path: Path, walk_mode: str) -> None:
    real = tmp_path / "real" / "sub"
    real.mkdir(parents=True)
    (real / "x.jpg").write_bytes(b"x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (real / "y.jpg").symlink_to(real / "x.jpg")
    for path in (tmp_path / "link" / "sub" / "x.jpg", real / "y.jpg"):
        with pytest.raises(SymlinkInPath):
            stat_object(str(path), str(tmp_path))
        with pytest.raises(SymlinkInPath):
            read_object(str(path), str(tmp_path))
    # Without a root, the walk starts at the top of the drive: still no link followed.
    with pytest.raises(SymlinkInPath):
        read_object(str(tmp_path / "link" / "sub" / "x.jpg"))


def test_a_symlink_in_the_root_itself_is_how_the_user_named_the_folder(
    tmp_path: Path, walk_mode: str
) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "x.jpg").write_bytes(b"x")
    (tmp_path / "named").symlink_to(tmp_path / "real")
    root = str(tmp_path / "named")
    obj = stat_object(os.path.join(root, "x.jpg"), root)
    assert obj.key == FileObject.of(os.stat(tmp_path / "real" / "x.jpg")).key


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_is_not_a_file_and_never_blocks(tmp_path: Path, walk_mode: str) -> None:
    fifo = tmp_path / "x.jpg"
    os.mkfifo(fifo)
    with pytest.raises(NotARegularFile):
        read_object(str(fifo), str(tmp_path))
    with pytest.raises(NotARegularFile):
        stat_object(str(fifo), str(tmp_path))


def test_vanished_files_and_folders_are_file_not_found(tmp_path: Path, walk_mode: str) -> None:
    with pytest.raises(FileNotFoundError):
        stat_object(str(tmp_path / "gone" / "x.jpg"), str(tmp_path))
    with pytest.raises(FileNotFoundError):
        read_object(str(tmp_path / "x.jpg"), str(tmp_path))


def test_a_pass_over_many_files_checks_each_folder_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Planning 2,000 files in 20 folders lstat-s each folder once, and still refuses a
    folder that is a symbolic link."""
    for d in range(20):
        (tmp_path / "deep" / f"f{d}").mkdir(parents=True)
        for i in range(100):
            (tmp_path / "deep" / f"f{d}" / f"IMG_{i}.jpg").write_bytes(b"x")
    (tmp_path / "deep" / "link").symlink_to(tmp_path / "deep" / "f0")
    calls: list[str] = []
    real_lstat = os.lstat

    def counting_lstat(path: str, *args: object, **kwargs: object) -> os.stat_result:
        calls.append(str(path))
        return real_lstat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fid.os, "lstat", counting_lstat)
    known: set[str] = set()
    for d in range(20):
        for i in range(100):
            path = str(tmp_path / "deep" / f"f{d}" / f"IMG_{i}.jpg")
            assert stat_object(path, str(tmp_path), known_folders=known).size == 1
    assert len(calls) == 2000 + 1 + 20  # every file, "deep" once, each folder once
    with pytest.raises(SymlinkInPath):
        stat_object(
            str(tmp_path / "deep" / "link" / "IMG_1.jpg"), str(tmp_path), known_folders=known
        )
