"""The estate benchmark's memory sampler (`benchmarks.process_tree`): a child's peak is
seen, in the stage it ran in, and not in a later one."""

from __future__ import annotations

import multiprocessing as mp
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


def test_cpu_seconds_count_this_process() -> None:
    before = cpu_seconds()
    end = time.process_time() + 0.2
    while time.process_time() < end:
        pass
    after = cpu_seconds()
    assert after["own"] - before["own"] >= 0.15
