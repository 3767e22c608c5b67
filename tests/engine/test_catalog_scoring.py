"""The score stage of a scan of catalogs on worker processes (`cleaner.catalog.scoring`)
gives the same sets, keepers and order as in this process, list to list."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.catalog import scoring
from cleaner.catalog.estate import CatalogScan, scan_catalogs
from cleaner.models import DuplicateGroup, ScanSettings
from cleaner.progress import drain
from tests.helpers.synthetic_estate import write_synthetic_estate

CATALOGS = 2
PER_CATALOG = 1_500


def _groups(folder: Path) -> tuple[DuplicateGroup, ...]:
    paths = sorted(str(p) for p in folder.glob("server-*.catalog"))
    settings = ScanSettings(roots=(), criteria=("oldest_file",), protected=("server-01:2013",))
    events = scan_catalogs(paths, settings)
    scanned: CatalogScan = drain(events)
    return scanned.result.groups


@pytest.mark.slow
def test_workers_give_the_same_sets_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_synthetic_estate(
        tmp_path,
        catalogs=CATALOGS,
        per_catalog=PER_CATALOG,
        planted_share=0.2,
        seed=3,
        copies_every=7,  # byte-identical copies: one more here, one on the other server
    )
    here = _groups(tmp_path)
    monkeypatch.setattr(scoring, "PARALLEL_SETS", 0)
    monkeypatch.setattr(scoring, "_CHUNK", 37)  # many chunks, the last one short
    in_workers = _groups(tmp_path)
    assert len(here) > 400  # near copies and exact ones
    assert any(len({m.path.split(":")[0] for m in g.members}) == 2 for g in here)
    assert any(m.protected for g in here for m in g.members)
    assert list(in_workers) == list(here)
