"""The scan pipeline: walk, digest, fingerprint, group, score.

`scan(settings)` is a generator of `cleaner.progress` events that ends with
`ScanFinished(result)`. Stop it by setting the `CancelToken` passed in (it
raises `Cancelled` within one file's work) or by closing the generator; either
way the worker pool is shut down and the cache is flushed.

    for event in scan(ScanSettings(roots=("~/Pictures",))):
        if isinstance(event, Progress): ...
        elif isinstance(event, ScanFinished): result = event.result
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as _dt
import os
import platform
import time
from collections import defaultdict
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt
from PIL import Image

from cleaner.detect.analysis import analyse_file
from cleaner.detect.cache import FingerprintCache, default_cache_path
from cleaner.detect.checks import thresholds_for
from cleaner.detect.crops import fine_pixels
from cleaner.detect.decode import DecodeFailure, open_small, register_plugins
from cleaner.detect.evidence import Links, StarLinks, group_evidence, star_links
from cleaner.detect.faint_crops import grey_pixels
from cleaner.detect.fingerprint import prefix_digest, sha256_file
from cleaner.detect.grouping import safe_centres, star_clusters
from cleaner.detect.matching import Matches, find_matches, picture_distance
from cleaner.detect.pictures import PictureData
from cleaner.detect.reading_order import costliest_first
from cleaner.detect.walk import FoundFile, normalise_roots, walk
from cleaner.formats import is_image_candidate
from cleaner.humanize import human_bytes
from cleaner.keep import (
    Candidate,
    KeeperCriterion,
    PathRules,
    choose_keeper,
    parse_criteria,
    quality_score,
)
from cleaner.models import (
    Analysis,
    DuplicateGroup,
    FileEntry,
    Fingerprint,
    GroupKind,
    GroupMember,
    ImageMetrics,
    ScanResult,
    ScanSettings,
    ScanStats,
    SkippedFile,
    SkipReason,
    Thresholds,
)
from cleaner.progress import (
    CancelToken,
    FileSkipped,
    GroupsFound,
    ProgressMeter,
    ScanEvent,
    ScanFinished,
    Stage,
    StageStarted,
    final_event,
)
from cleaner.sidecars import FolderIndexes, with_sidecars
from cleaner.version import __version__

T = TypeVar("T")
R = TypeVar("R")
Picture = TypeVar("Picture")  # a picture decoded again, as a second look wants it

ExecutorKind = Literal["threads", "processes"]
# Exact copies of a file no decoder can read are still exact copies worth reporting,
# as long as the file looks like a picture. Not pictures at all are only skipped.
_GROUPABLE_FAILURES = frozenset(
    {SkipReason.UNSUPPORTED, SkipReason.CORRUPT, SkipReason.TRUNCATED, SkipReason.TOO_LARGE}
)
GROUPABLE_FAILURES = _GROUPABLE_FAILURES  # for grouping across catalogs, the same rule


@dataclass(slots=True)
class _Unit:
    """One distinct content: a single file, or a set of byte-identical files."""

    files: list[int]  # indices into the entry list
    analysis: Analysis | None = None
    failure: DecodeFailure | None = None


@dataclass
class _State:
    entries: list[FileEntry] = field(default_factory=list)
    sha256: dict[int, str] = field(default_factory=dict)
    skipped: list[SkippedFile] = field(default_factory=list)
    gone: set[int] = field(default_factory=set)  # vanished or unreadable since the walk
    files_seen: int = 0
    bytes_seen: int = 0
    hardlinks: int = 0
    cache_hits: int = 0


def scan(
    settings: ScanSettings,
    *,
    cancel: CancelToken | None = None,
    cache_path: Path | Literal["default"] | None = "default",
    executor: ExecutorKind = "threads",
    progress_hz: float = 15.0,
) -> Iterator[ScanEvent]:
    """Run a whole scan as a generator of events. Raises `BadRootError` for a bad folder
    (on the first `next()`) and `Cancelled` when `cancel` is set."""
    token = cancel or CancelToken()
    roots = normalise_roots(settings.roots)
    protected = _protected_forms(settings.protected)
    thresholds = thresholds_for(settings.similarity, settings.threshold)
    criteria = parse_criteria(settings.criteria)
    rules = PathRules(prefer=settings.prefer_paths, avoid=settings.avoid_paths)
    settings = replace(settings, roots=roots, protected=protected)
    started = _now()
    t0 = time.monotonic()
    register_plugins()
    state = _State()
    workers = settings.workers or os.cpu_count() or 2
    path = default_cache_path() if cache_path == "default" else cache_path
    cache = FingerprintCache(path)
    pool: cf.Executor | None = None
    try:
        yield from cache.drain_notices()
        yield from _walk_stage(settings, state, token, progress_hz)
        pool = _make_pool(executor, workers)
        yield from _digest_stage(state, cache, token, pool, progress_hz)
        units = _units(state)
        yield from _fingerprint_stage(settings, state, units, cache, token, pool, progress_hz)
        cache.flush()
        yield from cache.drain_notices()
        links: list[StarLinks] = []  # what matched, per copy (filled by the group stage)
        clusters = yield from _group_stage(
            units, thresholds, settings.rotations, token, progress_hz, links,
            lambda k: _decoded_again(state, units[k], settings.max_pixels, fine_pixels),
            lambda k: _decoded_again(state, units[k], settings.max_pixels, grey_pixels),
        )  # fmt: skip
        groups = yield from _score_stage(
            state, units, clusters, criteria, rules, protected, cache, token, pool, progress_hz,
            links,
        )  # fmt: skip
        cache.flush()
        yield from cache.drain_notices()
        redundant = sum(1 for g in groups for m in g.members if m.suggested_remove)
        stats = ScanStats(
            files_seen=state.files_seen,
            bytes_seen=state.bytes_seen,
            images=sum(len(u.files) for u in units if u.analysis is not None),
            skipped=len(state.skipped),
            groups=len(groups),
            redundant_copies=redundant,
            reclaimable_bytes=sum(g.reclaimable_bytes for g in groups),
            hardlinks=state.hardlinks,
            cache_hits=state.cache_hits,
            seconds=time.monotonic() - t0,
        )
        result = ScanResult(
            settings=settings,
            groups=tuple(groups),
            skipped=tuple(state.skipped),
            stats=stats,
            started_at=started,
            finished_at=_now(),
            app_version=__version__,
            machine=platform.node(),
        )
        yield ScanFinished(result)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        cache.close()


def run_scan(
    settings: ScanSettings,
    *,
    cancel: CancelToken | None = None,
    cache_path: Path | Literal["default"] | None = "default",
    executor: ExecutorKind = "threads",
) -> ScanResult:
    """Run a scan to the end and return its result (for scripts and tests)."""
    events = scan(settings, cancel=cancel, cache_path=cache_path, executor=executor)
    return final_event(events, ScanFinished).result


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).astimezone().isoformat(timespec="seconds")


def _make_pool(kind: ExecutorKind, workers: int) -> cf.Executor:
    if kind == "processes":
        return cf.ProcessPoolExecutor(max_workers=workers)
    return cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="photosift-scan")


# ----------------------------------------------------------------------------- walk


def _walk_stage(
    settings: ScanSettings, state: _State, token: CancelToken, hz: float
) -> Iterator[ScanEvent]:
    yield StageStarted(Stage.WALK)
    meter = ProgressMeter(Stage.WALK, hz=hz)
    # One file reached by two paths (a hard link, a bind mount, a share mounted twice on
    # one device, roots that overlap through a symbolic link) is one entry, its other
    # paths recorded like hard links: identity is (device, inode), tracked for every file,
    # never only for nlink > 1 (a bind mount shows nlink 1 under both paths).
    # Memory, at 10^6-10^7 files: one dict per device keyed by the very inode int the entry
    # holds and valued with the entry itself, so a file costs only its dict slot (~42 bytes;
    # a dict of (device, inode) tuples to indices costs ~126). The rare second paths are
    # gathered aside and attached once, after the walk.
    by_inode: dict[int, dict[int, FileEntry]] = {}
    aliases: dict[tuple[int, int], list[str]] = {}
    for item in walk(settings.roots, settings.excludes, settings.follow_symlinks):
        token.check()
        if isinstance(item, SkippedFile):
            state.skipped.append(item)
            yield FileSkipped(item)
            continue
        state.files_seen += 1
        known: dict[int, FileEntry] | None = None
        if item.inode != 0:  # 0: the file system gives no identity (some network drives)
            known = by_inode.get(item.device)
            if known is None:
                known = by_inode[item.device] = {}
            if item.inode in known:
                aliases.setdefault((item.device, item.inode), []).append(item.path)
                state.hardlinks += 1
                continue
        state.bytes_seen += item.size
        if not is_image_candidate(item.path):
            continue
        if 0 < item.size < settings.min_file_size:  # an empty file is still called empty
            skip = SkippedFile(
                item.path, SkipReason.TOO_SMALL, _under(item.size, settings.min_file_size)
            )
            state.skipped.append(skip)
            yield FileSkipped(skip)
            continue
        entry = _entry(item)
        if known is not None:
            known[entry.inode] = entry
        state.entries.append(entry)
        event = meter.advance(1, item.size)
        if event is not None:
            yield event
    if aliases:
        for index, entry in enumerate(state.entries):
            extra = aliases.get((entry.device, entry.inode))
            if extra:
                state.entries[index] = replace(entry, hardlinks=(*entry.hardlinks, *extra))
    yield meter.snapshot()


def _under(size: int, limit: int) -> str:
    """'12 KB, under 20 KB', in bytes when the rounded sizes would read the same."""
    shown, limit_shown = human_bytes(size), human_bytes(limit)
    if shown == limit_shown:
        shown, limit_shown = f"{size:,} bytes", f"{limit:,} bytes"
    return f"{shown}, under {limit_shown}"


def _entry(found: FoundFile) -> FileEntry:
    return FileEntry(
        path=found.path,
        size=found.size,
        mtime_ns=found.mtime_ns,
        device=found.device,
        inode=found.inode,
        nlink=found.nlink,
    )


# --------------------------------------------------------------------------- digest


def _digest_stage(
    state: _State,
    cache: FingerprintCache,
    token: CancelToken,
    pool: cf.Executor,
    hz: float,
) -> Iterator[ScanEvent]:
    """SHA-256 of every file that shares its size with another (exact-copy candidates).

    A 64 KiB prefix digest first tells most same-size files apart with one small read.
    """
    yield StageStarted(Stage.DIGEST)
    by_size: dict[int, list[int]] = defaultdict(list)
    for index, entry in enumerate(state.entries):
        if entry.size > 0:
            by_size[entry.size].append(index)
    candidates = [i for ids in by_size.values() if len(ids) > 1 for i in ids]
    meter = ProgressMeter(Stage.DIGEST, total=len(candidates), hz=hz, span=(0.0, 0.3))
    prefixes: dict[int, str] = {}
    todo: list[int] = []
    for i in candidates:
        e = state.entries[i]
        hit = cache.get(e.path, e.size, e.mtime_ns)
        if hit is not None and hit.sha256:
            state.sha256[i] = hit.sha256
        if hit is not None and hit.prefix:
            prefixes[i] = hit.prefix
        else:
            todo.append(i)
    for i, outcome in _run_pool(pool, prefix_digest, todo, state, token):
        if isinstance(outcome, SkippedFile):
            yield FileSkipped(outcome)
        elif isinstance(outcome, str):
            prefixes[i] = outcome
            e = state.entries[i]
            cache.put(e.path, e.size, e.mtime_ns, prefix=outcome)
        event = meter.advance()
        if event is not None:
            yield event
    # Whole-file digests where size and prefix agree. Every candidate has a prefix here
    # (read now or cached), so a file whose full digest is cached is still compared
    # with a fresh file of the same size.
    same: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i in candidates:
        if i in prefixes:
            same[(state.entries[i].size, prefixes[i])].append(i)
    need_full = [i for ids in same.values() if len(ids) > 1 for i in ids if i not in state.sha256]
    meter = ProgressMeter(
        Stage.DIGEST,
        total=len(need_full),
        bytes_total=sum(state.entries[i].size for i in need_full),
        hz=hz,
        span=(0.3, 1.0),
    )
    yield from _full_digests(pool, need_full, state, cache, token, meter)
    yield meter.snapshot()


def _full_digests(
    pool: cf.Executor,
    indices: list[int],
    state: _State,
    cache: FingerprintCache,
    token: CancelToken,
    meter: ProgressMeter,
) -> Iterator[ScanEvent]:
    """SHA-256 of each file in `indices`, into `state.sha256` and the cache."""
    for i, outcome in _run_pool(pool, sha256_file, indices, state, token):
        if isinstance(outcome, SkippedFile):
            yield FileSkipped(outcome)
        else:
            state.sha256[i] = outcome
            e = state.entries[i]
            cache.put(e.path, e.size, e.mtime_ns, sha256=outcome)
        event = meter.advance(1, state.entries[i].size)
        if event is not None:
            yield event


def _run_pool(
    pool: cf.Executor,
    fn: Callable[..., R],
    indices: list[int],
    state: _State,
    token: CancelToken,
    arg: Callable[[FileEntry], tuple[object, ...]] | None = None,
) -> Iterator[tuple[int, R | SkippedFile]]:
    """Run `fn(path, ...)` for each entry with bounded look-ahead; yield results as they end.

    An OS error (the file vanished or cannot be read) is recorded once as a skip, the
    file is left out of later stages, and the `SkippedFile` is yielded in place of a result.
    """
    limit = max(4, 3 * getattr(pool, "_max_workers", 2))
    pending: dict[cf.Future[R], int] = {}
    it = iter(indices)
    exhausted = False
    while pending or not exhausted:
        while not exhausted and len(pending) < limit:
            try:
                i = next(it)
            except StopIteration:
                exhausted = True
                break
            e = state.entries[i]
            extra = arg(e) if arg is not None else ()
            pending[pool.submit(fn, e.path, *extra)] = i
        if not pending:
            break
        done, _ = cf.wait(pending, timeout=0.25, return_when=cf.FIRST_COMPLETED)
        token.check()
        for future in done:
            i = pending.pop(future)
            try:
                outcome = future.result()
            except OSError as exc:
                state.gone.add(i)
                skip = _os_skip(state.entries[i].path, exc)
                state.skipped.append(skip)
                yield i, skip
                continue
            yield i, outcome


def _os_skip(path: str, exc: OSError) -> SkippedFile:
    from cleaner.detect.walk import reason_for_os_error

    reason, detail = reason_for_os_error(exc)
    return SkippedFile(path, reason, detail)


# ---------------------------------------------------------------------- fingerprint


def _units(state: _State) -> list[_Unit]:
    """One unit per distinct content: byte-identical files share one decode."""
    by_sha: dict[str, list[int]] = defaultdict(list)
    for i, sha in state.sha256.items():
        by_sha[sha].append(i)
    taken: set[int] = set()
    units: list[_Unit] = []
    for ids in by_sha.values():
        ids = [i for i in ids if i not in state.gone]
        if len(ids) > 1:
            ids.sort(key=lambda i: state.entries[i].path)
            units.append(_Unit(files=ids))
            taken.update(ids)
    units.extend(
        _Unit(files=[i])
        for i in range(len(state.entries))
        if i not in taken and i not in state.gone
    )
    return units


def _fingerprint_stage(
    settings: ScanSettings,
    state: _State,
    units: list[_Unit],
    cache: FingerprintCache,
    token: CancelToken,
    pool: cf.Executor,
    hz: float,
) -> Iterator[ScanEvent]:
    yield StageStarted(Stage.FINGERPRINT)
    meter = ProgressMeter(
        Stage.FINGERPRINT,
        total=len(units),
        bytes_total=sum(state.entries[u.files[0]].size for u in units),
        hz=hz,
    )
    todo: list[int] = []  # representative entry index of each unit to decode
    unit_of: dict[int, _Unit] = {}
    for unit in units:
        rep = unit.files[0]
        e = state.entries[rep]
        if e.size == 0:
            unit.failure = DecodeFailure(SkipReason.EMPTY)
            meter.advance()
            continue
        hit = cache.get(e.path, e.size, e.mtime_ns)
        if hit is None:  # an exact copy elsewhere may be cached
            for other in unit.files[1:]:
                o = state.entries[other]
                alt = cache.get(o.path, o.size, o.mtime_ns)
                if alt is not None and (alt.analysis or alt.failure):
                    hit = alt
                    break
        if hit is not None and (hit.analysis is not None or hit.failure is not None):
            unit.analysis, unit.failure = hit.analysis, hit.failure
            if hit.analysis is not None:  # "pictures read from the cache": pictures only
                state.cache_hits += len(unit.files)
            event = meter.advance(1, e.size)
            if event is not None:
                yield event
            continue
        unit_of[rep] = unit
        todo.append(rep)
    max_pixels = settings.max_pixels
    todo = costliest_first(todo, state.entries)  # no picture left alone at the end
    for rep, outcome in _run_pool(
        pool, analyse_file, todo, state, token, arg=lambda _e: (max_pixels,)
    ):
        unit = unit_of[rep]
        e = state.entries[rep]
        if isinstance(outcome, Analysis):
            unit.analysis = outcome
            cache.put(e.path, e.size, e.mtime_ns, analysis=outcome)
        elif isinstance(outcome, DecodeFailure):
            unit.failure = outcome
            cache.put(e.path, e.size, e.mtime_ns, failure=outcome)
        else:
            yield FileSkipped(outcome)
        event = meter.advance(1, e.size)
        if event is not None:
            yield event
    _leave_out_small(settings, units)
    # Skips: a failed unit is skipped, unless it is a set of exact copies of something
    # that looks like a picture (those are still reported as exact copies).
    for unit in units:
        if unit.failure is None:
            continue
        if len(unit.files) > 1 and unit.failure.reason in _GROUPABLE_FAILURES:
            continue
        for i in unit.files:
            skip = SkippedFile(state.entries[i].path, unit.failure.reason, unit.failure.detail)
            state.skipped.append(skip)
            yield FileSkipped(skip)
    yield meter.snapshot()


def _leave_out_small(settings: ScanSettings, units: list[_Unit]) -> None:
    """Pictures under the smallest dimensions the user set become skips. Done on the
    metrics of the small decode (or the cache), so the limit can change between runs
    without reading any file again, and a huge picture is never decoded in full for it."""
    if not (settings.min_width or settings.min_height):
        return
    for unit in units:
        m = None if unit.analysis is None else unit.analysis.metrics
        if m is not None and settings.below_min_dimensions(m.width, m.height):
            unit.analysis = None
            unit.failure = DecodeFailure(
                SkipReason.TOO_SMALL,
                f"{m.width}x{m.height}, under {settings.min_width}x{settings.min_height}",
            )


# --------------------------------------------------------------------------- group


def _group_stage(
    units: list[_Unit],
    thresholds: Thresholds | None,
    rotations: bool,
    token: CancelToken,
    hz: float,
    links: list[StarLinks] | None = None,
    pixels: Callable[[int], npt.NDArray[np.float32] | None] | None = None,
    grey: Callable[[int], npt.NDArray[np.uint8] | None] | None = None,
) -> Generator[ScanEvent, None, list[list[int]]]:
    """Clusters of unit indices: similar pictures (stars) plus lone exact-copy sets.
    `links`, if given, receives what matched between each star's members and its
    representative (`cleaner.detect.evidence.star_links`). `pixels(unit)` and
    `grey(unit)` decode a unit again for the second looks (`group_pictures`)."""
    # an array, not a list: a million Python ints would cost ~30 MB at the memory peak
    readable = np.fromiter(
        (k for k, u in enumerate(units) if u.analysis is not None), dtype=np.int64
    )
    fps: list[Fingerprint] = []
    metrics: list[ImageMetrics] = []
    if thresholds is not None and len(readable) > 1:
        analyses = [units[k].analysis for k in readable.tolist()]
        fps = [a.fingerprint for a in analyses]
        metrics = [a.metrics for a in analyses]
        del analyses
    exact_sets = (k for k, u in enumerate(units) if len(u.files) > 1 and _groupable(u))
    return (
        yield from group_pictures(
            readable,
            fps,
            metrics,
            exact_sets,
            thresholds,
            rotations,
            token,
            hz,
            links,
            pixels,
            grey=grey,
        )
    )


def group_pictures(
    readable: npt.NDArray[np.int64],
    fps: Sequence[Fingerprint],
    metrics: Sequence[ImageMetrics],
    exact_sets: Iterable[int],
    thresholds: Thresholds | None,
    rotations: bool,
    token: CancelToken,
    hz: float,
    links: list[StarLinks] | None = None,
    pixels: Callable[[int], npt.NDArray[np.float32] | None] | None = None,
    pictures: PictureData | None = None,
    grey: Callable[[int], npt.NDArray[np.uint8] | None] | None = None,
) -> Generator[ScanEvent, None, list[list[int]]]:
    """The group stage of a scan, on any source of pictures (a scan's units, or the rows
    of catalogs): clusters of unit indices, similar pictures (stars) first, then each set
    of exact copies (`exact_sets`, unit indices) that is in no cluster.

    `readable[p]` is the unit index of picture p, whose fingerprint and metrics are
    `fps[p]` and `metrics[p]` (any sequence: a catalog reads them lazily from columns).
    `links`, if given, receives what matched between each star's members and its
    representative (`cleaner.detect.evidence.star_links`). `pixels(unit)` decodes a unit
    again for the heavy-crop second look; without it (catalogs) heavy
    crops are claimed only for low-detail pictures, on their detail maps. `grey(unit)`
    decodes one again, larger, for the faint crops' look (`cleaner.detect.faint_crops`;
    without it, none is taken). `pictures`:
    the same pictures as columns (`cleaner.detect.pictures`), which the checks read."""
    yield StageStarted(Stage.GROUP)
    meter = ProgressMeter(Stage.GROUP, total=1, hz=hz)
    clusters: list[list[int]] = []
    in_cluster: set[int] = set()
    if thresholds is not None and len(readable) > 1:
        again = None if pixels is None else (lambda k: pixels(int(readable[k])))
        larger = None if grey is None else (lambda k: grey(int(readable[k])))
        search = find_matches(fps, metrics, thresholds, rotations, again, pictures, larger)
        meter.total = 1000
        while True:
            try:
                fraction = next(search)
            except StopIteration as stop:
                matches: Matches = stop.value
                break
            token.check()
            meter.done = min(int(fraction * meter.total), meter.total - 1)
            event = meter.advance(0)
            if event is not None:
                yield event
        first = safe_centres(len(readable), matches.i, matches.j, matches.coloured)
        stars = star_clusters(len(readable), matches.i, matches.j, matches.strength, first)
        if links is not None:
            links.append(star_links(matches, stars, readable))
        for cluster in stars:
            mapped: list[int] = readable[cluster].tolist()
            clusters.append(mapped)
            in_cluster.update(mapped)
    for k in exact_sets:
        if k not in in_cluster:
            clusters.append([k])
    meter.done = meter.total
    yield meter.snapshot()
    return clusters


def _metrics_of(unit: _Unit) -> ImageMetrics | None:
    return None if unit.analysis is None else unit.analysis.metrics


def _groupable(unit: _Unit) -> bool:
    """A set of exact copies is reported if it is a picture, or looks like one that no
    decoder can read; copies of a file that is not a picture at all are not."""
    return unit.failure is None or unit.failure.reason in _GROUPABLE_FAILURES


# --------------------------------------------------------------------------- score


def _score_stage(
    state: _State,
    units: list[_Unit],
    clusters: list[list[int]],
    criteria: tuple[KeeperCriterion, ...],
    rules: PathRules,
    protected: tuple[str, ...],
    cache: FingerprintCache,
    token: CancelToken,
    pool: cf.Executor,
    hz: float,
    links: list[StarLinks] | None = None,
) -> Generator[ScanEvent, None, list[DuplicateGroup]]:
    """Digest every member (for the report and the safety check before removal), score
    each file, pick each group's keeper, and send groups out in growing batches."""
    yield StageStarted(Stage.SCORE)
    members = [i for cluster in clusters for k in cluster for i in units[k].files]
    missing: list[int] = []
    for i in members:
        if i in state.sha256:
            continue
        e = state.entries[i]
        hit = cache.get(e.path, e.size, e.mtime_ns)
        if hit is not None and hit.sha256:
            state.sha256[i] = hit.sha256  # a rescan of an unchanged library opens nothing
        else:
            missing.append(i)
    meter = ProgressMeter(
        Stage.SCORE,
        total=len(missing) + len(clusters),
        bytes_total=sum(state.entries[i].size for i in missing),
        hz=hz,
    )
    yield from _full_digests(pool, missing, state, cache, token, meter)
    groups: list[DuplicateGroup] = []
    for cluster in clusters:
        token.check()
        group = _build_group(
            state, units, cluster, criteria, rules, protected, links[0] if links else None
        )
        if group is not None:
            groups.append(group)
        event = meter.advance()
        if event is not None:
            yield event
    folders = FolderIndexes()  # sidecars of members: one listdir per folder
    groups = [with_sidecars(g, folders) for g in groups]
    groups = number_groups(groups)
    # Growing batches, each group exactly once: the window shows the first sets at once.
    start, batch = 0, 16
    while start < len(groups):
        yield GroupsFound(tuple(groups[start : start + batch]))
        start += batch
        batch = min(batch * 2, 1024)
    yield meter.snapshot()
    return groups


def _protected_forms(folders: tuple[str, ...]) -> tuple[str, ...]:
    """Each protected folder as given and with symbolic links resolved: a root named
    through a symlink is walked under its real path, and its protection must follow."""
    forms: list[str] = []
    for folder in folders:
        given = os.path.abspath(os.path.expanduser(folder))
        for form in (given, os.path.realpath(given)):
            if form not in forms:
                forms.append(form)
    return tuple(forms)


def _is_protected(path: str, protected: tuple[str, ...]) -> bool:
    return any(path == p or path.startswith(p.rstrip(os.sep) + os.sep) for p in protected)


def _build_group(
    state: _State,
    units: list[_Unit],
    cluster: list[int],
    criteria: tuple[KeeperCriterion, ...],
    rules: PathRules,
    protected: tuple[str, ...],
    links: Links | None = None,
) -> DuplicateGroup | None:
    files = [
        GroupFile(
            entry=state.entries[i],
            analysis=units[k].analysis,
            sha256=state.sha256.get(i),
            protected=_is_protected(state.entries[i].path, protected),
            unit=k,
        )
        for k in cluster
        for i in units[k].files
        if i not in state.gone
    ]
    return build_group(files, len(cluster) == 1, criteria, rules, cluster, links)


@dataclass(frozen=True, slots=True)
class GroupFile:
    """One file of a set, as `build_group` needs it, whatever it was read from."""

    entry: FileEntry
    analysis: Analysis | None  # None for an exact copy no decoder can read
    sha256: str | None
    protected: bool  # never suggested for removal
    unit: int  # files of one unit are byte-identical (0 apart)


def build_group(
    files: Sequence[GroupFile],
    exact: bool,
    criteria: tuple[KeeperCriterion, ...],
    rules: PathRules,
    cluster: Sequence[int] | None = None,
    links: Links | None = None,
) -> DuplicateGroup | None:
    """One set: scores, the keeper (`cleaner.keep`), distances and suggestions; None for a
    set of fewer than two files. Its id is 0 until `number_groups`."""
    if len(files) < 2:
        return None
    candidates = [
        Candidate(
            path=f.entry.path,
            size=f.entry.size,
            mtime_ns=f.entry.mtime_ns,
            metrics=None if f.analysis is None else f.analysis.metrics,
            protected=f.protected,
        )
        for f in files
    ]
    choice = choose_keeper(candidates, criteria, rules)
    keeper = files[choice.keeper]
    keeper_fp = None if keeper.analysis is None else keeper.analysis.fingerprint
    analyses = {f.unit: f.analysis for f in files}
    evidence = group_evidence(  # what matched, copy by copy (files in the same order)
        list(cluster) if cluster is not None else list(dict.fromkeys(f.unit for f in files)),
        [(f.entry.path, f.unit) for f in files],
        choice.keeper,
        lambda k: None if (a := analyses.get(k)) is None else a.metrics,
        links or {},
        lambda k: None if (a := analyses.get(k)) is None else a.fingerprint,
    )
    members: list[GroupMember] = []
    for n, (f, cand) in enumerate(zip(files, candidates, strict=True)):
        fp = None if f.analysis is None else f.analysis.fingerprint
        distance = 0
        if f.unit != keeper.unit and fp is not None and keeper_fp is not None:
            distance = picture_distance(fp, keeper_fp)
        is_keeper = n == choice.keeper
        members.append(
            GroupMember(
                entry=f.entry,
                metrics=cand.metrics,
                sha256=f.sha256,
                quality=quality_score(cand.metrics, cand.size),
                distance=distance,
                is_keeper=is_keeper,
                protected=cand.protected,
                suggested_remove=not is_keeper and not cand.protected,
                kept_over=choice.kept_over[n],
                match=evidence[n],
            )
        )
    return DuplicateGroup(
        id=0,
        kind=GroupKind.EXACT if exact else GroupKind.SIMILAR,
        members=tuple(members),
        reason=choice.reason,
        deciding_criterion=None if choice.deciding is None else choice.deciding.key,
        reason_parts=choice.parts,
    )


def _decoded_again(
    state: _State, unit: _Unit, max_pixels: int, reduce: Callable[[Image.Image], Picture]
) -> Picture | None:
    """A unit's picture decoded again (as the scan decodes it) and reduced for a second
    look (`fine_pixels`: 64x64 grey; `grey_pixels`), or None when it no longer reads (the
    pair is then not confirmed)."""
    for k in unit.files:
        if k in state.gone:
            continue
        decoded = open_small(state.entries[k].path, max_pixels)
        if not isinstance(decoded, DecodeFailure):
            return reduce(decoded.image)
    return None


def number_groups(groups: list[DuplicateGroup]) -> list[DuplicateGroup]:
    """The sets in a result's order (most bytes to reclaim first), numbered from 1."""
    groups = sorted(groups, key=lambda g: (-g.reclaimable_bytes, -g.size, g.members[0].path))
    return [replace(g, id=n) for n, g in enumerate(groups, start=1)]
