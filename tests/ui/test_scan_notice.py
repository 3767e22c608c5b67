"""A damaged fingerprint cache is set aside by the engine (issue 10, class 9); the window
must say so too, not only the command line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cleaner.demo.library import DemoLibrary
from cleaner.models import ScanSettings
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    w = MainWindow()  # the default cache: PHOTOSIFT_CACHE_DIR, pointed at tmp by conftest
    qtbot.addWidget(w)
    w.resize(1200, 800)
    yield w
    w.close()


def test_the_window_says_when_a_damaged_cache_was_set_aside(
    window: MainWindow, qtbot: QtBot, demo_library: DemoLibrary, user_dirs: Path
) -> None:
    cache = user_dirs / "cache" / "fingerprints.sqlite3"
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(b"this is not a database, it was damaged by a crash " * 200)
    with qtbot.waitSignal(window.scanner.finished, timeout=60_000):
        window.run_scan(ScanSettings(roots=(str(demo_library.root),)))
    qtbot.waitUntil(lambda: "Looked at" in window.statusBar().currentMessage())
    message = window.statusBar().currentMessage()
    # the gist fits beside the scan's own summary; the whole line is in the tooltip
    assert "The fingerprint cache was damaged, so a new one was started" in message
    assert len(message) < 200
    assert "was set aside as fingerprints.sqlite3.damaged-" in window.statusBar().toolTip()
    assert any(p.name.startswith("fingerprints.sqlite3.damaged-") for p in cache.parent.iterdir())


def test_no_note_after_a_scan_with_a_healthy_cache(
    window: MainWindow, qtbot: QtBot, demo_library: DemoLibrary
) -> None:
    with qtbot.waitSignal(window.scanner.finished, timeout=60_000):
        window.run_scan(ScanSettings(roots=(str(demo_library.root),)))
    qtbot.waitUntil(lambda: "Looked at" in window.statusBar().currentMessage())
    assert "cache" not in window.statusBar().currentMessage()
