"""Render the keeper reasons and the quality score's parts on real photos (not a test; run
by hand under Xvfb on the xcb platform, issue 12):

    xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb PYTHONPATH=$PWD \\
        .venv/bin/python tests/ui/make_reason_screenshots.py PHOTOS_DIR [OUT_DIR]

PHOTOS_DIR is copied into make_screenshots' sandbox first, so nothing in it is touched.
Writes the set headers, a tile's tooltip, the quality tooltip and compare as PNGs (the
tooltips grabbed from the screen, as they are windows of their own) and prints the texts.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt
from PySide6.QtGui import QCursor, QFontMetrics, QGuiApplication, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

import tests.ui.make_screenshots as ms  # first: it points HOME and the data at a sandbox
from ui.delegates.tile import PhotoTileDelegate
from ui.main_window import MainWindow
from ui.models import roles
from ui.settings import Keys


def hover(widget: QWidget, spot: QPoint, png: Path) -> None:
    """Put the pointer on `spot` of `widget`, ask for its tooltip and grab the screen."""
    where = widget.mapToGlobal(spot)
    QCursor.setPos(where)
    ms.settle(200)
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, spot, where))
    ms.settle(700)
    QGuiApplication.primaryScreen().grabWindow(0).save(str(png))
    print("saved", png)
    QToolTip.hideText()


def main() -> int:
    photos = Path(sys.argv[1])
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "/tmp/reason-shots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    assert app is not None
    QCoreApplication.setApplicationName("PhotoSift")
    library = ms._SANDBOX / "Library" / photos.name
    shutil.copytree(photos, library, symlinks=True)
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    window.start_page.add_folders([str(library)])
    window.settings.set(Keys.PROTECTED, [])
    window.start_page.load()
    window.start_scan()
    ms.wait_until(lambda: window.pages.currentWidget() is window.review_page, 300)
    rp = window.review_page

    def variety(view_row: int) -> tuple[int, int]:
        """Sets whose copies lost in the most different ways first."""
        g = window.session.groups[rp.group_model.session_row(view_row)]
        ways = {m.kept_over.criterion for m in g.members if m.kept_over}
        return len(ways), g.size

    rows = sorted(range(rp.group_model.rowCount()), key=variety, reverse=True)
    for n, row in enumerate(rows[:2]):
        rp.select_group_at(row)
        ms.wait_until(lambda: window.thumbnails.pool.activeThreadCount() == 0, 20)
        ms.settle(600)
        ms.shot(window, out / f"set{n}.png")
        print("HEADER:", rp.group_reason.text())
        print("HEADER TOOLTIP:", rp.group_reason.toolTip())
        for r in range(rp.photo_model.rowCount()):
            index = rp.photo_model.index(r)
            print(f"TILE {r}:", index.data(Qt.ItemDataRole.ToolTipRole))
            print(f"QUALITY {r}:", index.data(roles.QualityTipRole))
    rp.select_group_at(rows[0])
    ms.settle(600)
    grid = rp.grid
    tile = grid.visualRect(rp.photo_model.index(1)).adjusted(3, 3, -3, -3)
    number = PhotoTileDelegate.quality_rect(tile, QFontMetrics(grid.font())).center()
    hover(grid.viewport(), number, out / "quality-tip.png")
    hover(grid.viewport(), QPoint(tile.center().x(), tile.y() + 60), out / "tile-tip.png")
    dialog = window.compare_dialog()
    if dialog is not None:
        dialog.resize(1300, 860)
        dialog.show()
        ms.wait_until(dialog.images_loaded, 30)
        ms.settle(300)
        dialog.fit()
        ms.settle(200)
        ms.shot(dialog, out / "compare.png")
        table = dialog.table
        for r in range(table.rowCount()):
            header = table.verticalHeaderItem(r).text()
            print("COMPARE", header, [table.item(r, c).text() for c in range(table.columnCount())])
        cell = table.visualItemRect(table.item(2, 1)).center()
        hover(table.viewport(), cell, out / "compare-tip.png")
        dialog.close()
    window.close()
    ms.drain_pools()
    return 0


if __name__ == "__main__":
    sys.exit(main())
