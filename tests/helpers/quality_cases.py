"""Copies whose quality breakdowns say every kind of words `cleaner.keep.score` has: each
resolution, compression, sharpness, metadata and origin case, damage, and no metrics."""

from __future__ import annotations

from dataclasses import replace

from cleaner.models import DamageReason, ImageMetrics
from tests.helpers.synthetic_result import _METRICS

# (metrics or None, file size, the sharpest copy's sharpness or None)
QualityCase = tuple[ImageMetrics | None, int, float | None]


def quality_cases() -> list[QualityCase]:
    base = replace(_METRICS, width=2560, height=1600, sharpness=355.0)
    variants = [
        base,
        replace(base, width=6000, height=4000, sharpness=900.0),
        replace(base, width=120, height=90, jpeg_quality=35, sharpness=0.0),
        replace(base, width=40000, height=30000),  # 1,200 megapixels
        replace(base, format="PNG", lossless=True, jpeg_quality=None, camera=None),
        replace(base, format="GIF", lossless=True, jpeg_quality=None, colour_count=32),
        replace(base, format="WEBP", jpeg_quality=None, capture_time=None, has_gps=True),
        replace(base, format="HEIF", jpeg_quality=None, camera=None, has_gps=True),
        replace(base, camera=None, capture_time=None, has_gps=False),
        replace(base, looks_like_export=True),
        replace(base, looks_like_screenshot=True, looks_like_export=True),
        replace(base, damage=DamageReason.TRUNCATED),
        replace(base, damage=DamageReason.PNG_CHECKSUM, format="PNG", lossless=True),
        replace(base, damage=DamageReason.JPEG_CORRUPT_DATA, sharpness=2.0),
    ]
    cases: list[QualityCase] = [(None, 1000, None)]
    for k, m in enumerate(variants):
        for size in (1_000 + k, 250_000 + k, 9_000_000 + k):
            for sharpest in (None, 355.0, 900.0, 20_000.0):
                cases.append((m, size, sharpest))
    return cases
