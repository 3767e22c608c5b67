"""The units of a scan of catalogs: rows in SHA-256 order (`estate._sha_order`), the
order and runs of the full 256-bit sort, got by sorting the first 64 bits."""

from __future__ import annotations

import numpy as np
import pytest

from cleaner.catalog.estate import _sha_order


def _full_sort(shas: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    words = shas[rows].view(">u8").reshape(len(rows), 4)
    order = rows[np.lexsort(words.T[::-1])]
    w = shas[order].view(">u8").reshape(len(order), 4)
    return order, np.all(w[1:] == w[:-1], axis=1)


@pytest.mark.parametrize("n", [0, 1, 2, 50_000])
def test_rows_come_in_the_order_of_the_whole_sha256(n: int) -> None:
    rng = np.random.default_rng(n)
    shas = rng.integers(0, 256, (2 * n + 1, 32), dtype=np.uint8)
    if n:
        # byte-identical copies, and contents whose first 8 or 24 bytes meet by chance
        for width, count in ((32, n // 10 + 1), (8, n // 20 + 1), (24, n // 20 + 1)):
            src, dst = rng.integers(0, len(shas), (2, count))
            shas[dst, :width] = shas[src, :width]
    rows = np.sort(rng.choice(len(shas), n, replace=False)).astype(np.int64)
    order, same = _sha_order(shas, rows)
    want_order, want_same = _full_sort(shas, rows)
    assert order.tolist() == want_order.tolist()
    assert same.tolist() == want_same.tolist()
    if n > 2:
        assert same.any()
        assert not same.all()
