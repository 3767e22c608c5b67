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
  into FF D9 end the picture early);
- HEIF/AVIF: the top-level boxes fit in the file, and every item's data (the `iloc`
  extents) lies inside it and does not end in a run of zero bytes. libheif decodes a
  tiled phone picture whose tiles are cut off or zero-filled (an interrupted copy into
  a file given its full size beforehand) and paints the missing tiles grey, without
  an error.

Damage that stops the decoder (a zlib error, a JPEG cut short, a HEIC that libheif
refuses) never gets here: `cleaner.detect.decode` reports it as a skipped file. Flipped bytes
that only change pixel values inside JPEG or HEVC data leave no trace in the file's
structure and are not found (JPEG and HEIC carry no checksum of their pixels).
"""

from __future__ import annotations

import bisect
import re
import struct
import zlib

import numpy as np

from cleaner.models import DamageReason
from cleaner.safeopen import open_regular

Damage = tuple[DamageReason, str]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# 0xFF followed by anything but a stuffed zero: a marker, inside entropy-coded data
_MARKER = re.compile(rb"\xff[^\x00]", re.DOTALL)
# markers that may follow a scan: tables, another scan, comments, APPn, DNL, end of image
_BETWEEN_SCANS = frozenset({0xC4, 0xCC, 0xDB, 0xDD, 0xDA, 0xFE, 0xDC, 0xD9, *range(0xE0, 0xF0)})
_EOI = 0xD9
_SOS = 0xDA
# bytes of entropy-coded data compared at a time by `_marker_positions` (a few such blocks
# fit in a core's L2 cache; smaller ones cost more in numpy calls: 16 KiB blocks 2.9 ms,
# 128 KiB 1.1 ms for a 5 MB file, the regular expression 4 ms)
_MARKER_BLOCK = 1 << 17

# The formats whose structure is checked (as Pillow names them); the others get None.
CHECKED_FORMATS = frozenset({"PNG", "JPEG", "MPO", "HEIF", "AVIF"})


def file_damage(path: str, fmt: str) -> Damage | None:
    """The damage found in the file at `path` (format `fmt`, as Pillow named it), or None."""
    if fmt not in CHECKED_FORMATS:
        return None
    data = _read_regular(path)
    if data is None:
        return None  # it decoded a moment ago; a read error now is not damage
    return damage_of(data, fmt)


def damage_of(data: bytes, fmt: str) -> Damage | None:
    """The damage found in `data`, the whole contents of a file of format `fmt` (as
    Pillow named it), or None: for a caller that has read the file already."""
    if fmt not in CHECKED_FORMATS:
        return None
    if fmt == "PNG":
        return png_damage(data)
    if fmt in ("HEIF", "AVIF"):
        return heif_damage(data)
    return jpeg_damage(data)


def _read_regular(path: str) -> bytes | None:
    """The whole file, or None if it cannot be read or is no longer a regular file (a
    FIFO put in its place would block a plain open() for good: `open_regular`)."""
    try:
        with open_regular(path) as fh:
            return fh.read()
    except OSError:
        return None


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
    markers: list[int] | None = None  # of the entropy-coded data, found at the first scan
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
            if markers is None:
                markers = _marker_positions(data, pos)
            pos, problem = _skip_entropy_data(data, pos, markers)
            if problem is not None:
                return problem


def _marker_positions(data: bytes, start: int) -> list[int]:
    """Every position p >= `start` where 0xFF is followed by a byte other than 0 (a
    marker, or a fill byte before one): where `_MARKER` matches, in order, overlapping
    matches included.

    Worked out for the rest of the file at once, in numpy: a camera JPEG's entropy-coded
    data holds ~20,000 stuffed FF 00 pairs in 2-3 MB and only a few markers, and a byte
    by byte search of it (the regular expression) cost ~1.2 ms a picture, holding the
    GIL. Two comparisons a block of `_MARKER_BLOCK` bytes, into buffers that stay in the
    processor's cache (whole-file temporaries cost more in page faults than in work),
    and only a block with a marker is looked at byte by byte."""
    a = np.frombuffer(data, dtype=np.uint8)
    n = a.size - 1  # a marker needs the byte after it
    ff = np.empty(min(_MARKER_BLOCK, max(n - start, 0)), dtype=bool)
    nonzero = np.empty_like(ff)
    found: list[int] = []
    for lo in range(start, n, _MARKER_BLOCK):
        hi = min(lo + _MARKER_BLOCK, n)
        hit, after = ff[: hi - lo], nonzero[: hi - lo]
        np.equal(a[lo:hi], 0xFF, out=hit)
        np.not_equal(a[lo + 1 : hi + 1], 0, out=after)
        np.logical_and(hit, after, out=hit)
        if hit.any():
            found.extend((np.flatnonzero(hit) + lo).tolist())
    return found


def _skip_entropy_data(data: bytes, pos: int, markers: list[int]) -> tuple[int, Damage | None]:
    """Past the entropy-coded data of one scan: the position of the marker that ends it,
    checking its restart markers (FF D0-D7) come in order. `markers` holds every marker
    position (`_marker_positions`) from this scan's start or earlier to the end."""
    expected = 0
    i = bisect.bisect_left(markers, pos)
    while True:
        if i == len(markers):
            return len(data), (
                DamageReason.TRUNCATED,
                f"JPEG picture data runs to the end of the file (byte {len(data)}) "
                "without an end marker",
            )
        start = markers[i]
        marker = data[start + 1]
        if 0xD0 <= marker <= 0xD7:
            if marker != 0xD0 + expected:
                return start, (
                    DamageReason.JPEG_CORRUPT_DATA,
                    f"restart marker FF{marker:02X} out of order at byte {start}",
                )
            expected = (expected + 1) % 8
            # as a search from just past this marker: the next one starts 2 bytes on or later
            i = bisect.bisect_left(markers, start + 2, i + 1)
            continue
        if marker == 0xFF:  # fill byte(s) before the marker that ends the scan
            end = start
            while end + 1 < len(data) and data[end + 1] == 0xFF:
                end += 1
            return end, None
        return start, None


def _after_end(data: bytes, pos: int) -> Damage | None:
    """What follows the end-of-image marker. Cameras append whole pictures (MPF, starting
    FF D8) and vendor trailers, and an editor that rewrote a file in place can leave the
    tail of its older, longer version (zeros, then old bytes): all harmless. But when the
    bytes right after it are more picture data (no padding, no marker but restart
    markers) up to a second end marker that closes the file, the first one was two bytes
    of picture data flipped into FF D9, and the picture after it was thrown away."""
    rest = data[pos:].rstrip(b"\x00")
    if len(rest) < 3 or rest[0] == 0 or not rest.endswith(b"\xff\xd9"):
        return None
    for found in _MARKER.finditer(rest, 0, len(rest) - 2):
        if not 0xD0 <= rest[found.start() + 1] <= 0xD7:
            return None  # a marker: not the rest of a scan
    return (
        DamageReason.JPEG_CORRUPT_DATA,
        f"an end marker at byte {pos - 2} cuts the picture data short",
    )


# Item data that ends in this many zero bytes was never written: coded picture data does
# not end that way (HEVC's emulation prevention forbids even three zeros in a row).
_ZERO_TAIL = 64
_CODED_ITEMS = frozenset({b"hvc1", b"av01"})


def heif_damage(data: bytes) -> Damage | None:
    """Check the box structure and the item extents of a HEIF or AVIF file."""
    n = len(data)
    meta: tuple[int, int] | None = None
    for kind, start, end in _boxes(data, 0, n):
        if end > n:
            name = kind.decode("latin-1")
            return DamageReason.TRUNCATED, f"the {name!r} box at byte {start} is cut short"
        if kind == b"meta":
            meta = (start, end)
    if meta is None:
        return None  # nothing to check against; the decoder took it
    try:
        extents, types = _items(data, meta[0] + 4, meta[1])  # meta is a FullBox
    except (IndexError, ValueError, struct.error):
        return None  # a layout this walk does not know: the decoder took it
    written = len(data.rstrip(b"\x00"))
    for item, offset, length in extents:
        if offset + length > n:
            return (
                DamageReason.TRUNCATED,
                f"the data of item {item} ends at byte {offset + length}, past the end of "
                f"the file (byte {n})",
            )
        if types.get(item) in _CODED_ITEMS and offset + length > written + _ZERO_TAIL:
            return (
                DamageReason.TRUNCATED,
                f"the data of item {item} ends in {offset + length - written} zero bytes "
                "(never written)",
            )
    return None


def _boxes(data: bytes, pos: int, end: int) -> list[tuple[bytes, int, int]]:
    """(type, start of the payload, end) of the boxes in data[pos:end]; the last may run
    past `end` when the file is cut short."""
    out = []
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        header = 8
        if size == 1:
            if pos + 16 > len(data):
                break
            (size,) = struct.unpack(">Q", data[pos + 8 : pos + 16])
            header = 16
        elif size == 0:
            size = len(data) - pos
        if size < header:
            break
        out.append((kind, pos + header, pos + size))
        pos += size
    return out


def _uint(data: bytes, pos: int, size: int) -> tuple[int, int]:
    if size == 0:
        return 0, pos
    if pos + size > len(data):
        raise IndexError(pos)
    return int.from_bytes(data[pos : pos + size], "big"), pos + size


def _items(data: bytes, pos: int, end: int) -> tuple[list[tuple[int, int, int]], dict[int, bytes]]:
    """The file-offset extents (item, offset, length) of `iloc` and the item types of
    `iinf`, from the payload of a `meta` box."""
    extents: list[tuple[int, int, int]] = []
    types: dict[int, bytes] = {}
    for kind, start, stop in _boxes(data, pos, end):
        if kind == b"iloc":
            extents = _iloc(data, start, min(stop, end))
        elif kind == b"iinf":
            version = data[start]
            first = start + 4 + (2 if version == 0 else 4)
            for sub, s_start, _ in _boxes(data, first, min(stop, end)):
                if sub != b"infe" or data[s_start] < 2:
                    continue
                id_size = 2 if data[s_start] == 2 else 4
                item, p = _uint(data, s_start + 4, id_size)
                types[item] = data[p + 2 : p + 6]
    return extents, types


def _iloc(data: bytes, pos: int, end: int) -> list[tuple[int, int, int]]:
    version = data[pos]
    pos += 4
    sizes = data[pos], data[pos + 1]
    offset_size, length_size = sizes[0] >> 4, sizes[0] & 15
    base_size, index_size = sizes[1] >> 4, (sizes[1] & 15 if version in (1, 2) else 0)
    pos += 2
    count, pos = _uint(data, pos, 2 if version < 2 else 4)
    out = []
    for _ in range(count):
        item, pos = _uint(data, pos, 2 if version < 2 else 4)
        method = 0
        if version in (1, 2):
            method, pos = _uint(data, pos, 2)
            method &= 15
        pos += 2  # data_reference_index
        base, pos = _uint(data, pos, base_size)
        extent_count, pos = _uint(data, pos, 2)
        for _ in range(extent_count):
            _, pos = _uint(data, pos, index_size)
            offset, pos = _uint(data, pos, offset_size)
            length, pos = _uint(data, pos, length_size)
            if method == 0 and length:
                out.append((item, base + offset, length))
        if pos > end:
            raise ValueError("iloc runs past its box")
    return out
