"""Render every screen to PNG files (not a test; run by hand or in CI for the docs).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/make_screenshots.py OUT_DIR [PHOTOS_DIR]

Without PHOTOS_DIR the sample library is used. The results view is saved as
`results.png`; `docs/screenshot-results.png` is made from it.

PHOTOS_DIR is copied to a temporary folder first, because the removal screens really move
files: to a temporary Trash (XDG_DATA_HOME and HOME point at a temporary folder before
send2trash is imported), with a temporary undo log. Nothing of yours is touched.

Scan settings: `scan-settings.png`, `scan-settings-leave-out.png` (the dialog's two tabs).

Removal screens: `confirm.png`, `progress.png`, `summary.png` (a file changed since the
scan, files on a "drive without a Trash", and the quarantine offer), `quarantine.png`,
`after-move.png`, `undo.png`, `history.png`, `export.png`, `export-done.png`.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("PHOTOSIFT_CONFIG_DIR", tempfile.mkdtemp(prefix="shots-config-"))
os.environ.setdefault("PHOTOSIFT_CACHE_DIR", tempfile.mkdtemp(prefix="shots-cache-"))
# The removal screens move files for real: to a temporary Trash and undo log.
os.environ["SHOTS_SANDBOX"] = tempfile.mkdtemp(prefix="shots-home-")
os.environ["HOME"] = os.environ["SHOTS_SANDBOX"]
os.environ["XDG_DATA_HOME"] = os.path.join(os.environ["SHOTS_SANDBOX"], ".local", "share")
os.environ["PHOTOSIFT_DATA_DIR"] = os.path.join(os.environ["SHOTS_SANDBOX"], "photosift-data")
os.environ["PHOTOSIFT_LOCK_DIR"] = os.environ["PHOTOSIFT_DATA_DIR"]

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from cleaner.demo.library import make_demo_library
from tests.ui.shots_language import apply_shots_language
from ui.main_window import MainWindow
from ui.settings import Keys
from ui.workers.base import drain_pools

_SANDBOX = Path(os.environ["SHOTS_SANDBOX"])


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
    apply_shots_language(app)  # PHOTOSIFT_SHOTS_LANG=es|pseudo (make_language_screenshots)
    assert app is not None
    QCoreApplication.setApplicationName("PhotoSift")
    if language := os.environ.get("SHOTS_LANG"):  # "es", "pseudo": the window in it
        from cleaner import set_language
        from ui.translator import install_translators

        set_language(language)
        install_translators(app)
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
    else:  # a copy: the removal screens move files
        copy = _SANDBOX / "Library" / Path(photos).name
        shutil.copytree(photos, copy, symlinks=True)
        photos = str(copy)
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    shot(window, out / "start-empty.png")
    window.start_page.add_folders([photos])
    window.settings.set(Keys.PROTECTED, [])
    window.start_page.load()
    shot(window, out / "start.png")
    from ui.widgets.scan_settings_dialog import ScanSettingsDialog

    scan_settings = ScanSettingsDialog(window.settings, window)  # shown, never saved
    scan_settings.show()
    settle()
    shot(scan_settings, out / "scan-settings.png")
    scan_settings.tabs.setCurrentIndex(1)
    settle()
    shot(scan_settings, out / "scan-settings-leave-out.png")
    scan_settings.reject()

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
    removal_screens(window, out)
    window.close()
    drain_pools()
    return 0


def removal_screens(window: MainWindow, out: Path) -> None:
    """Confirm, progress, summary with the quarantine offer, history, undo, export."""
    from send2trash import plat_other

    import cleaner.removal.trash
    from cleaner.removal.trash import TrashUnavailable

    cleaner.removal.trash.send_to_trash = plat_other.send2trash  # never the desktop's own trash
    rp = window.review_page
    window.session.apply_suggestions()
    marked = window.session.paths_to_remove()
    if not marked:
        print("no marked files: no removal screens")
        return
    # One marked file is edited after the scan; one folder is "a network drive".
    with open(marked[0], "ab") as fh:
        fh.write(b"edited")
    folders = sorted({os.path.dirname(p) for p in marked[1:]}, key=len)
    share = folders[-1] if folders else ""

    def trash(path: str) -> None:
        time.sleep(0.04)  # slow enough to see the progress
        if share and os.path.dirname(path) == share:
            raise TrashUnavailable("this drive has no trash (network drive)")
        cleaner.removal.trash.move_to_trash(path)

    window.mutations.trash = trash
    rp.trash_button.click()
    wait_until(
        lambda: (
            window.removal.confirm_dialog is not None and window.removal.confirm_dialog.isVisible()
        )
    )
    settle(200)
    confirm = window.removal.confirm_dialog
    assert confirm is not None
    shot(confirm, out / "confirm.png")
    confirm.move_button.click()
    wait_until(
        lambda: (
            window.removal.progress_dialog is not None
            and window.removal.progress_dialog.done_ok > 5
        )
    )
    if window.removal.progress_dialog is not None:
        shot(window.removal.progress_dialog, out / "progress.png")
    wait_until(lambda: window.removal.summary_dialog is not None, 300)
    settle(200)
    summary = window.removal.summary_dialog
    assert summary is not None
    shot(summary, out / "summary.png")
    quarantine = _SANDBOX / "Quarantine"
    quarantine.mkdir(exist_ok=True)
    if not summary.quarantine_box.isHidden():
        summary.q_path.setText(str(quarantine))
        summary.q_custom.setChecked(True)
        summary.q_button.click()
        wait_until(lambda: window.removal.summary_dialog is not summary, 120)
        settle(200)
        if window.removal.summary_dialog is not None:
            shot(window.removal.summary_dialog, out / "quarantine.png")
    if window.removal.summary_dialog is not None:
        window.removal.summary_dialog.close()
    wait_until(lambda: window.thumbnails.pool.activeThreadCount() == 0, 20)
    settle(400)
    shot(window, out / "after-move.png")

    window.removal.undo_last()
    wait_until(
        lambda: window.removal.undo_box is not None and window.removal.undo_box.isVisible(), 20
    )
    settle(100)
    if window.removal.undo_box is not None:
        shot(window.removal.undo_box, out / "undo.png")
        window.removal.undo_box.close()

    window.removal.show_history()
    history = window.removal.history_dialog
    assert history is not None
    wait_until(lambda: history.loaded and history.entry_model.rowCount() > 0, 20)
    history.batches.selectRow(history.batch_model.rowCount() - 1)  # the big move
    wait_until(lambda: history.entry_model.rowCount() > 3, 20)
    for row in (0, 2):
        history.entries.selectRow(row)
        history.some_button.click()
        wait_until(lambda: not window.mutations.busy(), 60)
        wait_until(lambda: history.loaded and history.entry_model.rowCount() > 3, 20)
    wait_until(lambda: not window.mutations.busy(), 60)
    wait_until(lambda: history.loaded and history.entry_model.rowCount() > 0, 20)
    settle(300)
    history.entries.selectRow(4)
    settle(100)
    shot(history, out / "history.png")
    history.close()

    window.export_report()
    export = window.export_dialog
    assert export is not None
    export.folder.setText(str(_SANDBOX / "Reports"))
    settle(200)
    shot(export, out / "export.png")
    export.start()
    wait_until(lambda: not window.reports.busy(), 300)
    settle(200)
    shot(export, out / "export-done.png")
    export.close()


if __name__ == "__main__":
    sys.exit(main())
