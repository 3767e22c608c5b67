"""The keeper criteria table and the keeper reason's parts (cleaner.keep.criteria, .reason).

The table is what the keeper choice, the scan's settings and `--keep-order` read, so
these tests check the table itself, and that the choice applies it the way the criteria
are meant to work: the first criterion in the user's order at which two copies differ
decides, whatever it is.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cleaner.keep import (
    CRITERIA,
    CRITERIA_BY_KEY,
    CRITERIA_KEYS,
    DEFAULT_CRITERIA,
    Candidate,
    CopyContext,
    KeeperCriterion,
    KeeperReason,
    PathRules,
    choose_keeper,
    parse_criteria,
    quality,
)
from cleaner.models import ImageMetrics

REPO = Path(__file__).resolve().parents[2]

# The keys are stored in result files (settings.criteria, deciding_criterion) and typed
# on the command line; the labels appear, lower-cased, in stored reasons. Neither may
# change without a migration.
STORED = {
    "resolution": "Highest resolution",
    "metadata": "Richest metadata (camera, date, GPS)",
    "lossless": "Lossless format",
    "jpeg_quality": "Least compressed",
    "sharpness": "Sharpest",
    "not_export": "Not an export, thumbnail or screenshot",
    "oldest_capture": "Oldest capture date",
    "path_rules": "Preferred folders and names",
    "largest_file": "Largest file",
    "oldest_file": "Oldest file",
}

BASE = ImageMetrics(
    format="JPEG", width=4000, height=3000, lossless=False, jpeg_quality=92, sharpness=300.0,
    detail=50.0, capture_time="2020-01-01 10:00:00", camera="Canon EOS 5D", has_gps=False,
    has_exif=True, looks_like_screenshot=False, looks_like_export=False,
)  # fmt: skip

# ----------------------------------------------------------------------------- strategies

metrics = st.builds(
    ImageMetrics,
    format=st.sampled_from(["JPEG", "PNG", "WEBP", "HEIF", "GIF", "TIFF"]),
    width=st.integers(1, 8000),
    height=st.integers(1, 6000),
    lossless=st.booleans(),
    jpeg_quality=st.one_of(st.none(), st.integers(1, 100)),
    sharpness=st.one_of(st.just(0.0), st.floats(0.0, 5000.0)),
    detail=st.just(40.0),
    capture_time=st.sampled_from(
        [None, "2019-05-05 01:02:03", "2020-01-01 10:00:00", "2020:01:01 10:00:01"]
    ),
    camera=st.sampled_from([None, "Canon EOS 5D", "Pixel 7"]),
    has_gps=st.booleans(),
    has_exif=st.booleans(),
    looks_like_screenshot=st.booleans(),
    looks_like_export=st.booleans(),
    colour_count=st.one_of(st.none(), st.integers(2, 1000)),
)

PATHS = [
    "/p/Originals/IMG_1.jpg",
    "/p/IMG_1.jpg",
    "/p/IMG_1 copy.jpg",
    "/p/IMG_1 (1).jpg",
    "/home/u/Downloads/IMG_1.jpg",
    "/p/Album/IMG_1.png",
    "/p/Backup/IMG_1.webp",
    "/tmp/x/IMG_1.heic",
]


@st.composite
def candidate_sets(draw: st.DrawFn, min_size: int = 2, max_size: int = 5) -> list[Candidate]:
    """Intact, unprotected copies at distinct paths: the criteria alone decide."""
    paths = draw(st.lists(st.sampled_from(PATHS), min_size=min_size, max_size=max_size,
                          unique=True))  # fmt: skip
    return [
        Candidate(
            path,
            draw(st.integers(0, 10**8)),
            draw(st.integers(0, 10**12)),
            draw(st.one_of(st.none(), metrics)),
        )
        for path in paths
    ]


# ----------------------------------------------------------------------------- the table


def test_the_table_holds_the_stored_keys_and_labels_in_the_default_order() -> None:
    assert {c.key: c.label for c in CRITERIA} == STORED
    assert tuple(STORED) == CRITERIA_KEYS
    assert DEFAULT_CRITERIA == CRITERIA
    assert all(CRITERIA_BY_KEY[c.key] is c for c in CRITERIA)


@pytest.mark.parametrize("criterion", CRITERIA, ids=lambda c: c.key)
def test_every_criterion_has_a_key_a_label_and_its_functions(criterion: KeeperCriterion) -> None:
    assert re.fullmatch(r"[a-z]+(_[a-z]+)*", criterion.key)
    assert criterion.label[:1].isupper()
    a = Candidate("/p/Originals/a.jpg", 5_000_000, 1, BASE)
    b = Candidate("/p/Downloads/b (1).jpg", 50_000, 2, replace(BASE, width=800, height=600))
    blank = Candidate("/c.jpg", 0, 0, None)
    ctx = CopyContext.of([a, b, blank], PathRules())
    for c in (a, b, blank):
        key = criterion.sort_key(c, ctx)
        assert isinstance(key, tuple)
        assert len(key) >= 1
        assert all(isinstance(part, int | float) for part in key)
        assert criterion.describe(c, ctx) != ""
        assert isinstance(criterion.keeper_note(c), str)
    for subject in ("the other copy is", "others are"):
        assert criterion.others_phrase(subject, "x, y").startswith(subject)


def test_keys_and_labels_are_unique() -> None:
    assert len({c.key for c in CRITERIA}) == len(CRITERIA)
    assert len({c.label.lower() for c in CRITERIA}) == len(CRITERIA)


def test_parse_criteria_puts_the_users_order_first_then_the_table_order() -> None:
    chosen = parse_criteria(["largest_file", "resolution", "largest_file"])
    assert [c.key for c in chosen[:2]] == ["largest_file", "resolution"]
    assert [c.key for c in chosen[2:]] == [
        k for k in CRITERIA_KEYS if k not in ("largest_file", "resolution")
    ]
    message = "unknown keeper criterion 'prettiest'; choose from " + ", ".join(CRITERIA_KEYS)
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        parse_criteria(["resolution", "prettiest"])


def test_the_keeper_choice_names_no_criterion_itself() -> None:
    # adding a criterion is one entry in the table: the choice applies whatever it holds
    source = Path(quality.__file__).read_text(encoding="utf-8")
    for key in CRITERIA_KEYS:
        assert f'"{key}"' not in source
        assert key.upper() not in source


def test_the_result_format_document_lists_the_tables_keys() -> None:
    doc = (REPO / "docs" / "result-json.md").read_text(encoding="utf-8")
    (row,) = (line for line in doc.splitlines() if line.startswith("| `criteria` |"))
    values = row.split("Values:", 1)[1]
    assert tuple(re.findall(r"`([a-z_]+)`", values)) == CRITERIA_KEYS


# ----------------------------------------------------------------------------- the choice


@settings(max_examples=300, deadline=None)
@given(cands=candidate_sets(), data=st.data())
def test_the_default_choice_does_not_depend_on_the_order_of_the_copies(
    cands: list[Candidate], data: st.DataObject
) -> None:
    first = choose_keeper(cands)
    shuffled = data.draw(st.permutations(cands))
    again = choose_keeper(shuffled)
    assert shuffled[again.keeper].path == cands[first.keeper].path
    assert again.deciding is first.deciding
    assert again.reason == first.reason
    assert choose_keeper(cands) == first  # and the same input gives the same answer


@settings(max_examples=300, deadline=None)
@given(cands=candidate_sets(max_size=2), order=st.permutations(CRITERIA))
def test_the_first_criterion_at_which_two_copies_differ_decides(
    cands: list[Candidate], order: list[KeeperCriterion]
) -> None:
    a, b = cands
    ctx = CopyContext.of(cands, PathRules())
    differing = [c for c in order if c.sort_key(a, ctx) != c.sort_key(b, ctx)]
    choice = choose_keeper(cands, order)
    if not differing:
        assert choice.deciding is None
        assert cands[choice.keeper].path == min(a.path, b.path)  # the first by name
        return
    first = differing[0]
    assert choice.deciding is first
    better = a if first.sort_key(a, ctx) < first.sort_key(b, ctx) else b
    assert cands[choice.keeper] is better
    assert choice.reason.startswith("kept: " + first.describe(better, ctx))


@pytest.mark.parametrize("criterion", CRITERIA, ids=lambda c: c.key)
@settings(max_examples=60, deadline=None)
@given(cands=candidate_sets(max_size=2), data=st.data())
def test_each_criterion_decides_when_all_earlier_ones_tie(
    criterion: KeeperCriterion, cands: list[Candidate], data: st.DataObject
) -> None:
    a, b = cands
    ctx = CopyContext.of(cands, PathRules())
    assume(criterion.sort_key(a, ctx) != criterion.sort_key(b, ctx))
    # every criterion that ties for this pair goes before it, in any order; the rest after
    tied = [c for c in CRITERIA if c.sort_key(a, ctx) == c.sort_key(b, ctx)]
    rest = [c for c in CRITERIA if c is not criterion and c not in tied]
    order = [*data.draw(st.permutations(tied)), criterion, *data.draw(st.permutations(rest))]
    choice = choose_keeper(cands, order)
    assert choice.deciding is criterion
    better = a if criterion.sort_key(a, ctx) < criterion.sort_key(b, ctx) else b
    assert cands[choice.keeper] is better
    theirs = criterion.describe(b if better is a else a, ctx)
    phrase = criterion.others_phrase("the other copy is", theirs)
    # one losing copy, so no aside: it names criteria that beat *other* losing copies
    assert KeeperReason.from_stored(choice.reason) == KeeperReason(
        criterion.describe(better, ctx) + criterion.keeper_note(better) + "; " + phrase
    )


# ----------------------------------------------------------------------------- the reason


def test_a_reason_without_an_aside_is_all_headline() -> None:
    parts = KeeperReason.from_stored("kept: 4000x3000; others are smaller (800x600)")
    assert parts == KeeperReason("4000x3000; others are smaller (800x600)", "")
    assert parts.full == "4000x3000; others are smaller (800x600)"


def test_a_reason_with_an_aside_splits_at_its_opening_words() -> None:
    stored = (
        "kept: 4000x3000; the other copy is smaller (800x600) "
        "(other copies differ by sharpest, largest file)"
    )
    parts = KeeperReason.from_stored(stored)
    assert parts.headline == "4000x3000; the other copy is smaller (800x600)"
    assert parts.aside == "(other copies differ by sharpest, largest file)"
    assert parts.full == stored.removeprefix("kept: ")


def test_a_damaged_copy_note_after_the_aside_stays_with_the_aside() -> None:
    stored = (
        "kept: 4000x3000; others are smaller (800x600) (other copies differ by sharpest)"
        "; the other copy is damaged (cut short)"
    )
    parts = KeeperReason.from_stored(stored)
    assert parts.headline == "4000x3000; others are smaller (800x600)"
    assert parts.aside == "(other copies differ by sharpest); the other copy is damaged (cut short)"


def test_the_reasons_choose_keeper_writes_split_into_their_parts() -> None:
    small = replace(BASE, width=800, height=600)
    blurred = replace(BASE, sharpness=5.0)
    choice = choose_keeper(
        [
            Candidate("/a/IMG.jpg", 10, 1, BASE),
            Candidate("/b/IMG.jpg", 20, 2, small),
            Candidate("/c/IMG.jpg", 20, 2, blurred),
        ]
    )
    parts = KeeperReason.from_stored(choice.reason)
    # one of two other copies is smaller: "the other copy" would be false of the blurred one
    assert parts.headline == (
        "4000x3000, original camera data; 1 of the 2 other copies is smaller (800x600)"
    )
    assert parts.aside == "(other copies differ by sharpest)"
    alone = choose_keeper([Candidate("/a/IMG.jpg", 10, 1, BASE)])
    assert KeeperReason.from_stored(alone.reason) == KeeperReason("the only copy")


@given(st.text())
def test_any_stored_reason_splits_without_losing_a_character(reason: str) -> None:
    parts = KeeperReason.from_stored(reason)
    assert parts.full == reason.removeprefix("kept: ")
    assert " (other copies differ by" not in parts.headline
    assert parts.aside == "" or parts.aside.startswith("(other copies differ by")
