"""Work that survives a closed window: the autosave, "Continue reviewing" on the start
page, File → Open results…, and the re-check of a saved review's files.

`SavedReviewFlow` is owned by the main window, which connects a few of its own signals
and actions to it (like `ui.removal_flow`). What it does:

- after a scan ends (or a review is opened) the review is saved, then again 2 s after
  the last change of marks, and at close (`window_closing`) (`ui.autosave.Autosaver`);
- the status bar says, all the time, that the review is saved and when;
- the start page offers "Continue reviewing (N sets, saved today at 14:05)";
- File → Open results… opens any result JSON, `photosift scan --json` included; a file
  that is not one gives a clear message;
- an opened review's files are re-checked off the GUI thread (`ui.workers.review_load`):
  a copy that vanished or changed is shown so, cannot be marked, and a banner above the
  review says how many and that a new scan includes them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QLabel, QMessageBox, QVBoxLayout

from cleaner import ScanResult, _, ngettext, number
from ui.autosave import Autosaver, human_when, marks_path, result_path, saved_review_summary
from ui.format import plain_tooltip
from ui.settings import Keys
from ui.workers.review_load import GONE, LoadedReview, ReviewLoader

# Sets put on show per turn of the event loop when a review is opened: about 20-40 ms
# of the GUI thread's time on a loaded 2-core machine (benchmarks/review_open.py).
SETS_PER_PART = 1000

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class ChangedBanner(QFrame):
    """The banner "3 files changed since this review was saved: …" above the review."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("changedBanner")
        self.setStyleSheet(
            "#changedBanner { background: #fff4d6; border: 1px solid #e0b84a; border-radius: 4px; }"
            " #changedBanner QLabel { color: #4a3800; }"
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)
        self.hide()

    def show_changed(self, changed: dict[str, str], held: int = 0, saved: bool = True) -> None:
        """Say how many files changed or are gone, and how many marked copies (`held`:
        marked in the saved review, or suggested when `saved` is False) are kept now
        because the other copies of their picture are among them."""
        if not changed:
            self.label.setText("")
            self.hide()
            return
        gone = sum(1 for why in changed.values() if why == GONE)
        altered = len(changed) - gone
        if altered and gone:
            # Translators: {changed} is "3 files changed", {gone} "2 files can no longer be found"
            text = _(
                "{changed} and {gone} since this review was saved. They are kept and cannot be "
                "marked: scan again to include them."
            ).format(
                changed=ngettext("{n} file changed", "{n} files changed", altered).format(
                    n=number(altered)
                ),
                gone=ngettext(
                    "{n} file can no longer be found", "{n} files can no longer be found", gone
                ).format(n=number(gone)),
            )
        elif altered:
            text = ngettext(
                "{n} file changed since this review was saved. It is kept and cannot be "
                "marked: scan again to include it.",
                "{n} files changed since this review was saved. They are kept and cannot be "
                "marked: scan again to include them.",
                altered,
            ).format(n=number(altered))
        else:
            text = ngettext(
                "{n} file can no longer be found since this review was saved. It is kept and "
                "cannot be marked: scan again to include it.",
                "{n} files can no longer be found since this review was saved. They are kept "
                "and cannot be marked: scan again to include them.",
                gone,
            ).format(n=number(gone))
        self.label.setText(text + held_text(held, saved))
        self.show()


def held_text(held: int, saved: bool = True) -> str:
    """ " 2 copies you had marked are kept now, because …" ("" for none)."""
    if held <= 0:
        return ""
    if saved:
        text = ngettext(
            "{n} copy you had marked is kept now, because the other copies of its picture "
            "changed or are gone.",
            "{n} copies you had marked are kept now, because the other copies of their "
            "picture changed or are gone.",
            held,
        )
    else:
        text = ngettext(
            "{n} copy suggested for removal is kept now, because the other copies of its "
            "picture changed or are gone.",
            "{n} copies suggested for removal are kept now, because the other copies of "
            "their picture changed or are gone.",
            held,
        )
    return " " + text.format(n=number(held))


class SavedReviewFlow(QObject):
    """Saves the review as it goes and opens a saved one. Sets the user said are not copies
    are kept in the saved result (`Autosaver.hidden_groups`); the ignore list keeps which
    they are, and `ReviewSession.group_filter` (the Marks menu's) leaves them out of every
    result shown, a continued review too."""

    opened = Signal()  # an opened review is on show, all of it

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.autosaver = Autosaver(window.session, self)
        self.autosaver.hidden_groups = window.marks_menu.hidden_groups
        self.loader = ReviewLoader(self)
        self._showing: Iterator[None] | None = None  # an opened review, shown in parts
        self.banner = ChangedBanner()
        layout = window.review_page.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(1, self.banner)
        self.saved_label = QLabel()
        window.statusBar().addPermanentWidget(self.saved_label)
        self.autosaver.saved.connect(self._saved)
        self.autosaver.failed.connect(self._save_failed)
        self.loader.finished.connect(self._loaded)
        self.loader.failed.connect(self._load_failed)
        window.start_page.continueRequested.connect(self.continue_review)
        window.scanner.finished.connect(self._scan_finished)
        window.session.reset.connect(self._session_reset)
        window.pages.currentChanged.connect(self._page_changed)
        self.refresh_start_page()

    # -- the start page ------------------------------------------------------------------

    def refresh_start_page(self) -> None:
        summary = saved_review_summary()
        if self.autosaver.active:  # the review just left: being saved now, maybe not on disk yet
            self.autosaver.flush_async()
            summary = len(self.window.session.groups), human_when(time.time())
        if summary is None:
            self.window.start_page.set_continue("")
            return
        sets, when = summary
        self.window.start_page.set_continue(
            ngettext(
                "Continue reviewing ({n} set, saved {when})",
                "Continue reviewing ({n} sets, saved {when})",
                sets,
            ).format(n=number(sets), when=when)
        )

    @Slot(int)
    def _page_changed(self, _index: int) -> None:
        if self.window.pages.currentWidget() is self.window.start_page:
            self.refresh_start_page()  # reads marks.json: 15 ms for 33,000 marks

    # -- saving --------------------------------------------------------------------------

    @Slot(object)
    def _scan_finished(self, result: ScanResult) -> None:
        # connected after the window's own handler: the session holds the result now
        self.banner.show_changed({})
        if self._is_sample(result):  # the sample's folder goes at close: the review stays
            return
        self.autosaver.start(result_changed=True)

    def _is_sample(self, result: ScanResult) -> bool:
        samples = [str(folder) for folder in self.window._demo_dirs]
        return bool(samples) and all(
            any(root == s or root.startswith(s + os.sep) for s in samples)
            for root in result.settings.roots
        )

    @Slot()
    def _session_reset(self) -> None:
        self.banner.show_changed({})

    @Slot(float)
    def _saved(self, saved_at: float) -> None:
        self.saved_label.setText(
            self.tr("Your review is saved ({when})").format(when=human_when(saved_at))
        )
        self.saved_label.setToolTip(
            self.tr(
                "PhotoSift saves your marks as you go. Close the window at any time: "
                "“Continue reviewing” on the first screen brings them back."
            )
        )

    @Slot(str)
    def _save_failed(self, message: str) -> None:
        self.saved_label.setText(self.tr("Your review is NOT saved"))
        self.saved_label.setToolTip(plain_tooltip(message))
        self.window.statusBar().showMessage(message, 10000)

    def window_closing(self) -> None:
        """Write what is pending (the close of the window); stop an open in progress."""
        self.loader.shutdown(2000)
        self.autosaver.flush()

    # -- opening -------------------------------------------------------------------------

    def _can_open(self) -> bool:
        page = self.window.pages.currentWidget()
        return page is not self.window.progress_page and not self.window.mutations.busy()

    @Slot()
    def continue_review(self) -> None:
        if self._can_open():
            self._open(result_path(), marks_path())
        else:
            self.window.statusBar().showMessage(
                self.tr("Wait for the scan or the move to finish."), 6000
            )

    def continue_saved(self) -> None:
        """Continue the saved review, if there is one (a PhotoSift restarted for another
        language comes back where it was)."""
        if saved_review_summary() is not None:
            self.continue_review()

    @Slot()
    def open_results(self) -> None:
        if not self._can_open():
            self.window.statusBar().showMessage(
                self.tr("Wait for the scan or the move to finish."), 6000
            )
            return
        name, _filter = QFileDialog.getOpenFileName(
            self.window,
            self.tr("Open results"),
            str(Path.home()),
            self.tr("Result files (*.json);;All files (*)"),
        )
        if name:
            self.open_file(Path(name))

    def open_file(self, path: Path) -> int:
        """Open a result JSON (tests call this without the file dialog)."""
        return self._open(path, None)

    def _open(self, result_file: Path, marks_file: Path | None) -> int:
        """Start opening (-1: another file is being opened)."""
        if self.loader.busy():
            return -1
        self.autosaver.flush_async()
        self.window.statusBar().showMessage(
            self.tr("Opening {name}…").format(name=result_file.name)
        )
        QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        return self.loader.start(result_file, marks_file, after=self.autosaver.pool)

    @Slot(object)
    def _loaded(self, loaded: LoadedReview) -> None:
        QGuiApplication.restoreOverrideCursor()
        if not self._can_open():
            return
        window = self.window
        self.autosaver.flush_async()  # the review shown so far is saved before it goes
        self.autosaver.active = False
        window.thumbnails.clear()
        # the result's own protected folders and those protected now in the window
        now: list[str] = window.settings.get(Keys.PROTECTED)
        protected = (*loaded.result.settings.protected, *(p for p in now if isinstance(p, str)))
        window.session.clear(protected)
        # a review of catalogs takes its ways (no moves, servers shown) before its sets
        # arrive, as after opening the catalogs themselves
        window.catalogs.result_shown(loaded.result)
        window.review_page.show_empty("")
        window.pages.setCurrentWidget(window.review_page)  # it fills as a scan's does
        window.statusBar().showMessage(
            self.tr("Opening {name}…").format(name=Path(loaded.source).name)
        )
        self._showing = self._show_in_parts(loaded)
        # the session's next reset (a scan, another open) ends this one's showing
        window.session.reset.connect(self._stop_showing)
        self._next_part()

    def showing(self) -> bool:
        """Whether an opened review is still being put on show, a part at a time."""
        return self._showing is not None

    @Slot()
    def _next_part(self) -> None:
        if self._showing is None:
            return
        try:
            next(self._showing)
        except StopIteration:
            self._stop_showing()
            return
        QTimer.singleShot(0, self._next_part)  # the window paints and answers meanwhile

    @Slot()
    def _stop_showing(self) -> None:
        if self._showing is not None:
            self._showing = None
            self.window.session.reset.disconnect(self._stop_showing)

    def _show_in_parts(self, loaded: LoadedReview) -> Iterator[None]:
        """Put an opened review on show SETS_PER_PART sets at a time, the event loop running
        between parts: 50,000 sets at once kept the window from painting for seconds."""
        window, session = self.window, self.window.session
        saved_review = loaded.marks is not None
        changed = loaded.changed
        moved: set[str] = set()
        if loaded.marks is not None and loaded.marks.moved:
            # files this review moved are taken out again, as after the move, so Undo
            # shows them again; one put back since (and as scanned) is simply shown
            moved = {p for p in loaded.marks.moved if p in changed}
            changed = {p: why for p, why in changed.items() if p not in moved}
        session.set_changed(changed)  # before the sets: their changed copies come locked
        marked = set(loaded.marks.remove) if loaded.marks is not None else None
        groups = loaded.result.groups
        held = 0
        for start in range(0, len(groups), SETS_PER_PART):
            held += session.add_saved_groups(groups[start : start + SETS_PER_PART], marked)
            yield
        window._on_finished(loaded.result)
        if moved:
            session.drop_files(moved)
        self.banner.show_changed(changed, held, saved_review)
        # A plain result file becomes the saved review; a continued one is already saved.
        self.autosaver.start(result_changed=not saved_review)
        if loaded.marks is not None:
            self._saved(loaded.marks.saved_at)
            text = self.tr("Continuing the review saved {when}.").format(
                when=human_when(loaded.marks.saved_at)
            )
        else:
            text = self.tr("Opened {name}.").format(name=Path(loaded.source).name)
        window.statusBar().showMessage(" ".join([text, loaded.marks_problem]).strip())
        self.opened.emit()

    @Slot(str, str)
    def _load_failed(self, message: str, details: str) -> None:
        QGuiApplication.restoreOverrideCursor()
        self.window.statusBar().showMessage(self.tr("The file could not be opened"), 6000)
        box = QMessageBox(
            QMessageBox.Icon.Warning, self.tr("Cannot open this file"), message, parent=self.window
        )
        box.setTextFormat(Qt.TextFormat.PlainText)  # the message names the file
        if details:
            box.setDetailedText(details)
        box.open()
        self._last_box = box  # kept for tests (and so it is not collected while shown)
