"""Export report…: choose formats, the "appears more than N times" number and the storage
price, then write the report off the GUI thread; on success, open it or show its folder.

The formats are the engine's registry of report writers (`cleaner.REPORT_WRITERS`): one
checkbox per row, labelled and ordered as the row says, so a new report format appears
here without a change to this dialog."""

from __future__ import annotations

import html
import math
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cleaner import REPORT_WRITERS, ReportOptions, ScanResult, _, ngettext, number
from ui.desktop import open_file, reveal_in_file_manager
from ui.format import human_bytes
from ui.settings import Keys, Settings
from ui.widgets.save_place import SavePlace
from ui.workers.report import ExportDone, ExportRequest, ReportController


class ExportDialog(QDialog):
    def __init__(
        self,
        result: ScanResult,
        reports: ReportController,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export report"))
        self.scan_result = result
        self.reports = reports
        self.settings = settings
        self.done_event: ExportDone | None = None

        intro = QLabel(
            self.tr(
                "A report of this scan to keep or send: how many copies were found, how much "
                "space they take and what they cost to store, and which files were moved."
            )
        )
        intro.setWordWrap(True)

        stored: list[str] = settings.get(Keys.REPORT_FORMATS)
        chosen = set(stored) or {w.key for w in REPORT_WRITERS}
        self.format_checks: dict[str, QCheckBox] = {}  # writer key -> its checkbox
        formats = QVBoxLayout()
        formats.setSpacing(2)
        for writer in REPORT_WRITERS:
            check = QCheckBox(_(writer.label))
            check.setChecked(writer.key in chosen)
            check.toggled.connect(self._update)
            self.format_checks[writer.key] = check
            formats.addWidget(check)

        self.times = QSpinBox()
        self.times.setRange(1, 1_000_000)
        self.times.setValue(settings.get(Keys.REPORT_TIMES))
        self.times.setSuffix(self.tr(" times"))
        self.times.setAccessibleName(self.tr("Appears more than this many times"))
        times_row = QHBoxLayout()
        times_row.addWidget(QLabel(self.tr("List pictures that appear more than")))
        times_row.addWidget(self.times)
        times_row.addStretch(1)

        self.price = QDoubleSpinBox()
        self.price.setDecimals(4)
        self.price.setRange(0.0, 1000.0)
        self.price.setSingleStep(0.001)
        price = settings.get(Keys.REPORT_PRICE)
        self.price.setValue(price if math.isfinite(price) and price >= 0 else 0.023)
        self.price.setAccessibleName(self.tr("Price per GB per month"))
        self.currency = QLineEdit(settings.get(Keys.REPORT_CURRENCY) or "USD")
        self.currency.setMaxLength(8)
        self.currency.setFixedWidth(70)
        self.currency.setAccessibleName(self.tr("Currency"))
        self.currency.textChanged.connect(self._update)
        price_row = QHBoxLayout()
        price_row.addWidget(self.price)
        price_row.addWidget(self.currency)
        price_row.addWidget(QLabel(self.tr("per GB per month")))
        price_row.addStretch(1)
        price_hint = QLabel(
            self.tr(
                "Used to estimate what the extra copies cost to store. 0.023 USD is a typical "
                "cloud storage price; use your own if you know it."
            )
        )
        price_hint.setWordWrap(True)
        price_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.place = SavePlace(
            settings.get(Keys.REPORT_FOLDER), f"photosift-report-{date.today().isoformat()}", self
        )
        self.place.changed.connect(self._update)
        self.folder, self.name = self.place.folder, self.place.name

        form = QFormLayout()
        form.addRow(self.tr("Formats:"), formats)
        form.addRow(self.tr("Repeated pictures:"), times_row)
        form.addRow(self.tr("Storage price:"), price_row)
        form.addRow("", price_hint)
        form.addRow(self.tr("Save in folder:"), self.place.folder_row)
        form.addRow(self.tr("File name:"), self.name)

        self.status = QLabel()
        self.status.setWordWrap(True)
        # selectable (to copy a path) once there is something to read, in `_say`: the
        # flag makes the label focusable, and a focused blank line says nothing
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # the engine reports no progress: a busy bar
        self.busy.setAccessibleName(self.tr("Writing the report"))
        self.busy.hide()

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.open_button = self.buttons.addButton(
            self.tr("Open report"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.reveal_button = self.buttons.addButton(
            self.tr("Show in folder"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.open_button.hide()
        self.reveal_button.hide()
        self.export_button.clicked.connect(self.start)
        self.open_button.clicked.connect(self.open_report)
        self.reveal_button.clicked.connect(self.reveal_report)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.busy)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        # the default once the button is in the dialog, so the dialog remembers it and
        # gives it back after Tab passes another button (else Enter pressed that one)
        self.export_button.setDefault(True)

        reports.finished.connect(self._on_done)
        reports.failed.connect(self._on_failed)
        self.resize(640, 460)
        self._update()

    # -- choices ---------------------------------------------------------------------

    def formats(self) -> tuple[str, ...]:
        return tuple(w.key for w in REPORT_WRITERS if self.format_checks[w.key].isChecked())

    def request(self) -> ExportRequest:
        options = ReportOptions(
            times=self.times.value(),
            price_per_gb_month=self.price.value(),
            currency=self.currency.text().strip() or "USD",
        )
        name = self.name.text().strip()
        for writer in REPORT_WRITERS:
            name = name.removesuffix(f".{writer.extension}")
        return ExportRequest(
            self.scan_result, Path(self.folder.text().strip()), name, self.formats(), options
        )

    @Slot()
    def _update(self) -> None:
        problem = self.place.problem() if self.formats() else self.tr("Choose at least one format.")
        running = self.reports.busy()
        self.export_button.setEnabled(not problem and not running)
        if not running and self.done_event is None:
            existing = [] if problem else [p for p in self.request().paths() if p.exists()]
            if existing:
                problem = ngettext(
                    "{n} file with this name is already there and will be replaced.",
                    "{n} files with this name are already there and will be replaced.",
                    len(existing),
                ).format(n=number(len(existing)))
            self._say(problem)

    # -- running ---------------------------------------------------------------------

    @Slot()
    def start(self) -> None:
        if self.reports.busy() or not self.export_button.isEnabled():
            return
        request = self.request()
        self.settings.set(Keys.REPORT_FORMATS, list(request.formats))
        self.settings.set(Keys.REPORT_TIMES, request.options.times)
        self.settings.set(Keys.REPORT_PRICE, float(request.options.price_per_gb_month))
        self.settings.set(Keys.REPORT_CURRENCY, request.options.currency)
        self.settings.set(Keys.REPORT_FOLDER, str(request.folder))
        self.done_event = None
        self.busy.show()
        self._say(self.tr("Writing the report… (previews of the pictures take a moment)"))
        self.export_button.setEnabled(False)
        self.close_button.setEnabled(False)
        self.reports.start(request)

    @Slot(object)
    def _say(self, text: str, rich: bool = False) -> None:
        """The status line: plain text (a file or folder name shows as written), or the
        dialog's own rich text with every name in it escaped."""
        self.status.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        self.status.setText(text)
        flags = Qt.TextInteractionFlag
        self.status.setTextInteractionFlags(
            flags.TextSelectableByMouse if text.strip() else flags.NoTextInteraction
        )

    def _on_done(self, done: ExportDone) -> None:
        self.done_event = done
        self.busy.hide()
        t = done.summary.totals
        names = html.escape(", ".join(p.name for p in done.files), quote=False)
        folder = html.escape(str(done.request.folder), quote=False)
        pictures = ngettext("{n} picture with copies", "{n} pictures with copies", t.groups).format(
            n=number(t.groups)
        )
        extra = ngettext(
            "{n} extra copy taking {size}", "{n} extra copies taking {size}", t.redundant_copies
        ).format(n=number(t.redundant_copies), size=human_bytes(t.reclaimable_bytes))
        text = self.tr("<b>Report saved</b> in {folder}: {names}.").format(
            folder=folder, names=names
        )
        text += "<br>" + self.tr("{pictures}; {extra}.").format(pictures=pictures, extra=extra)
        for warning in done.warnings:
            text += f"<br>{html.escape(warning, quote=False)}"
        self._say(text, rich=True)
        self.close_button.setEnabled(True)
        self.close_button.setText(self.tr("Close"))
        self.export_button.hide()
        self.open_button.show()
        self.reveal_button.show()
        self.open_button.setDefault(True)

    @Slot(str, str)
    def _on_failed(self, message: str, details: str) -> None:
        self.busy.hide()
        self.close_button.setEnabled(True)
        self._update()
        self._say(message)
        if details:
            from ui.widgets.error_dialog import ErrorDialog

            dialog = ErrorDialog(message, details, self.tr("The report could not be made"), self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()

    def main_file(self) -> Path | None:
        if self.done_event is None or not self.done_event.files:
            return None
        # the registry lists first the format people read (the HTML), so it is this one
        # when it was chosen
        return self.done_event.files[0]

    @Slot()
    def open_report(self) -> None:
        path = self.main_file()
        if path is not None:
            open_file(str(path))

    @Slot()
    def reveal_report(self) -> None:
        path = self.main_file()
        if path is not None:
            reveal_in_file_manager(str(path))

    def reject(self) -> None:
        if self.reports.busy():  # the report is being written: wait for it
            return
        super().reject()
