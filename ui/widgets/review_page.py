"""The results: groups on the left, the selected group's copies as a grid on the right.

Marks (keep / remove) start as the engine's suggestion. A click on a tile's bottom
bar, or Space on the selected tiles, switches them; the summary at the top counts
what is marked. The page's buttons for what the window does (open, show in folder,
move, export) only ask, through signals; the window decides and says which are enabled.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cleaner import N_, _, ngettext, number
from ui.catalog_places import places_for
from ui.delegates.group_row import ROW_H, GroupRowDelegate
from ui.delegates.tile import PhotoTileDelegate, tile_size
from ui.format import (
    breakable,
    folder_name,
    group_reason_tooltip,
    human_bytes,
    keeper_changed_header,
    keeper_header,
    plain_tooltip,
)
from ui.models.groups import GroupListModel
from ui.models.photos import PhotoGridModel
from ui.models.session import ReviewSession
from ui.models.skipped import SkippedModel
from ui.settings import Keys, Settings
from ui.thumbnails import ThumbnailLoader
from ui.widgets.skipped_view import SkippedView

SORT_CHOICES = (
    ("space", N_("Most space to free")),
    ("copies", N_("Most copies")),
    ("folder", N_("Folder (A to Z)")),
)


class PhotoGridView(QListView):
    """The copies of one group: icon mode, fixed grid, painted tiles, Space toggles."""

    toggleRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)  # one group: a handful of tiles
        self.setUniformItemSizes(True)
        tile = tile_size(self.font())
        self.setGridSize(QSize(tile.width() + 6, tile.height() + 6))
        self.setSpacing(0)
        self.setWrapping(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(200)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setMouseTracking(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setAccessibleName(self.tr("Copies of the selected picture"))
        self.setToolTip("")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.modifiers():
            self.toggleRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class GroupListView(QListView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(500)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(ROW_H // 2)
        self.setAccessibleName(self.tr("Sets of copies"))

    def dataChanged(
        self,
        topLeft: QModelIndex | QPersistentModelIndex,
        bottomRight: QModelIndex | QPersistentModelIndex,
        roles: Sequence[int] = (),
    ) -> None:
        """Repaint the changed rows only. QListView lays out EVERY row again on any
        dataChanged (20,000 model calls for 10,000 sets, in batches that restart on each
        thumbnail or mark, so the list stayed partly laid out and could not be scrolled to
        its end); the rows have one fixed height, so there is nothing to lay out."""
        QAbstractItemView.dataChanged(self, topLeft, bottomRight, list(roles))


class ReviewPage(QWidget):
    compareRequested = Signal()
    newScanRequested = Signal()
    openRequested = Signal()  # open the selected copies in the picture viewer
    revealRequested = Signal()  # show the selected copy in the file manager
    moveRequested = Signal()  # move the marked files to the Trash
    exportRequested = Signal()  # save a report of the scan
    status = Signal(str)

    def __init__(
        self,
        session: ReviewSession,
        thumbnails: ThumbnailLoader,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.thumbnails = thumbnails
        self.settings = settings

        # models
        self.group_model = GroupListModel(session, thumbnails, self)
        self.photo_model = PhotoGridModel(session, thumbnails, self)
        self.photo_model.markRefused.connect(self.status)
        self.skipped_model = SkippedModel(session, self)

        top = self._build_summary_bar()
        left = self._build_group_list()
        right = self._build_copies_pane()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([340, 900])

        self.skipped_view = SkippedView(self.skipped_model)
        self.tabs = QTabWidget()
        duplicates = QWidget()
        dup_layout = QVBoxLayout(duplicates)
        dup_layout.addWidget(self.splitter)
        self.tabs.addTab(duplicates, self.tr("Copies found"))
        self.tabs.addTab(self.skipped_view, self.tr("Skipped files"))
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(top)
        layout.addWidget(self.empty)
        layout.addWidget(self.tabs, 1)

        session.summaryChanged.connect(self._update_summary)
        session.marksChanged.connect(self._marks_changed)
        session.groupsInserted.connect(self._groups_inserted)
        session.reset.connect(self._session_reset)
        session.skippedAdded.connect(self._update_tabs)
        session.reset.connect(self._update_tabs)
        session.groupsRemoved.connect(self._groups_removed)
        session.membersRemoved.connect(self._members_changed)
        session.membersInserted.connect(self._members_changed)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(80)
        self._refresh_timer.timeout.connect(self._refresh_thumbnails)

        self.filter_spin.setValue(settings.get(Keys.MIN_COPIES))
        self.filter_check.setChecked(settings.get(Keys.MIN_COPIES_ON))
        sort = settings.get(Keys.SORT)
        self.sort_combo.setCurrentIndex(max(0, self.sort_combo.findData(sort)))
        self._update_summary()
        self._update_tabs()
        self._update_buttons()

    # -- building the page (called once, in this order, from __init__) -----------------------

    def _build_summary_bar(self) -> QHBoxLayout:
        """The count of marked files and the buttons that act on every set."""
        self.summary = QLabel()
        font = QFont(self.summary.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.summary.setFont(font)
        self.summary.setAccessibleDescription(self.tr("Marked files"))
        # In a narrow window (900 px) the count wraps onto a second line instead of being
        # cut ("… to fr") or pushing the buttons out of the window.
        self.summary.setWordWrap(True)
        widest = self.tr("{size} to free").format(size=human_bytes(999_900_000))
        self.summary.setMinimumWidth(QFontMetrics(font).horizontalAdvance(widest))
        self.apply_button = QPushButton(self.tr("Use suggestions for all"))
        self.apply_button.setToolTip(
            self.tr("Mark every copy except the suggested best one, in every set (Ctrl+Shift+A)")
        )
        self.apply_button.clicked.connect(self.session.apply_suggestions)
        self.clear_button = QPushButton(self.tr("Unmark all"))
        self.clear_button.setToolTip(self.tr("Keep everything: remove every mark (Ctrl+Shift+U)"))
        self.clear_button.clicked.connect(self.session.clear_marks)
        self.trash_button = QPushButton(self.tr("Move marked files to Trash…"))
        self.trash_button.setEnabled(False)
        self.trash_button.setToolTip(
            self.tr(
                "Move the marked copies to the Trash. You will see the list first, "
                "and you can put them back with Undo (Ctrl+Z) or from History."
            )
        )
        self.trash_button.clicked.connect(self.moveRequested)
        self.export_button = QPushButton(self.tr("Export report…"))
        self.export_button.setToolTip(
            self.tr(
                "Save a report of this scan as a web page, a spreadsheet or data (Ctrl+Shift+E)"
            )
        )
        self.export_button.clicked.connect(self.exportRequested)
        self.new_scan_button = QPushButton(self.tr("New scan"))
        self.new_scan_button.setToolTip(self.tr("Go back to choose folders (Ctrl+N)"))
        self.new_scan_button.clicked.connect(self.newScanRequested)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.apply_button)
        top.addWidget(self.clear_button)
        top.addSpacing(12)
        top.addWidget(self.trash_button)
        top.addWidget(self.export_button)
        top.addWidget(self.new_scan_button)
        return top

    def _build_group_list(self) -> QWidget:
        """Left: the sets of copies, with their sort and filter."""
        self.sort_combo = QComboBox()
        self.sort_combo.setAccessibleName(self.tr("Sort sets by"))
        for key, label in SORT_CHOICES:
            self.sort_combo.addItem(_(label), key)
        self.sort_combo.currentIndexChanged.connect(self._sort_changed)
        self.filter_check = QCheckBox(self.tr("Only pictures with more than"))
        self.filter_check.setToolTip(self.tr("Hide sets with few copies"))
        self.filter_spin = QSpinBox()
        self.filter_spin.setRange(2, 999)
        # Translators: after a number in a box ("2 copies"); keep the space in front
        self.filter_spin.setSuffix(self.tr(" copies"))
        self.filter_spin.setAccessibleName(self.tr("Minimum number of copies"))
        self.filter_check.toggled.connect(self._filter_changed)
        self.filter_spin.valueChanged.connect(self._filter_changed)
        sort_row = QHBoxLayout()
        sort_label = QLabel(self.tr("Sort by"))
        sort_label.setBuddy(self.sort_combo)
        sort_row.addWidget(sort_label)
        sort_row.addWidget(self.sort_combo, 1)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter_check)
        filter_row.addWidget(self.filter_spin)
        filter_row.addStretch(1)
        self.group_view = GroupListView()
        self.group_view.setModel(self.group_model)
        self.group_view.setItemDelegate(GroupRowDelegate(self.group_view))
        self.group_model.set_thumbnail_size(GroupRowDelegate.thumb_size(), 1.0)
        self.group_view.selectionModel().currentChanged.connect(self._group_changed)
        self.group_view.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.group_count = QLabel()
        self.group_count.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(sort_row)
        left_layout.addLayout(filter_row)
        left_layout.addWidget(self.group_view, 1)
        left_layout.addWidget(self.group_count)
        return left

    def _build_copies_pane(self) -> QWidget:
        """Right: the copies of the selected set, with their buttons."""
        self.group_title = QLabel()
        title_font = QFont(self.group_title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.2)
        title_font.setBold(True)
        self.group_title.setFont(title_font)
        self.group_title.setWordWrap(True)  # a long name goes below "6 copies of" when narrow
        self.group_reason = QLabel()
        self.group_reason.setWordWrap(True)
        for label in (self.group_title, self.group_reason):  # a name with "<b>" as written
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.compare_button = QPushButton(self.tr("Compare side by side"))
        self.compare_button.setToolTip(
            self.tr("Look at the selected copies (or all copies) side by side (Ctrl+E)")
        )
        self.compare_button.clicked.connect(self.compareRequested)
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setToolTip(
            self.tr("Open the selected copy in your picture viewer (Ctrl+Return)")
        )
        self.open_button.clicked.connect(self.openRequested)
        self.reveal_button = QPushButton(self.tr("Show in folder"))
        self.reveal_button.setToolTip(
            self.tr("Show the selected copy in your file manager (Ctrl+Shift+R)")
        )
        self.reveal_button.clicked.connect(self.revealRequested)
        self.grid = PhotoGridView()
        self.grid.setModel(self.photo_model)
        self.grid.setItemDelegate(PhotoTileDelegate(self.grid))
        self.photo_model.set_thumbnail_size(PhotoTileDelegate.image_size(), 1.0)
        self.grid.toggleRequested.connect(self.toggle_selected)
        self.grid.activated.connect(self._tile_activated)
        self.grid.selectionModel().selectionChanged.connect(self._update_buttons)
        self.hint = QLabel(
            self.tr(
                "Click the <b>Keep / Remove</b> bar under a picture, or select pictures and "
                "press <b>Space</b>, to change what happens to them. At least one copy is "
                "always kept."
            )
        )
        self.hint.setWordWrap(True)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        actions = QHBoxLayout()
        actions.addWidget(self.group_title, 1)
        actions.addWidget(self.compare_button)
        actions.addWidget(self.open_button)
        actions.addWidget(self.reveal_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(actions)
        right_layout.addWidget(self.group_reason)
        right_layout.addWidget(self.grid, 1)
        right_layout.addWidget(self.hint)
        return right

    # -- device pixel ratio --------------------------------------------------------------

    def set_device_pixel_ratio(self, dpr: float) -> None:
        """Thumbnails are decoded at logical size x this ratio (called on screen change)."""
        self.group_model.set_thumbnail_size(GroupRowDelegate.thumb_size(), dpr)
        self.photo_model.set_thumbnail_size(PhotoTileDelegate.image_size(), dpr)
        self._refresh_thumbnails()

    # -- groups ----------------------------------------------------------------------------

    def current_group_row(self) -> int:
        """The session row of the group shown on the right, -1 if none."""
        return self.photo_model.group_row

    @Slot(int, int)
    def _groups_inserted(self, first: int, last: int) -> None:
        if not self.group_view.currentIndex().isValid() and self.group_model.rowCount():
            self.select_group_at(0)
        self._update_tabs()
        self._update_summary()

    @Slot(list)
    def _groups_removed(self, rows: list[int]) -> None:
        """Groups went (their copies were moved away): show a neighbour if ours went."""
        if not self.group_view.currentIndex().isValid() and self.group_model.rowCount():
            self.select_group_at(0)
        elif self.photo_model.group is None and self.group_view.currentIndex().isValid():
            self._group_changed(self.group_view.currentIndex(), QModelIndex())
        self._update_group_header()
        self._update_tabs()
        self._update_buttons()

    @Slot(int, list)
    @Slot(int, int)
    def _members_changed(self, row: int, _what: object = None) -> None:
        if row == self.current_group_row():
            self._update_group_header()
            self._update_buttons()

    @Slot()
    def _session_reset(self) -> None:
        self.photo_model.set_group(-1)
        self._update_group_header()

    def finish_loading(self) -> None:
        """The scan is over: sort what arrived and show the first group."""
        self.group_model.resort()
        if self.group_model.rowCount():
            self.select_group_at(0)
        self._update_tabs()

    def select_group_at(self, view_row: int) -> None:
        """Show the group at `view_row` of the (sorted, filtered) list."""
        if not 0 <= view_row < self.group_model.rowCount():
            return
        index = self.group_model.index(view_row, 0)
        self.group_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.group_view.scrollTo(index)

    @Slot()
    def show_copies_tab(self) -> None:
        self.tabs.setCurrentIndex(0)

    @Slot()
    def show_skipped_tab(self) -> None:
        self.tabs.setCurrentIndex(1)

    def focus_copies(self) -> None:
        """Keyboard focus to the grid of copies (Space, arrows)."""
        self.grid.setFocus()

    def step_group(self, delta: int) -> None:
        row = self.group_view.currentIndex().row()
        self.select_group_at(max(0, min(self.group_model.rowCount() - 1, row + delta)))
        self.grid.setFocus()

    @Slot(QModelIndex, QModelIndex)
    def _group_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        row = self.group_model.session_row(current.row()) if current.isValid() else -1
        self.thumbnails.cancel_pending()
        self.photo_model.set_group(row)
        if self.photo_model.rowCount():
            self.grid.setCurrentIndex(self.photo_model.index(0))
            self.grid.clearSelection()
        self._update_group_header()
        self._refresh_timer.start()
        self._update_buttons()

    def _update_group_header(self) -> None:
        group = self.photo_model.group
        if group is None:
            self.group_title.setText("")
            self.group_reason.setText("")
            return
        places = places_for(self.session.result)  # a review of catalogs: below the label
        named = [places.below(m.path) if places else m.path for m in group.members]
        folders = sorted({folder_name(p) or self.tr("(top folder)") for p in named})
        self.group_title.setText(
            ngettext("{n} copy of {name}", "{n} copies of {name}", group.size).format(
                n=number(group.size), name=breakable(os.path.basename(group.keeper.path))
            )
        )
        where = ", ".join(folders[:4]) + (" …" if len(folders) > 4 else "")
        tip = group_reason_tooltip(group)
        header = keeper_header(group)
        row = self.photo_model.group_row
        keeper_at = next((i for i, m in enumerate(group.members) if m.is_keeper), -1)
        if keeper_at >= 0 and self.session.is_changed(row, keeper_at):  # not a suggestion now
            saved = self.tr("When this review was saved:")
            header, tip = keeper_changed_header(group), f"{saved}\n{tip}"
        self.group_reason.setText(
            self.tr("{header} Copies in: {folders}").format(header=header, folders=where)
        )
        self.group_reason.setToolTip(plain_tooltip(tip))

    @Slot(int)
    def _marks_changed(self, row: int) -> None:
        if row == -1:  # every set: files found changed (`set_changed`) among them
            self._update_group_header()

    @Slot()
    def _scrolled(self) -> None:
        self._refresh_timer.start()

    @Slot()
    def _refresh_thumbnails(self) -> None:
        """Drop queued decodes for rows scrolled away; the visible rows ask again."""
        self.thumbnails.cancel_pending()
        self.group_view.viewport().update()
        self.grid.viewport().update()

    @Slot()
    def _sort_changed(self) -> None:
        key = str(self.sort_combo.currentData())
        self.group_model.set_sort_by(key)  # the current group stays current
        self.settings.set(Keys.SORT, key)
        if self.group_view.currentIndex().isValid():
            self.group_view.scrollTo(self.group_view.currentIndex())

    @Slot()
    def _filter_changed(self) -> None:
        enabled = self.filter_check.isChecked()
        self.filter_spin.setEnabled(enabled)
        current = self.current_group_row()
        self.group_model.set_min_copies(self.filter_spin.value() if enabled else 0)
        self.settings.set(Keys.MIN_COPIES_ON, enabled)
        self.settings.set(Keys.MIN_COPIES, self.filter_spin.value())
        view_row = self.group_model.view_row(current)
        self.select_group_at(view_row if view_row >= 0 else 0)
        if self.group_model.rowCount() == 0:
            self.photo_model.set_group(-1)
            self._update_group_header()
        self._update_tabs()

    # -- marks -----------------------------------------------------------------------------

    def selected_rows(self) -> list[int]:
        rows = sorted(i.row() for i in self.grid.selectionModel().selectedIndexes())
        if not rows and self.grid.currentIndex().isValid():
            rows = [self.grid.currentIndex().row()]
        return rows

    def selected_paths(self) -> list[str]:
        if self.photo_model.group is None:
            return []
        return [self.photo_model.member(r).path for r in self.selected_rows()]

    def selected_member_indices(self) -> list[int]:
        """Indices into the group's `members` of the selected tiles."""
        return [self.photo_model.member_index(r) for r in self.selected_rows()]

    def compare_members(self) -> tuple[int, list[int]] | None:
        """What to compare side by side: the shown group's session row and the member
        indices of the selected copies (2 or more), else of the keeper and the next copies,
        as many as fit side by side. None when no group is shown."""
        row = self.current_group_row()
        group = self.photo_model.group
        if row < 0 or group is None:
            return None
        indices = self.selected_member_indices()
        if len(indices) < 2:
            indices = [self.photo_model.member_index(r) for r in range(min(len(group.members), 4))]
        return row, indices

    @Slot()
    def toggle_selected(self) -> None:
        rows = self.selected_rows()
        if rows:
            self.photo_model.toggle(rows)

    @Slot(QModelIndex)
    def _tile_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        self.compareRequested.emit()

    @Slot()
    def _update_summary(self) -> None:
        n = self.session.marked_count
        if n:
            # When the window is narrow the line breaks after the comma, never inside
            # "183 MB to free".
            size = human_bytes(self.session.marked_bytes)
            free = self.tr("{size} to free").format(size=size)
            together = f"<span style='white-space:nowrap'>{free}</span>"
            self.summary.setText(
                ngettext("{n} file marked, {space}", "{n} files marked, {space}", n).format(
                    n=number(n), space=together
                )
            )
        else:
            self.summary.setText(self.tr("No files marked for removal"))
        self.clear_button.setEnabled(n > 0)
        if n:
            self.trash_button.setText(
                ngettext(
                    "Move {n} file to Trash ({size})…", "Move {n} files to Trash ({size})…", n
                ).format(n=number(n), size=human_bytes(self.session.marked_bytes))
            )
        else:
            self.trash_button.setText(self.tr("Move marked files to Trash…"))
        self.trash_button.setEnabled(n > 0 and self.session.result is not None)
        self.export_button.setEnabled(self.session.result is not None)

    @Slot()
    def _update_tabs(self) -> None:
        total = len(self.session.groups)
        shown = self.group_model.rowCount()
        self.tabs.setTabText(0, self.tr("Copies found ({n})").format(n=number(total)))
        skipped = len(self.session.skipped)
        self.tabs.setTabText(1, self.tr("Skipped files ({n})").format(n=number(skipped)))
        if shown == total:
            text = ngettext("{n} set of copies", "{n} sets of copies", total)
        else:
            text = ngettext(
                "Showing {shown} of {n} set of copies",
                "Showing {shown} of {n} sets of copies",
                total,
            )
        self.group_count.setText(text.format(n=number(total), shown=number(shown)))

    @Slot()
    def _update_buttons(self) -> None:
        has_group = self.photo_model.group is not None
        self.compare_button.setEnabled(has_group)
        has_tile = bool(self.selected_rows()) and has_group
        self.open_button.setEnabled(has_tile)
        self.reveal_button.setEnabled(has_tile)

    def set_actions_enabled(self, move: bool, export: bool) -> None:
        """The window's Move and Export actions decide these buttons too (it knows whether a
        move or a report is under way)."""
        self.trash_button.setEnabled(move)
        self.export_button.setEnabled(export)

    def show_empty(self, text: str) -> None:
        self.empty.setText(text)
        self.empty.setVisible(bool(text))
