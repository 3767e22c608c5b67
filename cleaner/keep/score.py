"""The 0-100 quality score: an absolute grade of one file, shown on every tile, and what
it is made of (resolution, compression, sharpness, metadata, origin, damage), each part
with its points and its words. It does not depend on the other copies, except that the
words for sharpness compare with the sharpest copy of the set.

Apart from the keeper choice (`cleaner.keep.quality`), which names no criterion: the
score's parts are not keeper criteria, even where they share a word."""

from __future__ import annotations

import math
from dataclasses import dataclass

from cleaner.keep.candidate import metadata_richness
from cleaner.keep.criteria import relative_sharpness
from cleaner.models import ImageMetrics


@dataclass(frozen=True, slots=True)
class QualityPart:
    """One part of the quality score: what it grades, its points and why, in words."""

    key: str  # "resolution", "compression", "sharpness", "metadata", "origin", "damage"
    label: str  # "Resolution"
    points: int  # negative for damage, which takes points away
    max_points: int  # the most this part gives (0 for damage)
    words: str  # "2560x1600, 4.1 megapixels (24 or more get full marks)"


@dataclass(frozen=True, slots=True)
class QualityBreakdown:
    """The 0-100 quality score as the sum of its parts."""

    parts: tuple[QualityPart, ...]

    @property
    def score(self) -> int:
        return sum(p.points for p in self.parts)


def quality_score(m: ImageMetrics | None, size: int) -> int:
    """An absolute 0-100 grade of one file: resolution, compression, sharpness, provenance."""
    return quality_breakdown(m, size).score


def quality_breakdown(
    m: ImageMetrics | None, size: int, sharpest: float | None = None
) -> QualityBreakdown:
    """The score's parts, whose points add up to `quality_score(m, size)`. The points do
    not depend on the other copies; with `sharpest` (the highest sharpness among the
    copies of the picture), the sharpness part's words compare this copy with it."""
    if m is None:
        return QualityBreakdown(
            (QualityPart("unreadable", "Picture", 0, 100, "cannot be decoded, so no score"),)
        )
    raw = _raw_parts(m, size, sharpest)
    # each part rounded so that they add up to the rounded total (floor(x + 0.5) keeps
    # every part within its own 0..max)
    parts: list[QualityPart] = []
    before = 0.0
    for key, label, value, top, words in raw:
        points = math.floor(before + value + 0.5) - math.floor(before + 0.5)
        before += value
        parts.append(QualityPart(key, label, points, top, words))
    grade = sum(p.points for p in parts)
    if m.damage is not None:  # whatever it shows, part of it may be wrong
        score = min(10, grade // 4)
        parts.append(
            QualityPart(
                "damage",
                "Damage",
                score - grade,
                0,
                f"{m.damage.label}: a damaged file scores a quarter, at most 10",
            )
        )
    return QualityBreakdown(tuple(parts))


def _raw_parts(
    m: ImageMetrics, size: int, sharpest: float | None
) -> list[tuple[str, str, float, int, str]]:
    # resolution: 40 points, log scale, 24 MP and more is full marks
    mp = max(m.megapixels, 0.01)
    resolution = 40.0 * min(1.0, max(0.0, math.log(mp / 0.05) / math.log(24 / 0.05)))
    res_words = f"{m.width}x{m.height}, {m.megapixels:.1f} megapixels (24 or more get full marks)"
    # compression: 25 points
    if m.lossless:
        compression = 25.0
        comp_words = f"lossless {m.format}: nothing lost to compression"
    elif m.jpeg_quality is not None:
        compression = 25.0 * min(1.0, max(0.0, (m.jpeg_quality - 40) / 55))
        comp_words = f"JPEG quality {m.jpeg_quality} (95 or more gets full marks)"
    else:
        bpp = size * 8 / max(m.pixels, 1)  # HEIF/WebP/AVIF: bits per pixel as a proxy
        compression = 25.0 * min(1.0, bpp / 2.0)
        comp_words = f"compressed {m.format}, {bpp:.1f} bits per pixel (2 or more get full marks)"
    # sharpness: 20 points, log scale
    sharp = 20.0 * min(1.0, max(0.0, math.log1p(m.sharpness) / math.log1p(800.0)))
    if sharpest is not None and sharpest > 0:
        sharp_words = relative_sharpness(m.sharpness, sharpest)
    else:
        sharp_words = "fine detail at full strength" if sharp >= 19.5 else "some fine detail"
    # provenance: 15 points, 10 for metadata and 5 for not being an export
    richness = min(metadata_richness(m), 2)
    found = [
        name
        for name, present in (
            (f"camera data ({m.camera})" if m.camera else "", bool(m.camera)),
            ("capture date", bool(m.capture_time)),
            ("GPS", m.has_gps),
        )
        if present
    ]
    meta_words = ", ".join(found) if found else "no camera data, capture date or GPS"
    derived = m.looks_like_export or m.looks_like_screenshot
    if m.looks_like_screenshot:
        origin_words = "looks like a screenshot"
    elif m.looks_like_export:
        origin_words = "looks like an export or thumbnail"
    else:
        origin_words = "looks like an original"
    return [
        ("resolution", "Resolution", resolution, 40, res_words),
        ("compression", "Compression", compression, 25, comp_words),
        ("sharpness", "Sharpness", sharp, 20, sharp_words),
        ("metadata", "Metadata", 5.0 * richness, 10, meta_words + " (5 points each, up to 10)"),
        ("origin", "Origin", 0.0 if derived else 5.0, 5, origin_words),
    ]
