"""Paints one duplicate group in the list on the left: the keeper's picture and a summary."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from cleaner import DuplicateGroup
from ui.delegates.paint import (
    REMOVE_HUE,
    SPAN_HUE,
    draw_centered_pixmap,
    placeholder,
    readable,
    remote_placeholder,
    tint,
)
from ui.delegates.tile import focus_ring
from ui.models import roles
from ui.thumbnails import UNREACHABLE

AnyIndex = QModelIndex | QPersistentModelIndex

ROW_H = 76  # the least: a large system font makes rows taller, not the text clipped
THUMB = QSize(64, 64)
# Paint text left to right whatever script a name starts with, so "folder/sub" keeps its order
LTR = Qt.TextFlag.TextForceLeftToRight


def row_height(font: QFont) -> int:
    return max(ROW_H, 3 * QFontMetrics(font).height() + 12)


def line_inks(
    palette: QPalette, selected: bool, marked: bool, spans: bool
) -> tuple[QColor, QColor, QColor]:
    """The colours of the row's three lines (title, marks, folder), each readable (4.5:1)
    on the row: Base, or Highlight when selected. Red says "to remove" and purple "on
    several servers", but the words say it too."""
    if selected:
        ink = readable(
            palette.color(QPalette.ColorRole.HighlightedText),
            palette.color(QPalette.ColorRole.Highlight),
        )
        return ink, ink, ink
    base = palette.color(QPalette.ColorRole.Base)
    text = readable(palette.color(QPalette.ColorRole.Text), base)
    dim = readable(palette.color(QPalette.ColorRole.PlaceholderText), base)
    status = readable(tint(palette, REMOVE_HUE, 0.9), base) if marked else dim
    folder = readable(tint(palette, SPAN_HUE, 0.9), base) if spans else dim
    return text, status, folder


class GroupRowDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    @staticmethod
    def thumb_size() -> QSize:
        return QSize(THUMB)

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        return QSize(260, row_height(option.font))

    @staticmethod
    def text_lines(option: QStyleOptionViewItem, index: AnyIndex) -> list[tuple[QRect, str]]:
        """The row's three lines as painted (title, marks, the keeper's folder from the
        scanned folder), each elided in the middle to the row's width."""
        lines: tuple[str, str, str] | None = index.data(roles.LinesRole)
        if not lines:
            return []
        rect: QRect = option.rect
        bold = QFont(option.font)
        bold.setBold(True)
        fm = QFontMetrics(option.font)
        x = rect.x() + 6 + THUMB.width() + 10
        w = rect.right() - x - 6
        y = rect.y() + (rect.height() - 3 * fm.height()) // 2
        middle = Qt.TextElideMode.ElideMiddle
        title, status, folder = lines
        return [
            (QRect(x, y, w, fm.height()), QFontMetrics(bold).elidedText(title, middle, w)),
            (QRect(x, y + fm.height(), w, fm.height()), fm.elidedText(status, middle, w)),
            (QRect(x, y + 2 * fm.height(), w, fm.height()), fm.elidedText(folder, middle, w)),
        ]

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        group: DuplicateGroup | None = index.data(roles.GroupRole)
        if group is None:
            return
        rect: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        # background (the style draws selection and hover natively)
        option.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget
            )
        area = QRect(
            rect.x() + 6,
            rect.y() + (rect.height() - THUMB.height()) // 2,
            THUMB.width(),
            THUMB.height(),
        )
        pixmap = index.data(roles.ThumbnailRole)
        if pixmap is not None and not pixmap.isNull():
            draw_centered_pixmap(painter, area, pixmap)
        elif index.data(roles.ThumbnailErrorRole) == UNREACHABLE:  # on another server
            remote_placeholder(painter, area, palette, "")
        else:
            placeholder(painter, area, palette, "")
        font = QFont(option.font)
        bold = QFont(font)
        bold.setBold(True)
        lines = self.text_lines(option, index)
        marked = int(index.data(roles.MarkedCountRole) or 0)
        pens = line_inks(palette, selected, marked > 0, bool(index.data(roles.SpansRole)))
        for n, (box, text) in enumerate(lines):
            painter.setFont(bold if n == 0 else font)
            painter.setPen(pens[n])
            painter.drawText(box, Qt.AlignmentFlag.AlignLeft | LTR, text)
        if option.state & QStyle.StateFlag.State_HasFocus:  # the current row of a focused list
            focus_ring(painter, rect, pens[0], inset=2)  # in the title's ink: >= 4.5:1
        painter.restore()
