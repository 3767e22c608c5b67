"""The fingerprint cache: hits, invalidation by mtime and by version, damage tolerance."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

import cleaner.detect.analysis
import cleaner.detect.cache
import cleaner.detect.scan
from cleaner.detect.cache import FingerprintCache, default_cache_path
from cleaner.detect.decode import DecodeFailure
from cleaner.models import SkipReason
from tests.helpers import images


def _fill(lib, broken: bool = True) -> int:
    """A small library: two photos with a resized copy, one exact copy, one bad file."""
    a = images.photo(31, (320, 240))
    lib.add("a.jpg", a)
    lib.add("a_small.png", images.resized(a, 160))
    lib.add("b.jpg", images.photo(32, (320, 240)))
    lib.copy("b.jpg", "b copy.jpg")
    if broken:
        lib.add_bytes("broken.jpg", b"<html>not a picture</html>")
    return 4  # readable pictures


def _forbid_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cached file was decoded again")

    monkeypatch.setattr(cleaner.detect.analysis, "analyse_file", boom)
    monkeypatch.setattr(cleaner.detect.scan, "analyse_file", boom)


def _count_decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = cleaner.detect.scan.analyse_file

    def counting(path: str, max_pixels: int):  # type: ignore[no-untyped-def]
        seen.append(os.path.basename(path))
        return real(path, max_pixels)

    monkeypatch.setattr(cleaner.detect.scan, "analyse_file", counting)
    return seen


def test_default_cache_path_follows_the_override(user_dirs: dict[str, Path]) -> None:
    assert default_cache_path().parent == user_dirs["PHOTOSIFT_CACHE_DIR"]


def test_default_cache_path_is_under_the_user_cache(
    user_dirs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PHOTOSIFT_CACHE_DIR")
    assert str(default_cache_path()).startswith(str(user_dirs["XDG_CACHE_HOME"]))


def test_second_scan_of_an_unchanged_folder_reads_nothing(
    library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = library()
    readable = _fill(lib, broken=False)
    cache = tmp_path / "cache" / "fp.sqlite3"
    first = lib.scan(cache=cache)
    assert first.stats.cache_hits == 0
    assert first.stats.images == readable
    _forbid_decoding(monkeypatch)
    second = lib.scan(cache=cache)
    assert second.stats.cache_hits == second.stats.images == readable
    assert images.group_names(second) == images.group_names(first)
    assert [g.kind for g in second.groups] == [g.kind for g in first.groups]


def test_a_bad_files_verdict_is_cached_too(
    library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = library()
    _fill(lib)
    cache = tmp_path / "fp.sqlite3"
    first = lib.scan(cache=cache)
    _forbid_decoding(monkeypatch)
    second = lib.scan(cache=cache)
    assert [(s.path, s.reason, s.detail) for s in second.skipped] == [
        (s.path, s.reason, s.detail) for s in first.skipped
    ]
    assert [s.reason for s in second.skipped] == [SkipReason.NOT_AN_IMAGE]


def test_cache_hits_count_pictures_only(library, tmp_path: Path) -> None:
    lib = library()
    readable = _fill(lib)  # with a broken file
    cache = tmp_path / "fp.sqlite3"
    lib.scan(cache=cache)
    second = lib.scan(cache=cache)
    assert second.stats.images == readable
    assert second.stats.cache_hits <= second.stats.images


def test_the_default_cache_is_used_and_lives_in_the_redirected_folder(
    library, user_dirs: dict[str, Path]
) -> None:
    lib = library()
    lib.add("a.jpg", images.photo(33, (200, 150)))
    settings = lib.settings(workers=1)
    cleaner.detect.scan.run_scan(settings)  # cache_path="default"
    assert (user_dirs["PHOTOSIFT_CACHE_DIR"] / "fingerprints.sqlite3").exists()
    again = cleaner.detect.scan.run_scan(settings)
    assert again.stats.cache_hits == 1


def test_a_touched_file_is_read_again(
    library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = library()
    _fill(lib, broken=False)
    cache = tmp_path / "fp.sqlite3"
    lib.scan(cache=cache)
    st = lib.path("a.jpg").stat()
    os.utime(lib.path("a.jpg"), ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    decoded = _count_decodes(monkeypatch)
    result = lib.scan(cache=cache)
    assert decoded == ["a.jpg"]  # only the touched file; everything else from the cache
    assert result.stats.cache_hits == 3  # a_small.png and the two exact copies
    assert {"a.jpg", "a_small.png"} in images.group_names(result)


def test_a_changed_file_is_read_again(
    library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = library()
    lib.add("a.jpg", images.photo(34, (320, 240)))
    lib.add("c.jpg", images.photo(35, (320, 240)))
    cache = tmp_path / "fp.sqlite3"
    first = lib.scan(cache=cache)
    assert first.groups == ()
    # c.jpg now holds a resized copy of a.jpg, with the same mtime as before
    st = lib.path("c.jpg").stat()
    images.save(images.resized(images.photo(34, (320, 240)), 200), lib.path("c.jpg"), "JPEG")
    os.utime(lib.path("c.jpg"), ns=(st.st_atime_ns, st.st_mtime_ns))
    decoded = _count_decodes(monkeypatch)
    second = lib.scan(cache=cache)
    assert decoded == ["c.jpg"]  # the size changed
    assert images.group_names(second) == [{"a.jpg", "c.jpg"}]


def test_a_version_change_empties_the_cache(
    library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = library()
    readable = _fill(lib)
    cache = tmp_path / "fp.sqlite3"
    lib.scan(cache=cache)
    real = cleaner.detect.cache.library_versions()
    monkeypatch.setattr(cleaner.detect.cache, "library_versions", lambda: real + ";Pillow=99.0")
    decoded = _count_decodes(monkeypatch)
    result = lib.scan(cache=cache)
    assert result.stats.cache_hits == 0
    # everything is read again: the exact copies share one decode, plus the broken file
    assert sorted(decoded) == sorted(["a.jpg", "a_small.png", "b copy.jpg", "broken.jpg"])
    assert readable == 4
    with sqlite3.connect(cache) as conn:
        (versions,) = conn.execute("SELECT value FROM meta WHERE key='versions'").fetchone()
    assert versions.endswith("Pillow=99.0")


def test_a_damaged_cache_file_does_not_stop_the_scan(library, tmp_path: Path) -> None:
    lib = library()
    readable = _fill(lib)
    cache = tmp_path / "fp.sqlite3"
    first = lib.scan(cache=cache)
    cache.write_bytes(b"\x00garbage, not SQLite\xff" * 512)
    for suffix in ("-wal", "-shm"):
        Path(str(cache) + suffix).unlink(missing_ok=True)
    second = lib.scan(cache=cache)
    assert second.stats.images == readable
    assert images.group_names(second) == images.group_names(first)
    third = lib.scan(cache=cache)  # and the cache was rebuilt
    assert third.stats.cache_hits >= readable


def test_a_damaged_cache_with_a_valid_header_does_not_stop_the_scan(
    library, tmp_path: Path
) -> None:
    lib = library()
    readable = _fill(lib)
    cache = tmp_path / "fp.sqlite3"
    lib.scan(cache=cache)
    data = bytearray(cache.read_bytes())
    data[200:] = os.urandom(len(data) - 200)  # keep "SQLite format 3", wreck the rest
    cache.write_bytes(bytes(data))
    result = lib.scan(cache=cache)
    assert result.stats.images == readable


def test_an_unwritable_cache_location_does_not_stop_the_scan(library, tmp_path: Path) -> None:
    lib = library()
    readable = _fill(lib)
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    result = lib.scan(cache=blocker / "fp.sqlite3")
    assert result.stats.images == readable


def test_permission_and_vanished_verdicts_are_not_cached(tmp_path: Path) -> None:
    cache = FingerprintCache(tmp_path / "fp.sqlite3")
    cache.put("/x/a.jpg", 10, 1, failure=DecodeFailure(SkipReason.PERMISSION_DENIED))
    cache.put("/x/b.jpg", 10, 1, failure=DecodeFailure(SkipReason.CORRUPT, "bad"))
    cache.flush()
    a = cache.get("/x/a.jpg", 10, 1)
    assert a is None or a.failure is None
    b = cache.get("/x/b.jpg", 10, 1)
    assert b is not None
    assert b.failure == DecodeFailure(SkipReason.CORRUPT, "bad")
    assert cache.get("/x/b.jpg", 11, 1) is None  # another size: a miss
    assert cache.get("/x/b.jpg", 10, 2) is None  # another mtime: a miss
    cache.close()


def test_non_utf8_paths_are_cache_keys(tmp_path: Path) -> None:
    path = os.fsdecode(b"/photos/caf\xed.jpg")
    with FingerprintCache(tmp_path / "fp.sqlite3") as cache:
        cache.put(path, 5, 7, sha256="ab" * 32)
    with FingerprintCache(tmp_path / "fp.sqlite3") as cache:
        hit = cache.get(path, 5, 7)
    assert hit is not None
    assert hit.sha256 == "ab" * 32


def test_exact_copies_stay_exact_on_the_second_scan(library, tmp_path: Path) -> None:
    """Regression: the analysis row overwrote the digest row of the same file (stale read)."""
    lib = library()
    lib.add("b.jpg", images.photo(36, (320, 240)))
    lib.copy("b.jpg", "b copy.jpg")
    cache = tmp_path / "fp.sqlite3"
    kinds = [[g.kind.value for g in lib.scan(cache=cache).groups] for _ in range(3)]
    assert kinds == [["exact"]] * 3


def test_exact_copies_stay_exact_after_one_copy_is_touched(library, tmp_path: Path) -> None:
    lib = library()
    lib.add("b.jpg", images.photo(36, (320, 240)))
    lib.copy("b.jpg", "b copy.jpg")
    cache = tmp_path / "fp.sqlite3"
    assert [g.kind.value for g in lib.scan(cache=cache).groups] == ["exact"]
    st = lib.path("b copy.jpg").stat()
    os.utime(lib.path("b copy.jpg"), ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert [g.kind.value for g in lib.scan(cache=cache).groups] == ["exact"]


def test_a_rescan_of_an_unchanged_folder_opens_no_file(
    library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the walk's stat calls: no decode, no prefix digest, no full digest, for any
    file, including the members of similar groups whose digest the report needs."""
    lib = library()
    _fill(lib, broken=False)
    cache = tmp_path / "fp.sqlite3"
    first = lib.scan(cache=cache)
    assert any(g.kind.value == "similar" for g in first.groups)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a file was opened on an unchanged rescan: {args[:1]}")

    from cleaner.detect import scan as scan_module

    for name in ("analyse_file", "prefix_digest", "sha256_file"):
        monkeypatch.setattr(scan_module, name, refuse)
    second = lib.scan(cache=cache)
    assert images.group_names(second) == images.group_names(first)
    assert [m.sha256 for g in second.groups for m in g.members] == [
        m.sha256 for g in first.groups for m in g.members
    ]


def test_each_step_merges_into_what_the_cache_knows(tmp_path: Path) -> None:
    """Prefix, digest and verdict arrive in separate steps and must all be kept; a
    changed file (other size or mtime) starts from nothing."""
    from cleaner.detect.cache import FingerprintCache

    with FingerprintCache(tmp_path / "fp.sqlite3") as cache:
        cache.put("/x/a.jpg", 10, 1, prefix="p" * 64)
        cache.flush()
        cache.put("/x/a.jpg", 10, 1, sha256="s" * 64)
        cache.put("/x/a.jpg", 10, 1, failure=DecodeFailure(SkipReason.CORRUPT, "bad"))
        hit = cache.get("/x/a.jpg", 10, 1)
        assert hit is not None
        assert (hit.prefix, hit.sha256) == ("p" * 64, "s" * 64)
        assert hit.failure == DecodeFailure(SkipReason.CORRUPT, "bad")
        cache.put("/x/a.jpg", 10, 1, failure=DecodeFailure(SkipReason.PERMISSION_DENIED))
        kept = cache.get("/x/a.jpg", 10, 1)
        assert kept is not None
        assert kept.failure == DecodeFailure(SkipReason.CORRUPT, "bad")
        cache.put("/x/a.jpg", 11, 2, prefix="q" * 64)
        changed = cache.get("/x/a.jpg", 11, 2)
        assert changed is not None
        assert (changed.prefix, changed.sha256, changed.failure) == ("q" * 64, None, None)


def test_a_fingerprint_comes_back_whole(tmp_path: Path) -> None:
    """Every part of a fingerprint (hashes with crop windows, thumbnail, colour) survives
    the cache; a lost colour would quietly let recoloured copies match after a rescan."""
    photo = images.photo(41, (320, 240))
    path = tmp_path / "a.jpg"
    images.save(photo, path)
    analysis = cleaner.detect.analysis.analyse_file(str(path), 10**9)
    assert not isinstance(analysis, DecodeFailure)
    st = path.stat()
    with FingerprintCache(tmp_path / "c.sqlite3") as cache:
        cache.put(str(path), st.st_size, st.st_mtime_ns, analysis=analysis)
    with FingerprintCache(tmp_path / "c.sqlite3") as cache:
        hit = cache.get(str(path), st.st_size, st.st_mtime_ns)
    assert hit is not None
    assert hit.analysis == analysis
    assert len(analysis.fingerprint.colour) == 32
    assert len(analysis.fingerprint.crop_hashes) == 1
