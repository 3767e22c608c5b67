"""Write the tiny sample pictures that `photosift --smoke-test` decodes
(cleaner/demo/smoke_samples/: the `smoke_sample` of each row of cleaner/formats.py).

    python packaging/make_samples.py [OUTPUT_DIR]

The samples are committed; run this only to regenerate them. Every sample shows the
same scene (a red left half, a blue right half, and a white square in the middle of
the left half) so cleaner/demo/smoke.py can check that the decoders return the right
pixels, not just an image of the right size. The RAW sample is a minimal
uncompressed DNG written by hand: a 16-bit RGGB Bayer mosaic with the DNG tags
LibRaw needs (no embedded preview, so decoding it exercises demosaicing).
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import numpy as np
from PIL import Image

WIDTH, HEIGHT = 48, 32


def scene() -> np.ndarray:
    """The RGB scene, uint8, HEIGHT x WIDTH x 3."""
    rgb = np.zeros((HEIGHT, WIDTH, 3), dtype=np.uint8)
    rgb[:, : WIDTH // 2] = (220, 30, 30)
    rgb[:, WIDTH // 2 :] = (30, 40, 220)
    rgb[12:20, 8:16] = (255, 255, 255)
    return rgb


def write_dng(path: Path, rgb: np.ndarray) -> None:
    """A little-endian TIFF/DNG with one uncompressed 16-bit CFA strip (RGGB)."""
    height, width, _ = rgb.shape
    white = 4095
    linear = (rgb.astype(np.float64) / 255.0) ** 2.2 * white
    cfa = np.empty((height, width), dtype=np.uint16)
    cfa[0::2, 0::2] = linear[0::2, 0::2, 0]  # R
    cfa[0::2, 1::2] = linear[0::2, 1::2, 1]  # G
    cfa[1::2, 0::2] = linear[1::2, 0::2, 1]  # G
    cfa[1::2, 1::2] = linear[1::2, 1::2, 2]  # B
    pixels = cfa.astype("<u2").tobytes()

    make, model = b"PhotoSift\0", b"Smoke Test DNG\0"
    unique = b"PhotoSift Smoke Test DNG\0"
    # sRGB D65 -> XYZ, inverted: the XYZ -> camera matrix of a camera that sees sRGB.
    color_matrix = [
        (32404542, 10000000), (-15371385, 10000000), (-4985314, 10000000),
        (-9692660, 10000000), (18760108, 10000000), (415560, 10000000),
        (556434, 10000000), (-2040259, 10000000), (10572252, 10000000),
    ]  # fmt: skip
    # (tag, type, values); types: 1 BYTE, 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 10 SRATIONAL
    entries: list[tuple[int, int, object]] = [
        (254, 4, [0]),  # NewSubfileType: main image
        (256, 4, [width]),
        (257, 4, [height]),
        (258, 3, [16]),  # BitsPerSample
        (259, 3, [1]),  # Compression: none
        (262, 3, [32803]),  # PhotometricInterpretation: CFA
        (271, 2, make),
        (272, 2, model),
        (273, 4, [0]),  # StripOffsets, patched below
        (274, 3, [1]),  # Orientation
        (277, 3, [1]),  # SamplesPerPixel
        (278, 4, [height]),  # RowsPerStrip
        (279, 4, [len(pixels)]),  # StripByteCounts
        (284, 3, [1]),  # PlanarConfiguration
        (33421, 3, [2, 2]),  # CFARepeatPatternDim
        (33422, 1, [0, 1, 1, 2]),  # CFAPattern: RGGB
        (50706, 1, [1, 4, 0, 0]),  # DNGVersion
        (50707, 1, [1, 1, 0, 0]),  # DNGBackwardVersion
        (50708, 2, unique),  # UniqueCameraModel
        (50710, 1, [0, 1, 2]),  # CFAPlaneColor
        (50711, 3, [1]),  # CFALayout: rectangular
        (50714, 4, [0]),  # BlackLevel
        (50717, 4, [white]),  # WhiteLevel
        (50721, 10, color_matrix),  # ColorMatrix1
        (50728, 5, [(1, 1), (1, 1), (1, 1)]),  # AsShotNeutral
        (50778, 3, [21]),  # CalibrationIlluminant1: D65
    ]
    entries.sort(key=lambda e: e[0])
    fmt_of = {1: "B", 3: "H", 4: "I"}

    def payload(kind: int, values: object) -> tuple[int, bytes]:
        if kind == 2:
            assert isinstance(values, bytes)
            return len(values), values
        assert isinstance(values, list)
        if kind in (5, 10):
            code = "I" if kind == 5 else "i"
            data = b"".join(struct.pack(f"<{code}{code}", n, d) for n, d in values)
            return len(values), data
        return len(values), struct.pack(f"<{len(values)}{fmt_of[kind]}", *values)

    ifd_offset = 8
    ifd_size = 2 + 12 * len(entries) + 4
    extra_offset = ifd_offset + ifd_size
    blobs = bytearray()
    packed: list[tuple[int, int, int, bytes]] = []
    for tag, kind, values in entries:
        count, data = payload(kind, values)
        packed.append((tag, kind, count, data))
        if len(data) > 4:
            blobs += data + (b"\0" if len(data) % 2 else b"")
    strip_offset = extra_offset + len(blobs)

    out = bytearray(b"II*\0" + struct.pack("<I", ifd_offset))
    out += struct.pack("<H", len(packed))
    cursor = extra_offset
    for tag, kind, count, data in packed:
        if tag == 273:
            data = struct.pack("<I", strip_offset)
        if len(data) <= 4:
            field = data.ljust(4, b"\0")
        else:
            field = struct.pack("<I", cursor)
            cursor += len(data) + (len(data) % 2)
        out += struct.pack("<HHI", tag, kind, count) + field
    out += struct.pack("<I", 0)  # no next IFD
    out += blobs
    assert len(out) == strip_offset
    out += pixels
    path.write_bytes(bytes(out))


def main(argv: list[str]) -> int:
    default = Path(__file__).resolve().parent.parent / "cleaner" / "demo" / "smoke_samples"
    out = Path(argv[1]) if len(argv) > 1 else default
    out.mkdir(parents=True, exist_ok=True)
    rgb = scene()
    image = Image.fromarray(rgb, "RGB")
    image.save(out / "sample.jpg", quality=90)
    image.save(out / "sample.png", optimize=True)

    import pillow_heif

    pillow_heif.register_heif_opener()
    image.save(out / "sample.heic", quality=90)
    write_dng(out / "sample.dng", rgb)
    for path in sorted(out.iterdir()):
        print(f"{path.name}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
