"""Shared helpers for the removal, undo-log and restore tests (no Qt, no real trash).

`isolate()` points HOME, XDG_DATA_HOME and PHOTOSIFT_DATA_DIR at a temporary folder and
makes send2trash use its freedesktop implementation there, so the tests trash files for
real without touching the machine's trash. `exact_result()` builds a `ScanResult` from
files written on disk, as the scan would have reported them.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

import cleaner.removal.trash
from cleaner.models import (
    DuplicateGroup,
    FileEntry,
    GroupKind,
    GroupMember,
    ScanResult,
    ScanSettings,
    ScanStats,
)


@dataclass(frozen=True)
class Env:
    home: Path
    data_home: Path  # XDG_DATA_HOME
    data_dir: Path  # PHOTOSIFT_DATA_DIR
    photos: Path

    @property
    def trash(self) -> Path:
        return self.data_home / "Trash"

    def trashed_names(self) -> list[str]:
        files = self.trash / "files"
        return sorted(os.listdir(files)) if files.exists() else []


def isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    from send2trash import plat_other  # the freedesktop implementation, on every OS

    env = Env(
        home=tmp_path / "home",
        data_home=tmp_path / "home" / ".local" / "share",
        data_dir=tmp_path / "photosift-data",
        photos=tmp_path / "photos",
    )
    for d in (env.home, env.data_home, env.photos):
        d.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("HOME", str(env.home))
    monkeypatch.setenv("XDG_DATA_HOME", str(env.data_home))
    monkeypatch.setenv("PHOTOSIFT_DATA_DIR", str(env.data_dir))
    monkeypatch.setenv("PHOTOSIFT_LOCK_DIR", str(env.data_dir))  # the move lock (per user)
    # send2trash reads XDG_DATA_HOME once, when it is imported: point it here too.
    monkeypatch.setattr(plat_other, "XDG_DATA_HOME", os.fsencode(env.data_home))
    monkeypatch.setattr(plat_other, "HOMETRASH_B", os.fsencode(env.trash))
    monkeypatch.setattr(plat_other, "HOMETRASH", str(env.trash))
    # Never the gio backend (it would use the real user's trash).
    monkeypatch.setattr(cleaner.removal.trash, "send_to_trash", plat_other.send2trash)
    return env


def write(path: Path, data: bytes, mtime_ns: int | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


def member(
    path: Path,
    *,
    keeper: bool = False,
    remove: bool = False,
    protected: bool = False,
    with_sha: bool = True,
) -> GroupMember:
    st = os.lstat(path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest() if with_sha else None
    return GroupMember(
        entry=FileEntry(str(path), st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino),
        metrics=None,
        sha256=sha,
        quality=90 if keeper else 50,
        distance=0,
        is_keeper=keeper,
        protected=protected,
        suggested_remove=remove,
    )


def group(gid: int, *members: GroupMember, kind: GroupKind = GroupKind.EXACT) -> DuplicateGroup:
    return DuplicateGroup(gid, kind, tuple(members), "test", None)


def result(
    groups: list[DuplicateGroup],
    roots: tuple[str, ...] | None = None,
    protected: tuple[str, ...] = (),
) -> ScanResult:
    if roots is None:  # the folder holding every member, as a scan of it would record
        folders = [os.path.dirname(m.path) for g in groups for m in g.members]
        roots = (os.path.commonpath(folders),) if folders else ()
    return ScanResult(
        settings=ScanSettings(roots=roots, protected=protected),
        groups=tuple(groups),
        skipped=(),
        stats=ScanStats(groups=len(groups)),
        started_at="2025-01-01T00:00:00+00:00",
        finished_at="2025-01-01T00:00:01+00:00",
        app_version="test",
        machine="test",
    )


def photo_bytes(i: int, size: int = 2048) -> bytes:
    """Distinct, deterministic contents for picture number `i`."""
    seed = hashlib.sha256(f"photo-{i}".encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


def exact_result(root: Path, groups: int, copies: int = 2, size: int = 2048) -> ScanResult:
    """`groups` groups of byte-identical files; the first of each is the keeper and the
    other `copies - 1` are suggested for removal. Files get distinct, old mtimes."""
    built = []
    for g in range(groups):
        data = photo_bytes(g, size)
        mtime = 1_600_000_000_000_000_000 + g * 1_000_000_007
        paths = [
            write(
                root / f"album{g % 10}" / f"IMG_{g:04d}{'' if c == 0 else f'_copy{c}'}.jpg",
                data,
                mtime,
            )
            for c in range(copies)
        ]
        members = [member(p, keeper=(c == 0), remove=(c > 0)) for c, p in enumerate(paths)]
        built.append(group(g, *members))
    return result(built, roots=(str(root),))


def snapshot(paths: list[str]) -> dict[str, tuple[bytes, int]]:
    """Bytes and mtime_ns of each path, to compare after a round trip."""
    return {p: (Path(p).read_bytes(), os.stat(p).st_mtime_ns) for p in paths}
