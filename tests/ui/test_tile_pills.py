"""The labels on a tile's picture ("★ Best copy", "Changed since saved", "Protected",
"⚠ Damaged") and the Keep / Remove bar's label fit the tile at its smallest size: every
text the tile paints fits the rectangle it is painted in, and no pill reaches past the
picture (never clipped mid-letter by the tile's edge). Checked by recording what the
delegate paints, in the usual font and larger ones."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from cleaner.models import DamageReason, DuplicateGroup
from tests.helpers.synthetic_result import synthetic_groups
from ui.delegates.tile import IMAGE, PAD, TILE, PhotoTileDelegate
from ui.models.photos import PhotoGridModel
from ui.models.session import ReviewSession


class RecordingPainter(QPainter):
    """A painter that notes every text drawn: where, what and in which font."""

    def __init__(self, image: QImage) -> None:
        super().__init__(image)
        self.texts: list[tuple[QRect, str, QFont]] = []

    def drawText(self, *args: object) -> None:  # type: ignore[override]
        if len(args) == 3 and isinstance(args[0], QRect) and isinstance(args[2], str):
            self.texts.append((QRect(args[0]), args[2], QFont(self.font())))
        super().drawText(*args)  # type: ignore[call-overload]


def _groups() -> list[DuplicateGroup]:
    """Three sets of three; copy 2 of set 1 and set 2 is damaged."""
    groups = synthetic_groups(3, per_group=3)
    out = []
    for n, g in enumerate(groups):
        members = list(g.members)
        if n in (1, 2):
            for k in (0, 2):
                m = members[k]
                assert m.metrics is not None
                metrics = dataclasses.replace(m.metrics, damage=DamageReason.PNG_CHECKSUM)
                members[k] = dataclasses.replace(m, metrics=metrics)
        out.append(dataclasses.replace(g, members=tuple(members)))
    return out


PLACEHOLDERS = ("Loading…", "No preview")  # said on the picture while it has none
LARGE = 14.0


@pytest.mark.parametrize("points", [None, 11.0, LARGE])
def test_every_pill_fits_the_smallest_tile(qtbot: QtBot, points: float | None) -> None:
    groups = _groups()
    session = ReviewSession()
    session.clear([groups[2].members[1].path.rsplit("/", 1)[0]])  # copy1 of set 2: protected
    session.add_groups(groups)
    # changed: the keeper of every set, copy 2 of set 0 and set 1
    session.set_changed(
        [g.members[0].path for g in groups] + [groups[0].members[2].path, groups[1].members[2].path]
    )
    photos = PhotoGridModel(session)
    delegate = PhotoTileDelegate()
    option = QStyleOptionViewItem()
    font = QFont(option.font)
    if points is not None:
        font.setPointSizeF(points)
    option.font = font
    size = delegate.sizeHint(option, photos.index(0))
    assert size.width() == TILE.width()  # the smallest tile: tiles never get narrower
    option.rect = QRect(0, 0, size.width(), size.height())
    picture = QRect(0, 0, size.width(), size.height()).adjusted(3 + PAD, 3 + PAD, -3 - PAD, 0)
    picture.setHeight(IMAGE.height())
    pills: list[str] = []
    for row in range(len(groups)):
        photos.set_group(row)
        for r in range(3):
            image = QImage(size, QImage.Format.Format_ARGB32)
            painter = RecordingPainter(image)
            delegate.paint(painter, option, photos.index(r))
            painter.end()
            for rect, text, used in painter.texts:
                on_picture = picture.contains(rect.topLeft()) and text not in PLACEHOLDERS
                advance = QFontMetrics(used).horizontalAdvance(text)
                assert advance <= rect.width(), (text, advance, rect)
                assert option.rect.contains(rect), (text, rect)
                if on_picture:  # a pill
                    assert picture.contains(rect), (text, rect, picture)
                    pills.append(text)
    assert {"★ Best copy", "⚠ Damaged", "Protected"} <= set(pills)
    assert any(p.startswith("Changed") for p in pills)
    assert not [p for p in pills if "…" in p and points is None]  # the usual font: no elision
