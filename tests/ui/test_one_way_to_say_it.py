"""One way to name a copy and one way to name a day, in the window as on the command line:
the header's copy names (`copy_name`) and the tiles' folders (`folder_in_scan`) come from
one rule, and "saved on 17 Nov 2026" uses the engine's month names whatever the locale."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from cleaner import human_time
from cleaner.models import DuplicateGroup, FileEntry
from tests.helpers.synthetic_result import synthetic_group
from ui import autosave
from ui.autosave import human_when
from ui.format import copy_name, folder_in_scan


def _group(*paths: str) -> DuplicateGroup:
    return synthetic_group(1, [FileEntry(p, 10, 1, 1, k) for k, p in enumerate(paths)])


def test_copy_names_are_pinned() -> None:
    g = _group(
        "/lib/Photos/2019 Summer/harbour.jpg",
        "/lib/Backup of Photos/2019 Summer/harbour.jpg",
        "/lib/Backup of Photos/old/a/b/c/harbour.jpg",
        "/lib/Photos/2019 Summer/harbour (2).jpg",
    )
    assert [copy_name(m.path, g) for m in g.members] == [
        "Photos/2019 Summer/harbour.jpg",
        "Backup of Photos/2019 Summer/harbour.jpg",
        "Backup of Photos/…/c/harbour.jpg",
        "Photos/2019 Summer/harbour (2).jpg",
    ]
    same = _group("/lib/Photos/a.jpg", "/lib/Photos/a (2).jpg")
    assert [copy_name(m.path, same) for m in same.members] == ["a.jpg", "a (2).jpg"]
    top = _group("/a/x.jpg", "/b/x.jpg")  # nothing shared but the root
    assert [copy_name(m.path, top) for m in top.members] == ["a/x.jpg", "b/x.jpg"]
    below = _group("/lib/x.jpg", "/lib/sub/x.jpg")
    assert [copy_name(m.path, below) for m in below.members] == ["x.jpg", "sub/x.jpg"]
    assert copy_name("/lib/Photos/2019 Summer/harbour.jpg") == "2019 Summer/harbour.jpg"
    # the tile's folder, by the same rule from the scanned folder
    assert folder_in_scan("/lib/Backup of Photos/old/a/b/c/harbour.jpg", ["/lib"]) == (
        "Backup of Photos/old/a/b/c"
    )
    assert folder_in_scan("/lib/x.jpg", ["/lib"]) == "lib"
    assert folder_in_scan("/else/x.jpg", ["/lib"]) == "/else"


class _GermanDatetime(datetime):
    """What `strftime` gives under LC_TIME=de_DE: "Dez." for December."""

    def strftime(self, fmt: str) -> str:
        names = [
            "Jan.",
            "Feb.",
            "März",
            "Apr.",
            "Mai",
            "Juni",
            "Juli",
            "Aug.",
            "Sep.",
            "Okt.",
            "Nov.",
            "Dez.",
        ]
        return super().strftime(fmt.replace("%b", names[self.month - 1]))


@pytest.mark.parametrize("month", range(1, 13))
def test_a_saved_review_names_the_day_as_the_engine_does(
    monkeypatch: pytest.MonkeyPatch, month: int
) -> None:
    monkeypatch.setattr(autosave, "datetime", _GermanDatetime)  # a German desktop
    saved = time.mktime((2025, month, 3, 18, 5, 0, 0, 0, -1))
    now = time.mktime((2026, 11, 27, 15, 0, 0, 0, 0, -1))
    engine = human_time(datetime.fromtimestamp(saved).isoformat())  # "3 Dec 2025, 18:05"
    day, clock = engine.split(", ")
    assert human_when(saved, now) == f"on {day} at {clock}"
    assert (
        day.split()[1]
        == ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][
            month - 1
        ]
    )
    assert human_when(now - 3600, now) == "today at 14:00"
    assert human_when(now - 86400, now) == "yesterday at 15:00"
