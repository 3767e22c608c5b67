"""Picture generators for the engine tests: photo-like originals and their variants.

Every picture is made here from a seed, so the suite needs no sample files. A
"photo" is a smooth random colour field with a few random shapes and a little
sensor noise: enough structure for a perceptual hash to tell two seeds apart,
and smooth enough to survive resizing and recompression like a real photo.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageOps

EXIF_ORIENTATION = 0x0112
EXIF_MAKE = 0x010F
EXIF_MODEL = 0x0110
EXIF_IFD = 0x8769
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_DATETIME_DIGITIZED = 0x9004
EXIF_DATETIME = 0x0132  # the file's last change: editors rewrite it on save


def photo(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A photo-like RGB picture; different seeds give visibly different pictures."""
    rng = np.random.default_rng(seed)
    w, h = size
    # smooth background: a coarse random colour grid, upsampled with bicubic filtering
    coarse = rng.integers(0, 256, size=(4, 5, 3), dtype=np.uint8)
    base = Image.fromarray(coarse, "RGB").resize((w, h), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(base)
    for _ in range(int(rng.integers(6, 11))):
        x0, y0 = int(rng.integers(-w // 5, w)), int(rng.integers(-h // 5, h))
        x1 = x0 + int(rng.integers(w // 10, w // 2))
        y1 = y0 + int(rng.integers(h // 10, h // 2))
        colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
        shape = int(rng.integers(0, 3))
        if shape == 0:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        elif shape == 1:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            pts = [(int(rng.integers(0, w)), int(rng.integers(0, h))) for _ in range(3)]
            draw.polygon(pts, fill=colour)
    arr = np.asarray(base, dtype=np.int16)
    arr = arr + rng.normal(0, 4, size=arr.shape).astype(np.int16)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def detailed_photo(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A busier photo-like picture: a finer colour field and many small round shapes, so
    that a crop of a few per cent moves its perceptual hash as it does for real photos."""
    rng = np.random.default_rng(seed)
    w, h = size
    coarse = rng.integers(0, 256, size=(9, 12, 3), dtype=np.uint8)
    base = Image.fromarray(coarse, "RGB").resize((w, h), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(base)
    for _ in range(40):
        x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
        side = int(rng.integers(w // 30, w // 8))
        colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
        draw.ellipse((x0, y0, x0 + side, y0 + side), fill=colour)
    return base


def blank_page(seed: int, size: tuple[int, int] = (600, 800)) -> Image.Image:
    """A near-blank scan: a white page with a few small marks that depend on the seed."""
    rng = np.random.default_rng(seed)
    w, h = size
    page = Image.new("L", size, 250)
    draw = ImageDraw.Draw(page)
    for _ in range(4):
        x, y = int(rng.integers(20, w - 140)), int(rng.integers(20, h - 30))
        draw.text((x, y), f"note {int(rng.integers(0, 10_000))}", fill=30)
        draw.line((x, y + 14, x + int(rng.integers(30, 120)), y + 14), fill=60, width=2)
    arr = np.asarray(page, dtype=np.int16) + rng.normal(0, 1.5, size=(h, w)).astype(np.int16)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L").convert("RGB")


def faint_page(seed: int, size: tuple[int, int] = (600, 800)) -> Image.Image:
    """An almost empty grey page: a few pale marks and sensor noise. Its small thumbnails
    are mostly noise, so only the detail check can tell a copy from another page."""
    rng = np.random.default_rng(seed)
    w, h = size
    page = Image.new("L", size, 200)
    draw = ImageDraw.Draw(page)
    for _ in range(6):
        x, y = int(rng.integers(20, w - 140)), int(rng.integers(20, h - 30))
        draw.text((x, y), f"ref {int(rng.integers(0, 99_999))}", fill=150)
    arr = np.asarray(page, dtype=np.float32) + rng.normal(0, 2.0, size=(h, w))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L").convert("RGB")


def icon_field(
    seed: int, layout: int = 0, size: tuple[int, int] = (2048, 2048), cells: int = 48
) -> Image.Image:
    """A faint field of tiny marks on green (the kit's `gnome__symbolic.jpg`): a grid of
    48 x 48 cells, most holding a small dark square, disc or ring, thinner towards the
    top. `layout` fixes the grid and how the marks thin out (the picture's coarse shape,
    all its perceptual hash sees), `seed` which cells hold what: two seeds of one layout
    are different pictures of one layout. Low-detail (its 32x32 reduction is nearly flat),
    and its marks fall about a pixel and a half apart on a 64x64 detail map."""
    w, h = size
    step_x, step_y = w / cells, h / cells
    shape = np.random.default_rng(layout)
    fill = shape.uniform(0.3, 1.0, size=(cells + 1, cells + 1))
    fill *= np.linspace(0.4, 1.0, cells + 1)[:, None]  # thinner towards the top
    # and a soft light, a few grey levels across
    coarse = Image.fromarray(shape.uniform(-12.0, 12.0, size=(3, 3)).astype(np.float32), "F")
    light = np.asarray(coarse.resize(size, Image.Resampling.BICUBIC), dtype=np.float32)
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", size, (46, 179, 128))
    draw = ImageDraw.Draw(img)
    for gy in range(cells + 1):
        for gx in range(cells + 1):
            if rng.random() > fill[gy, gx]:
                continue
            x = (gx + rng.uniform(-0.25, 0.25)) * step_x
            y = (gy + rng.uniform(-0.25, 0.25)) * step_y
            r = step_x * rng.uniform(0.12, 0.28)
            tone = (16, 130, 90) if rng.random() < 0.6 else (28, 150, 105)
            box = (x - r, y - r, x + r, y + r)
            kind = int(rng.integers(0, 3))
            if kind == 0:
                draw.rectangle(box, fill=tone)
            elif kind == 1:
                draw.ellipse(box, fill=tone)
            else:
                draw.ellipse(box, outline=tone, width=max(1, int(r / 3)))
    lit = np.asarray(img, dtype=np.float32) + light[:, :, None]
    return Image.fromarray(np.clip(lit, 0, 255).astype(np.uint8), "RGB")


# ------------------------------------------------------------------------ variants


def resized(img: Image.Image, long_edge: int) -> Image.Image:
    copy = img.copy()
    copy.thumbnail((long_edge, long_edge), Image.Resampling.LANCZOS)
    return copy


def brightened(img: Image.Image, factor: float = 1.10) -> Image.Image:
    arr = np.asarray(img, dtype=np.float32) * factor
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), img.mode)


def stamped(img: Image.Image, text: str = "(c) PhotoSift 2025") -> Image.Image:
    """A small watermark / date stamp in the bottom-right corner."""
    copy = img.copy()
    draw = ImageDraw.Draw(copy)
    w, h = copy.size
    box = (w - w // 4, h - h // 12, w - 4, h - 4)
    draw.rectangle(box, fill=(255, 255, 255))
    draw.text((box[0] + 4, box[1] + 2), text, fill=(0, 0, 0))
    return copy


def rotated90(img: Image.Image) -> Image.Image:
    return img.transpose(Image.Transpose.ROTATE_90)


def mirrored(img: Image.Image) -> Image.Image:
    return ImageOps.mirror(img)


def cropped(img: Image.Image, sides: tuple[float, float, float, float]) -> Image.Image:
    """`img` with fractions (left, top, right, bottom) of its width/height cut off."""
    w, h = img.size
    left, top, right, bottom = sides
    return img.crop((round(w * left), round(h * top), w - round(w * right), h - round(h * bottom)))


def third(img: Image.Image, which: str) -> Image.Image:
    """The left or right third of a picture, as a crop."""
    w, h = img.size
    box = (0, 0, w // 3, h) if which == "left" else (w - w // 3, 0, w, h)
    return img.crop(box)


# --------------------------------------------------------------------------- files


def exif_bytes(
    *,
    orientation: int | None = None,
    camera: tuple[str, str] | None = None,
    taken: str | None = None,
    digitized: str | None = None,
    modified: str | None = None,
) -> bytes:
    """EXIF with these tags set; times as EXIF writes them ("2021:06:12 10:15:00"):
    `taken` DateTimeOriginal, `digitized` DateTimeDigitized, `modified` DateTime."""
    exif = Image.Exif()
    if orientation is not None:
        exif[EXIF_ORIENTATION] = orientation
    if camera is not None:
        exif[EXIF_MAKE], exif[EXIF_MODEL] = camera
    if taken is not None:
        exif.get_ifd(EXIF_IFD)[EXIF_DATETIME_ORIGINAL] = taken
    if digitized is not None:
        exif.get_ifd(EXIF_IFD)[EXIF_DATETIME_DIGITIZED] = digitized
    if modified is not None:
        exif[EXIF_DATETIME] = modified
    return exif.tobytes()


def save(img: Image.Image, path: Path, fmt: str | None = None, **options: object) -> Path:
    """Save `img` at `path` (parents created); the format follows the suffix unless given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = fmt or _FORMATS[path.suffix.lower()]
    if fmt in ("HEIF", "AVIF"):
        import pillow_heif

        pillow_heif.register_heif_opener()
    if fmt == "JPEG":
        options.setdefault("quality", 92)
        img = img.convert("RGB") if img.mode not in ("RGB", "L", "CMYK") else img
    img.save(path, format=fmt, **options)
    return path


_FORMATS = {
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".png": "PNG",
    ".webp": "WEBP",
    ".tif": "TIFF",
    ".tiff": "TIFF",
    ".gif": "GIF",
    ".bmp": "BMP",
    ".heic": "HEIF",
    ".avif": "AVIF",
}


def save_exif_rotated(img: Image.Image, path: Path, orientation: int, **options: object) -> Path:
    """Store the pixels turned so that a viewer honouring `orientation` shows `img`."""
    stored = {
        3: Image.Transpose.ROTATE_180,
        6: Image.Transpose.ROTATE_90,  # the viewer turns it back by 90 degrees clockwise
        8: Image.Transpose.ROTATE_270,
    }[orientation]
    return save(img.transpose(stored), path, exif=exif_bytes(orientation=orientation), **options)


def grey16(img: Image.Image) -> Image.Image:
    """A 16-bit greyscale copy (mode I;16), using the whole 0-65535 range."""
    arr = (np.asarray(img.convert("L"), dtype=np.uint16) * 257).astype("<u2")
    return Image.frombytes("I;16", img.size, arr.tobytes())


def save_16bit_png(img: Image.Image, path: Path) -> Path:
    return save(grey16(img), path, "PNG")


def save_16bit_tiff(img: Image.Image, path: Path) -> Path:
    return save(grey16(img), path, "TIFF")


def bomb_png(width: int = 20000, height: int = 20000) -> bytes:
    """A valid 1-bit black PNG of `width` x `height`: tiny on disk, huge once decoded."""
    import struct
    import zlib

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes((width + 7) // 8)  # filter byte + packed bits
    comp = zlib.compressobj(9)
    parts = [comp.compress(row * 1000) for _ in range(height // 1000)]
    parts.append(comp.compress(row * (height % 1000)))
    parts.append(comp.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )


def save_multipage_tiff(first: Image.Image, other: Image.Image, path: Path) -> Path:
    return save(first, path, "TIFF", save_all=True, append_images=[other])


def save_palette_png_with_transparency(img: Image.Image, path: Path) -> Path:
    pal = img.convert("P", palette=Image.Palette.ADAPTIVE, colors=255)
    return save(pal, path, "PNG", transparency=0)


def save_animated_gif(first: Image.Image, other: Image.Image, path: Path) -> Path:
    return save(first, path, "GIF", save_all=True, append_images=[other], duration=100)


def jpeg_bytes(img: Image.Image, quality: int = 92) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def png_bytes(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def names(group: object, root: Path | None = None) -> set[str]:
    """Member paths of a `DuplicateGroup`, relative to `root` (or bare file names)."""
    import os

    members = group.members  # type: ignore[attr-defined]
    if root is None:
        return {os.path.basename(m.path) for m in members}
    return {os.path.relpath(m.path, root) for m in members}


def group_names(result: object) -> list[set[str]]:
    """The groups of a `ScanResult` as sets of bare file names."""
    return [names(g) for g in result.groups]  # type: ignore[attr-defined]
