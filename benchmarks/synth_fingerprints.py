"""Synthetic fingerprints for the 1M-grouping benchmark, made the engine's way.

Each picture is a random smooth 64x64 grey image (a coarse and a finer random
field, bicubic-like interpolation, plus a few small marks so the high-pass
check of low-detail pictures has something to compare). From it, as
`cleaner.detect.fingerprint.fingerprint` does: the 32x32 grey picture (2x2 box mean here,
standing in for the resize of the 512-px decode), its pHash (ImageHash's DCT
pHash, computed in batches as matrix products and checked bit for bit against
`cleaner.detect.fingerprint.phash_int` on a sample), the 16x16 BOX thumbnail, the detail
(standard deviation of the 32x32) and, for low-detail pictures, the 64x64 map.

Planted near-duplicates are the same picture perturbed (brightness, sub-pixel
shift, noise), re-drawn weaker until their pHash distance is within the
threshold; their partners keep the picture's aspect ratio. A share of them is also
turned or mirrored (`PLANT_TURNS`): then the distance is the one in the matched
orientation, and a copy turned by 90 degrees has its width and height swapped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from PIL import Image

from cleaner.detect.fingerprint import (
    CROP_WINDOWS,
    DETAIL_SIDE,
    TRANSFORMS,
    crop_grey32,
    dihedral_phashes,
    phash_int,
)
from cleaner.detect.orientation import dct_moves
from cleaner.models import LOW_DETAIL_STD

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]
U64 = npt.NDArray[np.uint64]

SIDE = 64
SIZES = np.array([(4000, 3000), (6000, 4000), (3000, 4000), (4032, 3024), (1920, 1080),
                  (3264, 2448), (2048, 1536), (1080, 1920)], dtype=np.int32)  # fmt: skip
CHUNK = 20_000


def _interp(side: int, grid: int) -> npt.NDArray[np.float32]:
    """(side, grid) matrix: cubic-B-spline-like interpolation of a grid onto `side` pixels."""
    x = (np.arange(side) + 0.5) / side * (grid - 1)
    d = np.abs(x[:, None] - np.arange(grid)[None, :])
    w = np.where(d < 1, 2 / 3 - d**2 + d**3 / 2, np.where(d < 2, (2 - d) ** 3 / 6, 0.0))
    return (w / w.sum(axis=1, keepdims=True)).astype(np.float32)


_U6 = _interp(SIDE, 6)
_U16 = _interp(SIDE, 16)


def _field(rng: np.random.Generator, n: int, u: F32) -> F32:
    """n random smooth fields (n, SIDE, SIDE), unit variance per grid sample."""
    g = u.shape[1]
    c = rng.standard_normal((n, g, g), dtype=np.float32)
    rows = (c.reshape(n * g, g) @ u.T).reshape(n, g, SIDE)  # (n, g, SIDE)
    out = u @ rows  # broadcast: (SIDE, g) @ (n, g, SIDE) -> (n, SIDE, SIDE)
    return np.asarray(out, dtype=np.float32)


def pictures(rng: np.random.Generator, n: int) -> F32:
    """n photo-like 64x64 grey pictures as float32 (0-255 before rounding)."""
    img = _field(rng, n, _U6) + 0.45 * _field(rng, n, _U16)
    img -= img.mean(axis=(1, 2), keepdims=True)
    img /= np.maximum(img.std(axis=(1, 2), keepdims=True), 1e-3)
    # contrast: std of the 32x32 picture, log-normal around 40 (about 2% low-detail)
    contrast = np.exp(rng.normal(np.log(40.0), 0.5, n)).astype(np.float32)
    mean = rng.uniform(70, 180, n).astype(np.float32)
    img = img * contrast[:, None, None] + mean[:, None, None]
    marks = rng.integers(0, SIDE, (n, 6, 2))
    depth = rng.uniform(20, 60, (n, 6)).astype(np.float32)
    for k in range(6):
        img[np.arange(n), marks[:, k, 0], marks[:, k, 1]] -= depth[:, k]
    return img


# What a re-save leaves at 64x64 (`like_resave`): the harshest re-save of the kit's 40
# source pictures (JPEG quality 10-50 at 1/4 to full size, reduced to 64x64 as the engine
# reduces them) leaves noise of 6.3 grey levels at most, 1.8 on a near-blank page; a
# sub-pixel shift moves a pixel's weight by less than the whole pixel.
RESAVE_NOISE = 6.5  # grey levels (standard deviation), a picture with detail
RESAVE_NOISE_LOW = 2.0  # ... a low-detail one (`LOW_DETAIL_STD`)
RESAVE_SHIFT = 0.8  # the largest blend towards the neighbouring pixel


def perturb(
    rng: np.random.Generator,
    img: F32,
    level: npt.NDArray[np.float32],
    like_resave: bool = False,
) -> F32:
    """A near-duplicate of each picture: brightness, sub-pixel shift and noise, scaled by level.
    Unless `like_resave`, the noise grows to the picture's own standard deviation and the
    "shift" to 3.2 pixels' weight (an extrapolation, not a shift) at level 4, as
    `grouping_1m` has always planted; with it, both stay within what a re-save does."""
    n = len(img)
    lv = level[:, None, None]
    std = img.std(axis=(1, 2), keepdims=True)
    shift = (rng.uniform(0, 0.8, n).astype(np.float32))[:, None, None] * lv
    noise = 0.25 * std * lv
    if like_resave:
        shift = np.minimum(shift, np.float32(RESAVE_SHIFT))
        detail = box_half(quantise(img)).reshape(n, -1).std(axis=1)[:, None, None]
        cap = np.where(detail < LOW_DETAIL_STD, RESAVE_NOISE_LOW, RESAVE_NOISE)
        noise = np.minimum(noise, cap.astype(np.float32))
    moved = np.concatenate([img[:, :, :1], img[:, :, :-1]], axis=2)
    out = img * (1 - shift) + moved * shift
    out = out + rng.choice([-1.0, 1.0], n).astype(np.float32)[:, None, None] * 10 * lv
    out = out + rng.standard_normal(img.shape, dtype=np.float32) * noise
    return np.asarray(out, dtype=np.float32)


def quantise(img: F32) -> U8:
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def box_half(a: U8) -> U8:
    """2x2 box mean with rounding, as Pillow's BOX resize to half size."""
    # four strided adds, not a sum over two axes of a 5-d view: the same integers, ~10x
    # faster (numpy reduces non-adjacent axes slowly; this was half of the estate
    # synthesis' generation time)
    s = a[:, 0::2, 0::2].astype(np.uint16)
    s += a[:, 1::2, 0::2]
    s += a[:, 0::2, 1::2]
    s += a[:, 1::2, 1::2]
    s += 2
    s >>= 2
    return s.astype(np.uint8)


# ImageHash's pHash: scipy.fftpack DCT-II (unnormalised, 2*sum x cos(...)) on both axes,
# top-left 8x8, bits above the median, flattened row-major, most significant first.
_N = np.arange(32)
_DCT = (2 * np.cos(np.pi * np.arange(8)[:, None] * (2 * _N[None, :] + 1) / 64)).astype(np.float64)


def phash_batch(grey32: U8) -> U64:
    """pHash of each 32x32 grey picture, as `cleaner.detect.fingerprint.phash_int` computes it."""
    x = grey32.astype(np.float64)
    low = _DCT @ x @ _DCT.T  # (n, 8, 8)
    flat = low.reshape(len(x), 64)
    med = np.median(flat, axis=1, keepdims=True)
    bits = np.packbits(flat > med, axis=1)  # (n, 8) bytes, MSB first
    return bits.view(">u8").reshape(-1).astype(np.uint64)


def variant_hashes(grey32: U8) -> U64:
    """(n, 7) pHashes of the other rotations/mirrorings, in TRANSFORMS order, from one DCT
    as `cleaner.detect.fingerprint.dihedral_phashes` takes them."""
    return orientation_hashes(grey32)[:, 1:]


_SIGNS = np.array([(-1.0) ** k for k in range(8)])


def orientation_hashes(grey32: U8) -> U64:
    """(n, 8) pHashes of each picture in every orientation of TRANSFORMS."""
    low = _DCT @ grey32.astype(np.float64) @ _DCT.T  # (n, 8, 8)
    cols = []
    for transpose, flip_rows, flip_columns in dct_moves():
        moved = np.swapaxes(low, 1, 2) if transpose else low
        if flip_rows:
            moved = moved * _SIGNS[None, :, None]
        if flip_columns:
            moved = moved * _SIGNS[None, None, :]
        flat = moved.reshape(len(low), 64)
        bits = np.packbits(flat > np.median(flat, axis=1, keepdims=True), axis=1)
        cols.append(bits.view(">u8").reshape(-1).astype(np.uint64))
    return np.stack(cols, axis=1) if len(low) else np.zeros((0, 8), np.uint64)


# Which orientation planted copies get, in turn: half as displayed, the other half spread
# over the seven turns and mirrorings (TRANSFORMS order: 1-3 turned, 4 mirrored, 5-7 both).
PLANT_TURNS: tuple[int, ...] = (0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7)
# What planted copies are, in turn: a TRANSFORMS index (0-7, as above) or a crop. Out of
# 16: 5 as displayed, 7 turned or mirrored, 3 light crops, 1 heavy crop.
LIGHT_CROP = 8
HEAVY_CROP = 9
PLANT_KINDS: tuple[int, ...] = (0, 1, 0, 2, 0, 3, LIGHT_CROP, 4, 0, 5, LIGHT_CROP, 6, 0, 7,
                                LIGHT_CROP, HEAVY_CROP)  # fmt: skip
LIGHT_EDGE = (0.03, 0.05)  # each edge of a light crop loses this much of its side
HEAVY_SIDE = 0.8  # a heavy crop keeps 80 % of each side, anywhere in the picture


def turn_pictures(img: F32, turns: npt.NDArray[np.int64]) -> F32:
    """Each picture turned by TRANSFORMS[turns[r]] (square pictures: same shape)."""
    out = img.copy()
    for t in np.unique(turns[turns > 0]).tolist():
        rows = np.flatnonzero(turns == t)
        out[rows] = np.stack([TRANSFORMS[t][1](a) for a in img[rows]])
    return out


def _resample(starts: F32, stops: F32, side: int = SIDE) -> F32:
    """(n, side, side) matrices: the part [start, stop) (fractions) of a `side`-pixel row
    resampled to `side` pixels by linear interpolation (an enlargement by 1.1-1.25x)."""
    centre = (np.arange(side, dtype=np.float32) + 0.5) / side  # output pixel centres
    src = (starts[:, None] + centre[None, :] * (stops - starts)[:, None]) * side - 0.5
    src = np.clip(src, 0, side - 1)
    lo = np.floor(src).astype(np.int64)
    hi = np.minimum(lo + 1, side - 1)
    frac = (src - lo).astype(np.float32)
    out = np.zeros((len(starts), side, side), dtype=np.float32)
    rows = np.arange(len(starts))[:, None]
    cols = np.arange(side)[None, :]
    np.add.at(out, (rows, cols, lo), 1 - frac)
    np.add.at(out, (rows, cols, hi), frac)
    return out


def crop_pictures(img: F32, left: F32, top: F32, right: F32, bottom: F32) -> F32:
    """Each picture cut to [left, right) x [top, bottom) (fractions) and rescaled to SIDE."""
    mx = _resample(left, right)
    my = _resample(top, bottom)
    return np.asarray(my @ img @ np.swapaxes(mx, 1, 2), dtype=np.float32)


def _window_matrix(window: tuple[float, float, float, float], side: int) -> F32:
    """(32, side) matrix: Pillow's LANCZOS resize of the window [window[0], window[2]) of a
    `side`-pixel row to 32 pixels, as one linear map (the resize is separable)."""
    rows = []
    for k in range(side):
        basis = np.zeros((1, side), dtype=np.float32)
        basis[0, k] = 1.0
        image = Image.fromarray(basis, mode="F")
        box = (window[0] * side, 0.0, window[2] * side, 1.0)
        rows.append(np.asarray(image.resize((32, 1), Image.Resampling.LANCZOS, box=box))[0])
    return np.stack(rows, axis=1).astype(np.float32)


def crop_hashes(q64: U8) -> U64:
    """(n, windows) pHashes of the crop windows, `cleaner.detect.fingerprint.crop_grey32`
    style (from the 64x64 picture here, as the rest of this module stands in for the
    512-px decode)."""
    cols = []
    for window in CROP_WINDOWS:
        m = _window_matrix(window, q64.shape[1])
        small = m @ q64.astype(np.float32) @ m.T
        cols.append(phash_batch(quantise(small)))
    return np.stack(cols, axis=1) if cols else np.zeros((len(q64), 0), np.uint64)


def check_against_engine(grey32: U8) -> None:
    """Assert that the batched pHash and thumbnail match the engine's own code exactly."""
    ours = phash_batch(grey32)
    turned = orientation_hashes(grey32)
    for k, a in enumerate(grey32):
        theirs = phash_int(Image.fromarray(a))
        assert int(ours[k]) == theirs, f"pHash mismatch on sample {k}: {ours[k]:x} != {theirs:x}"
        engine = dihedral_phashes(Image.fromarray(a))
        assert tuple(turned[k].tolist()) == engine, f"orientation hashes differ on sample {k}"
        thumb = np.asarray(Image.fromarray(a).resize((16, 16), Image.Resampling.BOX))
        assert int(np.abs(thumb.astype(int) - box_half(a[None])[0]).max()) <= 1


def check_crops_against_engine(q64: U8) -> float:
    """Mean pHash distance between our batched crop hashes and the engine's (rounding in
    the resize makes a few bits differ; it must stay small)."""
    ours = crop_hashes(q64)
    total = 0
    for k, a in enumerate(q64):
        theirs = [phash_int(crop_grey32(Image.fromarray(a), w)) for w in CROP_WINDOWS]
        total += sum(bin(int(o) ^ t).count("1") for o, t in zip(ours[k], theirs, strict=True))
    mean = total / max(1, q64.shape[0] * len(CROP_WINDOWS))
    assert mean <= 2.0, f"batched crop hashes differ from the engine's by {mean:.2f} bits"
    return mean


@dataclass
class Fingerprints:
    hashes: U64  # (N,)
    variants: U64 | None  # (N, 7) or None
    crops: U64  # (N, len(CROP_WINDOWS))
    thumbs: U8  # (N, 256)
    detail: F32  # (N,)
    width: npt.NDArray[np.int32]
    height: npt.NDArray[np.int32]
    detail_index: npt.NDArray[np.int64]  # rows that carry a 64x64 detail map
    detail_maps: U8  # (len(detail_index), 4096)
    planted_i: npt.NDArray[np.int64]
    planted_j: npt.NDArray[np.int64]
    planted_distance: npt.NDArray[np.int64]
    # TRANSFORMS index of each planted copy against its original (0: as displayed)
    planted_turn: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    # what each planted copy is: a TRANSFORMS index, LIGHT_CROP or HEAVY_CROP
    planted_kind: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    # the 64x64 pictures of heavy-crop plants and their originals (rows `pixels_index`), for
    # the heavy-crop second look
    pixels_index: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    pixels: U8 = field(default_factory=lambda: np.zeros((0, DETAIL_SIDE**2), np.uint8))


def _describe(img: F32, rotations: bool) -> dict[str, npt.NDArray]:  # type: ignore[type-arg]
    q64 = quantise(img)
    g32 = box_half(q64)
    detail = g32.astype(np.float32).std(axis=(1, 2))
    low = np.nonzero(detail < LOW_DETAIL_STD * 1.5)[0]
    assert q64.shape[1] == DETAIL_SIDE
    return {
        "hashes": phash_batch(g32),
        "variants": variant_hashes(g32) if rotations else np.zeros((len(img), 0), np.uint64),
        "crops": crop_hashes(q64),
        "thumbs": box_half(g32).reshape(len(img), 256),
        "detail": detail,
        "low": low,
        "maps": q64[low].reshape(len(low), -1),
    }


def generate(
    count: int,
    planted: int,
    threshold: int,
    rotations: bool = True,
    seed: int = 7,
    turns: Sequence[int] = PLANT_KINDS,
    crop_threshold: int | None = None,
    like_resave: bool = False,
) -> Fingerprints:
    """`count` fingerprints: `count - planted` distinct pictures and `planted` perturbed
    copies, copy k turned by (or cropped as) `turns[k % len(turns)]` (see PLANT_KINDS)."""
    rng = np.random.default_rng(seed)
    sample = quantise(pictures(rng, 400))
    check_against_engine(box_half(sample))
    check_crops_against_engine(sample)
    distinct = count - planted
    parts: list[dict[str, npt.NDArray]] = []  # type: ignore[type-arg]
    copies: list[dict[str, npt.NDArray]] = []  # type: ignore[type-arg]
    distances: list[npt.NDArray[np.int64]] = []
    scales: list[F32] = []
    kept: list[tuple[npt.NDArray[np.int64], U8]] = []  # heavy crops' pictures, both sides
    plant_kinds = np.resize(np.asarray(turns, dtype=np.int64), planted)
    for start in range(0, distinct, CHUNK):
        n = min(CHUNK, distinct - start)
        img = pictures(rng, n)
        parts.append(_describe(img, rotations))
        # the first `planted` distinct pictures get a near-duplicate
        m = max(0, min(n, planted - start))
        if m:
            kind = plant_kinds[start : start + m]
            copy = np.empty_like(img[:m])
            dist = np.zeros(m, dtype=np.int64)
            scale = np.ones((m, 2), dtype=np.float32)
            turned = np.flatnonzero(kind < LIGHT_CROP)
            copy[turned], dist[turned] = _planted(
                rng, img[turned], parts[-1]["hashes"][turned], threshold, kind[turned],
                like_resave,
            )  # fmt: skip
            light = np.flatnonzero(kind == LIGHT_CROP)
            windows = parts[-1]["crops"][light, 0]
            limit = threshold if crop_threshold is None else crop_threshold
            copy[light], dist[light], scale[light] = _light_crops(rng, img[light], windows, limit)
            heavy = np.flatnonzero(kind == HEAVY_CROP)
            copy[heavy], scale[heavy] = _heavy_crops(rng, img[heavy])
            dist[heavy] = -1  # no hash distance decides a heavy crop
            copies.append(_describe(copy, rotations))
            distances.append(dist)
            scales.append(scale)
            both = np.concatenate([quantise(img[heavy]), quantise(copy[heavy])])
            kept.append((heavy + start, both))
    fps = _assemble(rng, parts, copies, distances, distinct, planted,
                    np.where(plant_kinds < LIGHT_CROP, plant_kinds, 0),
                    np.concatenate(scales) if scales else None)  # fmt: skip
    fps.planted_kind = plant_kinds
    if kept:
        rows = np.concatenate([r for r, _ in kept])
        fps.pixels_index = np.concatenate([rows, fps.planted_j[rows]])
        originals = np.concatenate([p[: len(r)] for r, p in kept])
        crops = np.concatenate([p[len(r) :] for r, p in kept])
        fps.pixels = np.concatenate([originals, crops]).reshape(-1, DETAIL_SIDE**2)
    return fps


def _light_crops(
    rng: np.random.Generator, img: F32, windows: U64, threshold: int
) -> tuple[F32, npt.NDArray[np.int64], F32]:
    """Light crops (each edge cut by LIGHT_EDGE), perturbed, whose pHash is within
    `threshold` of their original's crop-window hash `windows`; a copy too far is drawn
    again, perturbed less, and its edges moved closer to the window's (after 6 tries)."""
    n = len(img)
    edges = rng.uniform(*LIGHT_EDGE, (n, 4)).astype(np.float32)  # left, top, right, bottom
    level = rng.uniform(0.05, 2.0, n).astype(np.float32)
    out = np.empty_like(img)
    dist = np.zeros(n, dtype=np.int64)
    final = edges.copy()
    todo = np.arange(n)
    middle = CROP_WINDOWS[0][0]  # the window the crop search hashes
    for round_ in range(60):
        if not len(todo):
            break
        e = edges[todo]
        cut = crop_pictures(img[todo], e[:, 0], e[:, 1], 1 - e[:, 2], 1 - e[:, 3])
        trial = perturb(rng, cut, level[todo]) if round_ < 50 else cut
        d = np.bitwise_count(phash_batch(box_half(quantise(trial))) ^ windows[todo])
        ok = (d <= threshold) | (round_ == 59)
        out[todo[ok]] = trial[ok]
        dist[todo[ok]] = d[ok]
        final[todo[ok]] = e[ok]
        todo = todo[~ok]
        level[todo] *= 0.7
        if round_ >= 6:
            edges[todo] = (edges[todo] + middle) / 2
    scale = np.stack([1 - final[:, 0] - final[:, 2], 1 - final[:, 1] - final[:, 3]], axis=1)
    return out, dist, scale.astype(np.float32)


def _heavy_crops(rng: np.random.Generator, img: F32) -> tuple[F32, F32]:
    """80 % x 80 % windows anywhere in each picture, rescaled and lightly perturbed."""
    n = len(img)
    x0 = rng.uniform(0, 1 - HEAVY_SIDE, n).astype(np.float32)
    y0 = rng.uniform(0, 1 - HEAVY_SIDE, n).astype(np.float32)
    cut = crop_pictures(img, x0, y0, x0 + HEAVY_SIDE, y0 + HEAVY_SIDE)
    out = perturb(rng, cut, rng.uniform(0.05, 1.0, n).astype(np.float32))
    return out, np.full((n, 2), HEAVY_SIDE, dtype=np.float32)


def _planted(
    rng: np.random.Generator,
    img: F32,
    hashes: U64,
    threshold: int,
    turns: npt.NDArray[np.int64] | None = None,
    like_resave: bool = False,
) -> tuple[F32, npt.NDArray[np.int64]]:
    """Perturbed copies within `threshold` of their originals, turned by `turns`: the
    distance is the turned original's hash against the copy's own."""
    level = rng.uniform(0.05, 4.0, len(img)).astype(np.float32)
    if turns is not None and turns.any():
        img = turn_pictures(img, turns)
        hashes = phash_batch(box_half(quantise(img)))
    out = np.empty_like(img)
    todo = np.arange(len(img))
    dist = np.zeros(len(img), dtype=np.int64)
    while len(todo):
        trial = perturb(rng, img[todo], level[todo], like_resave)
        d = np.bitwise_count(phash_batch(box_half(quantise(trial))) ^ hashes[todo]).astype(np.int64)
        ok = d <= threshold
        out[todo[ok]] = trial[ok]
        dist[todo[ok]] = d[ok]
        todo = todo[~ok]
        level[todo] *= 0.7
    return out, dist


def _assemble(
    rng: np.random.Generator,
    parts: list[dict[str, npt.NDArray]],  # type: ignore[type-arg]
    copies: list[dict[str, npt.NDArray]],  # type: ignore[type-arg]
    distances: list[npt.NDArray[np.int64]],
    distinct: int,
    planted: int,
    plant_turns: npt.NDArray[np.int64] | None = None,
    plant_scale: F32 | None = None,
) -> Fingerprints:
    allp = parts + copies
    offsets = np.cumsum([0] + [len(p["hashes"]) for p in allp])
    size = SIZES[rng.integers(0, len(SIZES), distinct)]
    if plant_turns is None:
        plant_turns = np.zeros(planted, dtype=np.int64)
    sideways = np.isin(plant_turns, (1, 3, 5, 7))  # a quarter turn swaps the sides
    copy_size = size[:planted].astype(np.float64)
    if plant_scale is not None:  # a crop keeps part of each side
        copy_size = np.rint(copy_size * plant_scale)
    width = np.concatenate([size[:, 0], np.where(sideways, copy_size[:, 1], copy_size[:, 0])])
    height = np.concatenate([size[:, 1], np.where(sideways, copy_size[:, 0], copy_size[:, 1])])
    variants = np.concatenate([p["variants"] for p in allp])
    return Fingerprints(
        hashes=np.concatenate([p["hashes"] for p in allp]),
        variants=variants if variants.shape[1] else None,
        crops=np.concatenate([p["crops"] for p in allp]),
        thumbs=np.concatenate([p["thumbs"] for p in allp]),
        detail=np.concatenate([p["detail"] for p in allp]),
        width=width.astype(np.int32),
        height=height.astype(np.int32),
        detail_index=np.concatenate(
            [p["low"] + off for p, off in zip(allp, offsets, strict=False)]
        ),
        detail_maps=np.concatenate([p["maps"] for p in allp]),
        planted_i=np.arange(planted, dtype=np.int64),
        planted_j=np.arange(distinct, distinct + planted, dtype=np.int64),
        planted_distance=np.concatenate(distances) if distances else np.zeros(0, np.int64),
        planted_turn=plant_turns,
    )
