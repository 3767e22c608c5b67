"""Thousands of exact-copy sets, cheap to write and to scan: for tests at realistic sizes.

`write_copy_sets(root, n)` writes `n` distinct small pictures (random noise, so no two
look alike to the perceptual hash), each as ``set{i}/a{i}.png`` and a byte-identical
``set{i}/b{i}.png``. A scan finds exactly `n` exact-copy sets. Names differ from set to
set: thousands of same-named files in one trash make each move slower (send2trash and
the trash lookup try ``b.png``, ``b 1.png``, ... in turn), which is not what these tests
are about.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image


def noise_png(seed: int, side: int = 24) -> bytes:
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=(side, side, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(out, "PNG")
    return out.getvalue()


def write_copy_sets(root: Path, n: int, copies: int = 2) -> list[list[Path]]:
    """`n` folders of `copies` identical pictures each; returns the paths, set by set."""
    sets = []
    for i in range(n):
        data = noise_png(10_000 + i)
        folder = root / f"set{i:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for c in range(copies):
            path = folder / f"{chr(ord('a') + c)}{i:05d}.png"
            path.write_bytes(data)
            paths.append(path)
        sets.append(paths)
    return sets
