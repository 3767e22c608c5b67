"""How a catalog stores the 64x64 detail map of a low-detail picture (docs/catalog.md,
the `detail` column), and decoding it back to exactly the bytes the engine made.

Detail maps are most of a catalog of document scans or blank pages: ~1,700 bytes of a
~2,400-byte row with plain zlib, so the share of low-detail pictures decides whether a
million pictures fit in 1 GB (issue 14). Schema 2 stores each map as:

    b"\\x01" + raw DEFLATE (zlib, Z_FILTERED, level 6) of the map with each row replaced
    by its difference from the row above (byte by byte, modulo 256; the first row as is)

Measured on the 543 distinct real maps of the evaluation and scale corpora
(benchmarks/README.md, "Catalog size, session 7"): 1,639 bytes against 1,900 for plain
zlib (-14 %), and decoding stays one inflate and one numpy cumulative sum, as fast as
before. WebP lossless is smaller (-24 % at method 4, -27 % at method 6) but decodes 5 to
8 times slower through Pillow, and its method 6 takes ~0.1 s to encode one map; grouping
decodes a map once per low-detail candidate pair (~30 times per map on the evaluation
corpora), so its speed counts as much as its size. The maps' rows are scan lines of a
box-reduced picture: the row above is the best cheap predictor of the next (better than
the pixel to the left, or an interpolation of both, measured).

Schema 1 stored `zlib.compress(map, 9)`. A zlib stream always starts with 0x78 (32 KiB
window), never 0x01, so a blob says its own encoding and a catalog updated from schema 1
may hold both: `decode` reads either.

Schema 4 adds two predictors, each map taking the one with the smallest residuals, said
by its first byte: 0x01 the row above (as in schema 2), 0x02 the pixel to the left, 0x03
both (W + N - NW: row differences, then column differences); or schema 1's plain zlib,
when shorter (some near-blank maps). Each decodes as one inflate and one or two numpy
cumulative sums, as fast as schema 2's. On the 543 maps: 1,560 bytes against 1,639
(-5 %); the best of
everything measured in session 9 (LZMA, MED) was 1,488, and an ideal coder of MED
residuals in 7 activity contexts (no model cost counted) would need 1,206.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from cleaner.detect.fingerprint import DETAIL_SIDE
from cleaner.progress import Notice

if TYPE_CHECKING:
    from cleaner.catalog.columns import Columns

MAP_BYTES = DETAIL_SIDE * DETAIL_SIDE
ROWS_DEFLATED = 1  # the first byte of a schema-2 map
COLUMNS_DEFLATED = 2  # schema 4: differences from the pixel to the left
GRADIENT_DEFLATED = 3  # schema 4: both (W + N - NW)
# the axes each encoding differences along (and decoding sums along)
_AXES = {ROWS_DEFLATED: (0,), COLUMNS_DEFLATED: (1,), GRADIENT_DEFLATED: (0, 1)}
_ZLIB_FIRST = 0x78  # the first byte of every zlib stream `zlib.compress` writes (schema 1)


class DetailMapError(ValueError):
    """A stored detail map that does not decode to a 64x64 map (damaged or edited)."""


def encode(plain: bytes) -> bytes:
    """A 64x64 detail map (4,096 bytes, row after row) as a catalog stores it: the
    prediction whose residuals are smallest (sum of their magnitudes) deflated, or plain
    zlib when that is shorter. Two compressions (~0.3 ms), as schema 2's one was: a
    `--cluster` build encodes every map on its one writer. Deflating all three
    predictions at two settings and keeping the shortest would give 1,534 bytes a map
    instead of 1,560 on the kit's maps, for ~1.5 ms."""
    if len(plain) != MAP_BYTES:
        raise ValueError(f"a detail map is {MAP_BYTES} bytes, not {len(plain)}")
    rows = np.frombuffer(plain, dtype=np.uint8).reshape(DETAIL_SIDE, DETAIL_SIDE)
    best_code, best, best_cost = 0, rows, -1
    for code, axes in _AXES.items():
        delta = rows
        for axis in axes:
            delta = _differences(delta, axis)
        cost = int(np.abs(delta.view(np.int8).astype(np.int16)).sum())
        if best_cost < 0 or cost < best_cost:
            best_code, best, best_cost = code, delta, cost
    z = zlib.compressobj(6, zlib.DEFLATED, -15, 9, zlib.Z_FILTERED)  # 9: 0.5 % smaller, 2.6x slower
    blob = bytes((best_code,)) + z.compress(best.tobytes()) + z.flush()
    whole = zlib.compress(plain, 9)  # schema 1's: shortest for some near-blank maps
    return whole if len(whole) < len(blob) else blob


def _differences(a: npt.NDArray[np.uint8], axis: int) -> npt.NDArray[np.uint8]:
    """Each row (axis 0) or column (axis 1) but the first minus the one before it, modulo
    256."""
    out: npt.NDArray[np.uint8] = a.copy()
    if axis == 0:
        np.subtract(a[1:], a[:-1], out=out[1:])
    else:
        np.subtract(a[:, 1:], a[:, :-1], out=out[:, 1:])
    return out


def decode(blob: bytes) -> bytes:
    """The 4,096 bytes of the map `blob` holds (any schema's encoding); raises
    `DetailMapError` for anything else."""
    try:
        axes = _AXES.get(blob[0]) if blob else None
        if axes is not None:
            z = zlib.decompressobj(-15)
            delta = z.decompress(blob[1:], MAP_BYTES + 1)
            if not z.eof or z.unused_data or len(delta) != MAP_BYTES:
                raise DetailMapError("not a whole detail map")
            rows = np.frombuffer(delta, dtype=np.uint8).reshape(DETAIL_SIDE, DETAIL_SIDE)
            for axis in axes:
                rows = np.cumsum(rows, axis=axis, dtype=np.uint8)
            return rows.tobytes()
        if blob[:1] == bytes((_ZLIB_FIRST,)):
            z = zlib.decompressobj()
            plain = z.decompress(blob, MAP_BYTES + 1)
            if not z.eof or z.unused_data or len(plain) != MAP_BYTES:
                raise DetailMapError("not a whole detail map")
            return plain
    except zlib.error as exc:
        raise DetailMapError(str(exc)) from None
    raise DetailMapError("an unknown encoding")


def reencoded(blob: bytes | None) -> bytes | None:
    """A stored map in this schema's encoding (for an upgrade), when that is shorter; a
    map that does not decode is kept as it is (readers say so, the checksum holds)."""
    if not isinstance(blob, bytes):
        return blob
    try:
        new = encode(decode(blob))
    except DetailMapError:
        return blob
    return new if len(new) < len(blob) else blob


def map_of(columns: Columns, row: int) -> bytes | None:
    """Row `row`'s detail map for grouping, or None when it has none. A map that does not
    decode is noted in `columns.damaged_maps` (the scan says so, once per catalog) and
    the picture is compared without it, as a picture that has none: matching then never
    joins it to another on detail (`cleaner.detect.matching`), so a damaged map can only
    lose a match, never make one, and the rest of the estate is grouped."""
    blob = columns.detail.get(row)
    if blob is None:
        return None
    try:
        return decode(blob)
    except DetailMapError:
        columns.damaged_maps.add(row)
        return None


def damage_notices(catalogs: Iterable[Columns]) -> Iterator[Notice]:
    """One `Notice` per catalog with detail maps `map_of` could not decode."""
    for c in catalogs:
        if c.damaged_maps:
            rows = sorted(c.damaged_maps)
            count = len(rows)
            maps = "1 detail map" if count == 1 else f"{count:,} detail maps"
            yield Notice(
                f"{c.info.path}: {maps} of low-detail pictures could not be decoded (the "
                f"first: {c.relpath_of(rows[0])!r}); those pictures were compared without "
                "them and may miss copies: build the catalog again to repair it",
                f"{maps} damaged in {c.info.label}",
            )
