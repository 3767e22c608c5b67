"""What matching reads about the pictures, in bulk: by index arrays, not one object each.

The checks of a candidate pair (`cleaner.detect.matching.confirm`) need, for the two
ends of every pair, the sides, whether the picture is low-detail, its thumbnail and its
colour; the search needs every picture's hashes. A scan holds its pictures as
`Fingerprint` and `ImageMetrics` objects (`ObjectPictures` gathers from them, as
matching always did); grouping across catalogs holds them as the catalogs' columns
(`cleaner.catalog.pictures.ColumnPictures`), where building one object per picture and
decoding every metric would cost more than the checks themselves. Both give the same
values for the same pictures, so matching gives the same pairs on either.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from cleaner.detect.checks import CHROMA_MIN
from cleaner.detect.fingerprint import COLOUR_SIDE, CROP_WINDOWS, THUMB_SIDE
from cleaner.models import DIHEDRAL_BYTES, Fingerprint, ImageMetrics

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
U8 = npt.NDArray[np.uint8]
BOOL = npt.NDArray[np.bool_]

HASH_BYTES = DIHEDRAL_BYTES + 8 * len(CROP_WINDOWS)  # a whole fingerprint's hashes
COLOUR_BYTES = 2 * COLOUR_SIDE * COLOUR_SIDE
GREY = 128  # what a missing colour signature stands for (a grey picture)


class PictureData(Protocol):
    """The pictures matching compares, numbered 0..len-1 as its fingerprints are."""

    def __len__(self) -> int: ...

    def hash_table(self) -> tuple[U8, BOOL]:
        """(N, HASH_BYTES) hashes as stored (big-endian words, crop windows zero where a
        fingerprint has none) and which pictures have crop windows."""
        ...

    def thumbs(self, index: I64) -> U8:
        """(len(index), 256) thumbnails."""
        ...

    def colours(self, index: I64) -> tuple[U8, BOOL]:
        """(len(index), 32) colour signatures (grey where a picture has none) and which
        pictures have one."""
        ...

    def sides(self, index: I64) -> tuple[F64, F64]:
        """Width and height of each picture."""
        ...

    def low_detail(self, index: I64) -> BOOL: ...

    def detail_map(self, k: int) -> bytes | None:
        """Picture k's 64x64 detail map (low-detail pictures carry one)."""
        ...

    def has_detail_map(self) -> BOOL:
        """Per picture: whether it carries a detail map (as stored: not decoded, so a
        damaged one counts; `detail_map` then gives None)."""
        ...


def coloured(colours: U8, has: BOOL) -> BOOL:
    """Per row: a signature that strays far enough from grey to be compared
    (`cleaner.detect.checks.has_colour` on each)."""
    if not len(colours):
        return np.zeros(0, dtype=bool)
    far = np.abs(colours.astype(np.int16) - GREY).max(axis=1) >= CHROMA_MIN
    return np.asarray(has & far)


class ObjectPictures:
    """`PictureData` over a scan's `Fingerprint` and `ImageMetrics` objects."""

    def __init__(self, fps: Sequence[Fingerprint], metrics: Sequence[ImageMetrics]) -> None:
        self.fps = fps
        self.metrics = metrics

    def __len__(self) -> int:
        return len(self.fps)

    def hash_table(self) -> tuple[U8, BOOL]:
        fps = self.fps
        n = len(fps)
        has = np.fromiter((len(fp.hash_bytes) == HASH_BYTES for fp in fps), dtype=bool, count=n)
        if has.all():
            # one buffer of whole fingerprints: no per-picture slices (a million small objects)
            packed = b"".join(fp.hash_bytes for fp in fps)
        else:  # some fingerprints from before crop windows (or none have them)
            blank = bytes(HASH_BYTES - DIHEDRAL_BYTES)
            packed = b"".join(
                fp.hash_bytes if ok else fp.hash_bytes[:DIHEDRAL_BYTES] + blank
                for fp, ok in zip(fps, has, strict=True)
            )
        return np.frombuffer(packed, dtype=np.uint8).reshape(n, HASH_BYTES), has

    def thumbs(self, index: I64) -> U8:
        packed = b"".join(self.fps[int(k)].thumb for k in index)
        return np.frombuffer(packed, dtype=np.uint8).reshape(len(index), THUMB_SIDE * THUMB_SIDE)

    def colours(self, index: I64) -> tuple[U8, BOOL]:
        fps = self.fps
        has = np.fromiter(
            (len(fps[int(k)].colour) == COLOUR_BYTES for k in index), bool, len(index)
        )
        blank = bytes([GREY]) * COLOUR_BYTES
        packed = b"".join(
            fps[int(k)].colour if ok else blank for k, ok in zip(index, has, strict=True)
        )
        return np.frombuffer(packed, dtype=np.uint8).reshape(len(index), COLOUR_BYTES), has

    def sides(self, index: I64) -> tuple[F64, F64]:
        m = self.metrics
        width = np.array([m[int(k)].width for k in index], dtype=np.float64)
        height = np.array([m[int(k)].height for k in index], dtype=np.float64)
        return width, height

    def low_detail(self, index: I64) -> BOOL:
        return np.array([self.metrics[int(k)].low_detail for k in index], dtype=bool)

    def detail_map(self, k: int) -> bytes | None:
        return self.fps[k].detail_map

    def has_detail_map(self) -> BOOL:
        fps = self.fps
        return np.fromiter((fp.detail_map is not None for fp in fps), bool, len(fps))
