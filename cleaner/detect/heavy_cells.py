"""Heavy-crop candidates in a very big library: float window vectors in k-means cells.

Above `crops.HEAVY_INDEX_MAX_PICTURES` the bit-sampled LSH over 64-bit window sketches
does not fit a grouping budget: sketches of unrelated pictures crowd (0.09 % of pairs
within 10 bits even whitened), so every table reads hundreds of random pairs a picture,
and ranking by sketch distance keeps a crop's original among its 5 candidates for only
~90 % of crops at a million pictures. The float cosine of the same 6x6 reductions
separates far better (a crop's original ranks first among a million pictures for every
crop sampled; unrelated pairs above 0.85: ~8 in a million), so this search works on the
floats themselves, as an inverted file (benchmarks/README.md, "Heavy crops at 1M,
session 9"):

* every picture's 16 windows (`crops.GRID`) and its whole are reduced to 6x6, centred,
  whitened halfway (`crops.whitening`) and scaled to unit length: `window_vectors`, from
  the 16x16 thumbnails by one 256 x 612 product per chunk (reduction, centring and
  whitening folded into one matrix: cheaper than two small products and their reshapes);
* the cells are the leaves of a two-level k-means tree (`tree_side` squared leaves),
  trained on a fixed draw of the library's own vectors; each window sits in its greedy
  leaf, each whole probes its `CELL_PROBES` best leaves (among those of its two best
  coarse cells);
* in each leaf, one product scores its windows against the wholes probing it; a whole
  keeps its best window there if its cosine reaches `CELL_FLOOR`, then its
  `CELL_NEAREST` best pictures over all leaves.

Only two small arrays span the library (each window's leaf, each whole's probes, 16-bit)
and the wholes' vectors (half floats): the windows are computed twice, once to place
them and once, leaf by leaf, to score them, instead of being held (16 per picture).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from cleaner.detect.crops import (
    GRID,
    GRID_KIND,
    GRID_STARTS,
    SKETCH_SIDE,
    _axis_map,
    whitening_of,
    whitening_rows,
)
from cleaner.detect.index import Pairs, _in_threads
from cleaner.detect.memory import give_back_freed_memory

F32 = npt.NDArray[np.float32]
U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]

# The tree has up to CELL_SIDE x CELL_SIDE leaves, about one per CELL_PICTURES pictures
# (a million pictures: 128 x 128 leaves of ~61 wholes and ~980 windows each).
CELL_SIDE = 128
CELL_PICTURES = 64
# Probes and floor, measured on the 1M benchmark's fingerprints (benchmarks/README.md,
# "Heavy crops at 1M, session 9"): 4 probes, floor 0.85: 93.1 % of heavy crops found,
# 0.24 candidates a picture; 8 probes, floor 0.88: 96.3 %, 0.07 (each candidate is a
# thumbnail check, and a second look when it passes). The floor is below every true pair
# but ~1 % (true pairs' cosine: p1 0.88, p5 0.92, p50 0.97).
CELL_PROBES = 8
CELL_FLOOR = 0.88
CELL_NEAREST = 2
CELL_TRAIN = 20_000  # pictures drawn to train the tree (17 vectors each)
_CHUNK = 4096  # pictures whose windows are placed at once (4096 x 16 x 36 floats: 9 MB)
# Leaves scored at once (their windows computed together): ~31,000 windows at a million
# pictures, ~15 MB of temporaries on each thread (64 leaves held ~30 MB each).
_LEAVES_PER_STEP = 32
_BATCHES_PER_PASS = 32  # batches grouped at once (`_LeafGroups`: 1/16 of a 1M library)
_GROUP_STEP = 1 << 20  # keys read at once to group them (`_grouped`)
# every half float's value as a float32 (the wholes are held as halves)
_HALF_TO_SINGLE = np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float32)
_SIDE = SKETCH_SIDE
_CELLS = _SIDE * _SIDE
_PER = len(GRID)


@cache
def _axes() -> F32:
    """(5 * 6, 16): the 6-px axis maps of the whole side, then of each grid start."""
    spans = [(0.0, 1.0)] + [(s, s + GRID[0][2]) for s in GRID_STARTS]
    return np.concatenate([_axis_map(a, b, _SIDE) for a, b in spans]).astype(np.float32)


def _centred(transform: F32) -> F32:
    """(36, 36): remove the mean, then `transform`, as one matrix (rows act on the right)."""
    centre = np.eye(_CELLS) - 1.0 / _CELLS
    return np.asarray((transform.astype(np.float64) @ centre).T, dtype=np.float32)


def window_vectors(thumbs: U8, transform: F32) -> tuple[F32, F32]:
    """Whole-picture (k, 36) and window (k, 16, 36) unit vectors of 16x16 thumbnails, by
    one (256, 17 x 36) product (`_vector_matrix`): at 4,096 thumbnails a step it costs
    ~60 % of the two small products (rows, then columns), their reshapes and the
    centring it replaces, and gives the same vectors to ~5e-6."""
    k = len(thumbs)
    v = _unit_rows(
        (thumbs.astype(np.float32) @ _vector_matrix(transform)).reshape(k, 1 + _PER, _CELLS)
    )
    return np.ascontiguousarray(v[:, 0]), np.ascontiguousarray(v[:, 1:])


_MATRIX: list[tuple[bytes, F32]] = []  # the last transform's `_vector_matrix`


def _vector_matrix(transform: F32) -> F32:
    """(256, 17 x 36): the whole's, then each grid window's `_window_matrix`, side by side
    (made once a search: the transform is the same for all its chunks)."""
    key = transform.tobytes()
    for known, matrix in _MATRIX:
        if known == key:
            return matrix
    whole = _reduction(0, 0) @ _centred(transform).astype(np.float64)
    parts = [whole.astype(np.float32)] + [_window_matrix(g, transform) for g in range(_PER)]
    matrix = np.ascontiguousarray(np.concatenate(parts, axis=1))
    _MATRIX[:] = [(key, matrix)]
    return matrix


def _reduction(ya: int, xa: int) -> npt.NDArray[np.float64]:
    """(256, 36): the 6x6 reduction of a flat thumbnail (y * 16 + x) over the spans
    `_axes` row blocks ya (down) and xa (across) (0: the whole side)."""
    axes = _axes().astype(np.float64)
    ay, ax = axes[ya * _SIDE : (ya + 1) * _SIDE], axes[xa * _SIDE : (xa + 1) * _SIDE]
    return np.asarray(np.kron(ay, ax).T)


def _one_window(thumbs: U8, g: int, transform: F32) -> F32:
    """(k, 36) unit vectors of window g of each thumbnail (one product: `_window_matrix`)."""
    return _unit_rows(thumbs.astype(np.float32) @ _window_matrix(g, transform))


def _window_matrix(g: int, transform: F32) -> F32:
    """(256, 36): window g's 6x6 reduction of a flat thumbnail, centred and whitened, as
    one matrix. The scoring pass computes each window once more (16M at a million
    pictures): one 256 x 36 product there costs less than two small products, their
    reshapes and the centring, and gives the same vectors to ~1e-7."""
    ya = 1 + GRID_STARTS.index(GRID[g][1])
    xa = 1 + GRID_STARTS.index(GRID[g][0])
    reduce = _reduction(ya, xa)
    return np.asarray(reduce @ _centred(transform).astype(np.float64), dtype=np.float32)


def _unit_rows(v: F32) -> F32:
    """Rows (last axis) scaled to unit length, in place."""
    norm = np.sqrt(np.einsum("...k,...k->...", v, v))[..., None]
    v /= np.maximum(norm, 1e-6)
    return v


def _unit(rows: F32) -> F32:
    norm = np.linalg.norm(rows, axis=-1, keepdims=True)
    return np.asarray(rows / np.maximum(norm, 1e-6), dtype=np.float32)


def _nearest_centre(x: F32, centres: F32) -> I64:
    """Index of each row's best centre (in pieces: 32,768 x 128 scores are 16 MB)."""
    parts = [np.argmax(x[s : s + 32768] @ centres.T, axis=1) for s in range(0, len(x), 32768)]
    return np.concatenate(parts).astype(np.int64)


def _kmeans(x: F32, count: int, rounds: int, rng: np.random.Generator) -> F32:
    """Spherical k-means: `count` unit centres of the unit rows `x`."""
    centres: F32 = x[rng.choice(len(x), count, replace=False)].copy()
    for _ in range(rounds):
        near = _nearest_centre(x, centres)
        order = np.argsort(near, kind="stable")
        present, starts = np.unique(near[order], return_index=True)
        sums = np.zeros_like(centres)
        sums[present] = np.add.reduceat(x[order], starts, axis=0)
        empty = np.bincount(near, minlength=count) == 0
        if empty.any():  # an empty cell restarts at a random vector
            sums[empty] = x[rng.choice(len(x), int(empty.sum()))]
        centres = _unit(sums)
    return centres


def tree_side(n: int) -> int:
    """Coarse cells, and fine cells in each, for a library of `n` pictures."""
    return max(2, min(CELL_SIDE, math.isqrt(n // CELL_PICTURES)))


def _tree(thumbs: Thumbnails, transform: F32) -> tuple[F32, F32]:
    """Coarse (C, 36) and fine (C, C, 36) centres, from a fixed draw of the library."""
    rng = np.random.default_rng(0xCE11)
    n = thumbs.count
    rows = np.sort(rng.choice(n, min(n, CELL_TRAIN), replace=False))
    parts = [
        window_vectors(thumbs.rows(rows[s : s + _CHUNK]), transform)
        for s in range(0, len(rows), _CHUNK)
    ]
    sample = np.concatenate([w for w, _ in parts] + [v.reshape(-1, _CELLS) for _, v in parts])
    del parts
    side = tree_side(n)
    coarse = _kmeans(sample, side, 8, rng)
    near = _nearest_centre(sample, coarse)
    fine = np.empty((side, side, _CELLS), dtype=np.float32)
    for c in range(side):
        part = sample[near == c]
        if len(part) < side:  # too few to split: the coarse centre, jittered
            jitter = 0.01 * rng.standard_normal((side, _CELLS)).astype(np.float32)
            part = np.concatenate([part, _unit(coarse[c][None] + jitter)])
        fine[c] = _kmeans(part, side, 6, rng)
    return coarse, fine


def _leaves(v: F32, coarse: F32, fine: F32) -> npt.NDArray[np.int16]:
    """The greedy leaf (coarse x fine cells + fine) of each unit row."""
    # as 16 bits, the stable sort is a radix sort: ~14x faster than on int64, same order
    top = np.argmax(v @ coarse.T, axis=1).astype(np.int16)
    order = np.argsort(top, kind="stable")
    bounds = np.searchsorted(top[order], np.arange(len(coarse) + 1))
    # the rows in cell order, gathered once: each cell's product reads a slice of them
    # (the same rows in the same order as gathered cell by cell: the same product)
    ordered = v[order]
    found = np.empty(len(v), dtype=np.int16)
    for c in np.flatnonzero(np.diff(bounds)).tolist():
        start, stop = int(bounds[c]), int(bounds[c + 1])
        found[start:stop] = np.argmax(ordered[start:stop] @ fine[c].T, axis=1)
        found[start:stop] += c * fine.shape[1]
    out = np.empty(len(v), dtype=np.int16)
    out[order] = found
    return out


def _probes(v: F32, coarse: F32, fine: F32) -> npt.NDArray[np.int16]:
    """Each row's CELL_PROBES best leaves among those of its two best coarse cells."""
    top = _largest(v @ coarse.T, 2)  # (k, 2), the best first
    side = fine.shape[1]
    scores = np.empty((len(v), 2, side), dtype=np.float32)
    found = np.empty((len(v), side), dtype=np.float32)
    for slot in range(2):
        order = np.argsort(top[:, slot].astype(np.int16), kind="stable")
        bounds = np.searchsorted(top[order, slot], np.arange(len(coarse) + 1))
        ordered = v[order]  # as in `_leaves`: gathered once, read by slices
        for c in np.flatnonzero(np.diff(bounds)).tolist():
            start, stop = int(bounds[c]), int(bounds[c + 1])
            found[start:stop] = ordered[start:stop] @ fine[c].T
        scores[order, slot] = found
    flat = scores.reshape(len(v), -1)
    best = _largest(flat, CELL_PROBES)
    picked = np.take_along_axis(top, best // side, axis=1)
    leaves: npt.NDArray[np.int16] = (picked * side + best % side).astype(np.int16)
    return leaves


def _largest(scores: F32, count: int) -> npt.NDArray[np.intp]:
    """The columns of each row's `count` largest scores, as
    `np.argpartition(-scores, count - 1, axis=1)[:, :count]` gives them (its selection
    runs row by row: ~6 us a row of 256). Where a row's count + 1 largest are all
    different, its set is unique (and for 2, so is its order: the largest first), and
    `count` passes of argmax find it, in order, at a quarter of the time; the rare rows
    with a tie among them (which argpartition breaks its own way) are given to it."""
    if scores.shape[1] <= count:
        return np.argpartition(-scores, count - 1, axis=1)[:, :count]
    work = scores.copy()
    rows = np.arange(len(work))
    picks = np.empty((len(work), count), dtype=np.intp)
    values = np.empty((len(work), count + 1), dtype=scores.dtype)
    for rank in range(count):
        at = work.argmax(axis=1)
        picks[:, rank] = at
        values[:, rank] = work[rows, at]
        work[rows, at] = -np.inf
    values[:, count] = work.max(axis=1)
    tied = np.flatnonzero((values[:, 1:] == values[:, :-1]).any(axis=1))
    if len(tied):
        picks[tied] = np.argpartition(-scores[tied], count - 1, axis=1)[:, :count]
    return picks


@dataclass(frozen=True)
class Thumbnails:
    """A library's 16x16 thumbnails, read a few thousand rows at a time (`rows(index)`
    gives (len(index), 256)): the search holds no table of them all (256 MB at a million
    pictures, on top of the fingerprints that hold them already)."""

    count: int
    rows: Callable[[I64], U8]

    @staticmethod
    def of_table(thumbs: U8) -> Thumbnails:
        return Thumbnails(len(thumbs), lambda index: thumbs[index])


def cell_pairs(thumbs: U8 | Thumbnails) -> Generator[tuple[int, int], None, Pairs]:
    """Candidate heavy-crop pairs of a big library (thumbnails (N, 256), or read by rows:
    `Thumbnails`): as `crops.heavy_crop_pairs`, `Pairs` with t = GRID_KIND + g (window g
    of i near all of j) and d the sketch distance the cosine stands for (64 x angle / pi).

    Its products run on one BLAS thread (the limit holds while the generator runs, its
    consumer's progress reports included): OpenBLAS's threads on thousands of products
    of this size cost 5.5x the CPU at 100,000 pictures on a loaded machine (27.7 against
    5.0 CPU-s) and gained no time."""
    source = thumbs if isinstance(thumbs, Thumbnails) else Thumbnails.of_table(thumbs)
    with threadpool_limits(limits=1, user_api="blas"):
        return (yield from _cell_pairs(source))


def _cell_pairs(thumbs: Thumbnails) -> Generator[tuple[int, int], None, Pairs]:
    n = thumbs.count
    empty = np.zeros(0, dtype=np.int64)
    sample = whitening_rows(n)
    if n < 2 or sample is None:
        return Pairs(empty, empty, empty, empty)
    transform = whitening_of(thumbs.rows(sample))
    coarse, fine = _tree(thumbs, transform)
    give_back_freed_memory()  # the training sample's (cleaner.detect.memory)
    leaves = len(coarse) * fine.shape[1]
    leaf = np.empty(n * _PER, dtype=np.int16)
    whole = np.empty((n, _CELLS), dtype=np.float16)
    probes = np.empty((n, CELL_PROBES), dtype=np.int16)
    chunks = -(-n // _CHUNK)
    batches = -(-leaves // _LEAVES_PER_STEP)
    steps = chunks + batches

    def describe(step: int) -> None:
        """Chunk `step`'s whole vectors, probes and window leaves, into its own rows."""
        s = step * _CHUNK
        w, v = window_vectors(thumbs.rows(np.arange(s, min(n, s + _CHUNK))), transform)
        whole[s : s + len(w)] = w
        probes[s : s + len(w)] = _probes(w, coarse, fine)
        leaf[s * _PER : (s + len(w)) * _PER] = _leaves(v.reshape(-1, _CELLS), coarse, fine)

    # Chunks and leaf batches run on the index's threads (numpy and one-thread BLAS give
    # the GIL back): each chunk writes only its own rows, and each batch's pairs are
    # collected in batch order, so the pairs do not depend on the threads.
    for step, _ in enumerate(_in_threads(describe, chunks)):
        yield step + 1, steps
    give_back_freed_memory()  # the threads' chunks, before the scoring's batches
    groups = _LeafGroups(leaf, probes.reshape(-1), leaves, _LEAVES_PER_STEP * _BATCHES_PER_PASS)

    matrices = [_window_matrix(g, transform) for g in range(_PER)]
    whole_bits = whole.view(np.uint16)

    def score(batch: int) -> list[tuple[I64, I64, F32]]:
        """The best window of each picture probing a leaf of batch `batch`, when near."""
        pairs: list[tuple[I64, I64, F32]] = []
        first = batch * _LEAVES_PER_STEP
        last = min(leaves, first + _LEAVES_PER_STEP)
        by_leaf, window_bounds, probers, probe_bounds, offset = groups.of(first)
        first, last = first - offset, last - offset
        ids = by_leaf[window_bounds[first] : window_bounds[last]].astype(np.int64)
        vec = np.empty((len(ids), _CELLS), dtype=np.float32)
        # each picture read once a batch (its windows share leaves: 2.5x fewer reads)
        pictures, at = np.unique(
            by_leaf[window_bounds[first] : window_bounds[last]] // _PER, return_inverse=True
        )
        read = thumbs.rows(pictures.astype(np.int64))
        # the windows of each grid position g, in batch order (a stable sort of 8-bit g:
        # one radix pass, not a comparison of every window with each g)
        g = (ids % _PER).astype(np.int8)
        by_g = np.argsort(g, kind="stable")
        g_bounds = np.searchsorted(g[by_g], np.arange(_PER + 1))
        for part in np.flatnonzero(np.diff(g_bounds)).tolist():
            rows = by_g[g_bounds[part] : g_bounds[part + 1]]
            # np.take: ~3x faster than indexing for rows of bytes; the same rows
            thumb = np.take(read, at[rows], axis=0).astype(np.float32)
            vec[rows] = _unit_rows(thumb @ matrices[part])
        base = window_bounds[first]
        for lf in range(first, last):
            w0, w1 = window_bounds[lf] - base, window_bounds[lf + 1] - base
            q = probers[probe_bounds[lf] : probe_bounds[lf + 1]]
            if w1 == w0 or not len(q):
                continue
            # the wholes as float32 by a table of every half float (exact; ~2x faster)
            near = np.take(_HALF_TO_SINGLE, np.take(whole_bits, q, axis=0))
            cosines = near @ vec[w0:w1].T  # (wholes, windows)
            best = cosines.argmax(axis=1)
            top = cosines[np.arange(len(q)), best]
            ok = top >= CELL_FLOOR
            pairs.append((ids[w0 + best[ok]], q[ok].astype(np.int64), top[ok]))
        return pairs

    found: list[tuple[I64, I64, F32]] = []
    for batch, pairs in enumerate(_in_threads(score, batches)):
        if pairs:  # one set of arrays a batch, made here: see `_compact`
            found.append(_compact(pairs))
        if batch % _BATCHES_PER_PASS == 0:
            # the threads' heaps keep what their batches freed: given back now and then,
            # they do not climb on one another (a millisecond or two each time)
            give_back_freed_memory()
        yield chunks + batch + 1, steps
    # the last batches' (up to a pass of them), before their pairs are ranked: at 1M
    # `_nearest` peaked 54 MiB lower (benchmarks/README.md, "confirm's thumbnails in steps")
    give_back_freed_memory()
    return _nearest(found)


class _LeafGroups:
    """The windows and the probing wholes of a range of leaves (a pass of
    `_BATCHES_PER_PASS` leaf batches), grouped by leaf, in order within a leaf: made when
    a batch of the range first asks, from the 16-bit leaf and probe arrays, instead of
    one grouping of all 16 windows of every picture (the 16M positions of a million
    pictures are 64 MB as int32, their probes 32 MB more). Batches run on several threads
    and only a few are queued at once, so all of them fall in two consecutive ranges:
    the two newest are kept."""

    def __init__(
        self, leaf: npt.NDArray[np.int16], probes: npt.NDArray[np.int16], leaves: int, span: int
    ) -> None:
        self.leaf, self.probes, self.leaves, self.span = leaf, probes, leaves, span
        self.made: dict[int, tuple[npt.NDArray[np.int32], I64, npt.NDArray[np.int32], I64]] = {}
        self.lock = threading.Lock()

    def of(self, first: int) -> tuple[npt.NDArray[np.int32], I64, npt.NDArray[np.int32], I64, int]:
        """The groups of the range holding leaf `first`, and the range's first leaf."""
        start = first - first % self.span
        with self.lock:
            if start not in self.made:
                stop = min(self.leaves, start + self.span)
                by_leaf, window_bounds = _grouped(self.leaf, start, stop)
                probers, probe_bounds = _grouped(self.probes, start, stop)
                probers //= CELL_PROBES  # the picture, from its probe's position
                self.made[start] = (by_leaf, window_bounds, probers, probe_bounds)
                for old in sorted(self.made)[:-2]:
                    del self.made[old]
            return (*self.made[start], start)


def _grouped(
    keys: npt.NDArray[np.int16], first: int, last: int
) -> tuple[npt.NDArray[np.int32], I64]:
    """Positions of the `keys` in [first, last) grouped by key, in order within a key, and
    each key's bounds (from key `first`). Read in steps: the masks of 16M keys at once
    would be 48 MB."""
    parts = []
    for s in range(0, len(keys), _GROUP_STEP):
        part = keys[s : s + _GROUP_STEP]
        parts.append(np.flatnonzero((part >= first) & (part < last)).astype(np.int32) + s)
    where = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
    key = keys[where]
    order = np.argsort(key, kind="stable")
    bounds = np.zeros(last - first + 1, dtype=np.int64)
    np.cumsum(np.bincount(key - first, minlength=last - first), out=bounds[1:])
    return where[order], bounds


def _compact(pairs: list[tuple[I64, I64, F32]]) -> tuple[I64, I64, F32]:
    """A batch's pairs (three small arrays a leaf, made on a worker thread) as three
    arrays made on this one. Kept until the end, the small arrays sat among the workers'
    freed temporaries and held their heaps' pages: the score pass climbed ~250 MB at a
    million pictures over what it used."""
    v, j, score = zip(*pairs, strict=True)
    return np.concatenate(v), np.concatenate(j), np.concatenate(score)


def _nearest(found: list[tuple[I64, I64, F32]]) -> Pairs:
    """Each picture j's CELL_NEAREST best pictures i (their best window), as `Pairs`."""
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return Pairs(empty, empty, empty, empty)
    v = np.concatenate([f[0] for f in found])
    j = np.concatenate([f[1] for f in found])
    score = np.concatenate([f[2] for f in found])
    i = v // _PER
    own = i != j
    v, i, j, score = v[own], i[own], j[own], score[own]
    order = np.lexsort((-score, i, j))  # by j, then i, best first
    v, i, j, score = v[order], i[order], j[order], score[order]
    first = np.ones(len(i), dtype=bool)
    first[1:] = (i[1:] != i[:-1]) | (j[1:] != j[:-1])
    v, i, j, score = v[first], i[first], j[first], score[first]
    order = np.lexsort((-score, j))
    v, i, j, score = v[order], i[order], j[order], score[order]
    start = np.ones(len(j), dtype=bool)
    start[1:] = j[1:] != j[:-1]
    heads = np.flatnonzero(start)
    rank = np.arange(len(j)) - np.repeat(heads, np.diff(np.append(heads, len(j))))
    keep = rank < CELL_NEAREST
    angle = np.arccos(np.clip(score[keep].astype(np.float64), -1.0, 1.0))
    bits = np.rint(64 * angle / math.pi).astype(np.int64)
    return Pairs(i[keep], j[keep], v[keep] % _PER + GRID_KIND, bits)
