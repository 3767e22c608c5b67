"""The durable undo log of removals: which file went where, written before each move.

Every file PhotoSift moves out of the way is recorded here *before* the move, in its own
committed SQLite transaction (WAL, ``synchronous=FULL``, so the record survives a crash or
a power cut), and the record is completed after the move. A crash in the middle therefore
leaves at most one record per batch in the ``pending`` state: that file may or may not have
moved, and `cleaner.removal.restore.reconcile` settles it by looking at the disk.

The database lives in the data folder (`cleaner.paths.data_dir`: ``$PHOTOSIFT_DATA_DIR`` or
``platformdirs.user_data_dir("photosift")``); the ``data_dir`` parameter puts it elsewhere.

SQLite connections belong to the thread that opened them: open one `UndoLog` per thread
(the window runs every removal and restore on its single "mutations" thread).
Paths are stored as BLOBs (UTF-8 with ``surrogatepass``) so that any `str` path, including
the ``os.fsdecode()`` spelling of a non-UTF-8 name, comes back identical.

This module is the log itself and what its records mean: the schema, writing and reading
batches and file records, checking each record read back, and the path BLOB encoding.
A damaged log is someone else's job, kept apart because it is a different kind of work
(reading a broken file any way it can): `cleaner.removal.undolog_recovery` sets it aside
and rebuilds it, `cleaner.removal.undolog_pages` reads records straight from its pages,
and `cleaner.removal.undolog_open.open_log` opens the log for reading and calls for a
recovery under the move lock.
"""

from __future__ import annotations

import contextlib
import enum
import math
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from cleaner.errors import PhotoSiftError
from cleaner.i18n import N_, _, ngettext, number
from cleaner.paths import data_dir as default_data_dir
from cleaner.removal.fileidentity import path_form_problem

LOG_FILE_NAME = "undo-log.sqlite3"
SCHEMA_VERSION = 1


class UndoLogError(PhotoSiftError):
    """The undo log cannot be opened, or a batch asked for does not exist."""


class UndoLogDamaged(UndoLogError):
    """The undo log file is damaged: `cleaner.removal.undolog_recovery.recover_log` sets it
    aside and keeps what it can read."""


class BadRecord(ValueError):
    """An undo log record that is not what PhotoSift writes (damaged or edited by hand)."""


class Method(str, enum.Enum):
    """Where a removed file went."""

    TRASH = "trash"  # the operating system's trash / Recycle Bin
    QUARANTINE = "quarantine"  # a PhotoSift quarantine folder


class Outcome(str, enum.Enum):
    """What happened to one file of a batch. The value is stable: it is stored."""

    PENDING = "pending"  # recorded, move started, completion never written (crash)
    MOVED = "moved"
    FAILED = "failed"  # the move was attempted and did not happen
    SKIPPED = "skipped"  # not attempted: the file changed or vanished since the scan
    NOT_MOVED = "not_moved"  # was pending; the file was found still in place


class BatchState(str, enum.Enum):
    RUNNING = "running"  # also what a crashed batch looks like
    FINISHED = "finished"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Batch:
    id: str
    created_at: str  # ISO 8601 with time zone
    app_version: str
    source: str  # what the batch came from, e.g. the result file
    state: BatchState
    finished_at: str | None
    moved: int = 0
    pending: int = 0
    failed: int = 0
    skipped: int = 0
    restored: int = 0  # entries whose restore succeeded
    bytes_moved: int = 0

    @property
    def undoable(self) -> int:
        """Files that may still be put back (moved or pending, not yet restored)."""
        return self.moved + self.pending - self.restored


@dataclass(frozen=True, slots=True)
class LogEntry:
    id: int
    batch_id: str
    original_path: str
    size: int
    mtime_ns: int
    sha256: str | None  # None only for a skipped file
    method: Method
    destination: str | None  # trashed file or quarantine path, when known
    outcome: Outcome
    detail: str
    started_at: float  # epoch seconds, written before the move
    moved_at: float | None  # epoch seconds, written after the move
    restore_state: str | None  # a `cleaner.removal.restore.RestoreState` value once tried
    restored_to: str | None
    restored_at: float | None

    @property
    def restored(self) -> bool:
        return self.restore_state in RESTORED_STATES


# `cleaner.removal.restore.RestoreState` values that mean the file is back (kept here to
# avoid a cycle).
RESTORED_STATES = frozenset({"restored", "restored_beside", "in_place"})


def default_log_path(data_dir: str | os.PathLike[str] | None = None) -> Path:
    base = Path(data_dir) if data_dir is not None else default_data_dir()
    return base / LOG_FILE_NAME


def encode_path(path: str) -> bytes:
    return path.encode("utf-8", "surrogatepass")


def decode_path(blob: bytes | str) -> str:
    return blob if isinstance(blob, str) else blob.decode("utf-8", "surrogatepass")


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def new_batch_id(now: float | None = None) -> str:
    """Sortable and short enough to type: ``20250131-142501-3fa9``."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    return f"{stamp}-{secrets.token_hex(2)}"


_BATCH_ID = re.compile(r"[0-9]{8}-[0-9]{6}-[0-9a-f]{4}")


def is_batch_id(text: str) -> bool:
    """Whether `text` has the shape of a `new_batch_id` (every batch PhotoSift writes)."""
    return _BATCH_ID.fullmatch(text) is not None


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batches (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    app_version TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    finished_at TEXT
);
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id TEXT NOT NULL REFERENCES batches(id),
    original_path BLOB NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT,
    method TEXT NOT NULL,
    destination BLOB,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    started_at REAL NOT NULL,
    moved_at REAL,
    restore_state TEXT,
    restored_to BLOB,
    restored_at REAL
);
CREATE INDEX IF NOT EXISTS entries_batch ON entries(batch_id, id);
"""

ENTRY_COLUMNS = (
    "id, batch_id, original_path, size, mtime_ns, sha256, method, destination, outcome, "
    "detail, started_at, moved_at, restore_state, restored_to, restored_at"
)


class UndoLog:
    """The undo log database. Use it from the thread that opened it; close it when done."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        data_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else default_log_path(data_dir)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            # FULL: every commit is fsync'd before it returns, so a record written "before
            # the move" is on disk before the move starts.
            self._conn.execute("PRAGMA synchronous=FULL")
            self._sync = "FULL"
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.executescript(_SCHEMA)  # idempotent; executescript commits by itself
            with self._transaction():
                row = self._conn.execute(
                    "SELECT value FROM meta WHERE key = 'schema_version'"
                ).fetchone()
                if row is None:
                    self._conn.execute(
                        "INSERT INTO meta(key, value) VALUES ('schema_version', ?)",
                        (str(SCHEMA_VERSION),),
                    )
                elif int(row[0]) > SCHEMA_VERSION:
                    raise UndoLogError(
                        _(
                            "the undo log {path} was written by a newer PhotoSift (schema "
                            "{version}); update PhotoSift to use it"
                        ).format(path=self.path, version=row[0])
                    )
        except sqlite3.Error as exc:
            if _is_damage(exc):
                with contextlib.suppress(sqlite3.Error, AttributeError):
                    self._conn.close()
                raise UndoLogDamaged(_damaged_text(self.path, str(exc))) from exc
            raise UndoLogError(
                _("cannot open the undo log {path}: {error}").format(path=self.path, error=exc)
            ) from exc
        except (OSError, ValueError) as exc:
            raise UndoLogError(
                _("cannot create the folder for the undo log: {error}").format(error=exc)
            ) from exc

    # -- lifecycle -------------------------------------------------------------------

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> UndoLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self, durable: bool = True) -> Iterator[None]:
        """One committed transaction.

        `durable`: fsync'd before returning (``synchronous=FULL``); every record written
        before a move is. Completions use ``NORMAL``: still atomic, and safe when the
        process dies; only a power cut can lose one, and then it becomes durable with the
        next FULL commit, which fsyncs the whole WAL, or reads back as ``pending``, which
        `cleaner.removal.restore` settles by looking at the disk. This halves the fsyncs per file.
        """
        level = "FULL" if durable else "NORMAL"
        try:
            if self._sync != level:
                self._conn.execute(f"PRAGMA synchronous={level}")
                self._sync = level
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if _is_damage(exc):
                raise UndoLogDamaged(_damaged_text(self.path, str(exc))) from exc
            raise UndoLogError(
                _("cannot write the undo log {path}: {error}").format(path=self.path, error=exc)
            ) from exc

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """A damaged page met while reading is one clear error, never a traceback."""
        try:
            yield
        except sqlite3.Error as exc:
            if _is_damage(exc):
                raise UndoLogDamaged(_damaged_text(self.path, str(exc))) from exc
            raise UndoLogError(
                _("cannot read the undo log {path}: {error}").format(path=self.path, error=exc)
            ) from exc

    # -- health ----------------------------------------------------------------------

    def damage(self) -> str | None:
        """What is wrong with the file, or None when SQLite finds it whole.

        ``PRAGMA integrity_check`` rather than ``quick_check``: it also checks that the
        index a batch's entries are read through agrees with the table (a damaged index
        would hide records without an error). On a log of 100,000 entries (25 MB) it takes
        about 60 ms against 30 ms for ``quick_check``: nothing next to moving one file.
        """
        try:
            rows = self._conn.execute("PRAGMA integrity_check(5)").fetchall()
        except sqlite3.DatabaseError as exc:
            return str(exc)
        if rows == [("ok",)]:
            return None
        text = " ".join(" ".join(str(r[0]) for r in rows[:2]).split())
        text = text.replace("*** in database main *** ", "")
        return (text[:117] + "...") if len(text) > 120 else text or _("integrity check failed")

    def check_ready(self) -> None:
        """Before the first move of a batch: the log is whole and a durable write works.

        Raises `UndoLogDamaged` or `UndoLogError` (nothing may move then: a move whose
        record cannot be written or read back could not be undone).
        """
        problem = self.damage()
        if problem is not None:
            raise UndoLogDamaged(_damaged_text(self.path, problem))
        stamp = f"{now_iso()} {secrets.token_hex(4)}"
        with self._transaction():  # synchronous=FULL: fsync'd before it returns
            self._conn.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('write_check', ?)", (stamp,)
            )
        with self._reading():
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'write_check'").fetchone()
        if row is None or row[0] != stamp:
            raise UndoLogError(
                _("the undo log {path} did not keep a test record").format(path=self.path)
            )

    # -- writing a batch -------------------------------------------------------------

    def begin_batch(self, app_version: str, source: str = "") -> str:
        batch_id = new_batch_id()
        with self._transaction():
            while self._conn.execute("SELECT 1 FROM batches WHERE id = ?", (batch_id,)).fetchone():
                batch_id = new_batch_id()
            self._conn.execute(
                "INSERT INTO batches(id, created_at, app_version, source, state) "
                "VALUES (?, ?, ?, ?, ?)",
                (batch_id, now_iso(), app_version, source, BatchState.RUNNING.value),
            )
        return batch_id

    def record_pending(
        self,
        batch_id: str,
        original_path: str,
        *,
        size: int,
        mtime_ns: int,
        sha256: str,
        method: Method,
        destination: str | None = None,
    ) -> int:
        """Write (and make durable) the record of a move about to start. Returns its id."""
        with self._transaction():
            cur = self._conn.execute(
                "INSERT INTO entries(batch_id, original_path, size, mtime_ns, sha256, method, "
                "destination, outcome, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    batch_id,
                    encode_path(original_path),
                    size,
                    mtime_ns,
                    sha256,
                    method.value,
                    None if destination is None else encode_path(destination),
                    Outcome.PENDING.value,
                    time.time(),
                ),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

    def mark_moved(
        self, entry_id: int, destination: str | None, method: Method | None = None
    ) -> None:
        with self._transaction(durable=False):
            self._conn.execute(
                "UPDATE entries SET outcome = ?, destination = COALESCE(?, destination), "
                "method = COALESCE(?, method), moved_at = ? WHERE id = ?",
                (
                    Outcome.MOVED.value,
                    None if destination is None else encode_path(destination),
                    None if method is None else method.value,
                    time.time(),
                    entry_id,
                ),
            )

    def mark_failed(self, entry_id: int, detail: str) -> None:
        self._set_outcome(entry_id, Outcome.FAILED, detail)

    def mark_not_moved(self, entry_id: int, detail: str) -> None:
        self._set_outcome(entry_id, Outcome.NOT_MOVED, detail)

    def _set_outcome(self, entry_id: int, outcome: Outcome, detail: str) -> None:
        with self._transaction(durable=False):
            self._conn.execute(
                "UPDATE entries SET outcome = ?, detail = ? WHERE id = ?",
                (outcome.value, detail, entry_id),
            )

    def record_skipped(
        self, batch_id: str, original_path: str, *, size: int, mtime_ns: int, detail: str
    ) -> int:
        """A file of the batch that was not attempted (changed or vanished since the scan)."""
        with self._transaction(durable=False):
            cur = self._conn.execute(
                "INSERT INTO entries(batch_id, original_path, size, mtime_ns, method, outcome, "
                "detail, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    batch_id,
                    encode_path(original_path),
                    size,
                    mtime_ns,
                    Method.TRASH.value,
                    Outcome.SKIPPED.value,
                    detail,
                    time.time(),
                ),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

    def finish_batch(self, batch_id: str, *, cancelled: bool = False) -> None:
        state = BatchState.CANCELLED if cancelled else BatchState.FINISHED
        with self._transaction():
            self._conn.execute(
                "UPDATE batches SET state = ?, finished_at = ? WHERE id = ?",
                (state.value, now_iso(), batch_id),
            )

    def set_destination(self, entry_id: int, method: Method, destination: str | None) -> None:
        """Change where a pending move goes (the trash refused it: quarantine instead)."""
        with self._transaction():
            self._conn.execute(
                "UPDATE entries SET method = ?, destination = ? WHERE id = ?",
                (method.value, None if destination is None else encode_path(destination), entry_id),
            )

    def mark_restore(
        self, entry_id: int, state: str, restored_to: str | None, detail: str = ""
    ) -> None:
        """Record the result of a restore attempt (a `restore.RestoreState` value)."""
        with self._transaction(durable=False):
            self._conn.execute(
                "UPDATE entries SET restore_state = ?, restored_to = ?, restored_at = ?, "
                "detail = CASE WHEN ? = '' THEN detail ELSE ? END WHERE id = ?",
                (
                    state,
                    None if restored_to is None else encode_path(restored_to),
                    time.time(),
                    detail,
                    detail,
                    entry_id,
                ),
            )

    # -- reading ---------------------------------------------------------------------

    def batches(self, limit: int | None = None) -> list[Batch]:
        """All batches, newest first, with their counts."""
        sql = (
            "SELECT b.id, b.created_at, b.app_version, b.source, b.state, b.finished_at, "
            "SUM(e.outcome = 'moved'), SUM(e.outcome = 'pending'), SUM(e.outcome = 'failed'), "
            "SUM(e.outcome = 'skipped'), "
            "SUM(e.restore_state IN ('restored', 'restored_beside', 'in_place') "
            "    AND e.outcome IN ('moved', 'pending')), "
            # TOTAL, not SUM: a hand-edited size near 2**63 would make SUM raise "integer
            # overflow" and hide every batch; only sizes a file can have are counted
            "TOTAL(CASE WHEN e.outcome = 'moved' AND typeof(e.size) = 'integer' "
            "    AND e.size > 0 THEN e.size ELSE 0 END) "
            "FROM batches b LEFT JOIN entries e ON e.batch_id = b.id "
            "GROUP BY b.id ORDER BY b.rowid DESC"
        )
        params: tuple[int, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (min(limit, 2**63 - 1),)  # SQLite's largest integer: "all of them"
        with self._reading():
            rows = self._conn.execute(sql, params).fetchall()
        return [_batch(r) for r in rows]

    def batch(self, batch_id: str) -> Batch:
        """The batch with this id, or the only one whose id starts with it."""
        matches = [b for b in self.batches() if b.id == batch_id]
        if not matches:
            matches = [b for b in self.batches() if b.id.startswith(batch_id)]
        if not matches:
            raise UndoLogError(
                _("no removal batch {batch} in the undo log").format(batch=repr(batch_id))
            )
        if len(matches) > 1:
            raise UndoLogError(
                ngettext(
                    "{batch} matches {n} batch; give more of the id",
                    "{batch} matches {n} batches; give more of the id",
                    len(matches),
                ).format(batch=repr(batch_id), n=number(len(matches)))
            )
        return matches[0]

    def latest_undoable(self) -> Batch | None:
        """The newest batch that still has files to put back."""
        return next((b for b in self.batches() if b.undoable > 0), None)

    def entries(self, batch_id: str, ids: Sequence[int] | None = None) -> list[LogEntry]:
        """The valid records of a batch (see `entries_checked` for the others)."""
        return self.entries_checked(batch_id, ids)[0]

    def entries_checked(
        self, batch_id: str, ids: Sequence[int] | None = None
    ) -> tuple[list[LogEntry], list[BadEntry]]:
        """The records of a batch, and those that are not what PhotoSift writes
        (edited by hand or damaged), each with one line saying what is wrong."""
        with self._reading():
            rows = self._conn.execute(
                f"SELECT {ENTRY_COLUMNS} FROM entries WHERE batch_id = ? ORDER BY id", (batch_id,)
            ).fetchall()
        wanted = None if ids is None else set(ids)
        good: list[LogEntry] = []
        bad: list[BadEntry] = []
        for r in rows:
            if wanted is not None and r[0] not in wanted:
                continue
            try:
                good.append(entry_from_row(r))
            except BadRecord as exc:
                bad.append(BadEntry(r[0], _printable_path(r[2]), str(exc)))
        return good, bad

    def entry(self, entry_id: int) -> LogEntry:
        with self._reading():
            row = self._conn.execute(
                f"SELECT {ENTRY_COLUMNS} FROM entries WHERE id = ?", (entry_id,)
            ).fetchone()
        if row is None:
            raise UndoLogError(_("no undo log entry {id}").format(id=entry_id))
        try:
            return entry_from_row(row)
        except BadRecord as exc:
            raise UndoLogError(
                _("undo log entry {id} is not valid: {problem}").format(id=entry_id, problem=exc)
            ) from exc


@dataclass(frozen=True, slots=True)
class BadEntry:
    """A record that could not be used, and why (one line for the user)."""

    id: object  # whatever the id column holds
    original_path: str  # as far as it can be shown
    problem: str

    @property
    def message(self) -> str:
        """In the user's language (shown, never stored)."""
        return _("undo log record {id} ({path}) is not valid: {problem}").format(
            id=repr(self.id), path=self.original_path, problem=self.problem
        )


def _batch(r: Any) -> Batch:
    try:
        state = BatchState(r[4])
    except ValueError:
        state = BatchState.RUNNING  # an unknown state: shown as "interrupted or running"
    return Batch(
        id=str(r[0]),
        created_at=str(r[1]),
        app_version=str(r[2]),
        source=str(r[3]),
        state=state,
        finished_at=None if r[5] is None else str(r[5]),
        moved=_count(r[6]),
        pending=_count(r[7]),
        failed=_count(r[8]),
        skipped=_count(r[9]),
        restored=_count(r[10]),
        bytes_moved=_byte_total(r[11]),
    )


def _count(value: object) -> int:
    return value if isinstance(value, int) and value > 0 else 0


def _byte_total(value: object) -> int:
    """SQLite's TOTAL (a float), as bytes: 0 for nothing, at most SQLite's largest integer."""
    if isinstance(value, int | float) and math.isfinite(value) and value > 0:
        return int(min(value, 2**63 - 1))
    return 0


def _is_damage(exc: sqlite3.Error) -> bool:
    """SQLITE_CORRUPT / SQLITE_NOTADB: the file itself is damaged (not busy, not locked)."""
    name = getattr(exc, "sqlite_errorname", "")
    if name:
        return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
    text = str(exc)
    return "malformed" in text or "not a database" in text


def _damaged_text(path: Path, detail: str) -> str:
    # Translators: {detail} is SQLite's own words ("database disk image is malformed")
    return _(
        "the undo log {path} is damaged ({detail}); nothing was moved. 'photosift history' "
        "sets it aside and recovers what it can read"
    ).format(path=path, detail=detail)


_SHA256 = re.compile(r"[0-9a-f]{64}")

# The fields of a record, as a `BadRecord` names them (marked here, out of the per-row
# path, and translated only when a record is refused).
_ORIGINAL = N_("original path")
_SIZE = N_("size")
_MTIME = N_("modification time")
_METHOD = N_("method")
_DESTINATION = N_("destination")
_OUTCOME = N_("outcome")
_RESTORED_TO = N_("restored-to path")
_STARTED = N_("start time")
_MOVED = N_("move time")
_RESTORED_AT = N_("restore time")


def entry_from_row(r: Any) -> LogEntry:
    """A record as PhotoSift writes it, or `BadRecord` saying (in one line) what is wrong."""
    if not isinstance(r[0], int):
        raise BadRecord(_("its number is not a whole number"))
    if not isinstance(r[1], str):
        raise BadRecord(_("its batch id is not text"))
    original = _path_field(r[2], _ORIGINAL, required=True)
    assert original is not None
    size = _int_field(r[3], _SIZE)
    mtime_ns = _int_field(r[4], _MTIME)
    if size < 0:
        raise BadRecord(_("its size is negative"))
    sha = r[5]
    if sha is not None and not (isinstance(sha, str) and _SHA256.fullmatch(sha)):
        raise BadRecord(_("its SHA-256 is not 64 hexadecimal digits"))
    method = _enum_field(Method, r[6], _METHOD)
    destination = _path_field(r[7], _DESTINATION, required=False)
    outcome = _enum_field(Outcome, r[8], _OUTCOME)
    if outcome in (Outcome.MOVED, Outcome.PENDING) and sha is None:
        raise BadRecord(_("a moved file without its SHA-256"))
    restored_to = _path_field(r[13], _RESTORED_TO, required=False)
    return LogEntry(
        id=r[0],
        batch_id=r[1],
        original_path=original,
        size=size,
        mtime_ns=mtime_ns,
        sha256=sha,
        method=method,
        destination=destination,
        outcome=outcome,
        detail="" if r[9] is None else str(r[9]),
        started_at=_time_field(r[10], _STARTED, required=True) or 0.0,
        moved_at=_time_field(r[11], _MOVED, required=False),
        restore_state=None if r[12] is None else str(r[12]),
        restored_to=restored_to,
        restored_at=_time_field(r[14], _RESTORED_AT, required=False),
    )


def _path_field(value: object, name: str, *, required: bool) -> str | None:
    if value is None:
        if required:
            raise BadRecord(_("its {field} is missing").format(field=_(name)))
        return None
    if not isinstance(value, (bytes, str)):
        raise BadRecord(_("its {field} is a number, not a path").format(field=_(name)))
    try:
        path = decode_path(value)
    except UnicodeDecodeError as exc:
        raise BadRecord(_("its {field} is not readable text").format(field=_(name))) from exc
    if "\x00" in path:
        raise BadRecord(_("its {field} contains a NUL character").format(field=_(name)))
    try:
        os.fsencode(path)  # a lone surrogate no file name decodes to: every os call raises
    except UnicodeError:
        raise BadRecord(
            _("its {field} is not a name a file can have").format(field=_(name))
        ) from None
    if path_form_problem(path) is not None:  # the one rule for a plain, absolute path
        raise BadRecord(_("its {field} is not an absolute, normalised path").format(field=_(name)))
    return path


def _int_field(value: object, name: str) -> int:
    if not isinstance(value, int):
        raise BadRecord(_("its {field} is not a whole number").format(field=_(name)))
    return value


def _time_field(value: object, name: str, *, required: bool) -> float | None:
    if value is None and not required:
        return None
    if not isinstance(value, (int, float)) or value != value:  # NaN is not a time
        raise BadRecord(_("its {field} is not a number").format(field=_(name)))
    return float(value)


_E = TypeVar("_E", Method, Outcome)


def _enum_field(kind: type[_E], value: object, name: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        raise BadRecord(
            _("its {field} {value} is not one PhotoSift writes").format(
                field=_(name), value=_short(value)
            )
        ) from None


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _printable_path(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "backslashreplace")
    if not isinstance(value, str):
        return _short(value)
    return value if value.isprintable() and len(value) <= 200 else _short(value)
