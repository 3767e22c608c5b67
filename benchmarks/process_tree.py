"""Memory and CPU of a benchmark's whole process tree, stage by stage.

`resource.getrusage(RUSAGE_CHILDREN).ru_maxrss` gives only the largest child that has
ended, over the process's whole life: in `estate_10m` that mixed the synthesis workers
(block generators, catalog writers) with the grouping's reading and score workers, and
said neither which one nor when (session 7: "1.50 GB the largest child", not
identified). `TreeSampler` samples the RSS of this process and every descendant
(psutil) a few times a second and keeps, per stage the caller names: the peak of their
sum (what the machine must hold at once) and the largest single process with its role.
"""

from __future__ import annotations

import resource
import threading
from dataclasses import dataclass, field
from typing import Any

import psutil


@dataclass
class StagePeak:
    """Peaks seen while one stage ran (bytes)."""

    total: int = 0  # this process and all its descendants at one moment
    own: int = 0  # this process
    child: int = 0  # the largest single descendant
    child_role: str = ""  # what that descendant was running
    children: int = 0  # most descendants alive at once


@dataclass
class TreeSampler:
    """Samples this process tree's RSS every `every` seconds on a thread, by stage."""

    every: float = 0.25
    peaks: dict[str, StagePeak] = field(default_factory=dict)
    _stage: str = "start"
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> TreeSampler:
        self._thread = threading.Thread(target=self._run, name="tree-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._sample()  # the last moment too

    def stage(self, name: str) -> None:
        self._stage = name

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._sample()

    def _sample(self) -> None:
        me = psutil.Process()
        try:
            own = me.memory_info().rss
            kids = me.children(recursive=True)
        except psutil.Error:
            return
        sizes: list[tuple[int, str]] = []
        for kid in kids:
            try:
                sizes.append((kid.memory_info().rss, _role(kid)))
            except psutil.Error:  # ended between the listing and the reading
                continue
        peak = self.peaks.setdefault(self._stage, StagePeak())
        peak.total = max(peak.total, own + sum(s for s, _ in sizes))
        peak.own = max(peak.own, own)
        peak.children = max(peak.children, len(sizes))
        if sizes:
            biggest, role = max(sizes)
            if biggest > peak.child:
                peak.child, peak.child_role = biggest, role

    def report(self) -> dict[str, Any]:
        return {
            stage: {
                "peak_total_bytes": p.total,
                "peak_own_bytes": p.own,
                "peak_child_bytes": p.child,
                "peak_child_role": p.child_role,
                "children_at_once": p.children,
            }
            for stage, p in self.peaks.items()
        }


def _role(process: psutil.Process) -> str:
    """A spawned worker's command line says only `spawn_main`: name it by what its
    threads are (the pool's function is not visible), else by its command line."""
    try:
        line = " ".join(process.cmdline())
    except psutil.Error:
        return "?"
    if "resource_tracker" in line:
        return "multiprocessing resource tracker"
    if "spawn_main" in line:
        return "spawned worker"
    return line[:80]


def cpu_seconds() -> dict[str, float]:
    """User + system CPU seconds of this process and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"own": own.ru_utime + own.ru_stime, "children": kids.ru_utime + kids.ru_stime}
