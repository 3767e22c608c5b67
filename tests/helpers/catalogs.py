"""Catalogs built with the engine's own builder, for tests of grouping across catalogs
(the engine's and the window's): never a catalog written by hand."""

from __future__ import annotations

import shutil
import sqlite3
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cleaner.catalog import BuildSettings, CatalogBuilt, build
from tests.helpers import images
from tests.helpers.copy_sets import noise_png, write_copy_sets


def build_catalog(root: Path | Sequence[Path], label: str, out: Path) -> Path:
    """`photosift catalog build ROOT... --label LABEL --out OUT`, in this process."""
    roots = (root,) if isinstance(root, Path) else tuple(root)
    settings = BuildSettings(roots=tuple(map(str, roots)), label=label, out=out, workers=2)
    finished = [e for e in build(settings) if isinstance(e, CatalogBuilt)]
    assert finished, "the build ended without its summary"
    return out


@dataclass(frozen=True)
class Estate:
    base: Path
    server_a: Path  # the folder catalogued as "nas-1"
    server_b: Path  # the folder catalogued as "archive"
    a: Path  # nas-1.catalog
    b: Path  # archive.catalog


# The estate the window tests open (tests/ui/conftest.py `estate`): 1,200 sets on one
# server (2,400 files: past the grid's paging) and 100 across both.
ESTATE_SETS, ESTATE_ACROSS = 1200, 100


def make_estate(
    base: Path,
    sets: int = 40,
    across: int = 10,
    *,
    own: int = 20,
    labels: tuple[str, str] = ("nas-1", "archive"),
    four_times: bool = False,
    build: Callable[[Path, str, Path], Path] = build_catalog,
) -> Estate:
    """Two "servers": `sets` pairs of identical pictures on the first, `across` of them on
    the second too (sets spanning both), `own` pictures of its own on the second, and a
    photo with a smaller copy on the other server; with `four_times`, a photo on the
    estate four times (two copies on each server). Catalogued as `labels` by `build`
    (`build_catalog` in this process; a test of servers passes one that runs the command
    in a process of its own)."""
    a, b = base / "server-a", base / "server-b"
    pairs = write_copy_sets(a / "bulk", sets)
    (b / "mirror").mkdir(parents=True)
    for i in range(across):
        shutil.copy(pairs[i][0], b / "mirror" / f"m{i:05d}.png")
    (b / "own").mkdir()
    for i in range(own):
        (b / "own" / f"o{i:05d}.png").write_bytes(noise_png(70_000 + i))
    (a / "originals").mkdir()
    (b / "web").mkdir()
    images.save(images.photo(1), a / "originals" / "harbour.jpg", quality=95)
    images.save(images.resized(images.photo(1), 320), b / "web" / "harbour.png")
    if four_times:
        images.save(images.photo(2), a / "beach.jpg")
        for target in (a / "old" / "beach.jpg", b / "beach.jpg", b / "web" / "beach copy.jpg"):
            target.parent.mkdir(exist_ok=True)
            shutil.copy(a / "beach.jpg", target)
    first, second = labels
    return Estate(
        base,
        a,
        b,
        build(a, first, base / f"{first}.catalog"),
        build(b, second, base / f"{second}.catalog"),
    )


def damaged_copy(source: Path, target: Path) -> Path:
    """A copy of a catalog with one row changed after it was built (its checksum no
    longer matches)."""
    shutil.copy(source, target)
    with sqlite3.connect(target) as conn:
        conn.execute(
            "UPDATE files SET size = size + 1 WHERE rowid = (SELECT min(rowid) FROM files)"
        )
    conn.close()
    return target


def truncated_copy(source: Path, target: Path) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


def _schema_2_map(blob: bytes) -> bytes:
    """A map in schema 2's (and 3's) encoding: rows differenced, raw DEFLATE, 0x01 first."""
    from cleaner.catalog import detailmap

    rows = np.frombuffer(detailmap.decode(blob), dtype=np.uint8).reshape(64, 64)
    delta = rows.copy()
    np.subtract(rows[1:], rows[:-1], out=delta[1:])
    z = zlib.compressobj(6, zlib.DEFLATED, -15, 9, zlib.Z_FILTERED)
    return b"\x01" + z.compress(delta.tobytes()) + z.flush()


def as_schema_3(source: Path, target: Path) -> Path:
    """`source` (schema 4) as PhotoSift wrote catalogs in schema 3: every thumbnail plain
    (256 bytes), every detail map in schema 2's encoding, `user_version` and
    `meta.schema_version` 3, its checksum over those rows, rewritten (no page left
    empty)."""
    from cleaner.catalog import thumbcode
    from cleaner.catalog.schema import compute_checksum

    shutil.copy(source, target)
    with sqlite3.connect(target) as conn:
        conn.create_function("plain", 1, thumbcode.decode, deterministic=True)
        conn.create_function("schema_2_map", 1, _schema_2_map, deterministic=True)
        conn.execute("UPDATE files SET thumb = plain(thumb) WHERE thumb NOT NULL")
        conn.execute("UPDATE maps SET detail = schema_2_map(detail)")
        conn.execute("PRAGMA user_version = 3")
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
        conn.execute("UPDATE meta SET value = ? WHERE key = 'checksum'", (compute_checksum(conn),))
        conn.commit()
        conn.execute("VACUUM")
    conn.close()
    return target


def as_schema_2(source: Path, target: Path) -> Path:
    """`source` (schema 4) as PhotoSift wrote catalogs in schema 2: as schema 3
    (`as_schema_3`), and each picture's detail map in its own row (`files.detail`, so
    exact copies each carry one), no `maps` table, `user_version` and
    `meta.schema_version` 2, its checksum over those rows, and 8 KiB pages."""
    from cleaner.catalog.schema import compute_checksum

    as_schema_3(source, target)
    with sqlite3.connect(target) as conn:
        conn.execute(
            "UPDATE files SET detail = (SELECT m.detail FROM maps m WHERE m.sha256 = "
            "files.sha256) WHERE metrics NOT NULL"
        )
        conn.execute("DROP TABLE maps")
        conn.execute("PRAGMA user_version = 2")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
        conn.execute("UPDATE meta SET value = ? WHERE key = 'checksum'", (compute_checksum(conn),))
        conn.commit()
        conn.execute("PRAGMA page_size = 8192")  # schema 2's
        conn.execute("VACUUM")
    conn.close()
    return target
