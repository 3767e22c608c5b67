"""The measurements of a plain camera JPEG, for matching tests that build fingerprints by
hand: only the size and the detail differ between their pictures."""

from __future__ import annotations

from cleaner.models import ImageMetrics


def jpeg_metrics(size: tuple[int, int], detail: float = 40.0) -> ImageMetrics:
    """A JPEG of `size` (width, height) at quality 90, with no camera data."""
    w, h = size
    return ImageMetrics(format="JPEG", width=w, height=h, lossless=False, jpeg_quality=90,
                        sharpness=100.0, detail=detail, capture_time=None, camera=None,
                        has_gps=False, has_exif=False, looks_like_screenshot=False,
                        looks_like_export=False)  # fmt: skip
