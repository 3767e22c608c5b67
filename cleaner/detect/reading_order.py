"""The order in which a scan hands pictures to its reading pool: the costliest first.

A pool of N workers fed in walk order ends with whatever the walk found last: if that is
a big PNG or HEIC, one worker decodes it while the others have nothing left to do, and
the scan waits for it with cores idle. Handing out the longest jobs first (the
"longest processing time first" rule for list scheduling) leaves only short jobs for
the end, so the workers finish within about one short job of each other.

The cost of a picture is not known before it is decoded; its file size is, and the
format tells how much of the file the decoder works through: a JPEG decodes at 1/8
scale (libjpeg skips most of the work of the full picture), every other format decodes
in full. On the scale corpus a JPEG costs ~12 ms of CPU a megabyte, PNG ~42, HEIC ~207
and WebP ~430 (`benchmarks/pool_timeline.py`, README "Reading pool gaps, session 9"), so
`FULL_DECODE_WEIGHT` only has to put the full decodes ahead of JPEGs of similar size;
any weight from 4 to 32 gives the same (optimal) tail there. The order changes nothing a
scan produces: each result is stored on its own unit, whatever order the pool ends in.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cleaner.formats import format_of_extension
from cleaner.models import FileEntry

FULL_DECODE_WEIGHT = 8  # a byte of a picture decoded in full against a byte of JPEG
_SMALL_DECODE = frozenset({"JPEG"})  # formats whose decoder can skip to a small scale


def estimated_cost(path: str, size: int) -> int:
    """A picture's decode cost in JPEG-byte units, from its name and size alone."""
    fmt = format_of_extension(path)
    if fmt is not None and fmt.name in _SMALL_DECODE:
        return size
    return size * FULL_DECODE_WEIGHT


def costliest_first(todo: Sequence[int], entries: Sequence[FileEntry]) -> list[int]:
    """`todo` (indices into `entries`) reordered costliest picture first; pictures of
    equal cost keep their order.

    One int64 key a file and a stable argsort: at 10^7 files that is 80 MB for a moment,
    not the ~400 MB a Python sort with a key list would take."""
    costs = np.fromiter(
        (estimated_cost(entries[i].path, entries[i].size) for i in todo),
        dtype=np.int64,
        count=len(todo),
    )
    order = np.argsort(-costs, kind="stable")
    return [todo[k] for k in order.tolist()]
