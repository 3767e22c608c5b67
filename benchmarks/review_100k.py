"""The review window with a big library (issue 12, point 9).

A synthetic result of 100,000 files with 30,000 files in 10,000 sets goes through the
REAL main window (`ui.main_window.MainWindow`): a fake `scan` stands in for the engine
in the scan thread and yields the groups the way the engine does (growing batches at
the end of the score stage, then `ScanFinished`). Every member is a real JPEG on disk
(a few distinct pictures, hard-linked under 30,000 names), so the thumbnail loader
decodes and the grid paints real pixmaps.

Measured:

(a) from the engine's `ScanFinished` (the moment the fake scan yields it) to the first
    paint of the review page's grid in which every visible tile of the first set has its
    picture (target < 1 s); also from the controller's `finished` signal;
(b) the longest gap between ticks of a 10 ms QTimer on the GUI thread (the stall timer
    of tests/ui/test_workers.py) while the set list is scrolled top to bottom a page at a
    time, the grid of the biggest set is scrolled down and up, and 1,000 marks are
    toggled with Space (target <= 100 ms);
(c) RSS (/proc/self/status) while every set is selected in turn, one every 20 ms (a
    held-down arrow key): the peak and the growth from 10 % of the way to the end.

    QT_QPA_PLATFORM=offscreen python -m benchmarks review_100k
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGET_FIRST_SET_S = 1.0
TARGET_STALL_MS = 100.0
TARGET_GROWTH_MB = 50.0  # "bounded": RSS from 10 % of the sets to the end (cache is capped)
STALL_TICK_MS = 10
STEP_MS = 20  # one set per step while going through every set (a held-down arrow key)
SCROLL_MS = 16  # one page of the set list per step


@dataclass(frozen=True, slots=True)
class Size:
    files: int = 100_000  # files the "scan" looked at (stats only)
    in_sets: int = 30_000  # files in sets
    sets: int = 10_000
    big_sets: int = 3  # sets with many copies, so the grid has something to scroll
    big_size: int = 300
    toggles: int = 1_000
    distinct: int = 48  # distinct pictures on disk, hard-linked under every name


TINY = Size(files=1_000, in_sets=150, sets=50, big_sets=1, big_size=24, toggles=40, distinct=6)


# -- the library on disk --------------------------------------------------------------


def _sources(folder: Path, n: int, side: int) -> list[Path]:
    """`n` distinct camera-like JPEGs (smooth noise, `side` px wide, 4:3)."""
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(12)
    out = []
    for i in range(n):
        path = folder / f"source{i:03d}.jpg"
        if not path.is_file():
            a = rng.integers(0, 255, size=(30, 40, 3), dtype=np.uint8)
            Image.fromarray(a).resize((side, side * 3 // 4), Image.Resampling.BICUBIC).save(
                path, quality=90
            )
        out.append(path)
    return out


def _set_sizes(size: Size) -> list[int]:
    """How many copies each set has: a few big ones, the rest 2-4, `in_sets` in all."""
    rest_sets = size.sets - size.big_sets
    rest_files = size.in_sets - size.big_sets * size.big_size
    if rest_sets <= 0 or rest_files < 2 * rest_sets:
        raise ValueError(f"cannot make {size.sets} sets of {size.in_sets} files")
    sizes = [2] * rest_sets
    extra = rest_files - 2 * rest_sets
    rng = random.Random(7)
    while extra:
        i = rng.randrange(rest_sets)
        if sizes[i] < 6:
            sizes[i] += 1
            extra -= 1
    return [size.big_size] * size.big_sets + sizes


def build_library(root: Path, size: Size, side: int = 2000) -> list[Any]:
    """Write (or reuse) the files and return the engine's groups for them."""
    from cleaner.models import FileEntry
    from tests.helpers.synthetic_result import synthetic_group, synthetic_metrics

    sources = _sources(root / "_sources", size.distinct, side)
    metrics = synthetic_metrics(side, side * 3 // 4)
    reason = f"kept: {side}x{side * 3 // 4}; others are smaller"
    groups = []
    n = 0
    for g, count in enumerate(_set_sizes(size)):
        members = []
        for k in range(count):
            path = root / f"Folder {g % 211:03d}" / f"copy {k % 7}" / f"IMG_{g:05d}_{k:03d}.jpg"
            if not path.is_file():
                path.parent.mkdir(parents=True, exist_ok=True)
                os.link(sources[n % len(sources)], path)
            n += 1
            st = path.stat()
            entry = FileEntry(
                path=str(path),
                size=st.st_size + (g * 7919 + k * 104729) % 9_000_000,  # varied, for the sort
                mtime_ns=st.st_mtime_ns,
                device=st.st_dev,
                inode=st.st_ino * 1000 + k,  # hard links: one name each, as distinct files
            )
            members.append(entry)
        groups.append(synthetic_group(g + 1, members, metrics=metrics, reason=reason))
    return groups


def _result(root: Path, groups: list[Any], size: Size) -> Any:
    from cleaner.models import ScanStats
    from tests.helpers.synthetic_result import result_of

    stats = ScanStats(
        files_seen=size.files,
        images=size.files,
        groups=len(groups),
        redundant_copies=size.in_sets - len(groups),
        reclaimable_bytes=sum(g.reclaimable_bytes for g in groups),
    )
    return result_of(groups, (str(root),), stats)


# -- measuring ------------------------------------------------------------------------


def rss_mb() -> tuple[float, float]:
    """(VmRSS, VmHWM) of this process in MiB."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, kb = line.split()[:2]
            values[key] = int(kb) / 1024
    return values.get("VmRSS:", 0.0), values.get("VmHWM:", 0.0)


@dataclass
class StallMeter:
    """A 10 ms QTimer on the GUI thread; the longest gap between its ticks is the stall.

    Each tick also reads the GUI thread's CPU time (`time.thread_time`), so a gap can be
    split into the GUI thread's own work and time it waited for a CPU (a loaded machine).
    """

    ticks: list[tuple[float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(STALL_TICK_MS)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self.ticks.append((time.perf_counter(), time.thread_time()))

    def start(self) -> None:
        self.load_start = os.getloadavg()[0]
        self.ticks = []
        self._tick()
        self.timer.start()

    def stop(self) -> dict[str, Any]:
        self.timer.stop()
        self._tick()
        gaps = [
            (b[0] - a[0], b[1] - a[1]) for a, b in zip(self.ticks, self.ticks[1:], strict=False)
        ]
        by_wall = sorted(gaps, reverse=True)
        by_cpu = sorted(gaps, key=lambda g: g[1], reverse=True)
        return {
            "max_gap_ms": round(by_wall[0][0] * 1000, 1) if gaps else 0.0,
            "worst_gaps_ms": [round(g[0] * 1000, 1) for g in by_wall[:5]],
            "gui_cpu_in_worst_gaps_ms": [round(g[1] * 1000, 1) for g in by_wall[:5]],
            "max_gui_cpu_in_a_gap_ms": round(by_cpu[0][1] * 1000, 1) if gaps else 0.0,
            "gaps_over_100ms": sum(1 for g in gaps if g[0] > 0.1),
            "ticks": len(self.ticks),
            "loadavg_1min": [round(self.load_start, 2), round(os.getloadavg()[0], 2)],
        }


def run_until(done: Callable[[], bool], timeout_s: float) -> bool:
    """Run the Qt event loop until `done()` or the timeout (as qtbot.waitUntil does)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(5)
    poll.timeout.connect(lambda: loop.quit() if done() else None)
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    poll.start()
    deadline.start(int(timeout_s * 1000))
    if not done():
        loop.exec()
    poll.stop()
    deadline.stop()
    return done()


def drive(steps: Iterator[object], interval_ms: int, timeout_s: float) -> int:
    """Call `next(steps)` from a QTimer every `interval_ms` until it ends; returns steps."""
    from PySide6.QtCore import QTimer

    count = 0
    finished = False

    def step() -> None:
        nonlocal count, finished
        try:
            next(steps)
            count += 1
        except StopIteration:
            finished = True
            timer.stop()

    timer = QTimer()
    timer.setInterval(interval_ms)
    timer.timeout.connect(step)
    timer.start()
    ok = run_until(lambda: finished, timeout_s)
    timer.stop()
    if not ok:
        raise TimeoutError(f"driver did not finish in {timeout_s:.0f} s ({count} steps)")
    return count


def _visible_tiles_ready(page: Any) -> bool:
    """Every tile of the shown set that is in the grid's viewport has its picture."""
    model, grid, loader = page.photo_model, page.grid, page.thumbnails
    if model.group_row < 0 or model.rowCount() == 0:
        return False
    area = grid.viewport().rect()
    seen = 0
    for r in range(model.rowCount()):
        if not grid.visualRect(model.index(r)).intersects(area):
            if seen:
                break
            continue
        seen += 1
        if loader.peek(model.member(r).path, model.thumb_size, model.dpr) is None:
            return False
    return seen > 0


# -- the run --------------------------------------------------------------------------


def run(library: Path | None = None, size: Size = Size(), side: int = 2000) -> dict[str, Any]:
    os.environ.setdefault("PHOTOSIFT_CONFIG_DIR", tempfile.mkdtemp(prefix="bench-config-"))
    os.environ.setdefault("PHOTOSIFT_DATA_DIR", tempfile.mkdtemp(prefix="bench-data-"))
    from PySide6.QtCore import QEvent, QObject, QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from cleaner import GroupsFound, ScanFinished, ScanSettings
    from ui.main_window import MainWindow
    from ui.workers import scan as scan_module

    root = library or Path(tempfile.gettempdir()) / "photosift-bench-review"
    root = root / f"{size.sets}-{size.in_sets}-{side}"
    t0 = time.perf_counter()
    groups = build_library(root, size, side)
    result = _result(root, groups, size)
    build_s = time.perf_counter() - t0
    app = QApplication.instance() or QApplication([])
    marks: dict[str, float] = {}

    def fake_scan(settings: ScanSettings, *, cancel: Any, **_: object) -> Iterator[object]:
        # the engine: every group in growing batches at the end of the score stage
        marks["first_groups"] = time.perf_counter()
        start, batch = 0, 16
        while start < len(groups):
            cancel.check()
            yield GroupsFound(tuple(groups[start : start + batch]))
            start += batch
            batch = min(batch * 2, 1024)
        marks["scan_finished"] = time.perf_counter()
        yield ScanFinished(result)

    saved_scan = scan_module.scan
    scan_module.scan = fake_scan  # type: ignore[assignment]
    window = MainWindow(cache_path=None)
    page = window.review_page
    out: dict[str, Any] = {
        "files": size.files,
        "files_in_sets": size.in_sets,
        "sets": size.sets,
        "biggest_set": max(len(g.members) for g in groups),
        "picture": f"JPEG {side}x{side * 3 // 4}, {size.distinct} distinct, hard-linked",
        "platform": QApplication.platformName(),
        "step_ms": STEP_MS,
        "build_library_s": round(build_s, 1),
    }

    class FirstSet(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if (
                event.type() == QEvent.Type.Paint
                and "shown" not in marks
                and window.pages.currentWidget() is page
            ):
                marks.setdefault("first_paint", time.perf_counter())
                if _visible_tiles_ready(page):
                    marks["shown"] = time.perf_counter()
            return False

    watcher = FirstSet()
    page.grid.viewport().installEventFilter(watcher)
    window.scanner.finished.connect(
        lambda _r: marks.setdefault("finished_signal", time.perf_counter())
    )
    stall = StallMeter()
    try:
        window.resize(1280, 820)
        window.show()
        run_until(lambda: window.isVisible(), 5)
        rss_start, _ = rss_mb()
        # (a) the scan's end to the first set shown
        stall.start()
        window.run_scan(ScanSettings(roots=(str(root),)))
        if not run_until(lambda: "shown" in marks, 120):
            raise TimeoutError("the first set was never shown")
        load_stall = stall.stop()
        out["first_set"] = {
            "from_scan_finished_s": round(marks["shown"] - marks["scan_finished"], 3),
            "from_finished_signal_s": round(marks["shown"] - marks["finished_signal"], 3),
            "from_first_groups_s": round(marks["shown"] - marks["first_groups"], 3),
            "grid_first_painted_after_finished_s": round(
                marks["first_paint"] - marks["scan_finished"], 3
            ),
            "first_set_copies": page.photo_model.rowCount(),
            "stall_while_loading": load_stall,
            "target_s": TARGET_FIRST_SET_S,
        }
        out["first_set"]["pass"] = out["first_set"]["from_scan_finished_s"] < TARGET_FIRST_SET_S
        page.grid.viewport().removeEventFilter(watcher)
        run_until(lambda: page.thumbnails.pool.activeThreadCount() == 0, 30)

        print(f"first set: {out['first_set']['from_scan_finished_s']} s", file=sys.stderr)
        # (b) stalls: scroll the set list, scroll a big set's grid, toggle marks
        stalls: dict[str, Any] = {}
        bar = page.group_view.verticalScrollBar()

        def scroll_list() -> Iterator[None]:
            bar.setValue(0)
            while bar.value() < bar.maximum():
                bar.setValue(min(bar.maximum(), bar.value() + bar.pageStep()))
                yield None

        stall.start()
        requests = page.thumbnails.requests
        n = drive(scroll_list(), SCROLL_MS, 600)
        stalls["scroll_set_list"] = {**stall.stop(), "steps": n}
        stalls["scroll_set_list"]["decodes_queued"] = page.thumbnails.requests - requests
        viewport = page.group_view.viewport()
        last = page.group_view.indexAt(QPoint(5, viewport.height() - 5)).row()
        stalls["scroll_set_list"]["last_set_reached"] = last + 1
        stalls["scroll_set_list"]["sets"] = page.group_model.rowCount()

        sizes = [len(g.members) for g in page.session.groups]
        big = max(
            range(page.group_model.rowCount()),
            key=lambda r: sizes[page.group_model.session_row(r)],
        )
        page.select_group_at(big)
        grid_bar = page.grid.verticalScrollBar()
        run_until(lambda: grid_bar.maximum() > 0, 10)

        def scroll_grid() -> Iterator[None]:
            step = max(1, grid_bar.pageStep() // 3)
            while grid_bar.value() < grid_bar.maximum():
                grid_bar.setValue(min(grid_bar.maximum(), grid_bar.value() + step))
                yield None
            while grid_bar.value() > 0:
                grid_bar.setValue(max(0, grid_bar.value() - step))
                yield None

        stall.start()
        n = drive(scroll_grid(), SCROLL_MS, 600)
        stalls["scroll_grid"] = {**stall.stop(), "steps": n, "copies": page.photo_model.rowCount()}

        def toggles() -> Iterator[None]:
            page.select_group_at(0)
            done = 0
            while done < size.toggles:
                if done and done % 10 == 0:
                    page.step_group(1)
                model = page.photo_model
                tile = 1 + (done % max(1, model.rowCount() - 1))
                page.grid.setCurrentIndex(model.index(tile))
                QTest.keyClick(page.grid, Qt.Key.Key_Space)
                done += 1
                yield None

        stall.start()
        marked_before = page.session.marked_count
        n = drive(toggles(), STALL_TICK_MS, 600)
        stalls["toggle_marks"] = {**stall.stop(), "toggles": n}
        stalls["toggle_marks"]["marked_change"] = page.session.marked_count - marked_before
        worst = max(s["max_gap_ms"] for s in stalls.values())
        out["stalls"] = {
            **stalls,
            "max_gap_ms": worst,
            "target_ms": TARGET_STALL_MS,
            "pass": worst <= TARGET_STALL_MS
            and stalls["scroll_set_list"]["last_set_reached"] == stalls["scroll_set_list"]["sets"],
        }

        print(f"stalls: {worst} ms", file=sys.stderr)
        # (c) memory while going through every set
        rows = page.group_model.rowCount()
        samples: list[tuple[int, float]] = []
        every = max(1, rows // 100)

        def every_set() -> Iterator[None]:
            for r in range(rows):
                page.select_group_at(r)
                if r % every == 0 or r == rows - 1:
                    samples.append((r, rss_mb()[0]))
                yield None

        stall.start()
        requests = page.thumbnails.requests
        n = drive(every_set(), STEP_MS, 3600)
        walk_stall = stall.stop()
        tenth = next(mb for r, mb in samples if r >= rows // 10)
        _, hwm = rss_mb()
        out["memory"] = {
            "rss_start_mb": round(rss_start, 1),
            "rss_at_10pct_mb": round(tenth, 1),
            "rss_end_mb": round(samples[-1][1], 1),
            "rss_peak_while_walking_mb": round(max(mb for _, mb in samples), 1),
            "growth_10pct_to_end_mb": round(samples[-1][1] - tenth, 1),
            "vm_hwm_mb": round(hwm, 1),
            "thumbnail_cache_mb": round(page.thumbnails.cache_bytes / 2**20, 1),
            "thumbnail_cache_cap_mb": round(page.thumbnails.max_bytes / 2**20, 1),
            "decodes_queued": page.thumbnails.requests - requests,
            "sets_walked": n,
            "stall_while_walking": walk_stall,
            "target_growth_mb": TARGET_GROWTH_MB,
            "pass": samples[-1][1] - tenth <= TARGET_GROWTH_MB,
            "samples": samples,
        }
    finally:
        stall.timer.stop()
        scan_module.scan = saved_scan  # type: ignore[assignment]
        window.close()
        window.deleteLater()
        app.processEvents()
    return out


def main() -> None:
    import argparse

    p = argparse.ArgumentParser()
    p.add_argument("--tiny", action="store_true")
    p.add_argument("--library", type=Path)
    args = p.parse_args()
    print(json.dumps(run(args.library, TINY if args.tiny else Size()), indent=1, default=str))


if __name__ == "__main__":
    main()
