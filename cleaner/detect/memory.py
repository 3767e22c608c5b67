"""Give the memory that a step of the group stage freed back to the system.

glibc keeps freed blocks in its heaps for reuse, and after numpy frees a big array it
raises its own mmap threshold to that size (up to 32 MiB), so the next arrays of the LSH
tables, each a few MiB to 16 MiB at a million pictures, come from those heaps too; the
tables run on threads, each with a heap of its own. A step that has finished leaves
hundreds of MiB that no array uses any more, and the next step climbs on top of them:
the 1M grouping benchmark reached its peak that way (benchmarks/README.md, "Issue 13: 1M
memory and the light-crop search, session 7"). `malloc_trim(0)` returns every whole free
page of every heap to the system; it takes milliseconds. Where there is no such call
(macOS, Windows, musl), nothing is done: their allocators return memory their own way.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable


def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library this process already uses
    except (OSError, AttributeError):  # not glibc
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


_TRIM = _malloc_trim()


def give_back_freed_memory() -> None:
    """Return the pages freed so far to the system (a no-op where glibc is not used)."""
    if _TRIM is not None:
        _TRIM(0)
