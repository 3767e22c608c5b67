"""Colour and compression (issue 10, class 5).

Solid or near-solid pictures of different colours were grouped as one picture; a
32-colour PNG or a 256-colour GIF made from a full-colour JPEG was kept as "lossless"
over the original; a lossy WebP re-encoded from a quality-97 JPEG was kept over that
JPEG as "not recompressed".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cleaner.detect.scan import run_scan
from cleaner.keep import CRITERIA_BY_KEY, Candidate, choose_keeper
from cleaner.models import ImageMetrics, ScanResult, ScanSettings
from tests.helpers import images

LOSSLESS = CRITERIA_BY_KEY["lossless"]
JPEG_QUALITY = CRITERIA_BY_KEY["jpeg_quality"]
LARGEST_FILE = CRITERIA_BY_KEY["largest_file"]


def _scan(root: Path, **kwargs: object) -> ScanResult:
    settings = ScanSettings(roots=(str(root),), workers=2, **kwargs)  # type: ignore[arg-type]
    return run_scan(settings, cache_path=None)


def _groups(result: ScanResult) -> list[list[str]]:
    return sorted(sorted(Path(m.path).name for m in g.members) for g in result.groups)


def _noisy(colour: tuple[int, int, int], size: tuple[int, int], seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    arr = np.asarray(Image.new("RGB", size, colour), dtype=np.int16)
    arr = arr + rng.normal(0, 1.5, size=arr.shape).astype(np.int16)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def _framed(frame: tuple[int, int, int], inside: tuple[int, int, int]) -> Image.Image:
    img = Image.new("RGB", (640, 480), frame)
    img.paste(Image.new("RGB", (560, 400), inside), (40, 40))
    return img


COLOURS = {
    "white": (255, 255, 255),
    "offwhite": (244, 238, 222),
    "grey": (128, 128, 128),
    "black": (0, 0, 0),
    "blue": (30, 60, 200),
    "navy": (20, 30, 110),
    "red": (200, 30, 30),
    "sky": (120, 170, 230),
}


@pytest.mark.parametrize("similarity", ["same", "similar", "loose"])
def test_solid_pictures_of_different_colours_are_different_pictures(
    tmp_path: Path, similarity: str
) -> None:
    # caught on main: white, off-white, grey, black, blue... solids (and 1x1 and 2x2
    # pictures of them) all landed in one or two groups
    for n, (name, colour) in enumerate(COLOURS.items()):
        images.save(Image.new("RGB", (640, 480), colour), tmp_path / f"{name}.png")
        images.save(_noisy(colour, (800, 600), n), tmp_path / f"{name} noisy.jpg", quality=90)
        images.save(Image.new("RGB", (1, 1), colour), tmp_path / f"{name} 1x1.png")
        images.save(Image.new("RGB", (2, 2), colour), tmp_path / f"{name} 2x2.png")
    result = _scan(tmp_path, similarity=similarity)
    for group in _groups(result):
        colours = {name.split(" ")[0].removesuffix(".png") for name in group}
        assert len(colours) == 1, group


def test_near_solid_frames_of_different_colours_are_different_pictures(tmp_path: Path) -> None:
    # a frame of one colour round a slightly lighter middle: near-solid, low detail
    for name in ("white", "offwhite", "black", "blue", "grey"):
        frame = COLOURS[name]
        inside = tuple(max(0, c - 10) if name in ("white", "offwhite") else c + 10 for c in frame)
        images.save(_framed(frame, inside), tmp_path / f"{name} frame.png")  # type: ignore[arg-type]
        images.save(_framed(frame, inside), tmp_path / f"{name} frame.jpg", quality=90)  # type: ignore[arg-type]
    groups = _groups(_scan(tmp_path))
    assert groups == sorted(
        [f"{n} frame.jpg", f"{n} frame.png"] for n in ("white", "offwhite", "black", "blue", "grey")
    )


def test_copies_of_a_plain_picture_still_group(tmp_path: Path) -> None:
    """The colour rule must not split real copies of a near-blank picture."""
    for name, colour in list(COLOURS.items())[:5]:
        original = Image.new("RGB", (1200, 900), colour)
        images.save(original, tmp_path / f"{name}.png")
        images.save(original.resize((600, 450)), tmp_path / f"{name} small.jpg", quality=85)
    for seed in range(3):
        page = images.blank_page(seed)
        images.save(page, tmp_path / f"page{seed}.png")
        images.save(page.resize((300, 400)), tmp_path / f"page{seed} small.jpg", quality=80)
    groups = _groups(_scan(tmp_path))
    expected = [[f"{n}.png", f"{n} small.jpg"] for n in list(COLOURS)[:5]]
    expected += [[f"page{s}.png", f"page{s} small.jpg"] for s in range(3)]
    assert groups == sorted(sorted(g) for g in expected)


@pytest.fixture(scope="module")
def compression_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("compression")
    for n in range(4):
        original = images.photo(80 + n, (800, 600))
        images.save(original, root / f"p{n}" / "original.jpg", quality=97)
        images.save(original.quantize(32), root / f"p{n}" / "copy 32 colours.png")
        images.save(original.quantize(256), root / f"p{n}" / "copy 256 colours.gif")
        images.save(original, root / f"p{n}" / "copy.webp", quality=80)
    original = images.photo(90, (800, 600))
    images.save(original, root / "heic" / "original.jpg", quality=97)
    images.save(original, root / "heic" / "copy.heic", quality=80)
    return root


def test_palette_and_unknown_quality_copies_lose_to_the_full_colour_jpeg(
    compression_library: Path,
) -> None:
    # caught on main: the 32-colour PNG was kept ("lossless PNG") over the quality-97 JPEG
    result = _scan(compression_library)
    folders = sorted(p.name for p in compression_library.iterdir())
    assert len(result.groups) == len(folders)
    for group in result.groups:
        assert Path(group.keeper.path).name == "original.jpg", group.reason


def test_a_lossy_webp_is_not_kept_as_not_recompressed(tmp_path: Path) -> None:
    # caught on main: "kept: not recompressed; the other copy is more compressed
    # (JPEG quality 97)"
    original = images.photo(95, (800, 600))
    images.save(original, tmp_path / "original.jpg", quality=97)
    images.save(original, tmp_path / "copy.webp", quality=80)
    result = _scan(tmp_path)
    assert len(result.groups) == 1
    group = result.groups[0]
    assert Path(group.keeper.path).name == "original.jpg", group.reason
    assert "not recompressed" not in group.reason


def _metrics(**kw: object) -> ImageMetrics:
    base: dict[str, object] = dict(
        format="JPEG", width=800, height=600, lossless=False, jpeg_quality=97,
        sharpness=100.0, detail=40.0, capture_time=None, camera=None, has_gps=False,
        has_exif=False, looks_like_screenshot=False, looks_like_export=False,
    )  # fmt: skip
    base.update(kw)
    return ImageMetrics(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", ["WEBP", "AVIF", "HEIF"])
def test_quality_that_cannot_be_read_is_no_evidence_of_an_original(fmt: str) -> None:
    jpeg = Candidate("/a/original.jpg", 500_000, 1, _metrics())
    lossy = Candidate("/a/copy", 200_000, 2, _metrics(format=fmt, jpeg_quality=None))
    for order in ([JPEG_QUALITY], [LOSSLESS, JPEG_QUALITY]):
        choice = choose_keeper([lossy, jpeg], order)
        assert choice.keeper == 1
        assert choice.deciding is JPEG_QUALITY
        assert "quality unknown" in choice.reason
    # nor evidence of a worse copy: a heavily compressed JPEG stays behind it
    worse = Candidate("/a/copy.jpg", 600_000, 0, _metrics(jpeg_quality=60))
    choice = choose_keeper([worse, lossy], [JPEG_QUALITY, LARGEST_FILE])
    assert choice.keeper == 1


def test_a_palette_copy_is_lossy_only_next_to_a_full_colour_copy() -> None:
    palette = Candidate("/a/logo.gif", 9_000, 1, _metrics(format="GIF", lossless=True,
                        jpeg_quality=None, colour_count=32))  # fmt: skip
    png = Candidate("/a/logo.png", 8_000, 2, _metrics(format="PNG", lossless=True,
                    jpeg_quality=None, colour_count=32))  # fmt: skip
    jpeg = Candidate("/a/photo.jpg", 5_000, 3, _metrics())
    choice = choose_keeper([palette, jpeg])
    assert choice.keeper == 1
    assert "reduced to 32 colours" in choice.reason
    # two palette copies of one graphic: lossless as before, the criteria go on
    choice = choose_keeper([png, palette], [LOSSLESS, LARGEST_FILE])
    assert choice.deciding is LARGEST_FILE
    assert choice.keeper == 1


SKIES = (
    ((40.0, 90.0, 160.0), (75.0, 135.0, 205.0)),  # dusk blue, left to right
    ((60.0, 140.0, 80.0), (100.0, 170.0, 110.0)),  # a green field, out of focus
)


def _soft_gradient(seed: int) -> Image.Image:
    """A low-detail colour picture (a sky, a field): a gentle gradient, a little noise."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 1.0, 640)[None, :, None]
    top = np.array(SKIES[seed][0])[None, None, :]
    bottom = np.array(SKIES[seed][1])[None, None, :]
    arr = np.broadcast_to(top + (bottom - top) * t, (480, 640, 3)).copy()
    arr += rng.normal(0, 1.5, size=arr.shape)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def test_a_black_and_white_copy_of_a_plain_colour_picture_still_groups(tmp_path: Path) -> None:
    """The tone check must not undo the colour rule's promise: a grey copy joins its colour
    original (the kit's seed-2 corpus lost four such pairs when a missing colour signature
    was read as 'no colour' and compared)."""
    for n in range(len(SKIES)):
        picture = _soft_gradient(n)
        picture.save(tmp_path / f"dusk{n}.jpg", quality=92)
        picture.convert("L").save(tmp_path / f"dusk{n} (B&W).jpg", quality=92)
    result = _scan(tmp_path)
    assert all(m.metrics and m.metrics.low_detail for g in result.groups for m in g.members)
    assert _groups(result) == [[f"dusk{n} (B&W).jpg", f"dusk{n}.jpg"] for n in range(len(SKIES))]
