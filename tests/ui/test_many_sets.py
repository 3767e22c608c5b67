"""The real engine into the real window with thousands of sets (issue 10, class 12).

A scan finding more than 32 sets used to send overlapping batches of groups: the review
showed sets several times, counted more files to move than the scan planned, and a copy
marked Keep in one showing of a repeated set was still moved because another showing
still had it marked. This test scans generated exact-copy sets through the window's own
scan worker (no copy of the batching loop), then checks what the review shows, what it
counts, and what the move plan contains, against the engine's own result.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cleaner.models import ScanResult, ScanSettings
from cleaner.removal.plan import plan_removal
from tests.helpers.copy_sets import write_copy_sets
from tests.helpers.removal_helpers import Env
from tests.helpers.removal_support import confirm_and_wait, press_move
from ui.main_window import MainWindow

SETS = 2100


pytestmark = pytest.mark.usefixtures("trash_env")  # moves go to the test's own trash


def _row_and_index(window: MainWindow, path: str) -> list[tuple[int, int]]:
    return [
        (row, i)
        for row, group in enumerate(window.session.groups)
        for i, m in enumerate(group.members)
        if m.path == path
    ]


@pytest.mark.slow
def test_thousands_of_sets_are_shown_once_and_keep_is_honoured(
    window: MainWindow, qtbot: QtBot, trash_env: Env
) -> None:
    root = trash_env.photos / "library"
    write_copy_sets(root, SETS)
    with qtbot.waitSignal(window.scanner.finished, timeout=120_000) as finished:
        window.run_scan(ScanSettings(roots=(str(root),), workers=2))
    result: ScanResult = finished.args[0]  # type: ignore[index]
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.review_page, timeout=5000)
    assert len(result.groups) == SETS

    # Each set once, in the scan's order: lists, not sets.
    session = window.session
    expected_ids = [g.id for g in result.groups]
    assert [g.id for g in session.groups] == expected_ids
    assert window.review_page.group_model.rowCount() == SETS
    shown = [m.path for g in session.groups for m in g.members]
    assert len(shown) == len(set(shown)) == 2 * SETS

    # The counts match the engine's suggestions.
    engine_marked = [m.path for g in result.groups for m in g.members if m.suggested_remove]
    assert session.marked_count == len(engine_marked) == SETS
    assert session.paths_to_remove() == engine_marked
    assert window.review_page.trash_button.text().startswith(f"Move {SETS:,} files to Trash (")

    # Keep, chosen on a few copies the engine suggested removing, is what the plan does.
    kept = engine_marked[::300]
    for path in kept:
        places = _row_and_index(window, path)
        assert len(places) == 1, f"{path} is shown {len(places)} times"
        row, index = places[0]
        assert session.set_mark(row, index, False) is None
    wanted = [p for p in engine_marked if p not in set(kept)]
    assert session.paths_to_remove() == wanted
    assert session.marked_count == len(wanted)

    press_move(window, qtbot)
    dialog = window.removal.confirm_dialog
    assert dialog is not None
    planned = [f.path for f in dialog.plan.files]
    assert planned == wanted
    assert planned == [f.path for f in plan_removal(result, wanted).files]
    assert dialog.headline.text().startswith(f"Move {len(wanted):,} files (")

    confirm_and_wait(window, qtbot)
    finished_event = window.removal.last_removal
    assert finished_event is not None
    assert sorted(r.path for r in finished_event.removed) == sorted(wanted)
    assert finished_event.kept == ()
    for path in kept:
        assert Path(path).exists(), f"{path} was marked Keep and moved anyway"
    for path in wanted[:50]:
        assert not Path(path).exists()
    assert len(trash_env.trashed_names()) == len(wanted)
