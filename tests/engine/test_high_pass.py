"""`checks.high_pass` sums the 5x5 box as rows then columns: bit for bit the 25-term
sum it replaced (whole grey levels are exact in float32), on any 64x64 map."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.detect.checks import high_pass
from cleaner.detect.fingerprint import DETAIL_SIDE


def _reference(detail_map: bytes) -> np.ndarray:
    a = np.frombuffer(detail_map, dtype=np.uint8).astype(np.float32)
    a = a.reshape(DETAIL_SIDE, DETAIL_SIDE)
    pad = np.pad(a, 2, mode="edge")
    blur = np.zeros_like(a)
    for dy in range(5):
        for dx in range(5):
            blur += pad[dy : dy + DETAIL_SIDE, dx : dx + DETAIL_SIDE]
    blur /= 25.0
    return (a - blur).reshape(-1)


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    low=st.integers(0, 255),
    span=st.integers(0, 255),
    blocky=st.booleans(),
)
def test_high_pass_is_the_25_term_box_sum_bit_for_bit(
    seed: int, low: int, span: int, blocky: bool
) -> None:
    rng = np.random.default_rng(seed)
    top = min(255, low + span)
    side = 8 if blocky else DETAIL_SIDE  # flat patches and edges, or noise
    small = rng.integers(low, top + 1, (side, side), dtype=np.uint8)
    full = np.kron(small, np.ones((DETAIL_SIDE // side,) * 2, np.uint8)).astype(np.uint8)
    detail_map = full.tobytes()
    got, want = high_pass(detail_map), _reference(detail_map)
    assert got.dtype == want.dtype == np.float32
    assert got.tobytes() == want.tobytes()


def test_the_extremes() -> None:
    for detail_map in (bytes(4096), bytes([255]) * 4096, bytes([0, 255]) * 2048):
        assert high_pass(detail_map).tobytes() == _reference(detail_map).tobytes()
