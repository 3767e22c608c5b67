"""The score stage of a scan of catalogs on worker processes (`cleaner.catalog.scoring`)
gives the same sets, keepers and order as in this process, list to list."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cleaner.catalog import scoring
from cleaner.catalog.estate import CatalogScan, scan_catalogs
from cleaner.catalog.schema import compute_checksum
from cleaner.models import DuplicateGroup, ScanSettings
from cleaner.progress import Notice, drain
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


def test_a_damaged_map_in_a_set_scored_by_workers_is_scored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The score workers are sent no detail map: a damaged one (its checksum made to
    match) in a set of byte-identical copies is not read, and the set is scored (a worker
    used to hand such a set back, and this process stopped on an AssertionError)."""
    write_synthetic_estate(
        tmp_path, catalogs=2, per_catalog=300, planted_share=0.2, seed=5, copies_every=3
    )
    damaged = tmp_path / "server-00.catalog"
    with sqlite3.connect(damaged) as conn:
        # a low-detail picture with byte-identical copies: its set needs no map
        rel, sha = next(
            (r, s)
            for r, s in conn.execute("SELECT relpath, sha256 FROM files ORDER BY relpath")
            if bytes(r).startswith(b"again/")
            and conn.execute("SELECT 1 FROM maps WHERE sha256 = ?", (s,)).fetchone()
        )
        conn.execute("UPDATE maps SET detail = ? WHERE sha256 = ?", (b"\x01not a map", sha))
        conn.execute("UPDATE meta SET value = ? WHERE key = 'checksum'", (compute_checksum(conn),))
    conn.close()
    monkeypatch.setattr(scoring, "PARALLEL_SETS", 0)  # every set on the workers
    paths = [str(p) for p in sorted(tmp_path.glob("server-*.catalog"))]
    events = scan_catalogs(paths, ScanSettings(roots=()))
    notices: list[Notice] = []
    while True:
        try:
            event = next(events)
        except StopIteration as done:
            groups = done.value.result.groups
            break
        if isinstance(event, Notice):
            notices.append(event)
    assert all("1 detail map" in n.text for n in notices)  # noted if read, never more
    name = f"server-00:{bytes(rel).decode()}"
    assert any(m.path == name for g in groups for m in g.members)


@pytest.mark.slow
def test_sets_rebuilt_from_workers_keep_their_own_members_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thousands of sets over many chunks (a chunk ends inside the estate's exact and
    near sets): each set the workers score comes back as positions of this process's
    entries and is rebuilt around them (`cleaner.catalog.setpickle`). Every member, its
    keeper, suggestion, protection, reasons and phrases equal, repr for repr, the sets of
    one process: an entry taken from the wrong set or chunk moves a keeper choice to
    other files."""
    write_synthetic_estate(
        tmp_path, catalogs=2, per_catalog=6_000, planted_share=0.2, seed=7, copies_every=5
    )
    paths = sorted(str(p) for p in tmp_path.glob("server-*.catalog"))
    settings = ScanSettings(roots=(), protected=("server-01:2015",))

    def groups() -> tuple[DuplicateGroup, ...]:
        scanned: CatalogScan = drain(scan_catalogs(paths, settings, protect_labels=()))
        return scanned.result.groups

    here = groups()
    monkeypatch.setattr(scoring, "PARALLEL_SETS", 0)
    monkeypatch.setattr(scoring, "_CHUNK", 701)
    in_workers = groups()
    assert len(here) > 3 * 701
    protected = [m for g in here for m in g.members if m.protected]
    assert protected
    assert not any(m.suggested_remove for m in protected)
    assert any(g.size > 2 for g in here)
    assert [repr(g) for g in in_workers] == [repr(g) for g in here]
    assert list(in_workers) == list(here)
