"""Lopsided light crops: a copy with 3-8 % cut off each side, more off one side than the
other, found by its thumbnail in 90 % windows of its original.

The light-crop search hashes one centre window of each picture (`cleaner.detect.
fingerprint.CROP_WINDOWS`, 4 % off each side). A crop that takes 7 % off the left and 3 %
off the right moves the picture's centre by 2 % of the width, and that window's pHash is
then ~12 bits from the crop, past the crop threshold (10); the heavy-crop search
(`cleaner.detect.crops`) looks at 80 % windows only, 11 % smaller than such a crop. This
search closes the gap without changing the fingerprint, on the 16x16 thumbnails at
grouping time, the way the heavy-crop search works:

1. candidates: each picture's `SIDE_WINDOWS` (90 % of each side; 3 x 3 positions whose
   centres are 2.5 % apart, so the centre of every crop of 3-8 % a side, which lies
   within 2.5 % of the picture's, is within 1.25 % of one of them) are sketched as the
   heavy-crop windows are (6x6, SimHash) and each picture's nearest windows of other
   pictures are its candidates (`crops._nearest`: exact up to `HEAVY_CROP_MAX_PICTURES`;
   the crop-window LSH over whitened sketches up to `SIDE_CROP_MAX_PICTURES`);
2. the thumbnail check (`side_alignment`): the window is slid around its position and
   tried at the sizes a 3-8 % crop leaves (`SIDE_SIZES`), at 8x8; the heavy crops'
   prefilter (`crops.HEAVY_CROP_PREFILTER`), `structured` and "the window explains the
   other picture better than the whole does" apply as they stand;
3. the second look (`side_looks`, when the scan can decode the files again): both
   pictures at 64x64, a window of each of `SIDE_SIZES` searched anywhere
   (`crops.fine_alignments`), on the detail left once the smooth part is taken away,
   at `SIDE_CROP_FINE`. Without the files (catalogs) none is confirmed, as for heavy
   crops: the thumbnails alone cannot tell two skies apart.

`Pairs.t` of such a pair is `SIDE_KIND + g` for window g of picture i. Low-detail
pictures are not searched here (their thumbnails are noise: their crops are decided on
their detail maps, `crops.low_detail_crops`).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from functools import cache

import numpy as np
import numpy.typing as npt

from cleaner.detect.crops import (
    ALIGN_SIDE,
    ALIGN_STEP,
    GRID,
    GRID_KIND,
    HEAVY_CROP_MAX_PICTURES,
    HEAVY_INDEX_MAX_PICTURES,
    LOOKS_PER_CROP,
    SKETCH_LIMIT,
    SKETCH_SIDE,
    _axis_map,
    _nearest,
    _nearest_indexed,
    _planes,
    _projection,
    best_window_alignment,
    crop_alignment,
    fine_alignments,
    thumb_table,
    whitening,
)
from cleaner.detect.index import Pairs
from cleaner.models import Fingerprint

F32 = npt.NDArray[np.float32]
U8 = npt.NDArray[np.uint8]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
BOOL = npt.NDArray[np.bool_]

# A light crop takes 3-8 % off each side (the kit's `crop_sides` 3-5 %, editors' "fit to
# frame" a little more): it keeps 84-94 % of a side, and its centre lies within 2.5 % of
# its original's. The windows are 90 %, the middle of that range, at three centres 2.5 %
# apart on each axis.
SIDE_SIZE = 0.9
SIDE_STARTS = (0.025, 0.05, 0.075)
SIDE_WINDOWS: tuple[tuple[float, float, float, float], ...] = tuple(
    (x, y, x + SIDE_SIZE, y + SIDE_SIZE) for y in SIDE_STARTS for x in SIDE_STARTS
)
SIDE_KIND = GRID_KIND + len(GRID)  # Pairs.t of a lopsided-crop pair: SIDE_KIND + g
# The sizes tried by the checks: the range a 3-8 % crop keeps (84-94 %), every 5 %.
SIDE_SIZES = (0.84, 0.89, 0.94)
# Above this many pictures the search is not run: at a million pictures the sketch index
# does not fit (`crops.HEAVY_INDEX_MAX_PICTURES`) and the float cells of
# `cleaner.detect.heavy_cells` would cost about what the heavy-crop step does again.
SIDE_CROP_MAX_PICTURES = HEAVY_INDEX_MAX_PICTURES
# The second look's bar. A 90 % window shares more of its picture with another picture
# of the same layout than an 80 % one, and three sizes are tried: the heavy crops' bar
# (0.80) let two generated pictures of one layout through (0.802; bursts reach 0.83).
# On the kit's tuning seeds the light crops (`crop_sides`) line up at 0.898 and above,
# different pictures that pass the thumbnail rules at 0.65 at most
# (benchmarks/README.md, "Lopsided crops and seed 10, session 11").
SIDE_CROP_FINE = 0.86
_LOOK_BATCH = 32


def is_side_kind(kinds: I64) -> BOOL:
    return np.asarray(kinds >= SIDE_KIND)


@cache
def _sketch_matrix(transform_key: bytes | None) -> F32:
    """(256, 64 * (1 + 9)): reduce (whole, then each side window) to 6x6, remove the mean,
    (whiten, when a transform is given), project on the heavy crops' hyperplanes."""
    cells = SKETCH_SIDE * SKETCH_SIDE
    planes = _planes().astype(np.float64)
    if transform_key is not None:
        transform = np.frombuffer(transform_key, dtype=np.float32).reshape(cells, cells)
        planes = planes @ transform.astype(np.float64)
    return np.ascontiguousarray(_projection(planes, SIDE_WINDOWS).T)


def side_sketches(thumbs: U8, transform: F32 | None = None) -> tuple[U64, U64]:
    """Whole-picture sketches (n,) and side-window sketches (n, 9): as
    `crops.sketches`, for `SIDE_WINDOWS`."""
    n = len(thumbs)
    per = 1 + len(SIDE_WINDOWS)
    matrix = _sketch_matrix(None if transform is None else transform.tobytes())
    out = np.empty((n, per), dtype=np.uint64)
    step = 16384
    for start in range(0, n, step):
        bits = (thumbs[start : start + step].astype(np.float32) @ matrix) > 0
        packed = np.packbits(bits.reshape(len(bits), per, 64), axis=2)
        out[start : start + len(bits)] = packed.view(">u8")[:, :, 0].astype(np.uint64)
    return np.ascontiguousarray(out[:, 0]), np.ascontiguousarray(out[:, 1:])


def side_crop_pairs(
    fps: Sequence[Fingerprint], searched: BOOL | None = None
) -> Generator[tuple[int, int], None, Pairs]:
    """Candidate lopsided-crop pairs: side window g of picture i near all of picture j,
    as `Pairs` with t = SIDE_KIND + g and d the sketch distance; each j's nearest few
    (`crops.NEAREST`). `searched` (per picture, optional): only these pictures are
    searched (low-detail ones are not). Nothing above `SIDE_CROP_MAX_PICTURES`."""
    empty = np.zeros(0, dtype=np.int64)
    chosen = np.arange(len(fps)) if searched is None else np.flatnonzero(searched)
    n = len(chosen)
    if n < 2 or n > SIDE_CROP_MAX_PICTURES:
        return Pairs(empty, empty, empty, empty)
    thumbs = thumb_table([fps[k] for k in chosen.tolist()])
    if n > HEAVY_CROP_MAX_PICTURES:
        whole, windows = side_sketches(thumbs, whitening(thumbs))
        found = yield from _nearest_indexed(whole, windows)
    else:
        whole, windows = side_sketches(thumbs)
        found = yield from _nearest(whole, windows, SKETCH_LIMIT)
    # both searches number the windows from GRID_KIND
    return Pairs(chosen[found.i], chosen[found.j], found.t - GRID_KIND + SIDE_KIND, found.d)


def _positions(start: float, size: float) -> tuple[float, ...]:
    """Window starts tried for a side window at `start`, at `size`: the same centre, then
    within half a window step (1.25 %) of it, ALIGN_STEP apart, inside the picture."""
    centre = start + SIDE_SIZE / 2
    half = (SIDE_STARTS[1] - SIDE_STARTS[0]) / 2
    count = round(half / ALIGN_STEP)
    room = 1.0 - size
    out = {
        min(max(centre - size / 2 + k * ALIGN_STEP, 0.0), room) for k in range(-count, count + 1)
    }
    return tuple(sorted(round(v, 6) for v in out))


@cache
def _stack(start: float, size: float) -> F32:
    """(positions, ALIGN_SIDE, THUMB_SIDE): the axis maps of every position tried."""
    return np.stack(
        [_axis_map(p, round(p + size, 6), ALIGN_SIDE) for p in _positions(start, size)]
    ).astype(np.float32)


def side_alignment(thumbs: U8, i: I64, j: I64, kinds: I64) -> F32:
    """Best correlation of a window of thumbnail i around side window `kinds - SIDE_KIND`
    (each of `SIDE_SIZES`, slid within half a window step) with all of thumbnail j, both
    at ALIGN_SIDE^2."""

    def positions(g: int) -> list[tuple[F32, F32]]:
        x0, y0 = SIDE_WINDOWS[g][0], SIDE_WINDOWS[g][1]
        return [(_stack(x0, size), _stack(y0, size)) for size in SIDE_SIZES]

    return best_window_alignment(thumbs, i, j, kinds - SIDE_KIND, positions)


def window_alignment(thumbs: U8, i: I64, j: I64, kinds: I64) -> F32:
    """The thumbnail check of window pairs: heavy-crop grid windows
    (`crops.crop_alignment`) and side windows (`side_alignment`) alike."""
    out = np.empty(len(i), dtype=np.float32)
    side = is_side_kind(kinds)
    out[~side] = crop_alignment(thumbs, i[~side], j[~side], kinds[~side])
    out[side] = side_alignment(thumbs, i[side], j[side], kinds[side])
    return out


def side_looks(
    i: I64, j: I64, corr: F32, pixels: Callable[[int], F32 | None]
) -> npt.NDArray[np.bool_]:
    """Which lopsided-crop pairs (window of i, all of j; `corr` their thumbnail check)
    pass the second look on the pictures decoded again (`pixels(k)`: 64x64 grey, None
    when unreadable): a window of i of one of `SIDE_SIZES`, anywhere, lines up with j at
    `SIDE_CROP_FINE` (the middle size first; the others only for the pairs it leaves
    out). Each crop j with its `LOOKS_PER_CROP` best candidates."""
    out = np.zeros(len(i), dtype=bool)
    tried: dict[int, int] = {}
    rows: list[int] = []
    for r in np.lexsort((-corr, j)).tolist():
        b = int(j[r])
        if tried.get(b, 0) < LOOKS_PER_CROP:
            tried[b] = tried.get(b, 0) + 1
            rows.append(r)
    sizes = sorted(SIDE_SIZES, key=lambda s: abs(s - SIDE_SIZE))
    for start in range(0, len(rows), _LOOK_BATCH):
        part = rows[start : start + _LOOK_BATCH]
        got = {k: pixels(k) for k in [int(i[r]) for r in part] + [int(j[r]) for r in part]}
        ok = [r for r in part if got[int(i[r])] is not None and got[int(j[r])] is not None]
        for size in sizes:
            if not ok:
                break
            originals = np.stack([got[int(i[r])] for r in ok])  # type: ignore[misc]
            crops = np.stack([got[int(j[r])] for r in ok])  # type: ignore[misc]
            passed = fine_alignments(originals, crops, size) >= SIDE_CROP_FINE
            out[[r for r, p in zip(ok, passed.tolist(), strict=True) if p]] = True
            ok = [r for r, p in zip(ok, passed.tolist(), strict=True) if not p]
    return out
