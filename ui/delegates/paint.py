"""Small painting helpers shared by the delegates: colours that work in light and dark."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPixmap

from cleaner import _
from ui.contrast import AA_TEXT, RGB, contrast_ratio

KEEP_HUE = QColor(46, 125, 50)  # green
REMOVE_HUE = QColor(198, 40, 40)  # red
PROTECTED_HUE = QColor(21, 101, 192)  # blue
KEEPER_HUE = QColor(230, 160, 0)  # amber
MATCH_HUE = QColor(55, 65, 81)  # slate: what matched a copy, on its picture
SPAN_HUE = QColor(106, 27, 154)  # purple: a set whose copies are on several servers
# server labels (a review of catalogs): dark enough for white text, told apart at a glance
LABEL_HUES = (
    QColor(0, 105, 92),  # teal
    QColor(94, 53, 177),  # violet
    QColor(173, 20, 87),  # plum
    QColor(69, 90, 100),  # blue grey
    QColor(130, 80, 20),  # brown
    QColor(40, 53, 147),  # indigo
)


def label_hue(label: str) -> QColor:
    """The colour of a server label: the same label always gets the same colour."""
    return LABEL_HUES[zlib.crc32(label.encode("utf-8", "surrogatepass")) % len(LABEL_HUES)]


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def tint(palette: QPalette, hue: QColor, strength: float) -> QColor:
    """`hue` mixed into the base colour: readable tints in both light and dark themes."""
    base = palette.color(QPalette.ColorRole.Base)
    s = min(1.0, strength * (1.4 if is_dark(palette) else 1.0))
    return QColor(
        round(base.red() * (1 - s) + hue.red() * s),
        round(base.green() * (1 - s) + hue.green() * s),
        round(base.blue() * (1 - s) + hue.blue() * s),
    )


def _rgb(colour: QColor) -> RGB:
    return colour.red(), colour.green(), colour.blue()


def _mix(a: QColor, b: QColor, s: float) -> QColor:
    """`b` mixed into `a` by `s` (0 to 1), opaque."""
    return QColor(
        round(a.red() * (1 - s) + b.red() * s),
        round(a.green() * (1 - s) + b.green() * s),
        round(a.blue() * (1 - s) + b.blue() * s),
    )


def contrast(ink: QColor, background: QColor) -> float:
    """WCAG contrast of `ink` (a translucent one as painted over `background`)."""
    return contrast_ratio(_rgb(_mix(background, ink, ink.alphaF())), _rgb(background))


def text_on(background: QColor) -> QColor:
    """Black or white, whichever reads better on `background` (by contrast, not lightness:
    white on amber looks bold but measures 2.2:1)."""
    black, white = QColor(Qt.GlobalColor.black), QColor(Qt.GlobalColor.white)
    return black if contrast(black, background) >= contrast(white, background) else white


def readable(ink: QColor, background: QColor, target: float = AA_TEXT) -> QColor:
    """`ink` as painted on `background`, darkened or lightened just enough to reach
    `target` contrast (WCAG AA for text: 4.5:1), so a theme's red or grey keeps its look
    where it already reads and is fixed where it is too faint (red on a dark list)."""
    painted = _mix(background, ink, ink.alphaF())
    if contrast(painted, background) >= target:
        return painted
    extreme = text_on(background)  # black or white always reaches 4.5:1 on any colour
    for step in range(1, 21):
        shade = _mix(painted, extreme, step / 20)
        if contrast(shade, background) >= target:
            return shade
    return extreme


def placeholder_ink(palette: QPalette) -> QColor:
    """The words on an empty picture area ("Loading…", "On nas-1 …"), readable on it."""
    return readable(
        palette.color(QPalette.ColorRole.PlaceholderText),
        palette.color(QPalette.ColorRole.AlternateBase),
    )


PILL_PAD = 12  # the text's margin inside a pill, both sides together


def fit_pills(
    font: QFont, area: QRect, labels: Sequence[tuple[Sequence[str], QColor]]
) -> list[tuple[QRect, str, QColor]]:
    """Pills laid out left to right inside `area`, never past its right edge: each takes
    the first of its texts (longest first) that fits the rest of the line; when none does,
    it starts a new line, and a text too wide even for a whole line is elided ("…")."""
    fm = QFontMetrics(font)
    height = fm.height() + 4
    x, y = area.x(), area.y()
    out: list[tuple[QRect, str, QColor]] = []

    def fitting(room: int, texts: Sequence[str]) -> str | None:
        return next((t for t in texts if fm.horizontalAdvance(t) + PILL_PAD <= room), None)

    for texts, colour in labels:
        text = fitting(area.right() + 1 - x, texts)
        if text is None and x > area.x():  # on a line of its own
            x, y = area.x(), y + height + 3
            text = fitting(area.width(), texts)
        if text is None:
            elide = Qt.TextElideMode.ElideRight
            text = fm.elidedText(texts[-1], elide, max(0, area.width() - PILL_PAD))
        rect = QRect(x, y, fm.horizontalAdvance(text) + PILL_PAD, height)
        out.append((rect, text, colour))
        x = rect.right() + 4
    return out


def draw_pill(painter: QPainter, rect: QRect, text: str, background: QColor, font: QFont) -> None:
    """A rounded label in `rect` (from `fit_pills`)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(background)
    painter.drawRoundedRect(QRectF(rect), rect.height() / 2, rect.height() / 2)
    painter.setFont(font)
    painter.setPen(text_on(background))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


def pill(painter: QPainter, x: int, y: int, text: str, background: QColor, font: QFont) -> QRect:
    """A rounded label at (x, y), as wide as its text; returns its rectangle."""
    fm = QFontMetrics(font)
    rect = QRect(x, y, fm.horizontalAdvance(text) + PILL_PAD, fm.height() + 4)
    draw_pill(painter, rect, text, background, font)
    return rect


def draw_centered_pixmap(painter: QPainter, area: QRect, pixmap: QPixmap) -> QRect:
    """Draw a pixmap (with its device pixel ratio) centred in `area`; returns where."""
    dpr = pixmap.devicePixelRatio() or 1.0
    w, h = round(pixmap.width() / dpr), round(pixmap.height() / dpr)
    if w > area.width() or h > area.height():  # never upscale, but shrink if needed
        scale = min(area.width() / max(w, 1), area.height() / max(h, 1))
        w, h = max(1, round(w * scale)), max(1, round(h * scale))
    target = QRect(area.x() + (area.width() - w) // 2, area.y() + (area.height() - h) // 2, w, h)
    painter.drawPixmap(target, pixmap)
    return target


def placeholder(painter: QPainter, area: QRect, palette: QPalette, text: str) -> None:
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase))
    painter.drawRect(area)
    painter.setPen(placeholder_ink(palette))
    painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
    painter.restore()


def remote_placeholder(painter: QPainter, area: QRect, palette: QPalette, label: str) -> None:
    """What stands for the picture of a file on another machine: a server drawn in
    outline and, when there is room, where the file is ("On nas-1, not on this
    computer"). Never a broken image: nothing is wrong with the file."""
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase))
    painter.drawRect(area)
    ink = placeholder_ink(palette)
    side = max(8, min(area.width(), area.height()) // (3 if label else 2))
    x = area.x() + (area.width() - side) // 2
    y = area.y() + (area.height() - side) // 2 - (side // 2 if label else 0)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(ink)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    unit = side // 3
    for n in range(3):  # three stacked drives, each with its light
        box = QRectF(x, y + n * unit, side, unit - 2)
        painter.drawRoundedRect(box, 2, 2)
        painter.drawEllipse(QRectF(x + side - unit * 0.55, box.center().y() - 1.5, 3, 3))
    if label:
        text = _("On {server}\nnot on this computer").format(server=label)
        below = QRect(area.x() + 4, y + side + 4, area.width() - 8, area.bottom() - y - side - 4)
        painter.drawText(below, Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap, text)
    painter.restore()
