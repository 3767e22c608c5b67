"""How a catalog stores detail maps (schema 2's encoding, `cleaner.catalog.detailmap`, in
schema 3's shared table): exactly the
engine's bytes back, schema-1 catalogs still read (and upgraded by a build over them), and
a damaged map costs its picture's detail comparison, not the grouping."""

from __future__ import annotations

import os
import shutil
import sqlite3
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.catalog import SCHEMA_VERSION, inspect, read
from cleaner.catalog.columns import read_columns
from cleaner.catalog.detailmap import MAP_BYTES, DetailMapError, decode, encode, reencoded
from cleaner.catalog.estate import scan_catalogs
from cleaner.catalog.schema import compute_checksum
from cleaner.cli import main
from cleaner.detect.analysis import analyse_file
from cleaner.models import DEFAULT_MAX_PIXELS, ScanSettings
from cleaner.progress import Notice
from tests.helpers import images
from tests.helpers.catalogs import as_schema_2, build_catalog


def test_maps_come_back_byte_for_byte() -> None:
    rng = np.random.default_rng(4)
    ramp = np.add.outer(np.arange(64), np.arange(64)).astype(np.uint8) * 2
    page = np.clip(rng.normal(240, 2, (64, 64)), 0, 255).astype(np.uint8)
    maps = [
        bytes(MAP_BYTES),
        bytes([255]) * MAP_BYTES,
        ramp.tobytes(),  # wraps past 255: the row differences are modulo 256
        page.tobytes(),
        rng.integers(0, 256, MAP_BYTES, dtype=np.uint8).tobytes(),
    ]
    for plain in maps:
        blob = encode(plain)
        assert blob[0] in (1, 2, 3, 0x78)
        assert decode(blob) == plain
    assert len(encode(page.tobytes())) < len(zlib.compress(page.tobytes(), 9))


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=600), st.integers(0, 255), st.integers(0, 255))
def test_any_map_round_trips(pattern: bytes, row_step: int, column_step: int) -> None:
    """Maps from flat to noise: a pattern tiled over the map (any length, so its rows
    shift), plus ramps down and across that wrap past 255."""
    ramp = np.add.outer(np.arange(64) * row_step, np.arange(64) * column_step).reshape(-1)
    plain = ((np.resize(np.frombuffer(pattern, np.uint8), MAP_BYTES) + ramp) % 256).astype(np.uint8)
    assert decode(encode(plain.tobytes())) == plain.tobytes()


def test_an_upgrade_gives_a_map_the_shortest_encoding_and_keeps_a_damaged_one() -> None:
    rng = np.random.default_rng(7)
    ramp = np.add.outer(np.arange(64), np.arange(64) * 3).astype(np.float64)
    texture = np.clip(rng.normal(120, 6, (64, 64)) + ramp, 0, 255).astype(np.uint8).tobytes()
    for old in (zlib.compress(texture, 9), b"\x01" + encode(texture)[1:]):
        new = reencoded(old)
        assert new is not None
        assert decode(new) == texture
        assert len(new) <= len(old)
    schema_1 = zlib.compress(texture, 9)
    assert len(reencoded(schema_1) or b"") < len(schema_1) - 300  # differences win here
    for kept in (None, b"\x01not a map", b""):
        assert reencoded(kept) == kept


def test_a_schema_1_map_still_decodes_and_garbage_does_not() -> None:
    plain = np.arange(MAP_BYTES, dtype=np.uint8).tobytes()
    assert decode(zlib.compress(plain, 9)) == plain
    blob = encode(plain)
    bad = [
        b"",
        b"\x04" + blob[1:],  # an encoding no PhotoSift wrote
        blob[:-5],  # cut short
        blob + b"\x00",  # something after the map
        b"\x01" + zlib.compress(plain, 9),  # a zlib stream where raw DEFLATE belongs
        encode(plain)[:1] + zlib.compress(plain[:100], 9)[2:],
        zlib.compress(plain[:4000], 9),  # a schema-1 map of the wrong size
    ]
    for blob in bad:
        with pytest.raises(DetailMapError):
            decode(blob)
    with pytest.raises(ValueError, match="4096 bytes"):
        encode(plain[:-1])


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of low-detail pictures (blank pages with a few marks, each with a smaller
    copy: matching joins them on their detail maps) and photos, catalogued."""
    base = tmp_path_factory.mktemp("pages")
    root = base / "scans"
    for k in range(6):
        page = images.blank_page(k)
        images.save(page, root / f"page{k}.png")
        images.save(images.resized(page, 400), root / "small" / f"page{k}.jpg", quality=92)
    for k in range(3):
        images.save(images.photo(k), root / f"photo{k}.jpg")
    build_catalog(root, "scans", base / "scans.catalog")
    return base


def test_a_catalog_holds_the_maps_the_engine_made(pages: Path) -> None:
    catalog = read(pages / "scans.catalog")
    assert catalog.info.schema_version == SCHEMA_VERSION == 4
    with_maps = 0
    for f in catalog.files:
        assert f.analysis is not None
        assert f.analysis == analyse_file(f.path, DEFAULT_MAX_PIXELS)  # maps included
        with_maps += f.analysis.fingerprint.detail_map is not None
    assert with_maps == 12
    with sqlite3.connect(pages / "scans.catalog") as conn:
        blobs = [b for (b,) in conn.execute("SELECT detail FROM maps")]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    conn.close()
    assert len(blobs) == 12
    assert all(b[0] in (1, 2, 3, 0x78) for b in blobs)


def as_schema_1(source: Path, target: Path) -> Path:
    """`source` as PhotoSift wrote catalogs before schema 2: the same rows with each
    detail map in its row compressed by plain zlib, `user_version` and
    `meta.schema_version` 1, and its checksum over those rows."""
    as_schema_2(source, target)
    with sqlite3.connect(target) as conn:
        rows = conn.execute("SELECT id, detail FROM files WHERE detail NOT NULL").fetchall()
        for rowid, blob in rows:
            conn.execute(
                "UPDATE files SET detail = ? WHERE id = ?", (zlib.compress(decode(blob), 9), rowid)
            )
        conn.execute("PRAGMA user_version = 1")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        conn.execute("UPDATE meta SET value = ? WHERE key = 'checksum'", (compute_checksum(conn),))
    conn.close()
    return target


def grouped(path: Path) -> tuple[list[list[str]], list[Notice]]:
    """The sets of a scan of catalog `path` (sorted member paths) and its notices."""
    events = scan_catalogs([str(path)], ScanSettings(roots=()))
    notices = []
    try:
        while True:
            event = next(events)
            if isinstance(event, Notice):
                notices.append(event)
    except StopIteration as done:
        groups = done.value.result.groups
    return sorted(sorted(m.path for m in g.members) for g in groups), notices


def test_a_schema_1_catalog_is_read_grouped_and_upgraded_by_a_build(
    pages: Path, tmp_path: Path
) -> None:
    old = as_schema_1(pages / "scans.catalog", tmp_path / "scans.catalog")
    assert inspect(old).schema_version == 1
    new_files = {f.relpath: f.analysis for f in read(pages / "scans.catalog").files}
    assert {f.relpath: f.analysis for f in read(old).files} == new_files
    columns = read_columns(old)
    for r in range(len(columns)):
        assert columns.analysis(r) == new_files[columns.relpath_of(r).replace("/", os.sep)]
    groups, notices = grouped(old)
    assert len(groups) == 6  # each page with its smaller copy
    assert (groups, notices) == grouped(pages / "scans.catalog")
    # a build over it makes it this schema: the old maps re-encoded, the same maps back
    with sqlite3.connect(old) as conn:
        before = {sha: len(b) for sha, b in conn.execute("SELECT sha256, detail FROM files")
                  if b is not None}  # fmt: skip
    conn.close()
    images.save(images.blank_page(99), pages / "scans" / "new page.png")
    try:
        build_catalog(pages / "scans", "scans", old)
    finally:
        (pages / "scans" / "new page.png").unlink()
    assert inspect(old).schema_version == SCHEMA_VERSION
    upgraded = read(old)
    by_name = {f.relpath: f.analysis for f in upgraded.files}
    assert {k: v for k, v in by_name.items() if k in new_files} == new_files
    with sqlite3.connect(old) as conn:
        after = dict(conn.execute("SELECT sha256, detail FROM maps").fetchall())
    conn.close()
    assert len(after) == 13 == len(before) + 1
    assert {b[0] for b in after.values()} <= {1, 2, 3, 0x78}  # the schemas' encodings
    assert all(len(after[sha]) <= n for sha, n in before.items())  # re-encoded if shorter


def test_a_damaged_map_is_one_line_and_the_grouping_goes_on(
    pages: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = tmp_path / "scans.catalog"
    shutil.copy(pages / "scans.catalog", damaged)
    with sqlite3.connect(damaged) as conn:
        (sha,) = conn.execute(
            "SELECT sha256 FROM files WHERE relpath = CAST('page1.png' AS BLOB)"
        ).fetchone()
        conn.execute("UPDATE maps SET detail = ? WHERE sha256 = ?", (b"\x01not a map", sha))
        # what a writer's bug, or an edit that rewrote the checksum too, would leave: the
        # checksum holds, so only decoding the map finds it
        conn.execute("UPDATE meta SET value = ? WHERE key = 'checksum'", (compute_checksum(conn),))
    conn.close()
    before, _ = grouped(pages / "scans.catalog")
    after, notices = grouped(damaged)
    assert len(notices) == 1
    assert str(damaged) in notices[0].text
    assert "'page1.png'" in notices[0].text
    assert "build the catalog again" in notices[0].text
    # every other set is found as before; the damaged page, compared without its map,
    # loses its copy (a low-detail pair is joined only on both maps)
    assert len(before) == 6
    assert after == [g for g in before if "scans:page1.png" not in g]
    assert main(["scan", "--catalog", str(damaged), "--no-ignore-list", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "1 detail map of low-detail pictures could not be decoded" in err
