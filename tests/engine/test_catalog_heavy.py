"""A scan of catalogs searches heavy crops only among the pictures with a detail map
(`cleaner.detect.matching.heavy_map_pairs`): without the files there is no second look,
so `confirm` refuses every other heavy crop. The sets, keepers and their order are the
ones the search over every picture gives, list to list, on an estate whose planted
copies include heavy crops (one of them, between two low-detail pictures, confirmed)."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import numpy as np
import pytest

from benchmarks.synth_fingerprints import PLANT_KINDS
from cleaner.catalog.estate import CatalogScan, scan_catalogs
from cleaner.detect import matching
from cleaner.detect.crops import GRID_KIND
from cleaner.detect.index import Pairs
from cleaner.detect.pictures import PictureData
from cleaner.models import DuplicateGroup, Fingerprint, ScanSettings
from cleaner.progress import drain
from tests.helpers.synthetic_estate import write_synthetic_estate


def _every_picture(pictures: PictureData) -> Generator[tuple[int, int], None, Pairs]:
    """What the scan of catalogs searched before: every picture's thumbnail."""
    thumbs = pictures.thumbs(np.arange(len(pictures), dtype=np.int64))
    fps = [Fingerprint(hash_bytes=b"", thumb=t.tobytes()) for t in thumbs]
    return (yield from matching.heavy_crop_pairs(fps))


def _scan(folder: Path) -> tuple[tuple[DuplicateGroup, ...], list[int]]:
    """The sets, and the heavy crops each `confirm` call kept."""
    kept: list[int] = []
    confirm = matching.confirm

    def counting(pairs: Pairs, *args: object, **kwargs: object) -> np.ndarray:
        keep = confirm(pairs, *args, **kwargs)  # type: ignore[arg-type]
        kept.append(int((keep & (pairs.t >= GRID_KIND)).sum()))
        return keep

    paths = sorted(str(p) for p in folder.glob("server-*.catalog"))
    settings = ScanSettings(roots=(), protected=("server-01:2013",))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(matching, "confirm", counting)
        scanned: CatalogScan = drain(scan_catalogs(paths, settings))
    return scanned.result.groups, kept


def test_heavy_crops_on_maps_only_give_the_same_sets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_synthetic_estate(
        tmp_path, catalogs=2, per_catalog=1_500, planted_share=0.3, seed=3,
        turns=tuple(PLANT_KINDS),  # heavy and light crops among the planted copies
    )  # fmt: skip
    searched: list[int] = []
    on_maps = matching.heavy_map_pairs

    def noting(pictures: PictureData) -> Generator[tuple[int, int], None, Pairs]:
        found = yield from on_maps(pictures)
        searched.append(len(found))
        return found

    monkeypatch.setattr(matching, "heavy_map_pairs", noting)
    now, kept_now = _scan(tmp_path)
    monkeypatch.setattr(matching, "heavy_map_pairs", _every_picture)
    before, kept_before = _scan(tmp_path)
    assert len(now) > 400
    assert any(m.protected for g in now for m in g.members)
    assert searched
    assert 0 < searched[0] < 3_000  # the low-detail pictures' candidates only
    assert kept_now[0] == kept_before[0] >= 1  # a low-detail heavy crop, found both ways
    assert list(now) == list(before)
