"""Issue 14: grouping across catalogs reads the pictures as columns
(`cleaner.catalog.pictures.ColumnPictures`) instead of one `Fingerprint` and one
`ImageMetrics` per picture. Both must give the same sets, so this compares the two on an
estate big enough for the canonical orientation search (past `exact_turns`), with
planted copies (turned, mirrored, low-detail) in another catalog than their originals."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from benchmarks.catalog_size import SynthRow, synthetic_analysis, write_catalog
from cleaner.catalog import estate as estate_module
from cleaner.catalog.blobs import OptionalBytes
from cleaner.catalog.columns import read_columns
from cleaner.catalog.estate import CatalogScan, scan_catalogs
from cleaner.catalog.pictures import ColumnPictures
from cleaner.catalog.schema import CatalogError
from cleaner.detect.matching import exact_turns
from cleaner.models import DuplicateGroup, ScanSettings
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
    stored = list(columns.metrics)
    stored[7] = b"not zlib"  # what a checksum-matching file never holds
    columns.metrics = OptionalBytes.of(stored)
    index = np.arange(len(columns), dtype=np.int64)
    pictures = ColumnPictures([columns], np.zeros(len(columns), np.int64), index)
    pictures.sides(index[:7])  # rows it is not asked about are not decoded
    with pytest.raises(CatalogError, match=r"a/7\.jpg.*does not hold what PhotoSift writes"):
        pictures.sides(index[5:9])
