"""What the quality score is made of, in the window (issue 12, point 3): on hover of the
number on a tile, and in compare, where sharpness is said against the sharpest copy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QFontMetrics, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from cleaner import quality_breakdown, set_language
from cleaner.models import DuplicateGroup, FileEntry, GroupKind, GroupMember
from tests.helpers.synthetic_result import _METRICS
from ui.delegates.tile import PhotoTileDelegate
from ui.models import roles
from ui.models.session import ReviewSession
from ui.quality_popup import show_quality_breakdown
from ui.settings import Settings
from ui.thumbnails import ThumbnailLoader
from ui.translator import install_translators, remove_translators
from ui.widgets.compare_dialog import ROWS, CompareDialog
from ui.widgets.review_page import ReviewPage


def _group() -> DuplicateGroup:
    sharp = replace(_METRICS, width=2560, height=1600, sharpness=355.0)
    png = replace(
        sharp, format="PNG", lossless=True, jpeg_quality=None, camera=None,
        capture_time=None, sharpness=42.0,
    )  # fmt: skip
    members = []
    for k, (path, m) in enumerate(
        [("/lib/Originals/harbour.jpg", sharp), ("/lib/Scans/harbour.png", png)]
    ):
        size = 2_000_000 + k
        members.append(
            GroupMember(
                entry=FileEntry(path, size, 10**18, 1, 700 + k),
                metrics=m,
                sha256=None,
                quality=quality_breakdown(m, size).score,
                distance=0,
                is_keeper=k == 0,
                suggested_remove=k != 0,
            )
        )
    return DuplicateGroup(1, GroupKind.SIMILAR, tuple(members), "kept: sharper", "sharpness")


def _page(qtbot: QtBot) -> ReviewPage:
    session = ReviewSession()
    page = ReviewPage(session, ThumbnailLoader(), Settings())
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitExposed(page)
    session.add_groups([_group()])
    page.finish_loading()
    page.select_group_at(0)
    qtbot.waitUntil(lambda: page.photo_model.rowCount() == 2)
    return page


def test_the_quality_tip_names_every_part_with_points_and_words(qtbot: QtBot) -> None:
    page = _page(qtbot)
    png_row = 1
    member = page.photo_model.member(png_row)
    tip = page.photo_model.index(png_row).data(roles.QualityTipRole)
    lines = tip.splitlines()
    assert lines[0] == f"Quality {member.quality} of 100, made of:"
    assert lines[1].startswith("  Resolution: ")
    assert "  Compression: 25 of 25 — lossless PNG: nothing lost to compression" in lines
    assert "— 34% as sharp as the sharpest" in lines[3]
    assert lines[4] == (
        "  Metadata: 0 of 10 — no camera data, capture date or GPS (5 points each, up to 10)"
    )
    points = [int(line.split(": ", 1)[1].split(" of ")[0]) for line in lines[1:]]
    assert sum(points) == member.quality
    keeper_tip = page.photo_model.index(0).data(roles.QualityTipRole)
    assert "— the sharpest of the set" in keeper_tip


# the offscreen platform cannot raise the tooltip's window; it shows it all the same
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_hovering_the_quality_number_on_a_tile_shows_it(qtbot: QtBot) -> None:
    page = _page(qtbot)
    grid = page.grid
    index = page.photo_model.index(1)
    rect = grid.visualRect(index)
    tile = rect.adjusted(3, 3, -3, -3)
    spot = PhotoTileDelegate.quality_rect(tile, QFontMetrics(grid.font())).center()
    event = QHelpEvent(QEvent.Type.ToolTip, spot, grid.viewport().mapToGlobal(spot))
    QApplication.sendEvent(grid.viewport(), event)
    qtbot.waitUntil(lambda: QToolTip.isVisible())
    assert QToolTip.text() == index.data(roles.QualityTipRole)
    QToolTip.hideText()
    # elsewhere on the tile (the picture), the tile's own tip
    picture = QPoint(tile.center().x(), tile.y() + 40)
    QApplication.sendEvent(
        grid.viewport(),
        QHelpEvent(QEvent.Type.ToolTip, picture, grid.viewport().mapToGlobal(picture)),
    )
    qtbot.waitUntil(lambda: QToolTip.isVisible())
    assert QToolTip.text() == index.data(Qt.ItemDataRole.ToolTipRole)
    QToolTip.hideText()


def test_compare_says_sharpness_in_words_and_explains_the_score(qtbot: QtBot) -> None:
    session = ReviewSession()
    session.add_groups([_group()])
    dialog = CompareDialog(session, 0, [0, 1])
    qtbot.addWidget(dialog)
    row = [name for name, _ in ROWS].index("Sharpness")
    assert [dialog.table.item(row, c).text() for c in range(2)] == [
        "the sharpest of the set",
        "34% as sharp as the sharpest",
    ]
    q = [name for name, _ in ROWS].index("Quality score")
    tip = dialog.table.item(q, 1).toolTip()
    assert tip.startswith(f"Quality {session.groups[0].members[1].quality} of 100, made of:")
    assert "Metadata: 0 of 10" in tip
    # the pictures do not exist: wait until the dialog has said so, then close it
    qtbot.waitUntil(lambda: all("Loading" not in p.loading.text() for p in dialog.panels))
    dialog.done(0)


@pytest.fixture
def spanish(qapp: QApplication) -> Iterator[None]:
    """The window's language is Spanish (as ui/app.py sets it), English again after."""
    set_language("es")
    installed = install_translators(qapp)
    yield
    remove_translators(qapp, installed)
    set_language("en")


# offscreen: the popup's window cannot be raised
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_the_quality_popup_speaks_spanish(qtbot: QtBot, spanish: None) -> None:
    english = [
        "  Resolution: ",
        "  Compression: 25 of 25 — lossless PNG: nothing lost to compression",
        "  Metadata: 0 of 10 — no camera data, capture date or GPS (5 points each, up to 10)",
    ]
    page = _page(qtbot)
    member = page.photo_model.member(1)
    page.grid.setCurrentIndex(page.photo_model.index(1))
    popup = show_quality_breakdown(page.grid)
    assert popup is not None
    qtbot.addWidget(popup)
    lines = popup.label.text().splitlines()
    assert popup.windowTitle() == "De qué se compone la calificación"
    assert lines[0] == f"Calidad {member.quality} de 100, compuesta por:"
    assert re.fullmatch(
        r"  Resolución: \d+ de 40 — 2560x1600, 4[.,]1 megapíxeles "
        r"\(24 o más obtienen la nota máxima\)",
        lines[1],
    ), lines[1]
    assert lines[2] == (
        "  Compresión: 25 de 25 — un PNG sin pérdida: la compresión no le quita nada"
    )
    assert lines[3].endswith("— 34 % de la nitidez de la más nítida") or lines[3].endswith(
        "— 34% de la nitidez de la más nítida"
    ), lines[3]
    assert lines[4] == (
        "  Metadatos: 0 de 10 — sin datos de la cámara, fecha de toma ni GPS "
        "(5 puntos cada uno, hasta 10)"
    )
    assert lines[5] == "  Origen: 5 de 5 — parece un original"
    shown = "\n".join(lines)
    assert not any(e.strip(" :") in shown for e in english)
    popup.close()
