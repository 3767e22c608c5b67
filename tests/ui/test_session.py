"""Marking rules: suggestions preselected, never every copy, protected files never marked."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pytestqt.qtbot import QtBot

from cleaner.models import DuplicateGroup
from tests.helpers.synthetic_result import synthetic_groups
from ui.models.session import Decision, MarkRefused, ReviewSession


@pytest.fixture
def session(qtbot: QtBot) -> ReviewSession:
    s = ReviewSession()
    s.add_groups(synthetic_groups(3, per_group=3))
    return s


def _sizes(group: DuplicateGroup, marked: list[int]) -> int:
    return sum(group.members[i].entry.size for i in marked)


def test_suggestions_are_preselected(session: ReviewSession) -> None:
    for row, group in enumerate(session.groups):
        for i, m in enumerate(group.members):
            assert session.is_marked(row, i) == m.suggested_remove
    assert session.marked_count == 6
    expected = sum(_sizes(g, [1, 2]) for g in session.groups)
    assert session.marked_bytes == expected


def test_a_group_can_never_have_all_copies_marked(session: ReviewSession) -> None:
    assert session.toggle(0, 0) is MarkRefused.LAST_COPY
    assert not session.is_marked(0, 0)
    assert session.set_marks(0, [0, 1, 2], True) is MarkRefused.LAST_COPY
    # unmark one, then the keeper may be marked instead
    assert session.toggle(0, 1) is None
    assert session.toggle(0, 0) is None
    assert [session.is_marked(0, i) for i in range(3)] == [True, False, True]
    assert session.toggle(0, 1) is MarkRefused.LAST_COPY


def test_protected_files_are_never_marked(qtbot: QtBot) -> None:
    group = synthetic_groups(1, per_group=3)[0]
    members = list(group.members)
    members[2] = replace(members[2], protected=True, suggested_remove=False)
    session = ReviewSession()
    session.add_groups([replace(group, members=tuple(members))])
    assert session.is_locked(0, 2)
    assert not session.is_marked(0, 2)
    assert session.toggle(0, 2) is MarkRefused.PROTECTED
    assert session.set_marks(0, [1, 2], True) is MarkRefused.PROTECTED
    session.apply_suggestions()
    assert not session.is_marked(0, 2)


def test_protected_folders_given_to_the_session_lock_files(qtbot: QtBot) -> None:
    session = ReviewSession()
    session.clear(protected_folders=["/nonexistent/lib/folder00/copy1"])
    session.add_groups(synthetic_groups(1, per_group=3))
    assert session.is_locked(0, 1)
    assert not session.is_marked(0, 1)  # suggested by the engine, refused by the folder
    assert session.is_marked(0, 2)


def test_apply_suggestions_and_clear(session: ReviewSession) -> None:
    session.clear_marks()
    assert session.marked_count == 0
    assert session.marked_bytes == 0
    assert session.paths_to_remove() == []
    session.toggle(1, 0)
    session.apply_suggestions()
    assert session.marked_count == 6
    assert not session.is_marked(1, 0)


def test_running_summary_follows_every_change(session: ReviewSession, qtbot: QtBot) -> None:
    g = session.groups[0]
    with qtbot.waitSignal(session.summaryChanged, timeout=1000):
        session.toggle(0, 1)
    assert session.marked_count == 5
    assert session.marked_bytes == sum(_sizes(x, [1, 2]) for x in session.groups) - _sizes(g, [1])


def test_hard_linked_files_free_no_space(qtbot: QtBot) -> None:
    group = synthetic_groups(1, per_group=2)[0]
    linked = replace(group.members[1], entry=replace(group.members[1].entry, nlink=2))
    session = ReviewSession()
    session.add_groups([replace(group, members=(group.members[0], linked))])
    assert session.marked_count == 1
    assert session.marked_bytes == 0


def test_final_choice_as_plain_data(session: ReviewSession) -> None:
    session.toggle(2, 2)  # keep one more copy in the last group
    to_remove = session.paths_to_remove()
    assert len(to_remove) == 5
    decisions = session.decisions()
    assert len(decisions) == 9
    assert decisions[session.groups[2].members[2].path] is Decision.KEEP
    assert decisions[session.groups[0].members[1].path] is Decision.REMOVE
    assert {p for p, d in decisions.items() if d is Decision.REMOVE} == set(to_remove)


def test_finish_adds_what_was_not_streamed(qtbot: QtBot) -> None:
    from tests.helpers.synthetic_result import synthetic_result

    result = synthetic_result(5)
    session = ReviewSession()
    session.add_groups(result.groups[:2])
    session.finish(result)
    assert [g.id for g in session.groups] == [1, 2, 3, 4, 5]
    assert session.result is result


def test_a_group_sent_twice_is_shown_once(qtbot: QtBot) -> None:
    """Issue 10, class 12: overlapping batches from the scan showed sets several times,
    and Keep chosen on one showing left the file marked on the other."""
    groups = synthetic_groups(40, per_group=2)
    session = ReviewSession()
    with qtbot.waitSignal(session.groupsInserted) as inserted:
        session.add_groups(groups[:32])
    assert inserted.args == [0, 31]
    refused = session.add_groups(groups[16:40])  # overlaps the first batch by 16
    assert [g.id for g in refused] == [g.id for g in groups[16:32]]
    assert [g.id for g in session.groups] == [g.id for g in groups]
    assert session.marked_count == 40
    row = session.row_of_group(groups[20].id)
    assert session.set_mark(row, 1, False) is None
    kept = groups[20].members[1].path
    assert kept not in session.paths_to_remove()
    assert len(session.paths_to_remove()) == 39


def test_a_group_holding_a_file_another_group_shows_is_refused(qtbot: QtBot) -> None:
    """One file in two sets could be kept in one and removed from the other."""
    a, b = synthetic_groups(2, per_group=3)
    b_members = (b.members[0], a.members[1], b.members[2])  # a's marked copy, in b too
    bad = replace(b, members=b_members)
    twice = replace(b, id=7, members=(b.members[0], b.members[0]))  # one path twice
    session = ReviewSession()
    session.add_groups([a])
    assert session.add_groups([bad, twice]) == [bad, twice]
    assert [g.id for g in session.groups] == [a.id]
    assert session.marked_count == 2
    paths = session.paths_to_remove()
    assert paths == [a.members[1].path, a.members[2].path]


def test_a_group_put_back_after_a_move_is_accepted_again(qtbot: QtBot) -> None:
    """Refusing known ids must not refuse a set that Undo brings back."""
    groups = synthetic_groups(3, per_group=2)
    session = ReviewSession()
    session.add_groups(groups)
    moved = groups[1].members[1].path
    session.drop_files([moved])
    assert [g.id for g in session.groups] == [1, 3]
    assert session.restore_files([moved]) == 1
    assert sorted(g.id for g in session.groups) == [1, 2, 3]
    assert session.add_groups([groups[1]]) == [groups[1]]  # held again
    assert len(session) == 3


def test_a_changed_copy_stays_locked_when_its_set_comes_back(qtbot: QtBot) -> None:
    """A copy changed since a saved review is kept; taking its set out (these are not
    copies) and showing it again, or an undo that brings the set back, must not unlock
    it (it was re-marked from the suggestions before)."""
    session = ReviewSession()
    session.add_groups(synthetic_groups(3))
    changed = session.groups[0].members[1].path
    session.set_changed({changed})
    assert session.can_mark(0, 1) is MarkRefused.CHANGED
    gone = session.remove_groups([0])
    session.add_groups(gone)
    row = next(r for r, g in enumerate(session.groups) if g.id == gone[0].id)
    index = next(i for i, m in enumerate(session.groups[row].members) if m.path == changed)
    assert session.can_mark(row, index) is MarkRefused.CHANGED
    assert changed not in session.paths_to_remove()
