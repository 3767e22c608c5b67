"""A heavy crop that cut away most of its original's contrast (seed 10's screenshot: the
dark dock and bar left out) is low-detail while its original is too detailed to carry a
detail map: the maps cannot line the two up, the files can (the second look), as for any
heavy crop. Crops of other screenshots still join nothing."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from cleaner.detect.crops import fine_pixels
from cleaner.detect.fingerprint import fingerprint, grey32_of
from cleaner.detect.matching import Matches, find_matches
from cleaner.models import LOW_DETAIL_STD, THRESHOLDS, ImageMetrics, Similarity
from cleaner.progress import drain
from tests.engine.test_heavy_crops import crop20

SAME = THRESHOLDS[Similarity.SAME]


def screenshot(seed: int, size: tuple[int, int] = (960, 600)) -> Image.Image:
    """Pale windows with text lines on a pale desktop, and a dark dock along the left and
    a dark bar along the bottom: most of the picture's contrast is at its edges."""
    rng = np.random.default_rng(seed)
    w, h = size
    img = Image.new("RGB", size, (200, 205, 215))
    draw = ImageDraw.Draw(img)
    for _ in range(5):
        x0, y0 = int(rng.integers(w // 8, w // 2)), int(rng.integers(h // 8, h // 2))
        x1 = x0 + int(rng.integers(w // 5, w // 3))
        y1 = y0 + int(rng.integers(h // 5, h // 3))
        tone = int(rng.integers(170, 235))
        draw.rectangle((x0, y0, x1, y1), fill=(tone, tone, tone + 10))
        draw.rectangle((x0, y0, x1, y0 + 14), fill=(150, 160, 185))
        for ty in range(y0 + 24, y1 - 8, 12):
            tx = x0 + 8 + int(rng.integers(0, 20))
            end = min(x1 - 8, tx + int(rng.integers(40, x1 - x0)))
            draw.line((tx, ty, end, ty), fill=(90, 90, 100), width=2)
    draw.rectangle((0, 0, w // 14, h), fill=(25, 25, 35))
    draw.rectangle((0, h - h // 12, w, h), fill=(25, 25, 35))
    return img


def _detail(picture: Image.Image) -> float:
    return float(np.asarray(grey32_of(picture.convert("L")), dtype=np.float32).std())


def _metrics(picture: Image.Image) -> ImageMetrics:
    w, h = picture.size
    return ImageMetrics(format="PNG", width=w, height=h, lossless=True, jpeg_quality=None,
                        sharpness=100.0, detail=_detail(picture), capture_time=None,
                        camera=None, has_gps=False, has_exif=False,
                        looks_like_screenshot=True, looks_like_export=False)  # fmt: skip


def _matches(pictures: list[Image.Image], files: bool = True) -> Matches:
    fps = [fingerprint(p) for p in pictures]
    pixels = (lambda k: fine_pixels(pictures[k])) if files else None
    search = find_matches(fps, [_metrics(p) for p in pictures], SAME, True, pixels=pixels)
    return drain(search)


def _pairs(found: Matches) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in zip(found.i, found.j, strict=True)]


def test_a_crop_that_left_out_the_contrast_joins_its_original() -> None:
    for seed in (0, 2, 6):
        original = screenshot(seed)
        crop = crop20(original, 0.1, 0.0)
        # what makes the case: the crop is low-detail, its original carries no detail map
        assert _detail(crop) < LOW_DETAIL_STD
        assert fingerprint(crop).detail_map is not None
        assert fingerprint(original).detail_map is None
        assert _pairs(_matches([original, crop])) == [(0, 1)], seed


def test_without_the_files_such_a_crop_is_not_claimed() -> None:
    original = screenshot(0)
    assert _pairs(_matches([original, crop20(original, 0.1, 0.0)], files=False)) == []


def test_crops_of_other_screenshots_join_nothing() -> None:
    originals = [screenshot(seed) for seed in (0, 2, 6)]
    crops = [crop20(screenshot(seed), x, 0.0) for seed, x in ((11, 0.1), (12, 0.15), (13, 0.1))]
    found = _pairs(_matches(originals + crops))
    # (the originals, one dock and bar each, may match one another: not what is tested)
    assert [p for p in found if max(p) >= len(originals)] == []
