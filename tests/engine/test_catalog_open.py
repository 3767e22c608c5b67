"""The window's way of grouping catalogs (`cleaner.scan_catalog_files`): a catalog that
cannot be used is left out with one line while the others open; protection given as
whole catalogs or as this machine's folders becomes labels."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest

from cleaner import (
    CatalogError,
    CatalogScan,
    Notice,
    ScanEvent,
    ScanSettings,
    catalog_label_and_roots,
    catalog_protection,
    scan_catalog_files,
    scan_catalogs,
)
from cleaner.progress import drain
from tests.helpers.catalogs import Estate, damaged_copy, make_estate, truncated_copy


def run(events: Generator[ScanEvent, None, CatalogScan]) -> tuple[CatalogScan, list[Notice]]:
    notices: list[Notice] = []
    scanned = drain(events, lambda e: notices.append(e) if isinstance(e, Notice) else None)
    return scanned, notices


def sets_of(scanned: CatalogScan) -> list[tuple[list[str], str]]:
    return sorted((sorted(m.path for m in g.members), g.keeper.path) for g in scanned.result.groups)


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    return make_estate(tmp_path_factory.mktemp("estate"), sets=40, across=10)


def test_bad_catalogs_are_left_out_with_one_line_each_and_the_others_open(
    estate: Estate, tmp_path: Path
) -> None:
    damaged = damaged_copy(estate.b, tmp_path / "damaged.catalog")
    truncated = truncated_copy(estate.a, tmp_path / "truncated.catalog")
    foreign = tmp_path / "notes.catalog"
    foreign.write_text("shopping list\n")
    paths = [estate.a, damaged, truncated, foreign, estate.b]
    scanned, notices = run(scan_catalog_files(paths, ScanSettings(roots=())))
    alone, _ = run(scan_catalogs([estate.a, estate.b], ScanSettings(roots=())))
    assert sets_of(scanned) == sets_of(alone)
    assert len(sets_of(scanned)) == 40 + 1  # the pairs and the harbour across servers
    assert [n.short for n in notices] == [
        "damaged.catalog was not opened",
        "truncated.catalog was not opened",
        "notes.catalog was not opened",
    ]
    for notice, path in zip(notices, (damaged, truncated, foreign), strict=True):
        assert "\n" not in notice.text
        assert str(path) in notice.text
    assert "checksum does not match" in notices[0].text
    assert "truncated" in notices[1].text
    assert "not a PhotoSift catalog" in notices[2].text


def test_a_second_catalog_of_one_label_is_left_out(estate: Estate) -> None:
    scanned, notices = run(scan_catalog_files([estate.a, estate.a], ScanSettings(roots=())))
    assert [f.label for f in scanned.labels] == ["nas-1"]
    assert len(notices) == 1
    assert "both have the label 'nas-1'" in notices[0].text


def test_no_usable_catalog_is_one_error(tmp_path: Path) -> None:
    foreign = tmp_path / "x.catalog"
    foreign.write_bytes(b"\0" * 100)
    with pytest.raises(CatalogError, match="none of the catalogs could be opened"):
        run(scan_catalog_files([foreign], ScanSettings(roots=())))


def test_a_whole_catalog_or_a_folder_of_this_machine_is_protected(estate: Estate) -> None:
    scanned, _ = run(
        scan_catalog_files(
            [estate.a, estate.b], ScanSettings(roots=()), protect_catalogs=[estate.b]
        )
    )
    members = [m for g in scanned.result.groups for m in g.members]
    on_archive = [m for m in members if m.path.startswith("archive:")]
    assert on_archive
    assert all(m.protected for m in on_archive)
    assert not any(m.protected for m in members if m.path.startswith("nas-1:"))
    assert scanned.result.settings.protected == ("archive:",)
    # a folder of this machine that a catalog was built from keeps its protection there
    folder = estate.server_a / "bulk" / "set00003"
    settings = ScanSettings(roots=(), protected=(str(folder), "/elsewhere"))
    scanned, _ = run(scan_catalog_files([estate.a, estate.b], settings))
    assert scanned.result.settings.protected == ("nas-1:bulk/set00003",)
    protected = sorted(m.path for g in scanned.result.groups for m in g.members if m.protected)
    assert protected == ["nas-1:bulk/set00003/a00003.png", "nas-1:bulk/set00003/b00003.png"]


def test_label_and_roots_come_from_the_description(estate: Estate, tmp_path: Path) -> None:
    assert catalog_label_and_roots(estate.b) == ("archive", (str(estate.server_b),))
    assert catalog_label_and_roots(tmp_path / "missing.catalog") is None
    assert catalog_protection(["/srv/a"], [("n", ("/srv/a",)), ("m", ("/srv/b",))]) == ("n:",)
