"""Heavy crops: a copy cut down to an 80 % x 80 % window of its original, anywhere in it.

The pHash of a window moves by 8 bits on average, 12 at the 90th percentile, when the
window slides by 2.5 % of the picture (measured on the kit's 40 source pictures), so
pHash windows would need a grid of ~80 positions to catch an 80 % crop anywhere. This
search works on the 16x16 thumbnail every fingerprint already carries instead, at
grouping time (nothing is added to fingerprints or the cache):

1. candidates: each picture's `GRID` windows (80 % of each side, 4 x 4 positions, so
   every crop is within 0.033 of one) and every picture as a whole are reduced to 6x6,
   mean-removed and hashed by random-hyperplane SimHash (64 bits, whose Hamming
   distance follows the angle between the vectors); each picture's `NEAREST` closest
   windows of other pictures (within `SKETCH_LIMIT`) are its candidates;
2. the thumbnail check (`crop_alignment`): the window is slid over every position
   within half a grid step of its own (steps of `ALIGN_STEP`), resampled to 8x8 and
   correlated with the other picture at 8x8; the best position counts;
3. the second look (`second_look`, when the scan can decode the two files again): both
   pictures at 64x64, the window searched anywhere at 32x32 (`fine_alignment`), compared
   on what is left once the smooth part is taken away (`_smooth_basis`); every pair the
   thumbnails pass is looked at (at most `LOOKS_PER_CROP` per crop). Without the files
   (catalogs, the 1M benchmark) no heavy crop is confirmed but a low-detail one (below).

Only 0.8-scale windows are searched: a copy that is not an 80 % window of the other (two
crops of different parts of one photo, two pictures with the same layout) does not line
up everywhere at once. A picture that is only a gradient (`structured`) is refused:
nothing in it says where a window lies; and the window must explain the other picture
better than the whole picture does. Low-detail pictures are decided on their detail maps
instead (`low_detail_crops`), for light crops too.

`Pairs.t` of such a pair is `GRID_KIND + g` for window g of picture i.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Generator, Sequence
from functools import cache
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from PIL import Image

from cleaner.detect.bits import bit_counts
from cleaner.detect.checks import CROP_KIND, high_pass, is_bare
from cleaner.detect.crop_index import window_pairs
from cleaner.detect.fingerprint import CROP_WINDOWS, DETAIL_SIDE, THUMB_SIDE
from cleaner.detect.index import Pairs, _in_threads
from cleaner.models import Fingerprint

F32 = npt.NDArray[np.float32]
U8 = npt.NDArray[np.uint8]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
Picture = TypeVar("Picture")  # what a second look decodes: 64x64 floats, or grey bytes

CROP_SIZE = 0.8  # each side of a heavy crop, as a fraction of its original's
# Window positions (left or top edge, fraction of the side): an 80 % crop starts anywhere
# in [0, 0.2]; three positions leave every crop within 0.05 of one of them.
GRID_STARTS = (0.0, 0.2 / 3, 0.4 / 3, 0.2)
GRID: tuple[tuple[float, float, float, float], ...] = tuple(
    (x, y, x + CROP_SIZE, y + CROP_SIZE) for y in GRID_STARTS for x in GRID_STARTS
)
GRID_KIND = CROP_KIND + len(CROP_WINDOWS)  # Pairs.t of a heavy-crop pair: GRID_KIND + g

SKETCH_SIDE = 6  # the SimHash sketches are of 6x6 reductions (low-pass: slides little)
NEAREST = 5  # candidates per picture: its 5 nearest windows of other pictures ...
SKETCH_LIMIT = 20  # ... within this many bits
# Every window is compared with every picture: n^2 x 16 sketch distances, about 0.4 s
# for 2,000 pictures and 3 s for 5,000 here. Larger libraries, up to
# HEAVY_INDEX_MAX_PICTURES, are searched by the LSH of `cleaner.detect.crop_index` for
# windows within HEAVY_INDEX_DISTANCE bits (true pairs on the kit: 0-12, most 0-8), within
# HEAVY_WORK_BUDGET: on 100,000 synthetic pictures it found 93 % of 625 planted heavy crops
# (95 % of those whose best window is 6 bits or less), at 663 MiB peak and 85 s on a
# machine loaded ~6x (to re-derive on a quiet one); with whitened sketches (`whitening`)
# 95.4 % for about half the CPU. With them, 250,000 pictures cost what 100,000 did
# (search ~18 CPU-s, thumbnail check of its ~1M candidates ~16, +1,065 MiB: the group
# stage peaked at 1,509 MiB) and found 84 % of 1,562 heavy crops, no false pair. Above that
# the sketch index does not fit (at a million pictures one table costs ~9 CPU-s, 99 % would
# need ~230, the index ~3.6 GB: benchmarks/README.md, "heavy crops at 1M, session 7"):
# `cleaner.detect.heavy_cells` searches the float window vectors in k-means cells instead
# (a million pictures: ~96 % of heavy crops for ~50 CPU-s; "Heavy crops at 1M, session 9").
HEAVY_CROP_MAX_PICTURES = 5_000
HEAVY_INDEX_DISTANCE = 10
HEAVY_WORK_BUDGET = 100_000_000
HEAVY_INDEX_MAX_PICTURES = 250_000
# Sketches of pictures cluster (smooth pictures share their few coarse shapes), so an LSH
# bucket can hold thousands of them: such a bucket is not read in that table (its pairs
# would be read by the million; without it, 100,000 synthetic pictures took 3 GB).
HEAVY_INDEX_CROWD = 32
ALIGN_SIDE = 8  # thumbnail check on 8x8 reductions (a window of 16x16 holds 12.8 pixels)
ALIGN_STEP = 0.0125  # positions tried, per axis, a fifth of a thumbnail pixel apart
HEAVY_CROP_CORRELATION = 0.95

_PAIRS_PER_STEP = 2048


@cache
def _axis_map(start: float, stop: float, side: int) -> F32:
    """(side, THUMB_SIDE) matrix: the part [start, stop) (fractions) of a thumbnail row
    resampled to `side` pixels the way Pillow's BILINEAR resize with a box does."""
    rows = []
    for k in range(THUMB_SIDE):
        basis = np.zeros((1, THUMB_SIDE), dtype=np.float32)
        basis[0, k] = 1.0
        image = Image.fromarray(basis, mode="F")
        box = (start * THUMB_SIDE, 0.0, stop * THUMB_SIDE, 1.0)
        rows.append(np.asarray(image.resize((side, 1), Image.Resampling.BILINEAR, box=box))[0])
    return np.stack(rows, axis=1).astype(np.float32)


def _reduce(thumbs: F32, window: tuple[float, float, float, float], side: int) -> F32:
    """(n, side*side): `window` of each 16x16 thumbnail (rows of `thumbs`) at side x side."""
    ax = _axis_map(window[0], window[2], side)
    ay = _axis_map(window[1], window[3], side)
    grid = thumbs.reshape(-1, THUMB_SIDE, THUMB_SIDE)
    out = np.matmul(np.matmul(ay[None], grid), ax.T[None])
    return np.asarray(out.reshape(len(thumbs), side * side), dtype=np.float32)


@cache
def _planes() -> F32:
    """The 64 random hyperplanes of the sketch (fixed: sketches must agree across runs)."""
    rng = np.random.default_rng(0xC70B)
    return rng.standard_normal((64, SKETCH_SIDE * SKETCH_SIDE)).astype(np.float32)


@cache
def _sketch_matrix() -> F32:
    """(64 * (1 + len(GRID)), 256): reduce (whole picture, then each window) to 6x6,
    remove the mean, project on the hyperplanes: all linear, so one matrix."""
    return _projection(_planes())


def _projection(
    planes: npt.NDArray[np.floating], windows: Sequence[tuple[float, float, float, float]] = GRID
) -> F32:
    """(64 * (1 + len(windows)), 256): the whole picture, then each window, reduced to
    6x6, mean removed, projected on `planes` (the side crops' search uses it with its
    own windows)."""
    cells = SKETCH_SIDE * SKETCH_SIDE
    centre = np.eye(cells) - 1.0 / cells
    mats = []
    for window in ((0.0, 0.0, 1.0, 1.0), *windows):
        ax = _axis_map(window[0], window[2], SKETCH_SIDE)
        ay = _axis_map(window[1], window[3], SKETCH_SIDE)
        mats.append(planes @ centre @ np.kron(ay, ax))
    return np.concatenate(mats).astype(np.float32)


# The indexed search (big libraries) sketches whitened reductions, halfway. The 6x6
# reductions of photographs (and of the 1M benchmark's smooth pictures) put most of their
# variance in a few coarse shapes, so the 64 hyperplane bits are correlated and the
# sketches crowd together: most of the index's time went on reading random near pairs in
# crowded buckets. Scaling each principal direction of the library's own 6x6 reductions
# by its variance to the power -WHITEN_POWER spreads unrelated pictures apart (8x fewer
# within 10 bits) and moves a crop from its window by about a bit (p99 8 -> 9: what
# separates a crop from its window is fine detail, which the scaling raises too, hence
# halfway, not all the way). Measured on 100,000 synthetic pictures (625 heavy crops;
# benchmarks/README.md, "Issue 13: heavy crops at 1M, session 7"): power 0 / 0.25 / 0.5
# found 93.4 / 95.5 / 88.0 % of the crops for 18.8 / 9.8 / 9.0 CPU seconds. The
# covariance comes from up to WHITEN_SAMPLE pictures (a fixed draw, so a library always
# gets the same sketches) and only from WHITEN_MIN_SAMPLE or more (below that a 36 x 36
# covariance is noise).
WHITEN_POWER = 0.25
WHITEN_SAMPLE = 20_000
WHITEN_MIN_SAMPLE = 2_000
_WHITEN_FLOOR = 1e-4  # eigenvalues below this share of the largest count as this


def whitening(thumbs: U8) -> F32 | None:
    """(36, 36): the halfway whitening of this library's mean-removed 6x6 reductions
    (`WHITEN_POWER`), or None for a library too small to estimate it."""
    rows = whitening_rows(len(thumbs))
    return None if rows is None else whitening_of(thumbs[rows])


def whitening_rows(n: int) -> I64 | None:
    """The pictures `whitening` estimates from (a fixed draw of a library of `n`), or None
    for a library too small."""
    if n < WHITEN_MIN_SAMPLE:
        return None
    rng = np.random.default_rng(0xC70B)
    return np.sort(rng.choice(n, min(n, WHITEN_SAMPLE), replace=False))


def whitening_of(sample: U8) -> F32:
    """`whitening` from the thumbnails of its `whitening_rows`, however they were read."""
    v = _reduce(sample.astype(np.float32), (0.0, 0.0, 1.0, 1.0), SKETCH_SIDE)
    v = v.astype(np.float64)
    v -= v.mean(axis=1, keepdims=True)
    values, vectors = np.linalg.eigh(np.cov(v.T))
    values = np.maximum(values, max(float(values.max()), 1e-9) * _WHITEN_FLOOR)
    return np.asarray(vectors @ np.diag(values**-WHITEN_POWER) @ vectors.T, dtype=np.float32)


def sketches(thumbs: U8, transform: F32 | None = None) -> tuple[U64, U64]:
    """Whole-picture sketches (n,) and window sketches (n, len(GRID)) of 16x16 thumbnails:
    random-hyperplane SimHash (64 bits) of each, reduced to 6x6 and mean-removed (then
    multiplied by `transform`, (36, 36), when given: `whitening`)."""
    n = len(thumbs)
    out = np.empty((n, 1 + len(GRID)), dtype=np.uint64)
    if transform is None:
        matrix = _sketch_matrix().T
    else:  # the transform acts on the mean-removed reduction: before the hyperplanes
        matrix = _projection(_planes().astype(np.float64) @ transform).T
    step = 16384
    for start in range(0, n, step):
        bits = (thumbs[start : start + step].astype(np.float32) @ matrix) > 0
        packed = np.packbits(bits.reshape(len(bits), 1 + len(GRID), 64), axis=2)
        out[start : start + len(bits)] = packed.view(">u8")[:, :, 0].astype(np.uint64)
    return np.ascontiguousarray(out[:, 0]), np.ascontiguousarray(out[:, 1:])


def thumb_table(fps: Sequence[Fingerprint]) -> U8:
    packed = b"".join(fp.thumb for fp in fps)
    return np.frombuffer(packed, dtype=np.uint8).reshape(len(fps), THUMB_SIDE * THUMB_SIDE)


def thumb_rows(fps: Sequence[Fingerprint], index: I64) -> U8:
    """(len(index), 256): the thumbnails of pictures `index`."""
    packed = b"".join([fps[k].thumb for k in index.tolist()])
    return np.frombuffer(packed, dtype=np.uint8).reshape(len(index), THUMB_SIDE * THUMB_SIDE)


def heavy_crop_pairs(fps: Sequence[Fingerprint]) -> Generator[tuple[int, int], None, Pairs]:
    """Candidate heavy-crop pairs: window g of picture i near picture j as a whole, as
    `Pairs` with t = GRID_KIND + g and d the sketch distance; for each j, only its
    `NEAREST` closest pictures i (the sketch ranks well, but its distances spread: a
    fixed threshold would take thousands of pairs per picture in a library of similar
    pictures, or miss a crop between two grid positions). Exact (every window against
    every picture) up to HEAVY_CROP_MAX_PICTURES; by an LSH index up to
    HEAVY_INDEX_MAX_PICTURES (`_nearest_indexed`); larger libraries by float window
    vectors in k-means cells (`cleaner.detect.heavy_cells`)."""
    n = len(fps)
    if n < 2:
        empty = np.zeros(0, dtype=np.int64)
        return Pairs(empty, empty, empty, empty)
    if n > HEAVY_INDEX_MAX_PICTURES:  # the sketch index no longer fits: float cells
        from cleaner.detect.heavy_cells import Thumbnails, cell_pairs  # builds on this module

        # read from the fingerprints a few thousand at a time: a table of them all would
        # be 256 MB on top of the fingerprints at a million pictures
        return (yield from cell_pairs(Thumbnails(n, lambda index: thumb_rows(fps, index))))
    thumbs = thumb_table(fps)
    if n > HEAVY_CROP_MAX_PICTURES:  # too many for every distance: an LSH index
        whole, windows = sketches(thumbs, whitening(thumbs))
        return (yield from _nearest_indexed(whole, windows))
    whole, windows = sketches(thumbs)
    return (yield from _nearest(whole, windows, SKETCH_LIMIT))


def _nearest_indexed(whole: U64, windows: U64) -> Generator[tuple[int, int], None, Pairs]:
    """`_nearest` for a big library: the windows within HEAVY_INDEX_DISTANCE of a picture,
    found by the crop-window LSH (`cleaner.detect.crop_index`, within HEAVY_WORK_BUDGET),
    then each picture's `NEAREST` closest of them."""
    found = yield from window_pairs(
        whole, windows, HEAVY_INDEX_DISTANCE, seed=0xC70B, budget=HEAVY_WORK_BUDGET,
        crowd=HEAVY_INDEX_CROWD, nearest=2 * NEAREST,
    )  # fmt: skip
    # the windows' picture is found.i, the picture they match found.j: rank per j
    order = np.lexsort((found.d, found.j))
    i, j, t, d = found.i[order], found.j[order], found.t[order], found.d[order]
    start = np.ones(len(j), dtype=bool)
    start[1:] = j[1:] != j[:-1]
    first = np.flatnonzero(start)
    rank = np.arange(len(j)) - np.repeat(first, np.diff(np.append(first, len(j))))
    keep = rank < NEAREST
    return Pairs(i[keep], j[keep], t[keep] - 1 + GRID_KIND, d[keep])


def _nearest(whole: U64, windows: U64, limit: int) -> Generator[tuple[int, int], None, Pairs]:
    """Every picture's `NEAREST` closest windows of other pictures, within `limit`."""
    n = len(whole)
    per = windows.shape[1]
    by_window = np.ascontiguousarray(windows.T)  # (W, n)
    block = max(1, (1 << 22) // (n * per))  # 4M distances (32 MiB of XORs) a step
    keep = min(NEAREST, n - 1)
    found: list[tuple[I64, ...]] = []
    steps = -(-n // block)
    for step, start in enumerate(range(0, n, block)):
        cols = whole[start : start + block]
        xor = by_window[:, :, None] ^ cols[None, None, :]  # (W, n, columns)
        dist = bit_counts(xor)
        del xor
        best_g = dist.argmin(axis=0)
        best = dist.min(axis=0)
        del dist
        js = np.arange(start, start + len(cols))
        best[js, np.arange(len(cols))] = 255  # a picture is not its own crop
        near = np.argpartition(best, keep - 1, axis=0)[:keep]  # (keep, columns)
        d = np.take_along_axis(best, near, axis=0).astype(np.int64)
        window = np.take_along_axis(best_g, near, axis=0)
        ok = d <= limit
        column = np.broadcast_to(js[None, :], near.shape)
        found.append(
            (near[ok].astype(np.int64), column[ok].astype(np.int64), window[ok] + GRID_KIND, d[ok])
        )
        yield step + 1, steps
    return Pairs(*(np.concatenate([f[k] for f in found]) for k in range(4)))


def _offsets(start: float) -> tuple[float, ...]:
    """The positions tried around a grid start: within half a grid step, inside [0, 0.2]."""
    half = (GRID_STARTS[1] - GRID_STARTS[0]) / 2
    count = round(half / ALIGN_STEP)
    room = 1.0 - CROP_SIZE
    out = {min(max(start + k * ALIGN_STEP, 0.0), room) for k in range(-count, count + 1)}
    return tuple(sorted(round(v, 6) for v in out))


@cache
def _stack(start: float) -> F32:
    """(positions, ALIGN_SIDE, THUMB_SIDE): the axis maps of every position tried."""
    return np.stack([_axis_map(p, p + CROP_SIZE, ALIGN_SIDE) for p in _offsets(start)]).astype(
        np.float32
    )


def _unit(rows: F32) -> F32:
    rows = rows - rows.mean(axis=-1, keepdims=True)
    norm = np.linalg.norm(rows, axis=-1, keepdims=True)
    return np.asarray(rows / np.maximum(norm, 1e-6), dtype=np.float32)


def crop_alignment(thumbs: U8, i: I64, j: I64, kinds: I64) -> F32:
    """Best correlation of an 80 % window of thumbnail i, slid within half a grid step of
    window `kinds - GRID_KIND`, with all of thumbnail j (both at ALIGN_SIDE^2)."""
    return best_window_alignment(
        thumbs, i, j, kinds - GRID_KIND, lambda g: [(_stack(GRID[g][0]), _stack(GRID[g][1]))]
    )


def best_window_alignment(
    thumbs: U8,
    i: I64,
    j: I64,
    window: I64,
    positions: Callable[[int], Sequence[tuple[F32, F32]]],
) -> F32:
    """Best correlation of a window of thumbnail i with all of thumbnail j (both at
    ALIGN_SIDE^2), over the (x, y) axis-map stacks `positions(window)` gives for each pair's
    window: every position of each stack tried (the heavy crops' 80 % windows, the side
    windows' three sizes)."""
    out = np.empty(len(i), dtype=np.float32)
    whole = (0.0, 0.0, 1.0, 1.0)
    for start in range(0, len(i), _PAIRS_PER_STEP):
        sl = slice(start, start + _PAIRS_PER_STEP)
        b = _unit(_reduce(thumbs[j[sl]].astype(np.float32), whole, ALIGN_SIDE))
        a_all = thumbs[i[sl]].astype(np.float32).reshape(-1, THUMB_SIDE, THUMB_SIDE)
        part = window[sl]
        best = np.full(len(part), -1.0, dtype=np.float32)
        for g in np.unique(part).tolist():
            rows = part == g
            for sx, sy in positions(g):
                # (pairs, y positions, x positions, side, side)
                ys = np.matmul(sy[None], a_all[rows][:, None])  # (pairs, y positions, side, 16)
                moved = np.matmul(ys[:, :, None], np.swapaxes(sx, 1, 2)[None, None])
                moved = _unit(moved.reshape(*moved.shape[:3], ALIGN_SIDE * ALIGN_SIDE))
                corr = np.einsum("npqk,nk->npq", moved, b[rows])
                best[rows] = np.maximum(best[rows], corr.reshape(len(corr), -1).max(axis=1))
        out[sl] = best
    return out


FINE_SIDE = DETAIL_SIDE  # 64, the second look: both pictures decoded again, reduced to 64x64 grey
FINE_COMPARE = 32  # ... and compared at 32x32
FINE_COARSE_STEP = 0.02  # positions tried first, then around the best one
FINE_STEP = 0.0025


@cache
def _fine_axis(start: float, size: float = CROP_SIZE) -> F32:
    """(FINE_COMPARE, FINE_SIDE): the part [start, start + size) of a 64-px row at 32 px."""
    rows = []
    for k in range(FINE_SIDE):
        basis = np.zeros((1, FINE_SIDE), dtype=np.float32)
        basis[0, k] = 1.0
        image = Image.fromarray(basis, mode="F")
        box = (start * FINE_SIDE, 0.0, (start + size) * FINE_SIDE, 1.0)
        rows.append(
            np.asarray(image.resize((FINE_COMPARE, 1), Image.Resampling.BILINEAR, box=box))[0]
        )
    return np.stack(rows, axis=1).astype(np.float32)


def fine_pixels(image: Image.Image) -> F32:
    """The 64x64 grey picture the second look compares (any size of picture in)."""
    g = image if image.mode == "L" else image.convert("L")
    return np.asarray(g.resize((FINE_SIDE, FINE_SIDE), Image.Resampling.BOX), dtype=np.float32)


@cache
def _smooth_basis() -> npt.NDArray[np.float64]:
    """(FINE_COMPARE^2, 6): orthonormal basis Q of the quadratic surfaces a + bx + cy +
    dx^2 + exy + fy^2 on a 32x32 picture. The second look compares what is left once the
    best-fitting one is taken away (x - Q Q^T x, "detrended").

    A sky, a gradient or a soft background is almost all smooth part, and any two of them
    correlate highly, window or not; what tells a crop from another picture is the detail
    on top (clouds, grain, edges), so the second look compares that."""
    side = FINE_COMPARE
    y, x = np.mgrid[0:side, 0:side].astype(np.float64) / (side - 1) - 0.5
    basis = np.stack([np.ones_like(x), x, y, x * x, x * y, y * y]).reshape(6, -1).T
    q, _ = np.linalg.qr(basis)
    return np.asarray(q, dtype=np.float64)


def _best_over(
    a: F32, b_unit: F32, xs: Sequence[float], ys: Sequence[float], size: float = CROP_SIZE
) -> tuple[float, float, float]:
    sy = np.stack([_fine_axis(round(y, 6), size) for y in ys])
    sx = np.stack([_fine_axis(round(x, 6), size) for x in xs])
    rows = np.matmul(sy, a)  # (ys, 32, 64)
    moved = np.matmul(rows[:, None], np.swapaxes(sx, 1, 2)[None])  # (ys, xs, 32, 32)
    moved64 = moved.reshape(len(ys), len(xs), FINE_COMPARE * FINE_COMPARE).astype(np.float64)
    # The correlation of the detrended window (D x, D = I - Q Q^T: its mean
    # is 0) with `b_unit` (detrended already: D b = b) is <x, b> / |D x|, and |D x|^2 =
    # |x|^2 - |Q^T x|^2 (Q `_smooth_basis`): no 1024 x 1024 product per position (the
    # second look was ~50 ms a pair with it). Float64: a sky is nearly all smooth part.
    smooth = moved64 @ _smooth_basis()
    rest = np.einsum("pqk,pqk->pq", moved64, moved64) - np.einsum("pqs,pqs->pq", smooth, smooth)
    corr = (moved64 @ b_unit.astype(np.float64)) / np.maximum(np.sqrt(np.maximum(rest, 0)), 1e-6)
    p, q = (int(v) for v in np.unravel_index(int(np.argmax(corr)), corr.shape))
    return float(corr[p, q]), float(xs[q]), float(ys[p])


def fine_alignment(original: F32, crop: F32, size: float = CROP_SIZE) -> float:
    """Best correlation, at 32x32, of an 80 % window of `original` (64x64, anywhere in it)
    with all of `crop` (64x64): first on a 0.02 grid of positions, then 0.0025 around the
    best one."""
    b = crop.reshape(FINE_COMPARE, 2, FINE_COMPARE, 2).mean(axis=(1, 3)).reshape(-1)
    b = b.astype(np.float64)
    q = _smooth_basis()
    b_unit = _unit((b - q @ (q.T @ b))[None, :].astype(np.float32))[0]  # detrended
    room = 1.0 - size
    coarse = np.arange(0.0, room + 1e-9, FINE_COARSE_STEP).tolist()
    _, x, y = _best_over(original, b_unit, coarse, coarse, size)
    near = np.arange(-4, 5) * FINE_STEP

    def around(v: float) -> list[float]:
        return sorted({min(max(v + float(d), 0.0), room) for d in near})

    best, _, _ = _best_over(original, b_unit, around(x), around(y), size)
    return best


# Pairs lined up at once by `fine_alignments`: the coarse step holds (pairs, 11, 11, 1024)
# float64 positions, 31 MB for 32 pairs.
_ALIGN_BATCH = 32


def _best_over_many(
    a: F32, b_unit: npt.NDArray[np.float64], sy: F32, sx: F32
) -> tuple[npt.NDArray[np.float64], I64, I64]:
    """`_best_over` for many pairs at once: `a` (P, 64, 64) originals, `b_unit` (P, 1024)
    detrended crops, `sy` and `sx` (P or 1, positions, 32, 64) the axes of each pair's
    positions. Per pair: the best correlation and the indices of its y and x position."""
    rows = np.matmul(sy, a[:, None])  # (P, ys, 32, 64)
    moved = np.matmul(rows[:, :, None], np.swapaxes(sx, 2, 3)[:, None])  # (P, ys, xs, 32, 32)
    p, ny, nx = moved.shape[:3]
    moved64 = moved.reshape(p, ny, nx, FINE_COMPARE * FINE_COMPARE).astype(np.float64)
    smooth = moved64 @ _smooth_basis()
    rest = np.einsum("pyxk,pyxk->pyx", moved64, moved64) - np.einsum(
        "pyxs,pyxs->pyx", smooth, smooth
    )
    dot = np.einsum("pyxk,pk->pyx", moved64, b_unit)
    corr = dot / np.maximum(np.sqrt(np.maximum(rest, 0)), 1e-6)
    flat = corr.reshape(p, -1)
    best = np.argmax(flat, axis=1)
    return flat[np.arange(p), best], best // nx, best % nx


def fine_alignments(originals: F32, crops: F32, size: float = CROP_SIZE) -> npt.NDArray[np.float64]:
    """`fine_alignment` of many pairs (`originals`, `crops`: (P, 64, 64)) in a few numpy
    calls instead of a dozen per pair: the same positions, the same values (to float
    rounding). Low-detail crop pairs come by the thousand at millions of pictures."""
    p = len(originals)
    if p == 0:
        return np.zeros(0, dtype=np.float64)
    b = crops.reshape(p, FINE_COMPARE, 2, FINE_COMPARE, 2).mean(axis=(2, 4)).reshape(p, -1)
    b = b.astype(np.float64)
    q = _smooth_basis()
    b_unit = _unit((b - (b @ q) @ q.T).astype(np.float32)).astype(np.float64)  # detrended
    room = 1.0 - size
    coarse = np.arange(0.0, room + 1e-9, FINE_COARSE_STEP).tolist()
    axes = np.stack([_fine_axis(round(v, 6), size) for v in coarse])[None]
    _, ys, xs = _best_over_many(originals, b_unit, axes, axes)
    near = np.arange(-4, 5) * FINE_STEP

    def around(v: float) -> list[float]:
        got = sorted({min(max(v + float(d), 0.0), room) for d in near})
        return got + [got[-1]] * (len(near) - len(got))  # padded: a repeat changes no max

    sy = np.stack([[_fine_axis(round(v, 6), size) for v in around(coarse[y])] for y in ys.tolist()])
    sx = np.stack([[_fine_axis(round(v, 6), size) for v in around(coarse[x])] for x in xs.tolist()])
    best, _, _ = _best_over_many(originals, b_unit, sy, sx)
    return best


# Thresholds, chosen from the kit's accuracy corpora (seeds 1-3: every ordered pair of
# pictures; see benchmarks/README.md, "Heavy crops") and generated smooth pictures:
# - the thumbnail check (8x8, best of 81 positions) puts true original/crop pairs at
#   0.94 and above, and different pictures up to 0.954 even with their colours agreeing
#   (two different skies or gradients up to 0.99): it only picks which pairs deserve the
#   second look (HEAVY_CROP_PREFILTER, 0.93, below every true pair but the low-detail one,
#   which is decided apart);
# - the second look (32x32, both pictures decoded again) compares what is left once the
#   smooth part (a quadratic surface, `_smooth_basis`) is taken away: true original/crop pairs
#   of seeds 1-3 at 0.902-0.996, different pairs that reached it at 0.59 or less, 12
#   generated skies and soft backgrounds at 0.57 or less: HEAVY_CROP_FINE sits between,
#   0.10 below the lowest true pair. (Without the detrending, two different skies reached
#   0.96-0.99 and were grouped as crops of each other.)
# - every pair the thumbnails pass gets the second look, and a crop may be looked at
#   with its LOOKS_PER_CROP best candidates: a set is a star, so the crop must be
#   confirmed against its set's centre, not only against some copy in the set;
# - where no second look is possible (fingerprints without their files: catalogs, the
#   1M benchmark), no heavy crop is confirmed on its thumbnails (a low-detail one still
#   is, on its detail maps, which need no file): the thumbnails alone cannot tell two
#   skies apart (the thumbnail-only bar, 0.97, was retired for that reason).
HEAVY_CROP_PREFILTER = 0.93
LOOKS_PER_CROP = 4
# Decoded pictures the second look keeps (64x64 floats, 16 KB each): at a million pictures
# it looks at ~10,000 pairs, and keeping every picture held ~200 MB until it returned.
# Looks go crop by crop, so a crop's candidates meet its picture in the cache; an original
# with crops far apart in that order may be decoded again.
LOOK_CACHE = 512
HEAVY_CROP_FINE = 0.80


def remembered(pixels: Callable[[int], Picture | None]) -> Callable[[int], Picture | None]:
    """`pixels` with the `LOOK_CACHE` pictures last asked for kept (the least recently
    used is decoded again if needed): the heavy and the side second looks often decode the
    same pictures, and share one such function (`cleaner.detect.matching.confirm` makes it)."""
    seen: OrderedDict[int, Picture | None] = OrderedDict()

    def get(k: int) -> Picture | None:
        if k in seen:
            seen.move_to_end(k)
            return seen[k]
        got = seen[k] = pixels(k)
        if len(seen) > LOOK_CACHE:
            seen.popitem(last=False)
        return got

    return get


def second_look(
    i: I64, j: I64, corr: F32, pixels: Callable[[int], F32 | None]
) -> npt.NDArray[np.bool_]:
    """Which heavy-crop pairs (window of i, all of j; `corr` their thumbnail check) pass
    the fine alignment on the pictures decoded again (`pixels(k)`: 64x64 grey, or None
    when it cannot be read). Decoding costs as much as the scan's own decode, so each
    crop j is looked at with its `LOOKS_PER_CROP` best candidates at most, best first,
    and `pixels` should keep what it decoded (`remembered`: the caller's, which the side
    looks share). Every one that passes counts: sets are stars, so a crop confirmed only
    against a copy that is not its set's centre would be left out of the set."""
    out = np.zeros(len(i), dtype=bool)
    tried: dict[int, int] = {}
    for r in np.lexsort((-corr, j)).tolist():
        a, b = int(i[r]), int(j[r])
        if tried.get(b, 0) >= LOOKS_PER_CROP:
            continue
        tried[b] = tried.get(b, 0) + 1
        pa, pb = pixels(a), pixels(b)
        out[r] = pa is not None and pb is not None and fine_alignment(pa, pb) >= HEAVY_CROP_FINE
    return out


# A picture that is little more than a gradient (a plain sky, a vignette) looks like
# every window of itself and of any other gradient: no crop of it can be told apart.
# Its 16x16 thumbnail, less the plane (a + bx + cy) that fits it best, must vary by
# this much (standard deviation, grey levels). On the kit's corpora every `crop20`
# copy has 10.8 or more, low-detail pictures (refused for crops anyway) 9.2 or less.
MIN_STRUCTURE = 6.0


@cache
def _plane_residual() -> F32:
    side = np.arange(THUMB_SIDE, dtype=np.float64)
    basis = np.stack(
        [np.ones(THUMB_SIDE * THUMB_SIDE), np.tile(side, THUMB_SIDE), np.repeat(side, THUMB_SIDE)],
        axis=1,
    )
    return np.asarray(np.eye(len(basis)) - basis @ np.linalg.pinv(basis), dtype=np.float32)


def structured(thumbs: U8) -> npt.NDArray[np.bool_]:
    """Per 16x16 thumbnail row: is there more to it than a gradient (`MIN_STRUCTURE`)?
    In steps of `_STRUCTURE_ROWS`: the float residuals of 900,000 thumbnails at once were
    ~0.9 GB each, and the peak of a million-picture grouping."""
    out = np.empty(len(thumbs), dtype=bool)
    for s in range(0, len(thumbs), _STRUCTURE_ROWS):
        rest = thumbs[s : s + _STRUCTURE_ROWS].astype(np.float32) @ _plane_residual().T
        out[s : s + len(rest)] = rest.std(axis=1) >= MIN_STRUCTURE
    return out


_STRUCTURE_ROWS = 16384  # thumbnails whose residuals are held at once (16 MB of floats)


# Low-detail pictures (near-blank scans, documents, plain sky): their thumbnails are mostly
# noise, so a crop of one is decided on the 64x64 map their fingerprint carries, high-pass
# filtered (the marks, not the paper: `cleaner.detect.checks.high_pass`), with the window
# searched anywhere (`fine_alignment`, at the size of the window that found the pair). On
# seeds 1-3, every pair of pictures with detail maps that are not crop and original of one
# another (8,806, among them the near-blank scans, each a different document) reaches 0.68
# at most; true pairs reach 0.90-0.95 (one light crop of a faint field of tiny marks lines
# up at 0.60: the files' look at 128 px takes it, `cleaner.detect.faint_crops`).
LOW_DETAIL_CROP = 0.80
# A low-detail picture's thumbnail is mostly noise, so its nearest sketches are mostly
# chance (about 20 bits away); the heavy crop of one on seed 2 was 7 bits from its
# original's window. Only heavy candidates this close are lined up (a cost filter: the
# detail maps decide).
LOW_DETAIL_SKETCH = 12


def low_detail_crops(
    i: I64, j: I64, kinds: I64, fps: Sequence[Fingerprint]
) -> npt.NDArray[np.bool_]:
    """Which crop pairs (window `kinds` of i, all of j) with a low-detail side line up on
    their high-pass detail maps; a side without a map (not low-detail enough) cannot."""
    out = np.zeros(len(i), dtype=bool)
    # Per picture only whether its map can be lined up (None: no map, False: a page
    # without marks), each map read once here; the float high-pass of a map (16 KB) is
    # made again for each batch that lines it up, never held for every picture at once:
    # at 1M catalog rows the low-detail ends' high-passes held together were ~320 MB
    # (benchmarks/README.md, "Catalog grouping memory, session 10").
    usable: dict[int, bool | None] = {}

    def state(k: int) -> bool | None:
        if k not in usable:
            m = fps[k].detail_map
            usable[k] = None if m is None else not is_bare(m)
        return usable[k]

    def marks(k: int) -> F32:
        m = fps[k].detail_map
        assert m is not None  # a usable picture's map
        return high_pass(m).reshape(DETAIL_SIDE, DETAIL_SIDE)

    by_size: dict[float, list[int]] = {}  # the pairs to line up, by window size
    for r, (a, b, kind) in enumerate(zip(i.tolist(), j.tolist(), kinds.tolist(), strict=True)):
        # both maps read before either is judged, as before (a damaged one is noted)
        if state(a) is None or state(b) is None:
            continue
        if not (state(a) and state(b)):
            continue
        light = kind < GRID_KIND
        window = CROP_WINDOWS[kind - CROP_KIND] if light else GRID[kind - GRID_KIND]
        by_size.setdefault(window[2] - window[0], []).append(r)
    # the batches are the same whichever thread lines one up (a pair's alignment does
    # not depend on the others of its batch); numpy lets go of the GIL in their products,
    # so at 1M catalog rows this step (~40 CPU-s, all of it here) runs on both cores
    batches = [
        (size, rows[start : start + _ALIGN_BATCH])
        for size, rows in by_size.items()
        for start in range(0, len(rows), _ALIGN_BATCH)
    ]

    def line_up(step: int) -> npt.NDArray[np.bool_]:
        size, part = batches[step]
        batch: dict[int, F32] = {}  # a page may meet several others in one batch
        for k in [int(i[r]) for r in part] + [int(j[r]) for r in part]:
            if k not in batch:
                batch[k] = marks(k)
        originals = np.stack([batch[int(i[r])] for r in part])
        crops = np.stack([batch[int(j[r])] for r in part])
        passed: npt.NDArray[np.bool_] = fine_alignments(originals, crops, size) >= LOW_DETAIL_CROP
        return passed

    for (_, part), passed in zip(batches, _in_threads(line_up, len(batches)), strict=True):
        out[part] = passed
    return out
