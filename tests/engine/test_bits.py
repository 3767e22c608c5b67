"""The set-bit count every Hamming distance is made of, on both numpy paths."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner.detect.bits import bit_counts
from cleaner.detect.index import popcount64

values = st.lists(st.integers(0, 2**64 - 1), min_size=0, max_size=64)


def _expected(xs: list[int]) -> list[int]:
    return [bin(v).count("1") for v in xs]


@given(values)
def test_counts_every_value(xs: list[int]) -> None:
    x = np.array(xs, dtype=np.uint64)
    counted = bit_counts(x)
    assert counted.dtype == np.uint8
    assert counted.tolist() == _expected(xs)
    assert popcount64(x).dtype == np.int64
    assert popcount64(x).tolist() == _expected(xs)


@given(values, st.booleans())
def test_numpy_without_bitwise_count(xs: list[int], transpose: bool) -> None:
    """numpy < 2.0 has no `bitwise_count`: the byte-table path gives the same counts, in
    the input's shape, for a non-contiguous view too."""
    x = np.array(xs * 2, dtype=np.uint64).reshape(2, -1)
    if transpose:
        x = x.T
    with pytest.MonkeyPatch.context() as mp:
        if hasattr(np, "bitwise_count"):
            mp.delattr(np, "bitwise_count")
        counted = bit_counts(x)
    assert counted.dtype == np.uint8
    assert counted.shape == x.shape
    assert counted.tolist() == [_expected(row) for row in x.tolist()]


def test_extremes_and_shapes() -> None:
    x = np.array([[0, 2**64 - 1], [1, 2**63]], dtype=np.uint64)
    assert bit_counts(x).tolist() == [[0, 64], [1, 1]]
    assert bit_counts(np.zeros((0, 3), np.uint64)).shape == (0, 3)
