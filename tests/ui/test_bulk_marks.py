"""Marks menu: marking many copies at once, and the ignore list, on thousands of sets."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pytestqt.qtbot import QtBot

from cleaner import IgnoreList, group_key
from cleaner.models import DamageReason, DuplicateGroup, ScanResult
from tests.helpers.synthetic_result import synthetic_result
from ui.main_window import MainWindow
from ui.marking import KeptBecause
from ui.marks_menu import IgnoredDialog

N = 3000
ROOT = "/nonexistent/lib"
PROTECTED = f"{ROOT}/folder05/copy1"  # copy1 of every set with g % 97 == 5


def _damaged(g: int) -> bool:
    return g % 50 == 7  # copy2 of these sets is damaged


def _result(n: int = N) -> ScanResult:
    """Three copies a set; each set's copies have distinct dates (the newest moves round)."""
    base = synthetic_result(n)
    groups = []
    for g, group in enumerate(base.groups):
        members = []
        for k, m in enumerate(group.members):
            entry = replace(m.entry, mtime_ns=1_600_000_000_000_000_000 + ((k + g) % 3) * 10**9)
            metrics = m.metrics
            if k == 2 and _damaged(g) and metrics is not None:
                metrics = replace(metrics, damage=DamageReason.TRUNCATED)
            members.append(replace(m, entry=entry, metrics=metrics))
        groups.append(replace(group, members=tuple(members)))
    return replace(base, groups=tuple(groups))


def _load(window: MainWindow, result: ScanResult) -> None:
    window.session.clear([PROTECTED])
    window.session.finish(result)
    window.review_page.finish_loading()
    window.pages.setCurrentWidget(window.review_page)


def _marked(window: MainWindow) -> list[str]:
    return window.session.paths_to_remove()


def _path(group: DuplicateGroup, k: int) -> str:
    return group.members[k].path


def _locked(g: int, k: int) -> bool:
    return g % 97 == 5 and k == 1


@pytest.mark.parametrize("which", ["newest", "oldest", "largest"])
def test_keep_one_in_every_set(window: MainWindow, qtbot: QtBot, which: str) -> None:
    result = _result()
    _load(window, result)
    action = {
        "newest": window.marks_menu.act_newest,
        "oldest": window.marks_menu.act_oldest,
        "largest": window.marks_menu.act_largest,
    }[which]
    with qtbot.waitSignal(window.marks_menu.status) as said:
        action.trigger()
    expected = []
    protected_refused = 0
    for g, group in enumerate(result.groups):
        intact = [k for k in range(3) if not (k == 2 and _damaged(g))]
        if which == "newest":
            keep = max(intact, key=lambda k: group.members[k].entry.mtime_ns)
        elif which == "oldest":
            keep = min(intact, key=lambda k: group.members[k].entry.mtime_ns)
        else:
            keep = max(intact, key=lambda k: group.members[k].entry.size)
        expected += [_path(group, k) for k in range(3) if k != keep and not _locked(g, k)]
        protected_refused += g % 97 == 5 and keep != 1
    assert _marked(window) == expected
    outcome = window.marks_menu.last_outcome
    assert outcome is not None
    # copy1 of a set in folder05 is protected: kept, and counted, unless it is the one kept
    assert outcome.kept == {KeptBecause.PROTECTED: protected_refused}
    assert protected_refused > 0
    assert "marked for removal" in said.args[0]
    # the summary agrees with the marks
    assert window.session.marked_count == len(expected)


def test_mark_every_copy_in_a_folder(window: MainWindow, qtbot: QtBot) -> None:
    result = _result()
    _load(window, result)
    window.session.clear_marks()
    folders = iter([f"{ROOT}/folder03", f"{ROOT}/folder04/copy1"])
    window.marks_menu.choose_folder = lambda *_: next(folders)
    with qtbot.waitSignal(window.marks_menu.status) as said:
        window.marks_menu.act_folder.trigger()
    in03 = [g for g in range(N) if g % 97 == 3]
    # every copy is inside folder03: the best one (copy0) stays, the last copy of its set
    expected = {
        _path(result.groups[g], k) for g in in03 for k in (1, 2) if not (k == 2 and _damaged(g))
    }
    # a set whose copy2 is damaged keeps copy0 as its last intact copy and may lose copy2
    for g in in03:
        if _damaged(g):
            expected |= {_path(result.groups[g], 1), _path(result.groups[g], 2)}
    assert _marked(window) == [
        p for p in (m.path for gr in result.groups for m in gr.members) if p in expected
    ]
    outcome = window.marks_menu.last_outcome
    assert outcome is not None
    assert outcome.kept == {KeptBecause.LAST_COPY: len(in03)}
    assert outcome.sets_skipped == N - len(in03)
    assert f"{len(in03)} copies the last copy of its set" in said.args[0]

    with qtbot.waitSignal(window.marks_menu.status):
        window.marks_menu.act_folder.trigger()
    in04 = [g for g in range(N) if g % 97 == 4]
    expected |= {_path(result.groups[g], 1) for g in in04}
    order = [m.path for gr in result.groups for m in gr.members]
    assert _marked(window) == [p for p in order if p in expected]


def test_mark_folder_keeps_protected_and_the_last_intact_copy(
    window: MainWindow, qtbot: QtBot
) -> None:
    result = _result(200)
    _load(window, result)
    window.session.clear_marks()
    window.marks_menu.choose_folder = lambda *_: PROTECTED
    window.marks_menu.act_folder.trigger()
    assert _marked(window) == []
    outcome = window.marks_menu.last_outcome
    assert outcome is not None
    assert outcome.kept == {KeptBecause.PROTECTED: sum(1 for g in range(200) if g % 97 == 5)}

    # set 7: copy2 is damaged. Marking copy0 and copy1 would leave only the damaged copy.
    window.session.clear_marks()
    group = result.groups[7]
    assert window.session.set_mark(7, 1, True) is None
    window.marks_menu.choose_folder = lambda *_: f"{ROOT}/folder07/copy0"
    window.marks_menu.act_folder.trigger()
    others = [_path(result.groups[g], 0) for g in range(8, 200) if g % 97 == 7]
    assert others  # set 104 is in folder07 too, with three intact copies
    assert _marked(window) == [_path(group, 1), *others]
    assert window.marks_menu.last_outcome.kept == {KeptBecause.ONLY_DAMAGED_LEFT: 1}
    assert "the last intact copy of its set" in window.marks_menu.last_outcome.message()


def test_keep_the_copy_inside_a_folder(window: MainWindow, qtbot: QtBot) -> None:
    result = _result()
    _load(window, result)
    before = _marked(window)
    window.marks_menu.choose_folder = lambda *_: f"{ROOT}/folder10/copy2"
    with qtbot.waitSignal(window.marks_menu.status) as said:
        window.marks_menu.act_keep_folder.trigger()
    in10 = {g for g in range(N) if g % 97 == 10}
    expected = []
    for g, group in enumerate(result.groups):
        if g in in10 and _damaged(g):  # the copy in the folder is damaged: copy0 stays too
            expected += [_path(group, 1)]
        elif g in in10:
            expected += [_path(group, 0), _path(group, 1)]
        else:
            expected += [
                p
                for p in before
                if p.startswith(f"{ROOT}/folder{g % 97:02d}/") and f"IMG_{g:06d}" in p
            ]
    assert _marked(window) == expected
    outcome = window.marks_menu.last_outcome
    assert outcome is not None
    assert outcome.sets_skipped == N - len(in10)
    assert outcome.kept == {KeptBecause.ONLY_DAMAGED_LEFT: sum(1 for g in in10 if _damaged(g))}
    assert outcome.kept[KeptBecause.ONLY_DAMAGED_LEFT] > 0
    assert f"{N - len(in10):,} sets have no copy in that folder" in said.args[0]


def test_invert_marks_in_this_set(window: MainWindow, qtbot: QtBot) -> None:
    result = _result(500)
    _load(window, result)
    initial = _marked(window)
    rp = window.review_page
    rp.select_group_at(0)
    row = rp.current_group_row()
    group = window.session.groups[row]
    before = [window.session.is_marked(row, i) for i in range(3)]
    assert before == [False, True, True]  # the suggestion
    window.marks_menu.act_invert.trigger()
    assert [window.session.is_marked(row, i) for i in range(3)] == [True, False, False]
    window.marks_menu.act_invert.trigger()
    assert [window.session.is_marked(row, i) for i in range(3)] == [False, True, True]
    # inverting "nothing marked" would mark every copy: the best one stays
    window.session.set_marks(row, [1, 2], False)
    window.marks_menu.act_invert.trigger()
    assert [window.session.is_marked(row, i) for i in range(3)] == [False, True, True]
    assert window.marks_menu.last_outcome.kept == {KeptBecause.LAST_COPY: 1}
    others = [p for p in _marked(window) if p not in {m.path for m in group.members}]
    assert others == [p for p in initial if p not in {m.path for m in group.members}]


def test_not_copies_is_remembered_and_undone(window: MainWindow, qtbot: QtBot) -> None:
    result = _result()
    _load(window, result)
    initial = window.session.marked_count
    rp = window.review_page
    rp.select_group_at(3)
    row = rp.current_group_row()
    gone = window.session.groups[row]
    window.marks_menu.act_not_copies.trigger()
    assert len(window.session) == N - 1
    assert all(g.id != gone.id for g in window.session.groups)
    assert window.session.marked_count == initial - 2
    assert IgnoreList.load().keys() == [group_key(gone)]
    window.marks_menu.update_actions()
    assert window.marks_menu.act_ignored.text() == "I&gnored sets (1)…"

    # A new window (a later scan) leaves it out, under other names too.
    second = MainWindow(cache_path=None)
    qtbot.addWidget(second)
    _load(second, result)
    assert len(second.session) == N - 1
    assert second.marks_menu.hidden_count() == 1

    # Show all again: the set comes back in this review and leaves the list.
    dialog = IgnoredDialog(second.marks_menu, second)
    assert dialog.list.count() == 1
    assert "IMG_" in dialog.list.item(0).text()
    with qtbot.waitSignal(second.marks_menu.status) as said:
        dialog.show_all.click()
    assert said.args[0] == "1 set no longer ignored; 1 set of this scan shown again."
    assert dialog.list.count() == 0
    assert not dialog.show_all.isEnabled()
    assert len(second.session) == N
    assert IgnoreList.load().keys() == []
    second.close()


def test_autosave_api(window: MainWindow) -> None:
    result = _result(100)
    _load(window, result)
    keys = [group_key(g) for g in result.groups[10:13]]
    assert window.marks_menu.ignore_keys(["not a key", *keys]) == 3  # garbage passed over
    assert len(window.session) == 97
    assert window.marks_menu.ignored_keys() == keys
    assert window.marks_menu.unignore_keys(keys[:1]) == 1
    assert len(window.session) == 98
    assert IgnoreList.load().keys() == keys[1:]


def test_a_garbage_list_is_said_and_the_window_works(qtbot: QtBot, user_dirs) -> None:
    from cleaner import default_ignore_path

    path = default_ignore_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00garbage")
    w = MainWindow(cache_path=None)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.marks_menu.status) as said:
        pass
    assert "was not fully read" in said.args[0]
    _load(w, _result(10))
    assert len(w.session) == 10
    w.review_page.select_group_at(0)
    w.marks_menu.act_not_copies.trigger()
    assert (path.parent / (path.name + ".damaged")).read_bytes() == b"\x00garbage"
    assert len(IgnoreList.load().keys()) == 1
    w.close()


def test_session_replace_marks_and_remove_groups_hold_the_rules(qtbot: QtBot) -> None:
    from ui.models.session import ReviewSession

    session = ReviewSession()
    session.clear([PROTECTED])
    session.add_groups(_result(200).groups)
    before = [session.is_marked(5, i) for i in range(3)]
    with qtbot.waitSignal(session.marksChanged) as changed:
        refused = session.replace_marks(
            {0: [True, True, True], 5: [True, True, False], 1: [True, False, False]}
        )
    assert changed.args == [-1]
    assert refused == [0, 5]  # every copy; a protected copy
    assert [session.is_marked(0, i) for i in range(3)] == [False, True, True]
    assert [session.is_marked(5, i) for i in range(3)] == before
    assert [session.is_marked(1, i) for i in range(3)] == [True, False, False]
    count = session.marked_count
    gone = session.remove_groups([1, 0])
    assert [g.id for g in gone] == [1, 2]
    assert session.marked_count == count - 3
    assert len(session) == 198
    assert session.add_groups(gone) == []  # their files are free to be shown again


def test_a_rescan_in_the_window_leaves_an_ignored_set_out(
    window: MainWindow, qtbot: QtBot, demo_library
) -> None:
    from cleaner.models import ScanSettings

    settings = ScanSettings(roots=(str(demo_library.root),))

    def scan() -> None:
        with qtbot.waitSignal(window.scanner.finished, timeout=60_000):
            window.run_scan(settings)
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.review_page)

    scan()
    total = len(window.session)
    assert total >= 2
    window.review_page.select_group_at(0)
    row = window.review_page.current_group_row()
    gone = sorted(m.path for m in window.session.groups[row].members)
    window.marks_menu.act_not_copies.trigger()
    scan()
    assert len(window.session) == total - 1
    assert gone not in [sorted(m.path for m in g.members) for g in window.session.groups]
    assert "1 set of them you said are not copies: not shown." in (
        window.statusBar().currentMessage()
    )
    window.marks_menu.unignore_keys(window.marks_menu.ignored_keys())
    assert len(window.session) == total


def test_an_unwritable_list_is_said_and_the_set_still_leaves(
    qtbot: QtBot, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    blocker = tmp_path / "not a folder"
    blocker.write_text("x")
    monkeypatch.setenv("PHOTOSIFT_DATA_DIR", str(blocker))  # the list's folder is a file
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warnings.append(text))
    w = MainWindow(cache_path=None)
    qtbot.addWidget(w)
    _load(w, _result(20))
    w.review_page.select_group_at(0)
    w.marks_menu.act_not_copies.trigger()
    assert len(w.session) == 19
    assert len(warnings) == 1
    assert "Cannot save the ignore list" in warnings[0]
    assert "The change holds until you quit." in warnings[0]
    w.close()
