"""The engine's last line of defence: a copy marked for removal never goes when the copies
that would stay were deleted or changed after the scan, even if the window (or a
hand-edited list of marks) let it through. The plan comes after the change here, made
without looking at the disk (`check_disk=False`): a plan that looks leaves such sets out
already (`test_plan_survivors.py`); for a change between plan and move see
`test_removal.py` (the copy that stays is gone)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cleaner.removal.move import run_removal
from cleaner.removal.plan import KeepReason, plan_removal
from cleaner.removal.undolog import UndoLog
from tests.helpers.removal_helpers import Env, exact_result, isolate

GROUPS = 300


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    return isolate(monkeypatch, tmp_path)


def _no_copy_left(g: int) -> bool:
    return g % 7 == 3  # the keeper deleted and copy2 edited: nothing that stays is a copy


def test_a_copy_whose_staying_copies_changed_after_the_scan_never_moves(env: Env) -> None:
    res = exact_result(env.photos, groups=GROUPS, copies=3)
    marked = [g.members[1].path for g in res.groups]  # copy1 goes; keeper and copy2 stay
    for g, group in enumerate(res.groups):
        keeper, _, copy2 = (m.path for m in group.members)
        if _no_copy_left(g):
            os.unlink(keeper)
            Path(copy2).write_bytes(b"edited after the scan")
        elif g % 11 == 4:
            os.unlink(keeper)  # copy2 still is a copy: copy1 may go
        elif g % 13 == 5:
            os.utime(keeper, ns=(1, 1))  # the keeper touched: copy2 still is a copy
    plan = plan_removal(res, marked=marked, check_disk=False)
    with UndoLog() as log:
        finished = run_removal(plan, log)
    doomed = [m for g, m in enumerate(marked) if _no_copy_left(g)]
    assert len(doomed) > 40
    assert [r.path for r in finished.removed] == [m for m in marked if m not in doomed]
    assert [(k.path, k.reason) for k in finished.kept] == [
        (p, KeepReason.NO_COPY_LEFT) for p in doomed
    ]
    assert [p for p in doomed if not os.path.exists(p)] == []  # every one still in place
    assert "missing or changed" in finished.kept[0].message


def test_nothing_moves_when_no_group_has_a_copy_left_on_disk(env: Env) -> None:
    res = exact_result(env.photos, groups=20, copies=2)
    marked = [g.members[1].path for g in res.groups]
    for g, group in enumerate(res.groups):
        keeper = group.members[0].path
        if g % 2:
            os.unlink(keeper)
        else:
            Path(keeper).write_bytes(b"x" * 2048)  # same size, other content and date
    with UndoLog() as log:
        finished = run_removal(plan_removal(res, marked=marked, check_disk=False), log)
    assert finished.removed == ()
    assert [k.path for k in finished.kept] == marked
    assert {k.reason for k in finished.kept} == {KeepReason.NO_COPY_LEFT}
    assert [p for p in marked if not os.path.exists(p)] == []
