"""Moving files to the Trash and putting them back, as the window shows it:

    move_marked -> plan (mutations thread) -> ConfirmRemovalDialog -> progress dialog
        -> RemovalSummaryDialog (undo, history, or retry into a quarantine folder)
    undo_last -> the newest undoable move -> "Put back?" -> progress -> what came back
    show_history -> HistoryDialog -> put back all or some files of any move

The window owns one `RemovalFlow`, connects its actions to it, and tells it when the
window closes; the flow owns the dialogs of these steps (kept as attributes so tests and
screenshots can reach them) and talks to the files only through `MutationController`.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QMainWindow, QMessageBox, QPushButton, QWidget

from cleaner import (
    FileRestore,
    KeptFile,
    Progress,
    QuarantineMode,
    RemovalFinished,
    RemovalOptions,
    RemovalPlan,
    RestoreFinished,
    RestoreState,
    _,
    human_size,
    ngettext,
    number,
)
from ui.models.session import ReviewSession
from ui.settings import Keys, Settings
from ui.widgets.error_dialog import ErrorDialog
from ui.widgets.history_dialog import HistoryDialog, when_text
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
from ui.workers.mutations import BatchInfo, MutationController


class RemovalFlow(QObject):
    """Confirm, progress, summary, undo and history of moving files, for one window."""

    def __init__(
        self,
        window: QMainWindow,
        session: ReviewSession,
        settings: Settings,
        mutations: MutationController,
        review_page: ReviewPage,
        *,
        reviewing: Callable[[], bool],
        scanning: Callable[[], bool],
    ) -> None:
        """`reviewing` and `scanning` say which page the window shows: files are moved
        only from the review page, and nothing is put back while a scan runs."""
        super().__init__(window)
        self._window = window
        self._session = session
        self._settings = settings
        self._mutations = mutations
        self._review_page = review_page
        self._reviewing = reviewing
        self._scanning = scanning
        self.confirm_dialog: ConfirmRemovalDialog | None = None
        self.progress_dialog: OperationProgressDialog | None = None
        self.summary_dialog: RemovalSummaryDialog | None = None
        self.undo_box: QMessageBox | None = None
        self.undo_confirm_button: QPushButton | None = None
        self.restore_box: QMessageBox | None = None
        self.busy_box: QMessageBox | None = None  # another PhotoSift is moving files
        self.history_dialog: HistoryDialog | None = None
        self.last_removal: RemovalFinished | None = None
        self.last_restore: RestoreFinished | None = None
        self._retry_options: RemovalOptions | None = None
        self._planned_count = 0
        self._plan_refused: tuple[KeptFile, ...] = ()
        self._undo_asked = False
        self._closing = False

        m = mutations
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

    def window_closing(self) -> None:
        """From now on results only update the status bar and the session: no new dialog."""
        self._closing = True

    def _status(self, text: str, timeout_ms: int = 0) -> None:
        self._window.statusBar().showMessage(text, timeout_ms)

    def _dialog_parent(self) -> QWidget:
        """The history dialog while it is open (its outcomes are shown there), else the window."""
        if self.history_dialog is not None and self.history_dialog.isVisible():
            return self.history_dialog
        return self._window

    # -- moving files to the Trash ----------------------------------------------------

    def options(self) -> RemovalOptions:
        """Trash only, unless the person chose to use a quarantine folder without asking."""
        if self._settings.get(Keys.QUARANTINE) == "fallback":
            folder = self._settings.get(Keys.QUARANTINE_DIR) or None
            return RemovalOptions(QuarantineMode.FALLBACK, folder)
        return RemovalOptions()

    def _quarantine_note(self) -> str:
        if self._settings.get(Keys.QUARANTINE) != "fallback":
            return ""
        folder = self._settings.get(Keys.QUARANTINE_DIR)
        if folder:
            return self.tr(
                "Files on a drive without a Trash (network drives) go to {folder}."
            ).format(folder=folder)
        return self.tr(
            "Files on a drive without a Trash (network drives) go to a "
            ".photosift-quarantine folder at the top of their drive."
        )

    def _roots(self) -> tuple[str, ...]:
        result = self._session.result
        return result.settings.roots if result is not None else ()

    @Slot()
    def move_marked(self) -> None:
        """Check the marked files (on the mutations thread), then ask to confirm."""
        result = self._session.current_result()
        if result is None or self._mutations.busy() or not self._reviewing():
            return
        marked = self._session.paths_to_remove()
        if not marked:
            self._status(self.tr("No files are marked for removal."), 6000)
            return
        self._retry_options = None
        n = len(marked)
        self._status(
            ngettext("Checking {n} marked file…", "Checking {n} marked files…", n).format(
                n=number(n)
            )
        )
        self._mutations.plan(result, marked, self._protected())

    @Slot(object)
    def _on_planned(self, plan: RemovalPlan) -> None:
        if self._closing:
            return
        self._window.statusBar().clearMessage()
        if self._retry_options is not None:  # the quarantine offer, accepted: no new question
            options, self._retry_options = self._retry_options, None
            if plan.files:
                n = len(plan.files)
                text = ngettext(
                    "Moving {n} file to the quarantine folder…",
                    "Moving {n} files to the quarantine folder…",
                    n,
                ).format(n=number(n))
                self._start_move(plan, options, text)
            return
        if self.confirm_dialog is not None:
            self.confirm_dialog.deleteLater()
        dialog = ConfirmRemovalDialog(
            plan, roots=self._roots(), quarantine_note=self._quarantine_note(), parent=self._window
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
        text = ngettext(
            "Moving {n} file to the Trash…", "Moving {n} files to the Trash…", n
        ).format(n=number(n))
        self._start_move(dialog.plan, self.options(), text)

    def _start_move(self, plan: RemovalPlan, options: RemovalOptions, text: str) -> None:
        self._planned_count = len(plan.files)
        self._plan_refused = plan.refused
        self._open_progress(self.tr("Moving files"), text, len(plan.files))
        self._mutations.remove(plan, options, source=f"window: {', '.join(self._roots())}")

    def _open_progress(self, title: str, text: str, total: int) -> OperationProgressDialog:
        if self.progress_dialog is not None:
            self.progress_dialog.deleteLater()
        dialog = OperationProgressDialog(title, text, total, self._dialog_parent())
        dialog.stopRequested.connect(self._mutations.cancel)
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
        self._session.drop_files(r.path for r in finished.removed)
        if not len(self._session) and self._session.result is not None:
            self._review_page.show_empty(
                self.tr(
                    "No copies left to review: every picture now has one copy. "
                    "Use Undo (Ctrl+Z) or History to put moved files back."
                )
            )
        self._status(moved_sentence(finished), 15000)
        if self._closing:
            return
        if self.summary_dialog is not None:
            self.summary_dialog.deleteLater()
        dialog = RemovalSummaryDialog(
            finished,
            self._planned_count,
            refused=self._plan_refused,
            quarantine_dir=self._settings.get(Keys.QUARANTINE_DIR),
            roots=self._roots(),
            parent=self._window,
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
            self.ask_to_put_back(finished.batch_id)
        elif choice is SummaryChoice.HISTORY:
            self.show_history()
        elif choice is SummaryChoice.QUARANTINE:
            picked = dialog.quarantine_choice()
            if picked.remember:
                self._settings.set(Keys.QUARANTINE, "fallback")
                self._settings.set(Keys.QUARANTINE_DIR, picked.folder or "")
            result = self._session.current_result()
            paths = [k.path for k in dialog.no_trash]
            if result is None or not paths:
                return
            self._retry_options = RemovalOptions(QuarantineMode.FALLBACK, picked.folder)
            self._mutations.plan(result, paths, self._protected())

    def _protected(self) -> list[str]:
        """The folders protected now in the window, besides those the result was scanned
        with: a review continued or opened after the user protected a folder must not
        move a file in it (plan_removal refuses both)."""
        stored: list[str] = self._settings.get(Keys.PROTECTED)
        return [p for p in stored if isinstance(p, str) and p]

    # -- putting files back ------------------------------------------------------------

    @Slot()
    def undo_last(self) -> None:
        """Ctrl+Z: find the last move that can be undone, then ask before putting back."""
        self.ask_to_put_back(None)

    def ask_to_put_back(self, batch_id: str | None) -> None:
        """Ask once, in the same words, before putting back a move: the newest undoable
        one (Undo) or `batch_id` (the summary's Put back). While the question is open (or
        on its way), asking again does nothing."""
        if self._mutations.busy() or self._scanning() or self._undo_asked:
            return
        if self.undo_box is not None and self.undo_box.isVisible():  # the question is open
            return
        self._undo_asked = True
        self._mutations.load_latest(batch_id)

    @Slot(object)
    def _on_latest_batch(self, info: BatchInfo | None) -> None:
        if not self._undo_asked or self._closing:
            return
        self._undo_asked = False
        if self.undo_box is not None:
            self.undo_box.deleteLater()
        box = QMessageBox(self._window)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setIcon(QMessageBox.Icon.Question)
        self.undo_box = box
        if info is None:
            box.setWindowTitle(self.tr("Nothing to undo"))
            box.setText(self.tr("There are no moved files to put back."))
            box.setStandardButtons(QMessageBox.StandardButton.Close)
            self.undo_confirm_button = None
            box.open()
            return
        _ask_to_put_back(box, info)
        put_back = box.addButton(self.tr("Put back"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(put_back)
        self.undo_confirm_button = put_back
        batch_id = info.batch.id
        put_back.clicked.connect(lambda: self.restore_batch(batch_id, None))
        box.open()

    @Slot(str, object)
    def restore_batch(self, batch_id: str, entry_ids: object) -> None:
        """Put back a whole move (`entry_ids` None) or some of its files."""
        if self._mutations.busy():
            return
        ids = tuple(int(i) for i in entry_ids) if isinstance(entry_ids, tuple | list) else None
        total = 0 if ids is None else len(ids)
        dialog = self._open_progress(
            self.tr("Putting files back"), self.tr("Putting files back…"), total
        )
        dialog.set_words(
            restoring=True,
            note=self.tr(
                "You can stop at any time; the files not put back yet stay where they are."
            ),
        )
        self._mutations.restore(batch_id, ids)

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
            self._session.restore_files(back)
            if len(self._session):
                self._review_page.show_empty("")
        text = restore_sentence(finished.results, finished.cancelled)
        details = restore_details(finished.results)
        self._status(text, 15000)
        if self._closing:
            return
        if self.history_dialog is not None and self.history_dialog.isVisible():
            self.history_dialog.show_outcome(text + ("\n" + details if details else ""))
            return
        if self.restore_box is not None:
            self.restore_box.deleteLater()
        box = QMessageBox(self._window)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setWindowTitle(self.tr("Put back"))
        box.setIcon(QMessageBox.Icon.Information)
        box.setTextFormat(Qt.TextFormat.RichText)  # bold words; the file names escaped
        box.setText(f"<b>{html.escape(text)}</b>")
        if details:
            box.setInformativeText(html.escape(details).replace("\n", "<br>"))
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        self.restore_box = box
        box.open()

    # -- when nothing could be done ----------------------------------------------------

    @Slot(str, bool)
    def _on_locked_out(self, message: str, restoring: bool) -> None:
        """Another PhotoSift holds the move lock: nothing happened; say so plainly."""
        self._close_progress()
        self._undo_asked = False
        self._retry_options = None
        self._status(message[:1].upper() + message[1:] + ".", 15000)
        if self._closing:
            return
        if self.busy_box is not None:
            self.busy_box.deleteLater()
        self.busy_box = another_mover_box(message, restoring, self._dialog_parent())
        self.busy_box.open()

    @Slot(str, str)
    def _on_mutation_failed(self, message: str, details: str) -> None:
        self._close_progress()
        self._undo_asked = False
        self._retry_options = None
        self._status(message, 15000)
        if self._closing:
            return
        dialog = ErrorDialog(
            message, details, self.tr("Files could not be moved or put back"), self._window
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # -- history -----------------------------------------------------------------------

    @Slot()
    def show_history(self) -> None:
        if self.history_dialog is None:
            self.history_dialog = HistoryDialog(self._mutations, self._window)
            self.history_dialog.restoreRequested.connect(self.restore_batch)
        was_open = self.history_dialog.isVisible()
        self.history_dialog.show_outcome("")
        self.history_dialog.reload()
        self.history_dialog.show()
        if was_open:  # behind the window: bring it to the front
            self.history_dialog.raise_()


def _ask_to_put_back(box: QMessageBox, info: BatchInfo) -> None:
    """The words of the "Put back?" question for the newest undoable move."""
    batch = info.batch
    n = batch.undoable
    when = when_text(batch.created_at)
    box.setWindowTitle(_("Undo last move"))
    question = ngettext("Put back {n} file ({size})?", "Put back {n} files ({size})?", n).format(
        n=number(n), size=human_size(batch.bytes_moved)
    )
    if info.where == "Trash":
        where = ngettext(
            "It was moved to the Trash on {when}.", "They were moved to the Trash on {when}.", n
        )
    elif info.where == "Quarantine folder":
        where = ngettext(
            "It was moved to the quarantine folder on {when}.",
            "They were moved to the quarantine folder on {when}.",
            n,
        )
    else:
        where = ngettext(
            "It was moved to the Trash and the quarantine folder on {when}.",
            "They were moved to the Trash and the quarantine folder on {when}.",
            n,
        )
    box.setText(f"<b>{html.escape(question)}</b><br>{html.escape(where.format(when=when))}")
    box.setInformativeText(
        ngettext(
            "It goes back to the folder it came from. Nothing is overwritten: if a file with "
            "the same name is there now, the one put back gets “(restored)” added to its name.",
            "They go back to the folder they came from. Nothing is overwritten: if a file with "
            "the same name is there now, the one put back gets “(restored)” added to its name.",
            n,
        )
    )
