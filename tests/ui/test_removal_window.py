"""Moving marked copies to the (temporary) Trash from the real window, and Undo.

The trash, the undo log and HOME are in tmp_path (`trash_env`, which reuses
tests/helpers/removal_helpers.py); each test scans its own copy of the sample library.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

import cleaner.removal.trash
from cleaner.demo.library import DemoLibrary
from cleaner.removal.plan import KeepReason
from cleaner.removal.trash import TrashUnavailable
from cleaner.removal.undolog import BatchState, UndoLog
from tests.helpers.removal_helpers import Env, snapshot
from tests.helpers.removal_support import (
    TIMEOUT,
    confirm_and_wait,
    group_names,
    move_marked,
    press_move,
    scan,
)
from ui.main_window import MainWindow
from ui.settings import Keys, Settings
from ui.workers.base import running_threads

FAIL = QAbstractItemModelTester.FailureReportingMode.Fatal


pytestmark = pytest.mark.usefixtures("trash_env")  # moves go to the test's own trash


def _path(library: DemoLibrary, rel: str) -> str:
    return str(library.root / rel)


def _unmark(window: MainWindow, path: str) -> None:
    for row, group in enumerate(window.session.groups):
        for i, m in enumerate(group.members):
            if m.path == path:
                assert window.session.set_mark(row, i, False) is None
                return
    raise AssertionError(path)


def test_move_to_trash_updates_groups_and_undo_puts_back(
    window: MainWindow, qtbot: QtBot, library: DemoLibrary, trash_env: Env
) -> None:
    scan(window, qtbot, library.root)
    rp = window.review_page
    testers = [QAbstractItemModelTester(m, FAIL) for m in (rp.group_model, rp.photo_model)]
    # Keep the small export of the lake: that group keeps two copies and stays.
    _unmark(window, _path(library, "Exports/lake_small.jpg"))
    marked = window.session.paths_to_remove()
    assert len(marked) == 5
    before = snapshot(marked)
    groups_before = group_names(window)
    assert rp.trash_button.text().startswith("Move 5 files to Trash (")
    assert rp.trash_button.isEnabled()

    press_move(window, qtbot)
    dialog = window.removal.confirm_dialog
    assert dialog is not None
    assert dialog.headline.text().startswith("Move 5 files (")
    assert dialog.headline.text().endswith(") to the Trash?")
    assert "Undo" in dialog.explain.text()
    assert "History" in dialog.explain.text()
    assert dialog.files.topLevelItemCount() == 4  # grouped by picture
    assert sum(dialog.files.topLevelItem(i).childCount() for i in range(4)) == 5
    assert dialog.refused.isHidden()

    confirm_and_wait(window, qtbot)
    # in the (temporary) trash, gone from the folders
    assert len(trash_env.trashed_names()) == 5
    assert not any(os.path.exists(p) for p in marked)
    # groups: the lake keeps two copies; the others had one copy left and are gone
    assert group_names(window) == [["lake.jpg", "lake_small.jpg"]]
    assert rp.group_model.rowCount() == 1
    assert rp.photo_model.rowCount() == 2
    assert window.session.marked_count == 0
    assert rp.tabs.tabText(0) == "Copies found (1)"
    # the summary
    summary = window.removal.summary_dialog
    assert summary is not None
    assert summary.isVisible()
    assert summary.headline.text().startswith("Moved 5 files (")
    assert summary.headline.text().endswith(") to the Trash.")
    assert summary.undo_button.isVisible()
    assert summary.quarantine_box.isHidden()
    assert "Moved 5 files" in window.statusBar().currentMessage()
    summary.close_button.click()

    # Ctrl+Z asks, then puts everything back, byte for byte
    window.act_undo.trigger()
    qtbot.waitUntil(lambda: window.removal.undo_confirm_button is not None, timeout=TIMEOUT)
    assert window.removal.undo_box is not None
    assert "Put back 5 files (" in window.removal.undo_box.text()
    assert "moved to the Trash on" in window.removal.undo_box.text()
    with qtbot.waitSignal(window.mutations.restoreFinished, timeout=TIMEOUT):
        window.removal.undo_confirm_button.click()
    assert snapshot(marked) == before
    assert trash_env.trashed_names() == []
    # the groups are back, with the files put back suggested for removal again (issue
    # 12); the small lake stayed and keeps its Keep
    assert group_names(window) == groups_before
    assert sorted(window.session.paths_to_remove()) == sorted(marked)
    assert rp.group_model.rowCount() == len(groups_before)
    assert window.removal.restore_box is not None
    assert "Put back 5 files." in window.removal.restore_box.text()
    del testers


def test_undo_button_in_the_summary(
    window: MainWindow, qtbot: QtBot, library: DemoLibrary, trash_env: Env
) -> None:
    scan(window, qtbot, library.root)
    marked = window.session.paths_to_remove()
    before = snapshot(marked)
    move_marked(window, qtbot)
    assert window.session.groups == []
    assert "No copies left" in window.review_page.empty.text()
    summary = window.removal.summary_dialog
    assert summary is not None
    summary.undo_button.click()  # asks first, the same way as Undo (issue 12)
    qtbot.waitUntil(lambda: window.removal.undo_confirm_button is not None, timeout=TIMEOUT)
    assert window.removal.undo_box is not None
    assert f"Put back {len(marked)} files (" in window.removal.undo_box.text()
    assert window.session.groups == []  # nothing put back yet
    with qtbot.waitSignal(window.mutations.restoreFinished, timeout=TIMEOUT):
        window.removal.undo_confirm_button.click()
    assert snapshot(marked) == before
    assert len(window.session.groups) == len(library.groups)
    assert window.review_page.empty.isHidden()


def test_file_changed_after_the_scan_is_not_moved(
    window: MainWindow, qtbot: QtBot, library: DemoLibrary, trash_env: Env
) -> None:
    scan(window, qtbot, library.root)
    changed_before = _path(library, "Downloads/harbour.jpg")
    with open(changed_before, "ab") as fh:  # edited after the scan, before "Move"
        fh.write(b"edited")
    press_move(window, qtbot)
    dialog = window.removal.confirm_dialog
    assert dialog is not None
    assert dialog.headline.text().startswith("Move 5 files (")
    assert dialog.refused.topLevelItemCount() == 1
    row = dialog.refused.topLevelItem(0)
    assert row.text(0) == "harbour.jpg"
    assert row.text(2).startswith("Changed since the scan")

    # and one changed while the confirmation is open: the engine's own check catches it
    changed_during = _path(library, "Email attachments/market.jpg")
    st = os.stat(changed_during)
    os.utime(changed_during, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    confirm_and_wait(window, qtbot)
    assert os.path.exists(changed_before)
    assert os.path.exists(changed_during)
    assert len(trash_env.trashed_names()) == 4
    summary = window.removal.summary_dialog
    assert summary is not None
    assert summary.headline.text().startswith("Moved 4 files (")
    assert summary.headline.text().endswith("2 files were not moved:")
    reasons = {
        summary.kept.topLevelItem(i).text(0): summary.kept.topLevelItem(i).text(2)
        for i in range(summary.kept.topLevelItemCount())
    }
    assert reasons["harbour.jpg"].startswith("Changed since the scan")
    assert reasons["market.jpg"].startswith("Changed since the scan")
    # the files not moved stay in their groups, still marked
    assert any(m.path == changed_before for g in window.session.groups for m in g.members)
    assert window.session.marked_count == 2


def test_trash_unavailable_offers_the_quarantine_folder(
    window: MainWindow, qtbot: QtBot, library: DemoLibrary, trash_env: Env, tmp_path: Path
) -> None:
    scan(window, qtbot, library.root)
    on_share = _path(library, "Downloads/harbour.jpg")
    real_trash = cleaner.removal.trash.send_to_trash

    def trash(path: str) -> None:
        if path == on_share:
            raise TrashUnavailable("this drive has no trash (network drive)")
        cleaner.removal.trash.move_to_trash(path)

    window.mutations.trash = trash
    assert real_trash is cleaner.removal.trash.send_to_trash
    before = snapshot([on_share])
    move_marked(window, qtbot)
    summary = window.removal.summary_dialog
    assert summary is not None
    assert summary.headline.text().startswith("Moved 5 files (")
    assert os.path.exists(on_share)  # never deleted, left where it was
    assert not summary.quarantine_box.isHidden()
    assert summary.kept.topLevelItem(0).text(2) == (
        "Its drive has no Trash (a network drive?). See below."
    )
    assert summary.q_button.text() == "Move 1 file to the quarantine folder"
    # pick a folder, remember the choice, and move just that file there
    quarantine = tmp_path / "quarantine"
    quarantine.mkdir()
    summary.q_path.setText(str(quarantine))
    summary.q_custom.setChecked(True)
    summary.q_remember.setChecked(True)
    first = window.removal.last_removal
    with qtbot.waitSignal(window.mutations.removalFinished, timeout=TIMEOUT):
        summary.q_button.click()
    qtbot.waitUntil(lambda: window.removal.summary_dialog is not summary, timeout=TIMEOUT)
    second = window.removal.summary_dialog
    assert second is not None
    assert second.headline.text().startswith("Moved 1 file (")
    assert second.headline.text().endswith("to the quarantine folder.")
    assert not os.path.exists(on_share)
    assert f"Quarantine folder: {quarantine}" in [
        w.text() for w in second.findChildren(QLabel) if w.text().startswith("Quarantine")
    ]
    moved = [p for p in quarantine.rglob("*") if p.is_file() and p.suffix != ".jsonl"]
    assert [p.name for p in moved] == ["harbour.jpg"]
    assert snapshot([str(moved[0])])[str(moved[0])][0] == before[on_share][0]
    assert window.removal.last_removal is not None
    assert first is not None
    assert window.removal.last_removal.batch_id != first.batch_id
    settings = Settings()
    assert settings.get(Keys.QUARANTINE) == "fallback"
    assert settings.get(Keys.QUARANTINE_DIR) == str(quarantine)
    assert window.removal.options().quarantine_dir == str(quarantine)
    assert window.session.groups == []


def test_closing_the_window_during_a_move_waits_for_it(
    qtbot: QtBot, library: DemoLibrary, trash_env: Env
) -> None:
    window = MainWindow(cache_path=None)
    qtbot.addWidget(window)
    window.show()
    scan(window, qtbot, library.root)

    def slow_trash(path: str) -> None:
        time.sleep(0.3)
        cleaner.removal.trash.move_to_trash(path)

    window.mutations.trash = slow_trash
    press_move(window, qtbot)
    assert window.removal.confirm_dialog is not None
    with qtbot.waitSignal(window.mutations.removed, timeout=TIMEOUT):
        window.removal.confirm_dialog.move_button.click()
    assert window.removal.progress_dialog is not None
    assert window.removal.progress_dialog.isVisible()
    window.close()  # cancels after the current file and waits for the thread
    assert not running_threads()
    with UndoLog() as log:
        batch = log.batches()[0]
    assert batch.state is BatchState.CANCELLED
    assert 1 <= batch.moved < 6
    assert len(trash_env.trashed_names()) == batch.moved


def test_nothing_to_undo(window: MainWindow, qtbot: QtBot, trash_env: Env) -> None:
    window.act_undo.trigger()
    qtbot.waitUntil(lambda: window.removal.undo_box is not None, timeout=TIMEOUT)
    assert window.removal.undo_box is not None
    assert window.removal.undo_confirm_button is None
    assert "no moved files" in window.removal.undo_box.text()
    assert not (trash_env.data_dir / "undo-log.sqlite3").exists()


def test_keep_reason_words_cover_every_reason() -> None:
    from cleaner.removal.plan import KeptFile
    from ui.widgets.removal_dialogs import kept_reason_text

    for reason in KeepReason:
        text = kept_reason_text(KeptFile("/x/a.jpg", reason))
        assert text[0].isupper()
        assert text.endswith(".")
