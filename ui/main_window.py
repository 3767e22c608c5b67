"""The main window: start page -> progress page -> review page, plus menus and shortcuts."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QScreen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from cleaner import (
    DuplicateGroup,
    FileRestore,
    KeptFile,
    Notice,
    Progress,
    QuarantineMode,
    RemovalFinished,
    RemovalOptions,
    RemovalPlan,
    RestoreFinished,
    RestoreState,
    ScanResult,
    ScanSettings,
    SkippedFile,
    __version__,
    make_demo_library,
)
from ui.desktop import open_file, reveal_in_file_manager
from ui.format import human_bytes, plural
from ui.icons import app_icon
from ui.models.session import ReviewSession
from ui.settings import Keys, Settings, cache_dir
from ui.thumbnails import ThumbnailLoader
from ui.widgets.compare_dialog import CompareDialog
from ui.widgets.error_dialog import ErrorDialog
from ui.widgets.export_dialog import ExportDialog
from ui.widgets.history_dialog import HistoryDialog, when_text
from ui.widgets.progress_page import ProgressPage
from ui.widgets.removal_dialogs import (
    ConfirmRemovalDialog,
    OperationProgressDialog,
    RemovalSummaryDialog,
    SummaryChoice,
    another_mover_box,
    moved_sentence,
    restore_details,
    restore_sentence,
)
from ui.widgets.review_page import ReviewPage
from ui.widgets.start_page import StartPage
from ui.workers.base import drain_pools
from ui.workers.mutations import BatchInfo, MutationController
from ui.workers.report import ReportController
from ui.workers.scan import CachePath, ScanController

SHUTDOWN_WAIT_MS = 5000


class MainWindow(QMainWindow):
    def __init__(
        self,
        settings: Settings | None = None,
        cache_path: CachePath | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("PhotoSift")
        self.setWindowIcon(app_icon())
        self.settings = settings or Settings()
        if cache_path is None:
            cache_path = cache_dir() / "fingerprints.sqlite3"
        self.session = ReviewSession(self)
        self.thumbnails = ThumbnailLoader(parent=self)
        self.scanner = ScanController(cache_path, self)
        self.mutations = MutationController(parent=self)
        self.reports = ReportController(self)
        # Dialogs of the removal steps (kept so tests and screenshots can reach them).
        self.confirm_dialog: ConfirmRemovalDialog | None = None
        self.progress_dialog: OperationProgressDialog | None = None
        self.summary_dialog: RemovalSummaryDialog | None = None
        self.undo_box: QMessageBox | None = None
        self.undo_confirm_button: QPushButton | None = None
        self.restore_box: QMessageBox | None = None
        self.busy_box: QMessageBox | None = None  # another PhotoSift is moving files
        self.history_dialog: HistoryDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self._retry_options: RemovalOptions | None = None
        self._planned_count = 0
        self._plan_refused: tuple[KeptFile, ...] = ()
        self._undo_asked = False
        self.last_removal: RemovalFinished | None = None
        self.last_restore: RestoreFinished | None = None
        self._demo_dirs: list[Path] = []
        self._notices: list[str] = []  # one-line notes from the current scan (Notice)
        self._last_settings: ScanSettings | None = None
        self._closing = False

        self.start_page = StartPage(self.settings)
        self.progress_page = ProgressPage()
        self.review_page = ReviewPage(self.session, self.thumbnails, self.settings)
        self.pages = QStackedWidget()
        for page in (self.start_page, self.progress_page, self.review_page):
            self.pages.addWidget(page)
        self.setCentralWidget(self.pages)

        self.start_page.scanRequested.connect(self.start_scan)
        self.start_page.sampleRequested.connect(self.try_sample)
        self.progress_page.cancelRequested.connect(self.cancel_scan)
        self.review_page.compareRequested.connect(self.compare_selected)
        self.review_page.newScanRequested.connect(self.show_start)
        self.review_page.status.connect(self._show_status)
        self.review_page.open_button.clicked.connect(self.open_selected)
        self.review_page.reveal_button.clicked.connect(self.reveal_selected)
        self.review_page.trash_button.clicked.connect(self.move_marked)
        self.review_page.export_button.clicked.connect(self.export_report)
        self.session.summaryChanged.connect(self._update_actions)
        m = self.mutations
        m.planned.connect(self._on_planned)
        m.progressChanged.connect(self._on_mutation_progress)
        m.removed.connect(self._on_files_removed)
        m.kept.connect(self._on_files_kept)
        m.removalFinished.connect(self._on_removal_finished)
        m.restored.connect(self._on_files_restored)
        m.restoreFinished.connect(self._on_restore_finished)
        m.latestLoaded.connect(self._on_latest_batch)
        m.lockedOut.connect(self._on_locked_out)
        m.failed.connect(self._on_mutation_failed)
        m.busyChanged.connect(self._update_actions)
        self.reports.busyChanged.connect(self._update_actions)
        self.scanner.progressChanged.connect(self._on_progress)
        self.scanner.stageChanged.connect(self.progress_page.set_stage)
        self.scanner.groupsFound.connect(self._on_groups)
        self.scanner.skipped.connect(self._on_skipped)
        self.scanner.notice.connect(self._on_notice)
        self.scanner.finished.connect(self._on_finished)
        self.scanner.cancelled.connect(self._on_cancelled)
        self.scanner.failed.connect(self._on_failed)
        self.pages.currentChanged.connect(self._update_actions)

        self._make_actions()
        self.statusBar().showMessage("Ready")
        geometry = self.settings.geometry()
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 820)
        self._update_actions()

    # -- menus and shortcuts -----------------------------------------------------------

    def _action(
        self, text: str, shortcut: str | QKeySequence.StandardKey | None, slot: object, tip: str
    ) -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, QKeySequence.StandardKey) or shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even while menus are hidden
        return action

    def _make_actions(self) -> None:
        rp = self.review_page
        self.act_add = self._action(
            "&Add folder…", "Ctrl+O", self.add_folder, "Choose a folder to scan"
        )
        self.act_scan = self._action(
            "&Scan for duplicates", "Ctrl+R", self.start_scan, "Look through the chosen folders"
        )
        self.act_sample = self._action(
            "&Try with sample photos", None, self.try_sample, "Scan a small set of sample pictures"
        )
        self.act_cancel = self._action("&Cancel scan", "Esc", self.cancel_scan, "Stop the scan")
        self.act_new = self._action(
            "&New scan", "Ctrl+N", self.show_start, "Go back to choose folders"
        )
        self.act_quit = self._action("&Quit", "Ctrl+Q", self.close, "Close PhotoSift")
        self.act_move = self._action(
            "&Move marked files to Trash…",
            "Ctrl+Delete",
            self.move_marked,
            "Move the marked copies to the Trash (you see the list first)",
        )
        self.act_undo = self._action(
            "&Undo last move",
            QKeySequence.StandardKey.Undo,
            self.undo_last,
            "Put back the files of the last move",
        )
        self.act_history = self._action(
            "&History of moved files…",
            "Ctrl+Shift+H",
            self.show_history,
            "See every move and put back all or some files",
        )
        self.act_export = self._action(
            "&Export report…",
            "Ctrl+Shift+E",
            self.export_report,
            "Save a report of this scan (web page, spreadsheet, data)",
        )
        self.act_toggle = self._action(
            "&Keep or remove selected",
            "Space",
            rp.toggle_selected,
            "Switch the selected copies between keep and remove",
        )
        self.act_toggle.setShortcutContext(
            Qt.ShortcutContext.WidgetShortcut
        )  # the grid handles Space
        self.act_apply = self._action(
            "&Use suggestions for all",
            "Ctrl+Shift+A",
            self.session.apply_suggestions,
            "Mark every copy except the best one, in every set",
        )
        self.act_clear = self._action(
            "&Unmark all", "Ctrl+Shift+U", self.session.clear_marks, "Keep everything"
        )
        self.act_next = self._action(
            "Ne&xt set", "Ctrl+Down", lambda: rp.step_group(1), "Show the next set of copies"
        )
        self.act_prev = self._action(
            "&Previous set", "Ctrl+Up", lambda: rp.step_group(-1), "Show the previous set of copies"
        )
        self.act_compare = self._action(
            "&Compare side by side", "Ctrl+E", self.compare_selected, "Compare the selected copies"
        )
        self.act_open = self._action(
            "&Open in viewer", "Ctrl+Return", self.open_selected, "Open the selected copy"
        )
        self.act_reveal = self._action(
            "Show in &folder",
            "Ctrl+Shift+R",
            self.reveal_selected,
            "Show the selected copy in your file manager",
        )
        self.act_tab_groups = self._action(
            "Copies &found", "Ctrl+1", lambda: rp.tabs.setCurrentIndex(0), "Show the sets of copies"
        )
        self.act_tab_skipped = self._action(
            "S&kipped files",
            "Ctrl+2",
            lambda: rp.tabs.setCurrentIndex(1),
            "Show the files that could not be read",
        )
        self.act_keys = self._action(
            "&Keyboard shortcuts", "F1", self.show_shortcuts, "List the keyboard shortcuts"
        )
        self.act_about = self._action("&About PhotoSift", None, self.show_about, "About")

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for a in (self.act_add, self.act_scan, self.act_sample, self.act_cancel, self.act_new):
            file_menu.addAction(a)
        file_menu.addSeparator()
        for a in (self.act_move, self.act_undo, self.act_history):
            file_menu.addAction(a)
        file_menu.addSeparator()
        file_menu.addAction(self.act_export)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        marks = bar.addMenu("&Marks")
        for a in (self.act_toggle, self.act_apply, self.act_clear):
            marks.addAction(a)
        view = bar.addMenu("&View")
        for a in (self.act_next, self.act_prev, self.act_compare, self.act_open, self.act_reveal):
            view.addAction(a)
        view.addSeparator()
        view.addAction(self.act_tab_groups)
        view.addAction(self.act_tab_skipped)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_keys)
        help_menu.addAction(self.act_about)

    @Slot()
    def _update_actions(self) -> None:
        page = self.pages.currentWidget()
        scanning = page is self.progress_page
        reviewing = page is self.review_page
        for a in (self.act_add, self.act_scan, self.act_sample):
            a.setEnabled(page is self.start_page)
        self.act_scan.setEnabled(page is self.start_page and bool(self.start_page.folder_paths()))
        self.act_cancel.setEnabled(scanning)
        self.act_new.setEnabled(reviewing)
        for a in (
            self.act_toggle,
            self.act_apply,
            self.act_clear,
            self.act_next,
            self.act_prev,
            self.act_compare,
            self.act_open,
            self.act_reveal,
            self.act_tab_groups,
            self.act_tab_skipped,
        ):
            a.setEnabled(reviewing)
        busy = self.mutations.busy()
        has_result = reviewing and self.session.result is not None
        self.act_move.setEnabled(has_result and self.session.marked_count > 0 and not busy)
        self.review_page.trash_button.setEnabled(self.act_move.isEnabled())
        self.act_undo.setEnabled(not scanning and not busy)
        self.act_history.setEnabled(not scanning)
        self.act_export.setEnabled(has_result and not self.reports.busy())
        self.review_page.export_button.setEnabled(self.act_export.isEnabled())

    # -- start -------------------------------------------------------------------------

    @Slot()
    def add_folder(self) -> None:
        self.start_page.choose_folder()
        self._update_actions()

    @Slot()
    def show_start(self) -> None:
        self.start_page.load()
        self.pages.setCurrentWidget(self.start_page)

    @Slot()
    def start_scan(self) -> None:
        if self.pages.currentWidget() is not self.start_page:
            return
        settings = self.settings.scan_settings()
        if not settings.roots:
            self.start_page.set_status("Add at least one folder first.")
            return
        missing = [r for r in settings.roots if not os.path.isdir(r)]
        if missing:
            self.start_page.set_status(
                "This folder cannot be found: "
                + ", ".join(missing)
                + ". Remove it from the list, or connect the drive it is on."
            )
            return
        self.run_scan(settings)

    def run_scan(self, settings: ScanSettings) -> int:
        """Scan with `settings` (used by the start page, the sample and tests)."""
        self._last_settings = settings
        self.thumbnails.clear()
        self.session.clear(settings.protected)
        self.review_page.show_empty("")
        self.progress_page.reset(list(settings.roots))
        self.pages.setCurrentWidget(self.progress_page)
        self.start_page.set_status("")
        self.statusBar().showMessage("Scanning…")
        self._notices = []
        self.statusBar().setToolTip("")
        return self.scanner.start(settings)

    @Slot()
    def try_sample(self) -> None:
        if self.pages.currentWidget() is self.progress_page:
            return
        folder = Path(tempfile.mkdtemp(prefix="photosift-sample-"))
        self._demo_dirs.append(folder)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            library = make_demo_library(folder / "Sample photos")
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.settings.set(Keys.SAMPLE_SEEN, True)
        self.run_scan(ScanSettings(roots=(str(library.root),)))

    @Slot()
    def cancel_scan(self) -> None:
        if self.scanner.is_running():
            self.progress_page.cancelling()
            self.scanner.cancel()

    # -- scan events -------------------------------------------------------------------

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        self.progress_page.set_progress(progress)

    @Slot(list)
    def _on_groups(self, groups: list[DuplicateGroup]) -> None:
        refused = self.session.add_groups(groups)  # a set already shown is not counted again
        self.progress_page.add_found(groups=len(groups) - len(refused))

    @Slot(object)
    def _on_notice(self, notice: Notice) -> None:
        """Something the scan wants the user to know that did not stop it (a damaged
        fingerprint cache set aside): its gist shown now and again with the scan's summary,
        the whole of it in the status bar's tooltip."""
        self._notices.append(notice.short or notice.text)
        self.statusBar().showMessage(notice.short or notice.text)
        tips = [self.statusBar().toolTip(), notice.text]
        self.statusBar().setToolTip("\n".join(t for t in tips if t))

    @Slot(list)
    def _on_skipped(self, files: list[SkippedFile]) -> None:
        self.session.add_skipped(files)
        self.progress_page.add_found(skipped=len(files))

    @Slot(object)
    def _on_finished(self, result: ScanResult) -> None:
        self.session.finish(result)
        self.review_page.finish_loading()
        self.pages.setCurrentWidget(self.review_page)
        stats = result.stats
        if not result.groups:
            self.review_page.show_empty(
                f"No copies found among {plural(stats.images, 'picture')}. "
                "Try “Similar pictures” on the first screen to look for looser matches."
            )
        summary = (
            f"Looked at {plural(stats.images, 'picture')} in {stats.seconds:.1f} s: "
            f"{plural(stats.groups, 'set')} of copies, "
            f"{human_bytes(stats.reclaimable_bytes)} could be freed."
        )
        self.statusBar().showMessage(" ".join([summary, *self._notices]))
        self.review_page.grid.setFocus()

    @Slot()
    def _on_cancelled(self) -> None:
        if self._closing:
            return
        self.pages.setCurrentWidget(self.start_page)
        self.start_page.set_status("The scan was cancelled. Nothing was changed.")
        self.statusBar().showMessage("Scan cancelled")

    @Slot(str, str)
    def _on_failed(self, message: str, details: str) -> None:
        if self._closing:
            return
        self.pages.setCurrentWidget(self.start_page)
        self.start_page.set_status(message)
        self.statusBar().showMessage("The scan stopped")
        if details:
            ErrorDialog(message, details, "The scan stopped", self).exec()

    @Slot(str)
    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    # -- review actions ----------------------------------------------------------------

    def compare_dialog(self) -> CompareDialog | None:
        """The compare dialog for the selected copies (2 or more), or all copies shown."""
        rp = self.review_page
        row = rp.current_group_row()
        group = rp.photo_model.group
        if row < 0 or group is None:
            return None
        indices = rp.selected_member_indices()
        if len(indices) < 2:  # the keeper and the next copies, as many as fit side by side
            indices = [rp.photo_model.member_index(r) for r in range(min(len(group.members), 4))]
        return CompareDialog(self.session, row, indices, self)

    @Slot()
    def compare_selected(self) -> None:
        dialog = self.compare_dialog()
        if dialog is not None:
            dialog.exec()
            dialog.deleteLater()

    @Slot()
    def open_selected(self) -> None:
        for path in self.review_page.selected_paths()[:4]:
            open_file(path)

    @Slot()
    def reveal_selected(self) -> None:
        paths = self.review_page.selected_paths()
        if paths:
            reveal_in_file_manager(paths[0])

    @Slot()
    def show_shortcuts(self) -> None:
        rows = []
        for a in self.actions():
            if not a.shortcut().isEmpty():
                key = a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                rows.append(f"<tr><td><b>{key}</b></td><td>{a.text().replace('&', '')}</td></tr>")
        QMessageBox.information(self, "Keyboard shortcuts", "<table>" + "".join(rows) + "</table>")

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About PhotoSift",
            f"<b>PhotoSift {__version__}</b><p>Finds duplicate and near-duplicate photos, "
            "suggests the best copy of each, and lets you choose what to remove.</p>",
        )

    # -- moving files to the Trash ----------------------------------------------------

    def removal_options(self) -> RemovalOptions:
        """Trash only, unless the person chose to use a quarantine folder without asking."""
        if self.settings.get(Keys.QUARANTINE) == "fallback":
            folder = self.settings.get(Keys.QUARANTINE_DIR) or None
            return RemovalOptions(QuarantineMode.FALLBACK, folder)
        return RemovalOptions()

    def _quarantine_note(self) -> str:
        if self.settings.get(Keys.QUARANTINE) != "fallback":
            return ""
        folder = self.settings.get(Keys.QUARANTINE_DIR)
        where = folder or "a .photosift-quarantine folder at the top of their drive"
        return f"Files on a drive without a Trash (network drives) go to {where}."

    def _roots(self) -> tuple[str, ...]:
        return self.session.result.settings.roots if self.session.result is not None else ()

    @Slot()
    def move_marked(self) -> None:
        """Check the marked files (on the mutations thread), then ask to confirm."""
        result = self.session.current_result()
        if (
            result is None
            or self.mutations.busy()
            or self.pages.currentWidget() is not (self.review_page)
        ):
            return
        marked = self.session.paths_to_remove()
        if not marked:
            self.statusBar().showMessage("No files are marked for removal.", 6000)
            return
        self._retry_options = None
        self.statusBar().showMessage(f"Checking {plural(len(marked), 'marked file')}…")
        self.mutations.plan(result, marked)

    @Slot(object)
    def _on_planned(self, plan: RemovalPlan) -> None:
        if self._closing:
            return
        self.statusBar().clearMessage()
        if self._retry_options is not None:  # the quarantine offer, accepted: no new question
            options, self._retry_options = self._retry_options, None
            if plan.files:
                n = len(plan.files)
                self._start_move(
                    plan, options, f"Moving {plural(n, 'file')} to the quarantine folder…"
                )
            return
        if self.confirm_dialog is not None:
            self.confirm_dialog.deleteLater()
        dialog = ConfirmRemovalDialog(
            plan, roots=self._roots(), quarantine_note=self._quarantine_note(), parent=self
        )
        dialog.accepted.connect(self._removal_confirmed)
        self.confirm_dialog = dialog
        dialog.open()

    @Slot()
    def _removal_confirmed(self) -> None:
        dialog = self.confirm_dialog
        if dialog is None or not dialog.plan.files:
            return
        n = len(dialog.plan.files)
        self._start_move(
            dialog.plan, self.removal_options(), f"Moving {plural(n, 'file')} to the Trash…"
        )

    def _start_move(self, plan: RemovalPlan, options: RemovalOptions, text: str) -> None:
        self._planned_count = len(plan.files)
        self._plan_refused = plan.refused
        self._open_progress("Moving files", text, len(plan.files))
        roots = ", ".join(self.session.result.settings.roots) if self.session.result else ""
        self.mutations.remove(plan, options, source=f"window: {roots}")

    def _open_progress(self, title: str, text: str, total: int) -> OperationProgressDialog:
        if self.progress_dialog is not None:
            self.progress_dialog.deleteLater()
        parent: QWidget = self
        if self.history_dialog is not None and self.history_dialog.isVisible():
            parent = self.history_dialog
        dialog = OperationProgressDialog(title, text, total, parent)
        dialog.stopRequested.connect(self.mutations.cancel)
        self.progress_dialog = dialog
        dialog.open()
        return dialog

    def _close_progress(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.hide()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    @Slot(object)
    def _on_mutation_progress(self, progress: Progress) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.set_progress(progress)

    @Slot(list)
    def _on_files_removed(self, files: list[object]) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.add(ok=len(files))

    @Slot(list)
    def _on_files_kept(self, files: list[KeptFile]) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.add(not_ok=len(files))

    @Slot(object)
    def _on_removal_finished(self, finished: RemovalFinished) -> None:
        self._close_progress()
        self.last_removal = finished
        self.session.drop_files(r.path for r in finished.removed)
        if not len(self.session) and self.session.result is not None:
            self.review_page.show_empty(
                "No copies left to review: every picture now has one copy. "
                "Use Undo (Ctrl+Z) or History to put moved files back."
            )
        self.statusBar().showMessage(moved_sentence(finished), 15000)
        if self._closing:
            return
        if self.summary_dialog is not None:
            self.summary_dialog.deleteLater()
        dialog = RemovalSummaryDialog(
            finished,
            self._planned_count,
            refused=self._plan_refused,
            quarantine_dir=self.settings.get(Keys.QUARANTINE_DIR),
            roots=self._roots(),
            parent=self,
        )
        dialog.chosen.connect(self._summary_choice)
        self.summary_dialog = dialog
        dialog.open()

    @Slot(str)
    def _summary_choice(self, value: str) -> None:
        dialog, finished = self.summary_dialog, self.last_removal
        if dialog is None or finished is None:
            return
        choice = SummaryChoice(value)
        if choice is SummaryChoice.UNDO:
            self.restore_batch(finished.batch_id, None)
        elif choice is SummaryChoice.HISTORY:
            self.show_history()
        elif choice is SummaryChoice.QUARANTINE:
            picked = dialog.quarantine_choice()
            if picked.remember:
                self.settings.set(Keys.QUARANTINE, "fallback")
                self.settings.set(Keys.QUARANTINE_DIR, picked.folder or "")
            result = self.session.current_result()
            paths = [k.path for k in dialog.no_trash]
            if result is None or not paths:
                return
            self._retry_options = RemovalOptions(QuarantineMode.FALLBACK, picked.folder)
            self.mutations.plan(result, paths)

    # -- putting files back ------------------------------------------------------------

    @Slot()
    def undo_last(self) -> None:
        """Ctrl+Z: find the last move that can be undone, then ask before putting back."""
        if self.mutations.busy() or self.pages.currentWidget() is self.progress_page:
            return
        self._undo_asked = True
        self.mutations.load_latest()

    @Slot(object)
    def _on_latest_batch(self, info: BatchInfo | None) -> None:
        if not self._undo_asked or self._closing:
            return
        self._undo_asked = False
        if self.undo_box is not None:
            self.undo_box.deleteLater()
        box = QMessageBox(self)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setIcon(QMessageBox.Icon.Question)
        self.undo_box = box
        if info is None:
            box.setWindowTitle("Nothing to undo")
            box.setText("There are no moved files to put back.")
            box.setStandardButtons(QMessageBox.StandardButton.Close)
            self.undo_confirm_button = None
            box.open()
            return
        batch = info.batch
        n = batch.undoable
        where = {"Trash": "the Trash", "Quarantine folder": "the quarantine folder"}.get(
            info.where, "the Trash and the quarantine folder"
        )
        box.setWindowTitle("Undo last move")
        box.setText(
            f"<b>Put back {plural(n, 'file')} ({human_bytes(batch.bytes_moved)})?</b><br>"
            f"{'It was' if n == 1 else 'They were'} moved to {where} on "
            f"{when_text(batch.created_at)}."
        )
        box.setInformativeText(
            f"{'It goes' if n == 1 else 'They go'} back to the folder "
            f"{'it' if n == 1 else 'they'} came from. Nothing is overwritten: if a file with "
            "the same name is there now, the one put back gets “(restored)” added to its name."
        )
        put_back = box.addButton("Put back", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(put_back)
        self.undo_confirm_button = put_back
        batch_id = batch.id
        put_back.clicked.connect(lambda: self.restore_batch(batch_id, None))
        box.open()

    @Slot(str, object)
    def restore_batch(self, batch_id: str, entry_ids: object) -> None:
        """Put back a whole move (`entry_ids` None) or some of its files."""
        if self.mutations.busy():
            return
        ids = tuple(int(i) for i in entry_ids) if isinstance(entry_ids, tuple | list) else None
        total = 0 if ids is None else len(ids)
        dialog = self._open_progress("Putting files back", "Putting files back…", total)
        dialog.set_words(
            "put back",
            "could not be put back",
            "You can stop at any time; the files not put back yet stay where they are.",
        )
        self.mutations.restore(batch_id, ids)

    @Slot(list)
    def _on_files_restored(self, results: list[FileRestore]) -> None:
        if self.progress_dialog is not None:
            ok = sum(1 for r in results if r.ok)
            self.progress_dialog.add(ok=ok, not_ok=len(results) - ok)

    @Slot(object)
    def _on_restore_finished(self, finished: RestoreFinished) -> None:
        self._close_progress()
        self.last_restore = finished
        back = [
            r.original_path
            for r in finished.results
            if r.state in (RestoreState.RESTORED, RestoreState.IN_PLACE)
            or (r.state is RestoreState.ALREADY_RESTORED and r.restored_to == r.original_path)
        ]
        if back:
            self.session.restore_files(back)
            if len(self.session):
                self.review_page.show_empty("")
        text = restore_sentence(finished.results, finished.cancelled)
        details = restore_details(finished.results)
        self.statusBar().showMessage(text, 15000)
        if self._closing:
            return
        if self.history_dialog is not None and self.history_dialog.isVisible():
            self.history_dialog.show_outcome(text + ("\n" + details if details else ""))
            return
        if self.restore_box is not None:
            self.restore_box.deleteLater()
        box = QMessageBox(self)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setWindowTitle("Put back")
        box.setIcon(QMessageBox.Icon.Information)
        box.setText(f"<b>{text}</b>")
        if details:
            box.setInformativeText(details)
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        self.restore_box = box
        box.open()

    @Slot(str, bool)
    def _on_locked_out(self, message: str, restoring: bool) -> None:
        """Another PhotoSift holds the move lock: nothing happened; say so plainly."""
        self._close_progress()
        self._retry_options = None
        text = message[:1].upper() + message[1:] + "."
        self.statusBar().showMessage(text, 15000)
        if self._closing:
            return
        if self.busy_box is not None:
            self.busy_box.deleteLater()
        parent: QWidget = self
        if self.history_dialog is not None and self.history_dialog.isVisible():
            parent = self.history_dialog
        self.busy_box = another_mover_box(message, restoring, parent)
        self.busy_box.open()

    @Slot(str, str)
    def _on_mutation_failed(self, message: str, details: str) -> None:
        self._close_progress()
        self._retry_options = None
        self.statusBar().showMessage(message, 15000)
        if self._closing:
            return
        dialog = ErrorDialog(message, details, "Files could not be moved or put back", self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot()
    def show_history(self) -> None:
        if self.history_dialog is None:
            self.history_dialog = HistoryDialog(self.mutations, self)
            self.history_dialog.restoreRequested.connect(self.restore_batch)
        was_open = self.history_dialog.isVisible()
        self.history_dialog.show_outcome("")
        self.history_dialog.reload()
        self.history_dialog.show()
        if was_open:  # behind the window: bring it to the front
            self.history_dialog.raise_()

    # -- report ------------------------------------------------------------------------

    @Slot()
    def export_report(self) -> None:
        result = self.session.result
        if result is None or self.reports.busy():
            return
        if self.export_dialog is not None:
            self.export_dialog.deleteLater()
        self.export_dialog = ExportDialog(result, self.reports, self.settings, self)
        self.export_dialog.open()

    # -- screens, shutdown -------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        handle = self.windowHandle()
        if handle is not None:
            handle.screenChanged.connect(self._screen_changed, Qt.ConnectionType.UniqueConnection)
        self.review_page.set_device_pixel_ratio(self.devicePixelRatioF())

    @Slot(QScreen)
    def _screen_changed(self, _screen: QScreen) -> None:
        self.review_page.set_device_pixel_ratio(self.devicePixelRatioF())

    def shutdown(self) -> bool:
        """Cancel the scan, wait for its thread (bounded) and for every pool. Idempotent."""
        self._closing = True
        stopped = self.scanner.shutdown(SHUTDOWN_WAIT_MS)
        # A move stops after the file it is on (the log stays consistent, and what was
        # moved can be put back from History); a report being written is waited for.
        stopped = self.mutations.shutdown(SHUTDOWN_WAIT_MS) and stopped
        stopped = self.reports.shutdown(SHUTDOWN_WAIT_MS * 2) and stopped
        self.thumbnails.shutdown()
        drained = drain_pools()
        for folder in self._demo_dirs:
            shutil.rmtree(folder, ignore_errors=True)
        self._demo_dirs.clear()
        return stopped and drained

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.set_geometry(QByteArray(self.saveGeometry()))
        self.settings.sync()
        self.shutdown()
        super().closeEvent(event)


def app_instance() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


def window_icon() -> QIcon:
    return app_icon()
