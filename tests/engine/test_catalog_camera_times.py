"""Issue 14: burst shots are told apart across catalogs from the camera and capture time
worked out as each catalog is read (`shots.CameraMoments`), not from each pair end's
whole decoded analysis. Both ways must give the same values and the same pairs set
apart, on rows with and without a camera and in bursts."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from benchmarks.catalog_size import SynthRow, synthetic_analysis, write_catalog
from benchmarks.estate_10m import colour_of, rel_of
from benchmarks.synth_fingerprints import generate
from cleaner.catalog.blobs import OptionalBytes
from cleaner.catalog.columns import read_columns, row_values
from cleaner.catalog.estate import _Estate, _Metrics
from cleaner.catalog.schema import CatalogError
from cleaner.detect.shots import CameraMoments, moment_of, separate_shots
from cleaner.models import Analysis, TimeSource

ROWS = 1_200  # per catalog


def _burst(analysis: Analysis, k: int) -> Analysis:
    """Every seventh picture: one camera's burst, a few seconds apart (two shots); a
    third of them dated by EXIF DateTime only (the file's date, which decides nothing),
    some by DateTimeDigitized, the rest by DateTimeOriginal."""
    if k % 7:
        return analysis
    taken = f"2020-01-01 10:{k % 50:02d}:{k % 60:02d}"
    source = (TimeSource.MODIFIED, TimeSource.DIGITIZED, TimeSource.ORIGINAL)[k % 3]
    metrics = replace(
        analysis.metrics, camera="Burst", capture_time=taken, capture_time_source=source
    )
    return replace(analysis, metrics=metrics)


def _catalog(path: Path, label: str, seed: int) -> None:
    fps = generate(ROWS, 0, threshold=10, rotations=True, seed=seed)
    rng = np.random.default_rng(seed)

    def rows() -> Iterator[SynthRow]:
        for k in range(ROWS):
            yield SynthRow(
                rel=rel_of(k),
                size=int(rng.integers(500_000, 12_000_000)),
                mtime_ns=1_300_000_000_000_000_000 + k * 1_000_003_000,
                inode=1_000_000 + k,
                sha256=hashlib.sha256(b"%d-%d" % (seed, k)).digest(),
                analysis=_burst(synthetic_analysis(rng, fps, k, None, colour_of(k)), k),
            )

    write_catalog(path, label, rows())


def _metrics(folder: Path) -> _Metrics:
    estate = _Estate([read_columns(folder / f"s{c}.catalog") for c in range(2)])
    estate.collapse()
    return _Metrics(estate, estate.readable_units())


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("estate")
    for c in range(2):
        _catalog(where / f"s{c}.catalog", f"s{c}", seed=40 + c)
    return where


def test_camera_moments_are_what_the_whole_metrics_say(folder: Path) -> None:
    metrics = _metrics(folder)
    assert isinstance(metrics, CameraMoments)
    everyone = np.arange(len(metrics), dtype=np.int64)
    camera, seconds = metrics.camera_moments(everyone[::-1])
    full = [
        moment_of(metrics[p].camera, metrics[p].capture_time, metrics[p].capture_time_source)
        for p in everyone.tolist()[::-1]
    ]
    names: dict[int, str] = {}
    for k, moment in enumerate(full):  # in order, one to one
        if moment is None:
            assert camera[k] == -1
            continue
        assert names.setdefault(int(camera[k]), moment[0]) == moment[0]
        assert seconds[k] == moment[1]
    assert len(set(names.values())) == len(names)  # one number a name, across catalogs
    sources = {metrics[p].capture_time_source for p in everyone.tolist()}
    assert sources == {None, *TimeSource}  # every source, and none
    assert 0 < sum(m is not None for m in full) < len(full)


def test_a_row_whose_time_source_is_not_one_photosift_writes_is_one_clear_error(
    folder: Path,
) -> None:
    metrics = _metrics(folder)
    rows = metrics.estate.unit_rep[metrics.units]
    first = metrics.estate.catalogs[0]
    victim = int(np.flatnonzero(rows < len(first))[3])
    first.time_bad[rows[victim]] = True  # what reading makes of such a row
    spelled = list(first.metrics)
    spelled[rows[victim]] = b"not zlib"  # and its full decode says what is wrong
    first.metrics = OptionalBytes.of(spelled)
    with pytest.raises(CatalogError, match="does not hold what PhotoSift writes"):
        metrics.camera_moments(np.array([victim + 1, victim], dtype=np.int64))
    metrics.camera_moments(np.array([victim + 1], dtype=np.int64))  # others are fine


@pytest.mark.parametrize(("source", "untold"), [("original", False), ("guessed", True), (7, True)])
def test_row_values_tell_a_time_source_photosift_does_not_write(
    source: object, untold: bool
) -> None:
    text = json.dumps(
        {"camera": "X", "capture_time": "2020-01-01 10:00:00", "capture_time_source": source}
    ).encode()
    z = zlib.compressobj()
    assert row_values(z.compress(text) + z.flush(), b"")[2] is untold


def test_the_same_pairs_are_set_apart_either_way(folder: Path) -> None:
    metrics = _metrics(folder)
    full = [metrics[p] for p in range(len(metrics))]  # a plain sequence: no CameraMoments
    rng = np.random.default_rng(5)
    i = rng.integers(0, len(metrics), 20_000)
    j = rng.integers(0, len(metrics), 20_000)
    apart = separate_shots(_metrics(folder), i, j)
    assert apart.tolist() == separate_shots(full, i, j).tolist()
    assert 0 < int(apart.sum()) < len(i)  # some pairs are bursts, most are not
