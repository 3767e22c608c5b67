"""Read catalogs for grouping: columns, not one object per row.

`cleaner.catalog.read` builds a `CatalogFile` (and a validated `Analysis`) for every row:
about 4,500 rows a second, an hour for ten catalogs of a million. Grouping needs far
less per row: the fingerprint's bytes (hashes, thumbnail, colour) for matching, the
SHA-256 for exact copies, the file's identity (size, mtime, device, inode) and its path,
and the metrics only of the pictures that end up compared or in a set. So
`read_columns` reads the rows in batches straight into arrays and byte buffers, keeps
the compressed metrics and detail maps as they are stored, and decodes them on demand
(`Columns.analysis`).

Every check of `read` stays: the header and schema, a finished build, the algorithm
version, and the checksum of every row (computed in the same pass, one SHA-256 call per
row). A row is checked for the types and sizes a build writes; its metrics are checked
when decoded (a checksum that matches means the rows are the ones the build wrote).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import hashlib
import json
import math
import multiprocessing
import os
import signal
import sqlite3
import zlib
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.synchronize import Event as EventType
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from cleaner.catalog import detailmap, mapstore, thumbcode
from cleaner.catalog.blobs import OptionalBytes, PackedBytes
from cleaner.catalog.reader import CatalogInfo, catalog_info, check_usable
from cleaner.catalog.schema import (
    FILES_SELECT,
    SKIPPED_SELECT,
    CatalogError,
    Checksum,
    bad_row_message,
    changed_message,
    damaged_message,
    open_read_only,
    row_bytes,
    unpack_columns,
)
from cleaner.detect.cache import analysis_from_columns
from cleaner.detect.fingerprint import COLOUR_SIDE, THUMB_SIDE
from cleaner.detect.shots import moment_of
from cleaner.errors import Cancelled
from cleaner.i18n import _, current_language, format_locale, set_language
from cleaner.models import DIHEDRAL_BYTES, Analysis, SkipReason, TimeSource
from cleaner.progress import CancelToken

HASH_BYTES = DIHEDRAL_BYTES + 8  # the eight orientations and the crop window
THUMB_BYTES = THUMB_SIDE * THUMB_SIDE
COLOUR_BYTES = 2 * COLOUR_SIDE * COLOUR_SIDE
_BATCH = 20_000  # rows fetched at a time; a cancel is seen between batches (~0.5 s)
_MOD = 1 << 256

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


@dataclass(slots=True)
class Columns:
    """The rows of one catalog's `files` table, as columns (row r in every one)."""

    info: CatalogInfo
    dictionary: bytes  # the metrics column's zlib dictionary
    root: I64  # index into info.roots
    relpath: PackedBytes  # as stored: the file system's bytes, "/" between folders
    size: I64
    mtime_ns: I64
    device: I64
    inode: I64
    nlink: I64
    sha256: U8  # (n, 32)
    readable: npt.NDArray[np.bool_]  # has an analysis
    failure: list[str | None]  # SkipReason value of a row without one
    failure_detail: list[str | None]
    # compressed, as stored; both byte columns packed (`cleaner.catalog.blobs`: a list
    # of objects took ~100 bytes a row more)
    metrics: OptionalBytes
    hashes: U8  # (n, HASH_BYTES)
    thumbs: U8  # (n, THUMB_BYTES)
    colours: U8  # (n, COLOUR_BYTES); zero where has_colour is False
    has_colour: npt.NDArray[np.bool_]
    # Each readable row's width, height and detail measure (the grey standard deviation,
    # `ImageMetrics.detail`), decoded from its metrics as the row is read: grouping asks
    # for them for the ends of every candidate pair, and a reading worker decodes them
    # beside the row's checksum, on its own core (`cleaner.catalog.pictures`). NaN in all
    # three: not readable, or metrics that do not hold these three as a build writes them.
    width: F64
    height: F64
    detail_std: F64
    # Each readable row's camera and capture moment as `shots.moment_of` makes them
    # (burst frames are told from copies by them), worked out as the row is read:
    # `cameras[moment_camera[r]]` and `moment_seconds[r]`; -1 and NaN where the row has
    # none. `time_bad`: rows whose metrics do not parse or name a time source PhotoSift
    # does not write (grouping decodes such a row in full when it asks, to say why).
    moment_camera: npt.NDArray[np.int32]
    moment_seconds: F64
    cameras: tuple[str, ...]
    time_bad: npt.NDArray[np.bool_]
    detail: dict[int, bytes] = field(default_factory=dict)  # row -> compressed detail map
    skipped: list[tuple[str, SkipReason, str]] = field(default_factory=list)  # relpath, why
    damaged_maps: set[int] = field(default_factory=set)  # rows whose detail map did not decode

    def __len__(self) -> int:
        return len(self.relpath)

    def relpath_of(self, row: int) -> str:
        """Row `row`'s path below its root, "/" between folders (as in the catalog)."""
        return os.fsdecode(self.relpath[row])

    def analysis(self, row: int) -> Analysis:
        """Row `row`'s metrics and fingerprint, decoded and checked (a readable row)."""
        colour = self.colours[row].tobytes() if self.has_colour[row] else b""
        stored = (
            self.metrics[row],
            self.hashes[row].tobytes(),
            self.thumbs[row].tobytes(),
            None,  # the detail map: below, where a damaged one is noted, not fatal
            colour,
        )
        columns = unpack_columns(stored, self.dictionary)
        analysis = None if columns is None else analysis_from_columns(*columns)
        if analysis is None:
            raise CatalogError(bad_row_message(Path(self.info.path), self.relpath_of(row)))
        detail_map = detailmap.map_of(self, row)
        if detail_map is not None:
            fingerprint = replace(analysis.fingerprint, detail_map=detail_map)
            analysis = replace(analysis, fingerprint=fingerprint)
        return analysis

    def capture_times(self) -> list[str | None]:
        """Each readable row's EXIF capture time ("YYYY-MM-DD HH:MM:SS") or None, read from
        the compressed metrics without building the analysis (a dataset summary reads
        every row: ~10 times faster than `analysis`)."""
        out: list[str | None] = []
        for row in np.nonzero(self.readable)[0].tolist():
            blob = self.metrics[row]
            try:
                z = zlib.decompressobj(15, self.dictionary)
                data = json.loads(z.decompress(blob or b"") + z.flush())
            except (zlib.error, ValueError):
                raise _bad_row(Path(self.info.path), self.relpath[row]) from None
            value = data.get("capture_time") if isinstance(data, dict) else None
            out.append(value if isinstance(value, str) else None)
        return out


def read_columns(path: str | os.PathLike[str], cancel: CancelToken | None = None) -> Columns:
    """One catalog's rows for grouping, every check of `cleaner.catalog.read` made
    (raises `CatalogError`, `UnfinishedCatalog` or `CatalogVersionError` in one line).
    `cancel` is checked between batches of rows (raises `Cancelled`)."""
    where = Path(path)
    with open_read_only(where) as conn:
        meta = check_usable(where, conn, for_grouping=True)
        return _read(where, conn, meta, cancel)


# Catalogs at least this big in all are read by worker processes, one catalog each
# (the read is Python work per row: one core reads ~45,000 rows a second); smaller
# ones are read here, where starting the processes would cost more than it saves.
PARALLEL_BYTES = 256 * 1024 * 1024
READERS = 2
# how often a parent waiting for a worker's catalog looks at the cancel token
_POLL_SECONDS = 0.1


def read_many(
    paths: Sequence[str | os.PathLike[str]],
    workers: int | None = None,
    cancel: CancelToken | None = None,
) -> Generator[Columns | CatalogError, None, None]:
    """`read_columns` of each path, in the order given, on `workers` processes (default:
    up to `READERS`, the cores there are) when the catalogs are big enough to pay for
    them. A catalog that cannot be used comes as the `CatalogError` (one line) that
    `read_columns` raised for it, so the caller decides whether the others go on.

    `cancel` raises `Cancelled` within a batch of rows; a cancel, an error or closing
    the generator early stops the worker processes' reads (within a batch) and waits
    for the processes to end, so no read goes on behind the caller's back."""
    count = min(workers or READERS, os.cpu_count() or 1, len(paths))
    if count < 2 or _total_bytes(paths) < PARALLEL_BYTES:
        for path in paths:
            try:
                columns = read_columns(path, cancel)
            except CatalogError as exc:
                yield exc
                continue
            yield columns
        return
    # spawned, not forked: the caller may be a window with threads; a spawned process
    # imports only what reading needs
    context = multiprocessing.get_context("spawn")
    stop = context.Event()  # the workers' cancel token
    pool = cf.ProcessPoolExecutor(
        count, mp_context=context, initializer=_start_worker, initargs=(stop, _language())
    )
    try:
        futures = [pool.submit(_read_in_worker, path) for path in paths]
        for future in futures:
            _wait(future, cancel)
            try:
                read = future.result()
            except CatalogError as exc:
                yield exc
                continue
            if read is None:  # only after `stop` is set, which ends this generator
                raise Cancelled
            yield read
    finally:  # done, or stopped early (an error, a cancel, closed): reads under way stop
        # at their next batch and the rest are dropped. The workers are asked, not
        # killed: a worker killed while it sends a catalog back leaves the pool's result
        # reader waiting forever for the rest (seen with 60,000 rows and Ctrl-C).
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)


def _wait(future: cf.Future[Columns | None], cancel: CancelToken | None) -> None:
    """Wait for a worker's catalog, looking at `cancel` every `_POLL_SECONDS` (a
    worker process cannot see the parent's token; a catalog of a million rows takes it
    ~20 s)."""
    while True:
        if cancel is not None:
            cancel.check()
        done, _waiting = cf.wait([future], timeout=_POLL_SECONDS)
        if done:
            break
    if cancel is not None:
        cancel.check()


class _SharedToken(CancelToken):
    """A worker's cancel token: the parent's `multiprocessing` Event, which a
    `threading.Event` (the plain `CancelToken`) cannot be across processes."""

    def __init__(self, event: EventType) -> None:
        super().__init__()
        self._shared = event

    def cancel(self) -> None:
        self._shared.set()

    @property
    def cancelled(self) -> bool:
        return self._shared.is_set()

    def check(self) -> None:
        if self._shared.is_set():
            raise Cancelled


_worker_token: CancelToken | None = None  # set in each worker process by _start_worker


def _start_worker(stop: EventType, language: str) -> None:
    """In a worker: read with the parent's stop flag, and refuse a catalog in the
    parent's language. Ctrl-C is the parent's to handle (it stops the workers); without
    ignoring it, each idle worker would print its own KeyboardInterrupt traceback."""
    global _worker_token
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    set_language(language)
    _worker_token = _SharedToken(stop)


def _language() -> str:
    """The language in force, for a spawned worker, which would otherwise take the
    environment's (not --lang's, nor the window's View -> Language): its catalog with
    its formats' region ("es_MX")."""
    code = current_language()
    return code if code in ("en", "pseudo") else str(format_locale())


def _read_in_worker(path: str | os.PathLike[str]) -> Columns | None:
    """`read_columns` in a worker; None when stopped (the `Cancelled` exception does
    not survive pickling back: its constructor takes no message)."""
    try:
        return read_columns(path, _worker_token)
    except Cancelled:
        return None


def _total_bytes(paths: Sequence[str | os.PathLike[str]]) -> int:
    total = 0
    for path in paths:
        with contextlib.suppress(OSError):  # read_columns says what is wrong with it
            total += os.stat(path).st_size
    return total


def _read(
    path: Path, conn: sqlite3.Connection, meta: dict[str, str], cancel: CancelToken | None
) -> Columns:
    checksum = Checksum()
    for row in conn.execute("SELECT key, value FROM meta WHERE key != 'checksum' ORDER BY key"):
        checksum.add("meta", row)
    roots: dict[int, int] = {}  # roots.id -> index
    root_paths: list[str] = []
    for rid, raw in conn.execute("SELECT id, path FROM roots ORDER BY id"):
        checksum.add("roots", (rid, raw))
        if not (isinstance(rid, int) and isinstance(raw, bytes)):
            raise CatalogError(
                damaged_message(path, _("a root row does not hold what PhotoSift writes"))
            )
        roots[rid] = len(root_paths)
        root_paths.append(os.fsdecode(raw))
    maps = _maps(path, conn, checksum)
    total = _count(conn)
    dictionary = meta.get("metrics_dictionary", "").encode("utf-8", "surrogateescape")
    sides = np.full((3, total), np.nan)  # width, height, detail_std
    moment_seconds = np.full(total, np.nan)
    moment_camera = np.full(total, -1, np.int32)
    time_bad = np.zeros(total, bool)
    cameras: dict[str, int] = {}  # this catalog's camera names, numbered as first met
    root = np.zeros(total, np.int64)
    numbers = np.zeros((5, total), np.int64)  # size, mtime_ns, device, inode, nlink
    sha = np.zeros((total, 32), np.uint8)
    readable = np.zeros(total, bool)
    hashes = np.zeros((total, HASH_BYTES), np.uint8)
    thumbs = np.zeros((total, THUMB_BYTES), np.uint8)
    colours = np.zeros((total, COLOUR_BYTES), np.uint8)
    has_colour = np.zeros(total, bool)
    relpaths: list[PackedBytes] = []  # a batch's values each
    failure: list[str | None] = []
    failure_detail: list[str | None] = []
    metrics: list[OptionalBytes] = []
    detail: dict[int, bytes] = {}
    # the rows' digests are summed as Python ints and reduced once at the end
    digest_sum = 0
    sha256 = hashlib.sha256
    from_bytes = int.from_bytes
    r = 0
    cursor = conn.execute(FILES_SELECT)
    while batch := cursor.fetchmany(_BATCH):
        if cancel is not None:
            cancel.check()
        if r + len(batch) > total:
            raise CatalogError(damaged_message(path, _("its files table changed while read")))
        # five bytes columns packed in one buffer each, copied once into the arrays; the
        # numbers, roots and colours gathered in lists, written once a batch
        hash_parts: list[bytes] = []
        thumb_parts: list[bytes] = []
        encoded_thumbs: list[int] = []  # rows whose thumbnail is stored encoded (schema 4)
        sha_parts: list[bytes] = []
        rel_parts: list[bytes] = []
        metric_parts: list[bytes | None] = []
        number_rows: list[tuple[int, int, int, int, int]] = []
        root_rows: list[int] = []
        readable_rows: list[int] = []
        colour_rows: list[int] = []
        colour_parts: list[bytes] = []
        side_rows: list[int] = []
        side_values: list[tuple[float, float, float]] = []
        moment_rows: list[int] = []
        moment_values: list[tuple[int, float]] = []
        bad_time_rows: list[int] = []
        start = r
        for row in batch:
            (rid, rel, size, mtime, device, inode, nlink, digest, packed, hashed, thumb,
             detail_blob, colour, reason, reason_detail) = row  # fmt: skip
            if not (
                rid in roots
                and type(rel) is bytes
                and type(size) is int
                and type(mtime) is int
                and type(device) is int
                and type(inode) is int
                and type(nlink) is int
                and type(digest) is bytes
                and len(digest) == 32
            ):
                raise _bad_row(path, rel)
            if packed is not None:
                if not (
                    type(packed) is bytes
                    and type(hashed) is bytes
                    and len(hashed) == HASH_BYTES
                    and type(thumb) is bytes
                    and 0 < len(thumb) <= THUMB_BYTES
                    and type(colour) is bytes
                    and len(colour) in (0, COLOUR_BYTES)
                    and (detail_blob is None or type(detail_blob) is bytes)
                    and reason is None
                ):
                    raise _bad_row(path, rel)
                spelled = _files_row_bytes(row, type(rid) is int and reason_detail is None)
                digest_sum += from_bytes(sha256(spelled).digest(), "big")
                hash_parts.append(hashed)
                if len(thumb) < THUMB_BYTES:  # its residuals now, the prediction undone below
                    try:
                        thumb = thumbcode.residual(thumb)
                    except thumbcode.ThumbnailError:
                        raise _bad_row(path, rel) from None
                    encoded_thumbs.append(r)
                thumb_parts.append(thumb)
                readable_rows.append(r)
                if colour:
                    colour_rows.append(r)
                    colour_parts.append(colour)
                if detail_blob is None and maps:
                    detail_blob = maps.get(digest)  # the content's map (schema 3)
                if detail_blob is not None:
                    detail[r] = detail_blob
                values, moment, untold = row_values(packed, dictionary)
                if values is not None:
                    side_rows.append(r)
                    side_values.append(values)
                if moment is not None:
                    moment_rows.append(r)
                    moment_values.append((cameras.setdefault(moment[0], len(cameras)), moment[1]))
                elif untold:
                    bad_time_rows.append(r)
                failure.append(None)
                failure_detail.append(None)
            else:
                spelled = _files_row_bytes(row, False)
                digest_sum += from_bytes(sha256(spelled).digest(), "big")
                if not isinstance(reason, str) or reason not in _REASONS:
                    raise _bad_row(path, rel)
                hash_parts.append(_NO_HASHES)
                thumb_parts.append(_NO_THUMB)
                failure.append(reason)
                failure_detail.append(reason_detail if isinstance(reason_detail, str) else "")
            metric_parts.append(packed)
            rel_parts.append(rel)
            root_rows.append(roots[rid])
            number_rows.append((size, mtime, device, inode, nlink))
            sha_parts.append(digest)
            r += 1
        n = r - start
        root[start:r] = root_rows
        numbers[:, start:r] = np.array(number_rows, np.int64).reshape(n, 5).T
        readable[readable_rows] = True
        if colour_rows:
            colours[colour_rows] = np.frombuffer(b"".join(colour_parts), np.uint8).reshape(
                len(colour_rows), COLOUR_BYTES
            )
            has_colour[colour_rows] = True
        hashes[start:r] = np.frombuffer(b"".join(hash_parts), np.uint8).reshape(n, HASH_BYTES)
        thumbs[start:r] = np.frombuffer(b"".join(thumb_parts), np.uint8).reshape(n, THUMB_BYTES)
        if encoded_thumbs:  # one numpy step for the batch: only the inflate was per row
            thumbs[encoded_thumbs] = thumbcode.undo_prediction(thumbs[encoded_thumbs])
        sha[start:r] = np.frombuffer(b"".join(sha_parts), np.uint8).reshape(n, 32)
        if side_rows:
            sides[:, side_rows] = np.array(side_values, np.float64).reshape(-1, 3).T
        if moment_rows:
            moment_camera[moment_rows] = [c for c, _ in moment_values]
            moment_seconds[moment_rows] = [t for _, t in moment_values]
        time_bad[bad_time_rows] = True
        relpaths.append(PackedBytes.of(rel_parts))
        metrics.append(OptionalBytes.of(metric_parts))
    if r != total:
        raise CatalogError(damaged_message(path, _("its files table changed while read")))
    skipped: list[tuple[str, SkipReason, str]] = []
    for row in conn.execute(SKIPPED_SELECT):
        digest_sum += from_bytes(sha256(row_bytes(b"skipped", row)).digest(), "big")
        rid, rel, reason, text = row
        if not (rid in roots and type(rel) is bytes and reason in _REASONS):
            raise CatalogError(
                damaged_message(path, _("a skipped row does not hold what PhotoSift writes"))
            )
        below = os.fsdecode(rel)
        skipped.append((below, SkipReason(reason), text if isinstance(text, str) else ""))
    checksum.value = (checksum.value + digest_sum) % _MOD
    if meta.get("checksum") != checksum.hex():
        raise CatalogError(changed_message(path))
    info = catalog_info(path, meta, tuple(root_paths))
    return Columns(
        info=info,
        dictionary=dictionary,
        root=root,
        relpath=PackedBytes.joined(relpaths),
        size=numbers[0],
        mtime_ns=numbers[1],
        device=numbers[2],
        inode=numbers[3],
        nlink=numbers[4],
        sha256=sha,
        readable=readable,
        failure=failure,
        failure_detail=failure_detail,
        metrics=OptionalBytes.joined(metrics),
        hashes=hashes,
        thumbs=thumbs,
        colours=colours,
        has_colour=has_colour,
        width=sides[0],
        height=sides[1],
        detail_std=sides[2],
        moment_camera=moment_camera,
        moment_seconds=moment_seconds,
        cameras=tuple(cameras),
        time_bad=time_bad,
        detail=detail,
        skipped=skipped,
    )


def sides_of(packed: bytes, dictionary: bytes) -> tuple[float, float, float] | None:
    """A row's width, height and detail measure from its compressed metrics, or None
    when they do not hold these three as a build writes them (the checks
    `cleaner.resultio` makes of them)."""
    data = _parsed(packed, dictionary)
    return None if data is None else _sides(data)


def row_values(
    packed: bytes, dictionary: bytes
) -> tuple[tuple[float, float, float] | None, tuple[str, float] | None, bool]:
    """What grouping asks of a row, from its compressed metrics decoded once: its sides
    and detail (`sides_of`); its camera and capture moment (`shots.moment_of`); and
    whether those two cannot be told (metrics that do not parse, or a time source
    PhotoSift does not write: the row's full decode then says what is wrong)."""
    data = _parsed(packed, dictionary)
    if data is None:
        return None, None, True
    sides = _sides(data)
    try:
        source = stored_time_source(data)
    except ValueError:
        return sides, None, True
    camera, taken = data.get("camera"), data.get("capture_time")
    moment = moment_of(
        camera if isinstance(camera, str) else None,
        taken if isinstance(taken, str) else None,
        source,
    )
    return sides, moment, False


def stored_time_source(data: dict[str, object]) -> TimeSource | None:
    """Which tag the stored capture time came from (None: not recorded, or no time);
    ValueError for a value PhotoSift does not write (a hand-edited row)."""
    value = data.get("capture_time_source")
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"capture_time_source {value!r}")
    return TimeSource(value)


def _parsed(packed: bytes, dictionary: bytes) -> dict[str, object] | None:
    try:
        z = zlib.decompressobj(15, dictionary)
        data = json.loads(z.decompress(packed) + z.flush())
    except (zlib.error, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _sides(data: dict[str, object]) -> tuple[float, float, float] | None:
    width, height, detail = data.get("width"), data.get("height"), data.get("detail")
    if not (
        type(width) is int
        and type(height) is int
        and width >= 0
        and height >= 0
        and type(detail) in (int, float)
        and math.isfinite(detail)  # type: ignore[arg-type]
    ):
        return None
    try:
        return float(width), float(height), float(detail)  # type: ignore[arg-type]
    except OverflowError:  # an int past a float's range
        return None


_REASONS = frozenset(r.value for r in SkipReason)
# `row_bytes(b"files", row)` of a readable row whose values have the types a build
# writes (root, size, mtime, device, inode, nlink: int; path, digest, metrics, hashes,
# thumbnail, colour: bytes; detail: None or bytes, spelled apart; no reason, no detail)
_READABLE_ROW = (
    b"filesI%d;B%d:%bI%d;I%d;I%d;I%d;I%d;B32:%bB%d:%bB"
    + (b"%d:" % HASH_BYTES)
    + b"%bB%d:%b%bB%d:%bNN"
)
_NO_HASHES = bytes(HASH_BYTES)


def _files_row_bytes(row: tuple[Any, ...], plain: bool) -> bytes:
    """`row_bytes(b"files", row)`. `plain`: the caller checked that the row is readable
    and holds the types a build writes (ints and bytes, the detail map None or bytes, no
    reason and no reason detail); it is then spelled in one formatting."""
    if not plain:
        return row_bytes(b"files", row)
    (rid, rel, size, mtime, device, inode, nlink, digest, packed, hashed, thumb,
     detail_blob, colour, _reason, _reason_detail) = row  # fmt: skip
    detail = b"N" if detail_blob is None else b"B%d:%b" % (len(detail_blob), detail_blob)
    return _READABLE_ROW % (
        rid, len(rel), rel, size, mtime, device, inode, nlink, digest,
        len(packed), packed, hashed, len(thumb), thumb, detail, len(colour), colour,
    )  # fmt: skip


_NO_THUMB = bytes(THUMB_BYTES)


def _maps(path: Path, conn: sqlite3.Connection, checksum: Checksum) -> dict[bytes, bytes]:
    """The catalog's shared detail maps (schema 3), SHA-256 -> map as stored, each row
    added to `checksum`. Copies share the bytes object, and so the memory."""
    maps: dict[bytes, bytes] = {}
    if not mapstore.expects_table(conn):
        return maps
    for row in conn.execute(mapstore.MAPS_SELECT):
        checksum.add("maps", row)
        sha, blob = row
        if not (type(sha) is bytes and len(sha) == 32 and type(blob) is bytes):
            raise CatalogError(
                damaged_message(path, _("a detail map row does not hold what PhotoSift writes"))
            )
        maps[sha] = blob
    return maps


def _count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM files").fetchone()[0])


def _bad_row(path: Path, rel: object) -> CatalogError:
    return CatalogError(bad_row_message(path, rel))
