"""Tiles and set rows say to a screen reader what they show (issue 16): every state a
tile paints (Keep or Remove, best copy, protected, changed, damaged, its server) is in
its accessible text, why it is kept or not is its description, and a set row says what
is marked and where its copies are."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from tests.helpers.catalogs import make_estate
from tests.ui.test_contrast import InkPainter, _session
from ui.delegates.tile import PhotoTileDelegate
from ui.main_window import MainWindow
from ui.models import roles
from ui.models.groups import GroupListModel
from ui.models.photos import PhotoGridModel
from ui.models.session import ReviewSession

TEXT = Qt.ItemDataRole.AccessibleTextRole
DESCRIPTION = Qt.ItemDataRole.AccessibleDescriptionRole
# what a tile paints -> what its accessible text must say
SPOKEN = {
    "✓  Keep": "kept",
    "✗  Remove": "marked for removal",
    "★ Best copy": "suggested keeper",
    "Protected": "protected",
    "Always kept (protected)": "protected",
    "Changed since saved": "changed",
    "Kept: scan again to review": "changed",
    "⚠ Damaged": "damaged",
}


def test_a_tile_says_everything_it_paints(qtbot: QtBot) -> None:
    session, groups = _session()
    photos = PhotoGridModel(session)
    delegate = PhotoTileDelegate()
    option = QStyleOptionViewItem()
    size = delegate.sizeHint(option, photos.index(0))
    option.rect = QRect(0, 0, size.width(), size.height())
    said: set[str] = set()
    for row in range(len(groups)):
        photos.set_group(row)
        for r in range(photos.rowCount()):
            index = photos.index(r)
            image = QImage(size, QImage.Format.Format_RGB32)
            painter = InkPainter(image)
            delegate.paint(painter, option, index)
            painter.end()
            text = index.data(TEXT)
            assert text.startswith(index.data(Qt.ItemDataRole.DisplayRole) + ", ")
            for _, painted, _ in painter.texts:
                if painted in SPOKEN:
                    assert SPOKEN[painted] in text, (painted, text)
                    said.add(painted)
            description = index.data(DESCRIPTION)
            assert description.endswith("Press Space to keep or remove it."), description
            assert len(description) > len("Press Space to keep or remove it."), description
    assert {"✓  Keep", "✗  Remove", "★ Best copy", "⚠ Damaged"} <= said


def test_a_set_row_says_what_is_marked_and_why(qtbot: QtBot) -> None:
    session = ReviewSession()
    rows = GroupListModel(session)
    _session(session)
    texts = [rows.index(r).data(TEXT) for r in range(rows.rowCount())]
    assert any(", 2 marked, " in t for t in texts), texts
    assert any(t.endswith(", nothing marked") for t in texts), texts
    for r in range(rows.rowCount()):
        description = rows.index(r).data(DESCRIPTION)
        assert description.startswith("Suggested to keep"), description
        assert " Kept copy in " in description, description


def test_a_catalog_review_says_which_server(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """The tile's server label and the row's "On 2 servers" are spoken too."""
    estate = make_estate(tmp_path / "estate", sets=8, across=4)
    with qtbot.waitSignal(window.scanner.finished, timeout=120_000):
        window.catalogs.start([str(estate.a), str(estate.b)], ())
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.review_page)
    rp = window.review_page
    spanning = [
        r
        for r in range(rp.group_model.rowCount())
        if "servers:" in rp.group_model.index(r).data(TEXT)
    ]
    assert spanning  # the estate has sets across both servers
    rp.select_group_at(spanning[0])
    labels = set()
    for r in range(rp.photo_model.rowCount()):
        index = rp.photo_model.index(r)
        label = index.data(roles.LabelRole)
        assert f", on {label}, in " in index.data(TEXT)
        labels.add(label)
    assert len(labels) == 2
