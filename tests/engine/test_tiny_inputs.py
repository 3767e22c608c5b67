"""Empty and one-element inputs to the numpy stages (issue 10, class 14).

A picture next to a copy of it stretched far out of shape (beyond the 2:1 of a squashed
copy), and nothing else alike: every candidate pair is refused by the shape check, and the
confirmation step used to die on the empty set of pairs ("cannot reshape array of size
0"). Every stage
between the fingerprints and the groups must take zero, one or two pictures and zero
or one candidate pair.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.detect.checks import (
    THRESHOLDS,
    colour_agrees,
    crop_correlation,
    thumb_correlation,
)
from cleaner.detect.fingerprint import fingerprint
from cleaner.detect.grouping import star_clusters
from cleaner.detect.index import Pairs, search_pairs
from cleaner.detect.matching import candidate_pairs, confirm, find_matches
from cleaner.detect.scan import run_scan
from cleaner.models import Fingerprint, ScanSettings, Similarity
from cleaner.progress import drain
from tests.helpers import images
from tests.helpers.metrics import jpeg_metrics

SAME = THRESHOLDS[Similarity.SAME]
EMPTY = np.zeros(0, dtype=np.int64)


# 640x480 made 640x140: 4.6:1 against 4:3, too far out of shape to be a squashed copy
STRETCHED = (640, 140)


def test_a_stretched_copy_alone_in_a_folder_scans_without_a_crash(tmp_path: Path) -> None:
    # caught on main: ValueError "cannot reshape array of size 0" in matching.confirm
    original = images.photo(5, (640, 480))
    images.save(original, tmp_path / "photo.jpg", quality=90)
    images.save(original.resize(STRETCHED), tmp_path / "photo thumb.jpg", quality=90)
    result = run_scan(ScanSettings(roots=(str(tmp_path),), workers=1), cache_path=None)
    assert result.groups == ()
    assert result.stats.images == 2
    assert result.skipped == ()


def test_stretched_copies_next_to_a_real_pair_do_not_disturb_it(tmp_path: Path) -> None:
    original = images.photo(6, (640, 480))
    images.save(original, tmp_path / "a.jpg", quality=92)
    images.save(original, tmp_path / "a copy.png")
    images.save(original.resize(STRETCHED), tmp_path / "a stretched.jpg", quality=90)
    result = run_scan(ScanSettings(roots=(str(tmp_path),), workers=1), cache_path=None)
    names = [sorted(Path(m.path).name for m in g.members) for g in result.groups]
    assert names == [["a copy.png", "a.jpg"]]


def test_confirm_with_every_pair_refused_by_shape() -> None:
    photo = images.photo(7, (640, 480))
    fps = [fingerprint(photo), fingerprint(photo.resize(STRETCHED))]
    metrics = [jpeg_metrics((640, 480)), jpeg_metrics(STRETCHED)]
    pairs = Pairs(np.array([0]), np.array([1]), np.array([0]), np.array([0]))
    assert confirm(pairs, fps, metrics, SAME).tolist() == [False]
    matches = drain(find_matches(fps, metrics, SAME))
    assert len(matches) == 0
    assert matches.coloured.tolist() == [False, False]


def test_confirm_with_no_pairs() -> None:
    fps = [fingerprint(images.photo(8))]
    assert (
        confirm(Pairs(EMPTY, EMPTY, EMPTY, EMPTY), fps, [jpeg_metrics((640, 480))], SAME).size == 0
    )


def test_matching_no_picture_and_one_picture() -> None:
    for fps in ([], [fingerprint(images.photo(9))]):
        metrics = [jpeg_metrics((640, 480))] * len(fps)
        for rotations in (False, True):
            pairs = drain(candidate_pairs(fps, SAME, rotations))
            assert len(pairs) == 0
            matches = drain(find_matches(fps, metrics, SAME, rotations))
            assert len(matches) == 0
            assert len(matches.coloured) == len(fps)


def test_similarity_kernels_take_empty_pair_lists() -> None:
    thumbs = np.zeros((0, 256), dtype=np.uint8)
    assert thumb_correlation(thumbs, EMPTY, EMPTY, EMPTY).size == 0
    assert crop_correlation(thumbs, EMPTY, EMPTY, EMPTY).size == 0
    colours = np.zeros((0, 32), dtype=np.uint8)
    has = np.zeros(0, dtype=bool)
    assert colour_agrees(colours, has, EMPTY, EMPTY, EMPTY, 16.0).size == 0


def test_grouping_with_no_edges() -> None:
    assert star_clusters(0, EMPTY, EMPTY) == []
    assert star_clusters(1, EMPTY, EMPTY, np.zeros(0), np.ones(1, dtype=bool)) == []


@settings(max_examples=60, deadline=None)
@given(
    hashes=st.lists(st.integers(0, 2**64 - 1), min_size=0, max_size=3),
    threshold=st.integers(0, 32),
    variants=st.integers(0, 7),
    base_pairs=st.booleans(),
)
def test_index_takes_tiny_inputs(
    hashes: list[int], threshold: int, variants: int, base_pairs: bool
) -> None:
    base = np.array(hashes, dtype=np.uint64)
    extra = None
    if variants:
        extra = np.array([[h ^ (1 << k) for k in range(variants)] for h in hashes], np.uint64)
        extra = extra.reshape(len(hashes), variants)
    pairs = drain(search_pairs(base, threshold, extra, base_pairs=base_pairs))
    assert len(pairs.i) == len(pairs.j) == len(pairs.t) == len(pairs.d)
    assert all(0 <= k < len(hashes) for k in [*pairs.i.tolist(), *pairs.j.tolist()])


@settings(max_examples=25, deadline=None)
@given(
    sizes=st.lists(
        st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(0, 255)),
        min_size=0,
        max_size=3,
    )
)
def test_matching_tiny_pictures_of_any_count(sizes: list[tuple[int, int, int]]) -> None:
    """0-3 pictures of 1x1 to 3x3 pixels: every stage runs, whatever it finds."""
    from PIL import Image

    pictures = [Image.new("RGB", (w, h), (v, v, 255 - v)) for w, h, v in sizes]
    fps: list[Fingerprint] = [fingerprint(p) for p in pictures]
    metrics = [jpeg_metrics(p.size, detail=0.0) for p in pictures]
    matches = drain(find_matches(fps, metrics, SAME, rotations=True))
    clusters = star_clusters(len(fps), matches.i, matches.j, matches.strength, matches.coloured)
    assert all(len(c) >= 2 for c in clusters)


def test_scans_of_no_picture_one_picture_and_one_pixel(tmp_path: Path) -> None:
    from PIL import Image

    empty = tmp_path / "empty"
    empty.mkdir()
    one = tmp_path / "one"
    images.save(images.photo(10), one / "a.jpg")
    pixel = tmp_path / "pixel"
    images.save(Image.new("RGB", (1, 1), (10, 20, 30)), pixel / "dot.png")
    images.save(Image.new("RGB", (2, 2), (10, 20, 30)), pixel / "dots.png")
    for root, count in ((empty, 0), (one, 1), (pixel, 2)):
        for rotations in (False, True):
            settings_ = ScanSettings(roots=(str(root),), workers=1, rotations=rotations)
            result = run_scan(settings_, cache_path=None)
            assert result.stats.images == count
