"""What a copy's quality score is made of, from the keyboard.

On a tile the breakdown is a tooltip over "Quality 87", which only a mouse can raise.
This shows the same words for the current copy in a small window under its tile: it
takes the focus (a screen reader announces its title and reads the text), the text can
be selected and copied, and Esc or Close closes it. A dialog rather than a `Qt.Popup`:
a popup grabs the keyboard and closes on the first click elsewhere, which a screen
reader's own keys can trigger.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ui.models import roles


class QualityPopup(QDialog):
    def __init__(self, text: str, parent: QWidget) -> None:
        super().__init__(parent)
        title = QCoreApplication.translate("QualityPopup", "What the quality score is made of")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.label = QLabel(text)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.label.setAccessibleName(title)
        self.label.setAccessibleDescription(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(buttons)


def show_quality_breakdown(view: QAbstractItemView) -> QualityPopup | None:
    """Open the breakdown of `view`'s current copy under its tile; None when there is
    no current copy (or it has no score to explain)."""
    index = view.currentIndex()
    text = index.data(roles.QualityTipRole) if index.isValid() else None
    if not text:
        return None
    popup = QualityPopup(str(text), view.window())
    popup.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    rect = view.visualRect(index)
    popup.adjustSize()
    popup.move(view.viewport().mapToGlobal(rect.bottomLeft()))
    popup.show()
    popup.activateWindow()
    popup.label.setFocus(Qt.FocusReason.OtherFocusReason)
    return popup
