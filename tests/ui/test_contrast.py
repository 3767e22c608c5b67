"""Text the delegates paint reads at WCAG AA (4.5:1) in a light and a dark theme
(issue 16): every text the tile and the set row paint is measured against the colour
actually under it in the painted picture, and the colours no painted case reaches
(server labels, the match pill) are checked directly. Nothing the delegates paint is
large text (18 pt, or 14 pt bold), so 3:1 never applies."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest
from PySide6.QtCore import QModelIndex, QRect
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleFactory,
    QStyleOptionViewItem,
)
from pytestqt.qtbot import QtBot

from cleaner.models import DamageReason, DuplicateGroup
from tests.helpers.synthetic_result import synthetic_groups
from ui.contrast import AA_TEXT, contrast_ratio, relative_luminance
from ui.delegates.group_row import GroupRowDelegate
from ui.delegates.paint import (
    KEEP_HUE,
    KEEPER_HUE,
    LABEL_HUES,
    MATCH_HUE,
    PROTECTED_HUE,
    REMOVE_HUE,
    SPAN_HUE,
    contrast,
    readable,
    text_on,
)
from ui.delegates.tile import PhotoTileDelegate
from ui.models.groups import GroupListModel
from ui.models.photos import PhotoGridModel
from ui.models.session import ReviewSession

R = QPalette.ColorRole


def test_contrast_ratio_follows_wcag() -> None:
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((255, 255, 255), (0, 0, 0)) == pytest.approx(21.0)
    assert contrast_ratio((18, 52, 86), (18, 52, 86)) == pytest.approx(1.0)
    assert relative_luminance((255, 255, 255)) == pytest.approx(1.0)
    # WCAG's worked examples: #777 on white is just under AA, #767676 just over
    assert contrast_ratio((0x77, 0x77, 0x77), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio((0x76, 0x76, 0x76), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)


def light_palette() -> QPalette:
    """What a desktop without a theme gives the app (Fusion's own palette; its
    placeholder text is black at half opacity)."""
    style = QStyleFactory.create("Fusion")
    assert style is not None
    return style.standardPalette()


def dark_palette() -> QPalette:
    """A dark system theme (the one tests/ui/make_screenshots.py uses for SHOTS_DARK)."""
    pal = QPalette()
    for role, colour in (
        (R.Window, "#2b2b2b"), (R.WindowText, "#e6e6e6"), (R.Base, "#1e1e1e"),
        (R.AlternateBase, "#333333"), (R.Text, "#e6e6e6"), (R.Button, "#3a3a3a"),
        (R.ButtonText, "#e6e6e6"), (R.Highlight, "#2f65ca"),
        (R.HighlightedText, "#ffffff"), (R.PlaceholderText, "#9a9a9a"),
        (R.Mid, "#555555"),
    ):  # fmt: skip
        pal.setColor(role, QColor(colour))
    return pal


PALETTES = {"light": light_palette, "dark": dark_palette}


class InkPainter(QPainter):
    """A painter that notes every text drawn: where, what, and in which pen colour."""

    def __init__(self, image: QImage) -> None:
        super().__init__(image)
        self.texts: list[tuple[QRect, str, QColor]] = []

    def drawText(self, *args: object) -> None:  # type: ignore[override]
        if len(args) == 3 and isinstance(args[0], QRect) and isinstance(args[2], str):
            self.texts.append((QRect(args[0]), args[2], QColor(self.pen().color())))
        super().drawText(*args)  # type: ignore[call-overload]


def under(image: QImage, rect: QRect) -> QColor:
    """The colour most of `rect` is painted in: what the text there stands on."""
    rect = rect.intersected(image.rect())
    seen = Counter(
        image.pixel(x, y)
        for x in range(rect.left(), rect.right() + 1)
        for y in range(rect.top(), rect.bottom() + 1)
    )
    return QColor.fromRgb(seen.most_common(1)[0][0])


def faint(painter: InkPainter, image: QImage) -> list[str]:
    """Each painted text under 4.5:1 against what it is painted on."""
    out = []
    for rect, text, ink in painter.texts:
        if not text.strip():
            continue
        background = under(image, rect)
        ratio = contrast(ink, background)
        if ratio < AA_TEXT:
            argb = ink.name(QColor.NameFormat.HexArgb)
            out.append(f"{text!r}: {argb} on {background.name()} is {ratio:.2f}:1")
    return out


def _groups() -> list[DuplicateGroup]:
    """Two sets of three; the second copy of each is damaged (a red pill)."""
    out = []
    for g in synthetic_groups(2, per_group=3):
        members = list(g.members)
        m = members[1]
        assert m.metrics is not None
        metrics = dataclasses.replace(m.metrics, damage=DamageReason.PNG_CHECKSUM)
        members[1] = dataclasses.replace(m, metrics=metrics)
        out.append(dataclasses.replace(g, members=tuple(members)))
    return out


def _session(
    session: ReviewSession | None = None,
) -> tuple[ReviewSession, list[DuplicateGroup]]:
    """Every state a tile shows: kept, marked, the best copy, protected, changed, damaged."""
    groups = _groups()
    session = ReviewSession() if session is None else session
    session.clear([groups[1].members[2].path.rsplit("/", 1)[0]])  # protected: set 1 copy 2
    session.add_groups(groups)
    session.set_changed([groups[1].members[1].path])
    session.set_marks(0, [1, 2], True)
    return session, groups


@pytest.fixture
def view(qtbot: QtBot) -> QListView:
    view = QListView()
    fusion = QStyleFactory.create("Fusion")
    assert fusion is not None
    view.setStyle(fusion)  # the selection is drawn by the style, in the palette's colours
    qtbot.addWidget(view)
    return view


@pytest.mark.parametrize("theme", PALETTES)
def test_every_text_on_a_tile_reads(view: QListView, theme: str) -> None:
    session, groups = _session()
    photos = PhotoGridModel(session)
    delegate = PhotoTileDelegate()
    palette = PALETTES[theme]()
    option = QStyleOptionViewItem()
    option.palette = palette
    option.widget = view
    size = delegate.sizeHint(option, photos.index(0))
    option.rect = QRect(0, 0, size.width(), size.height())
    problems: list[str] = []
    painted: list[str] = []
    for row in range(len(groups)):
        photos.set_group(row)
        for r in range(3):
            for selected in (False, True):
                painter, image = _paint(delegate, option, photos.index(r), selected)
                problems += faint(painter, image)
                painted += [t for _, t, _ in painter.texts]
    assert {"✓  Keep", "✗  Remove", "★ Best copy", "⚠ Damaged", "Loading…"} <= set(painted)
    assert any(t.startswith("Always kept") for t in painted)
    assert any(t.startswith("Kept") for t in painted)  # changed since saved
    assert not problems, f"{theme}: " + "; ".join(sorted(set(problems)))


def _paint(
    delegate: QStyledItemDelegate,
    option: QStyleOptionViewItem,
    index: QModelIndex,
    selected: bool,
) -> tuple[InkPainter, QImage]:
    """One item painted by `delegate` on the palette's base colour, selected or not."""
    image = QImage(option.rect.size(), QImage.Format.Format_RGB32)
    image.fill(option.palette.color(R.Base))
    option.state = QStyle.StateFlag.State_Enabled | (
        QStyle.StateFlag.State_Selected if selected else QStyle.StateFlag.State_None
    )
    painter = InkPainter(image)
    delegate.paint(painter, option, index)
    painter.end()
    return painter, image


@pytest.mark.parametrize("theme", PALETTES)
def test_every_text_on_a_set_row_reads(view: QListView, theme: str) -> None:
    """The red "2 to remove" on the dark list was 3:1 (issue 16)."""
    session = ReviewSession()
    rows = GroupListModel(session)  # listening before the sets arrive
    session, groups = _session(session)
    delegate = GroupRowDelegate()
    palette = PALETTES[theme]()
    view.setPalette(palette)
    option = QStyleOptionViewItem()
    option.palette = palette
    option.widget = view
    option.font = QFont(view.font())
    size = delegate.sizeHint(option, rows.index(0))
    option.rect = QRect(0, 0, size.width(), size.height())
    problems: list[str] = []
    painted: list[str] = []
    for row in range(len(groups)):
        for selected in (False, True):
            painter, image = _paint(delegate, option, rows.index(row), selected)
            problems += faint(painter, image)
            painted += [t for _, t, _ in painter.texts]
    assert any("to remove" in t for t in painted), painted
    assert "Nothing marked" in painted
    assert not problems, f"{theme}: " + "; ".join(sorted(set(problems)))


@pytest.mark.parametrize("theme", PALETTES)
def test_colours_no_painted_case_reaches_read_too(qtbot: QtBot, theme: str) -> None:
    """Server labels, the match pill and a set on several servers need catalogs to be
    painted: their colours are checked as the delegates use them."""
    palette = PALETTES[theme]()
    base = palette.color(R.Base)
    from ui.delegates.group_row import line_inks

    for hue in (*LABEL_HUES, MATCH_HUE, KEEPER_HUE, REMOVE_HUE, PROTECTED_HUE, KEEP_HUE, SPAN_HUE):
        assert contrast(text_on(hue), hue) >= AA_TEXT, hue.name()
    spans = line_inks(palette, selected=False, marked=True, spans=True)
    assert all(contrast(ink, base) >= AA_TEXT for ink in spans), [c.name() for c in spans]


def test_readable_keeps_a_colour_that_already_reads() -> None:
    white = QColor("white")
    assert readable(QColor("#000000"), white).name() == "#000000"
    assert readable(QColor(198, 40, 40), white).name() == QColor(198, 40, 40).name()
    lifted = readable(QColor(198, 40, 40), QColor("#1e1e1e"))  # red on a dark list
    assert contrast(lifted, QColor("#1e1e1e")) >= AA_TEXT
    assert lifted.red() > lifted.green()  # still red
    assert QApplication.instance() is not None
