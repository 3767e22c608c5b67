"""A small sample library with planted duplicates, for "Try with sample photos".

Everything is drawn with numpy and saved with Pillow, so the demo needs no files
shipped with the app and no network. The pictures look like photos (sky, hills,
sun, trees, grain) and each scene is different enough that only the planted
copies group together:

- an exact copy (a backup folder),
- a resized export,
- a recompressed copy (an e-mail attachment),
- a PNG conversion of a JPEG (a scan folder),
- a copy that is stored sideways with an EXIF orientation tag (a phone backup),
- an exact copy in a "Downloads" folder,
- and two pictures that have no copies at all.

`make_demo_library(folder)` writes it in well under a second and returns what it
planted, so tests (and the window's first-run tour) know what to expect.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

RGB = npt.NDArray[np.uint8]

_CAMERA = ("Canon", "Canon EOS 80D")


@dataclass(frozen=True, slots=True)
class PlantedGroup:
    """One set of copies of the same picture; paths are relative to the library root."""

    name: str
    keeper: str  # the copy the engine should suggest keeping
    copies: tuple[str, ...]  # every copy, the keeper included

    @property
    def removable(self) -> tuple[str, ...]:
        return tuple(p for p in self.copies if p != self.keeper)


@dataclass(frozen=True, slots=True)
class DemoLibrary:
    root: Path
    groups: tuple[PlantedGroup, ...]
    singletons: tuple[str, ...]

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(p for g in self.groups for p in g.copies) + self.singletons


def _scene(seed: int, width: int, height: int) -> RGB:
    """A landscape-like picture: graded sky, layered hills, a sun, trees and grain.

    Drawn at a quarter of the size and enlarged (fast), then given full-size grain.
    """
    rng = np.random.default_rng(seed)
    small = _draw(rng, max(width // 4, 8), max(height // 4, 8))
    big = Image.fromarray(small, "RGB").resize((width, height), Image.Resampling.BICUBIC)
    grain = rng.integers(-7, 8, size=(height, width, 1), dtype=np.int16)
    return np.asarray(np.clip(np.asarray(big, dtype=np.int16) + grain, 0, 255), dtype=np.uint8)


def _draw(rng: np.random.Generator, width: int, height: int) -> RGB:
    y = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    x = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    top = rng.uniform([20, 60, 120], [110, 150, 230]).astype(np.float32)
    low = rng.uniform([170, 120, 90], [250, 220, 200]).astype(np.float32)
    img = top[None, None, :] * (1 - y[..., None]) + low[None, None, :] * y[..., None]
    img = np.broadcast_to(img, (height, width, 3)).copy()
    # the sun (or moon)
    sx, sy, sr = rng.uniform(0.1, 0.9), rng.uniform(0.08, 0.4), rng.uniform(0.04, 0.1)
    d = np.sqrt(((x - sx) * width / height) ** 2 + (y - sy) ** 2)
    glow = np.clip(1.0 - d / (sr * 3.0), 0.0, 1.0) ** 2
    sun = rng.uniform([230, 180, 80], [255, 250, 200]).astype(np.float32)
    img = img * (1 - glow[..., None]) + sun * glow[..., None]
    img[d < sr] = sun
    # hills, far to near, each darker and more saturated
    horizon = rng.uniform(0.35, 0.7)
    for layer in range(rng.integers(2, 5)):
        base = horizon + layer * rng.uniform(0.05, 0.15)
        ridge = base + sum(
            rng.uniform(0.01, 0.08) * np.sin(2 * np.pi * (rng.uniform(0.5, 4.0) * x + rng.random()))
            for _ in range(3)
        )
        colour = rng.uniform([20, 50, 20], [120, 140, 90]).astype(np.float32) * (1 - 0.15 * layer)
        mask = y > ridge
        img[mask] = img[mask] * 0.15 + colour * 0.85
    # trees: dark blobs standing on the ground
    for _ in range(int(rng.integers(3, 12))):
        tx, ty = rng.uniform(0.0, 1.0), rng.uniform(horizon + 0.1, 1.0)
        tw, th = rng.uniform(0.02, 0.06), rng.uniform(0.08, 0.25)
        blob = ((x - tx) / tw) ** 2 + ((y - (ty - th / 2)) / (th / 2)) ** 2 < 1.0
        img[blob] = rng.uniform([10, 30, 10], [50, 80, 40]).astype(np.float32)
    # a soft vignette
    vignette = 1.0 - 0.35 * (((x - 0.5) * 2) ** 2 + ((y - 0.5) * 2) ** 2) / 2
    img *= vignette[..., None]
    return np.asarray(np.clip(img, 0, 255), dtype=np.uint8)


def _exif(taken: str, orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = _CAMERA  # Make, Model
    exif[0x0132] = taken  # DateTime
    if orientation != 1:
        exif[0x0112] = orientation
    return exif


def _save(img: Image.Image, path: Path, **options: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, **options)  # type: ignore[arg-type]


def make_demo_library(folder: Path | str | None = None, seed: int = 2024) -> DemoLibrary:
    """Write the sample library into `folder` (a new temporary folder if None)."""
    root = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="photosift-demo-"))
    root.mkdir(parents=True, exist_ok=True)

    def scene(n: int, size: tuple[int, int]) -> Image.Image:
        return Image.fromarray(_scene(seed + n, *size), "RGB")

    # 1. An original with a backup (exact copy) and a small export.
    lake = scene(1, (1600, 1200))
    _save(lake, root / "Photos/2019 Summer/lake.jpg", quality=92,
          exif=_exif("2019:07:14 18:03:22"))  # fmt: skip
    backup = root / "Backup of Photos/2019 Summer/lake.jpg"
    backup.parent.mkdir(parents=True, exist_ok=True)
    backup.write_bytes((root / "Photos/2019 Summer/lake.jpg").read_bytes())
    _save(lake.resize((800, 600), Image.Resampling.LANCZOS), root / "Exports/lake_small.jpg",
          quality=85)  # fmt: skip

    # 2. A JPEG, its PNG conversion, and an exact copy in Downloads.
    harbour = scene(2, (1200, 900))
    _save(harbour, root / "Photos/2020 Harbour/harbour.jpg", quality=90,
          exif=_exif("2020:05:02 09:41:07"))  # fmt: skip
    _save(harbour, root / "Scans/harbour.png", optimize=False, compress_level=1)
    downloads = root / "Downloads/harbour.jpg"
    downloads.parent.mkdir(parents=True, exist_ok=True)
    downloads.write_bytes((root / "Photos/2020 Harbour/harbour.jpg").read_bytes())

    # 3. A portrait, and a phone copy stored sideways with an EXIF orientation tag.
    portrait = scene(3, (900, 1200))
    _save(portrait, root / "Photos/Portraits/portrait.jpg", quality=92,
          exif=_exif("2021:03:20 14:12:55"))  # fmt: skip
    sideways = portrait.transpose(Image.Transpose.ROTATE_90)  # orientation 6 turns it back
    _save(sideways, root / "Phone backup/IMG_0412.jpg", quality=75,
          exif=_exif("2021:03:20 14:12:55", orientation=6))  # fmt: skip

    # 4. A recompressed e-mail attachment.
    market = scene(4, (1200, 800))
    _save(market, root / "Photos/2021 Market/market.jpg", quality=95,
          exif=_exif("2021:09:11 11:30:00"))  # fmt: skip
    _save(market, root / "Email attachments/market.jpg", quality=45)

    # 5. Pictures with no copies.
    _save(scene(5, (1200, 900)), root / "Photos/2021 Market/fountain.jpg", quality=90,
          exif=_exif("2021:09:11 11:42:10"))  # fmt: skip
    _save(scene(6, (1200, 900)), root / "Photos/2019 Summer/sunset.jpg", quality=90,
          exif=_exif("2019:07:14 20:55:01"))  # fmt: skip

    groups = (
        PlantedGroup(
            "lake",
            "Photos/2019 Summer/lake.jpg",
            (
                "Photos/2019 Summer/lake.jpg",
                "Backup of Photos/2019 Summer/lake.jpg",
                "Exports/lake_small.jpg",
            ),
        ),
        PlantedGroup(
            "harbour",
            "Photos/2020 Harbour/harbour.jpg",
            ("Photos/2020 Harbour/harbour.jpg", "Scans/harbour.png", "Downloads/harbour.jpg"),
        ),
        PlantedGroup(
            "portrait",
            "Photos/Portraits/portrait.jpg",
            ("Photos/Portraits/portrait.jpg", "Phone backup/IMG_0412.jpg"),
        ),
        PlantedGroup(
            "market",
            "Photos/2021 Market/market.jpg",
            ("Photos/2021 Market/market.jpg", "Email attachments/market.jpg"),
        ),
    )
    singletons = ("Photos/2021 Market/fountain.jpg", "Photos/2019 Summer/sunset.jpg")
    return DemoLibrary(root=root, groups=groups, singletons=singletons)
