"""The reading pool gets the costliest pictures first (`cleaner.detect.reading_order`), and
that order changes nothing a scan produces, stops no slower and skips no differently."""

from __future__ import annotations

import os
import random
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

import cleaner.detect.scan
from cleaner.detect.reading_order import FULL_DECODE_WEIGHT, costliest_first, estimated_cost
from cleaner.detect.scan import run_scan, scan
from cleaner.errors import Cancelled
from cleaner.models import FileEntry, ScanResult, ScanSettings, SkipReason
from cleaner.progress import CancelToken
from tests.helpers import images

EXTENSIONS = (".jpg", ".JPEG", ".png", ".heic", ".webp", ".tif")


def _entry(path: str, size: int) -> FileEntry:
    return FileEntry(path=path, size=size, mtime_ns=0, device=0, inode=0, nlink=1)


def test_a_full_decode_weighs_more_than_a_jpeg_of_the_same_size() -> None:
    assert estimated_cost("/p/a.jpg", 1000) == 1000
    assert estimated_cost("/p/a.JPEG", 1000) == 1000
    for name in ("a.png", "a.HEIC", "a.webp", "a.tif", "a.gif", "a.cr2", "a.unknown"):
        assert estimated_cost(f"/p/{name}", 1000) == 1000 * FULL_DECODE_WEIGHT


def test_costliest_first_is_a_stable_descending_order_of_thousands() -> None:
    rnd = random.Random(13)
    entries = [
        _entry(f"/lib/{n:05d}{rnd.choice(EXTENSIONS)}", rnd.randrange(1, 50) * 1000)
        for n in range(5000)
    ]
    todo = list(range(0, 5000, 2)) + list(range(1, 5000, 2))  # not walk order
    got = costliest_first(todo, entries)
    cost = {i: estimated_cost(entries[i].path, entries[i].size) for i in todo}
    rank = {i: n for n, i in enumerate(todo)}
    assert got == sorted(todo, key=lambda i: (-cost[i], rank[i]))
    assert costliest_first([], entries) == []


@pytest.fixture
def sized_library(tmp_path: Path) -> Path:
    """2,000 files of distinct sizes and mixed formats, in a walk order that is not the
    cost order. Their contents do not decode: the order is what is looked at."""
    rnd = random.Random(9)
    sizes = rnd.sample(range(1000, 60000), 2000)
    for n, size in enumerate(sizes):
        folder = tmp_path / "lib" / f"f{n % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{n:04d}{EXTENSIONS[n % len(EXTENSIONS)]}").write_bytes(b"\x01" * size)
    return tmp_path / "lib"


def test_the_pool_is_handed_the_costliest_pictures_first(
    sized_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    called: list[str] = []
    real = cleaner.detect.scan.analyse_file

    def record(path: str, max_pixels: int):  # type: ignore[no-untyped-def]
        called.append(path)
        return real(path, max_pixels)

    monkeypatch.setattr(cleaner.detect.scan, "analyse_file", record)
    # one worker runs the tasks in the order they were handed over
    run_scan(ScanSettings(roots=(str(sized_library),), workers=1), cache_path=None)
    assert len(called) == 2000
    costs = [estimated_cost(p, os.path.getsize(p)) for p in called]
    assert costs == sorted(costs, reverse=True)
    assert os.path.splitext(called[0])[1].lower() != ".jpg"  # the biggest full decode


def _library_of_copies(root: Path) -> None:
    """Pictures in every format the order tells apart, with exact, resized and re-saved
    copies and bad files, named so that the walk order is not the cost order."""
    for seed in range(40):
        img = images.photo(700 + seed, (480 + 8 * seed, 360))
        folder = root / f"set{seed % 5}"
        images.save(img, folder / f"a{seed}.jpg")
        if seed % 2 == 0:
            images.save(images.resized(img, 240), folder / f"b{seed}_small.png")
        if seed % 3 == 0:
            images.save(img, folder / f"c{seed}.webp", quality=90)
        if seed % 4 == 0:
            (folder / f"d{seed} copy.jpg").write_bytes((folder / f"a{seed}.jpg").read_bytes())
        if seed % 5 == 0:
            images.save(img, folder / f"e{seed}.tif")
    jpeg = images.jpeg_bytes(images.photo(799, (400, 300)))
    (root / "truncated.jpg").write_bytes(jpeg[: len(jpeg) // 2])
    (root / "empty.png").write_bytes(b"")
    (root / "page.png").write_bytes(b"<html>Not Found</html>")


def _comparable(result: ScanResult) -> tuple[object, ...]:
    stats = replace(result.stats, seconds=0.0)
    return (result.groups, result.skipped, stats)


@pytest.mark.parametrize("executor", ["threads", "processes"])
def test_the_order_changes_nothing_a_scan_produces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, executor: str
) -> None:
    """Sets, members in order, keepers, evidence, skips and counts, compared whole."""
    _library_of_copies(tmp_path / "lib")
    settings = ScanSettings(roots=(str(tmp_path / "lib"),), workers=2)
    costly = run_scan(settings, cache_path=None, executor=executor)  # type: ignore[arg-type]
    monkeypatch.setattr(cleaner.detect.scan, "costliest_first", lambda todo, _entries: todo)
    walked = run_scan(settings, cache_path=None, executor=executor)  # type: ignore[arg-type]
    assert len(costly.groups) >= 20
    assert {s.reason for s in costly.skipped} >= {SkipReason.TRUNCATED, SkipReason.EMPTY}
    assert _comparable(costly) == _comparable(walked)


def test_a_picture_gone_before_its_turn_is_skipped_and_the_scan_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The costliest picture, read first, vanishes after the walk: one skip, with its
    reason, and every other picture is still read and grouped."""
    root = tmp_path / "lib"
    _library_of_copies(root)
    real = cleaner.detect.scan.costliest_first
    gone: list[str] = []

    def then_delete_the_first(todo, entries):  # type: ignore[no-untyped-def]
        order = real(todo, entries)
        gone.append(entries[order[0]].path)
        os.remove(gone[0])
        return order

    before = run_scan(ScanSettings(roots=(str(root),), workers=2), cache_path=None)
    monkeypatch.setattr(cleaner.detect.scan, "costliest_first", then_delete_the_first)
    after = run_scan(ScanSettings(roots=(str(root),), workers=2), cache_path=None)
    skipped = {s.path: s for s in after.skipped}
    assert skipped[gone[0]].reason is SkipReason.VANISHED
    assert skipped[gone[0]].detail is not None
    assert after.stats.images == before.stats.images - 1
    assert sum(1 for g in after.groups for m in g.members) >= (
        sum(1 for g in before.groups for m in g.members) - 2
    )


def test_cancel_stops_within_the_costliest_pictures_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first task is now the biggest picture: a cancel during it still stops the scan
    once that picture is done, not after the rest."""
    root = tmp_path / "lib"
    _library_of_copies(root)
    entered = threading.Event()
    release = threading.Event()
    started: list[str] = []
    real = cleaner.detect.scan.analyse_file

    def slow(path: str, max_pixels: int):  # type: ignore[no-untyped-def]
        started.append(path)
        entered.set()
        release.wait(timeout=10)
        return real(path, max_pixels)

    monkeypatch.setattr(cleaner.detect.scan, "analyse_file", slow)
    token = CancelToken()
    cancelled_at: list[float] = []

    def canceller() -> None:
        entered.wait(timeout=10)
        cancelled_at.append(time.monotonic())
        token.cancel()
        release.set()

    helper = threading.Thread(target=canceller)
    helper.start()
    try:
        with pytest.raises(Cancelled):
            for _ in scan(
                ScanSettings(roots=(str(root),), workers=2), cancel=token, cache_path=None
            ):
                pass
    finally:
        release.set()
        helper.join(timeout=10)
    assert time.monotonic() - cancelled_at[0] < 2.0
    costliest = sorted(
        (p for p in root.rglob("*") if p.is_file() and p.stat().st_size > 0),
        key=lambda p: -estimated_cost(str(p), p.stat().st_size),
    )
    # the two workers took the two costliest (which of them began first is the threads')
    assert set(started[:2]) == {str(costliest[0]), str(costliest[1])}
    assert len(started) < 20  # the others were never begun
