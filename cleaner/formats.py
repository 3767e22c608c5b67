"""Which files are pictures, and what kind: one registry of the image formats.

Every format family PhotoSift reads is one `ImageFormat` row in `FORMATS`: its name as
the reports show it, its file extensions, the bytes that identify its contents, whether
it is lossless (and how to tell when that depends on the file), which library decodes it,
and the smoke test's sample of it. The walk, the decoder, the sidecar rules, the removal's
last check and the smoke test all read this table, so adding a format is adding a row
(and a decoder in `cleaner.detect.decode` only when the format needs a new library).

Content decides a picture's format; the extension only decides whether a file is worth a
look, so a PNG named .jpg is still read as PNG (the exception: a file named as a camera
RAW whose contents are a TIFF container, or unknown, goes to rawpy, see `raw_format`).
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass


class Decoder(enum.Enum):
    """The library that decodes a format. Pillow is always there; the others are optional
    and `cleaner.detect.decode.register_plugins` says which of them loaded, under these
    values as keys."""

    PILLOW = "pillow"
    PILLOW_HEIF = "heif"
    RAWPY = "raw"

    @property
    def module(self) -> str:
        """The Python module to import (named in the smoke test's messages)."""
        return {"pillow": "PIL", "heif": "pillow_heif", "raw": "rawpy"}[self.value]


class Lossless(enum.Enum):
    """How to tell whether a decoded file of a format kept every pixel as it was."""

    NEVER = "never"
    ALWAYS = "always"
    # lossless unless the file's compression (Pillow's ``info["compression"]``, "raw" when
    # absent) is one of the row's `lossy_compressions`: a TIFF may hold JPEG or WebP data
    UNLESS_LOSSY_COMPRESSION = "unless lossy compression"
    # lossless when the image data is a VP8L chunk (WebP has a lossless and a lossy codec)
    IF_VP8L_CHUNK = "if VP8L chunk"


@dataclass(frozen=True, slots=True)
class Signature:
    """Bytes that identify a format at the start of a file: every `(offset, options)` of
    `at` must hold one of its options, and no `(offset, options)` of `unless` may."""

    at: tuple[tuple[int, tuple[bytes, ...]], ...]
    unless: tuple[tuple[int, tuple[bytes, ...]], ...] = ()

    def matches(self, head: bytes) -> bool:
        return all(_holds(head, offset, options) for offset, options in self.at) and not any(
            _holds(head, offset, options) for offset, options in self.unless
        )


def _holds(head: bytes, offset: int, options: tuple[bytes, ...]) -> bool:
    return any(head[offset : offset + len(option)] == option for option in options)


def _starts(*options: bytes) -> Signature:
    return Signature(((0, options),))


@dataclass(frozen=True, slots=True)
class ImageFormat:
    """One format family: everything the engine needs to know about it."""

    name: str  # Decoded.format and ImageMetrics.format: what reports and the window show
    extensions: tuple[str, ...]  # lower case, with the dot; each belongs to one row only
    # The contents that identify it (any of them), tried in table order: the first row
    # with a match wins. Empty: the format is left to its decoder to recognise.
    signatures: tuple[Signature, ...] = ()
    decoder: Decoder = Decoder.PILLOW
    lossless: Lossless = Lossless.NEVER
    lossy_compressions: frozenset[str] = frozenset()  # for Lossless.UNLESS_LOSSY_COMPRESSION
    # Other names its decoder reports for it, shown as `name` (pillow-heif says HEIC).
    decoder_names: tuple[str, ...] = ()
    # Camera RAW files are built on this container (DNG, NEF, ARW... are TIFFs): a file
    # named as a RAW whose contents are this goes to rawpy, not to this row's decoder.
    holds_raw: bool = False
    # A file with this signature that no decoder opens is a damaged picture, once this
    # decoder has loaded. None: the signature is too weak to say so (BMP's "BM" begins
    # plenty of text files), or no such file ever reaches Pillow (RAW).
    unreadable_means_damaged: Decoder | None = None
    # The frozen build must hold Pillow's reader for it (its ID in PIL.Image.OPEN is
    # `name`) and this codec compiled into Pillow (a PIL.features name), if any: the
    # README promises these formats, and `photosift --smoke-test` checks the bundle.
    bundle_reader: bool = False
    bundle_codec: str | None = None
    # A tiny sample in cleaner/demo/smoke_samples/ that the smoke test decodes, if any
    # (written by packaging/make_samples.py).
    smoke_sample: str | None = None


# Kept out of its row only so the formatter leaves it in lines of ten.
_CAMERA_RAW_EXTENSIONS = (
    ".dng", ".cr2", ".cr3", ".crw", ".nef", ".nrw", ".arw", ".srf", ".sr2", ".raf",
    ".orf", ".rw2", ".rwl", ".pef", ".srw", ".x3f", ".3fr", ".iiq", ".erf", ".kdc",
    ".mrw", ".mef", ".mos",
)  # fmt: skip
_TIFF_MAGIC = (b"II*\x00", b"MM\x00*")
_FTYP = (4, (b"ftyp",))

# In sniffing order (the first row whose signature matches names the contents); the rows
# without a signature can go anywhere.
FORMATS: tuple[ImageFormat, ...] = (
    ImageFormat(
        "JPEG",
        (".jpg", ".jpeg", ".jpe", ".jfif"),
        (_starts(b"\xff\xd8\xff"),),
        unreadable_means_damaged=Decoder.PILLOW,
        bundle_reader=True,
        bundle_codec="jpg",
        smoke_sample="sample.jpg",
    ),
    ImageFormat(
        "PNG",
        (".png", ".apng"),
        (_starts(b"\x89PNG\r\n\x1a\n"),),
        lossless=Lossless.ALWAYS,
        unreadable_means_damaged=Decoder.PILLOW,
        bundle_reader=True,
        bundle_codec="zlib",
        smoke_sample="sample.png",
    ),
    ImageFormat(
        "TIFF",
        (".tif", ".tiff"),
        # a TIFF with "CR" at byte 8 is a Canon CR2: the RAW row below claims it
        (Signature(((0, _TIFF_MAGIC),), unless=((8, (b"CR",)),)),),
        lossless=Lossless.UNLESS_LOSSY_COMPRESSION,
        lossy_compressions=frozenset({"jpeg", "tiff_jpeg", "webp", "jpeg2000"}),
        holds_raw=True,
        unreadable_means_damaged=Decoder.PILLOW,
        bundle_reader=True,
    ),
    ImageFormat(
        "WEBP",
        (".webp",),
        (Signature(((0, (b"RIFF",)), (8, (b"WEBP",)))),),
        lossless=Lossless.IF_VP8L_CHUNK,
        unreadable_means_damaged=Decoder.PILLOW,
        bundle_reader=True,
        bundle_codec="webp",
    ),
    ImageFormat(
        "GIF",
        (".gif",),
        (_starts(b"GIF87a", b"GIF89a"),),
        lossless=Lossless.ALWAYS,
        unreadable_means_damaged=Decoder.PILLOW,
        bundle_reader=True,
    ),
    ImageFormat("BMP", (".bmp",), (_starts(b"BM"),), lossless=Lossless.ALWAYS, bundle_reader=True),
    # A headerless Windows bitmap (a .dib with a "BM" header is read as BMP).
    ImageFormat("DIB", (".dib",), lossless=Lossless.ALWAYS),
    ImageFormat(
        "RAW",
        _CAMERA_RAW_EXTENSIONS,
        (
            _starts(b"FUJIFILMCCD-RAW"),
            _starts(b"IIRO", b"IIRS", b"MMOR", b"IIU\x00"),  # Olympus ORF, Panasonic RW2
            Signature(((0, _TIFF_MAGIC), (8, (b"CR",)))),  # Canon CR2
            Signature((_FTYP, (8, (b"crx ",)))),  # Canon CR3
        ),
        decoder=Decoder.RAWPY,
        # Decoded from the sensor data (or its embedded preview): no lossy codec between.
        lossless=Lossless.ALWAYS,
        smoke_sample="sample.dng",
    ),
    ImageFormat(
        "AVIF",
        (".avif",),
        (Signature((_FTYP, (8, (b"avif", b"avis")))),),
        unreadable_means_damaged=Decoder.PILLOW_HEIF,
        bundle_reader=True,
        bundle_codec="avif",
    ),
    ImageFormat(
        "HEIF",
        (".heic", ".heif", ".hif"),
        # any other ISO media file ("ftyp" box): the rows above claim CR3 and AVIF first
        (Signature((_FTYP,)),),
        decoder=Decoder.PILLOW_HEIF,
        decoder_names=("HEIC",),
        unreadable_means_damaged=Decoder.PILLOW_HEIF,
        smoke_sample="sample.heic",
    ),
    ImageFormat("JPEG2000", (".jp2", ".j2k")),
    ImageFormat("JXL", (".jxl",)),
    ImageFormat("ICO", (".ico",), lossless=Lossless.ALWAYS),
    ImageFormat("TGA", (".tga",), lossless=Lossless.ALWAYS),
    ImageFormat("PPM", (".ppm", ".pgm", ".pbm"), lossless=Lossless.ALWAYS),
    ImageFormat("PCX", (".pcx",), lossless=Lossless.ALWAYS),
)

_BY_EXTENSION = {ext: row for row in FORMATS for ext in row.extensions}
_BY_DECODER_NAME = {n: row for row in FORMATS for n in (row.name, *row.decoder_names)}

# Extensions of files worth opening. Files without an extension are looked at too
# (cameras and some exports write them).
IMAGE_EXTENSIONS = frozenset(_BY_EXTENSION)

# Camera RAW files, decoded with rawpy (a .dng or .tif that Pillow reads as a plain
# TIFF is still read by Pillow).
RAW_EXTENSIONS = frozenset(e for e, row in _BY_EXTENSION.items() if row.decoder is Decoder.RAWPY)

# Files that are never pictures, whatever their extension says.
NOT_PICTURE_NAMES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})


def is_image_candidate(path: str) -> bool:
    """Whether the file at `path` is worth opening as a picture (by its name only)."""
    name = os.path.basename(path)
    if name.casefold() in NOT_PICTURE_NAMES or name.startswith("._"):
        return False  # macOS AppleDouble side files carry no picture
    ext = os.path.splitext(name)[1].lower()
    return ext in IMAGE_EXTENSIONS or ext == ""


def format_of_contents(head: bytes) -> ImageFormat | None:
    """The format the first bytes of a file identify, or None if no row's do."""
    for row in FORMATS:
        if any(signature.matches(head) for signature in row.signatures):
            return row
    return None


def format_of_extension(path: str) -> ImageFormat | None:
    """The format `path`'s extension names (any case), or None."""
    return _BY_EXTENSION.get(os.path.splitext(path)[1].lower())


def format_named(name: str) -> ImageFormat | None:
    """The row of a format name as a decoder reports it (upper case), or None."""
    return _BY_DECODER_NAME.get(name)


def reported_name(decoder_name: str) -> str:
    """The name reports show for a format a decoder named `decoder_name` (upper case):
    the row's own name, or the decoder's when no row knows it (Pillow's MPO, EPS...)."""
    row = _BY_DECODER_NAME.get(decoder_name)
    return row.name if row is not None else decoder_name


def raw_format(path: str, contents: ImageFormat | None) -> ImageFormat | None:
    """The rawpy row that decodes the file at `path`, whose contents are `contents`, or
    None if it is not for rawpy: RAW contents, or a RAW name on contents a RAW may be
    built on (or on contents no row recognises)."""
    if contents is not None and contents.decoder is Decoder.RAWPY:
        return contents
    named = format_of_extension(path)
    raw_name = named is not None and named.decoder is Decoder.RAWPY
    return named if raw_name and (contents is None or contents.holds_raw) else None
