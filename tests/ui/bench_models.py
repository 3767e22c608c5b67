"""Benchmark: load 20,000 groups / 60,000 files into the review page and scroll.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui.bench_models [N_GROUPS]

Prints the time of each step. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc

os.environ.setdefault("PHOTOSIFT_CONFIG_DIR", tempfile.mkdtemp(prefix="bench-config-"))

from PySide6.QtWidgets import QApplication

from tests.helpers.synthetic_result import synthetic_groups
from ui.models.session import ReviewSession
from ui.settings import Settings
from ui.thumbnails import ThumbnailLoader
from ui.widgets.review_page import ReviewPage
from ui.workers.scan import GUI_CHUNK


def timed(label: str, fn: object) -> float:
    assert callable(fn)
    t0 = time.perf_counter()
    fn()
    dt = time.perf_counter() - t0
    print(f"{label:55s} {dt * 1000:9.1f} ms")
    return dt


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert app is not None
    groups = synthetic_groups(n, per_group=3)
    files = sum(len(g.members) for g in groups)
    print(f"{n:,} groups, {files:,} files")
    session = ReviewSession()
    loader = ThumbnailLoader()
    page = ReviewPage(session, loader, Settings())
    page.resize(1200, 800)
    page.show()
    tracemalloc.start()
    chunks: list[float] = []

    def load() -> None:
        for start in range(0, n, GUI_CHUNK):
            t0 = time.perf_counter()
            session.add_groups(groups[start : start + GUI_CHUNK])
            chunks.append(time.perf_counter() - t0)
        page.finish_loading()

    timed("load into session + models (sorted)", load)
    print(f"{'  slowest chunk of ' + str(GUI_CHUNK) + ' groups':55s} {max(chunks) * 1000:9.1f} ms")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{'  Python memory peak during load':55s} {peak / 1e6:9.1f} MB")
    for key in ("copies", "folder", "space"):
        timed(f"sort by {key}", lambda key=key: page.group_model.set_sort_by(key))
    timed("filter: more than 3 copies", lambda: page.group_model.set_min_copies(3))
    timed("filter off", lambda: page.group_model.set_min_copies(0))
    bar = page.group_view.verticalScrollBar()

    def scroll() -> None:
        for i in range(101):
            bar.setValue(bar.maximum() * i // 100)
            page.group_view.viewport().repaint()

    dt = timed("scroll top to bottom, 101 repaints", scroll)
    print(f"{'  per repaint':55s} {dt / 101 * 1000:9.1f} ms")
    timed("clear all marks", session.clear_marks)
    timed("apply suggestions to all", session.apply_suggestions)
    timed("paths_to_remove()", session.paths_to_remove)
    loader.shutdown()
    page.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
