"""Compare says how many of a set's copies it shows and lets the user choose which
(issue 12, point 4): "Showing 4 of 7 copies" and "Choose copies…"."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tests.helpers.named_copies import named_group
from tests.helpers.window import open_window, show_groups
from ui.main_window import MainWindow
from ui.widgets import compare_dialog
from ui.widgets.compare_dialog import CompareDialog, copies_that_fit

ROOT = "/home/ann/Library"
FOLDERS = [
    "Photos/2019 Summer",
    "Backup of Photos/2019 Summer",
    "Phone backup/DCIM",
    "Kraków trip",
    "Old laptop/Zürich",
    "Email attachments/Été",
    "Desktop",
]
PATHS = [f"{ROOT}/{folder}/IMG_0747.JPG" for folder in FOLDERS]


@pytest.fixture
def window(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    # all seven fit side by side (the test's screen is small; a desktop's is not)
    monkeypatch.setattr(compare_dialog, "copies_that_fit", lambda screen, panel: 7)
    w = open_window(qtbot, size=(1400, 900))
    show_groups(w, [named_group(PATHS, 1)], ROOT)
    yield w
    w.close()


def _open(window: MainWindow, qtbot: QtBot) -> CompareDialog:
    dialog = window.compare_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _shown_folders(dialog: CompareDialog) -> list[str]:
    """The folder each visible panel names, left to right; and the table agrees."""
    panels = [p for p in dialog.panels if p.isVisible()]
    columns = [c for c in range(dialog.table.columnCount()) if not dialog.table.isColumnHidden(c)]
    assert len(columns) == len(panels)
    return [p.where.text() for p in panels]


def test_a_seven_copy_set_says_4_of_7_and_the_choice_changes_what_is_shown(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialog = _open(window, qtbot)
    assert dialog.count_label.text() == "Showing 4 of 7 copies"
    assert dialog.windowTitle() == "Compare 4 of 7 copies"
    assert _shown_folders(dialog) == FOLDERS[:4]
    # every copy is listed by name and folder, the shown ones ticked
    actions = dialog.chooser.actions_
    assert [a.text() for a in actions][:2] == [
        "Copy 1: IMG_0747.JPG  (Photos/2019 Summer) — best copy",
        "Copy 2: IMG_0747.JPG  (Backup of Photos/2019 Summer)",
    ]
    assert [a.isChecked() for a in actions] == [True] * 4 + [False] * 3
    assert [a.toolTip().split("\n")[0] for a in actions] == PATHS

    dialog.chooser.set_chosen(5, True)
    assert dialog.count_label.text() == "Showing 5 of 7 copies"
    assert _shown_folders(dialog) == [*FOLDERS[:4], FOLDERS[5]]
    dialog.chooser.set_chosen(0, False)
    dialog.chooser.set_chosen(1, False)
    assert _shown_folders(dialog) == [FOLDERS[2], FOLDERS[3], FOLDERS[5]]
    # the rows that differ are counted among the copies shown
    assert "Folder" in dialog.differs
    # marking from a panel still marks that copy
    panel = dialog.panels[5]
    panel.mark.click()
    assert window.session.is_marked(0, dialog.indices[5]) == panel.mark.isChecked()

    # the last copy shown cannot be unticked
    for n in (2, 3):
        dialog.chooser.set_chosen(n, False)
    assert dialog.chooser.chosen() == [5]
    assert not actions[5].isEnabled()
    dialog.chooser.set_chosen(5, False)
    assert _shown_folders(dialog) == [FOLDERS[5]]
    # all of them
    for n in range(7):
        dialog.chooser.set_chosen(n, True)
    assert dialog.count_label.text() == "Showing all 7 copies"
    assert dialog.windowTitle() == "Compare 7 copies"
    assert _shown_folders(dialog) == FOLDERS
    dialog.close()


def test_no_more_copies_than_fit_the_screen_side_by_side(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert copies_that_fit(1400, 280) == 4
    assert copies_that_fit(900, 280) == 3
    assert copies_that_fit(300, 280) == 2  # two, always
    assert copies_that_fit(1400, 100) == 7  # a panel is never narrower than PANEL_WIDTH
    monkeypatch.setattr(compare_dialog, "copies_that_fit", lambda screen, panel: 5)
    dialog = _open(window, qtbot)
    assert dialog.chooser.most == 5
    actions = dialog.chooser.actions_
    dialog.chooser.set_chosen(4, True)
    assert [a.isEnabled() for a in actions] == [True] * 5 + [False] * 2
    assert "Up to 5 copies fit side by side" in actions[5].toolTip()
    dialog.chooser.set_chosen(5, True)  # refused
    assert dialog.count_label.text() == "Showing 5 of 7 copies"
    dialog.chooser.set_chosen(0, False)
    dialog.chooser.set_chosen(5, True)
    assert _shown_folders(dialog) == FOLDERS[1:6]
    assert actions[5].toolTip() == PATHS[5]
    dialog.close()


@pytest.mark.qt_log_ignore("does not support (raise|grabbing)")  # a popup, offscreen
def test_the_menu_stays_open_while_the_user_ticks_copies(window: MainWindow, qtbot: QtBot) -> None:
    dialog = _open(window, qtbot)
    menu = dialog.chooser.menu()
    menu.popup(dialog.chooser.mapToGlobal(dialog.chooser.rect().bottomLeft()))
    qtbot.waitExposed(menu)
    target = dialog.chooser.actions_[6]
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(target).center())
    assert target.isChecked()
    assert menu.isVisible()
    assert dialog.count_label.text() == "Showing 5 of 7 copies"
    assert _shown_folders(dialog)[-1] == FOLDERS[6]
    menu.close()
    dialog.close()


def test_a_small_screen_shows_fewer_copies_first(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compare_dialog, "copies_that_fit", lambda screen, panel: 3)
    dialog = _open(window, qtbot)
    assert dialog.count_label.text() == "Showing 3 of 7 copies"
    assert _shown_folders(dialog) == FOLDERS[:3]
    assert [a.isChecked() for a in dialog.chooser.actions_] == [True] * 3 + [False] * 4
    dialog.close()


def test_the_selected_tiles_decide_what_compare_shows_first(
    window: MainWindow, qtbot: QtBot
) -> None:
    grid, model = window.review_page.grid, window.review_page.photo_model
    selection = grid.selectionModel()
    for row in (1, 4, 6):
        selection.select(model.index(row), QItemSelectionModel.SelectionFlag.Select)
    dialog = _open(window, qtbot)
    assert dialog.count_label.text() == "Showing 3 of 7 copies"
    assert _shown_folders(dialog) == [FOLDERS[1], FOLDERS[4], FOLDERS[6]]
    dialog.close()
