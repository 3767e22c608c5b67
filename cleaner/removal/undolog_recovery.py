"""Recovering a damaged undo log: set the file aside, rebuild a new one from every record
that can still be read.

Kept apart from `cleaner.removal.undolog` (the log in working order) because it is a
different job that runs rarely and reads a broken file any way it can: by ranges of
record numbers, then record by record, then (`cleaner.removal.undolog_pages`) straight
from the file's pages. It knows nothing of other processes: its caller holds the move
lock (`cleaner.removal.undolog_open.open_log` does), so that no other PhotoSift writes to
the log while it is set aside.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cleaner.i18n import N_, _, ngettext, number
from cleaner.removal.undolog import (
    ENTRY_COLUMNS,
    BatchState,
    UndoLog,
    UndoLogError,
    now_iso,
)
from cleaner.removal.undolog_pages import scan_leaf_pages

_CHUNK_ROWS = 256
_BATCH_COLUMNS = "rowid, id, created_at, app_version, source, state, finished_at"
# A rebuilt batch's `source`, stored in the log in English like every record's words, and
# translated where it is shown (`history`)
REBUILT_SOURCE = N_("(rebuilt: its own record in the damaged log could not be read)")


@dataclass(frozen=True, slots=True)
class Recovery:
    """What `recover_log` did with a damaged undo log."""

    set_aside: Path  # the damaged file, renamed and dated
    batches: int  # batch records recovered (or rebuilt from their entries)
    entries: int  # file records recovered
    lost_entries: tuple[tuple[int, int], ...]  # ranges of record numbers that could not be read
    lost_batches: int  # batch records that could not be read (-1: some, how many unknown)
    unreadable: bool = False  # nothing at all could be read
    uncounted: bool = False  # some file records could not be read, how many is unknown

    @property
    def lost_count(self) -> int:
        return sum(hi - lo + 1 for lo, hi in self.lost_entries)

    @property
    def message(self) -> str:
        """What happened, in the user's language (shown once, never stored): one line for
        the command line's error stream and the window's history."""
        # Translators: the undo log is the record of every move PhotoSift made, which
        # 'photosift undo' reads to put files back
        head = _("The undo log was damaged; it was set aside as {path}.").format(
            path=self.set_aside
        )
        if self.unreadable:
            return _("{head} Nothing in it could be read; a new, empty log was started.").format(
                head=head
            )
        batches = ngettext("{n} batch", "{n} batches", self.batches).format(n=number(self.batches))
        # Translators: {batches} is "1 batch" / "3 batches" (batches of moves)
        recovered = ngettext(
            "Recovered {n} file record in {batches}.",
            "Recovered {n} file records in {batches}.",
            self.entries,
        ).format(n=number(self.entries), batches=batches)
        said = [head, recovered]
        if self.lost_entries:
            ranges = ", ".join(
                str(lo) if lo == hi else f"{lo}-{hi}"  # record numbers, as `history` shows them
                for lo, hi in self.lost_entries[:5]
            )
            more = ", ..." if len(self.lost_entries) > 5 else ""
            said.append(
                ngettext(
                    "{n} file record could not be read (number {numbers}): that file may"
                    " still be in the trash ('photosift undo --from-trash').",
                    "{n} file records could not be read (numbers {numbers}): those files may"
                    " still be in the trash ('photosift undo --from-trash').",
                    self.lost_count,
                ).format(n=number(self.lost_count), numbers=ranges + more)
            )
        if self.uncounted:
            said.append(
                _(
                    "Some file records could not be read (how many is not known): those files"
                    " may still be in the trash ('photosift undo --from-trash')."
                )
            )
        if self.lost_batches > 0:
            said.append(
                ngettext(
                    "{n} batch record could not be read.",
                    "{n} batch records could not be read.",
                    self.lost_batches,
                ).format(n=number(self.lost_batches))
            )
        elif self.lost_batches < 0:
            said.append(_("Some batch records could not be read (rebuilt from their files)."))
        if not (self.lost_entries or self.lost_batches or self.uncounted):
            said.append(_("Every record could be read."))
        return " ".join(said)


def set_aside_name(path: Path, now: float | None = None) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    candidate = path.with_name(f"{path.stem}.damaged-{stamp}{path.suffix}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.damaged-{stamp}-{n}{path.suffix}")
        n += 1
    return candidate


def recover_log(path: str | os.PathLike[str]) -> Recovery:
    """Rename the damaged log (with its ``-wal``) aside, dated, and write a new one at
    `path` with every batch and file record that can still be read, record by record.

    The record numbers are kept, so what the user saw in `history` still matches. A file
    record whose batch record is lost gets a rebuilt batch, dated from its first record.
    """
    log_path = Path(path)
    aside = set_aside_name(log_path)
    try:
        os.replace(log_path, aside)
        for suffix in ("-wal", "-shm"):
            side = Path(f"{log_path}{suffix}")
            if side.exists():
                os.replace(side, f"{aside}{suffix}")
    except OSError as exc:
        # shown at once (the command line, the window): the system's words as they come
        raise UndoLogError(
            _("cannot set the damaged undo log {path} aside: {error}").format(
                path=log_path, error=exc
            )
        ) from exc

    batches: list[tuple[Any, ...]] = []
    entries: list[tuple[Any, ...]] = []
    lost: list[int] = []
    lost_batches = 0
    unreadable = False
    try:
        src = sqlite3.connect(aside, isolation_level=None)
    except sqlite3.Error:
        unreadable = True
    else:
        try:
            with contextlib.suppress(sqlite3.Error):  # the -wal's pages into the file
                src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            src.execute("PRAGMA query_only=1")
            batches, bad = _salvage(src, "batches", "rowid", _BATCH_COLUMNS)
            entries, lost = _salvage(src, "entries", "id", ENTRY_COLUMNS)
        finally:
            with contextlib.suppress(sqlite3.Error):
                src.close()
        if lost or bad:
            # Rows on pages the tree no longer leads to (a damaged root or inner page).
            raw_batches, raw_entries = scan_leaf_pages(aside)
            have = {r[0] for r in entries}
            extra = [raw_entries[i] for i in sorted(raw_entries) if i not in have]
            entries = sorted([*entries, *extra], key=lambda r: r[0])
            have = {r[0] for r in entries}
            lost = [i for i in lost if i == -1 or i not in have]
            have_b = {r[0] for r in batches}
            more = [raw_batches[i] for i in sorted(raw_batches) if i not in have_b]
            batches = sorted([*batches, *more], key=lambda r: r[0])
            have_b = {r[0] for r in batches}
            bad = [i for i in bad if i == -1 or i not in have_b]
        lost_batches = -1 if -1 in bad else len(bad)
        unreadable = not batches and not entries

    with UndoLog(log_path) as fresh:
        # The log's own connection and transaction: the rebuilt records get the same
        # durable commit and the same error messages as every record the log writes.
        conn = fresh._conn
        with fresh._transaction():
            known: set[str] = set()
            for b in batches:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute(
                        "INSERT INTO batches(rowid, id, created_at, app_version, source, state, "
                        "finished_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        b,
                    )
                    known.add(b[1])
            kept = 0
            for e in entries:
                batch_id = e[1]
                if batch_id not in known and isinstance(batch_id, str):
                    started = e[10] if isinstance(e[10], (int, float)) else None
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute(
                            "INSERT INTO batches(id, created_at, app_version, source, state, "
                            "finished_at) VALUES (?, ?, '?', ?, ?, NULL)",
                            (
                                batch_id,
                                _iso(started),
                                REBUILT_SOURCE,
                                BatchState.FINISHED.value,
                            ),
                        )
                        known.add(batch_id)
                try:
                    conn.execute(
                        f"INSERT INTO entries({ENTRY_COLUMNS}) VALUES ({', '.join('?' * 15)})",
                        e,
                    )
                    kept += 1
                except sqlite3.Error:
                    lost.append(e[0])
            conn.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('recovered_from', ?)",
                (f"{aside} at {now_iso()}",),
            )
    return Recovery(
        set_aside=aside,
        batches=len(known),
        entries=kept,
        lost_entries=_ranges(sorted(x for x in lost if isinstance(x, int) and x > 0)),
        lost_batches=lost_batches,
        unreadable=unreadable,
        uncounted=-1 in lost,
    )


def _salvage(
    conn: sqlite3.Connection, table: str, key: str, columns: str
) -> tuple[list[tuple[Any, ...]], list[int]]:
    """Every row of `table` that can be read, by ranges of its rowid, then row by row
    inside a range that fails. Returns the rows and the rowids that could not be read."""
    top = _top_rowid(conn, table, key)
    rows: list[tuple[Any, ...]] = []
    lost: list[int] = []
    lo = 1
    empty = 0
    while True:
        hi = lo + _CHUNK_ROWS - 1
        try:
            chunk = conn.execute(
                f"SELECT {columns} FROM {table} WHERE {key} BETWEEN ? AND ? ORDER BY {key}",
                (lo, hi),
            ).fetchall()
        except sqlite3.Error:
            chunk = []
            for rowid in range(lo, hi + 1):
                try:
                    row = conn.execute(
                        f"SELECT {columns} FROM {table} WHERE {key} = ?", (rowid,)
                    ).fetchone()
                except sqlite3.Error:
                    # Beyond a known top there is nothing; with no top, -1 counts "some".
                    if top is None or rowid <= top:
                        lost.append(rowid if top is not None else -1)
                    continue
                if row is not None:
                    chunk.append(tuple(row))
            failed = True
        else:
            failed = False
        rows.extend(tuple(r) for r in chunk)
        empty = 0 if chunk else empty + 1
        # Record numbers are dense (never deleted): past the top, stop at the first range
        # that reads cleanly and holds nothing (or after a few that hold nothing).
        if (top is None or hi >= top) and ((not chunk and not failed) or empty > 4):
            break
        lo = hi + 1
    if top is not None:  # numbers are dense: every one up to the top that is missing is lost
        found = {r[0] for r in rows}
        lost = [i for i in range(1, top + 1) if i not in found]
    return rows, lost


def _top_rowid(conn: sqlite3.Connection, table: str, key: str) -> int | None:
    queries = [f"SELECT max({key}) FROM {table}"]
    if table == "entries":
        queries.insert(0, "SELECT seq FROM sqlite_sequence WHERE name = 'entries'")
    best: int | None = None
    for sql in queries:
        try:
            row = conn.execute(sql).fetchone()
        except sqlite3.Error:
            continue
        if row is not None and isinstance(row[0], int):
            best = row[0] if best is None else max(best, row[0])
    return best


def _ranges(ids: list[int]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for i in ids:
        if out and i <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], i))
        else:
            out.append((i, i))
    return tuple(out)


def _iso(epoch: float | None) -> str:
    if epoch is None:
        return now_iso()
    try:
        return datetime.fromtimestamp(epoch).astimezone().isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):
        return now_iso()
