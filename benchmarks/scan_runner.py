"""Run one PhotoSift scan in this process and save its result (for timing in a subprocess).

`photosift scan` always uses the thread pool; this runner lets the benchmarks pick
the executor, so threads and processes are compared with everything else equal.

    python -m benchmarks.scan_runner ROOT --json OUT [--cache-dir DIR] \\
        [--executor threads|processes] [--workers N] [--rotations]

prints one JSON line with the engine's own time (walk to scores, from ScanStats).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from cleaner.models import ScanSettings
from cleaner.resultio import save
from cleaner.scan import run_scan


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scan_runner")
    parser.add_argument("root")
    parser.add_argument("--json", required=True)
    parser.add_argument("--cache-dir", help="cache folder (default: no cache)")
    parser.add_argument("--executor", choices=("threads", "processes"), default="threads")
    parser.add_argument("--rotations", action="store_true")
    parser.add_argument("--workers", type=int, default=0, help="pool size (0: one per core)")
    args = parser.parse_args(argv)
    cache = Path(args.cache_dir) / "fingerprints.sqlite3" if args.cache_dir else None
    t0 = time.perf_counter()
    result = run_scan(
        ScanSettings(roots=(args.root,), rotations=args.rotations, workers=args.workers),
        cache_path=cache,
        executor=args.executor,
    )
    engine_done = time.perf_counter() - t0
    save(result, args.json)
    summary = {
        "engine_seconds": result.stats.seconds,
        "scan_call_seconds": engine_done,
        "files_seen": result.stats.files_seen,
        "images": result.stats.images,
        "groups": result.stats.groups,
        "skipped": result.stats.skipped,
        "cache_hits": result.stats.cache_hits,
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
