"""The pictures of several catalogs as matching reads them (`cleaner.detect.pictures`),
straight from the columns: no `Fingerprint` or `ImageMetrics` per picture.

Hashes, thumbnails and colours are rows of the catalogs' arrays, and so are the sides
and the detail measure, decoded from each row's compressed metrics by the process that
read the catalog (`Columns.width`: the ends of candidate pairs ask for them, and at ten
million rows nearly every picture is one; a set's members get their whole analysis,
every value checked, when the set is scored). A detail map is inflated only when a
low-detail pair needs it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from cleaner.catalog import detailmap
from cleaner.catalog.columns import COLOUR_BYTES, HASH_BYTES, THUMB_BYTES, Columns
from cleaner.catalog.schema import CatalogError, bad_row_message
from cleaner.detect import pictures as picture_data
from cleaner.models import LOW_DETAIL_STD, Fingerprint

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
U8 = npt.NDArray[np.uint8]
BOOL = npt.NDArray[np.bool_]

# what matching expects is what a catalog row holds
assert HASH_BYTES == picture_data.HASH_BYTES
assert COLOUR_BYTES == picture_data.COLOUR_BYTES


class ColumnPictures:
    """`cleaner.detect.pictures.PictureData` over catalogs: picture p is row `local[p]`
    of catalog `cat[p]` (a readable row)."""

    def __init__(self, catalogs: list[Columns], cat: I64, local: I64) -> None:
        self.catalogs = catalogs
        self.cat = cat
        self.local = local

    def __len__(self) -> int:
        return len(self.cat)

    def _gather(
        self, index: I64, column: str, row: tuple[int, ...] = (), dtype: type = np.uint8
    ) -> npt.NDArray[Any]:
        """Rows `index` of one column of every catalog (each row of shape `row`), in the
        order asked."""
        out: npt.NDArray[Any] = np.empty((len(index), *row), dtype=dtype)
        cats = self.cat[index]
        for n, c in enumerate(self.catalogs):
            sel = np.flatnonzero(cats == n)
            if len(sel):
                out[sel] = getattr(c, column)[self.local[index[sel]]]
        return out

    def hash_table(self) -> tuple[U8, BOOL]:
        index = np.arange(len(self), dtype=np.int64)
        # a catalog row always holds every hash (`cleaner.catalog.columns` checks its size)
        return self._gather(index, "hashes", (HASH_BYTES,)), np.ones(len(self), dtype=bool)

    def thumbs(self, index: I64) -> U8:
        return self._gather(np.asarray(index, dtype=np.int64), "thumbs", (THUMB_BYTES,))

    def colours(self, index: I64) -> tuple[U8, BOOL]:
        index = np.asarray(index, dtype=np.int64)
        colours = self._gather(index, "colours", (COLOUR_BYTES,))
        has = self._gather(index, "has_colour", dtype=bool)
        colours[~has] = picture_data.GREY
        return colours, has

    def sides(self, index: I64) -> tuple[F64, F64]:
        index = np.asarray(index, dtype=np.int64)
        width = self._measure(index, "width")
        return width, self._measure(index, "height")

    def low_detail(self, index: I64) -> BOOL:
        index = np.asarray(index, dtype=np.int64)
        return np.asarray(self._measure(index, "detail_std") < LOW_DETAIL_STD)

    def detail_map(self, k: int) -> bytes | None:
        return detailmap.map_of(self.catalogs[int(self.cat[k])], int(self.local[k]))

    def has_detail_map(self) -> BOOL:
        out = np.zeros(len(self), dtype=bool)
        for n, c in enumerate(self.catalogs):
            stored = np.zeros(len(c), dtype=bool)
            stored[np.fromiter(c.detail.keys(), np.int64, len(c.detail))] = True
            sel = np.flatnonzero(self.cat == n)
            out[sel] = stored[self.local[sel]]
        return out

    def fingerprints(self, index: I64) -> list[Fingerprint]:
        """The `Fingerprint`s of pictures `index`, made from one gather of each column
        (the canonical search reads the thumbnails of slices of them)."""
        index = np.asarray(index, dtype=np.int64)
        hashes = self._gather(index, "hashes", (HASH_BYTES,)).tobytes()
        thumbs = self.thumbs(index).tobytes()
        colours, has = self.colours(index)
        packed = colours.tobytes()
        out: list[Fingerprint] = []
        for n, (k, ok) in enumerate(zip(index.tolist(), has.tolist(), strict=True)):
            out.append(
                Fingerprint(
                    hash_bytes=hashes[n * HASH_BYTES : (n + 1) * HASH_BYTES],
                    thumb=thumbs[n * THUMB_BYTES : (n + 1) * THUMB_BYTES],
                    detail_map=self.detail_map(k),
                    colour=packed[n * COLOUR_BYTES : (n + 1) * COLOUR_BYTES] if ok else b"",
                )
            )
        return out

    def _measure(self, index: I64, column: str) -> F64:
        """Column `column` (width, height, detail_std: decoded as each catalog was read)
        of pictures `index`; a picture whose metrics did not decode stops grouping with
        the damaged-row message, the first such picture by number."""
        out: F64 = self._gather(index, column, dtype=np.float64)
        bad = np.isnan(out)
        if bad.any():
            p = int(index[bad].min())
            c = self.catalogs[int(self.cat[p])]
            raise _bad(c, int(self.local[p]))
        return out


def _bad(c: Columns, row: int) -> CatalogError:
    return CatalogError(bad_row_message(Path(c.info.path), c.relpath_of(row)))
