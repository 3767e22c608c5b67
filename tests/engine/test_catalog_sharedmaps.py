"""Schema 3: one detail map per distinct content (`maps`, keyed by SHA-256), shared by
every exact copy; kept while one copy stays, dropped with the last; schema-2 catalogs
read, grouped the same and upgraded by a build; a damaged shared map is one line."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from cleaner.catalog import (
    SCHEMA_VERSION,
    BuildSettings,
    CatalogBuilt,
    UnfinishedCatalog,
    build,
    inspect,
    read,
)
from cleaner.catalog.columns import read_columns
from cleaner.catalog.schema import compute_checksum
from cleaner.cli import main
from cleaner.detect.analysis import analyse_file
from cleaner.errors import Cancelled
from cleaner.models import DEFAULT_MAX_PIXELS
from cleaner.progress import CancelToken, Progress, final_event
from tests.engine.test_catalog_detailmap import grouped
from tests.helpers import images
from tests.helpers.catalogs import as_schema_2, build_catalog


def _scans(root: Path) -> Path:
    """Two blank pages, the first with an exact copy in another folder and a smaller
    re-save (a near copy joined on the maps), and a photo."""
    for k in range(2):
        images.save(images.blank_page(40 + k), root / f"page{k}.png")
    (root / "copies").mkdir()
    shutil.copy(root / "page0.png", root / "copies" / "page0 copy.png")
    images.save(
        images.resized(images.blank_page(40), 400), root / "small" / "page0.jpg", quality=92
    )
    images.save(images.photo(3), root / "photo.jpg")
    return root


def _maps(catalog: Path) -> list[tuple[str, int]]:
    """The `maps` rows (SHA-256 in hex, and how many readable file rows have it)."""
    with sqlite3.connect(catalog) as conn:
        out = [
            (sha.hex(), n)
            for sha, n in conn.execute(
                "SELECT m.sha256, (SELECT count(*) FROM files f WHERE f.sha256 = m.sha256 "
                "AND f.metrics NOT NULL) FROM maps m ORDER BY m.sha256"
            )
        ]
        assert conn.execute("SELECT count(*) FROM files WHERE detail NOT NULL").fetchone() == (0,)
    conn.close()
    return out


def test_two_exact_copies_share_one_map_and_both_compare_with_it(tmp_path: Path) -> None:
    root = _scans(tmp_path / "scans")
    catalog = build_catalog(root, "scans", tmp_path / "scans.catalog")
    assert inspect(catalog).schema_version == SCHEMA_VERSION == 4
    maps = _maps(catalog)
    assert sorted(n for _, n in maps) == [1, 1, 2]  # page0 and its copy: one map
    files = {f.relpath.replace("\\", "/"): f for f in read(catalog).files}
    copy, original = files["copies/page0 copy.png"], files["page0.png"]
    assert copy.sha256 == original.sha256
    for f in files.values():  # every map is the engine's, the shared one on both copies
        assert f.analysis == analyse_file(f.path, DEFAULT_MAX_PIXELS)
    assert copy.analysis is not None
    assert copy.analysis.fingerprint.detail_map is not None
    columns = read_columns(catalog)
    by_rel = {columns.relpath_of(r): r for r in range(len(columns))}
    shared = [columns.analysis(by_rel[p]) for p in ("page0.png", "copies/page0 copy.png")]
    assert shared[0].fingerprint.detail_map == shared[1].fingerprint.detail_map
    assert shared[0] == original.analysis
    groups, notices = grouped(catalog)
    assert notices == []
    assert groups == [["scans:copies/page0 copy.png", "scans:page0.png", "scans:small/page0.jpg"]]


def test_a_map_stays_while_one_copy_does_and_goes_with_the_last(tmp_path: Path) -> None:
    root = _scans(tmp_path / "scans")
    catalog = build_catalog(root, "scans", tmp_path / "scans.catalog")
    shared = next(sha for sha, n in _maps(catalog) if n == 2)
    (root / "page0.png").unlink()
    build_catalog(root, "scans", catalog)
    assert (shared, 1) in _maps(catalog)
    left = {f.relpath.replace("\\", "/"): f for f in read(catalog).files}["copies/page0 copy.png"]
    assert left.analysis == analyse_file(left.path, DEFAULT_MAX_PIXELS)
    assert left.analysis is not None
    assert left.analysis.fingerprint.detail_map is not None
    (root / "copies" / "page0 copy.png").unlink()
    images.save(images.photo(4), root / "page1.png")  # changed: its map goes too
    build_catalog(root, "scans", catalog)
    assert [n for _, n in _maps(catalog)] == [1]  # only small/page0.jpg's: no orphan
    assert len(read(catalog).files) == 3


def test_a_schema_2_catalog_groups_the_same_and_a_build_upgrades_it(tmp_path: Path) -> None:
    root = _scans(tmp_path / "scans")
    new = build_catalog(root, "scans", tmp_path / "scans.catalog")
    old = as_schema_2(new, tmp_path / "old.catalog")
    assert inspect(old).schema_version == 2
    with sqlite3.connect(old) as conn:
        inline = conn.execute("SELECT count(*) FROM files WHERE detail NOT NULL").fetchone()[0]
    conn.close()
    assert inline == 4  # each copy carries its own map in schema 2
    assert {f.relpath: f.analysis for f in read(old).files} == {
        f.relpath: f.analysis for f in read(new).files
    }
    assert grouped(old) == grouped(new)
    build_catalog(root, "scans", old)  # nothing changed on disk: only the upgrade
    assert inspect(old).schema_version == SCHEMA_VERSION
    with sqlite3.connect(old) as conn:  # rewritten: no space left where the maps were
        assert conn.execute("PRAGMA page_size").fetchone() == (32768,)
        assert conn.execute("PRAGMA freelist_count").fetchone() == (0,)
    conn.close()
    assert old.stat().st_size == new.stat().st_size
    assert _maps(old) == _maps(new)
    assert grouped(old) == grouped(new)
    assert read(old).files == read(new).files  # same rows and analyses, same order


def test_a_damaged_shared_map_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _scans(tmp_path / "scans")
    catalog = build_catalog(root, "scans", tmp_path / "scans.catalog")
    shared = bytes.fromhex(next(sha for sha, n in _maps(catalog) if n == 2))
    with sqlite3.connect(catalog) as conn:
        conn.execute("UPDATE maps SET detail = ? WHERE sha256 = ?", (b"\x01not a map", shared))
        conn.execute("UPDATE meta SET value = ? WHERE key = 'checksum'", (compute_checksum(conn),))
    conn.close()
    groups, notices = grouped(catalog)
    assert len(notices) == 1
    assert "1 detail map of low-detail pictures could not be decoded" in notices[0].text
    # the two exact copies stay one set; the re-save, joined on the map, is lost
    assert groups == [["scans:copies/page0 copy.png", "scans:page0.png"]]
    assert main(["scan", "--catalog", str(catalog), "--no-ignore-list", "--quiet"]) == 0
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["catalog", "info", str(catalog)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "is damaged" in err


def test_a_map_edited_or_a_maps_table_missing_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _scans(tmp_path / "scans")
    catalog = build_catalog(root, "scans", tmp_path / "scans.catalog")
    edited = shutil.copy(catalog, tmp_path / "edited.catalog")
    with sqlite3.connect(edited) as conn:
        (sha, blob) = conn.execute("SELECT sha256, detail FROM maps").fetchone()
        conn.execute("UPDATE maps SET detail = ? WHERE sha256 = ?", (blob + b"\x00", sha))
    conn.close()
    assert main(["catalog", "info", str(edited)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "its checksum does not match" in err
    with sqlite3.connect(catalog) as conn:
        conn.execute("DROP TABLE maps")
    conn.close()
    for command in (["catalog", "info", str(catalog)], ["scan", "--catalog", str(catalog)]):
        assert main(command) == 3
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert "is damaged" in err
    # a build over it, finished or not, leaves it alone and says so in one line
    build_args = ["catalog", "build", str(root), "--label", "scans", "--out", str(catalog)]
    for state in ("complete", "building"):
        with sqlite3.connect(catalog) as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'state'", (state,))
        conn.close()
        before = catalog.read_bytes()
        assert main(build_args) == 3
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert "is damaged" in err
        assert "move it away or choose another --out" in err
        assert catalog.read_bytes() == before


def test_a_paused_build_resumed_holds_the_maps_of_an_uninterrupted_one(tmp_path: Path) -> None:
    """Pause after a few files, remove a page with its copy and one copy of another
    meanwhile, resume: the same rows and the same maps as one build of what is left."""
    root = tmp_path / "scans"
    for k in range(10):
        images.save(images.blank_page(60 + k, (300, 400)), root / f"p{k:02d}" / "page.png")
        shutil.copy(root / f"p{k:02d}" / "page.png", root / f"p{k:02d}" / "copy.png")
    out = tmp_path / "paused.catalog"
    settings = BuildSettings(
        roots=(str(root),), label="scans", out=out, commit_seconds=0.0, workers=1
    )
    token = CancelToken()

    def pause_after_5() -> None:
        for event in build(settings, cancel=token):
            if isinstance(event, Progress) and event.total and event.done >= 5:
                token.cancel()

    with pytest.raises(Cancelled):
        pause_after_5()
    with pytest.raises(UnfinishedCatalog):
        read(out)
    shutil.rmtree(root / "p00")  # read before the pause: both copies gone
    (root / "p01" / "copy.png").unlink()
    assert final_event(build(settings), CatalogBuilt).summary.resumed
    whole = build_catalog(root, "scans", tmp_path / "whole.catalog")
    assert _maps(out) == _maps(whole)
    assert len(_maps(out)) == 9

    def by_path(catalog: Path) -> list[tuple[str, str, object]]:  # rows differ in order
        return sorted((f.relpath, f.sha256, f.analysis) for f in read(catalog).files)

    assert by_path(out) == by_path(whole)
