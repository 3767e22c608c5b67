"""A copy that changed or vanished since the review was saved is no copy that stays: every
way of marking keeps a copy that is still as scanned, and a changed copy the rules keep is
counted as changed, not as protected. Sizes as a real review has them: 2,000 sets, a few
hundred with changed copies."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from cleaner.models import DuplicateGroup
from tests.helpers.synthetic_result import synthetic_groups
from ui.marking import KeptBecause, Pick, keep_one, mark_folder
from ui.models.session import MarkRefused, ReviewSession

N = 2000
ROOT = "/nonexistent/lib"


def _changed_copies(g: int) -> tuple[int, ...]:
    """Which copies of set `g` changed on disk (index in the set)."""
    if g % 11 == 4:
        return (0, 1)  # the keeper and copy1: only copy2 is still as scanned
    if g % 7 == 3:
        return (0,)  # the keeper
    if g % 13 == 5:
        return (2,)  # a copy the engine suggests removing
    return ()


def _groups() -> list[DuplicateGroup]:
    return synthetic_groups(N, per_group=3, root=ROOT)


def _changed_paths(groups: list[DuplicateGroup]) -> set[str]:
    return {g.members[k].path for n, g in enumerate(groups) for k in _changed_copies(n)}


def _session(groups: list[DuplicateGroup]) -> ReviewSession:
    s = ReviewSession()
    s.add_groups(groups)  # the engine's suggestions: copy1 and copy2 of every set marked
    return s


def _best_sound(group: DuplicateGroup, changed: set[str]) -> str:
    """The copy the rules keep back: the keeper if still as scanned, else the best quality."""
    sound = [m for m in group.members if m.path not in changed]
    return max(sound, key=lambda m: (m.is_keeper, m.quality)).path


def _sound_stays(session: ReviewSession, changed: set[str]) -> list[int]:
    """Rows where no copy that is still as scanned stays (there must be none)."""
    return [
        row
        for row, group in enumerate(session.groups)
        if not any(
            not session.is_marked(row, i) and m.path not in changed
            for i, m in enumerate(group.members)
        )
    ]


@pytest.fixture
def groups() -> list[DuplicateGroup]:
    return _groups()


def test_opening_a_saved_review_keeps_a_copy_that_is_still_there(
    groups: list[DuplicateGroup], qtbot: QtBot
) -> None:
    changed = _changed_paths(groups)
    affected = [n for n in range(N) if 0 in _changed_copies(n)]
    assert 300 < len(affected) < 600  # a few hundred sets lost their keeper
    session = _session(groups)
    session.set_marked_paths(session.paths_to_remove())  # the saved marks, as saved
    session.set_changed(changed)  # then what changed on disk (ui.saved_review)
    expected = []
    for group in groups:
        sound = [m for m in group.members if m.path not in changed]
        marked = [m.path for m in sound if m.suggested_remove]
        if len(marked) == len(sound):  # the keeper changed: the best sound copy is held back
            marked.remove(_best_sound(group, changed))
        expected += marked
    assert session.paths_to_remove() == expected
    assert _sound_stays(session, changed) == []
    # saved marks on every copy (a hand-edited marks file): still a sound copy in each set,
    # the last copy where none changed (as before), else the best one still as scanned
    session.set_marked_paths([m.path for g in groups for m in g.members])
    expected = []
    for g in groups:
        held = _best_sound(g, changed) if changed & {m.path for m in g.members} else None
        kept = g.members[-1].path if held is None else held
        expected += [m.path for m in g.members if m.path not in changed and m.path != kept]
    assert session.paths_to_remove() == expected


def test_a_copy_cannot_be_marked_when_the_others_changed(
    groups: list[DuplicateGroup], qtbot: QtBot
) -> None:
    changed = _changed_paths(groups)
    session = _session(groups)
    session.set_changed(changed)
    before = session.paths_to_remove()
    refusals: list[tuple[int, MarkRefused | None]] = []
    for row in range(N):
        for i in range(3):
            if not session.is_marked(row, i) and not session.is_locked(row, i):
                refusals.append((row, session.toggle(row, i)))
    expected = [
        (row, MarkRefused.OTHERS_CHANGED if _changed_copies(row) else MarkRefused.LAST_COPY)
        for row in range(N)
    ]
    assert refusals == expected  # one copy left unmarked in every set, and it stays so
    assert session.paths_to_remove() == before
    assert _sound_stays(session, changed) == []
    # several at once: refused as well
    row = next(r for r in range(N) if _changed_copies(r) == (0,))
    session.set_marks(row, [1, 2], False)
    assert session.set_marks(row, [1, 2], True) is MarkRefused.OTHERS_CHANGED
    assert [session.is_marked(row, i) for i in range(3)] == [False, False, False]
    assert "changed or are gone" in MarkRefused.OTHERS_CHANGED.value


def test_replace_marks_refuses_to_leave_only_changed_copies(
    groups: list[DuplicateGroup], qtbot: QtBot
) -> None:
    changed = _changed_paths(groups)
    session = _session(groups)
    session.set_changed(changed)
    rows = [r for r in range(N) if _changed_copies(r) == (0,)][:50]
    other = next(r for r in range(N) if not _changed_copies(r))
    marks = [[session.is_marked(r, i) for i in range(3)] for r in range(N)]
    refused = session.replace_marks({**{r: [False, True, True] for r in rows}, other: [1, 0, 1]})
    assert refused == rows
    marks[other] = [True, False, True]
    expected = [
        m.path for r, g in enumerate(groups) for i, m in enumerate(g.members) if marks[r][i]
    ]
    assert session.paths_to_remove() == expected
    assert _sound_stays(session, changed) == []


def test_bulk_marks_keep_a_copy_still_as_scanned(
    groups: list[DuplicateGroup], qtbot: QtBot
) -> None:
    changed = _changed_paths(groups)
    session = _session(groups)
    session.set_changed(changed)
    outcome = keep_one(session, Pick.LARGEST)
    assert _sound_stays(session, changed) == []
    expected = []
    for group in groups:
        largest = max(group.members, key=lambda m: (m.entry.size, m.is_keeper, m.quality))
        # the copy it would keep changed: the best one still as scanned stays instead
        keep = _best_sound(group, changed) if largest.path in changed else largest.path
        expected += [m.path for m in group.members if m.path != keep and m.path not in changed]
    assert session.paths_to_remove() == expected
    assert outcome.kept[KeptBecause.OTHERS_CHANGED] > 0
    # marking a whole folder: every set keeps a sound copy
    session.clear_marks()
    outcome = mark_folder(session, ROOT)
    assert _sound_stays(session, changed) == []
    losing_one = sum(1 for n in range(N) if _changed_copies(n))
    assert outcome.kept[KeptBecause.OTHERS_CHANGED] == losing_one
    assert outcome.kept[KeptBecause.LAST_COPY] == N - losing_one
    assert "the last copy of its set not changed or gone" in outcome.message()


def test_a_set_brought_back_keeps_a_copy_still_as_scanned(
    groups: list[DuplicateGroup], qtbot: QtBot
) -> None:
    changed = _changed_paths(groups)
    session = _session(groups)
    session.set_changed(changed)
    rows = [r for r in range(N) if 0 in _changed_copies(r)]
    gone = session.remove_groups(rows)
    session.add_groups(gone)  # shown again from the ignore list: the engine's suggestion
    assert _sound_stays(session, changed) == []


PROTECTED = f"{ROOT}/folder05/copy1"  # copy1 of every set with g % 97 == 5


def test_a_changed_copy_kept_by_a_bulk_action_is_counted_as_changed(
    groups: list[DuplicateGroup], qtbot: QtBot
) -> None:
    changed = _changed_paths(groups)
    session = ReviewSession()
    session.clear([PROTECTED])
    session.add_groups(groups)
    session.set_changed(changed)
    session.clear_marks()
    outcome = mark_folder(session, ROOT)
    in_protected = [m.path for g in groups for m in g.members if m.path.startswith(PROTECTED)]
    assert len(in_protected) > 0
    assert outcome.kept[KeptBecause.CHANGED] == len(changed)
    assert outcome.kept[KeptBecause.PROTECTED] == len([p for p in in_protected if p not in changed])
    assert len([p for p in in_protected if p in changed]) > 0  # changed wins: it says why
    text = outcome.message()
    assert f"{len(changed)} copies changed or gone since the review was saved" in text
    assert _sound_stays(session, changed) == []


def test_a_changed_copy_is_not_called_protected_to_a_screen_reader(
    groups: list[DuplicateGroup], qtbot: QtBot
) -> None:
    from PySide6.QtCore import Qt

    from ui.models import roles
    from ui.models.photos import PhotoGridModel

    changed = _changed_paths(groups)
    session = ReviewSession()
    session.clear([PROTECTED])
    session.add_groups(groups)
    session.set_changed(changed)
    photos = PhotoGridModel(session)
    row = next(r for r in range(N) if r % 97 == 5 and _changed_copies(r) == (0,))
    photos.set_group(row)
    said = {
        photos.index(r).data(roles.PathRole): photos.index(r).data(
            Qt.ItemDataRole.AccessibleTextRole
        )
        for r in range(3)
    }
    texts = [said[m.path] for m in groups[row].members]
    assert "changed since the review was saved" in texts[0]
    assert "protected" not in texts[0]
    assert "protected folder" in texts[1]
    assert "changed" not in texts[1]
    assert "protected" not in texts[2]
    assert "changed" not in texts[2]
