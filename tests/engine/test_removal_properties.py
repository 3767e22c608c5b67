"""Property tests of the removal planner and mover (issue 10, classes 1, 2 and 12).

For any groups, any double paths in the scan's record (a hard link, a root spelled through a
symbolic link) and any sequence of changes to the files between scan and clean (deletes,
swaps, a folder replaced by a link to another folder, a file replaced by a hard link to
another, content edits with the mtime put back, mtime touches), after `run_removal`:
- every group that still had a copy with its scanned content keeps one;
- no file outside the plan moved, and what went to the trash is the scanned file object.
The files are trashed for real, into a temporary freedesktop trash (`isolate()`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.removal.move import run_removal
from cleaner.removal.plan import plan_removal
from cleaner.removal.undolog import UndoLog
from tests.helpers.removal_helpers import group, isolate, member, photo_bytes, result, write

MTIME = 1_600_000_000_000_000_000


@dataclass(frozen=True)
class Shape:
    groups: tuple[tuple[bool, int], ...]  # (exact, members) per group
    doubles: tuple[tuple[int, int, str], ...]  # (group, member, "hardlink" | "alias")
    marked: tuple[int, ...] | None  # flat member indices; None = the scan's suggestions
    plan_first: bool  # plan before the changes (they happen while the plan is on screen)


CHANGES = ("delete", "swap", "folder_link", "hardlink", "edit", "touch")


@st.composite
def shapes(draw: st.DrawFn) -> tuple[Shape, list[tuple[str, int, int]]]:
    groups = tuple(
        (draw(st.booleans()), draw(st.integers(2, 4))) for _ in range(draw(st.integers(1, 3)))
    )
    total = sum(n for _, n in groups)
    doubles = tuple(
        (g, draw(st.integers(1, groups[g][1] - 1)), draw(st.sampled_from(["hardlink", "alias"])))
        for g in draw(st.lists(st.integers(0, len(groups) - 1), max_size=2, unique=True))
    )
    marked = draw(st.none() | st.lists(st.integers(0, total - 1), max_size=total).map(tuple))
    changes = draw(
        st.lists(
            st.tuples(
                st.sampled_from(CHANGES), st.integers(0, total - 1), st.integers(0, total - 1)
            ),
            max_size=4,
        )
    )
    return Shape(groups, doubles, marked, draw(st.booleans())), changes


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every regular file under `root` (links not followed): path -> (device, inode, sha)."""
    found: dict[str, tuple[int, int, str]] = {}
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            st_ = os.lstat(path)
            if path.is_file() and not path.is_symlink():
                found[str(path)] = (st_.st_dev, st_.st_ino, sha(path))
    return found


def change(kind: str, a: Path, b: Path, scratch: Path) -> None:
    """One change between scan and clean; a change that does not apply does nothing."""
    try:
        if kind == "delete":
            a.unlink()
        elif kind == "swap" and a != b:
            tmp = scratch / "swap.tmp"
            os.rename(a, tmp)
            os.rename(b, a)
            os.rename(tmp, b)
        elif kind == "folder_link" and a.parent != b.parent:
            shutil.rmtree(a.parent)
            a.parent.symlink_to(b.parent, target_is_directory=True)
        elif kind == "hardlink" and a != b:
            a.unlink()
            os.link(b, a)
        elif kind == "edit":
            st_ = os.stat(a)
            a.write_bytes(bytes(reversed(a.read_bytes())) + b"!")
            a.write_bytes(a.read_bytes()[1:])  # same size, other bytes
            os.utime(a, ns=(st_.st_atime_ns, st_.st_mtime_ns))
        elif kind == "touch":
            os.utime(a, ns=(MTIME, os.stat(a).st_mtime_ns + 1_000_000_000))
    except OSError:
        pass


def build(root: Path, alias_root: Path, shape: Shape) -> tuple[list, list[Path]]:  # type: ignore[type-arg]
    """Files on disk and the groups a scan (an older one, or one edited) would record."""
    groups = []
    paths: list[Path] = []
    doubles = {(g, m): how for g, m, how in shape.doubles}
    for g, (exact, n) in enumerate(shape.groups):
        members = []
        first: Path | None = None
        for m in range(n):
            data = photo_bytes(g * 10 if exact else g * 10 + m, 256)
            path = root / f"g{g}m{m}" / f"IMG_{g}_{m}.jpg"
            how = doubles.get((g, m))
            if how == "hardlink" and first is not None:
                path.parent.mkdir(parents=True)
                os.link(first, path)
            elif how == "alias" and first is not None:
                path = alias_root / first.relative_to(root)  # the same file, other spelling
            else:
                write(path, data, MTIME + g)
            first = first or path
            members.append(member(path, keeper=m == 0, remove=m > 0))
            paths.append(path)
        groups.append(group(g + 1, *members))
    return groups, paths


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shapes())
def test_a_copy_always_stays_and_nothing_outside_the_plan_moves(
    case: tuple[Shape, list[tuple[str, int, int]]],
) -> None:
    shape, changes = case
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as mp:
        base = Path(folder)
        env = isolate(mp, base)
        (base / "alias").symlink_to(base, target_is_directory=True)
        alias_root = base / "alias" / "photos"
        groups, paths = build(env.photos, alias_root, shape)
        res = result(groups, roots=(str(env.photos), str(alias_root)))
        marked = None if shape.marked is None else [str(paths[i]) for i in shape.marked]
        scanned = [{m.sha256 for m in g.members} for g in res.groups]
        scratch = base / "scratch"
        scratch.mkdir()

        def apply_changes() -> None:
            for kind, i, j in changes:
                change(kind, paths[i], paths[j], scratch)

        if shape.plan_first:
            plan = plan_removal(res, marked)
            apply_changes()
        else:
            apply_changes()
            plan = plan_removal(res, marked)
        before = tree(env.photos)
        with UndoLog() as log:
            finished = run_removal(plan, log)
        after = tree(env.photos)

        for digests in scanned:
            had = any(v[2] in digests for v in before.values())
            assert not had or any(v[2] in digests for v in after.values())
        planned = {f.path: f for f in plan.files}
        # A marked path to the same file object as a planned one goes with it (the plan
        # lists it as "the same file as ..."); every other file stays as it was.
        goes = {(f.device, f.inode) for f in plan.files}
        same = {
            m.path for g in res.groups for m in g.members if (m.entry.device, m.entry.inode) in goes
        }
        for path, state in before.items():
            if path not in planned and path not in same:
                assert after.get(path) == state, f"{path} moved or changed outside the plan"
        assert len(env.trashed_names()) == len(finished.removed)
        records = {}
        for g in res.groups:
            for m in g.members:
                records.setdefault(m.path, m)
        for removed in finished.removed:
            assert removed.path in planned
            record = records[removed.path]
            assert removed.destination is not None
            st_ = os.stat(removed.destination)
            assert (st_.st_dev, st_.st_ino) == (record.entry.device, record.entry.inode)
            assert sha(Path(removed.destination)) == record.sha256
