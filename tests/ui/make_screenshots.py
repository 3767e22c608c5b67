"""Render every screen to PNG files (not a test; run by hand or in CI for the docs).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/make_screenshots.py OUT_DIR [PHOTOS_DIR]

Without PHOTOS_DIR the sample library is used. The results view is saved as
`results.png`; `docs/screenshot-results.png` is made from it.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("PHOTOSIFT_CONFIG_DIR", tempfile.mkdtemp(prefix="shots-config-"))
os.environ.setdefault("PHOTOSIFT_CACHE_DIR", tempfile.mkdtemp(prefix="shots-cache-"))

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from cleaner.demo import make_demo_library
from ui.main_window import MainWindow
from ui.settings import Keys
from ui.thumbnails import drain_pools


def wait_until(predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    loop = QEventLoop()
    deadline = time.monotonic() + timeout
    timer = QTimer()
    timer.setInterval(20)

    def check() -> None:
        if predicate() or time.monotonic() > deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()


def settle(ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def shot(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print("saved", path)


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/ui-shots")
    out.mkdir(parents=True, exist_ok=True)
    photos = sys.argv[2] if len(sys.argv) > 2 else None
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert app is not None
    QCoreApplication.setApplicationName("PhotoSift")
    if os.environ.get("SHOTS_DARK"):  # what a dark system theme hands the app
        from PySide6.QtGui import QColor, QPalette

        assert isinstance(app, QApplication)
        app.setStyle("Fusion")
        pal = QPalette()
        roles = QPalette.ColorRole
        for role, colour in (
            (roles.Window, "#2b2b2b"), (roles.WindowText, "#e6e6e6"), (roles.Base, "#1e1e1e"),
            (roles.AlternateBase, "#333333"), (roles.Text, "#e6e6e6"), (roles.Button, "#3a3a3a"),
            (roles.ButtonText, "#e6e6e6"), (roles.Highlight, "#2f65ca"),
            (roles.HighlightedText, "#ffffff"), (roles.PlaceholderText, "#9a9a9a"),
            (roles.Mid, "#555555"),
        ):  # fmt: skip
            pal.setColor(role, QColor(colour))
        app.setPalette(pal)
    if photos is None:
        photos = str(make_demo_library(Path(tempfile.mkdtemp()) / "Sample photos").root)
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    shot(window, out / "start-empty.png")
    window.start_page.add_folders([photos])
    window.settings.set(Keys.PROTECTED, [])
    window.start_page.load()
    shot(window, out / "start.png")

    window.start_scan()
    wait_until(
        lambda: (
            window.progress_page.bar.value() > 250
            or window.pages.currentWidget() is window.review_page
        )
    )
    shot(window, out / "scanning.png")
    wait_until(lambda: window.pages.currentWidget() is window.review_page, 300)
    rp = window.review_page

    # a group with several copies makes the best picture
    def photo_group(view_row: int) -> tuple[bool, int]:
        """Prefer a group of camera photos with several copies (the README picture)."""
        group = window.session.groups[rp.group_model.session_row(view_row)]
        camera = group.keeper.metrics is not None and bool(group.keeper.metrics.camera)
        return camera, min(group.size, 5)

    best = max(range(min(rp.group_model.rowCount(), 40)), key=photo_group, default=0)
    rp.select_group_at(best)
    wait_until(lambda: window.thumbnails.pool.activeThreadCount() == 0, 20)
    settle(500)
    wait_until(lambda: window.thumbnails.pool.activeThreadCount() == 0, 20)
    settle(300)
    shot(window, out / "results.png")

    dialog = window.compare_dialog()
    if dialog is not None:
        dialog.resize(1300, 860)
        dialog.show()
        wait_until(dialog.images_loaded, 30)
        settle(300)
        dialog.fit()
        settle(100)
        shot(dialog, out / "compare.png")
        dialog.close()
    rp.tabs.setCurrentIndex(1)
    settle(100)
    shot(window, out / "skipped.png")
    rp.tabs.setCurrentIndex(0)
    window.close()
    drain_pools()
    return 0


if __name__ == "__main__":
    sys.exit(main())
