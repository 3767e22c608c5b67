"""The estate benchmark's memory sampler (`benchmarks.process_tree`): a child's peak is
seen, in the stage it ran in, and not in a later one."""

from __future__ import annotations

import multiprocessing as mp
import resource
import time

import pytest

pytest.importorskip("psutil")  # a dev tool's dependency (Dask's), not the engine's

from benchmarks.process_tree import TreeSampler, cpu_seconds

MB = 1024 * 1024


def _hold(megabytes: int, seconds: float) -> None:
    block = bytearray(megabytes * MB)
    block[::4096] = b"\x01" * len(block[::4096])  # touch every page: it is resident
    time.sleep(seconds)


def test_a_childs_peak_is_seen_in_its_stage_with_its_role() -> None:
    with TreeSampler(every=0.05) as sampler:
        sampler.stage("workers")
        child = mp.get_context("spawn").Process(target=_hold, args=(300, 1.0))
        child.start()
        child.join()
        sampler.stage("after")
        time.sleep(0.3)
    report = sampler.report()
    assert report["workers"]["peak_child_bytes"] >= 280 * MB
    assert report["workers"]["peak_child_role"] == "spawned worker"
    assert report["workers"]["peak_total_bytes"] >= (
        report["workers"]["peak_child_bytes"] + report["workers"]["peak_own_bytes"] // 2
    )
    assert report["after"]["peak_child_bytes"] < 100 * MB  # that child has ended


def _big_parent_child() -> None:
    _hold(20, 0.5)


def test_a_child_is_its_own_size_not_its_parents_at_the_spawn() -> None:
    """getrusage's children peak counts a spawned child at its parent's size (the fork
    before the exec): session 7's "1.50 GB child" was that. The sampler is not fooled."""
    ballast = bytearray(300 * MB)
    ballast[::4096] = b"\x01" * len(ballast[::4096])
    with TreeSampler(every=0.05) as sampler:
        sampler.stage("child")
        child = mp.get_context("spawn").Process(target=_big_parent_child)
        child.start()
        child.join()
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 >= 280 * MB
    assert 0 < sampler.report()["child"]["peak_child_bytes"] < 150 * MB
    del ballast


def test_cpu_seconds_count_this_process() -> None:
    before = cpu_seconds()
    end = time.process_time() + 0.2
    while time.process_time() < end:
        pass
    after = cpu_seconds()
    assert after["own"] - before["own"] >= 0.15
