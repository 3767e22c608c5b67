"""Start `photosift` commands as child processes sharing one isolated user (tests only)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from cleaner.models import ScanResult
from tests.helpers.removal_helpers import photo_bytes

ROOT = Path(__file__).resolve().parents[2]
CHILD = "tests.helpers.mover_child"  # run with -m from ROOT


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    # This checkout first: the venv may hold an editable install of another one.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.setdefault("PYTHONHASHSEED", "0")
    return env


@dataclass
class Child:
    """A running child; its output goes to files (a full pipe would block it)."""

    proc: subprocess.Popen[bytes]
    out: Path
    err: Path

    def finish(self, timeout: float = 120.0) -> tuple[int, str, str]:
        """Wait for the end: exit code, standard output, standard error."""
        code = self.proc.wait(timeout)
        return code, self.out.read_text("utf-8"), self.err.read_text("utf-8")


_count = itertools.count()


def start(base: Path, *args: str, go: Path | None = None, die_at: int | None = None) -> Child:
    """`photosift ARGS` in a child isolated under `base` (see mover_child.py)."""
    command = [
        sys.executable,
        "-m",
        CHILD,
        str(base),
        "-" if go is None else str(go),
        "-" if die_at is None else str(die_at),
        *args,
    ]
    n = next(_count)
    out, err = base / f"child{n}.out", base / f"child{n}.err"
    with out.open("wb") as o, err.open("wb") as e:
        proc = subprocess.Popen(
            command, cwd=str(ROOT), env=child_env(), stdin=subprocess.DEVNULL, stdout=o, stderr=e
        )
    return Child(proc, out, err)


def release_together(go: Path, count: int, timeout: float = 60.0) -> None:
    """Wait until `count` children wait at `go` (mover_child.py), then let them all go."""
    deadline = time.monotonic() + timeout
    while len(list(go.parent.glob(go.name + ".ready.*"))) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only some children reached {go}")
        time.sleep(0.001)
    go.touch()


def swapped_keepers(result: ScanResult) -> ScanResult:
    """The same groups with the other copy kept: what a second scan (or an edit) says."""

    def swap(group):  # type: ignore[no-untyped-def]
        members = tuple(
            replace(m, is_keeper=not m.is_keeper, suggested_remove=not m.suggested_remove)
            for m in group.members
        )
        return replace(group, members=members)

    return replace(result, groups=tuple(swap(g) for g in result.groups))


def pictures_left(result: ScanResult) -> list[int]:
    """How many copies of each group are still in place with their content."""
    return [
        sum(
            1
            for m in g.members
            if os.path.isfile(m.path) and Path(m.path).read_bytes() == photo_bytes(g.id)
        )
        for g in result.groups
    ]
