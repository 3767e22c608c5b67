"""Paints one duplicate group in the list on the left: the keeper's picture and a summary."""

from __future__ import annotations

import os

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from cleaner import DuplicateGroup
from ui.delegates.paint import REMOVE_HUE, draw_centered_pixmap, placeholder, tint
from ui.format import human_bytes, plural
from ui.models import roles

AnyIndex = QModelIndex | QPersistentModelIndex

ROW_H = 76
THUMB = QSize(64, 64)


class GroupRowDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    @staticmethod
    def thumb_size() -> QSize:
        return QSize(THUMB)

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        return QSize(260, ROW_H)

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
        else:
            placeholder(painter, area, palette, "")
        text_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        dim = text_colour if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        font = QFont(option.font)
        bold = QFont(font)
        bold.setBold(True)
        fm = QFontMetrics(font)
        x = area.right() + 10
        w = rect.right() - x - 6
        y = rect.y() + (rect.height() - 3 * fm.height()) // 2
        painter.setFont(bold)
        painter.setPen(text_colour)
        title = f"{plural(group.size, 'copy', 'copies')} of {os.path.basename(group.keeper.path)}"
        painter.drawText(
            QRect(x, y, w, fm.height()),
            Qt.AlignmentFlag.AlignLeft,
            QFontMetrics(bold).elidedText(title, Qt.TextElideMode.ElideMiddle, w),
        )
        y += fm.height()
        painter.setFont(font)
        marked = int(index.data(roles.MarkedCountRole) or 0)
        if marked:
            freed = int(index.data(roles.MarkedBytesRole) or 0)
            line = f"{marked} to remove · {human_bytes(freed)}"
            if not selected:
                painter.setPen(tint(palette, REMOVE_HUE, 0.9))
        else:
            line = "Nothing marked"
            painter.setPen(dim)
        painter.drawText(QRect(x, y, w, fm.height()), Qt.AlignmentFlag.AlignLeft, line)
        y += fm.height()
        painter.setPen(dim)
        folder = os.path.dirname(group.keeper.path)
        painter.drawText(
            QRect(x, y, w, fm.height()),
            Qt.AlignmentFlag.AlignLeft,
            fm.elidedText(folder, Qt.TextElideMode.ElideLeft, w),
        )
        painter.restore()
