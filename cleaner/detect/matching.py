"""Which pictures are the same picture: candidate pairs from the index, then checks.

Three searches, the first two over `cleaner.detect.index`:

1. every picture's hash against every other's, within the preset's Hamming
   threshold, and (with `rotations`, the default) turned and mirrored: on a small
   library every orientation hash of each picture is searched (exact), on a big one
   each picture is searched once in its canonical orientation
   (`cleaner.detect.orientation`);
2. the hash of each picture's centre window (`cleaner.detect.fingerprint.CROP_WINDOWS`)
   against every other picture's hash, within the preset's crop threshold: a
   copy with its edges cut off hashes like that window of its original;
3. heavy crops (`cleaner.detect.crops`): 80 % windows anywhere in a picture, found and
   lined up on the thumbnails, checked again on the files when the scan can read them.

Smooth pictures, whose pHash flips many bits for a small edit, get a third search of
their own on their thumbnails, confirmed more strictly (`cleaner.detect.smooth`,
`smooth_matches`).

Every candidate is then confirmed (`confirm`: shape, thumbnails, colour,
low-detail check, see `cleaner.detect.checks`; a low-detail light crop the detail maps
refuse gets a look on the files, `cleaner.detect.faint_crops`), and a pair found by both
searches is kept once.
Two shots by one camera at different moments are never a match (`cleaner.detect.shots`).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cleaner.detect.checks import (
    CROP_KIND,
    aspect_log_ratio,
    colour_agrees,
    crop_correlation,
    detail_correlation,
    is_bare,
    thumb_correlation,
    tone_agrees,
)
from cleaner.detect.crop_index import window_pairs
from cleaner.detect.crops import (
    GRID_KIND,
    HEAVY_CROP_PREFILTER,
    LOW_DETAIL_SKETCH,
    crop_alignment,
    heavy_crop_pairs,
    low_detail_crops,
    remembered,
    second_look,
    structured,
)
from cleaner.detect.faint_crops import faint_looks
from cleaner.detect.fingerprint import CROP_WINDOWS, THUMB_SIDE, TRANSFORMS
from cleaner.detect.index import BRUTE_FORCE_LIMIT, Pairs, search_pairs
from cleaner.detect.memory import give_back_freed_memory
from cleaner.detect.orientation import oriented_pairs
from cleaner.detect.pictures import ObjectPictures, PictureData
from cleaner.detect.pictures import coloured as coloured_rows
from cleaner.detect.shots import separate_shots
from cleaner.detect.side_crops import (
    SIDE_CROP_MAX_PICTURES,
    SIDE_KIND,
    is_side_kind,
    side_alignment,
    side_crop_pairs,
    side_looks,
)
from cleaner.detect.smooth import SMOOTH_KIND, smooth_agrees, smooth_candidates
from cleaner.detect.squash import needs_squash_check, squash_agrees
from cleaner.models import DIHEDRAL_BYTES, Fingerprint, ImageMetrics, Thresholds
from cleaner.progress import relay, step_fraction

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
BOOL = npt.NDArray[np.bool_]
U64 = npt.NDArray[np.uint64]
U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]

_CROP_BYTES = 8 * len(CROP_WINDOWS)


@dataclass(frozen=True, slots=True)
class Matches:
    """Confirmed pairs (i, j), each once, with a strength (1 = same hash, higher is closer)."""

    i: I64
    j: I64
    strength: F64
    coloured: BOOL  # per picture: has colour to compare (its matches are transitive)
    # what matched, per pair (`cleaner.detect.evidence` says it): the transform as the pair
    # was found (`Pairs.t`, of picture j when `swapped`, else of picture i), its hash
    # distance, and the thumbnail (crop, or fine-detail for a low-detail picture)
    # correlation that confirmed it (NaN where none was computed). None: not recorded.
    t: I64 | None = None
    swapped: BOOL | None = None
    distance: I64 | None = None
    correlation: npt.NDArray[np.float32] | None = None

    def __len__(self) -> int:
        return len(self.i)


def find_matches(
    fps: Sequence[Fingerprint],
    metrics: Sequence[ImageMetrics],
    thresholds: Thresholds,
    rotations: bool = False,
    pixels: Callable[[int], npt.NDArray[np.float32] | None] | None = None,
    pictures: PictureData | None = None,
    grey: Callable[[int], U8 | None] | None = None,
) -> Generator[float, None, Matches]:
    """Yield the fraction done (0-1) as the searches go, and return the `Matches`.
    `pixels(k)`, when given, decodes picture k again for the heavy-crop second look
    (`cleaner.detect.crops.second_look`); `grey(k)`, when given, decodes it again larger
    for the faint crops' look (`cleaner.detect.faint_crops`). `pictures`, when given,
    holds the same pictures as columns (`cleaner.detect.pictures`): the checks read them
    there."""
    data = ObjectPictures(fps, metrics) if pictures is None else pictures
    # no second look (catalogs: no files), no heavy crop but between two detail maps
    pairs = yield from candidate_pairs(fps, thresholds, rotations, data, pixels is None)
    give_back_freed_memory()  # each step starts from what is in use (cleaner.detect.memory)
    scores: list[npt.NDArray[np.float32]] = []
    keep = confirm(pairs, fps, metrics, thresholds, scores, pixels, data, grey)
    give_back_freed_memory()
    i, j, d = pairs.i[keep], pairs.j[keep], pairs.d[keep]
    t = pairs.t[keep].astype(np.int64)
    corr = scores[0][keep] if scores else np.full(len(i), np.nan, dtype=np.float32)
    smooth, smooth_corr = smooth_matches(fps, metrics, thresholds, data)
    i, j, d = (
        np.concatenate([i, smooth.i]),
        np.concatenate([j, smooth.j]),
        np.concatenate([d, smooth.d]),
    )
    t = np.concatenate([t, smooth.t])
    corr = np.concatenate([corr, smooth_corr]).astype(np.float32)
    if len(metrics) == len(fps):  # two shots of one camera are never copies (`shots`)
        apart = separate_shots(metrics, i, j)
        i, j, d, t, corr = i[~apart], j[~apart], d[~apart], t[~apart], corr[~apart]
    # a pair found by both searches (or both ways round by the crop search) counts once,
    # with its smallest distance
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    order = np.lexsort((d, hi, lo))
    lo, hi, d = lo[order], hi[order], d[order]
    first = np.ones(len(lo), dtype=bool)
    first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    strength = 1.0 - d[first].astype(np.float64) / 64.0
    lo, hi = lo[first], hi[first]
    t, swapped, corr = t[order][first], (i > j)[order][first], corr[order][first]
    coloured = np.zeros(len(fps), dtype=bool)
    ends = np.unique(np.concatenate([lo, hi]))
    coloured[ends] = coloured_rows(*data.colours(ends))
    distance = d[first].astype(np.int64)
    give_back_freed_memory()  # before the stars are drawn
    return Matches(lo, hi, strength, coloured, t, swapped, distance, corr)


def smooth_matches(
    fps: Sequence[Fingerprint],
    metrics: Sequence[ImageMetrics],
    thresholds: Thresholds,
    pictures: PictureData | None = None,
) -> tuple[Pairs, npt.NDArray[np.float32]]:
    """The confirmed pairs of the smooth search (`cleaner.detect.smooth`): the ordinary
    checks, then the strict ones; with `t` = `SMOOTH_KIND` (what found them, for the
    evidence) and the thumbnail correlation of each."""
    data = ObjectPictures(fps, metrics) if pictures is None else pictures
    pairs = smooth_candidates(fps, metrics, thresholds, data)
    keep = smooth_agrees(pairs, fps, data)
    strict = Pairs(pairs.i[keep], pairs.j[keep], pairs.t[keep], pairs.d[keep])
    scores: list[npt.NDArray[np.float32]] = []
    passed = confirm(strict, fps, metrics, thresholds, scores, pictures=data)
    keep[keep] = passed
    corr = scores[0][passed] if scores else np.zeros(0, dtype=np.float32)
    found = np.full(int(keep.sum()), SMOOTH_KIND, dtype=np.int64)
    return Pairs(pairs.i[keep], pairs.j[keep], found, pairs.d[keep]), corr


def candidate_pairs(
    fps: Sequence[Fingerprint],
    thresholds: Thresholds,
    rotations: bool = False,
    pictures: PictureData | None = None,
    heavy_on_maps: bool = False,
) -> Generator[float, None, Pairs]:
    """Candidate pairs of both searches. `Pairs.t` is the dihedral transform of picture
    i (0 = as displayed) or `CROP_KIND + w` for crop window w of picture i.
    `heavy_on_maps`: the heavy-crop search only among the pictures with a detail map
    (`heavy_map_pairs`), for when there will be no second look."""
    data = ObjectPictures(fps, []) if pictures is None else pictures
    base, variants, crops, has_crops = _hash_arrays(data, rotations)
    turned: U64 | None = None  # (N, 8): every orientation's hash, for the canonical search
    if variants is not None and not exact_turns(len(fps)):
        turned, variants = np.concatenate([base[:, None], variants], axis=1), None
    searches: list[tuple[int, U64 | None, bool]] = [(thresholds.hamming, variants, True)]
    if crops is not None and thresholds.crop_hamming > 0:
        searches.append((thresholds.crop_hamming, crops, False))
    found: list[Pairs] = []
    for step, (threshold, extra, base_pairs) in enumerate(searches):
        if turned is not None and base_pairs:
            search = oriented_pairs(fps, base, turned, threshold, data.thumbs)
            turned = None  # the search holds it while it runs
        elif not base_pairs and extra is not None:  # the crop windows: their own search
            search = window_pairs(base, extra, threshold)
        else:
            search = search_pairs(base, threshold, extra, base_pairs=base_pairs)
        pairs: Pairs = yield from relay(search, step_fraction(step, len(searches) + 1))
        give_back_freed_memory()  # the search's tables, before the next one's
        if not base_pairs:
            # variant t of the crop search is window t - 1; a picture without crop hashes
            # (none today, but a fingerprint could come from an older cache) has none
            ok = has_crops[pairs.i]
            pairs = Pairs(pairs.i[ok], pairs.j[ok], pairs.t[ok] - 1 + CROP_KIND, pairs.d[ok])
        found.append(pairs)
    # the hash arrays (17 MiB at 1M) are not held through the heavy step, whose placing
    # pass is the group stage's peak (benchmarks/README.md, "confirm's thumbnails in steps,
    # session 12"): the heavy step gives them back with its training's memory
    searched = len(searches)
    del base, variants, crops, has_crops, searches, extra, search
    if thresholds.crop_hamming > 0 and len(fps) > 1:  # heavy crops: cleaner.detect.crops
        steps = searched + 2
        heavy = heavy_map_pairs(data) if heavy_on_maps else heavy_crop_pairs(fps)
        found.append((yield from relay(heavy, step_fraction(searched, steps))))
        if not heavy_on_maps and len(fps) <= SIDE_CROP_MAX_PICTURES:
            # lopsided light crops (cleaner.detect.side_crops), of detailed pictures
            low = None if pictures is None else data.low_detail(np.arange(len(fps)))
            side = side_crop_pairs(fps, None if low is None else ~low)
            found.append((yield from relay(side, step_fraction(searched + 1, steps))))
    yield 1.0
    return Pairs(*(np.concatenate([getattr(p, f) for p in found]) for f in ("i", "j", "t", "d")))


def heavy_map_pairs(pictures: PictureData) -> Generator[tuple[int, int], None, Pairs]:
    """`heavy_crop_pairs` among the pictures with a detail map only, numbered as
    `pictures`. Without a second look (`confirm`'s `pixels`: catalogs have no files)
    `confirm` refuses every heavy crop but a low-detail one lined up on the detail maps
    of both ends (`low_detail_crops`), so the others need not be searched: at 10M
    catalog rows that is ~10 % of the pictures (the low-detail ones) instead of all,
    ~8 CPU-min less (benchmarks/README.md, "estate pipeline cost, session 10")."""
    chosen = np.flatnonzero(pictures.has_detail_map()).astype(np.int64)
    thumbs = pictures.thumbs(chosen)
    # the search reads the thumbnails only
    subset = [Fingerprint(hash_bytes=b"", thumb=t) for t in _rows_as_bytes(thumbs)]
    found = yield from heavy_crop_pairs(subset)
    return Pairs(chosen[found.i], chosen[found.j], found.t, found.d)


def _rows_as_bytes(rows: npt.NDArray[np.uint8]) -> list[bytes]:
    packed = np.ascontiguousarray(rows).tobytes()
    width = rows.shape[1] if rows.ndim == 2 else 0
    return [packed[k * width : (k + 1) * width] for k in range(len(rows))]


def exact_turns(count: int) -> bool:
    """Whether a library this size searches every orientation of every picture (exact,
    and cheap: all of it fits the brute-force search) rather than canonical ones."""
    return len(TRANSFORMS) * count * count <= BRUTE_FORCE_LIMIT


def _hash_arrays(
    pictures: PictureData, rotations: bool
) -> tuple[U64, U64 | None, U64 | None, BOOL]:
    """The hashes as arrays: as displayed (N,), the other orientations (N, 7) if wanted,
    the crop windows (N, W) (zero where a fingerprint has none) and which have them."""
    n = len(pictures)
    full = DIHEDRAL_BYTES + _CROP_BYTES
    stored, has = pictures.hash_table()
    table = np.ascontiguousarray(stored).view(">u8").reshape(n, full // 8)
    columns = DIHEDRAL_BYTES // 8
    base = table[:, 0].astype(np.uint64)
    variants = table[:, 1:columns].astype(np.uint64) if rotations else None
    crops = table[:, columns:].astype(np.uint64) if _CROP_BYTES and has.any() else None
    return base, variants, crops, has


def confirm(
    pairs: Pairs,
    fps: Sequence[Fingerprint],
    metrics: Sequence[ImageMetrics],
    thresholds: Thresholds,
    scores: list[npt.NDArray[np.float32]] | None = None,
    pixels: Callable[[int], npt.NDArray[np.float32] | None] | None = None,
    pictures: PictureData | None = None,
    grey: Callable[[int], U8 | None] | None = None,
) -> BOOL:
    """Which candidate pairs are real matches: shape, thumbnail and low-detail checks.
    `scores`, if given, receives the correlation that decided each pair (thumbnail, crop
    window, or fine detail for a low-detail picture; -1 where none was computed).
    `pictures`: the same pictures as columns (`cleaner.detect.pictures`), if held so.
    `pixels(k)` and `grey(k)` decode picture k again for the second looks (see
    `find_matches`); without them (catalogs) none is taken."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=bool)
    data = ObjectPictures(fps, metrics) if pictures is None else pictures
    wi, hi = data.sides(pairs.i)
    wj, hj = data.sides(pairs.j)
    aspect = aspect_log_ratio(wi, hi, wj, hj, pairs.t)
    keep = aspect <= thresholds.aspect_tolerance
    # refused by their shapes, but maybe a squashed copy: `cleaner.detect.squash` decides
    squashed = needs_squash_check(aspect, pairs.t, pairs.d, thresholds.aspect_tolerance)
    keep |= squashed
    crop = pairs.t >= CROP_KIND
    corr = np.full(len(pairs), -1.0, dtype=np.float32)
    if scores is not None:
        scores.append(corr)  # filled as the checks go (the evidence of each match)
    idx = np.nonzero(keep)[0]
    if len(idx) == 0:  # every pair refused by its shape (a stretched panorama): nothing to do
        return keep
    plain = idx[~crop[idx]]
    heavy = idx[pairs.t[idx] >= GRID_KIND]
    light = idx[crop[idx] & (pairs.t[idx] < GRID_KIND)]
    corr[plain] = _stepped_check(data, pairs, plain, thumb_correlation)
    corr[light] = _stepped_check(data, pairs, light, crop_correlation)
    # `side_crops.window_alignment`, each kind of window in steps of its own
    lopsided = is_side_kind(pairs.t[heavy])
    corr[heavy[~lopsided]] = _stepped_check(data, pairs, heavy[~lopsided], crop_alignment)
    corr[heavy[lopsided]] = _stepped_check(data, pairs, heavy[lopsided], side_alignment)
    low_i = data.low_detail(pairs.i)
    low_j = data.low_detail(pairs.j)
    low = low_i | low_j
    if pixels is not None:  # see `_mapless`
        low &= ~_mapless(data, pairs, np.flatnonzero(keep & (pairs.t >= GRID_KIND) & low))
    passed = corr >= np.where(crop, thresholds.crop_correlation, thresholds.correlation)
    grid = pairs.t >= GRID_KIND
    # without the files no second look is possible, and the thumbnails alone cannot tell
    # two skies apart: no heavy crop then, but a low-detail one (decided below on its
    # detail maps; see `cleaner.detect.crops`)
    passed[grid] = (corr[grid] >= HEAVY_CROP_PREFILTER) & (pixels is not None)
    # the checks below can only refuse: each runs on the rows still passing (at 1M
    # pictures most heavy-crop candidates fail the prefilter above)
    rows = heavy[passed[heavy]]
    if len(rows):
        ends, at = np.unique(np.concatenate([pairs.i[rows], pairs.j[rows]]), return_inverse=True)
        shaped = structured(data.thumbs(ends))[at]
        # a crop is a claim that the window explains j better than the whole of i does
        # (a smooth picture's window looks like its stamped or re-saved copy too)
        whole = _stepped_check(data, pairs, rows, _as_displayed)
        passed[rows] = shaped[: len(rows)] & shaped[len(rows) :] & (corr[rows] > whole)
    rows = light[passed[light]]
    if len(rows):  # the same claim for a light crop (burst frames: the scene, moved)
        passed[rows] = corr[rows] > _stepped_check(data, pairs, rows, _as_displayed)
    low_crops = np.nonzero(keep & crop & low)[0]  # decided apart: `low_detail_crops`
    sq = idx[squashed[idx]]
    if len(sq):  # a squashed copy passes a stricter test instead (all in one step)
        turned = np.isin(pairs.t[sq], (1, 3, 5, 7))
        ratio_i = np.where(turned, hi[sq] / np.maximum(wi[sq], 1),
                           wi[sq] / np.maximum(hi[sq], 1))  # fmt: skip
        ratio_j = wj[sq] / np.maximum(hj[sq], 1)
        thumbs, local_i, local_j = _thumb_table(data, pairs.i[sq], pairs.j[sq])
        passed[sq] = squash_agrees(
            thumbs, local_i, local_j, pairs.t[sq], ratio_i, ratio_j, corr[sq]
        )
    # (a low-detail squashed copy must pass it too, then the low-detail checks below)
    keep &= passed | (low & ~crop & ~squashed)
    idx = np.nonzero(keep)[0]
    colours, has = _colours(data, pairs, idx)
    keep[idx] = colour_agrees(
        colours, has, np.arange(len(idx)), np.arange(len(idx), 2 * len(idx)), pairs.t[idx],
        thresholds.colour_tolerance,
    )  # fmt: skip
    # the whole-picture high-pass check cannot be lined up with a crop window: those pairs
    # are decided below, on their detail maps (`low_detail_crops`)
    keep &= ~(crop & low)
    second = np.nonzero(keep & grid)[0]
    if len(second) and pixels is not None:
        # a pair another search already confirmed needs no second look (it counts once)
        again = _same_pairs(pairs, second, np.flatnonzero(keep & ~grid))
        keep[second[again]] = False
        second = second[~again]
        side = second[pairs.t[second] >= SIDE_KIND]
        second = second[pairs.t[second] < SIDE_KIND]
        looks = remembered(pixels)  # both looks decode from this one cache
        keep[second] = second_look(pairs.i[second], pairs.j[second], corr[second], looks)
        # nor does a side window's pair that the heavy look just confirmed
        side = side[~_same_pairs(pairs, side, second[keep[second]])]
        keep[side] = side_looks(pairs.i[side], pairs.j[side], corr[side], looks)
    # a near-blank picture is all tone and colour: they must agree too
    flat = np.nonzero(keep & low)[0]
    if len(flat):
        colours, _ = _colours(data, pairs, flat)
        ends = np.concatenate([pairs.i[flat], pairs.j[flat]])
        flat_thumbs = data.thumbs(ends)
        first, second = np.arange(len(flat)), np.arange(len(flat), 2 * len(flat))
        # two flat pictures have only their tone to tell them apart; where marks line up
        # (the detail check passed on them), a darker or lighter copy is still a copy
        seen: dict[int, bool] = {}  # a blank page meets many others: test each one once

        def bare_one(k: int) -> bool:
            if k not in seen:
                seen[k] = is_bare(data.detail_map(k))
            return seen[k]

        bare = np.array(
            [bare_one(a) and bare_one(b)
             for a, b in zip(pairs.i[flat].tolist(), pairs.j[flat].tolist(), strict=True)],
            dtype=bool,
        )  # fmt: skip
        grey_tolerance = np.where(bare, 1.0, 5.0) * thresholds.tone_tolerance
        keep[flat] = tone_agrees(
            flat_thumbs.reshape(len(ends), THUMB_SIDE * THUMB_SIDE), colours, first, second,
            pairs.t[flat], grey_tolerance, thresholds.colour_tolerance / 2,
        )  # fmt: skip
    for k in np.nonzero(keep & low)[0]:
        a, b = data.detail_map(int(pairs.i[k])), data.detail_map(int(pairs.j[k]))
        if a is None or b is None:
            keep[k] = False
            continue
        score = detail_correlation(a, b, int(pairs.t[k]))
        corr[k] = score
        keep[k] = score >= thresholds.detail_correlation
    if len(low_crops):
        colours, has = _colours(data, pairs, low_crops)
        rows = low_crops[colour_agrees(
            colours, has, np.arange(len(low_crops)), np.arange(len(low_crops), 2 * len(low_crops)),
            pairs.t[low_crops], thresholds.colour_tolerance,
        )]  # fmt: skip
        rows = rows[(pairs.t[rows] < GRID_KIND) | (pairs.d[rows] <= LOW_DETAIL_SKETCH)]
        rows = rows[pairs.t[rows] < SIDE_KIND]  # no low-detail side windows: not searched
        keep[rows] = low_detail_crops(pairs.i[rows], pairs.j[rows], pairs.t[rows], fps)
        if grey is not None:  # a faint fine pattern aliases on the maps: `_faint_rows`
            faint = _faint_rows(data, pairs, rows[~keep[rows]], keep)
            keep[faint] = faint_looks(pairs.i[faint], pairs.j[faint], pairs.d[faint], grey)
    return keep


# Candidate pairs whose thumbnails `confirm` reads at once (`_stepped_check`): a table of
# up to 2 x 32,768 thumbnails (16 MiB), not one of every picture in a pair (at 1M pictures
# 507,482 of them, 124 MiB, the group stage's peak: benchmarks/README.md, "confirm's
# thumbnails in steps, session 12"). A multiple of the steps of every check it runs
# (`checks._PAIRS_PER_STEP`, `crops._PAIRS_PER_STEP`): each check then multiplies the
# same blocks of rows as in one call (OpenBLAS gives other bits for other blocks).
THUMB_PAIRS_PER_STEP = 4 * 8192


def _stepped_check(
    pictures: PictureData, pairs: Pairs, rows: I64, check: Callable[[U8, I64, I64, I64], F32]
) -> F32:
    """`check(thumbs, i, j, kinds)` of candidate `rows`, in steps of `THUMB_PAIRS_PER_STEP`
    pairs, each given a table of only the thumbnails its pairs read."""
    out = np.empty(len(rows), dtype=np.float32)
    for start in range(0, len(rows), THUMB_PAIRS_PER_STEP):
        part = rows[start : start + THUMB_PAIRS_PER_STEP]
        thumbs, local_i, local_j = _thumb_table(pictures, pairs.i[part], pairs.j[part])
        out[start : start + len(part)] = check(thumbs, local_i, local_j, pairs.t[part])
    return out


def _thumb_table(pictures: PictureData, i: I64, j: I64) -> tuple[U8, I64, I64]:
    """The thumbnails of the pictures in pairs (i, j), each once, and the pairs as rows of
    that table."""
    used, inverse = np.unique(np.concatenate([i, j]), return_inverse=True)
    return pictures.thumbs(used), inverse[: len(i)], inverse[len(i) :]


def _same_pairs(pairs: Pairs, rows: I64, known: I64) -> BOOL:
    """Per candidate in `rows`: whether its two pictures, in either order, are the pair of
    one of the candidates `known`."""
    n = max(int(pairs.i.max()), int(pairs.j.max())) + 1

    def key(r: I64) -> I64:
        return np.minimum(pairs.i[r], pairs.j[r]) * n + np.maximum(pairs.i[r], pairs.j[r])

    return np.isin(key(rows), key(known))


def _as_displayed(thumbs: U8, i: I64, j: I64, kinds: I64) -> F32:
    """`thumb_correlation` of whole thumbnails as they are, whatever the pair's kind."""
    return thumb_correlation(thumbs, i, j, 0 * kinds)


def _faint_rows(pictures: PictureData, pairs: Pairs, refused: I64, keep: BOOL) -> I64:
    """The low-detail crop pairs among `refused` (refused on their detail maps) that take
    the faint crops' look on the files (`cleaner.detect.faint_crops`): found by the crop
    window search (light crops; heavy ones had their own search lined up on the maps),
    both ends with marks on their maps (what the maps could line up, and did not), and
    not a pair already kept (by another search, or the other way round)."""
    rows = refused[pairs.t[refused] < GRID_KIND]
    if len(rows) == 0:
        return rows
    rows = rows[~_same_pairs(pairs, rows, np.flatnonzero(keep))]
    marked: dict[int, bool] = {}

    def has_marks(k: int) -> bool:
        if k not in marked:
            m = pictures.detail_map(k)
            marked[k] = m is not None and not is_bare(m)
        return marked[k]

    ends = zip(pairs.i[rows].tolist(), pairs.j[rows].tolist(), strict=True)
    marks = np.array([has_marks(a) and has_marks(b) for a, b in ends], dtype=bool)
    return np.asarray(rows[marks], dtype=np.int64)


def _mapless(pictures: PictureData, pairs: Pairs, rows: I64) -> BOOL:
    """Per pair: is it one of `rows` (heavy or side crops with a low-detail end) with an
    end that carries no detail map? Such a pair cannot be lined up on the maps
    (`low_detail_crops` refuses it): the low-detail end is a crop of a picture detailed
    enough to carry none (over 1.5 x `LOW_DETAIL_STD`: a screenshot's crop that cut away
    most of its contrast, seed 10). Decided like any heavy crop instead, on the
    thumbnails (`structured` on both ends) and the second look on the files."""
    out = np.zeros(len(pairs), dtype=bool)
    known: dict[int, bool] = {}

    def bare(k: int) -> bool:
        if k not in known:
            known[k] = pictures.detail_map(k) is None
        return known[k]

    for r in rows.tolist():
        out[r] = bare(int(pairs.i[r])) or bare(int(pairs.j[r]))
    return out


def _colours(pictures: PictureData, pairs: Pairs, idx: I64) -> tuple[npt.NDArray[np.uint8], BOOL]:
    """Colour signatures of the i sides then the j sides of pairs `idx`, and which exist
    (grey, 128, where a picture has none: what a grey picture's missing signature means)."""
    return pictures.colours(np.concatenate([pairs.i[idx], pairs.j[idx]]))


def picture_distance(a: Fingerprint, b: Fingerprint) -> int:
    """How far picture a is from picture b, in pHash bits: the closest of a in any
    orientation or crop window to b as displayed, or of b's crop windows to a."""
    target = b.hashes[0]
    near = min(_hamming(h, target) for h in (*a.hashes, *a.crop_hashes))
    shown = a.hashes[0]
    return min([near, *(_hamming(h, shown) for h in b.crop_hashes)])


def _hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()
