"""The Qt models, checked by QAbstractItemModelTester while they change."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from cleaner.models import DuplicateGroup, SkippedFile, SkipReason
from tests.helpers.synthetic_result import synthetic_groups
from ui.models import roles
from ui.models.groups import GroupListModel
from ui.models.photos import PhotoGridModel
from ui.models.session import ReviewSession
from ui.models.skipped import SkippedModel

FAIL = QAbstractItemModelTester.FailureReportingMode.Fatal


def _varied_groups() -> list[DuplicateGroup]:
    """Groups of different sizes, savings and folders."""
    groups = synthetic_groups(6, per_group=2)
    out = []
    for n, g in enumerate(groups):
        extra = tuple(
            replace(g.members[1], entry=replace(g.members[1].entry, path=f"/x/f{n}/extra{k}.jpg"))
            for k in range(n % 3)
        )
        out.append(replace(g, members=g.members + extra))
    return out


@pytest.fixture
def session(qtbot: QtBot) -> ReviewSession:
    return ReviewSession()


def test_models_pass_the_model_tester_through_inserts_marks_and_resets(
    session: ReviewSession, qtbot: QtBot
) -> None:
    groups = GroupListModel(session)
    photos = PhotoGridModel(session)
    skipped = SkippedModel(session)
    testers = [QAbstractItemModelTester(m, FAIL) for m in (groups, photos, skipped)]
    session.add_groups(_varied_groups()[:3])
    session.add_groups(_varied_groups()[3:])
    photos.set_group(2)
    session.toggle(2, 1)
    session.apply_suggestions()
    groups.set_sort_by("copies")
    groups.set_min_copies(3)
    session.add_groups(_varied_groups())  # arriving while filtered
    groups.set_min_copies(0)
    groups.resort()
    session.add_skipped([SkippedFile("/a/b.jpg", SkipReason.CORRUPT, "bad header")])
    photos.set_group(0)
    session.clear()
    assert groups.rowCount() == 0
    assert photos.rowCount() == 0
    assert skipped.rowCount() == 0
    assert len(testers) == 3


def test_group_rows_expose_python_values(session: ReviewSession, qtbot: QtBot) -> None:
    model = GroupListModel(session)
    session.add_groups(_varied_groups())
    idx = model.index(1)
    group = session.groups[1]
    assert idx.data(roles.GroupRole) is group
    assert idx.data(roles.CopiesRole) == group.size
    assert idx.data(roles.ReclaimRole) == group.reclaimable_bytes
    assert idx.data(roles.MarkedCountRole) == group.size - 1
    assert "copies of IMG_000001.jpg" in idx.data(Qt.ItemDataRole.DisplayRole)
    assert "Suggested to keep" in idx.data(Qt.ItemDataRole.ToolTipRole)


@pytest.mark.parametrize("key", ["space", "copies", "folder"])
def test_groups_sort_on_python_values(session: ReviewSession, qtbot: QtBot, key: str) -> None:
    model = GroupListModel(session)
    big = _varied_groups()
    # a reclaimable size beyond 32 bits must still sort right (Qt's own sort truncates it)
    huge = replace(big[0].members[1], entry=replace(big[0].members[1].entry, size=5 * 2**32))
    big[0] = replace(big[0], members=(big[0].members[0], huge))
    session.add_groups(big)
    model.set_sort_by(key)
    shown = [model.index(r, 0).data(roles.GroupRole) for r in range(model.rowCount())]
    if key == "space":
        values = [g.reclaimable_bytes for g in shown]
        assert values == sorted(values, reverse=True)
        assert shown[0] is big[0]
    elif key == "copies":
        values = [g.size for g in shown]
        assert values == sorted(values, reverse=True)
    else:
        folders = [g.keeper.path.rsplit("/", 1)[0].casefold() for g in shown]
        assert folders == sorted(folders)


def test_filter_more_than_n_copies(session: ReviewSession, qtbot: QtBot) -> None:
    model = GroupListModel(session)
    session.add_groups(_varied_groups())  # sizes 2, 3, 4, 2, 3, 4
    assert model.rowCount() == 6
    model.set_min_copies(3)
    assert model.rowCount() == 2
    assert all(model.index(r, 0).data(roles.CopiesRole) > 3 for r in range(2))
    model.set_min_copies(0)
    assert model.rowCount() == 6


def test_photo_grid_puts_the_keeper_first_and_marks_through_the_session(
    session: ReviewSession, qtbot: QtBot
) -> None:
    groups = synthetic_groups(1, per_group=3)
    g = groups[0]
    # keeper last in the engine's order
    members = (g.members[1], g.members[2], g.members[0])
    session.add_groups([replace(g, members=members)])
    photos = PhotoGridModel(session)
    photos.set_group(0)
    assert photos.index(0).data(roles.KeeperRole) is True
    assert photos.index(0).data(roles.MarkedRole) is False
    assert photos.member_index(0) == 2
    assert [photos.index(r).data(roles.MarkedRole) for r in range(3)] == [False, True, True]
    with qtbot.waitSignal(photos.markRefused, timeout=1000) as refused:
        assert not photos.setData(photos.index(0), True, roles.MarkedRole)
    assert "always kept" in refused.args[0]
    assert photos.setData(photos.index(1), False, roles.MarkedRole)
    assert not session.is_marked(0, 0)  # row 1 is member 0
    assert photos.toggle([1, 2])  # one of them kept: both get marked, the keeper stays
    assert [session.is_marked(0, i) for i in range(3)] == [True, True, False]
    with qtbot.waitSignal(photos.markRefused, timeout=1000):
        assert not photos.toggle([0])  # the last kept copy
    assert photos.toggle([1])  # all marked: unmark
    assert not session.is_marked(0, 0)


def test_skipped_rows_say_why(session: ReviewSession, qtbot: QtBot) -> None:
    model = SkippedModel(session)
    session.add_skipped([SkippedFile("/p/q/r.jpg", SkipReason.PERMISSION_DENIED)])
    assert model.index(0, 0).data() == "r.jpg"
    assert model.index(0, 1).data() == "/p/q"
    assert model.index(0, 2).data() == "Permission denied"
    assert "permission denied" in model.as_text()


def test_resort_keeps_the_current_group_selected(session: ReviewSession, qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QListView

    model = GroupListModel(session)
    session.add_groups(_varied_groups())
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setCurrentIndex(model.index(4))
    chosen = model.index(4).data(roles.GroupRole)
    for key in ("copies", "folder", "space"):
        model.set_sort_by(key)
        assert view.currentIndex().data(roles.GroupRole) is chosen
        row = view.currentIndex().row()
        assert model.session_row(row) == session.groups.index(chosen)
        assert model.view_row(model.session_row(row)) == row


def test_models_pass_the_model_tester_when_moved_files_go_and_come_back(
    session: ReviewSession, qtbot: QtBot
) -> None:
    groups = GroupListModel(session)
    photos = PhotoGridModel(session)
    testers = [QAbstractItemModelTester(m, FAIL) for m in (groups, photos)]
    session.add_groups(_varied_groups())  # sizes 2, 3, 4, 2, 3, 4
    groups.set_sort_by("copies")
    shown = groups.session_row(0)  # a group with 4 copies, shown in the grid
    photos.set_group(shown)
    big = session.groups[shown]
    keeper = big.keeper.path
    two = [keeper, next(m.path for m in reversed(big.members) if not m.is_keeper)]
    gone_groups = [g for g in session.groups if g.size == 2]
    gone = two + [g.members[1].path for g in gone_groups]
    before = {g.id: [m.path for m in g.members] for g in session.groups}

    summary = session.drop_files(gone)
    assert summary.groups_removed == len(gone_groups) == 2
    assert summary.files == 4
    assert groups.rowCount() == 4
    assert all(g.size >= 2 for g in session.groups)
    # the grid follows its group to its new row, minus the two copies; the keeper went,
    # so the best copy left is the keeper now
    assert photos.group is not None
    assert photos.group.id == big.id
    assert photos.rowCount() == 2
    assert sum(m.is_keeper for m in photos.group.members) == 1
    assert photos.group.keeper.path != keeper
    assert session.marked_count == sum(session.marked_in_group(r) for r in range(len(session)))

    # one more copy goes: one copy left, so the group goes and the grid shows nothing
    third = photos.group.members[0].path
    session.drop_files([third])
    assert photos.group is None
    assert photos.rowCount() == 0
    assert groups.rowCount() == 3
    gone.append(third)

    back = session.restore_files(gone)
    assert groups.rowCount() == 6
    after = {g.id: sorted(m.path for m in g.members) for g in session.groups}
    assert after == {gid: sorted(paths) for gid, paths in before.items()}
    assert back == len(gone) == 5
    assert all(sum(m.is_keeper for m in g.members) == 1 for g in session.groups)
    # what came back shows the scan's suggestion again: copies suggested for removal are
    # marked, the rest kept (issue 12)
    assert session.marked_count == sum(session.marked_in_group(r) for r in range(len(session)))
    photos.set_group(session.row_of_group(big.id))
    assert photos.rowCount() == 4
    row = photos.group_row
    members = session.groups[row].members
    assert [session.is_marked(row, i) for i in range(4)] == [m.suggested_remove for m in members]
    assert session.marked_in_group(row) == sum(m.suggested_remove for m in members) >= 1
    del testers


def test_a_damaged_copy_says_so_in_its_tooltip(session: ReviewSession, qtbot: QtBot) -> None:
    from cleaner.models import DamageReason

    groups = _varied_groups()
    member = groups[0].members[1]
    assert member.metrics is not None
    broken = replace(
        member,
        metrics=replace(member.metrics, damage=DamageReason.PNG_CHECKSUM, damage_detail="IDAT"),
    )
    groups[0] = replace(groups[0], members=(groups[0].members[0], broken))
    session.add_groups(groups)
    photos = PhotoGridModel(session)
    photos.set_group(0)
    tips = [photos.index(r).data(Qt.ItemDataRole.ToolTipRole) for r in range(2)]
    assert "Damaged: a checksum inside the PNG file does not match (IDAT)" in tips[1]
    assert "amaged" not in tips[0]


def test_a_damaged_copy_wears_a_red_badge_on_its_tile(session: ReviewSession, qtbot: QtBot) -> None:
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtWidgets import QStyleOptionViewItem

    from cleaner.models import DamageReason
    from ui.delegates.paint import REMOVE_HUE
    from ui.delegates.tile import TILE, PhotoTileDelegate

    groups = _varied_groups()
    member = groups[0].members[1]
    assert member.metrics is not None
    broken = replace(member, metrics=replace(member.metrics, damage=DamageReason.TRUNCATED))
    groups[0] = replace(groups[0], members=(groups[0].members[0], broken))
    session.add_groups(groups)
    photos = PhotoGridModel(session)
    delegate = PhotoTileDelegate()

    def badge_pixels(group_row: int) -> int:
        photos.set_group(group_row)
        image = QImage(TILE, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        option = QStyleOptionViewItem()
        option.rect = image.rect()
        delegate.paint(painter, option, photos.index(1))
        painter.end()
        red = 0
        for y in range(8, 40):  # the strip of pills on top of the picture
            for x in range(8, TILE.width() - 8):
                c = image.pixelColor(x, y)
                red += abs(c.red() - REMOVE_HUE.red()) + abs(c.green() - REMOVE_HUE.green()) < 40
        return red

    assert badge_pixels(0) > 200
    assert badge_pixels(1) == 0
