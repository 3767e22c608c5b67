"""Entry point of the window: `photosift` with no arguments, or `photosift-gui`."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication, QLabel

    from cleaner import __version__

    args = list(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication([sys.argv[0], *args])
    label = QLabel(
        f"PhotoSift {__version__}\n\nThe window is on its way. Meanwhile: photosift scan --help"
    )
    label.setMargin(40)
    label.setWindowTitle("PhotoSift")
    label.show()
    if "--smoke-test" in args:
        return 0
    return int(app.exec())
