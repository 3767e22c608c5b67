"""One CSV row per file in a duplicate group, for spreadsheets.

UTF-8 with a byte-order mark, so Excel shows accented and non-Latin names
correctly. A name that is not valid UTF-8 is written with U+FFFD in place of
the bad byte (a spreadsheet cannot hold the raw byte). Text that a spreadsheet would
run as a formula (a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return) gets a leading apostrophe, so a file named ``=HYPERLINK(...).jpg`` stays text.
Control and bidi characters in names (an escape sequence, a newline, a right-to-left
override) are written as visible escapes (``\x1b``, ``\n``, ``\u202e``; see
`cleaner.textsafe`), so a name cannot forge a row or read backwards.

The report's CSV (`write_csv_report`) adds four columns saying what the undo log records
for each file; the scan's (`photosift scan --csv`, `write_csv` without outcomes) has only
the COLUMNS.
"""

from __future__ import annotations

import csv
import enum
import os
from collections.abc import Iterable, Mapping
from typing import Protocol

from cleaner.humanize import criterion_label, damage_words, kept_over_summary, match_words
from cleaner.keep import keeper_reason_text
from cleaner.models import DuplicateGroup, ScanResult
from cleaner.report.summary import ReportSummary
from cleaner.textsafe import printable

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
    "sidecars",  # its sidecar files (XMP, .AAE, .THM), separated by " | "
    "damaged",
    "kept_over",  # why the kept copy was preferred to this one: "criterion: keeper vs. this"
    # (the criterion in the window's words, `cleaner.humanize.criterion_label`)
    "match",  # what matched it: "turned 90° left (hash 3 of 64 bits apart, ...)"
)

# Written after COLUMNS when the caller passes outcomes (the report does).
OUTCOME_COLUMNS = ("outcome", "outcome_text", "moved_to", "batch_id")

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class OutcomeLike(Protocol):
    """What happened to one file (`cleaner.report.FileOutcome`)."""

    @property
    def fate(self) -> enum.Enum: ...
    def words(self) -> str: ...
    @property
    def destination(self) -> str | None: ...
    @property
    def batch_id(self) -> str: ...


def safe_cell(text: str) -> str:
    """`text` with control and bidi characters escaped, and an apostrophe in front if a
    spreadsheet would run it as a formula."""
    text = printable(text)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def display_path(path: str) -> str:
    """A path as text anyone can show: undecodable bytes become U+FFFD, and control and
    bidi characters visible escapes (`cleaner.textsafe.printable`)."""
    return printable(os.fsencode(path).decode("utf-8", "replace"))


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
                safe_cell(path),
                safe_cell(os.path.dirname(path)),
                safe_cell(os.path.basename(path)),
                str(m.entry.size),
                "" if metrics is None else str(metrics.width),
                "" if metrics is None else str(metrics.height),
                "" if metrics is None else metrics.format,
                str(m.quality),
                str(m.distance),
                m.sha256 or "",
                (metrics.capture_time or "") if metrics else "",
                safe_cell(metrics.camera or "") if metrics else "",
                "yes" if m.protected else "no",
                "no" if m.entry.frees_space else "yes",
                safe_cell(keeper_reason_text(g)) if m.is_keeper else "",
                safe_cell(" | ".join(display_path(c.path) for c in m.entry.sidecars)),
                safe_cell(damage_words(metrics)),
                safe_cell(
                    f"{criterion_label(m.kept_over.criterion)}: {kept_over_summary(m.kept_over)}"
                )
                if m.kept_over is not None
                else "",
                safe_cell(words.one_line())
                if (words := match_words(m.match, g.keeper.path)) is not None
                else "",
            ]


def rows_with_outcomes(
    groups: Iterable[DuplicateGroup], outcomes: Mapping[str, OutcomeLike]
) -> Iterable[list[str]]:
    """`rows`, each followed by the OUTCOME_COLUMNS for its file (empty if nothing was done)."""
    for g in groups:
        for m, row in zip(g.members, rows((g,)), strict=True):
            o = outcomes.get(m.path)
            if o is None:
                yield [*row, "", "", "", ""]
            else:
                moved_to = "" if o.destination is None else safe_cell(display_path(o.destination))
                yield [*row, str(o.fate.value), safe_cell(o.words()), moved_to, o.batch_id]


def write_csv(
    groups: Iterable[DuplicateGroup],
    path: str | os.PathLike[str],
    *,
    outcomes: Mapping[str, OutcomeLike] | None = None,
) -> None:
    """Write the CSV, streaming into a temporary file that replaces `path` at the end.

    With `outcomes` (even an empty mapping) the OUTCOME_COLUMNS are added.
    """
    from cleaner.atomic import atomic_text_file

    with atomic_text_file(path, encoding="utf-8", newline="") as fh:
        fh.write("\ufeff")
        writer = csv.writer(fh, lineterminator="\r\n")
        if outcomes is None:
            writer.writerow(COLUMNS)
            writer.writerows(rows(groups))
        else:
            writer.writerow((*COLUMNS, *OUTCOME_COLUMNS))
            writer.writerows(rows_with_outcomes(groups, outcomes))


def write_csv_report(
    result: ScanResult, summary: ReportSummary, path: str | os.PathLike[str]
) -> None:
    """The report's CSV (`cleaner.report.writers`): every file of `result` with what the
    undo log records for it (`summary.outcomes`), so always with the OUTCOME_COLUMNS."""
    write_csv(result.groups, path, outcomes=summary.outcomes)
