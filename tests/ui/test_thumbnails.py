"""Thumbnails: decoded off the GUI thread, upright, at the device pixel ratio, bounded."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QSize, QThread
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from cleaner.demo.library import DemoLibrary
from ui import thumbnails
from ui.thumbnails import ThumbnailLoader, decode_image
from ui.workers import base


def test_exif_rotated_copy_is_shown_upright(demo_library: DemoLibrary) -> None:
    stored = demo_library.root / "Phone backup/IMG_0412.jpg"
    with Image.open(stored) as im:
        assert im.width > im.height  # stored sideways
    image = decode_image(str(stored), 200, 200)
    assert image.height() > image.width()  # shown as the portrait it is


def test_large_previews_also_apply_orientation(demo_library: DemoLibrary) -> None:
    image = decode_image(str(demo_library.root / "Phone backup/IMG_0412.jpg"), 2000, 2000)
    assert (image.width(), image.height()) == (900, 1200)


def test_pixmaps_carry_the_device_pixel_ratio(qtbot: QtBot, demo_library: DemoLibrary) -> None:
    loader = ThumbnailLoader()
    path = str(demo_library.root / "Photos/2019 Summer/lake.jpg")
    size = QSize(200, 150)
    assert loader.get(path, size, 2.0) is None  # a miss queues a decode
    with qtbot.waitSignal(loader.thumbnailReady, timeout=10_000):
        pass
    pixmap = loader.get(path, size, 2.0)
    assert pixmap is not None
    assert pixmap.devicePixelRatio() == 2.0
    assert (pixmap.width(), pixmap.height()) == (400, 300)  # device pixels
    assert loader.shutdown()


def test_decoding_happens_off_the_gui_thread(
    qtbot: QtBot, demo_library: DemoLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[QThread] = []
    real = thumbnails.decode_image

    def spy(path: str, w: int, h: int) -> QImage:
        threads.append(QThread.currentThread())
        return real(path, w, h)

    monkeypatch.setattr(thumbnails, "decode_image", spy)
    loader = ThumbnailLoader()
    loader.get(str(demo_library.root / "Scans/harbour.png"), QSize(100, 100), 1.0)
    with qtbot.waitSignal(loader.thumbnailReady, timeout=10_000):
        pass
    assert threads
    assert all(t is not QThread.currentThread() for t in threads)
    assert loader.shutdown()


def test_cache_is_capped_by_bytes(qtbot: QtBot, demo_library: DemoLibrary) -> None:
    loader = ThumbnailLoader(max_bytes=3 * 100 * 100 * 4)
    paths = [str(demo_library.root / p) for p in demo_library.files]
    for p in paths:
        loader.get(p, QSize(100, 100), 1.0)
    qtbot.waitUntil(
        lambda: loader.pool.activeThreadCount() == 0 and not loader._pending, timeout=20_000
    )
    assert loader.cache_bytes <= loader.max_bytes
    assert 1 <= len(loader) < len(paths)
    assert loader.shutdown()


def test_unreadable_files_get_a_reason_not_a_retry_loop(qtbot: QtBot, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not a picture at all")
    loader = ThumbnailLoader()
    assert loader.get(str(bad), QSize(50, 50), 1.0) is None
    with qtbot.waitSignal(loader.thumbnailReady, timeout=10_000):
        pass
    assert loader.error(str(bad), QSize(50, 50), 1.0)
    requests = loader.requests
    assert loader.get(str(bad), QSize(50, 50), 1.0) is None
    assert loader.requests == requests
    assert loader.shutdown()


def test_pools_are_registered_and_drained(qtbot: QtBot) -> None:
    loader = ThumbnailLoader()
    assert loader.pool in base.registered_pools()
    assert base.drain_pools(1000)


def test_a_shut_down_loader_decodes_and_shows_nothing_more(
    qtbot: QtBot, demo_library: DemoLibrary
) -> None:
    """A decode that finishes after the close (its result already queued to the GUI
    thread) must not be shown, nor lead to a new decode: the compare dialog asked for its
    full-size picture from that late result and left its pool busy after it closed."""
    loader = ThumbnailLoader()
    shown: list[str] = []
    loader.thumbnailReady.connect(shown.append)
    path = str(demo_library.root / "Photos/2019 Summer/lake.jpg")
    size = QSize(120, 90)
    assert loader.shutdown()
    late = QImage(120, 90, QImage.Format.Format_RGB32)
    loader.decoded.emit(loader.key(path, size, 1.0), late, "")  # a result that was in flight
    assert shown == []
    assert loader.peek(path, size, 1.0) is None
    assert loader.get(path, size, 1.0) is None
    assert loader.requests == 0
    assert loader.pool.activeThreadCount() == 0
