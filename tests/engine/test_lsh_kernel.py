"""The compiled LSH table kernel finds exactly the pairs of the numpy path it replaces."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner.detect.index
from cleaner.detect import lsh_kernel
from cleaner.detect.index import Pairs, _near_run_pairs, _Tables, search_pairs
from cleaner.progress import drain
from tests.helpers.lsh_hashes import (
    assert_tables_cover_every_pair,
    clustered_hashes,
    planted_hashes,
)

U64 = np.uint64


def _numpy_table(hashes: np.ndarray, positions: np.ndarray, limit: int) -> list[tuple[int, int]]:
    """The numpy path's pairs of one table (the reference), as a sorted list."""
    tables = _Tables(hashes, len(positions))
    skeys, order = tables.split(tables.sorted(positions))
    found: list[tuple[int, int]] = []
    for a, b in _near_run_pairs(skeys, order, hashes[order], limit):
        found += zip(a.tolist(), b.tolist(), strict=True)
    return sorted(found)


def _kernel_table(
    hashes: np.ndarray, positions: np.ndarray, limit: int, seen: np.ndarray | None = None
) -> list[tuple[int, int]]:
    bits = max(1, (len(hashes) - 1).bit_length())
    masks = np.zeros(0, dtype=U64) if seen is None else seen
    a, b = lsh_kernel.table_pairs(hashes, positions, bits, limit, masks)
    return sorted(zip(a.tolist(), b.tolist(), strict=True))


# numba is the [fast] extra (pyproject.toml): `make test` installs it and says so with
# PHOTOSIFT_REQUIRE_KERNEL=1, so there every test here runs and a kernel that does not load
# fails; the headless venv (a server's plain install) has no numba and runs the numpy path,
# which the rest of the engine tests cover, and skips the comparisons below.
REQUIRED = os.environ.get("PHOTOSIFT_REQUIRE_KERNEL") == "1"
pytestmark = pytest.mark.skipif(
    not REQUIRED and not lsh_kernel.available(),
    reason="no compiled kernel (numba, the [fast] extra, not installed, or PHOTOSIFT_LSH_KERNEL=0)",
)


def test_the_kernel_is_available() -> None:
    assert lsh_kernel.available()


@settings(max_examples=80, deadline=None)
@given(
    clustered_hashes,
    st.lists(st.integers(0, 63), min_size=1, max_size=40, unique=True),
    st.integers(0, 64),
)
def test_one_table_gives_the_numpy_pairs(
    hashes: np.ndarray, sampled: list[int], limit: int
) -> None:
    positions = np.array(sampled, dtype=np.int64)
    if len(hashes) < 2 or len(positions) + max(1, (len(hashes) - 1).bit_length()) > 64:
        return
    assert _kernel_table(hashes, positions, limit) == _numpy_table(hashes, positions, limit)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_pairs_at_every_distance_table_by_table(seed: int) -> None:
    threshold = 12
    hashes = planted_hashes(4_000, seed, threshold)
    rng = np.random.default_rng(seed)
    every_numpy: set[tuple[int, int]] = set()
    numpy_reads = 0
    every_kernel: list[tuple[int, int]] = []
    positions = [rng.choice(64, size=12, replace=False) for _ in range(30)]
    masks = lsh_kernel.key_masks(positions)
    for table, sampled in enumerate(positions):
        reference = _numpy_table(hashes, sampled, threshold)
        assert _kernel_table(hashes, sampled, threshold) == reference
        # with the tables before it as `seen`, a table reads only pairs none of them did
        fresh = _kernel_table(hashes, sampled, threshold, masks[max(0, table - 8) : table])
        assert set(fresh) <= set(reference)
        every_numpy |= set(reference)
        numpy_reads += len(reference)
        every_kernel += fresh
    assert_tables_cover_every_pair(hashes, threshold, every_kernel, every_numpy, numpy_reads)


def test_key_masks_say_when_two_hashes_share_a_key() -> None:
    rng = np.random.default_rng(9)
    hashes = rng.integers(0, 2**64, size=2, dtype=U64)
    positions = [rng.choice(64, size=k, replace=False) for k in (1, 5, 20, 40)]
    for sampled, mask in zip(positions, lsh_kernel.key_masks(positions).tolist(), strict=True):
        same = all(
            (int(hashes[0]) >> (63 - p)) & 1 == (int(hashes[1]) >> (63 - p)) & 1
            for p in sampled.tolist()
        )
        assert same == ((int(hashes[0]) ^ int(hashes[1])) & mask == 0)


def _search(
    hashes: np.ndarray,
    compiled: bool,
    monkeypatch: pytest.MonkeyPatch,
    threads: int = 2,
    **kw: object,
) -> Pairs:
    with monkeypatch.context() as patch:
        patch.setattr(cleaner.detect.index, "BRUTE_FORCE_LIMIT", 0)  # the LSH path
        patch.setattr(cleaner.detect.index, "_threads", lambda: threads)
        if not compiled:
            patch.setattr(lsh_kernel, "available", lambda: False)
        return drain(search_pairs(hashes, 10, **kw))  # type: ignore[arg-type]


def _as_lists(pairs: Pairs) -> list[list[int]]:
    return [pairs.i.tolist(), pairs.j.tolist(), pairs.t.tolist(), pairs.d.tolist()]


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_the_search_finds_the_same_pairs_with_the_kernel(
    threads: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashes = planted_hashes(6_000, 11, 10)
    numpy_path = _search(hashes, False, monkeypatch)
    kernel = _search(hashes, True, monkeypatch, threads=threads)
    assert _as_lists(kernel) == _as_lists(numpy_path)
    assert set(numpy_path.d.tolist()) == set(range(11))


def test_slack_and_verify_give_the_same_pairs_with_the_kernel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hashes = planted_hashes(6_000, 12, 14)
    asked: list[int] = []

    def odd_first(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        asked.append(len(a))
        return np.asarray((np.minimum(a, b) % 2) == 1)

    numpy_path = _search(hashes, False, monkeypatch, slack=4, verify=odd_first)
    numpy_asked, asked[:] = sum(asked), []
    kernel = _search(hashes, True, monkeypatch, slack=4, verify=odd_first)
    assert _as_lists(kernel) == _as_lists(numpy_path)
    assert len(kernel) > 300
    assert sum(asked) == numpy_asked  # both skip the pairs other tables report


def _windows_of(hashes: np.ndarray, seed: int, per: int) -> np.ndarray:
    """(N, per) window hashes: most random, some near another picture's hash (a crop of
    it) at 0..10 bits, some near their own picture's (which the search must skip)."""
    rng = np.random.default_rng(seed)
    windows = rng.integers(0, 2**64, size=(len(hashes), per), dtype=U64)
    for row in rng.choice(len(hashes), size=len(hashes) // 3, replace=False).tolist():
        source = int(rng.integers(0, len(hashes))) if row % 2 else row
        flips = rng.choice(64, size=int(rng.integers(0, 11)), replace=False)
        windows[row, row % per] = U64(int(hashes[source]) ^ sum(1 << int(f) for f in flips))
    return windows


@pytest.mark.parametrize(("crowd", "nearest"), [(0, 0), (1, 0), (2, 0), (0, 1), (2, 2)])
def test_the_crop_window_search_finds_the_same_pairs_with_the_kernel(
    crowd: int, nearest: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cleaner.detect import crop_index

    hashes = planted_hashes(5_000, 21, 10)
    windows = _windows_of(hashes, 22, 2)
    found = []
    for compiled in (False, True):
        with monkeypatch.context() as patch:
            patch.setattr(crop_index, "BRUTE_FORCE_LIMIT", 0)  # the LSH path
            if not compiled:
                patch.setattr(lsh_kernel, "available", lambda: False)
            found.append(
                drain(crop_index.window_pairs(hashes, windows, 10, crowd=crowd, nearest=nearest))
            )
    assert _as_lists(found[1]) == _as_lists(found[0])
    assert len(found[0]) > 300


def test_the_variant_search_finds_the_same_pairs_with_the_kernel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hashes = planted_hashes(5_000, 31, 10)
    windows = _windows_of(hashes, 32, 3)
    found = []
    for compiled in (False, True):
        with monkeypatch.context() as patch:
            patch.setattr(cleaner.detect.index, "BRUTE_FORCE_LIMIT", 0)
            if not compiled:
                patch.setattr(lsh_kernel, "available", lambda: False)
            found.append(drain(search_pairs(hashes, 10, windows, base_pairs=False)))
    assert _as_lists(found[1]) == _as_lists(found[0])
    assert len(found[0]) > 300
