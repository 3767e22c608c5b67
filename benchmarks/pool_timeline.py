"""Per-worker timelines of a scan's reading pool: where the idle gaps are.

    python -m benchmarks.pool_timeline ROOT [--executor threads|processes] [--workers N]
        [--json OUT] [--no-cache]

Runs one default scan in this process (new, empty cache unless `--no-cache`) with the
pool's tasks and the main thread's work timed from outside the engine: the functions the
pool runs (`analyse_file`, `prefix_digest`, `sha256_file`), the pool's `submit`,
`concurrent.futures.wait` and the cache's `put`/`flush` are wrapped here, so the engine
carries no timing code. Clocks: `time.monotonic()` (one clock for every process on
Linux), per-task CPU with `time.thread_time()` (threads) or `time.process_time()`
(processes).

Prints a summary of the reading stage ("Reading pictures"): core-seconds the pool had
and used, and where the idle core-seconds went:

- `start`: from the stage's start to each worker's first task;
- `starved`: between two tasks of one worker while nothing was waiting in the queue (the
  main thread had not refilled it: it was writing the cache, sending progress, ...);
- `queued`: between two tasks of one worker while a task was waiting (hand-over cost:
  the executor's own latency, the GIL, the scheduler);
- `tail`: from each worker's last task to the stage's end (nothing left to give it);

plus what the main thread did (waiting, cache writes, the rest), the stages after reading
(one core), and the longest tasks. Timings on a shared machine are noisy; the split
between the kinds of gaps is what this is for.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import heapq
import itertools
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import cleaner.detect.scan as scan_module
from cleaner.detect.cache import FingerprintCache
from cleaner.models import ScanSettings
from cleaner.progress import ScanFinished, StageStarted

_LOG_ENV = "PHOTOSIFT_TIMELINE_DIR"  # where worker processes append their task records
_REAL = {
    "analyse_file": scan_module.analyse_file,
    "prefix_digest": scan_module.prefix_digest,
    "sha256_file": scan_module.sha256_file,
}


_THREAD_RECORDS: list[list[Any]] = []  # thread pool: kept in memory (list.append is atomic)
_PROCESS_LOG: list[Any] = []  # process pool: this worker's open log file


def _record(row: list[Any]) -> None:
    if _in_thread_pool():
        # No system call here: each one releases the GIL, and getting it back while the
        # other worker runs Python costs up to the switch interval (5 ms): the very gap
        # this is meant to measure. So no schedstat and no file for threads.
        _THREAD_RECORDS.append(row)
        return
    if not _PROCESS_LOG:
        log = Path(os.environ[_LOG_ENV]) / f"tasks-{os.getpid()}.jsonl"
        _PROCESS_LOG.append(open(log, "a", buffering=1))  # noqa: SIM115 (open for the worker's life)
    _PROCESS_LOG[0].write(json.dumps(row) + "\n")


def _schedstat() -> tuple[float, float]:
    """This thread's (seconds on a CPU, seconds runnable but waiting for one), from the
    kernel: what the scheduler withheld is told apart from what the code waited for.
    Process pool only (see `_record`); (0, 0) in a thread."""
    if _in_thread_pool():
        return 0.0, 0.0
    try:
        with open("/proc/thread-self/schedstat") as fh:
            run, wait, _ = fh.read().split()
    except (OSError, ValueError):
        return 0.0, 0.0
    return int(run) / 1e9, int(wait) / 1e9


def _timed(name: str, path: str, *args: Any) -> Any:
    clock = time.thread_time if _in_thread_pool() else time.process_time
    s0 = _schedstat()
    c0, t0 = clock(), time.monotonic()
    try:
        return _REAL[name](path, *args)
    finally:
        t1, c1 = time.monotonic(), clock()
        worker = f"{os.getpid()}:{threading.get_ident()}"
        _record([name, path, worker, t0, t1, c1 - c0, *s0, *_schedstat()])


def _in_thread_pool() -> bool:
    return threading.current_thread().name.startswith("photosift-scan")


def timed_analyse_file(path: str, *args: Any) -> Any:
    return _timed("analyse_file", path, *args)


def timed_prefix_digest(path: str, *args: Any) -> Any:
    return _timed("prefix_digest", path, *args)


def timed_sha256_file(path: str, *args: Any) -> Any:
    return _timed("sha256_file", path, *args)


class _Main:
    """What the main thread did, as (kind, start, end) intervals."""

    def __init__(self) -> None:
        self.spans: list[tuple[str, float, float]] = []
        self.submits: dict[str, float] = {}  # path -> submit time (last one per stage)
        self.submit_log: list[tuple[str, float]] = []

    def span(self, kind: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            t0 = time.monotonic()
            try:
                return fn(*args, **kwargs)
            finally:
                self.spans.append((kind, t0, time.monotonic()))

        return wrapped


def _install(main: _Main) -> Callable[[], None]:
    """Wrap the engine's pool functions, `cf.wait`, the pool's submit and the cache."""
    saved: list[tuple[object, str, object]] = []

    def patch(owner: object, name: str, value: object) -> None:
        saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    patch(scan_module, "analyse_file", timed_analyse_file)
    patch(scan_module, "prefix_digest", timed_prefix_digest)
    patch(scan_module, "sha256_file", timed_sha256_file)
    patch(cf, "wait", main.span("wait", cf.wait))
    patch(FingerprintCache, "put", main.span("cache.put", FingerprintCache.put))
    patch(FingerprintCache, "flush", main.span("cache.flush", FingerprintCache.flush))
    real_make_pool = scan_module._make_pool

    def make_pool(kind: Any, workers: int) -> cf.Executor:
        pool = real_make_pool(kind, workers)
        real_submit = pool.submit

        def submit(fn: Any, path: str, *args: Any, **kwargs: Any) -> Any:
            t = time.monotonic()
            main.submit_log.append((path, t))
            return real_submit(fn, path, *args, **kwargs)

        pool.submit = submit  # type: ignore[method-assign]
        return pool

    patch(scan_module, "_make_pool", make_pool)

    def undo() -> None:
        for owner, name, value in reversed(saved):
            setattr(owner, name, value)

    return undo


def _tasks(log_dir: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    raw = list(_THREAD_RECORDS)
    for log in sorted(log_dir.glob("tasks-*.jsonl")):
        raw.extend(json.loads(line) for line in log.read_text().splitlines())
    for row in raw:
        name, path, worker, start, end, cpu, r0, w0, r1, w1 = row
        rows.append(
            {
                "fn": name,
                "path": path,
                "worker": worker,
                "start": start,
                "end": end,
                "cpu": cpu,
                "run0": r0,
                "runq0": w0,
                "run1": r1,
                "runq1": w1,
            }
        )
    rows.sort(key=lambda r: r["start"])
    return rows


def _union(spans: Iterable[tuple[float, float]]) -> float:
    total, last = 0.0, -1e300
    for a, b in sorted(spans):
        if b <= last:
            continue
        total += b - max(a, last)
        last = b
    return total


def analyse_stage(
    tasks: list[dict[str, Any]],
    start: float,
    end: float,
    workers: int,
    submits: list[tuple[str, float]],
    main_spans: list[tuple[str, float, float]],
    kernel_split: bool = True,
) -> dict[str, Any]:
    """Split the pool's idle core-seconds in [start, end] into start, starved, queued, tail."""
    inside = [t for t in tasks if t["start"] >= start and t["end"] <= end + 1.0]
    by_worker: dict[str, list[dict[str, Any]]] = {}
    for t in inside:
        by_worker.setdefault(t["worker"], []).append(t)
    # a task is "waiting" from its submit to its start: match submits to tasks by path
    sub_at: dict[str, list[float]] = {}
    for path, t in submits:
        if start <= t <= end:
            sub_at.setdefault(path, []).append(t)
    waiting: list[tuple[float, float]] = []
    for t in inside:
        times = sub_at.get(t["path"])
        if times:
            waiting.append((times.pop(0), t["start"]))
    waiting.sort()

    def queue_nonempty(a: float, b: float) -> float:
        """Seconds in [a, b] during which some submitted task had not started yet."""
        return _union((max(a, s), min(b, e)) for s, e in waiting if s < b and e > a)

    gaps = {"start": 0.0, "starved": 0.0, "queued": 0.0, "tail": 0.0}
    busy = 0.0
    longest_gap = 0.0
    # kernel view (schedstat): on a CPU / runnable but not running / blocked
    between = {"on cpu": 0.0, "runnable, no cpu": 0.0, "blocked": 0.0}
    within: dict[str, dict[str, float]] = {}
    for runs in by_worker.values():
        for r in runs:
            kind = "heic" if r["path"].lower().endswith((".heic", ".heif")) else "other"
            w = within.setdefault(kind, {"on cpu": 0.0, "runnable, no cpu": 0.0, "blocked": 0.0})
            run, runq = r["run1"] - r["run0"], r["runq1"] - r["runq0"]
            w["on cpu"] += run
            w["runnable, no cpu"] += runq
            w["blocked"] += (r["end"] - r["start"]) - run - runq
    for runs in by_worker.values():
        runs.sort(key=lambda r: r["start"])
        gaps["start"] += runs[0]["start"] - start
        gaps["tail"] += max(0.0, end - runs[-1]["end"])
        for a, b in itertools.pairwise(runs):
            gap = max(0.0, b["start"] - a["end"])
            longest_gap = max(longest_gap, gap)
            queued = queue_nonempty(a["end"], b["start"])
            gaps["queued"] += queued
            gaps["starved"] += gap - queued
            run, runq = b["run0"] - a["run1"], b["runq0"] - a["runq1"]
            between["on cpu"] += run
            between["runnable, no cpu"] += runq
            between["blocked"] += gap - run - runq
        busy += sum(r["end"] - r["start"] for r in runs)
    idle_workers = max(0, workers - len(by_worker))
    wall = end - start
    gaps["never used"] = idle_workers * wall
    main: dict[str, float] = {}
    for kind, a, b in main_spans:
        if a >= start and b <= end:
            main[kind] = main.get(kind, 0.0) + b - a
    main["other (submit, results, progress, consumer)"] = wall - sum(main.values())
    last_end = max((t["end"] for t in inside), default=end)
    longest = sorted(inside, key=lambda r: r["end"] - r["start"], reverse=True)[:5]
    return {
        "wall": wall,
        "tasks": len(inside),
        "core_seconds": workers * wall,
        "busy": busy,
        "task_cpu": sum(t["cpu"] for t in inside),
        "idle": {k: round(v, 3) for k, v in gaps.items()},
        "longest_gap_between_tasks": longest_gap,
        # the kernel's split needs a system call in the task (see `_record`): processes only
        "between_tasks_kernel": {k: round(v, 3) for k, v in between.items()}
        if kernel_split
        else "not measured in a thread pool",
        "within_tasks_kernel": {
            k: {kk: round(vv, 3) for kk, vv in v.items()} for k, v in within.items()
        }
        if kernel_split
        else "not measured in a thread pool",
        "last_task_end_to_stage_end": end - last_end,
        "main_thread": {k: round(v, 3) for k, v in main.items()},
        "longest_tasks": [
            {"path": os.path.basename(t["path"]), "seconds": round(t["end"] - t["start"], 3)}
            for t in longest
        ],
        "last_tasks": [
            {
                "path": os.path.basename(t["path"]),
                "worker": t["worker"],
                "start": round(t["start"] - start, 3),
                "end": round(t["end"] - start, 3),
            }
            for t in sorted(inside, key=lambda r: r["end"])[-4:]
        ],
    }


def simulated_tails(
    tasks: list[dict[str, Any]], sizes: dict[str, int], workers: int
) -> dict[str, float]:
    """Idle core-seconds at the end of the stage if the pool were fed in each order, by
    list scheduling of this run's task costs (CPU seconds; a process pool's include
    pillow-heif's decoding threads): a structural figure, free of the machine's load."""
    from cleaner.detect.reading_order import estimated_cost

    cost = {t["path"]: t["cpu"] for t in tasks}
    total = sum(cost.values())

    def idle_at_end(order: list[str]) -> float:
        free = [0.0] * workers
        for path in order:
            heapq.heapreplace(free, free[0] + cost[path])
        return workers * max(free) - total

    ran = [t["path"] for t in sorted(tasks, key=lambda t: t["start"])]
    return {
        "as run": round(idle_at_end(ran), 3),
        "as run, reversed": round(idle_at_end(ran[::-1]), 3),
        "smallest file first (worst)": round(idle_at_end(sorted(cost, key=lambda p: sizes[p])), 3),
        "largest file first": round(idle_at_end(sorted(cost, key=lambda p: -sizes[p])), 3),
        "costliest first (reading_order)": round(
            idle_at_end(sorted(cost, key=lambda p: -estimated_cost(p, sizes[p]))), 3
        ),
    }


def run(root: str, executor: str = "threads", workers: int = 0, cache: bool = True) -> dict:
    workers = workers or os.cpu_count() or 2
    main = _Main()
    with tempfile.TemporaryDirectory(prefix="photosift-timeline-") as tmp:
        os.environ[_LOG_ENV] = tmp
        undo = _install(main)
        stages: list[tuple[str, float]] = []
        t0 = time.monotonic()
        try:
            cache_path = Path(tmp) / "cache" / "fingerprints.sqlite3" if cache else None
            events = scan_module.scan(
                ScanSettings(roots=(root,), workers=workers),
                cache_path=cache_path,
                executor=executor,  # type: ignore[arg-type]
            )
            result = None
            for event in events:
                if isinstance(event, StageStarted):
                    stages.append((str(event.stage), time.monotonic()))
                elif isinstance(event, ScanFinished):
                    stages.append(("end", time.monotonic()))
                    result = event.result
        finally:
            undo()
        tasks = _tasks(Path(tmp))
        _THREAD_RECORDS.clear()
    assert result is not None
    spans = {name: (a, b) for (name, a), (_, b) in itertools.pairwise(stages)}
    reading = next(k for k in spans if k.startswith("Reading"))
    rs, re_ = spans[reading]
    sizes = {t["path"]: os.path.getsize(t["path"]) for t in tasks}
    summary = analyse_stage(
        tasks, rs, re_, workers, main.submit_log, main.spans, executor == "processes"
    )
    return {
        "executor": executor,
        "workers": workers,
        "engine_seconds": result.stats.seconds,
        "pool_start_to_first_task": (min(t["start"] for t in tasks) - t0) if tasks else None,
        "stages": {k: round(b - a, 3) for k, (a, b) in spans.items()},
        "reading": summary,
        "simulated_tail_idle": simulated_tails(
            [t for t in tasks if t["fn"] == "analyse_file"], sizes, workers
        ),
        "tasks": [
            {**t, "start": t["start"] - rs, "end": t["end"] - rs}
            for t in tasks
            if t["fn"] == "analyse_file"
        ],
        "sizes": sizes,
        "groups": [[(m.entry.path, m.is_keeper) for m in g.members] for g in result.groups],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pool_timeline")
    parser.add_argument("root")
    parser.add_argument("--executor", choices=("threads", "processes"), default="threads")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--json", help="write the whole record here")
    parser.add_argument("--no-cache", dest="cache", action="store_false")
    args = parser.parse_args(argv)
    record = run(args.root, args.executor, args.workers, args.cache)
    if args.json:
        Path(args.json).write_text(json.dumps(record, indent=1))
    shown = {k: v for k, v in record.items() if k not in ("groups", "tasks", "sizes")}
    print(json.dumps(shown, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
