"""Build a catalog: walk the roots, and digest, fingerprint and measure every picture into
one SQLite file (`cleaner.catalog.schema`, docs/catalog.md).

`build(settings)` is a generator of `cleaner.progress` events that ends with
`CatalogBuilt(summary)`, like a scan. It is incremental and resumable by the same rule:
a file whose row holds the same size, mtime and inode is not read again, and rows are
committed every `commit_seconds`, so a build killed after hours loses at most that much
work, and running the same build again finishes it. Setting the `CancelToken` (Ctrl-C on
the command line) pauses it the same way: what was read is committed first.

One build at a time per catalog: the build holds SQLite's own exclusive lock on the file
(`PRAGMA locking_mode=EXCLUSIVE`) from its first statement to its end; the operating
system releases it when the process ends, however it ends.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as _dt
import json
import os
import platform
import sqlite3
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from cleaner.catalog import mapstore, thumbcode
from cleaner.catalog.schema import (
    APPLICATION_ID,
    BUILDING,
    COMPLETE,
    FORMAT_NAME,
    METRICS_DICTIONARY,
    NOT_OVERWRITTEN,
    REBUILD,
    REBUILD_HERE,
    SCHEMA,
    SCHEMA_VERSION,
    CatalogBusy,
    CatalogError,
    StoredColumns,
    UnfinishedCatalog,
    check_header,
    check_identity,
    compute_checksum,
    damaged_message,
    describe_sqlite_error,
    pack_columns,
    relpath_bytes,
)
from cleaner.detect.analysis import analyse_file
from cleaner.detect.cache import analysis_columns, library_versions
from cleaner.detect.decode import DecodeFailure, register_plugins
from cleaner.detect.fingerprint import ALGORITHM_VERSION, sha256_file
from cleaner.detect.walk import FoundFile, normalise_roots, reason_for_os_error, walk
from cleaner.formats import is_image_candidate
from cleaner.i18n import _, ngettext, number, time_of
from cleaner.models import DEFAULT_MAX_PIXELS, Analysis, SkippedFile, SkipReason
from cleaner.progress import (
    CancelToken,
    FileSkipped,
    Notice,
    Progress,
    ProgressMeter,
    Stage,
    StageStarted,
)
from cleaner.version import __version__

# 32 KiB: rows of ~600 bytes and maps of ~1,700 fill such pages to within ~1 %; at 8 KiB
# a page holding rows with maps left ~10 % of itself empty (docs/catalog.md, "Size")
PAGE_SIZE = 32768
COMMIT_SECONDS = 30.0  # at most this much reading is lost when a build is killed
MAX_LABEL = 200
_WALK_SHARE = 0.05  # of the progress bar


@dataclass(frozen=True, slots=True)
class BuildSettings:
    roots: tuple[str, ...]
    label: str
    out: Path
    excludes: tuple[str, ...] = ()
    follow_symlinks: bool = False
    max_pixels: int = DEFAULT_MAX_PIXELS
    workers: int = 0  # 0: one per core
    commit_seconds: float = COMMIT_SECONDS


@dataclass(frozen=True, slots=True)
class BuildSummary:
    path: str
    label: str
    roots: tuple[str, ...]
    files: int  # picture files in the catalog
    pictures: int  # of which were read as pictures
    bytes: int
    skipped: int  # files that could not be catalogued as pictures, with their reasons
    read: int  # files read by this run
    unchanged: int  # files found unchanged and not read
    removed: int  # rows dropped: the file is gone or no longer under the roots
    resumed: bool  # this run finished an interrupted build
    seconds: float


@dataclass(frozen=True, slots=True)
class CatalogBuilt:
    summary: BuildSummary


BuildEvent = Progress | StageStarted | FileSkipped | Notice | CatalogBuilt


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """One file on disk to read (hard links to it are read once), and the root it was
    found under, so that a cluster can send it to the machines that hold that root."""

    path: str
    size: int
    root: str


# What reading one file gave: `read_file`'s digest and verdict, the `OSError` it raised,
# or a `SkippedFile` when a runner gave up on it (a file that kept crashing a cluster
# worker); the last two are recorded as skipped with their reason, with no row.
ReadOutcome = tuple[bytes, Analysis | DecodeFailure] | OSError | SkippedFile

# Where the reading happens. Called with every request, the maximum picture size and the
# build's cancel token, it yields, as they finish, lists of (index into the requests,
# outcome), and an empty list at least every quarter second so that the build can check
# the token and show progress. The local runner reads on threads of this process
# (`thread_runner`); `cleaner.catalog.cluster` reads on Dask workers. Closing the
# iterator must stop the work it started.
ReadRunner = Callable[
    [Sequence[ReadRequest], int, CancelToken], Generator[list[tuple[int, ReadOutcome]], None, None]
]


def check_label(label: str) -> str:
    """The label, stripped; raises `ValueError` in one line for an unusable one."""
    text = label.strip()
    if not text:
        raise ValueError(_("--label must name the server or data set, e.g. --label nas-1"))
    if len(text) > MAX_LABEL or any(not c.isprintable() for c in text):
        raise ValueError(
            ngettext(
                "--label must be one line of at most {n} printable character",
                "--label must be one line of at most {n} printable characters",
                MAX_LABEL,
            ).format(n=number(MAX_LABEL))
        )
    return text


@dataclass(slots=True)
class _Todo:
    root: int
    rel: bytes
    found: FoundFile


class _Writer:
    """The build's connection: one open transaction, committed every `seconds`."""

    def __init__(self, conn: sqlite3.Connection, seconds: float) -> None:
        self.conn = conn
        self.seconds = seconds
        self._last = time.monotonic()

    def maybe_commit(self) -> None:
        if time.monotonic() - self._last >= self.seconds:
            self.commit()

    def commit(self) -> None:
        self.conn.execute("COMMIT")
        self.conn.execute("BEGIN IMMEDIATE")  # the exclusive lock is kept (locking_mode)
        self._last = time.monotonic()


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).astimezone().isoformat(timespec="seconds")


def _reading_settings(settings: BuildSettings) -> str:
    """What shapes a row's fingerprint and verdict: a change re-reads every file."""
    return f"{library_versions()};max_pixels={settings.max_pixels}"


def _open(out: Path) -> sqlite3.Connection:
    """The catalog file opened for a build, its exclusive lock taken and a transaction open."""
    # A killed build's last transaction is rolled back by SQLite on opening: it resumes.
    with contextlib.suppress(UnfinishedCatalog):
        if check_header(out) is None and not out.exists():
            _create_empty(out)
    try:
        conn = sqlite3.connect(str(out), timeout=0, isolation_level=None)
    except sqlite3.Error as exc:
        raise CatalogError(
            _("cannot write {file}: {reason}").format(file=out, reason=exc)
        ) from None
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")  # a new file only (or `_compact`)
        conn.execute("PRAGMA temp_store=MEMORY")  # this run's list of rows seen
        conn.execute("BEGIN EXCLUSIVE")
    except sqlite3.Error as exc:
        conn.close()
        error = describe_sqlite_error(out, exc)
        if isinstance(error, CatalogBusy):
            raise CatalogBusy(
                _(
                    "another catalog build is writing {file}; wait for it to end, or stop it, "
                    "and run this again"
                ).format(file=out)
            ) from None
        if "unable to open" in str(exc) or "readonly" in str(exc):
            raise CatalogError(
                _("cannot write {file}: its folder is read-only").format(file=out)
            ) from None
        raise error from None
    return conn


def _not_overwritten(exc: CatalogError) -> CatalogError:
    """A reader's refusal, told to someone building over the file."""
    text = str(exc)
    for advice in (REBUILD, REBUILD_HERE):  # the message is in the user's language
        text = text.replace(_(advice), _(NOT_OVERWRITTEN))
    return type(exc)(text)


def _create_empty(out: Path) -> None:
    """Create the new catalog file first, so that a folder that cannot be written is
    said in the system's words ("Read-only file system") rather than SQLite's."""
    try:
        os.close(os.open(out, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError:
        pass  # another build just made it: SQLite's lock decides who goes on
    except OSError as exc:
        raise CatalogError(
            _("cannot write {file}: {reason}").format(file=out, reason=exc.strerror or exc)
        ) from None


def _start(
    conn: sqlite3.Connection, out: Path, settings: BuildSettings, label: str
) -> tuple[int, bool, list[Notice]]:
    """Create or check the catalog; return this run's build number, whether it resumes an
    interrupted build, and what to tell the user."""
    notices: list[Notice] = []
    fresh = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    if fresh:
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        meta: dict[str, str] = {}
        older = False
    else:
        meta = check_identity(out, conn)
        older = int(conn.execute("PRAGMA user_version").fetchone()[0]) < SCHEMA_VERSION
        if not older and not mapstore.has_table(conn):  # a hand edit: never written so
            raise CatalogError(damaged_message(out, _("its table of detail maps is missing")))
        if meta.get("label") != label:
            raise CatalogError(
                _(
                    "{file} is the catalog of {label}, not {wanted}: give --label {given} "
                    "to update it, or choose another --out"
                ).format(
                    file=out,
                    label=repr(meta.get("label")),
                    wanted=repr(label),
                    given=meta.get("label"),
                )
            )
        if meta.get("state") == COMPLETE and meta.get("checksum") != compute_checksum(conn):
            raise CatalogError(
                _(
                    "{file} is damaged or was changed after it was built (its checksum does "
                    "not match): move it away or choose another --out, and build again"
                ).format(file=out)
            )
    # an older schema's rows stay as they are (`READABLE_SCHEMAS`) but for their detail
    # maps, moved to the table they share; the rows this build writes are this schema's,
    # so the file is marked as such (and `meta` below)
    if older:
        mapstore.upgrade(conn)
        thumbcode.upgrade(conn)  # schema 4: thumbnails encoded
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    resumed = meta.get("state") == BUILDING
    number = int(meta.get("build", "0")) + (0 if resumed else 1)
    reading = _reading_settings(settings)
    if meta and meta.get("reading") != reading:
        conn.execute("DELETE FROM files")
        conn.execute("DELETE FROM skipped")
        conn.execute(f"DELETE FROM {mapstore.MAPS_TABLE}")
        notices.append(
            Notice(
                _(
                    "{file} was built by another PhotoSift or with other settings: every "
                    "picture is read again."
                ).format(file=out),
                _("Every picture is read again."),
            )
        )
    if resumed:
        notices.append(
            Notice(
                _(
                    "Resuming the build of {file} started {when}: files already catalogued "
                    "are not read again."
                ).format(file=out, when=time_of(meta.get("build_started_at", "?"))),
                _("Resuming the interrupted build."),
            )
        )
    values: dict[str, object] = {
        "format": FORMAT_NAME,
        "schema_version": SCHEMA_VERSION,
        "label": label,
        "machine": platform.node(),
        "photosift_version": __version__,
        "algorithm_version": ALGORITHM_VERSION,
        "library_versions": library_versions(),
        "reading": reading,
        "metrics_dictionary": METRICS_DICTIONARY.decode("ascii"),
        "max_pixels": settings.max_pixels,
        "follow_symlinks": int(settings.follow_symlinks),
        "excludes": json.dumps(list(settings.excludes)),
        "build": number,
        "state": BUILDING,
    }
    if not resumed:
        values["build_started_at"] = _now()
    if fresh:
        values["created_at"] = _now()
    for key, value in values.items():
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, str(value)))
    conn.execute("DELETE FROM meta WHERE key IN ('checksum', 'build_finished_at')")
    conn.execute("COMMIT")
    conn.execute("BEGIN IMMEDIATE")
    return number, resumed, notices


def _read_file(path: str, size: int, max_pixels: int) -> tuple[bytes, Analysis | DecodeFailure]:
    """What a pool worker does for one file: the SHA-256 of all its bytes, then the
    small decode, metrics and fingerprint (`cleaner.detect.analysis.analyse_file`)."""
    digest = bytes.fromhex(sha256_file(path))
    if size == 0:
        return digest, DecodeFailure(SkipReason.EMPTY)
    return digest, analyse_file(path, max_pixels)


def read_file(path: str, size: int, max_pixels: int) -> tuple[bytes, Analysis | DecodeFailure]:
    """The per-file work of every build, local or on a cluster (one function, so both
    give the same rows bit for bit); raises `OSError` for a file that cannot be read."""
    return _read_file(path, size, max_pixels)


def thread_runner(workers: int) -> ReadRunner:
    """Read on `workers` threads of this process (0: one per core): a local build."""

    def run(
        requests: Sequence[ReadRequest], max_pixels: int, token: CancelToken
    ) -> Generator[list[tuple[int, ReadOutcome]], None, None]:
        pool = cf.ThreadPoolExecutor(
            max_workers=workers or os.cpu_count() or 2, thread_name_prefix="photosift-catalog"
        )
        try:
            limit = max(4, 3 * pool._max_workers)
            pending: dict[cf.Future[tuple[bytes, Analysis | DecodeFailure]], int] = {}
            it = iter(enumerate(requests))
            exhausted = False
            while pending or not exhausted:
                while not exhausted and len(pending) < limit:
                    item = next(it, None)
                    if item is None:
                        exhausted = True
                        break
                    index, r = item
                    pending[pool.submit(_read_file, r.path, r.size, max_pixels)] = index
                if not pending:
                    break
                done, _waiting = cf.wait(pending, timeout=0.25, return_when=cf.FIRST_COMPLETED)
                finished: list[tuple[int, ReadOutcome]] = []
                for future in done:
                    index = pending.pop(future)
                    try:
                        finished.append((index, future.result()))
                    except OSError as exc:
                        finished.append((index, exc))
                yield finished
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    return run


def build(
    settings: BuildSettings,
    *,
    cancel: CancelToken | None = None,
    progress_hz: float = 15.0,
    runner: ReadRunner | None = None,
) -> Iterator[BuildEvent]:
    """Build or update the catalog `settings.out`. Raises `BadRootError` for a bad root,
    `CatalogError` (one line) for a catalog that cannot be written, and `Cancelled` when
    `cancel` is set (after committing what was read: the same build resumes). `runner`
    says where files are read (default: `settings.workers` threads here)."""
    token = cancel or CancelToken()
    label = check_label(settings.label)
    roots = normalise_roots(settings.roots)
    out = Path(os.path.abspath(os.path.expanduser(settings.out)))
    if not out.parent.is_dir():
        raise CatalogError(_("cannot write {target}: its folder does not exist").format(target=out))
    # The catalog and its journal, by every name the walk may give them (a root reached
    # through a symbolic link is walked under its real path).
    own = {
        name + suffix
        for name in (str(out), os.path.join(os.path.realpath(out.parent), out.name))
        for suffix in ("", "-journal", "-wal", "-shm")
    }
    t0 = time.monotonic()
    register_plugins()
    try:
        conn = _open(out)
    except CatalogError as exc:
        raise _not_overwritten(exc) from None
    try:
        try:
            # 0 for a new file; an older schema is upgraded by `_start`
            upgrading = 0 < int(conn.execute("PRAGMA user_version").fetchone()[0]) < SCHEMA_VERSION
            number, resumed, notices = _start(conn, out, settings, label)
        except sqlite3.Error as exc:
            raise _not_overwritten(describe_sqlite_error(out, exc)) from None
        except CatalogError as exc:
            raise _not_overwritten(exc) from None
        yield from notices
        writer = _Writer(conn, settings.commit_seconds)
        _begin_run(conn)
        root_ids = [_root_id(conn, root) for root in roots]
        todo: list[_Todo] = []
        unchanged = yield from _walk_stage(
            writer, settings, roots, root_ids, own, number, todo, token, progress_hz
        )
        read = yield from _read_stage(
            writer,
            settings,
            todo,
            dict(zip(root_ids, roots, strict=True)),
            number,
            runner or thread_runner(settings.workers),
            token,
            progress_hz,
        )
        removed = _finish(writer, root_ids, number)
        summary = _summary(conn, out, label, roots, read, unchanged, removed, resumed, t0)
        conn.execute("COMMIT")
        if upgrading:
            _compact(conn)
        conn.close()
        yield CatalogBuilt(summary)
    finally:
        _close(conn)


def _compact(conn: sqlite3.Connection) -> None:
    """Rewrite a catalog just upgraded to this schema: the detail maps moved out of its
    `files` rows left their pages part empty (a 30 % low-detail catalog grew ~35 %), and
    SQLite gives such space back only by rewriting the file; it also takes this schema's
    page size. No row changes (the checksum still holds); a kill meanwhile leaves the
    finished catalog as it was (the rollback journal), and the copy is made in the
    temporary folder, not in memory. A rewrite that fails (no room for the copy) leaves
    that finished catalog as it was: correct, only bigger (docs/catalog.md says how to
    rewrite it later)."""
    with contextlib.suppress(sqlite3.Error):
        conn.execute("PRAGMA temp_store=FILE")
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
        conn.execute("VACUUM")


def _close(conn: sqlite3.Connection) -> None:
    """Keep what was done (a pause, an error): commit the open transaction, then close."""
    with contextlib.suppress(sqlite3.Error):
        if conn.in_transaction:
            conn.execute("COMMIT")
    with contextlib.suppress(sqlite3.Error):
        conn.close()


def _begin_run(conn: sqlite3.Connection) -> None:
    """This run's notes of the rows it meets (see `_finish`): temporary, in memory."""
    conn.execute("CREATE TEMP TABLE seen (id INTEGER PRIMARY KEY)")
    conn.execute("CREATE TEMP TABLE skips_seen (root, relpath, PRIMARY KEY (root, relpath))")


def _root_id(conn: sqlite3.Connection, root: str) -> int:
    raw = os.fsencode(root)
    conn.execute("INSERT OR IGNORE INTO roots (path) VALUES (?)", (raw,))
    row = conn.execute("SELECT id FROM roots WHERE path = ?", (raw,)).fetchone()
    return int(row[0])


def _place(path: str, roots: tuple[str, ...], root_ids: list[int]) -> tuple[int, bytes] | None:
    """The root a walked path lies under and the path below it, as stored."""
    for root, rid in zip(roots, root_ids, strict=True):
        if path == root:
            return rid, b""
        prefix = root.rstrip(os.sep) + os.sep
        if path.startswith(prefix):
            return rid, relpath_bytes(path[len(prefix) :])
    return None


def _overall(event: Progress, start: float, share: float) -> Progress:
    fraction = min(event.done / event.total, 1.0) if event.total else 0.0
    return replace(event, overall=start + share * fraction)


def _walk_stage(
    writer: _Writer,
    settings: BuildSettings,
    roots: tuple[str, ...],
    root_ids: list[int],
    own: set[str],
    number: int,
    todo: list[_Todo],
    token: CancelToken,
    hz: float,
) -> Generator[BuildEvent, None, int]:
    """Walk the roots: note every skip, mark each unchanged file as seen by this build,
    and list the new and changed files in `todo`. Returns how many were unchanged."""
    yield StageStarted(Stage.WALK)
    meter = ProgressMeter(Stage.WALK, hz=hz)
    conn = writer.conn
    unchanged = 0
    for item in walk(roots, settings.excludes, settings.follow_symlinks):
        token.check()
        place = _place(item.path, roots, root_ids)
        if place is None or item.path in own:
            continue  # the catalog itself, when --out is under a root
        rid, rel = place
        if isinstance(item, SkippedFile):
            _skip(conn, rid, rel, item.reason, item.detail, number)
            yield FileSkipped(item)
            continue
        if not is_image_candidate(item.path):
            continue
        row = conn.execute(
            "SELECT id, size, mtime_ns, inode, device, nlink FROM files "
            "WHERE root = ? AND relpath = ?",
            (rid, rel),
        ).fetchone()
        if row is not None and (row[1], row[2], row[3]) == (
            item.size,
            item.mtime_ns,
            item.inode,
        ):
            unchanged += 1
            # Seen, in a table of this run's own: an unchanged row is not written, so an
            # update of a million unchanged files does not rewrite the whole file.
            conn.execute("INSERT OR IGNORE INTO temp.seen VALUES (?)", (row[0],))
            if (row[4], row[5]) != (item.device, item.nlink):  # remounted, new links
                conn.execute(
                    "UPDATE files SET device = ?, nlink = ? WHERE id = ?",
                    (item.device, item.nlink, row[0]),
                )
        else:
            todo.append(_Todo(rid, rel, item))
        writer.maybe_commit()
        event = meter.advance(1, item.size)
        if event is not None:
            yield _overall(event, 0.0, 0.0)
    yield _overall(meter.snapshot(), 0.0, 0.0)
    return unchanged


def _skip(
    conn: sqlite3.Connection, rid: int, rel: bytes, reason: SkipReason, detail: str, number: int
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO skipped VALUES (?, ?, ?, ?, ?)",
        (rid, rel, reason.value, detail, number),
    )
    conn.execute("INSERT OR IGNORE INTO temp.skips_seen VALUES (?, ?)", (rid, rel))


def _read_stage(
    writer: _Writer,
    settings: BuildSettings,
    todo: list[_Todo],
    root_paths: dict[int, str],
    number: int,
    runner: ReadRunner,
    token: CancelToken,
    hz: float,
) -> Generator[BuildEvent, None, int]:
    """Read every file in `todo` with `runner` and write its row; one read per file on
    disk (hard links to one file share it). Returns how many files were read."""
    yield StageStarted(Stage.FINGERPRINT)
    by_identity: dict[tuple[int, int], list[_Todo]] = {}
    jobs: list[list[_Todo]] = []
    for t in todo:
        key = (t.found.device, t.found.inode)
        if t.found.inode == 0:
            jobs.append([t])
        elif key in by_identity:
            by_identity[key].append(t)
        else:
            by_identity[key] = [t]
            jobs.append(by_identity[key])
    del by_identity
    meter = ProgressMeter(
        Stage.FINGERPRINT,
        total=len(jobs),
        bytes_total=sum(job[0].found.size for job in jobs),
        hz=hz,
    )
    yield _overall(meter.snapshot(), _WALK_SHARE, 1 - _WALK_SHARE)
    conn = writer.conn
    requests = [
        ReadRequest(job[0].found.path, job[0].found.size, root_paths[job[0].root]) for job in jobs
    ]
    read = 0
    with contextlib.closing(runner(requests, settings.max_pixels, token)) as results:
        for finished in results:
            for index, outcome in finished:
                job = jobs[index]
                read += 1
                if isinstance(outcome, (OSError, SkippedFile)):
                    if isinstance(outcome, OSError):
                        reason, detail = reason_for_os_error(outcome)
                    else:
                        reason, detail = outcome.reason, outcome.detail
                    for t in job:
                        conn.execute(
                            "DELETE FROM files WHERE root = ? AND relpath = ?", (t.root, t.rel)
                        )
                        _skip(conn, t.root, t.rel, reason, detail, number)
                        yield FileSkipped(SkippedFile(t.found.path, reason, detail))
                else:
                    digest, verdict = outcome
                    for t in job:
                        _write_row(conn, t, digest, verdict, number)
                writer.maybe_commit()
                event = meter.advance(1, job[0].found.size)
                if event is not None:
                    yield _overall(event, _WALK_SHARE, 1 - _WALK_SHARE)
            token.check()  # after writing what came back: a pause loses no finished work
    yield _overall(meter.snapshot(), _WALK_SHARE, 1 - _WALK_SHARE)
    return read


_INSERT = (
    "INSERT OR REPLACE INTO files (root, relpath, size, mtime_ns, device, inode, nlink, "
    "sha256, metrics, hashes, thumb, detail, colour, skip_reason, skip_detail, build) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _write_row(
    conn: sqlite3.Connection,
    t: _Todo,
    digest: bytes,
    verdict: Analysis | DecodeFailure,
    number: int,
) -> None:
    f = t.found
    if isinstance(verdict, Analysis):
        metrics, hashes, thumb, detail, colour = pack_columns(analysis_columns(verdict))
        if detail is not None:  # kept once per content, shared by exact copies
            mapstore.store(conn, digest, detail)
        columns: StoredColumns = (metrics, hashes, thumb, None, colour)
        skip: tuple[str | None, str | None] = (None, None)
    else:
        columns = (None, None, None, None, None)
        skip = (verdict.reason.value, verdict.detail)
    cursor = conn.execute(
        _INSERT,
        (
            t.root,
            t.rel,
            f.size,
            f.mtime_ns,
            f.device,
            f.inode,
            f.nlink,
            digest,
            *columns,
            *skip,
            number,
        ),
    )
    conn.execute("INSERT INTO temp.seen VALUES (?)", (cursor.lastrowid,))


def _finish(writer: _Writer, root_ids: list[int], number: int) -> int:
    """Drop what this build did not see (files gone, roots no longer given) and stale
    skips; returns how many file rows were dropped."""
    conn = writer.conn
    # Only rows this run met survive: unchanged files its walk saw and files it read. A
    # row from before a kill whose file has gone since is dropped too.
    removed = conn.execute("DELETE FROM files WHERE id NOT IN temp.seen").rowcount
    mapstore.drop_unused(conn)  # the maps of contents no row has any more
    conn.execute(
        "DELETE FROM skipped WHERE NOT EXISTS (SELECT 1 FROM temp.skips_seen s "
        "WHERE s.root = skipped.root AND s.relpath = skipped.relpath)"
    )
    conn.execute(
        "DELETE FROM skipped WHERE EXISTS (SELECT 1 FROM files f "
        "WHERE f.root = skipped.root AND f.relpath = skipped.relpath)"
    )
    marks = ",".join("?" * len(root_ids))
    conn.execute(f"DELETE FROM roots WHERE id NOT IN ({marks})", root_ids)
    return int(removed)


def _summary(
    conn: sqlite3.Connection,
    out: Path,
    label: str,
    roots: tuple[str, ...],
    read: int,
    unchanged: int,
    removed: int,
    resumed: bool,
    t0: float,
) -> BuildSummary:
    files, pictures, nbytes, failed = conn.execute(
        "SELECT count(*), count(metrics), coalesce(sum(size), 0), count(skip_reason) FROM files"
    ).fetchone()
    walk_skips = conn.execute("SELECT count(*) FROM skipped").fetchone()[0]
    reasons: dict[str, int] = {}
    for reason, count in conn.execute(
        "SELECT skip_reason, count(*) FROM files WHERE skip_reason IS NOT NULL "
        "GROUP BY skip_reason UNION ALL SELECT reason, count(*) FROM skipped GROUP BY reason"
    ):
        reasons[reason] = reasons.get(reason, 0) + count
    values = {
        "state": COMPLETE,
        "build_finished_at": _now(),
        "files": files,
        "pictures": pictures,
        "bytes": nbytes,
        "skipped": failed + walk_skips,
        "skipped_reasons": json.dumps(reasons, sort_keys=True),
    }
    for key, value in values.items():
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, str(value)))
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('checksum', ?)", (compute_checksum(conn),))
    return BuildSummary(
        path=str(out),
        label=label,
        roots=roots,
        files=files,
        pictures=pictures,
        bytes=nbytes,
        skipped=failed + walk_skips,
        read=read,
        unchanged=unchanged,
        removed=removed,
        resumed=resumed,
        seconds=time.monotonic() - t0,
    )
