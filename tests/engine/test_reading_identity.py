"""Reading a picture was made cheaper (issue 13, session 8) without changing what it gives:
the eight orientation hashes, the crop hash and the sharpness come out exactly as the
straightforward code computed them, kept here as the reference. On real pictures the
same is checked file by file by `python -m benchmarks.reading_cost digest` (before and
after, byte for byte: benchmarks/README.md)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from cleaner.detect.analysis import sharpness
from cleaner.detect.fingerprint import (
    _DCT_MOVES,
    _SIGNS,
    _bits_above_median,
    _low_dct,
    dihedral_phashes,
    phash_int,
)
from tests.helpers import images


def _reference_bits(low: np.ndarray) -> int:
    value = 0
    for bit in (low > np.median(low)).ravel().tolist():
        value = (value << 1) | int(bit)
    return value


def _reference_dihedral(grey32: Image.Image) -> tuple[int, ...]:
    low = _low_dct(np.asarray(grey32))
    out = []
    for transpose, flip_rows, flip_columns in _DCT_MOVES:
        moved = low.T if transpose else low
        if flip_rows:
            moved = moved * _SIGNS[:, None]
        if flip_columns:
            moved = moved * _SIGNS[None, :]
        out.append(_reference_bits(moved))
    return tuple(out)


def _reference_sharpness(g: Image.Image) -> float:
    a = np.asarray(g, dtype=np.float32)
    if a.shape[0] < 3 or a.shape[1] < 3:
        return 0.0
    lap = 4 * a[1:-1, 1:-1] - a[:-2, 1:-1] - a[2:, 1:-1] - a[1:-1, :-2] - a[1:-1, 2:]
    return float(lap.var())


# a few distinct values make ties with the median, the case where a careless rewrite of
# the median or the packing would differ
_PIXELS = st.one_of(
    arrays(np.uint8, (32, 32)),
    arrays(np.uint8, (32, 32), elements=st.sampled_from([0, 1, 128, 255])),
)


@settings(max_examples=300, deadline=None)
@given(_PIXELS)
def test_the_eight_hashes_are_the_reference_ones(pixels: np.ndarray) -> None:
    grey32 = Image.fromarray(pixels, "L")
    assert dihedral_phashes(grey32) == _reference_dihedral(grey32)
    assert phash_int(grey32) == _reference_bits(_low_dct(pixels))
    assert _bits_above_median(_low_dct(pixels)) == _reference_bits(_low_dct(pixels))


def test_the_eight_hashes_of_photos_and_flat_pictures_are_the_reference_ones() -> None:
    pictures = [images.photo(s, (32, 32)).convert("L") for s in range(20)]
    pictures += [images.detailed_photo(s, (32, 32)).convert("L") for s in range(20)]
    pictures += [Image.new("L", (32, 32), v) for v in (0, 17, 255)]
    for grey32 in pictures:
        assert dihedral_phashes(grey32) == _reference_dihedral(grey32)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 40).flatmap(
        lambda h: st.integers(1, 40).flatmap(lambda w: arrays(np.uint8, (h, w)))
    )
)
def test_sharpness_is_the_reference_float32_laplacian(pixels: np.ndarray) -> None:
    g = Image.fromarray(pixels, "L")
    assert sharpness(g) == _reference_sharpness(g)


def test_sharpness_of_analysis_sized_photos_is_the_reference() -> None:
    for seed in range(10):
        g = images.detailed_photo(seed, (256, 171)).convert("L")
        assert sharpness(g) == _reference_sharpness(g)
    rows, columns = np.indices((192, 256))
    extreme = np.where((rows + columns) % 2 == 0, 255, 0).astype(np.uint8)  # +-1020, the extremes
    g = Image.fromarray(extreme, "L")
    assert sharpness(g) == _reference_sharpness(g)
