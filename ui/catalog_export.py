"""Export report… in a review of catalogs: the estate report `photosift scan --catalog`
writes (HTML, CSV, JSON), from the catalogs just opened, with the marks as they are now.

The files of a review of catalogs are on other machines, so nothing is moved from the
window: what the user decided leaves as a report (and, once removal manifests exist, as
a manifest per server run there with `photosift clean --from`, `ui.catalog_manifests`).
`CATALOG_EXPORTS` is the list of what can be written; each entry is one checkbox of the
dialog. A new kind of file is one more `CatalogExport` appended to it, with its `write`
function.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Slot
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

from cleaner import (
    N_,
    CatalogScan,
    EstateSummary,
    ManifestRoles,
    ReportOptions,
    ScanResult,
    _,
    estate_summary,
    manifest_roles,
    ngettext,
    number,
    save_estate_json,
    write_estate_csv,
    write_estate_html,
)
from ui.catalog_manifests import ManifestsRefused, next_steps, write_manifests_into
from ui.desktop import open_file, reveal_in_file_manager
from ui.format import human_bytes
from ui.settings import Keys, Settings
from ui.widgets.save_place import SavePlace
from ui.workers.base import JobRunnable, PoolJobController
from ui.workers.report import not_saved


@dataclass(frozen=True)
class EstateData:
    """What every writer gets: the catalogs' facts, the result with the marks as they
    are now, the estate's figures from it, and every copy's decision (path -> remove)."""

    scanned: CatalogScan
    result: ScanResult
    estate: EstateSummary
    remove: Mapping[str, bool]


MANIFESTS = "manifests"  # the key of the removal manifests' entry


@dataclass(frozen=True)
class CatalogExport:
    key: str
    label: str  # the checkbox's words
    suffix: str  # added to the chosen name: ".html", "-figures.csv", ...
    write: Callable[[EstateData, Path], object]
    checked: bool = True  # ticked when the dialog opens


CATALOG_EXPORTS: list[CatalogExport] = [
    CatalogExport(
        "html",
        N_("Web page (.html): every server, the sets across servers, every set"),
        ".html",
        lambda d, p: write_estate_html(d.result, d.estate, p),
    ),
    CatalogExport(
        "csv",
        N_("Spreadsheet (.csv): the figures per server and the sets each pair shares"),
        ".csv",
        lambda d, p: write_estate_csv(d.estate, p),
    ),
    CatalogExport(
        "json",
        N_("Data (.json): every set and copy, with the figures"),
        ".json",
        lambda d, p: save_estate_json(d.result, d.estate, p),
    ),
    CatalogExport(
        MANIFESTS,
        N_(
            "Removal manifests (a folder, one file per server): what each server runs to "
            "move its marked copies"
        ),
        "-manifests",
        lambda d, p: write_manifests_into(d.scanned, d.result, p),
        checked=False,  # a report alone is the usual first step; the manifests act
    ),
]


def with_marks(result: ScanResult, remove: Mapping[str, bool]) -> ScanResult:
    """The result as the user decided: a copy marked is suggested for removal, an
    unmarked one is kept (sets as the review shows them now). The keeper stays the
    engine's unless the user marked it: then the best copy kept is."""
    groups = []
    for group in result.groups:
        members = [replace(m, suggested_remove=remove.get(m.path, False)) for m in group.members]
        if any(m.is_keeper and m.suggested_remove for m in members):
            kept = [i for i, m in enumerate(members) if not m.suggested_remove]
            best = max(kept, key=lambda i: members[i].quality) if kept else 0
            members = [replace(m, is_keeper=i == best) for i, m in enumerate(members)]
        groups.append(replace(group, members=tuple(members)))
    return replace(result, groups=tuple(groups))


@dataclass(frozen=True)
class EstateRequest:
    scanned: CatalogScan
    result: ScanResult  # the session's, sets as shown now
    remove: Mapping[str, bool]
    folder: Path
    name: str
    exports: tuple[CatalogExport, ...]
    options: ReportOptions

    def paths(self) -> list[Path]:
        return [self.folder / f"{self.name}{e.suffix}" for e in self.exports]


@dataclass(frozen=True)
class EstateDone:
    request: EstateRequest
    estate: EstateSummary
    files: tuple[Path, ...]
    roles: ManifestRoles | None = None  # who verifies and who cleans, when manifests were written


def export_estate(request: EstateRequest) -> EstateDone:
    """Write every chosen file (any thread). Raises OSError when one cannot be written."""
    result = with_marks(request.result, request.remove)
    estate = estate_summary(result, request.scanned.labels, request.options)
    data = EstateData(request.scanned, result, estate, request.remove)
    request.folder.mkdir(parents=True, exist_ok=True)
    paths = request.paths()
    for export, path in zip(request.exports, paths, strict=True):
        export.write(data, path)
    wrote_manifests = any(e.key == MANIFESTS for e in request.exports)
    roles = manifest_roles(result) if wrote_manifests else None
    return EstateDone(request, estate, tuple(paths), roles)


class _EstateRun(JobRunnable):
    stopped = N_("The report could not be made")

    def __init__(self, controller: EstateExporter, job: int, request: EstateRequest) -> None:
        super().__init__(job, controller._failed)
        self._controller = controller
        self._request = request

    def work(self) -> None:
        self._controller._done.emit(self.job, export_estate(self._request))

    def known_failure(self, exc: Exception) -> bool:
        if not isinstance(exc, OSError):
            return False
        if isinstance(exc, ManifestsRefused):
            text = _("The removal manifests were not written: {reason}.").format(reason=exc)
            self._failed.emit(self.job, text, "")
            return True
        self._failed.emit(self.job, not_saved(exc, self._request.folder), "")
        return True


class EstateExporter(PoolJobController):
    """One estate export at a time, on its own registered one-thread pool."""

    shutdown_wait_ms = 10_000

    def start(self, request: EstateRequest) -> int:
        return self._start(lambda job: _EstateRun(self, job, request))


class EstateExportDialog(QDialog):
    def __init__(
        self,
        scanned: CatalogScan,
        result: ScanResult,
        remove: Mapping[str, bool],
        exporter: EstateExporter,
        settings: Settings,
        parent: QWidget | None = None,
        exports: Sequence[CatalogExport] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export estate report"))
        self.scanned, self.scan_result, self.remove = scanned, result, remove
        self.exporter, self.settings = exporter, settings
        self.done_event: EstateDone | None = None
        servers = ", ".join(f.label for f in scanned.labels)
        intro = QLabel(
            ngettext(
                "The estate report of {n} server ({servers}): per server and for all of them, "
                "the files, the sets of copies, the extra copies, the space they take and what "
                "it costs to store; the sets that span servers; the pictures that appear more "
                "than N times. It counts the copies as you marked them. Nothing is moved from "
                "here: the report, and the removal manifests if you tick them, are what you "
                "take to each server.",
                "The estate report of {n} servers ({servers}): per server and for all of them, "
                "the files, the sets of copies, the extra copies, the space they take and what "
                "it costs to store; the sets that span servers; the pictures that appear more "
                "than N times. It counts the copies as you marked them. Nothing is moved from "
                "here: the report, and the removal manifests if you tick them, are what you "
                "take to each server.",
                len(scanned.labels),
            ).format(n=number(len(scanned.labels)), servers=servers)
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        formats = QVBoxLayout()
        formats.setSpacing(2)
        self.checks: list[tuple[CatalogExport, QCheckBox]] = []
        for export in CATALOG_EXPORTS if exports is None else exports:
            check = QCheckBox(_(export.label))
            check.setChecked(export.checked)
            check.toggled.connect(self._update)
            self.checks.append((export, check))
            formats.addWidget(check)
        self.times = QSpinBox()
        self.times.setRange(1, 1_000_000)
        self.times.setValue(settings.get(Keys.REPORT_TIMES))
        self.times.setSuffix(self.tr(" times"))
        self.times.setAccessibleName(self.tr("List pictures that appear more than this many times"))
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
        self.currency = QLineEdit(settings.get(Keys.REPORT_CURRENCY) or "USD")
        self.currency.setMaxLength(8)
        self.currency.setFixedWidth(70)
        self.price.setAccessibleName(self.tr("Storage price per GB per month"))
        self.currency.setAccessibleName(self.tr("Currency of the storage price"))
        price_row = QHBoxLayout()
        price_row.addWidget(self.price)
        price_row.addWidget(self.currency)
        price_row.addWidget(QLabel(self.tr("per GB per month")))
        price_row.addStretch(1)
        self.place = SavePlace(
            settings.get(Keys.REPORT_FOLDER), f"photosift-estate-{date.today().isoformat()}", self
        )
        self.place.changed.connect(self._update)
        self.folder, self.name = self.place.folder, self.place.name
        form = QFormLayout()
        form.addRow(self.tr("Write:"), formats)
        form.addRow(self.tr("Repeated pictures:"), times_row)
        form.addRow(self.tr("Storage price:"), price_row)
        form.addRow(self.tr("Save in folder:"), self.place.folder_row)
        form.addRow(self.tr("File name:"), self.name)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.steps = QLabel()  # after the manifests: what to do on each server
        self.steps.setWordWrap(True)
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        self.steps.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.steps.hide()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
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
        self.open_button.clicked.connect(lambda: self._show(open_file))
        self.reveal_button.clicked.connect(lambda: self._show(reveal_in_file_manager))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.busy)
        layout.addWidget(self.status)
        layout.addWidget(self.steps)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.export_button.setDefault(True)  # in the dialog now: it remembers its default
        exporter.finished.connect(self._on_done)
        exporter.failed.connect(self._on_failed)
        self.resize(680, 440)
        self._update()

    def chosen(self) -> tuple[CatalogExport, ...]:
        return tuple(e for e, check in self.checks if check.isChecked())

    def request(self) -> EstateRequest:
        options = ReportOptions(
            times=self.times.value(),
            price_per_gb_month=self.price.value(),
            currency=self.currency.text().strip() or "USD",
            thumbnails=False,  # the pictures are on other machines
        )
        return EstateRequest(
            self.scanned,
            self.scan_result,
            self.remove,
            Path(self.folder.text().strip()),
            self.name.text().strip().removesuffix(".html"),
            self.chosen(),
            options,
        )

    @Slot()
    def _update(self) -> None:
        problem = (
            self.place.problem() if self.chosen() else self.tr("Choose at least one file to write.")
        )
        self.export_button.setEnabled(not problem and not self.exporter.busy())
        if self.done_event is None:
            self._say(problem)

    @Slot()
    def start(self) -> None:
        if self.exporter.busy() or not self.export_button.isEnabled():
            return
        request = self.request()
        self.settings.set(Keys.REPORT_TIMES, request.options.times)
        self.settings.set(Keys.REPORT_PRICE, float(request.options.price_per_gb_month))
        self.settings.set(Keys.REPORT_CURRENCY, request.options.currency)
        self.settings.set(Keys.REPORT_FOLDER, str(request.folder))
        self.done_event = None
        self.busy.show()
        self._say(self.tr("Writing the report…"))
        self.export_button.setEnabled(False)
        self.close_button.setEnabled(False)
        self.exporter.start(request)

    def _say(self, text: str, rich: bool = False) -> None:
        self.status.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        self.status.setText(text)

    @Slot(object)
    def _on_done(self, done: EstateDone) -> None:
        self.done_event = done
        self.busy.hide()
        total = done.estate.total
        chosen = list(zip(done.request.exports, done.files, strict=True))
        reports = [p for e, p in chosen if e.key != MANIFESTS]
        names = html.escape(", ".join(p.name for p in reports), quote=False)
        folder = html.escape(str(done.request.folder), quote=False)
        saved = self.tr("<b>Report saved</b> in {folder}: {names}.").format(
            folder=folder, names=names
        )
        sets = ngettext(
            "{n} set of copies, {across} across servers",
            "{n} sets of copies, {across} across servers",
            total.sets,
        ).format(n=number(total.sets), across=number(done.estate.spanning_sets))
        extra = ngettext(
            "{n} extra copy marked, taking {size}",
            "{n} extra copies marked, taking {size}",
            total.redundant_copies,
        ).format(n=number(total.redundant_copies), size=human_bytes(total.reclaimable_bytes))
        figures = self.tr("{sets}; {extra}.").format(sets=sets, extra=extra)
        self._say(f"{saved}<br>{figures}" if reports else figures, rich=True)
        if done.roles is not None:
            folder_path = next(p for e, p in chosen if e.key == MANIFESTS)
            labels = [f.label for f in done.request.scanned.labels]
            self.steps.setText(next_steps(folder_path, labels, done.roles))
            self.steps.show()
        self.close_button.setEnabled(True)
        self.close_button.setText(self.tr("Close"))
        self.export_button.hide()
        self.open_button.setVisible(bool(reports))  # the manifests are not for reading here
        self.reveal_button.show()

    @Slot(str, str)
    def _on_failed(self, message: str, _details: str) -> None:
        self.busy.hide()
        self.close_button.setEnabled(True)
        self._update()
        self._say(message)

    def _show(self, how: Callable[[str], object]) -> None:
        if self.done_event is not None and self.done_event.files:
            how(str(self.done_event.files[0]))

    def reject(self) -> None:
        if self.exporter.busy():
            return
        super().reject()
