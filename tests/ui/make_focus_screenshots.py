"""Render where the keyboard focus shows (not a test; run by hand, like make_screenshots):

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb PYTHONPATH=. \\
        .venv/bin/python tests/ui/make_focus_screenshots.py OUT_DIR [PHOTOS_DIR]

Set SHOTS_DARK=1 for the dark palette (as make_screenshots.py). Saves `focus-tile.png`
(the grid focused: its ring and the current tile's), `focus-set-row.png` (the set list
focused), `focus-button.png` (a button), `focus-start.png` (the folder list) and
`focus-compare.png` (a copy's Keep / Remove button in Compare)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from tests.ui.make_screenshots import settle, shot, wait_until


def focus(widget: QWidget) -> None:
    widget.window().activateWindow()
    wait_until(lambda: QApplication.activeWindow() is widget.window(), 5)
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    wait_until(widget.hasFocus, 5)
    settle(200)


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/focus-shots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if len(sys.argv) < 3:
        from cleaner.demo.library import make_demo_library

        photos = str(make_demo_library(Path(tempfile.mkdtemp()) / "Sample photos").root)
    else:
        photos = sys.argv[2]
    from ui.main_window import MainWindow

    if os.environ.get("SHOTS_DARK"):  # what a dark system theme hands the app
        from tests.ui.test_contrast import dark_palette

        assert isinstance(app, QApplication)
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    window.start_page.add_folders([photos])
    window.start_page.load()
    folders = window.start_page.folders
    folders.setCurrentItem(folders.topLevelItem(0))
    focus(folders)
    shot(window, out / "focus-start.png")
    window.start_scan()
    wait_until(lambda: window.pages.currentWidget() is window.review_page, 300)
    rp = window.review_page
    wait_until(lambda: window.thumbnails.pool.activeThreadCount() == 0, 20)
    settle(500)
    rp.grid.setCurrentIndex(rp.photo_model.index(1))
    focus(rp.grid)
    shot(window, out / "focus-tile.png")
    focus(rp.group_view)
    shot(window, out / "focus-set-row.png")
    focus(rp.compare_button)
    shot(window, out / "focus-button.png")
    dialog = window.compare_dialog()
    if dialog is not None:
        dialog.resize(1300, 860)
        dialog.show()
        wait_until(dialog.images_loaded, 30)
        dialog.fit()
        focus(dialog.panels[1].mark)
        shot(dialog, out / "focus-compare.png")
        dialog.close()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
