"""How long the thread pool's workers wait for the GIL: A/B in one sitting.

    python -m benchmarks.gil_waits ROOT [A|B ...] [--pictures 300]

A thread pool of 2 runs `analyse_file` over the first JPEGs of ROOT with Pillow's 64 KiB
read steps (A) or `cleaner.detect.decode.READ_BLOCK` (B), in the order given. For each
run, per worker thread from the kernel (`/proc/self/task/TID/schedstat`, read by the
main thread before and after, so nothing is added inside the tasks): seconds on a CPU,
runnable without a CPU (the machine's load), and blocked: the rest of 2 x the wall, i.e.
waiting for the GIL or the queue (JPEGs only: no decoder threads, page cache hot). On a
loaded machine a GIL holder the scheduler has preempted lengthens the waits, so compare
A and B alternated in one sitting, not with other days.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cleaner.detect.decode as decode
from cleaner.detect.analysis import analyse_file
from cleaner.models import DEFAULT_MAX_PIXELS

PILLOW_DEFAULT = 64 * 1024


def _schedstat(tid: int) -> tuple[float, float]:
    run, wait, _ = Path(f"/proc/self/task/{tid}/schedstat").read_text().split()
    return int(run) / 1e9, int(wait) / 1e9


def one(paths: Sequence[str], block: int) -> dict[str, Any]:
    real = decode.READ_BLOCK
    decode.READ_BLOCK = block
    try:
        pool = cf.ThreadPoolExecutor(2, thread_name_prefix="photosift-scan")
        barrier = threading.Barrier(2)

        def whoami(_: int) -> int:
            barrier.wait()  # both threads started and known
            return threading.get_native_id()

        tids = list(pool.map(whoami, range(2)))
        s0 = {t: _schedstat(t) for t in tids}
        t0 = time.monotonic()
        list(pool.map(lambda p: analyse_file(p, DEFAULT_MAX_PIXELS), paths))
        wall = time.monotonic() - t0
        s1 = {t: _schedstat(t) for t in tids}
        pool.shutdown()
    finally:
        decode.READ_BLOCK = real
    run = sum(s1[t][0] - s0[t][0] for t in tids)
    runq = sum(s1[t][1] - s0[t][1] for t in tids)
    return {
        "block": block,
        "wall": round(wall, 2),
        "on_cpu": round(run, 2),
        "runnable": round(runq, 2),
        "blocked": round(2 * wall - run - runq, 3),
        "load": round(os.getloadavg()[0], 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gil_waits")
    parser.add_argument("root")
    parser.add_argument("variants", nargs="*", default=["A", "B", "A", "B"])
    parser.add_argument("--pictures", type=int, default=300)
    args = parser.parse_args(argv)
    paths = sorted(
        str(p) for p in Path(args.root).rglob("*") if p.suffix.lower() in (".jpg", ".jpeg")
    )[: args.pictures]
    one(paths[:10], PILLOW_DEFAULT)  # warm-up: imports, scipy's DCT plan, the page cache
    for variant in args.variants:
        block = PILLOW_DEFAULT if variant == "A" else decode.READ_BLOCK
        print(json.dumps({"variant": variant, **one(paths, block)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
