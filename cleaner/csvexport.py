"""One CSV row per file in a duplicate group, for spreadsheets.

UTF-8 with a byte-order mark, so Excel shows accented and non-Latin names
correctly. A name that is not valid UTF-8 is written with U+FFFD in place of
the bad byte (a spreadsheet cannot hold the raw byte).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from pathlib import Path

from cleaner.models import DuplicateGroup

COLUMNS = (
    "group_id",
    "group_kind",
    "copies_in_group",
    "action",
    "path",
    "folder",
    "name",
    "size_bytes",
    "width",
    "height",
    "format",
    "quality_score",
    "distance_to_keeper",
    "sha256",
    "capture_time",
    "camera",
    "protected",
    "hard_linked",
    "keeper_reason",
)


def display_path(path: str) -> str:
    """A path as text anyone can show: undecodable bytes become U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


def rows(groups: Iterable[DuplicateGroup]) -> Iterable[list[str]]:
    for g in groups:
        for m in g.members:
            path = display_path(m.path)
            metrics = m.metrics
            action = (
                "keep" if m.is_keeper else ("remove" if m.suggested_remove else "keep (protected)")
            )
            yield [
                str(g.id),
                g.kind.value,
                str(g.size),
                action,
                path,
                os.path.dirname(path),
                os.path.basename(path),
                str(m.entry.size),
                "" if metrics is None else str(metrics.width),
                "" if metrics is None else str(metrics.height),
                "" if metrics is None else metrics.format,
                str(m.quality),
                str(m.distance),
                m.sha256 or "",
                (metrics.capture_time or "") if metrics else "",
                (metrics.camera or "") if metrics else "",
                "yes" if m.protected else "no",
                "no" if m.entry.frees_space else "yes",
                g.reason if m.is_keeper else "",
            ]


def write_csv(groups: Iterable[DuplicateGroup], path: str | os.PathLike[str]) -> None:
    from cleaner.resultio import write_text_atomic

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(groups))
    write_text_atomic(Path(path), "\ufeff" + buffer.getvalue(), encoding="utf-8")
