"""Opening pictures: every supported format, odd modes, orientation, and bad input."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import cleaner.detect.decode
from cleaner.detect.analysis import analyse_file
from cleaner.detect.decode import ANALYSIS_SIZE, Decoded, DecodeFailure, open_small
from cleaner.detect.fingerprint import fingerprint
from cleaner.models import DEFAULT_MAX_PIXELS, Analysis, SkipReason
from tests.helpers import images

SIZE = (400, 300)


@pytest.fixture(scope="module")
def original() -> Image.Image:
    return images.photo(11, SIZE)


@pytest.fixture(scope="module")
def other() -> Image.Image:
    return images.photo(12, SIZE)


def _decode(path: Path, max_pixels: int = DEFAULT_MAX_PIXELS) -> Decoded:
    decoded = open_small(str(path), max_pixels)
    assert isinstance(decoded, Decoded), decoded
    return decoded


def _distance(a: Image.Image, b: Image.Image) -> int:
    return fingerprint(a).phash - fingerprint(b).phash


@pytest.mark.parametrize(
    ("name", "fmt", "lossless"),
    [
        ("p.jpg", "JPEG", False),
        ("p.png", "PNG", True),
        ("p.tif", "TIFF", True),
        ("p.webp", "WEBP", False),
        ("p.gif", "GIF", True),
        ("p.bmp", "BMP", True),
        ("p.heic", "HEIF", False),
        ("p.avif", "AVIF", False),
    ],
)
def test_each_format_decodes_to_the_same_picture(
    tmp_path: Path, original: Image.Image, name: str, fmt: str, lossless: bool
) -> None:
    path = images.save(original, tmp_path / name)
    decoded = _decode(path)
    assert decoded.format == fmt
    assert (decoded.width, decoded.height) == SIZE
    assert decoded.lossless is lossless
    assert decoded.image.mode in ("RGB", "L")
    assert max(decoded.image.size) <= ANALYSIS_SIZE
    assert _distance(decoded.image, original) <= 6
    assert (decoded.jpeg_quality is not None) == (fmt == "JPEG")


def test_lossless_webp_is_recognised(tmp_path: Path, original: Image.Image) -> None:
    path = images.save(original, tmp_path / "p.webp", lossless=True)
    assert _decode(path).lossless is True


def test_large_jpeg_is_decoded_small(tmp_path: Path) -> None:
    path = images.save(images.photo(1, (2400, 1600)), tmp_path / "big.jpg")
    decoded = _decode(path)
    assert (decoded.width, decoded.height) == (2400, 1600)
    assert max(decoded.image.size) <= ANALYSIS_SIZE


def test_camera_size_jpeg_is_drafted_at_one_eighth(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2400 px long edge: 1/8 still leaves 300 px >= ANALYSIS_SIZE, the decode floor's scale
    path = images.save(images.photo(1, (2400, 1600)), tmp_path / "big.jpg")
    drafted: list[tuple[int, int]] = []
    real_load = Image.Image.load

    def spy(self: Image.Image) -> object:
        if getattr(self, "decoderconfig", None):
            drafted.append(self.size)
        return real_load(self)

    monkeypatch.setattr(cleaner.detect.decode.Image.Image, "load", spy)
    decoded = _decode(path)
    assert set(drafted) == {(300, 200)}  # the decoder ran at 2400/8 x 1600/8
    assert decoded.image.size == (ANALYSIS_SIZE, round(ANALYSIS_SIZE * 1600 / 2400))


def test_previews_ask_for_a_bigger_decode(tmp_path: Path) -> None:
    path = images.save(images.photo(1, (2400, 1600)), tmp_path / "big.jpg")
    decoded = open_small(str(path), DEFAULT_MAX_PIXELS, size=600)
    assert isinstance(decoded, Decoded)
    assert decoded.image.size == (600, 400)


def test_large_transparent_png_is_shrunk_then_flattened(tmp_path: Path) -> None:
    rgba = images.photo(3, (1800, 1200)).convert("RGBA")
    rgba.putalpha(Image.new("L", rgba.size, 0).resize(rgba.size))  # fully transparent
    path = images.save(rgba, tmp_path / "clear.png")
    decoded = _decode(path)
    assert decoded.image.mode == "RGB"
    assert decoded.image.size == (ANALYSIS_SIZE, round(ANALYSIS_SIZE * 1200 / 1800))
    assert np.asarray(decoded.image).min() == 255  # transparent is white, as before


def test_multipage_tiff_uses_the_first_page(
    tmp_path: Path, original: Image.Image, other: Image.Image
) -> None:
    path = images.save_multipage_tiff(original, other, tmp_path / "pages.tif")
    with Image.open(path) as im:
        assert im.n_frames == 2
    decoded = _decode(path)
    assert _distance(decoded.image, original) <= 4
    assert _distance(decoded.image, other) > 16


def test_animated_gif_uses_the_first_frame(
    tmp_path: Path, original: Image.Image, other: Image.Image
) -> None:
    path = images.save_animated_gif(original, other, tmp_path / "anim.gif")
    decoded = _decode(path)
    assert decoded.format == "GIF"
    assert _distance(decoded.image, original) <= 8
    assert _distance(decoded.image, other) > 16


@pytest.mark.parametrize("saver", [images.save_16bit_png, images.save_16bit_tiff])
def test_16_bit_pictures_are_scaled_not_clipped(
    tmp_path: Path, original: Image.Image, saver
) -> None:
    path = saver(original, tmp_path / ("p16" + (".png" if "png" in saver.__name__ else ".tif")))
    with Image.open(path) as im:
        assert im.mode.startswith("I")
    decoded = _decode(path)
    assert decoded.image.mode == "L"
    grey = original.convert("L")
    assert _distance(decoded.image, grey) <= 4
    # scaled, not clipped to white: the mean brightness is kept
    mean = float(np.asarray(decoded.image, dtype=np.float64).mean())
    assert abs(mean - float(np.asarray(grey.resize(decoded.image.size)).mean())) < 4


def test_cmyk_jpeg(tmp_path: Path, original: Image.Image) -> None:
    path = images.save(original.convert("CMYK"), tmp_path / "cmyk.jpg")
    decoded = _decode(path)
    assert decoded.format == "JPEG"
    assert decoded.image.mode == "RGB"
    assert _distance(decoded.image, original) <= 8


def test_palette_png_with_transparency(tmp_path: Path, original: Image.Image) -> None:
    path = images.save_palette_png_with_transparency(original, tmp_path / "pal.png")
    with Image.open(path) as im:
        assert im.mode == "P"
        assert "transparency" in im.info
    decoded = _decode(path)
    assert decoded.image.mode == "RGB"
    assert _distance(decoded.image, original) <= 10


def test_grayscale(tmp_path: Path, original: Image.Image) -> None:
    path = images.save(original.convert("L"), tmp_path / "grey.jpg")
    decoded = _decode(path)
    assert decoded.image.mode == "L"
    assert _distance(decoded.image, original.convert("L")) <= 4


def test_a_png_named_jpg_is_read_as_png(tmp_path: Path, original: Image.Image) -> None:
    path = tmp_path / "liar.jpg"
    path.write_bytes(images.png_bytes(original))
    decoded = _decode(path)
    assert decoded.format == "PNG"
    assert decoded.lossless is True


@pytest.mark.parametrize("orientation", [6, 8, 3])
@pytest.mark.parametrize("ext", ["jpg", "png", "webp", "tif", "heic", "avif"])
def test_exif_orientation_is_applied_once(
    tmp_path: Path, original: Image.Image, orientation: int, ext: str
) -> None:
    """Regression for TIFF: Pillow turns it while loading; the engine turned it again."""
    path = images.save_exif_rotated(original, tmp_path / f"o{orientation}.{ext}", orientation)
    decoded = _decode(path)
    # pillow-heif applies the HEIF transform itself and reports orientation 1
    assert decoded.orientation == (1 if ext == "heic" else orientation)
    assert (decoded.width, decoded.height) == SIZE  # as displayed
    assert decoded.image.size[0] > decoded.image.size[1]
    assert _distance(decoded.image, original) <= 4
    result = analyse_file(str(path), DEFAULT_MAX_PIXELS)
    assert isinstance(result, Analysis)
    assert (result.metrics.width, result.metrics.height) == SIZE


def test_exif_rotated_jpeg_is_stored_sideways(tmp_path: Path, original: Image.Image) -> None:
    path = images.save_exif_rotated(original, tmp_path / "o6.jpg", 6)
    with Image.open(path) as im:  # the generator really stores the pixels turned
        assert im.size == SIZE[::-1]
        assert im.getexif()[images.EXIF_ORIENTATION] == 6


def test_camera_exif_is_read(tmp_path: Path, original: Image.Image) -> None:
    exif = images.exif_bytes(camera=("Canon", "Canon EOS R5"), taken="2021:07:14 10:11:12")
    path = images.save(original, tmp_path / "cam.jpg", exif=exif)
    result = analyse_file(str(path), DEFAULT_MAX_PIXELS)
    assert isinstance(result, Analysis)
    assert result.metrics.camera == "Canon EOS R5"
    assert result.metrics.capture_time == "2021-07-14 10:11:12"
    assert result.metrics.has_exif is True


# ----------------------------------------------------------------------- bad input


def _failure(path: Path, max_pixels: int = DEFAULT_MAX_PIXELS) -> DecodeFailure:
    outcome = analyse_file(str(path), max_pixels)
    assert isinstance(outcome, DecodeFailure), outcome
    return outcome


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    assert _failure(path).reason is SkipReason.EMPTY


def test_truncated_jpeg(tmp_path: Path, original: Image.Image) -> None:
    data = images.jpeg_bytes(original)
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: len(data) // 2])
    assert _failure(path).reason is SkipReason.TRUNCATED


def test_truncated_png(tmp_path: Path, original: Image.Image) -> None:
    data = images.png_bytes(original)
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) // 2])
    assert _failure(path).reason in (SkipReason.TRUNCATED, SkipReason.CORRUPT)


def test_html_named_png(tmp_path: Path) -> None:
    path = tmp_path / "page.png"
    path.write_bytes(b"<!DOCTYPE html><html><body>404 Not Found</body></html>\n")
    failure = _failure(path)
    assert failure.reason is SkipReason.NOT_AN_IMAGE
    assert "web page" in failure.detail


def test_random_bytes_named_jpg(tmp_path: Path) -> None:
    path = tmp_path / "noise.jpg"
    path.write_bytes(os.urandom(4096).replace(b"\xff\xd8", b"\x00\x00"))
    assert _failure(path).reason is SkipReason.NOT_AN_IMAGE


def test_decompression_bomb_is_too_large(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(images.bomb_png(20000, 20000))
    assert path.stat().st_size < 200_000  # small on disk, 400 MP in memory
    failure = _failure(path)
    assert failure.reason is SkipReason.TOO_LARGE
    assert "400" in failure.detail


def test_max_pixels_makes_a_modest_picture_too_large(tmp_path: Path, original: Image.Image):
    path = images.save(original, tmp_path / "p.jpg")
    failure = _failure(path, max_pixels=100_000)
    assert failure.reason is SkipReason.TOO_LARGE
    assert isinstance(analyse_file(str(path), 120_000), Analysis)


def test_permission_denied_file(tmp_path: Path, original: Image.Image) -> None:
    path = images.save(original, tmp_path / "locked.jpg")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("chmod 000 has no effect for this user (root)")
        assert _failure(path).reason is SkipReason.PERMISSION_DENIED
    finally:
        path.chmod(0o644)


def test_permission_denied_file_simulated(
    tmp_path: Path, original: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = images.save(original, tmp_path / "locked.jpg")

    def denied(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(cleaner.detect.decode, "open_regular", denied)
    assert _failure(path).reason is SkipReason.PERMISSION_DENIED


def test_missing_file_is_vanished(tmp_path: Path) -> None:
    assert _failure(tmp_path / "nope.jpg").reason is SkipReason.VANISHED


@pytest.mark.parametrize(
    ("name", "convert", "options", "lossless"),
    [
        ("la.png", lambda o: o.convert("LA"), {}, True),
        ("rgba.png", lambda o: o.convert("RGBA"), {}, True),
        ("rgba.webp", lambda o: o.convert("RGBA"), {}, False),
        ("cmyk.tif", lambda o: o.convert("CMYK"), {}, True),
        ("bilevel.tif", lambda o: o.convert("1"), {}, True),
        ("float.tif", lambda o: Image.fromarray(np.asarray(o.convert("L"), np.float32)), {}, True),
        ("jpeg.tif", lambda o: o, {"compression": "jpeg"}, False),
    ],
)
def test_odd_modes_and_compressions(
    tmp_path: Path, original: Image.Image, name: str, convert, options, lossless: bool
) -> None:
    path = tmp_path / name
    convert(original).save(path, **options)
    result = analyse_file(str(path), DEFAULT_MAX_PIXELS)
    assert isinstance(result, Analysis), result
    assert (result.metrics.width, result.metrics.height) == SIZE
    assert result.metrics.lossless is lossless
    assert result.metrics.detail > 20  # the picture survived, not a flat field


@pytest.mark.parametrize("size", [(1, 1), (3000, 1), (1, 2000), (2, 2)])
def test_degenerate_sizes_do_not_crash(tmp_path: Path, size: tuple[int, int]) -> None:
    path = tmp_path / "tiny.png"
    Image.new("RGB", size, (10, 200, 30)).save(path)
    result = analyse_file(str(path), DEFAULT_MAX_PIXELS)
    assert isinstance(result, Analysis), result
    assert (result.metrics.width, result.metrics.height) == size
    assert len(result.fingerprint.hashes) == 8


def test_a_resized_copy_is_as_sharp_as_its_original(tmp_path: Path) -> None:
    """Sharpness is a keeper criterion: a copy that was only halved must score like its
    original, whichever JPEG scale each decodes at (4096 px at 1/8 is 512 px, brought to
    256; 2048 px at 1/8 is 256 px already)."""
    big = images.detailed_photo(8, (4096, 3072))
    images.save(big, tmp_path / "original.jpg", quality=95)
    images.save(images.resized(big, 2048), tmp_path / "half.jpg", quality=95)
    original = analyse_file(str(tmp_path / "original.jpg"), 10**9)
    half = analyse_file(str(tmp_path / "half.jpg"), 10**9)
    assert not isinstance(original, DecodeFailure)
    assert not isinstance(half, DecodeFailure)
    ratio = half.metrics.sharpness / original.metrics.sharpness
    assert 0.85 < ratio < 1.15, (original.metrics.sharpness, half.metrics.sharpness)
