"""Is a picture file damaged, even though it decodes?

Pillow decodes a PNG whose checksums no longer match, and a JPEG whose entropy-coded
data holds a stray marker or ends early, without a word: libjpeg only warns, and
Pillow drops its warnings. A copy damaged that way (flipped bytes on a failing disk,
an interrupted copy) must not pass for an intact picture. `file_damage` walks the
file's own structure, which is cheap next to decoding it:

- PNG: every chunk's CRC-32 and the IEND chunk at the end;
- JPEG: the marker segments, the restart markers of each scan in their 0-7 order, no
  marker inside the entropy-coded data that does not belong there, an end-of-image
  marker after the last scan, and no second end marker further on (two bytes flipped
  into FF D9 end the picture early).

Damage that stops the decoder (a zlib error, a JPEG cut short, a HEIC that libheif
refuses) never gets here: `cleaner.decode` reports it as a skipped file. Flipped bytes
that only change pixel values inside JPEG or HEVC data leave no trace in the file's
structure and are not found (JPEG and HEIC carry no checksum of their pixels).
"""

from __future__ import annotations

import re
import struct
import zlib

from cleaner.models import DamageReason

Damage = tuple[DamageReason, str]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# 0xFF followed by anything but a stuffed zero: a marker, inside entropy-coded data
_MARKER = re.compile(rb"\xff[^\x00]", re.DOTALL)
# markers that may follow a scan: tables, another scan, comments, APPn, DNL, end of image
_BETWEEN_SCANS = frozenset({0xC4, 0xCC, 0xDB, 0xDD, 0xDA, 0xFE, 0xDC, 0xD9, *range(0xE0, 0xF0)})
_EOI = 0xD9
_SOS = 0xDA


def file_damage(path: str, fmt: str) -> Damage | None:
    """The damage found in the file at `path` (format `fmt`, as Pillow named it), or None."""
    if fmt not in ("PNG", "JPEG", "MPO"):
        return None
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None  # it decoded a moment ago; a read error now is not damage
    if fmt == "PNG":
        return png_damage(data)
    return jpeg_damage(data)


def png_damage(data: bytes) -> Damage | None:
    if not data.startswith(_PNG_SIGNATURE):
        return None
    pos = len(_PNG_SIGNATURE)
    while True:
        if pos + 12 > len(data):
            return DamageReason.TRUNCATED, f"PNG ends at byte {len(data)} without its IEND chunk"
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 8 + length
        if end + 4 > len(data):
            name = kind.decode("latin-1")
            return DamageReason.TRUNCATED, f"PNG chunk {name!r} at byte {pos} is cut short"
        (crc,) = struct.unpack(">I", data[end : end + 4])
        if zlib.crc32(data[pos + 4 : end]) != crc:
            name = kind.decode("latin-1")
            return DamageReason.PNG_CHECKSUM, f"bad CRC in {name!r} chunk at byte {pos}"
        if kind == b"IEND":
            return None
        pos = end + 4


def jpeg_damage(data: bytes) -> Damage | None:
    if not data.startswith(b"\xff\xd8"):
        return None
    n = len(data)
    pos = 2
    scans = 0
    while True:
        if pos >= n:
            return DamageReason.TRUNCATED, f"JPEG ends at byte {n} without its end marker"
        if data[pos] != 0xFF:
            return DamageReason.JPEG_CORRUPT_DATA, f"no marker where one belongs, at byte {pos}"
        while pos < n and data[pos] == 0xFF:  # fill bytes before a marker
            pos += 1
        if pos >= n:
            return DamageReason.TRUNCATED, f"JPEG ends at byte {n} without its end marker"
        marker = data[pos]
        at = pos - 1
        pos += 1
        if marker == _EOI:
            if scans == 0:
                return (
                    DamageReason.JPEG_CORRUPT_DATA,
                    f"end marker before any picture data, at byte {at}",
                )
            return _after_end(data, pos)
        if scans and marker not in _BETWEEN_SCANS:
            return DamageReason.JPEG_CORRUPT_DATA, f"stray marker FF{marker:02X} at byte {at}"
        if 0xD0 <= marker <= 0xD7 or marker == 0x01 or marker == 0x00:
            return DamageReason.JPEG_CORRUPT_DATA, f"stray marker FF{marker:02X} at byte {at}"
        if pos + 2 > n:
            return DamageReason.TRUNCATED, f"JPEG ends inside a marker segment at byte {at}"
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        if length < 2:
            return (
                DamageReason.JPEG_CORRUPT_DATA,
                f"marker FF{marker:02X} at byte {at} has length {length}",
            )
        pos += length
        if pos > n:
            return DamageReason.TRUNCATED, f"JPEG ends inside a marker segment at byte {at}"
        if marker == _SOS:
            scans += 1
            pos, problem = _skip_entropy_data(data, pos)
            if problem is not None:
                return problem


def _skip_entropy_data(data: bytes, pos: int) -> tuple[int, Damage | None]:
    """Past the entropy-coded data of one scan: the position of the marker that ends it,
    checking its restart markers (FF D0-D7) come in order."""
    expected = 0
    while True:
        found = _MARKER.search(data, pos)
        if found is None:
            return len(data), (
                DamageReason.TRUNCATED,
                f"JPEG picture data runs to the end of the file (byte {len(data)}) "
                "without an end marker",
            )
        marker = data[found.start() + 1]
        if 0xD0 <= marker <= 0xD7:
            if marker != 0xD0 + expected:
                return found.start(), (
                    DamageReason.JPEG_CORRUPT_DATA,
                    f"restart marker FF{marker:02X} out of order at byte {found.start()}",
                )
            expected = (expected + 1) % 8
            pos = found.end()
            continue
        if marker == 0xFF:  # fill byte(s) before the marker that ends the scan
            end = found.start()
            while end + 1 < len(data) and data[end + 1] == 0xFF:
                end += 1
            return end, None
        return found.start(), None


def _after_end(data: bytes, pos: int) -> Damage | None:
    """What follows the end-of-image marker. Cameras append whole pictures (MPF, starting
    FF D8) and vendor trailers; padding is harmless. But when the file still ends with an
    end marker further on, the first one was two bytes of picture data flipped into
    FF D9, and the picture after it was thrown away."""
    rest = data[pos:].rstrip(b"\x00")
    if not rest or rest.startswith(b"\xff\xd8"):
        return None
    if rest.endswith(b"\xff\xd9") and b"\xff\xd8" not in rest:
        return (
            DamageReason.JPEG_CORRUPT_DATA,
            f"an end marker at byte {pos - 2} cuts the picture data short",
        )
    return None
