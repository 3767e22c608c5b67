"""The compiled loops of `cleaner.detect.lsh_kernel` (numba; typed there, not here).

Kept apart and small: numba compiles these on first use and caches the machine code
next to a stamp of this file, so a frozen bundle must ship this module as source
(packaging/photosift.spec), and nothing else in the engine pays numba's import.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import intrinsic


@intrinsic
def _popcount(typingctx, x):
    """llvm.ctpop on a uint64: one instruction where the CPU has one."""
    signature = types.uint64(types.uint64)

    def codegen(context, builder, sig, args):
        return builder.ctpop(args[0])

    return signature, codegen


@njit(cache=True, nogil=True, inline="always")
def _seen_elsewhere(x, seen):
    """Whether two hashes `x` apart (their XOR) share the key of a table in `seen` (a
    mask of its sampled bits each): that table reports the pair itself."""
    for m in range(seen.shape[0]):  # noqa: SIM110 (numba compiles a loop, not any())
        if x & seen[m] == 0:
            return True
    return False


@njit(cache=True, nogil=True)
def packed_keys(hashes, byte_keys, index_bits):
    """(key << index_bits) | entry for every entry, in entry order. The key is the OR of
    eight lookups, one per byte of the hash, in `byte_keys` (8 x 256: 16 KiB, stays in
    L1), each giving that byte's sampled bits already in their place in the key."""
    n = hashes.shape[0]
    out = np.empty(n, dtype=np.uint64)
    shift = np.uint64(index_bits)
    for e in range(n):
        h = hashes[e]
        key = (
            byte_keys[0, h >> np.uint64(56)]
            | byte_keys[1, (h >> np.uint64(48)) & np.uint64(255)]
            | byte_keys[2, (h >> np.uint64(40)) & np.uint64(255)]
            | byte_keys[3, (h >> np.uint64(32)) & np.uint64(255)]
            | byte_keys[4, (h >> np.uint64(24)) & np.uint64(255)]
            | byte_keys[5, (h >> np.uint64(16)) & np.uint64(255)]
            | byte_keys[6, (h >> np.uint64(8)) & np.uint64(255)]
            | byte_keys[7, h & np.uint64(255)]
        )
        out[e] = (key << shift) | np.uint64(e)
    return out


@njit(cache=True, nogil=True)
def run_pairs(packed, hashes, index_bits, limit, seen, out_a, out_b):
    """Every pair (a, b), a < b, of entries with equal keys in `packed` (sorted) whose
    hashes are within `limit`, unless their hashes also agree on every bit of a mask in
    `seen` (another table, which finds them itself). Written to out_a / out_b while they
    have room; returns how many there are (more than the room: call again, bigger).

    One pass: an entry whose neighbour has another key (most of them) costs one
    comparison. The output arrays are the caller's because numba slows a loop down badly
    when an array it writes is replaced inside it (a growing buffer: 10x, measured).

    The hashes are first gathered in key order by a loop without branches, whose reads
    of random places overlap, and the scan then reads them in order: the scan's own
    reads, behind its branches, waited for memory one at a time (1.07M entries: run scan
    33 -> 16 ms a table; 10.7M, whose hashes are far bigger than the cache: 325 -> 277;
    benchmarks/README.md, "Group stage at 10M, session 11")."""
    n = packed.shape[0]
    shift = np.uint64(index_bits)
    mask = np.uint64((1 << index_bits) - 1)
    ordered = np.empty(n, dtype=np.uint64)
    for e in range(n):
        ordered[e] = hashes[packed[e] & mask]
    room = out_a.shape[0]
    found = 0
    for i in range(n - 1):
        key = packed[i] >> shift
        if (packed[i + 1] >> shift) != key:
            continue
        a = packed[i] & mask
        first = ordered[i]
        j = i + 1
        while j < n and (packed[j] >> shift) == key:
            b = packed[j] & mask
            x = first ^ ordered[j]
            j += 1
            if _popcount(x) > limit or _seen_elsewhere(x, seen):
                continue
            if found < room:
                out_a[found] = a
                out_b[found] = b
            found += 1
    return found


@njit(cache=True, nogil=True)
def cross_pairs(packed, hashes, index_bits, n, per, limit, crowd, seen, out_v, out_b):
    """As `run_pairs`, for a variant-to-base search: entries below n are base hashes
    (they lead their runs: the sort is by key, then entry), the others variants (entry
    n + v is variant v of picture v // per). Every (v, b) of one run within `limit`,
    v's own picture excepted, written as (v, b); a run whose base entries x variants
    exceed `crowd` (0: no limit) is not read."""
    count = packed.shape[0]
    shift = np.uint64(index_bits)
    mask = np.uint64((1 << index_bits) - 1)
    room = out_v.shape[0]
    found = 0
    start = 0
    while start < count - 1:
        key = packed[start] >> shift
        if (packed[start + 1] >> shift) != key:
            start += 1
            continue
        stop = start + 2
        while stop < count and (packed[stop] >> shift) == key:
            stop += 1
        bases = 0
        while start + bases < stop and np.int64(packed[start + bases] & mask) < n:
            bases += 1
        if (
            bases > 0
            and bases < stop - start
            and (crowd == 0 or bases * (stop - start - bases) <= crowd)
        ):
            for w in range(start + bases, stop):
                entry = np.int64(packed[w] & mask)
                v = entry - n
                own = v // per
                h = hashes[entry]
                for i in range(start, start + bases):
                    b = np.int64(packed[i] & mask)
                    if b == own:
                        continue
                    x = h ^ hashes[b]
                    if _popcount(x) > limit or _seen_elsewhere(x, seen):
                        continue
                    if found < room:
                        out_v[found] = v
                        out_b[found] = b
                    found += 1
        start = stop
    return found
