"""One LSH table in three passes: compiled key, numpy's sort, compiled run scan.

`cleaner.detect.index` keys every entry of a table by k sampled bits, sorts, and reads
the pairs of equal keys within a distance off the sorted runs in ~6 numpy passes over
the entries (key lookups, sort, split, gather, run scan: 73-83 ms a table at 1.3M
entries). Here the key is one compiled loop (eight byte lookups an entry), the sort is
numpy's (vectorised: ~4 ms for 1.3M keys, faster than any counting or radix sort
measured in numba, whose bucket arrays miss the cache), and the run scan is one compiled
loop with a popcount (benchmarks/README.md, "Candidate search kernel, session 9").

The compiled loops are in `cleaner.detect._lsh_jit` (numba), loaded on first use and
cached on disk under the user cache folder (`cleaner.paths.cache_dir() / "numba"`):
a fresh user's first big search compiles them once (about a second or two); later
sessions load them in a fraction of that. Without numba (or where it cannot compile
or cache), `available()` is False and the index keeps its numpy path, which finds the
same pairs.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

from cleaner.paths import cache_dir

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

# Set to "0" to keep the numpy path (benchmarks compare the two in one process).
ENV_SWITCH = "PHOTOSIFT_LSH_KERNEL"


@functools.cache
def _compiled() -> ModuleType | None:
    """The numba module, its cache folder set; None where numba is missing or unusable."""
    if os.environ.get(ENV_SWITCH, "1") == "0":
        return None
    try:
        import numba

        if not os.environ.get("NUMBA_CACHE_DIR"):  # the user's own setting wins
            config: Any = numba.config  # its settings are set at run time: untyped
            config.CACHE_DIR = str(cache_dir() / "numba")
        from cleaner.detect import _lsh_jit
    except Exception:  # no numba, no writable cache, an unsupported platform: numpy
        return None
    return _lsh_jit


def available() -> bool:
    """Whether the compiled kernel can be used (numba imports and its cache is set)."""
    return _compiled() is not None


def key_masks(positions: list[I64]) -> U64:
    """Each table's sampled bits as a mask of the hash (position 0: the top bit). Two
    hashes share that table's key exactly when their XOR has none of its bits."""
    masks = np.zeros(len(positions), dtype=np.uint64)
    for table, sampled in enumerate(positions):
        for position in sampled.tolist():
            masks[table] |= np.uint64(1 << (63 - int(position)))
    return masks


def byte_keys(positions: I64) -> U64:
    """(8, 256): for byte b of a hash (0: the top one) and its value, the sampled bits it
    holds, packed in key order (sorted positions, as `cleaner.detect.index._sample_key`)."""
    out = np.zeros((8, 256), dtype=np.uint64)
    value = np.arange(256, dtype=np.uint64)
    for slot, position in enumerate(np.sort(positions).tolist()):
        byte, place = divmod(int(position), 8)
        out[byte] |= ((value >> np.uint64(7 - place)) & np.uint64(1)) << np.uint64(slot)
    return out


def table_pairs(
    hashes: U64, positions: I64, index_bits: int, limit: int, seen: U64
) -> tuple[I64, I64]:
    """Every pair of entries (a, b), a < b, whose hashes agree on the bits at `positions`
    and are within `limit`, except those whose hashes also agree on every bit of one of
    the `seen` masks (tables that report them themselves). `index_bits`: bits for an
    entry's index (len(hashes) - 1 fits). Needs `available()`."""
    jit, packed = _sorted_keys(hashes, positions, index_bits)
    return _with_room(
        len(hashes),
        lambda out_a, out_b: jit.run_pairs(packed, hashes, index_bits, limit, seen, out_a, out_b),
    )


def cross_pairs(
    hashes: U64,
    positions: I64,
    index_bits: int,
    bases: int,
    per: int,
    limit: int,
    crowd: int,
    seen: U64,
) -> tuple[I64, I64]:
    """The variant-to-base pairs of one table (`cleaner.detect.index._cross_run_pairs`):
    `hashes` are `bases` base hashes, then variants (entry bases + v is variant v of
    picture v // per). Every (v, b) whose two hashes agree on the bits at `positions`
    and are within `limit`, v's own picture excepted, and not in a table of `seen`; a
    run of base entries x variants over `crowd` (0: no limit) is not read. Needs
    `available()`."""
    jit, packed = _sorted_keys(hashes, positions, index_bits)
    return _with_room(
        len(hashes),
        lambda out_v, out_b: jit.cross_pairs(
            packed, hashes, index_bits, bases, per, limit, crowd, seen, out_v, out_b
        ),
    )


def _sorted_keys(hashes: U64, positions: I64, index_bits: int) -> tuple[Any, U64]:
    """The compiled loops and every entry's (key << index_bits) | entry, sorted."""
    jit = _compiled()
    if jit is None:
        raise RuntimeError("the compiled LSH kernel is not available")
    if len(positions) + index_bits > 64:
        raise ValueError("too many hashes for one key")
    packed: U64 = jit.packed_keys(hashes, byte_keys(positions), index_bits)
    packed.sort()
    return jit, packed


def _with_room(entries: int, write: Callable[[I64, I64], Any]) -> tuple[I64, I64]:
    """The pairs a compiled loop writes into two arrays it is given: it says how many
    there are, and is called again with arrays that big when they did not fit."""
    room = max(1024, entries // 16)
    while True:
        out_a = np.empty(room, dtype=np.int64)
        out_b = np.empty(room, dtype=np.int64)
        found = int(write(out_a, out_b))
        if found <= room:
            return out_a[:found], out_b[:found]
        room = found
