"""Where a catalog keeps detail maps (schema 3): once per distinct content, in `maps`,
keyed by the file's SHA-256, and shared by every exact copy (docs/catalog.md, "Detail
maps").

A detail map is most of a low-detail picture's row (~1,600 of ~2,200 bytes), and estates
hold many exact copies (the kit's six real catalogs: 678 maps, 543 distinct), so storing
one per file spent a third of those bytes on repeats. The map is a function of the file's
bytes under the catalog's reading settings (`meta.reading`; a change re-reads every
file), so a SHA-256 names it exactly: any readable row with that digest has that map.

Schemas 1 and 2 kept each map in its file's row (`files.detail`). A reader still takes
such a map first; a build over such a catalog moves them into `maps` (`upgrade`), so
from then on `files.detail` is NULL in every row, as in a new schema-3 catalog.
"""

from __future__ import annotations

import sqlite3

from cleaner.catalog import detailmap

MAPS_TABLE = "maps"
# A rowid table with a unique index on the digest rather than a WITHOUT ROWID table keyed
# by it: maps arrive in random digest order, and a B-tree filled in random key order
# keeps its leaves ~2/3 full, a third of each ~1,600-byte map's page space lost;
# appended by rowid they fill their pages, and only the small index entries are random.
MAPS_SCHEMA = f"""
CREATE TABLE {MAPS_TABLE} (
    id INTEGER PRIMARY KEY,
    sha256 BLOB NOT NULL UNIQUE,
    detail BLOB NOT NULL
)
"""
MAPS_SELECT = f"SELECT sha256, detail FROM {MAPS_TABLE}"
FIRST_SHARED_SCHEMA = 3  # the first schema with the table


def has_table(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (MAPS_TABLE,)
    ).fetchone()
    return int(row[0]) > 0


def expects_table(conn: sqlite3.Connection) -> bool:
    """Whether this catalog's schema has the table (a schema-3 catalog without it is
    damaged: its readers then fail on the missing table, in one line)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0]) >= FIRST_SHARED_SCHEMA


def store(conn: sqlite3.Connection, sha256: bytes, encoded: bytes) -> None:
    """Keep the encoded map of the content `sha256`, unless a copy's is kept already (the
    same bytes give the same map)."""
    conn.execute(
        f"INSERT OR IGNORE INTO {MAPS_TABLE} (sha256, detail) VALUES (?, ?)", (sha256, encoded)
    )


def drop_unused(conn: sqlite3.Connection) -> int:
    """Drop the maps no readable row has any more (its last copy removed or changed);
    returns how many. One pass over the digests of `files` (SQLite builds a temporary
    index of them), seconds at a million rows."""
    return int(
        conn.execute(
            f"DELETE FROM {MAPS_TABLE} WHERE sha256 NOT IN "
            "(SELECT sha256 FROM files WHERE metrics IS NOT NULL)"
        ).rowcount
    )


def upgrade(conn: sqlite3.Connection) -> None:
    """Create the table in a catalog of schema 1 or 2 and move each map its rows hold
    into it (one per digest), then give every map (schemas 1 to 3) this schema's
    encoding when shorter (a schema-1 map is re-encoded too; one that does not decode is
    kept as it is). Inside the build's transaction: a kill leaves the catalog as it was."""
    if not has_table(conn):
        conn.execute(MAPS_SCHEMA)
    conn.execute(
        f"INSERT OR IGNORE INTO {MAPS_TABLE} (sha256, detail) SELECT sha256, detail FROM files "
        "WHERE detail IS NOT NULL AND metrics IS NOT NULL ORDER BY id"
    )
    conn.execute("UPDATE files SET detail = NULL WHERE detail IS NOT NULL")
    # schema 4: each map in the shortest encoding (`detailmap.encode`; the same map back)
    conn.create_function("photosift_map", 1, detailmap.reencoded, deterministic=True)
    conn.execute(f"UPDATE {MAPS_TABLE} SET detail = photosift_map(detail)")


def shared_map(own: object, sha256: object, maps: dict[bytes, bytes]) -> object:
    """The stored map of a picture's `files` row: its own (`files.detail`, schemas 1 and
    2), else its content's in `maps`."""
    if own is not None:
        return own
    return maps.get(sha256) if isinstance(sha256, bytes) else None
