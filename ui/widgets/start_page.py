"""The first screen: choose folders (add, remove, protect), how alike, and Scan."""

from __future__ import annotations

import os

from PySide6.QtCore import QEvent, QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cleaner import N_, Similarity, _
from ui.format import plain_tooltip
from ui.settings import Keys, Settings
from ui.widgets.scan_settings_dialog import edit_scan_settings, settings_summary

SIMILARITY_TEXT: dict[Similarity, tuple[str, str]] = {
    Similarity.IDENTICAL: (
        N_("Identical files only"),
        N_("Only files that are exact copies, byte for byte."),
    ),
    Similarity.SAME: (
        N_("Same picture (recommended)"),
        N_(
            "Also finds copies that were resized, re-saved, converted to another format or "
            "turned by the camera."
        ),
    ),
    Similarity.SIMILAR: (
        N_("Similar pictures"),
        N_("Also finds lightly edited versions. Look at each group before removing anything."),
    ),
    Similarity.LOOSE: (
        N_("Loosely similar"),
        N_(
            "Also finds pictures that only look alike, such as shots taken one after another. "
            "Check every group carefully."
        ),
    ),
}


def pictures_folder() -> str:
    """Where the folder chooser opens: the user's Pictures folder, else their home."""
    for place in QStandardPaths.standardLocations(QStandardPaths.StandardLocation.PicturesLocation):
        if place and os.path.isdir(place):
            return place
    return os.path.expanduser("~")


class FolderList(QTreeWidget):
    """Folders to scan, each with a "Protected" checkbox. Shows a hint while empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels([self.tr("Folder"), self.tr("Protected")])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.headerItem().setToolTip(
            1, self.tr("Files in a protected folder are never suggested for removal.")
        )
        self.setAccessibleName(self.tr("Folders to scan"))
        self.setAcceptDrops(False)  # the page takes the drops

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Space ticks or unticks Protected on the focused row (and on every selected row
        with it), so the box works from the keyboard; the row's spoken text follows."""
        if event.key() == Qt.Key.Key_Space and not event.modifiers():
            current = self.currentItem()
            if current is not None:
                turn_on = current.checkState(1) != Qt.CheckState.Checked
                rows = self.selectedItems() if current.isSelected() else [current]
                state = Qt.CheckState.Checked if turn_on else Qt.CheckState.Unchecked
                for item in rows:
                    item.setCheckState(1, state)
                event.accept()
                return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.topLevelItemCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.viewport().rect().adjusted(20, 20, -20, -20),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.tr(
                    "No folders yet.\n\nClick “Add folder…” or drag folders here from your "
                    "file manager."
                ),
            )
            painter.end()


class StartPage(QWidget):
    scanRequested = Signal()
    sampleRequested = Signal()
    continueRequested = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setAcceptDrops(True)

        title = QLabel(self.tr("Find duplicate photos"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            self.tr(
                "PhotoSift looks through your folders for copies of the same picture: exact "
                "copies, and copies that were resized, re-saved or converted. For each set of "
                "copies it suggests the best one to keep. Nothing is deleted until you decide."
            )
        )
        intro.setWordWrap(True)
        self.continue_button = QPushButton()  # "Continue reviewing (N sets, saved …)"
        self.continue_button.setToolTip(
            self.tr("Open the review you were working on, with your marks")
        )
        self.continue_button.setMinimumHeight(36)
        self.continue_button.clicked.connect(self.continueRequested)
        self.continue_hint = QLabel(
            self.tr("A new scan starts a new review: this one is replaced when the scan ends.")
        )
        self.continue_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        continue_row = QHBoxLayout()
        continue_row.addWidget(self.continue_button)
        continue_row.addWidget(self.continue_hint, 1)
        self.continue_button.hide()
        self.continue_hint.hide()

        folders_label = QLabel(self.tr("<b>Folders to scan</b>"))
        self.add_button = QPushButton(
            self.style().standardIcon(QStyle.StandardPixmap.SP_DirOpenIcon), self.tr("Add folder…")
        )
        self.add_button.setToolTip(self.tr("Choose a folder to look through (Ctrl+O)"))
        self.add_button.clicked.connect(self.choose_folder)
        self.remove_button = QPushButton(self.tr("Remove from list"))
        self.remove_button.setToolTip(
            self.tr("Take the selected folders off this list (nothing on disk is touched)")
        )
        self.remove_button.clicked.connect(self.remove_selected)
        head = QHBoxLayout()
        head.addWidget(folders_label)
        head.addStretch(1)
        head.addWidget(self.add_button)
        head.addWidget(self.remove_button)

        self.folders = FolderList()
        self.folders.itemChanged.connect(self._describe)
        self.folders.itemChanged.connect(self._save)
        self.folders.itemSelectionChanged.connect(self._update_buttons)
        protect_hint = QLabel(
            self.tr(
                "Tick <b>Protected</b> for folders that hold your originals or archive masters: "
                "their files are never suggested for removal."
            )
        )
        protect_hint.setWordWrap(True)
        protect_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.similarity = QComboBox()
        self.similarity.setAccessibleName(self.tr("How alike pictures must be"))
        for preset, (label, tip) in SIMILARITY_TEXT.items():
            self.similarity.addItem(_(label), preset.value)
            self.similarity.setItemData(
                self.similarity.count() - 1, _(tip), Qt.ItemDataRole.ToolTipRole
            )
        self.similarity_help = QLabel()
        self.similarity_help.setWordWrap(True)
        self.similarity_help.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.similarity.currentIndexChanged.connect(self._similarity_changed)
        sim_row = QHBoxLayout()
        sim_label = QLabel(self.tr("How alike must copies be?"))
        sim_label.setBuddy(self.similarity)
        sim_row.addWidget(sim_label)
        sim_row.addWidget(self.similarity)
        sim_row.addStretch(1)
        self.settings_button = QPushButton(self.tr("More settings…"))
        self.settings_button.setToolTip(
            self.tr(
                "Which copy to keep, folders to prefer or avoid, what to leave out, the "
                "smallest pictures to look at (Ctrl+,)"
            )
        )
        self.settings_button.clicked.connect(self.open_settings)
        sim_row.addWidget(self.settings_button)
        self.settings_summary = QLabel()  # what "More settings…" changes, when it does
        self.settings_summary.setWordWrap(True)
        self.settings_summary.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.rotations = QCheckBox(self.tr("Also find copies that were rotated or mirrored"))
        self.rotations.setToolTip(
            self.tr(
                "Finds a picture even when a copy of it was turned sideways, upside down or "
                "flipped (a scan rotated by its pixels, a mirrored crop). On by default; "
                "untick it to match pictures only the way they are shown."
            )
        )
        self.rotations.toggled.connect(self._save)

        self.sample_button = QPushButton(self.tr("Try with sample photos"))
        self.sample_button.setToolTip(
            self.tr(
                "Makes a small set of sample pictures with planted copies in a temporary "
                "folder and scans it, so you can see how PhotoSift works. Your own files are "
                "not touched."
            )
        )
        self.sample_button.clicked.connect(self.sampleRequested)
        self.scan_button = QPushButton(self.tr("Scan for duplicates"))
        self.scan_button.setDefault(True)
        self.scan_button.setToolTip(self.tr("Look through the folders above (Ctrl+R)"))
        big = QFont(self.scan_button.font())
        big.setPointSizeF(big.pointSizeF() * 1.25)
        big.setBold(True)
        self.scan_button.setFont(big)
        self.scan_button.setMinimumHeight(44)
        self.scan_button.setMinimumWidth(220)
        self.scan_button.clicked.connect(self.scanRequested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sample_button)
        buttons.addStretch(1)
        buttons.addWidget(self.scan_button)

        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # a folder's name as written
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(continue_row)
        layout.addSpacing(10)
        layout.addLayout(head)
        layout.addWidget(self.folders, 1)
        layout.addWidget(protect_hint)
        layout.addSpacing(6)
        layout.addLayout(sim_row)
        layout.addWidget(self.similarity_help)
        layout.addWidget(self.rotations)
        layout.addWidget(self.settings_summary)
        layout.addSpacing(10)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self._loading = False
        self.load()

    # -- settings ----------------------------------------------------------------------

    def load(self) -> None:
        self._loading = True
        try:
            self.folders.clear()
            protected_list: list[str] = self.settings.get(Keys.PROTECTED)
            protected = set(protected_list)
            for folder in self.settings.get(Keys.FOLDERS):
                self._add_item(folder, folder in protected)
            value = self.settings.similarity().value
            self.similarity.setCurrentIndex(max(0, self.similarity.findData(value)))
            self._similarity_changed()
            self.rotations.setChecked(self.settings.get(Keys.ROTATIONS))
            self.settings_summary.setText(settings_summary(self.settings))
            self.settings_summary.setVisible(bool(self.settings_summary.text()))
        finally:
            self._loading = False
        self._update_buttons()

    @Slot()
    def _save(self) -> None:
        if self._loading:
            return
        folders = self.folder_paths()
        self.settings.set(Keys.FOLDERS, folders)
        self.settings.set(Keys.PROTECTED, self.protected_paths())
        self.settings.set(Keys.SIMILARITY, str(self.similarity.currentData()))
        self.settings.set(Keys.ROTATIONS, self.rotations.isChecked())
        self.settings.sync()
        self._update_buttons()

    @Slot()
    def _similarity_changed(self) -> None:
        preset = Similarity(str(self.similarity.currentData()))
        self.similarity_help.setText(_(SIMILARITY_TEXT[preset][1]))
        self._save()

    @Slot()
    def open_settings(self) -> bool:
        """More settings… (also File → Scan settings…): for the next scan."""
        saved = edit_scan_settings(self.settings, self.window())
        if saved:
            self.load()
        return saved

    # -- folders -----------------------------------------------------------------------

    def _items(self) -> list[QTreeWidgetItem]:
        items = (self.folders.topLevelItem(i) for i in range(self.folders.topLevelItemCount()))
        return [item for item in items if item is not None]

    def folder_paths(self) -> list[str]:
        return [str(item.data(0, Qt.ItemDataRole.UserRole)) for item in self._items()]

    def protected_paths(self) -> list[str]:
        return [
            str(item.data(0, Qt.ItemDataRole.UserRole))
            for item in self._items()
            if item.checkState(1) == Qt.CheckState.Checked
        ]

    def _add_item(self, folder: str, protected: bool = False) -> QTreeWidgetItem:
        item = QTreeWidgetItem([folder, self.tr("Protected")])
        item.setData(0, Qt.ItemDataRole.UserRole, folder)
        item.setIcon(0, self.style().standardIcon(QStyle.StandardPixmap.SP_DirIcon))
        item.setToolTip(0, plain_tooltip(folder))
        item.setFlags(
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )
        item.setCheckState(1, Qt.CheckState.Checked if protected else Qt.CheckState.Unchecked)
        item.setToolTip(1, self.tr("Never suggest removing files from this folder"))
        if not os.path.isdir(folder):
            item.setText(0, self.tr("{folder}  (not found)").format(folder=folder))
            item.setForeground(0, self.palette().color(QPalette.ColorRole.PlaceholderText))
        self._describe(item)
        self.folders.addTopLevelItem(item)
        return item

    @Slot(QTreeWidgetItem)
    def _describe(self, item: QTreeWidgetItem) -> None:
        """The words a screen reader says for the row: the folder and whether it is
        protected (Space switches it)."""
        protected = item.checkState(1) == Qt.CheckState.Checked
        role = Qt.ItemDataRole.AccessibleTextRole
        folder = item.data(0, Qt.ItemDataRole.UserRole)
        text = (
            self.tr("{folder}, protected (Space switches)")
            if protected
            else self.tr("{folder}, not protected (Space switches)")
        ).format(folder=folder)
        if item.data(0, role) != text:
            item.setData(0, role, text)
            item.setData(1, role, self.tr("Protected") if protected else self.tr("Not protected"))

    def add_folders(self, paths: list[str]) -> int:
        """Add folders that are not on the list yet. Returns how many were added."""
        known = {os.path.normcase(p) for p in self.folder_paths()}
        added = 0
        self._loading = True
        try:
            for path in paths:
                path = os.path.abspath(os.path.expanduser(path))
                if os.path.isdir(path) and os.path.normcase(path) not in known:
                    self._add_item(path)
                    known.add(os.path.normcase(path))
                    added += 1
        finally:
            self._loading = False
        self._save()
        return added

    @Slot()
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose a folder to scan"), pictures_folder()
        )
        if folder:
            self.add_folders([folder])

    @Slot()
    def remove_selected(self) -> None:
        for item in self.folders.selectedItems():
            self.folders.takeTopLevelItem(self.folders.indexOfTopLevelItem(item))
        self._save()

    @Slot()
    def _update_buttons(self) -> None:
        has = self.folders.topLevelItemCount() > 0
        self.scan_button.setEnabled(has)
        self.remove_button.setEnabled(bool(self.folders.selectedItems()))

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def set_continue(self, text: str) -> None:
        """Offer to continue a saved review ("" hides the button)."""
        self.continue_button.setText(text)
        self.continue_button.setVisible(bool(text))
        self.continue_hint.setVisible(bool(text))

    # -- drag and drop -----------------------------------------------------------------

    def _dropped_folders(self, event: QDragEnterEvent | QDropEvent) -> list[str]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [
            u.toLocalFile()
            for u in mime.urls()
            if u.isLocalFile() and os.path.isdir(u.toLocalFile())
        ]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_folders(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QEvent) -> None:
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        folders = self._dropped_folders(event)
        if folders:
            self.add_folders(folders)
            event.acceptProposedAction()
