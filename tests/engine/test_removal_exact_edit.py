"""A hand-edited result cannot pass two different files off as exact copies (issue 10,
class 7): an 'exact' set whose recorded digests differ is not a set of copies."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from cleaner.models import GroupKind
from cleaner.removal.plan import KeepReason, plan_removal
from tests.helpers.removal_helpers import Env, group, isolate, member, photo_bytes, result, write


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    return isolate(monkeypatch, tmp_path)


def test_an_exact_set_of_different_files_is_refused(env: Env) -> None:
    groups = []
    for g in range(40):
        keeper = write(env.photos / "a" / f"IMG_{g:04d}.jpg", photo_bytes(g))
        other = write(env.photos / "b" / f"IMG_{g:04d}.jpg", photo_bytes(1_000 + g))
        groups.append(group(g + 1, member(keeper, keeper=True), member(other, remove=True)))
    plan = plan_removal(result(groups))
    assert plan.files == ()
    assert [k.reason for k in plan.refused] == [KeepReason.NOT_COPIES] * 40


def test_an_exact_set_whose_digests_agree_still_goes(env: Env) -> None:
    groups = []
    for g in range(40):
        keeper = write(env.photos / "a" / f"IMG_{g:04d}.jpg", photo_bytes(g))
        copy = write(env.photos / "b" / f"IMG_{g:04d}.jpg", photo_bytes(g))
        # an older result without a digest for the keeper is no proof of a difference
        keep = member(keeper, keeper=True, with_sha=g % 2 == 0)
        groups.append(group(g + 1, keep, member(copy, remove=True)))
    plan = plan_removal(result(groups))
    assert len(plan.files) == 40


def test_a_similar_set_may_hold_different_files(env: Env) -> None:
    keeper = write(env.photos / "a" / "IMG_0001.jpg", photo_bytes(1))
    other = write(env.photos / "b" / "IMG_0001.jpg", photo_bytes(2))
    g = replace(
        group(1, member(keeper, keeper=True), member(other, remove=True)),
        kind=GroupKind.SIMILAR,
    )
    assert len(plan_removal(result([g])).files) == 1
