"""Saving and loading a `ScanResult`: exact round trip, odd names, clear errors."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from cleaner import resultio
from cleaner.errors import ResultFormatError
from cleaner.models import ScanResult
from tests.helpers import images


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    """A real result with similar and exact groups, hard links, protection and skips."""
    from cleaner.detect.scan import run_scan
    from cleaner.models import ScanSettings

    root = tmp_path_factory.mktemp("rt")
    original = images.photo(71, (400, 300))
    exif = images.exif_bytes(camera=("Fujifilm", "X-T4"), taken="2023:03:03 03:03:03")
    a = images.save(original, root / "Originals" / "a.jpg", exif=exif)
    images.save(images.resized(original, 200), root / "a_small.png")
    b = images.save(images.photo(72, (400, 300)), root / "b.jpg")
    (root / "b copy.jpg").write_bytes(b.read_bytes())
    (root / "zz").mkdir()
    os.link(a, root / "zz" / "a_link.jpg")  # met after Originals/a.jpg by the walk
    with open(os.path.join(os.fsencode(root), b"caf\xe9-\xed.jpg"), "wb") as fh:
        fh.write(b.read_bytes())
    (root / "empty.jpg").write_bytes(b"")
    settings = ScanSettings(
        roots=(str(root),),
        rotations=True,
        excludes=("*.tmp",),
        protected=(str(root / "Originals"),),
        criteria=("largest_file",),
        avoid_paths=("copy",),
        threshold=14,
        workers=2,
    )
    return run_scan(settings, cache_path=None)


def test_the_fixture_has_everything_worth_saving(scanned: ScanResult) -> None:
    kinds = sorted(g.kind.value for g in scanned.groups)
    assert kinds == ["exact", "similar"]
    members = [m for g in scanned.groups for m in g.members]
    assert any(m.entry.hardlinks for m in members)
    assert any(m.protected for m in members)
    assert any(m.metrics is not None and m.metrics.camera for m in members)
    assert any("\udced" in m.path for m in members)
    assert scanned.skipped


def test_save_then_load_gives_the_same_result(scanned: ScanResult, tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    resultio.save(scanned, path)
    loaded = resultio.load(path)
    assert loaded == scanned
    assert resultio.dumps(loaded) == resultio.dumps(scanned)


def test_metrics_survive_the_cache_format_exactly(scanned: ScanResult) -> None:
    """The cache stores metrics as this JSON: a cached scan must see the very same numbers."""
    metrics = [m.metrics for g in scanned.groups for m in g.members if m.metrics is not None]
    assert metrics
    for m in metrics:
        assert resultio.metrics_from_dict(resultio.metrics_to_dict(m)) == m
    edge = replace(metrics[0], detail=13.996, sharpness=100.004999)
    back = resultio.metrics_from_dict(resultio.metrics_to_dict(edge))
    assert back.low_detail is edge.low_detail is True
    assert back == edge


def test_non_utf8_paths_survive_and_still_name_the_file(
    scanned: ScanResult, tmp_path: Path
) -> None:
    path = tmp_path / "result.json"
    resultio.save(scanned, path)
    path.read_text(encoding="utf-8")  # the file itself is valid UTF-8 (ASCII, in fact)
    assert path.read_bytes().isascii()
    loaded = resultio.load(path)
    odd = [m.path for g in loaded.groups for m in g.members if "\udced" in m.path]
    assert len(odd) == 1
    assert os.path.exists(os.fsencode(odd[0]))


def test_save_is_atomic_and_leaves_no_temporary_files(scanned: ScanResult, tmp_path) -> None:
    path = tmp_path / "result.json"
    path.write_text("old")
    resultio.save(scanned, path)
    assert sorted(os.listdir(tmp_path)) == ["result.json"]
    assert json.loads(path.read_text())["schema"] == "photosift-result"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"schema": "something-else", "schema_version": 1}', "not a PhotoSift result"),
        ("[1, 2, 3]", "not a PhotoSift result"),
        ('{"schema": "photosift-result", "schema_version": 99}', "schema version 99"),
        ('{"schema": "photosift-result", "schema_version": 1}', "damaged or incomplete"),
        ('{"schema": "photosift-result", ', "not valid JSON"),
        ("", "not valid JSON"),
    ],
)
def test_bad_files_raise_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "result.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ResultFormatError, match=message):
        resultio.load(path)


def test_damaged_members_raise_a_clear_error(scanned: ScanResult, tmp_path: Path) -> None:
    data = resultio.result_to_dict(scanned)
    del data["groups"][0]["members"][0]["quality"]
    data["skipped"][0]["reason"] = "gremlins"
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ResultFormatError, match="damaged or incomplete"):
        resultio.load(path)


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ResultFormatError, match="not found"):
        resultio.load(tmp_path / "nope.json")
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes(b'{"schema": "caf\xe9"}')
    with pytest.raises(ResultFormatError, match="cannot read"):
        resultio.load(latin1)
