"""History: every move PhotoSift made, and putting files back (all of a move, or some).

The batches and their files come from the undo log, read on the mutations thread through
`MutationController` (never on the GUI thread); the tables are thin models over the lists
it sends. Putting back runs there too; the window shows the progress and the outcome, and
this dialog reloads when it is done.
"""

from __future__ import annotations

import html
import os
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cleaner import (
    N_,
    BatchState,
    LogEntry,
    Method,
    Outcome,
    RestoreFinished,
    _,
    human_size,
    ngettext,
    number,
    pgettext,
    stored_words,
    time_of,
)
from ui.format import plain_tooltip
from ui.pane_keys import pane_actions
from ui.workers.mutations import BatchInfo, MutationController

AnyIndex = QModelIndex | QPersistentModelIndex
_INVALID = QModelIndex()


def when_text(iso: str) -> str:
    """ "31 Jan 2025, 14:25" in local time from an ISO time, as the command line says it;
    the text itself if it does not parse."""
    return time_of(iso)


def batch_state_text(info: BatchInfo) -> str:
    b = info.batch
    moved = b.moved + b.pending
    if moved and b.restored >= moved:
        return _("All put back")
    if b.restored:
        return ngettext("{done} of {total} put back", "{done} of {total} put back", moved).format(
            done=number(b.restored), total=number(moved)
        )
    if b.state is BatchState.CANCELLED:
        return _("Stopped part-way")
    if b.state is BatchState.RUNNING:
        return _("Interrupted")
    if not moved:
        return _("Nothing moved")
    return pgettext("history state", "Moved")


def where_text(where: str) -> str:
    """Where a move's files went (`BatchInfo.where`, English in code), in words."""
    if where == "Trash and quarantine folder":
        return _("Trash and quarantine folder")
    if where == "Quarantine folder":
        return _("Quarantine folder")
    return _("Trash")


def entry_text(e: LogEntry) -> str:
    """What happened to one file, in words."""
    quarantine = e.method is Method.QUARANTINE
    state = e.restore_state
    if state == "restored":
        return pgettext("history state", "Put back")
    if state == "restored_beside":
        name = os.path.basename(e.restored_to or "")
        return _("Put back as “{name}” (its name was taken)").format(name=name)
    if state == "in_place":
        return _("Back in its place")
    if state == "not_in_trash":
        if quarantine:
            return _("Could not be put back: no longer in the quarantine folder")
        return _("Could not be put back: not in the Trash any more (it may have been emptied)")
    if state == "changed":
        if quarantine:
            return _("Could not be put back: the file in the quarantine folder is different now")
        return _("Could not be put back: the file in the Trash is different now")
    if state == "failed":
        if e.detail:
            return _("Could not be put back: {why}").format(why=stored_words(e.detail))
        return _("Could not be put back")
    if e.outcome is Outcome.MOVED:
        return _("In the quarantine folder") if quarantine else _("In the Trash")
    if e.outcome is Outcome.PENDING:
        if quarantine:
            return _("Interrupted: may be in the quarantine folder")
        return _("Interrupted: may be in the Trash")
    if e.outcome in (Outcome.SKIPPED, Outcome.FAILED):
        if e.detail:
            return _("Not moved: {why}").format(why=stored_words(e.detail))
        return _("Not moved")
    return _("Not moved (it never left)")


def can_put_back(e: LogEntry) -> bool:
    return e.outcome in (Outcome.MOVED, Outcome.PENDING) and not e.restored


class _RowsTableModel(QAbstractTableModel):
    """A read-only table over a Python list, one row per item; subclasses give the
    column headers and `data`."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self.HEADERS[section]) if 0 <= section < len(self.HEADERS) else None
        return None


class BatchTableModel(_RowsTableModel):
    HEADERS = (N_("When"), N_("Files"), N_("Size"), N_("Where they went"), N_("State"))

    @property
    def batches(self) -> list[BatchInfo]:
        return self.rows

    def set_batches(self, batches: list[BatchInfo]) -> None:
        self.set_rows(batches)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        info = self.batches[index.row()]
        b = info.batch
        if role == Qt.ItemDataRole.UserRole:
            return info
        if role == Qt.ItemDataRole.DisplayRole:
            col = index.column()
            if col == 0:
                return when_text(b.created_at)
            if col == 1:
                moved = b.moved + b.pending
                text = ngettext("{n} moved", "{n} moved", moved).format(n=number(moved))
                not_moved = b.failed + b.skipped
                if not_moved:
                    text += ", " + ngettext("{n} not moved", "{n} not moved", not_moved).format(
                        n=number(not_moved)
                    )
                return text
            if col == 2:
                return human_size(b.bytes_moved)
            if col == 3:
                return where_text(info.where)
            if col == 4:
                return batch_state_text(info)
        if role == Qt.ItemDataRole.ToolTipRole and info.quarantine_dirs:
            folders = ", ".join(info.quarantine_dirs)
            return plain_tooltip(_("Quarantine folder: {folders}").format(folders=folders))
        return None


class EntryTableModel(_RowsTableModel):
    HEADERS = (N_("File"), N_("Folder"), N_("What happened"))

    @property
    def entries(self) -> list[LogEntry]:
        return self.rows

    def set_entries(self, entries: list[LogEntry]) -> None:
        self.set_rows(entries)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        e = self.entries[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return e
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            col = index.column()
            if col == 0:
                if role == Qt.ItemDataRole.ToolTipRole:
                    return plain_tooltip(e.original_path)
                return os.path.basename(e.original_path)
            if col == 1:
                folder = os.path.dirname(e.original_path)
                return plain_tooltip(folder) if role == Qt.ItemDataRole.ToolTipRole else folder
            if col == 2:
                text = entry_text(e)
                if role == Qt.ItemDataRole.ToolTipRole:
                    went = (
                        "\n" + _("Went to: {path}").format(path=e.destination)
                        if e.destination
                        else ""
                    )
                    return plain_tooltip(text + went)
                return text
        return None


def _table(model: QAbstractTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return view


class HistoryDialog(QDialog):
    """Past moves (newest first) and their files; put back a whole move or some files."""

    restoreRequested = Signal(str, object)  # batch id, tuple of entry ids or None (all)

    def __init__(self, mutations: MutationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("History of moved files"))
        self.mutations = mutations
        self.batch_model = BatchTableModel(self)
        self.entry_model = EntryTableModel(self)
        self.batches = _table(self.batch_model, self.tr("Moves"))
        self.batches.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.batches.setColumnWidth(0, 170)
        self.batches.setColumnWidth(1, 170)
        self.batches.setColumnWidth(2, 90)
        self.batches.setColumnWidth(3, 200)
        self.entries = _table(self.entry_model, self.tr("Files of the selected move"))
        self.entries.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.entries.setColumnWidth(0, 220)
        self.entries.setColumnWidth(1, 330)
        self.intro = QLabel(
            self.tr(
                "Every time PhotoSift moves files, it writes down where each one went. "
                "Pick a move to see its files and put back all of them or only some."
            )
        )
        self.intro.setWordWrap(True)
        self.empty = QLabel(self.tr("Nothing has been moved yet."))
        self.empty.setVisible(False)
        self.files_title = QLabel()
        self.outcome = QLabel()
        self.outcome.setTextFormat(Qt.TextFormat.PlainText)  # it names files
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome.hide()

        self.all_button = QPushButton(self.tr("Put back all"))
        self.all_button.setToolTip(self.tr("Put every file of the selected move back where it was"))
        self.some_button = QPushButton(self.tr("Put back selected"))
        self.some_button.setToolTip(self.tr("Put only the selected files back where they were"))
        self.all_button.clicked.connect(self.put_back_all)
        self.some_button.clicked.connect(self.put_back_selected)
        buttons = QDialogButtonBox()
        buttons.addButton(self.all_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.some_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)

        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.files_title)
        bottom_layout.addWidget(self.entries, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.batches)
        splitter.addWidget(bottom)
        splitter.setSizes([200, 380])
        self.pane_actions = pane_actions(self, splitter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.empty)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(buttons)

        self.batches.selectionModel().selectionChanged.connect(self._batch_selected)
        self.entries.selectionModel().selectionChanged.connect(self._update_buttons)
        mutations.historyLoaded.connect(self._on_history)
        mutations.entriesLoaded.connect(self._on_entries)
        mutations.restoreFinished.connect(self._on_restored)
        mutations.busyChanged.connect(self._update_buttons)
        mutations.logRecovered.connect(self._on_log_recovered)
        self._wanted_batch: str | None = None
        self.loaded = False  # set when the list of moves has arrived (tests wait on it)
        self.resize(960, 640)
        self._update_buttons()

    # -- loading ---------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        """Ask for the list of moves again; keep (or move to) the batch `select`."""
        self.loaded = False
        current = self.current_batch()
        self._wanted_batch = select or (current.batch.id if current else None)
        self.mutations.load_history()
        if self.mutations.recovery_notice:  # found before this window was open
            self._on_log_recovered(self.mutations.recovery_notice)

    @Slot(str)
    def _on_log_recovered(self, message: str) -> None:
        self.mutations.recovery_notice = ""
        self.show_outcome(message)

    @Slot(list)
    def _on_history(self, infos: list[BatchInfo]) -> None:
        self.batch_model.set_batches(infos)
        for col in (1,):  # the counts: as wide as their words in this language
            width = self.batches.columnWidth(col)
            self.batches.resizeColumnToContents(col)
            self.batches.setColumnWidth(col, max(width, self.batches.columnWidth(col)))
        self.empty.setVisible(not infos)
        row = next(
            (i for i, b in enumerate(infos) if b.batch.id == self._wanted_batch),
            0 if infos else -1,
        )
        if row >= 0:
            self.batches.selectRow(row)
        else:
            self.entry_model.set_entries([])
            self.files_title.setText("")
        self.loaded = True
        self._update_buttons()

    def current_batch(self) -> BatchInfo | None:
        rows = self.batches.selectionModel().selectedRows()
        if not rows:
            return None
        info = rows[0].data(Qt.ItemDataRole.UserRole)
        return info if isinstance(info, BatchInfo) else None

    @Slot(QItemSelection, QItemSelection)
    def _batch_selected(self, *_: object) -> None:
        info = self.current_batch()
        self.entry_model.set_entries([])
        if info is None:
            self.files_title.setText("")
        else:
            self.files_title.setText(
                self.tr("<b>Files moved on {when}</b> (select some to put back only those)").format(
                    when=html.escape(when_text(info.batch.created_at))
                )
            )
            self.mutations.load_entries(info.batch.id)
        self._update_buttons()

    @Slot(str, list)
    def _on_entries(self, batch_id: str, entries: list[LogEntry]) -> None:
        info = self.current_batch()
        if info is not None and info.batch.id == batch_id:
            self.entry_model.set_entries(entries)
        self._update_buttons()

    # -- putting back ----------------------------------------------------------------

    def selected_entries(self) -> list[LogEntry]:
        rows = sorted({i.row() for i in self.entries.selectionModel().selectedRows()})
        return [self.entry_model.entries[r] for r in rows if r < len(self.entry_model.entries)]

    @Slot()
    def put_back_all(self) -> None:
        info = self.current_batch()
        if info is not None and not self.mutations.busy():
            self.restoreRequested.emit(info.batch.id, None)

    @Slot()
    def put_back_selected(self) -> None:
        info = self.current_batch()
        ids = tuple(e.id for e in self.selected_entries() if can_put_back(e))
        if info is not None and ids and not self.mutations.busy():
            self.restoreRequested.emit(info.batch.id, ids)

    @Slot(object)
    def _on_restored(self, finished: RestoreFinished) -> None:
        self.reload(select=finished.batch_id)

    def show_outcome(self, text: str) -> None:
        self.outcome.setText(text)
        self.outcome.setVisible(bool(text))

    @Slot()
    def _update_buttons(self, *_: object) -> None:
        busy = self.mutations.busy()
        info = self.current_batch()
        undoable = info is not None and info.batch.undoable > 0
        self.all_button.setEnabled(undoable and not busy)
        if info is not None:
            self.all_button.setText(
                self.tr("Put back all {n}").format(n=number(info.batch.undoable))
                if undoable
                else self.tr("Put back all")
            )
        n = sum(1 for e in self.selected_entries() if can_put_back(e))
        self.some_button.setEnabled(n > 0 and not busy)
        self.some_button.setText(
            ngettext("Put back {n} selected file", "Put back {n} selected files", n).format(
                n=number(n)
            )
            if n
            else self.tr("Put back selected")
        )
