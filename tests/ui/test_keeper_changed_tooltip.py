"""When the suggested copy changed or is gone since the review was saved, a tile's tooltip
no longer explains why that copy "is suggested instead": it says the suggestion changed or
is gone, and which copy stays now. 2,000 sets, a few hundred without their keeper."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cleaner.models import DuplicateGroup, KeptOver
from tests.helpers.synthetic_result import synthetic_groups
from ui.models import roles
from ui.models.photos import PhotoGridModel
from ui.models.session import ReviewSession

N = 2000
ROOT = "/nonexistent/lib"


def _groups() -> list[DuplicateGroup]:
    """Synthetic sets whose copies carry why the keeper beat them."""
    reason = KeptOver("resolution", "4000x3000", "2000x1500")
    return [
        dataclasses.replace(
            g,
            members=tuple(
                m if m.is_keeper else dataclasses.replace(m, kept_over=reason) for m in g.members
            ),
        )
        for g in synthetic_groups(N, per_group=3, root=ROOT)
    ]


def _changed(n: int) -> tuple[int, ...]:
    if n % 11 == 4:
        return (0, 1)  # the keeper and copy1: copy2 is the only copy as scanned
    if n % 7 == 3:
        return (0,)  # the keeper
    if n % 13 == 5:
        return (2,)  # a copy, not the keeper
    return ()


def _tips(photos: PhotoGridModel, row: int, group: DuplicateGroup) -> list[str]:
    """Each copy's tooltip, in set order."""
    photos.set_group(row)
    by_path = {
        photos.index(r).data(roles.PathRole): photos.index(r).data(Qt.ItemDataRole.ToolTipRole)
        for r in range(len(group.members))
    }
    return [by_path[m.path] for m in group.members]


def test_a_gone_keeper_is_not_presented_as_the_suggestion(qtbot: QtBot) -> None:
    groups = _groups()
    session = ReviewSession()
    session.add_groups(groups)  # copy1 and copy2 marked
    session.set_changed([g.members[k].path for n, g in enumerate(groups) for k in _changed(n)])
    photos = PhotoGridModel(session)
    gone_keeper = [n for n in range(N) if 0 in _changed(n)]
    assert 300 < len(gone_keeper) < 600
    seen: list[int] = []
    for n, group in enumerate(groups):
        tips = _tips(photos, n, group)
        name = f"IMG_{n:06d}.jpg"
        if 0 not in _changed(n):
            assert tips[0].splitlines()[1] == "Suggested to keep: 4000x3000; others are smaller."
            assert [f"Why {name} is suggested instead:" in t for t in tips] == [False, True, True]
            continue
        seen.append(n)
        assert [f"Why {name} is suggested instead" in t for t in tips] == [False] * 3
        assert "Suggested to keep when this review was saved." in tips[0]
        assert "Suggested to keep:" not in tips[0]
        gone = (
            f"copy0/{name}, the copy suggested to keep, changed or is gone since this review "
            "was saved."
        )
        if n % 11 == 4:  # only copy2 stays: it was marked, the review kept it back
            assert [gone in t for t in tips] == [False, True, True]
            assert f"{gone} This copy stays now." in tips[2]
            assert f"{gone} copy2/{name} stays now." in tips[1]
        else:  # copy1 (the better quality) was kept back, copy2 stays marked
            assert f"{gone} This copy stays now." in tips[1]
            assert f"{gone} copy1/{name} stays now." in tips[2]
    assert seen == gone_keeper
    # a copy the volunteer unmarks stays as well, and the tooltip says so
    row = next(n for n in range(N) if _changed(n) == (0,))
    session.set_mark(row, 2, False)
    tips = _tips(photos, row, groups[row])
    assert tips[1].count(f"This copy and copy2/IMG_{row:06d}.jpg stay now.") == 1
    assert tips[2].count(f"This copy and copy1/IMG_{row:06d}.jpg stay now.") == 1


def test_the_header_does_not_present_a_gone_keeper_as_the_suggestion(qtbot: QtBot) -> None:
    from tests.helpers.window import open_window, show_groups

    w = open_window(qtbot, size=None)
    show_groups(w, _groups()[:50], ROOT)
    rp = w.review_page
    rp.select_group_at(0)
    shown = rp.photo_model.group
    assert shown is not None
    name = shown.keeper.path.rsplit("/", 1)[1]
    assert rp.group_reason.text().startswith(f"Suggested to keep: {name}. Kept over")
    # the re-check of an opened review answers while its first set is on show
    w.session.set_changed([shown.keeper.path])
    gone = (
        f"Suggested to keep when this review was saved: copy0/{name}, which changed or is "
        "gone since. The copies marked Keep stay now."
    )
    assert rp.group_reason.text().startswith(gone)
    assert "Kept over" not in rp.group_reason.text()
    assert rp.group_reason.toolTip().startswith("When this review was saved:\n")
    rp.select_group_at(1)  # a set whose keeper is as scanned: as before
    assert rp.group_reason.text().startswith("Suggested to keep: IMG_")
    rp.select_group_at(0)
    assert rp.group_reason.text().startswith(gone)
    w.close()
