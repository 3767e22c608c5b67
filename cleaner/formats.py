"""Which files are pictures, and what kind.

One place for what the walk, the decoder, the sidecar rules and the removal's last
check all need to know about file types. Content decides a picture's format; the
extension only decides whether a file is worth a look, so a PNG named .jpg is still
read as PNG.
"""

from __future__ import annotations

import os

# Extensions of files worth opening. Files without an extension are looked at too
# (cameras and some exports write them).
IMAGE_EXTENSIONS = frozenset(
    {
        ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".apng", ".gif", ".bmp", ".dib",
        ".tif", ".tiff", ".webp", ".heic", ".heif", ".hif", ".avif", ".jp2", ".j2k",
        ".jxl", ".ico", ".tga", ".ppm", ".pgm", ".pbm", ".pcx",
        # camera RAW
        ".dng", ".cr2", ".cr3", ".crw", ".nef", ".nrw", ".arw", ".srf", ".sr2", ".raf",
        ".orf", ".rw2", ".rwl", ".pef", ".srw", ".x3f", ".3fr", ".iiq", ".erf", ".kdc",
        ".mrw", ".mef", ".mos",
    }
)  # fmt: skip

# Camera RAW files, decoded with rawpy (a .dng or .tif that Pillow reads as a plain
# TIFF is still read by Pillow).
RAW_EXTENSIONS = frozenset(
    {
        ".dng", ".cr2", ".cr3", ".crw", ".nef", ".nrw", ".arw", ".srf", ".sr2", ".raf",
        ".orf", ".rw2", ".rwl", ".pef", ".srw", ".x3f", ".3fr", ".iiq", ".erf", ".kdc",
        ".mrw", ".mef", ".mos",
    }
)  # fmt: skip

# Files that are never pictures, whatever their extension says.
NOT_PICTURE_NAMES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})


def is_image_candidate(path: str) -> bool:
    """Whether the file at `path` is worth opening as a picture (by its name only)."""
    name = os.path.basename(path)
    if name.casefold() in NOT_PICTURE_NAMES or name.startswith("._"):
        return False  # macOS AppleDouble side files carry no picture
    ext = os.path.splitext(name)[1].lower()
    return ext in IMAGE_EXTENSIONS or ext == ""
