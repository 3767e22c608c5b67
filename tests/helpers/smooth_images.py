"""Smooth pictures for the engine tests: skies, gradients, soft backgrounds.

Nearly all their energy sits in a few low frequencies, so a perceptual hash of
them flips many bits for a small edit (a stamp, a HEIC round trip), and two
different ones (two skies, two gradients) can look alike to a small thumbnail.
Each is made from a seed; different seeds give different pictures.
"""

from __future__ import annotations

import numpy as np
from PIL import Image


def _soft_noise(rng: np.random.Generator, size: tuple[int, int], grid: int) -> np.ndarray:
    """A smooth random field (h, w) with values of unit standard deviation."""
    w, h = size
    coarse = rng.standard_normal((grid, max(2, round(grid * w / h)))).astype(np.float32)
    lo, hi = float(coarse.min()), float(coarse.max())
    small = Image.fromarray(((coarse - lo) / (hi - lo) * 255).astype(np.uint8), "L")
    field = np.asarray(small.resize((w, h), Image.Resampling.BICUBIC), dtype=np.float32)
    field -= field.mean()
    return field / max(float(field.std()), 1e-3)


def _rgb(arr: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def sky(seed: int, size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A clear sky: deep blue at the top to pale at the horizon, faint soft clouds."""
    rng = np.random.default_rng(seed)
    w, h = size
    y = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    top = np.array([30, 80, 170], np.float32) + rng.uniform(-15, 15, 3).astype(np.float32)
    bottom = np.array([170, 200, 235], np.float32) + rng.uniform(-15, 15, 3).astype(np.float32)
    curve = float(rng.uniform(0.6, 1.6))
    arr = top + (bottom - top) * y**curve
    clouds = _soft_noise(rng, size, int(rng.integers(4, 8)))
    arr = arr + (clouds * float(rng.uniform(5, 9)))[:, :, None]
    arr = np.broadcast_to(arr, (h, w, 3)) + rng.normal(0, 1.5, (h, w, 3)).astype(np.float32)
    return _rgb(arr)


def gradient(
    seed: int, angle: float | None = None, size: tuple[int, int] = (800, 600)
) -> Image.Image:
    """A linear two-colour gradient in direction `angle` (degrees; random if None),
    with a faint soft texture."""
    rng = np.random.default_rng(seed)
    w, h = size
    theta = np.deg2rad(float(rng.uniform(0, 360)) if angle is None else angle)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = ((xx - w / 2) * np.cos(theta) + (yy - h / 2) * np.sin(theta)) / max(w, h) + 0.5
    a = rng.uniform(20, 120, 3).astype(np.float32)
    b = rng.uniform(140, 240, 3).astype(np.float32)
    arr = a + (b - a) * np.clip(t, 0, 1)[:, :, None]
    arr = arr + (_soft_noise(rng, size, 6) * float(rng.uniform(3, 6)))[:, :, None]
    arr = arr + rng.normal(0, 1.5, (h, w, 3)).astype(np.float32)
    return _rgb(arr)


def soft_background(seed: int, size: tuple[int, int] = (800, 600)) -> Image.Image:
    """An out-of-focus background: a few large, very soft colour blobs on a tint."""
    rng = np.random.default_rng(seed)
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    arr = np.broadcast_to(rng.uniform(60, 160, 3).astype(np.float32), (h, w, 3)).copy()
    for _ in range(int(rng.integers(3, 6))):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(0.2, 0.5) * max(w, h)
        blob = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
        arr += blob[:, :, None] * rng.uniform(-50, 50, 3).astype(np.float32)
    arr = arr + rng.normal(0, 1.5, (h, w, 3)).astype(np.float32)
    return _rgb(arr)
