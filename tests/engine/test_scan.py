"""The whole scan on awkward libraries: bad files are skipped, never grouped, never fatal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import cleaner.detect.decode
import cleaner.detect.scan
from cleaner.detect.scan import run_scan, scan
from cleaner.errors import BadRootError
from cleaner.models import GroupKind, ScanSettings, SkipReason
from cleaner.progress import FileSkipped, GroupsFound, ScanFinished
from tests.helpers import images
from tests.helpers.copy_sets import write_copy_sets


@pytest.fixture
def messy(library):
    """Good pictures mixed with every kind of bad file."""
    lib = library()
    good = images.photo(41, (400, 300))
    lib.add("good.jpg", good)
    lib.add("good_small.png", images.resized(good, 200))
    lib.add("lonely.jpg", images.photo(42, (400, 300)))
    jpeg = images.jpeg_bytes(images.photo(43, (400, 300)))
    lib.add_bytes("empty.jpg", b"")
    lib.add_bytes("empty2.jpg", b"")
    lib.add_bytes("truncated.jpg", jpeg[: len(jpeg) // 2])
    lib.add_bytes("page.png", b"<!DOCTYPE html><html><body>Not Found</body></html>")
    lib.add_bytes("noise.jpg", bytes((i * 97 + 13) % 256 for i in range(3000)))
    lib.add_bytes("bomb.png", images.bomb_png(20000, 20000))
    lib.add_bytes("notes.txt", b"not even a candidate")
    return lib


EXPECTED_SKIPS = {
    "empty.jpg": SkipReason.EMPTY,
    "empty2.jpg": SkipReason.EMPTY,
    "truncated.jpg": SkipReason.TRUNCATED,
    "page.png": SkipReason.NOT_AN_IMAGE,
    "noise.jpg": SkipReason.NOT_AN_IMAGE,
    "bomb.png": SkipReason.TOO_LARGE,
}


def _skips(result) -> dict[str, SkipReason]:
    return {os.path.basename(s.path): s.reason for s in result.skipped}


def test_bad_files_are_skipped_with_their_reason_and_never_grouped(messy) -> None:
    result = messy.scan()
    assert _skips(result) == EXPECTED_SKIPS
    assert images.group_names(result) == [{"good.jpg", "good_small.png"}]
    assert result.stats.images == 3
    assert result.stats.skipped == len(EXPECTED_SKIPS)
    assert result.stats.files_seen == 10  # notes.txt is seen, but never opened


def test_skips_are_announced_as_events(messy) -> None:
    announced = {
        os.path.basename(e.skipped.path): e.skipped.reason
        for e in scan(messy.settings(workers=2), cache_path=None)
        if isinstance(e, FileSkipped)
    }
    assert announced == EXPECTED_SKIPS


def test_permission_denied_file_is_skipped(
    library, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lib = library()
    lib.add("a.jpg", images.photo(44, (300, 200)))
    locked = lib.add("locked.jpg", images.photo(45, (300, 220)))
    real_open = cleaner.detect.decode.open_regular

    def guarded_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if os.fspath(file) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(cleaner.detect.decode, "open_regular", guarded_open)
    result = lib.scan()
    assert _skips(result) == {"locked.jpg": SkipReason.PERMISSION_DENIED}
    assert result.stats.images == 1


def test_permission_denied_by_chmod(library) -> None:
    lib = library()
    lib.add("a.jpg", images.photo(44, (300, 200)))
    locked = lib.add("locked.jpg", images.photo(45, (300, 220)))
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("chmod 000 has no effect for this user (root)")
        result = lib.scan()
    finally:
        locked.chmod(0o644)
    assert _skips(result) == {"locked.jpg": SkipReason.PERMISSION_DENIED}


def test_exact_copies_of_an_unreadable_picture_are_still_an_exact_group(library) -> None:
    lib = library()
    jpeg = images.jpeg_bytes(images.photo(46, (400, 300)))
    lib.add_bytes("cut.jpg", jpeg[: len(jpeg) // 2])
    lib.copy("cut.jpg", "backup/cut.jpg")
    lib.add_bytes("bomb.png", images.bomb_png(20000, 20000))
    lib.copy("bomb.png", "bomb copy.png")
    result = lib.scan()
    groups = {frozenset(images.names(g, lib.root)): g for g in result.groups}
    assert set(groups) == {
        frozenset({"cut.jpg", "backup/cut.jpg"}),
        frozenset({"bomb.png", "bomb copy.png"}),
    }
    for g in groups.values():
        assert g.kind is GroupKind.EXACT
        assert all(m.metrics is None for m in g.members)
        assert all(m.sha256 for m in g.members)
        assert sum(m.suggested_remove for m in g.members) == 1
    assert result.skipped == ()


def test_copies_of_a_non_picture_and_empty_files_are_never_grouped(library) -> None:
    lib = library()
    for name in ("a.jpg", "b.jpg", "c.png"):
        lib.add_bytes(name, b"")
    lib.add_bytes("page.png", b"<html>oops</html>")
    lib.copy("page.png", "page2.png")
    result = lib.scan()
    assert result.groups == ()
    assert set(_skips(result).values()) == {SkipReason.EMPTY, SkipReason.NOT_AN_IMAGE}
    assert len(result.skipped) == 5


def test_a_crash_inside_one_decode_does_not_stop_the_scan(
    library, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = library()
    lib.add("a.jpg", images.photo(47, (300, 200)))
    lib.add("b.jpg", images.photo(48, (300, 200)))
    real = cleaner.detect.decode._open_with_pillow

    def flaky(path: str, *args):  # type: ignore[no-untyped-def]
        if path.endswith("b.jpg"):
            raise RuntimeError("decoder bug")
        return real(path, *args)

    monkeypatch.setattr(cleaner.detect.decode, "_open_with_pillow", flaky)
    result = lib.scan()
    assert _skips(result) == {"b.jpg": SkipReason.CORRUPT}
    assert result.stats.images == 1


def test_stats_add_up(library) -> None:
    lib = library()
    original = images.photo(49, (640, 480))
    lib.add("a.jpg", original)
    lib.copy("a.jpg", "a copy.jpg")
    lib.add("a_small.jpg", images.resized(original, 320))
    lib.add("b.jpg", images.photo(50, (640, 480)))
    result = lib.scan()
    (group,) = result.groups
    removed = [m for m in group.members if m.suggested_remove]
    assert result.stats.groups == 1
    assert result.stats.redundant_copies == len(removed) == 2
    assert result.stats.reclaimable_bytes == sum(m.entry.size for m in removed)
    assert result.stats.bytes_seen == sum(p.stat().st_size for p in lib.files.values())
    assert group.keeper.distance == 0
    assert group.keeper.quality >= max(m.quality for m in group.members) - 1
    assert not any(m.is_keeper and m.suggested_remove for m in group.members)


def test_groups_found_events_carry_every_group(tmp_path: Path) -> None:
    for seed in range(20):
        a = images.save(images.photo(200 + seed, (96, 72)), tmp_path / f"p{seed}.png")
        (tmp_path / f"p{seed} copy.png").write_bytes(a.read_bytes())
    events = list(scan(ScanSettings(roots=(str(tmp_path),), workers=2), cache_path=None))
    batches = [e.groups for e in events if isinstance(e, GroupsFound)]
    assert len(batches) >= 2  # 20 groups arrive in growing batches (16, then the rest)
    sent = [g for batch in batches for g in batch]
    (final,) = [e.result for e in events if isinstance(e, ScanFinished)]
    assert sent == list(final.groups)
    assert [g.id for g in final.groups] == list(range(1, 21))


@pytest.mark.slow
def test_thousands_of_groups_arrive_once_each_in_order(tmp_path: Path) -> None:
    """Issue 10, class 12: past 32 sets the batches overlapped (122,608 groups sent for
    2,500), and the window showed sets several times."""
    n = 2500
    write_copy_sets(tmp_path, n)
    events = list(scan(ScanSettings(roots=(str(tmp_path),), workers=2), cache_path=None))
    batches = [e.groups for e in events if isinstance(e, GroupsFound)]
    (final,) = [e.result for e in events if isinstance(e, ScanFinished)]
    assert [g.id for g in final.groups] == list(range(1, n + 1))
    sent_ids = [g.id for batch in batches for g in batch]
    assert sent_ids == [g.id for g in final.groups]  # each once, in order: a list, not a set
    assert [g for batch in batches for g in batch] == list(final.groups)
    assert len(batches) < 20  # still growing batches, not one event per group
    assert [len(b) for b in batches][:3] == [16, 32, 64]


def test_a_missing_root_raises_bad_root(tmp_path: Path) -> None:
    with pytest.raises(BadRootError, match="not found"):
        run_scan(ScanSettings(roots=(str(tmp_path / "missing"),)), cache_path=None)


def test_an_empty_folder_gives_an_empty_result(tmp_path: Path) -> None:
    result = run_scan(ScanSettings(roots=(str(tmp_path),)), cache_path=None)
    assert result.groups == ()
    assert result.skipped == ()
    assert result.stats.files_seen == 0
    assert result.cancelled is False


def test_process_pool_gives_the_same_groups(library) -> None:
    lib = library()
    original = images.photo(51, (400, 300))
    lib.add("a.jpg", original)
    lib.add("a.png", images.resized(original, 300))
    lib.add("b.jpg", images.photo(52, (400, 300)))
    threads = run_scan(lib.settings(workers=2), cache_path=None)
    processes = run_scan(lib.settings(workers=2), cache_path=None, executor="processes")
    assert images.group_names(processes) == images.group_names(threads)


def test_protection_through_a_symlinked_root(tmp_path: Path) -> None:
    real = tmp_path / "data"
    original = images.photo(53, (300, 200))
    images.save(original, real / "Originals" / "a.jpg")
    images.save(original, real / "Other" / "a.png")  # lossless: wins unless a.jpg is protected
    os.symlink(real, tmp_path / "Pictures")
    settings = ScanSettings(
        roots=(str(tmp_path / "Pictures"),),
        protected=(str(tmp_path / "Pictures" / "Originals"),),
        workers=2,
    )
    (group,) = run_scan(settings, cache_path=None).groups
    protected = [m for m in group.members if "Originals" in m.path]
    assert len(protected) == 1
    assert protected[0].protected is True
    assert protected[0].suggested_remove is False
