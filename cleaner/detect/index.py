"""Find pairs of 64-bit hashes within a Hamming distance, without comparing every pair.

Two strategies, picked by size:

* Small libraries (query count x base count up to `BRUTE_FORCE_LIMIT`): exact,
  blocked XOR + popcount in numpy. Finds every pair.
* Large libraries: locality-sensitive hashing by bit sampling. Each of L tables
  keys every hash by k randomly chosen bits; two hashes at distance d share a
  key with probability C(64-d, k) / C(64, k). k is chosen so that a table's
  buckets hold about one random hash, and L so that a pair at exactly the
  threshold is missed with probability at most `MISS_RATE` (closer pairs are
  missed far less often). Candidates are then checked by their true distance,
  so LSH never adds a false pair; it can only (rarely) miss one.

Tables are joined with sorted keys and `searchsorted`, so the cost is
O(L * (N log N + candidates)) instead of O(N^2).
"""

from __future__ import annotations

import math
import os
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from cleaner.detect import lsh_kernel, lsh_numpy
from cleaner.detect.bits import bit_counts
from cleaner.progress import drain

BRUTE_FORCE_LIMIT = 400_000_000  # query x base comparisons done exactly
MISS_RATE = 0.001  # chance to miss a pair at exactly the threshold distance
# Loose thresholds on huge libraries would need thousands of tables; past this many,
# pairs at the very edge of the threshold may be missed (closer pairs still are not).
MAX_TABLES = 1500
_BLOCK = 1 << 22  # comparisons per brute-force block (bounded memory)
# The variant-only search (crop windows) on a huge library is held to about this many
# entry lookups (tables x entries): ~20 s for a million pictures on a 2-core laptop.
# Up to ~250,000 pictures it never binds; beyond, pairs at the very threshold may be
# missed (at 1M pictures and threshold 10: ~23 % at distance 10, ~2 % at 8, none closer).
VARIANT_WORK_BUDGET = 300_000_000

# LSH tables are independent: up to this many run at once, on threads (numpy's key
# lookups, sorts and comparisons release the GIL; on 2 cores the LSH of 250,000 pictures
# took 0.51x the time, with no copy of anything; each running table holds ~6 arrays of
# its entries' size).
INDEX_THREADS = 4
# With the compiled table kernel (`cleaner.detect.lsh_kernel`), a pair is skipped in a
# table when it also shares a key in one of this many tables before it (which report it):
# true pairs share keys in many tables, and each time they went through `verify` again.
SEEN_TABLES = 8

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
# (entry a, entry b) -> which of these pairs to keep (see `search_pairs`' `verify`)
Verify = Callable[[I64, I64], npt.NDArray[np.bool_]]
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Pairs:
    """Candidate pairs: query owner `i`, base index `j`, query variant `t`, distance `d`."""

    i: I64
    j: I64
    t: I64
    d: I64

    def __len__(self) -> int:
        return len(self.i)


def popcount64(x: U64) -> I64:
    """Set bits of each value, as int64 (for arithmetic on distances)."""
    return bit_counts(x).astype(np.int64)


def find_pairs(
    base: U64,
    threshold: int,
    variants: U64 | None = None,
    seed: int = 0x5EED,
    *,
    base_pairs: bool = True,
    slack: int = 0,
    verify: Verify | None = None,
) -> Pairs:
    """`search_pairs` run to the end, without progress."""
    return drain(
        search_pairs(
            base, threshold, variants, seed, base_pairs=base_pairs, slack=slack, verify=verify
        )
    )


def search_pairs(
    base: U64,
    threshold: int,
    variants: U64 | None = None,
    seed: int = 0x5EED,
    *,
    base_pairs: bool = True,
    budget: int = 0,
    slack: int = 0,
    verify: Verify | None = None,
) -> Generator[tuple[int, int], None, Pairs]:
    """Yield (steps done, steps in all) as it goes, and return the `Pairs`.

    Every pair (i < j) of `base` within `threshold`, plus, when `variants` is given
    (shape (N, V): extra hashes of item i, such as its rotations), every pair where
    variant t of item i is within `threshold` of base hash j (i != j). With
    `base_pairs=False`, only the variant pairs (another pass already found the rest).

    Each unordered pair {i, j} appears once, with the variant that gave the
    smallest distance (0 stands for the base hash itself).

    With `slack`, pairs up to `threshold + slack` apart are returned too where the search
    meets them: all of them when small (brute force); with LSH, those that share a key in
    one of the tables planned for `threshold` (the further, the fewer; keep it small: every
    random pair that shares a key and is that close is kept, at 1M hashes ~0.3 % of them
    with slack 2, ~2 % with 4, unless `verify` drops it). Without variants only (see
    `cleaner.detect.orientation`).

    `verify`, if given, is asked about every pair of entries (a, b) found within
    `threshold + slack` (in either order) and only those it keeps are returned: a caller
    with an exact test of its own keeps the random near pairs that slack lets in out of
    memory while the search runs. Without variants only.
    """
    base = np.ascontiguousarray(base, dtype=np.uint64)
    n = len(base)
    empty = np.zeros(0, dtype=np.int64)
    if n < 2:
        return Pairs(empty, empty, empty, empty)
    if not base_pairs:
        if variants is None or variants.size == 0:
            return Pairs(empty, empty, empty, empty)
        return (yield from _variant_pairs(base, variants, threshold, seed, budget))
    queries, owners, kinds = _queries(base, variants)
    if len(queries) * n <= BRUTE_FORCE_LIMIT:
        qi, bj = yield from _brute_force(queries, base, threshold + slack)
        if verify is not None:
            ok = verify(qi, bj)
            qi, bj = qi[ok], bj[ok]
    else:
        qi, bj = yield from _lsh(queries, base, threshold, seed, slack, verify)
    i = owners[qi]
    t = kinds[qi]
    keep = (i != bj) & ((t > 0) | (i < bj))
    i, j, t = i[keep], bj[keep], t[keep]
    d = popcount64(queries[qi[keep]] ^ base[j])
    return _best_per_pair(i, j, t, d, n)


def _variant_pairs(
    base: U64, variants: U64, threshold: int, seed: int, budget: int = 0
) -> Generator[tuple[int, int], None, Pairs]:
    """`search_pairs` without base pairs. No (base + variants) copies are made: on a
    big library this search runs at the memory peak of a scan. `budget`: entry lookups
    allowed (0: VARIANT_WORK_BUDGET)."""
    n = len(base)
    per = variants.shape[1]
    flat = np.ascontiguousarray(variants, dtype=np.uint64).reshape(-1)
    if len(flat) * n <= BRUTE_FORCE_LIMIT:
        v, j = yield from _brute_force(flat, base, threshold)
    else:
        v, j = yield from _lsh_variants(flat, per, base, threshold, seed, budget)
    i = v // per
    keep = i != j
    v, i, j = v[keep], i[keep], j[keep]
    d = popcount64(flat[v] ^ base[j])
    return _best_per_pair(i, j, v % per + 1, d, n)


def _queries(base: U64, variants: U64 | None) -> tuple[U64, I64, I64]:
    n = len(base)
    owners = np.arange(n, dtype=np.int64)
    kinds = np.zeros(n, dtype=np.int64)
    if variants is None or variants.size == 0:
        return base, owners, kinds
    v = np.ascontiguousarray(variants, dtype=np.uint64)
    count = v.shape[1]
    queries = np.concatenate([base, v.reshape(-1)])
    owners = np.concatenate([owners, np.repeat(np.arange(n, dtype=np.int64), count)])
    kinds = np.concatenate([kinds, np.tile(np.arange(1, count + 1, dtype=np.int64), n)])
    return queries, owners, kinds


def _brute_force(
    queries: U64, base: U64, threshold: int
) -> Generator[tuple[int, int], None, tuple[I64, I64]]:
    rows = max(1, _BLOCK // len(base))
    found_q: list[I64] = []
    found_b: list[I64] = []
    steps = -(-len(queries) // rows)
    for step, start in enumerate(range(0, len(queries), rows)):
        block = queries[start : start + rows]
        xor = (block[:, None] ^ base[None, :]).reshape(-1)
        dist = popcount64(xor).reshape(len(block), len(base))
        q, b = np.nonzero(dist <= threshold)
        found_q.append(q.astype(np.int64) + start)
        found_b.append(b.astype(np.int64))
        yield step + 1, steps
    return np.concatenate(found_q), np.concatenate(found_b)


def lsh_plan(n: int, threshold: int, bits: int = 64) -> tuple[int, int]:
    """(k bits per key, L tables) for `n` hashes and a Hamming `threshold`.

    A table costs about n (keys and sort) plus the random pairs that share a
    key, n^2 / 2^(k+1); L tables are needed so that a pair at the threshold is
    found with probability 1 - MISS_RATE. k is chosen to make L * cost smallest.
    """
    best: tuple[float, int, int] | None = None
    for k in range(8, min(bits - threshold, 40) + 1):
        if _hit_probability(k, threshold, bits) <= 0:
            break
        tables = _tables_for(k, threshold, bits, cap=False)
        cost = tables * (n + n * n / 2.0 ** (k + 1) * _PAIR_COST)
        if best is None or cost < best[0]:
            best = (cost, k, max(1, tables))
    if best is None:
        return bits, 1
    return best[1], min(best[2], MAX_TABLES)


def _hit_probability(k: int, threshold: int, bits: int = 64) -> float:
    """Chance that two hashes `threshold` bits apart agree on k sampled bits."""
    p = 1.0
    for step in range(k):
        p *= (bits - threshold - step) / (bits - step)
    return p


def _tables_for(k: int, threshold: int, bits: int = 64, cap: bool = True) -> int:
    """Tables that find a pair at exactly `threshold` with probability 1 - MISS_RATE
    (at most MAX_TABLES with `cap`)."""
    p = _hit_probability(k, threshold, bits)
    if p <= 0:
        return MAX_TABLES
    tables = math.ceil(math.log(MISS_RATE) / math.log1p(-p)) if p < 1 else 1
    return min(tables, MAX_TABLES) if cap else max(1, tables)


_PAIR_COST = 1.5  # measured: a random pair costs about 1.5 times one entry's key and sort


class _Tables:
    """The entries of an LSH index: each `sorted(k_positions)` keys every entry by the
    bits at those positions, then sorts (key, entry) packed in one uint64."""

    def __init__(self, entries: U64, k: int) -> None:
        count = len(entries)
        self.entries = entries  # the compiled kernel reads them; the numpy path, columns
        self.k = k
        self.index_bits = max(1, int(count - 1).bit_length())
        if k + self.index_bits > 64:
            raise ValueError("too many hashes for one index")
        self._columns: npt.NDArray[np.uint16] | None = None
        self._ids: U64 | None = None
        self._lock = threading.Lock()

    @property
    def word_columns(self) -> npt.NDArray[np.uint16]:
        """16-bit word w of every hash (most significant first), as lookup indices. Kept
        as uint16, not intp: numpy indexes with them without a copy, and at 1M pictures
        the four columns take 11 MiB instead of 43 while the first search's peak is
        reached. Made on first use (the compiled kernel never needs them)."""
        with self._lock:
            if self._columns is None:
                self._columns = np.ascontiguousarray(
                    self.entries.astype(">u8").view(">u2").reshape(-1, 4).T.astype(np.uint16)
                )
            return self._columns

    @property
    def ids(self) -> U64:
        with self._lock:
            if self._ids is None:
                self._ids = np.arange(len(self.entries), dtype=np.uint64)
            return self._ids

    def sorted(self, positions: npt.NDArray[np.int64]) -> U64:
        """(key << index_bits) | entry for every entry, sorted."""
        keys = _sample_key(self.word_columns, positions, self.index_bits)
        keys |= self.ids
        keys.sort()
        return keys

    def split(self, packed: U64, dtype: type = np.int64) -> tuple[U64, npt.NDArray[Any]]:
        """(keys, entries as `dtype`) of a sorted packed array."""
        mask = np.uint64((1 << self.index_bits) - 1)
        return packed >> np.uint64(self.index_bits), (packed & mask).astype(dtype)


class _PairKeys:
    """Pair keys found table by table, merged now and then: a true pair turns up in most
    tables, so memory holds each pair about once instead of once per table. Merged by
    sorting: numpy 2's `union1d` goes through a hash table, which took 59 of 85 s of the
    heavy-crop index at 100,000 pictures (benchmarks/README.md, "crops at scale")."""

    def __init__(self) -> None:
        self.found = np.zeros(0, dtype=np.int64)  # sorted and unique
        self.pending: list[I64] = []
        self.size = 0

    def add(self, keys: I64, last: bool) -> None:
        self.pending.append(keys)
        self.size += len(keys)
        if self.size > max(1 << 20, len(self.found)) or last:
            merged = np.concatenate([self.found, *self.pending])
            merged.sort()
            keep = np.ones(len(merged), dtype=bool)
            keep[1:] = merged[1:] != merged[:-1]
            self.found, self.pending, self.size = merged[keep], [], 0


def _lsh(
    queries: U64,
    base: U64,
    threshold: int,
    seed: int,
    slack: int = 0,
    verify: Verify | None = None,
) -> Generator[tuple[int, int], None, tuple[I64, I64]]:
    """Bit-sampling LSH. Each table keys every entry by k randomly chosen bits; entries
    are sorted by (key, entry) packed in one uint64, and pairs are read off runs of
    equal keys. Entries are the queries; the first len(base) of them are the base
    hashes themselves (see `_queries`). Tables run on `INDEX_THREADS` threads; the
    pairs found do not depend on the order they finish in."""
    n = len(base)
    entries = queries
    count = len(entries)
    has_variants = count > n
    k, tables = lsh_plan(n, threshold)
    rng = np.random.default_rng(seed)
    # drawn in table order, as one thread would: the same tables whatever the threads
    positions = [rng.choice(64, size=k, replace=False) for _ in range(tables)]
    index = _Tables(entries, k)
    compiled = lsh_kernel.available()
    masks = lsh_kernel.key_masks(positions)

    def one_table(table: int) -> I64:
        runs: Iterable[tuple[I64, I64]]
        # a pair that also shares a key in one of the few tables before this one is
        # reported there: not reading it again here keeps verify's work down, and the
        # pairs found the same (each table's masks are fixed, whatever the threads)
        seen = masks[max(0, table - SEEN_TABLES) : table]
        limit = threshold + slack
        if compiled:
            runs = [
                lsh_kernel.table_pairs(entries, positions[table], index.index_bits, limit, seen)
            ]
        else:  # the same pairs in numpy (a desktop install has no numba)
            runs = lsh_numpy.table_pairs(entries, int(masks[table]), index.index_bits, limit, seen)
        found: list[I64] = []
        for a, b in runs:
            if has_variants:
                # keep base-base and variant-base pairs; a variant never pairs a variant
                keep = (a < n) | (b < n)
                a, b = a[keep], b[keep]
                q = np.where(a >= n, a, np.where(b >= n, b, a))  # the variant queries
                t = np.where(a >= n, b, np.where(b >= n, a, b))
            else:
                q, t = a, b
            if verify is not None:
                ok = verify(q, t)
                q, t = q[ok], t[ok]
            found.append(q * count + t)
        return np.concatenate([np.zeros(0, dtype=np.int64), *found])

    pairs = _PairKeys()  # keys q * count + t
    yield 0, tables
    for done, keys in enumerate(_in_threads(one_table, tables), start=1):
        pairs.add(keys, last=done == tables)
        yield done, tables
    return pairs.found // count, pairs.found % count


def _threads() -> int:
    """Threads for the tables: the cores this process may use, at most INDEX_THREADS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform (macOS)
        cores = os.cpu_count() or 1
    return max(1, min(INDEX_THREADS, cores))


def _in_threads(work: Callable[[int], _T], count: int) -> Iterator[_T]:
    """work(0), ..., work(count - 1), run on `_threads()` threads, results in that order.
    A few are queued ahead, never all (each holds its table's arrays). Closing the
    iterator (a cancelled scan) drops the queued ones and waits for the running ones."""
    workers = min(_threads(), count)
    if workers <= 1:
        yield from (work(step) for step in range(count))
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lsh") as pool:
        pending: deque[Future[_T]] = deque()
        try:
            for step in range(count):
                pending.append(pool.submit(work, step))
                if len(pending) > workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def _lsh_variants(
    variants: U64, per: int, base: U64, threshold: int, seed: int, budget: int = 0
) -> Generator[tuple[int, int], None, tuple[I64, I64]]:
    """Bit-sampling LSH for variant-to-base pairs only (the crop-window search).

    Same tables as `_lsh`, but a run of equal keys is split into its base entries
    (sorted first) and its variant entries, and only the pairs across the two are
    read: the base-base pairs another pass already found are never enumerated, and a
    variant of picture i meeting picture i itself (variant v belongs to picture
    v // per) is dropped before any distance is taken. Returns (variant, base) indices.
    """
    n, m = len(base), len(variants)
    count = n + m
    # A picture's own window is usually near its own hash, so buckets hold more than
    # random hashes would: one more key bit than the plan keeps them small.
    k = min(lsh_plan(count, threshold)[0] + 1, 64 - threshold)
    tables = _tables_for(k, threshold)
    tables = max(1, min(tables, (budget or VARIANT_WORK_BUDGET) // count))
    rng = np.random.default_rng(seed)
    # base first: within a run of equal keys, its base entries lead
    index = _Tables(np.concatenate([base, variants]), k)
    small = np.int32 if count < 2**31 else np.int64  # halves the per-table arrays
    pairs = _PairKeys()  # keys v * n + b
    for table in range(tables):
        yield table, tables
        sampled = rng.choice(64, size=k, replace=False)
        v, b = _cross_run_pairs(index, sampled, n, per, threshold, small)
        pairs.add(v * n + b, last=table == tables - 1)
    return pairs.found // n, pairs.found % n


def _cross_run_pairs(
    index: _Tables,
    positions: npt.NDArray[np.int64],
    n: int,
    per: int,
    threshold: int,
    small: type,
    crowd: int = 0,
    seen: U64 | None = None,
) -> tuple[I64, I64]:
    """One table of a variant-to-base search: (variant v, base entry b) for every variant
    entry and every base entry in its run of equal keys (entries below n are the base
    ones, and lead their runs) within `threshold`, except v's own picture (v // per).
    `small`: the integer type of the numpy path's per-table arrays. `crowd` (0: no
    limit): a run whose base entries x variant entries exceed crowd^2 is not read.
    `seen` (the compiled kernel only): masks of tables whose pairs need not be read
    again here (`lsh_kernel.key_masks`; only where every pair such a table meets is
    kept, so never with `crowd`).

    The numpy path sorts the table here, not in the caller, so its arrays are let go of
    as soon as they are read: at a million pictures they are the search's memory peak."""
    if lsh_kernel.available():
        masks = np.zeros(0, dtype=np.uint64) if seen is None or crowd else seen
        limit = crowd * crowd
        hashes, bits = index.entries, index.index_bits
        return lsh_kernel.cross_pairs(hashes, positions, bits, n, per, threshold, limit, masks)
    v, b = _run_expansion(index, positions, n, per, small, crowd)
    near = _within(index.entries[n + v] ^ index.entries[b], threshold)
    return v[near], b[near]


def _run_expansion(
    index: _Tables,
    positions: npt.NDArray[np.int64],
    n: int,
    per: int,
    small: type,
    crowd: int = 0,
) -> tuple[I64, I64]:
    """`_cross_run_pairs` in numpy, before the distances: every pair of the runs."""
    keys, order = index.split(index.sorted(positions), small)
    count = len(order)
    new = np.empty(count, dtype=bool)
    new[0] = True
    np.not_equal(keys[1:], keys[:-1], out=new[1:])
    del keys
    starts = np.flatnonzero(new)
    run: npt.NDArray[Any] = np.cumsum(new, dtype=small)
    run -= 1
    del new
    bases_in_run = np.add.reduceat((order < n).astype(small), starts)
    if crowd:  # a crowded bucket (its base entries x its variants): not read here
        variants_in_run: npt.NDArray[Any] = (
            np.diff(np.append(starts, count)).astype(small) - bases_in_run
        )
        crowded = bases_in_run.astype(np.int64) * variants_in_run > crowd * crowd
        bases_in_run[crowded] = 0
    # every variant entry whose run holds base entries: one pair per base entry in the run
    hit = np.flatnonzero((order >= n) & (bases_in_run[run] > 0))
    width = bases_in_run[run[hit]]
    v = np.repeat(order[hit] - n, width).astype(np.int64)
    first = np.repeat(starts[run[hit]], width)
    step = np.arange(len(v)) - np.repeat(np.cumsum(width) - width, width)
    b = order[first + step].astype(np.int64)
    own = v // per != b  # a picture's own window is usually near its own hash
    return v[own], b[own]


def _within(xor: U64, threshold: int) -> npt.NDArray[np.bool_]:
    if hasattr(np, "bitwise_count"):
        near: npt.NDArray[np.bool_] = np.bitwise_count(xor) <= threshold
        return near
    return popcount64(xor) <= threshold


def _sample_key(
    word_columns: npt.NDArray[np.uint16], positions: npt.NDArray[np.int64], shift: int = 0
) -> U64:
    """The bits at `positions` (0 = most significant) of every hash, packed into one key
    (shifted left by `shift`).

    For each 16-bit word that holds sampled bits, a 65,536-entry table maps the word's
    value to those bits, already shifted to their place in the key; the key is the OR
    of at most 4 table lookups, which is cheaper than extracting k bits one by one. Each
    table is the OR of two 256-entry ones (high and low byte): building it costs 65,536
    ORs, not one pass over the 65,536 values per sampled bit.
    """
    byte = np.arange(256, dtype=np.uint64)
    halves: dict[int, list[U64]] = {}
    for slot, position in enumerate(np.sort(positions)):
        word, bit = divmod(int(position), 16)
        half, place = divmod(bit, 8)  # half 0: the word's high byte
        parts = halves.setdefault(word, [np.zeros(256, np.uint64), np.zeros(256, np.uint64)])
        parts[half] |= ((byte >> np.uint64(7 - place)) & np.uint64(1)) << np.uint64(slot + shift)
    key: U64 | None = None
    for word, (high, low) in halves.items():
        looked_up = (high[:, None] | low[None, :]).reshape(-1)[word_columns[word]]
        if key is None:
            key = looked_up
        else:
            key |= looked_up
    if key is None:
        return np.zeros(word_columns.shape[1], dtype=np.uint64)
    return key


def _near_run_pairs(
    skeys: U64, order: I64, ordered: U64, limit: int
) -> Generator[tuple[I64, I64], None, None]:
    """All pairs of entries that share a key (`skeys` sorted) and whose hashes are within
    `limit`, as (a, b) index arrays. `ordered` holds the hashes in key order: distances
    are taken on it, read in order, and entry indices gathered for the near pairs only.

    Pass d yields the pairs d places apart. Keys are sorted, so i and i+d can only match
    where i and i+d-1 did: each pass looks only at the positions the previous one kept,
    and the total work is the number of pairs plus one full comparison.
    """
    n = len(skeys)
    if n < 2:
        return
    at = np.flatnonzero(skeys[1:] == skeys[:-1])
    offset = 1
    while len(at):
        near = at[_within(ordered[at] ^ ordered[at + offset], limit)]
        yield order[near], order[near + offset]
        offset += 1
        at = at[at + offset < n]
        at = at[skeys[at] == skeys[at + offset]]


def _best_per_pair(i: I64, j: I64, t: I64, d: I64, n: int) -> Pairs:
    lo = np.minimum(i, j)
    hi = np.maximum(i, j)
    key = lo * n + hi
    # sort by pair, then by distance, and keep the first of each pair
    order = np.lexsort((d, key))
    key, lo, hi, t, d, i = key[order], lo[order], hi[order], t[order], d[order], i[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    # t is the variant of the query owner i; report pairs as (owner, other)
    owner = i[first]
    other = np.where(owner == lo[first], hi[first], lo[first])
    return Pairs(owner, other, t[first], d[first])
