"""The keyboard's place in the grid can be seen (issue 16): the current tile of a
focused grid has a solid ring at least 2 px thick and at least 3:1 against the card
(WCAG 2.4.11), in a light and a dark theme, also when the tile is selected (the
selection's own border is the Highlight colour, so a Highlight ring vanished in it)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QListView, QStyle, QStyleFactory, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from tests.ui.test_contrast import PALETTES, _session
from ui.delegates.group_row import GroupRowDelegate
from ui.delegates.paint import contrast
from ui.delegates.tile import PhotoTileDelegate, card_colour
from ui.models import roles
from ui.models.groups import GroupListModel
from ui.models.photos import PhotoGridModel
from ui.models.session import ReviewSession

State = QStyle.StateFlag


def paint(palette: QPalette, state: QStyle.StateFlag, row: int) -> tuple[QImage, QColor]:
    session, _ = _session()
    photos = PhotoGridModel(session)
    photos.set_group(0)
    delegate = PhotoTileDelegate()
    option = QStyleOptionViewItem()
    option.palette = palette
    option.widget = QListView()
    size = delegate.sizeHint(option, photos.index(0))
    option.rect = QRect(0, 0, size.width(), size.height())
    option.state = State.State_Enabled | state
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(palette.color(QPalette.ColorRole.Base))
    from tests.ui.test_contrast import InkPainter

    painter = InkPainter(image)
    index = photos.index(row)
    delegate.paint(painter, option, index)
    painter.end()
    marked = bool(session.is_marked(0, photos.member_index(row)))
    return image, card_colour(palette, marked)


def ring_width(image: QImage, card: QColor, y: int) -> int:
    """How many pixels, between the tile's border and its picture on row `y`, stand out
    from the card by 3:1 or more."""
    return sum(1 for x in range(6, 11) if contrast(QColor(image.pixel(x, y)), card) >= 3.0)


@pytest.mark.parametrize("theme", PALETTES)
@pytest.mark.parametrize("selected", [False, True])
@pytest.mark.parametrize("row", [0, 1])  # the kept copy, a copy marked to go
def test_the_current_tile_of_a_focused_grid_has_a_ring(
    qtbot: QtBot, theme: str, selected: bool, row: int
) -> None:
    palette = PALETTES[theme]()
    base = State.State_Selected if selected else State.State_None
    plain, card = paint(palette, base, row)
    focused, _ = paint(palette, base | State.State_HasFocus, row)
    for y in (80, 150, 240):  # down the tile's left side, clear of the rounded corners
        assert ring_width(plain, card, y) == 0
        assert ring_width(focused, card, y) >= 2, (theme, selected, y)


@pytest.mark.parametrize("theme", PALETTES)
@pytest.mark.parametrize("selected", [False, True])
@pytest.mark.parametrize("row", [0, 1])  # a set with copies marked, one with none
def test_the_current_set_row_of_a_focused_list_has_a_ring(
    qtbot: QtBot, theme: str, selected: bool, row: int
) -> None:
    """The set list's rows are painted by the window too: its current row has the same
    ring, at least 2 px thick and 3:1 against the row painted without the focus."""
    session = ReviewSession()
    sets = GroupListModel(session)  # listening before the sets arrive
    session, _ = _session(session)
    session.set_marks(1, [0, 1, 2], False)
    assert sets.index(row, 0).data(roles.GroupRole) is not None
    delegate = GroupRowDelegate()
    option = QStyleOptionViewItem()
    option.palette = PALETTES[theme]()
    view = QListView()
    fusion = QStyleFactory.create("Fusion")
    assert fusion is not None
    view.setStyle(fusion)  # the selection is drawn by the style, in the palette's colours
    qtbot.addWidget(view)
    option.widget = view
    size = delegate.sizeHint(option, sets.index(row, 0))
    option.rect = QRect(0, 0, 360, size.height())

    def painted(focus: bool) -> QImage:
        image = QImage(option.rect.size(), QImage.Format.Format_RGB32)
        image.fill(option.palette.color(QPalette.ColorRole.Base))
        option.state = (
            State.State_Enabled
            | (State.State_Selected if selected else State.State_None)
            | (State.State_HasFocus if focus else State.State_None)
        )
        painter = QPainter(image)
        delegate.paint(painter, option, sets.index(row, 0))
        painter.end()
        return image

    plain, focused = painted(False), painted(True)
    for y in (20, size.height() // 2, size.height() - 20):  # down the row's left edge
        changed = [
            x
            for x in range(0, 6)
            if contrast(QColor(focused.pixel(x, y)), QColor(plain.pixel(x, y))) >= 3.0
        ]
        assert len(changed) >= 2, (theme, selected, row, y)
    for x in (60, 200, 340):  # and along its top
        changed = [
            y
            for y in range(0, 6)
            if contrast(QColor(focused.pixel(x, y)), QColor(plain.pixel(x, y))) >= 3.0
        ]
        assert len(changed) >= 2, (theme, selected, row, x)
