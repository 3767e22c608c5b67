"""The catalog file: its schema, how it is recognised, its checksum, and every refusal.

A catalog is one SQLite file (docs/catalog.md describes every table and column). It is
recognised by SQLite's `application_id` (`APPLICATION_ID`, "PSCT") and its schema
version by `user_version` (`SCHEMA_VERSION`). A finished build stores a checksum of
every row (`rows_checksum`) in `meta`; a reader recomputes it while reading, so a
damaged, truncated or hand-edited catalog is refused with one line (`CatalogError`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import stat
import struct
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from cleaner.catalog import detailmap, mapstore, thumbcode
from cleaner.detect.cache import ANALYSIS_COLUMNS, AnalysisColumns
from cleaner.errors import PhotoSiftError
from cleaner.i18n import N_, _, ngettext, number
from cleaner.safeopen import kind_of

APPLICATION_ID = 0x50534354  # "PSCT": PhotoSift CaTalog, in the SQLite header at byte 68
SCHEMA_VERSION = 4  # PRAGMA user_version; docs/catalog.md says what each version holds
# Schemas this PhotoSift reads: 1 to 3 differ only in how and where a detail map is
# stored, 4 in how the thumbnail is. Each map says its own encoding
# (`cleaner.catalog.detailmap`), a map in its file's row is read as such
# (`cleaner.catalog.mapstore`), and a thumbnail's length says whether it is encoded
# (`cleaner.catalog.thumbcode`), so older catalogs are read as they are, and a build over
# one makes it schema 4 (its maps moved and thumbnails encoded, every value the same).
READABLE_SCHEMAS = (1, 2, 3, 4)
FORMAT_NAME = "photosift-catalog"
SQLITE_MAGIC = b"SQLite format 3\x00"
BUILDING, COMPLETE = "building", "complete"

# The columns of `files` a reader gets, in this order (the checksum covers them all).
FILE_COLUMNS = (
    "relpath",
    "size",
    "mtime_ns",
    "device",
    "inode",
    "nlink",
    "sha256",
    *ANALYSIS_COLUMNS,
    "skip_reason",
    "skip_detail",
)

SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE roots (id INTEGER PRIMARY KEY, path BLOB NOT NULL UNIQUE);
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    root INTEGER NOT NULL REFERENCES roots(id),
    relpath BLOB NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    device INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    nlink INTEGER NOT NULL,
    sha256 BLOB NOT NULL,
    {", ".join(f"{c} BLOB" for c in ANALYSIS_COLUMNS)},
    skip_reason TEXT,
    skip_detail TEXT,
    build INTEGER NOT NULL,
    UNIQUE (root, relpath)
);
CREATE TABLE skipped (
    root INTEGER NOT NULL REFERENCES roots(id),
    relpath BLOB NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    build INTEGER NOT NULL,
    PRIMARY KEY (root, relpath)
) WITHOUT ROWID;
{mapstore.MAPS_SCHEMA};
"""


# -- how an analysis is stored -------------------------------------------------------------
# The fingerprint cache's columns (`cleaner.detect.cache.analysis_columns`), three of
# them compressed (the thumbnail from schema 4, `cleaner.catalog.thumbcode`): the
# metrics' JSON with zlib and this preset dictionary (the key names cost nearly nothing:
# ~340 bytes become ~90), and the 64x64 detail map of a low-detail picture by
# `cleaner.catalog.detailmap` (4,096 bytes become ~1,400 on real pictures). The
# dictionary is also stored in `meta` (`metrics_dictionary`), and a reader uses that copy,
# so a later PhotoSift may change it.

METRICS_DICTIONARY = (
    b'{"format":"JPEG","width":,"height":,"megapixels":,"lossless":false,"jpeg_quality":,'
    b'"sharpness":,"detail":,"capture_time":null,"camera":null,"has_gps":false,'
    b'"has_exif":true,"looks_like_screenshot":false,"looks_like_export":false,'
    b'"orientation":1,"damaged":null,"colour_count":null}'
)

StoredColumns = tuple[bytes | None, bytes | None, bytes | None, bytes | None, bytes | None]


def pack_columns(columns: AnalysisColumns, dictionary: bytes = METRICS_DICTIONARY) -> StoredColumns:
    metrics, hashes, thumb, detail, colour = columns
    packed = None
    if metrics is not None:
        z = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_DEFAULT_STRATEGY, dictionary)
        packed = z.compress(metrics.encode("utf-8")) + z.flush()
    stored_thumb = None if thumb is None else thumbcode.encode(thumb)
    encoded_map = None if detail is None else detailmap.encode(detail)
    return (packed, hashes, stored_thumb, encoded_map, colour)


def unpack_columns(stored: tuple[object, ...], dictionary: bytes) -> AnalysisColumns | None:
    """The cache's columns from the stored ones; None if they do not decompress."""
    metrics, hashes, thumb, detail, colour = stored
    if not all(v is None or isinstance(v, bytes) for v in stored):
        return None
    try:
        text = None
        if isinstance(metrics, bytes):
            z = zlib.decompressobj(15, dictionary)
            text = (z.decompress(metrics) + z.flush()).decode("utf-8")
            if not z.eof:
                return None
        plain = detailmap.decode(detail) if isinstance(detail, bytes) else None
        if isinstance(thumb, bytes):  # a plain one (256 bytes) is returned as it is
            thumb = thumbcode.decode(thumb)
    except (zlib.error, UnicodeDecodeError, ValueError):  # Detail/ThumbnailError: ValueErrors
        return None
    return (text, hashes, thumb, plain, colour)  # type: ignore[return-value]


# What a reader is told to do about a catalog it cannot use. A build over such a file
# refuses it too (it never overwrites what it cannot read) and says `NOT_OVERWRITTEN`.
# Marked here, translated where a message is made (`_(REBUILD)`): the build swaps one
# advice for the other in a message already in the user's language.
REBUILD = N_("build it again or copy it again")
REBUILD_HERE = N_("build it again with this version")
NOT_OVERWRITTEN = N_("move it away or choose another --out (a build does not overwrite it)")


class CatalogError(PhotoSiftError):
    """A catalog that cannot be used; the message is one line that names the file and
    says what to do."""


class CatalogBusy(CatalogError):
    """Another process holds the catalog (a build is writing it)."""


class UnfinishedCatalog(CatalogError):
    """A build of this catalog was interrupted; the same command resumes it."""


class CatalogVersionError(CatalogError):
    """Built by another version of PhotoSift or of the fingerprint algorithm."""


def relpath_bytes(rel: str) -> bytes:
    """A path below its root as stored: the file system's bytes, "/" between folders."""
    return os.fsencode(rel.replace(os.sep, "/"))


def relpath_text(stored: bytes) -> str:
    return os.fsdecode(stored).replace("/", os.sep)


# -- recognising a file --------------------------------------------------------------------


def check_header(path: Path) -> int | None:
    """Refuse, in one line, what is plainly not a catalog, by its first 100 bytes alone;
    return None for a new (missing or empty) file, else the size SQLite's header says the
    database has. Never opens the file with SQLite (which would accept a truncated one)."""
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise CatalogError(_("{path} is a folder, not a catalog file").format(path=path))
        if not stat.S_ISREG(st.st_mode):  # a pipe would block the open below for ever
            raise CatalogError(
                _("{path} is not a regular file ({kind})").format(
                    path=path, kind=_(kind_of(st.st_mode))
                )
            )
        with open(path, "rb") as fh:
            head = fh.read(100)
            size = os.fstat(fh.fileno()).st_size
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CatalogError(
            _("cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)
        ) from None
    if not head:
        return None
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        raise CatalogError(not_sqlite_message(path))
    (app_id,) = struct.unpack(">I", head[68:72])
    if app_id != APPLICATION_ID:
        raise CatalogError(foreign_message(path))
    page_size = struct.unpack(">H", head[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    pages: int = struct.unpack(">I", head[28:32])[0]
    expected = pages * page_size
    # SQLite trusts its "database size in pages" only while the change counter (byte 24)
    # equals the version-valid-for number (byte 92); so does this check.
    valid = head[24:28] == head[92:96] if len(head) >= 96 else False
    if valid and size < expected:
        journal = Path(str(path) + "-journal")
        if journal.exists():
            raise UnfinishedCatalog(unfinished_message(path))
        raise CatalogError(
            ngettext(
                "{path} is truncated ({size} of {expected} byte): {advice}",
                "{path} is truncated ({size} of {expected} bytes): {advice}",
                expected,
            ).format(path=path, size=number(size), expected=number(expected), advice=_(REBUILD))
        )
    return expected


# The refusals said in more than one place, one message each.


def not_sqlite_message(path: Path) -> str:
    return _("{path} is not a PhotoSift catalog (not an SQLite database)").format(path=path)


def foreign_message(path: Path) -> str:
    return _("{path} is not a PhotoSift catalog (an SQLite database of another program)").format(
        path=path
    )


def unfinished_message(path: Path, started: str = "") -> str:
    if started:
        return _(
            "{path} is an unfinished catalog build (started {started}): it is not damaged; "
            "run the same `photosift catalog build` command again to finish it"
        ).format(path=path, started=started)
    return _(
        "{path} is an unfinished catalog build: it is not damaged; run the same "
        "`photosift catalog build` command again to finish it"
    ).format(path=path)


def damaged_message(path: Path, why: str) -> str:
    """`why` is in the user's language already (a caller's `_()`)."""
    # Translators: {why} says what is wrong ("its files table changed while read"); {advice}
    # what to do ("build it again or copy it again")
    return _("{path} is damaged ({why}): {advice}").format(path=path, why=why, advice=_(REBUILD))


def changed_message(path: Path) -> str:
    return _(
        "{path} is damaged or was changed after it was built (its checksum does not match): "
        "{advice}"
    ).format(path=path, advice=_(REBUILD))


def bad_row_message(path: Path, rel: object) -> str:
    """A file's row that does not hold what a build writes; `rel` is its path below its
    root as stored (shown as Python writes it, quotes and escapes included)."""
    return damaged_message(
        path, _("the row of {file} does not hold what PhotoSift writes").format(file=repr(rel))
    )


def describe_sqlite_error(path: Path, exc: sqlite3.Error) -> CatalogError:
    """One `CatalogError` for whatever SQLite said about a catalog."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return CatalogBusy(
            _(
                "{path} is in use by another PhotoSift (a catalog build is writing it); "
                "wait for it to end"
            ).format(path=path)
        )
    if "not a database" in text:
        return CatalogError(not_sqlite_message(path))
    if "no such table" in text or "no such column" in text:
        # Translators: {error} is SQLite's own words ("no such table: files")
        missing = _("a table is missing: {error}").format(error=exc)
        return CatalogError(damaged_message(path, missing))
    return CatalogError(damaged_message(path, str(exc)))


# -- the checksum --------------------------------------------------------------------------
# SHA-256 of each row, summed modulo 2**256 (an order-free sum, so a build that finished
# its files in another order, or was resumed, gives the same checksum for the same rows),
# over every row of roots, maps (without its id), files (without its id and build
# columns) and skipped, and the meta rows other than `checksum`. It finds damage and
# edits, not forgery: see docs/catalog.md.

_MOD = 1 << 256


def row_bytes(table: bytes, values: Iterable[object]) -> bytes:
    """What a row's SHA-256 is taken over: its table's name, then each value (`N` for
    NULL, `B<length>:` and the bytes, `S<length>:` and the UTF-8, `I<number>;`), in one
    buffer, so that a row costs one SHA-256 call (`cleaner.catalog.columns` reads a
    million rows a minute this way)."""
    parts = [table]
    append = parts.append
    for v in values:
        if v is None:
            append(b"N")
        elif type(v) is bytes:
            append(b"B%d:" % len(v))
            append(v)
        elif type(v) is int:
            append(b"I%d;" % v)
        elif isinstance(v, str):
            raw = v.encode("utf-8", "surrogatepass")
            append(b"S%d:" % len(raw))
            append(raw)
        elif isinstance(v, bytes | int):  # a subclass: the same spelling as its base
            append(b"B%d:%s" % (len(v), bytes(v)) if isinstance(v, bytes) else b"I%d;" % v)
        else:  # a float or anything else SQLite could hold after a hand edit
            append(b"R" + repr(v).encode())
    return b"".join(parts)


def _row_digest(table: bytes, values: Iterable[object]) -> int:
    return int.from_bytes(hashlib.sha256(row_bytes(table, values)).digest(), "big")


class Checksum:
    """The running checksum of rows read or written."""

    def __init__(self) -> None:
        self.value = 0

    def add(self, table: str, values: Iterable[object]) -> None:
        self.value = (self.value + _row_digest(table.encode(), values)) % _MOD

    def hex(self) -> str:
        return f"{self.value:064x}"


FILES_SELECT = f"SELECT root, {', '.join(FILE_COLUMNS)} FROM files"
SKIPPED_SELECT = "SELECT root, relpath, reason, detail FROM skipped"


def iter_checked(
    conn: sqlite3.Connection, checksum: Checksum
) -> Iterator[tuple[str, tuple[object, ...]]]:
    """Every row that the checksum covers, as ("meta"|"roots"|"maps"|"files"|"skipped",
    values), each added to `checksum` as it goes by (`maps` from schema 3 on)."""
    for row in conn.execute("SELECT key, value FROM meta WHERE key != 'checksum' ORDER BY key"):
        checksum.add("meta", row)
        yield "meta", row
    for row in conn.execute("SELECT id, path FROM roots ORDER BY id"):
        checksum.add("roots", row)
        yield "roots", row
    if mapstore.expects_table(conn):  # before files: a reader looks copies' maps up
        for row in conn.execute(mapstore.MAPS_SELECT):
            checksum.add("maps", row)
            yield "maps", row
    for row in conn.execute(FILES_SELECT):
        checksum.add("files", row)
        yield "files", row
    for row in conn.execute(SKIPPED_SELECT):
        checksum.add("skipped", row)
        yield "skipped", row


def compute_checksum(conn: sqlite3.Connection) -> str:
    checksum = Checksum()
    for _row in iter_checked(conn, checksum):
        pass
    return checksum.hex()


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM meta")}


def check_identity(path: Path, conn: sqlite3.Connection) -> dict[str, str]:
    """The catalog's meta rows, after checking it is a catalog of a schema this PhotoSift
    reads (raises `CatalogError` or `CatalogVersionError` in one line)."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id != APPLICATION_ID:
        raise CatalogError(foreign_message(path))
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version not in READABLE_SCHEMAS:
        if version > SCHEMA_VERSION:
            text = _(
                "{path} was written by a newer PhotoSift (catalog schema {version}; this "
                "PhotoSift reads schemas {first} to {last}): {advice}"
            )
        else:
            text = _(
                "{path} was written by an older PhotoSift (catalog schema {version}; this "
                "PhotoSift reads schemas {first} to {last}): {advice}"
            )
        raise CatalogVersionError(
            text.format(
                path=path,
                version=version,
                first=READABLE_SCHEMAS[0],
                last=SCHEMA_VERSION,
                advice=_(REBUILD_HERE),
            )
        )
    meta = read_meta(conn)
    if meta.get("format") != FORMAT_NAME:
        raise CatalogError(damaged_message(path, _("its description (meta table) is missing")))
    return meta


@contextlib.contextmanager
def open_read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """The catalog opened for reading only; a busy or damaged file is a `CatalogError`."""
    if check_header(path) is None:
        if not path.exists():
            raise CatalogError(_("no such catalog: {path}").format(path=path))
        raise CatalogError(_("{path} is empty: it is not a PhotoSift catalog").format(path=path))
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=0.5)
    except sqlite3.Error as exc:
        raise _reading_error(path, exc) from None
    try:
        yield conn
    except sqlite3.Error as exc:
        raise _reading_error(path, exc) from None
    finally:
        conn.close()


def _reading_error(path: Path, exc: sqlite3.Error) -> CatalogError:
    error = describe_sqlite_error(path, exc)
    # A build killed in the middle of a write leaves its journal, which only a build may
    # roll back (readers open the file read-only): that is an unfinished build, not damage.
    if not isinstance(error, CatalogBusy) and Path(str(path) + "-journal").exists():
        return UnfinishedCatalog(unfinished_message(path))
    return error
