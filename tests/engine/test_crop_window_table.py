"""The crop-window search's numpy table (`crop_index._cross_table`, a desktop install
without numba) against the index's numpy table it replaced (`index._cross_run_pairs`
with the kernel off): the same (window, picture) pairs table by table, less those a
`seen` table reports, and the same pairs over a whole search."""

from __future__ import annotations

import numpy as np
import pytest

import cleaner.detect.crop_index as crop_index
from cleaner.detect import index, lsh_kernel
from cleaner.detect.index import Pairs
from cleaner.progress import drain
from tests.helpers.lsh_hashes import planted_hashes

U64 = np.uint64


def _windows(hashes: np.ndarray, seed: int, per: int) -> np.ndarray:
    """(N, per) windows: a third near another picture's hash (0-10 bits), a third near
    their own picture's (pairs the search must skip), a third random; and blocks of equal
    hashes and windows, so that runs hold several base entries and several windows."""
    rng = np.random.default_rng(seed)
    n = len(hashes)
    windows = rng.integers(0, 2**64, size=(n, per), dtype=U64)
    for row in range(0, n, 3):
        source = row if row % 2 else int(rng.integers(0, n))
        for w in range(per):
            flips = rng.choice(64, size=int(rng.integers(0, 11)), replace=False)
            windows[row, w] = U64(int(hashes[source]) ^ sum(1 << int(f) for f in flips))
    for start in range(0, n - 40, n // 8):  # 8 crowds of 12 pictures and their windows
        windows[start : start + 12] = windows[start, 0]
        hashes[start + 20 : start + 32] = windows[start, 0] ^ U64(3)
    return windows


def _old_table(
    entries: np.ndarray, sampled: np.ndarray, n: int, per: int, monkeypatch: pytest.MonkeyPatch
) -> set[tuple[int, int]]:
    with monkeypatch.context() as patch:
        patch.setattr(lsh_kernel, "available", lambda: False)
        tables = index._Tables(entries, len(sampled))
        v, b = index._cross_run_pairs(tables, sampled, n, per, 10, np.int32)
    return set(zip(v.tolist(), b.tolist(), strict=True))


@pytest.mark.parametrize(("per", "k", "multiplier"), [(1, 14, None), (2, 12, None), (2, 12, 1)])
def test_each_table_gives_the_index_pairs_less_those_seen(
    per: int, k: int, multiplier: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """multiplier 1: the key is the masked hash's top bits only, and the tables sample the
    low bits too, so most keys collide by chance (a run then holds entries whose sampled
    bits differ): the collisions must give no pair."""
    if multiplier is not None:
        monkeypatch.setattr(crop_index, "MULTIPLIER", U64(multiplier))
    hashes = planted_hashes(3_000, 41 + per, 10)
    windows = _windows(hashes, 42 + per, per)
    n = len(hashes)
    entries = np.concatenate([hashes, windows.reshape(-1)])
    bits = index._Tables(entries, k).index_bits
    rng = np.random.default_rng(7)
    samples = [rng.choice(np.arange(1, 64), size=k, replace=False) for _ in range(12)]
    if multiplier is not None:  # keys of the low bits: below the entry index, cut off
        samples = [np.concatenate([s[: k - 4], 63 - np.arange(4)]) for s in samples]
    masks = lsh_kernel.key_masks(samples)
    total = 0
    for table, sampled in enumerate(samples):
        seen = masks[max(0, table - index.SEEN_TABLES) : table]
        old = _old_table(entries, sampled, n, per, monkeypatch)
        unseen = {
            (v, b)
            for v, b in old
            if all((int(entries[n + v]) ^ int(entries[b])) & int(m) for m in seen.tolist())
        }
        v, b = crop_index._cross_table(entries, int(masks[table]), bits, n, per, 10, seen)
        new = list(zip(v.tolist(), b.tolist(), strict=True))
        assert len(new) == len(set(new))  # each pair once a table
        assert set(new) == unseen
        total += len(new)
    assert total > 1_000


def _as_lists(p: Pairs) -> list[list[int]]:
    return [p.i.tolist(), p.j.tolist(), p.t.tolist(), p.d.tolist()]


@pytest.mark.parametrize("per", [1, 3])
def test_a_whole_search_finds_the_index_tables_pairs(
    per: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashes = planted_hashes(4_000, 51, 10)
    windows = _windows(hashes, 52, per)
    found = []
    for table in (crop_index._cross_table, None):
        with monkeypatch.context() as patch:
            patch.setattr(crop_index, "BRUTE_FORCE_LIMIT", 0)  # the LSH path
            patch.setattr(lsh_kernel, "available", lambda: False)
            if table is None:  # every table by the index's numpy code
                patch.setattr(
                    crop_index,
                    "_cross_table",
                    lambda h, mask, bits, n, per, limit, seen: index._cross_run_pairs(
                        index._Tables(h, bin(mask).count("1")),
                        np.flatnonzero([(mask >> (63 - p)) & 1 for p in range(64)]),
                        n,
                        per,
                        limit,
                        np.int32,
                    ),
                )
            found.append(drain(crop_index.window_pairs(hashes, windows, 10)))
    assert _as_lists(found[0]) == _as_lists(found[1])
    assert len(found[0]) > 1_000
