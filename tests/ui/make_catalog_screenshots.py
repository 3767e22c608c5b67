"""Render the review of catalogs (File → Open catalogs…) to PNG files (not a test).

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb PYTHONPATH=$PWD \\
        .venv/bin/python tests/ui/make_catalog_screenshots.py OUT_DIR PHOTOS_DIR

PHOTOS_DIR's folders are split between two "servers": the first half is catalogued where
it is ("museum-nas": its pictures show), the second half is copied to a temporary folder,
catalogued there as "archive" and the copy deleted (its files are "on another computer":
placeholders). Catalogs are built with the engine's builder. Files written:
`catalogs-protect.png` (the dialog after choosing the files), `catalogs-opening.png`,
`catalogs-review.png` (a set across both servers), `catalogs-refused.png` (a damaged
catalog named above the review), `catalogs-export.png`, `catalogs-manifests.png` (the
manifests written and the next steps), `catalogs-none.png` (the start page when no catalog
opens). Nothing of yours is changed.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("PHOTOSIFT_CONFIG_DIR", tempfile.mkdtemp(prefix="shots-config-"))
os.environ.setdefault("PHOTOSIFT_CACHE_DIR", tempfile.mkdtemp(prefix="shots-cache-"))
os.environ.setdefault("PHOTOSIFT_DATA_DIR", tempfile.mkdtemp(prefix="shots-data-"))

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from tests.helpers.catalogs import build_catalog, damaged_copy
from tests.ui.make_screenshots import settle, shot, wait_until
from tests.ui.shots_language import apply_shots_language
from ui.catalog_open import ProtectCatalogsDialog
from ui.main_window import MainWindow
from ui.workers.base import drain_pools


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/catalog-shots")
    out.mkdir(parents=True, exist_ok=True)
    photos = Path(sys.argv[2])
    work = Path(tempfile.mkdtemp(prefix="shots-catalogs-"))
    folders = sorted(p for p in photos.iterdir() if p.is_dir())
    half = len(folders) // 2
    archive = work / "archive-server"
    archive.mkdir()
    for folder in folders[half:]:
        shutil.copytree(folder, archive / folder.name)
    print("building catalogs…", flush=True)
    a = build_catalog(folders[:half], "museum-nas", work / "museum-nas.catalog")  # in place
    b = build_catalog(archive, "archive", work / "archive.catalog")
    shutil.rmtree(archive)  # "on another computer" now
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_shots_language(app)  # PHOTOSIFT_SHOTS_LANG=es|pseudo (make_language_screenshots)
    assert app is not None
    QCoreApplication.setApplicationName("PhotoSift")
    window = MainWindow()
    window.resize(1500, 940)
    window.show()
    settle(300)

    protect = ProtectCatalogsDialog([str(a), str(b)], window)
    protect.checks[str(b)].setChecked(True)
    protect.show()
    settle(200)
    shot(protect, out / "catalogs-protect.png")
    protect.reject()

    window.catalogs.start([str(a), str(b)])
    shot(window, out / "catalogs-opening.png")
    wait_until(lambda: window.pages.currentWidget() is window.review_page, 300)
    rp = window.review_page
    model = rp.group_model
    from ui.models import roles

    spanning = [r for r in range(model.rowCount()) if model.index(r).data(roles.SpansRole)]
    rp.select_group_at(max(spanning, key=lambda r: model.index(r).data(roles.CopiesRole))
                       if spanning else 0)  # fmt: skip
    wait_until(lambda: window.thumbnails.pool.activeThreadCount() == 0, 30)
    settle(600)
    wait_until(lambda: window.thumbnails.pool.activeThreadCount() == 0, 30)
    settle(300)
    shot(window, out / "catalogs-review.png")

    window.export_report()
    dialog = window.catalogs.export_dialog
    if dialog is not None:
        settle(300)
        shot(dialog, out / "catalogs-export.png")
        for export, check in dialog.checks:  # the removal manifests, and what to do next
            check.setChecked(export.key == "manifests")
        dialog.folder.setText(str(work / "reports"))
        dialog.name.setText("estate-2026-11-27")
        dialog.start()
        wait_until(lambda: dialog.done_event is not None, 120)
        dialog.adjustSize()
        settle(300)
        shot(dialog, out / "catalogs-manifests.png")
        dialog.reject()

    damaged = damaged_copy(b, work / "archive-copy.catalog")
    window.catalogs.start([str(a), str(damaged)])
    wait_until(lambda: window.pages.currentWidget() is window.review_page, 300)
    wait_until(lambda: window.thumbnails.pool.activeThreadCount() == 0, 30)
    settle(600)
    shot(window, out / "catalogs-refused.png")

    foreign = work / "notes.catalog"
    foreign.write_text("not a catalog\n")
    window.catalogs.start([str(damaged), str(foreign)])
    wait_until(lambda: window.pages.currentWidget() is window.start_page, 120)
    settle(300)
    shot(window, out / "catalogs-none.png")
    window.close()
    drain_pools()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
