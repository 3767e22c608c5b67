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
from cleaner.progress import drain
from tests.engine.test_heavy_crops import crop20, same_layout
from tests.helpers import images
from tests.helpers.metrics import jpeg_metrics


def _run(gen: Generator[Any, None, Pairs]) -> Pairs:
    return drain(gen)


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


def test_whitened_index_joins_nothing_that_is_not_a_crop(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whitened sketches (big libraries) only change which candidates are checked:
    the two halves of a panorama and two pictures of the same layout stay apart."""
    monkeypatch.setattr(crop_index, "BRUTE_FORCE_LIMIT", 0)
    monkeypatch.setattr(crops, "HEAVY_CROP_MAX_PICTURES", 1)
    monkeypatch.setattr(crops, "WHITEN_MIN_SAMPLE", 1)
    for group in _groups(library):
        folder = {name.split("/")[0] for name in group}
        assert len(folder) == 1, group
        assert folder <= {"heavy", "light"}, group


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


@pytest.mark.parametrize("indexed", [False, True, "whitened"])
def test_burst_frames_are_not_crops_of_one_another(
    monkeypatch: pytest.MonkeyPatch, indexed: bool | str
) -> None:
    """Frames of one scene with the subject moved: a window of one correlates with the
    next at 0.86 (above the light-crop bar, 0.85), but no better than the whole frame
    does; a crop must explain the other picture better than the whole picture does."""
    if indexed:
        monkeypatch.setattr(crop_index, "BRUTE_FORCE_LIMIT", 0)
        monkeypatch.setattr(crops, "HEAVY_CROP_MAX_PICTURES", 1)
    if indexed == "whitened":  # the whitened sketches of big libraries, on three frames
        monkeypatch.setattr(crops, "WHITEN_MIN_SAMPLE", 1)
    frames = [burst(k) for k in range(3)]
    fps = [fingerprint(f) for f in frames]
    search = find_matches(
        fps, [jpeg_metrics(f.size) for f in frames], THRESHOLDS[Similarity.SAME],
        pixels=lambda k: fine_pixels(frames[k]),
    )  # fmt: skip
    matches = drain(search)
    assert matches.t is not None
    assert [int(t) for t in matches.t if t >= CROP_KIND] == []


def _spline(side: int, grid: int) -> np.ndarray:
    """(side, grid): linear interpolation of `grid` samples onto `side` pixels."""
    x = (np.arange(side) + 0.5) / side * (grid - 1)
    return np.maximum(0.0, 1.0 - np.abs(x[:, None] - np.arange(grid)[None, :]))


def _window(start: float, side: int = 64) -> np.ndarray:
    """(side, side): the part [start, start + 0.8) of a row, resampled to `side` pixels."""
    x = start * side + (np.arange(side) + 0.5) * 0.8 - 0.5
    return np.maximum(0.0, 1.0 - np.abs(np.clip(x, 0, side - 1)[:, None] - np.arange(side)))


def _smooth_library(n: int, crops: int, seed: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """16x16 thumbnails of `n` smooth random pictures (a coarse and a finer random field,
    as photographs put most of their variance in a few coarse shapes); the last `crops`
    are 80 % windows, anywhere, of the first ones. Returns the thumbnails and the
    (original, crop) pairs."""
    rng = np.random.default_rng(seed)
    u6, u16 = _spline(64, 6), _spline(64, 16)
    coarse = rng.standard_normal((n, 6, 6))
    fine = rng.standard_normal((n, 16, 16))
    pictures = u6 @ coarse @ u6.T + 0.45 * (u16 @ fine @ u16.T)
    pairs = []
    for r in range(crops):
        x, y = rng.uniform(0, 0.2, 2)
        pictures[n - 1 - r] = _window(y) @ pictures[r] @ _window(x).T
        pairs.append((r, n - 1 - r))
    pictures += rng.normal(0, 0.05, pictures.shape)  # a re-encode
    pictures = (pictures - pictures.mean(axis=(1, 2), keepdims=True)) * 40 + 128
    thumbs = pictures.reshape(n, 16, 4, 16, 4).mean(axis=(2, 4))
    return np.clip(np.rint(thumbs), 0, 255).astype(np.uint8).reshape(n, 256), pairs


def test_whitening_spreads_the_sketches_of_unrelated_pictures() -> None:
    """The indexed heavy search sketches whitened reductions: the bits of unrelated smooth
    pictures are far less correlated (crowded buckets were most of the index's time)."""
    thumbs, _ = _smooth_library(3000, 0, 5)
    transform = crops.whitening(thumbs)
    assert transform is not None

    def bit_correlation(whole: np.ndarray) -> float:
        bits = (whole[:, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)
        c = np.corrcoef(bits.astype(np.float64).T)
        return float(np.abs(c[~np.eye(64, dtype=bool)]).mean())

    plain = bit_correlation(crops.sketches(thumbs)[0])
    whitened = bit_correlation(crops.sketches(thumbs, transform)[0])
    assert whitened < 0.85 * plain
    # too few pictures to estimate it: the plain sketch
    assert crops.whitening(thumbs[: crops.WHITEN_MIN_SAMPLE - 1]) is None


def test_the_whitened_index_finds_heavy_crops_anywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forced through the index (whitened, 3,000 pictures), every 80 % crop is a
    candidate of its original, as the exact search finds it."""
    thumbs, planted = _smooth_library(3000, 40, 6)
    exact = _run(crops._nearest(*crops.sketches(thumbs), crops.SKETCH_LIMIT))
    monkeypatch.setattr(crop_index, "BRUTE_FORCE_LIMIT", 0)
    whole, windows = crops.sketches(thumbs, crops.whitening(thumbs))
    found = _run(crops._nearest_indexed(whole, windows))
    keys = set(_keys(found, len(thumbs)))
    missed = [p for p in planted if min(p) * len(thumbs) + max(p) not in keys]
    assert len(missed) <= 1, missed
    exact_keys = set(_keys(exact, len(thumbs)))
    assert sum(min(p) * len(thumbs) + max(p) in exact_keys for p in planted) >= len(planted) - 1
