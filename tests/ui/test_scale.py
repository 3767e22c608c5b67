"""20,000 groups / 60,000 files in the real review page: no widget per item, bounded memory.

Timing is measured by `tests/ui/bench_models.py`, not asserted here.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.helpers.synthetic_result import synthetic_groups
from ui.models.session import ReviewSession
from ui.settings import Settings
from ui.thumbnails import ThumbnailLoader
from ui.widgets.review_page import ReviewPage

N_GROUPS = 20_000


def test_twenty_thousand_groups_scroll_with_bounded_state(qtbot: QtBot) -> None:
    session = ReviewSession()
    loader = ThumbnailLoader(max_bytes=4 * 1024 * 1024)
    page = ReviewPage(session, loader, Settings())
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    widgets_before = len(page.findChildren(QWidget))
    groups = synthetic_groups(N_GROUPS, per_group=3)
    batch = 16
    start = 0
    while start < N_GROUPS:  # the engine's geometric batches
        session.add_groups(groups[start : start + batch])
        start += batch
        batch = min(batch * 2, 1024)
    page.finish_loading()
    assert page.group_model.rowCount() == N_GROUPS
    assert sum(len(g.members) for g in session.groups) == 3 * N_GROUPS

    view = page.group_view
    bar = view.verticalScrollBar()
    steps = 60
    for n in range(steps + 1):
        bar.setValue(bar.maximum() * n // steps)
        view.viewport().repaint()
    page.select_group_at(N_GROUPS - 1)
    page.grid.viewport().repaint()
    for _ in range(20):
        page.step_group(-1)
        page.grid.viewport().repaint()

    # no widget per item: the widget tree did not grow with the data
    assert len(page.findChildren(QWidget)) == widgets_before
    for row in (0, N_GROUPS // 2, N_GROUPS - 1):
        assert view.indexWidget(page.group_model.index(row, 0)) is None
    # thumbnails were asked for visible rows only, and the caches stay bounded
    visible = view.viewport().height() // 76 + 2
    assert loader.requests <= (steps + 1) * visible + 21 * 8
    assert loader.cache_bytes <= loader.max_bytes
    qtbot.waitUntil(lambda: loader.pool.activeThreadCount() == 0, timeout=10_000)
    assert len(loader._failed) <= 10_000
    loader.shutdown()
