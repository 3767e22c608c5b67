"""Squashed copies (issue 13): a copy resized without keeping its proportions is the same
picture at "Same picture"; pictures whose shapes differ because their content does (a
crop, a pad, half a panorama, another slide of one template, another page) stay apart.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from cleaner.detect.checks import aspect_log_ratio, thumb_correlation
from cleaner.detect.fingerprint import fingerprint
from cleaner.detect.index import Pairs
from cleaner.detect.matching import confirm, find_matches
from cleaner.detect.scan import run_scan
from cleaner.detect.squash import SQUASH_HAMMING, SQUASH_MAX_LOG, needs_squash_check
from cleaner.models import THRESHOLDS, ScanSettings, Similarity
from cleaner.progress import drain
from tests.helpers import images
from tests.helpers.metrics import jpeg_metrics

SAME = THRESHOLDS[Similarity.SAME]


def _jpeg(img: Image.Image, quality: int = 85) -> Image.Image:
    out = io.BytesIO()
    img.convert("RGB").save(out, "JPEG", quality=quality)
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")


def _bands(seed: int, size: tuple[int, int]) -> Image.Image:
    """Horizontal bands of colour (a sky, a shore, a wall) lit from one side, with a few
    faint round shapes: a picture that looks much the same squeezed or cropped sideways."""
    rng = np.random.default_rng(seed)
    w, h = size
    coarse = rng.integers(0, 256, size=(7, 1, 3)).astype(np.uint8)
    base = Image.fromarray(coarse, "RGB").resize((w, h), Image.Resampling.BICUBIC)
    lit = np.asarray(base, dtype=np.float32) * (0.85 + 0.3 * np.linspace(0, 1, w)[None, :, None])
    img = Image.fromarray(np.clip(lit, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        r = int(rng.integers(w // 40, w // 15))
        under = np.asarray(img.getpixel((min(x, w - 1), min(y, h - 1))), dtype=np.int64)
        colour = np.clip(under + rng.integers(-40, 40, 3), 0, 255)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(int(c) for c in colour))
    return img


def _slide(content: int, size: tuple[int, int], picture: bool = False) -> Image.Image:
    """A slide of one template (background, title bar, logo) with its own text lines,
    and a photo of its own on the right if `picture`."""
    rng = np.random.default_rng(1000 + content)
    w, h = size
    background, bar = (40, 70, 140), (230, 140, 30)
    img = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, w, h // 7), fill=bar)
    draw.ellipse((w - h // 8 - 10, 10, w - 10, h // 8), fill=(250, 250, 250))
    y = h // 5
    for _ in range(int(rng.integers(3, 8))):
        draw.rectangle((60, y, 60 + int(rng.integers(w // 4, w - 120)), y + h // 60),
                       fill=(90, 120, 190))  # fmt: skip
        y += h // 12
    if picture:
        img.paste(images.photo(content, (w // 3, h // 2)), (w - w // 3 - 40, h // 4))
    return img


def _confirmed(a: Image.Image, b: Image.Image, thresholds: object = SAME) -> bool:
    """Whether `confirm` matches a and b offered as a candidate pair (as displayed)."""
    fps = [fingerprint(a), fingerprint(b)]
    metrics = [jpeg_metrics(a.size), jpeg_metrics(b.size)]
    pairs = Pairs(np.array([0]), np.array([1]), np.array([0]), np.array([0]))
    return bool(confirm(pairs, fps, metrics, thresholds)[0])  # type: ignore[arg-type]


def _alike(a: Image.Image, b: Image.Image) -> float:
    """Their 16x16 thumbnail correlation (what confirms a pair of one shape)."""
    thumbs = np.frombuffer(fingerprint(a).thumb + fingerprint(b).thumb, dtype=np.uint8)
    one = np.array([0])
    return float(thumb_correlation(thumbs.reshape(2, -1), one, one + 1, one * 0)[0])


def _refused_by_shape(a: Image.Image, b: Image.Image) -> bool:
    ratio = aspect_log_ratio(*(np.array([float(v)]) for v in (*a.size, *b.size)),
                             np.array([0]))  # fmt: skip
    return bool(ratio[0] > SAME.aspect_tolerance)


# ------------------------------------------------------------------ found


def test_squashed_copies_are_found_at_default_settings(tmp_path: Path) -> None:
    original = images.photo(41, (640, 480))
    images.save(original, tmp_path / "holiday.jpg", quality=92)
    images.save(original.resize((300, 300), Image.Resampling.LANCZOS),
                tmp_path / "holiday thumb.jpg", quality=85)  # fmt: skip
    images.save(original.resize((640, 360), Image.Resampling.LANCZOS),
                tmp_path / "holiday wide.jpg", quality=85)  # fmt: skip
    images.save(images.photo(42, (640, 480)), tmp_path / "another.jpg", quality=92)
    result = run_scan(ScanSettings(roots=(str(tmp_path),), workers=1), cache_path=None)
    names = [sorted(Path(m.path).name for m in g.members) for g in result.groups]
    assert names == [["holiday thumb.jpg", "holiday wide.jpg", "holiday.jpg"]]


@pytest.mark.parametrize("size", [(300, 300), (640, 360), (480, 640), (320, 160), (160, 120)])
def test_a_squashed_copy_passes_the_confirmation(size: tuple[int, int]) -> None:
    for seed in (43, 44, 45):
        original = images.detailed_photo(seed, (640, 480))
        copy = _jpeg(original.resize(size, Image.Resampling.BILINEAR), 70)
        assert _refused_by_shape(original, copy) == (size != (160, 120))
        assert _confirmed(original, copy)
        assert _confirmed(copy, original)


def test_a_squashed_copy_of_a_page_is_found_and_other_pages_are_not() -> None:
    for seed in range(3):
        page = images.blank_page(seed)
        assert _confirmed(page, _jpeg(page.resize((600, 500))))
        # another page of the same paper, at another shape: the marks do not line up
        assert not _confirmed(page, _jpeg(images.blank_page(seed + 10).resize((600, 500))))
        assert not _confirmed(page, _jpeg(images.faint_page(seed).resize((600, 450))))


def test_a_turned_or_mirrored_squashed_copy_is_found_with_rotations() -> None:
    original = images.detailed_photo(43, (640, 480))
    copies = [_jpeg(images.rotated90(original.resize((300, 300)))),
              _jpeg(images.rotated90(original.resize((640, 360)))),  # 360x640 as displayed
              _jpeg(images.mirrored(original.resize((640, 360))))]  # fmt: skip
    pictures = [original, *copies]
    fps = [fingerprint(p) for p in pictures]
    metrics = [jpeg_metrics(p.size) for p in pictures]
    matches = drain(find_matches(fps, metrics, SAME, rotations=True))
    assert sorted(zip(matches.i.tolist(), matches.j.tolist(), strict=True)) == [
        (a, b) for a in range(4) for b in range(a + 1, 4)
    ]


def test_needs_squash_check_takes_only_shapes_refused_within_two_to_one() -> None:
    aspect = np.array([0.1, SAME.aspect_tolerance + 0.01, 0.69, SQUASH_MAX_LOG + 0.01, 0.3, 0.3])
    kinds = np.array([0, 0, 3, 0, 8, 0])  # 8: a crop window, never a squash
    distances = np.array([0, 2, SQUASH_HAMMING, 0, 0, SQUASH_HAMMING + 2])
    flags = needs_squash_check(aspect, kinds, distances, SAME.aspect_tolerance)
    assert flags.tolist() == [False, True, True, False, False, False]


# ------------------------------------------------------------------ not found
# Each pair below looks alike enough for the ordinary thumbnail check (>= SAME.correlation)
# once both are squeezed to a square: only the shape, and then the squash check's crop and
# pad comparison, keep it apart.


def test_a_crop_that_changes_the_shape_is_not_a_squashed_copy() -> None:
    for seed in (0, 5):  # bands cropped sideways look like the whole squeezed sideways
        whole = _bands(seed + 50, (640, 480))
        crop = _jpeg(whole.crop((80, 0, 560, 480)))
        assert _refused_by_shape(whole, crop)
        assert _alike(whole, crop) >= 0.99
        assert not _confirmed(whole, crop)
        assert not _confirmed(crop, whole)


def test_pictures_that_look_alike_whatever_part_is_taken_stay_apart() -> None:
    # a squashed copy of such a picture cannot be told from a crop of it: refused too
    whole = _bands(50, (640, 480))
    assert _alike(whole, _jpeg(whole.resize((480, 480)))) >= 0.99
    assert not _confirmed(whole, _jpeg(whole.resize((480, 480))))


def test_the_halves_of_a_panorama_are_not_squashed_copies_of_the_whole() -> None:
    for seed in (2, 5):
        whole = _bands(seed, (1280, 480))
        left, right = _jpeg(whole.crop((0, 0, 640, 480))), _jpeg(whole.crop((640, 0, 1280, 480)))
        for half in (left, right):
            assert _refused_by_shape(whole, half)
            assert _alike(whole, half) >= SAME.correlation
            assert not _confirmed(whole, half)
            assert not _confirmed(half, whole)
        # a squashed copy of the same panorama is found
        assert _confirmed(whole, _jpeg(whole.resize((640, 480))))


def test_a_padded_copy_is_not_a_squashed_copy() -> None:
    for seed in (0, 5):
        picture = _bands(seed + 50, (640, 480))
        # on a blurred copy of itself, as phone apps fit a picture to a wide frame
        backdrop = picture.resize((640, 360)).filter(ImageFilter.GaussianBlur(20))
        backdrop.paste(picture.resize((480, 360)), (80, 0))
        blurred = _jpeg(backdrop)
        assert _alike(picture, blurred) >= 0.99
        for padded in (blurred, *(_jpeg(ImageOps.pad(picture, (640, 360), color=fill))
                                  for fill in ((0, 0, 0), (255, 255, 255)))):  # fmt: skip
            assert _refused_by_shape(picture, padded)
            assert not _confirmed(picture, padded)
            assert not _confirmed(padded, picture)


def test_two_slides_of_one_template_at_two_shapes_stay_apart() -> None:
    for first, second in ((1, 2), (3, 4), (5, 6)):
        for picture in (False, True):
            four_three = _slide(first, (1024, 768), picture)
            other = _slide(second, (1024, 768), picture)
            for wide in (_jpeg(other.resize((1280, 720))), _jpeg(_slide(second, (1280, 720)))):
                assert _refused_by_shape(four_three, wide)
                if not picture:  # the template is most of what there is to see
                    assert _alike(four_three, wide) >= SAME.correlation
                assert not _confirmed(four_three, wide)
                assert not _confirmed(wide, four_three)
        # a slide with a picture on it, squashed to 16:9, is the same picture
        assert _confirmed(four_three, _jpeg(four_three.resize((1280, 720))))
