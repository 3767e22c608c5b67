"""Render View → Language's restart box (not a test; make_language_screenshots.py runs it
for each language, or by hand):

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb PYTHONPATH=$PWD \\
        PHOTOSIFT_SHOTS_LANG=es .venv/bin/python tests/ui/make_language_box_screenshot.py OUT

The window is in `PHOTOSIFT_SHOTS_LANG` (tests/ui/shots_language.py) and the other
language is chosen, as a user who picked it by mistake would: English from a Spanish
window, Español from an English or pseudo-locale one. Saves `language-restart.png` (the
box alone) into OUT. The settings it writes go to a temporary folder (make_screenshots.py
points PHOTOSIFT_CONFIG_DIR there when imported).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from tests.ui.make_screenshots import settle, shot, wait_until
from tests.ui.shots_language import apply_shots_language


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/language-box")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    language = apply_shots_language(app)
    QCoreApplication.setApplicationName("PhotoSift")
    from ui.main_window import MainWindow

    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    settle()
    chosen = "en" if language == "es" else "es"
    window.language_menu.restart = lambda reviewing: True  # never start another PhotoSift
    window.language_menu.actions[chosen].trigger()
    wait_until(
        lambda: window.language_menu.box is not None and window.language_menu.box.isVisible()
    )
    box = window.language_menu.box
    assert box is not None
    settle()
    shot(box, out / "language-restart.png")
    box.close()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
