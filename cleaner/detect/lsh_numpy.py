"""One LSH table of the canonical search in numpy, in fewer passes (no compiled code).

`cleaner.detect.lsh_kernel` does a table in three passes with numba, an optional extra;
a desktop install runs this instead. It finds exactly the pairs the kernel finds (the
tests compare them), with three changes to the numpy table `cleaner.detect.index` had:

* **The key is a hash of the sampled bits, not the bits themselves.** Gathering k
  scattered bits into one key took four lookups in 65,536-entry tables (20 ms of a
  ~100 ms table at 1.3M entries). Here the key is the top bits of
  `(hash & mask) * MULTIPLIER`: one AND and one multiply. Two entries that agree on the
  sampled bits get the same key, so no pair is lost; two that do not may, rarely, get
  the same key too (their masked values differ, their products' top bits agree), and
  those pairs are dropped where their distance is taken (`(xor & mask) != 0`).
* **Runs are followed on a flag array.** The pairs d places apart in a run are read off
  the positions where the pairs d - 1 apart were, kept where the entry d - 1 on also
  shares the next one's key: one byte lookup, not two key gathers and a bound check.
* **Pairs another table reports are dropped** before `verify`: those whose hashes also
  agree on every bit of one of the `seen` masks (as the kernel does).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from cleaner.detect.bits import bit_counts

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

# An odd constant (2^64 / golden ratio): multiplying by it mixes every input bit into the
# top bits of the product, which become the key (Knuth's multiplicative hashing).
MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


def table_pairs(
    hashes: U64, mask: int, index_bits: int, limit: int, seen: U64
) -> Iterator[tuple[I64, I64]]:
    """Every pair of entries (a, b), a < b, whose hashes agree on the bits of `mask` and
    are within `limit`, except those whose hashes also agree on every bit of one of the
    `seen` masks; as (a, b) index arrays, a few at a time. `index_bits`: bits for an
    entry's index (len(hashes) - 1 fits), at most 64 - 16 (the key keeps the rest)."""
    count = len(hashes)
    if count < 2:
        return
    low = np.uint64((1 << index_bits) - 1)
    packed = hashes & np.uint64(mask)
    packed *= MULTIPLIER  # wraps modulo 2^64, as it should
    packed &= ~low
    packed |= np.arange(count, dtype=np.uint64)
    packed.sort()
    order = (packed & low).view(np.int64)
    # shares[p]: entries p and p + 1 (in key order) have one key; False past the end
    shares = np.zeros(count, dtype=bool)
    np.less(packed[1:] ^ packed[:-1], np.uint64(1) << np.uint64(index_bits), out=shares[:-1])
    del packed
    ordered = hashes[order]
    at = np.flatnonzero(shares)
    masks = [np.uint64(mask), *(np.uint64(m) for m in seen.tolist())]
    offset = 1
    while len(at):
        xor = ordered[at] ^ ordered[at + offset]
        near = bit_counts(xor) <= limit
        at_near, xor = at[near], xor[near]
        keep = (xor & masks[0]) == 0  # a chance collision of two keys is no pair
        for other in masks[1:]:
            keep &= (xor & other) != 0
        at_near = at_near[keep]
        yield order[at_near], order[at_near + offset]
        at = at[shares[at + offset]]
        offset += 1
