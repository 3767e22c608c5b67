"""The quality score's breakdown in Spanish has no English left (issue 16).

`cleaner.keep.score` hands out each part's words as a fixed phrase marked for the catalog
or as phrases (`cleaner.phrases`: a code and raw values); they are said in the user's
language where shown (`part_label`, `part_words`). In English the words are the ones the
breakdown has always said.
"""

from __future__ import annotations

import re

from cleaner.i18n import set_language
from cleaner.keep import QualityPart, part_label, part_words, quality_breakdown
from cleaner.models import DamageReason, ImageMetrics
from tests.helpers.quality_cases import quality_cases
from tests.helpers.synthetic_result import _METRICS

# Words the same in both languages, and the values (formats, the camera)
SAME = {"original", "bits", "gps", "jpeg", "png", "gif", "webp", "heif", "canon", "eos"}
WORD = re.compile(r"[A-Za-z]{3,}")


def _said(parts: tuple[QualityPart, ...]) -> list[str]:
    return [f"{part_label(p)}: {part_words(p)}" for p in parts]


def _breakdowns() -> list[tuple[QualityPart, ...]]:
    return [quality_breakdown(m, size, sharpest).parts for m, size, sharpest in quality_cases()]


def test_in_english_the_words_are_the_breakdowns_own() -> None:
    breakdowns = _breakdowns()
    assert [_said(parts) for parts in breakdowns] == [
        [f"{p.label}: {p.words}" for p in parts] for parts in breakdowns
    ]
    words = {str(p.words) for parts in breakdowns for p in parts}
    assert {
        "2560x1600, 4.1 megapixels (24 or more get full marks)",
        "40000x30000, 1200.0 megapixels (24 or more get full marks)",
        "JPEG quality 90 (95 or more gets full marks)",
        "lossless PNG: nothing lost to compression",
        "compressed WEBP, 0.0 bits per pixel (2 or more get full marks)",
        "compressed HEIF, 17.6 bits per pixel (2 or more get full marks)",
        "camera data (Canon EOS 80D), capture date (5 points each, up to 10)",
        "no camera data, capture date or GPS (5 points each, up to 10)",
        "damaged: the file is cut short (its end is missing): a damaged file scores a "
        "quarter, at most 10",
        "cannot be decoded, so no score",
        "some fine detail",
        "62% as sharp as the sharpest",
        "fine detail at full strength",
        "the sharpest of the set",
    } <= words


def test_no_english_word_is_left_in_a_spanish_breakdown() -> None:
    breakdowns = _breakdowns()
    english = [_said(parts) for parts in breakdowns]
    set_language("es")
    spanish = [_said(parts) for parts in breakdowns]
    assert len(spanish) == len(english) > 100
    for en_lines, es_lines in zip(english, spanish, strict=True):
        for en, es in zip(en_lines, es_lines, strict=True):
            left = {
                w for w in WORD.findall(en) if w.lower() not in SAME and re.search(rf"\b{w}\b", es)
            }
            assert left == set(), f"{en!r} -> {es!r}"


def test_the_spanish_numbers_follow_the_locale() -> None:
    from dataclasses import replace

    set_language("es_ES")
    big = replace(_METRICS, width=40000, height=30000)
    said = _said(quality_breakdown(big, 9_000_000).parts)
    assert "Resolución: 40000x30000, 1.200,0 megapíxeles (24 o más obtienen la nota máxima)" in said
    damaged = replace(_METRICS, damage=DamageReason.TRUNCATED)
    last = _said(quality_breakdown(damaged, 9_000_000).parts)[-1]
    assert last.startswith("Daño: dañada: el archivo está cortado")


def _words_before_phrases(m: ImageMetrics, size: int) -> list[str]:
    """The English the breakdown said as f-strings before its parts were phrases (session
    8), for every part but sharpness (a `relative_sharpness` value already)."""
    if m.lossless:
        comp = f"lossless {m.format}: nothing lost to compression"
    elif m.jpeg_quality is not None:
        comp = f"JPEG quality {m.jpeg_quality} (95 or more gets full marks)"
    else:
        bpp = size * 8 / max(m.pixels, 1)
        comp = f"compressed {m.format}, {bpp:.1f} bits per pixel (2 or more get full marks)"
    found = [
        name
        for name, present in (
            (f"camera data ({m.camera})" if m.camera else "", bool(m.camera)),
            ("capture date", bool(m.capture_time)),
            ("GPS", m.has_gps),
        )
        if present
    ]
    meta = ", ".join(found) if found else "no camera data, capture date or GPS"
    if m.looks_like_screenshot:
        origin = "looks like a screenshot"
    elif m.looks_like_export:
        origin = "looks like an export or thumbnail"
    else:
        origin = "looks like an original"
    words = [
        f"{m.width}x{m.height}, {m.megapixels:.1f} megapixels (24 or more get full marks)",
        comp,
        meta + " (5 points each, up to 10)",
        origin,
    ]
    if m.damage is not None:
        words.append(f"{m.damage.label}: a damaged file scores a quarter, at most 10")
    return words


def test_the_english_is_the_same_as_before_the_phrases() -> None:
    cases = [(m, size, sharpest) for m, size, sharpest in quality_cases() if m is not None]
    said = [
        [part_words(p) for p in quality_breakdown(m, size, sharpest).parts if p.key != "sharpness"]
        for m, size, sharpest in cases
    ]
    assert said == [_words_before_phrases(m, size) for m, size, _ in cases]
