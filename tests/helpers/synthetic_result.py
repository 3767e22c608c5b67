"""A synthetic engine result of any size, for the window's tests and the review
benchmark (benchmarks/review_100k.py): the one builder of sets that no scan made."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from cleaner.models import (
    DuplicateGroup,
    FileEntry,
    GroupKind,
    GroupMember,
    ImageMetrics,
    ScanResult,
    ScanSettings,
    ScanStats,
)

_METRICS = ImageMetrics(
    format="JPEG",
    width=4000,
    height=3000,
    lossless=False,
    jpeg_quality=90,
    sharpness=300.0,
    detail=40.0,
    capture_time="2020-01-01 12:00:00",
    camera="Canon EOS 80D",
    has_gps=False,
    has_exif=True,
    looks_like_screenshot=False,
    looks_like_export=False,
)


def synthetic_metrics(width: int = 4000, height: int = 3000) -> ImageMetrics:
    """A camera JPEG's metrics at `width` x `height`."""
    return replace(_METRICS, width=width, height=height)


def synthetic_group(
    gid: int,
    entries: list[FileEntry],
    *,
    metrics: ImageMetrics | None = _METRICS,
    reason: str = "kept: 4000x3000; others are smaller",
) -> DuplicateGroup:
    """One set of copies: the first entry is the keeper, the others are suggested for
    removal, quality falling and distance rising with their place (within the ranges a
    scan gives, however big the set)."""
    members = tuple(
        GroupMember(
            entry=entry,
            metrics=metrics,
            sha256=None,
            quality=max(1, 80 - k),
            distance=min(k, 10),
            is_keeper=k == 0,
            suggested_remove=k != 0,
        )
        for k, entry in enumerate(entries)
    )
    return DuplicateGroup(
        id=gid,
        kind=GroupKind.SIMILAR,
        members=members,
        reason=reason,
        deciding_criterion="resolution",
    )


def synthetic_groups(
    n_groups: int, per_group: int = 3, root: str = "/nonexistent/lib"
) -> list[DuplicateGroup]:
    return [
        synthetic_group(
            g + 1,
            [
                FileEntry(
                    path=f"{root}/folder{g % 97:02d}/copy{k}/IMG_{g:06d}.jpg",
                    size=1_000_000 + (g * 7919 + k * 104729) % 9_000_000,
                    mtime_ns=1_600_000_000_000_000_000 + g,
                    device=1,
                    inode=g * 10 + k,
                )
                for k in range(per_group)
            ],
        )
        for g in range(n_groups)
    ]


def synthetic_result(n_groups: int, per_group: int = 3) -> ScanResult:
    return result_of(synthetic_groups(n_groups, per_group), ("/nonexistent/lib",))


def result_of(
    groups: Sequence[DuplicateGroup], roots: tuple[str, ...], stats: ScanStats | None = None
) -> ScanResult:
    """A finished scan of `roots` that found `groups`."""
    return ScanResult(
        settings=ScanSettings(roots=roots),
        groups=tuple(groups),
        skipped=(),
        stats=stats or ScanStats(groups=len(groups)),
        started_at="2024-01-01T00:00:00+00:00",
        finished_at="2024-01-01T00:01:00+00:00",
        app_version="test",
        machine="test",
    )
