"""The main window: start page -> progress page -> review page, plus menus and shortcuts.
Moving files to the Trash and putting them back, with their dialogs, is `self.removal`
(`ui.removal_flow`); the window owns it and connects its actions to it."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QScreen, QShowEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from cleaner import (
    DuplicateGroup,
    Notice,
    Progress,
    ScanResult,
    ScanSettings,
    SkippedFile,
    human_size,
    make_demo_library,
    ngettext,
    number,
)
from ui.catalog_open import SHORTCUT as OPEN_CATALOGS_KEY
from ui.catalog_open import CatalogReviewFlow
from ui.desktop import open_file, reveal_in_file_manager
from ui.focus_ring import install_focus_ring
from ui.format import plain_tooltip
from ui.icons import app_icon
from ui.language import LanguageMenu
from ui.marks_menu import MarksMenu
from ui.menu_bar import build_menu_bar
from ui.models.session import ReviewSession
from ui.pane_keys import pane_actions
from ui.quality_popup import show_quality_breakdown
from ui.removal_flow import RemovalFlow
from ui.saved_review import SavedReviewFlow
from ui.settings import Keys, Settings, cache_dir
from ui.thumbnails import ThumbnailLoader
from ui.widgets.compare_dialog import CompareDialog
from ui.widgets.error_dialog import ErrorDialog
from ui.widgets.export_dialog import ExportDialog
from ui.widgets.help_dialogs import show_about, show_shortcuts
from ui.widgets.progress_page import ProgressPage
from ui.widgets.review_page import ReviewPage
from ui.widgets.start_page import StartPage
from ui.workers.base import drain_pools
from ui.workers.mutations import MutationController
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
        self.export_dialog: ExportDialog | None = None
        self._demo_dirs: list[Path] = []
        self._notices: list[str] = []  # one-line notes from the current scan (Notice)
        self._notice_tips: list[str] = []  # their whole text, for the status bar's tooltip
        self._closing = False
        install_focus_ring()  # the keyboard's place shown on every control, every dialog

        self.start_page = StartPage(self.settings)
        self.progress_page = ProgressPage()
        self.review_page = ReviewPage(self.session, self.thumbnails, self.settings)
        self.pages = QStackedWidget()
        for page in (self.start_page, self.progress_page, self.review_page):
            self.pages.addWidget(page)
        self.setCentralWidget(self.pages)
        self.removal = RemovalFlow(
            self,
            self.session,
            self.settings,
            self.mutations,
            self.review_page,
            reviewing=lambda: self.pages.currentWidget() is self.review_page,
            scanning=lambda: self.pages.currentWidget() is self.progress_page,
        )

        self.marks_menu = MarksMenu(  # bulk marks and the ignore list
            self,
            self.session,
            self.review_page.current_group_row,
            reviewing=lambda: self.pages.currentWidget() is self.review_page,
        )
        self.marks_menu.status.connect(lambda text: self.statusBar().showMessage(text, 20000))
        self.start_page.scanRequested.connect(self.start_scan)
        self.start_page.sampleRequested.connect(self.try_sample)
        self.progress_page.cancelRequested.connect(self.cancel_scan)
        self.review_page.compareRequested.connect(self.compare_selected)
        self.review_page.newScanRequested.connect(self.show_start)
        self.review_page.status.connect(self._show_status)
        self.review_page.openRequested.connect(self.open_selected)
        self.review_page.revealRequested.connect(self.reveal_selected)
        self.review_page.moveRequested.connect(self.removal.move_marked)
        self.review_page.exportRequested.connect(self.export_report)
        self.session.summaryChanged.connect(self._update_actions)
        self.mutations.busyChanged.connect(self._update_actions)
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

        self.saved_review = SavedReviewFlow(self)  # autosave, Continue, Open results
        self.catalogs = CatalogReviewFlow(self)  # File → Open catalogs…: a review, no moves
        self.language_menu = LanguageMenu(  # View → Language: a change asks to restart
            self,
            self.settings,
            can_restart=lambda: not (self.scanner.is_running() or self.mutations.busy()),
            reviewing=lambda: self.pages.currentWidget() is self.review_page,
            close_window=self.close,
        )
        self._make_actions()
        self.statusBar().showMessage(self.tr("Ready"))
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
            self.tr("&Add folder…"), "Ctrl+O", self.add_folder, self.tr("Choose a folder to scan")
        )
        self.act_scan = self._action(
            self.tr("&Scan for duplicates"),
            "Ctrl+R",
            self.start_scan,
            self.tr("Look through the chosen folders"),
        )
        self.act_sample = self._action(
            self.tr("&Try with sample photos"),
            None,
            self.try_sample,
            self.tr("Scan a small set of sample pictures"),
        )
        self.act_settings = self._action(
            self.tr("Scan sett&ings…"),
            "Ctrl+,",
            self.start_page.open_settings,
            self.tr("Which copy to keep, what to leave out: used for the next scan"),
        )
        self.act_open_results = self._action(
            self.tr("Open &results…"),
            "Ctrl+Shift+O",
            self.saved_review.open_results,
            self.tr("Open a saved result file (from this window or “photosift scan --json”)"),
        )
        self.act_open_catalogs = self._action(
            self.tr("Open catal&ogs…"),
            OPEN_CATALOGS_KEY,
            self.catalogs.open_catalogs,
            self.tr(
                "Review catalogs built on other servers (“photosift catalog build”): "
                "nothing is moved"
            ),
        )
        self.act_cancel = self._action(
            self.tr("&Cancel scan"), "Esc", self.cancel_scan, self.tr("Stop the scan")
        )
        self.act_new = self._action(
            self.tr("&New scan"), "Ctrl+N", self.show_start, self.tr("Go back to choose folders")
        )
        self.act_quit = self._action(
            self.tr("&Quit"), "Ctrl+Q", self.close, self.tr("Close PhotoSift")
        )
        self.act_move = self._action(
            self.tr("&Move marked files to Trash…"),
            "Ctrl+Delete",
            self.removal.move_marked,
            self.tr("Move the marked copies to the Trash (you see the list first)"),
        )
        self.act_undo = self._action(
            self.tr("&Undo last move"),
            QKeySequence.StandardKey.Undo,
            self.removal.undo_last,
            self.tr("Put back the files of the last move"),
        )
        self.act_history = self._action(
            self.tr("&History of moved files…"),
            "Ctrl+Shift+H",
            self.removal.show_history,
            self.tr("See every move and put back all or some files"),
        )
        self.act_export = self._action(
            self.tr("&Export report…"),
            "Ctrl+Shift+E",
            self.export_report,
            self.tr("Save a report of this scan (web page, spreadsheet, data)"),
        )
        self.act_toggle = self._action(
            self.tr("&Keep or remove selected"),
            "Space",
            rp.toggle_selected,
            self.tr("Switch the selected copies between keep and remove"),
        )
        # The grid handles Space itself (the action shows the key in the menu).
        self.act_toggle.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.act_apply = self._action(
            self.tr("&Use suggestions for all"),
            "Ctrl+Shift+A",
            self.session.apply_suggestions,
            self.tr("Mark every copy except the best one, in every set"),
        )
        self.act_clear = self._action(
            self.tr("Unmark &all"),
            "Ctrl+Shift+U",
            self.session.clear_marks,
            self.tr("Keep everything"),
        )
        self.act_next = self._action(
            self.tr("Ne&xt set"),
            "Ctrl+Down",
            lambda: rp.step_group(1),
            self.tr("Show the next set of copies"),
        )
        self.act_prev = self._action(
            self.tr("&Previous set"),
            "Ctrl+Up",
            lambda: rp.step_group(-1),
            self.tr("Show the previous set of copies"),
        )
        self.act_compare = self._action(
            self.tr("&Compare side by side"),
            "Ctrl+E",
            self.compare_selected,
            self.tr("Compare the selected copies"),
        )
        self.act_open = self._action(
            self.tr("&Open in viewer"),
            "Ctrl+Return",
            self.open_selected,
            self.tr("Open the selected copy"),
        )
        self.act_reveal = self._action(
            self.tr("Show &in folder"),
            "Ctrl+Shift+R",
            self.reveal_selected,
            self.tr("Show the selected copy in your file manager"),
        )
        self.act_tab_groups = self._action(
            self.tr("Copies &found"),
            "Ctrl+1",
            rp.show_copies_tab,
            self.tr("Show the sets of copies"),
        )
        self.act_tab_skipped = self._action(
            self.tr("S&kipped files"),
            "Ctrl+2",
            rp.show_skipped_tab,
            self.tr("Show the files that could not be read"),
        )
        self.act_keys = self._action(
            self.tr("&Keyboard shortcuts"),
            "F1",
            self.show_shortcuts,
            self.tr("List the keyboard shortcuts"),
        )
        self.act_about = self._action(
            self.tr("&About PhotoSift"), None, self.show_about, self.tr("About")
        )
        # the keyboard's way to what a mouse gets by hovering and dragging (README "Keyboard")
        self.act_quality = self._action(
            self.tr("&Quality breakdown"),
            "Ctrl+I",
            lambda: rp.isVisible() and show_quality_breakdown(rp.grid),
            self.tr("What the current copy's quality score is made of"),
        )
        self.pane_actions = pane_actions(self, rp.splitter)

        build_menu_bar(self)

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
        self.act_move.setEnabled(
            has_result and self.session.marked_count > 0 and not busy and not self.catalogs.active
        )
        self.act_undo.setEnabled(not scanning and not busy)
        self.act_history.setEnabled(not scanning)
        self.act_export.setEnabled(has_result and not self.reports.busy())
        self.review_page.set_actions_enabled(self.act_move.isEnabled(), self.act_export.isEnabled())

    # -- start -------------------------------------------------------------------------

    @Slot()
    def add_folder(self) -> None:
        self.start_page.choose_folder()
        self._update_actions()

    @Slot()
    def show_start(self) -> None:
        self.start_page.load()
        self.saved_review.refresh_start_page()
        self.pages.setCurrentWidget(self.start_page)

    @Slot()
    def start_scan(self) -> None:
        if self.pages.currentWidget() is not self.start_page:
            return
        settings = self.settings.scan_settings()
        if not settings.roots:
            self.start_page.set_status(self.tr("Add at least one folder first."))
            return
        missing = [r for r in settings.roots if not os.path.isdir(r)]
        if missing:
            self.start_page.set_status(
                ngettext(
                    "This folder cannot be found: {folders}. Remove it from the list, or "
                    "connect the drive it is on.",
                    "These folders cannot be found: {folders}. Remove them from the list, or "
                    "connect the drives they are on.",
                    len(missing),
                ).format(folders=", ".join(missing))
            )
            return
        self.run_scan(settings)

    def run_scan(self, settings: ScanSettings) -> int:
        """Scan with `settings` (used by the start page, the sample and tests)."""
        self.thumbnails.clear()
        self.session.clear(settings.protected, settings.roots)
        self.review_page.show_empty("")
        self.progress_page.reset(list(settings.roots))
        self.pages.setCurrentWidget(self.progress_page)
        self.start_page.set_status("")
        self.statusBar().showMessage(self.tr("Scanning…"))
        self._notices = []
        self._notice_tips = []
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
            library = make_demo_library(folder / self.tr("Sample photos"))
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
        self._notice_tips.append(notice.text)
        self.statusBar().setToolTip(plain_tooltip("\n".join(self._notice_tips)))

    @Slot(list)
    def _on_skipped(self, files: list[SkippedFile]) -> None:
        self.session.add_skipped(files)
        self.progress_page.add_found(skipped=len(files))

    @Slot(object)
    def _on_finished(self, result: ScanResult) -> None:
        self.catalogs.result_shown(result)  # a review of catalogs: no moves, servers shown
        self.session.finish(result)
        self.review_page.finish_loading()
        self.pages.setCurrentWidget(self.review_page)
        stats = result.stats
        if not self.session.groups:
            self.review_page.show_empty(
                ngettext(
                    "No copies found among {n} picture. Try “{similar}” on the first screen "
                    "to look for looser matches.",
                    "No copies found among {n} pictures. Try “{similar}” on the first screen "
                    "to look for looser matches.",
                    stats.images,
                ).format(n=number(stats.images), similar=self.tr("Similar pictures"))
            )
        # Translators: the summary after a scan; {sets} is "3 sets of copies" (its own
        # message), {size} a size such as "2.4 MB", {seconds} a number such as "1.5".
        summary = ngettext(
            "Looked at {n} picture in {seconds} s: {sets}, {size} could be freed.",
            "Looked at {n} pictures in {seconds} s: {sets}, {size} could be freed.",
            stats.images,
        ).format(
            n=number(stats.images),
            seconds=number(stats.seconds, 1),
            sets=ngettext("{n} set of copies", "{n} sets of copies", stats.groups).format(
                n=number(stats.groups)
            ),
            size=human_size(stats.reclaimable_bytes),
        )
        if hidden := self.marks_menu.hidden_count():  # the ignore list's sets are not shown
            summary += " " + ngettext(
                "{n} set of them you said are not copies: not shown.",
                "{n} sets of them you said are not copies: not shown.",
                hidden,
            ).format(n=number(hidden))
        self.statusBar().showMessage(" ".join([summary, *self._notices]))
        self.review_page.focus_copies()

    @Slot()
    def _on_cancelled(self) -> None:
        if self._closing:
            return
        self.pages.setCurrentWidget(self.start_page)
        self.start_page.set_status(self.tr("The scan was cancelled. Nothing was changed."))
        self.statusBar().showMessage(self.tr("Scan cancelled"))

    @Slot(str, str)
    def _on_failed(self, message: str, details: str) -> None:
        if self._closing:
            return
        self.pages.setCurrentWidget(self.start_page)
        self.start_page.set_status(message)
        self.statusBar().showMessage(self.tr("The scan stopped"))
        if details:
            ErrorDialog(message, details, self.tr("The scan stopped"), self).exec()

    @Slot(str)
    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    # -- review actions ----------------------------------------------------------------

    def compare_dialog(self) -> CompareDialog | None:
        """The compare dialog for the selected copies (2 or more), or all copies shown."""
        chosen = self.review_page.compare_members()
        if chosen is None:
            return None
        row, indices = chosen
        # copies from catalogs: where their files are (before the dialog asks for any)
        dialog = CompareDialog(self.session, row, indices, self, locate=self.thumbnails.locate)
        return dialog

    @Slot()
    def compare_selected(self) -> None:
        dialog = self.compare_dialog()
        if dialog is not None:
            dialog.exec()
            dialog.deleteLater()

    @Slot()
    def open_selected(self) -> None:
        if self.catalogs.active:
            self.catalogs.open_selected(reveal=False)
            return
        for path in self.review_page.selected_paths()[:4]:
            open_file(path)

    @Slot()
    def reveal_selected(self) -> None:
        if self.catalogs.active:
            self.catalogs.open_selected(reveal=True)
            return
        paths = self.review_page.selected_paths()
        if paths:
            reveal_in_file_manager(paths[0])

    @Slot()
    def show_shortcuts(self) -> None:
        show_shortcuts(self, self.actions())

    @Slot()
    def show_about(self) -> None:
        show_about(self)

    # -- report ------------------------------------------------------------------------

    @Slot()
    def export_report(self) -> None:
        if self.catalogs.active:
            self.catalogs.export_report()
            return
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
        self.removal.window_closing()
        stopped = self.scanner.shutdown(SHUTDOWN_WAIT_MS)
        # A move stops after the file it is on (the log stays consistent, and what was
        # moved can be put back from History); a report being written is waited for.
        stopped = self.mutations.shutdown(SHUTDOWN_WAIT_MS) and stopped
        stopped = self.reports.shutdown(SHUTDOWN_WAIT_MS * 2) and stopped
        stopped = self.catalogs.shutdown(SHUTDOWN_WAIT_MS * 2) and stopped
        self.thumbnails.shutdown()
        drained = drain_pools()
        for folder in self._demo_dirs:
            shutil.rmtree(folder, ignore_errors=True)
        self._demo_dirs.clear()
        return stopped and drained

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.set_geometry(QByteArray(self.saveGeometry()))
        self.settings.sync()
        self.saved_review.window_closing()  # the review is written before the window goes
        self.shutdown()
        super().closeEvent(event)
