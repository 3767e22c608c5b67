"""Opening a saved review of 50,000 sets in the window (issue 12's leftover: "Continue
reviewing" froze the window for 0.5-1 s).

A synthetic review (`benchmarks.review_100k.build_library`: real JPEGs hard-linked under
every name, so the re-check finds every file as scanned) of 50,000 sets and 110,000 files
is written where the window keeps its saved review (`ui.autosave.write_snapshot`: the
result, and marks.json with every suggested copy marked), then the REAL main window opens
it with "Continue reviewing". Measured, as in review_100k:

- the longest gap between ticks of a 10 ms QTimer on the GUI thread from the click until
  the review is shown and one more second has passed (target <= 100 ms), with the GUI
  thread's own CPU time in the worst gaps (the rest is waiting: for a CPU on a loaded
  machine, or for Python's lock held by the load thread);
- the time from the click to the review shown with its first set;
- with --profile, where the GUI thread spends its time while the review is put on show
  (cProfile of the window's handling of the loaded review and of each part of it put on
  show, top 15 by cumulative time).

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python -m benchmarks.review_open [--sets N] [--profile]
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.review_100k import Size, StallMeter, _result, build_library, run_until

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SETS = 50_000
FILES = 110_000
AFTER_S = 1.0  # measured on after the review shows: work the open left queued


def run(
    library: Path | None = None, sets: int = SETS, files: int = FILES, profile: bool = False
) -> dict[str, Any]:
    os.environ.setdefault("PHOTOSIFT_CONFIG_DIR", tempfile.mkdtemp(prefix="bench-config-"))
    os.environ.setdefault("PHOTOSIFT_DATA_DIR", tempfile.mkdtemp(prefix="bench-data-"))
    from PySide6.QtWidgets import QApplication

    from ui import saved_review
    from ui.autosave import SavedMarks, Snapshot, write_snapshot
    from ui.main_window import MainWindow

    size = Size(files=files, in_sets=files, sets=sets, big_sets=0, big_size=0, toggles=0)
    root = (library or Path(tempfile.gettempdir()) / "photosift-bench-review") / (
        f"open-{sets}-{files}"
    )
    t0 = time.perf_counter()
    # each file as it is on disk (review_100k varies the sizes for its sort): the re-check
    # finds every copy as scanned, as in a review saved a moment ago
    groups = [
        replace(g, members=tuple(
            replace(m, entry=replace(m.entry, size=os.stat(m.path).st_size)) for m in g.members
        ))
        for g in build_library(root, size, side=640)
    ]  # fmt: skip
    result = _result(root, groups, size)
    remove = tuple(m.path for g in groups for m in g.members if m.suggested_remove)
    write_snapshot(Snapshot(result, SavedMarks(remove, len(groups), time.time())))
    build_s = time.perf_counter() - t0
    app = QApplication.instance() or QApplication([])

    profiler = cProfile.Profile() if profile else None
    if profiler is not None:  # the window's handling of the loaded review, on the GUI thread
        flow = saved_review.SavedReviewFlow
        loaded_handler, part_handler = flow._loaded, flow._next_part

        def on_loaded(self: Any, loaded: Any) -> None:
            profiler.enable()
            try:
                loaded_handler(self, loaded)
            finally:
                profiler.disable()

        def on_part(self: Any) -> None:  # each part of the review put on show
            profiler.enable()
            try:
                part_handler(self)
            finally:
                profiler.disable()

        flow._loaded = on_loaded  # type: ignore[method-assign]
        flow._next_part = on_part  # type: ignore[method-assign]
    window = MainWindow(cache_path=None)
    window.resize(1400, 900)
    window.show()
    run_until(lambda: window.start_page.continue_button.isVisible(), 10)
    run_until(lambda: False, 0.5)  # the window settles
    meter = StallMeter()
    meter.start()
    t_click = time.perf_counter()
    window.start_page.continue_button.click()
    page = window.review_page

    def shown() -> bool:
        return (
            window.pages.currentWidget() is page
            and len(window.session) == len(groups)
            and page.photo_model.rowCount() > 0
        )

    if not run_until(shown, 300):
        raise TimeoutError("the saved review did not open in 300 s")
    shown_s = time.perf_counter() - t_click
    run_until(lambda: False, AFTER_S)
    stall = meter.stop()
    out: dict[str, Any] = {
        "sets": len(groups),
        "files": sum(len(g.members) for g in groups),
        "marked": window.session.marked_count,
        "result_json_mb": round(
            os.path.getsize(Path(os.environ["PHOTOSIFT_DATA_DIR"]) / "review" / "result.json")
            / 1e6,
            1,
        ),
        "platform": QApplication.platformName(),
        "build_s": round(build_s, 1),
        "click_to_shown_s": round(shown_s, 2),
        "gui_stall": stall,
    }
    if profiler is not None:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(15)
        out["profile"] = text.getvalue().splitlines()
    window.close()
    app.processEvents()
    return out


def main() -> None:
    import argparse

    p = argparse.ArgumentParser()
    p.add_argument("--library", type=Path)
    p.add_argument("--sets", type=int, default=SETS)
    p.add_argument("--files", type=int, default=FILES)
    p.add_argument("--profile", action="store_true")
    args = p.parse_args()
    print(json.dumps(run(args.library, args.sets, args.files, args.profile), indent=1))


if __name__ == "__main__":
    main()
