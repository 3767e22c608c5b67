"""Run one PhotoSift scan in this process and save its result (for timing in a subprocess).

`photosift scan` always uses the thread pool; this runner lets the benchmarks pick
the executor, so threads and processes are compared with everything else equal.

    python -m benchmarks.scan_runner ROOT --json OUT [--cache-dir DIR] \\
        [--executor threads|processes] [--workers N] [--no-rotations]

prints one JSON line with the engine's own time (walk to scores, from ScanStats),
`stage_seconds` (wall) and `stage_cpu`: CPU seconds (user + system) this process used
in each stage, from the stage's start event to the next one. With the thread pool
that is the whole scan's CPU; with the process pool the workers' CPU is not in it
(only their sum at the end, `pool_cpu`, once the pool has exited).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from cleaner.detect.scan import scan
from cleaner.models import ScanResult, ScanSettings
from cleaner.progress import ScanFinished, StageStarted
from cleaner.resultio import save


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scan_runner")
    parser.add_argument("root")
    parser.add_argument("--json", required=True)
    parser.add_argument("--cache-dir", help="cache folder (default: no cache)")
    parser.add_argument("--executor", choices=("threads", "processes"), default="threads")
    # the scan's default (turned and mirrored copies searched) unless told otherwise
    parser.add_argument("--no-rotations", dest="rotations", action="store_false")
    parser.add_argument("--workers", type=int, default=0, help="pool size (0: one per core)")
    args = parser.parse_args(argv)
    cache = Path(args.cache_dir) / "fingerprints.sqlite3" if args.cache_dir else None
    t0 = time.perf_counter()
    stage_cpu: dict[str, float] = {}
    stage_seconds: dict[str, float] = {}
    stage, mark, wall = "start", _cpu(resource.RUSAGE_SELF), t0
    result: ScanResult | None = None
    for event in scan(
        ScanSettings(roots=(args.root,), rotations=args.rotations, workers=args.workers),
        cache_path=cache,
        executor=args.executor,
    ):
        if isinstance(event, (StageStarted, ScanFinished)):
            now, now_wall = _cpu(resource.RUSAGE_SELF), time.perf_counter()
            stage_cpu[stage] = stage_cpu.get(stage, 0.0) + now - mark
            stage_seconds[stage] = stage_seconds.get(stage, 0.0) + now_wall - wall
            stage = event.stage if isinstance(event, StageStarted) else "end"
            mark, wall = now, now_wall
        if isinstance(event, ScanFinished):
            result = event.result
    engine_done = time.perf_counter() - t0
    assert result is not None
    save(result, args.json)
    summary = {
        "engine_seconds": result.stats.seconds,
        "scan_call_seconds": engine_done,
        "files_seen": result.stats.files_seen,
        "images": result.stats.images,
        "groups": result.stats.groups,
        "skipped": result.stats.skipped,
        "cache_hits": result.stats.cache_hits,
        "stage_seconds": {k: round(v, 2) for k, v in stage_seconds.items()},
        "stage_cpu": {k: round(v, 2) for k, v in stage_cpu.items()},
        "pool_cpu": round(_cpu(resource.RUSAGE_CHILDREN), 2),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
