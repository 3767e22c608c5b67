"""One whole flow by keys only (issue 16): add two folders, protect one, scan, walk the
sets, change which copy is kept, compare, move to the Trash, undo, export the report.

Every step is a key pressed on the widget that has the focus (`QApplication.focusWidget`),
as a person at the keyboard presses it: no click, no call into the window. Two stand-ins
for the desktop, said where they happen: the folder and report choosers are Qt's own file
dialog here (offscreen has no native one), answered by typing a path into its line edit;
and when a dialog closes the test hands the activation back to the window, which a
window manager does (the offscreen platform does not)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.helpers.images import photo, resized, save
from tests.helpers.keyboard import Keyboard, answer_file_dialog, default_stays
from tests.helpers.removal_helpers import Env
from ui.main_window import MainWindow

Key = Qt.Key
Ctrl = Qt.KeyboardModifier.ControlModifier
Shift = Qt.KeyboardModifier.ShiftModifier
NoMod = Qt.KeyboardModifier.NoModifier
WAIT = 60_000


def make_library(root: Path) -> tuple[Path, Path]:
    """An archive (to protect) and an inbox: one picture in both, one three times in the
    inbox (two same-size copies and a small one)."""
    archive, inbox = root / "Archive", root / "Inbox"
    archive.mkdir()
    inbox.mkdir()
    harbour, bridge = photo(11), photo(12)
    save(harbour, archive / "harbour.png")
    save(resized(harbour, 320), inbox / "harbour-small.jpg")
    save(bridge, inbox / "bridge.png")
    save(bridge, inbox / "bridge-copy.png")
    save(resized(bridge, 300), inbox / "bridge-small.jpg")
    return archive, inbox


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: no raise, no grab
def test_the_whole_flow_by_keys_only(
    mover: MainWindow, qtbot: QtBot, trash_env: Env, tmp_path: Path
) -> None:
    w = mover
    keys = Keyboard(w, qtbot)
    archive, inbox = make_library(trash_env.photos)

    # add two folders (Ctrl+O, the path typed into the chooser)
    for folder in (archive, inbox):
        answer_file_dialog(folder)
        keys.press(Key.Key_O, Ctrl)
    assert w.start_page.folder_paths() == [str(archive), str(inbox)]

    # protect the archive: Tab to the list, Space on its first row
    keys.tab_to(lambda x: x is w.start_page.folders)
    keys.press(Key.Key_Home)
    keys.press(Key.Key_Space)
    assert w.start_page.protected_paths() == [str(archive)]

    # scan (Ctrl+R)
    with qtbot.waitSignal(w.scanner.finished, timeout=WAIT):
        keys.press(Key.Key_R, Ctrl)
    qtbot.waitUntil(lambda: w.pages.currentWidget() is w.review_page)
    rp = w.review_page
    assert keys.focused() is rp.grid  # the review starts on the copies
    assert rp.group_model.rowCount() == 2

    # walk the sets from the copies (Ctrl+Down, Ctrl+Up), and in the list with the arrows
    first = rp.current_group_row()
    keys.press(Key.Key_Down, Ctrl)
    assert rp.current_group_row() not in (-1, first)
    assert keys.focused() is rp.grid
    keys.press(Key.Key_Up, Ctrl)
    assert rp.current_group_row() == first
    keys.tab_to(lambda x: x is rp.group_view, back=True)
    keys.press(Key.Key_End)
    assert rp.group_view.currentIndex().row() == 1
    keys.press(Key.Key_Home)
    assert rp.group_view.currentIndex().row() == 0
    while w.session.groups[rp.current_group_row()].size != 3:  # the bridge, by the arrows
        keys.press(Key.Key_Down)
    row = rp.current_group_row()
    bridge = w.session.groups[row]

    # change which copy is kept: the suggestion stays on the first tile; keep the third
    keys.tab_to(lambda x: x is rp.grid)
    marks = rp.photo_model
    kept = [not w.session.is_marked(row, marks.member_index(r)) for r in range(3)]
    assert kept == [True, False, False]
    keys.press(Key.Key_Right)
    keys.press(Key.Key_Right)
    keys.press(Key.Key_Space)  # the third copy: kept
    keys.press(Key.Key_Home)
    keys.press(Key.Key_Space)  # the suggested one: marked
    kept = [not w.session.is_marked(row, marks.member_index(r)) for r in range(3)]
    assert kept == [False, False, True]
    third = bridge.members[marks.member_index(2)].path

    # compare them (Ctrl+E): the dialog opens with the focus in it; a copy's mark is
    # switched there with Tab and Space, and Esc closes it
    seen: list[str] = []

    def in_compare() -> None:
        dialog = QApplication.activeModalWidget()
        focus = QApplication.focusWidget()
        if dialog is None or focus is None or focus.window() is not dialog:
            QTimer.singleShot(200, in_compare)
            return
        seen.append(type(dialog).__name__)
        mark = dialog.panels[1].mark  # type: ignore[attr-defined]
        for _ in range(40):  # Tab to the second copy's Keep / Remove button
            if QApplication.focusWidget() is mark:
                break
            QTest.keyClick(QApplication.focusWidget(), Key.Key_Tab)
        seen.append(mark.text())
        QTest.keyClick(mark, Key.Key_Space)  # the second copy: kept too
        seen.append(mark.text())
        QTest.keyClick(QApplication.focusWidget(), Key.Key_Escape)

    QTimer.singleShot(0, in_compare)
    keys.press(Key.Key_E, Ctrl)
    assert seen == ["CompareDialog", "✗ Remove", "✓ Keep"]
    kept = [not w.session.is_marked(row, marks.member_index(r)) for r in range(3)]
    assert kept == [False, True, True]

    # move what is marked (Ctrl+Delete): Enter would cancel, so Tab to Move, then Space
    marked = sorted(w.session.paths_to_remove())
    suggested = bridge.members[marks.member_index(0)].path
    assert marked == sorted([str(inbox / "harbour-small.jpg"), suggested])
    with qtbot.waitSignal(w.mutations.planned, timeout=WAIT):
        keys.press(Key.Key_Delete, Ctrl)
    qtbot.waitUntil(lambda: w.removal.confirm_dialog is not None)
    confirm = w.removal.confirm_dialog
    qtbot.waitUntil(lambda: keys.focused().window() is confirm)
    keys.tab_to(lambda x: x is confirm.move_button)
    with qtbot.waitSignal(w.mutations.removalFinished, timeout=WAIT):
        keys.press(Key.Key_Space)
    assert all(not os.path.exists(p) for p in marked)
    assert os.path.exists(third)
    qtbot.waitUntil(lambda: w.removal.summary_dialog is not None)
    summary = w.removal.summary_dialog
    qtbot.waitUntil(lambda: keys.focused().window() is summary)
    default_stays(keys, summary.close_button)
    keys.press(Key.Key_Return)  # Close is the default
    qtbot.waitUntil(lambda: not summary.isVisible())

    # undo (Ctrl+Z): the question's default is Put back
    keys.press(Key.Key_Z, Ctrl)
    qtbot.waitUntil(lambda: w.removal.undo_box is not None and w.removal.undo_box.isVisible())
    qtbot.waitUntil(lambda: keys.focused().window() is w.removal.undo_box)
    with qtbot.waitSignal(w.mutations.restoreFinished, timeout=WAIT):
        keys.press(Key.Key_Return)
    assert all(os.path.exists(p) for p in marked)
    qtbot.waitUntil(lambda: w.removal.restore_box is not None)
    said = w.removal.restore_box  # what was put back; Enter closes it
    qtbot.waitUntil(lambda: keys.focused().window() is said)
    keys.press(Key.Key_Return)
    qtbot.waitUntil(lambda: not said.isVisible())

    # export the report (Ctrl+Shift+E): the folder typed in, Enter exports, Esc closes
    reports = tmp_path / "reports"
    reports.mkdir()
    keys.press(Key.Key_E, Ctrl | Shift)
    qtbot.waitUntil(lambda: w.export_dialog is not None and w.export_dialog.isVisible())
    export = w.export_dialog
    qtbot.waitUntil(lambda: keys.focused().window() is export)
    default_stays(keys, export.export_button)
    keys.tab_to(lambda x: x is export.folder)
    keys.press(Key.Key_A, Ctrl)
    QTest.keyClicks(keys.focused(), str(reports))
    with qtbot.waitSignal(w.reports.finished, timeout=WAIT):
        keys.press(Key.Key_Return)
    assert sorted(p.suffix for p in reports.iterdir()) == [".csv", ".html", ".json"]
    keys.press(Key.Key_Escape)
    qtbot.waitUntil(lambda: not export.isVisible())
