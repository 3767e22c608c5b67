"""The files the scan could not use, each with the reason in words."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.desktop import reveal_in_file_manager
from ui.models.skipped import SkippedModel


class SkippedView(QWidget):
    def __init__(self, model: SkippedModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        intro = QLabel(
            self.tr(
                "These files were left out of the scan. They are not changed in any way. "
                "Typical reasons: the file is damaged, it is not a picture, or you do not have "
                "permission to read it."
            )
        )
        intro.setWordWrap(True)
        intro.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setAccessibleName(self.tr("Skipped files"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.resizeSection(0, 240)
        header.resizeSection(1, 380)
        self.copy_button = QPushButton(self.tr("Copy list"))
        self.copy_button.setToolTip(
            self.tr("Copy every skipped file and its reason, to paste in a report")
        )
        self.copy_button.clicked.connect(self.copy_list)
        self.reveal_button = QPushButton(self.tr("Show in folder"))
        self.reveal_button.clicked.connect(self.reveal_selected)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reveal_button)
        buttons.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._update_buttons)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        """Nothing to copy or show while the list is empty (or nothing is selected)."""
        has_rows = self.model.rowCount() > 0
        self.copy_button.setEnabled(has_rows)
        selected = self.table.selectionModel().hasSelection()
        self.reveal_button.setEnabled(has_rows and selected)
        self.reveal_button.setToolTip(
            self.tr("Show the selected file in your file manager")
            if has_rows
            else self.tr("No files were skipped")
        )

    @Slot()
    def copy_list(self) -> None:
        QGuiApplication.clipboard().setText(self.model.as_text())

    @Slot()
    def reveal_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        index = rows[0] if rows else self.table.currentIndex()
        if index.isValid() and index.row() < len(self.model.session.skipped):
            reveal_in_file_manager(self.model.session.skipped[index.row()].path)
