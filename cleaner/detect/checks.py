"""When are two pictures the same picture?

A pair is a match when (1) their pHashes are within the preset's Hamming
threshold (found by `cleaner.detect.index`), (2) their shapes agree, (3) a second,
independent check agrees: the correlation of their 16x16 grey thumbnails, and
(4) their colours agree where both have colour: everything above is grey, and a
design printed in red and in green is two pictures.
Low-detail pictures (near-blank scans, documents on white, plain sky) collide
under any perceptual hash, and their 16x16 thumbnails are mostly noise, so a
pair where either side is low-detail is decided by a stronger check on the
high-frequency content of a 64x64 thumbnail instead of the thumbnails: the
marks on two different blank pages do not line up, those of a copy do.

Crops are found by a second search: the hash of a centre window of one picture
against the plain hash of the other (`cleaner.detect.fingerprint.CROP_WINDOWS`). Such a pair
is confirmed on 8x8 reductions, the window resampled from one thumbnail against
the whole of the other; a low-detail picture's crop is decided on its detail map
instead (`cleaner.detect.crops.low_detail_crops`).

Smooth pictures, whose pHash a small edit moves far, are also searched by a hash of
their thumbnails (`cleaner.detect.smooth`); a pair found only that way passes these
checks and stricter ones of its own there.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt
from PIL import Image

from cleaner.detect.fingerprint import (
    COLOUR_SIDE,
    CROP_WINDOWS,
    DETAIL_SIDE,
    THUMB_SIDE,
    TRANSFORMS,
)
from cleaner.models import THRESHOLDS, Similarity, Thresholds

MAX_THRESHOLD = 32


def thresholds_for(preset: Similarity, hamming: int | None = None) -> Thresholds | None:
    """The thresholds of a preset, with an optional advanced Hamming override.

    None for "Identical files", which groups byte-identical files only. An
    override scales the confirmation thresholds with it, so a numeric threshold
    between two presets behaves between them.
    """
    if preset is Similarity.IDENTICAL and hamming is None:
        return None
    base = THRESHOLDS.get(preset, THRESHOLDS[Similarity.SAME])
    if hamming is None:
        return base
    if not 0 <= hamming <= MAX_THRESHOLD:
        raise ValueError(f"threshold must be between 0 and {MAX_THRESHOLD}, not {hamming}")
    points = sorted(THRESHOLDS.values(), key=lambda t: t.hamming)
    xs = [float(t.hamming) for t in points]

    def between(values: list[float]) -> float:
        return float(np.interp(hamming, xs, values))

    return Thresholds(
        hamming=hamming,
        correlation=between([t.correlation for t in points]),
        detail_correlation=between([t.detail_correlation for t in points]),
        aspect_tolerance=between([t.aspect_tolerance for t in points]),
        # never wider than the threshold itself: a crop is not more alike than a copy
        crop_hamming=min(hamming, round(between([t.crop_hamming for t in points]))),
        crop_correlation=between([t.crop_correlation for t in points]),
        colour_tolerance=between([t.colour_tolerance for t in points]),
        tone_tolerance=between([t.tone_tolerance for t in points]),
    )


F32 = npt.NDArray[np.float32]
U8 = npt.NDArray[np.uint8]
# Pairs compared per step: a step holds ~4 KiB of float copies per pair, so 8,192 pairs
# keep it near 32 MiB, however many candidates a million pictures give.
_PAIRS_PER_STEP = 8192


def _normalise(rows: npt.NDArray[np.float32]) -> F32:
    rows = rows - rows.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.asarray(rows / np.maximum(norm, 1e-6), dtype=np.float32)


def _transform_thumbs(thumbs: U8, kinds: npt.NDArray[np.int64], side: int) -> U8:
    """Apply dihedral transform `kinds[r]` to each square thumbnail row `r`."""
    out = thumbs.reshape(-1, side, side).copy()
    for kind in np.unique(kinds):
        if kind == 0:
            continue
        rows = kinds == kind
        transform = TRANSFORMS[int(kind)][1]
        out[rows] = np.stack([transform(a) for a in out[rows]])
    return np.asarray(out.reshape(len(thumbs), side * side), dtype=np.uint8)


def thumb_correlation(
    thumbs: U8, i: npt.NDArray[np.int64], j: npt.NDArray[np.int64], kinds: npt.NDArray[np.int64]
) -> F32:
    """Pearson correlation of the 16x16 thumbnails of pairs (i transformed by kind, j)."""
    out = np.empty(len(i), dtype=np.float32)
    for start in range(0, len(i), _PAIRS_PER_STEP):
        sl = slice(start, start + _PAIRS_PER_STEP)
        a = _transform_thumbs(thumbs[i[sl]], kinds[sl], THUMB_SIDE).astype(np.float32)
        b = thumbs[j[sl]].astype(np.float32)
        out[sl] = np.einsum("ij,ij->i", _normalise(a), _normalise(b))
    return out


CROP_SIDE = 8  # crop pairs are compared on 8x8 reductions of the 16x16 thumbnails


@cache
def _reduction(window: tuple[float, float, float, float] | None) -> F32:
    """(CROP_SIDE^2, THUMB_SIDE^2) matrix: a window of a thumbnail (all of it for None),
    resampled to CROP_SIDE x CROP_SIDE the way Pillow does, as one linear map."""
    box = (0.0, 0.0, float(THUMB_SIDE), float(THUMB_SIDE))
    if window is not None:
        box = tuple(THUMB_SIDE * v for v in window)  # type: ignore[assignment]
    columns = []
    for k in range(THUMB_SIDE * THUMB_SIDE):
        basis = np.zeros(THUMB_SIDE * THUMB_SIDE, dtype=np.float32)
        basis[k] = 1.0
        image = Image.fromarray(basis.reshape(THUMB_SIDE, THUMB_SIDE), mode="F")
        small = image.resize((CROP_SIDE, CROP_SIDE), Image.Resampling.BILINEAR, box=box)
        columns.append(np.asarray(small, dtype=np.float32).reshape(-1))
    return np.stack(columns, axis=1)


def crop_correlation(
    thumbs: U8, i: npt.NDArray[np.int64], j: npt.NDArray[np.int64], kinds: npt.NDArray[np.int64]
) -> F32:
    """Correlation of crop window `kinds[r] - CROP_KIND` of thumbnail i with all of
    thumbnail j, both reduced to 8x8 (a window cut from 16x16 is too coarse for more)."""
    out = np.empty(len(i), dtype=np.float32)
    whole = _reduction(None)
    for start in range(0, len(i), _PAIRS_PER_STEP):
        sl = slice(start, start + _PAIRS_PER_STEP)
        b = thumbs[j[sl]].astype(np.float32) @ whole.T
        part = kinds[sl]
        for kind in np.unique(part):
            rows = part == kind
            window = _reduction(CROP_WINDOWS[int(kind) - CROP_KIND])
            a = thumbs[i[sl][rows]].astype(np.float32) @ window.T
            out[start : start + len(part)][rows] = np.einsum(
                "ij,ij->i", _normalise(a), _normalise(b[rows])
            )
    return out


CROP_KIND = len(TRANSFORMS)  # Pairs.t of a crop pair: CROP_KIND + window index

# A picture whose colour never strays further than this from grey (Cb = Cr = 128) has no
# colour worth comparing: black-and-white copies, sepia scans, night shots.
CHROMA_MIN = 12


def has_colour(signature: bytes) -> bool:
    """Whether a colour signature strays far enough from grey to be compared."""
    if not signature:
        return False
    values = np.frombuffer(signature, dtype=np.uint8).astype(np.float32)
    return bool(_coloured(values.reshape(1, -1))[0])


def _coloured(signatures: npt.NDArray[np.float32]) -> npt.NDArray[np.bool_]:
    """Per row of signatures: does some cell stray CHROMA_MIN or more from grey (128)?"""
    flat = signatures.reshape(len(signatures), -1)
    return np.asarray(np.abs(flat - 128.0).max(axis=1) >= CHROMA_MIN)


def colour_agrees(
    colours: U8,
    has: npt.NDArray[np.bool_],
    i: npt.NDArray[np.int64],
    j: npt.NDArray[np.int64],
    kinds: npt.NDArray[np.int64],
    tolerance: float,
) -> npt.NDArray[np.bool_]:
    """Whether the colour of pairs (i transformed by kind, j) agrees.

    `colours` holds 32-byte signatures (`cleaner.detect.fingerprint.colour_signature`, rows where
    `has` is False are unused). Grey pictures, and pairs where either side has no colour
    to speak of, always agree; the shapes already matched, and a black-and-white copy of
    a colour photo is still a copy. Otherwise the mean |Cb/Cr difference| over the 4x4
    grid must be within `tolerance`: a red and a green version of one design are two
    pictures, whatever their shapes say. Crop windows are compared on the whole grid:
    at 4x4, a window of 92 % moves no cell by more than a third of itself.
    """
    out = np.ones(len(i), dtype=bool)
    both = has[i] & has[j]
    if not both.any():
        return out
    rows = np.flatnonzero(both)
    a = colours[i[rows]].reshape(-1, 2, COLOUR_SIDE, COLOUR_SIDE).astype(np.float32)
    b = colours[j[rows]].reshape(-1, 2, COLOUR_SIDE, COLOUR_SIDE).astype(np.float32)
    turns = kinds[rows]
    for kind in np.unique(turns[(turns > 0) & (turns < CROP_KIND)]):
        sel = turns == kind
        transform = TRANSFORMS[int(kind)][1]
        a[sel] = np.stack([np.stack([transform(plane) for plane in grid]) for grid in a[sel]])
    difference = np.abs(a - b).mean(axis=(1, 2, 3))
    coloured = _coloured(a) & _coloured(b)
    out[rows] = ~coloured | (difference <= tolerance)
    return out


def tone_agrees(
    thumbs: U8,
    colours: U8,
    i: npt.NDArray[np.int64],
    j: npt.NDArray[np.int64],
    kinds: npt.NDArray[np.int64],
    grey_tolerance: npt.NDArray[np.float64],
    colour_tolerance: float,
) -> npt.NDArray[np.bool_]:
    """Whether low-detail pairs (i transformed by kind, j) agree in tone and colour.

    A near-blank picture is all tone: a white, an off-white, a black and a blue page
    have the same (empty) shapes, and a grey or faintly tinted picture has no colour
    worth `colour_agrees`, so it lets them all through. Here the 16x16 grey thumbnails
    must agree within `grey_tolerance` (per pair) and the Cb/Cr grids (`colours`, 128 =
    no colour, which is what a grey picture's missing signature stands for) within
    `colour_tolerance`, in 90 % of their cells: a frame of another colour changes a
    quarter of them, a copy's resampling or compression none by much.
    """
    out = np.ones(len(i), dtype=bool)
    if len(i) == 0:
        return out
    a = _transform_thumbs(thumbs[i], kinds, THUMB_SIDE).astype(np.float32)
    b = thumbs[j].astype(np.float32)
    grey_gap = np.percentile(np.abs(a - b), 90, axis=1)
    ca = colours[i].reshape(-1, 2, COLOUR_SIDE, COLOUR_SIDE).astype(np.float32)
    cb = colours[j].reshape(-1, 2, COLOUR_SIDE, COLOUR_SIDE).astype(np.float32)
    for kind in np.unique(kinds[(kinds > 0) & (kinds < CROP_KIND)]):
        sel = kinds == kind
        transform = TRANSFORMS[int(kind)][1]
        ca[sel] = np.stack([np.stack([transform(plane) for plane in grid]) for grid in ca[sel]])
    colour_gap = np.percentile(np.abs(ca - cb).reshape(len(i), -1), 90, axis=1)
    # A grey picture (no signature: all 128) next to one with real colour (`_coloured`,
    # the rule `colour_agrees` uses) is a black-and-white copy, which joins its colour
    # original as `colour_agrees` promises: its tone decides. A grey and a merely tinted
    # picture are compared: a white and a cream page are two pictures.
    # (only the pairs' own rows: the whole table is a million rows at the memory peak)
    grey_a, grey_b = (np.all(c.reshape(len(i), -1) == 128.0, axis=1) for c in (ca, cb))
    bw_copy = (grey_a & _coloured(cb)) | (_coloured(ca) & grey_b)
    out[:] = (grey_gap <= grey_tolerance) & ((colour_gap <= colour_tolerance) | bw_copy)
    return out


# High-pass energy (standard deviation, grey levels) under which a 64x64 detail map holds
# no marks at all: a solid colour, a 1x1 or 2x2 picture, sensor noise averaged away.
# A faint page with pale pencil marks has 0.5 or more.
BARE_DETAIL = 0.25


def is_bare(detail_map: bytes | None) -> bool:
    """Whether a low-detail picture has no marks at all: only its tone says what it is."""
    return detail_map is not None and float(high_pass(detail_map).std()) < BARE_DETAIL


def high_pass(detail_map: bytes) -> F32:
    """The 64x64 thumbnail minus its local mean: text, marks and edges, not the paper."""
    a = (
        np.frombuffer(detail_map, dtype=np.uint8)
        .astype(np.float32)
        .reshape(DETAIL_SIDE, DETAIL_SIDE)
    )
    pad = np.pad(a, 2, mode="edge")
    # the 5x5 box sum as a row sum, then a column sum (10 slices added, not 25): whole
    # grey levels, at most 25 x 255, are exact in float32 in any order, so the blur is
    # bit for bit the 25-term sum's
    rows = pad[:, 0:DETAIL_SIDE] + pad[:, 1 : DETAIL_SIDE + 1]
    for dx in range(2, 5):
        rows += pad[:, dx : dx + DETAIL_SIDE]
    blur = rows[0:DETAIL_SIDE] + rows[1 : DETAIL_SIDE + 1]
    for dy in range(2, 5):
        blur += rows[dy : dy + DETAIL_SIDE]
    blur /= 25.0
    return (a - blur).reshape(-1)


def detail_correlation(map_a: bytes, map_b: bytes, kind: int) -> float:
    """Correlation of the high-pass 64x64 thumbnails (a transformed by `kind`).

    Blurs the high-pass images slightly first, so a mark that moved by a pixel
    after a resize still lines up, while marks in different places do not.
    """
    a = high_pass(map_a).reshape(DETAIL_SIDE, DETAIL_SIDE)
    a = TRANSFORMS[kind][1](a)
    b = high_pass(map_b).reshape(DETAIL_SIDE, DETAIL_SIDE)
    a, b = _soften(np.ascontiguousarray(a)), _soften(b)
    va = a.reshape(1, -1) - a.mean()
    vb = b.reshape(1, -1) - b.mean()
    na, nb = float(np.linalg.norm(va)), float(np.linalg.norm(vb))
    if na < 1e-3 or nb < 1e-3:
        # one side is perfectly flat: a match only if both are
        return 1.0 if na < 1e-3 and nb < 1e-3 else 0.0
    return float((va @ vb.T).item() / (na * nb))


def _soften(a: F32) -> F32:
    pad = np.pad(a, 1, mode="edge")
    out = np.zeros_like(a)
    for dy in range(3):
        for dx in range(3):
            out += pad[dy : dy + a.shape[0], dx : dx + a.shape[1]]
    return out / 9.0


def aspect_log_ratio(
    wa: npt.NDArray[np.float64],
    ha: npt.NDArray[np.float64],
    wb: npt.NDArray[np.float64],
    hb: npt.NDArray[np.float64],
    kinds: npt.NDArray[np.int64],
) -> npt.NDArray[np.float64]:
    """|log(aspect a / aspect b)|, with a's sides swapped for 90/270-degree variants."""
    swap = np.isin(kinds, (1, 3, 5, 7))
    aw = np.where(swap, ha, wa)
    ah = np.where(swap, wa, ha)
    return np.abs(np.log((aw / np.maximum(ah, 1)) / (wb / np.maximum(hb, 1))))
