"""Everything PhotoSift measures about one picture, from one small decode.

`analyse_file` is what the worker pool runs for each file: decode small, read
the metrics the quality score needs, and take the fingerprint. It returns an
`Analysis` or a `DecodeFailure`; it never raises for a bad file.
"""

from __future__ import annotations

import os
import re
from typing import Any

import numpy as np
from PIL import Image

from cleaner.detect.decode import Decoded, DecodeFailure, open_small
from cleaner.detect.fingerprint import (
    colour_signature,
    detail_of_grey32,
    fingerprint_of_grey,
    grey,
    grey32_of,
)
from cleaner.models import Analysis, ImageMetrics, TimeSource

_SCREENSHOT_NAME = re.compile(
    r"screen ?shot|screenshot|bildschirmfoto|capture d.?[ée]cran|schermafbeelding|"
    r"captura de pantalla|snip|screen_?capture",
    re.IGNORECASE,
)
_EXPORT_NAME = re.compile(
    r"thumb|preview|_small|-small|\bsmall\b|\bweb\b|_web|-web|export|resized|edited|"
    r"whatsapp|-wa\d|fb_img|received_",
    re.IGNORECASE,
)
_SCREEN_SIZES = frozenset(
    {
        (1280, 720), (1280, 800), (1366, 768), (1440, 900), (1536, 864), (1600, 900),
        (1680, 1050), (1920, 1080), (1920, 1200), (2560, 1440), (2560, 1600), (2880, 1800),
        (3024, 1964), (3456, 2234), (3840, 2160), (1170, 2532), (1179, 2556), (1284, 2778),
        (1290, 2796), (1080, 2400), (1080, 1920), (750, 1334), (828, 1792), (1125, 2436),
    }
)  # fmt: skip
EXPORT_LONG_EDGE = 1280  # a picture this small with no camera data looks like an export


def analyse_file(path: str, max_pixels: int) -> Analysis | DecodeFailure:
    decoded = open_small(path, max_pixels)
    if isinstance(decoded, DecodeFailure):
        return decoded
    try:
        return analyse_decoded(decoded, os.path.basename(path))
    except Exception as exc:  # a damaged picture can still fail late; never stop the scan
        from cleaner.models import SkipReason

        return DecodeFailure(SkipReason.CORRUPT, f"{type(exc).__name__}: {exc}"[:200])


def analyse_decoded(decoded: Decoded, name: str) -> Analysis:
    # one grey picture and one 32x32 reduction serve sharpness, detail and fingerprint
    g = grey(decoded.image)
    grey32 = grey32_of(g)
    taken, source = _capture_time(decoded.exif)
    metrics = ImageMetrics(
        format=decoded.format,
        width=decoded.width,
        height=decoded.height,
        lossless=decoded.lossless,
        jpeg_quality=decoded.jpeg_quality,
        sharpness=sharpness(g),
        detail=detail_of_grey32(grey32),
        capture_time=taken,
        camera=_camera(decoded.exif),
        has_gps=bool(decoded.exif.get(0x8825)),
        has_exif=_has_camera_exif(decoded.exif),
        looks_like_screenshot=_looks_like_screenshot(decoded, name),
        looks_like_export=_looks_like_export(decoded, name),
        orientation=decoded.orientation,
        damage=None if decoded.damage is None else decoded.damage[0],
        damage_detail="" if decoded.damage is None else decoded.damage[1],
        colour_count=decoded.colour_count,
        capture_time_source=source,
    )
    fingerprint = fingerprint_of_grey(g, grey32, colour_signature(decoded.image))
    return Analysis(metrics=metrics, fingerprint=fingerprint)


def sharpness(image: Image.Image) -> float:
    """Variance of the Laplacian of the grey picture, at a fixed analysis size.

    The picture is brought to a 256-pixel long edge first, so a copy that was
    only resized scores like its original and a blurred or over-compressed copy
    scores lower.
    """
    g = grey(image)
    w, h = g.size
    scale = 256 / max(w, h)
    if scale < 1:
        g = g.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BOX)
    a = np.asarray(g)
    if a.shape[0] < 3 or a.shape[1] < 3:
        return 0.0
    # The Laplacian of 8-bit samples is a whole number within +-1020: worked out in int16
    # and then made float32, it is exactly the array float32 arithmetic gives (every step
    # of which is exact on such numbers), for a third of the time.
    b = a.astype(np.int16)
    lap = b[1:-1, 1:-1] * 4
    lap -= b[:-2, 1:-1]
    lap -= b[2:, 1:-1]
    lap -= b[1:-1, :-2]
    lap -= b[1:-1, 2:]
    return float(lap.astype(np.float32).var())


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = str(value).strip().strip("\x00").strip()
    return text or None


_TIME_TAGS = (
    (0x9003, TimeSource.ORIGINAL),  # DateTimeOriginal
    (0x9004, TimeSource.DIGITIZED),  # DateTimeDigitized
    (0x0132, TimeSource.MODIFIED),  # DateTime: rewritten by an editor on save
)


def _capture_time(exif: dict[int, Any]) -> tuple[str | None, TimeSource | None]:
    """The capture time as "YYYY-MM-DD HH:MM:SS" and the tag it was read from."""
    for tag, source in _TIME_TAGS:
        text = _text(exif.get(tag))
        if text and re.match(r"^\d{4}:\d{2}:\d{2} \d{2}:\d{2}:\d{2}", text):
            if text.startswith("0000"):
                continue
            return text[:4] + "-" + text[5:7] + "-" + text[8:10] + text[10:19], source
    return None, None


def _camera(exif: dict[int, Any]) -> str | None:
    make = _text(exif.get(0x010F)) or ""
    model = _text(exif.get(0x0110)) or ""
    if model.lower().startswith(make.lower()):
        make = ""
    camera = f"{make} {model}".strip()
    return camera or None


def _has_camera_exif(exif: dict[int, Any]) -> bool:
    return any(exif.get(tag) for tag in (0x010F, 0x0110, 0x9003, 0x829A, 0x8827))


def _looks_like_screenshot(decoded: Decoded, name: str) -> bool:
    if _SCREENSHOT_NAME.search(name):
        return True
    size = (decoded.width, decoded.height)
    return (
        decoded.lossless
        and not _has_camera_exif(decoded.exif)
        and (size in _SCREEN_SIZES or size[::-1] in _SCREEN_SIZES)
    )


def _looks_like_export(decoded: Decoded, name: str) -> bool:
    if _has_camera_exif(decoded.exif) and decoded.format != "PNG":
        return bool(_EXPORT_NAME.search(name)) and max(decoded.width, decoded.height) < 2000
    return max(decoded.width, decoded.height) <= EXPORT_LONG_EDGE or bool(_EXPORT_NAME.search(name))
