"""Paints one copy of a picture as a tile in the group's grid.

+------------------------+
| [Best copy]            |
|        picture         |
| [Turned 90° left]      |   <- what matched it to the kept copy (not on the keeper)
| Quality 87    1600×1200|
| 2.4 MB · JPEG          |
| harbour.jpg            |   <- the file name and its folder from the scanned folder,
| Photos/2019 Summer     |      elided in the middle (the full path is in the tooltip)
| [   ✓ Keep            ]|   <- click (or Space) to switch Keep / Remove
+------------------------+
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

from cleaner import GroupMember, _, pgettext
from ui.delegates.paint import (
    KEEP_HUE,
    KEEPER_HUE,
    MATCH_HUE,
    PROTECTED_HUE,
    REMOVE_HUE,
    draw_centered_pixmap,
    draw_pill,
    fit_pills,
    label_hue,
    pill,
    placeholder,
    readable,
    remote_placeholder,
    text_on,
    tint,
)
from ui.models import roles
from ui.thumbnails import UNREACHABLE

AnyIndex = QModelIndex | QPersistentModelIndex

TILE = QSize(224, 300)  # logical pixels, the least: uniform items, no per-item size queries
PAD = 8
IMAGE = QSize(TILE.width() - 2 * PAD, 172)
BAR_H = 30
TEXT_LINES = 4
# Paint text left to right whatever script a name starts with, so "folder/sub" keeps its order
LTR = Qt.TextFlag.TextForceLeftToRight


def tile_size(font: QFont) -> QSize:
    """A tile for text in `font`: the picture, four lines of text and the bar, never less
    than `TILE` (a large system font makes the tiles taller, not the text clipped)."""
    line_h = QFontMetrics(font).height()
    height = 6 + PAD + IMAGE.height() + 6 + TEXT_LINES * line_h + 4 + BAR_H + PAD
    return QSize(TILE.width(), max(TILE.height(), height))


def card_colour(palette: QPalette, marked: bool) -> QColor:
    """The tile's background: a faint red when the copy is marked to go."""
    return tint(palette, REMOVE_HUE, 0.10) if marked else palette.color(QPalette.ColorRole.Base)


def text_inks(palette: QPalette, card: QColor) -> tuple[QColor, QColor]:
    """The tile's text and its dimmed folder line, readable (4.5:1) on the card."""
    return (
        readable(palette.color(QPalette.ColorRole.Text), card),
        readable(palette.color(QPalette.ColorRole.PlaceholderText), card),
    )


def bar_colour(palette: QPalette, marked: bool, locked: bool, changed: bool) -> QColor:
    """The keep / remove bar's colour (its word is painted in `text_on` of it). Remove is
    the full red: a lighter tint left white text under 4.5:1 in a light theme."""
    if changed or locked:
        return tint(palette, PROTECTED_HUE, 0.22)
    if marked:
        return tint(palette, REMOVE_HUE, 1.0)
    return tint(palette, KEEP_HUE, 0.22)


FOCUS_RING = 2  # px: WCAG 2.4.11's focus indicator is at least 2 px thick


def focus_ring(painter: QPainter, tile: QRect, ink: QColor, inset: int = 5) -> None:
    """Where the keyboard is: a solid ring inside the tile's border, in the text's colour
    (at least 4.5:1 on the card, so a ring that can be seen), never the selection's
    colour: the current tile is usually selected too, and a Highlight ring on a
    Highlight border was invisible (it was a 1 px dotted line)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setPen(QPen(ink, FOCUS_RING, Qt.PenStyle.SolidLine))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(tile.adjusted(inset, inset, -inset, -inset), 4, 4)
    painter.restore()


class TextLine:
    """One line of a tile's text as painted: where, what (already elided), how."""

    __slots__ = ("align", "dim", "font", "rect", "text")

    def __init__(
        self, rect: QRect, text: str, font: QFont, align: Qt.AlignmentFlag, dim: bool = False
    ) -> None:
        self.rect, self.text, self.font, self.align, self.dim = rect, text, font, align, dim


class PhotoTileDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    @staticmethod
    def image_size() -> QSize:
        return QSize(IMAGE)

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        return tile_size(option.font)

    @staticmethod
    def text_lines(option: QStyleOptionViewItem, index: AnyIndex) -> list[TextLine]:
        """The tile's text, laid out and elided to the tile's width: quality and resolution,
        size and format, file name, folder (the model's `LinesRole`, in that order)."""
        lines: tuple[str, ...] | None = index.data(roles.LinesRole)
        if not lines:
            return []
        quality, size, kind, name, folder = lines
        tile = option.rect.adjusted(3, 3, -3, -3)
        fm = QFontMetrics(option.font)
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.9))
        bold = QFont(small)
        bold.setBold(True)
        x, w, line_h = tile.x() + PAD, tile.width() - 2 * PAD, fm.height()
        y = tile.y() + PAD + IMAGE.height() + 6
        left, right = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignRight
        size_w = QFontMetrics(small).horizontalAdvance(size)
        quality_w = max(0, w - size_w - 6)
        middle = Qt.TextElideMode.ElideMiddle
        return [
            TextLine(
                QRect(x, y, quality_w, line_h),
                QFontMetrics(bold).elidedText(quality, Qt.TextElideMode.ElideRight, quality_w),
                bold,
                left,
            ),
            TextLine(QRect(x + w - size_w, y, size_w, line_h), size, small, right),
            TextLine(
                QRect(x, y + line_h, w, line_h),
                QFontMetrics(small).elidedText(kind, Qt.TextElideMode.ElideRight, w),
                small,
                left,
            ),
            TextLine(
                QRect(x, y + 2 * line_h, w, line_h),
                fm.elidedText(name, middle, w),
                QFont(option.font),
                left,
            ),
            TextLine(
                QRect(x, y + 3 * line_h, w, line_h),
                QFontMetrics(small).elidedText(folder, middle, w),
                small,
                left,
                dim=True,
            ),
        ]

    @staticmethod
    def bar_rect(tile: QRect) -> QRect:
        return QRect(tile.x() + PAD, tile.bottom() - PAD - BAR_H + 1, tile.width() - 2 * PAD, BAR_H)

    @staticmethod
    def quality_rect(tile: QRect, fm: QFontMetrics) -> QRect:
        """Where "Quality 87" is painted (its line, left half of the tile)."""
        y = tile.y() + PAD + IMAGE.height() + 6
        return QRect(tile.x() + PAD, y, (tile.width() - 2 * PAD) // 2, fm.height())

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: AnyIndex,
    ) -> bool:
        """Over the quality number, what the score is made of; elsewhere the tile's tip."""
        if event is not None and index.isValid():
            tile = option.rect.adjusted(3, 3, -3, -3)
            if self.quality_rect(tile, QFontMetrics(option.font)).contains(event.pos()):
                text = index.data(roles.QualityTipRole)
                if text:
                    QToolTip.showText(event.globalPos(), text, view)
                    return True
        return super().helpEvent(event, view, option, index)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        member: GroupMember | None = index.data(roles.MemberRole)
        if member is None:
            return
        rect: QRect = option.rect
        palette: QPalette = option.palette
        state = option.state
        marked = bool(index.data(roles.MarkedRole))
        locked = bool(index.data(roles.LockedRole))
        changed = bool(index.data(roles.ChangedRole))
        selected = bool(state & QStyle.StateFlag.State_Selected)
        painter.save()
        tile = rect.adjusted(3, 3, -3, -3)
        # card
        card = card_colour(palette, marked)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        border = palette.color(QPalette.ColorRole.Mid)
        width = 1.0
        if selected:
            border, width = palette.color(QPalette.ColorRole.Highlight), 3.0
        painter.setPen(QPen(border, width))
        painter.setBrush(card)
        painter.drawRoundedRect(tile.adjusted(1, 1, -1, -1), 6, 6)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

        # picture
        area = QRect(tile.x() + PAD, tile.y() + PAD, tile.width() - 2 * PAD, IMAGE.height())
        pixmap = index.data(roles.ThumbnailRole)
        if pixmap is not None and not pixmap.isNull():
            target = draw_centered_pixmap(painter, area, pixmap)
            if marked:  # fade what will go
                painter.save()
                painter.setOpacity(0.45)
                painter.fillRect(target, card)
                painter.restore()
        else:
            error = index.data(roles.ThumbnailErrorRole)
            if error == UNREACHABLE:  # a file of a catalog, on its server
                remote_placeholder(painter, area, palette, index.data(roles.LabelRole) or "")
            else:
                placeholder(painter, area, palette, _("No preview") if error else _("Loading…"))

        small = QFont(option.font)
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.9))
        bold = QFont(small)
        bold.setBold(True)
        # the labels on the picture, shortened or on a line of their own to fit the tile
        labels: list[tuple[tuple[str, ...], QColor]] = []
        if server := index.data(roles.LabelRole):  # a review of catalogs: which server
            labels.append(((server,), label_hue(server)))
        if member.is_keeper:
            labels.append(((_("★ Best copy"),), KEEPER_HUE))
        if changed:
            labels.append(((_("Changed since saved"), _("Changed")), REMOVE_HUE))
        elif locked:
            labels.append(((pgettext("tile label", "Protected"),), PROTECTED_HUE))
        if member.metrics is not None and member.metrics.damaged:
            labels.append(((_("⚠ Damaged"),), REMOVE_HUE))
        for rect, text, hue in fit_pills(bold, area.adjusted(4, 4, -4, -4), labels):
            draw_pill(painter, rect, text, hue, bold)
        match = index.data(roles.MatchRole)
        if match:  # what matched it to the kept copy, at the picture's bottom left
            room = area.width() - 8 - 12
            text = QFontMetrics(small).elidedText(match, Qt.TextElideMode.ElideRight, room)
            bottom = area.bottom() - 4 - (QFontMetrics(small).height() + 4) + 1
            pill(painter, area.x() + 4, bottom, text, MATCH_HUE, small)

        # text
        text_colour, dim = text_inks(palette, card)
        for line in self.text_lines(option, index):
            painter.setPen(dim if line.dim else text_colour)
            painter.setFont(line.font)
            painter.drawText(line.rect, line.align | LTR, line.text)

        # the keep / remove bar
        bar = self.bar_rect(tile)
        wordings: tuple[str, ...]
        colour = bar_colour(palette, marked, locked, changed)
        if changed:
            wordings = (_("Kept: scan again to review"), _("Kept: scan again"), _("Kept"))
        elif locked:
            wordings = (_("Always kept (protected)"), _("Always kept"))
        elif marked:
            wordings = (_("✗  Remove"),)
        else:
            wordings = (_("✓  Keep"),)
        # the longest wording that fits the bar (a large font), else elided: never clipped
        bar_fm = QFontMetrics(bold)
        room = bar.width() - 8
        label = next((t for t in wordings if bar_fm.horizontalAdvance(t) <= room), None)
        if label is None:
            label = bar_fm.elidedText(wordings[-1], Qt.TextElideMode.ElideRight, room)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(bar, 4, 4)
        painter.setPen(text_on(colour))
        painter.setFont(bold)
        painter.drawText(bar, Qt.AlignmentFlag.AlignCenter, label)

        if state & QStyle.StateFlag.State_HasFocus:  # the current tile of a focused grid
            focus_ring(painter, tile, text_colour)
        painter.restore()

    def editorEvent(
        self,
        event: QEvent,
        model: QAbstractItemModel,
        option: QStyleOptionViewItem,
        index: AnyIndex,
    ) -> bool:
        """A click on the bar switches Keep / Remove; elsewhere it selects as usual."""
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
        ):
            tile = option.rect.adjusted(3, 3, -3, -3)
            if self.bar_rect(tile).contains(event.position().toPoint()):
                model.setData(index, not bool(index.data(roles.MarkedRole)), roles.MarkedRole)
                return True
        return super().editorEvent(event, model, option, index)
