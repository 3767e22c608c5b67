"""Scan settings…: the keeper criteria order (drag, Move up/down, reset), places to
prefer and avoid, what to leave out, the smallest pictures; remembered, and used by the
next scan in the window."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialog
from pytestqt.qtbot import QtBot

from cleaner import CRITERIA
from cleaner.demo.library import DemoLibrary
from cleaner.models import SkipReason
from ui.main_window import MainWindow
from ui.settings import Keys, Settings
from ui.widgets.scan_settings_dialog import DEFAULT_ORDER, ScanSettingsDialog

KEYS = [c.key for c in CRITERIA]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def dialog(qtbot: QtBot) -> Iterator[ScanSettingsDialog]:
    d = ScanSettingsDialog(Settings())
    qtbot.addWidget(d)
    d.show()
    yield d
    d.close()


def _labels(d: ScanSettingsDialog) -> list[str]:
    m = d.criteria.model
    return [str(m.index(r).data()) for r in range(m.rowCount())]


def test_lists_every_criterion_by_its_label_in_default_order(dialog: ScanSettingsDialog) -> None:
    assert dialog.criteria.order() == KEYS
    assert _labels(dialog) == [f"{n:\u2007>2}.  {c.label}" for n, c in enumerate(CRITERIA, start=1)]
    assert not dialog.criteria.reset.isEnabled()  # already the default
    assert not dialog.criteria.up.isEnabled()  # the first row is selected


def test_move_up_and_down_from_the_keyboard(dialog: ScanSettingsDialog, qtbot: QtBot) -> None:
    c = dialog.criteria
    c.view.setFocus()
    QTest.keyClick(c.view, Qt.Key.Key_Down)  # select the second point (metadata)
    QTest.keyClick(c.view, Qt.Key.Key_Down)  # and the third (lossless)
    assert c.selected_row() == 2
    c.up.setFocus()
    QTest.keyClick(c.up, Qt.Key.Key_Space)  # Move up, pressed with the keyboard
    assert c.order()[:3] == ["resolution", "lossless", "metadata"]
    assert c.selected_row() == 1  # the moved point stays selected, for another press
    c.up.click()
    assert c.order()[:3] == ["lossless", "resolution", "metadata"]
    assert not c.up.isEnabled()  # at the top
    c.down.setFocus()
    for _ in range(3):
        QTest.keyClick(c.down, Qt.Key.Key_Space)
    assert c.order()[:5] == ["resolution", "metadata", "jpeg_quality", "lossless", "sharpness"]
    assert sorted(c.order()) == sorted(KEYS)  # nothing lost, nothing doubled
    assert _labels(dialog)[3].startswith("\u20074.  Lossless")  # numbers follow the order
    # to the bottom and no further
    for _ in range(len(KEYS)):
        c.move_selected(1)
    assert c.order()[-1] == "lossless"
    assert not c.down.isEnabled()


def test_the_list_is_reordered_by_drag_and_drop(dialog: ScanSettingsDialog) -> None:
    c = dialog.criteria
    view, model = c.view, c.model
    assert view.dragDropMode() is QAbstractItemView.DragDropMode.InternalMove
    assert model.flags(model.index(4)) & Qt.ItemFlag.ItemIsDragEnabled
    assert model.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled
    assert model.supportedDropActions() == Qt.DropAction.MoveAction
    # what QListView's internal move does with a dropped row: model().moveRow(...)
    assert view.model().moveRow(QModelIndex(), KEYS.index("oldest_file"), QModelIndex(), 0)
    assert c.order()[:2] == ["oldest_file", "resolution"]
    assert view.model().moveRow(QModelIndex(), 0, QModelIndex(), 3)  # down, in front of 3
    assert c.order()[:3] == ["resolution", "metadata", "oldest_file"]
    # onto itself or out of range: nothing moves
    before = c.order()
    assert not model.moveRows(QModelIndex(), 2, 1, QModelIndex(), 3)
    assert not model.moveRows(QModelIndex(), 9, 2, QModelIndex(), 0)
    assert not model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 11)
    assert c.order() == before
    assert c.reset.isEnabled()


def test_reset_to_default(dialog: ScanSettingsDialog) -> None:
    c = dialog.criteria
    c.set_order(["path_rules", "oldest_file"])
    assert c.order()[:3] == ["path_rules", "oldest_file", "resolution"]
    c.view.setCurrentIndex(c.model.index(0))
    c.reset.click()
    assert c.order() == list(DEFAULT_ORDER) == KEYS
    assert c.selected_row() == KEYS.index("path_rules")  # the same point, in its place
    assert not c.reset.isEnabled()


def test_text_lists_add_with_enter_and_remove(dialog: ScanSettingsDialog) -> None:
    prefer = dialog.prefer
    assert prefer.values() == ["originals"]  # the engine's default, shown
    prefer.entry.setText("  Scans 2019 ")
    QTest.keyClick(prefer.entry, Qt.Key.Key_Return)
    prefer.entry.setText("Scans 2019")  # a repeat is not added twice
    prefer.add_button.click()
    prefer.entry.setText("   ")
    assert not prefer.add_button.isEnabled()
    assert prefer.values() == ["originals", "Scans 2019"]
    prefer.list.item(0).setSelected(True)
    prefer.remove_button.click()
    assert prefer.values() == ["Scans 2019"]


def _fill(d: ScanSettingsDialog) -> None:
    d.criteria.set_order(["path_rules", "metadata"])
    d.prefer.set_values(["Masters"])
    d.avoid.set_values(["Old phone", "Export"])
    d.excludes.set_values(["Thumbnails", "*.gif"])
    d.size_limit.setChecked(True)
    d.min_size.setValue(20)
    d.dims_limit.setChecked(True)
    d.min_width.setValue(640)
    d.min_height.setValue(480)


def test_saved_settings_are_remembered_and_build_the_next_scans_settings(
    qtbot: QtBot, dialog: ScanSettingsDialog
) -> None:
    _fill(dialog)
    dialog.accept()
    again = Settings()  # a new run of the program
    assert again.get(Keys.KEEP_ORDER)[:2] == ["path_rules", "metadata"]
    assert again.get(Keys.MIN_FILE_SIZE) == 20_000
    reopened = ScanSettingsDialog(again)
    qtbot.addWidget(reopened)
    assert reopened.criteria.order()[:3] == ["path_rules", "metadata", "resolution"]
    assert reopened.prefer.values() == ["Masters"]
    assert reopened.avoid.values() == ["Old phone", "Export"]
    assert reopened.excludes.values() == ["Thumbnails", "*.gif"]
    assert (reopened.min_size.value(), reopened.min_width.value()) == (20, 640)
    assert reopened.min_height.value() == 480
    assert reopened.size_limit.isChecked()
    assert reopened.dims_limit.isChecked()
    again.set(Keys.FOLDERS, ["/photos"])
    s = again.scan_settings()
    assert s.criteria[:2] == ("path_rules", "metadata")
    assert sorted(s.criteria) == sorted(KEYS)
    assert s.prefer_paths == ("Masters",)
    assert s.avoid_paths == ("Old phone", "Export")
    assert s.excludes == ("Thumbnails", "*.gif")
    assert (s.min_file_size, s.min_width, s.min_height) == (20_000, 640, 480)


def test_cancel_forgets_the_edits(qtbot: QtBot, dialog: ScanSettingsDialog) -> None:
    _fill(dialog)
    dialog.reject()
    s = Settings()
    assert s.get(Keys.KEEP_ORDER) == []
    assert s.get(Keys.EXCLUDES) == []
    assert s.scan_settings().prefer_paths == ("originals",)


def test_defaults_keep_the_scan_as_before(qtbot: QtBot, dialog: ScanSettingsDialog) -> None:
    dialog.accept()  # saved untouched
    s = Settings()
    assert s.get(Keys.KEEP_ORDER) == []  # the default order is stored as "default"
    built = s.scan_settings()
    assert built.criteria == ()
    assert built.prefer_paths == ("originals",)
    assert (built.avoid_paths, built.excludes) == ((), ())
    assert (built.min_file_size, built.min_width, built.min_height) == (0, 0, 0)
    assert not dialog.size_limit.isChecked()
    assert not dialog.dims_limit.isChecked()
    assert not dialog.min_size.isEnabled()
    assert not dialog.min_width.isEnabled()


def test_a_limit_counts_only_while_ticked(qtbot: QtBot, dialog: ScanSettingsDialog) -> None:
    dialog.size_limit.setChecked(True)
    assert dialog.min_size.isEnabled()
    assert dialog.min_size.value() == 50  # offered first
    dialog.dims_limit.setChecked(True)
    dialog.min_width.setValue(800)
    dialog.dims_limit.setChecked(False)  # changed their mind: the numbers stay, unused
    dialog.accept()
    s = Settings()
    assert (s.get(Keys.MIN_FILE_SIZE), s.get(Keys.MIN_WIDTH), s.get(Keys.MIN_HEIGHT)) == (
        50_000,
        0,
        0,
    )
    reopened = ScanSettingsDialog(s)
    qtbot.addWidget(reopened)
    assert reopened.size_limit.isChecked()
    assert reopened.min_size.isEnabled()
    assert not reopened.dims_limit.isChecked()


def test_odd_stored_values_are_cleaned(qtbot: QtBot) -> None:
    s = Settings()
    s.set(Keys.KEEP_ORDER, ["sharpness", "from_a_newer_version", "sharpness"])
    s.set(Keys.EXCLUDES, [" *.gif ", "", "*.gif"])
    s.set(Keys.MIN_WIDTH, -3)
    built = s.scan_settings()
    assert built.criteria == ("sharpness",)
    assert built.excludes == ("*.gif",)
    assert built.min_width == 0
    d = ScanSettingsDialog(s)
    qtbot.addWidget(d)
    assert d.criteria.order()[0] == "sharpness"
    assert sorted(d.criteria.order()) == sorted(KEYS)


def test_opened_from_the_start_page_and_the_menu(qtbot: QtBot) -> None:
    w = MainWindow(cache_path=None)
    qtbot.addWidget(w)
    w.show()
    seen: list[str] = []
    assert w.start_page.settings_summary.isHidden()  # nothing differs from the defaults

    def cancel() -> None:
        modal = QApplication.activeModalWidget()
        assert isinstance(modal, ScanSettingsDialog)
        seen.append("cancel")
        modal.excludes.set_values(["forgotten"])
        modal.reject()

    def save() -> None:
        modal = QApplication.activeModalWidget()
        assert isinstance(modal, ScanSettingsDialog)
        seen.append("save")
        modal.criteria.set_order(["oldest_capture"])
        modal.excludes.set_values(["Thumbnails", "*.gif"])
        modal.dims_limit.setChecked(True)
        modal.min_width.setValue(640)
        modal.min_height.setValue(480)
        modal.size_limit.setChecked(True)
        modal.min_size.setValue(20)
        modal.accept()

    QTimer.singleShot(0, cancel)
    assert w.start_page.settings_button.text() == "More settings…"
    w.start_page.settings_button.click()
    assert Settings().get(Keys.EXCLUDES) == []
    assert w.start_page.settings_summary.isHidden()
    QTimer.singleShot(0, save)
    w.act_settings.trigger()  # File → Scan settings…
    assert seen == ["cancel", "save"]
    assert w.act_settings.shortcut().toString() == "Ctrl+,"
    assert w.start_page.settings_summary.isVisibleTo(w)
    assert w.start_page.settings_summary.text() == (
        "Your settings: “Oldest capture date” decides first; leaving out Thumbnails, *.gif; "
        "files under 20.0 KB; pictures under 640 × 480."
    )
    w.close()


def test_the_next_scan_in_the_window_uses_them(
    qtbot: QtBot, demo_library: DemoLibrary, tmp_path: Path
) -> None:
    w = MainWindow(cache_path=None)
    qtbot.addWidget(w)
    w.show()
    w.start_page.add_folders([str(demo_library.root)])
    d = ScanSettingsDialog(w.settings, w)
    qtbot.addWidget(d)
    d.criteria.set_order(["oldest_file"])
    d.excludes.set_values(["*.png"])
    d.dims_limit.setChecked(True)
    d.min_width.setValue(1000)
    d.min_height.setValue(800)
    d.accept()
    with qtbot.waitSignal(w.scanner.finished, timeout=60_000):
        w.start_scan()
    qtbot.waitUntil(lambda: w.session.result is not None, timeout=5000)
    result = w.session.result
    assert result is not None
    assert result.settings.criteria[0] == "oldest_file"
    assert result.settings.excludes == ("*.png",)
    assert (result.settings.min_width, result.settings.min_height) == (1000, 800)
    members = sorted(Path(m.path).relative_to(demo_library.root).as_posix()
                     for g in result.groups for m in g.members)  # fmt: skip
    assert "Scans/harbour.png" not in members  # a copy of harbour.jpg, left out
    assert "Exports/lake_small.jpg" not in members  # 800x600: a copy, too small
    assert "Downloads/harbour.jpg" in members
    assert [(Path(s.path).name, s.reason, s.detail) for s in result.skipped] == [
        ("lake_small.jpg", SkipReason.TOO_SMALL, "800x600, under 1000x800")
    ]
    w.close()


def test_start_page_summary_names_what_differs(qtbot: QtBot) -> None:
    from ui.widgets.scan_settings_dialog import settings_summary

    s = Settings()
    assert settings_summary(s) == ""
    s.set(Keys.KEEP_ORDER, ["resolution", "sharpness"])  # the first point is unchanged
    s.set(Keys.PREFER, [])
    assert settings_summary(s) == (
        "Your settings: your own order for the copy to keep; your own folders to keep and remove."
    )
    s.set(Keys.KEEP_ORDER, list(DEFAULT_ORDER))  # the default, stored in full
    s.set(Keys.PREFER, ["originals"])
    s.set(Keys.EXCLUDES, ["a", "b", "c", "d", "e"])
    assert settings_summary(s) == "Your settings: leaving out a, b, c and 2 more."


def test_dialog_is_a_real_dialog_with_save(dialog: ScanSettingsDialog) -> None:
    assert isinstance(dialog, QDialog)
    assert dialog.tabs.count() == 2
    assert [dialog.tabs.tabText(i) for i in range(2)] == ["Which copy to keep", "What to leave out"]


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run for a real drag")
def test_a_real_mouse_drag_moves_a_criterion(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(REPO))
    env["PHOTOSIFT_CONFIG_DIR"] = str(tmp_path / "config")
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1280x900x24", sys.executable,
         "-m", "tests.helpers.criteria_drag"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    order = json.loads(done.stdout.strip().splitlines()[-1])
    assert order == [KEYS[-1], *KEYS[:-1]]  # the last point, dragged to the top


def test_a_folder_is_chosen_to_leave_out(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from cleaner.detect.scan import run_scan
    from tests.helpers import images
    from ui.widgets import scan_settings_dialog as module

    root = tmp_path / "Photos"
    picture = images.photo(81, (320, 240))
    for rel in ("2019/a.jpg", "2019/Scans [old]/a.jpg", "Scans [old]/a.jpg"):
        images.save(picture, root / rel)
    outside = tmp_path / "Elsewhere"
    outside.mkdir()
    s = Settings()
    s.set(Keys.FOLDERS, [str(root)])
    d = ScanSettingsDialog(s)
    qtbot.addWidget(d)
    answers = [str(root / "2019" / "Scans [old]"), str(outside), str(root), ""]
    shown: list[str] = []
    monkeypatch.setattr(module.QFileDialog, "getExistingDirectory", lambda *a, **k: answers.pop(0))
    monkeypatch.setattr(
        module.QMessageBox, "information", lambda parent, title, text: shown.append(text)
    )
    for _ in range(4):
        d.exclude_folder.click()
    assert d.excludes.values() == ["/2019/Scans [[]old]"]  # brackets taken literally
    assert len(shown) == 2  # outside the scanned folders, and a scanned folder itself
    assert "inside one of the folders to scan" in shown[0]
    d.accept()
    result = run_scan(Settings().scan_settings(), cache_path=None)
    members = sorted(m.path.removeprefix(str(root) + "/") for g in result.groups for m in g.members)
    # only that folder is left out: the one of the same name at the top is still scanned
    assert members == ["2019/a.jpg", "Scans [old]/a.jpg"]
