"""File → Open catalogs…: review, in the window, catalogs built on other servers.

`CatalogReviewFlow` is owned by the main window (like `ui.saved_review`):

- a file dialog takes one or more ``.catalog`` files (`photosift catalog build`), then a
  short dialog asks which of them to protect whole (the archive masters server);
- the catalogs are read and grouped on the scan thread (`ScanController.start_catalogs`,
  `ui.catalog_worker`) with the window's settings: similarity, the order of the keeper
  criteria, and the protected folders of this computer for the catalogs built from them.
  Progress and Cancel are the scan's. A catalog that cannot be used (damaged, truncated,
  another program's) is named in one line and the others open; none: back to the start;
- the result opens in the review grid. Each copy shows its server (a label chip), a set
  on several servers says so, and a picture shows when its file is on this computer at
  the same path, else a placeholder says where it is (`ui.thumbnails` `locate`);
- nothing can be moved from here: the files are on other computers. The Move button
  gives way to a banner that says so, and Export report… writes the estate report
  and the removal manifests of the marks (`ui.catalog_export`, `ui.catalog_manifests`).
  Marks are saved as any review's are (`ui.autosave`).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from cleaner import N_, CatalogScan, Notice, ScanResult, _, ngettext, number
from ui.catalog_export import EstateExportDialog, EstateExporter
from ui.catalog_places import places_for
from ui.catalog_worker import CatalogRequest
from ui.settings import Keys

if TYPE_CHECKING:
    from ui.main_window import MainWindow

SHORTCUT = "Ctrl+Alt+O"
NOTHING_MOVED = N_(
    "These pictures are on other computers ({servers}), listed from their catalogs. "
    "PhotoSift moves nothing from here: mark what should go, then use “Export report…” "
    "for the estate report and the removal manifests; the copies are removed on each "
    "server itself, with its manifest."
)
MOVE_REFUSED = N_(
    "Files listed from catalogs are on other computers: they cannot be moved from this "
    "window. Export the report instead."
)


class ProtectCatalogsDialog(QDialog):
    """Which of the chosen catalogs to protect whole: none of their files is ever
    suggested for removal (the archive masters, the reference copy of a data set)."""

    def __init__(self, paths: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Open catalogs"))
        intro = QLabel(
            ngettext(
                "PhotoSift will compare the pictures of {n} catalog with your scan settings "
                "(how alike, which copy to keep). Nothing is moved or changed. Tick a catalog "
                "to keep every one of its files, for example the archive's masters: a copy "
                "there is never suggested for removal.",
                "PhotoSift will compare the pictures of {n} catalogs with your scan settings "
                "(how alike, which copy to keep). Nothing is moved or changed. Tick a catalog "
                "to keep every one of its files, for example the archive's masters: a copy "
                "there is never suggested for removal.",
                len(paths),
            ).format(n=number(len(paths)))
        )
        intro.setWordWrap(True)
        self.checks: dict[str, QCheckBox] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        for path in paths:
            check = QCheckBox(
                self.tr("Always keep every file of {name}").format(name=Path(path).name)
            )
            check.setToolTip(path)
            self.checks[path] = check
            layout.addWidget(check)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def protected(self) -> tuple[str, ...]:
        return tuple(p for p, check in self.checks.items() if check.isChecked())


class NothingMovedBanner(QFrame):
    """Above a review of catalogs: why nothing is moved here, in plain words."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("catalogBanner")
        self.setStyleSheet(
            "#catalogBanner { background: #eef3fb; border: 1px solid #8fb0de; "
            "border-radius: 4px; } #catalogBanner QLabel { color: #17324d; }"
        )
        self.label = QLabel()
        self.refused = QLabel()  # the catalogs that could not be opened, one line each
        self.refused.setStyleSheet("color: #8a1c1c;")
        for label in (self.label, self.refused):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label)
        layout.addWidget(self.refused)
        self.hide()


class CatalogReviewFlow(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.scanned: CatalogScan | None = None  # the catalogs opened last (estate facts)
        self.active = False  # the review shows a result of catalogs
        self.opening = False  # catalogs are being read and grouped
        self.refused: list[str] = []  # why catalogs of this opening were left out
        self.exporter = EstateExporter(self)
        self.export_dialog: EstateExportDialog | None = None
        self.banner = NothingMovedBanner()
        page = window.review_page
        layout = page.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(1, self.banner)
        window.scanner.estateRead.connect(self._estate_read)
        window.scanner.notice.connect(self._notice)
        window.scanner.failed.connect(self._failed)  # after the window's own handler
        window.scanner.cancelled.connect(self._cancelled)
        window.session.reset.connect(self._session_reset)

    # -- opening -------------------------------------------------------------------------

    @Slot()
    def open_catalogs(self) -> None:
        w = self.window
        if w.pages.currentWidget() is w.progress_page or w.mutations.busy():
            w.statusBar().showMessage(self.tr("Wait for the scan or the move to finish."), 6000)
            return
        folder = w.settings.get(Keys.CATALOG_FOLDER) or str(Path.home())
        names, _ = QFileDialog.getOpenFileNames(
            w,
            self.tr("Open catalogs"),
            folder,
            self.tr("PhotoSift catalogs (*.catalog);;All files (*)"),
        )
        if not names:
            return
        w.settings.set(Keys.CATALOG_FOLDER, os.path.dirname(names[0]))
        dialog = ProtectCatalogsDialog(names, w)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.start(names, dialog.protected())

    def start(self, paths: list[str], protect: tuple[str, ...] = ()) -> int:
        """Read and group the catalogs at `paths` (tests call this without the dialogs)."""
        w = self.window
        base = w.settings.scan_settings()
        # what was decided when each catalog was built (leave out, sizes) is not asked again
        settings = replace(base, roots=(), excludes=(), min_file_size=0, min_width=0, min_height=0)
        w.thumbnails.clear()
        w.session.clear()
        w.review_page.show_empty("")
        names = [Path(p).name for p in paths]
        w.progress_page.reset(names)
        w.progress_page.title.setText(self.tr("Opening catalogs…"))
        w.progress_page.folders.setText(self.tr("Reading {names}").format(names=", ".join(names)))
        w.pages.setCurrentWidget(w.progress_page)
        w.start_page.set_status("")
        w.statusBar().showMessage(self.tr("Opening catalogs…"))
        w._notices, w._notice_tips = [], []  # the notes of this run (a catalog left out)
        w.statusBar().setToolTip("")
        self.scanned = None
        self.refused = []
        self.opening = True
        request = CatalogRequest(tuple(str(p) for p in paths), settings, tuple(protect))
        return w.scanner.start_catalogs(request)

    @Slot(object)
    def _estate_read(self, scanned: CatalogScan) -> None:
        self.scanned = scanned

    @Slot(object)
    def _notice(self, notice: Notice) -> None:
        if self.opening:  # a catalog left out: said above the review, whole
            self.refused.append(notice.text)

    @Slot(str, str)
    def _failed(self, message: str, _details: str) -> None:
        """None of the catalogs opened: the start page says why, catalog by catalog."""
        if not self.opening:
            return
        self.opening = False
        lines = [message[:1].upper() + message[1:] + "."]
        lines += [f"• {why}" for why in self.refused]
        self.window.start_page.set_status("\n".join(lines))
        self.window.statusBar().showMessage(self.tr("No catalog could be opened"))

    @Slot()
    def _cancelled(self) -> None:
        if self.opening:
            self.opening = False
            self.window.start_page.set_status(self.tr("Opening the catalogs was cancelled."))

    # -- the review of catalogs --------------------------------------------------------

    def result_shown(self, result: ScanResult) -> None:
        """A result is about to be shown (a scan's, catalogs', or a saved review's): the
        review takes the catalogs' ways or leaves them. Called before its sets arrive."""
        places = places_for(result)
        if places is None:
            self._leave()
            return
        self.active = True
        self.window.thumbnails.locate = places.local_path
        page = self.window.review_page
        page.trash_button.hide()
        page.export_button.setText(self.tr("Export report…"))
        page.export_button.setToolTip(
            self.tr(
                "Save the estate report (web page, spreadsheet, data) and the removal manifests, "
                "with your marks"
            )
        )
        self.banner.label.setText(_(NOTHING_MOVED).format(servers=", ".join(places.labels)))
        refused = self.refused if self.opening else []
        self.banner.refused.setText(
            "\n".join([f"Not opened ({len(refused)}):", *refused]) if refused else ""
        )
        self.banner.refused.setVisible(bool(refused))
        self.opening = False
        self.banner.show()
        self.window.act_move.setToolTip(_(MOVE_REFUSED))
        self.window.act_move.setStatusTip(_(MOVE_REFUSED))

    def _leave(self) -> None:
        if not self.active:
            return
        self.active = False
        self.window.thumbnails.locate = None
        self.window.review_page.trash_button.show()
        self.banner.hide()
        tip = self.tr("Move the marked copies to the Trash (you see the list first)")
        self.window.act_move.setToolTip(tip)
        self.window.act_move.setStatusTip(tip)

    @Slot()
    def _session_reset(self) -> None:
        self._leave()

    def open_selected(self, reveal: bool) -> None:
        """Open (or show in its folder) the selected copy when its file is on this
        computer, known from its thumbnail (never a stat here: a dead share can hang)."""
        w = self.window
        places = places_for(w.session.result)
        paths = w.review_page.selected_paths()
        if places is None or not paths:
            return
        model = w.review_page.photo_model
        for path in paths[: 1 if reveal else 4]:
            local = places.local_path(path)
            if local and w.thumbnails.peek(path, model.thumb_size, model.dpr) is not None:
                from ui.desktop import open_file, reveal_in_file_manager

                (reveal_in_file_manager if reveal else open_file)(local)
            else:
                w.statusBar().showMessage(
                    self.tr("{path} is on “{server}”, not on this computer.").format(
                        path=places.on_server(path), server=places.label(path)
                    ),
                    8000,
                )

    # -- export --------------------------------------------------------------------------

    def export_report(self) -> None:
        w = self.window
        result = w.session.current_result()
        if result is None or self.exporter.busy():
            return
        if self.scanned is None:  # a review continued after the window was closed
            QMessageBox.information(
                w,
                self.tr("Export report"),
                self.tr(
                    "The estate report counts every file of every catalog, so it needs the "
                    "catalogs themselves: open them again with File → Open catalogs…"
                ),
            )
            return
        remove = {path: d.value == "remove" for path, d in w.session.decisions().items()}
        if self.export_dialog is not None:
            self.export_dialog.deleteLater()
        self.export_dialog = EstateExportDialog(
            self.scanned, result, remove, self.exporter, w.settings, w
        )
        self.export_dialog.open()

    def shutdown(self, timeout_ms: int) -> bool:
        return self.exporter.shutdown(timeout_ms)
