"""Drag a keeper criterion with the mouse in the Scan settings dialog, on a real platform.

Run as a program (by tests/ui/test_scan_settings_dialog.py, under Xvfb with
QT_QPA_PLATFORM=xcb): presses on the last row, drags it to the top through Qt's own drag
and drop (QDrag and the platform's drag loop, as a person's mouse would), releases, and
prints the order as JSON. The offscreen platform runs no drag loop, hence a real one.
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QEventLoop, QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def main() -> int:
    app = QApplication(sys.argv[:1])
    from ui.settings import Settings
    from ui.widgets.scan_settings_dialog import ScanSettingsDialog

    def settle(ms: int = 300) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    dialog = ScanSettingsDialog(Settings())
    dialog.show()
    dialog.activateWindow()
    settle()
    view = dialog.criteria.view
    viewport = view.viewport()
    model = dialog.criteria.model
    src = view.visualRect(model.index(model.rowCount() - 1)).center()
    dst = view.visualRect(model.index(0)).topLeft() + QPoint(20, 2)

    def drop() -> None:  # runs inside the drag loop
        for k in range(1, 6):
            p = src + (dst - src) * k / 5
            QTest.mouseMove(viewport, QPoint(int(p.x()), int(p.y())))
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, dst)

    QTimer.singleShot(300, drop)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, src)
    QTest.mouseMove(viewport, src + QPoint(0, -30))  # starts the drag (and its loop)
    settle()
    print(json.dumps(dialog.criteria.order()))
    dialog.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
