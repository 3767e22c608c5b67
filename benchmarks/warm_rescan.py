"""Target 2: a warm rescan of an unchanged 2,000-photo library.

The library is synthetic (`benchmarks.synth_library`; the scale corpus has
fewer than 2,000 files). One `photosift scan` fills a new cache; the next scans
of the same, unchanged library are timed: the whole command (interpreter
start-up, walk, cache look-ups, grouping, scoring, writing the JSON) and the
engine's own time from `ScanStats.seconds`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import check, load_json, median, photosift_cmd, run_measured, scratch
from benchmarks.synth_library import ensure_library

TARGET_SECONDS = 2.0
ENV_LIBRARY = "PHOTOSIFT_BENCH_LIBRARY"


def default_library() -> Path:
    return Path(
        os.environ.get(ENV_LIBRARY, Path(tempfile.gettempdir()) / "photosift-bench-library")
    )


def cycle(folder: Path, reps: int) -> dict[str, Any]:
    """A new cache, one scan to fill it, then `reps` timed rescans of the unchanged library."""
    with scratch("warm") as work:
        out = work / "result.json"
        cmd = photosift_cmd(
            "scan", str(folder), "--json", str(out), "--cache-dir", str(work / "cache"), "-q"
        )
        first = run_measured(cmd)
        check(first, "first scan")
        stats = load_json(out)["stats"]
        runs: list[dict[str, Any]] = []
        for _ in range(reps):
            warm = run_measured(cmd)
            check(warm, "warm scan")
            again = load_json(out)["stats"]
            runs.append(
                {
                    "command": warm.seconds,
                    "engine": float(again["seconds"]),
                    "peak_rss_mb": warm.peak_rss_mb,
                    "cache_hits": int(again["cache_hits"]),
                }
            )
    return {"first_scan_seconds": first.seconds, "stats": stats, "warm": runs}


def run(
    library: Path | None = None, count: int = 2000, cycles: int = 2, reps: int = 3
) -> dict[str, Any]:
    folder = ensure_library(library or default_library(), count)
    done = [cycle(folder, reps) for _ in range(cycles)]
    runs = [r for c in done for r in c["warm"]]
    commands = [r["command"] for r in runs]
    stats = done[0]["stats"]
    result: dict[str, Any] = {
        "library": str(folder),
        "files": int(stats["files_seen"]),
        "images": int(stats["images"]),
        "groups": int(stats["groups"]),
        "cycles": done,
        "first_scan_seconds": [c["first_scan_seconds"] for c in done],
        "warm_command_median": median(commands),
        "warm_command_max": max(commands),
        "warm_engine_median": median([r["engine"] for r in runs]),
        "warm_engine_max": max(r["engine"] for r in runs),
        "warm_peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "target_seconds": TARGET_SECONDS,
    }
    result["pass"] = result["warm_command_max"] < TARGET_SECONDS
    return result
