"""Shown for unexpected errors (the exception hook) and for a scan that failed."""

from __future__ import annotations

import platform
import sys

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cleaner import __version__


def report_text(message: str, details: str) -> str:
    return (
        f"PhotoSift {__version__}\nPython {sys.version.split()[0]} on {platform.platform()}\n\n"
        f"{message}\n\n{details}".rstrip()
        + "\n"
    )


class ErrorDialog(QDialog):
    def __init__(
        self,
        message: str,
        details: str = "",
        title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        title = title or self.tr("Something went wrong")
        self.setWindowTitle(title)
        self.report = report_text(message, details)
        headline = QLabel(title)
        bold = headline.font()
        bold.setBold(True)
        headline.setFont(bold)
        text = QLabel(message)
        for label in (headline, text):  # a file name in the message shows as written
            label.setTextFormat(Qt.TextFormat.PlainText)
        text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(headline)
        layout.addWidget(text)
        if details:
            hint = QLabel(
                self.tr(
                    "Your files were not changed. If this keeps happening, please copy the "
                    "report below and send it to the PhotoSift developers."
                )
            )
            hint.setWordWrap(True)
            layout.addWidget(hint)
            self.details = QPlainTextEdit(self.report)
            self.details.setReadOnly(True)
            mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
            self.details.setFont(QFont(mono))
            self.details.setMinimumSize(560, 220)
            self.details.setAccessibleName(self.tr("Error report"))
            layout.addWidget(self.details, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy report"))
        self.copy_button.setToolTip(self.tr("Copy the details to the clipboard"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    @Slot()
    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report)
