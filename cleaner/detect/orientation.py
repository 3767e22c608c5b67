"""Turned and mirrored copies in one search: every picture brought to a canonical orientation.

A turned or mirrored copy (a scan rotated by its pixels, a slide scanned the wrong way
round, a mirrored crop) has the pHash of its original turned the same way. Searching
each picture's eight orientation hashes against every other picture's would take eight
times the queries of the plain search; instead each picture is put in a *canonical
orientation*, decided from its own content, and searched once there: a copy turned by h
is put in the same orientation as its original, so the two meet in one search, and the
turn between them follows from their two canonical moves.

**The canonical move** is read off the two lowest-frequency terms of the picture's 16x16
thumbnail: its left-right gradient `a` (the first horizontal cosine) and its top-bottom
gradient `b` (the first vertical one), as fractions of the thumbnail's contrast. A mirror
flips the sign of `a`, an upside-down turn that of `b`, a transpose swaps them, so among
the eight orientations of a picture exactly one has `a > 0`, `b > 0` and `|a| > |b|`:
that one is canonical. A picture whose deciding terms are within `AMBIGUITY_MARGIN` of a
tie (a gradient near zero, or the two of nearly equal size) could fall either way in a
copy, so it is entered in every orientation that passes within the margin (two, four, at
most eight): its copies meet it in one of them whichever way their own noise tips them.

**What is searched** for a picture in canonical move g is its displayed pHash with its
bits moved as the picture moves (`transported`): a turn permutes the 8x8 DCT terms and a
mirror flips the signs of some, so bit (u, v) goes to its new place, inverted where the
sign flips. Moving the bits of two pictures the same way keeps their Hamming distance
exactly, so two copies of one orientation meet at exactly their plain distance, as the
plain search would find them. For a turned pair the transported distance differs from the
pHash distance of the turned picture by the few bits whose coefficients sit between zero
and the median; each pair found is therefore re-measured on the stored orientation
hashes (`Fingerprint.hashes`), and its distance is that true one.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from functools import cache

import numpy as np
import numpy.typing as npt

from cleaner.detect.fingerprint import HASH_SIZE, THUMB_SIDE, TRANSFORMS
from cleaner.detect.index import Pairs, popcount64, search_pairs
from cleaner.detect.memory import give_back_freed_memory
from cleaner.models import Fingerprint

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
U8 = npt.NDArray[np.uint8]
F64 = npt.NDArray[np.float64]

MOVES = len(TRANSFORMS)
# How close to a tie (in fractions of the thumbnail's contrast) a deciding term must be
# for a picture to be entered in the other orientation too. See benchmarks/README.md:
# half the largest change of the deciding terms between two copies (a copy can tip a
# decision only when the two sides' terms are 2 x margin apart). 0.015 covered every copy
# of real pictures measured; 0.02 also covers all but 0.3-0.5 % of the harsher synthetic
# copies of the 1M benchmark (shifted and noised more than re-saves are), so that at
# least 99 % of them are found in every orientation, for 7 % more entries.
AMBIGUITY_MARGIN = 0.02
# A turned pair's transported distance exceeds its true one by the bits whose coefficients
# sit between zero and the median (see the module's notes): 4 on average, 8 or fewer for
# 90 % of pictures (measured on generated copies of real pictures and on the synthetic
# fingerprints of benchmarks/synth_fingerprints.py). Entries this much further apart than
# the threshold are taken too where the search meets them, and re-measured at once (the
# search's `verify`): the random pairs this lets in cost time, not memory. At 250,000
# synthetic fingerprints, turned plants found: slack 2 98.4-99.2 %, 4 99.1-99.8 %, 6 the
# same as 4 for 20 % more time (a pair of hashes differs in an even number of bits).
TURN_SLACK = 4
_THUMBS_PER_STEP = 1 << 16  # thumbnails gathered at once (16 MiB)
_TERMS_PER_STEP = 1 << 13  # thumbnails as float64 at once (16 MiB)


@cache
def compose_table() -> npt.NDArray[np.int64]:
    """compose[p, q] = r where TRANSFORMS[r](a) == TRANSFORMS[p](TRANSFORMS[q](a))."""
    probe = np.arange(16).reshape(4, 4)
    moved = [transform(probe) for _, transform in TRANSFORMS]
    table = np.zeros((MOVES, MOVES), dtype=np.int64)
    for p, (_, outer) in enumerate(TRANSFORMS):
        for q in range(MOVES):
            both = outer(moved[q])
            table[p, q] = next(r for r in range(MOVES) if np.array_equal(moved[r], both))
    return table


@cache
def inverse_table() -> npt.NDArray[np.int64]:
    """inverse[g]: the transform that undoes TRANSFORMS[g]."""
    compose = compose_table()
    return np.array([int(np.flatnonzero(compose[g] == 0)[0]) for g in range(MOVES)])


def relation(move_i: I64, move_j: I64) -> I64:
    """The transform of picture i that matches picture j, when TRANSFORMS[move_i] of i and
    TRANSFORMS[move_j] of j are the same picture: undo j's move after i's."""
    out: I64 = compose_table()[inverse_table()[move_j], move_i]
    return out


@cache
def dct_moves() -> tuple[tuple[bool, bool, bool], ...]:
    """Each move as (transpose, flip rows, flip columns), applied in that order: flipping a
    picture along an axis multiplies its DCT terms along that axis by (-1)^k, and
    transposing it transposes them."""
    probe = np.arange(16).reshape(4, 4)
    out = []
    for _, transform in TRANSFORMS:
        target = transform(probe)
        for transpose, flip_rows, flip_columns in np.ndindex(2, 2, 2):
            a = probe.T if transpose else probe
            a = a[::-1] if flip_rows else a
            a = a[:, ::-1] if flip_columns else a
            if np.array_equal(a, target):
                out.append((bool(transpose), bool(flip_rows), bool(flip_columns)))
                break
    return tuple(out)


# The deciding terms are taken through a Gaussian window centred on the thumbnail, of
# this width (pixels of the 16-pixel thumbnail): a copy with a few per cent cut off its
# sides or a stamp in a corner changes what is near the edges, and an unweighted gradient
# with it. Chosen on generated copies of real pictures (benchmarks/README.md): at 4 px
# the largest change of the terms between a picture and its copies was the smallest
# (0.0125, a crop; 0.003 for every other edit), against 0.05-0.16 unweighted or wider.
WINDOW_SIGMA = 4.0


@cache
def _weights() -> tuple[F64, F64]:
    """The window (THUMB_SIDE^2,), 1 at the centre, and (THUMB_SIDE^2, 2): the windowed
    first horizontal and first vertical cosine of the orthonormal DCT, as pixel weights."""
    x = np.arange(THUMB_SIDE)
    side = np.exp(-((x - (THUMB_SIDE - 1) / 2) ** 2) / (2 * WINDOW_SIGMA**2))
    window = np.outer(side, side).reshape(-1)
    first = np.sqrt(2.0 / THUMB_SIDE) * np.cos(np.pi * (2 * x + 1) / (2 * THUMB_SIDE))
    first = first / np.sqrt(THUMB_SIDE)
    across = np.tile(first, THUMB_SIDE)  # varies along a row: left-right
    down = np.repeat(first, THUMB_SIDE)  # varies down a column: top-bottom
    return window, np.stack([across, down], axis=1) * window[:, None]


def deciding_terms(thumbs: U8) -> F64:
    """(N, 2): each thumbnail's windowed left-right and top-bottom gradient terms (a, b),
    as fractions of its windowed contrast: a brighter or more contrasted copy has the same
    terms. A flat thumbnail has (0, 0): ambiguous every way."""
    window, term_weights = _weights()
    weights = np.column_stack([window / window.sum(), term_weights])
    flat = thumbs.reshape(len(thumbs), THUMB_SIDE * THUMB_SIDE)
    sums = np.empty((len(flat), 3), dtype=np.float64)
    power = np.empty(len(flat), dtype=np.float64)
    # in blocks: as float64 a thumbnail takes 8 times its bytes (at 65,536 at once, two
    # such arrays were the grouping's memory peak on a million pictures)
    for start in range(0, len(flat), _TERMS_PER_STEP):
        pixels = flat[start : start + _TERMS_PER_STEP].astype(np.float64)
        # one product for the windowed mean and both terms, one for the windowed power:
        # the same numbers as centring the pixels first (to ~1e-15), in fewer passes
        sums[start : start + len(pixels)] = pixels @ weights
        pixels *= pixels
        power[start : start + len(pixels)] = pixels @ window
    mean = sums[:, 0]
    spread = np.maximum(power - mean * mean * window.sum(), 0.0)
    terms = sums[:, 1:] - mean[:, None] * term_weights.sum(axis=0)
    out: F64 = terms / np.maximum(np.sqrt(spread), 1e-9)[:, None]
    out[spread <= 1e-9 * power] = 0.0  # flat (to rounding)
    return out


@cache
def _term_moves() -> tuple[npt.NDArray[np.bool_], F64, F64]:
    """For each move: whether it swaps (a, b), and the signs it gives them."""
    swap = np.array([t for t, _, _ in dct_moves()], dtype=bool)
    # after a transpose the first column term comes from the first row term
    sign_a = np.array([-1.0 if flip_columns else 1.0 for _, _, flip_columns in dct_moves()])
    sign_b = np.array([-1.0 if flip_rows else 1.0 for _, flip_rows, _ in dct_moves()])
    return swap, sign_a, sign_b


def candidate_moves(terms: F64, margin: float | None = None) -> npt.NDArray[np.bool_]:
    """(N, 8): which moves may put each picture in its canonical orientation: after the
    move, a > -margin, b > -margin and |a| - |b| > -margin. Exactly one move passes for a
    picture far from every tie (at margin 0 exactly one passes but on a tie)."""
    margin = AMBIGUITY_MARGIN if margin is None else margin
    swap, sign_a, sign_b = _term_moves()
    a, b = terms[:, 0:1], terms[:, 1:2]
    moved_a = np.where(swap[None, :], b, a) * sign_a[None, :]
    moved_b = np.where(swap[None, :], a, b) * sign_b[None, :]
    ok = (moved_a > -margin) & (moved_b > -margin) & (np.abs(moved_a) - np.abs(moved_b) > -margin)
    return np.asarray(ok)


@cache
def _bit_moves() -> tuple[npt.NDArray[np.intp], npt.NDArray[np.uint8]]:
    """For each move: which bit of the displayed hash lands on each bit (MSB first), and
    which bits are inverted (their coefficient's sign flips)."""
    sources = np.zeros((MOVES, 64), dtype=np.intp)
    inverted = np.zeros((MOVES, 64), dtype=np.uint8)
    place = np.arange(64).reshape(HASH_SIZE, HASH_SIZE)
    signs = np.array([(-1) ** k for k in range(HASH_SIZE)])
    for g, (transpose, flip_rows, flip_columns) in enumerate(dct_moves()):
        where = place.T if transpose else place
        sign = np.ones((HASH_SIZE, HASH_SIZE), dtype=np.int64)
        if flip_rows:
            sign = sign * signs[:, None]
        if flip_columns:
            sign = sign * signs[None, :]
        sources[g] = where.reshape(-1)
        inverted[g] = (sign.reshape(-1) < 0).astype(np.uint8)
    return sources, inverted


def transported(hashes: U64, moves: I64) -> U64:
    """Each displayed pHash with its bits moved as its picture moves under `moves`."""
    sources, inverted = _bit_moves()
    out = np.empty(len(hashes), dtype=np.uint64)
    for start in range(0, len(hashes), _THUMBS_PER_STEP):
        part = np.ascontiguousarray(hashes[start : start + _THUMBS_PER_STEP], dtype=">u8")
        bits = np.unpackbits(part.view(np.uint8).reshape(-1, 8), axis=1)
        g = moves[start : start + _THUMBS_PER_STEP]
        moved = np.take_along_axis(bits, sources[g], axis=1) ^ inverted[g]
        packed = np.packbits(moved, axis=1).view(">u8").reshape(-1)
        out[start : start + len(part)] = packed.astype(np.uint64)
    return out


def entries(
    fps: Sequence[Fingerprint], base: U64, thumbs_of: Callable[[I64], U8] | None = None
) -> tuple[U64, I64, I64]:
    """The search entries: (transported hash, owner picture, canonical move), one per
    candidate move of each picture, ordered by owner. `thumbs_of(index)`, when given,
    gives the thumbnails of pictures `index` ((len, 256) rows) without making their
    `Fingerprint`s (a catalog holds them as columns: making 10M objects, detail maps
    inflated, only to read their thumbnails was a third of grouping's time)."""
    owners: list[I64] = []
    moves: list[I64] = []
    for start in range(0, len(fps), _THUMBS_PER_STEP):
        stop = min(start + _THUMBS_PER_STEP, len(fps))
        if thumbs_of is not None:
            thumbs = thumbs_of(np.arange(start, stop, dtype=np.int64))
        else:
            part = fps[start:stop]
            thumbs = np.frombuffer(b"".join(fp.thumb for fp in part), dtype=np.uint8)
        ok = candidate_moves(deciding_terms(thumbs.reshape(stop - start, -1)))
        owner, move = np.nonzero(ok)
        owners.append(owner.astype(np.int64) + start)
        moves.append(move.astype(np.int64))
    owner = np.concatenate(owners) if owners else np.zeros(0, np.int64)
    move = np.concatenate(moves) if moves else np.zeros(0, np.int64)
    return transported(base[owner], move), owner, move


def oriented_pairs(
    fps: Sequence[Fingerprint],
    base: U64,
    orientations: U64,
    threshold: int,
    thumbs_of: Callable[[I64], U8] | None = None,
) -> Generator[tuple[int, int], None, Pairs]:
    """Every pair of pictures within `threshold` as displayed or with one turned or
    mirrored, from one search over canonical orientations (see the module's notes).

    `orientations` (N, 8) are the stored pHashes of each picture in every orientation
    (`Fingerprint.hashes`); each pair's distance is the true one, picture i turned by
    `t` against picture j as displayed, or the other way round where that is smaller
    (then the pair is reported from j). Yields (steps done, steps in all)."""
    hashes, owner, move = entries(fps, base, thumbs_of)
    give_back_freed_memory()  # what the entries took to make, before the tables
    compose, inverse = compose_table(), inverse_table()

    def true_pairs(a: I64, b: I64) -> npt.NDArray[np.bool_]:
        """Entries a, b of two pictures within `threshold` in the turn between them: the
        search keeps only these, so the random pairs `TURN_SLACK` lets in never pile up."""
        i, j = owner[a], owner[b]
        t = compose[inverse[move[b]], move[a]]
        forward = popcount64(orientations[i, t] ^ orientations[j, 0])
        backward = popcount64(orientations[i, 0] ^ orientations[j, inverse[t]])
        near: npt.NDArray[np.bool_] = (i != j) & (np.minimum(forward, backward) <= threshold)
        return near

    found: Pairs = yield from search_pairs(hashes, threshold, slack=TURN_SLACK, verify=true_pairs)
    i, j = owner[found.i], owner[found.j]
    mi, mj = move[found.i], move[found.j]
    other = i != j
    i, j, mi, mj = i[other], j[other], mi[other], mj[other]
    t = relation(mi, mj)
    back = inverse_table()[t]
    forward = popcount64(orientations[i, t] ^ orientations[j, 0])
    backward = popcount64(orientations[i, 0] ^ orientations[j, back])
    flip = backward < forward
    owner_i = np.where(flip, j, i)
    owner_j = np.where(flip, i, j)
    t = np.where(flip, back, t)
    d = np.minimum(forward, backward)
    near = d <= threshold
    return _best(owner_i[near], owner_j[near], t[near], d[near], len(fps))


def _best(i: I64, j: I64, t: I64, d: I64, n: int) -> Pairs:
    """Each unordered pair once, with its smallest distance (as displayed on a tie)."""
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    key = lo * n + hi
    order = np.lexsort((t != 0, d, key))
    key, i, j, t, d = key[order], i[order], j[order], t[order], d[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    return Pairs(i[first], j[first], t[first], d[first])
