"""Lopsided light crops (`cleaner.detect.side_crops`): a copy with 3-8 % off each side,
more off one side than the other, joins its original when the files can be looked at
again; pictures of one layout, burst frames and the halves of a panorama never match as
such crops."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cleaner.detect.crops import fine_pixels
from cleaner.detect.fingerprint import fingerprint
from cleaner.detect.matching import Matches, find_matches
from cleaner.detect.scan import run_scan
from cleaner.detect.side_crops import SIDE_KIND, SIDE_SIZES, SIDE_WINDOWS
from cleaner.models import (
    THRESHOLDS,
    MatchKind,
    MatchSearch,
    ScanSettings,
    Similarity,
)
from cleaner.progress import drain
from tests.engine.test_crops_at_scale import burst
from tests.engine.test_heavy_crops import same_layout
from tests.helpers import images
from tests.helpers.metrics import jpeg_metrics

SAME = THRESHOLDS[Similarity.SAME]
# (maker, seed, fractions cut off (left, top, right, bottom)), drawn at random (3-3.5 % off
# one side, 6.5-8 % off the other) and kept where the one centre window (4 % a side) is
# past the crop threshold: 12-16 bits from the crop
LOPSIDED = [
    (images.photo, 12, (0.07, 0.057, 0.031, 0.031)),
    (images.detailed_photo, 43, (0.037, 0.031, 0.069, 0.075)),
    (images.detailed_photo, 57, (0.03, 0.07, 0.078, 0.04)),
    (images.photo, 58, (0.045, 0.066, 0.066, 0.03)),
    (images.detailed_photo, 61, (0.032, 0.067, 0.072, 0.032)),
    (images.detailed_photo, 75, (0.032, 0.032, 0.07, 0.067)),
]


def _matches(pictures: list[Image.Image], files: bool = True) -> Matches:
    """The confirmed pairs of these pictures; with `files`, the second look can decode
    them again (a scan), without, not (a catalog)."""
    fps = [fingerprint(p) for p in pictures]
    metrics = [jpeg_metrics(p.size) for p in pictures]
    pixels = (lambda k: fine_pixels(pictures[k])) if files else None
    return drain(find_matches(fps, metrics, SAME, True, pixels=pixels))


@pytest.mark.parametrize(("make", "seed", "sides"), LOPSIDED)
def test_a_lopsided_crop_joins_its_original(
    make: object, seed: int, sides: tuple[float, float, float, float]
) -> None:
    original = make(seed)  # type: ignore[operator]
    found = _matches([original, images.cropped(original, sides)])
    assert [(int(a), int(b)) for a, b in zip(found.i, found.j, strict=True)] == [(0, 1)]
    assert found.t is not None
    assert int(found.t[0]) >= SIDE_KIND  # found by the side windows


def test_without_the_files_no_lopsided_crop_is_claimed() -> None:
    make, seed, sides = LOPSIDED[1]
    original = make(seed)
    assert len(_matches([original, images.cropped(original, sides)], files=False)) == 0


def _side_pairs(found: Matches) -> list[tuple[int, int]]:
    assert found.t is not None
    side = found.t >= SIDE_KIND
    return [(int(a), int(b)) for a, b in zip(found.i[side], found.j[side], strict=True)]


def test_pictures_of_one_layout_are_not_lopsided_crops_of_each_other() -> None:
    """Three pictures with the same big shapes at the same places and different small
    detail: a 90 % window of one passes the thumbnail rules against another, and lines
    up with it at 0.80 on the second look (the heavy crops' bar)."""
    assert _side_pairs(_matches([same_layout(v) for v in (1, 2, 3)])) == []


def test_burst_frames_and_panorama_halves_are_not_lopsided_crops() -> None:
    panorama = images.detailed_photo(630, (1600, 600))
    halves = [panorama.crop((0, 0, 800, 600)), panorama.crop((800, 0, 1600, 600))]
    photo = images.detailed_photo(620, (1500, 1000))
    thirds = [images.third(photo, "left"), images.third(photo, "right")]
    assert _side_pairs(_matches([burst(k) for k in range(3)] + halves + thirds)) == []


def test_the_side_windows_reach_every_light_crop() -> None:
    """Every crop of 3-8 % a side (on one axis: its left and right cut) has a side window
    whose centre is within 1.25 % of its own, and a size tried within 2.5 % of its own."""
    cuts = np.linspace(0.03, 0.08, 11)
    starts = sorted({w[0] for w in SIDE_WINDOWS})
    size = SIDE_WINDOWS[0][2] - SIDE_WINDOWS[0][0]
    for left, right in itertools.product(cuts, cuts):
        centre = (1 + left - right) / 2
        assert min(abs(s + size / 2 - centre) for s in starts) <= 0.0125 + 1e-9
        assert min(abs(s - (1 - left - right)) for s in SIDE_SIZES) <= 0.025 + 1e-9


def test_a_scan_groups_a_lopsided_crop_and_says_it_is_cropped(tmp_path: Path) -> None:
    make, seed, sides = LOPSIDED[2]
    original = make(seed)
    images.save(original, tmp_path / "photo.jpg", quality=95)
    images.save(images.cropped(original, sides), tmp_path / "edited" / "photo crop.jpg")
    result = run_scan(ScanSettings(roots=(str(tmp_path),), workers=2), cache_path=None)
    assert [images.names(g) for g in result.groups] == [{"photo.jpg", "photo crop.jpg"}]
    members = {os.path.relpath(m.path, tmp_path): m for m in result.groups[0].members}
    crop = members["edited/photo crop.jpg"].match
    assert crop is not None
    assert crop.kind is MatchKind.CROPPED
    assert crop.search is MatchSearch.CROP
    assert crop.window in SIDE_WINDOWS
