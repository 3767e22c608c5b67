"""One file reached by two paths, and a tree that changes between scan and clean.

Issue 10, classes 1, 2 and 12 (the engine part): identity is the file object (device and
inode), never the path, at scan time and again just before each move; the plan is built
from unique files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import cleaner.removal.fileidentity
from cleaner.detect.scan import run_scan
from cleaner.models import ScanSettings
from cleaner.removal.move import run_removal
from cleaner.removal.plan import KeepReason, plan_removal
from cleaner.removal.undolog import UndoLog
from tests.helpers.images import photo, save
from tests.helpers.removal_helpers import Env, exact_result, group, isolate, member, result, write


@pytest.fixture(autouse=True, params=["dir_fd", "lstat"])
def path_walk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs with the POSIX walk (O_NOFOLLOW, dir_fd) and with the portable
    lstat-per-component one that Windows uses."""
    if request.param == "lstat":
        monkeypatch.setattr(cleaner.removal.fileidentity, "_DIR_FD", False)
    return str(request.param)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    return isolate(monkeypatch, tmp_path)


@pytest.fixture
def log(env: Env) -> UndoLog:
    with UndoLog() as undo_log:
        yield undo_log  # type: ignore[misc]


def reasons(finished_or_plan: object) -> dict[str, KeepReason]:
    kept = getattr(finished_or_plan, "refused", None) or getattr(finished_or_plan, "kept", ())
    return {k.path: k.reason for k in kept}


def pictures(folder: Path, n: int) -> dict[Path, bytes]:
    made = {}
    for i in range(n):
        path = save(photo(i, (64, 48)), folder / f"IMG_{i:03d}.png")
        made[path] = path.read_bytes()
    return made


def clean_everything(res: object, log: UndoLog) -> None:
    plan = plan_removal(res)  # type: ignore[arg-type]
    run_removal(plan, log)


def assert_all_in_place(made: dict[Path, bytes]) -> None:
    missing = [str(p) for p, data in made.items() if not p.exists() or p.read_bytes() != data]
    assert missing == []


# -- class 1: one file, two paths --------------------------------------------------------


def test_roots_overlapping_through_a_symlinked_folder_are_one_file_each(
    env: Env, log: UndoLog, tmp_path: Path
) -> None:
    """Caught on main: the scan made each of 20 pictures an exact copy of itself and clean
    moved one path of each, i.e. the only copy."""
    made = pictures(env.photos, 20)
    alias = tmp_path / "alias"
    alias.symlink_to(tmp_path)
    roots = (str(env.photos), str(alias / "photos"))
    res = run_scan(ScanSettings(roots=roots, workers=1), cache_path=None)
    assert res.groups == ()
    assert res.stats.hardlinks == 20
    clean_everything(res, log)
    assert_all_in_place(made)
    assert env.trashed_names() == []


@pytest.fixture
def bind_mount(tmp_path: Path) -> object:
    """`tmp/bound` shows the same folder as `tmp/photos` (needs root; skipped otherwise)."""
    target = tmp_path / "bound"
    target.mkdir()
    source = tmp_path / "photos"
    source.mkdir(exist_ok=True)
    mounted = subprocess.run(
        ["mount", "--bind", str(source), str(target)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip("bind mounts need root")
    yield source, target
    subprocess.run(["umount", str(target)], capture_output=True, check=False)


def test_a_bind_mounted_folder_is_one_file_each(
    env: Env, log: UndoLog, bind_mount: tuple[Path, Path]
) -> None:
    """Caught on main: 20 pictures seen through a bind mount were 20 exact pairs, and clean
    moved the only copy of each."""
    source, target = bind_mount
    made = pictures(source, 20)
    res = run_scan(ScanSettings(roots=(str(source), str(target)), workers=1), cache_path=None)
    assert res.groups == ()
    clean_everything(res, log)
    assert_all_in_place(made)


def test_a_bind_mount_inside_a_hand_built_result_is_never_a_survivor(
    env: Env, log: UndoLog, bind_mount: tuple[Path, Path]
) -> None:
    """A result (older scan, or edited) listing the two spellings of one file as a group:
    the check before the move sees that the copy that would stay is the same file."""
    source, target = bind_mount
    made = pictures(source, 5)
    groups = [
        group(n, member(p, keeper=True), member(target / p.name, remove=True))
        for n, p in enumerate(made, start=1)
    ]
    res = result(groups, roots=(str(env.photos.parent),))
    plan = plan_removal(res)
    finished = run_removal(plan, log)
    assert finished.removed == ()
    assert set(reasons(plan) | reasons(finished)) == {str(target / p.name) for p in made}
    assert_all_in_place(made)


@pytest.fixture
def second_mount(tmp_path: Path) -> object:
    """`photos/a_view` shows `photos/z_real` under another device number with the same
    inode numbers, as a network share mounted twice does (an overlay mount; needs root)."""
    real = tmp_path / "photos" / "z_real"
    view = tmp_path / "photos" / "a_view"
    for folder in (real, view, tmp_path / "upper", tmp_path / "work"):
        folder.mkdir(parents=True, exist_ok=True)
    options = f"lowerdir={real},upperdir={tmp_path / 'upper'},workdir={tmp_path / 'work'}"
    mounted = subprocess.run(
        ["mount", "-t", "overlay", "overlay", "-o", options, str(view)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("overlay mounts need root")
    yield real, view
    subprocess.run(["umount", str(view)], capture_output=True, check=False)


def test_a_share_mounted_twice_never_loses_its_only_copy(
    env: Env, log: UndoLog, second_mount: tuple[Path, Path]
) -> None:
    """Caught on main: the second mount made 10 exact pairs and clean moved the real file of
    each (the keeper was its other view), so both paths lost the picture."""
    real, view = second_mount
    made = pictures(real, 10)
    # Written to the real folder after mounting: the view shows the same inodes.
    assert os.stat(view / "IMG_000.png").st_ino == os.stat(real / "IMG_000.png").st_ino
    res = run_scan(ScanSettings(roots=(str(env.photos),), workers=1), cache_path=None)
    clean_everything(res, log)
    assert_all_in_place(made)
    assert env.trashed_names() == []


def test_two_paths_to_one_inode_in_one_group_are_one_file(env: Env, log: UndoLog) -> None:
    """Caught on main: a group listing a picture and a second name of the same inode had the
    second name moved as a 'copy' of itself."""
    made = pictures(env.photos / "a", 10)
    groups = []
    for n, p in enumerate(made, start=1):
        alias = env.photos / "b" / p.name
        alias.parent.mkdir(exist_ok=True)
        os.link(p, alias)
        groups.append(group(n, member(p, keeper=True), member(alias, remove=True)))
    res = result(groups, roots=(str(env.photos),))
    plan = plan_removal(res)
    finished = run_removal(plan, log)
    assert finished.removed == ()
    assert set(reasons(plan) | reasons(finished)) == {str(env.photos / "b" / p.name) for p in made}
    assert all((env.photos / "b" / p.name).exists() for p in made)


# -- class 2: the tree changes between scan and clean ------------------------------------


def test_a_copys_folder_replaced_by_a_symlink_to_the_keepers_folder(env: Env, log: UndoLog) -> None:
    """Caught on main: with `copies/` replaced by a link to `originals/`, clean moved the
    keeper of each of 20 pictures (the last real copy), because only the last path
    component was checked."""
    originals = pictures(env.photos / "originals", 20)
    copies = env.photos / "copies"
    shutil.copytree(env.photos / "originals", copies, copy_function=shutil.copy2)
    groups = [
        group(n, member(p, keeper=True), member(copies / p.name, remove=True))
        for n, p in enumerate(originals, start=1)
    ]
    res = result(groups, roots=(str(env.photos),))
    shutil.rmtree(copies)
    copies.symlink_to(env.photos / "originals")
    plan = plan_removal(res)
    finished = run_removal(plan, log)
    assert finished.removed == ()
    assert_all_in_place(originals)
    assert reasons(plan) == {str(copies / p.name): KeepReason.SYMLINK for p in originals}
    assert all("'copies'" in k.detail for k in plan.refused)


def test_the_keepers_folder_replaced_by_a_symlink_to_the_copies_is_no_survivor(
    env: Env, log: UndoLog
) -> None:
    """The keeper's folder swapped for a link to the copies' folder after the plan: the
    only copy left is the victim itself, so nothing moves."""
    originals = pictures(env.photos / "originals", 10)
    copies = env.photos / "copies"
    shutil.copytree(env.photos / "originals", copies, copy_function=shutil.copy2)
    groups = [
        group(n, member(p, keeper=True), member(copies / p.name, remove=True))
        for n, p in enumerate(originals, start=1)
    ]
    res = result(groups, roots=(str(env.photos),))
    plan = plan_removal(res)
    assert len(plan.files) == 10
    shutil.rmtree(env.photos / "originals")
    (env.photos / "originals").symlink_to(copies)
    finished = run_removal(plan, log)
    assert finished.removed == ()
    assert set(reasons(finished).values()) == {KeepReason.NO_COPY_LEFT}
    assert all((copies / p.name).read_bytes() == data for p, data in originals.items())


# -- class 12, engine part: the plan is built from unique files --------------------------


def test_a_path_listed_twice_in_a_group_is_planned_and_counted_once(env: Env) -> None:
    """Caught on main: the copy was planned twice and its bytes counted twice."""
    res = exact_result(env.photos, groups=3)
    doubled = [group(g.id, *g.members, g.members[1]) for g in res.groups]
    res2 = result(doubled, roots=res.settings.roots)
    plan = plan_removal(res2)
    assert [f.path for f in plan.files] == [g.members[1].path for g in res.groups]
    assert plan.bytes_total == 3 * 2048


def test_two_groups_with_one_id_each_need_their_own_survivor(env: Env, log: UndoLog) -> None:
    """Caught on main: the survivor check was cached by group id, so the second group with
    the same id moved its copy although its keeper was gone: the last copy."""
    res = exact_result(env.photos, groups=2)
    same_id = [group(7, *g.members) for g in res.groups]
    plan = plan_removal(result(same_id, roots=res.settings.roots))
    os.unlink(res.groups[1].keeper.path)
    finished = run_removal(plan, log)
    assert [r.path for r in finished.removed] == [res.groups[0].members[1].path]
    assert reasons(finished) == {res.groups[1].members[1].path: KeepReason.NO_COPY_LEFT}
    assert os.path.exists(res.groups[1].members[1].path)


def test_a_file_is_never_a_survivor_while_it_is_a_victim_elsewhere(env: Env, log: UndoLog) -> None:
    """Group 1 keeps `a/x` and removes `b/x`; group 2 removes `c/x`, a second name (hard
    link) of `a/x`. `a/x` cannot be the copy that stays for group 1."""
    data = b"picture" * 300
    a = write(env.photos / "a" / "x.jpg", data)
    b = write(env.photos / "b" / "x.jpg", data)
    c = env.photos / "c" / "x.jpg"
    c.parent.mkdir()
    os.link(a, c)
    other = write(env.photos / "d" / "y.jpg", data)
    res = result(
        [
            group(1, member(a, keeper=True), member(b, remove=True)),
            group(2, member(other, keeper=True), member(c, remove=True)),
        ],
        roots=(str(env.photos),),
    )
    plan = plan_removal(res)
    victims = {(os.stat(f.path).st_dev, os.stat(f.path).st_ino) for f in plan.files}
    for f in plan.files:
        for s in f.survivors:
            assert (os.stat(s.path).st_dev, os.stat(s.path).st_ino) not in victims
    run_removal(plan, log)
    assert any(p.exists() and p.read_bytes() == data for p in (a, b, c))


def test_a_folder_swapped_for_a_symlink_after_the_plan_is_seen_before_the_move(
    env: Env, log: UndoLog
) -> None:
    """The plan was shown with `copies/` real; then it became a link to `originals/`."""
    originals = pictures(env.photos / "originals", 20)
    copies = env.photos / "copies"
    shutil.copytree(env.photos / "originals", copies, copy_function=shutil.copy2)
    groups = [
        group(n, member(p, keeper=True), member(copies / p.name, remove=True))
        for n, p in enumerate(originals, start=1)
    ]
    plan = plan_removal(result(groups, roots=(str(env.photos),)))
    assert len(plan.files) == 20
    shutil.rmtree(copies)
    copies.symlink_to(env.photos / "originals")
    finished = run_removal(plan, log)
    assert finished.removed == ()
    assert set(reasons(finished).values()) == {KeepReason.SYMLINK}
    assert_all_in_place(originals)


def test_a_big_exact_group_reads_its_keeper_once_yet_sees_it_change(
    env: Env, log: UndoLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,000 exact copies: the keeper is digested once, then only looked up before each
    move; an edit of the keeper halfway (same size, mtime put back) stops the rest."""
    import cleaner.removal.move
    from cleaner.removal.trash import move_to_trash

    data = b"k" * 4096
    keeper = write(env.photos / "keep" / "IMG_0.jpg", data, 1_700_000_000_000_000_000)
    copies = [
        write(env.photos / f"c{n // 100}" / f"IMG_{n}.jpg", data, 1_700_000_000_000_000_000)
        for n in range(1, 1000)
    ]
    res = result(
        [group(1, member(keeper, keeper=True), *(member(c, remove=True) for c in copies))],
        roots=(str(env.photos),),
    )
    reads: list[str] = []
    real_read = cleaner.removal.move.read_object

    def counting_read(path: str, root: str | None = None) -> object:
        reads.append(path)
        return real_read(path, root)

    monkeypatch.setattr(cleaner.removal.move, "read_object", counting_read)
    moved = 0

    def trash_then_edit_keeper(path: str) -> None:
        nonlocal moved
        move_to_trash(path)
        moved += 1
        if moved == 500:
            st = os.stat(keeper)
            keeper.write_bytes(b"e" * 4096)
            os.utime(keeper, ns=(st.st_atime_ns, st.st_mtime_ns))

    finished = run_removal(plan_removal(res), log, trash=trash_then_edit_keeper)
    assert len(finished.removed) == 500
    assert set(reasons(finished).values()) == {KeepReason.NO_COPY_LEFT}
    assert len(finished.kept) == 499
    # Each victim once, the keeper once before the edit and once per victim after it.
    assert reads.count(str(keeper)) == 1 + 499
    assert len(reads) == 999 + reads.count(str(keeper))
