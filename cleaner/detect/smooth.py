"""A second candidate search for smooth pictures, whose pHash is unstable.

Sky, gradients and soft backgrounds put nearly all their energy in a few DCT
coefficients; the other low coefficients sit within rounding of their median, and
pHash keeps one bit per coefficient (above or below the median). A small stamp or a
HEIC round trip then flips 16-18 bits of 64, past any threshold that keeps
different pictures apart, while the 16x16 thumbnails of the two still correlate at
0.995.

So, for those pictures only:

1. **Which are unstable** (`fragility`): from the 8x8 low DCT of the stored 16x16
   thumbnail (what pHash looks at, one octave down), the `UNSTABLE_RANK`-th smallest
   distance of a coefficient to the median, relative to the thumbnail's contrast. A
   copy whose thumbnail correlates at `SMOOTH_CORRELATION` or more differs from its
   original by at most ~1/5 of its contrast, so both sides of a pair this search must
   find are fragile; pairs of stable pictures are the first search's. Low-detail
   pictures are left out: their pairs are decided by the detail-map check, which only
   the first search's candidates get.
2. **Candidates** (`smooth_candidates`): a random-hyperplane SimHash of each fragile
   picture's mean-removed thumbnail (64 bits; two thumbnails at angle a disagree on a
   bit with probability a / pi, so the Hamming distance follows their correlation),
   searched with the ordinary index (`cleaner.detect.index.search_pairs`) within
   `SIMHASH_THRESHOLD` bits, among the fragile pictures only. Pairs within the preset's
   pHash threshold are dropped: the first search has them.
3. **Strict confirmation** (`smooth_agrees`), on top of the ordinary checks
   (`cleaner.detect.matching.confirm`: shape, thumbnail, colour): the thumbnails must
   correlate at `SMOOTH_CORRELATION` or more, and so must what is left of them once
   their smoothest part (the DCT terms of order <= 2: mean, tilt, curvature) is taken
   out (`SMOOTH_RESIDUAL_CORRELATION`), and that rest must hold something to compare
   (`RESIDUAL_FLOOR`). Two skies or two gradients in one direction agree on their
   smooth part and nowhere else: their clouds and textures do not line up; a copy's do.

Nothing here is stored in the fingerprint: it all comes from `Fingerprint.thumb` at
grouping time, in batches, so no cached fingerprint goes stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import numpy.typing as npt

from cleaner.detect.fingerprint import THUMB_SIDE
from cleaner.detect.index import Pairs, find_pairs, popcount64
from cleaner.detect.pictures import PictureData
from cleaner.models import Fingerprint, ImageMetrics, Thresholds

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
U8 = npt.NDArray[np.uint8]
BOOL = npt.NDArray[np.bool_]

_PIXELS = THUMB_SIDE * THUMB_SIDE
_LOW = 8  # pHash's 8x8 lowest frequencies
_BATCH = 1 << 14  # thumbnails per step: 4 MiB of bytes, 16 MiB as float32

# How each constant was chosen (benchmarks/README.md, "Smooth pictures", has the numbers):
# copies made by the kit's edits (text stamps, HEIC q80, JPEG q50, WebP, 25 % + JPEG q70,
# brightness) of its 40 source pictures and of generated skies, gradients and soft
# backgrounds (tests/helpers/smooth_images.py), against every pair of different pictures
# among those and on the kit's corpora (seeds 1-3).
#
# Fragile: the 11th smallest gap (pHash's threshold is 10 bits) under UNSTABLE_GAP. Every
# copy that was not low-detail and more than 10 bits from its original had both sides
# at 0.0037 or less (the stamped "beach day" of seed 3; its original 0.0006); twice that.
# A quarter to half of real pictures are that fragile, ~9 % of the 1M benchmark's.
UNSTABLE_RANK = 11
UNSTABLE_GAP = 0.0075
SIMHASH_BITS = 64
# Two thumbnails correlating at 0.99 disagree on ~2.9 of 64 SimHash bits (angle / pi):
# more than 8 with probability 0.2 % (binomial), at 0.995 0.02 %, at 0.999 (a HEIC copy)
# never. 10 bits would miss ~1e-4 at 0.99 but take ~2.4x the index time at 1M pictures.
SIMHASH_THRESHOLD = 8
# Copies (not low-detail) correlate at 0.9951 or more (the stamped "beach day"; a HEIC
# copy 0.9995); different skies and gradients reach 0.978. 0.99 sits between.
SMOOTH_CORRELATION = 0.99
# `Pairs.t` of a pair this search found (after its checks, which see it as t = 0: as
# displayed): what `cleaner.detect.evidence` reads to say how it matched.
SMOOTH_KIND = -1
# What is left without the smooth part: copies 0.878 or more ("beach day" again; most
# above 0.95), different pictures at most 0.68 (two gradients), 0.76 for two low-detail
# soft backgrounds (which this search leaves out anyway).
SMOOTH_RESIDUAL_CORRELATION = 0.83
# Norm of that rest (grey levels, over the 256 thumbnail cells): rounding the thumbnail
# alone leaves ~4.6; the copies had 50 or more. Under 16 (one grey level per cell, on
# average) the picture is its smooth part only, which two pictures can share.
RESIDUAL_FLOOR = 16.0
_RESIDUAL_ORDER = 2  # DCT terms u + v <= 2 are a picture's smooth part
_SEED = 0x5300_7E


@cache
def _dct_matrix() -> F32:
    """(256, 64): a flattened 16x16 thumbnail times this is the 8x8 low corner of its
    2-D DCT-II (scipy's unnormalised convention, as pHash takes it), flattened."""
    n = np.arange(THUMB_SIDE)
    k = np.arange(_LOW)
    m = 2.0 * np.cos(np.pi * k[:, None] * (2 * n[None, :] + 1) / (2 * THUMB_SIDE))  # (8, 16)
    # low[u, v] = sum_xy m[u, x] t[x, y] m[v, y]
    full = np.einsum("ux,vy->xyuv", m, m).reshape(_PIXELS, _LOW * _LOW)
    return np.ascontiguousarray(full, dtype=np.float32)


@cache
def _planes() -> F32:
    """(256, 64) random hyperplanes, each with zero mean: the projection of a thumbnail
    is then that of the thumbnail minus its mean."""
    rng = np.random.default_rng(_SEED)
    planes = rng.standard_normal((_PIXELS, SIMHASH_BITS))
    planes -= planes.mean(axis=0, keepdims=True)
    return np.ascontiguousarray(planes, dtype=np.float32)


@cache
def _smooth_part() -> F32:
    """(256, 256): the projection of a flattened thumbnail onto its DCT terms of order
    u + v <= `_RESIDUAL_ORDER` (orthonormal basis), i.e. its smooth part."""
    n = np.arange(THUMB_SIDE)
    basis = []
    for u in range(_RESIDUAL_ORDER + 1):
        for v in range(_RESIDUAL_ORDER + 1 - u):
            cu = np.cos(np.pi * u * (2 * n + 1) / (2 * THUMB_SIDE))
            cv = np.cos(np.pi * v * (2 * n + 1) / (2 * THUMB_SIDE))
            b = np.outer(cu, cv).reshape(-1)
            basis.append(b / np.linalg.norm(b))
    q = np.stack(basis, axis=1)  # (256, terms), orthonormal columns
    return np.ascontiguousarray(q @ q.T, dtype=np.float32)


def _thumbs(
    fps: Sequence[Fingerprint], index: Sequence[int], pictures: PictureData | None = None
) -> F32:
    if pictures is not None:  # held as columns: no object per picture
        return pictures.thumbs(np.asarray(index, dtype=np.int64)).astype(np.float32)
    rows = np.frombuffer(b"".join(fps[k].thumb for k in index), dtype=np.uint8)
    return rows.reshape(len(index), _PIXELS).astype(np.float32)


def fragility(thumbs: F32) -> F32:
    """How close the pHash of each thumbnail row is to flipping many bits: the
    `UNSTABLE_RANK`-th smallest |coefficient - median| of the 64 low DCT coefficients,
    over 32 (one grey level of noise per pixel moves a coefficient by about that much)
    and over the norm of the mean-removed thumbnail (its contrast). Under
    `UNSTABLE_GAP`, a change of a few per cent of the picture's contrast can flip
    that many bits."""
    low = thumbs @ _dct_matrix()
    # np.median of 64, without its sort: the 33rd smallest and the largest of the 32 below
    # it (one partition point: numpy's partition at two points took 6x as long)
    middle = np.partition(low, 32, axis=1)
    median = (middle[:, :32].max(axis=1) + middle[:, 32]) / 2
    gap = np.abs(low - median[:, None])
    kth = np.partition(gap, UNSTABLE_RANK - 1, axis=1)[:, UNSTABLE_RANK - 1]
    # |thumbnail - its mean|, from two sums (no centred copy of the batch)
    squares = np.einsum("ij,ij->i", thumbs, thumbs, dtype=np.float64)
    squares -= thumbs.sum(axis=1, dtype=np.float64) ** 2 / _PIXELS
    contrast = np.sqrt(np.maximum(squares, 1e-6))
    return np.asarray(kth / 32.0 / contrast, dtype=np.float32)


def simhash(thumbs: F32) -> U64:
    """64-bit random-hyperplane SimHash of each mean-removed thumbnail row."""
    bits = (thumbs @ _planes()) > 0
    packed = np.packbits(bits, axis=1)  # (n, 8), most significant bit first
    return np.ascontiguousarray(packed).view(">u8").reshape(-1).astype(np.uint64)


def fragile_pictures(
    fps: Sequence[Fingerprint],
    metrics: Sequence[ImageMetrics],
    pictures: PictureData | None = None,
) -> tuple[I64, U64]:
    """Indices of the fragile pictures that are not low-detail, and their SimHashes
    (read from `pictures`, the same pictures as columns, when given)."""
    found: list[I64] = []
    hashes: list[U64] = []
    for start in range(0, len(fps), _BATCH):
        index = range(start, min(start + _BATCH, len(fps)))
        thumbs = _thumbs(fps, index, pictures)
        pick = np.flatnonzero(fragility(thumbs) < UNSTABLE_GAP)
        if pictures is not None:
            pick = pick[~pictures.low_detail(pick.astype(np.int64) + start)]
        else:
            pick = pick[[not metrics[start + int(k)].low_detail for k in pick]]
        found.append(pick.astype(np.int64) + start)
        hashes.append(simhash(thumbs[pick]))
    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    return np.concatenate(found), np.concatenate(hashes)


def smooth_candidates(
    fps: Sequence[Fingerprint],
    metrics: Sequence[ImageMetrics],
    thresholds: Thresholds,
    pictures: PictureData | None = None,
) -> Pairs:
    """Pairs of fragile pictures whose thumbnails' SimHashes are within
    `SIMHASH_THRESHOLD`, and whose pHashes are further apart than the preset's
    threshold (closer ones are the first search's). `d` is the pHash distance, `t` 0."""
    empty = np.zeros(0, np.int64)
    index, hashes = fragile_pictures(fps, metrics, pictures)
    if len(index) < 2:
        return Pairs(empty, empty, empty, empty)
    found = find_pairs(hashes, SIMHASH_THRESHOLD)
    i, j = index[found.i], index[found.j]
    base = np.fromiter(
        (int.from_bytes(fps[int(k)].hash_bytes[:8], "big") for k in i), np.uint64, len(i)
    )
    other = np.fromiter(
        (int.from_bytes(fps[int(k)].hash_bytes[:8], "big") for k in j), np.uint64, len(j)
    )
    d = popcount64(base ^ other)
    far = d > thresholds.hamming
    return Pairs(i[far], j[far], np.zeros(int(far.sum()), np.int64), d[far])


def smooth_agrees(
    pairs: Pairs, fps: Sequence[Fingerprint], pictures: PictureData | None = None
) -> BOOL:
    """The strict check for pairs only the smooth search found: whole thumbnails and
    their non-smooth rest both correlate highly, and the rest is more than rounding."""
    out = np.zeros(len(pairs), dtype=bool)
    for start in range(0, len(pairs), _BATCH):
        stop = min(start + _BATCH, len(pairs))
        a = _thumbs(fps, pairs.i[start:stop].tolist(), pictures)
        b = _thumbs(fps, pairs.j[start:stop].tolist(), pictures)
        whole = _correlation(a, b)
        smooth = _smooth_part()
        ra, rb = a - a @ smooth, b - b @ smooth
        floor = np.minimum(np.linalg.norm(ra, axis=1), np.linalg.norm(rb, axis=1))
        rest = _correlation(ra, rb)
        out[start:stop] = (
            (whole >= SMOOTH_CORRELATION)
            & (rest >= SMOOTH_RESIDUAL_CORRELATION)
            & (floor >= RESIDUAL_FLOOR)
        )
    return out


def _correlation(a: F32, b: F32) -> F32:
    a = a - a.mean(axis=1, keepdims=True)
    b = b - b.mean(axis=1, keepdims=True)
    norm = np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-6)
    return np.asarray((a * b).sum(axis=1) / norm, dtype=np.float32)
