"""Small JPEG previews for the HTML report, made one at a time and never kept.

`make_thumbnail` decodes one file small (through `cleaner.detect.decode.open_small`, which
uses Pillow's draft mode, applies the EXIF orientation, bounds the pixel count and
knows HEIC and camera RAW files) and returns a base64 ``data:`` URI a few kilobytes
long. It never raises for a bad, missing or huge file: it returns None and the report
prints a text placeholder instead.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from PIL import Image

from cleaner.detect.decode import DecodeFailure, open_small, register_plugins
from cleaner.models import DEFAULT_MAX_PIXELS


@dataclass(frozen=True)  # no slots: tests follow each preview's lifetime with a weakref
class Thumbnail:
    data_uri: str
    width: int
    height: int


def make_thumbnail(
    path: str, size: int, max_pixels: int = DEFAULT_MAX_PIXELS, quality: int = 72
) -> Thumbnail | None:
    """A JPEG preview whose long edge is at most `size` pixels, or None if unreadable."""
    register_plugins()  # HEIC through pillow-heif; cheap after the first call
    try:
        decoded = open_small(path, max_pixels, size=size)
        if isinstance(decoded, DecodeFailure):
            return None
        with decoded.image as im:
            small = im.convert("RGB") if im.mode != "RGB" else im.copy()
        with small:
            small.thumbnail((size, size), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            small.save(buffer, "JPEG", quality=quality, optimize=True)
            width, height = small.size
    except Exception:  # a preview is a nicety: never let one file break the report
        return None
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return Thumbnail(f"data:image/jpeg;base64,{encoded}", width, height)
