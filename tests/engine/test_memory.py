"""The group stage gives freed memory back between its steps (cleaner.detect.memory)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from cleaner.detect import memory

MIB = 1 << 20


def _resident() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(memory._TRIM is None, reason="no malloc_trim here (not Linux with glibc)")
def test_arrays_freed_between_live_ones_are_given_back() -> None:
    # after a 1 MiB array is freed, glibc serves the next ones from its heap (its mmap
    # threshold rises); one kept in eight pins the heap, as a step's results do
    first = np.ones(MIB // 8)
    del first
    arrays = [np.ones(MIB // 8) for _ in range(400)]
    kept = arrays[::8]
    del arrays
    held = _resident()
    memory.give_back_freed_memory()
    assert held - _resident() > 200 * MIB
    assert all(float(a[0]) == 1.0 for a in kept)  # what is in use stays


def test_giving_back_is_harmless_anywhere() -> None:
    memory.give_back_freed_memory()
    memory.give_back_freed_memory()
