"""Squashed copies: the same picture resized without keeping its proportions.

Thumbnail and web tools often make a 640x480 photo 300x300, or a 4:3 one 16:9. The
fingerprint is taken of the picture squeezed to a square (the 32x32 of the pHash, the
16x16 thumbnail), so such a copy hashes and looks like its original there; only the
shape check (`cleaner.detect.checks.aspect_log_ratio`) refuses it. That check is there
for pictures whose shapes differ because their content does: a crop that changes the
shape, a letterboxed or padded copy, the two halves of a panorama next to the whole,
different pictures of one layout (two slides of one template, two scanned pages). A
candidate pair refused by its shape is confirmed here instead, when the pair
could only be the same picture squashed:

1. the shapes differ by at most 2:1 (`SQUASH_MAX_LOG`), the range thumbnail tools use
   (4:3 to square, 16:9 to 4:3 or square, landscape to portrait), and the pHashes by at
   most `SQUASH_HAMMING` bits;
2. the 16x16 thumbnails agree as closely as a plain re-save does
   (`SQUASH_CORRELATION`): a squash moves nothing once both are squeezed to a square;
3. no crop or pad explains the pair nearly as well: the narrower picture compared with
   the left, middle and right window of the wider one that has its shape, and the wider
   picture with the top, middle and bottom window of the narrower one (a letterbox, a
   pillarbox and a crop are such windows), each at 8x8 like the crop check. Each of
   these must miss by `SQUASH_CROP_FACTOR` times more than the squash does, and by
   `SQUASH_CROP_FLOOR` at least. Stripes, grids and smooth gradients, which look alike
   whatever part of them one takes, cannot tell a squash from a crop and stay apart.

The rest of `cleaner.detect.matching.confirm` (colour, tone and detail of low-detail
pictures) applies to these pairs as to any other. `needs_squash_check` says which pairs
take this path; a confirmed pair among them is a squashed copy.

How the constants were chosen (benchmarks/README.md, "Squashed copies"): the 40 kit
sources, each with up to 11 squashed copies (2:1 to 1:2, 300x300, 640x360, 160x160 at
JPEG quality 60) and, as non-copies, up to 45 crops, halves, pads and blurred-fill pads
that change the shape; slides of one template at 4:3 and 16:9; the kit's near-blank
scans squashed, against each other. Of the pairs that reach this check (pHash within
10, shapes 0.25 to 2:1 apart): squashed copies 805, non-copies 575. Every squashed copy
that is not low-detail correlated 0.9987 or more at 16x16 (the kit's plain re-saves:
0.997 and up at the 5th percentile), the non-copies at most 0.997 (crops of a stripes
wallpaper): 8 of them reach `SQUASH_CORRELATION`, and a crop or pad explains each of
those with a miss of at most 0.0041, under half of `SQUASH_CROP_FLOOR` (0.005 would have
kept 6 % more squashed pairs at a margin of 1.2x). On these pairs the floor decides; the
factor guards copies whose squash itself misses (low-detail or recompressed: up to
0.0095). 699 of the 805 squashed pairs pass both (87 %; 696 within `SQUASH_HAMMING`);
the rest are stripes, grids and gradients, a low-detail wallpaper, and 8 of 72
near-blank scans. The range of 2:1 is what the
tools do; the crop test has not been tried beyond it, and a panorama is 2:1 or more.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt

from cleaner.detect.checks import CROP_KIND, _normalise, _reduction, _transform_thumbs
from cleaner.detect.fingerprint import THUMB_SIDE

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
BOOL = npt.NDArray[np.bool_]

# Largest |log(aspect a / aspect b)| of a squashed copy: 2:1 (ln 2 = 0.693), with rounding.
SQUASH_MAX_LOG = 0.70
# Largest pHash distance of a squashed copy. A squash changes nothing the hash sees: 99.6 %
# of the squashed pairs the check accepted were within 8 bits (90 % within 2), as the kit's
# re-saves are; pairs of unrelated pictures, the only ones a big library brings here, are
# almost all at the preset's 10 (96 % of 13,330 in 250,000 synthetic fingerprints with
# rotations), and each costs a thumbnail correlation.
SQUASH_HAMMING = 8
# Smallest 16x16 thumbnail correlation of a squashed copy and its original.
SQUASH_CORRELATION = 0.99
# Every crop or pad window must miss (1 - correlation at 8x8) by at least this many times
# the squash's own miss, plus the floor.
SQUASH_CROP_FACTOR = 5.0
SQUASH_CROP_FLOOR = 0.01
# Window fractions are rounded to this step, so that their resampling maps can be cached.
_RATIO_STEP = 0.02


def needs_squash_check(aspect: F64, kinds: I64, distances: I64, tolerance: float) -> BOOL:
    """Which candidate pairs only the squash check can confirm: refused by the shape
    check (`aspect` = `aspect_log_ratio`, over `tolerance`) but within 2:1, pHashes
    within `SQUASH_HAMMING` (`distances` = `Pairs.d`), and not crop windows. A confirmed
    pair among them is a squashed (or stretched) copy."""
    return (
        (aspect > tolerance)
        & (aspect <= SQUASH_MAX_LOG)
        & (distances <= SQUASH_HAMMING)
        & (kinds < CROP_KIND)
    )


@cache
def _windows(ratio: float) -> tuple[tuple[F32, ...], tuple[F32, ...]]:
    """Resampling maps of the windows of fraction `ratio`: across (left, middle, right)
    and down (top, middle, bottom), each to 8x8 (see `cleaner.detect.checks._reduction`)."""
    across, down = [], []
    for pos in (0.0, 0.5, 1.0):
        start = (1.0 - ratio) * pos
        across.append(_reduction((start, 0.0, start + ratio, 1.0)))
        down.append(_reduction((0.0, start, 1.0, start + ratio)))
    return tuple(across), tuple(down)


def _rows_correlation(a: F32, b: F32) -> F32:
    return np.asarray(np.einsum("ij,ij->i", _normalise(a), _normalise(b)), dtype=np.float32)


def squash_agrees(
    thumbs: U8,
    i: I64,
    j: I64,
    kinds: I64,
    ratio_i: F64,
    ratio_j: F64,
    correlation: F32,
) -> BOOL:
    """Whether pairs (i transformed by kind, j) are one picture squashed (tests 2 and 3
    of the module docstring). `ratio_i`, `ratio_j`: width / height as displayed, i's
    already turned by its kind; `correlation`: their 16x16 thumbnail correlation."""
    out = correlation >= SQUASH_CORRELATION
    rows = np.flatnonzero(out)
    if len(rows) == 0:
        return out
    a = _transform_thumbs(thumbs[i[rows]], kinds[rows], THUMB_SIDE).astype(np.float32)
    b = thumbs[j[rows]].astype(np.float32)
    ra, rb = ratio_i[rows], ratio_j[rows]
    a_wider = (ra >= rb)[:, None]
    wide, narrow = np.where(a_wider, a, b), np.where(a_wider, b, a)
    whole = _reduction(None)
    wide8, narrow8 = wide @ whole.T, narrow @ whole.T
    squash_miss = 1.0 - _rows_correlation(wide8, narrow8)
    crop_best = np.full(len(rows), -1.0, dtype=np.float32)
    fraction = np.round(np.minimum(ra, rb) / np.maximum(ra, rb) / _RATIO_STEP) * _RATIO_STEP
    for ratio in np.unique(fraction).tolist():
        sel = fraction == ratio
        across, down = _windows(float(ratio))
        for window in across:  # the narrower picture is a crop (or the wider one padded)
            crop_best[sel] = np.maximum(
                crop_best[sel], _rows_correlation(wide[sel] @ window.T, narrow8[sel])
            )
        for window in down:  # the wider picture is a crop (or the narrower one letterboxed)
            crop_best[sel] = np.maximum(
                crop_best[sel], _rows_correlation(narrow[sel] @ window.T, wide8[sel])
            )
    crop_miss = 1.0 - crop_best
    out[rows] = crop_miss >= SQUASH_CROP_FACTOR * squash_miss + SQUASH_CROP_FLOOR
    return out
