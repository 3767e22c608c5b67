"""The walk stage keeps one entry per file object (issue 10, class 1, scan side)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import cleaner.detect.scan as scan_module
from cleaner.detect.walk import FoundFile, normalise_roots
from cleaner.models import ScanSettings
from cleaner.progress import CancelToken


def walk_entries(roots: tuple[str, ...]) -> scan_module._State:
    state = scan_module._State()
    settings = ScanSettings(roots=normalise_roots(roots))
    for _ in scan_module._walk_stage(settings, state, CancelToken(), 15.0):
        pass
    return state


def test_thousands_of_files_reached_through_two_roots_are_one_entry_each(tmp_path: Path) -> None:
    """Caught on main: 3,000 files under a root also named through a symlinked folder gave
    6,000 entries (each file an exact copy of itself)."""
    photos = tmp_path / "photos"
    photos.mkdir()
    for n in range(3000):
        (photos / f"IMG_{n:04d}.jpg").write_bytes(b"x")
    (tmp_path / "alias").symlink_to(tmp_path)
    state = walk_entries((str(photos), str(tmp_path / "alias" / "photos")))
    assert len(state.entries) == 3000
    assert state.hardlinks == 3000
    assert state.files_seen == 6000
    assert state.bytes_seen == 3000
    assert [len(e.hardlinks) for e in state.entries] == [1] * 3000
    for e in state.entries:
        assert Path(e.hardlinks[0]).name == Path(e.path).name


def test_identity_is_device_and_inode_and_inode_zero_is_no_identity(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found = [
        FoundFile("/r/a.jpg", 10, 1, device=1, inode=7, nlink=1),
        FoundFile("/r/b.jpg", 10, 1, device=1, inode=7, nlink=1),  # the same file again
        FoundFile("/r/c.jpg", 10, 1, device=2, inode=7, nlink=1),  # another drive
        FoundFile("/r/d.jpg", 10, 1, device=1, inode=0, nlink=1),  # no identity given
        FoundFile("/r/e.jpg", 10, 1, device=1, inode=0, nlink=1),
        FoundFile("/r/notes.txt", 10, 1, device=1, inode=9, nlink=1),
        FoundFile("/r/f.jpg", 10, 1, device=1, inode=7, nlink=1),  # and once more
    ]

    def fake_walk(*args: object) -> Iterator[FoundFile]:
        yield from found

    monkeypatch.setattr(scan_module, "walk", fake_walk)
    state = scan_module._State()
    for _ in scan_module._walk_stage(ScanSettings(roots=("/r",)), state, CancelToken(), 15.0):
        pass
    assert [(e.path, e.hardlinks) for e in state.entries] == [
        ("/r/a.jpg", ("/r/b.jpg", "/r/f.jpg")),
        ("/r/c.jpg", ()),
        ("/r/d.jpg", ()),
        ("/r/e.jpg", ()),
    ]
    assert state.hardlinks == 2
