"""Opening a saved review whose copies changed or vanished keeps back a copy the volunteer
had marked when the other copies of its picture are among them; the banner above the
review says how many, so the missing marks are not a mystery ("Nothing marked")."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pytestqt.qtbot import QtBot

from cleaner.demo.library import DemoLibrary
from cleaner.models import ScanSettings
from tests.helpers.synthetic_result import synthetic_groups
from tests.helpers.window import open_window
from ui.models.session import ReviewSession
from ui.saved_review import ChangedBanner
from ui.workers.review_load import GONE

N = 2000


def test_the_banner_says_how_many_marked_copies_are_kept_now(
    qtbot: QtBot, demo_library: DemoLibrary, tmp_path: Path
) -> None:
    root = tmp_path / "lib"
    shutil.copytree(demo_library.root, root)
    first = open_window(qtbot)
    with qtbot.waitSignal(first.scanner.finished, timeout=60000):
        first.run_scan(ScanSettings(roots=(str(root),)))
    s = first.session
    # two sets whose every copy but the keeper is marked: their keeper goes
    rows = [
        r
        for r, g in enumerate(s.groups)
        if all(s.is_marked(r, i) != m.is_keeper for i, m in enumerate(g.members))
    ][:2]
    assert len(rows) == 2
    keepers = [s.groups[r].keeper.path for r in rows]
    held = [
        max((m for m in s.groups[r].members if not m.is_keeper), key=lambda m: m.quality).path
        for r in rows
    ]
    marked = s.paths_to_remove()
    first.close()
    for path in keepers:
        os.unlink(path)

    second = open_window(qtbot)
    try:
        with qtbot.waitSignal(second.saved_review.opened, timeout=30000):
            second.start_page.continue_button.click()
        assert second.session.paths_to_remove() == [p for p in marked if p not in held]
        banner = second.saved_review.banner
        assert banner.isVisible()
        assert banner.label.text() == (
            "2 files can no longer be found since this review was saved. They are kept and "
            "cannot be marked: scan again to include them. 2 copies you had marked are "
            "kept now, because the other copies of their picture changed or are gone."
        )
    finally:
        second.close()


def test_held_copies_are_counted_at_a_real_size(qtbot: QtBot) -> None:
    groups = synthetic_groups(N, per_group=3)
    session = ReviewSession()
    session.add_groups(groups)  # the engine's suggestion: copy1 and copy2 marked
    session.set_marked_paths(session.paths_to_remove())
    # the keeper gone in every 7th set (one copy held back each), copy2 changed in every
    # 5th (no copy held: the keeper still stays)
    changed = {g.members[0].path: GONE for n, g in enumerate(groups) if n % 7 == 3}
    changed |= {g.members[2].path: "changed" for n, g in enumerate(groups) if n % 5 == 1}
    expected = sum(1 for n in range(N) if n % 7 == 3)
    assert session.set_changed(changed) == expected
    assert len(session.paths_to_remove()) == 2 * N - expected - sum(
        1 for n in range(N) if n % 5 == 1
    )
    banner = ChangedBanner()
    qtbot.addWidget(banner)
    banner.show_changed(changed, expected)
    assert banner.label.text().endswith(
        f" {expected} copies you had marked are kept now, because the other copies of "
        "their picture changed or are gone."
    )
    banner.show_changed(changed, 1, saved=False)  # a result file: the engine's suggestion
    assert banner.label.text().endswith(
        " 1 copy suggested for removal is kept now, because the other copies of its "
        "picture changed or are gone."
    )
    banner.show_changed(changed, 0)
    assert banner.label.text().endswith("scan again to include them.")
    assert session.set_changed(changed) == 0  # nothing marked is left to hold back
