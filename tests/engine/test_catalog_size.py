"""Issue 14: 1,000,000 pictures in a catalog under 1 GB. The full measurement (100,000 rows)
is `python -m benchmarks catalog_size`; this guards the bytes a row costs, so a change to
the schema or to what a row stores that breaks the budget fails here first."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.catalog_size import synthesise


@pytest.mark.slow
def test_a_picture_without_a_detail_map_costs_well_under_1000_bytes(tmp_path: Path) -> None:
    result = synthesise(tmp_path / "size.catalog", 8000, low_detail=0.0)
    assert result["rows"] == 8000
    # measured: ~650 bytes (hashes 72, thumbnail 256, colour 32, digest 32, metrics ~90,
    # the path twice, numbers and page space); docs/catalog.md "Size". Plus the first
    # page of each table and index, ~290 KB in all with 32 KiB pages: ~36 bytes a row here
    assert result["bytes_per_row"] < 750, result
