"""Group across catalogs: `photosift scan --catalog A --catalog B ...`.

The scan's own stages, fed from catalogs instead of the disk: catalogs are read as
columns (`cleaner.catalog.columns`), files are collapsed into units of byte-identical
content by SHA-256 (as a scan does), the pictures are grouped by the scan's group stage
(`cleaner.detect.scan.group_pictures`: same matching, same thresholds) and each set is
scored and given its keeper by the scan's `build_group` (same keeper rules). No file is
opened: everything comes from the catalogs.

Paths in the result are **labelled**: ``LABEL:RELPATH``, the catalog's label, a colon,
and the file's path below the catalog's root (below the folder the roots share when a
catalog has several), with ``/`` between folders: ``nas-1:2019/harbour.jpg``. They name
files on other machines, never a local path; the result says so (`SOURCE_KEY`) and
``photosift clean`` refuses it.

Protection: a protected entry is ``LABEL:`` (every file of a catalog, ``--protect-label``)
or ``LABEL:FOLDER`` (a folder below that catalog's root, ``--protect LABEL:FOLDER``).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as _dt
import os
import platform
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from cleaner.catalog import detailmap
from cleaner.catalog.columns import Columns, read_many
from cleaner.catalog.pictures import ColumnPictures
from cleaner.catalog.schema import CatalogError
from cleaner.catalog.scoring import score_sets
from cleaner.detect.checks import thresholds_for
from cleaner.detect.scan import (
    GROUPABLE_FAILURES,
    group_pictures,
    number_groups,
)
from cleaner.i18n import _
from cleaner.keep import PathRules, parse_criteria
from cleaner.models import (
    Analysis,
    DuplicateGroup,
    FileEntry,
    Fingerprint,
    ImageMetrics,
    ScanResult,
    ScanSettings,
    ScanStats,
    SkippedFile,
    SkipReason,
)
from cleaner.progress import (
    CancelToken,
    Notice,
    ProgressMeter,
    ScanEvent,
    Stage,
    StageStarted,
)
from cleaner.report.estate import KeepEntry, LabelFacts, label_of
from cleaner.version import __version__

SOURCE_KEY = "source"  # in ScanResult.extra and the result JSON
SOURCE_CATALOGS = "catalogs"

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


@dataclass
class CatalogScan:
    """What `scan_catalogs` returns: the result and what the estate report needs."""

    result: ScanResult
    labels: tuple[LabelFacts, ...]
    _estate: _Estate

    def keep_list(self) -> Iterator[KeepEntry]:
        """One copy per set (its keeper) and every picture in no set, label by label."""
        return self._estate.keep_list(self.result.groups)

    def date_ranges(self) -> dict[str, tuple[str, str, str]]:
        """label -> (earliest, latest, "capture time" | "modification time")."""
        return self._estate.date_ranges()


def labelled_base(roots: Sequence[str]) -> str:
    """The folder a catalog's labelled paths are relative to: its root, or the folder
    its roots share (no folder when they share none, as on two Windows drives)."""
    if len(roots) == 1:
        return roots[0]
    try:
        return os.path.commonpath(list(roots))
    except ValueError:
        return ""


def protected_forms(
    folders: Sequence[str], labels: Sequence[str], whole: Sequence[str]
) -> tuple[str, ...]:
    """`--protect LABEL:FOLDER` and `--protect-label LABEL` as labelled prefixes; raises
    ValueError (one line) for a label no catalog has or a folder without its label."""
    forms: list[str] = []
    for label in whole:
        if label not in labels:
            raise ValueError(
                _("--protect-label {label}: no catalog has that label ({labels})").format(
                    label=label, labels=", ".join(labels)
                )
            )
        forms.append(f"{label}:")
    for folder in folders:
        label, colon, below = folder.partition(":")
        if not colon or label not in labels:
            raise ValueError(
                _(
                    "--protect {folder}: with catalogs, give LABEL:FOLDER (a folder below that "
                    "catalog's root, e.g. nas-1:masters) or --protect-label LABEL"
                ).format(folder=folder)
            )
        below = below.strip("/")
        forms.append(f"{label}:{below}" if below else f"{label}:")
    return tuple(forms)


def is_protected(path: str, forms: Sequence[str]) -> bool:
    return any(path == p or path.startswith(p if p.endswith(":") else p + "/") for p in forms)


def scan_catalogs(
    paths: Sequence[str | os.PathLike[str]],
    settings: ScanSettings,
    *,
    protect_labels: Sequence[str] = (),
    cancel: CancelToken | None = None,
    progress_hz: float = 15.0,
    skip_refused: bool = False,
) -> Generator[ScanEvent, None, CatalogScan]:
    """Group the pictures of several catalogs (see the module). `settings` gives the
    similarity, threshold, rotations, keeper criteria, path rules and `protected`
    (``LABEL:FOLDER`` forms); its roots are ignored. Raises `CatalogError` (one line) for
    a catalog that cannot be used or two catalogs of one label, ValueError for a bad
    protection.

    `skip_refused` (the window): a catalog that cannot be used, or whose label another
    catalog already has, is left out with a `Notice` (its one line) and the others are
    grouped; protection naming a label left out is dropped (none of its files are in the
    result). Only when no catalog is left is it a `CatalogError`."""
    token = cancel or CancelToken()
    started = _now()
    t0 = time.monotonic()
    thresholds = thresholds_for(settings.similarity, settings.threshold)
    parse_criteria(settings.criteria)  # an unknown name fails here, before the long work
    rules = PathRules(prefer=settings.prefer_paths, avoid=settings.avoid_paths)
    yield StageStarted(Stage.WALK)
    meter = ProgressMeter(Stage.WALK, total=len(paths), hz=progress_hz)
    catalogs: list[Columns] = []
    seen: dict[str, str] = {}
    # read on both cores when the catalogs are big; a catalog that cannot be used comes
    # as its CatalogError, in its place
    with contextlib.closing(read_many(paths, cancel=token)) as reading:
        for path, read in zip(paths, reading, strict=True):
            token.check()
            try:
                if isinstance(read, CatalogError):
                    raise read
                columns = read
                label = columns.info.label
                if label in seen:
                    raise CatalogError(
                        _(
                            "{file} and {other} both have the label {label}: labels name the "
                            "servers of an estate; build one of them again with another --label"
                        ).format(file=path, other=seen[label], label=repr(label))
                    )
            except CatalogError as exc:
                if not skip_refused:
                    raise
                meter.advance(1)
                yield Notice(
                    str(exc),
                    short=_("{name} was not opened").format(name=os.path.basename(path)),
                )
                continue
            seen[label] = str(path)
            catalogs.append(columns)
            meter.advance(1)
            yield meter.snapshot()
    labels = [c.info.label for c in catalogs]
    folders, whole = settings.protected, protect_labels
    if skip_refused:
        if not catalogs:
            raise CatalogError(_("none of the catalogs could be opened"))
        folders = tuple(f for f in folders if label_of(f, labels))
        whole = [name for name in whole if name in labels]
    protected = protected_forms(folders, labels, whole)
    estate = _Estate(catalogs)
    yield StageStarted(Stage.DIGEST)
    estate.collapse()
    token.check()
    readable = estate.readable_units()
    exact_sets = estate.exact_sets()
    fps = _Fingerprints(estate, readable)
    metrics = _Metrics(estate, readable)
    # the checks read the columns themselves, not the objects above
    pictures = fps.columns
    clusters = yield from group_pictures(
        readable, fps, metrics, exact_sets, thresholds, settings.rotations, token, progress_hz,
        pictures=pictures,
    )  # fmt: skip
    del fps, metrics, pictures
    yield StageStarted(Stage.SCORE)
    groups = score_sets(
        estate, clusters, lambda path: is_protected(path, protected), settings.criteria, rules,
        token,
    )  # fmt: skip
    groups = number_groups(groups)
    yield from detailmap.damage_notices(catalogs)
    skipped = estate.skipped()
    result = ScanResult(
        settings=replace(
            settings,
            roots=tuple(f"{c.info.label}:{root}" for c in catalogs for root in c.info.roots),
            protected=protected,
            excludes=(),
        ),
        groups=tuple(groups),
        skipped=tuple(skipped),
        stats=ScanStats(
            files_seen=estate.total_rows,
            bytes_seen=estate.total_bytes,
            images=estate.images(),
            skipped=len(skipped),
            groups=len(groups),
            redundant_copies=sum(1 for g in groups for m in g.members if m.suggested_remove),
            reclaimable_bytes=sum(g.reclaimable_bytes for g in groups),
            hardlinks=estate.hardlinks,
            seconds=time.monotonic() - t0,
        ),
        started_at=started,
        finished_at=_now(),
        app_version=__version__,
        machine=platform.node(),
        extra={SOURCE_KEY: SOURCE_CATALOGS},
    )
    facts = tuple(
        LabelFacts(
            label=c.info.label,
            catalog=c.info.path,
            machine=c.info.machine,
            built_at=c.info.build_finished_at,
            photosift_version=c.info.photosift_version,
            algorithm_version=c.info.algorithm_version,
            roots=c.info.roots,
            files=len(c),
            bytes=int(c.size.sum()),
            pictures=estate.pictures_of(n),
        )
        for n, c in enumerate(catalogs)
    )
    return CatalogScan(result=result, labels=facts, _estate=estate)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).astimezone().isoformat(timespec="seconds")


class _Estate:
    """The rows of every catalog under one numbering (catalog by catalog), collapsed into
    entries (hard links of one catalog are one entry) and units (byte-identical files)."""

    def __init__(self, catalogs: list[Columns]) -> None:
        self.catalogs = catalogs
        sizes = [len(c) for c in catalogs]
        self.offsets = np.cumsum([0, *sizes]).astype(np.int64)
        self.total_rows = int(self.offsets[-1])
        self._starts: list[int] = self.offsets.tolist()
        self.total_bytes = sum(int(c.size.sum()) for c in catalogs)
        self.bases = [labelled_base(c.info.roots) for c in catalogs]
        self.hardlinks = 0
        self.aliases: dict[int, list[int]] = {}  # entry row -> its other rows (hard links)
        self.is_alias = np.zeros(self.total_rows, bool)
        self.unit_rep = np.zeros(0, np.int64)  # unit -> its first row
        self.unit_files: dict[int, list[int]] = {}  # units of several files: their rows

    # -- rows ------------------------------------------------------------------------

    def locate(self, row: int) -> tuple[Columns, int, int]:
        # bisect on a list: called for every member of every set, several times each
        n = bisect.bisect_right(self._starts, row) - 1
        return self.catalogs[n], row - self._starts[n], n

    def path(self, row: int) -> str:
        columns, local, n = self.locate(row)
        return self._labelled(columns, local, n)

    def _labelled(self, columns: Columns, local: int, n: int) -> str:
        root = columns.info.roots[int(columns.root[local])]
        rel = columns.relpath_of(local)
        base = self.bases[n]
        if base and root != base:
            below = os.path.relpath(root, base).replace(os.sep, "/")
            rel = f"{below}/{rel}" if rel else below
        elif not base:
            rel = f"{root.replace(os.sep, '/').rstrip('/')}/{rel}"
        return f"{columns.info.label}:{rel}"

    def entry(self, row: int) -> FileEntry:
        return self.entry_and_sha(row)[0]

    def entry_and_sha(self, row: int) -> tuple[FileEntry, str]:
        """Row `row`'s entry and its SHA-256 in hex (the score stage wants both for every
        member: its catalog is looked up once)."""
        columns, local, n = self.locate(row)
        entry = FileEntry(
            path=self._labelled(columns, local, n),
            size=int(columns.size[local]),
            mtime_ns=int(columns.mtime_ns[local]),
            device=int(columns.device[local]),
            inode=int(columns.inode[local]),
            hardlinks=tuple(self.path(a) for a in self.aliases.get(row, ())),
            nlink=int(columns.nlink[local]),
        )
        return entry, columns.sha256[local].tobytes().hex()

    def analysis(self, row: int) -> Analysis:
        columns, local, _ = self.locate(row)
        return columns.analysis(local)

    def readable_row(self, row: int) -> bool:
        columns, local, _ = self.locate(row)
        return bool(columns.readable[local])

    # -- entries and units -----------------------------------------------------------

    def collapse(self) -> None:
        """Hard links into entries, then entries into units of byte-identical content."""
        for n, c in enumerate(self.catalogs):
            off = int(self.offsets[n])
            linked = np.nonzero(c.inode != 0)[0]
            order = linked[np.lexsort((c.inode[linked], c.device[linked]))]
            dev, ino = c.device[order], c.inode[order]
            same = (dev[1:] == dev[:-1]) & (ino[1:] == ino[:-1])
            for start, stop in _runs(same):
                rows = sorted((int(order[k]) + off for k in range(start, stop)), key=self.path)
                self.aliases[rows[0]] = rows[1:]
                self.is_alias[rows[1:]] = True
                self.hardlinks += len(rows) - 1
        entries = np.nonzero(~self.is_alias)[0]
        sizes = (
            np.concatenate([c.size for c in self.catalogs])
            if self.catalogs
            else np.zeros(0, np.int64)
        )
        shas = (
            np.concatenate([c.sha256 for c in self.catalogs])
            if self.catalogs
            else np.zeros((0, 32), np.uint8)
        )
        keyed = entries[sizes[entries] > 0]  # empty files are never exact copies (as in a scan)
        order, same = _sha_order(shas, keyed)
        del shas
        multi_rows: list[list[int]] = []
        in_multi = np.zeros(self.total_rows, bool)
        for start, stop in _runs(same):
            rows = sorted((int(order[k]) for k in range(start, stop)), key=self.path)
            multi_rows.append(rows)
            in_multi[rows] = True
        singles = entries[~in_multi[entries]]
        self.unit_rep = np.concatenate(
            [np.array([r[0] for r in multi_rows], np.int64), singles.astype(np.int64)]
        )
        self.unit_files = dict(enumerate(multi_rows))

    def unit_rows(self, unit: int) -> list[int]:
        return self.unit_files.get(unit) or [int(self.unit_rep[unit])]

    def unit_analysis(self, unit: int) -> Analysis | None:
        """The unit's analysis, decoded and checked (not kept: at 10M, the analyses of
        every member of every set would take gigabytes)."""
        rep = int(self.unit_rep[unit])
        if not self.readable_row(rep):
            return None
        return self.analysis(rep)

    def _readable_mask(self) -> npt.NDArray[np.bool_]:
        return np.concatenate([c.readable for c in self.catalogs])

    def readable_units(self) -> I64:
        mask = self._readable_mask()
        return np.nonzero(mask[self.unit_rep])[0].astype(np.int64)

    def exact_sets(self) -> list[int]:
        out = []
        for unit, rows in self.unit_files.items():
            reason = self._failure(rows[0])
            if reason is None or reason[0] in GROUPABLE_FAILURES:
                out.append(unit)
        return out

    def _failure(self, row: int) -> tuple[SkipReason, str] | None:
        columns, local, _ = self.locate(row)
        reason = columns.failure[local]
        return None if reason is None else (SkipReason(reason), columns.failure_detail[local] or "")

    def images(self) -> int:
        mask = self._readable_mask()
        return int(mask[~self.is_alias].sum())

    def pictures_of(self, n: int) -> int:
        lo, hi = int(self.offsets[n]), int(self.offsets[n + 1])
        return int((self.catalogs[n].readable & ~self.is_alias[lo:hi]).sum())

    def skipped(self) -> list[SkippedFile]:
        out: list[SkippedFile] = []
        mask = self._readable_mask()
        for unit in np.nonzero(~mask[self.unit_rep])[0].tolist():
            rows = self.unit_rows(unit)
            failure = self._failure(rows[0])
            if failure is None or (len(rows) > 1 and failure[0] in GROUPABLE_FAILURES):
                continue
            out.extend(SkippedFile(self.path(r), failure[0], failure[1]) for r in rows)
        for c in self.catalogs:
            out.extend(
                SkippedFile(f"{c.info.label}:{rel}", why, detail) for rel, why, detail in c.skipped
            )
        return out

    # -- the estate report -------------------------------------------------------------

    def keep_list(self, groups: Sequence[DuplicateGroup]) -> Iterator[KeepEntry]:
        in_set: dict[str, tuple[int, int]] = {}  # member path -> (set id, copies) for keepers
        dropped: set[str] = set()
        for g in groups:
            for m in g.members:
                if m.is_keeper:
                    in_set[m.path] = (g.id, g.size)
                else:
                    dropped.add(m.path)
        mask = self._readable_mask()
        for n, c in enumerate(self.catalogs):
            off = int(self.offsets[n])
            keep = mask[off : off + len(c)] & ~self.is_alias[off : off + len(c)]
            rows = np.nonzero(keep)[0].tolist()
            named = sorted((self._labelled(c, r, n), r) for r in rows)
            for path, r in named:
                if path in dropped:
                    continue
                group_id, copies = in_set.get(path, (0, 1))
                yield KeepEntry(
                    label=c.info.label,
                    path=path,
                    relpath=path[len(c.info.label) + 1 :],
                    size=int(c.size[r]),
                    sha256=bytes(c.sha256[r]).hex(),
                    group_id=group_id,
                    copies=copies,
                )

    def date_ranges(self) -> dict[str, tuple[str, str, str]]:
        out: dict[str, tuple[str, str, str]] = {}
        for c in self.catalogs:
            times = [t for t in c.capture_times() if t]
            if times and len(times) == int(c.readable.sum()):
                out[c.info.label] = (min(times), max(times), "capture time")
            elif len(c):
                stamps = c.mtime_ns
                first = _dt.datetime.fromtimestamp(int(stamps.min()) / 1e9, _dt.timezone.utc)
                last = _dt.datetime.fromtimestamp(int(stamps.max()) / 1e9, _dt.timezone.utc)
                source = "modification time"
                if times:
                    source = "capture time where recorded, else modification time"
                    first = min(first, _parse(min(times)))
                    last = max(last, _parse(max(times)))
                out[c.info.label] = (
                    first.strftime("%Y-%m-%d %H:%M:%S"),
                    last.strftime("%Y-%m-%d %H:%M:%S"),
                    source,
                )
        return out


def _parse(text: str) -> _dt.datetime:
    try:
        return _dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=_dt.timezone.utc)
    except ValueError:
        return _dt.datetime.fromtimestamp(0, _dt.timezone.utc)


def _sha_order(shas: npt.NDArray[np.uint8], rows: I64) -> tuple[I64, npt.NDArray[np.bool_]]:
    """`rows` in the order of their SHA-256 (`shas`, one row of 32 bytes each), rows of
    one SHA-256 in the order given, and whether each is the same SHA-256 as the next.

    The order of sorting all 256 bits (`np.lexsort` of the four words: ~15 s at 10
    million rows), got by sorting the first 64 bits (stable) and only the rows that share
    them by the rest: equal contents, and first words that meet by chance."""
    words = shas[rows].view(">u8").reshape(len(rows), 4)
    first = words[:, 0].astype(np.uint64)
    order = np.argsort(first, kind="stable")
    ties = first[order[1:]] == first[order[:-1]]
    tied = np.zeros(len(rows), bool)  # in a run of equal first words
    tied[1:] |= ties
    tied[:-1] |= ties
    at = np.nonzero(tied)[0]
    if len(at):
        # each run's rows sorted by the four words, stable: what the full sort gives them
        run = np.cumsum(np.concatenate([[1], ~ties[at[1:] - 1]]))  # run number of each
        sub = order[at]
        w = words[sub]
        order[at] = sub[np.lexsort((w[:, 3], w[:, 2], w[:, 1], w[:, 0], run))]
    same = np.zeros(max(len(rows) - 1, 0), bool)
    near = np.nonzero(ties)[0]  # only rows whose first words are equal can be equal
    same[near] = np.all(words[order[near + 1]] == words[order[near]], axis=1)
    return rows[order], same


def _runs(same: npt.NDArray[np.bool_]) -> Iterator[tuple[int, int]]:
    """(start, stop) of each run of two or more equal neighbours, given `same[k]`: whether
    items k and k + 1 are equal."""
    if not len(same):
        return
    edges = np.diff(np.concatenate([[0], same.astype(np.int8), [0]]))
    starts = np.nonzero(edges == 1)[0]
    stops = np.nonzero(edges == -1)[0] + 1
    yield from zip(starts.tolist(), stops.tolist(), strict=True)


class _Fingerprints(Sequence[Fingerprint]):
    """The fingerprints of the readable units, made from the columns when asked for."""

    def __init__(self, estate: _Estate, units: I64) -> None:
        self.estate = estate
        self.rows = estate.unit_rep[units]
        # per picture: its catalog and its row there, so an access costs no search
        self.cat = (np.searchsorted(estate.offsets, self.rows, side="right") - 1).astype(np.int64)
        self.local = self.rows - estate.offsets[self.cat]
        self.columns = ColumnPictures(estate.catalogs, self.cat, self.local)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, p: int) -> Fingerprint:  # type: ignore[override]
        if isinstance(p, slice):  # the canonical search reads the thumbnails in slices
            index = np.arange(*p.indices(len(self)), dtype=np.int64)
            return self.columns.fingerprints(index)
        c = self.estate.catalogs[int(self.cat[p])]
        r = int(self.local[p])
        return Fingerprint(
            hash_bytes=c.hashes[r].tobytes(),
            thumb=c.thumbs[r].tobytes(),
            detail_map=detailmap.map_of(c, r),
            colour=c.colours[r].tobytes() if c.has_colour[r] else b"",
        )

    def __iter__(self) -> Iterator[Fingerprint]:
        for p in range(len(self.rows)):
            yield self[p]


class _Metrics(Sequence[ImageMetrics]):
    """The metrics of the readable units, decoded only for the pictures matching asks
    about (the ends of candidate pairs), each once."""

    def __init__(self, estate: _Estate, units: I64) -> None:
        self.estate = estate
        self.units = units
        self.cache: dict[int, ImageMetrics] = {}
        self._numbers: list[I64] | None = None

    def __len__(self) -> int:
        return len(self.units)

    def __getitem__(self, p: int) -> ImageMetrics:  # type: ignore[override]
        found = self.cache.get(p)
        if found is None:
            analysis = self.estate.unit_analysis(int(self.units[p]))
            assert analysis is not None  # a readable unit
            found = self.cache[p] = analysis.metrics
        return found

    def camera_moments(self, pictures: I64) -> tuple[I64, F64]:
        """`cleaner.detect.shots.CameraMoments`: looked up in the columns, where the
        process that read each catalog put them. A picture whose camera and time cannot
        be told gets the full decode, which says what is wrong with it in one line."""
        rows = self.estate.unit_rep[self.units[pictures]]
        cat = np.searchsorted(self.estate.offsets, rows, side="right") - 1
        local = rows - self.estate.offsets[cat]
        camera = np.full(len(pictures), -1, dtype=np.int64)
        seconds = np.zeros(len(pictures), dtype=np.float64)
        numbers = self._camera_numbers()
        for n, c in enumerate(self.estate.catalogs):
            sel = np.flatnonzero(cat == n)
            if not len(sel):
                continue
            at = local[sel]
            bad = np.flatnonzero(c.time_bad[at])
            if len(bad):
                self[int(pictures[sel[bad[0]]])]  # raises the row's CatalogError
                raise AssertionError("metrics that do not parse decoded in full")
            camera[sel] = numbers[n][c.moment_camera[at]]
            has = camera[sel] >= 0
            seconds[sel[has]] = c.moment_seconds[at[has]]
        return camera, seconds

    def _camera_numbers(self) -> list[I64]:
        """Per catalog: its camera numbers as numbers common to every catalog (the same
        name, the same number), then -1 (a row without a moment is -1 there)."""
        if self._numbers is None:
            common: dict[str, int] = {}
            self._numbers = [
                np.array([*(common.setdefault(name, len(common)) for name in c.cameras), -1])
                for c in self.estate.catalogs
            ]
        return self._numbers
