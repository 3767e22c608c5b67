"""Target 1a: a cold scan of the mixed `scale` corpus against the decode floor.

Cold means a new, empty cache folder (the cache writes are part of the scan);
`--no-cache` would skip them. The floor (`benchmarks.decode_floor`) and the scan
(`benchmarks.scan_runner`, thread and process pools) run as separate
subprocesses in one session, in an order that rotates between repetitions.
Engine time (walk to scores, as `ScanStats.seconds` reports it) is compared
with the floor's own in-process time (pool start-up included in both); wall
times of the whole subprocesses are recorded too.

Runs are hot-page-cache (every file read once before), and, when this process
may drop the page cache (root), one extra cold-page-cache round follows.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.common import (
    check,
    drop_page_cache,
    load_json,
    median,
    run_measured,
    scratch,
    wait_until_quiet,
)

TARGET_RATIO = 1.1
# A run during which the rest of the machine used more CPU seconds than this is noisy:
# its time says more about the other work than about ours.
QUIET_OTHER_CPU = 4.0
MEASURES = ("floor_processes", "floor_threads", "scan_threads", "scan_processes")


def corpus_summary(root: Path) -> dict[str, Any]:
    truth = load_json(root / "truth.json")
    files = truth["files"]
    kinds = Counter(
        f"{v.get('format', '?')} {round(v.get('width', 0) * v.get('height', 0) / 1e6)}MP"
        for v in files.values()
        if v.get("kind") == "image"
    )
    total = sum(int(v.get("bytes", 0)) for v in files.values())
    return {
        "files": len(files),
        "groups": len(truth.get("groups", [])),
        "bytes": total,
        "mix": dict(kinds.most_common(12)),
    }


def warm_page_cache(root: Path) -> None:
    """Read every file once so the hot runs do not pay for the first read."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as fh:
                while fh.read(1 << 22):
                    pass


def measure(kind: str, root: Path, work: Path) -> dict[str, Any]:
    """One timed subprocess: the floor with one pool kind, or a scan with one executor."""
    py = sys.executable
    wait_until_quiet()
    if kind.startswith("floor"):
        executor = kind.split("_", 1)[1]
        run = run_measured([py, "-m", "benchmarks.decode_floor", str(root), "--executor", executor])
        check(run, kind)
        data = json.loads(run.stdout.strip().splitlines()[-1])
        return {
            "seconds": data["seconds"],
            "wall": run.seconds,
            "peak_rss_mb": run.peak_rss_mb,
            "cpu": run.cpu,
            "other_cpu": run.other_cpu,
            "files": data["files"],
            "failed": data["failed"],
        }
    # "scan_threads", "scan_processes", or "scan_threads_w3" (a pool of 3 workers)
    executor, _, pool = kind.split("_", 1)[1].partition("_w")
    cache_dir = work / f"cache-{kind}-{len(list(work.iterdir()))}"
    cache_dir.mkdir()
    out = work / f"{kind}.json"
    run = run_measured(
        [
            py,
            "-m",
            "benchmarks.scan_runner",
            str(root),
            "--json",
            str(out),
            "--cache-dir",
            str(cache_dir),
            "--executor",
            executor,
            *(["--workers", pool] if pool else []),
        ]
    )
    check(run, kind)
    data = json.loads(run.stdout.strip().splitlines()[-1])
    return {
        "seconds": data["engine_seconds"],
        "cpu": run.cpu,
        "other_cpu": run.other_cpu,
        "wall": run.seconds,
        "peak_rss_mb": run.peak_rss_mb,
        "images": data["images"],
        "groups": data["groups"],
        "stage_seconds": data.get("stage_seconds", {}),
        "stage_cpu": data.get("stage_cpu", {}),
        "pool_cpu": data.get("pool_cpu", 0.0),
    }


def run(
    scale: Path,
    reps: int = 3,
    cold_round: bool = True,
    progress: Path | None = None,
    scan_workers: int = 0,
) -> dict[str, Any]:
    """Floor and scans, `reps` times; `progress` (a file) gets the samples as they come.
    `scan_workers` > 0 adds a thread-pool scan with that many workers to each repetition
    ("scan_threads_wN": does a pool larger than the cores fill the GIL's idle gaps?); the
    verdict stays on the default pools."""
    measures = MEASURES + ((f"scan_threads_w{scan_workers}",) if scan_workers else ())
    samples: dict[str, list[dict[str, Any]]] = {k: [] for k in measures}
    with scratch("cold") as work:
        # one floor over distinct contents (the engine decodes each exact-copy set once)
        distinct = run_measured(
            [sys.executable, "-m", "benchmarks.decode_floor", str(scale), "--distinct"]
        )
        check(distinct, "distinct floor")
        warm_page_cache(scale)
        for rep in range(reps):
            shift = rep % len(measures)
            order = list(measures[shift:] + measures[:shift])
            if rep % 2:
                order.reverse()
            for kind in order:
                samples[kind].append(measure(kind, scale, work))
                if progress is not None:
                    progress.write_text(json.dumps(samples, indent=1))
                print(
                    f"  cold_scan rep {rep + 1}/{reps} {kind}: {samples[kind][-1]['seconds']:.1f}s",
                    file=sys.stderr,
                )
        cold: dict[str, Any] = {}
        if cold_round and drop_page_cache():
            for kind in ("floor_processes", "scan_threads", "scan_processes"):
                drop_page_cache()
                cold[kind] = measure(kind, scale, work)
                print(
                    f"  cold_scan cold-cache {kind}: {cold[kind]['seconds']:.1f}s", file=sys.stderr
                )
    # The verdict uses quiet runs only (all runs of a kind if none of them was quiet).
    quiet = {k: [s for s in v if s["other_cpu"] < QUIET_OTHER_CPU] or v for k, v in samples.items()}
    med = {k: median([s["seconds"] for s in v]) for k, v in quiet.items()}
    best = {k: min(s["seconds"] for s in v) for k, v in quiet.items()}
    cpu = {k: median([s["cpu"] for s in v]) for k, v in samples.items()}
    floor_kind = min(("floor_processes", "floor_threads"), key=lambda k: med[k])
    floor = med[floor_kind]
    best_scan = min(("scan_threads", "scan_processes"), key=lambda k: med[k])
    result: dict[str, Any] = {
        "corpus": corpus_summary(scale),
        "page_cache": "hot (every file read once before the runs)",
        "repetitions": reps,
        "samples": samples,
        "quiet_runs": {
            k: sum(s["other_cpu"] < QUIET_OTHER_CPU for s in v) for k, v in samples.items()
        },
        "median_seconds": med,
        "min_seconds": best,
        "median_cpu_seconds": cpu,
        # CPU seconds (user + system, pool workers included) hardly move with other load
        "cpu_ratio_threads": cpu["scan_threads"]
        / min(cpu["floor_processes"], cpu["floor_threads"]),
        "cpu_ratio_processes": cpu["scan_processes"]
        / min(cpu["floor_processes"], cpu["floor_threads"]),
        "ratio_min_threads": best["scan_threads"]
        / min(best["floor_processes"], best["floor_threads"]),
        "ratio_min_processes": best["scan_processes"]
        / min(best["floor_processes"], best["floor_threads"]),
        "other_cpu_max": max(s["other_cpu"] for v in samples.values() for s in v),
        "floor_seconds": floor,
        "floor_pool": floor_kind,
        "floor_distinct_seconds": json.loads(distinct.stdout.strip().splitlines()[-1])["seconds"],
        "ratio_threads": med["scan_threads"] / floor,
        "ratio_processes": med["scan_processes"] / floor,
        "faster_executor": best_scan,
        "ratio": med[best_scan] / floor,
        "target_ratio": TARGET_RATIO,
    }
    if scan_workers:
        extra = f"scan_threads_w{scan_workers}"
        result[f"ratio_{extra}"] = med[extra] / floor
        result[f"ratio_min_{extra}"] = best[extra] / min(
            best["floor_processes"], best["floor_threads"]
        )
    result["pass"] = result["ratio"] <= TARGET_RATIO
    if cold:
        result["cold_page_cache"] = cold
        result["cold_ratio_threads"] = (
            cold["scan_threads"]["seconds"] / cold["floor_processes"]["seconds"]
        )
        result["cold_ratio_processes"] = (
            cold["scan_processes"]["seconds"] / cold["floor_processes"]["seconds"]
        )
    return result
