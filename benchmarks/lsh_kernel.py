"""The LSH candidate search, table by table and whole: numpy path against the compiled
kernel (`cleaner.detect.lsh_kernel`), same load, same tables, pairs compared as lists.

    python -m benchmarks.lsh_kernel tables [--random 1300000 13000000] [--real FILE]
    python -m benchmarks.lsh_kernel search --real FILE [--pictures N]
    python -m benchmarks.lsh_kernel compile

`tables`: CPU seconds of single tables (threshold 10 + slack 4, as the canonical search
plans them), on random 64-bit hashes and on the canonical entries of real fingerprints
(`grouping_1m`'s saved file; with the search's own `verify`). `search`: the whole
canonical search (`orientation.oriented_pairs`), numpy then kernel, CPU of all threads,
and its pair lists compared. `compile`: the kernel's first call in a fresh process, with
an empty numba cache and then with the one that call wrote.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.detect import index, lsh_kernel, orientation
from cleaner.detect.index import _near_run_pairs, _Tables, lsh_plan, popcount64
from cleaner.progress import drain

THRESHOLD = 10  # "Same picture"
SLACK = orientation.TURN_SLACK
Verify = Callable[[Any, Any], Any]


def _canonical(path: Path, pictures: int) -> tuple[Any, Any, Any, Verify]:
    """(base hashes, orientation hashes (N, 8), canonical entries, the search's verify)."""
    data = np.load(path)
    base = data["hashes"][:pictures]
    turned = np.concatenate([base[:, None], data["variants"][:pictures]], axis=1)
    thumbs = data["thumbs"][:pictures]
    entries, owner, move = orientation.entries([None] * pictures, base, lambda at: thumbs[at])
    compose, inverse = orientation.compose_table(), orientation.inverse_table()

    def true_pairs(a: Any, b: Any) -> Any:  # as `oriented_pairs` has it
        i, j = owner[a], owner[b]
        t = compose[inverse[move[b]], move[a]]
        forward = popcount64(turned[i, t] ^ turned[j, 0])
        backward = popcount64(turned[i, 0] ^ turned[j, inverse[t]])
        return (i != j) & (np.minimum(forward, backward) <= THRESHOLD)

    return base, turned, (thumbs, entries), true_pairs


def _numpy_table(tables: _Tables, entries: Any, positions: Any, verify: Verify | None) -> Any:
    skeys, order = tables.split(tables.sorted(positions))
    found = [np.zeros(0, np.int64)]
    for a, b in _near_run_pairs(skeys, order, entries[order], THRESHOLD + SLACK):
        if verify is not None:
            keep = verify(a, b)
            a, b = a[keep], b[keep]
        found.append(a * len(entries) + b)
    return np.sort(np.concatenate(found))


def _kernel_table(entries: Any, positions: Any, bits: int, seen: Any, verify: Verify | None) -> Any:
    a, b = lsh_kernel.table_pairs(entries, positions, bits, THRESHOLD + SLACK, seen)
    if verify is not None:
        keep = verify(a, b)
        a, b = a[keep], b[keep]
    return np.sort(a * len(entries) + b)


def tables(name: str, entries: Any, verify: Verify | None, count: int) -> None:
    k, planned = lsh_plan(len(entries), THRESHOLD)
    rng = np.random.default_rng(0x5EED)
    positions = [rng.choice(64, size=k, replace=False) for _ in range(planned)]
    masks = lsh_kernel.key_masks(positions)
    built = _Tables(entries, k)
    times: dict[str, list[float]] = {"numpy": [], "kernel": [], "kernel, seen 8": []}
    sizes: dict[str, list[int]] = {key: [] for key in times}
    for table in range(8, 8 + count):  # tables with 8 before them, as most are
        sampled, seen = positions[table], masks[table - 8 : table]
        bits = built.index_bits
        runs: dict[str, Callable[[], Any]] = {
            "numpy": lambda: _numpy_table(built, entries, sampled, verify),  # noqa: B023
            "kernel": lambda: _kernel_table(entries, sampled, bits, masks[:0], verify),  # noqa: B023
            "kernel, seen 8": lambda: _kernel_table(entries, sampled, bits, seen, verify),  # noqa: B023
        }
        got = {}
        for key, run in runs.items():
            start = time.process_time()
            got[key] = run()
            times[key].append(time.process_time() - start)
            sizes[key].append(len(got[key]))
        assert got["numpy"].tolist() == got["kernel"].tolist(), f"table {table} differs"
        assert np.isin(got["kernel, seen 8"], got["kernel"]).all()
    print(f"{name}: {len(entries):,} entries, k {k}, {planned} tables planned; {count} measured")
    for key, spent in times.items():
        ms = 1000 * np.array(spent)
        print(
            f"  {key:15s} min {ms.min():7.1f}  median {np.median(ms):7.1f} ms a table;"
            f" pairs kept {int(np.median(sizes[key])):,} (median); x {planned} tables:"
            f" {planned * np.median(spent):.1f} CPU-s"
        )


def search(path: Path, pictures: int) -> None:
    base, turned, (thumbs, _), _ = _canonical(path, pictures)
    found = {}
    for name, switch in (("numpy", "0"), ("kernel", "1")):
        os.environ[lsh_kernel.ENV_SWITCH] = switch
        lsh_kernel._compiled.cache_clear()
        start, wall = time.process_time(), time.perf_counter()
        pairs = drain(
            orientation.oriented_pairs(
                [None] * pictures, base, turned, THRESHOLD, lambda at: thumbs[at]
            )
        )
        spent, wall = time.process_time() - start, time.perf_counter() - wall
        found[name] = pairs
        print(
            f"  {name:7s} {pictures:,} pictures: {spent:.1f} CPU-s ({wall:.1f} s wall,"
            f" {index._threads()} threads), {len(pairs):,} pairs"
        )
    same = all(
        getattr(found["numpy"], field).tolist() == getattr(found["kernel"], field).tolist()
        for field in ("i", "j", "t", "d")
    )
    print(f"  same pair lists (i, j, t, d in order): {same}")


_FIRST_CALL = """
import time
import numpy as np
from cleaner.detect import lsh_kernel
cpu, wall = time.process_time(), time.perf_counter()
lsh_kernel.available()
loaded = time.process_time() - cpu, time.perf_counter() - wall
hashes = np.arange(1000, dtype=np.uint64)
lsh_kernel.table_pairs(hashes, np.arange(20), 10, 14, np.zeros(0, np.uint64))
lsh_kernel.cross_pairs(hashes, np.arange(20), 10, 500, 1, 10, 0, np.zeros(0, np.uint64))
print(f"numba imported {loaded[0]:.2f} CPU-s ({loaded[1]:.2f} wall), first tables"
      f" {time.process_time() - cpu - loaded[0]:.2f} CPU-s"
      f" ({time.perf_counter() - wall - loaded[1]:.2f} wall)")
"""


def compile_time() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH")]))
        env = dict(os.environ, NUMBA_CACHE_DIR=folder, PYTHONPATH=path)
        for label in ("cold (empty cache)", "cached", "cached again"):
            out = subprocess.run(
                [sys.executable, "-c", _FIRST_CALL], env=env, capture_output=True, text=True
            )
            said = out.stdout.strip() or out.stderr.strip().splitlines()[-1]
            print(f"  fresh process, {label}: {said}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["tables", "search", "compile"])
    parser.add_argument("--random", type=int, nargs="*", default=[])
    parser.add_argument("--real", type=Path)
    parser.add_argument("--pictures", type=int, default=1_000_000)
    parser.add_argument("--count", type=int, default=12, help="tables measured")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()}")
    if args.what == "compile":
        compile_time()
        return
    if not lsh_kernel.available():
        sys.exit("the compiled kernel is not available (numba missing?)")
    if args.what == "tables":
        for count in args.random:
            rng = np.random.default_rng(count)
            entries = rng.integers(0, 2**64, size=count, dtype=np.uint64)
            tables(f"random {count:,}", entries, None, args.count)
        if args.real:
            _, _, (_, entries), verify = _canonical(args.real, args.pictures)
            tables(f"canonical entries of {args.pictures:,} pictures", entries, verify, args.count)
    else:
        search(args.real, args.pictures)
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
