"""The 0-100 quality score: an absolute grade of one file, shown on every tile, and what
it is made of (resolution, compression, sharpness, metadata, origin, damage), each part
with its points and its words. It does not depend on the other copies, except that the
words for sharpness compare with the sharpest copy of the set.

Apart from the keeper choice (`cleaner.keep.quality`), which names no criterion: the
score's parts are not keeper criteria, even where they share a word."""

from __future__ import annotations

import math
from dataclasses import dataclass

from cleaner.i18n import N_
from cleaner.keep.candidate import metadata_richness
from cleaner.keep.criteria import relative_sharpness
from cleaner.models import ImageMetrics
from cleaner.phrases import phrase, phrases_of, value_words, worded


@dataclass(frozen=True, slots=True)
class QualityPart:
    """One part of the quality score: what it grades, its points and why, in words.

    `label` and `words` are English; `words` is a fixed phrase marked for the catalog or
    a value made of phrases (`cleaner.phrases`: a code and raw values), so that
    `part_words` says it in the user's language where it is shown."""

    key: str  # "resolution", "compression", "sharpness", "metadata", "origin", "damage"
    label: str  # "Resolution"
    points: int  # negative for damage, which takes points away
    max_points: int  # the most this part gives (0 for damage)
    words: str  # "2560x1600, 4.1 megapixels (24 or more get full marks)"


def part_label(part: QualityPart) -> str:
    """The part's name in the user's language ("Resolución")."""
    return value_words(part.label)


def part_words(part: QualityPart) -> str:
    """Why the part has its points, in the user's language; in English, `part.words`."""
    return value_words(part.words, phrases_of(part.words))


@dataclass(frozen=True, slots=True)
class QualityBreakdown:
    """The 0-100 quality score as the sum of its parts."""

    parts: tuple[QualityPart, ...]

    @property
    def score(self) -> int:
        return sum(p.points for p in self.parts)


def quality_score(m: ImageMetrics | None, size: int) -> int:
    """An absolute 0-100 grade of one file: resolution, compression, sharpness, provenance."""
    return quality_breakdown(m, size, said=False).score


def quality_breakdown(
    m: ImageMetrics | None, size: int, sharpest: float | None = None, said: bool = True
) -> QualityBreakdown:
    """The score's parts, whose points add up to `quality_score(m, size)`. The points do
    not depend on the other copies; with `sharpest` (the highest sharpness among the
    copies of the picture), the sharpness part's words compare this copy with it. Without
    `said`, the parts have no words (for the score alone)."""
    if m is None:
        return QualityBreakdown(
            (
                QualityPart(
                    "unreadable", N_("Picture"), 0, 100, N_("cannot be decoded, so no score")
                ),
            )
        )
    raw = _raw_parts(m, size, sharpest, said)
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
                N_("Damage"),
                score - grade,
                0,
                worded(phrase("damaged_score", damage=m.damage.label)) if said else "",
            )
        )
    return QualityBreakdown(tuple(parts))


def _raw_parts(
    m: ImageMetrics, size: int, sharpest: float | None, said: bool
) -> list[tuple[str, str, float, int, str]]:
    points = _points(m, size)
    # the score alone (every grouped copy of a scan) needs no words
    words = _words(m, size, sharpest, points[2][2]) if said else [""] * len(points)
    return [(*p, w) for p, w in zip(points, words, strict=True)]


def _points(m: ImageMetrics, size: int) -> list[tuple[str, str, float, int]]:
    # resolution: 40 points, log scale, 24 MP and more is full marks
    mp = max(m.megapixels, 0.01)
    resolution = 40.0 * min(1.0, max(0.0, math.log(mp / 0.05) / math.log(24 / 0.05)))
    # compression: 25 points
    if m.lossless:
        compression = 25.0
    elif m.jpeg_quality is not None:
        compression = 25.0 * min(1.0, max(0.0, (m.jpeg_quality - 40) / 55))
    else:
        compression = 25.0 * min(1.0, _bits_per_pixel(m, size) / 2.0)
    # sharpness: 20 points, log scale
    sharp = 20.0 * min(1.0, max(0.0, math.log1p(m.sharpness) / math.log1p(800.0)))
    # provenance: 15 points, 10 for metadata and 5 for not being an export
    richness = min(metadata_richness(m), 2)
    derived = m.looks_like_export or m.looks_like_screenshot
    return [
        ("resolution", N_("Resolution"), resolution, 40),
        ("compression", N_("Compression"), compression, 25),
        ("sharpness", N_("Sharpness"), sharp, 20),
        ("metadata", N_("Metadata"), 5.0 * richness, 10),
        ("origin", N_("Origin"), 0.0 if derived else 5.0, 5),
    ]


def _bits_per_pixel(m: ImageMetrics, size: int) -> float:
    return size * 8 / max(m.pixels, 1)  # HEIF/WebP/AVIF: bits per pixel as a proxy


def _words(m: ImageMetrics, size: int, sharpest: float | None, sharp: float) -> list[str]:
    """Why each part of `_points` has its points: fixed phrases marked with N_() and
    values made of phrases (`cleaner.phrases`), in English; `part_words` says them."""
    res_words = worded(
        phrase("megapixels", width=m.width, height=m.height, megapixels=m.megapixels)
    )
    if m.lossless:
        comp_words = worded(phrase("lossless_score", format=m.format))
    elif m.jpeg_quality is not None:
        comp_words = worded(phrase("jpeg_quality_score", quality=m.jpeg_quality))
    else:
        bpp = _bits_per_pixel(m, size)
        comp_words = worded(phrase("bits_per_pixel", format=m.format, bpp=bpp))
    if sharpest is not None and sharpest > 0:
        sharp_words: str = relative_sharpness(m.sharpness, sharpest)
    else:
        sharp_words = (
            N_("fine detail at full strength") if sharp >= 19.5 else N_("some fine detail")
        )
    found = [
        p
        for p, present in (
            (phrase("camera_data", camera=m.camera or ""), bool(m.camera)),
            (phrase("capture_date"), bool(m.capture_time)),
            (phrase("gps"), m.has_gps),
        )
        if present
    ]
    # the same phrases as the metadata criterion's value (`cleaner.keep.criteria`)
    meta_words = worded(*(found or [phrase("no_metadata")]), phrase("metadata_points"))
    if m.looks_like_screenshot:
        origin_words = N_("looks like a screenshot")
    elif m.looks_like_export:
        origin_words = N_("looks like an export or thumbnail")
    else:
        origin_words = N_("looks like an original")
    return [res_words, comp_words, sharp_words, meta_words, origin_words]
