"""Two shots, not two copies: what the cameras wrote tells a burst from a copy.

Frames of one scene a second apart (a burst, or a series from a tripod) look like copies
to every check on the fingerprints: the 16x16 thumbnails of frames with a subject moved
correlate as well as a copy with a date stamp does (benchmarks/README.md, "Issue 13:
burst shots and scan cost, session 7", measured on the kit, generated bursts and real
video frames). What a copy never has is another moment of capture: resizing, re-saving,
converting, stamping or cropping keeps the EXIF DateTimeOriginal or drops it, and no
copy on any of the kit's corpora has a capture time that differs from its original's.

So a pair whose pictures were both taken by one camera (EXIF make and model equal),
with both capture times known and different by less than `SERIES_SECONDS`, is two shots
and never a match. A missing time or camera decides nothing (a copy that lost its
metadata still joins its original). Beyond an hour the times are left alone: a copy
whose clock was corrected for a time zone moves by whole hours, and shots an hour apart
differ by more than the fingerprints allow anyway. Frames within one second share their
time to the second and are not told apart here.

Only a time that dates the capture counts: DateTimeOriginal or DateTimeDigitized, which
an edited copy keeps. A time read from EXIF DateTime (the picture had neither) dates the
file, and an editor rewrites it on save, so an edited copy saved within the hour by a
tool that keeps make and model would look like a second shot: such a time decides
nothing. Metrics stored before the source was recorded (`capture_time_source` None) are
taken as they were then.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from cleaner.models import ImageMetrics, TimeSource

# Shots by one camera closer than this are a burst or a series, never a copy and its
# original (whose capture times are equal). An hour: a time-zone correction of a copy's
# clock moves it by whole hours, and is left alone.
SERIES_SECONDS = 3600

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
BOOL = npt.NDArray[np.bool_]


@runtime_checkable
class CameraMoments(Protocol):
    """A lazy sequence of metrics that has each picture's `moment_of` already (the
    catalogs: the process that read a catalog worked it out from each row's stored
    metrics; decoding every pair end's metrics here for it was a fifth of grouping at
    1,000,000 pictures, then 4 % once only the camera and time were parsed)."""

    def camera_moments(self, pictures: I64) -> tuple[I64, F64]:
        """Per picture: a number for its camera (the same number for the same camera
        name, -1 where `moment_of` gives None) and the capture time in seconds."""
        ...


def moment_of(
    camera: str | None, capture_time: str | None, source: TimeSource | None
) -> tuple[str, float] | None:
    """(camera, capture time in seconds) when both are known, the time dates the capture
    and it parses."""
    if not camera or not capture_time:
        return None
    if source is not None and not source.moment_of_capture:  # the file's date: nothing
        return None
    try:
        taken = datetime.fromisoformat(capture_time)
    except ValueError:  # a hand-edited or damaged date: it decides nothing
        return None
    return camera, taken.timestamp() if taken.tzinfo else _naive_seconds(taken)


def _naive_seconds(taken: datetime) -> float:
    # EXIF times carry no zone: compare them as written, never through the local clock
    return (taken - datetime(1970, 1, 1)).total_seconds()


def separate_shots(metrics: Sequence[ImageMetrics], i: I64, j: I64) -> BOOL:
    """Which pairs (i[k], j[k]) are two shots by one camera, taken at different moments
    less than `SERIES_SECONDS` apart. `metrics` may be read lazily: only the pairs'
    ends are looked at, once each (all at once when it is a `CameraMoments`)."""
    out = np.zeros(len(i), dtype=bool)
    if len(i) == 0:
        return out
    ends = np.unique(np.concatenate([i, j]))
    cameras: dict[str, int] = {}
    camera = np.full(len(ends), -1, dtype=np.int64)
    seconds = np.zeros(len(ends), dtype=np.float64)
    if isinstance(metrics, CameraMoments):
        camera, seconds = metrics.camera_moments(ends)
    else:
        for row, m in enumerate(metrics[k] for k in ends.tolist()):
            moment = moment_of(m.camera, m.capture_time, m.capture_time_source)
            if moment is not None:
                camera[row] = cameras.setdefault(moment[0], len(cameras))
                seconds[row] = moment[1]
    if not (camera >= 0).any():  # nothing dated: the usual case for scans and exports
        return out
    a, b = np.searchsorted(ends, i), np.searchsorted(ends, j)
    gap = np.abs(seconds[a] - seconds[b])
    out[:] = (camera[a] >= 0) & (camera[a] == camera[b]) & (gap > 0) & (gap < SERIES_SECONDS)
    return out
