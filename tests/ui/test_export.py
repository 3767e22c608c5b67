"""Export report…: the dialog, writing off the GUI thread, and the files it writes."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QCheckBox
from pytestqt.qtbot import QtBot

from cleaner import REPORT_WRITERS
from cleaner.demo.library import DemoLibrary
from tests.helpers.removal_support import TIMEOUT, move_marked, scan
from tests.helpers.synthetic_result import synthetic_result
from ui.format import human_bytes
from ui.main_window import MainWindow
from ui.settings import Keys, Settings
from ui.widgets import export_dialog
from ui.widgets.export_dialog import ExportDialog
from ui.workers.report import ReportController

pytestmark = pytest.mark.usefixtures("trash_env")  # moves go to the test's own trash


def _open_export(window: MainWindow) -> ExportDialog:
    assert window.review_page.export_button.isEnabled()
    window.review_page.export_button.click()
    dialog = window.export_dialog
    assert dialog is not None
    assert dialog.isVisible()
    return dialog


def test_export_writes_three_files_whose_numbers_match(
    window: MainWindow, qtbot: QtBot, library: DemoLibrary, tmp_path: Path
) -> None:
    scan(window, qtbot, library.root)
    move_marked(window, qtbot)  # so the report also says what was moved
    assert window.removal.summary_dialog is not None
    window.removal.summary_dialog.close_button.click()

    dialog = _open_export(window)
    # defaults: every format, more than 3 times, 0.023 USD per GB-month
    assert dialog.formats() == ("html", "csv", "json")
    assert dialog.times.value() == 3
    assert dialog.price.value() == pytest.approx(0.023)
    assert dialog.currency.text() == "USD"
    out = tmp_path / "reports"
    dialog.folder.setText(str(out))
    dialog.name.setText("museum")
    dialog.times.setValue(2)
    dialog.price.setValue(0.05)
    dialog.currency.setText("EUR")
    with qtbot.waitSignal(window.reports.finished, timeout=TIMEOUT):
        dialog.export_button.click()
        assert dialog.busy.isVisible()  # busy while the pool writes
        assert not dialog.close_button.isEnabled()
    assert dialog.open_button.isVisible()
    assert dialog.reveal_button.isVisible()
    assert dialog.main_file() == out / "museum.html"
    assert "Report saved" in dialog.status.text()

    data = json.loads((out / "museum.json").read_text(encoding="utf-8"))["report"]
    with open(out / "museum.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    html = (out / "museum.html").read_text(encoding="utf-8")
    totals = data["totals"]
    assert data["options"] == {"times": 2, "price_per_gb_month": 0.05, "currency": "EUR"}
    # the report is of the scan as it was, with what happened since from the undo log
    assert totals["groups"] == len(library.groups) == len({r["group_id"] for r in rows})
    assert totals["files_in_groups"] == len(rows)
    assert totals["redundant_copies"] == sum(r["action"] == "remove" for r in rows) == 6
    assert totals["reclaimable_bytes"] == sum(
        int(r["size_bytes"]) for r in rows if r["action"] == "remove"
    )
    assert data["removal"]["moved"] == 6
    assert sum(r["outcome"] == "moved" for r in rows) == 6
    assert len(data["over_represented"]) == 2  # lake and harbour appear 3 times
    assert "4 pictures have copies" in html
    assert human_bytes(totals["reclaimable_bytes"]) in html
    assert "more than 2 times" in html
    # the choices are remembered
    settings = Settings()
    assert settings.get(Keys.REPORT_TIMES) == 2
    assert settings.get(Keys.REPORT_PRICE) == pytest.approx(0.05)
    assert settings.get(Keys.REPORT_CURRENCY) == "EUR"
    assert settings.get(Keys.REPORT_FOLDER) == str(out)
    dialog.close_button.click()
    again = _open_export(window)
    assert again.times.value() == 2
    assert again.currency.text() == "EUR"
    assert again.folder.text() == str(out)
    again.reject()


def test_export_only_the_chosen_formats_and_errors_in_plain_words(
    window: MainWindow, qtbot: QtBot, library: DemoLibrary, tmp_path: Path
) -> None:
    scan(window, qtbot, library.root)
    dialog = _open_export(window)
    for fmt in ("html", "json"):
        dialog.format_checks[fmt].setChecked(False)
    not_a_folder = tmp_path / "a file"
    not_a_folder.write_text("x")
    dialog.folder.setText(str(not_a_folder))
    with qtbot.waitSignal(window.reports.failed, timeout=TIMEOUT):
        dialog.export_button.click()
    assert dialog.status.text().startswith("The report could not be saved:")
    assert "Try another folder." in dialog.status.text()
    assert dialog.export_button.isEnabled()  # try again
    dialog.folder.setText(str(tmp_path / "ok"))
    with qtbot.waitSignal(window.reports.finished, timeout=TIMEOUT):
        dialog.export_button.click()
    assert sorted(p.name for p in (tmp_path / "ok").iterdir()) == [f"{dialog.request().name}.csv"]
    # nothing chosen: the dialog says so and will not start
    dialog.format_checks["csv"].setChecked(False)
    dialog.done_event = None
    dialog._update()
    assert not dialog.export_button.isEnabled()
    dialog.close_button.click()


def test_export_is_in_the_file_menu(window: MainWindow, qtbot: QtBot, library: DemoLibrary) -> None:
    assert not window.act_export.isEnabled()  # nothing scanned yet
    scan(window, qtbot, library.root)
    assert window.act_export.isEnabled()
    file_menu = window.menuBar().actions()[0].menu()
    assert window.act_export in file_menu.actions()
    window.act_export.trigger()
    assert window.export_dialog is not None
    assert window.export_dialog.isVisible()
    window.export_dialog.reject()


def _dialog_alone(qtbot: QtBot) -> ExportDialog:
    dialog = ExportDialog(synthetic_result(2), ReportController(), Settings())
    qtbot.addWidget(dialog)
    return dialog


def test_the_dialog_shows_one_row_per_report_writer(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _dialog_alone(qtbot)
    assert list(dialog.format_checks) == [w.key for w in REPORT_WRITERS]
    assert len(dialog.findChildren(QCheckBox)) == len(REPORT_WRITERS)
    labels = {key: check.text() for key, check in dialog.format_checks.items()}
    assert labels == {w.key: w.label for w in REPORT_WRITERS}
    # the words the window has always shown, now read from the registry
    assert {k: labels[k] for k in ("html", "csv", "json")} == {
        "html": "Web page (.html): to read, print or send",
        "csv": "Spreadsheet (.csv): one row per file, for Excel or LibreOffice",
        "json": "Data (.json): for other programs",
    }
    # every format by default, each file named with its writer's extension
    assert dialog.formats() == tuple(w.key for w in REPORT_WRITERS)
    dialog.folder.setText(str(tmp_path))
    dialog.name.setText("museum.json")  # a typed extension is dropped
    assert dialog.request().paths() == [tmp_path / f"museum.{w.extension}" for w in REPORT_WRITERS]


def test_a_new_registry_row_is_a_new_checkbox(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = replace(REPORT_WRITERS[-1], key="xml", extension="xml", label="Data (.xml)")
    monkeypatch.setattr(export_dialog, "REPORT_WRITERS", (*REPORT_WRITERS, extra))
    dialog = _dialog_alone(qtbot)
    assert list(dialog.format_checks) == [*(w.key for w in REPORT_WRITERS), "xml"]
    assert dialog.format_checks["xml"].text() == "Data (.xml)"
    # ticked only if the saved choice names it (here the default, made from the real rows)
    assert not dialog.format_checks["xml"].isChecked()
