"""The sample library behind "Try with sample photos" groups exactly as planted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from cleaner.demo.library import DemoLibrary, make_demo_library
from cleaner.detect.scan import run_scan
from cleaner.models import ScanSettings


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> DemoLibrary:
    return make_demo_library(tmp_path_factory.mktemp("demo"))


def test_every_planted_file_exists(library: DemoLibrary) -> None:
    for rel in library.files:
        assert (library.root / rel).is_file(), rel
    assert len(library.groups) == 4
    assert len(library.singletons) == 2


def test_planted_variants_are_what_they_claim(library: DemoLibrary) -> None:
    root = library.root
    original = (root / "Photos/2019 Summer/lake.jpg").read_bytes()
    assert (root / "Backup of Photos/2019 Summer/lake.jpg").read_bytes() == original
    assert (root / "Downloads/harbour.jpg").read_bytes() == (
        root / "Photos/2020 Harbour/harbour.jpg"
    ).read_bytes()
    with Image.open(root / "Exports/lake_small.jpg") as im:
        assert im.size == (800, 600)
    with Image.open(root / "Scans/harbour.png") as im:
        assert im.format == "PNG"
    with Image.open(root / "Phone backup/IMG_0412.jpg") as im:
        assert im.size == (1200, 900)  # stored sideways
        assert im.getexif().get(0x0112) == 6


def test_scan_finds_the_planted_groups_and_keepers(library: DemoLibrary) -> None:
    result = run_scan(ScanSettings(roots=(str(library.root),)), cache_path=None)
    found = {
        frozenset(Path(m.path).relative_to(library.root).as_posix() for m in g.members): g
        for g in result.groups
    }
    planted = {frozenset(g.copies): g for g in library.groups}
    assert set(found) == set(planted)
    for copies, group in found.items():
        keeper = Path(group.keeper.path).relative_to(library.root).as_posix()
        assert keeper == planted[copies].keeper
    assert result.skipped == ()


def test_a_new_temporary_folder_when_none_is_given() -> None:
    lib = make_demo_library()
    try:
        assert lib.root.is_dir()
        assert "photosift-demo-" in lib.root.name
    finally:
        shutil.rmtree(lib.root, ignore_errors=True)
