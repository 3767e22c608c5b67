"""Issue 12, point 8: keyboard and small things in the window."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from cleaner.demo.library import DemoLibrary
from cleaner.models import SkippedFile, SkipReason
from cleaner.progress import Progress, Stage, overall_fraction
from tests.helpers.removal_helpers import Env, snapshot
from tests.helpers.removal_support import TIMEOUT, move_marked, press_move, scan
from ui.format import breakable
from ui.main_window import MainWindow
from ui.models.session import ReviewSession
from ui.models.skipped import SkippedModel
from ui.settings import Settings
from ui.widgets import start_page as start_page_module
from ui.widgets.progress_page import ProgressPage, overall_left
from ui.widgets.skipped_view import SkippedView


def test_space_on_a_folder_row_switches_protected(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    a, b = tmp_path / "Originals", tmp_path / "Downloads"
    a.mkdir()
    b.mkdir()
    sp = window.start_page
    assert sp.add_folders([str(a), str(b)]) == 2
    tree = sp.folders
    tree.setFocus()
    tree.setCurrentItem(tree.topLevelItem(1))
    role = Qt.ItemDataRole.AccessibleTextRole
    assert "not protected" in tree.topLevelItem(1).data(0, role)
    qtbot.keyClick(tree, Qt.Key.Key_Space)
    assert sp.protected_paths() == [str(b)]
    assert tree.topLevelItem(1).data(0, role) == f"{b}, protected (Space switches)"
    assert tree.topLevelItem(1).data(1, role) == "Protected"
    assert Settings().scan_settings().protected == (str(b),)  # remembered like a click
    qtbot.keyClick(tree, Qt.Key.Key_Space)
    assert sp.protected_paths() == []
    assert "not protected" in tree.topLevelItem(1).data(0, role)


def test_folder_chooser_opens_in_pictures(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    opened: list[str] = []

    def chooser(parent: QWidget, caption: str, folder: str = "") -> str:
        opened.append(folder)
        return ""

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", chooser)
    window.start_page.choose_folder()  # no Pictures folder: home
    (home / "Pictures").mkdir()
    window.start_page.choose_folder()
    assert opened == [str(home), str(home / "Pictures")]
    assert start_page_module.pictures_folder() == str(home / "Pictures")


def test_enter_in_the_move_confirmation_cancels(
    mover: MainWindow, qtbot: QtBot, library: DemoLibrary, trash_env: Env
) -> None:
    scan(mover, qtbot, library.root)
    marked = mover.session.paths_to_remove()
    before = snapshot(marked)
    press_move(mover, qtbot)
    dialog = mover.removal.confirm_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    assert not dialog.move_button.isDefault()
    assert dialog.cancel_button.isDefault()
    assert QApplication.focusWidget() is dialog.cancel_button
    with qtbot.waitSignal(dialog.rejected, timeout=TIMEOUT):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert snapshot(marked) == before
    assert trash_env.trashed_names() == []
    # Enter on the focused list of files does not move either
    press_move(mover, qtbot)
    dialog = mover.removal.confirm_dialog
    assert dialog is not None
    dialog.files.setFocus()
    qtbot.keyClick(dialog.files, Qt.Key.Key_Return)
    qtbot.wait(300)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert not mover.mutations.busy()
    assert trash_env.trashed_names() == []
    dialog.reject()
    # the Move button, focused on purpose, takes Enter
    press_move(mover, qtbot)
    dialog = mover.removal.confirm_dialog
    assert dialog is not None
    dialog.move_button.setFocus()
    with qtbot.waitSignal(mover.mutations.removalFinished, timeout=TIMEOUT):
        qtbot.keyClick(dialog.move_button, Qt.Key.Key_Return)
    assert len(trash_env.trashed_names()) == len(marked)


def _questions(window: MainWindow) -> list[QMessageBox]:
    return [b for b in window.findChildren(QMessageBox) if b.isVisible()]


def test_undo_asks_once_from_the_menu_and_from_the_summary(
    mover: MainWindow, qtbot: QtBot, library: DemoLibrary, trash_env: Env
) -> None:
    scan(mover, qtbot, library.root)
    marked = mover.session.paths_to_remove()
    move_marked(mover, qtbot)
    summary = mover.removal.summary_dialog
    assert summary is not None
    # the summary's Put back asks, in the words Undo uses
    summary.undo_button.click()
    qtbot.waitUntil(lambda: mover.removal.undo_confirm_button is not None, timeout=TIMEOUT)
    box = mover.removal.undo_box
    assert box is not None
    words = box.text()
    assert f"Put back {len(marked)} files (" in words
    assert len(_questions(mover)) == 1
    assert trash_env.trashed_names() != []  # nothing put back before the answer
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: not box.isVisible())

    # Undo from the menu: one question, even when asked again while it is open
    mover.removal.undo_confirm_button = None
    mover.act_undo.trigger()
    qtbot.waitUntil(lambda: mover.removal.undo_confirm_button is not None, timeout=TIMEOUT)
    first = mover.removal.undo_box
    assert first is not None
    assert first.text() == words
    mover.act_undo.trigger()
    mover.act_undo.trigger()
    qtbot.wait(300)
    assert mover.removal.undo_box is first
    assert _questions(mover) == [first]
    with qtbot.waitSignal(mover.mutations.restoreFinished, timeout=TIMEOUT):
        mover.removal.undo_confirm_button.click()
    assert trash_env.trashed_names() == []


def test_progress_page_says_the_whole_scans_time_next_to_the_steps(qtbot: QtBot) -> None:
    page = ProgressPage()
    qtbot.addWidget(page)
    now = [1000.0]
    page.clock = lambda: now[0]
    page.reset(["/photos"])
    step = Progress(Stage.FINGERPRINT, 100, 1000, rate=50.0, eta_seconds=18.0)
    early = replace(step, overall=overall_fraction(Stage.FINGERPRINT, 100, 1000))
    now[0] += 1.0  # too early to say anything about the whole scan
    page.set_progress(early)
    assert page.speed.text() == "50 pictures per second · 18 seconds left in this step"
    now[0] += 59.0  # a minute in, 22.5 % done: about 3.4 more minutes in all
    page.set_progress(early)
    assert early.overall == pytest.approx(0.225)
    assert page.speed.text() == (
        "50 pictures per second · 18 seconds left in this step · about 3 minutes left in all"
    )
    # the step's own estimate plus the steps after it (at the pace so far), if longer
    assert overall_left(60.0, 0.9, 120.0) == 120.0  # the last stage: nothing after it
    assert overall_left(60.0, 0.9, 120.0, Stage.SCORE) == 120.0
    assert overall_left(40.0, 0.5, 58.0, Stage.FINGERPRINT) == pytest.approx(58.0 + 80 * 0.10)
    assert overall_left(60.0, 0.5, None) == 60.0
    assert overall_left(60.0, 1.0, None) is None
    assert overall_left(2.0, 0.5, None) is None  # too early


def test_a_new_step_does_not_keep_the_last_steps_counts(qtbot: QtBot) -> None:
    """The sample scan showed "Reading pictures…" over "4 of 4 files compared"."""
    page = ProgressPage()
    qtbot.addWidget(page)
    page.reset(["/photos"])
    page.set_stage(Stage.DIGEST)
    page.set_progress(Progress(Stage.DIGEST, 4, 4, overall=0.15))
    assert (page.stage.text(), page.counts.text()) == (
        "Comparing file contents…",
        "4 of 4 files compared",
    )
    page.set_stage(Stage.FINGERPRINT)
    assert page.stage.text() == "Reading pictures…"
    assert page.counts.text().strip() == ""
    assert page.speed.text().strip() == ""
    page.set_progress(Progress(Stage.FINGERPRINT, 1, 4, overall=0.34))
    assert (page.stage.text(), page.counts.text()) == ("Reading pictures…", "1 of 4 pictures")


def test_skipped_list_buttons_are_disabled_while_it_is_empty(qtbot: QtBot) -> None:
    session = ReviewSession()
    view = SkippedView(SkippedModel(session))
    qtbot.addWidget(view)
    assert not view.copy_button.isEnabled()
    assert not view.reveal_button.isEnabled()
    files = [SkippedFile(f"/photos/broken{i}.jpg", SkipReason.NOT_AN_IMAGE) for i in range(3)]
    session.add_skipped(files)
    assert view.copy_button.isEnabled()
    assert not view.reveal_button.isEnabled()  # nothing selected yet
    view.table.selectRow(1)
    assert view.reveal_button.isEnabled()
    session.clear()  # a new scan
    assert not view.copy_button.isEnabled()
    assert not view.reveal_button.isEnabled()


def test_review_header_fits_a_900_by_600_window(
    window: MainWindow, qtbot: QtBot, library: DemoLibrary
) -> None:
    scan(window, qtbot, library.root)
    rp = window.review_page
    assert window.session.marked_count > 0
    window.resize(900, 600)
    qtbot.waitUntil(lambda: window.width() == 900 and window.height() == 600)
    label = rp.summary
    doc = QTextDocument()
    doc.setHtml(label.text())
    text = doc.toPlainText()
    assert text.endswith("to free")
    box = label.contentsRect()
    needed = QFontMetrics(label.font()).boundingRect(box, Qt.TextFlag.TextWordWrap, text)
    assert needed.width() <= box.width()
    assert needed.height() <= box.height()  # wrapped onto a second line, not cut
    page = rp.rect()
    for button in (
        rp.apply_button, rp.clear_button, rp.trash_button, rp.export_button, rp.new_scan_button
    ):  # fmt: skip
        assert button.isVisible()
        assert button.width() >= button.sizeHint().width(), button.text()
        corner = button.mapTo(rp, button.rect().bottomRight())
        assert page.contains(corner), button.text()


def test_a_long_file_name_in_the_set_title_can_wrap(window: MainWindow) -> None:
    """The set title ("6 copies of PXL_20201123_073133396.jpg") kept a 900-pixel window
    from being that narrow: its name was one unbreakable word."""
    name = "PXL_20201123_073133396_long-export.version.jpg"
    assert breakable(name).replace("\u200b", "") == name
    assert breakable(name) == (
        "PXL_\u200b20201123_\u200b073133396_\u200blong-\u200bexport.\u200bversion.\u200bjpg"
    )
    title = window.review_page.group_title
    whole = QFontMetrics(title.font()).horizontalAdvance(name)
    title.setText(f"6 copies of {breakable(name)}")
    assert title.minimumSizeHint().width() < whole / 3
