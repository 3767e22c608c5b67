"""Issue 10, class 6 in the window: a damaged undo log gives a clear message, never a
crash: moving refuses (nothing moves), History sets the log aside and shows what it kept."""

from __future__ import annotations

import os

import pytest
from pytestqt.qtbot import QtBot

from cleaner.removal.move import RemovalOptions, run_removal
from cleaner.removal.plan import plan_removal
from cleaner.removal.undolog import LOG_FILE_NAME, UndoLog
from tests.helpers.damaged_log import damage_middle_page
from tests.helpers.removal_helpers import Env, exact_result
from tests.helpers.removal_support import TIMEOUT
from ui.main_window import MainWindow
from ui.workers.mutations import MutationController


@pytest.fixture
def damaged(trash_env: Env) -> Env:
    res = exact_result(trash_env.photos, groups=300)
    with UndoLog() as log:
        run_removal(plan_removal(res), log)
    damage_middle_page(trash_env.data_dir / LOG_FILE_NAME)
    return trash_env


def test_moving_with_a_damaged_log_refuses_with_a_clear_message(qtbot: QtBot, damaged: Env) -> None:
    res = exact_result(damaged.photos / "more", groups=5)
    plan = plan_removal(res)
    controller = MutationController()
    try:
        with qtbot.waitSignal(controller.failed, timeout=TIMEOUT) as failed:
            controller.remove(plan, RemovalOptions())
        message, _details = failed.args
        assert "damaged" in message
        assert "Nothing was moved" in message
        assert "History" in message
        assert "unexpected problem" not in message
        assert all(os.path.exists(f.path) for f in plan.files)
    finally:
        controller.shutdown()


def test_history_sets_a_damaged_log_aside_and_says_so(qtbot: QtBot, damaged: Env) -> None:
    window = MainWindow(cache_path=None)
    qtbot.addWidget(window)
    window.show()
    try:
        window.removal.show_history()
        history = window.removal.history_dialog
        assert history is not None
        qtbot.waitUntil(lambda: history.loaded, timeout=TIMEOUT)
        qtbot.waitUntil(lambda: history.outcome.isVisible(), timeout=TIMEOUT)
        assert "The undo log was damaged; it was set aside as" in history.outcome.text()
        assert "file records could not be read" in history.outcome.text()
        assert history.batch_model.rowCount() == 1
        qtbot.waitUntil(lambda: history.entry_model.rowCount() > 0, timeout=TIMEOUT)
        assert 250 < history.entry_model.rowCount() < 300
    finally:
        window.close()
