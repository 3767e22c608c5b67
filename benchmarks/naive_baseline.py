"""Target 1b: PhotoSift vs a naive baseline on 12-24 MP JPEGs.

The baseline is what a short script would do: `imagehash.phash(Image.open(p))`,
a full Pillow decode of every file, in one process. PhotoSift scans the same
files (hard-linked, or copied, into a scratch folder) with a new cache, with
all cores as it ships and, for context, with one worker. Per-file seconds are
the total divided by the number of files. Each of the four runs first waits (up
to 2 min) for the machine to be quiet, and records `other_cpu`: CPU seconds the
rest of the machine used meanwhile.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import imagehash
from PIL import Image

from benchmarks.common import check, load_json, run_measured, scratch, wait_until_quiet

TARGET_SPEEDUP = 5.0
SAMPLE = 60


def big_jpegs(scale: Path, count: int = SAMPLE) -> list[Path]:
    """An even, deterministic sample of the 12-24 MP JPEG originals of the corpus."""
    truth = load_json(scale / "truth.json")
    names = sorted(
        name
        for name, v in truth["files"].items()
        if v.get("kind") == "image"
        and v.get("format") == "JPEG"
        and v.get("attack") == "original"
        and v.get("width", 0) * v.get("height", 0) >= 11_000_000
    )
    step = max(1, len(names) // count)
    return [scale / n for n in names[::step][:count]]


def naive_seconds(paths: list[Path]) -> float:
    t0 = time.perf_counter()
    for path in paths:
        with Image.open(path) as im:
            imagehash.phash(im)
    return time.perf_counter() - t0


def _cpu_seconds() -> float:
    usage = os.times()
    return usage.user + usage.system


def naive_measured(paths: list[Path]) -> tuple[float, float]:
    """The naive run's seconds, and the CPU seconds the rest of the machine used meanwhile."""
    from benchmarks.common import _busy_seconds

    wait_until_quiet()
    busy0, cpu0 = _busy_seconds(), _cpu_seconds()
    seconds = naive_seconds(paths)
    other = (_busy_seconds() - busy0) - (_cpu_seconds() - cpu0)
    return seconds, max(0.0, other)


def photosift_seconds(folder: Path, work: Path, workers: int, executor: str) -> tuple[float, float]:
    """A scan's engine seconds, and the CPU seconds the rest of the machine used meanwhile."""
    cache = work / f"cache-{workers}-{executor}"
    cache.mkdir()
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.scan_runner",
        str(folder),
        "--json",
        str(work / "r.json"),
        "--cache-dir",
        str(cache),
        "--executor",
        executor,
        "--workers",
        str(workers),
    ]
    wait_until_quiet()
    run = run_measured(cmd)
    check(run, "photosift scan of the sample")
    seconds: float = json.loads(run.stdout.strip().splitlines()[-1])["engine_seconds"]
    return seconds, run.other_cpu


def _size(path: Path) -> tuple[int, int]:
    with Image.open(path) as im:
        return im.size


def _link_or_copy(paths: list[Path], folder: Path) -> None:
    folder.mkdir()
    for n, path in enumerate(paths):
        target = folder / f"{n:03d}_{path.name}"
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)


def run(scale: Path, count: int = SAMPLE) -> dict[str, Any]:
    paths = big_jpegs(scale, count)
    if not paths:
        raise RuntimeError(f"no 12-24 MP JPEG originals in {scale}/truth.json")
    sizes = [_size(p) for p in paths]
    with scratch("naive") as work:
        folder = work / "sample"
        _link_or_copy(paths, folder)
        naive_seconds(paths[:3])  # load the decoders once
        naive, naive_other = naive_measured(paths)
        runs = {
            f"{executor}_{workers or 'all'}": photosift_seconds(folder, work, workers, executor)
            for executor, workers in (("threads", 0), ("processes", 0), ("threads", 1))
        }
    ours = {k: seconds for k, (seconds, _) in runs.items()}
    n = len(paths)
    best = min(ours["threads_all"], ours["processes_all"])
    return {
        "files": n,
        "megapixels_mean": sum(w * h for w, h in sizes) / n / 1e6,
        "naive_per_file": naive / n,
        "photosift_per_file": {k: v / n for k, v in ours.items()},
        "other_cpu": {"naive": naive_other, **{k: other for k, (_, other) in runs.items()}},
        "speedup": naive / best,
        "speedup_one_worker": naive / ours["threads_1"],
        "target_speedup": TARGET_SPEEDUP,
        "pass": naive / best >= TARGET_SPEEDUP,
    }
