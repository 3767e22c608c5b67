"""Burst shots against stamped copies (issue 13): frames of one scene a second apart by
one camera are two shots and are never grouped; a copy with a date stamp, a watermark or
its metadata stripped still joins its original; the two halves of a panorama and two
pictures with the same layout stay apart in the same scan.

Frames without camera data are still grouped: no check on the fingerprints tells a moved
subject from a stamp (benchmarks/README.md, "Issue 13: burst shots and scan cost,
session 7"); that known limit is the strict xfail at the end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cleaner.detect.scan import run_scan
from cleaner.detect.shots import separate_shots
from cleaner.models import ImageMetrics, ScanSettings
from tests.engine.test_heavy_crops import same_layout
from tests.helpers import images
from tests.helpers.bursts import frame, kit_stamp, subject

CAMERA = ("Canon", "Canon EOS 80D")
SIZE = (800, 600)
SCENES = {  # name -> the scene the frames are taken of
    "garden": lambda: images.detailed_photo(701, SIZE),
    "street": lambda: images.photo(702, SIZE),
    "hall": lambda: images.detailed_photo(703, SIZE),
}
# (subject moved by this share of the width, camera shift in pixels) for frames 1 and 2
MOVES = ((0.12, (0, 0)), (0.25, (6, 3)))


def _exif(second: int | None) -> bytes:
    return images.exif_bytes(camera=CAMERA, taken=None if second is None else
                             f"2021:06:12 10:15:{second:02d}")  # fmt: skip


def _burst(root: Path, name: str, scene: Image.Image, dated: bool) -> None:
    who = subject(len(name), scene.size)
    x, y = scene.width // 8, scene.height // 3
    shots = [frame(scene, who, (x, y))] + [
        frame(scene, who, (x + int(move * scene.width), y), camera) for move, camera in MOVES
    ]
    for k, shot in enumerate(shots):
        exif = _exif(k) if dated else b""
        images.save(shot, root / f"burst {name}" / f"IMG_{k:04d}.jpg", exif=exif)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bursts")
    for n, (name, make) in enumerate(SCENES.items()):
        scene = make()
        _burst(root, name, scene, dated=True)
        # the copies are of another picture: an undated copy of one frame would match the
        # other frames as the frame does, and join them (the limit the xfail below states)
        other = images.detailed_photo(801 + n, SIZE)
        original = frame(other, subject(7, SIZE), (SIZE[0] // 2, SIZE[1] // 3))
        copies = root / f"copies {name}"
        images.save(original, copies / "original.jpg", exif=_exif(30), quality=95)
        images.save(kit_stamp(original, "br", date=True), copies / "date stamp.jpg",
                    exif=_exif(30))  # fmt: skip
        watermarked = kit_stamp(original, "tl", date=False, seed=3)
        half = watermarked.resize((SIZE[0] // 2, SIZE[1] // 2), Image.Resampling.LANCZOS)
        images.save(half, copies / "watermark small.jpg", exif=_exif(30), quality=80)
        images.save(kit_stamp(original, "bl", date=True, seed=5), copies / "stamped, no exif.jpg")
    panorama = images.detailed_photo(631, (1600, 600))
    images.save(panorama.crop((0, 0, 800, 600)), root / "panorama" / "left.jpg", exif=_exif(40))
    images.save(panorama.crop((800, 0, 1600, 600)), root / "panorama" / "right.jpg",
                exif=_exif(40))  # fmt: skip
    images.save(same_layout(1), root / "layout" / "first.jpg")
    images.save(same_layout(2), root / "layout" / "second.jpg")
    return root


@pytest.fixture(scope="module")
def groups(library: Path) -> list[set[str]]:
    result = run_scan(ScanSettings(roots=(str(library),), workers=2), cache_path=None)
    return sorted((images.names(g, library) for g in result.groups), key=sorted)


@pytest.mark.parametrize("scene", list(SCENES))
def test_dated_burst_frames_are_not_grouped(groups: list[set[str]], scene: str) -> None:
    for group in groups:
        frames = [name for name in group if name.startswith(f"burst {scene}/")]
        assert len(frames) <= 1, group


@pytest.mark.parametrize("scene", list(SCENES))
def test_stamped_copies_join_their_original(groups: list[set[str]], scene: str) -> None:
    copies = {
        f"copies {scene}/{name}.jpg"
        for name in ("original", "date stamp", "watermark small", "stamped, no exif")
    }
    assert copies in groups


def test_panorama_halves_and_same_layouts_stay_apart(groups: list[set[str]]) -> None:
    for group in groups:
        assert {"panorama/left.jpg", "panorama/right.jpg"} - group, group
        assert {"layout/first.jpg", "layout/second.jpg"} - group, group


def _metrics(camera: str | None, taken: str | None) -> ImageMetrics:
    return ImageMetrics(format="JPEG", width=800, height=600, lossless=False, jpeg_quality=90,
                        sharpness=100.0, detail=40.0, capture_time=taken, camera=camera,
                        has_gps=False, has_exif=camera is not None, looks_like_screenshot=False,
                        looks_like_export=False)  # fmt: skip


def test_only_one_cameras_shots_minutes_apart_are_separate() -> None:
    t = "2021-06-12 10:15:"
    metrics = [
        _metrics("Canon EOS 80D", t + "00"),
        _metrics("Canon EOS 80D", t + "01"),  # 1 s later: a burst
        _metrics("Canon EOS 80D", t + "00"),  # the same moment: a copy
        _metrics("NIKON D750", t + "01"),  # another camera
        _metrics("Canon EOS 80D", None),  # time lost: decides nothing
        _metrics(None, t + "05"),  # camera lost: decides nothing
        _metrics("Canon EOS 80D", "2021-06-12 11:15:00"),  # one hour: a time-zone fix
        _metrics("Canon EOS 80D", "2021:06:12 10:15:07"),  # not a date we write: nothing
    ]
    i = np.zeros(len(metrics) - 1, dtype=np.int64)
    j = np.arange(1, len(metrics), dtype=np.int64)
    assert separate_shots(metrics, i, j).tolist() == [True, False, False, False, False, False,
                                                      False]  # fmt: skip


@pytest.mark.xfail(
    strict=True,
    reason="known limit: without camera data a moved subject "
    "looks like a stamp to every check on the fingerprints (benchmarks/README.md)",
)
def test_burst_frames_without_camera_data_are_not_grouped(tmp_path: Path) -> None:
    for name, make in SCENES.items():
        _burst(tmp_path, name, make(), dated=False)
    result = run_scan(ScanSettings(roots=(str(tmp_path),), workers=2), cache_path=None)
    assert [images.names(g, tmp_path) for g in result.groups] == []
