"""The keyboard's place in the grid can be seen (issue 16): the current tile of a
focused grid has a solid ring at least 2 px thick and at least 3:1 against the card
(WCAG 2.4.11), in a light and a dark theme, also when the tile is selected (the
selection's own border is the Highlight colour, so a Highlight ring vanished in it)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QListView, QStyle, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from tests.ui.test_contrast import PALETTES, _session
from ui.delegates.paint import contrast
from ui.delegates.tile import PhotoTileDelegate, card_colour
from ui.models.photos import PhotoGridModel

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
