"""Heavy crops (issue 13): a copy cut to an 80 % x 80 % window anywhere in its original
joins it at default settings; the false matches the crop search must not make: the two
opposite thirds of one picture, the two halves of a panorama, two different pictures
with the same layout, and a crop of one of those with the other."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

import cleaner.detect.crops as crops
from cleaner.detect.crops import GRID, GRID_KIND, crop_alignment, structured, thumb_table
from cleaner.detect.fingerprint import fingerprint
from cleaner.detect.matching import find_matches
from cleaner.detect.scan import run_scan
from cleaner.models import (
    THRESHOLDS,
    Fingerprint,
    ImageMetrics,
    ScanResult,
    ScanSettings,
    Similarity,
)
from cleaner.progress import drain
from tests.helpers import images, smooth_images
from tests.helpers.metrics import jpeg_metrics

# where the 80 % window starts (fractions of width and height): corners, centre, edges
POSITIONS = {
    "top-left": (0.0, 0.0), "top-right": (0.2, 0.0), "bottom-left": (0.0, 0.2),
    "bottom-right": (0.2, 0.2), "centre": (0.1, 0.1), "top": (0.1, 0.0), "left": (0.0, 0.1),
    "off-grid": (0.05, 0.15),
}  # fmt: skip
SEEDS = (611, 612)


def crop20(img: Image.Image, x: float, y: float) -> Image.Image:
    w, h = img.size
    cw, ch = round(w * 0.8), round(h * 0.8)
    left, top = round(w * x), round(h * y)
    return img.crop((left, top, left + cw, top + ch))


def same_layout(variant: int, size: tuple[int, int] = (800, 600)) -> Image.Image:
    """One layout (a smooth colour field and a few big shapes at the same places), with
    different small detail on top for each variant: two different pictures."""
    rng = np.random.default_rng(77)
    w, h = size
    coarse = rng.integers(0, 256, size=(4, 5, 3), dtype=np.uint8)
    base = Image.fromarray(coarse, "RGB").resize((w, h), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(base)
    draw.rectangle((w // 10, h // 2, w // 2, h - h // 10), fill=(40, 60, 90))
    draw.ellipse((w // 2, h // 8, w - w // 8, h // 2), fill=(220, 200, 120))
    detail = np.random.default_rng(900 + variant)
    for _ in range(30):
        x0, y0 = int(detail.integers(0, w)), int(detail.integers(0, h))
        side = int(detail.integers(w // 30, w // 10))
        colour = tuple(int(c) for c in detail.integers(0, 256, size=3))
        draw.ellipse((x0, y0, x0 + side, y0 + side), fill=colour)
    return base


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("heavy_crops")
    for seed in SEEDS:
        original = images.detailed_photo(seed, (800, 600))
        images.save(original, root / f"s{seed}" / "original.jpg", quality=95)
        for name, (x, y) in POSITIONS.items():
            images.save(crop20(original, x, y), root / f"s{seed}" / f"crop {name}.jpg", quality=90)
    # must stay apart
    photo = images.detailed_photo(620, (1500, 1000))
    images.save(images.third(photo, "left"), root / "thirds" / "left.jpg")
    images.save(images.third(photo, "right"), root / "thirds" / "right.jpg")
    panorama = images.detailed_photo(630, (1600, 600))
    images.save(panorama.crop((0, 0, 800, 600)), root / "panorama" / "left half.jpg")
    images.save(panorama.crop((800, 0, 1600, 600)), root / "panorama" / "right half.jpg")
    first, second = same_layout(1), same_layout(2)
    images.save(first, root / "layout" / "first.jpg")
    images.save(second, root / "layout" / "second.jpg")
    images.save(crop20(second, 0.1, 0.1), root / "layout" / "second cropped.jpg")
    return root


def _scan(root: Path) -> ScanResult:
    return run_scan(ScanSettings(roots=(str(root),), workers=2), cache_path=None)


@pytest.fixture(scope="module")
def groups(library: Path) -> list[set[str]]:
    result = _scan(library)
    return [images.names(g, library) for g in result.groups]


@pytest.mark.parametrize("seed", SEEDS)
def test_a_heavy_crop_anywhere_joins_its_original(groups: list[set[str]], seed: int) -> None:
    wanted = {f"s{seed}/original.jpg"} | {f"s{seed}/crop {name}.jpg" for name in POSITIONS}
    found = next((g for g in groups if f"s{seed}/original.jpg" in g), set())
    assert wanted - found == set()


def test_no_false_crop_matches(groups: list[set[str]]) -> None:
    for group in groups:
        folders = {name.split("/")[0] for name in group}
        assert len(folders) == 1, group
        # each negative folder stays apart, except a crop with its own original
        assert group != {"thirds/left.jpg", "thirds/right.jpg"}
        assert group != {"panorama/left half.jpg", "panorama/right half.jpg"}
        assert "layout/first.jpg" not in group, group


def test_a_crop_of_one_picture_is_not_a_crop_of_its_lookalike(groups: list[set[str]]) -> None:
    assert {"layout/second.jpg", "layout/second cropped.jpg"} in groups


def _matched(fps: list[Fingerprint], metrics: list[ImageMetrics]) -> set[tuple[int, int]]:
    matches = drain(find_matches(fps, metrics, THRESHOLDS[Similarity.SAME]))
    return {(int(a), int(b)) for a, b in zip(matches.i, matches.j, strict=True)}


def test_without_files_no_heavy_crop_is_claimed() -> None:
    """Fingerprints without their files (a catalog, no second look): the thumbnails alone
    cannot tell two skies apart, so not even a clear heavy crop is claimed."""
    original = images.detailed_photo(SEEDS[0], (800, 600))
    crop = crop20(original, 0.2, 0.2)
    fps = [fingerprint(original), fingerprint(crop)]
    metrics = [jpeg_metrics(original.size), jpeg_metrics(crop.size)]
    assert _matched(fps, metrics) == set()


def test_two_different_skies_are_not_crops_of_each_other(tmp_path: Path) -> None:
    """Skies correlate highly whatever window is taken (0.96-0.99 on their thumbnails):
    the second look compares what is left once the smooth part is taken away."""
    for seed in range(12):
        images.save(smooth_images.sky(seed), tmp_path / f"sky{seed}.png")
    assert [images.names(g, tmp_path) for g in _scan(tmp_path).groups] == []


def test_the_alignment_finds_the_window_and_refuses_a_gradient() -> None:
    original = images.detailed_photo(SEEDS[1], (800, 600))
    fps = [fingerprint(original), fingerprint(crop20(original, 0.2, 0.0))]
    thumbs = thumb_table(fps)
    window = GRID.index((0.2, 0.0, 1.0, 0.8))
    one = np.array([0], dtype=np.int64)
    corr = crop_alignment(thumbs, one, one + 1, one * 0 + GRID_KIND + window)
    assert corr[0] >= 0.97
    ramp = np.add.outer(np.arange(16) * 3, np.arange(16) * 7).astype(np.uint8).reshape(1, 256)
    assert structured(thumbs).all()
    assert not structured(ramp).any()


def test_a_heavy_crop_of_a_near_blank_page_lines_up_on_its_marks() -> None:
    """Low-detail pictures: decided on their detail maps (no second look needed)."""
    page, other = images.blank_page(11), images.blank_page(12)
    fps = [fingerprint(page), fingerprint(crop20(page, 0.2, 0.0)), fingerprint(other)]
    low = [replace(jpeg_metrics(page.size), detail=2.0)] * 3
    assert _matched(fps, low) == {(0, 1)}


def test_structured_in_steps_is_the_whole_table_at_once(monkeypatch: Any) -> None:
    """`structured` reads its thumbnails a step at a time (the residuals of a million
    pictures' candidates were ~0.9 GB at once): the same answer row for row, at steps
    that end anywhere, on a mix of gradients, near-gradients and pictures."""
    rng = np.random.default_rng(4)
    n = 6000
    side = np.arange(16, dtype=np.float64)
    ramps = (
        100
        + rng.uniform(-4, 4, (n, 1, 1)) * side[None, :, None]
        + rng.uniform(-4, 4, (n, 1, 1)) * side[None, None, :]
    )
    noise = rng.normal(0, 1, (n, 16, 16)) * rng.choice([0.0, 1.5, 3.0, 20.0], (n, 1, 1))
    thumbs = np.clip(np.rint(ramps + noise), 0, 255).astype(np.uint8).reshape(n, 256)
    rest = thumbs.astype(np.float32) @ crops._plane_residual().T
    at_once = (rest.std(axis=1) >= crops.MIN_STRUCTURE).tolist()
    assert 0.2 < np.mean(at_once) < 0.8  # both answers, and near the line
    for rows in (1, 999, 4096, 16384):
        monkeypatch.setattr(crops, "_STRUCTURE_ROWS", rows)
        assert structured(thumbs).tolist() == at_once
