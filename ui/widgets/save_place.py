"""Where a report is saved: a folder (typed, or chosen with "Choose…") and a file name,
with what is wrong with them in one sentence. The report export dialog and the catalogs'
estate export dialog both ask this, in the same words, through this one piece.

"Choose…" is never the dialog's default button: Enter in the folder or name field
exports (the dialog's default) instead of opening the folder chooser, even after Tab
has passed over "Choose…"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget


def default_report_folder() -> Path:
    docs = Path.home() / "Documents"
    return docs if docs.is_dir() else Path.home()


class SavePlace(QObject):
    """The folder row (`folder` + `browse`, laid out in `folder_row`) and the `name`
    field; `changed` whenever either is edited."""

    changed = Signal()

    def __init__(self, folder: str, name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.folder = QLineEdit(folder if folder else str(default_report_folder()))
        self.folder.setAccessibleName(self.tr("Folder for the report"))
        self.folder.textChanged.connect(self.changed)
        self.browse = QPushButton(self.tr("Choose…"))
        self.browse.setAutoDefault(False)  # Enter in a field exports, never browses
        self.browse.clicked.connect(self.choose_folder)
        self.folder_row = QHBoxLayout()
        self.folder_row.addWidget(self.folder, 1)
        self.folder_row.addWidget(self.browse)
        self.name = QLineEdit(name)
        self.name.setAccessibleName(self.tr("File name of the report"))
        self.name.textChanged.connect(self.changed)

    @Slot()
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self._parent, self.tr("Where to save the report"), self.folder.text()
        )
        if folder:
            self.folder.setText(folder)

    def problem(self) -> str:
        """What stops saving here ("" when nothing)."""
        if not self.folder.text().strip():
            return self.tr("Choose a folder to save the report in.")
        if not self.name.text().strip() or any(c in self.name.text() for c in "/\\:"):
            return self.tr("Give the report a file name (without / \\ or :).")
        return ""
