"""Perceptual fingerprints and content digests.

The perceptual hash is ImageHash's pHash (DCT of a 32x32 grey picture, 64 bits),
taken of the picture as displayed and of its seven rotations/mirrorings so that
rotated copies can be matched on request without decoding again, and of the
centre of the picture (`CROP_WINDOWS`), so that a copy with a few per cent cut
off its edges hashes like that window of its original.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

import numpy as np
from PIL import Image

from cleaner.models import LOW_DETAIL_STD, Fingerprint
from cleaner.safeopen import open_regular

HASH_SIZE = 8  # pHash of 8x8 DCT coefficients: 64 bits
# Bumped whenever a change to this module changes fingerprints; stored in the cache key.
# 2: crop-window hashes added. 3: analysed at 256 px (cleaner.detect.decode), colour signature,
# the eight orientation hashes from one DCT. 4: box reduction to the analysis size.
# 5: metrics carry damage found in the file and the colour count of palette pictures.
ALGORITHM_VERSION = 5

# The dihedral group, as operations on a square numpy array, in Fingerprint.hashes order.
TRANSFORMS: tuple[tuple[str, Callable[[np.ndarray], np.ndarray]], ...] = (
    ("identity", lambda a: a),
    ("rotate90", lambda a: np.rot90(a, 1)),
    ("rotate180", lambda a: np.rot90(a, 2)),
    ("rotate270", lambda a: np.rot90(a, 3)),
    ("mirror", lambda a: a[:, ::-1]),
    ("mirror+rotate90", lambda a: np.rot90(a[:, ::-1], 1)),
    ("mirror+rotate180", lambda a: np.rot90(a[:, ::-1], 2)),
    ("mirror+rotate270", lambda a: np.rot90(a[:, ::-1], 3)),
)

_DCT_MOVES: tuple[tuple[bool, bool, bool], ...] = ()  # filled below, once TRANSFORMS exist

THUMB_SIDE = 16
DETAIL_SIDE = 64
# Centre windows hashed for crop matching, as fractions of the picture (left, top, right,
# bottom). A light crop (a few per cent off each side, as photo editors and "fit to
# frame" exports do) rescales what is left by up to ~10 %, which moves a pHash past the
# threshold; the crop then hashes like the matching window of its original. One
# window, the middle 92 %, covers 3-5 % off each side; the index searches each window
# against every picture, so each one costs a full extra pass on big libraries.
CROP_WINDOWS: tuple[tuple[float, float, float, float], ...] = ((0.04, 0.04, 0.96, 0.96),)


def grey(image: Image.Image) -> Image.Image:
    return image if image.mode == "L" else image.convert("L")


def phash_int(grey32: Image.Image) -> int:
    """ImageHash's pHash of a 32x32 grey picture, as a 64-bit integer."""
    return _bits_above_median(_low_dct(np.asarray(grey32)))


def _low_dct(pixels: np.ndarray) -> np.ndarray:
    """The 8x8 lowest frequencies of the 2-D DCT of a 32x32 picture, exactly as
    ImageHash's pHash takes them (scipy.fftpack's DCT-II, rows then columns)."""
    import scipy.fftpack

    dct = scipy.fftpack.dct(scipy.fftpack.dct(pixels, axis=0), axis=1)
    return np.asarray(dct[:HASH_SIZE, :HASH_SIZE])


def _bits_above_median(low: np.ndarray) -> int:
    # row-major, first coefficient the most significant bit, as ImageHash packs them
    return int.from_bytes(np.packbits(low > np.median(low)).tobytes(), "big")


def _as_dct_sign_changes(transform: Callable[[np.ndarray], np.ndarray]) -> tuple[bool, bool, bool]:
    """A dihedral transform as (transpose, flip rows, flip columns), applied in that order.

    Flipping a picture along an axis multiplies its DCT coefficients along that axis by
    (-1)^k, and transposing it transposes them: so the pHash of every turn and mirror
    comes from one DCT instead of eight.
    """
    probe = np.arange(12).reshape(3, 4)
    for t in (False, True):
        for f0 in (False, True):
            for f1 in (False, True):
                a = probe.T if t else probe
                a = a[::-1] if f0 else a
                a = a[:, ::-1] if f1 else a
                if a.shape == transform(probe).shape and np.array_equal(a, transform(probe)):
                    return t, f0, f1
    raise ValueError("not a dihedral transform")


_SIGNS = np.array([(-1.0) ** k for k in range(HASH_SIZE)])
_MIDDLE = HASH_SIZE * HASH_SIZE // 2  # the median of 64 coefficients: of the 32nd and 33rd


def dihedral_phashes(grey32: Image.Image) -> tuple[int, ...]:
    """pHash of the picture in each of `TRANSFORMS`, from one DCT (see
    `_as_dct_sign_changes`). The first is exactly ImageHash's pHash; the others equal
    the pHash of the turned picture except where a coefficient ties the median to within
    rounding, which only a flat picture has (and those are low-detail, checked apart)."""
    # all eight at once: the coefficients of each, gathered and signed in one step (a sign
    # of +-1 changes no bit of a value, so these are the very numbers the moves give),
    # then one median per row; a loop of eight medians and bit-packings cost ~1 ms a picture
    moved = np.take(_low_dct(np.asarray(grey32)), _MOVED_AT) * _MOVED_SIGNS
    # each row's median as np.median takes it (the mean of the 32nd and 33rd values, by
    # partition) without its checks and axis handling, which cost 4x the arithmetic
    middle = np.partition(moved, (_MIDDLE - 1, _MIDDLE), axis=1)
    above = moved > ((middle[:, _MIDDLE - 1] + middle[:, _MIDDLE]) / 2)[:, None]
    return tuple(int.from_bytes(row.tobytes(), "big") for row in np.packbits(above, axis=1))


def fingerprint(image: Image.Image) -> Fingerprint:
    """Fingerprint a small decode of a picture (any size, as displayed)."""
    g = grey(image)
    return fingerprint_of_grey(g, grey32_of(g), colour_signature(image))


COLOUR_SIDE = 4


def colour_signature(image: Image.Image) -> bytes:
    """The picture's colour without its brightness: the Cb and Cr planes (YCbCr, 128 =
    no colour) of a 4x4 reduction, 32 bytes, or b"" for a grey picture. Hashes and
    thumbnails are grey, so this is what tells a red version of a design from a green
    one; a black-and-white copy of a colour photo has none and is not compared."""
    if image.mode not in ("RGB", "RGBA", "P", "CMYK", "YCbCr", "LAB", "HSV"):
        return b""
    rgb = image if image.mode == "RGB" else image.convert("RGB")  # (converting copies)
    small = rgb.resize((COLOUR_SIDE, COLOUR_SIDE), Image.Resampling.BOX)
    planes = np.asarray(small.convert("YCbCr"), dtype=np.uint8)[:, :, 1:]
    return np.ascontiguousarray(planes.transpose(2, 0, 1)).tobytes()


def grey32_of(g: Image.Image) -> Image.Image:
    """The 32x32 grey picture that pHash and the detail measure are taken from."""
    return g.resize((32, 32), Image.Resampling.LANCZOS)


def detail_of_grey32(grey32: Image.Image) -> float:
    """Standard deviation of the 32x32 grey thumbnail: how much is going on in the picture."""
    return float(np.asarray(grey32, dtype=np.float32).std())


def fingerprint_of_grey(g: Image.Image, grey32: Image.Image, colour: bytes = b"") -> Fingerprint:
    """The fingerprint from the grey picture and its 32x32 reduction (computed once by
    the caller, which also needs them for the detail measure and sharpness), with the
    colour signature of the picture it came from."""
    hashes = dihedral_phashes(grey32)
    crops = tuple(phash_int(crop_grey32(g, window)) for window in CROP_WINDOWS)
    thumb = grey32.resize((THUMB_SIDE, THUMB_SIDE), Image.Resampling.BOX).tobytes()
    detail_map: bytes | None = None
    # kept with a margin, so a copy just over the line can still be compared with one under it
    if detail_of_grey32(grey32) < LOW_DETAIL_STD * 1.5:
        detail_map = g.resize((DETAIL_SIDE, DETAIL_SIDE), Image.Resampling.BOX).tobytes()
    return Fingerprint.from_hashes(hashes, thumb, detail_map, crops, colour)


def crop_grey32(g: Image.Image, window: tuple[float, float, float, float]) -> Image.Image:
    """The 32x32 reduction of one window of the grey picture (fractions of its sides)."""
    w, h = g.size
    box = (window[0] * w, window[1] * h, window[2] * w, window[3] * h)
    return g.resize((32, 32), Image.Resampling.LANCZOS, box=box)


CHUNK = 1 << 20
PREFIX_BYTES = 64 * 1024


def sha256_file(path: str | os.PathLike[str], check: Callable[[], None] | None = None) -> str:
    """SHA-256 of a whole file, read in 1 MiB chunks; `check` is called between chunks.
    Raises `NotARegularFileError` (an OSError) at once for a pipe, device or socket."""
    digest = hashlib.sha256()
    with open_regular(path) as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            if check is not None:
                check()
    return digest.hexdigest()


def prefix_digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 of the first 64 KiB: tells most same-size files apart with one small read."""
    with open_regular(path) as fh:
        return hashlib.sha256(fh.read(PREFIX_BYTES)).hexdigest()


_DCT_MOVES = tuple(_as_dct_sign_changes(transform) for _, transform in TRANSFORMS)


def _dct_moves_as_gather() -> tuple[np.ndarray, np.ndarray]:
    """`_DCT_MOVES` as (where each transform's coefficient k comes from in the row-major
    8x8 low DCT, its sign): one (8, 64) index and one (8, 64) sign array."""
    at = np.arange(HASH_SIZE * HASH_SIZE).reshape(HASH_SIZE, HASH_SIZE)
    ones = np.ones((HASH_SIZE, HASH_SIZE))
    index, signs = [], []
    for transpose, flip_rows, flip_columns in _DCT_MOVES:
        where, sign = (at.T, ones.T) if transpose else (at, ones)
        if flip_rows:
            sign = sign * _SIGNS[:, None]
        if flip_columns:
            sign = sign * _SIGNS[None, :]
        index.append(where.ravel())
        signs.append(sign.ravel())
    return np.array(index), np.array(signs)


_MOVED_AT, _MOVED_SIGNS = _dct_moves_as_gather()
