"""Work that survives a closed window (issue 12, point 7): the autosave, Continue
reviewing, File → Open results…, and the re-check of a saved review's files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from cleaner import run_command_line
from cleaner.demo.library import DemoLibrary
from cleaner.models import (
    FileEntry,
    ScanResult,
    ScanSettings,
    ScanStats,
)
from cleaner.resultio import save as save_result
from tests.helpers.synthetic_result import synthetic_group
from tests.helpers.window import open_window
from ui.autosave import (
    DEBOUNCE_MS,
    MarksFormatError,
    SavedMarks,
    human_when,
    marks_from_json,
    marks_path,
    marks_to_json,
    result_path,
)
from ui.main_window import MainWindow
from ui.models.session import MarkRefused
from ui.settings import Keys


def _saved_marks() -> list[str]:
    return list(json.loads(marks_path().read_text(encoding="utf-8"))["remove"])


def _scan(w: MainWindow, qtbot: QtBot, root: Path) -> None:
    with qtbot.waitSignal(w.scanner.finished, timeout=60000):
        w.run_scan(ScanSettings(roots=(str(root),)))


def _first_unmarked(w: MainWindow) -> tuple[int, int]:
    s = w.session
    for row, group in enumerate(s.groups):
        for i in range(len(group.members)):
            if not s.is_marked(row, i) and s.can_mark(row, i) is None:
                return row, i
    raise AssertionError("no copy left to mark")


def _continue(w: MainWindow, qtbot: QtBot) -> None:
    assert w.start_page.continue_button.isVisible()
    with qtbot.waitSignal(w.saved_review.opened, timeout=30000):
        w.start_page.continue_button.click()
    assert w.pages.currentWidget() is w.review_page


def test_autosave_after_scan_and_debounced_after_marks(
    window: MainWindow, qtbot: QtBot, demo_library: DemoLibrary
) -> None:
    _scan(window, qtbot, demo_library.root)
    qtbot.waitUntil(lambda: marks_path().is_file() and result_path().is_file(), timeout=10000)
    assert _saved_marks() == window.session.paths_to_remove()
    qtbot.waitUntil(lambda: "saved" in window.saved_review.saved_label.text())

    window.session.clear_marks()
    row, i = _first_unmarked(window)
    assert window.session.set_mark(row, i, True) is None
    expected = window.session.paths_to_remove()
    assert len(expected) == 1
    assert _saved_marks() != expected  # debounced: not written at once
    assert window.saved_review.autosaver.timer.isActive()
    assert window.saved_review.autosaver.timer.interval() == DEBOUNCE_MS
    qtbot.waitUntil(lambda: _saved_marks() == expected, timeout=DEBOUNCE_MS + 5000)


def test_quit_with_fresh_marks_loses_nothing_and_relaunch_restores_them(
    qtbot: QtBot, demo_library: DemoLibrary
) -> None:
    first = open_window(qtbot)
    _scan(first, qtbot, demo_library.root)
    # the user's own choice, unlike the suggestions: keep all, then mark one per set
    first.session.clear_marks()
    for row, group in enumerate(first.session.groups):
        index = next(i for i, m in enumerate(group.members) if m.is_keeper)
        if first.session.can_mark(row, index) is None:
            first.session.set_mark(row, index, True)
    chosen = first.session.paths_to_remove()
    assert chosen
    first.act_quit.trigger()  # Ctrl+Q right away: no wait for the debounce
    assert _saved_marks() == chosen

    second = open_window(qtbot)
    try:
        sets = len(first.session.groups)
        text = second.start_page.continue_button.text()
        assert text.startswith(f"Continue reviewing ({sets} sets, saved today at ")
        assert second.start_page.continue_hint.isVisible()  # a new scan replaces it
        _continue(second, qtbot)
        assert second.session.paths_to_remove() == chosen
        assert [g.id for g in second.session.groups] == [g.id for g in first.session.groups]
        assert not second.saved_review.banner.isVisible()
    finally:
        second.close()


def test_no_continue_button_without_a_saved_review(window: MainWindow) -> None:
    assert not window.start_page.continue_button.isVisible()
    assert not window.start_page.continue_hint.isVisible()


def test_a_set_ignored_during_a_review_stays_out_when_it_is_continued(
    qtbot: QtBot, demo_library: DemoLibrary
) -> None:
    """The ignore list is the one place ignored sets live: saved at once by "These are not
    copies", read by every window. The continued review does not show the set, the Ignored
    sets dialog lists it, and marks.json carries no second, stale copy of it."""
    from cleaner import IgnoreList, group_key
    from ui.marks_menu import IgnoredDialog

    first = open_window(qtbot)
    _scan(first, qtbot, demo_library.root)
    assert len(first.session) >= 2
    first.review_page.select_group_at(0)
    row = first.review_page.current_group_row()
    gone = first.session.groups[row]
    gone_paths = sorted(m.path for m in gone.members)
    first.marks_menu.act_not_copies.trigger()
    shown = [sorted(m.path for m in g.members) for g in first.session.groups]
    assert gone_paths not in shown
    first.act_quit.trigger()  # the autosave writes what is pending
    data = json.loads(marks_path().read_text(encoding="utf-8"))
    assert "ignored_sets" not in data  # not a second list that says "none"
    assert IgnoreList.load().keys() == [group_key(gone)]

    second = open_window(qtbot)
    try:
        _continue(second, qtbot)
        again = [sorted(m.path for m in g.members) for g in second.session.groups]
        assert again == shown
        assert gone_paths not in again
        second.marks_menu.update_actions()
        assert second.marks_menu.act_ignored.text() == "I&gnored sets (1)…"
        dialog = IgnoredDialog(second.marks_menu, second)
        assert dialog.list.count() == 1
        assert dialog.list.item(0).data(Qt.ItemDataRole.UserRole) == group_key(gone)
        assert os.path.basename(gone_paths[0]) in dialog.list.item(0).toolTip()
        assert second.marks_menu.hidden_count() == 1  # the saved review still holds the set
        # Show it again: it comes back at once, in this continued review, with its files
        with qtbot.waitSignal(second.marks_menu.status) as said:
            dialog.show_all.click()
        assert said.args[0] == "1 set no longer ignored; 1 set of this scan shown again."
        back = [sorted(m.path for m in g.members) for g in second.session.groups]
        assert sorted(back) == sorted([*shown, gone_paths])
        assert IgnoreList.load().keys() == []
    finally:
        second.close()


def test_marks_of_an_older_review_with_ignored_set_ids_are_kept() -> None:
    """Earlier builds wrote "ignored_sets" (set ids, never filled). Whatever it holds, the
    marks are read: the ignore list, not marks.json, says which sets are ignored."""
    for old in ([], [1, 2], ["a" * 64], "garbage"):
        text = json.dumps(
            {
                "schema": "photosift-review-marks",
                "schema_version": 1,
                "saved_at": 1.5,
                "sets": 2,
                "ignored_sets": old,
                "remove": ["/a"],
            }
        )
        assert marks_from_json(text).remove == ("/a",)


def test_open_results_made_by_the_command_line(
    window: MainWindow, qtbot: QtBot, demo_library: DemoLibrary, tmp_path: Path
) -> None:
    out = tmp_path / "cli-result.json"
    assert run_command_line(["scan", str(demo_library.root), "--json", str(out), "-q"]) == 0
    cli_groups = json.loads(out.read_text(encoding="utf-8"))["groups"]
    with qtbot.waitSignal(window.saved_review.opened, timeout=30000):
        window.saved_review.open_file(out)
    assert window.pages.currentWidget() is window.review_page
    assert [g.id for g in window.session.groups] == [g["id"] for g in cli_groups]
    suggested = [m["path"] for g in cli_groups for m in g["members"] if m["suggested_remove"]]
    assert window.session.paths_to_remove() == suggested
    # the opened result becomes the saved review
    qtbot.waitUntil(lambda: marks_path().is_file(), timeout=10000)
    assert _saved_marks() == suggested


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda p: p.write_text('{"schema": "photosift-res'), id="truncated"),
        pytest.param(lambda p: p.write_text(""), id="empty"),
        pytest.param(lambda p: p.write_text("[1, 2, 3]"), id="not-an-object"),
        pytest.param(
            lambda p: p.write_text(
                json.dumps({"schema": "photosift-result", "schema_version": 1, "groups": "x"})
            ),
            id="wrong-types",
        ),
        pytest.param(lambda p: p.write_bytes(b"\xff\xfe\x00garbage"), id="not-utf8"),
        pytest.param(lambda p: p.write_text("[" * 100000), id="nested-deeply"),
        pytest.param(_fifo, id="fifo"),
        pytest.param(lambda p: p.mkdir(), id="folder"),
        pytest.param(lambda p: p.write_bytes(b"\xff\xd8\xff\xe0" + b"x" * 5000), id="a-photo"),
        # 3 GB (sparse): refused from its first bytes, never read whole into memory
        pytest.param(lambda p: (p.touch(), os.truncate(p, 3 << 30)), id="huge"),
    ],
)
def test_a_bad_file_gives_a_clear_message(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, make: object
) -> None:
    path = tmp_path / "result.json"
    make(path)  # type: ignore[operator]
    with qtbot.waitSignal(window.saved_review.loader.failed, timeout=10000) as blocker:
        window.saved_review.open_file(path)
    message, details = blocker.args
    assert "cannot be opened" in message
    assert "Traceback" not in message
    assert details == ""  # a known problem, not an unexpected one
    box = window.saved_review._last_box
    assert isinstance(box, QMessageBox)
    assert box.isVisible()
    box.close()
    assert window.pages.currentWidget() is window.start_page
    assert not marks_path().exists()  # nothing was saved from it


def test_a_damaged_saved_marks_file_falls_back_to_the_suggestions(
    qtbot: QtBot, demo_library: DemoLibrary
) -> None:
    first = open_window(qtbot)
    _scan(first, qtbot, demo_library.root)
    suggested = first.session.paths_to_remove()
    first.close()
    marks_path().write_text('{"schema": "photosift-review-marks", "remove": 5}')
    second = open_window(qtbot)
    try:
        # the start page does not offer what it cannot read
        assert not second.start_page.continue_button.isVisible()
        with qtbot.waitSignal(second.saved_review.opened, timeout=30000):
            second.saved_review.continue_review()
        assert second.session.paths_to_remove() == suggested
        assert "could not be read" in second.statusBar().currentMessage()
    finally:
        second.close()


def test_marks_file_reader_checks_every_value() -> None:
    good = {
        "schema": "photosift-review-marks",
        "schema_version": 1,
        "saved_at": 1.5,
        "sets": 2,
        "remove": ["/a"],
    }
    assert marks_from_json(json.dumps(good)).remove == ("/a",)
    # a name that is not valid UTF-8 (os.fsdecode's lone surrogate) reads back the same
    odd = os.fsdecode(b"/photos/caf\xe9.jpg")
    saved = SavedMarks(remove=(odd,), sets=1, saved_at=2.0, moved=("/b", odd))
    text = marks_to_json(saved)
    assert text.isascii()
    assert marks_from_json(text) == saved
    for key, bad in [
        ("remove", [1]),
        ("remove", "/a"),
        ("moved", "/a"),
        ("moved", [None]),
        ("sets", -1),
        ("sets", "2"),
        ("saved_at", None),
        ("saved_at", float("nan")),
        ("saved_at", float("inf")),
        ("saved_at", 1e300),  # "year 31 billion": datetime cannot show it
        ("saved_at", -5.0),
        ("schema", "photosift-result"),
        ("schema_version", 2),
    ]:
        with pytest.raises(MarksFormatError):
            marks_from_json(json.dumps({**good, key: bad}))
    with pytest.raises(MarksFormatError):
        marks_from_json('{"schema": ')


def test_files_changed_since_the_review_are_rechecked(
    qtbot: QtBot, demo_library: DemoLibrary, tmp_path: Path
) -> None:
    root = tmp_path / "lib"
    shutil.copytree(demo_library.root, root)
    first = open_window(qtbot)
    _scan(first, qtbot, root)
    marked = first.session.paths_to_remove()
    assert len(marked) >= 2
    changed, gone = marked[0], marked[1]
    first.close()
    with open(changed, "ab") as fh:
        fh.write(b"edited")
    os.unlink(gone)

    second = open_window(qtbot)
    try:
        _continue(second, qtbot)
        s = second.session
        banner = second.saved_review.banner
        assert banner.isVisible()
        assert banner.label.text().startswith(
            "1 file changed and 1 file can no longer be found since this review was saved."
        )
        assert s.paths_to_remove() == marked[2:]  # the two are kept now
        for path in (changed, gone):
            row = next(r for r, g in enumerate(s.groups) if path in [m.path for m in g.members])
            index = [m.path for m in s.groups[row].members].index(path)
            assert s.is_changed(row, index)
            assert s.can_mark(row, index) is MarkRefused.CHANGED
            assert s.set_mark(row, index, True) is MarkRefused.CHANGED
        untouched = next(
            (r, i)
            for r, g in enumerate(s.groups)
            for i, m in enumerate(g.members)
            if m.path not in (changed, gone)
        )
        assert not s.is_changed(*untouched)
        # a new scan takes the banner away
        _scan(second, qtbot, root)
        assert not banner.isVisible()
    finally:
        second.close()


def _real_result(root: Path, n_groups: int) -> ScanResult:
    """A result of `n_groups` sets of 2 or 3 real (tiny) files, with their real size and
    mtime, so the re-check finds them unchanged."""
    groups = []
    for g in range(n_groups):
        folder = root / f"f{g % 50:02d}"
        folder.mkdir(exist_ok=True)
        entries = []
        for k in range(2 + g % 2):
            path = folder / f"IMG_{g:05d}_{k}.jpg"
            path.write_bytes(b"x" * (10 + k))
            st = path.stat()
            entries.append(
                FileEntry(
                    path=str(path),
                    size=st.st_size,
                    mtime_ns=st.st_mtime_ns,
                    device=st.st_dev,
                    inode=st.st_ino,
                )
            )
        groups.append(synthetic_group(g + 1, entries, metrics=None, reason="kept: test"))
    return ScanResult(
        settings=ScanSettings(roots=(str(root),)),
        groups=tuple(groups),
        skipped=(),
        stats=ScanStats(groups=len(groups)),
        started_at="2026-01-01T00:00:00+00:00",
        finished_at="2026-01-01T00:01:00+00:00",
        app_version="test",
        machine="test",
    )


def _big_result_file(tmp_path: Path) -> tuple[ScanResult, Path]:
    """A result of 5,000 sets of real files, saved as a result file."""
    root = tmp_path / "big"
    root.mkdir()
    result = _real_result(root, 5000)
    source = tmp_path / "big-result.json"
    save_result(result, source)
    return result, source


def test_a_big_review_is_shown_in_parts_with_the_window_answering_between(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Issue 12's leftover: opening a review of 50,000 sets put every set on show in one
    go on the GUI thread (0.5-1 s without a paint). Now it is shown a part at a time,
    the event loop running between parts (benchmarks/review_open.py measures the stall)."""
    from PySide6.QtCore import QTimer

    _, source = _big_result_file(tmp_path)
    w = open_window(qtbot)
    parts: list[int] = []  # sets on show at each insertion
    turns: list[int] = []  # sets on show each time the event loop ran a timer

    def tick() -> None:
        turns.append(len(w.session.groups))
        if w.saved_review.showing() or not turns[1:]:
            QTimer.singleShot(0, tick)

    w.session.groupsInserted.connect(lambda _a, _b: parts.append(len(w.session.groups)))
    w.saved_review.loader.finished.connect(lambda _loaded: QTimer.singleShot(0, tick))
    with qtbot.waitSignal(w.saved_review.opened, timeout=60000):
        w.saved_review.open_file(source)
    assert len(w.session.groups) == 5000
    assert len(parts) >= 5
    assert parts[-1] == 5000
    between = {n for n in turns if 0 < n < 5000}
    assert len(between) >= 3  # the window answered while the sets came in
    w.close()


def test_five_thousand_sets_round_trip(qtbot: QtBot, tmp_path: Path) -> None:
    result, source = _big_result_file(tmp_path)
    first = open_window(qtbot)
    with qtbot.waitSignal(first.saved_review.opened, timeout=60000):
        first.saved_review.open_file(source)
    s = first.session
    assert len(s.groups) == 5000
    # marks unlike the suggestions: every third set keeps its second copy instead
    for row in range(0, len(s.groups), 3):
        s.set_marks(row, list(range(len(s.groups[row].members))), False)
        s.set_mark(row, 0, True)
    chosen = s.paths_to_remove()
    first.close()
    assert _saved_marks() == chosen

    second = open_window(qtbot)
    try:
        assert second.start_page.continue_button.text().startswith(
            "Continue reviewing (5,000 sets, saved today at "
        )
        _continue(second, qtbot)
        assert second.session.paths_to_remove() == chosen
        assert [g.id for g in second.session.groups] == [g.id for g in result.groups]
        assert not second.saved_review.banner.isVisible()
    finally:
        second.close()


def test_human_when() -> None:
    import time

    now = time.mktime((2026, 11, 27, 15, 0, 0, 0, 0, -1))
    assert human_when(now - 3600, now) == "today at 14:00"
    assert human_when(now - 86400, now) == "yesterday at 15:00"
    assert human_when(now - 10 * 86400, now) == "on 17 Nov 2026 at 15:00"


def test_names_that_are_not_utf8_survive_the_round_trip(
    qtbot: QtBot, demo_library: DemoLibrary, tmp_path: Path
) -> None:
    root = tmp_path / "lib"
    shutil.copytree(demo_library.root, root)
    moved = root / demo_library.groups[0].removable[0]
    odd = os.path.join(os.fsencode(moved.parent), b"caf\xe9.jpg")
    os.rename(moved, odd)
    first = open_window(qtbot)
    _scan(first, qtbot, root)
    paths = [m.path for g in first.session.groups for m in g.members]
    assert os.fsdecode(odd) in paths
    first.session.apply_suggestions()
    chosen = first.session.paths_to_remove()
    first.close()
    assert _saved_marks() == chosen
    second = open_window(qtbot)
    try:
        _continue(second, qtbot)
        assert second.session.paths_to_remove() == chosen
        assert not second.saved_review.banner.isVisible()
    finally:
        second.close()


def test_new_scan_then_continue_brings_back_the_last_mark_made(
    window: MainWindow, qtbot: QtBot, demo_library: DemoLibrary
) -> None:
    _scan(window, qtbot, demo_library.root)
    window.session.clear_marks()
    row, i = _first_unmarked(window)
    window.session.set_mark(row, i, True)  # within the debounce: not on disk yet
    chosen = window.session.paths_to_remove()
    window.act_new.trigger()
    assert window.pages.currentWidget() is window.start_page
    _continue(window, qtbot)
    assert window.session.paths_to_remove() == chosen


def test_the_sample_scan_does_not_replace_the_saved_review(
    window: MainWindow, qtbot: QtBot, demo_library: DemoLibrary
) -> None:
    _scan(window, qtbot, demo_library.root)
    window.session.clear_marks()
    window.act_new.trigger()  # the start page flushes the review just left
    qtbot.waitUntil(lambda: marks_path().is_file() and _saved_marks() == [], timeout=10000)
    saved = result_path().read_bytes()
    with qtbot.waitSignal(window.scanner.finished, timeout=60000):
        window.try_sample()
    window.act_new.trigger()
    window.saved_review.autosaver.pool.waitForDone(10000)
    assert result_path().read_bytes() == saved
    assert _saved_marks() == []
    sets = json.loads(saved)["groups"]
    assert window.start_page.continue_button.text().startswith(
        f"Continue reviewing ({len(sets)} sets"
    )


def test_a_move_is_part_of_the_saved_review(
    qtbot: QtBot, library: DemoLibrary, trash_env: object
) -> None:
    from tests.helpers.removal_support import group_names, move_marked

    first = open_window(qtbot)
    _scan(first, qtbot, library.root)
    moved = first.session.paths_to_remove()
    move_marked(first, qtbot)
    assert not any(os.path.exists(p) for p in moved)
    after = group_names(first)
    first.close()
    second = open_window(qtbot)
    try:
        _continue(second, qtbot)
        assert group_names(second) == after
        kept = [m.path for g in second.session.groups for m in g.members]
        assert not set(kept) & set(moved)
        assert not second.saved_review.banner.isVisible()  # moved files are not "gone"
    finally:
        second.close()


def test_undo_after_continue_shows_the_put_back_copies_at_once(
    qtbot: QtBot, library: DemoLibrary, trash_env: object
) -> None:
    """Issue 12's leftover: a move, "Continue reviewing" (here in a new window), then
    Undo put the files back on disk, but the grid showed them only after a rescan. Now
    the sets come back with their members, suggested as the scan suggested them."""
    from tests.helpers.removal_support import TIMEOUT, group_names, move_marked

    first = open_window(qtbot)
    _scan(first, qtbot, library.root)
    before = group_names(first)
    moved = first.session.paths_to_remove()
    move_marked(first, qtbot)
    after = group_names(first)
    first.close()
    second = open_window(qtbot)
    try:
        _continue(second, qtbot)
        assert group_names(second) == after  # the moved files are not shown
        assert not second.saved_review.banner.isVisible()  # nor said to be gone
        second.act_undo.trigger()
        qtbot.waitUntil(lambda: second.removal.undo_confirm_button is not None, timeout=TIMEOUT)
        with qtbot.waitSignal(second.mutations.restoreFinished, timeout=TIMEOUT):
            second.removal.undo_confirm_button.click()
        assert all(os.path.exists(p) for p in moved)
        assert group_names(second) == before  # at once, no rescan
        assert sorted(second.session.paths_to_remove()) == sorted(moved)
        rp = second.review_page
        assert rp.group_model.rowCount() == len(before)
        assert rp.tabs.tabText(0) == f"Copies found ({len(before)})"
    finally:
        second.close()


def test_a_saved_time_no_clock_can_show_does_not_stop_the_window(qtbot: QtBot) -> None:
    """A hand-edited marks file with saved_at 1e300 used to raise OverflowError while the
    window was being built, on every launch."""
    marks_path().parent.mkdir(parents=True, exist_ok=True)
    marks_path().write_text(
        '{"schema": "photosift-review-marks", "schema_version": 1, "saved_at": 1e300,'
        ' "sets": 1, "remove": []}'
    )
    w = open_window(qtbot)
    try:
        assert w.pages.currentWidget() is w.start_page
        assert not w.start_page.continue_button.isVisible()  # not offered: unreadable
    finally:
        w.close()


def test_a_folder_protected_now_is_protected_in_an_opened_result(
    window: MainWindow, qtbot: QtBot, demo_library: DemoLibrary, tmp_path: Path
) -> None:
    """A result made before the user protected a folder (here by the command line) must
    not move a file in that folder: the open locks it, and the plan refuses it."""
    out = tmp_path / "cli-result.json"
    assert run_command_line(["scan", str(demo_library.root), "--json", str(out), "-q"]) == 0
    suggested = [
        m["path"]
        for g in json.loads(out.read_text(encoding="utf-8"))["groups"]
        for m in g["members"]
        if m["suggested_remove"]
    ]
    protected = os.path.dirname(suggested[0])
    window.settings.set(Keys.PROTECTED, [protected])
    with qtbot.waitSignal(window.saved_review.opened, timeout=30000):
        window.saved_review.open_file(out)
    marked = window.session.paths_to_remove()
    inside = [p for p in suggested if os.path.dirname(p) == protected]
    assert inside
    assert not set(inside) & set(marked)  # locked: not marked
    for row, group in enumerate(window.session.groups):
        for i, m in enumerate(group.members):
            if m.path in inside:
                assert window.session.can_mark(row, i) is not None
    # and the plan itself refuses it, whatever the marks say
    with qtbot.waitSignal(window.mutations.planned, timeout=30000) as blocker:
        window.mutations.plan(
            window.session.current_result(), [*marked, inside[0]], window.removal._protected()
        )
    plan = blocker.args[0]
    assert inside[0] not in [f.path for f in plan.files]
    assert inside[0] in [k.path for k in plan.refused]
