"""History: the moves listed from the undo log, putting back a whole move or some files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from cleaner.demo.library import DemoLibrary
from tests.helpers.removal_helpers import Env, snapshot
from tests.helpers.removal_support import TIMEOUT, move_marked, scan
from ui.main_window import MainWindow
from ui.widgets.history_dialog import HistoryDialog

pytestmark = pytest.mark.usefixtures("trash_env")  # moves go to the test's own trash


def _open_history(window: MainWindow, qtbot: QtBot) -> HistoryDialog:
    window.removal.show_history()
    history = window.removal.history_dialog
    assert history is not None
    qtbot.waitUntil(lambda: history.loaded, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: history.entry_model.rowCount() > 0, timeout=TIMEOUT)
    return history


def _cell(history: HistoryDialog, row: int, col: int) -> str:
    return str(history.batch_model.index(row, col).data(Qt.ItemDataRole.DisplayRole))


def _entry_texts(history: HistoryDialog) -> dict[str, str]:
    m = history.entry_model
    return {
        os.path.basename(e.original_path): str(m.index(r, 2).data())
        for r, e in enumerate(m.entries)
    }


def _select_entries(history: HistoryDialog, names: list[str]) -> None:
    sel = history.entries.selectionModel()
    sel.clearSelection()
    for r, e in enumerate(history.entry_model.entries):
        if os.path.basename(e.original_path) in names:
            sel.select(
                history.entry_model.index(r, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )


def test_history_lists_the_move_and_puts_back_per_file_then_all(
    window: MainWindow, qtbot: QtBot, library: DemoLibrary, trash_env: Env
) -> None:
    scan(window, qtbot, library.root)
    marked = window.session.paths_to_remove()
    before = snapshot(marked)
    move_marked(window, qtbot)
    assert window.removal.summary_dialog is not None
    window.removal.summary_dialog.close_button.click()

    history = _open_history(window, qtbot)
    assert history.batch_model.rowCount() == 1
    assert _cell(history, 0, 1) == "6 moved"
    assert _cell(history, 0, 3) == "Trash"
    assert _cell(history, 0, 4) == "Moved"
    assert history.entry_model.rowCount() == 6
    assert set(_entry_texts(history).values()) == {"In the Trash"}
    assert history.all_button.isEnabled()
    assert history.all_button.text() == "Put back all 6"

    # put back one file only
    _select_entries(history, ["IMG_0412.jpg"])
    assert history.some_button.text() == "Put back 1 selected file"
    one = str(library.root / "Phone backup/IMG_0412.jpg")
    with qtbot.waitSignal(window.mutations.restoreFinished, timeout=TIMEOUT):
        history.some_button.click()
    assert snapshot([one]) == {one: before[one]}
    qtbot.waitUntil(lambda: _cell(history, 0, 4) == "1 of 6 put back", timeout=TIMEOUT)
    qtbot.waitUntil(
        lambda: _entry_texts(history).get("IMG_0412.jpg") == "Put back", timeout=TIMEOUT
    )
    assert "Put back 1 file." in history.outcome.text()
    # the portrait's group is back in the window, the copy kept
    assert any(m.path == one for g in window.session.groups for m in g.members)

    # a new file now sits where one of the moved files was: it comes back beside it
    taken = library.root / "Downloads/harbour.jpg"
    taken.write_bytes(b"a different picture with the same name")
    with qtbot.waitSignal(window.mutations.restoreFinished, timeout=TIMEOUT):
        history.all_button.click()
    beside = library.root / "Downloads/harbour (restored).jpg"
    assert beside.read_bytes() == before[str(taken)][0]
    assert taken.read_bytes() == b"a different picture with the same name"
    qtbot.waitUntil(lambda: _cell(history, 0, 4) == "All put back", timeout=TIMEOUT)
    qtbot.waitUntil(
        lambda: _entry_texts(history).get("harbour.jpg", "").startswith("Put back as"),
        timeout=TIMEOUT,
    )
    assert _entry_texts(history)["harbour.jpg"] == (
        "Put back as “harbour (restored).jpg” (its name was taken)"
    )
    assert not history.all_button.isEnabled()
    others = [p for p in marked if p != str(taken)]
    assert snapshot(others) == {p: before[p] for p in others}
    assert trash_env.trashed_names() == []
    history.close()


def test_history_says_when_the_trash_was_emptied(
    window: MainWindow, qtbot: QtBot, library: DemoLibrary, trash_env: Env
) -> None:
    scan(window, qtbot, library.root)
    move_marked(window, qtbot)
    for name in os.listdir(trash_env.trash / "files"):  # someone empties the trash
        os.unlink(trash_env.trash / "files" / name)
    history = _open_history(window, qtbot)
    with qtbot.waitSignal(window.mutations.restoreFinished, timeout=TIMEOUT):
        history.all_button.click()
    qtbot.waitUntil(
        lambda: (
            bool(_entry_texts(history))  # not the empty list of a reload in progress
            and all(t.startswith("Could not be put back") for t in _entry_texts(history).values())
        ),
        timeout=TIMEOUT,
    )
    text = next(iter(_entry_texts(history).values()))
    assert text == "Could not be put back: not in the Trash any more (it may have been emptied)"
    assert "6 files could not be put back" in history.outcome.text()
    assert window.session.groups == []


def test_empty_history(window: MainWindow, qtbot: QtBot, trash_env: Env, tmp_path: Path) -> None:
    window.removal.show_history()
    history = window.removal.history_dialog
    assert history is not None
    qtbot.waitUntil(lambda: history.loaded, timeout=TIMEOUT)
    assert history.batch_model.rowCount() == 0
    assert history.empty.isVisible()
    assert not history.all_button.isEnabled()
    assert not history.some_button.isEnabled()
    history.close()
