"""A one-line label that shows as much of its text as fits, eliding in the middle, and
never asks for more width than a few letters (a long path must not widen its panel)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QWidget


class ElidedLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # a name with "<b>" is shown as written
        self.setText(text)

    def shown_text(self) -> str:
        """The text as painted at the label's width."""
        width = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideMiddle, width)

    def minimumSizeHint(self) -> QSize:
        return QSize(
            self.fontMetrics().horizontalAdvance("M…M") + 4, super().minimumSizeHint().height()
        )

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(min(hint.width(), 400), hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.setFont(self.font())
        flags = int(self.alignment()) | int(Qt.TextFlag.TextForceLeftToRight)
        painter.drawText(self.contentsRect(), flags, self.shown_text())
