"""The window says what matched each copy (issue 13, "say how sure"): a short phrase on
the copy's tile ("Turned 90° left", "Cropped", "Exact copy"), the numbers in its tooltip,
and nothing at all where a result did not record it. At a real size: thousands of sets,
loaded from a result file and sent to the review in the scan's growing batches."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from cleaner import load_result, save_result
from cleaner.models import DuplicateGroup, MatchEvidence, MatchKind, MatchSearch, ScanResult
from tests.helpers.synthetic_result import synthetic_result
from ui.delegates.tile import IMAGE, PAD, PhotoTileDelegate
from ui.models import roles
from ui.models.session import ReviewSession
from ui.settings import Settings
from ui.thumbnails import ThumbnailLoader
from ui.widgets.review_page import ReviewPage
from ui.workers.base import drain_pools

SETS = 3000


def _with_evidence(group: DuplicateGroup) -> DuplicateGroup:
    """Copy 1 turned a quarter turn left from the keeper, copy 2 a crop of it."""
    keeper = group.members[0].path
    turned = MatchEvidence(MatchKind.TURNED, keeper, MatchSearch.HASH, "rotate90", 6, 0.9731)
    crop = MatchEvidence(
        MatchKind.CROPPED, keeper, MatchSearch.CROP, "identity", 4, 0.912,
        window=(0.04, 0.04, 0.96, 0.96),
    )  # fmt: skip
    members = (
        group.members[0],
        replace(group.members[1], match=turned),
        replace(group.members[2], match=crop),
    )
    return replace(group, members=members)


def _page(qtbot: QtBot, result: ScanResult) -> ReviewPage:
    session = ReviewSession()
    page = ReviewPage(session, ThumbnailLoader(), Settings())
    qtbot.addWidget(page)
    start, batch = 0, 16  # as the scan sends them: 16, 32, 64, ... 1024 at a time
    while start < len(result.groups):
        session.add_groups(list(result.groups[start : start + batch]))
        start += batch
        batch = min(batch * 2, 1024)
    page.finish_loading()
    return page


def _show(qtbot: QtBot, page: ReviewPage, gid: int) -> None:
    model = page.group_model
    view_row = next(
        r for r in range(model.rowCount()) if page.session.groups[model.session_row(r)].id == gid
    )
    page.select_group_at(view_row)
    qtbot.waitUntil(lambda: page.photo_model.group is not None)
    qtbot.waitUntil(lambda: page.photo_model.group.id == gid)


def _saved(tmp_path: Path, result: ScanResult) -> ScanResult:
    path = tmp_path / "result.json"
    save_result(result, path)
    return load_result(path)


def test_each_copy_tile_says_what_matched_it(qtbot: QtBot, tmp_path: Path) -> None:
    result = synthetic_result(SETS)
    result = replace(result, groups=tuple(_with_evidence(g) for g in result.groups))
    page = _page(qtbot, _saved(tmp_path, result))
    assert len(page.session.groups) == SETS
    _show(qtbot, page, 2500)  # far past the first batches
    model = page.photo_model
    assert [model.index(r).data(roles.MatchRole) for r in range(3)] == [
        "",  # the keeper: what the others matched
        "Turned 90° left",
        "Cropped",
    ]
    tip = model.index(1).data(0x0003)  # Qt.ToolTipRole
    assert "How it matched: The same picture as the kept copy (IMG_002499.jpg)" in tip
    assert "turned 90° left" in tip
    assert "Hash 6 of 64 bits apart, thumbnails 97% alike." in tip
    crop_tip = model.index(2).data(0x0003)
    assert "A cropped part of the kept copy (IMG_002499.jpg): it shows about 85% of it." in crop_tip
    assert "How it matched" not in model.index(0).data(0x0003)
    assert "turned 90° left" in model.index(1).data(0x000B)  # Qt.AccessibleTextRole


def test_an_old_result_shows_nothing_rather_than_a_guess(qtbot: QtBot, tmp_path: Path) -> None:
    page = _page(qtbot, _saved(tmp_path, synthetic_result(40)))
    _show(qtbot, page, 37)
    model = page.photo_model
    assert [model.index(r).data(roles.MatchRole) for r in range(3)] == ["", "", ""]
    assert all("How it matched" not in model.index(r).data(0x0003) for r in range(3))


def test_the_phrase_is_painted_on_the_picture(qtbot: QtBot, tmp_path: Path) -> None:
    result = synthetic_result(40)
    result = replace(result, groups=tuple(_with_evidence(g) for g in result.groups))
    page = _page(qtbot, result)
    _show(qtbot, page, 3)
    delegate = PhotoTileDelegate()
    option = QStyleOptionViewItem()
    option.initFrom(page.grid)
    size = delegate.sizeHint(option, page.photo_model.index(0))
    option.rect = QRect(QPoint(0, 0), size)
    # where the phrase goes: the bottom left of the picture area
    pill_area = QRect(PAD + 3, PAD + 3 + IMAGE.height() - 30, 120, 26)

    def painted(row: int) -> QImage:
        image = QImage(QSize(size), QImage.Format.Format_ARGB32)
        image.fill(0xFFFFFFFF)
        painter = QPainter(image)
        delegate.paint(painter, option, page.photo_model.index(row))
        painter.end()
        return image.copy(pill_area)

    keeper, turned = painted(0), painted(1)
    drain_pools()  # painting asked for previews (of files that do not exist)
    assert keeper != turned  # the keeper has no phrase; the turned copy has one
    # the slate pill is dark where the keeper's picture area is its light placeholder
    dark = sum(
        1
        for x in range(pill_area.width())
        for y in range(pill_area.height())
        if turned.pixelColor(x, y).lightness() < 90
    )
    assert dark > 200


def test_a_copy_compared_with_another_copy_says_so_only_in_its_tooltip(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The tile shows its phrase beside the kept copy: a copy compared with the set's
    centre (a crop of a turned copy) says nothing there, and its tooltip names the
    centre. When a file the evidence speaks of leaves the set, nothing is said of it."""
    result = synthetic_result(40)
    result = replace(result, groups=tuple(_with_evidence(g) for g in result.groups))
    group = result.groups[5]
    centre = group.members[1].path
    crop = group.members[2].match
    assert crop is not None
    moved = replace(group.members[2], match=replace(crop, against=centre))
    result = replace(
        result,
        groups=(
            *result.groups[:5],
            replace(group, members=(*group.members[:2], moved)),
            *result.groups[6:],
        ),
    )
    page = _page(qtbot, result)
    _show(qtbot, page, group.id)
    model = page.photo_model
    assert model.index(2).data(roles.MatchRole) == ""
    tip = model.index(2).data(0x0003)
    assert f"How it matched: A cropped part of {Path(centre).name}" in tip
    assert "the kept copy" not in tip.split("How it matched:")[1]
    # the turned copy (the centre the crop was compared with) goes to the trash
    page.session.drop_files([centre])
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    assert "How it matched" not in model.index(1).data(0x0003)
