"""The registry of image formats (cleaner/formats.py): every row is consistent, and the
walk, the decoder and the smoke test read the same table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from cleaner.demo.smoke import SAMPLES, SAMPLES_DIR
from cleaner.detect.decode import Decoded, open_small, sniff
from cleaner.formats import (
    FORMATS,
    IMAGE_EXTENSIONS,
    RAW_EXTENSIONS,
    Decoder,
    Lossless,
    format_named,
    format_of_contents,
    format_of_extension,
    is_image_candidate,
    raw_format,
    reported_name,
)


def test_extensions_are_lower_case_with_a_dot_and_belong_to_one_row() -> None:
    seen: dict[str, str] = {}
    for row in FORMATS:
        assert row.extensions, row.name
        for ext in row.extensions:
            assert ext.startswith("."), (row.name, ext)
            assert len(ext) > 1, (row.name, ext)
            assert ext == ext.lower().strip(), (row.name, ext)
            assert ext not in seen, f"{ext} is in {seen.get(ext)} and {row.name}"
            seen[ext] = row.name
    assert set(seen) == IMAGE_EXTENSIONS


def test_names_are_upper_case_and_unique_with_their_decoder_names() -> None:
    names = [n for row in FORMATS for n in (row.name, *row.decoder_names)]
    assert len(names) == len(set(names))
    assert all(n == n.upper() for n in names)


def test_raw_rows_are_decoded_by_rawpy_and_make_the_raw_extensions() -> None:
    raw_rows = [row for row in FORMATS if row.decoder is Decoder.RAWPY]
    assert [row.name for row in raw_rows] == ["RAW"]
    assert {ext for row in raw_rows for ext in row.extensions} == RAW_EXTENSIONS
    assert {".dng", ".cr2", ".cr3", ".nef", ".arw", ".raf", ".orf", ".rw2"} <= RAW_EXTENSIONS
    assert not RAW_EXTENSIONS & {".tif", ".tiff", ".jpg"}


def test_lossless_flags() -> None:
    always = {row.name for row in FORMATS if row.lossless is Lossless.ALWAYS}
    assert always == {"PNG", "BMP", "GIF", "PPM", "TGA", "PCX", "ICO", "DIB", "RAW"}
    tiff = format_named("TIFF")
    assert tiff is not None
    assert tiff.lossless is Lossless.UNLESS_LOSSY_COMPRESSION
    assert tiff.lossy_compressions == {"jpeg", "tiff_jpeg", "webp", "jpeg2000"}
    webp = format_named("WEBP")
    assert webp is not None
    assert webp.lossless is Lossless.IF_VP8L_CHUNK
    for row in FORMATS:  # the compressions list means something only for its rule
        assert bool(row.lossy_compressions) == (row.lossless is Lossless.UNLESS_LOSSY_COMPRESSION)


@pytest.mark.parametrize("ext", sorted(IMAGE_EXTENSIONS))
def test_every_extension_is_an_image_candidate_in_any_case(ext: str) -> None:
    assert is_image_candidate(f"/photos/IMG_0001{ext}")
    assert is_image_candidate(f"/photos/IMG_0001{ext.upper()}")
    assert is_image_candidate(f"/photos/IMG_0001{ext.capitalize()}")
    row = format_of_extension(f"/photos/IMG_0001{ext.upper()}")
    assert row is not None
    assert ext in row.extensions


def test_other_names_are_not_candidates() -> None:
    assert is_image_candidate("/photos/IMG_0001")  # no extension: looked at
    for name in ("a.txt", "a.mp4", "a.xmp", "Thumbs.db", "._IMG_0001.jpg", "a.jpg.part"):
        assert not is_image_candidate(f"/photos/{name}"), name


def test_smoke_samples_cover_the_rows_that_have_one() -> None:
    with_sample = {(row.smoke_sample, row.name) for row in FORMATS if row.smoke_sample}
    assert {(s.filename, s.format) for s in SAMPLES} == with_sample
    assert len(SAMPLES) == len(with_sample)
    for sample in SAMPLES:
        assert (SAMPLES_DIR / sample.filename).is_file()
        row = format_of_extension(sample.filename)
        assert row is not None
        assert row.name == sample.format
    # Pillow's first, then each optional decoder's: the smoke test's lines keep this order
    assert [s.format for s in SAMPLES] == ["JPEG", "PNG", "HEIF", "RAW"]


# First bytes and the format they name, including the overlaps the table order settles.
_HEADS = [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
    (b"\xff\xd8\xff\x00ftypavif", "JPEG"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    (b"GIF87a\x10\x00", "GIF"),
    (b"GIF89a\x10\x00", "GIF"),
    (b"BM6\x00\x00\x00\x00\x00", "BMP"),
    (b"BM\x00\x00ftypcrx ", "BMP"),
    (b"RIFF\x1e\x00\x00\x00WEBPVP8L", "WEBP"),
    (b"RIFFftypWEBP", "WEBP"),
    (b"RIFF\x1e\x00\x00\x00AVI ", None),
    (b"FUJIFILMCCD-RAW 0201", "RAW"),
    (b"IIRO\x08\x00\x00\x00", "RAW"),
    (b"IIRS\x08\x00\x00\x00", "RAW"),
    (b"MMOR\x00\x00\x00\x08", "RAW"),
    (b"IIU\x00\x18\x00\x00\x00", "RAW"),
    (b"IIU\x00ftypheic", "RAW"),
    (b"II*\x00\x10\x00\x00\x00CR\x02\x00", "RAW"),
    (b"MM\x00*\x00\x00\x00\x10CR\x02\x00", "RAW"),
    (b"II*\x00\x08\x00\x00\x00\x10\x00", "TIFF"),
    (b"MM\x00*\x00\x00\x00\x08\x00\x10", "TIFF"),
    (b"II*\x00ftypcrx ", "TIFF"),
    (b"II*\x00ftypavif", "TIFF"),
    (b"\x00\x00\x00\x18ftypcrx \x00\x00", "RAW"),
    (b"\x00\x00\x00\x20ftypavif", "AVIF"),
    (b"\x00\x00\x00\x20ftypavis", "AVIF"),
    (b"\x00\x00\x00\x1cftypheic", "HEIF"),
    (b"\x00\x00\x00\x1cftypmif1", "HEIF"),
    (b"\x00\x00\x00\x1cftypisom", "HEIF"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", None),
    (b"P6\n16 12\n255", None),
    (b"%PDF-1.7", None),
    (b"", None),
    (b"BM", "BMP"),
    (b"\xff\xd8", None),
]


@pytest.mark.parametrize(("head", "name"), _HEADS)
def test_contents_are_named_by_the_first_matching_row(head: bytes, name: str | None) -> None:
    assert sniff(head) == name
    row = format_of_contents(head)
    assert (row.name if row is not None else None) == name


def test_every_signature_is_recognised() -> None:
    named = {name for _head, name in _HEADS}
    assert {row.name for row in FORMATS if row.signatures} <= named


def test_decoder_names_are_reported_as_the_row_name() -> None:
    assert reported_name("HEIC") == "HEIF"
    assert reported_name("HEIF") == "HEIF"
    assert reported_name("JPEG") == "JPEG"
    assert reported_name("MPO") == "MPO"  # no row: the decoder's name as it is
    assert format_named("HEIC") is format_named("HEIF")
    assert format_named("MPO") is None


@pytest.mark.parametrize(
    ("name", "head", "raw"),
    [
        ("a.nef", b"II*\x00\x08\x00\x00\x00", True),  # a RAW built on TIFF
        ("a.DNG", b"MM\x00*\x00\x00\x00\x08", True),
        ("a.cr2", b"II*\x00\x10\x00\x00\x00CR\x02\x00", True),
        ("a.jpg", b"II*\x00\x10\x00\x00\x00CR\x02\x00", True),  # contents decide
        ("a", b"FUJIFILMCCD-RAW 0201", True),
        ("a.arw", b"\x00\x00\x00\x00unknown", True),  # unknown contents, RAW name
        ("a.tif", b"II*\x00\x08\x00\x00\x00", False),
        ("a.nef", b"\xff\xd8\xff\xe0", False),  # a JPEG named .nef is read as JPEG
        ("a.dng", b"\x00\x00\x00\x1cftypheic", False),
        ("a.png", b"\x00\x00\x00\x00unknown", False),
    ],
)
def test_which_files_go_to_rawpy(name: str, head: bytes, raw: bool) -> None:
    row = raw_format(f"/photos/{name}", format_of_contents(head))
    assert (row is not None) == raw
    if row is not None:
        assert row.decoder is Decoder.RAWPY
        assert row.name == "RAW"


# (format to save with Pillow, save options, extension, expected lossless)
_WRITTEN: list[tuple[str, dict[str, Any], str, bool]] = [
    ("JPEG", {"quality": 90}, ".jpg", False),
    ("PNG", {}, ".png", True),
    ("GIF", {}, ".gif", True),
    ("BMP", {}, ".bmp", True),
    ("DIB", {}, ".dib", True),
    ("TIFF", {}, ".tif", True),
    ("TIFF", {"compression": "tiff_lzw"}, ".tiff", True),
    ("TIFF", {"compression": "jpeg"}, ".tif", False),
    ("WEBP", {"lossless": True}, ".webp", True),
    ("WEBP", {"quality": 80}, ".webp", False),
    ("ICO", {}, ".ico", True),
    ("TGA", {}, ".tga", True),
    ("PPM", {}, ".ppm", True),
    ("PCX", {}, ".pcx", True),
    ("JPEG2000", {}, ".jp2", False),
    ("AVIF", {}, ".avif", False),
    ("HEIF", {}, ".heic", False),
]


@pytest.mark.parametrize(("fmt", "options", "ext", "lossless"), _WRITTEN)
def test_decoded_format_and_lossless_flag_follow_the_row(
    tmp_path: Path, fmt: str, options: dict[str, Any], ext: str, lossless: bool
) -> None:
    if fmt == "HEIF":
        pillow_heif = pytest.importorskip("pillow_heif")
        pillow_heif.register_heif_opener()
    path = tmp_path / f"picture{ext}"
    Image.new("RGB", (48, 32), (200, 40, 30)).save(path, fmt, **options)
    result = open_small(str(path), max_pixels=10_000_000)
    assert isinstance(result, Decoded), result
    assert result.format == fmt
    assert result.lossless is lossless
    row = format_of_extension(str(path))
    assert row is not None
    assert row.name == fmt


def test_raw_sample_is_decoded_as_raw_and_lossless() -> None:
    pytest.importorskip("rawpy")
    result = open_small(str(SAMPLES_DIR / "sample.dng"), max_pixels=10_000_000)
    assert isinstance(result, Decoded), result
    assert (result.format, result.lossless) == ("RAW", True)


def test_a_pillow_format_named_raw_is_not_taken_for_rawpys_lossless_row() -> None:
    """Before the registry, only rawpy's decode was lossless RAW; a Pillow plugin that
    reports "RAW" (none ships today) was lossy, like any format the engine does not know."""
    from PIL import Image

    from cleaner.detect.decode import _is_lossless

    assert not _is_lossless(Image.new("RGB", (4, 4)), "RAW", b"", "/x/a.raw")
    assert _is_lossless(Image.new("RGB", (4, 4)), "PNG", b"", "/x/a.png")
