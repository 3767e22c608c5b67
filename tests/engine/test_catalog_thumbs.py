"""Schema 4: thumbnails stored encoded (`cleaner.catalog.thumbcode`), detail maps in the
shortest of their encodings (`cleaner.catalog.detailmap`). Every value grouping
needs reads back bit for bit as schema 3 stored it (lists compared, low-detail pictures
included), schema-3 catalogs are read and grouped the same, a build upgrades them
without growing the file, and a damaged thumbnail is one line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.catalog import SCHEMA_VERSION, CatalogError, inspect, read
from cleaner.catalog.columns import read_columns
from cleaner.catalog.schema import compute_checksum
from cleaner.catalog.thumbcode import THUMB_BYTES, ThumbnailError, decode, encode
from cleaner.detect.analysis import analyse_file
from cleaner.models import DEFAULT_MAX_PIXELS
from tests.engine.test_catalog_detailmap import grouped
from tests.helpers import images
from tests.helpers.catalogs import as_schema_3, build_catalog


def _thumbs(path: Path) -> list[bytes]:
    with sqlite3.connect(path) as conn:
        out = [t for (t,) in conn.execute("SELECT thumb FROM files WHERE thumb NOT NULL")]
    conn.close()
    return out


def _maps(path: Path) -> list[tuple[bytes, bytes]]:
    with sqlite3.connect(path) as conn:
        out = conn.execute("SELECT sha256, detail FROM maps ORDER BY sha256").fetchall()
    conn.close()
    return out


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Low-detail pictures (blank pages, each with a smaller copy matching joins on its
    detail map), photos with a smaller copy, and a file that is not a picture."""
    base = tmp_path_factory.mktemp("thumbs")
    root = base / "pictures"
    for k in range(8):
        page = images.blank_page(60 + k)
        images.save(page, root / f"page{k}.png")
        images.save(images.resized(page, 400), root / "small" / f"page{k}.jpg", quality=90)
    for k in range(6):
        photo = images.photo(20 + k)
        images.save(photo, root / f"photo{k}.jpg")
        images.save(images.resized(photo, 300), root / "small" / f"photo{k}.jpg", quality=85)
    (root / "notes.jpg").write_bytes(b"not a picture")
    build_catalog(root, "pictures", base / "new.catalog")
    as_schema_3(base / "new.catalog", base / "old.catalog")
    return base


def test_thumbnails_come_back_byte_for_byte() -> None:
    rng = np.random.default_rng(9)
    ramp = np.add.outer(np.arange(16) * 19, np.arange(16) * 23) % 256  # wraps past 255
    for plain in (
        bytes(THUMB_BYTES),
        bytes([255]) * THUMB_BYTES,
        ramp.astype(np.uint8).tobytes(),
        np.clip(rng.normal(235, 1.5, THUMB_BYTES), 0, 255).astype(np.uint8).tobytes(),
    ):
        blob = encode(plain)
        assert len(blob) < THUMB_BYTES
        assert decode(blob) == plain
    noise = rng.integers(0, 256, THUMB_BYTES, dtype=np.uint8).tobytes()
    assert encode(noise) == noise  # not made shorter: stored plain, read as it is
    assert decode(noise) == noise


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=1, max_size=300), st.integers(0, 255), st.integers(0, 255))
def test_any_thumbnail_round_trips(pattern: bytes, row_step: int, column_step: int) -> None:
    ramp = np.add.outer(np.arange(16) * row_step, np.arange(16) * column_step).reshape(-1)
    tiled = np.resize(np.frombuffer(pattern, np.uint8), THUMB_BYTES)
    plain = ((tiled + ramp) % 256).astype(np.uint8).tobytes()
    assert decode(encode(plain)) == plain


def test_garbage_is_no_thumbnail() -> None:
    smooth = encode(bytes(range(256)))
    for bad in (b"", smooth[:-3], smooth + b"\x00", b"\x00" * 300, b"\xff" * 40):
        with pytest.raises(ThumbnailError):
            decode(bad)


def test_schema_4_reads_back_what_schema_3_stored(library: Path) -> None:
    new, old = library / "new.catalog", library / "old.catalog"
    assert inspect(new).schema_version == SCHEMA_VERSION == 4
    assert inspect(old).schema_version == 3
    stored = _thumbs(new)
    assert all(len(t) <= THUMB_BYTES for t in stored)
    assert sum(len(t) < THUMB_BYTES for t in stored) >= 16  # the pages' (some photos')
    assert all(len(t) == THUMB_BYTES for t in _thumbs(old))
    with sqlite3.connect(old) as conn:  # and every map as schema 3 wrote it
        assert {b[0] for (b,) in conn.execute("SELECT detail FROM maps")} == {1}
    conn.close()
    # the checked read: every analysis (fingerprints, maps, metrics), row for row
    files_new, files_old = read(new).files, read(old).files
    assert [f.analysis for f in files_new] == [f.analysis for f in files_old]
    assert [f.failure for f in files_new] == [f.failure for f in files_old]
    assert sum(f.analysis is not None and f.analysis.fingerprint.detail_map is not None
               for f in files_new) >= 16  # fmt: skip
    for f in files_new:  # and what the engine made of each file
        if f.analysis is not None:
            assert f.analysis == analyse_file(f.path, DEFAULT_MAX_PIXELS)
    # the columns grouping reads: arrays equal, and each row's analysis
    cols_new, cols_old = read_columns(new), read_columns(old)
    assert cols_new.thumbs.tobytes() == cols_old.thumbs.tobytes()
    assert cols_new.hashes.tobytes() == cols_old.hashes.tobytes()
    assert cols_new.colours.tobytes() == cols_old.colours.tobytes()
    assert cols_new.relpath == cols_old.relpath
    readable = np.flatnonzero(cols_new.readable).tolist()
    assert [cols_new.analysis(r) for r in readable] == [cols_old.analysis(r) for r in readable]


def test_a_schema_3_catalog_groups_the_same_and_a_build_upgrades_it(
    library: Path, tmp_path: Path
) -> None:
    new = library / "new.catalog"
    old = as_schema_3(new, tmp_path / "old.catalog")
    sets, notices = grouped(old)
    assert len(sets) >= 14  # pages and photos, each with its copy
    assert not notices
    assert (sets, notices) == grouped(new)
    size = old.stat().st_size
    build_catalog(library / "pictures", "pictures", old)  # nothing changed: the upgrade
    assert inspect(old).schema_version == 4
    assert old.stat().st_size <= size
    with sqlite3.connect(old) as conn:
        assert conn.execute("PRAGMA freelist_count").fetchone() == (0,)
    conn.close()
    assert _thumbs(old) == _thumbs(new)
    assert _maps(old) == _maps(new)  # each map re-encoded as a new build encodes it
    assert grouped(old) == (sets, notices)
    assert read(old).files == read(new).files


def test_a_damaged_thumbnail_is_one_line(library: Path, tmp_path: Path) -> None:
    path = tmp_path / "edited.catalog"
    path.write_bytes((library / "new.catalog").read_bytes())
    with sqlite3.connect(path) as conn:  # cut short, the checksum made to match
        rowid, blob = conn.execute(
            "SELECT id, thumb FROM files WHERE length(thumb) < 256 ORDER BY id LIMIT 1"
        ).fetchone()
        conn.execute("UPDATE files SET thumb = ? WHERE id = ?", (blob[:-4], rowid))
        conn.execute("UPDATE meta SET value = ? WHERE key = 'checksum'", (compute_checksum(conn),))
    conn.close()
    for reader in (read, read_columns):
        with pytest.raises(CatalogError, match="does not hold what PhotoSift writes") as caught:
            reader(path)
        assert "\n" not in str(caught.value)
