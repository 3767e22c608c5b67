"""The heavy-step benchmark (`benchmarks.heavy_step`) measures what it says: its subset keeps
each heavy crop with its original, and its two measures run on a small generated library."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmarks import heavy_step
from benchmarks.grouping_1m import save
from benchmarks.synth_fingerprints import HEAVY_CROP, generate


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("heavy") / "fingerprints.npz"
    save(generate(3_200, 320, 10), path)
    return path


def test_a_subset_keeps_each_heavy_crop_with_its_original(library: Path) -> None:
    full = np.load(library)
    thumbs, originals, crops = heavy_step.load(library, 1_600)
    assert len(thumbs) == 1_600
    kinds, planted_i = full["planted_kind"], full["planted_i"]
    distinct = len(full["hashes"]) - len(planted_i)
    first = 1_600 * distinct // len(full["hashes"])  # 1,440 distinct pictures, 160 copies
    expected = [
        (int(planted_i[c]), first + c)
        for c in range(1_600 - first)
        if kinds[c] == HEAVY_CROP and planted_i[c] < first
    ]
    assert expected, "the subset holds heavy crops"
    assert list(zip(originals.tolist(), crops.tolist(), strict=True)) == expected
    for original, crop in expected:  # the rows are the same pictures as in the file
        assert np.array_equal(thumbs[original], full["thumbs"][original])
        assert np.array_equal(thumbs[crop], full["thumbs"][distinct + crop - first])


def test_the_indexed_step_finds_the_heavy_crops_of_a_small_library(library: Path) -> None:
    thumbs, originals, crops = heavy_step.load(library, 0)
    result = heavy_step.indexed(thumbs, originals, crops, budget=100_000_000)
    assert result["pictures"] == 3_200
    assert result["heavy_plants"] == len(originals) == 20
    assert result["heavy_found_percent"] >= 90.0  # searched exactly at this size
    assert result["search_cpu_s"] >= 0
    assert result["peak_rss_mib"] > 0


def test_ranks_put_the_original_first_by_its_best_window(library: Path) -> None:
    thumbs, originals, crops = heavy_step.load(library, 0)
    result = heavy_step.ranks(thumbs, originals, crops, 8)
    assert result["queries"] == 8
    assert result["best_window_cosine_plain"]["original_first_percent"] >= 75.0
    for measure in ("best_window_cosine_whitened", "whole_cosine_plain",
                    "best_window_sketch_distance_strictly_closer"):  # fmt: skip
        summary = result[measure]
        assert 0 <= summary["p50"] <= summary["p99"] <= summary["max"] < len(thumbs)
