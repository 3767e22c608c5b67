"""Issue 14: big estates read their catalogs on worker processes
(`cleaner.catalog.columns.read_many`); what comes back must be what `read_columns`
reads, in the order given, and a catalog that cannot be used still gets its one line."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from benchmarks.catalog_size import SynthRow, synthetic_analysis, write_catalog
from cleaner.catalog import columns as columns_module
from cleaner.catalog.columns import read_columns, read_many
from cleaner.catalog.schema import CatalogError


def _catalog(out: Path, label: str, first: int, count: int) -> Path:
    from benchmarks.synth_fingerprints import generate

    fps = generate(count, 0, threshold=10, rotations=True, seed=first)
    rng = np.random.default_rng(first)
    write_catalog(
        out,
        label,
        (
            SynthRow(
                rel=f"{label}/{first + k}.jpg",
                size=1000 + k,
                mtime_ns=k,
                inode=first + k + 1,
                sha256=hashlib.sha256(b"%d" % (first + k)).digest(),
                analysis=synthetic_analysis(rng, fps, k, None),
            )
            for k in range(count)
        ),
    )
    return out


def test_worker_processes_read_what_read_columns_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [_catalog(tmp_path / f"c{n}.catalog", f"c{n}", n * 100, 60 + n) for n in range(3)]
    monkeypatch.setattr(columns_module, "PARALLEL_BYTES", 0)  # any size goes to the workers
    got = [c for c in read_many(paths, workers=2) if not isinstance(c, CatalogError)]
    assert [c.info.label for c in got] == ["c0", "c1", "c2"]
    for path, columns in zip(paths, got, strict=True):
        here = read_columns(path)
        assert columns.relpath == here.relpath
        assert columns.metrics == here.metrics
        assert np.array_equal(columns.hashes, here.hashes)
        assert np.array_equal(columns.thumbs, here.thumbs)
        assert np.array_equal(columns.sha256, here.sha256)


def test_a_damaged_catalog_read_by_a_worker_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = _catalog(tmp_path / "good.catalog", "good", 0, 40)
    bad = tmp_path / "bad.catalog"
    bad.write_bytes(good.read_bytes()[:5000])  # truncated
    monkeypatch.setattr(columns_module, "PARALLEL_BYTES", 0)
    read = list(read_many([good, bad, good], workers=2))
    assert [type(r).__name__ for r in read] == ["Columns", "CatalogError", "Columns"]
    assert isinstance(read[1], CatalogError)  # in its place: the others go on
    assert "bad.catalog" in str(read[1])
    assert "\n" not in str(read[1])
