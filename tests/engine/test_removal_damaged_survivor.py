"""The last intact copy never goes while only damaged copies would stay (issue 10, class 4).

The keeper rule already never suggests a damaged copy over an intact one, but a user can
mark the intact copy by hand (or a hand-edited result can). A damaged copy that stays is
not "a copy of the picture" for the user's purposes: half of it may be grey.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from cleaner.models import DamageReason, DuplicateGroup, GroupKind, GroupMember, ImageMetrics
from cleaner.removal.move import run_removal
from cleaner.removal.plan import KeepReason, plan_removal
from cleaner.removal.undolog import UndoLog
from tests.helpers.removal_helpers import Env, group, isolate, member, photo_bytes, result, write


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    return isolate(monkeypatch, tmp_path)


def similar(gid: int, *members: GroupMember) -> DuplicateGroup:
    """A set of the same picture in different files (a damaged copy has other bytes)."""
    return group(gid, *members, kind=GroupKind.SIMILAR)


def _metrics(damage: DamageReason | None) -> ImageMetrics:
    return ImageMetrics(
        format="PNG",
        width=640,
        height=480,
        lossless=True,
        jpeg_quality=None,
        sharpness=100.0,
        detail=40.0,
        capture_time=None,
        camera=None,
        has_gps=False,
        has_exif=False,
        looks_like_screenshot=False,
        looks_like_export=False,
        damage=damage,
    )


def _with(m: GroupMember, damage: DamageReason | None) -> GroupMember:
    return replace(m, metrics=_metrics(damage))


def _library(env: Env, n: int) -> list[tuple[GroupMember, GroupMember, GroupMember]]:
    """`n` groups: an intact original, a damaged copy, and a second damaged copy."""
    out = []
    for g in range(n):
        folder = env.photos / f"album{g % 7}"
        intact = write(folder / f"IMG_{g:04d}.png", photo_bytes(g))
        broken = write(folder / f"IMG_{g:04d}_bad.png", photo_bytes(10_000 + g))
        broken2 = write(folder / f"IMG_{g:04d}_bad2.png", photo_bytes(20_000 + g))
        out.append(
            (
                _with(member(intact), None),
                _with(member(broken), DamageReason.PNG_CHECKSUM),
                _with(member(broken2), DamageReason.TRUNCATED),
            )
        )
    return out


def test_the_last_intact_copy_stays_when_only_damaged_copies_would(env: Env) -> None:
    lib = _library(env, 300)
    res = result([similar(g + 1, *ms) for g, ms in enumerate(lib)])
    intact = [ms[0].path for ms in lib]
    plan = plan_removal(res, marked=intact)
    assert [f.path for f in plan.files] == []
    assert [k.path for k in plan.refused] == intact
    assert {k.reason for k in plan.refused} == {KeepReason.ONLY_DAMAGED_LEFT}
    with UndoLog() as log:
        finished = run_removal(plan, log)
    assert finished.removed == ()
    assert all(Path(p).exists() for p in intact)


def test_damaged_copies_still_go_while_an_intact_copy_stays(env: Env) -> None:
    lib = _library(env, 200)
    res = result([similar(g + 1, *ms) for g, ms in enumerate(lib)])
    damaged = [m.path for ms in lib for m in ms[1:]]
    plan = plan_removal(res, marked=damaged)
    assert [f.path for f in plan.files] == damaged
    # The copy each move leans on is the intact one, never the other damaged copy.
    assert all([s.path for s in f.survivors] == [lib[f.group_id - 1][0].path] for f in plan.files)
    with UndoLog() as log:
        finished = run_removal(plan, log)
    assert [r.path for r in finished.removed] == damaged


def test_an_intact_copy_may_go_while_another_intact_copy_stays(env: Env) -> None:
    lib = _library(env, 50)
    groups = []
    keep = []
    for g, (intact, broken, _) in enumerate(lib):
        second = write(Path(intact.path).with_name(f"IMG_{g:04d}_2.png"), photo_bytes(g))
        keep.append(str(second))
        groups.append(similar(g + 1, intact, broken, _with(member(second), None)))
    plan = plan_removal(result(groups), marked=[ms[0].path for ms in lib])
    assert [f.path for f in plan.files] == [ms[0].path for ms in lib]
    assert all([s.path for s in f.survivors] == [keep[f.group_id - 1]] for f in plan.files)


def test_a_group_of_only_damaged_copies_can_still_be_thinned(env: Env) -> None:
    lib = _library(env, 20)
    res = result([similar(g + 1, ms[1], ms[2]) for g, ms in enumerate(lib)])
    plan = plan_removal(res, marked=[ms[2].path for ms in lib])
    assert [f.path for f in plan.files] == [ms[2].path for ms in lib]
