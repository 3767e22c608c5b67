"""The window says why the suggested copy beat each other copy (issue 12, point 2): short
in the group's header, in full on each copy's tile tooltip, and never the group's one
reason where it would be false of a copy."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cleaner.models import DuplicateGroup, FileEntry, GroupKind, GroupMember, KeptOver
from tests.helpers.synthetic_result import _METRICS
from ui.models.photos import PhotoGridModel
from ui.models.session import ReviewSession
from ui.settings import Settings
from ui.thumbnails import ThumbnailLoader
from ui.widgets.review_page import ReviewPage

ORIGINALS = "in a preferred folder (Originals)"


def _member(path: str, k: int, kept_over: KeptOver | None) -> GroupMember:
    return GroupMember(
        entry=FileEntry(path, 1000 + k, 10**18, 1, 500 + k),
        metrics=replace(_METRICS, width=2560, height=1600),
        sha256=None,
        quality=70,
        distance=0,
        is_keeper=kept_over is None,
        suggested_remove=kept_over is not None,
        kept_over=kept_over,
    )


def _group(*others: tuple[str, KeptOver]) -> DuplicateGroup:
    members = (
        _member("/lib/Originals/harbour.jpg", 0, None),
        *(_member(p, n + 1, k) for n, (p, k) in enumerate(others)),
    )
    return DuplicateGroup(
        1, GroupKind.SIMILAR, members, "kept: in a preferred folder (Originals)", "path_rules"
    )


def _page(qtbot: QtBot, group: DuplicateGroup) -> ReviewPage:
    session = ReviewSession()
    page = ReviewPage(session, ThumbnailLoader(), Settings())
    qtbot.addWidget(page)
    session.add_groups([group])
    page.finish_loading()
    page.select_group_at(0)
    qtbot.waitUntil(lambda: page.photo_model.group is not None)
    return page


def test_the_header_says_why_the_keeper_beat_the_one_other_copy(qtbot: QtBot) -> None:
    page = _page(
        qtbot,
        _group(
            (
                "/lib/Downloads/harbour.jpg",
                KeptOver("path_rules", ORIGINALS, "in an avoided folder (Downloads)"),
            )
        ),
    )
    assert page.group_reason.text().startswith(
        "Suggested to keep: harbour.jpg. Kept over Downloads/harbour.jpg: "
        "in a preferred folder (Originals) vs. in an avoided folder (Downloads). Copies in:"
    )


def test_copies_beaten_differently_each_get_their_own_true_reason(qtbot: QtBot) -> None:
    small = KeptOver("resolution", "2560x1600", "1024x640")
    bare = KeptOver("metadata", "camera data (Canon EOS 80D)", "no camera data")
    page = _page(
        qtbot,
        _group(
            ("/lib/Small/harbour.jpg", small),
            ("/lib/Web/harbour.jpg", replace(small, copy_value="2000x1249")),
            ("/lib/Scans/harbour.png", bare),
        ),
    )
    header = page.group_reason.text()
    assert "Kept over 2 copies: 2560x1600 vs. 1024x640, 2000x1249." in header
    assert "Kept over Scans/harbour.png: camera data (Canon EOS 80D) vs. no camera data." in header
    tip = page.group_reason.toolTip().splitlines()
    assert tip[:4] == [
        "Why harbour.jpg is kept over each copy:",
        "Small/harbour.jpg: highest resolution: 2560x1600 vs. 1024x640",
        "Web/harbour.jpg: highest resolution: 2560x1600 vs. 2000x1249",
        "Scans/harbour.png: richest metadata (camera, date, GPS): "
        "camera data (Canon EOS 80D) vs. no camera data",
    ]
    model: PhotoGridModel = page.photo_model
    tips = {
        model.member(r).path: model.index(r).data(Qt.ItemDataRole.ToolTipRole)
        for r in range(model.rowCount())
    }
    assert (
        "Why harbour.jpg is suggested instead: it wins on “richest metadata (camera, date, GPS)”, "
        "the first of your criteria where they differ.\n"
        "  harbour.jpg: camera data (Canon EOS 80D)\n"
        "  this copy: no camera data"
    ) in tips["/lib/Scans/harbour.png"]
    assert "this copy: 2000x1249" in tips["/lib/Web/harbour.jpg"]
    assert "suggested instead" not in tips["/lib/Originals/harbour.jpg"]


def test_a_result_without_per_copy_reasons_shows_the_groups_reason(qtbot: QtBot) -> None:
    group = _group(("/lib/Downloads/harbour.jpg", KeptOver("tie", "a", "b")))
    old = replace(group, members=tuple(replace(m, kept_over=None) for m in group.members))
    page = _page(qtbot, old)
    assert page.group_reason.text().startswith(
        "Suggested to keep: in a preferred folder (Originals). Copies in:"
    )


def test_many_ways_are_cut_short_in_the_header(qtbot: QtBot) -> None:
    page = _page(
        qtbot,
        _group(
            ("/lib/a/x.jpg", KeptOver("resolution", "2560x1600", "10x10")),
            ("/lib/b/x.jpg", KeptOver("metadata", "GPS", "no camera data")),
            ("/lib/c/x.jpg", KeptOver("tie", "Originals/harbour.jpg", "c/x.jpg")),
        ),
    )
    header = page.group_reason.text()
    assert "Point at a copy for why it was not kept." in header
    assert "equal on every criterion" not in header


def test_reasons_that_named_a_keeper_that_went_are_dropped(qtbot: QtBot) -> None:
    """When the suggested copy is moved away, the window picks another keeper: the copies'
    reasons spoke of the old one and would be false, so they go."""
    session = ReviewSession()
    group = _group(
        ("/lib/a/harbour.jpg", KeptOver("resolution", "2560x1600", "1024x640")),
        ("/lib/b/harbour.jpg", KeptOver("resolution", "2560x1600", "800x500")),
    )
    session.add_groups([group])
    session.drop_files(["/lib/Originals/harbour.jpg"])
    left = session.groups[0]
    assert [m.kept_over for m in left.members] == [None, None]
    assert left.deciding_criterion is None
    # and the old keeper coming back does not bring stale reasons with it
    assert session.restore_files(["/lib/Originals/harbour.jpg"]) == 1
    assert all(m.kept_over is None for m in session.groups[0].members)


def test_an_undone_move_brings_a_copy_back_with_its_reason(qtbot: QtBot) -> None:
    session = ReviewSession()
    reason = KeptOver("resolution", "2560x1600", "1024x640")
    session.add_groups([_group(("/lib/a/harbour.jpg", reason))])
    session.drop_files(["/lib/a/harbour.jpg"])  # the group is left with its keeper alone
    assert session.restore_files(["/lib/a/harbour.jpg"]) == 1
    (group,) = session.groups
    assert [m.kept_over for m in group.members] == [None, reason]


def test_the_tile_says_a_tie_damage_and_a_protected_keeper_in_words(qtbot: QtBot) -> None:
    from ui.format import kept_over_text

    group = _group(
        ("/lib/a/harbour.jpg", KeptOver("tie", "Originals/harbour.jpg", "a/harbour.jpg")),
        ("/lib/b/harbour.jpg", KeptOver("damaged", "intact", "damaged: the file is cut short")),
        ("/lib/c/harbour.jpg", KeptOver("protected", "in a protected folder", "not")),
    )
    keeper = group.members[0]
    assert [kept_over_text(m, keeper) for m in group.members] == [
        "",
        "Why harbour.jpg is suggested instead: the two are equal on every criterion, and "
        "harbour.jpg comes first by name (Originals/harbour.jpg before a/harbour.jpg).",
        "Why harbour.jpg is suggested instead: this copy is damaged: the file is cut short; "
        "harbour.jpg is intact.",
        "Why harbour.jpg is suggested instead: it is in a protected folder, this copy is not.",
    ]


def test_the_report_names_each_criterion_as_the_tile_does(qtbot: QtBot, tmp_path: object) -> None:
    """The HTML and CSV reports say the criterion in the tile's words ("highest
    resolution"), never its key ("resolution", "jpeg_quality")."""
    import csv
    from pathlib import Path

    from cleaner import CRITERIA, write_report
    from tests.helpers.named_copies import named_result
    from ui.format import kept_over_text

    out = Path(str(tmp_path))
    for c in CRITERIA:
        group = _group(("/lib/a/harbour.jpg", KeptOver(c.key, "more", "less")))
        keeper, copy = group.members
        said = kept_over_text(copy, keeper).split("“")[1].split("”")[0]  # the tile's words
        write_report(
            named_result([group], ("/lib",)), {"csv": out / "r.csv", "html": out / "r.html"}
        )
        html = (out / "r.html").read_text(encoding="utf-8")
        assert f"Why the kept copy is preferred ({said}): more vs. less" in html, c.key
        with open(out / "r.csv", encoding="utf-8-sig", newline="") as fh:
            cells = [r["kept_over"] for r in csv.DictReader(fh)]
        assert cells == ["", f"{said}: more vs. less"], c.key
