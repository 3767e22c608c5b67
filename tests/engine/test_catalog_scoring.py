"""The score stage of a scan of catalogs on worker processes (`cleaner.catalog.scoring`)
gives the same sets, keepers and order as in this process, list to list."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from benchmarks.catalog_size import SynthRow, synthetic_analysis, write_catalog
from benchmarks.estate_10m import colour_of, plan, rel_of, turned_colour
from cleaner.catalog import scoring
from cleaner.catalog.estate import CatalogScan, scan_catalogs
from cleaner.models import DuplicateGroup, ScanSettings
from cleaner.progress import drain

CATALOGS = 2
PER_CATALOG = 1_500


def _estate(folder: Path) -> None:
    from benchmarks.synth_fingerprints import PLANT_TURNS, generate

    total, planted, where = plan(CATALOGS, PER_CATALOG, 0.2)
    fps = generate(total, planted, threshold=10, rotations=True, seed=3, turns=PLANT_TURNS)
    maps = {int(k): n for n, k in enumerate(fps.detail_index.tolist())}
    distinct = total - planted
    rows: dict[int, list[SynthRow]] = {c: [] for c in range(CATALOGS)}
    for c in range(CATALOGS):
        rng = np.random.default_rng(c)
        for k in np.flatnonzero(where == c).tolist():
            m = maps.get(k)
            colour = colour_of(k)
            if k >= distinct:
                colour = turned_colour(colour_of(k - distinct), int(fps.planted_turn[k - distinct]))
            analysis = synthetic_analysis(
                rng, fps, k, None if m is None else fps.detail_maps[m].tobytes(), colour
            )
            sha = hashlib.sha256(b"%d" % k).digest()
            rows[c].append(SynthRow(rel_of(k), 1_000_000 + k, k * 1_000, 10 + k, sha, analysis))
            if k % 7 == 0:  # byte-identical copies: one more here, one on the other server
                for where_to, rel in ((c, f"again/{rel_of(k)}"), (1 - c, f"mirror/{rel_of(k)}")):
                    inode = 5_000_000 + 2 * k + (where_to != c)
                    rows[where_to].append(
                        SynthRow(rel, 1_000_000 + k, k * 999, inode, sha, analysis)
                    )
    for c in range(CATALOGS):
        write_catalog(folder / f"server-{c:02d}.catalog", f"server-{c:02d}", iter(rows[c]))


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
    _estate(tmp_path)
    here = _groups(tmp_path)
    monkeypatch.setattr(scoring, "PARALLEL_SETS", 0)
    monkeypatch.setattr(scoring, "_CHUNK", 37)  # many chunks, the last one short
    in_workers = _groups(tmp_path)
    assert len(here) > 400  # near copies and exact ones
    assert any(len({m.path.split(":")[0] for m in g.members}) == 2 for g in here)
    assert any(m.protected for g in here for m in g.members)
    assert list(in_workers) == list(here)
