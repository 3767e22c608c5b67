"""Scan settings…: what the command line's scan options do, for the window.

- which copy to keep: the keeper criteria in the user's order (`--keep-order`), dragged
  or moved with buttons, with "Reset to default"; folders and names to prefer
  (`--prefer`) and to avoid (`--avoid`);
- what to leave out: names and patterns (`--exclude`), the smallest file size
  (`--min-size`) and the smallest dimensions (`--min-dimensions`).

Everything is stored in the window's settings (`ui.settings.Keys`) when the user saves, and
`Settings.scan_settings()` hands it to the next scan. The criteria and their labels are the
engine's table (`cleaner.CRITERIA`), so a new criterion appears here by itself.
"""

from __future__ import annotations

import os
import re

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cleaner import CRITERIA, _, criterion_title, ngettext, number
from ui.format import human_bytes
from ui.settings import Keys, Settings

ModelIndex = QModelIndex | QPersistentModelIndex
_LABELS = {c.key: c.label for c in CRITERIA}  # English: the keys' labels as stored
DEFAULT_ORDER: tuple[str, ...] = tuple(c.key for c in CRITERIA)
KB = 1000  # the command line's KB: --min-size 50KB is 50,000 bytes


def full_order(keys: tuple[str, ...] | list[str]) -> list[str]:
    """`keys` (known ones, first mention) followed by the other criteria in default order."""
    chosen = list(dict.fromkeys(k for k in keys if k in _LABELS))
    return chosen + [k for k in DEFAULT_ORDER if k not in chosen]


class CriteriaModel(QAbstractListModel):
    """The keeper criteria in the user's order. Rows are moved by `moveRows`, which is
    what the list's drag and drop (internal move) and the Move buttons both call."""

    orderChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._keys: list[str] = list(DEFAULT_ORDER)

    def keys(self) -> list[str]:
        return list(self._keys)

    def set_keys(self, keys: tuple[str, ...] | list[str]) -> None:
        self.beginResetModel()
        self._keys = full_order(keys)
        self.endResetModel()
        self.orderChanged.emit()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._keys)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._keys):
            return None
        key = self._keys[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            # a figure space pads 1-9 to the width of 10, so the labels line up
            return f"{index.row() + 1:\u2007>2}.  {criterion_title(key)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.tr("{criterion}, number {n} of {total}").format(
                criterion=criterion_title(key), n=number(index.row() + 1), total=len(self._keys)
            )
        if role == Qt.ItemDataRole.UserRole:
            return key
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():  # between rows: where a dragged row may land
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def moveRows(
        self,
        source_parent: ModelIndex,
        source_row: int,
        count: int,
        destination_parent: ModelIndex,
        destination_child: int,
    ) -> bool:
        n = len(self._keys)
        if source_parent.isValid() or destination_parent.isValid() or count < 1:
            return False
        if source_row < 0 or source_row + count > n or not 0 <= destination_child <= n:
            return False
        if source_row <= destination_child <= source_row + count:
            return False  # onto itself: nothing moves
        if not self.beginMoveRows(
            QModelIndex(), source_row, source_row + count - 1, QModelIndex(), destination_child
        ):
            return False
        moving = self._keys[source_row : source_row + count]
        rest = self._keys[:source_row] + self._keys[source_row + count :]
        at = destination_child if destination_child < source_row else destination_child - count
        self._keys = rest[:at] + moving + rest[at:]
        self.endMoveRows()
        # the numbers in front of the labels changed for every row in between
        self.dataChanged.emit(self.index(0), self.index(n - 1))
        self.orderChanged.emit()
        return True


def exclude_pattern_for(folder: str, roots: list[str]) -> str | None:
    """The pattern that leaves out `folder`, a folder inside one of `roots`: its path from
    that root, with a leading / so that only that place matches ("/2019/Scans"), and the
    glob characters of its name taken literally. None for a folder outside every root, or
    a root itself."""
    folder = os.path.abspath(folder)
    for root in roots:
        root = os.path.abspath(root)
        if folder.startswith(root.rstrip(os.sep) + os.sep):
            rel = os.path.relpath(folder, root).replace(os.sep, "/")
            return "/" + re.sub(r"([*?\[])", r"[\1]", rel)
    return None


def _help(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


class CriteriaEditor(QWidget):
    """The criteria list with Move up, Move down and Reset to default."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CriteriaModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(
            self.tr("What decides which copy to keep, most important first")
        )
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDragDropOverwriteMode(False)
        self.view.setDropIndicatorShown(True)
        self.view.setMinimumHeight(self.view.sizeHintForRow(0) * len(DEFAULT_ORDER) + 8)
        self.up = QPushButton(self.tr("Move &up"))
        self.up.setToolTip(self.tr("Make the selected point more important (Alt+U)"))
        self.down = QPushButton(self.tr("Move &down"))
        self.down.setToolTip(self.tr("Make the selected point less important (Alt+D)"))
        self.reset = QPushButton(self.tr("&Reset to default"))
        self.reset.setToolTip(self.tr("Put the points back in PhotoSift's recommended order"))
        self.up.clicked.connect(lambda: self.move_selected(-1))
        self.down.clicked.connect(lambda: self.move_selected(1))
        self.reset.clicked.connect(self.reset_order)
        buttons = QVBoxLayout()
        for b in (self.up, self.down):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.reset)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.view, 1)
        row.addLayout(buttons)
        self.view.selectionModel().currentChanged.connect(self._update_buttons)
        self.model.orderChanged.connect(self._update_buttons)
        self.view.setCurrentIndex(self.model.index(0))
        self._update_buttons()

    def order(self) -> list[str]:
        return self.model.keys()

    def set_order(self, keys: tuple[str, ...] | list[str]) -> None:
        self.model.set_keys(keys)
        self.view.setCurrentIndex(self.model.index(0))

    def selected_row(self) -> int:
        index = self.view.currentIndex()
        return index.row() if index.isValid() else -1

    @Slot()
    def move_selected(self, step: int) -> None:
        row = self.selected_row()
        target = row + step
        if row < 0 or not 0 <= target < self.model.rowCount():
            return
        # moveRows takes the row the moved one goes in front of
        self.model.moveRows(QModelIndex(), row, 1, QModelIndex(), target + (step > 0))
        self.view.setCurrentIndex(self.model.index(target))
        self.view.setFocus()

    @Slot()
    def reset_order(self) -> None:
        key = self.model.data(self.view.currentIndex(), Qt.ItemDataRole.UserRole)
        self.set_order(DEFAULT_ORDER)
        if isinstance(key, str):  # the same point stays selected, in its default place
            self.view.setCurrentIndex(self.model.index(DEFAULT_ORDER.index(key)))

    @Slot()
    def _update_buttons(self) -> None:
        row = self.selected_row()
        self.up.setEnabled(row > 0)
        self.down.setEnabled(0 <= row < self.model.rowCount() - 1)
        self.reset.setEnabled(self.order() != list(DEFAULT_ORDER))


class TextListEditor(QWidget):
    """A short list of words or patterns: type one and press Enter (or Add); Remove."""

    def __init__(self, placeholder: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setAccessibleName(accessible)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setMaximumHeight(96)
        self.entry = QLineEdit()
        self.entry.setPlaceholderText(placeholder)
        self.entry.setAccessibleName(self.tr("New entry for: {list}").format(list=accessible))
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.setAutoDefault(False)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setAutoDefault(False)
        self.entry.returnPressed.connect(self.add_entry)
        self.entry.textChanged.connect(self._update_buttons)
        self.add_button.clicked.connect(self.add_entry)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.entry_row = QHBoxLayout()
        self.entry_row.addWidget(self.entry, 1)
        self.entry_row.addWidget(self.add_button)
        self.entry_row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(self.entry_row)
        self._update_buttons()

    def values(self) -> list[str]:
        items = (self.list.item(i) for i in range(self.list.count()))
        return [item.text() for item in items if item is not None]

    def set_values(self, values: list[str]) -> None:
        self.list.clear()
        for value in values:
            self._add(value)

    def add_value(self, text: str) -> bool:
        """Add `text` unless it is blank or listed already."""
        return self._add(text)

    def _add(self, text: str) -> bool:
        text = text.strip()
        if not text or text in self.values():
            return False
        self.list.addItem(text)
        return True

    @Slot()
    def add_entry(self) -> None:
        if self._add(self.entry.text()) or self.entry.text().strip() in self.values():
            self.entry.clear()

    @Slot()
    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))

    @Slot()
    def _update_buttons(self) -> None:
        self.add_button.setEnabled(bool(self.entry.text().strip()))
        self.remove_button.setEnabled(bool(self.list.selectedItems()))


def _group(title: str, help_text: str, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.addWidget(_help(help_text))
    for w in widgets:
        layout.addWidget(w)
    return box


def _limit_spin(suffix: str, maximum: int, value: int, accessible: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(1, maximum)
    spin.setValue(value)  # what ticking the box offers first
    spin.setSuffix(suffix)
    spin.setAccessibleName(accessible)
    spin.setMinimumWidth(110)
    return spin


class ScanSettingsDialog(QDialog):
    """The scan settings; `Save` stores them for the next scan, Cancel forgets the edits."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Scan settings"))
        self.settings = settings

        self.criteria = CriteriaEditor()
        self.prefer = TextListEditor(self.tr("e.g. Originals"), self.tr("Folders to prefer"))
        self.avoid = TextListEditor(self.tr("e.g. Old phone"), self.tr("Folders to avoid"))
        keep_tab = QWidget()
        keep = QVBoxLayout(keep_tab)
        keep.addWidget(
            _group(
                self.tr("What decides which copy to keep"),
                self.tr(
                    "PhotoSift keeps the copy that is best at the first point. When the copies "
                    "are equal there, the next point decides, and so on. Drag a point up or "
                    "down, or select it and use Move up and Move down."
                ),
                self.criteria,
            )
        )
        places = QHBoxLayout()
        places.addWidget(
            _group(
                self.tr("Keep copies in"),
                self.tr(
                    "A copy whose folder or file name contains one of these is kept rather "
                    "than another. This is the point “Preferred folders and names” above."
                ),
                self.prefer,
            )
        )
        places.addWidget(
            _group(
                self.tr("Remove copies in"),
                self.tr(
                    "A copy whose folder or file name contains one of these is suggested for "
                    "removal first. Downloads, Temp, WhatsApp and names with “copy” or “(1)” "
                    "already count."
                ),
                self.avoid,
            )
        )
        keep.addLayout(places)

        self.excludes = TextListEditor(
            self.tr("A name or pattern, e.g. Thumbnails or *.gif"),
            self.tr("Folders and files to leave out"),
        )
        self.exclude_folder = QPushButton(self.tr("Choose folder…"))
        self.exclude_folder.setAutoDefault(False)
        self.exclude_folder.setToolTip(
            self.tr("Pick a folder inside the folders to scan to leave it out")
        )
        self.exclude_folder.clicked.connect(self.choose_excluded_folder)
        self.excludes.entry_row.insertWidget(1, self.exclude_folder)
        self.min_size = _limit_spin(
            self.tr(" KB"), 1_000_000, 50, self.tr("Smallest file size, in kilobytes")
        )
        self.min_width = _limit_spin(
            self.tr(" px"), 100_000, 640, self.tr("Smallest width, in pixels")
        )
        self.min_height = _limit_spin(
            self.tr(" px"), 100_000, 480, self.tr("Smallest height, in pixels")
        )
        self.size_limit = QCheckBox(self.tr("Leave out files smaller than"))
        self.dims_limit = QCheckBox(self.tr("Leave out pictures smaller than"))
        self.size_limit.toggled.connect(self.min_size.setEnabled)
        self.dims_limit.toggled.connect(self.min_width.setEnabled)
        self.dims_limit.toggled.connect(self.min_height.setEnabled)
        size_row = QHBoxLayout()
        size_row.addWidget(self.size_limit)
        size_row.addWidget(self.min_size)
        size_row.addStretch(1)
        dims_row = QHBoxLayout()
        dims_row.addWidget(self.dims_limit)
        dims_row.addWidget(self.min_width)
        dims_row.addWidget(QLabel("×"))
        dims_row.addWidget(self.min_height)
        dims_row.addStretch(1)
        sizes = QWidget()
        sizes_layout = QVBoxLayout(sizes)
        sizes_layout.setContentsMargins(0, 0, 0, 0)
        sizes_layout.addLayout(size_row)
        sizes_layout.addLayout(dims_row)
        skip_tab = QWidget()
        skip = QVBoxLayout(skip_tab)
        skip.addWidget(
            _group(
                self.tr("Folders and files to leave out"),
                self.tr(
                    "Folders and files with one of these names are not looked at, wherever "
                    "they are. * stands for any letters: *.gif leaves out every GIF, Backup* "
                    "every folder whose name starts with Backup. With a / it is a path inside "
                    "a scanned folder: 2019/Scans. Or click Choose folder… to pick one."
                ),
                self.excludes,
            )
        )
        skip.addWidget(
            _group(
                self.tr("Smallest pictures to look at"),
                self.tr(
                    "Leave out icons and small thumbnails. Pictures left out are listed under "
                    "Skipped files. Either way round: 800 × 600 also takes a 600 × 800 picture."
                ),
                sizes,
            )
        )
        skip.addStretch(1)

        self.tabs = QTabWidget()
        self.tabs.addTab(keep_tab, self.tr("Which copy to keep"))
        self.tabs.addTab(skip_tab, self.tr("What to leave out"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        intro = _help(
            self.tr(
                "Used for your next scans. The scan settings of a finished scan stay as they were."
            )
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(intro)
        layout.addWidget(buttons)
        self.resize(720, 640)
        self.load()

    @Slot()
    def choose_excluded_folder(self) -> None:
        roots: list[str] = self.settings.get(Keys.FOLDERS)
        start = roots[0] if roots else ""
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose a folder to leave out"), start
        )
        if not folder:
            return
        pattern = exclude_pattern_for(folder, roots)
        if pattern is None:
            QMessageBox.information(
                self,
                self.tr("Leave out a folder"),
                self.tr(
                    "Choose a folder inside one of the folders to scan. To leave out a whole "
                    "folder you scan, take it off the list on the first page."
                ),
            )
            return
        self.excludes.add_value(pattern)

    def load(self) -> None:
        s = self.settings
        self.criteria.set_order(s.keep_order())
        self.prefer.set_values(s.get(Keys.PREFER))
        self.avoid.set_values(s.get(Keys.AVOID))
        self.excludes.set_values(s.get(Keys.EXCLUDES))
        size = max(0, s.get(Keys.MIN_FILE_SIZE))
        width, height = max(0, s.get(Keys.MIN_WIDTH)), max(0, s.get(Keys.MIN_HEIGHT))
        self.size_limit.setChecked(size > 0)
        if size > 0:
            self.min_size.setValue(max(1, round(size / KB)))
        self.dims_limit.setChecked(width > 0 or height > 0)
        if width > 0 or height > 0:
            self.min_width.setValue(max(1, width))
            self.min_height.setValue(max(1, height))
        for box in (self.size_limit, self.dims_limit):
            box.toggled.emit(box.isChecked())  # the spin boxes follow, ticked or not

    def save(self) -> None:
        s = self.settings
        order = self.criteria.order()
        # the default order is stored as [] so a later PhotoSift's new criteria fall in place
        s.set(Keys.KEEP_ORDER, [] if order == list(DEFAULT_ORDER) else order)
        s.set(Keys.PREFER, self.prefer.values())
        s.set(Keys.AVOID, self.avoid.values())
        s.set(Keys.EXCLUDES, self.excludes.values())
        dims = self.dims_limit.isChecked()
        s.set(Keys.MIN_FILE_SIZE, self.min_size.value() * KB if self.size_limit.isChecked() else 0)
        s.set(Keys.MIN_WIDTH, self.min_width.value() if dims else 0)
        s.set(Keys.MIN_HEIGHT, self.min_height.value() if dims else 0)
        s.sync()

    def accept(self) -> None:
        self.save()
        super().accept()


def settings_summary(settings: Settings) -> str:
    """One line for the start page: what differs from the defaults, or ""."""
    parts: list[str] = []
    order = settings.keep_order()
    if order and full_order(order) != list(DEFAULT_ORDER):
        first = full_order(order)[0]
        parts.append(
            _("“{criterion}” decides first").format(criterion=criterion_title(first))
            if first != DEFAULT_ORDER[0]
            else _("your own order for the copy to keep")
        )
    prefer: list[str] = settings.get(Keys.PREFER)
    avoid: list[str] = settings.get(Keys.AVOID)
    if prefer != Keys.PREFER.default or avoid:
        parts.append(_("your own folders to keep and remove"))
    excludes: list[str] = settings.get(Keys.EXCLUDES)
    if excludes:
        more = len(excludes) - 3
        shown = ", ".join(excludes[:3])
        if more > 0:
            shown = ngettext("{names} and {n} more", "{names} and {n} more", more).format(
                names=shown, n=number(more)
            )
        parts.append(_("leaving out {names}").format(names=shown))
    size = settings.get(Keys.MIN_FILE_SIZE)
    if size > 0:
        parts.append(_("files under {size}").format(size=human_bytes(size)))
    w, h = settings.get(Keys.MIN_WIDTH), settings.get(Keys.MIN_HEIGHT)
    if w > 0 or h > 0:
        parts.append(_("pictures under {width} × {height}").format(width=w, height=h))
    return _("Your settings: {settings}.").format(settings="; ".join(parts)) if parts else ""


def edit_scan_settings(settings: Settings, parent: QWidget | None = None) -> bool:
    """Show the dialog; True when the user saved."""
    dialog = ScanSettingsDialog(settings, parent)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()
