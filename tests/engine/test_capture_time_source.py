"""The burst rule reads only a time that dates the capture (issue 13).

`cleaner.detect.shots` keeps apart two pictures by one camera taken 0 s < dt < 1 h apart.
EXIF DateTime (0x0132) dates the file, not the capture: an editor rewrites it on save.
So a copy edited and saved within the hour by a tool that keeps make and model, of a
picture whose only time is DateTime, must still join its original; shots dated by
DateTimeOriginal or DateTimeDigitized stay apart. Metrics stored before the source was
recorded (cache rows, results, catalogs of the previous PhotoSift) still load, and their
times count as they did."""

from __future__ import annotations

import json
import sqlite3
import zlib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from cleaner import resultio
from cleaner.catalog import read
from cleaner.catalog.estate import scan_catalogs
from cleaner.catalog.schema import compute_checksum
from cleaner.detect.analysis import analyse_file
from cleaner.detect.scan import run_scan
from cleaner.detect.shots import separate_shots
from cleaner.errors import ResultFormatError
from cleaner.models import (
    DEFAULT_MAX_PIXELS,
    Analysis,
    ImageMetrics,
    ScanResult,
    ScanSettings,
    TimeSource,
)
from cleaner.progress import drain
from tests.helpers import images
from tests.helpers.bursts import frame, kit_stamp, subject
from tests.helpers.catalogs import build_catalog

CAMERA = ("Canon", "Canon EOS 80D")
SIZE = (800, 600)
DAY = "2021:06:12 "
KEY = "capture_time_source"


def _burst(root: Path, name: str, seed: int, **times: str) -> None:
    """Three frames of one scene a second apart, each dated by the tags in `times`
    ("taken", "digitized", "modified" of `images.exif_bytes`, the second appended)."""
    scene = images.detailed_photo(seed, SIZE)
    who = subject(seed, SIZE)
    x, y = SIZE[0] // 8, SIZE[1] // 3
    shots = [frame(scene, who, (x, y)), frame(scene, who, (x + 96, y)),
             frame(scene, who, (x + 200, y), (6, 3))]  # fmt: skip
    for k, shot in enumerate(shots):
        exif = images.exif_bytes(camera=CAMERA, **{t: f"{v}{k:02d}" for t, v in times.items()})
        images.save(shot, root / name / f"IMG_{k:04d}.jpg", exif=exif)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("timesource")
    # a camera picture whose only time is DateTime (an old camera, a phone app, an
    # export), and a copy an editor stamped and saved 25 minutes later, make and model kept
    original = frame(images.detailed_photo(811, SIZE), subject(3, SIZE), (400, 200))
    images.save(original, root / "edited" / "original.jpg", quality=95,
                exif=images.exif_bytes(camera=CAMERA, modified=DAY + "10:15:00"))  # fmt: skip
    edited = images.exif_bytes(camera=CAMERA, modified=DAY + "10:40:00")
    images.save(kit_stamp(original, "br", date=True), root / "edited" / "stamped.jpg",
                quality=85, exif=edited)  # fmt: skip
    # true bursts: as cameras write them (DateTimeOriginal, Digitized and DateTime equal),
    # and dated by DateTimeDigitized alone (a scanner's or a phone app's)
    t = DAY + "11:20:"
    _burst(root, "burst original", 721, taken=t, digitized=t, modified=t)
    _burst(root, "burst digitized", 722, digitized=t)
    return root


def _groups(result: ScanResult, root: Path) -> list[set[str]]:
    return sorted((images.names(g, root) for g in result.groups), key=sorted)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def groups(library: Path) -> list[set[str]]:
    return _groups(run_scan(ScanSettings(roots=(str(library),), workers=2), cache_path=None),
                   library)  # fmt: skip


def test_each_time_is_read_with_its_tag(library: Path) -> None:
    def source(path: Path) -> tuple[str | None, TimeSource | None]:
        analysis = analyse_file(str(path), DEFAULT_MAX_PIXELS)
        assert isinstance(analysis, Analysis)
        m = analysis.metrics
        return m.capture_time, m.capture_time_source

    stamped = library / "edited" / "stamped.jpg"
    assert source(stamped) == ("2021-06-12 10:40:00", TimeSource.MODIFIED)
    burst = library / "burst original" / "IMG_0001.jpg"
    assert source(burst) == ("2021-06-12 11:20:01", TimeSource.ORIGINAL)
    scanned = library / "burst digitized" / "IMG_0002.jpg"
    assert source(scanned) == ("2021-06-12 11:20:02", TimeSource.DIGITIZED)
    plain = images.save(images.photo(5), library.parent / "plain" / "no exif.jpg")
    assert source(plain) == (None, None)


def test_a_copy_edited_within_the_hour_joins_its_original(groups: list[set[str]]) -> None:
    assert {"edited/original.jpg", "edited/stamped.jpg"} in groups


@pytest.mark.parametrize("burst", ["burst original", "burst digitized"])
def test_shots_dated_by_their_capture_stay_apart(groups: list[set[str]], burst: str) -> None:
    for group in groups:
        assert len([n for n in group if n.startswith(f"{burst}/")]) <= 1, group


def _metrics(taken: str | None, source: TimeSource | None) -> ImageMetrics:
    return ImageMetrics(format="JPEG", width=800, height=600, lossless=False, jpeg_quality=90,
                        sharpness=100.0, detail=40.0, capture_time=taken, camera="Canon EOS 80D",
                        has_gps=False, has_exif=True, looks_like_screenshot=False,
                        looks_like_export=False, capture_time_source=source)  # fmt: skip


def test_only_times_of_capture_or_unrecorded_sources_tell_shots_apart() -> None:
    t = "2021-06-12 10:15:"
    metrics = [
        _metrics(t + "00", TimeSource.ORIGINAL),
        _metrics(t + "01", TimeSource.ORIGINAL),  # a burst
        _metrics(t + "02", TimeSource.DIGITIZED),  # a burst too
        _metrics(t + "03", TimeSource.MODIFIED),  # the file's date: decides nothing
        _metrics(t + "04", None),  # stored before sources were recorded: as it was
    ]
    i = np.zeros(len(metrics) - 1, dtype=np.int64)
    j = np.arange(1, len(metrics), dtype=np.int64)
    assert separate_shots(metrics, i, j).tolist() == [True, True, False, True]
    both_modified = [_metrics(t + "00", TimeSource.MODIFIED), _metrics(t + "30", None)]
    one = np.zeros(1, dtype=np.int64)
    assert separate_shots(both_modified, one, one + 1).tolist() == [False]


# -- what the previous PhotoSift stored ------------------------------------------------
# It wrote the same metrics JSON without the last key (`metrics_to_dict` appends it), so
# removing that key from what this one writes gives, byte for byte, the previous rows.


def _without_source(text: str) -> str:
    data = json.loads(text)
    if data["capture_time"] is not None:  # an undated picture's metrics have no source
        assert list(data)[-1] == KEY
        del data[KEY]
    return json.dumps(data, separators=(",", ":"))


def _as_previous_catalog(catalog: Path) -> None:
    with sqlite3.connect(catalog) as conn:
        dictionary = (
            conn.execute("SELECT value FROM meta WHERE key = 'metrics_dictionary'")
            .fetchone()[0]
            .encode("ascii")
        )
        rows = conn.execute("SELECT id, metrics FROM files WHERE metrics NOT NULL").fetchall()
        assert rows
        for rowid, blob in rows:
            z = zlib.decompressobj(15, dictionary)
            text = _without_source((z.decompress(blob) + z.flush()).decode("utf-8"))
            c = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_DEFAULT_STRATEGY, dictionary)
            packed = c.compress(text.encode("utf-8")) + c.flush()
            conn.execute("UPDATE files SET metrics = ? WHERE id = ?", (packed, rowid))
        conn.execute("UPDATE meta SET value = ? WHERE key = 'checksum'", (compute_checksum(conn),))
    conn.close()


def _unrecorded(m: ImageMetrics | None) -> ImageMetrics | None:
    return None if m is None else replace(m, capture_time_source=None)


def test_a_catalog_built_by_the_previous_photosift_still_loads_and_groups(
    library: Path, tmp_path: Path
) -> None:
    catalog = build_catalog(library, "photos", tmp_path / "photos.catalog")
    result = drain(scan_catalogs([str(catalog)], ScanSettings(roots=()))).result
    edited = [["photos:edited/original.jpg", "photos:edited/stamped.jpg"]]
    assert [sorted(m.path for m in g.members) for g in result.groups] == edited
    now = {f.relpath: f.analysis for f in read(catalog).files}
    assert {a.metrics.capture_time_source for a in now.values() if a} == {
        TimeSource.MODIFIED, TimeSource.ORIGINAL, TimeSource.DIGITIZED
    }  # fmt: skip
    _as_previous_catalog(catalog)
    before = {f.relpath: f.analysis for f in read(catalog).files}
    assert before.keys() == now.keys()
    for relpath, analysis in before.items():
        built = now[relpath]
        assert analysis is not None
        assert built is not None
        assert analysis.metrics == _unrecorded(built.metrics)
        assert analysis.fingerprint == built.fingerprint
    # its times count as they did when it was built: every burst still apart (and the
    # edited copy too, as the previous PhotoSift kept it: a missed copy, never a lost one)
    result = drain(scan_catalogs([str(catalog)], ScanSettings(roots=()))).result
    assert result.groups == ()


def test_a_result_saved_by_the_previous_photosift_still_loads(
    library: Path, tmp_path: Path
) -> None:
    result = run_scan(ScanSettings(roots=(str(library / "edited"),), workers=2), cache_path=None)
    path = tmp_path / "result.json"
    resultio.save(result, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    members = [m for g in data["groups"] for m in g["members"]]
    assert [m["metrics"][KEY] for m in members] == ["modified", "modified"]
    for m in members:
        del m["metrics"][KEY]
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = resultio.load(path)
    got = [_unrecorded(m.metrics) for g in loaded.groups for m in g.members]
    assert got == [_unrecorded(m.metrics) for g in result.groups for m in g.members]
    assert all(m is not None and m.capture_time_source is None
               for m in (m.metrics for g in loaded.groups for m in g.members))  # fmt: skip


def test_cache_rows_of_the_previous_photosift_are_hits(library: Path, tmp_path: Path) -> None:
    cache = tmp_path / "fp.sqlite3"
    settings = ScanSettings(roots=(str(library / "edited"),), workers=2)
    assert len(run_scan(settings, cache_path=cache).groups) == 1
    with sqlite3.connect(cache) as conn:
        for path, text in conn.execute(
            "SELECT path, metrics FROM files WHERE metrics NOT NULL"
        ).fetchall():
            conn.execute("UPDATE files SET metrics = ? WHERE path = ?",
                         (_without_source(text), path))  # fmt: skip
    conn.close()
    again = run_scan(settings, cache_path=cache)
    assert again.stats.cache_hits == 2
    # read back without a source, the rows' times count as they did: the pair kept apart
    assert again.groups == ()


@pytest.mark.parametrize("value", ["later", 3, ["original"]])
def test_a_stored_source_that_is_not_one_of_ours_is_refused(value: object) -> None:
    good = resultio.metrics_to_dict(_metrics("2021-06-12 10:15:00", TimeSource.ORIGINAL))
    with pytest.raises(ResultFormatError, match=KEY):
        resultio.metrics_from_dict({**good, KEY: value})
