"""How a catalog stores a picture's 16x16 grey thumbnail (schema 4; docs/catalog.md, the
`thumb` column), and reading it back to exactly the bytes the engine made.

The thumbnail is the largest part of a row without a detail map (256 of ~640 bytes), and
the pictures that carry a map (skies, blank pages, studio shots on white) have smooth
thumbnails that compress well. Schema 4 stores it as:

    the raw DEFLATE stream (no zlib header; level 9) of the thumbnail with each byte
    replaced by its difference from the gradient prediction W + N - NW (the pixel to the
    left plus the one above minus the one above-left; modulo 256), when that is at most
    224 bytes (`MIN_SAVING`); else the 256 bytes as they are

so a 256-byte blob is a plain thumbnail (every one of schemas 1 to 3), and a shorter one
is encoded. The prediction is the two differences "row minus the row above" and "column
minus the column to the left" applied one after the other, so decoding is two cumulative
sums, which numpy does for a whole batch of rows at once: grouping reads every row's
thumbnail (`cleaner.catalog.columns`), a million of them, so only the inflate is per row.
Measured on the 1,426 distinct pictures of the evaluation and scale corpora
(benchmarks/README.md, "Catalog size, session 9"): 162 bytes for a low-detail picture's
thumbnail and 227 for another's (every one encoded that gets shorter: 161 and 222; the
row above alone: 167 and 230).
"""

from __future__ import annotations

import sqlite3
import zlib

import numpy as np
import numpy.typing as npt

from cleaner.detect.fingerprint import THUMB_SIDE

THUMB_BYTES = THUMB_SIDE * THUMB_SIDE
# An encoded thumbnail costs its reader an inflate (~3-4 us of a ~8 us row in the
# columnar read), so it is stored encoded only when that saves at least this many bytes:
# on the kit's real pictures, 96 % of low-detail thumbnails still are (161 -> 162 bytes
# on average) and 42 % of the others (222 -> 227), which halves the inflates of a
# catalog of camera photos.
MIN_SAVING = 32


class ThumbnailError(ValueError):
    """A stored thumbnail that does not decode to 256 bytes (damaged or edited)."""


def encode(plain: bytes) -> bytes:
    """The 16x16 thumbnail (256 bytes, row after row) as a schema-4 catalog stores it."""
    if len(plain) != THUMB_BYTES:
        raise ValueError(f"a thumbnail is {THUMB_BYTES} bytes, not {len(plain)}")
    t = np.frombuffer(plain, dtype=np.uint8).reshape(THUMB_SIDE, THUMB_SIDE)
    rows = t.copy()
    np.subtract(t[1:], t[:-1], out=rows[1:])  # uint8: modulo 256
    residual = rows.copy()
    np.subtract(rows[:, 1:], rows[:, :-1], out=residual[:, 1:])
    z = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY)
    packed = z.compress(residual.tobytes()) + z.flush()
    return packed if len(packed) <= THUMB_BYTES - MIN_SAVING else plain


def residual(blob: bytes) -> bytes | None:
    """The 256 prediction residuals an encoded `blob` holds, or None for a plain
    thumbnail (256 bytes); raises `ThumbnailError` for anything else."""
    if len(blob) == THUMB_BYTES:
        return None
    if not blob or len(blob) > THUMB_BYTES:
        raise ThumbnailError("not a thumbnail")
    try:
        z = zlib.decompressobj(-15)
        out = z.decompress(blob, THUMB_BYTES + 1)
    except zlib.error as exc:
        raise ThumbnailError(str(exc)) from None
    if not z.eof or z.unused_data or len(out) != THUMB_BYTES:
        raise ThumbnailError("not a whole thumbnail")
    return out


def undo_prediction(residuals: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """The thumbnails of an (n, 256) array of residuals: the two cumulative sums."""
    cube = residuals.reshape(-1, THUMB_SIDE, THUMB_SIDE)
    cube = np.cumsum(np.cumsum(cube, axis=1, dtype=np.uint8), axis=2, dtype=np.uint8)
    return cube.reshape(-1, THUMB_BYTES)


def decode(blob: bytes) -> bytes:
    """The 256 bytes of the thumbnail `blob` holds (plain or encoded)."""
    res = residual(blob)
    if res is None:
        return blob
    return undo_prediction(np.frombuffer(res, dtype=np.uint8)).tobytes()


def upgrade(conn: sqlite3.Connection) -> None:
    """Encode the plain thumbnails of a catalog of schema 1 to 3 in place (each one that
    encoding makes shorter; every thumbnail decodes to the same 256 bytes). Inside the
    build's transaction: a kill leaves the catalog as it was."""
    conn.create_function("photosift_thumbnail", 1, _stored, deterministic=True)
    conn.execute(
        "UPDATE files SET thumb = photosift_thumbnail(thumb) "
        f"WHERE typeof(thumb) = 'blob' AND length(thumb) = {THUMB_BYTES}"
    )


def _stored(plain: bytes | None) -> bytes | None:
    return encode(plain) if isinstance(plain, bytes) else plain
