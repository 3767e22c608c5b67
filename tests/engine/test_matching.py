"""Crop matching: a lightly cropped copy joins its original; crops never open a door
to false matches (other photos, blank pages); each pair is counted once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import cleaner.detect.checks
from cleaner.detect.checks import CROP_KIND, colour_agrees
from cleaner.detect.crops import fine_pixels
from cleaner.detect.fingerprint import CROP_WINDOWS, fingerprint
from cleaner.detect.index import Pairs
from cleaner.detect.matching import candidate_pairs, confirm, find_matches, picture_distance
from cleaner.detect.scan import run_scan
from cleaner.models import (
    THRESHOLDS,
    Fingerprint,
    ScanResult,
    ScanSettings,
    Similarity,
)
from cleaner.progress import drain
from tests.helpers import images
from tests.helpers.metrics import jpeg_metrics

SAME = THRESHOLDS[Similarity.SAME]
# fractions cut off (left, top, right, bottom): the light crops photo editors make
CROPS = [(0.04, 0.03, 0.05, 0.04), (0.03, 0.05, 0.05, 0.03), (0.05, 0.05, 0.04, 0.04),
         (0.03, 0.03, 0.03, 0.03), (0.05, 0.04, 0.03, 0.05), (0.04, 0.05, 0.04, 0.03)]  # fmt: skip
SEEDS = range(201, 213)


@pytest.fixture(scope="module")
def crop_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("crops")
    for n, seed in enumerate(SEEDS):
        original = images.detailed_photo(seed)
        images.save(original, root / "Originals" / f"photo{seed}.jpg", quality=95)
        crop = images.cropped(original, CROPS[n % len(CROPS)])
        images.save(crop, root / "edited" / f"photo{seed} crop.jpg", quality=90)
    # negatives: other busy photos, their thirds, and blank pages with their crops
    for seed in range(301, 305):
        images.save(images.detailed_photo(seed), root / "others" / f"other{seed}.jpg")
    wide = images.detailed_photo(400, (900, 300))
    images.save(images.third(wide, "left"), root / "thirds" / "left.jpg")
    images.save(images.third(wide, "right"), root / "thirds" / "right.jpg")
    for seed in range(3):
        page = images.blank_page(seed)
        images.save(page, root / "scans" / f"page{seed}.png")
        images.save(
            images.cropped(page, (0.04, 0.04, 0.04, 0.04)), root / "scans" / f"page{seed}c.png"
        )
    return root


def _scan(root: Path) -> ScanResult:
    return run_scan(ScanSettings(roots=(str(root),), workers=2), cache_path=None)


def _groups(result: ScanResult) -> list[set[str]]:
    return [images.names(g) for g in result.groups]


def test_every_light_crop_joins_its_original(crop_library: Path) -> None:
    groups = _groups(_scan(crop_library))
    for seed in SEEDS:
        assert {f"photo{seed}.jpg", f"photo{seed} crop.jpg"} in groups, f"seed {seed}"


def test_crops_bring_no_false_matches(crop_library: Path) -> None:
    for group in _groups(_scan(crop_library)):
        stems = {name.split(" ")[0].split(".")[0] for name in group}
        # only a photo and its own crop; a page only its own crop (its marks line up on
        # the detail map, issue 13), never another page
        pages = {stem.removesuffix("c") for stem in stems}
        assert len(stems) == 1 or (len(pages) == 1 and pages.pop().startswith("page")), group
        assert not any(name.startswith(("other", "left", "right")) for name in group), group


def test_the_crop_search_is_what_finds_them(
    crop_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guards the test above: without the window search, these crops are missed."""
    from dataclasses import replace

    monkeypatch.setitem(
        cleaner.detect.checks.THRESHOLDS, Similarity.SAME, replace(SAME, crop_hamming=0)
    )
    groups = _groups(_scan(crop_library))
    missed = [s for s in SEEDS if {f"photo{s}.jpg", f"photo{s} crop.jpg"} not in groups]
    assert missed


def test_crop_hashes_bring_a_crop_near_its_original() -> None:
    for n, seed in enumerate(SEEDS):
        original = images.detailed_photo(seed)
        fp_o = fingerprint(original)
        fp_c = fingerprint(images.cropped(original, CROPS[n % len(CROPS)]))
        assert len(fp_o.crop_hashes) == len(CROP_WINDOWS)
        window = min(bin(h ^ fp_c.hashes[0]).count("1") for h in fp_o.crop_hashes)
        assert window <= SAME.crop_hamming
        assert picture_distance(fp_c, fp_o) == picture_distance(fp_o, fp_c) <= window


def test_crop_pairs_of_low_detail_pictures_line_up_on_their_marks() -> None:
    """A crop of a near-blank page joins it when its marks line up on the detail map;
    the same crop against another page, or a page with no marks at all, is refused."""
    page, other = images.blank_page(1), images.blank_page(2)
    bare = Image.new("RGB", (600, 800), (250, 250, 250))
    crop = (0.04, 0.04, 0.04, 0.04)
    fps = [fingerprint(page), fingerprint(images.cropped(page, crop)), fingerprint(other),
           fingerprint(bare), fingerprint(images.cropped(bare, crop))]  # fmt: skip
    low = [jpeg_metrics(page.size, detail=2.0)] * len(fps)
    pairs = Pairs(*(np.array(v, dtype=np.int64) for v in
                    ([0, 2, 3], [1, 1, 4], [CROP_KIND] * 3, [0, 0, 0])))  # fmt: skip
    # picture i is the original: its window is what the crop (picture j) looks like
    assert confirm(pairs, fps, low, SAME).tolist() == [True, False, False]
    # the same pair between detailed pictures passes the thumbnail checks
    photo = images.detailed_photo(5)
    fps = [fingerprint(photo), fingerprint(images.cropped(photo, crop))]
    rich = [jpeg_metrics(photo.size), jpeg_metrics(photo.size)]
    one = Pairs(*(np.array([v], dtype=np.int64) for v in (0, 1, CROP_KIND, 0)))
    assert confirm(one, fps, rich, SAME).all()


def _drain(gen):  # type: ignore[no-untyped-def]
    fractions: list[float] = []
    return fractions, drain(gen, fractions.append)


def test_a_pair_found_by_both_searches_counts_once() -> None:
    photo = images.detailed_photo(9)
    # the same picture three times: every pair is found by the plain search, and some by
    # the window search too
    fps = [fingerprint(photo), fingerprint(images.resized(photo, 500)), fingerprint(photo)]
    metrics = [jpeg_metrics(photo.size)] * 3
    fractions, _ = _drain(candidate_pairs(fps, SAME))
    assert fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    _, matches = _drain(find_matches(fps, metrics, SAME))
    got = sorted(zip(matches.i.tolist(), matches.j.tolist(), strict=True))
    assert got == [(0, 1), (0, 2), (1, 2)]
    assert float(matches.strength[got.index((0, 2))]) == 1.0


def test_fingerprints_without_crop_hashes_still_match() -> None:
    """A fingerprint with only the eight orientation hashes (as an older cache held)
    takes part in the plain search and is left out of the window search."""
    photo = images.detailed_photo(11)
    full = fingerprint(photo)
    old = Fingerprint.from_hashes(full.hashes, full.thumb, full.detail_map)
    fps = [old, fingerprint(images.resized(photo, 480))]
    _, matches = _drain(find_matches(fps, [jpeg_metrics(photo.size)] * 2, SAME))
    assert len(matches) == 1


def test_correlations_are_the_same_in_small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pairs are compared a step at a time (bounded memory); steps must not change results."""
    rng = np.random.default_rng(4)
    thumbs = rng.integers(0, 256, size=(12, 256), dtype=np.uint8)
    i = rng.integers(0, 12, size=20).astype(np.int64)
    j = rng.integers(0, 12, size=20).astype(np.int64)
    turns = rng.integers(0, 8, size=20).astype(np.int64)
    crops = np.full(20, CROP_KIND, dtype=np.int64)
    whole_t = cleaner.detect.checks.thumb_correlation(thumbs, i, j, turns)
    whole_c = cleaner.detect.checks.crop_correlation(thumbs, i, j, crops)
    monkeypatch.setattr(cleaner.detect.checks, "_PAIRS_PER_STEP", 3)
    np.testing.assert_allclose(
        cleaner.detect.checks.thumb_correlation(thumbs, i, j, turns), whole_t, atol=1e-5
    )
    np.testing.assert_allclose(
        cleaner.detect.checks.crop_correlation(thumbs, i, j, crops), whole_c, atol=1e-5
    )


def _other_colour(img: Image.Image) -> Image.Image:
    """The same picture in opposite hues and the same brightness: identical in grey."""
    y, cb, cr = img.convert("YCbCr").split()
    flip = [255 - v for v in range(256)]
    return Image.merge("YCbCr", (y, cb.point(flip), cr.point(flip))).convert("RGB")


def test_a_recoloured_copy_is_another_picture(tmp_path: Path) -> None:
    """Same shapes, other colours (a design in red and in green): not one picture."""
    for seed in (21, 22, 23):
        original = images.detailed_photo(seed)
        images.save(original, tmp_path / f"design{seed}.jpg")
        images.save(_other_colour(original), tmp_path / f"design{seed} other colour.jpg")
        images.save(images.brightened(original, 1.1), tmp_path / f"design{seed} brighter.jpg")
        images.save(original.convert("L"), tmp_path / f"design{seed} black and white.jpg")
    groups = _groups(_scan(tmp_path))
    for seed in (21, 22, 23):
        expected = {f"design{seed}.jpg", f"design{seed} brighter.jpg",
                    f"design{seed} black and white.jpg"}  # fmt: skip
        assert expected in groups, groups


def test_colour_is_compared_in_the_pair_s_orientation() -> None:
    photo = images.detailed_photo(31)
    turned = fingerprint(photo.transpose(Image.Transpose.ROTATE_90))
    plain = fingerprint(photo)
    colours = np.frombuffer(turned.colour + plain.colour, dtype=np.uint8).reshape(2, -1)
    has = np.array([True, True])
    one = np.array([0], dtype=np.int64)
    zero = np.array([1], dtype=np.int64)
    tol = SAME.colour_tolerance
    # picture 0 turned by 270 degrees (kind 3) is picture 1 as displayed
    assert colour_agrees(colours, has, one * 0, zero, np.array([3]), tol).all()
    # with no colour on one side, there is nothing to disagree about
    assert colour_agrees(colours, np.array([True, False]), one * 0, zero, np.array([0]), tol).all()
    grey = fingerprint(photo.convert("L"))
    assert grey.colour == b""


def test_a_near_blank_page_and_its_darker_copy_match_on_detail(tmp_path: Path) -> None:
    """On an almost empty page the 16x16 thumbnails are mostly noise (these two correlate
    at 0.42), so their correlation says little either way: the detail check decides, for
    copies and for other pages alike."""
    page = images.faint_page(2)  # its darker copy is 8 bits away: a candidate
    images.save(page, tmp_path / "page.png")
    images.save(images.brightened(page, 0.9), tmp_path / "page darker.png")
    for seed in (20, 21):
        images.save(images.faint_page(seed), tmp_path / f"other{seed}.png")
    assert _groups(_scan(tmp_path)) == [{"page.png", "page darker.png"}]


def _match_run(original: Image.Image, copy: Image.Image) -> bool:
    fps = [fingerprint(original), fingerprint(copy)]
    found = drain(
        find_matches(fps, [jpeg_metrics(original.size), jpeg_metrics(copy.size)], SAME, True)
    )
    return len(found) == 1


# 3-8 % off each side, drawn at random (seed 10) and kept as drawn: the window hash of each
# original is 0-10 bits from its crop (benchmarks/README.md, "Light crops on new seeds,
# session 10")
WIDER_CROPS = [
    (images.photo, 0, (0.078, 0.04, 0.071, 0.037)),
    (images.photo, 9, (0.044, 0.053, 0.064, 0.064)),
    (images.photo, 15, (0.061, 0.079, 0.078, 0.05)),
    (images.photo, 22, (0.079, 0.064, 0.048, 0.079)),
    (images.detailed_photo, 1, (0.059, 0.068, 0.071, 0.077)),
    (images.detailed_photo, 2, (0.041, 0.073, 0.045, 0.078)),
    (images.detailed_photo, 6, (0.079, 0.07, 0.072, 0.07)),
    (images.detailed_photo, 16, (0.052, 0.073, 0.079, 0.078)),
]


@pytest.mark.parametrize(("make", "seed", "sides"), WIDER_CROPS)
def test_crops_of_three_to_eight_percent_a_side_join_their_original(
    make: object, seed: int, sides: tuple[float, float, float, float]
) -> None:
    original = make(seed)  # type: ignore[operator]
    assert _match_run(original, images.cropped(original, sides))


def _looked_run(original: Image.Image, copy: Image.Image) -> bool:
    """`_match_run` with the files at hand: the second look can decode them again."""
    shown = [original, copy]
    fps = [fingerprint(p) for p in shown]
    metrics = [jpeg_metrics(p.size) for p in shown]
    search = find_matches(fps, metrics, SAME, True, pixels=lambda k: fine_pixels(shown[k]))
    return len(drain(search)) == 1


def test_a_lopsided_crop_is_found() -> None:
    """7 % off the left and 3 % off the right moves the picture's centre by 2 %: the one
    centre window (4 % a side) is 12 bits from the crop, past the crop threshold (10);
    a 90 % side window (`cleaner.detect.side_crops`) finds it, and the second look on
    the files confirms it (on the fingerprints alone it is not claimed: catalogs)."""
    original = images.photo(12)
    crop = images.cropped(original, (0.07, 0.057, 0.031, 0.031))
    assert _looked_run(original, crop)
    assert not _match_run(original, crop)
