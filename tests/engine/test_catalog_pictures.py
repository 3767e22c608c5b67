"""Issue 14: grouping across catalogs reads the pictures as columns
(`cleaner.catalog.pictures.ColumnPictures`) instead of one `Fingerprint` and one
`ImageMetrics` per picture. Both must give the same sets, so this compares the two on an
estate big enough for the canonical orientation search (past `exact_turns`), with
planted copies (turned, mirrored, low-detail) in another catalog than their originals."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from benchmarks.catalog_size import SynthRow, synthetic_analysis, write_catalog
from cleaner.catalog import columns as columns_module
from cleaner.catalog import estate as estate_module
from cleaner.catalog.columns import read_columns, sides_of
from cleaner.catalog.estate import CatalogScan, scan_catalogs
from cleaner.catalog.pictures import ColumnPictures
from cleaner.catalog.schema import CatalogError
from cleaner.detect.matching import exact_turns
from cleaner.models import Analysis, DuplicateGroup, ScanSettings
from cleaner.progress import drain
from tests.helpers.synthetic_estate import write_synthetic_estate

CATALOGS = 2
PER_CATALOG = 4_000


def _groups(folder: Path) -> tuple[DuplicateGroup, ...]:
    paths = sorted(str(p) for p in folder.glob("server-*.catalog"))
    events = scan_catalogs(paths, ScanSettings(roots=()))
    scanned: CatalogScan = drain(events)
    return scanned.result.groups


@pytest.mark.slow
def test_columns_and_objects_give_the_same_sets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not exact_turns(CATALOGS * PER_CATALOG)  # the canonical search, as at 10M
    write_synthetic_estate(
        tmp_path, catalogs=CATALOGS, per_catalog=PER_CATALOG, planted_share=0.1, seed=23
    )
    from_columns = _groups(tmp_path)
    # the object path: matching reads `Fingerprint`s and `ImageMetrics`, as a scan does
    grouping = estate_module.group_pictures

    def from_objects_only(*args: Any, **kwargs: Any) -> Any:
        kwargs["pictures"] = None
        return grouping(*args, **kwargs)

    monkeypatch.setattr(estate_module, "group_pictures", from_objects_only)
    from_objects = _groups(tmp_path)
    assert len(from_columns) > 300  # planted copies found, some turned, some low-detail
    assert list(from_columns) == list(from_objects)


def _one_catalog(folder: Path) -> Path:
    from benchmarks.synth_fingerprints import generate

    fps = generate(40, 0, threshold=10, rotations=True, seed=5)
    rng = np.random.default_rng(0)
    rows = (
        SynthRow(
            rel=f"a/{k}.jpg",
            size=1000 + k,
            mtime_ns=k,
            inode=k + 1,
            sha256=hashlib.sha256(b"%d" % k).digest(),
            # a detail map on some rows (inflated only when asked for)
            analysis=synthetic_analysis(rng, fps, k, bytes([k]) * 4096 if k % 3 == 0 else None),
        )
        for k in range(40)
    )
    out = folder / "one.catalog"
    write_catalog(out, "one", rows)
    return out


def test_sides_and_detail_come_from_the_metrics(tmp_path: Path) -> None:
    columns = read_columns(_one_catalog(tmp_path))
    index = np.arange(len(columns), dtype=np.int64)
    pictures = ColumnPictures([columns], np.zeros(len(columns), np.int64), index)
    width, height = pictures.sides(index[::-1])
    low = pictures.low_detail(index)
    for k in range(len(columns)):
        m = columns.analysis(k).metrics
        assert (width[len(columns) - 1 - k], height[len(columns) - 1 - k]) == (m.width, m.height)
        assert bool(low[k]) == m.low_detail
    assert pictures.thumbs(index[:3]).tobytes() == b"".join(
        columns.analysis(k).fingerprint.thumb for k in range(3)
    )
    some = index[[5, 0, 39, 12]]
    assert pictures.fingerprints(some) == [columns.analysis(k).fingerprint for k in some.tolist()]


def test_a_row_whose_metrics_do_not_decode_is_one_clear_error(tmp_path: Path) -> None:
    columns = read_columns(_one_catalog(tmp_path))
    # what reading makes of a row whose metrics do not decode (a checksum-matching file
    # never holds one): no width, height or detail measure
    assert sides_of(b"not zlib", columns.dictionary) is None
    for column in (columns.width, columns.height, columns.detail_std):
        column[7] = np.nan
    index = np.arange(len(columns), dtype=np.int64)
    pictures = ColumnPictures([columns], np.zeros(len(columns), np.int64), index)
    pictures.sides(index[:7])  # rows it is not asked about are not looked at
    pictures.low_detail(index[8:])
    for ask in (pictures.sides, pictures.low_detail):
        with pytest.raises(CatalogError, match=r"a/7\.jpg.*does not hold what PhotoSift writes"):
            ask(index[5:9])


def _packed(dictionary: bytes, text: bytes) -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_DEFAULT_STRATEGY, dictionary)
    return z.compress(text) + z.flush()


@pytest.mark.parametrize(
    "text",
    [
        b"[1, 2]",
        b"not json",
        b'{"width": 10, "height": 10}',
        b'{"width": -1, "height": 10, "detail": 3.0}',
        b'{"width": 10.0, "height": 10, "detail": 3.0}',
        b'{"width": true, "height": 10, "detail": 3.0}',
        b'{"width": 10, "height": 10, "detail": NaN}',
        b'{"width": 10, "height": 10, "detail": "3"}',
        b'{"width": 1' + b"0" * 400 + b', "height": 10, "detail": 3.0}',
    ],
)
def test_metrics_without_the_three_values_as_a_build_writes_them_give_none(
    tmp_path: Path, text: bytes
) -> None:
    dictionary = read_columns(_one_catalog(tmp_path)).dictionary
    good = _packed(dictionary, b'{"width": 10, "height": 7, "detail": 3}')
    assert sides_of(good, dictionary) == (10.0, 7.0, 3.0)
    assert sides_of(_packed(dictionary, text), dictionary) is None


def test_every_rows_three_values_are_read_in_place_across_batches(tmp_path: Path) -> None:
    """More rows than two of the reader's batches: each row's width, height and detail
    where that row is (an offset slip between batches would move them)."""
    from benchmarks.synth_fingerprints import generate

    total = 2 * columns_module._BATCH + 123
    fps = generate(40, 0, threshold=10, rotations=True, seed=5)
    rng = np.random.default_rng(1)
    base = [synthetic_analysis(rng, fps, k, None) for k in range(40)]

    def analysis(k: int) -> Analysis:
        a = base[k % 40]
        metrics = replace(a.metrics, width=1000 + k, height=2 * k, detail=k / 7)
        return Analysis(metrics, a.fingerprint)

    rows = (
        SynthRow(f"a/{k}.jpg", 1000 + k, k, k + 1, hashlib.sha256(b"%d" % k).digest(), analysis(k))
        for k in range(total)
    )
    write_catalog(tmp_path / "big.catalog", "big", rows)
    columns = read_columns(tmp_path / "big.catalog")
    assert columns.width.tolist() == [1000.0 + k for k in range(total)]
    assert columns.height.tolist() == [2.0 * k for k in range(total)]
    assert columns.detail_std.tolist() == [k / 7 for k in range(total)]
