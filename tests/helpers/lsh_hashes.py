"""Hash sets for the candidate search's table tests (numpy path and compiled kernel)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

U64 = np.uint64


def planted_hashes(count: int, seed: int, threshold: int) -> np.ndarray:
    """`count` random hashes, a third of them copies of another at 0..threshold bits."""
    rng = np.random.default_rng(seed)
    hashes = rng.integers(0, 2**64, size=count, dtype=U64)
    copies = rng.choice(count, size=count // 3, replace=False)
    for copy in copies.tolist():
        source = int(rng.integers(0, count))
        flips = rng.choice(64, size=int(rng.integers(0, threshold + 1)), replace=False)
        hashes[copy] = U64(int(hashes[source]) ^ sum(1 << int(bit) for bit in flips))
    return hashes


# hashes near a few centres (many keys shared, runs of several), and a random key
clustered_hashes = st.lists(
    st.tuples(st.sampled_from([0, 2**63 + 12345, 0xFFFF_0000_FFFF_0000, 2**64 - 1]),
              st.integers(0, 2**64 - 1), st.integers(0, 24)),
    min_size=0, max_size=300,
).map(lambda rows: np.array([c ^ (noise & ((1 << k) - 1) << (noise % 40)) & (2**64 - 1)
                             for c, noise, k in rows], dtype=U64))  # fmt: skip


def assert_tables_cover_every_pair(
    hashes: np.ndarray,
    threshold: int,
    fresh: list[tuple[int, int]],
    every_reference: set[tuple[int, int]],
    reads: int,
) -> None:
    """What a search with `seen` tables must give over all its tables: every pair the
    plain tables read (`every_reference`, `reads` reads in all), each at least once, far
    fewer reads in all, and pairs at every distance up to the threshold."""
    assert sorted(set(fresh)) == sorted(every_reference)
    assert len(fresh) < reads / 2  # a pair is read again far less often
    distances = {bin(int(hashes[a]) ^ int(hashes[b])).count("1") for a, b in fresh}
    assert distances == set(range(threshold + 1))
