"""Crops in big libraries (issue 13): the crop-window search and the heavy-crop search take
their LSH paths (`cleaner.detect.crop_index`) above the sizes searched exactly; forced here
on small libraries, they must find what the exact searches find, and make none of the
false matches the exact searches refuse (the two halves of a panorama, burst shots of one
scene, two pictures with the same layout)."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

import cleaner.detect.crop_index as crop_index
import cleaner.detect.crops as crops
from cleaner.detect.checks import CROP_KIND
from cleaner.detect.crops import fine_pixels
from cleaner.detect.fingerprint import fingerprint
from cleaner.detect.index import Pairs, find_pairs
from cleaner.detect.matching import find_matches
from cleaner.detect.scan import run_scan
from cleaner.models import THRESHOLDS, ScanSettings, Similarity
from tests.engine.test_heavy_crops import _metrics, crop20, same_layout
from tests.helpers import images


def _run(gen: Generator[Any, None, Pairs]) -> Pairs:
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            result: Pairs = stop.value
            return result


def _keys(p: Pairs, n: int) -> list[int]:
    return sorted((np.minimum(p.i, p.j) * n + np.maximum(p.i, p.j)).tolist())


def _planted_hashes(n: int, pairs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random pHash-like hashes (DC bit set) whose windows are 2-8 bits from their own
    hash; picture n-1-r is a copy of window r at 0-8 bits."""
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 2**63, n, dtype=np.int64).astype(np.uint64) | np.uint64(1 << 63)
    flips = np.zeros(n, dtype=np.uint64)
    for _ in range(4):
        flips |= np.uint64(1) << rng.integers(0, 63, n).astype(np.uint64)
    windows = (base ^ flips)[:, None]
    for r in range(pairs):
        h = int(windows[r, 0])
        for bit in rng.choice(63, int(rng.integers(0, 5)) * 2, replace=False):
            h ^= 1 << int(bit)
        base[n - 1 - r] = h
    return base, windows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_window_index_finds_what_the_exact_search_finds(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    n = 6000
    base, windows = _planted_hashes(n, 400, seed)
    exact = _run(crop_index.window_pairs(base, windows, 10))  # small: brute force
    monkeypatch.setattr(crop_index, "BRUTE_FORCE_LIMIT", 0)
    indexed = _run(crop_index.window_pairs(base, windows, 10))
    assert crop_index.window_plan(n, n, 10)[1] > 1  # really the LSH path
    found, wanted = _keys(indexed, n), _keys(exact, n)
    # every pair it returns is a true one, each once, never a picture with itself
    assert set(found) <= set(wanted)
    assert len(found) == len(set(found))
    assert not (indexed.i == indexed.j).any()
    # at these sizes it plans every table a threshold of 10 needs: it misses nothing close
    close = exact.d <= 8
    assert set(
        _keys(Pairs(exact.i[close], exact.j[close], exact.t[close], exact.d[close]), n)
    ) <= set(found)
    # the same distances and windows as the exact search
    order_e = np.argsort(_pair_key(exact, n))
    order_i = np.argsort(_pair_key(indexed, n))
    keep = np.isin(_pair_key(exact, n)[order_e], _pair_key(indexed, n))
    assert exact.d[order_e][keep].tolist() == indexed.d[order_i].tolist()


def _pair_key(p: Pairs, n: int) -> np.ndarray:
    return np.minimum(p.i, p.j) * n + np.maximum(p.i, p.j)


def test_the_window_index_adds_nothing_to_the_plain_search_of_identical_windows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A window equal to its picture's own hash meets exactly the pictures its hash meets."""
    monkeypatch.setattr(crop_index, "BRUTE_FORCE_LIMIT", 0)
    base, _ = _planted_hashes(3000, 0, 9)
    rng = np.random.default_rng(9)
    near = base.copy()
    near[1500:] = base[:1500] ^ (np.uint64(1) << rng.integers(0, 63, 1500).astype(np.uint64))
    found = _run(crop_index.window_pairs(near, near[:, None], 10))
    plain = find_pairs(near, 10)
    assert _keys(found, 3000) == _keys(plain, 3000)


def test_the_window_plan_stays_within_its_budget() -> None:
    k, tables = crop_index.window_plan(1_000_000, 1_000_000, 10)
    cost = 2_000_000 + crop_index.WINDOW_PAIR_COST * 1e12 / 2.0**k
    assert tables * cost <= crop_index.WINDOW_WORK_BUDGET
    # small libraries get every table the miss rate asks for
    k_small, tables_small = crop_index.window_plan(50_000, 50_000, 10)
    p = crop_index._hit_probability(k_small, 10, 63)
    assert (1 - p) ** tables_small <= crop_index.MISS_RATE


def burst(frame: int, size: tuple[int, int] = (800, 600)) -> Image.Image:
    """Frames of one scene a second apart: the same background, the subject moved."""
    scene = images.detailed_photo(640, size)
    draw = ImageDraw.Draw(scene)
    w, h = size
    x = w // 6 + frame * w // 4
    draw.ellipse((x, h // 3, x + w // 5, h // 3 + h // 3), fill=(230, 40, 40))
    draw.rectangle((x + w // 20, h // 4, x + w // 7, h // 3), fill=(20, 20, 20))
    return scene


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("crops_at_scale")
    original = images.detailed_photo(611, (800, 600))
    images.save(original, root / "heavy" / "original.jpg", quality=95)
    for name, (x, y) in {
        "top-left": (0.0, 0.0),
        "bottom-right": (0.2, 0.2),
        "centre": (0.1, 0.1),
    }.items():
        images.save(crop20(original, x, y), root / "heavy" / f"crop {name}.jpg", quality=90)
    light = images.detailed_photo(615, (800, 600))
    images.save(light, root / "light" / "original.jpg", quality=95)
    images.save(images.cropped(light, (0.04, 0.03, 0.05, 0.04)), root / "light" / "cropped.jpg")
    panorama = images.detailed_photo(630, (1600, 600))
    images.save(panorama.crop((0, 0, 800, 600)), root / "panorama" / "left half.jpg")
    images.save(panorama.crop((800, 0, 1600, 600)), root / "panorama" / "right half.jpg")
    images.save(same_layout(1), root / "layout" / "first.jpg")
    images.save(same_layout(2), root / "layout" / "second.jpg")
    return root


def _groups(root: Path) -> list[set[str]]:
    result = run_scan(ScanSettings(roots=(str(root),), workers=2), cache_path=None)
    return sorted((images.names(g, root) for g in result.groups), key=sorted)


@pytest.fixture(scope="module")
def exact_groups(library: Path) -> list[set[str]]:
    return _groups(library)


def test_forced_indexes_group_as_the_exact_searches_do(
    library: Path, exact_groups: list[set[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crop_index, "BRUTE_FORCE_LIMIT", 0)
    monkeypatch.setattr(crops, "HEAVY_CROP_MAX_PICTURES", 1)
    assert _groups(library) == exact_groups


def test_crops_join_their_originals_and_nothing_else_joins(
    library: Path, exact_groups: list[set[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crop_index, "BRUTE_FORCE_LIMIT", 0)
    monkeypatch.setattr(crops, "HEAVY_CROP_MAX_PICTURES", 1)
    groups = _groups(library)
    heavy = {"heavy/original.jpg"} | {
        f"heavy/crop {n}.jpg" for n in ("top-left", "bottom-right", "centre")
    }
    assert heavy in groups
    assert {"light/original.jpg", "light/cropped.jpg"} in groups
    for group in groups:
        folder = {name.split("/")[0] for name in group}
        assert folder <= {"heavy"} or folder <= {"light"}, group


@pytest.mark.parametrize("indexed", [False, True])
def test_burst_frames_are_not_crops_of_one_another(
    monkeypatch: pytest.MonkeyPatch, indexed: bool
) -> None:
    """Frames of one scene with the subject moved: a window of one correlates with the
    next at 0.86 (above the light-crop bar, 0.85), but no better than the whole frame
    does; a crop must explain the other picture better than the whole picture does."""
    if indexed:
        monkeypatch.setattr(crop_index, "BRUTE_FORCE_LIMIT", 0)
        monkeypatch.setattr(crops, "HEAVY_CROP_MAX_PICTURES", 1)
    frames = [burst(k) for k in range(3)]
    fps = [fingerprint(f) for f in frames]
    search = find_matches(
        fps, [_metrics(f.size) for f in frames], THRESHOLDS[Similarity.SAME],
        pixels=lambda k: fine_pixels(frames[k]),
    )  # fmt: skip
    while True:
        try:
            next(search)
        except StopIteration as stop:
            matches = stop.value
            break
    assert matches.t is not None
    assert [int(t) for t in matches.t if t >= CROP_KIND] == []
