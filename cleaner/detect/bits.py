"""Counting set bits of 64-bit hashes: the one primitive every Hamming distance here is
made of (the canonical search's tables, the crop windows, the orientation checks)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]

_BYTE_BITS = np.array([bin(v).count("1") for v in range(256)], dtype=np.uint8)


def bit_counts(x: U64) -> npt.NDArray[np.uint8]:
    """Set bits of each value, as bytes, in x's shape: numpy 2 counts straight into uint8
    (no int64 round trip: at 2,000 pictures the crop search makes 64M counts); numpy < 2.0
    has no `bitwise_count`, so byte by byte there."""
    if hasattr(np, "bitwise_count"):
        counted: npt.NDArray[np.uint8] = np.bitwise_count(x)
        return counted
    x = np.ascontiguousarray(x)
    summed: npt.NDArray[np.uint8] = _BYTE_BITS[x.view(np.uint8).reshape(*x.shape, 8)].sum(
        axis=-1, dtype=np.uint8
    )
    return summed
