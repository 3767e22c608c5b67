"""The fingerprint cache: SQLite (WAL) under the user's cache folder.

Keyed by (path, size, mtime_ns): a file that changed in any of these is read
again. The algorithm version and the versions of the libraries that produce
fingerprints are stored in a `meta` row; when any of them differs, the cache is
emptied and rebuilt, because an upgrade of Pillow or ImageHash can change hashes.

A cache is only ever a speed-up, so it never stops a scan. A damaged cache file (not
a database, a damaged page found when opening or while reading or writing it, a folder
in its place) is set aside under a dated name (``fingerprints.sqlite3.damaged-
20261127-101500``), a new one is started, and `notices` says so in one line. A row
that does not hold what PhotoSift writes (edited by hand, garbage) is a miss.

One `FingerprintCache` object belongs to one thread (the scan's thread, which is
the single writer); worker threads never touch it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cleaner.detect.decode import DecodeFailure
from cleaner.detect.fingerprint import (
    ALGORITHM_VERSION,
    COLOUR_SIDE,
    CROP_WINDOWS,
    DETAIL_SIDE,
    THUMB_SIDE,
    TRANSFORMS,
)
from cleaner.errors import ResultFormatError
from cleaner.models import Analysis, Fingerprint, ImageMetrics, SkipReason
from cleaner.paths import cache_dir
from cleaner.progress import Notice
from cleaner.resultio import metrics_from_dict, metrics_to_dict

SCHEMA_VERSION = 3  # 2: hashes stored as Fingerprint.hash_bytes (big-endian); 3: colour
# Skips worth remembering: the file's bytes are the problem, so reading it again
# gives the same answer until it changes. Permission and vanished are not cached.
_CACHEABLE_SKIPS = frozenset(
    {
        SkipReason.EMPTY,
        SkipReason.NOT_AN_IMAGE,
        SkipReason.CORRUPT,
        SkipReason.TRUNCATED,
        SkipReason.TOO_LARGE,
        SkipReason.UNSUPPORTED,
    }
)


# A file is stored in several steps (prefix digest, full digest, analysis). Each step
# merges into the row: a value not given keeps the stored one while size and mtime are
# unchanged; a new verdict (analysis or skip) replaces the old verdict as a whole; a
# changed file starts from nothing. (UPDATE expressions see the row's old values.)
_SAME = "(files.size = excluded.size AND files.mtime_ns = excluded.mtime_ns)"
_NEW_VERDICT = "(excluded.metrics IS NOT NULL OR excluded.skip_reason IS NOT NULL)"
_UPSERT = (
    "INSERT INTO files VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(path) DO UPDATE SET "
    + ", ".join(
        [
            f"{col} = CASE WHEN {_SAME} THEN COALESCE(excluded.{col}, files.{col}) "
            f"ELSE excluded.{col} END"
            for col in ("sha256", "prefix")
        ]
        + [
            f"{col} = CASE WHEN {_NEW_VERDICT} OR NOT {_SAME} THEN excluded.{col} "
            f"ELSE files.{col} END"
            for col in (
                "metrics",
                "hashes",
                "thumb",
                "detail",
                "colour",
                "skip_reason",
                "skip_detail",
            )
        ]
        + ["size = excluded.size", "mtime_ns = excluded.mtime_ns"]
    )
)


def default_cache_path() -> Path:
    """``fingerprints.sqlite3`` in the cache folder (`cleaner.paths.cache_dir`)."""
    return cache_dir() / "fingerprints.sqlite3"


def library_versions() -> str:
    """Versions of everything that shapes a fingerprint, as one string."""
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"schema={SCHEMA_VERSION}", f"algorithm={ALGORITHM_VERSION}"]
    for dist in ("Pillow", "ImageHash", "scipy", "pillow-heif", "rawpy", "numpy"):
        try:
            parts.append(f"{dist}={version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{dist}=none")
    return ";".join(parts)


# -- an analysis as SQLite columns ------------------------------------------------------
# The one way an `Analysis` is stored in a database: by this cache and by catalogs
# (`cleaner.catalog`), so that a change to what a fingerprint or the metrics hold is made
# once, here, for both.

ANALYSIS_COLUMNS = ("metrics", "hashes", "thumb", "detail", "colour")
AnalysisColumns = tuple[str | None, bytes | None, bytes | None, bytes | None, bytes | None]
NO_ANALYSIS: AnalysisColumns = (None, None, None, None, None)


def analysis_columns(analysis: Analysis) -> AnalysisColumns:
    """The values of `ANALYSIS_COLUMNS` for one analysis: the metrics as JSON text
    (`cleaner.resultio.metrics_to_dict`), then the fingerprint's bytes as they are."""
    fp = analysis.fingerprint
    metrics = json.dumps(metrics_to_dict(analysis.metrics), separators=(",", ":"))
    return (metrics, fp.hash_bytes, fp.thumb, fp.detail_map, fp.colour)


def analysis_from_columns(
    metrics: object, hashes: object, thumb: object, detail: object, colour: object
) -> Analysis | None:
    """The analysis `analysis_columns` wrote, every value checked (types, sizes, the
    metrics' JSON); None for anything else (a row edited by hand, garbage)."""
    return _analysis_of(metrics, hashes, thumb, detail, colour)


@dataclass(frozen=True, slots=True)
class CachedEntry:
    sha256: str | None
    prefix: str | None
    analysis: Analysis | None
    failure: DecodeFailure | None


class FingerprintCache:
    """Read and write cached analyses. Writes are batched; call `flush()` or `close()`.

    Never raises for a damaged or unusable cache: see the module's docstring, and
    `drain_notices()` for what the user should be told about it."""

    def __init__(self, path: Path | None, batch: int = 256) -> None:
        self.path = path
        self._pending: list[tuple[object, ...]] = []
        self._batch = batch
        self._conn: sqlite3.Connection | None = None
        self._notices: list[Notice] = []
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = self._open(path)
        except (OSError, sqlite3.Error) as exc:
            if _is_damage(exc, path):
                self._replace_damaged()
            else:  # a read-only or full disk, a cache locked for too long: go without
                self._notices.append(
                    Notice(
                        f"The fingerprint cache {path} cannot be used ({_short(exc)}); "
                        "this scan reads every picture.",
                        "The fingerprint cache cannot be used: every picture is read again.",
                    )
                )

    @property
    def enabled(self) -> bool:
        return self._conn is not None

    def drain_notices(self) -> Iterator[Notice]:
        """What happened to the cache since the last call, as `Notice` events."""
        while self._notices:
            yield self._notices.pop(0)

    def _replace_damaged(self) -> None:
        """Set the damaged cache aside under a dated name and start a new one (or go on
        without a cache if neither can be done), leaving one line in the notices."""
        assert self.path is not None
        path = self.path
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
        self._pending.clear()
        aside = _set_aside(path)
        try:
            self._conn = self._open(path)
        except (OSError, sqlite3.Error):
            self._conn = None
        what = "could not be kept" if aside is None else f"was set aside as {aside.name}"
        then = "a new one was started" if self._conn is not None else "none is used this time"
        self._notices.append(
            Notice(
                f"The fingerprint cache {path} was damaged: it {what} and {then}; "
                "pictures are read again, nothing else is affected.",
                "The fingerprint cache was damaged, so a new one was started; "
                "nothing else is affected.",
            )
        )

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(str(path), timeout=10.0)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        versions = library_versions()
        row = conn.execute("SELECT value FROM meta WHERE key='versions'").fetchone()
        if row is None or row[0] != versions:
            conn.execute("DROP TABLE IF EXISTS files")
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('versions', ?)", (versions,))
        conn.execute(
            """CREATE TABLE IF NOT EXISTS files (
                path BLOB PRIMARY KEY,
                size INTEGER NOT NULL,
                mtime_ns INTEGER NOT NULL,
                sha256 TEXT,
                prefix TEXT,
                metrics TEXT,
                hashes BLOB,
                thumb BLOB,
                detail BLOB,
                colour BLOB,
                skip_reason TEXT,
                skip_detail TEXT
            )"""
        )
        conn.commit()
        return conn

    def get(self, path: str, size: int, mtime_ns: int) -> CachedEntry | None:
        if self._conn is None:
            return None
        if self._pending:
            # Read our own writes: a `put` merges with `previous` from a `get`, so a stale
            # read would drop what an earlier stage stored (the digest under the analysis).
            self.flush()
        try:
            row = self._conn.execute(
                "SELECT size, mtime_ns, sha256, prefix, metrics, hashes, thumb, detail, colour, "
                "skip_reason, skip_detail FROM files WHERE path=?",
                (os.fsencode(path),),
            ).fetchone()
        except sqlite3.Error as exc:
            if _is_damage(exc, self.path):
                self._replace_damaged()
            return None
        if row is None or row[0] != size or row[1] != mtime_ns:
            return None
        return _entry_of(row[2:])

    def put(
        self,
        path: str,
        size: int,
        mtime_ns: int,
        *,
        sha256: str | None = None,
        prefix: str | None = None,
        analysis: Analysis | None = None,
        failure: DecodeFailure | None = None,
    ) -> None:
        """Store what is now known about a file. Values not given are kept from what the
        cache already holds for the same path, size and mtime (see `_UPSERT`)."""
        if self._conn is None:
            return
        if failure is not None and failure.reason not in _CACHEABLE_SKIPS:
            failure = None
        columns = NO_ANALYSIS if analysis is None else analysis_columns(analysis)
        self._pending.append(
            (
                os.fsencode(path),
                size,
                mtime_ns,
                sha256,
                prefix,
                *columns,
                None if failure is None else failure.reason.value,
                None if failure is None else failure.detail,
            )
        )
        if len(self._pending) >= self._batch:
            self.flush()

    def flush(self) -> None:
        if self._conn is None or not self._pending:
            return
        try:
            with self._conn:
                self._conn.executemany(_UPSERT, self._pending)
        except sqlite3.Error as exc:
            # a full disk or a locked cache costs speed next time, never the scan
            if _is_damage(exc, self.path):
                self._replace_damaged()
        self._pending.clear()

    def close(self) -> None:
        self.flush()
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None

    def __enter__(self) -> FingerprintCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# SQLite's result codes for a damaged file: SQLITE_CORRUPT and SQLITE_NOTADB. Others
# (locked, read-only, full, I/O) are not damage: the file is left alone.
_DAMAGE_CODES = frozenset({11, 26})


def _is_damage(exc: BaseException, path: Path | None) -> bool:
    if path is not None and path.is_dir():  # a folder where the cache file should be
        return True
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _DAMAGE_CODES
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def _short(exc: BaseException) -> str:
    return (getattr(exc, "strerror", None) or str(exc) or type(exc).__name__)[:120]


def _set_aside(path: Path) -> Path | None:
    """Rename the damaged cache (and its -wal and -shm files) to a dated name; None if
    it cannot be renamed (then it is removed if possible, so a new one can start)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    try:
        os.replace(path, aside)
    except OSError:
        with contextlib.suppress(OSError):
            path.unlink()
        aside_or_none = None
    else:
        aside_or_none = aside
    for suffix in ("-wal", "-shm"):
        extra = Path(str(path) + suffix)
        if not extra.exists():
            continue
        try:
            if aside_or_none is None:
                extra.unlink()
            else:
                os.replace(extra, Path(str(aside_or_none) + suffix))
        except OSError:
            with contextlib.suppress(OSError):
                extra.unlink()
    return aside_or_none


# -- reading one row back ---------------------------------------------------------------
# A row is trusted only if it holds exactly what `put` writes; anything else (a row edited
# by hand, garbage written by a broken disk) is a miss, and the file is read again.

_DIGEST = re.compile(r"[0-9A-Za-z]{64}")  # what `put` stores: 64 hex digits (tests use letters)
_HASH_BYTES = 8 * (len(TRANSFORMS) + len(CROP_WINDOWS))
_THUMB_BYTES = THUMB_SIDE * THUMB_SIDE
_DETAIL_BYTES = DETAIL_SIDE * DETAIL_SIDE
_COLOUR_BYTES = 2 * COLOUR_SIDE * COLOUR_SIDE


def _digest_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and _DIGEST.fullmatch(value) else None


def _entry_of(values: tuple[object, ...]) -> CachedEntry | None:
    """The entry a row's values describe, or None if they are not what `put` writes."""
    sha, prefix, metrics, hashes, thumb, detail, colour, skip_reason, skip_detail = values
    if (sha is not None and _digest_or_none(sha) is None) or (
        prefix is not None and _digest_or_none(prefix) is None
    ):
        return None
    analysis = None
    failure = None
    if metrics is not None and hashes is not None and thumb is not None:
        analysis = _analysis_of(metrics, hashes, thumb, detail, colour)
        if analysis is None:
            return None
    elif skip_reason is not None:
        if not isinstance(skip_reason, str) or not isinstance(skip_detail, str | None):
            return None
        try:
            reason = SkipReason(skip_reason)
        except ValueError:
            return None
        if reason not in _CACHEABLE_SKIPS:
            return None
        failure = DecodeFailure(reason, skip_detail or "")
    return CachedEntry(
        sha if isinstance(sha, str) else None,
        prefix if isinstance(prefix, str) else None,
        analysis,
        failure,
    )


def _analysis_of(
    metrics: object, hashes: object, thumb: object, detail: object, colour: object
) -> Analysis | None:
    if not (
        isinstance(hashes, bytes)
        and len(hashes) == _HASH_BYTES
        and isinstance(thumb, bytes)
        and len(thumb) == _THUMB_BYTES
        and (detail is None or (isinstance(detail, bytes) and len(detail) == _DETAIL_BYTES))
        and (colour is None or (isinstance(colour, bytes) and len(colour) in (0, _COLOUR_BYTES)))
        and isinstance(metrics, str)
    ):
        return None
    parsed = _metrics_of(metrics)
    if parsed is None:
        return None
    fingerprint = Fingerprint(
        hash_bytes=hashes, thumb=thumb, detail_map=detail, colour=colour or b""
    )
    return Analysis(metrics=parsed, fingerprint=fingerprint)


def _metrics_of(text: str) -> ImageMetrics | None:
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            return None
        # every value checked: its type, finite numbers, a known damage code
        metrics = metrics_from_dict(data)
    except (ResultFormatError, ValueError, TypeError, KeyError, OverflowError, RecursionError):
        return None
    if metrics.width <= 0 or metrics.height <= 0 or max(metrics.width, metrics.height) > 1 << 20:
        return None
    return metrics
