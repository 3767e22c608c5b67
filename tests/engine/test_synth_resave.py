"""The estate benchmark's planted copies are noised and shifted as a re-save does, no more
(`benchmarks.synth_fingerprints.perturb(like_resave=True)`); `grouping_1m`'s are as before."""

from __future__ import annotations

import numpy as np

from benchmarks import synth_fingerprints as synth
from cleaner.models import LOW_DETAIL_STD


def _parts(seed: int, img: np.ndarray, level: np.ndarray, like_resave: bool) -> np.ndarray:
    """The noise perturb added: its output less the shift and brightness it drew."""
    out = synth.perturb(np.random.default_rng(seed), img, level, like_resave)
    twin = np.random.default_rng(seed)  # the same draws, in perturb's order
    lv = level[:, None, None]
    shift = twin.uniform(0, 0.8, len(img)).astype(np.float32)[:, None, None] * lv
    if like_resave:
        shift = np.minimum(shift, np.float32(synth.RESAVE_SHIFT))
    moved = np.concatenate([img[:, :, :1], img[:, :, :-1]], axis=2)
    sign = twin.choice([-1.0, 1.0], len(img)).astype(np.float32)[:, None, None]
    return np.asarray(out - (img * (1 - shift) + moved * shift + sign * 10 * lv))


def test_resave_noise_stays_within_what_a_resave_leaves() -> None:
    img = synth.pictures(np.random.default_rng(3), 2_000)
    level = np.full(len(img), 4.0, dtype=np.float32)  # the strongest the generator draws
    noise = _parts(5, img, level, like_resave=True).std(axis=(1, 2))
    detail = synth.box_half(synth.quantise(img)).reshape(len(img), -1).std(axis=1)
    low = detail < LOW_DETAIL_STD
    assert low.any()
    assert (~low).any()
    # a sample standard deviation of 4,096 normal draws is within a few % of the true one
    assert noise[low].max() <= synth.RESAVE_NOISE_LOW * 1.1
    assert noise[~low].max() <= synth.RESAVE_NOISE * 1.1


def test_grouping_1m_plants_are_unchanged() -> None:
    img = synth.pictures(np.random.default_rng(3), 200)
    level = np.full(len(img), 4.0, dtype=np.float32)
    noise = _parts(5, img, level, like_resave=False).std(axis=(1, 2))
    # uncapped: up to the picture's own standard deviation (0.25 x std x level 4)
    assert np.allclose(noise, img.std(axis=(1, 2)), rtol=0.1)


def test_box_half_is_the_rounded_mean_of_each_two_by_two_block() -> None:
    """Pillow's BOX halving, as the straightforward 2x2 mean with rounding (the
    benchmark's fingerprints, kept blocks included, depend on it bit for bit)."""
    rng = np.random.default_rng(3)
    a = rng.integers(0, 256, (7, 64, 64), dtype=np.uint8)
    a[0] = 255  # the largest sums (no uint8 overflow)
    a[1, ::2, ::2] = 1  # rounding: 1 + 3 x 0 -> 0.25 -> 0; 2 -> 0.5 -> 1 (half up)
    a[1, 1::2, :] = 0
    a[1, :, 1::2] = 0
    expected = (a.reshape(7, 32, 2, 32, 2).astype(np.int64).sum(axis=(2, 4)) + 2) // 4
    assert np.array_equal(synth.box_half(a), expected.astype(np.uint8))
    assert synth.box_half(a)[0].min() == 255
