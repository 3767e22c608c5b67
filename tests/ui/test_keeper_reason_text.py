"""The keeper reason as the window shows it: the engine splits the stored reason, the
window only words it. These texts are pinned: a saved result must read as it always has."""

from __future__ import annotations

import pytest

from cleaner.models import DuplicateGroup, GroupKind
from ui.format import keeper_reason

ASIDE = (
    "kept: 4000x3000; the other copy is smaller (800x600) "
    "(other copies differ by sharpest, largest file)"
)


@pytest.mark.parametrize(
    ("stored", "short", "shown"),
    [
        (
            "kept: 4000x3000; others are smaller",
            False,
            "Suggested to keep: 4000x3000; others are smaller.",
        ),
        (
            "kept: 4000x3000; others are smaller",
            True,
            "Suggested to keep: 4000x3000; others are smaller.",
        ),
        (
            ASIDE,
            False,
            "Suggested to keep: 4000x3000; the other copy is smaller (800x600) "
            "(other copies differ by sharpest, largest file).",
        ),
        (ASIDE, True, "Suggested to keep: 4000x3000; the other copy is smaller (800x600)."),
        ("kept: ", False, "Suggested to keep."),
        ("", True, "Suggested to keep."),
        ("bigger", False, "Suggested to keep: bigger."),  # an old or hand-made result file
    ],
)
def test_the_window_words_the_engines_parts(stored: str, short: bool, shown: str) -> None:
    # a group as a result saved before the reason's parts were recorded holds it
    group = DuplicateGroup(1, GroupKind.SIMILAR, (), stored, None)
    assert keeper_reason(group, short=short) == shown
