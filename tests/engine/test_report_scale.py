"""A report of a 50,000-file result: complete, and built with one preview alive at a time.

The result is synthetic (no scan): 50,000 files in groups of 2 to 6, of which a few
point at real pictures so that real previews are made; the rest do not exist and get
a placeholder. No timing is asserted here (see the benchmark notes in the report's
docs); what is asserted is that every file is in every format and that previews are
made, written and dropped one by one.
"""

from __future__ import annotations

import csv
import io
import json
import weakref
from pathlib import Path

import pytest

import cleaner.report.thumbs as thumbs
from cleaner.models import (
    DuplicateGroup,
    FileEntry,
    GroupKind,
    GroupMember,
    ImageMetrics,
    ScanResult,
    ScanSettings,
    ScanStats,
    SkippedFile,
    SkipReason,
)
from cleaner.report import ReportOptions, write_report

FILES = 50_000
REAL = 12  # files that exist, so that real previews are made


def _metrics(i: int) -> ImageMetrics:
    return ImageMetrics(
        format="JPEG", width=4000 + i % 7, height=3000, lossless=False, jpeg_quality=90,
        sharpness=100.0, detail=40.0, capture_time=None, camera=None, has_gps=False,
        has_exif=False, looks_like_screenshot=False, looks_like_export=False,
    )  # fmt: skip


def synthetic_result(root: Path, real: list[Path]) -> ScanResult:
    groups: list[DuplicateGroup] = []
    made = 0
    gid = 0
    while made < FILES:
        gid += 1
        size = min(2 + gid % 5, FILES - made)  # 2..6 copies
        members = []
        for k in range(size):
            index = made + k
            path = (
                str(real[index]) if index < len(real) else str(root / f"d{gid % 97}/p{index}.jpg")
            )
            members.append(
                GroupMember(
                    entry=FileEntry(path, 1_000_000 + index, 1, 1, index),
                    metrics=_metrics(index),
                    sha256=f"{index:064x}",  # all different: every member gets a preview try
                    quality=80 - k,
                    distance=0 if k == 0 else 3,
                    is_keeper=k == 0,
                    suggested_remove=k > 0,
                )
            )
        made += size
        groups.append(DuplicateGroup(gid, GroupKind.SIMILAR, tuple(members), "kept: larger", None))
    redundant = sum(g.size - 1 for g in groups)
    skipped = tuple(SkippedFile(str(root / f"bad{i}.jpg"), SkipReason.CORRUPT) for i in range(50))
    return ScanResult(
        settings=ScanSettings(roots=(str(root),)),
        groups=tuple(groups),
        skipped=skipped,
        stats=ScanStats(
            files_seen=FILES + 50,
            bytes_seen=10**11,
            images=FILES,
            skipped=50,
            groups=len(groups),
            redundant_copies=redundant,
            reclaimable_bytes=sum(g.reclaimable_bytes for g in groups),
            seconds=600.0,
        ),
        started_at="2025-01-31T14:00:00+00:00",
        finished_at="2025-01-31T14:10:00+00:00",
        app_version="test",
        machine="bench",
    )


class LiveCounter:
    """Wraps `make_thumbnail`, counting previews alive at once (by weak reference)."""

    def __init__(self, real: object) -> None:
        self.real = real
        self.calls = 0
        self.made = 0
        self.live = 0
        self.max_live = 0

    def _gone(self) -> None:
        self.live -= 1

    def __call__(self, *args: object, **kwargs: object) -> thumbs.Thumbnail | None:
        self.calls += 1
        thumb = self.real(*args, **kwargs)  # type: ignore[operator]
        if thumb is not None:
            self.made += 1
            self.live += 1
            self.max_live = max(self.max_live, self.live)
            weakref.finalize(thumb, self._gone)
        return thumb


@pytest.fixture
def big(tmp_path: Path, make_photo) -> ScanResult:
    real = []
    for i in range(REAL):
        p = tmp_path / "real" / f"r{i}.jpg"
        p.parent.mkdir(exist_ok=True)
        make_photo(i, (800, 600)).save(p, quality=85)
        real.append(p)
    return synthetic_result(tmp_path / "lib", real)


def test_a_50000_file_result_is_complete_in_every_format(
    big: ScanResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = LiveCounter(thumbs.make_thumbnail)
    monkeypatch.setattr(thumbs, "make_thumbnail", counter)
    h, c, j = tmp_path / "big.html", tmp_path / "big.csv", tmp_path / "big.json"
    summary = write_report(big, {"html": h, "csv": c, "json": j}, options=ReportOptions(times=5))

    # previews: every grouped file was tried (plus the over-represented keepers), the
    # real files got one, and never more than one was alive at a time
    over = len(summary.over_represented)
    assert over > 0
    assert counter.calls == FILES + over
    assert counter.made >= REAL
    assert counter.max_live == 1
    assert counter.live == 0

    text = h.read_text(encoding="utf-8")
    assert text.count('<section class="group"') == len(big.groups)
    # one badge per extra copy, plus the one in the legend above the groups
    assert text.count('<span class="badge remove">') == big.stats.redundant_copies + 1
    assert text.count("data:image/jpeg;base64,") == counter.made
    assert text.count("No preview: file missing or unreadable") == counter.calls - counter.made
    assert f"p{FILES - 1}.jpg" in text  # the very last file
    assert text.count("bad") >= 50
    assert text.rstrip().endswith("</html>")

    rows = list(csv.reader(io.StringIO(c.read_text(encoding="utf-8-sig"), newline="")))
    assert len(rows) == FILES + 1
    assert {r[0] for r in rows[1:]} == {str(g.id) for g in big.groups}

    data = json.loads(j.read_text(encoding="utf-8"))
    assert sum(len(g["members"]) for g in data["groups"]) == FILES
    assert data["report"]["totals"]["redundant_copies"] == big.stats.redundant_copies
    assert len(data["report"]["over_represented"]) == over
