"""Removal manifests from a result with someone's marks (the window's review of catalogs,
issue 14): `write_manifests` refuses marks that would remove every copy of a set or a
protected copy, and `manifest_roles` names the servers that verify and that clean."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from cleaner.catalog.estate import CatalogScan, scan_catalogs
from cleaner.catalog.manifest import read_manifest
from cleaner.catalog.manifest_write import manifest_roles, refused_marks, write_manifests
from cleaner.models import ScanResult, ScanSettings
from cleaner.progress import drain
from tests.helpers.catalogs import Estate, make_estate


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    return make_estate(tmp_path_factory.mktemp("estate"), sets=300, across=30)


def scanned(estate: Estate, protect: tuple[str, ...] = ()) -> CatalogScan:
    events = scan_catalogs(
        [str(estate.a), str(estate.b)], ScanSettings(roots=()), protect_labels=protect
    )
    return drain(events)


def catalogs(s: CatalogScan) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return [(f.label, f.catalog, f.machine, f.roots) for f in s.labels]


def marked(result: ScanResult, paths: set[str]) -> ScanResult:
    groups = tuple(
        replace(g, members=tuple(replace(m, suggested_remove=m.path in paths) for m in g.members))
        for g in result.groups
    )
    return replace(result, groups=groups)


def test_a_set_with_every_copy_marked_is_refused_and_nothing_written(
    estate: Estate, tmp_path: Path
) -> None:
    s = scanned(estate)
    group = s.result.groups[5]
    every = {m.path for g in s.result.groups for m in g.members if m.suggested_remove}
    result = marked(s.result, every | {m.path for m in group.members})
    assert refused_marks(result) == f"every copy of set {group.id} is marked for removal: keep one"
    with pytest.raises(ValueError, match="keep one"):
        write_manifests(result, catalogs(s), str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_a_protected_copy_marked_is_refused(estate: Estate, tmp_path: Path) -> None:
    s = scanned(estate, protect=("archive",))
    group = next(g for g in s.result.groups if any(m.protected for m in g.members))
    copy = next(m for m in group.members if m.protected)
    keep = next(m for m in group.members if not m.protected)
    others = {m.path for m in group.members} - {keep.path}
    result = marked(s.result, others)
    assert refused_marks(result) == f"{copy.path} is protected and marked for removal"
    with pytest.raises(ValueError, match="protected"):
        write_manifests(result, catalogs(s), str(tmp_path))


def test_the_engine_suggestions_pass_and_roles_follow_the_manifests(
    estate: Estate, tmp_path: Path
) -> None:
    s = scanned(estate, protect=("archive",))
    assert refused_marks(s.result) is None
    written = write_manifests(s.result, catalogs(s), str(tmp_path))
    manifests = {read_manifest(str(p)).label: read_manifest(str(p)) for p in written}
    roles = manifest_roles(s.result)
    assert roles.moving == tuple(sorted(k for k, m in manifests.items() if m.sets)) == ("nas-1",)
    assert roles.relied_on == tuple(sorted(k for k, m in manifests.items() if m.keep))
    assert roles.relied_on == ("archive",)

    # marks that move only the archive's copy of one set across servers: roles swap
    def labels(g: object) -> set[str]:
        return {m.path.partition(":")[0] for m in g.members}  # type: ignore[attr-defined]

    group = next(g for g in s.result.groups if labels(g) == {"nas-1", "archive"})
    swapped = marked(s.result, {m.path for m in group.members if m.path.startswith("archive:")})
    assert manifest_roles(swapped).moving == ("archive",)
    assert manifest_roles(swapped).relied_on == ("nas-1",)
