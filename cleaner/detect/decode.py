"""Open one picture defensively and decode it small.

`open_small(path)` returns the picture as displayed (EXIF orientation applied),
decoded at the smallest scale its format allows (JPEG DCT scaling through
`draft`, HEIF thumbnails, the embedded preview of a camera RAW file) together
with what its header says. Every failure becomes a `DecodeFailure` with a skip
reason; nothing here raises for a bad file.
"""

from __future__ import annotations

import io
import os
import threading
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from cleaner.detect.damage import CHECKED_FORMATS, damage_of, file_damage
from cleaner.formats import (
    Decoder,
    ImageFormat,
    Lossless,
    format_named,
    format_of_contents,
    raw_format,
    reported_name,
)
from cleaner.models import DamageReason, SkipReason
from cleaner.safeopen import NotARegularFileError, open_regular

# Long edge of the analysis image. Sharpness is measured at this size and the
# fingerprint is taken from it, so it must not depend on the file's resolution.
# 256 lets every JPEG with a long edge of 2048 px or more (every camera picture)
# decode at 1/8 DCT scale, the smallest libjpeg offers; at 512 a 12-24 MP JPEG
# decoded at 1/4, about a quarter more work for the decoder.
ANALYSIS_SIZE = 256
# Modes Pillow reduces and resizes directly (RGBA and LA premultiplied): for these a
# full decode (PNG, HEIF, WebP) is brought to the analysis size before anything else
# touches its pixels, so no full-size copy or conversion is ever made.
_RESIZABLE_MODES = frozenset({"RGB", "L", "RGBA", "LA"})
# How much Pillow reads and hands its decoder at a time (its default is 64 KiB). Each
# step releases the GIL twice (the read, the decode) and takes it back; in the scan's
# thread pool, taking it back waits while the other worker runs Python, with this core
# idle: a 2.7 MB JPEG was ~42 steps, now one. The decoded pixels do not depend on the
# step (the decoders are incremental); the cost is one buffer of up to this a worker.
READ_BLOCK = 4 << 20
# A file whose structure `cleaner.detect.damage` checks (JPEG, PNG, HEIF, AVIF) is read
# whole once, decoded from memory and checked in the same bytes: the check used to open
# and read it a second time (~0.4 ms of a JPEG's ~20 ms, and a second read of every
# such file from a disk that is not caching it). Up to this size only, so a huge file is
# never held whole before the decoder has looked at its header; a bigger one is read
# twice, as before.
WHOLE_READ_LIMIT = 64 << 20

_plugins_lock = threading.Lock()
_plugins_ready = False


def register_plugins() -> dict[str, bool]:
    """Load the optional decoders once (HEIF through pillow-heif). Returns what loaded."""
    global _plugins_ready
    with _plugins_lock:
        status = {"heif": False, "raw": False}
        try:
            import pillow_heif

            if not _plugins_ready:
                pillow_heif.register_heif_opener()
            status["heif"] = True
        except ImportError:
            pass
        try:
            import rawpy  # noqa: F401

            status["raw"] = True
        except ImportError:
            pass
        _plugins_ready = True
        return status


@dataclass(frozen=True, slots=True)
class DecodeFailure:
    reason: SkipReason
    detail: str = ""


@dataclass(slots=True)
class Decoded:
    """A small decode of one picture and the facts read from its header."""

    image: Image.Image  # RGB or L, long edge about `size` (smaller if the file is)
    format: str
    width: int  # full size as displayed (after orientation)
    height: int
    lossless: bool
    jpeg_quality: int | None
    exif: dict[int, Any]
    orientation: int
    # the file is damaged although it decodes (`cleaner.detect.damage`): the reason and where
    damage: tuple[DamageReason, str] | None = None
    colour_count: int | None = None  # see ImageMetrics.colour_count


def sniff(head: bytes) -> str | None:
    """A format name from the first bytes, for messages and RAW routing; None if unknown."""
    row = format_of_contents(head)
    return row.name if row is not None else None


def describe_non_image(head: bytes) -> str:
    text = head.lstrip()[:64].lower()
    if text.startswith((b"<!doctype html", b"<html", b"<?xml", b"<svg")):
        return "contents are a web page or XML document"
    if head.startswith(b"%PDF"):
        return "contents are a PDF document"
    if head.startswith(b"PK\x03\x04"):
        return "contents are a ZIP archive"
    if head and all(32 <= b < 127 or b in (9, 10, 13) for b in head[:256]):
        return "contents are plain text"
    return ""


def open_small(path: str, max_pixels: int, size: int = ANALYSIS_SIZE) -> Decoded | DecodeFailure:
    """Decode `path` small, as displayed: long edge `size` (ANALYSIS_SIZE for the scan;
    previews ask for more), or the file's own if smaller. Never raises for a bad or
    vanished file."""
    try:
        with open_regular(path) as fh:
            head = fh.read(64)
    except OSError as exc:
        return _os_failure(exc)
    if not head:
        return DecodeFailure(SkipReason.EMPTY)
    contents = format_of_contents(head)
    try:
        raw = raw_format(path, contents)
        if raw is not None:
            return _open_raw(path, max_pixels, size, raw)
        return _open_with_pillow(path, max_pixels, head, size)
    except Image.DecompressionBombError as exc:
        return DecodeFailure(SkipReason.TOO_LARGE, _bomb_detail(str(exc)))
    except UnidentifiedImageError:
        if contents is not None and _signature_proves_damage(contents):
            # a picture's signature, but no decoder takes it: its header is damaged
            return DecodeFailure(SkipReason.CORRUPT, f"a damaged {contents.name} file")
        return DecodeFailure(SkipReason.NOT_AN_IMAGE, describe_non_image(head))
    except MemoryError:
        return DecodeFailure(SkipReason.TOO_LARGE, "not enough memory to decode it")
    except OSError as exc:
        if isinstance(exc, (FileNotFoundError, PermissionError)):
            return _os_failure(exc)
        message = str(exc)
        if "truncated" in message or "premature end" in message.lower():
            return DecodeFailure(SkipReason.TRUNCATED)
        return DecodeFailure(SkipReason.CORRUPT, message[:200])
    except Exception as exc:  # a broken file must never stop the scan
        return DecodeFailure(SkipReason.CORRUPT, f"{type(exc).__name__}: {exc}"[:200])


def _signature_proves_damage(contents: ImageFormat) -> bool:
    decoder = contents.unreadable_means_damaged
    if decoder is None:
        return False
    # Pillow is always there; an optional decoder proves it only once it has loaded
    # (without pillow-heif, a whole HEIF file is refused just like a damaged one).
    return decoder is Decoder.PILLOW or register_plugins()[decoder.value]


def _os_failure(exc: OSError) -> DecodeFailure:
    if isinstance(exc, NotARegularFileError):
        return DecodeFailure(SkipReason.NOT_A_FILE, exc.kind)
    if isinstance(exc, FileNotFoundError):
        return DecodeFailure(SkipReason.VANISHED)
    if isinstance(exc, PermissionError):
        return DecodeFailure(SkipReason.PERMISSION_DENIED)
    return DecodeFailure(SkipReason.UNREADABLE, exc.strerror or str(exc))


def _bomb_detail(message: str) -> str:
    # "Image size (1600000000 pixels) exceeds limit of ..." -> keep the pixel count only
    digits = [w.strip("(") for w in message.split() if w.strip("(").isdigit()]
    if digits:
        return f"{int(digits[0]) / 1e6:,.0f} megapixels"
    return ""


def _too_large(width: int, height: int, max_pixels: int) -> DecodeFailure | None:
    if width * height > max_pixels:
        return DecodeFailure(
            SkipReason.TOO_LARGE,
            f"{width}x{height} pixels ({width * height / 1e6:,.0f} MP) is over the "
            f"{max_pixels / 1e6:,.0f} MP limit",
        )
    return None


def _open_with_pillow(
    path: str, max_pixels: int, head: bytes, size: int
) -> Decoded | DecodeFailure:
    register_plugins()
    data = _read_whole(path, head)
    source = io.BytesIO(data) if data is not None else open_regular(path)
    with source as fh, Image.open(fh) as im:
        im.decodermaxblock = READ_BLOCK
        fmt = reported_name((im.format or "UNKNOWN").upper())
        width, height = im.size
        failure = _too_large(width, height, max_pixels)
        if failure is not None:
            return failure
        if fmt == "PNG":
            # PNG's getexif() loads the picture itself (an eXIf chunk may follow the
            # pixels), and a decode error swallowed there left a half-decoded picture
            # that the next load() returned as whole: load first, so the error is seen.
            im.load()
        exif = _read_exif(im)
        # pillow-heif applies the HEIF transforms itself and resets the tag to 1.
        orientation = _orientation(exif)
        lossless = _is_lossless(im, fmt, head, path)
        quality = estimate_jpeg_quality(im) if fmt == "JPEG" else None
        if getattr(im, "n_frames", 1) > 1:
            im.seek(0)  # multi-page TIFF, animated GIF/WebP: the first frame
        # JPEG: the smallest DCT scale (1/8, 1/4, 1/2) whose long edge is still at least
        # `size`; pillow-heif: the smallest embedded thumbnail that big, if any. Asking
        # for the long edge only (draft wants both sides at least as big as the box)
        # lets a 4:3 picture of 2048-2735 px decode at 1/8 too.
        box = (size, 1) if im.width >= im.height else (1, size)
        im.draft("RGB" if im.mode not in ("L", "1") else "L", box)
        im.load()
        colours = _colour_count(im) if lossless else None
        # Some plugins turn the picture themselves while loading and drop the tag (Pillow's
        # TIFF reader does, and reports the displayed size from the start): turn it only once.
        to_apply = orientation if _orientation(dict(im.getexif().items())) != 1 else 1
        small = _to_8bit(_shrink(im, size) if im.mode in _RESIZABLE_MODES else im)
        small.thumbnail((size, size), Image.Resampling.BILINEAR, reducing_gap=1.0)
    small = _apply_orientation(small, to_apply)
    if to_apply in (5, 6, 7, 8):
        width, height = height, width
    damage = file_damage(path, fmt) if data is None else damage_of(data, fmt)
    return Decoded(small, fmt, width, height, lossless, quality, exif, orientation, damage, colours)


def _read_whole(path: str, head: bytes) -> bytes | None:
    """The whole file, when its first bytes say it is of a format whose structure is
    checked and it is no bigger than `WHOLE_READ_LIMIT`; else None (not read). Raises
    OSError as `open_regular` and a read do."""
    contents = format_of_contents(head)
    if contents is None or contents.name not in CHECKED_FORMATS:
        return None
    with open_regular(path) as fh:
        if os.fstat(fh.fileno()).st_size > WHOLE_READ_LIMIT:
            return None
        return fh.read()


def _colour_count(im: Image.Image) -> int | None:
    """Distinct colours of a full decode if 256 or fewer and not all grey, else None."""
    if im.mode not in ("P", "PA", "RGB", "RGBA"):
        return None  # grey, 16-bit, CMYK...: not a palette reduction of a colour photo
    if im.mode == "P":  # the entries its pixels use, not the 256 it may declare
        used = im.getcolors(256) or []
        palette = im.getpalette() or []
        rgbs = [tuple(palette[3 * int(i) : 3 * int(i) + 3]) for _, i in used]  # type: ignore[arg-type]
    else:
        counted = (im if im.mode == "RGB" else im.convert("RGB")).getcolors(256)
        if counted is None:
            return None  # more than 256: full colour
        rgbs = [tuple(c) for _, c in counted]  # type: ignore[arg-type]
    if all(len(c) == 3 and c[0] == c[1] == c[2] for c in rgbs):
        return None  # a grey picture: 256 shades is all it has
    return len(rgbs)


def _shrink(im: Image.Image, size: int) -> Image.Image:
    """`im` with its long edge brought down to `size`, as a new picture: a box `reduce`
    by the whole part of the factor, then bilinear for the rest. Returns `im` itself if
    it is small enough already.

    The box step matters for sharpness: a 4096-px JPEG decoded at 1/8 (512 px) and
    halved by a box is the same 16x16 average as its 2048-px copy decoded at 1/8; a
    bilinear halving (reducing_gap=2, Pillow's default for thumbnails) blurs it further
    and made the original score less than half as sharp as its own halved copy."""
    w, h = im.size
    if max(w, h) <= size:
        return im
    scale = size / max(w, h)
    target = (max(1, round(w * scale)), max(1, round(h * scale)))
    return im.resize(target, Image.Resampling.BILINEAR, reducing_gap=1.0)


def _to_8bit(im: Image.Image) -> Image.Image:
    """RGB or L, flattening transparency onto white and scaling 16-bit samples."""
    mode = im.mode
    if mode in ("RGB", "L"):
        return im.copy() if im.readonly else im
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        import numpy as np

        arr = np.asarray(im, dtype=np.float64)
        top = float(arr.max()) if arr.size else 0.0
        scale = 255.0 / (65535.0 if top > 255 else 255.0)
        return Image.fromarray(np.clip(arr * scale, 0, 255).astype(np.uint8), "L")
    if mode == "P" and "transparency" in im.info:
        im = im.convert("RGBA")
        mode = "RGBA"
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = im.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if mode in ("1",):
        return im.convert("L")
    return im.convert("RGB")


def _apply_orientation(im: Image.Image, orientation: int) -> Image.Image:
    method = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(orientation)
    return im.transpose(method) if method is not None else im


def _read_exif(im: Image.Image) -> dict[int, Any]:
    try:
        exif = im.getexif()
    except Exception:
        return {}
    data: dict[int, Any] = dict(exif.items())
    try:
        sub = exif.get_ifd(0x8769)  # Exif IFD: DateTimeOriginal and friends
        data.update({k: v for k, v in sub.items() if k not in data})
    except Exception:
        pass
    try:
        gps = exif.get_ifd(0x8825)
        data[0x8825] = dict(gps) if gps else data.get(0x8825)
    except Exception:
        pass
    return data


def _orientation(exif: dict[int, Any]) -> int:
    value = exif.get(0x0112, 1)
    try:
        value = int(value)
    except (TypeError, ValueError):
        return 1
    return value if 1 <= value <= 8 else 1


def _is_lossless(im: Image.Image, fmt: str, head: bytes, path: str) -> bool:
    row = format_named(fmt)
    if row is None or row.decoder is Decoder.RAWPY:
        # a format no row describes (Pillow's MPO, EPS...), or a Pillow plugin that calls
        # its format "RAW" (the RAW row is rawpy's, never Pillow's): say lossy
        return False
    if row.lossless is Lossless.UNLESS_LOSSY_COMPRESSION:
        compression = str(im.info.get("compression", "raw")).lower()
        return compression not in row.lossy_compressions
    if row.lossless is Lossless.IF_VP8L_CHUNK:
        return _webp_is_lossless(path, head)
    return row.lossless is Lossless.ALWAYS


def _webp_is_lossless(path: str, head: bytes) -> bool:
    if head[12:16] == b"VP8L":
        return True
    if head[12:16] != b"VP8X":
        return False
    try:  # extended format: walk the chunks for the image data
        with open_regular(path) as fh:
            data = fh.read(1 << 16)
    except OSError:
        return False
    pos = 12
    while pos + 8 <= len(data):
        tag = data[pos : pos + 4]
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        if tag == b"VP8L":
            return True
        if tag == b"VP8 ":
            return False
        pos += 8 + size + (size & 1)
    return False


# The IJG standard luminance quantisation table (quality 50), in natural order.
_STD_LUMA = (
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
)  # fmt: skip


def estimate_jpeg_quality(im: Image.Image) -> int | None:
    """Estimate the IJG quality (1-100) that produced the luminance table.

    Pillow returns the table in natural (row-major) order. The scale factor S is
    the mean of table/standard in percent; IJG maps quality q to S = 5000/q
    below 50 and S = 200 - 2q above it.
    """
    tables = getattr(im, "quantization", None)
    if not tables:
        return None
    luma = tables.get(0)
    if luma is None or len(luma) != 64:
        return None
    ratios = [100.0 * q / s for q, s in zip(luma, _STD_LUMA, strict=True)]
    scale = sum(ratios) / len(ratios)
    if scale <= 0:
        return None
    quality = (200.0 - scale) / 2.0 if scale <= 100.0 else 5000.0 / scale
    return int(max(1, min(100, round(quality))))


def _open_raw(path: str, max_pixels: int, size: int, row: ImageFormat) -> Decoded | DecodeFailure:
    """Decode a camera RAW file with rawpy; `row` (its registry row) names the format
    and says whether it is lossless."""
    try:
        import rawpy
    except ImportError:
        return DecodeFailure(SkipReason.UNSUPPORTED, "camera RAW support (rawpy) is not installed")
    exif = _raw_exif(path)
    try:
        raw_cm = rawpy.imread(path)
    except (rawpy.LibRawFileUnsupportedError, rawpy.NotSupportedError) as exc:
        return DecodeFailure(SkipReason.UNSUPPORTED, f"camera RAW not recognised ({exc})")
    except rawpy.LibRawIOError as exc:
        return DecodeFailure(SkipReason.CORRUPT, str(exc))
    with raw_cm as raw:
        sizes = raw.sizes
        flip = int(sizes.flip)
        width, height = int(sizes.width), int(sizes.height)
        failure = _too_large(width, height, max_pixels)
        if failure is not None:
            return failure
        if flip in (5, 6):
            width, height = height, width
        small = _raw_preview(raw, rawpy, width, height, flip, size)
        if small is None:  # no faithful preview: demosaic at half size
            rgb = raw.postprocess(half_size=True, use_camera_wb=True, output_bps=8)
            small = Image.fromarray(rgb)
            small.thumbnail((size, size), Image.Resampling.BILINEAR)
    return Decoded(small, row.name, width, height, row.lossless is Lossless.ALWAYS, None, exif, 1)


def _raw_preview(
    raw: Any, rawpy: Any, width: int, height: int, flip: int, size: int
) -> Image.Image | None:
    """The embedded preview, oriented, if it is big enough and has the picture's shape."""
    try:
        thumb = raw.extract_thumb()
    except (rawpy.LibRawNoThumbnailError, rawpy.LibRawUnsupportedThumbnailError):
        return None
    except rawpy.LibRawError:
        return None
    preview: Image.Image
    if thumb.format == rawpy.ThumbFormat.JPEG:
        jpeg = Image.open(io.BytesIO(thumb.data))
        jpeg.draft("RGB", (size, size))
        preview = ImageOps.exif_transpose(jpeg.convert("RGB"))
    elif thumb.format == rawpy.ThumbFormat.BITMAP:
        preview = Image.fromarray(thumb.data)
    else:
        return None
    pw, ph = preview.size
    if (pw > ph) != (width > height) and pw != ph:
        preview = preview.transpose(
            Image.Transpose.ROTATE_90 if flip == 5 else Image.Transpose.ROTATE_270
        )
        pw, ph = preview.size
    elif flip == 3:
        preview = preview.transpose(Image.Transpose.ROTATE_180)
    faithful = max(pw, ph) >= 256 and abs(pw / ph - width / height) < 0.05 * (width / height)
    if not faithful:
        return None
    preview.thumbnail((size, size), Image.Resampling.BILINEAR)
    return preview


def _raw_exif(path: str) -> dict[int, Any]:
    """EXIF of TIFF-based RAW files (CR2, NEF, ARW, DNG...) through Pillow's TIFF reader."""
    try:
        with open_regular(path) as fh, Image.open(fh) as im:
            return _read_exif(im)
    except Exception:
        return {}
