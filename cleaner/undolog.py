"""The durable undo log of removals: which file went where, written before each move.

Every file PhotoSift moves out of the way is recorded here *before* the move, in its own
committed SQLite transaction (WAL, ``synchronous=FULL``, so the record survives a crash or
a power cut), and the record is completed after the move. A crash in the middle therefore
leaves at most one record per batch in the ``pending`` state: that file may or may not have
moved, and `cleaner.restore.reconcile` settles it by looking at the disk.

The database lives in ``platformdirs.user_data_dir("photosift")``; the ``PHOTOSIFT_DATA_DIR``
environment variable or the ``data_dir`` parameter puts it elsewhere (portable mode, tests).

SQLite connections belong to the thread that opened them: open one `UndoLog` per thread
(the window runs every removal and restore on its single "mutations" thread).
Paths are stored as BLOBs (UTF-8 with ``surrogatepass``) so that any `str` path, including
the ``os.fsdecode()`` spelling of a non-UTF-8 name, comes back identical.
"""

from __future__ import annotations

import enum
import os
import secrets
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import platformdirs

from cleaner.errors import PhotoSiftError

ENV_DATA_DIR = "PHOTOSIFT_DATA_DIR"
LOG_FILE_NAME = "undo-log.sqlite3"
SCHEMA_VERSION = 1


class UndoLogError(PhotoSiftError):
    """The undo log cannot be opened, or a batch asked for does not exist."""


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
    restore_state: str | None  # a `cleaner.restore.RestoreState` value once tried
    restored_to: str | None
    restored_at: float | None

    @property
    def restored(self) -> bool:
        return self.restore_state in RESTORED_STATES


# `cleaner.restore.RestoreState` values that mean the file is back (kept here to avoid a cycle).
RESTORED_STATES = frozenset({"restored", "restored_beside", "in_place"})


def default_data_dir() -> Path:
    """``$PHOTOSIFT_DATA_DIR`` if set, else the platform's per-user data folder."""
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("photosift", appauthor=False))


def default_log_path(data_dir: str | os.PathLike[str] | None = None) -> Path:
    base = Path(data_dir) if data_dir is not None else default_data_dir()
    return base / LOG_FILE_NAME


def encode_path(path: str) -> bytes:
    return path.encode("utf-8", "surrogatepass")


def decode_path(blob: bytes | str) -> str:
    return blob if isinstance(blob, str) else blob.decode("utf-8", "surrogatepass")


def _now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def new_batch_id(now: float | None = None) -> str:
    """Sortable and short enough to type: ``20250131-142501-3fa9``."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    return f"{stamp}-{secrets.token_hex(2)}"


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

_ENTRY_COLUMNS = (
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
                        f"the undo log {self.path} was written by a newer PhotoSift "
                        f"(schema {row[0]}); update PhotoSift to use it"
                    )
        except sqlite3.Error as exc:
            raise UndoLogError(f"cannot open the undo log {self.path}: {exc}") from exc
        except OSError as exc:
            raise UndoLogError(f"cannot create the folder for the undo log: {exc}") from exc

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
        `cleaner.restore` settles by looking at the disk. This halves the fsyncs per file.
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
            raise UndoLogError(f"cannot write the undo log {self.path}: {exc}") from exc

    # -- writing a batch -------------------------------------------------------------

    def begin_batch(self, app_version: str, source: str = "") -> str:
        batch_id = new_batch_id()
        with self._transaction():
            while self._conn.execute("SELECT 1 FROM batches WHERE id = ?", (batch_id,)).fetchone():
                batch_id = new_batch_id()
            self._conn.execute(
                "INSERT INTO batches(id, created_at, app_version, source, state) "
                "VALUES (?, ?, ?, ?, ?)",
                (batch_id, _now_iso(), app_version, source, BatchState.RUNNING.value),
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
                (state.value, _now_iso(), batch_id),
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
        """Record the result of a restore attempt (a `cleaner.restore.RestoreState` value)."""
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
            "SUM(CASE WHEN e.outcome = 'moved' THEN e.size ELSE 0 END) "
            "FROM batches b LEFT JOIN entries e ON e.batch_id = b.id "
            "GROUP BY b.id ORDER BY b.rowid DESC"
        )
        params: tuple[int, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (limit,)
        return [
            Batch(
                id=r[0],
                created_at=r[1],
                app_version=r[2],
                source=r[3],
                state=BatchState(r[4]),
                finished_at=r[5],
                moved=r[6] or 0,
                pending=r[7] or 0,
                failed=r[8] or 0,
                skipped=r[9] or 0,
                restored=r[10] or 0,
                bytes_moved=r[11] or 0,
            )
            for r in self._conn.execute(sql, params)
        ]

    def batch(self, batch_id: str) -> Batch:
        """The batch with this id, or the only one whose id starts with it."""
        matches = [b for b in self.batches() if b.id == batch_id]
        if not matches:
            matches = [b for b in self.batches() if b.id.startswith(batch_id)]
        if not matches:
            raise UndoLogError(f"no removal batch {batch_id!r} in the undo log")
        if len(matches) > 1:
            raise UndoLogError(f"{batch_id!r} matches {len(matches)} batches; give more of the id")
        return matches[0]

    def latest_undoable(self) -> Batch | None:
        """The newest batch that still has files to put back."""
        return next((b for b in self.batches() if b.undoable > 0), None)

    def entries(self, batch_id: str, ids: Sequence[int] | None = None) -> list[LogEntry]:
        rows = self._conn.execute(
            f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE batch_id = ? ORDER BY id", (batch_id,)
        ).fetchall()
        wanted = None if ids is None else set(ids)
        return [_entry(r) for r in rows if wanted is None or r[0] in wanted]

    def entry(self, entry_id: int) -> LogEntry:
        row = self._conn.execute(
            f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE id = ?", (entry_id,)
        ).fetchone()
        if row is None:
            raise UndoLogError(f"no undo log entry {entry_id}")
        return _entry(row)


def _entry(r: Any) -> LogEntry:
    return LogEntry(
        id=int(r[0]),
        batch_id=str(r[1]),
        original_path=decode_path(r[2]),
        size=int(r[3]),
        mtime_ns=int(r[4]),
        sha256=None if r[5] is None else str(r[5]),
        method=Method(r[6]),
        destination=None if r[7] is None else decode_path(r[7]),
        outcome=Outcome(r[8]),
        detail=str(r[9]),
        started_at=float(r[10]),
        moved_at=None if r[11] is None else float(r[11]),
        restore_state=None if r[12] is None else str(r[12]),
        restored_to=None if r[13] is None else decode_path(r[13]),
        restored_at=None if r[14] is None else float(r[14]),
    )
