"""The quality score's parts (issue 12, point 3): data with points and words, adding up
to the score shown on every tile."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.keep import quality_breakdown, quality_score, relative_sharpness
from cleaner.models import DamageReason
from tests.engine.test_keeper_criteria import BASE, metrics

KEYS = ["resolution", "compression", "sharpness", "metadata", "origin"]


@settings(max_examples=500, deadline=None)
@given(
    m=st.one_of(st.none(), metrics),
    size=st.integers(0, 10**9),
    damaged=st.booleans(),
    sharpest=st.one_of(st.none(), st.floats(0.0, 5000.0)),
)
def test_the_parts_add_up_to_the_score_and_stay_in_their_range(
    m: object, size: int, damaged: bool, sharpest: float | None
) -> None:
    if m is not None and damaged:
        m = replace(m, damage=DamageReason.PNG_CHECKSUM)  # type: ignore[type-var]
    b = quality_breakdown(m, size, sharpest)  # type: ignore[arg-type]
    score = quality_score(m, size)  # type: ignore[arg-type]
    assert b.score == score == sum(p.points for p in b.parts)
    assert 0 <= score <= 100
    if m is None:
        assert [p.key for p in b.parts] == ["unreadable"]
        return
    keys = [p.key for p in b.parts]
    assert keys == ([*KEYS, "damage"] if damaged else KEYS)
    for p in b.parts:
        assert p.words
        if p.key == "damage":
            assert p.points <= 0
            assert score <= 10
        else:
            assert 0 <= p.points <= p.max_points
    assert sum(p.max_points for p in b.parts) == 100


def test_a_lossless_png_without_camera_data_says_where_its_points_went() -> None:
    png = replace(
        BASE, format="PNG", lossless=True, jpeg_quality=None, camera=None, capture_time=None
    )
    parts = {p.key: p for p in quality_breakdown(png, 10**7).parts}
    assert parts["compression"].points == 25
    assert parts["compression"].words == "lossless PNG: nothing lost to compression"
    assert parts["metadata"].points == 0
    assert (
        parts["metadata"].words == "no camera data, capture date or GPS (5 points each, up to 10)"
    )
    assert parts["resolution"].words.startswith("4000x3000, 12.0 megapixels")


def test_sharpness_words_compare_with_the_sharpest_copy() -> None:
    assert relative_sharpness(355.0, 355.0) == "the sharpest of the set"
    assert relative_sharpness(42.0, 355.0) == "34% as sharp as the sharpest"
    assert relative_sharpness(350.0, 355.0) == "as sharp as the sharpest"
    assert relative_sharpness(0.0, 0.0) == "the sharpest of the set"
    parts = {p.key: p for p in quality_breakdown(replace(BASE, sharpness=42.0), 1, 355.0).parts}
    assert parts["sharpness"].words == "34% as sharp as the sharpest"


def test_damage_takes_points_away_in_words() -> None:
    broken = replace(BASE, damage=DamageReason.TRUNCATED)
    b = quality_breakdown(broken, 10**7)
    damage = b.parts[-1]
    assert damage.key == "damage"
    assert damage.words.startswith("damaged: the file is cut short")
    assert b.score == quality_score(broken, 10**7) <= 10
