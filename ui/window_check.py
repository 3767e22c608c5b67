"""`PHOTOSIFT_QUIT_AFTER_SHOWN=SECONDS photosift`: prove the window opens and stays open.

CI (.ci/xcb_check.sh) and the bundle test start the real program this way on the real
xcb platform under Xvfb: once the main window is on screen (exposed by the display
server), it waits SECONDS, checks the window is still shown, prints one line
("window check: ...") and quits with 0; 1 if the window never showed within a minute or
went away. Without the variable nothing here runs.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

ENV = "PHOTOSIFT_QUIT_AFTER_SHOWN"
SHOW_TIMEOUT_MS = 60_000
POLL_MS = 100


def requested() -> float | None:
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        print(f"photosift: {ENV} must be a number of seconds, not {value!r}", file=sys.stderr)
        return None


def arm(app: QApplication, window: QWidget, seconds: float) -> dict[str, int]:
    """Watch the window; the returned dict's "code" is the exit code once app.exec() ends."""
    outcome = {"code": 1}
    waited = {"ms": 0}
    poll = QTimer(app)

    def exposed() -> bool:
        handle = window.windowHandle()
        return window.isVisible() and handle is not None and handle.isExposed()

    def verdict() -> None:
        platform = QGuiApplication.platformName()
        if exposed():
            size = window.size()
            print(
                f"window check: {window.windowTitle()!r} shown on {platform}, "
                f"{size.width()}x{size.height()}, stayed up {seconds:g} s",
                flush=True,
            )
            outcome["code"] = 0
        else:
            print(f"window check: the window went away on {platform}", file=sys.stderr, flush=True)
        window.close()
        app.quit()

    def check() -> None:
        if exposed():
            poll.stop()
            QTimer.singleShot(int(seconds * 1000), verdict)
            return
        waited["ms"] += POLL_MS
        if waited["ms"] >= SHOW_TIMEOUT_MS:
            poll.stop()
            print("window check: the window never showed", file=sys.stderr, flush=True)
            window.close()
            app.quit()

    poll.timeout.connect(check)
    poll.start(POLL_MS)
    return outcome
