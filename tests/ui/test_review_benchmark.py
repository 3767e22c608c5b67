"""The big-library review benchmark (`python -m benchmarks review_100k`) runs at a tiny size,
so it does not rot. Its numbers are not asserted here (timing belongs to the benchmark)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from benchmarks import review_100k
from benchmarks.report import rows_for


def test_the_review_benchmark_runs_on_a_tiny_library(qtbot: QtBot, tmp_path: Path) -> None:
    size = review_100k.TINY
    out = review_100k.run(tmp_path / "lib", size, side=400)
    assert (out["sets"], out["files_in_sets"]) == (size.sets, size.in_sets)
    first = out["first_set"]
    assert first["first_set_copies"] == size.big_size  # the biggest set sorts first
    assert 0 < first["from_finished_signal_s"] <= first["from_scan_finished_s"]
    assert out["stalls"]["toggle_marks"]["toggles"] == size.toggles
    assert out["stalls"]["scroll_set_list"]["steps"] > 0
    assert out["stalls"]["scroll_grid"]["steps"] > 0
    assert out["memory"]["sets_walked"] == size.sets
    assert out["memory"]["decodes_queued"] > 0  # real pictures were decoded
    assert out["stalls"]["scroll_set_list"]["last_set_reached"] == size.sets
    rows = rows_for("review_100k", out)
    assert [r.target for r in rows if r.passed is not None] == [
        "< 1 s",
        "<= 100 ms",
        "bounded: growth <= 50 MiB",
    ]
    # the files on disk are real, hard-linked pictures: one name per member
    names = list((tmp_path / "lib").rglob("IMG_*.jpg"))
    assert len(names) == size.in_sets
