"""Smooth pictures: a stamped or re-encoded copy of a sky or a soft background joins its
original at default settings, though their pHashes are more than the threshold apart;
two different skies, gradients or soft backgrounds never do."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from cleaner.detect import smooth
from cleaner.detect.analysis import analyse_file
from cleaner.detect.scan import run_scan
from cleaner.models import DEFAULT_MAX_PIXELS, THRESHOLDS, Analysis, ScanSettings, Similarity
from tests.helpers import images, smooth_images

SAME = THRESHOLDS[Similarity.SAME]


def _stamp(img: Image.Image, text: str = "(c) 2024 Studio Nord") -> Image.Image:
    """A watermark in the bottom-right corner, drawn as the evaluation kit draws one."""
    out = img.copy()
    draw = ImageDraw.Draw(out, "RGBA")
    w, h = out.size
    font = ImageFont.load_default(size=max(12, round(min(w, h) * 0.035)))
    tw, th = draw.textbbox((0, 0), text, font=font)[2:]
    m = round(min(w, h) * 0.03)
    draw.text((w - tw - m + 1, h - th - m + 1), text, font=font, fill=(0, 0, 0, 110))
    draw.text((w - tw - m, h - th - m), text, font=font, fill=(255, 255, 255, 170))
    return out


def _analysis(path: Path) -> Analysis:
    result = analyse_file(str(path), DEFAULT_MAX_PIXELS)
    assert isinstance(result, Analysis)
    return result


def _distance(a: Path, b: Path) -> int:
    ha = _analysis(a).fingerprint.hashes[0]
    hb = _analysis(b).fingerprint.hashes[0]
    return (ha ^ hb).bit_count()


def _groups(root: Path) -> list[set[str]]:
    result = run_scan(ScanSettings(roots=(str(root),)), cache_path=None)
    return [images.names(g, root) for g in result.groups]


def _together(groups: list[set[str]], a: str, b: str) -> bool:
    return any(a in g and b in g for g in groups)


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("smooth-copies")
    sky = smooth_images.sky(14)
    images.save(sky, root / "sky.png")
    images.save(_stamp(sky), root / "sky stamped.png")
    soft = smooth_images.soft_background(4, size=(1200, 900))
    images.save(soft, root / "soft.png")
    small = soft.resize((300, 225), Image.Resampling.LANCZOS)
    images.save(small, root / "soft small.jpg", quality=70)
    return root


def test_a_stamped_sky_joins_its_original(copies: Path) -> None:
    # the stamp moves the pHash past the threshold: only the smooth search finds it
    assert _distance(copies / "sky.png", copies / "sky stamped.png") > SAME.hamming
    assert _together(_groups(copies), "sky.png", "sky stamped.png")


def test_a_reencoded_soft_background_joins_its_original(copies: Path) -> None:
    assert _distance(copies / "soft.png", copies / "soft small.jpg") > SAME.hamming
    assert _together(_groups(copies), "soft.png", "soft small.jpg")


def test_a_heic_copy_of_a_soft_background_joins_its_original(tmp_path: Path) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    soft = smooth_images.soft_background(4, size=(1200, 900))
    images.save(soft, tmp_path / "soft.png")
    # 14 bits apart with libheif 1.23 / x265 4.3 here; another encoder may land elsewhere,
    # so only the grouping is asserted
    soft.save(tmp_path / "soft.heic", quality=40)
    assert _together(_groups(tmp_path), "soft.png", "soft.heic")


def test_different_skies_gradients_and_soft_backgrounds_stay_apart(tmp_path: Path) -> None:
    for seed in range(12):
        images.save(smooth_images.sky(seed), tmp_path / "skies" / f"sky{seed}.png")
        images.save(smooth_images.soft_background(seed), tmp_path / "soft" / f"soft{seed}.png")
    # gradients of every direction, and several in one direction
    for n, angle in enumerate((0, 45, 90, 135, 180, 225, 270, 315)):
        images.save(smooth_images.gradient(n, angle), tmp_path / "grad" / f"grad{angle}.png")
    for seed in range(20, 26):
        images.save(smooth_images.gradient(seed, 90.0), tmp_path / "grad" / f"down{seed}.png")
    assert _groups(tmp_path) == []


def test_copies_of_smooth_pictures_do_not_join_other_smooth_pictures(copies: Path) -> None:
    groups = _groups(copies)
    assert sorted(sorted(g) for g in groups) == [
        ["sky stamped.png", "sky.png"],
        ["soft small.jpg", "soft.png"],
    ]


# ----------------------------------------------------------------------- the parts


def _thumb(img: Image.Image) -> np.ndarray:
    grey = img.convert("L").resize((32, 32), Image.Resampling.LANCZOS)
    side = grey.resize((16, 16), Image.Resampling.BOX)
    return np.asarray(side, dtype=np.float32).reshape(1, -1)


def test_skies_are_fragile_and_busy_photos_are_not() -> None:
    for seed in (1, 5, 14):
        assert smooth.fragility(_thumb(smooth_images.sky(seed)))[0] < smooth.UNSTABLE_GAP
    for seed in range(5):
        busy = images.detailed_photo(seed)
        assert smooth.fragility(_thumb(busy))[0] > smooth.UNSTABLE_GAP


def test_fragility_is_the_median_gap_it_always_was() -> None:
    """`fragility` takes the median of the 64 low terms with one partition point: the
    same numbers as the two-point partition it replaced, on thousands of thumbnails
    (noise, gradients with a little noise, flat ones, and rows with tied terms)."""
    rng = np.random.default_rng(17)
    noise = rng.integers(0, 256, (2_000, 256)).astype(np.float32)
    x = np.arange(16, dtype=np.float32)
    tilt = rng.uniform(-8, 8, (2_000, 2)).astype(np.float32)
    ramps = 128 + tilt[:, :1] * np.repeat(x, 16) + tilt[:, 1:] * np.tile(x, 16)
    ramps += rng.normal(0, 0.5, ramps.shape).astype(np.float32)
    flat = np.full((200, 256), 77, dtype=np.float32)
    thumbs = np.clip(np.concatenate([noise, ramps, flat]), 0, 255).round().astype(np.float32)
    low = thumbs @ smooth._dct_matrix()
    middle = np.partition(low, (31, 32), axis=1)
    gap = np.abs(low - ((middle[:, 31] + middle[:, 32]) / 2)[:, None])
    kth = np.partition(gap, smooth.UNSTABLE_RANK - 1, axis=1)[:, smooth.UNSTABLE_RANK - 1]
    squares = np.einsum("ij,ij->i", thumbs, thumbs, dtype=np.float64)
    squares -= thumbs.sum(axis=1, dtype=np.float64) ** 2 / 256
    expected = (kth / 32.0 / np.sqrt(np.maximum(squares, 1e-6))).astype(np.float32)
    got = smooth.fragility(thumbs)
    assert got.tolist() == expected.tolist()
    assert 0 < (got < smooth.UNSTABLE_GAP).sum() < len(got)


def test_simhash_distance_follows_the_correlation() -> None:
    rng = np.random.default_rng(3)
    base = rng.normal(128, 30, (400, 256)).astype(np.float32)
    for corr in (0.99, 0.9, 0.5):
        noise = rng.normal(0, 30, (400, 256)).astype(np.float32)
        other = corr * (base - 128) + math.sqrt(1 - corr**2) * noise + 128
        bits = np.bitwise_count(smooth.simhash(base) ^ smooth.simhash(other))
        expected = 64 * math.acos(corr) / math.pi
        assert abs(float(bits.mean()) - expected) < 1.0 + 0.1 * expected
