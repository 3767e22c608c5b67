"""10,000 sets in the real review page: a mark or a thumbnail repaints its row, it does not
lay out the whole set list again (issue 12, point 9; measured by
`python -m benchmarks review_100k`, not timed here)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from pytestqt.qtbot import QtBot

from tests.helpers.synthetic_result import synthetic_groups
from ui.delegates.group_row import ROW_H
from ui.models.groups import GroupListModel
from ui.models.session import ReviewSession
from ui.settings import Settings
from ui.thumbnails import ThumbnailLoader
from ui.widgets.review_page import ReviewPage

N_SETS = 10_000


def test_marks_and_thumbnails_do_not_lay_out_every_set_again(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = [0]  # the model's rowCount, which Qt calls for every row it lays out
    row_count = GroupListModel.rowCount

    def counting(self: GroupListModel, *args: object) -> int:
        calls[0] += 1
        return row_count(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(GroupListModel, "rowCount", counting)  # before the model exists
    session = ReviewSession()
    loader = ThumbnailLoader(max_bytes=4 * 1024 * 1024)
    page = ReviewPage(session, loader, Settings())
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    groups = synthetic_groups(N_SETS, per_group=3)
    for start in range(0, N_SETS, 1024):
        session.add_groups(groups[start : start + 1024])
    page.finish_loading()
    view, bar = page.group_view, page.group_view.verticalScrollBar()
    full = N_SETS * ROW_H - view.viewport().height()
    qtbot.waitUntil(lambda: bar.maximum() >= full - ROW_H, timeout=20_000)
    laid_out = bar.maximum()

    calls[0] = 0
    model = page.group_model
    for n in range(100):  # marks toggled in the shown set and in 50 others
        session.toggle(model.session_row(n // 2), 1 + n % 2)
    for n in range(20):  # thumbnails of visible rows arrive
        loader.thumbnailReady.emit(groups[model.session_row(n)].keeper.path)
    qtbot.wait(300)  # the event loop runs whatever the view scheduled

    # before: a change laid out all 10,000 rows again (about 2 model calls per row: 20,292
    # here), in batches that the next change restarted; now: ~560
    assert calls[0] < N_SETS, f"{calls[0]} model calls for 120 row changes"
    assert bar.maximum() == laid_out
    bar.setValue(bar.maximum())
    last = view.indexAt(QPoint(5, view.viewport().height() - 5))
    assert model.rowCount() - 1 - last.row() <= 1  # the last sets can be scrolled to
    qtbot.waitUntil(lambda: loader.pool.activeThreadCount() == 0, timeout=10_000)
    loader.shutdown()
