"""The crop-window search on a big library: window hashes against picture hashes.

Each picture carries the pHash of its middle window (`cleaner.detect.fingerprint.
CROP_WINDOWS`); a copy with its edges cut off hashes like that window of its original.
This module finds every (window of i, picture j) pair within the crop threshold. A small
library is searched exactly (`cleaner.detect.index`'s brute force); a big one by
bit-sampling LSH over the index's sorted tables (`cleaner.detect.index._Tables`), where a
run of equal keys is split into its pictures and its windows and only the pairs across
the two are read. Compared with the index's own variant search, which at a million pictures could
afford a third of the tables a threshold of 10 needs and missed ~23 % of the pairs at
distance 10 (benchmarks/README.md, "Issue 13: crops at scale"):

* the key length is chosen for the cost of finding a pair: a table costs its entries
  plus the random pairs it reads, each about `WINDOW_PAIR_COST` entries (measured: a
  pair is a gather of two random hashes); at a million pictures this keeps k = 22 (a
  shorter key finds more per table but costs more than it finds: k 20 took 1.55x the
  time for 104 tables against 150);
* the budget is in those units (`WINDOW_WORK_BUDGET`), so it says how long the search may
  take whatever k is;
* the first bit of a pHash (the DC term, always above the median) is never sampled: every
  picture has it set, so a key holding it narrows one bit less than its length says.

The heavy-crop search (`cleaner.detect.crops`) uses it too, for its window sketches.

Tables read true distances, so the search adds no false pair; it can only miss a pair.
"""

from __future__ import annotations

import math
from collections.abc import Generator

import numpy as np
import numpy.typing as npt

from cleaner.detect import lsh_kernel
from cleaner.detect.bits import bit_counts
from cleaner.detect.index import (
    BRUTE_FORCE_LIMIT,
    MISS_RATE,
    SEEN_TABLES,
    Pairs,
    _best_per_pair,
    _brute_force,
    _cross_run_pairs,
    _hit_probability,
    _in_threads,
    _PairKeys,
    _Tables,
    popcount64,
)
from cleaner.detect.lsh_numpy import MULTIPLIER

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

# A random pair read costs about this many entries keyed and sorted: 1M random hashes and
# their windows, k 20 (1M random pairs a table) against k 22 (0.24M): 2.24x the time per
# table, so 2M + 0.95M c = 2.24 (2M + 0.24M c), c = 6.
WINDOW_PAIR_COST = 6.0
# Work allowed, in entries (tables x (entries + WINDOW_PAIR_COST x random pairs per
# table)): the time the index's variant search took at a million pictures (150 tables of
# 2M entries at k = 22, ~15 s on a quiet 2-core machine). Up to ~250,000 pictures it never
# binds; at a million it misses ~23 % of the pairs at distance 10, ~2 % at 8, none closer.
WINDOW_WORK_BUDGET = 520_000_000
_SAMPLED = np.arange(1, 64)  # bit 0 (most significant) is the DC term's: always set


def window_pairs(
    base: U64,
    windows: U64,
    threshold: int,
    seed: int = 0x5EED,
    budget: int = 0,
    crowd: int = 0,
    nearest: int = 0,
) -> Generator[tuple[int, int], None, Pairs]:
    """Every (i, j), i != j, where window t of picture i (`windows`, shape (N, W)) is within
    `threshold` of picture j's hash (`base`), as `Pairs` with t = window + 1 and each
    unordered pair once (its closest window). Yields (steps done, steps in all).

    `crowd` (0: no limit), for hashes that cluster (thumbnail sketches): on the LSH path, a
    bucket whose pictures x windows exceed crowd^2 is not read in that table (its pairs
    would be read by the million; a pair in it can still meet in another table). `nearest` (0: all),
    on the LSH path: only each picture's `nearest` closest windows are kept as the tables
    go (clustered hashes have millions of pairs within the threshold)."""
    base = np.ascontiguousarray(base, dtype=np.uint64)
    n = len(base)
    empty = np.zeros(0, dtype=np.int64)
    if n < 2 or windows.size == 0:
        return Pairs(empty, empty, empty, empty)
    per = windows.shape[1]
    flat = np.ascontiguousarray(windows, dtype=np.uint64).reshape(-1)
    if len(flat) * n <= BRUTE_FORCE_LIMIT:
        v, j = yield from _brute_force(flat, base, threshold)
    else:
        v, j = yield from _probed_lsh(flat, per, base, threshold, seed, budget, crowd, nearest)
    i = v // per
    keep = i != j
    v, i, j = v[keep], i[keep], j[keep]
    d = popcount64(flat[v] ^ base[j])
    return _best_per_pair(i, j, v % per + 1, d, n)


def window_plan(n: int, m: int, threshold: int, budget: int = 0) -> tuple[int, int]:
    """(k key bits, tables) for `n` pictures and `m` windows: the k that finds a pair at
    `threshold` for the least work, and the tables that miss it with probability MISS_RATE
    or as many as `budget` (0: WINDOW_WORK_BUDGET) affords."""
    bits = len(_SAMPLED)
    best: tuple[float, int, int, float] | None = None
    for k in range(8, bits - threshold + 1):
        p = _hit_probability(k, threshold, bits)
        if p <= 0:
            break
        cost = n + m + WINDOW_PAIR_COST * n * m / 2.0**k
        per_miss = cost / -math.log1p(-p) if p < 1 else cost
        if best is None or per_miss < best[0]:
            needed = 1 if p >= 1 else math.ceil(math.log(MISS_RATE) / math.log1p(-p))
            best = (per_miss, k, needed, cost)
    if best is None:
        return bits, 1
    _, k, needed, cost = best
    return k, max(1, min(needed, int((budget or WINDOW_WORK_BUDGET) // cost)))


def _probed_lsh(
    windows: U64,
    per: int,
    base: U64,
    threshold: int,
    seed: int,
    budget: int,
    crowd: int = 0,
    nearest: int = 0,
) -> Generator[tuple[int, int], None, tuple[I64, I64]]:
    """(window, picture) index pairs within `threshold`; window v belongs to picture
    v // per, and never pairs it. As `cleaner.detect.index._lsh_variants`, with
    `window_plan`'s key length and bits."""
    n, m = len(base), len(windows)
    count = n + m
    k, tables = window_plan(n, m, threshold, budget)
    rng = np.random.default_rng(seed)
    # pictures first: within a run of equal keys, its pictures lead
    index = _Tables(np.concatenate([base, windows]), k)
    small = np.int32 if count < 2**31 else np.int64  # halves the per-table arrays
    pairs = _PairKeys()  # keys v * n + b
    # each table's bits drawn up front, in order, so the tables are the same whichever
    # thread builds them (numpy lets go of the GIL in the sorts and gathers: the index's
    # first search gains ~0.7x on 2 cores the same way)
    samples = [rng.choice(_SAMPLED, size=k, replace=False) for _ in range(tables)]
    masks = lsh_kernel.key_masks(samples)
    lsh_kernel.available()  # numba loaded here, once, not by the first tables' threads at once

    compiled = lsh_kernel.available()

    def one_table(table: int) -> I64:
        # pairs earlier tables met are not read again, but with `nearest` (pairs pruned as
        # the tables go: one pruned early can be kept when met again later) every table
        # reads all of its own
        seen = masks[max(0, table - SEEN_TABLES) : table] if not nearest else None
        if compiled or crowd or seen is None:
            v, b = _cross_run_pairs(index, samples[table], n, per, threshold, small, crowd, seen)
        else:  # the light-crop windows without numba: see `_cross_table`
            hashes, bits = index.entries, index.index_bits
            v, b = _cross_table(hashes, int(masks[table]), bits, n, per, threshold, seen)
        found: I64 = v * n + b
        return found

    for table, found in enumerate(_in_threads(one_table, tables)):
        yield table, tables
        pairs.add(found, last=table == tables - 1)
        if nearest and len(pairs.found) > 4 * nearest * n:
            pairs.found = _closest(pairs.found, windows, base, nearest)
    if nearest:
        pairs.found = _closest(pairs.found, windows, base, nearest)
    return pairs.found // n, pairs.found % n


def _closest(found: I64, windows: U64, base: U64, nearest: int) -> I64:
    """The pair keys (v * n + b, sorted) of each picture b's `nearest` closest windows."""
    n = len(base)
    v, b = found // n, found % n
    d = popcount64(windows[v] ^ base[b])
    order = np.argsort(b * 65 + d)  # by picture, then distance (0-64): one plain sort
    b = b[order]
    start = np.ones(len(b), dtype=bool)
    start[1:] = b[1:] != b[:-1]
    first = np.flatnonzero(start)
    rank = np.arange(len(b)) - np.repeat(first, np.diff(np.append(first, len(b))))
    return np.sort(found[order][rank < nearest])


def _cross_table(
    hashes: U64, mask: int, index_bits: int, n: int, per: int, limit: int, seen: U64
) -> tuple[I64, I64]:
    """One table of the variant-to-base search in numpy, as the compiled kernel's
    `cross_pairs` without a crowd limit: every (v, b), variant entry n + v and base entry
    b whose hashes agree on the bits of `mask`, within `limit`, v's own picture (v // per)
    excepted, and not agreeing on every bit of one of the `seen` masks (an earlier table
    reports those). The index's numpy table (`index._cross_run_pairs`) finds the same
    pairs of each table and those `seen` too; here, as in the canonical search's numpy
    table (`cleaner.detect.lsh_numpy`), the key is the top bits of `(hash & mask) *
    MULTIPLIER` (a chance collision of two keys is dropped where the distance is taken)
    and the pairs d apart in a run are read where those d - 1 apart were, on a flag
    array, instead of four table lookups a key and counting every run's entries; only
    the entries that share a key have their hashes read (not all, in key order)."""
    low = np.uint64((1 << index_bits) - 1)
    key = hashes & np.uint64(mask)
    key *= MULTIPLIER  # wraps modulo 2^64, as it should
    # Only entries whose key's top bits (a bucket: about two per entry) hold a base entry
    # and a variant can be in a pair: the others (~3/4 at a million pictures) are left
    # out before the sort. Equal keys share a bucket, so no pair is lost.
    bucket = (key >> np.uint64(63 - index_bits)).astype(np.intp)
    has_base = np.zeros(2 << index_bits, dtype=bool)
    has_base[bucket[:n]] = True
    has_variant = np.zeros(2 << index_bits, dtype=bool)
    has_variant[bucket[n:]] = True
    has_base &= has_variant
    kept = np.flatnonzero(has_base[bucket])
    del bucket, has_base, has_variant
    packed = key[kept]
    del key
    packed &= ~low
    packed |= kept.astype(np.uint64)
    packed.sort()
    count = len(packed)
    order = (packed & low).view(np.int64)
    # shares[p]: entries p and p + 1 (in key order) have one key; False past the end
    shares = np.zeros(count + 1, dtype=bool)
    np.less(packed[1:] ^ packed[:-1], np.uint64(1) << np.uint64(index_bits), out=shares[:-2])
    del packed
    variant = order >= n
    # base entries lead their runs (the sort is by key, then entry): a pair across the
    # two is a base at p and a variant further on in its run
    at = np.flatnonzero(shares[:-1] & ~variant)
    masks = [np.uint64(m) for m in seen.tolist()]
    found_v: list[I64] = []
    found_b: list[I64] = []
    offset = 1
    while len(at):
        other = at + offset
        across = variant[other]
        # the hashes of the few entries that share a key only: not all in key order
        b, v = order[at[across]], order[other[across]]
        xor = hashes[b] ^ hashes[v]
        near = bit_counts(xor) <= limit
        b, v, xor = b[near], v[near], xor[near]
        keep = (xor & np.uint64(mask)) == 0  # a chance collision of two keys is no pair
        for earlier in masks:
            keep &= (xor & earlier) != 0
        v, b = v[keep] - n, b[keep]
        own = v // per == b
        found_v.append(v[~own])
        found_b.append(b[~own])
        at = at[shares[other]]
        offset += 1
    empty = np.zeros(0, dtype=np.int64)
    return np.concatenate([empty, *found_v]), np.concatenate([empty, *found_b])
