"""The fingerprint cache: SQLite (WAL) under the user's cache folder.

Keyed by (path, size, mtime_ns): a file that changed in any of these is read
again. The algorithm version and the versions of the libraries that produce
fingerprints are stored in a `meta` row; when any of them differs, the cache is
emptied and rebuilt, because an upgrade of Pillow or ImageHash can change hashes.

One `FingerprintCache` object belongs to one thread (the scan's thread, which is
the single writer); worker threads never touch it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from cleaner.decode import DecodeFailure
from cleaner.hashing import ALGORITHM_VERSION
from cleaner.models import Analysis, Fingerprint, SkipReason
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
    override = os.environ.get("PHOTOSIFT_CACHE_DIR")
    if override:
        return Path(override) / "fingerprints.sqlite3"
    import platformdirs

    return Path(platformdirs.user_cache_dir("photosift", appauthor=False)) / "fingerprints.sqlite3"


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


@dataclass(frozen=True, slots=True)
class CachedEntry:
    sha256: str | None
    prefix: str | None
    analysis: Analysis | None
    failure: DecodeFailure | None


class FingerprintCache:
    """Read and write cached analyses. Writes are batched; call `flush()` or `close()`."""

    def __init__(self, path: Path | None, batch: int = 256) -> None:
        self.path = path
        self._pending: list[tuple[object, ...]] = []
        self._batch = batch
        self._conn: sqlite3.Connection | None = None
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = self._open(path)
        except (OSError, sqlite3.Error):
            # A cache that cannot be opened (read-only home, damaged file) must not
            # stop a scan: try once more from scratch, then scan without a cache.
            with contextlib.suppress(OSError):
                path.unlink()
            try:
                self._conn = self._open(path)
            except (OSError, sqlite3.Error):
                self._conn = None

    @property
    def enabled(self) -> bool:
        return self._conn is not None

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
        row = self._conn.execute(
            "SELECT size, mtime_ns, sha256, prefix, metrics, hashes, thumb, detail, colour, "
            "skip_reason, skip_detail FROM files WHERE path=?",
            (os.fsencode(path),),
        ).fetchone()
        if row is None or row[0] != size or row[1] != mtime_ns:
            return None
        sha, prefix, metrics, hashes, thumb, detail, colour, skip_reason, skip_detail = row[2:]
        analysis = None
        failure = None
        if metrics is not None and hashes is not None and thumb is not None:
            analysis = Analysis(
                metrics=metrics_from_dict(json.loads(metrics)),
                fingerprint=Fingerprint(
                    hash_bytes=hashes, thumb=thumb, detail_map=detail, colour=colour or b""
                ),
            )
        elif skip_reason is not None:
            failure = DecodeFailure(SkipReason(skip_reason), skip_detail or "")
        return CachedEntry(sha, prefix, analysis, failure)

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
        fp = analysis.fingerprint if analysis is not None else None
        self._pending.append(
            (
                os.fsencode(path),
                size,
                mtime_ns,
                sha256,
                prefix,
                None if analysis is None else json.dumps(metrics_to_dict(analysis.metrics)),
                None if fp is None else fp.hash_bytes,
                None if fp is None else fp.thumb,
                None if fp is None else fp.detail_map,
                None if fp is None else fp.colour,
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
        except sqlite3.Error:
            pass  # a full disk or a locked cache costs speed next time, never the scan
        self._pending.clear()

    def close(self) -> None:
        self.flush()
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> FingerprintCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
