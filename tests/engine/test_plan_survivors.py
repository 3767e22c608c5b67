"""The plan already knows when the copies that would stay are gone or changed on disk, so
the confirmation (the window's dialog, `photosift clean --dry-run`) never lists a file the
move would then refuse (NO_COPY_LEFT). Thousands of sets, some with survivors deleted,
edited, touched or replaced by another file since the scan; lists compared in order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cleaner import resultio
from cleaner.removal.move import run_removal
from cleaner.removal.plan import KeepReason, plan_removal
from cleaner.removal.undolog import UndoLog
from tests.helpers.removal_cli import cli
from tests.helpers.removal_helpers import Env, exact_result, isolate

GROUPS = 2000


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    return isolate(monkeypatch, tmp_path)


def _replace(path: str) -> None:
    """Another file object under the name, same bytes and mtime (a restore from backup)."""
    st = os.stat(path)
    new = Path(path + ".new")  # written while the old one exists: another inode
    new.write_bytes(Path(path).read_bytes())
    os.utime(new, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(new, path)


def _damage(g: int, keeper: str, copy2: str) -> str | None:
    """What happens to set `g`'s copies that stay (the keeper and copy2) after the scan;
    the kind of set where nothing that stays is still as scanned, else None."""
    if g % 7 == 3:
        os.unlink(keeper)
        Path(copy2).write_bytes(b"edited after the scan")  # other size
        return "deleted + edited"
    if g % 13 == 5:
        os.utime(keeper, ns=(1, 1))  # touched: same bytes, other date
        _replace(copy2)
        return "touched + replaced"
    if g % 11 == 4:
        os.unlink(keeper)  # copy2 still is a copy: copy1 may go
    elif g % 17 == 6:
        os.utime(copy2, ns=(1, 1))  # the keeper still is a copy
    return None


def test_the_plan_leaves_out_sets_whose_staying_copies_changed(env: Env) -> None:
    res = exact_result(env.photos, groups=GROUPS, copies=3)
    marked = [g.members[1].path for g in res.groups]  # copy1 goes; keeper and copy2 stay
    doomed: list[int] = []
    for g, group in enumerate(res.groups):
        keeper, _, copy2 = (m.path for m in group.members)
        if _damage(g, keeper, copy2):
            doomed.append(g)
    assert 300 < len(doomed) < 600
    plan = plan_removal(res, marked=marked)
    refused = [marked[g] for g in doomed]
    assert [f.path for f in plan.files] == [m for m in marked if m not in set(refused)]
    assert [(k.path, k.reason) for k in plan.refused] == [
        (p, KeepReason.NO_COPY_LEFT) for p in refused
    ]
    # the detail says which copies and what happened to them
    first, touched = plan.refused[0], plan.refused[doomed.index(5)]
    keeper0, _, copy20 = (m.path for m in res.groups[doomed[0]].members)
    assert first.detail == f"{keeper0}: no longer there; {copy20}: changed since the scan"
    assert "missing or changed" in first.message
    keeper5, _, copy25 = (m.path for m in res.groups[5].members)
    assert touched.detail == (
        f"{keeper5}: changed since the scan; {copy25}: changed since the scan"
    )
    # a planned file leans only on copies still as scanned
    by_path = {f.path: f for f in plan.files}
    lone = res.groups[4]  # g % 11 == 4: the keeper is gone, copy2 stays
    assert [s.path for s in by_path[lone.members[1].path].survivors] == [lone.members[2].path]
    # the move agrees with the plan: nothing it lists is refused
    with UndoLog() as log:
        finished = run_removal(plan, log)
    assert [r.path for r in finished.removed] == [f.path for f in plan.files]
    assert finished.kept == ()
    assert [p for p in refused if not os.path.exists(p)] == []
    # without looking at the disk the plan is as before: the move is the last defence
    blind = plan_removal(res, marked=refused, check_disk=False)
    assert [f.path for f in blind.files] == refused
    with UndoLog() as log:
        finished = run_removal(blind, log)
    assert finished.removed == ()
    assert [(k.path, k.reason) for k in finished.kept] == [
        (p, KeepReason.NO_COPY_LEFT) for p in refused
    ]


def test_dry_run_lists_a_set_whose_keeper_is_gone_as_staying(
    env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    res = exact_result(env.photos, groups=3)
    saved = tmp_path / "result.json"
    resultio.save(res, saved)
    os.unlink(res.groups[1].keeper.path)
    assert cli("clean", "--from", str(saved), "--dry-run") == 0
    out = capsys.readouterr().out
    gone, goes = res.groups[1].members[1].path, res.groups[0].members[1].path
    assert "2 files (4.1 KB) will be moved" in out, out
    assert f"  {goes}\n" in out
    assert f"  {gone}\n" not in out
    assert "1 file marked for removal will stay where it is:" in out
    assert (
        f"  {gone}: the copy that would stay is missing or changed "
        f"({res.groups[1].keeper.path}: no longer there)" in out
    )
