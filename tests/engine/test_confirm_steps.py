"""`confirm` reads the thumbnails of its candidate pairs a step of pairs at a time
(`matching.THUMB_PAIRS_PER_STEP`), not all at once: every step must give exactly what
one table of all of them gives (the same kept pairs, the same correlations, bit for bit)."""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
import pytest
from PIL import Image

import cleaner.detect.checks
import cleaner.detect.crops
import cleaner.detect.matching
from cleaner.detect.checks import CROP_KIND
from cleaner.detect.crops import GRID, GRID_KIND
from cleaner.detect.fingerprint import CROP_WINDOWS, THUMB_SIDE
from cleaner.detect.index import Pairs
from cleaner.detect.matching import THUMB_PAIRS_PER_STEP, confirm
from cleaner.detect.side_crops import SIDE_KIND, SIDE_WINDOWS
from cleaner.models import THRESHOLDS, Fingerprint, Similarity
from cleaner.progress import drain
from tests.helpers.metrics import jpeg_metrics

SAME = THRESHOLDS[Similarity.SAME]
TWINS = 900  # pictures 2m and 2m+1: a re-encode (or a squashed one, or a light crop)
STRANGERS = 1800  # pairs of any two pictures, of every kind a search gives


def _smooth_thumb(rng: np.random.Generator) -> np.ndarray:
    """A 16x16 grey thumbnail with shapes in it (noise smoothed on a coarse grid)."""
    coarse = rng.integers(0, 256, size=(4, 4), dtype=np.uint8)
    image = Image.fromarray(coarse, mode="L").resize((THUMB_SIDE, THUMB_SIDE), Image.BILINEAR)
    noise = rng.normal(0, 6, size=(THUMB_SIDE, THUMB_SIDE))
    return np.clip(np.asarray(image, dtype=np.float64) + noise, 0, 255).astype(np.uint8)


def _window(thumb: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The light crop of `thumb` to window `box` (fractions), at thumbnail size."""
    side = float(THUMB_SIDE)
    image = Image.fromarray(thumb, mode="L")
    cut = image.resize((THUMB_SIDE, THUMB_SIDE), Image.BILINEAR, box=tuple(side * v for v in box))
    return np.asarray(cut, dtype=np.uint8)


def _library() -> tuple[list[Fingerprint], list, Pairs]:
    """Twins of three kinds (plain, squashed, light crop) and strangers of every kind
    (turned, crop windows, heavy-crop grid windows, side windows), shuffled together."""
    rng = np.random.default_rng(12)
    thumbs, sizes = [], []
    i, j, t = [], [], []
    for m in range(TWINS):
        original = _smooth_thumb(rng)
        kind = m % 3
        if kind == 2:  # a light crop: the crop search's window of the original
            copy = _window(original, CROP_WINDOWS[0])
        else:
            copy = np.clip(original + rng.normal(0, 4, original.shape), 0, 255).astype(np.uint8)
        thumbs += [original, copy]
        # a squashed copy: 1.6 times as wide, found within the pHash threshold
        sizes += [(800, 600), (1280, 600) if kind == 1 else (800, 600)]
        i.append(2 * m)
        j.append(2 * m + 1)
        t.append(CROP_KIND if kind == 2 else 0)
    n = len(thumbs)
    kinds = [0, 1, 5, CROP_KIND, GRID_KIND, GRID_KIND + len(GRID) - 1, SIDE_KIND,
             SIDE_KIND + len(SIDE_WINDOWS) - 1]  # fmt: skip
    for _ in range(STRANGERS):
        a, b = rng.choice(n, size=2, replace=False)
        i.append(int(a))
        j.append(int(b))
        t.append(int(rng.choice(kinds)))
    order = rng.permutation(len(i))
    pairs = Pairs(
        np.array(i, dtype=np.int64)[order],
        np.array(j, dtype=np.int64)[order],
        np.array(t, dtype=np.int64)[order],
        np.zeros(len(i), dtype=np.int64),  # within every threshold (the squash check's too)
    )
    fps = [Fingerprint.from_hashes([0] * 8, th.tobytes()) for th in thumbs]
    metrics = [jpeg_metrics(size) for size in sizes]
    return fps, metrics, pairs


def _confirm(fps: list[Fingerprint], metrics: list, pairs: Pairs) -> tuple[np.ndarray, ...]:
    scores: list[np.ndarray] = []
    keep = confirm(pairs, fps, metrics, SAME, scores, pixels=lambda k: None)
    return keep, scores[0]


def test_confirm_in_steps_is_confirm_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of pairs, in steps of 64 (the checks' own steps 32 and 16 inside, as a
    real step is a multiple of them) against one step of all: every kept pair and every
    correlation the same."""
    monkeypatch.setattr(cleaner.detect.checks, "_PAIRS_PER_STEP", 32)
    monkeypatch.setattr(cleaner.detect.crops, "_PAIRS_PER_STEP", 16)
    fps, metrics, pairs = _library()
    monkeypatch.setattr(cleaner.detect.matching, "THUMB_PAIRS_PER_STEP", 10**9)
    keep, scores = _confirm(fps, metrics, pairs)
    monkeypatch.setattr(cleaner.detect.matching, "THUMB_PAIRS_PER_STEP", 64)
    stepped_keep, stepped_scores = _confirm(fps, metrics, pairs)
    np.testing.assert_array_equal(stepped_keep, keep)
    np.testing.assert_array_equal(stepped_scores, scores)
    # the library reaches every step it is meant to test, each over many steps of 64
    twin = pairs.j == pairs.i + 1
    plain, light = twin & (pairs.t == 0), twin & (pairs.t == CROP_KIND)
    squashed = plain & (pairs.i % 6 == 2)  # twins m % 3 == 1
    assert keep[plain & ~squashed].sum() > 4 * 64
    assert keep[light].sum() > 4 * 64  # past the light crop's "window over whole" check
    assert 0 < keep[squashed].sum() < squashed.sum()  # the squash check decided them
    grid, side = (pairs.t >= GRID_KIND) & (pairs.t < SIDE_KIND), pairs.t >= SIDE_KIND
    assert (scores[grid] > -1).sum() > 4 * 64  # lined up (those of a fit shape)
    assert (scores[side] > -1).sum() > 4 * 64


def test_a_step_is_a_multiple_of_the_checks_steps() -> None:
    """Each check multiplies the same blocks of rows in steps as in one call (OpenBLAS
    rounds other blocks otherwise): the step is a multiple of each check's own."""
    assert THUMB_PAIRS_PER_STEP % cleaner.detect.checks._PAIRS_PER_STEP == 0
    assert THUMB_PAIRS_PER_STEP % cleaner.detect.crops._PAIRS_PER_STEP == 0


def test_the_hash_arrays_are_let_go_before_the_heavy_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`candidate_pairs` holds none of its hash arrays through the heavy-crop step (the
    group stage's peak at 1M is that step's placing pass)."""
    fps, _, _ = _library()
    made: list[weakref.ref[np.ndarray]] = []
    original = cleaner.detect.matching._hash_arrays

    def hash_arrays(*args: Any) -> Any:
        arrays = original(*args)
        made.extend(weakref.ref(a) for a in arrays if a is not None)
        return arrays

    alive: list[int] = []

    def heavy(subset: Any) -> Any:
        alive.append(sum(ref() is not None for ref in made))
        return Pairs(*(np.zeros(0, dtype=np.int64) for _ in range(4)))
        yield  # a generator, as the search is

    monkeypatch.setattr(cleaner.detect.matching, "_hash_arrays", hash_arrays)
    monkeypatch.setattr(cleaner.detect.matching, "heavy_crop_pairs", heavy)
    drain(cleaner.detect.matching.candidate_pairs(fps, SAME, rotations=True))
    assert len(made) >= 3
    assert alive == [0]
