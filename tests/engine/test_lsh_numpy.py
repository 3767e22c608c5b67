"""The numpy LSH table (`cleaner.detect.lsh_numpy`, what a desktop install runs) finds
exactly the pairs of the table it replaced (sampled-bit keys, `index._near_run_pairs`),
less those a `seen` table reports; and the whole search the same pairs. No numba needed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner.detect.index
from cleaner.detect import lsh_kernel, lsh_numpy
from cleaner.detect.index import Pairs, _near_run_pairs, _Tables, search_pairs
from cleaner.progress import drain
from tests.helpers.lsh_hashes import (
    assert_tables_cover_every_pair,
    clustered_hashes,
    planted_hashes,
)

U64 = np.uint64


def _reference(
    hashes: np.ndarray, positions: np.ndarray, limit: int, seen: np.ndarray
) -> list[tuple[int, int]]:
    """The replaced table's pairs (keys of the sampled bits themselves), less those whose
    hashes agree on every bit of a `seen` mask: a sorted list."""
    tables = _Tables(hashes, len(positions))
    skeys, order = tables.split(tables.sorted(positions))
    found: list[tuple[int, int]] = []
    for a, b in _near_run_pairs(skeys, order, hashes[order], limit):
        for x, y in zip(a.tolist(), b.tolist(), strict=True):
            xor = int(hashes[x]) ^ int(hashes[y])
            if not any(xor & int(mask) == 0 for mask in seen.tolist()):
                found.append((x, y))
    return sorted(found)


def _table(
    hashes: np.ndarray,
    positions: np.ndarray,
    limit: int,
    seen: np.ndarray,
    index_bits: int = 0,
) -> list[tuple[int, int]]:
    bits = index_bits or max(1, (len(hashes) - 1).bit_length())
    mask = int(lsh_kernel.key_masks([positions])[0])
    found: list[tuple[int, int]] = []
    for a, b in lsh_numpy.table_pairs(hashes, mask, bits, limit, seen):
        found += zip(a.tolist(), b.tolist(), strict=True)
    return sorted(found)


@settings(max_examples=150, deadline=None)
@given(
    clustered_hashes,
    st.lists(st.integers(0, 63), min_size=1, max_size=40, unique=True),
    st.integers(0, 64),
    st.lists(st.integers(0, 2**64 - 1), max_size=3),
    st.integers(0, 63),
)
def test_one_table_gives_the_replaced_tables_pairs(
    hashes: np.ndarray, sampled: list[int], limit: int, seen: list[int], spare: int
) -> None:
    positions = np.array(sampled, dtype=np.int64)
    needed = max(1, (len(hashes) - 1).bit_length())
    if len(hashes) < 2 or len(positions) + needed > 64:
        return
    # more index bits than needed leave fewer key bits: keys of different sampled bits
    # then meet often (up to every entry under one key), which must give no pair
    index_bits = min(63, needed + spare)
    masks = np.array(seen, dtype=U64)
    expected = _reference(hashes, positions, limit, masks)
    assert _table(hashes, positions, limit, masks, index_bits) == expected


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_pairs_at_every_distance_table_by_table(seed: int) -> None:
    threshold = 12
    hashes = planted_hashes(4_000, seed, threshold)
    rng = np.random.default_rng(seed)
    positions = [rng.choice(64, size=12, replace=False) for _ in range(30)]
    masks = lsh_kernel.key_masks(positions)
    every_reference: set[tuple[int, int]] = set()
    reads = 0
    every: list[tuple[int, int]] = []
    for table, sampled in enumerate(positions):
        seen = masks[max(0, table - 8) : table]
        plain = _table(hashes, sampled, threshold, seen[:0])
        assert plain == _reference(hashes, sampled, threshold, seen[:0])
        fresh = _table(hashes, sampled, threshold, seen)
        assert fresh == _reference(hashes, sampled, threshold, seen)
        # only one key bit left: every entry meets every other, the key filter decides
        assert _table(hashes, sampled, threshold, seen, index_bits=63) == fresh
        every_reference |= set(plain)
        reads += len(plain)
        every += fresh
    assert_tables_cover_every_pair(hashes, threshold, every, every_reference, reads)


def _replaced_table(
    hashes: np.ndarray, mask: int, index_bits: int, limit: int, seen: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The replaced numpy table, in `table_pairs`' place, without `seen` (as it was)."""
    positions = np.array([63 - bit for bit in range(64) if mask >> bit & 1], dtype=np.int64)
    tables = _Tables(hashes, len(positions))
    skeys, order = tables.split(tables.sorted(positions))
    return list(_near_run_pairs(skeys, order, hashes[order], limit))


def _search(hashes: np.ndarray, replaced: bool, threads: int, **kw: object) -> Pairs:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cleaner.detect.index, "BRUTE_FORCE_LIMIT", 0)  # the LSH path
        patch.setattr(cleaner.detect.index, "_threads", lambda: threads)
        patch.setattr(lsh_kernel, "available", lambda: False)
        if replaced:
            patch.setattr(lsh_numpy, "table_pairs", _replaced_table)
        return drain(search_pairs(hashes, 10, **kw))  # type: ignore[arg-type]


def _as_lists(pairs: Pairs) -> list[list[int]]:
    return [pairs.i.tolist(), pairs.j.tolist(), pairs.t.tolist(), pairs.d.tolist()]


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_the_search_finds_the_replaced_tables_pairs(threads: int) -> None:
    hashes = planted_hashes(6_000, 11, 10)
    replaced = _search(hashes, True, 1)
    assert _as_lists(_search(hashes, False, threads)) == _as_lists(replaced)
    assert set(replaced.d.tolist()) == set(range(11))


def test_slack_and_verify_give_the_same_pairs_asking_less() -> None:
    hashes = planted_hashes(6_000, 12, 14)
    asked: list[int] = []

    def odd_first(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        asked.append(len(a))
        return np.asarray((np.minimum(a, b) % 2) == 1)

    replaced = _search(hashes, True, 2, slack=4, verify=odd_first)
    replaced_asked, asked[:] = sum(asked), []
    now = _search(hashes, False, 2, slack=4, verify=odd_first)
    assert _as_lists(now) == _as_lists(replaced)
    assert len(now) > 300
    assert sum(asked) < replaced_asked / 2  # pairs other tables report are not asked again
