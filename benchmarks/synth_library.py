"""A synthetic photo library for the warm-rescan benchmark.

`ensure_library(folder, count)` writes `count` photo-like JPEGs (1-3 MP: smooth
colour fields, finer structure and sensor-like grain, in dated folders), 10% of
them duplicates (half byte-identical copies, half re-encoded at q85), unless a
finished library of that size is already there. Deterministic per index.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import shutil
from pathlib import Path

import numpy as np
from PIL import Image

SIZES = ((1280, 960), (1600, 1200), (2048, 1536), (1920, 1080))
DUPLICATE_SHARE = 0.10
_DONE = ".library-complete"


def photo_like(index: int) -> Image.Image:
    """A deterministic, photo-like RGB picture of 1-3 megapixels."""
    rng = np.random.default_rng(1000 + index)
    w, h = SIZES[index % len(SIZES)]
    if index % 5 == 0:
        w, h = h, w  # some portraits
    coarse = Image.fromarray(rng.integers(0, 256, (5, 7, 3), dtype=np.uint8), "RGB")
    fine = Image.fromarray(rng.integers(0, 256, (40, 56, 3), dtype=np.uint8), "RGB")
    base = np.asarray(coarse.resize((w, h), Image.Resampling.BICUBIC), dtype=np.int16)
    detail = np.asarray(fine.resize((w, h), Image.Resampling.BICUBIC), dtype=np.int16)
    grain = rng.integers(-6, 7, (h, w, 1), dtype=np.int16)
    pixels = base * 3 // 4 + (detail - 128) // 3 + grain
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def _path(folder: Path, index: int) -> Path:
    return folder / f"{2010 + index % 12}" / f"{index % 9:02d} trip" / f"IMG_{index:05d}.jpg"


def _write_original(folder: str, index: int) -> None:
    path = _path(Path(folder), index)
    path.parent.mkdir(parents=True, exist_ok=True)
    photo_like(index).save(path, "JPEG", quality=92)


def ensure_library(folder: Path, count: int = 2000, workers: int = 0) -> Path:
    """Build the library in `folder` (or reuse a finished one of the same size)."""
    marker = folder / _DONE
    if marker.is_file() and marker.read_text().strip() == str(count):
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    duplicates = round(count * DUPLICATE_SHARE)
    originals = count - duplicates
    with cf.ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 2) as pool:
        list(pool.map(_write_original, [str(folder)] * originals, range(originals), chunksize=8))
    copies = folder / "Backup" / "copies"
    copies.mkdir(parents=True)
    for n in range(duplicates):
        source = _path(folder, (n * 7) % originals)
        target = copies / f"{source.stem} ({n}).jpg"
        if n % 2 == 0:
            shutil.copyfile(source, target)
        else:
            with Image.open(source) as im:
                im.save(target, "JPEG", quality=85)
    marker.write_text(f"{count}\n")
    return folder
