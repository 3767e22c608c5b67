"""Thumbnails: decoded off the GUI thread, sized for the screen, cached by bytes.

- `ThumbnailLoader.get(path, size, dpr)` returns a cached QPixmap or None. On a miss
  it queues one decode (only the rows a view paints ask, so only visible rows load).
- A `QRunnable` on the loader's own `QThreadPool` (cores - 1 threads) decodes with
  Pillow: `draft()` for a fast JPEG/HEIF reduction, `exif_transpose`, `thumbnail()` at
  logical size x device pixel ratio, into a **QImage** (never a QPixmap off the GUI
  thread: a QPixmap made outside the GUI thread crashes or draws garbage).
- The GUI thread turns it into a QPixmap, sets its device pixel ratio (else it looks
  blurry on a high-DPI screen), stores it in an LRU capped by bytes, and emits
  `thumbnailReady(path)`.
- `cancel_pending()` clears the queue when the view changes (a new group is shown).
- The pool is registered with the workers' registry (`ui.workers.base`), so the window's
  shutdown drains it with every other pool.
- `locate` (a review of catalogs, `ui.catalog_open`) maps a shown path to the file on
  this machine, in the pool thread: a file that is not there gets the error
  `UNREACHABLE`, which the delegates paint as a placeholder saying where the file is.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageOps
from PySide6.QtCore import QObject, QRunnable, QSize, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage, QPixmap

from cleaner import N_, RAW_EXTENSIONS, DecodeFailure, open_small, register_plugins
from ui.workers.base import register_pool

DEFAULT_CACHE_BYTES = 192 * 1024 * 1024
MAX_SOURCE_PIXELS = 200_000_000  # refuse to even start on a bigger picture
# Up to this long edge (device pixels) a thumbnail comes from the engine's small decode.
SMALL_DECODE_MAX = 512
# The error of a file that is on another machine (not reachable from this one).
UNREACHABLE = "not on this computer"


def thumbnail_threads() -> int:
    return max(1, (os.cpu_count() or 2) - 1)


# -- decoding (worker threads) ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThumbKey:
    path: str
    width: int  # device pixels
    height: int
    dpr: float  # the device pixel ratio the pixmap is for


def decode_image(path: str, width: int, height: int) -> QImage:
    """Decode `path` to a QImage that fits width x height device pixels (any thread).

    Up to SMALL_DECODE_MAX (512 px) this uses the engine's small decode at that size,
    which knows camera RAW previews, HEIF, 16-bit and EXIF orientation. Larger (for
    the compare view) it decodes with Pillow's `draft` + `exif_transpose`.
    Raises ValueError (or an OSError from Pillow) for a file that cannot be shown.
    """
    register_plugins()
    ext = os.path.splitext(path)[1].lower()
    if max(width, height) <= SMALL_DECODE_MAX or ext in RAW_EXTENSIONS:
        decoded = open_small(path, MAX_SOURCE_PIXELS, size=max(width, height))
        if isinstance(decoded, DecodeFailure):
            raise ValueError(decoded.reason.label)
        pic = decoded.image
    else:
        with Image.open(path) as im:
            if im.width * im.height > MAX_SOURCE_PIXELS:
                raise ValueError(N_("too large to preview"))  # English, shown through _()
            # draft() lets JPEG decode straight to a smaller size; orientation 5-8 swaps
            # the sides, so ask for the larger box in both directions.
            side = max(width, height)
            im.draft("RGB", (side, side))
            pic = ImageOps.exif_transpose(im)
            pic.load()
    if pic.mode not in ("RGB", "RGBA"):
        has_alpha = "A" in pic.getbands() or "transparency" in pic.info
        pic = pic.convert("RGBA" if has_alpha else "RGB")
    pic.thumbnail((width, height), Image.Resampling.BILINEAR, reducing_gap=2.0)
    if pic.mode == "RGBA":
        fmt, data, bpl = QImage.Format.Format_RGBA8888, pic.tobytes("raw", "RGBA"), pic.width * 4
    else:
        fmt, data, bpl = QImage.Format.Format_RGB888, pic.tobytes("raw", "RGB"), pic.width * 3
    # QImage does not own `data`: copy() gives it its own buffer before `data` goes.
    return QImage(data, pic.width, pic.height, bpl, fmt).copy()


class _Unreachable(Exception):
    pass


class _Decode(QRunnable):
    def __init__(self, loader: ThumbnailLoader, key: ThumbKey) -> None:
        super().__init__()
        self._loader = loader
        self._key = key
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            path = self._key.path
            locate = self._loader.locate
            if locate is not None:  # a path of a catalog: is the file on this machine?
                found = locate(path)
                if found is None or not os.path.isfile(found):
                    raise _Unreachable
                path = found
            image = decode_image(path, self._key.width, self._key.height)
            error = ""
        except _Unreachable:
            image, error = QImage(), UNREACHABLE
        except Exception as exc:  # one bad file never stops the pool
            image, error = QImage(), f"{type(exc).__name__}: {exc}"
        # Emitting from this thread queues the call into the loader's (GUI) thread.
        self._loader.decoded.emit(self._key, image, error)


# -- the loader (GUI thread) -----------------------------------------------------------


class ThumbnailLoader(QObject):
    """Lazily decodes thumbnails on its own pool and caches them as QPixmaps."""

    thumbnailReady = Signal(str)  # path
    decoded = Signal(object, QImage, str)  # internal: ThumbKey, image, error

    def __init__(
        self,
        max_bytes: int = DEFAULT_CACHE_BYTES,
        threads: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.max_bytes = max_bytes
        self._cache: OrderedDict[ThumbKey, QPixmap] = OrderedDict()
        self._bytes = 0
        self._failed: OrderedDict[ThumbKey, str] = OrderedDict()
        self._pending: set[ThumbKey] = set()
        self._closed = False  # after shutdown(): nothing new is decoded or shown
        self.pool = register_pool(QThreadPool())
        self.pool.setMaxThreadCount(threads or thumbnail_threads())
        self.decoded.connect(self._on_decoded)
        self.requests = 0  # how many decodes were queued (tests and the benchmark read it)
        # shown path -> the file on this machine or None (called in the pool threads)
        self.locate: Callable[[str], str | None] | None = None

    @property
    def cache_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._cache)

    @staticmethod
    def key(path: str, size: QSize, dpr: float) -> ThumbKey:
        w, h = max(1, round(size.width() * dpr)), max(1, round(size.height() * dpr))
        return ThumbKey(path, w, h, dpr)

    def get(self, path: str, size: QSize, dpr: float) -> QPixmap | None:
        """The cached thumbnail, or None after queueing a decode (at most one per key)."""
        key = self.key(path, size, dpr)
        pixmap = self._cache.get(key)
        if pixmap is not None:
            self._cache.move_to_end(key)
            return pixmap
        if key in self._failed or key in self._pending or self._closed:
            return None
        self._pending.add(key)
        self.requests += 1
        self.pool.start(_Decode(self, key))
        return None

    def peek(self, path: str, size: QSize, dpr: float) -> QPixmap | None:
        """The cached thumbnail or None, without queueing a decode."""
        return self._cache.get(self.key(path, size, dpr))

    def error(self, path: str, size: QSize, dpr: float) -> str | None:
        """Why a thumbnail could not be made, if it could not."""
        return self._failed.get(self.key(path, size, dpr))

    def cancel_pending(self) -> None:
        """Forget queued decodes (a different group is now on screen)."""
        self.pool.clear()
        self._pending.clear()

    def clear(self) -> None:
        self.cancel_pending()
        self._cache.clear()
        self._failed.clear()
        self._bytes = 0

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Stop for good: queued decodes are dropped, running ones waited for (bounded),
        and a decode that finishes later is not shown. A closed compare dialog used to
        ask for its full-size picture when its overview arrived after the close, so its
        pool went on decoding for a window nobody saw."""
        self._closed = True
        self.pool.clear()
        self._pending.clear()
        return bool(self.pool.waitForDone(timeout_ms))

    @Slot(object, QImage, str)
    def _on_decoded(self, key: ThumbKey, image: QImage, error: str) -> None:
        self._pending.discard(key)
        if self._closed:
            return
        if image.isNull():
            self._failed[key] = error or N_("could not be shown")
            while len(self._failed) > 10_000:
                self._failed.popitem(last=False)
        else:
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(key.dpr)
            self._insert(key, pixmap)
        self.thumbnailReady.emit(key.path)

    def _insert(self, key: ThumbKey, pixmap: QPixmap) -> None:
        cost = pixmap.width() * pixmap.height() * 4
        old = self._cache.pop(key, None)
        if old is not None:
            self._bytes -= old.width() * old.height() * 4
        self._cache[key] = pixmap
        self._bytes += cost
        while self._bytes > self.max_bytes and len(self._cache) > 1:
            _, dropped = self._cache.popitem(last=False)
            self._bytes -= dropped.width() * dropped.height() * 4
