"""The score stage of a scan of catalogs: every set's members decoded, scored and its
keeper chosen (`cleaner.detect.scan.build_group`), on two processes when there are many.

At 10 million pictures there are about a million sets and two million members; decoding
each member's analysis and choosing the keepers is pure Python (~0.3 ms a member), so one
core would spend minutes on it. With `PARALLEL_SETS` sets or more, spawned worker
processes (spawned, not forked: the caller may be a window with threads) decode and
score chunks of sets; this process makes the members' entries (their labelled paths need
the whole estate) and sends each member's stored columns as they are in the catalog, so a
worker needs only the catalogs' compression dictionaries. Entries travel as their field
values, and come back as their positions in the chunk (`cleaner.catalog.setpickle`): the
sets are rebuilt here around this process's own entries. Results come back in order, so
the sets are the same, in the same order, as one process gives.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import multiprocessing
import operator
import os
from collections import deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from cleaner.catalog import setpickle
from cleaner.catalog.schema import unpack_columns
from cleaner.detect.cache import analysis_from_columns
from cleaner.detect.scan import GroupFile, build_group
from cleaner.keep import KeeperCriterion, PathRules, parse_criteria
from cleaner.models import Analysis, DuplicateGroup, FileEntry
from cleaner.progress import CancelToken

if TYPE_CHECKING:
    from cleaner.catalog.estate import _Estate

SCORE_WORKERS = 2  # the machine the target is set for has two cores
# Below this many sets the workers' start (~1-2 s of imports each) costs more than they
# save (20,000 sets: ~6 s of scoring on one core).
PARALLEL_SETS = 20_000
_CHUNK = 2_000  # sets a worker scores at a time (~1 s): a cancel waits at most that
_AHEAD = 2  # chunks waiting per worker, so none waits for this process
_POLL_SECONDS = 0.1

# A file as a worker needs it: entry, unit, sha256 (hex), protected.
_File = tuple[FileEntry, int, str, bool]
# The same sent to a worker: the entry as its field values (`FileEntry(*values)`), whose
# `__getstate__` would look its fields up again for every entry.
_SentFile = tuple[tuple[Any, ...], int, str, bool]
# A unit: its number, its catalog, its stored columns (None: no decoder could read it).
_Unit = tuple[int, int, tuple[object, ...] | None]
_Set = tuple[bool, list[_Unit], list[_SentFile]]
_entry_values = operator.attrgetter(*(f.name for f in dataclasses.fields(FileEntry)))


def score_sets(
    estate: _Estate,
    clusters: Sequence[Sequence[int]],
    protected_of: Callable[[str], bool],
    criteria_names: tuple[str, ...],
    rules: PathRules,
    token: CancelToken,
    workers: int | None = None,
) -> list[DuplicateGroup]:
    """The sets of `clusters` (units of `estate`), in order, without the ones
    `build_group` drops. `protected_of(path)`: whether a file is protected;
    `criteria_names`: the keeper criteria as `parse_criteria` takes them (their
    functions do not travel to a worker, their names do)."""
    criteria = parse_criteria(criteria_names)
    count = min(workers or SCORE_WORKERS, os.cpu_count() or 1)
    if count < 2 or len(clusters) < PARALLEL_SETS:
        out: list[DuplicateGroup] = []
        for cluster in clusters:
            token.check()
            group = _group_here(estate, cluster, protected_of, criteria, rules)
            if group is not None:
                out.append(group)
        return out
    return _score_in_workers(
        estate, clusters, protected_of, criteria_names, criteria, rules, token, count
    )


def _files(
    estate: _Estate, cluster: Sequence[int], protected_of: Callable[[str], bool]
) -> list[_File]:
    return [
        (entry, k, sha, protected_of(entry.path))
        for k in cluster
        for row in estate.unit_rows(k)
        for entry, sha in (estate.entry_and_sha(row),)  # its labelled path is made once
    ]


def _group_here(
    estate: _Estate,
    cluster: Sequence[int],
    protected_of: Callable[[str], bool],
    criteria: tuple[KeeperCriterion, ...],
    rules: PathRules,
) -> DuplicateGroup | None:
    # each unit is in one set: its analysis is decoded here, once, and not kept
    analyses = {k: estate.unit_analysis(k) for k in cluster}
    files = [
        GroupFile(entry=entry, analysis=analyses[k], sha256=sha, protected=protected, unit=k)
        for entry, k, sha, protected in _files(estate, cluster, protected_of)
    ]
    return build_group(files, len(cluster) == 1, criteria, rules)


def _stored(estate: _Estate, unit: int) -> _Unit:
    """Unit `unit`'s stored columns, as `Columns.analysis` reads them."""
    rep = int(estate.unit_rep[unit])
    columns, local, n = estate.locate(rep)
    if not columns.readable[local]:
        return (unit, n, None)
    colour = columns.colours[local].tobytes() if columns.has_colour[local] else b""
    stored = (
        columns.metrics[local],
        columns.hashes[local].tobytes(),
        columns.thumbs[local].tobytes(),
        # no detail map: scoring reads the metrics and hashes (`build_group` is given no
        # links, so no detail is measured), and sending one cost its ~1.5 KB, its inflate,
        # and, damaged, a set sent back here (where `Columns.analysis` notes it instead)
        None,
        colour,
    )
    return (unit, n, stored)


def _score_in_workers(
    estate: _Estate,
    clusters: Sequence[Sequence[int]],
    protected_of: Callable[[str], bool],
    criteria_names: tuple[str, ...],
    criteria: tuple[KeeperCriterion, ...],
    rules: PathRules,
    token: CancelToken,
    count: int,
) -> list[DuplicateGroup]:
    dictionaries = [c.dictionary for c in estate.catalogs]
    context = multiprocessing.get_context("spawn")
    pool = cf.ProcessPoolExecutor(
        count, mp_context=context, initializer=_start_worker,
        initargs=(dictionaries, criteria_names, rules),
    )  # fmt: skip
    out: list[DuplicateGroup] = []
    starts = iter(range(0, len(clusters), _CHUNK))
    # a chunk's first set, its members' entries (what the worker's sets are rebuilt
    # around) and the worker's answer
    pending: deque[tuple[int, list[FileEntry], cf.Future[bytes]]] = deque()

    def submit_next() -> None:
        start = next(starts, None)
        if start is None:
            return
        part: list[_Set] = []
        entries: list[FileEntry] = []
        for cluster in clusters[start : start + _CHUNK]:
            token.check()
            units = [_stored(estate, k) for k in cluster]
            files = _files(estate, cluster, protected_of)
            entries.extend(f[0] for f in files)
            sent = [(_entry_values(e), k, sha, prot) for e, k, sha, prot in files]
            part.append((len(cluster) == 1, units, sent))
        pending.append((start, entries, pool.submit(_score_chunk, part)))

    try:
        for _ in range(count * _AHEAD):
            submit_next()
        while pending:
            start, entries, future = pending.popleft()
            while not future.done():  # a worker cannot see the token: look at it here
                token.check()
                cf.wait([future], timeout=_POLL_SECONDS)
            scored: list[DuplicateGroup | int | None] = setpickle.loads(future.result(), entries)
            for n, got in enumerate(scored):
                if isinstance(got, int):  # a row that does not decode: its error, here
                    _group_here(estate, clusters[start + n], protected_of, criteria, rules)
                    raise AssertionError("a row the worker could not decode decoded here")
                if got is not None:
                    out.append(got)
            submit_next()
    finally:  # done, cancelled or failed: chunks not started are dropped
        pool.shutdown(wait=True, cancel_futures=True)
    return out


# -- in a worker process --------------------------------------------------------------

_dictionaries: list[bytes] = []
_criteria: tuple[KeeperCriterion, ...] = ()
_rules = PathRules()


def _start_worker(
    dictionaries: list[bytes], criteria_names: tuple[str, ...], rules: PathRules
) -> None:
    global _dictionaries, _criteria, _rules
    _dictionaries, _criteria, _rules = dictionaries, parse_criteria(criteria_names), rules


def _score_chunk(part: list[_Set]) -> bytes:
    """Each set's group (None: dropped), or its position in `part` for a set with a row
    that does not decode (this process cannot name the catalog; the caller does),
    pickled by `setpickle.dumps` with the entries in the order they came."""
    out: list[DuplicateGroup | int | None] = []
    entries: list[FileEntry] = []
    for n, (exact, units, sent) in enumerate(part):
        files = [(FileEntry(*values), k, sha, prot) for values, k, sha, prot in sent]
        entries.extend(f[0] for f in files)
        analyses: dict[int, Analysis | None] = {}
        for unit, catalog, stored in units:
            analysis = None
            if stored is not None:
                columns = unpack_columns(stored, _dictionaries[catalog])
                analysis = None if columns is None else analysis_from_columns(*columns)
                if analysis is None:
                    break
            analyses[unit] = analysis
        else:
            group_files = [
                GroupFile(entry=entry, analysis=analyses[k], sha256=sha, protected=prot, unit=k)
                for entry, k, sha, prot in files
            ]
            out.append(build_group(group_files, exact, _criteria, _rules))
            continue
        out.append(n)
    return setpickle.dumps(out, entries)
