"""Planning and carrying out removals: the safety rules, per-file outcomes, quarantine."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from cleaner.progress import CancelToken, Progress
from cleaner.removal.move import (
    FileKept,
    FileRemoved,
    QuarantineMode,
    RemovalFinished,
    RemovalOptions,
    remove_files,
    run_removal,
)
from cleaner.removal.plan import KeepReason, plan_removal
from cleaner.removal.restore import RestoreState, run_restore
from cleaner.removal.trash import TrashUnavailable, quarantine_destination
from cleaner.removal.undolog import BatchState, Method, Outcome, UndoLog
from tests.helpers.removal_helpers import Env, exact_result, group, isolate, member, result, write


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    return isolate(monkeypatch, tmp_path)


@pytest.fixture
def log(env: Env) -> UndoLog:
    with UndoLog() as undo_log:
        yield undo_log  # type: ignore[misc]


def reasons(plan_or_finished: object) -> dict[str, KeepReason]:
    kept = getattr(plan_or_finished, "refused", None) or getattr(plan_or_finished, "kept", ())
    return {k.path: k.reason for k in kept}


# -- planning ----------------------------------------------------------------------------


def test_plan_defaults_to_the_suggested_copies(env: Env) -> None:
    res = exact_result(env.photos, groups=3, copies=3)
    plan = plan_removal(res)
    expected = {m.path for g in res.groups for m in g.members if not m.is_keeper}
    assert {f.path for f in plan.files} == expected
    assert plan.refused == ()
    assert plan.bytes_total == 6 * 2048


def test_never_every_copy_of_a_group(env: Env) -> None:
    res = exact_result(env.photos, groups=2, copies=2)
    g0 = [m.path for m in res.groups[0].members]
    g1_copy = res.groups[1].members[1].path
    plan = plan_removal(res, marked=[*g0, g1_copy])
    assert {f.path for f in plan.files} == {g1_copy}
    assert reasons(plan) == {p: KeepReason.ALL_COPIES for p in g0}


def test_protected_members_and_folders_are_refused(env: Env) -> None:
    keep = write(env.photos / "a" / "keep.jpg", b"x" * 100)
    flagged = write(env.photos / "a" / "flagged.jpg", b"x" * 100)
    in_folder = write(env.photos / "vault" / "copy.jpg", b"x" * 100)
    in_extra = write(env.photos / "extra" / "copy.jpg", b"x" * 100)
    res = result(
        [
            group(
                1,
                member(keep, keeper=True),
                member(flagged, remove=True, protected=True),
                member(in_folder, remove=True),
                member(in_extra, remove=True),
            )
        ],
        protected=(str(env.photos / "vault"),),
    )
    plan = plan_removal(res, protected_folders=[str(env.photos / "extra")])
    assert plan.files == ()
    assert reasons(plan) == {
        str(flagged): KeepReason.PROTECTED,
        str(in_folder): KeepReason.PROTECTED,
        str(in_extra): KeepReason.PROTECTED,
    }


def test_a_protected_folder_named_through_a_symlink_still_protects(env: Env) -> None:
    keep = write(env.photos / "real" / "keep.jpg", b"s" * 10)
    copy = write(env.photos / "real" / "copy.jpg", b"s" * 10)
    alias = env.photos / "alias"
    alias.symlink_to(env.photos / "real")
    res = result([group(1, member(keep, keeper=True), member(copy, remove=True))])
    plan = plan_removal(res, protected_folders=[str(alias)])
    assert reasons(plan) == {str(copy): KeepReason.PROTECTED}


def test_a_folder_that_merely_starts_like_a_protected_one_is_not_protected(env: Env) -> None:
    keep = write(env.photos / "vault" / "keep.jpg", b"y" * 10)
    other = write(env.photos / "vault2" / "copy.jpg", b"y" * 10)
    res = result([group(1, member(keep, keeper=True), member(other, remove=True))])
    plan = plan_removal(res, protected_folders=[str(env.photos / "vault")])
    assert [f.path for f in plan.files] == [str(other)]


def test_symlinks_are_refused_and_never_followed(env: Env, log: UndoLog) -> None:
    keep = write(env.photos / "keep.jpg", b"z" * 64)
    target = write(env.photos / "target.jpg", b"z" * 64)
    link = env.photos / "link.jpg"
    link.symlink_to(target)
    res = result([group(1, member(keep, keeper=True), member(link, remove=True))])
    assert reasons(plan_removal(res)) == {str(link): KeepReason.SYMLINK}

    # A file replaced by a link after planning: the check just before the move sees it.
    victim = write(env.photos / "victim.jpg", b"z" * 64)
    res2 = result([group(2, member(keep, keeper=True), member(victim, remove=True))])
    plan = plan_removal(res2)
    victim.unlink()
    victim.symlink_to(target)
    finished = run_removal(plan, log)
    assert reasons(finished) == {str(victim): KeepReason.SYMLINK}
    assert victim.is_symlink()
    assert target.read_bytes() == b"z" * 64
    assert env.trashed_names() == []


def test_marked_paths_outside_the_result_are_refused(env: Env) -> None:
    res = exact_result(env.photos, groups=1)
    plan = plan_removal(res, marked=["/nowhere/else.jpg"])
    assert plan.files == ()
    assert reasons(plan) == {"/nowhere/else.jpg": KeepReason.NOT_IN_RESULT}


def test_plan_sees_vanished_and_changed_files(env: Env) -> None:
    res = exact_result(env.photos, groups=2)
    gone = res.groups[0].members[1].path
    grown = res.groups[1].members[1].path
    os.unlink(gone)
    with open(grown, "ab") as fh:
        fh.write(b"more")
    plan = plan_removal(res)
    assert plan.files == ()
    assert reasons(plan) == {gone: KeepReason.VANISHED, grown: KeepReason.CHANGED}


# -- carrying out -------------------------------------------------------------------------


def test_removes_to_the_trash_and_logs_every_file(env: Env, log: UndoLog) -> None:
    res = exact_result(env.photos, groups=4)
    plan = plan_removal(res)
    events = list(remove_files(plan, log, app_version="9.9", source="result.json"))
    finished = events[-1]
    assert isinstance(finished, RemovalFinished)
    assert len(finished.removed) == 4
    assert finished.kept == ()
    assert all(not os.path.lexists(f.path) for f in plan.files)
    assert all(os.path.exists(g.keeper.path) for g in res.groups)
    assert len(env.trashed_names()) == 4
    progress = [e for e in events if isinstance(e, Progress)]
    assert progress
    assert progress[-1].done == progress[-1].total == 4

    batch = log.batch(finished.batch_id)
    assert (batch.app_version, batch.source, batch.state) == (
        "9.9",
        "result.json",
        BatchState.FINISHED,
    )
    assert batch.moved == 4
    for entry, removed in zip(log.entries(batch.id), finished.removed, strict=True):
        assert entry.outcome is Outcome.MOVED
        assert entry.original_path == removed.path
        assert entry.method is Method.TRASH
        assert entry.destination is not None
        assert Path(entry.destination).parent == env.trash / "files"
        assert Path(entry.destination).stat().st_size == entry.size
        assert entry.sha256 is not None
        assert len(entry.sha256) == 64
        assert entry.moved_at is not None
        assert entry.moved_at >= entry.started_at


def test_a_file_modified_between_scan_and_removal_is_not_moved(env: Env, log: UndoLog) -> None:
    res = exact_result(env.photos, groups=2)
    plan = plan_removal(res)
    # Same size and the same mtime put back: only the digest can tell.
    sneaky = Path(plan.files[0].path)
    st = sneaky.stat()
    sneaky.write_bytes(b"\0" * st.st_size)
    os.utime(sneaky, ns=(st.st_atime_ns, st.st_mtime_ns))
    # An ordinary edit: the mtime changes.
    edited = Path(plan.files[1].path)
    edited.write_bytes(edited.read_bytes()[::-1])

    finished = run_removal(plan, log)
    assert finished.removed == ()
    assert reasons(finished) == {str(sneaky): KeepReason.CHANGED, str(edited): KeepReason.CHANGED}
    assert sneaky.read_bytes() == b"\0" * st.st_size
    assert edited.exists()
    assert env.trashed_names() == []
    outcomes = [e.outcome for e in log.entries(finished.batch_id)]
    assert outcomes == [Outcome.SKIPPED, Outcome.SKIPPED]


def test_a_digest_is_computed_for_the_log_when_the_scan_had_none(env: Env, log: UndoLog) -> None:
    keep = write(env.photos / "k.jpg", b"abc" * 50)
    copy = write(env.photos / "c.jpg", b"abc" * 50)
    res = result(
        [
            group(
                1,
                member(keep, keeper=True, with_sha=False),
                member(copy, remove=True, with_sha=False),
            )
        ]
    )
    finished = run_removal(plan_removal(res), log)
    (entry,) = log.entries(finished.batch_id)
    import hashlib

    assert entry.sha256 == hashlib.sha256(b"abc" * 50).hexdigest()


def test_nothing_moves_when_the_copy_that_stays_is_gone(env: Env, log: UndoLog) -> None:
    res = exact_result(env.photos, groups=2)
    plan = plan_removal(res)
    os.unlink(res.groups[0].keeper.path)  # vanished after the plan was shown
    Path(res.groups[1].keeper.path).write_bytes(b"edited")  # changed: no longer a copy
    finished = run_removal(plan, log)
    assert finished.removed == ()
    assert set(reasons(finished).values()) == {KeepReason.NO_COPY_LEFT}
    assert all(os.path.exists(f.path) for f in plan.files)


def test_one_failure_does_not_stop_the_batch(env: Env, log: UndoLog) -> None:
    from cleaner.removal import trash as trash_mod

    res = exact_result(env.photos, groups=5)
    plan = plan_removal(res)
    locked = {plan.files[1].path: errno.EACCES, plan.files[3].path: errno.ENAMETOOLONG}

    def flaky(path: str) -> None:
        if path in locked:
            raise OSError(locked[path], os.strerror(locked[path]), path)
        trash_mod.send_to_trash(path)

    finished = run_removal(plan, log, trash=flaky)
    assert len(finished.removed) == 3
    kept = {k.path: k for k in finished.kept}
    assert set(kept) == set(locked)
    assert kept[plan.files[1].path].detail == "permission denied"
    assert kept[plan.files[3].path].detail == "the path is too long"
    assert all(os.path.exists(p) for p in locked)
    by_path = {e.original_path: e for e in log.entries(finished.batch_id)}
    assert [by_path[p].outcome for p in locked] == [Outcome.FAILED, Outcome.FAILED]
    assert sum(e.outcome is Outcome.MOVED for e in by_path.values()) == 3


def unavailable(path: str) -> None:
    raise TrashUnavailable("no trash folder can be created on this drive")


def test_trash_unavailable_never_falls_back_silently(env: Env, log: UndoLog) -> None:
    res = exact_result(env.photos, groups=2)
    plan = plan_removal(res)
    finished = run_removal(plan, log, trash=unavailable)
    assert finished.removed == ()
    assert set(reasons(finished).values()) == {KeepReason.TRASH_UNAVAILABLE}
    assert all(os.path.exists(f.path) for f in plan.files)
    assert all(e.outcome is Outcome.FAILED for e in log.entries(finished.batch_id))


def test_quarantine_fallback_moves_and_logs_then_undo_restores(
    env: Env, log: UndoLog, tmp_path: Path
) -> None:
    res = exact_result(env.photos, groups=3)
    plan = plan_removal(res)
    before = {f.path: Path(f.path).read_bytes() for f in plan.files}
    qdir = tmp_path / "share" / ".photosift-quarantine"
    opts = RemovalOptions(QuarantineMode.FALLBACK, str(qdir))
    finished = run_removal(plan, log, options=opts, trash=unavailable)
    assert len(finished.removed) == 3
    for removed in finished.removed:
        assert removed.method is Method.QUARANTINE
        assert removed.destination == quarantine_destination(
            removed.path, str(qdir), finished.batch_id
        )
        assert Path(removed.destination).read_bytes() == before[removed.path]
        assert not os.path.lexists(removed.path)
    entries = log.entries(finished.batch_id)
    assert [e.method for e in entries] == [Method.QUARANTINE] * 3
    assert [e.destination for e in entries] == [r.destination for r in finished.removed]

    undone = run_restore(log, finished.batch_id)
    assert [r.state for r in undone.results] == [RestoreState.RESTORED] * 3
    assert {p: Path(p).read_bytes() for p in before} == before
    assert list(qdir.iterdir()) == []  # the emptied batch folder is tidied away, not the root


def test_quarantine_always_skips_the_trash(env: Env, log: UndoLog, tmp_path: Path) -> None:
    res = exact_result(env.photos, groups=1)
    plan = plan_removal(res)

    def must_not_be_called(path: str) -> None:
        raise AssertionError("the trash was used in quarantine mode")

    opts = RemovalOptions(QuarantineMode.ALWAYS, str(tmp_path / "q"))
    finished = run_removal(plan, log, options=opts, trash=must_not_be_called)
    (removed,) = finished.removed
    assert removed.method is Method.QUARANTINE
    assert removed.destination is not None
    assert Path(removed.destination).is_file()
    assert str(tmp_path / "q" / finished.batch_id) in removed.destination


def test_cancel_stops_between_files(env: Env, log: UndoLog) -> None:
    res = exact_result(env.photos, groups=5)
    plan = plan_removal(res)
    cancel = CancelToken()
    events = []
    for event in remove_files(plan, log, cancel=cancel):
        events.append(event)
        if isinstance(event, FileRemoved) and sum(isinstance(e, FileRemoved) for e in events) == 2:
            cancel.cancel()
    finished = events[-1]
    assert isinstance(finished, RemovalFinished)
    assert finished.cancelled
    assert len(finished.removed) == 2
    assert sum(os.path.exists(f.path) for f in plan.files) == 3
    assert log.batch(finished.batch_id).state is BatchState.CANCELLED
    assert not any(isinstance(e, FileKept) for e in events)
