"""The file walk: roots, excludes, system folders, links, odd names, unreadable places."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import cleaner.detect.scan
import cleaner.detect.walk
from cleaner import resultio
from cleaner.cli import main
from cleaner.detect.walk import FoundFile, normalise_roots, walk
from cleaner.errors import BadRootError
from cleaner.models import SkippedFile, SkipReason
from tests.helpers import images


def _touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _walk(*roots: Path, **kwargs: object) -> tuple[list[FoundFile], list[SkippedFile]]:
    found, skipped = [], []
    for item in walk(normalise_roots(str(r) for r in roots), **kwargs):  # type: ignore[arg-type]
        (found if isinstance(item, FoundFile) else skipped).append(item)
    return found, skipped


def _rel(files: list[FoundFile], root: Path) -> set[str]:
    return {os.path.relpath(f.path, root) for f in files}


def test_several_roots_are_all_walked(tmp_path: Path) -> None:
    _touch(tmp_path / "a" / "one.jpg")
    _touch(tmp_path / "b" / "deep" / "two.jpg")
    found, skipped = _walk(tmp_path / "a", tmp_path / "b")
    assert _rel(found, tmp_path) == {"a/one.jpg", "b/deep/two.jpg"}
    assert skipped == []


def test_a_root_inside_another_is_walked_once(tmp_path: Path) -> None:
    _touch(tmp_path / "top.jpg")
    _touch(tmp_path / "sub" / "inner.jpg")
    roots = normalise_roots([str(tmp_path / "sub"), str(tmp_path), str(tmp_path) + "/"])
    assert roots == (str(tmp_path),)
    found, _ = _walk(tmp_path / "sub", tmp_path)
    assert sorted(_rel(found, tmp_path)) == ["sub/inner.jpg", "top.jpg"]
    assert len(found) == 2


def test_a_sibling_that_merely_starts_like_a_root_is_kept(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos2").mkdir()
    roots = normalise_roots([str(tmp_path / "photos"), str(tmp_path / "photos2")])
    assert set(roots) == {str(tmp_path / "photos"), str(tmp_path / "photos2")}


def test_overlapping_roots_count_each_file_once_in_a_scan(library, make_photo) -> None:
    lib = library()
    lib.add("a.jpg", make_photo(1, (200, 150)))
    lib.add("sub/b.png", make_photo(2, (200, 150)))
    settings = lib.settings(workers=1)
    settings = type(settings)(roots=(str(lib.root / "sub"), str(lib.root)), workers=1)
    result = cleaner.detect.scan.run_scan(settings, cache_path=None)
    assert result.stats.files_seen == 2
    assert result.stats.images == 2
    assert result.settings.roots == (str(lib.root),)


def test_bad_roots_raise_a_one_line_error(tmp_path: Path) -> None:
    _touch(tmp_path / "file.jpg")
    with pytest.raises(BadRootError, match="not found"):
        normalise_roots([str(tmp_path / "missing")])
    with pytest.raises(BadRootError, match="not a folder"):
        normalise_roots([str(tmp_path / "file.jpg")])


def test_exclude_globs_by_name_and_by_path(tmp_path: Path) -> None:
    for rel in (
        "keep.jpg",
        "skip.png",
        "Private/secret.jpg",
        "trips/2020/raw/a.jpg",
        "trips/2020/best/b.jpg",
        "trips/2021/raw/c.jpg",
    ):
        _touch(tmp_path / rel)
    found, _ = _walk(tmp_path, excludes=["*.png", "Private"])
    assert _rel(found, tmp_path) == {
        "keep.jpg",
        "trips/2020/raw/a.jpg",
        "trips/2020/best/b.jpg",
        "trips/2021/raw/c.jpg",
    }
    # a pattern with a slash matches the path below the root, not just the name
    found, _ = _walk(tmp_path, excludes=["trips/2020/raw"])
    assert "trips/2020/raw/a.jpg" not in _rel(found, tmp_path)
    assert "trips/2021/raw/c.jpg" in _rel(found, tmp_path)
    found, _ = _walk(tmp_path, excludes=["trips/*/raw"])
    assert _rel(found, tmp_path) == {"keep.jpg", "skip.png", "Private/secret.jpg",
                                     "trips/2020/best/b.jpg"}  # fmt: skip


@pytest.mark.parametrize(
    "folder",
    [".Trash-1000", ".Trash", ".Trashes", "$RECYCLE.BIN", "@eaDir", ".thumbnails", ".git",
     "System Volume Information", "#recycle", ".photosift-quarantine"],
)  # fmt: skip
def test_system_and_trash_folders_are_skipped(tmp_path: Path, folder: str) -> None:
    _touch(tmp_path / "photo.jpg")
    _touch(tmp_path / folder / "files" / "photo.jpg")
    found, skipped = _walk(tmp_path)
    assert _rel(found, tmp_path) == {"photo.jpg"}
    assert skipped == []


def test_symlinks_are_not_followed_by_default_and_are_reported(tmp_path: Path) -> None:
    real = _touch(tmp_path / "real" / "a.jpg")
    (tmp_path / "scan").mkdir()
    _touch(tmp_path / "scan" / "b.jpg")
    os.symlink(real, tmp_path / "scan" / "link.jpg")
    os.symlink(tmp_path / "real", tmp_path / "scan" / "linkdir")
    found, skipped = _walk(tmp_path / "scan")
    assert _rel(found, tmp_path / "scan") == {"b.jpg"}
    assert {(os.path.basename(s.path), s.reason) for s in skipped} == {
        ("link.jpg", SkipReason.SYMLINK),
        ("linkdir", SkipReason.SYMLINK),
    }


def test_followed_symlinks_are_walked(tmp_path: Path) -> None:
    _touch(tmp_path / "real" / "a.jpg")
    (tmp_path / "scan").mkdir()
    os.symlink(tmp_path / "real", tmp_path / "scan" / "linkdir")
    found, skipped = _walk(tmp_path / "scan", follow_symlinks=True)
    assert _rel(found, tmp_path / "scan") == {"linkdir/a.jpg"}
    assert skipped == []


def test_symlink_loop_terminates_and_is_reported(tmp_path: Path) -> None:
    _touch(tmp_path / "a" / "photo.jpg")
    os.symlink(tmp_path, tmp_path / "a" / "up")  # a/up -> the root: a cycle
    os.symlink("self", tmp_path / "self")  # a link to itself: ELOOP
    found, skipped = _walk(tmp_path, follow_symlinks=True)
    assert _rel(found, tmp_path) == {"a/photo.jpg"}
    reasons = {os.path.relpath(s.path, tmp_path): s.reason for s in skipped}
    assert reasons == {"a/up": SkipReason.SYMLINK_LOOP, "self": SkipReason.SYMLINK_LOOP}


def test_symlink_loop_scan_finishes(library, make_photo) -> None:
    lib = library()
    lib.add("a/photo.jpg", make_photo(1, (200, 150)))
    os.symlink(lib.root, lib.root / "a" / "loop")
    result = lib.scan(follow_symlinks=True)
    assert result.stats.images == 1
    assert [s.reason for s in result.skipped] == [SkipReason.SYMLINK_LOOP]


def test_follow_symlinks_option_of_the_command(library, make_photo, tmp_path, capsys) -> None:
    lib = library()
    lib.add("a/photo.jpg", make_photo(1, (200, 150)))
    os.symlink(lib.root, lib.root / "a" / "loop")
    out = tmp_path / "r.json"
    args = ["scan", str(lib.root), "--no-cache", "-q", "--json", str(out)]
    assert main([*args, "--follow-symlinks"]) == 0
    loaded = resultio.load(out)
    assert [s.reason for s in loaded.skipped] == [SkipReason.SYMLINK_LOOP]
    assert loaded.settings.follow_symlinks is True
    assert main(args) == 0
    assert [s.reason for s in resultio.load(out).skipped] == [SkipReason.SYMLINK]


def test_hard_links_are_one_entry_and_free_no_space(library, make_photo) -> None:
    lib = library()
    original = lib.add("a.jpg", make_photo(1, (300, 200)))
    os.link(original, lib.root / "b_link.jpg")
    lib.copy("a.jpg", "z_copy.jpg")  # a real second copy of the bytes
    result = lib.scan()
    assert result.stats.files_seen == 3
    assert result.stats.hardlinks == 1
    assert len(result.groups) == 1
    group = result.groups[0]
    by_name = {os.path.basename(m.path): m for m in group.members}
    assert set(by_name) == {"a.jpg", "z_copy.jpg"}  # the link is not a member of its own
    linked = by_name["a.jpg"].entry
    assert [os.path.basename(p) for p in linked.hardlinks] == ["b_link.jpg"]
    assert linked.frees_space is False
    assert by_name["z_copy.jpg"].entry.frees_space is True
    size = original.stat().st_size
    # only a copy that owns its bytes counts as reclaimable
    expected = sum(size for m in group.members if m.suggested_remove and m.entry.frees_space)
    assert group.reclaimable_bytes == expected
    assert result.stats.reclaimable_bytes == expected
    assert expected <= size


def test_a_file_linked_from_outside_the_scan_frees_nothing(library, make_photo, tmp_path) -> None:
    lib = library()
    original = lib.add("a.jpg", make_photo(1, (300, 200)))
    os.link(original, tmp_path / "outside.jpg")
    lib.copy("a.jpg", "b.jpg")
    result = lib.scan(criteria=("path_rules",))
    (group,) = result.groups
    entry = next(m.entry for m in group.members if m.path.endswith("a.jpg"))
    assert entry.nlink == 2
    assert entry.hardlinks == ()
    assert entry.frees_space is False
    removed = [m for m in group.members if m.suggested_remove]
    assert group.reclaimable_bytes == sum(m.entry.size for m in removed if m.entry.frees_space)


def test_non_utf8_names_are_found_grouped_and_survive_json(
    library, make_photo, tmp_path: Path
) -> None:
    lib = library()
    data = images.jpeg_bytes(make_photo(3, (300, 200)))
    bad = os.path.join(os.fsencode(lib.root), b"caf\xed.jpg")
    with open(bad, "wb") as fh:
        fh.write(data)
    lib.add_bytes("plain.jpg", data)
    result = lib.scan()
    assert result.skipped == ()
    (group,) = result.groups
    paths = {m.path for m in group.members}
    odd = next(p for p in paths if not p.endswith("plain.jpg"))
    assert os.fsencode(odd) == bad
    saved = tmp_path / "result.json"
    resultio.save(result, saved)
    loaded = resultio.load(saved)
    assert {m.path for m in loaded.groups[0].members} == paths
    assert os.path.exists(os.fsencode(odd))


def _chmod_denies(path: Path) -> bool:
    """True if chmod 000 really locks us out (not when running as root)."""
    return not os.access(path, os.R_OK)


def test_unreadable_folder_is_reported_and_the_walk_goes_on(tmp_path: Path) -> None:
    _touch(tmp_path / "ok" / "a.jpg")
    locked = tmp_path / "locked"
    _touch(locked / "b.jpg")
    locked.chmod(0)
    try:
        if not _chmod_denies(locked):
            pytest.skip("chmod 000 has no effect for this user (root)")
        found, skipped = _walk(tmp_path)
    finally:
        locked.chmod(0o755)
    assert _rel(found, tmp_path) == {"ok/a.jpg"}
    assert [(s.path, s.reason) for s in skipped] == [(str(locked), SkipReason.FOLDER_UNREADABLE)]


def test_folder_that_cannot_be_listed_is_reported_in_a_scan(
    library, make_photo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same as above, for any user: the listing of one folder fails."""
    lib = library()
    lib.add("ok/a.jpg", make_photo(1, (200, 150)))
    lib.add("locked/b.jpg", make_photo(2, (200, 150)))
    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(cleaner.detect.walk.os, "scandir", scandir)
    result = lib.scan()
    assert result.stats.images == 1
    assert [(os.path.basename(s.path), s.reason) for s in result.skipped] == [
        ("locked", SkipReason.FOLDER_UNREADABLE)
    ]


def _vanish_after_walk(monkeypatch: pytest.MonkeyPatch, victim: str) -> None:
    """Delete `victim` right after the walk has reported it, before anything reads it."""
    real_walk = cleaner.detect.scan.walk

    def walk_then_delete(*args, **kwargs):  # type: ignore[no-untyped-def]
        for item in real_walk(*args, **kwargs):
            yield item
            if isinstance(item, FoundFile) and os.path.basename(item.path) == victim:
                os.unlink(item.path)

    monkeypatch.setattr(cleaner.detect.scan, "walk", walk_then_delete)


def test_file_vanishing_between_walk_and_decode_is_skipped(
    library, make_photo, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = library()
    lib.add("a.jpg", make_photo(1, (200, 150)))
    lib.add("gone.jpg", make_photo(2, (240, 180)))
    _vanish_after_walk(monkeypatch, "gone.jpg")
    result = lib.scan()
    assert [(os.path.basename(s.path), s.reason) for s in result.skipped] == [
        ("gone.jpg", SkipReason.VANISHED)
    ]
    assert result.stats.images == 1


def test_vanished_exact_copy_candidate_is_reported_once(
    library, make_photo, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = library()
    lib.add("a.jpg", make_photo(1, (200, 150)))
    lib.copy("a.jpg", "gone.jpg")  # same size: the digest stage reads it first
    _vanish_after_walk(monkeypatch, "gone.jpg")
    result = lib.scan()
    assert [(os.path.basename(s.path), s.reason) for s in result.skipped] == [
        ("gone.jpg", SkipReason.VANISHED)
    ]
    assert result.stats.skipped == 1
    assert result.groups == ()


def test_a_file_that_vanishes_before_its_digest_is_announced_as_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window lists skipped files as events arrive, so a skip found while digesting
    must be sent as a FileSkipped event too, not only recorded in the result."""
    from cleaner.detect import scan as scan_module
    from cleaner.models import ScanSettings, SkipReason
    from cleaner.progress import FileSkipped, ScanFinished

    data = b"\xff\xd8\xff" + bytes(5000)
    (tmp_path / "a.jpg").write_bytes(data)
    (tmp_path / "b.jpg").write_bytes(data[:-1] + b"\x01")  # same size, another file
    real = scan_module.prefix_digest

    def vanishing(path: str) -> str:
        if path.endswith("b.jpg"):
            raise FileNotFoundError(2, "No such file or directory", path)
        return real(path)

    monkeypatch.setattr(scan_module, "prefix_digest", vanishing)
    events = list(scan_module.scan(ScanSettings(roots=(str(tmp_path),)), cache_path=None))
    announced = [e.skipped for e in events if isinstance(e, FileSkipped)]
    result = next(e.result for e in events if isinstance(e, ScanFinished))
    vanished = [s for s in result.skipped if s.reason is SkipReason.VANISHED]
    assert [s.path for s in vanished] == [str(tmp_path / "b.jpg")]
    assert vanished[0] in announced
