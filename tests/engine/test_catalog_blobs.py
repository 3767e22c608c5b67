"""The catalog's byte columns (paths, compressed metrics) packed in one buffer each
(`cleaner.catalog.blobs`): the same values as the files table holds, and the same sets
as the lists of objects they replace gave."""

from __future__ import annotations

import sqlite3
from collections.abc import Generator
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from cleaner.catalog import columns as columns_module
from cleaner.catalog import estate as estate_module
from cleaner.catalog.blobs import OptionalBytes, PackedBytes
from cleaner.catalog.columns import Columns, read_columns
from cleaner.catalog.estate import CatalogScan, scan_catalogs
from cleaner.catalog.schema import FILES_SELECT, CatalogError
from cleaner.models import DuplicateGroup, ScanSettings
from cleaner.progress import drain
from tests.helpers.synthetic_estate import write_synthetic_estate

CATALOGS = 2
PER_CATALOG = 1_500
BATCH = 700  # rows read at a time in these tests: batches end inside each catalog


def test_packed_values_read_back_as_given() -> None:
    values = [b"a/1.jpg", b"", b"\xff\xfe odd bytes", b"x" * 300, b"", b"last"]
    column = PackedBytes.of(values)
    assert len(column) == len(values)
    assert [column[k] for k in range(len(values))] == values
    assert list(column) == values
    assert column == values
    assert column[-1] == b"last"
    with pytest.raises(IndexError):
        column[len(values)]
    optional = [b"m1", None, b"", None, b"m5"]
    held = OptionalBytes.of(optional)
    assert [held[k] for k in range(len(optional))] == optional
    assert list(held) == optional
    assert held != [b"m1", b"", b"", None, b"m5"]  # a missing value is not an empty one


def test_columns_joined_from_parts_are_the_whole() -> None:
    values = [bytes([k % 251]) * (k % 7) for k in range(1_000)]
    missing = [None if k % 5 == 0 else v for k, v in enumerate(values)]
    cuts = [0, 1, 333, 334, 700, 1_000]
    parts = [PackedBytes.of(values[a:b]) for a, b in pairwise(cuts)]
    assert list(PackedBytes.joined(parts)) == values
    optional = [OptionalBytes.of(missing[a:b]) for a, b in pairwise(cuts)]
    assert list(OptionalBytes.joined(optional)) == missing


def _stored(path: Path) -> tuple[list[bytes], list[bytes | None]]:
    """Each row's path and compressed metrics, straight from the files table."""
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        rows = conn.execute(FILES_SELECT).fetchall()
    finally:
        conn.close()
    return [r[1] for r in rows], [r[8] for r in rows]


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("estate")
    write_synthetic_estate(
        folder,
        catalogs=CATALOGS,
        per_catalog=PER_CATALOG,
        planted_share=0.1,
        seed=31,
        copies_every=9,
    )
    return folder


def test_read_columns_hold_every_rows_path_and_metrics(
    estate: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(columns_module, "_BATCH", BATCH)
    for path in sorted(estate.glob("server-*.catalog")):
        columns = read_columns(path)
        rel, metrics = _stored(path)
        assert len(columns) == len(rel) > 2 * BATCH
        assert list(columns.relpath) == rel
        assert list(columns.metrics) == metrics
        assert [columns.relpath_of(k) for k in (0, BATCH - 1, BATCH, len(rel) - 1)] == [
            rel[k].decode() for k in (0, BATCH - 1, BATCH, len(rel) - 1)
        ]


def _as_lists(columns: Columns) -> Columns:
    """The columns as they were held before: a list of objects each."""
    return replace(
        columns,
        relpath=list(columns.relpath),  # type: ignore[arg-type]
        metrics=list(columns.metrics),  # type: ignore[arg-type]
    )


def _groups(folder: Path) -> tuple[DuplicateGroup, ...]:
    paths = sorted(str(p) for p in folder.glob("server-*.catalog"))
    scanned: CatalogScan = drain(scan_catalogs(paths, ScanSettings(roots=())))
    return scanned.result.groups


def test_packed_columns_give_the_sets_lists_gave(
    estate: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(columns_module, "_BATCH", BATCH)
    packed = _groups(estate)
    reading = estate_module.read_many

    def as_lists(*args: Any, **kwargs: Any) -> Generator[Columns | CatalogError, None, None]:
        for read in reading(*args, **kwargs):
            yield read if isinstance(read, CatalogError) else _as_lists(read)

    monkeypatch.setattr(estate_module, "read_many", as_lists)
    lists = _groups(estate)
    assert len(packed) > 150  # planted copies and byte-identical copies found
    assert any(m.path.split(":", 1)[1].startswith("mirror/") for g in packed for m in g.members)
    assert list(packed) == list(lists)
