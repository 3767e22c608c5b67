"""Peak RSS of the 1M group stage, step by step: where the peak is.

`python -m benchmarks.rss_by_step FINGERPRINTS.npz [--rotations]` runs
`benchmarks.grouping_1m`'s measurement (the same engine code, the same wrapped
functions) with a thread that reads this process's VmRSS from /proc/self/status every
`PERIOD` seconds and tags each reading with the innermost wrapped function running on
the main thread (tracemalloc is far too slow at a million pictures, and it misses
memory numpy's allocator takes outside Python's). A few more functions of the heavy-crop
step are wrapped for it (its thumbnails, whitening, tree, groupings, both threaded
passes). Prints grouping_1m's JSON with `rss_by_step`: for each tag the highest and the
last RSS read under it (MiB) and the seconds spent in it, in the order first seen.
`--smaps`: also what the process maps when the heavy step starts (`mappings`).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

from benchmarks import grouping_1m

PERIOD = 0.01

_stack: list[str] = ["before grouping"]
_seen: dict[str, dict[str, float]] = {}


def _rss_kb() -> int:
    with open("/proc/self/status", "rb") as status:
        for line in status:
            if line.startswith(b"VmRSS:"):
                return int(line.split()[1])
    return 0


def _sample(stop: threading.Event) -> None:
    last = time.perf_counter()
    while not stop.is_set():
        mib = _rss_kb() / 1024
        tag = " > ".join(_stack[1:]) or _stack[0]
        now = time.perf_counter()
        row = _seen.setdefault(tag, {"peak_mb": 0.0, "last_mb": 0.0, "seconds": 0.0})
        row["peak_mb"] = max(row["peak_mb"], mib)
        row["last_mb"] = mib
        row["seconds"] += now - last
        last = now
        time.sleep(PERIOD)


def _tagged(label: str, original: Callable[..., Any], generator: bool) -> Callable[..., Any]:
    def plain(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is not threading.main_thread():
            return original(*args, **kwargs)
        _stack.append(label)
        try:
            return original(*args, **kwargs)
        finally:
            _stack.pop()

    def gen(*args: Any, **kwargs: Any) -> Generator[Any, None, Any]:
        _stack.append(label)
        try:
            return (yield from original(*args, **kwargs))
        finally:
            _stack.pop()

    return gen if generator else plain


class _TaggedTimer(grouping_1m._Timer):
    """grouping_1m's timer, whose wrapped functions also tag the RSS readings."""

    def wrap(self, module: Any, name: str, generator: bool = False) -> None:
        super().wrap(module, name, generator)
        label = f"{module.__name__.split('.')[-1]}.{name}"
        setattr(module, name, _tagged(label, getattr(module, name), generator))


def _wrap_heavy_step() -> None:
    import cleaner.detect.crops as crops
    import cleaner.detect.heavy_cells as cells

    for module, name, generator in (
        (crops, "thumb_table", False),
        (cells, "whitening", False),
        (cells, "_tree", False),
        (cells, "_grouped", False),
        (cells, "_nearest", False),
        (cells, "_in_threads", True),
    ):
        if hasattr(module, name):
            label = f"{module.__name__.split('.')[-1]}.{name}"
            setattr(module, name, _tagged(label, getattr(module, name), generator))


def _mappings() -> dict[str, Any]:
    """This process's memory as the kernel maps it (/proc/self/smaps): resident MiB of the
    heap, of anonymous mappings (numpy's big arrays, thread arenas) and of files, and the
    largest anonymous mappings."""
    rows: list[tuple[str, float]] = []
    name = ""
    for line in Path("/proc/self/smaps").read_text().splitlines():
        fields = line.split()
        if "-" in fields[0] and not fields[0].endswith(":"):
            name = fields[5] if len(fields) > 5 else "[anon]"
        elif fields[0] == "Rss:":
            rows.append((name, int(fields[1]) / 1024))
    kinds: dict[str, float] = {}
    for name, mib in rows:
        kind = name if name.startswith("[") else "file"
        kinds[kind] = round(kinds.get(kind, 0.0) + mib, 1)
    anon = sorted((mib for name, mib in rows if name == "[anon]"), reverse=True)
    return {"by_kind_mb": kinds, "largest_anon_mb": [round(m, 1) for m in anon[:12]]}


def _look_at_heavy_start() -> None:
    """Record the process's mappings when the heavy-crop step starts (after a collection
    and a trim: what is held, not what was freed)."""
    import gc

    import cleaner.detect.crops as crops
    from cleaner.detect.memory import give_back_freed_memory

    original = crops.heavy_crop_pairs

    def looked(*args: Any, **kwargs: Any) -> Any:
        gc.collect()
        give_back_freed_memory()
        _looks["heavy start"] = {"rss_mb": round(_rss_kb() / 1024, 1), **_mappings()}
        return (yield from original(*args, **kwargs))

    import cleaner.detect.matching as matching

    for module in (crops, matching):
        setattr(module, "heavy_crop_pairs", looked)  # noqa: B010 (a wrapper, as grouping_1m)


_looks: dict[str, Any] = {}


def main(path: Path, rotations: bool, smaps: bool = False) -> dict[str, Any]:
    grouping_1m._Timer = _TaggedTimer  # type: ignore[misc]
    _wrap_heavy_step()
    if smaps:
        _look_at_heavy_start()
    stop = threading.Event()
    sampler = threading.Thread(target=_sample, args=(stop,), daemon=True)
    sampler.start()
    try:
        result = grouping_1m.measure(path, rotations)
    finally:
        stop.set()
        sampler.join()
    result["mappings"] = _looks
    result["rss_by_step"] = {
        tag: {k: round(v, 1) for k, v in row.items()} for tag, row in _seen.items()
    }
    return result


if __name__ == "__main__":
    flags = sys.argv[2:]
    print(json.dumps(main(Path(sys.argv[1]), "--rotations" in flags, "--smaps" in flags)))
