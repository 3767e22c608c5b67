"""De-duplication reports an agency or studio can file: HTML, CSV and JSON.

The window's "Export report..." and ``photosift report`` / ``photosift scan --report``
all go through `write_report`::

    from cleaner import ReportOptions, load_outcomes, write_report

    outcomes = load_outcomes(result)          # what the undo log says was moved ({} if none)
    summary = write_report(
        result,
        html="report.html", csv="report.csv", json="report.json",  # any subset
        options=ReportOptions(times=3, price_per_gb_month=0.023, currency="USD"),
        outcomes=outcomes,
    )

Every writer streams to a temporary file that replaces the target at the end, and the
HTML makes its previews one at a time, so a 50,000-file result never holds more than one
preview in memory. Run it off the GUI thread: previews read the pictures from disk.
Writers raise `OSError` when a file cannot be written. The report never opens the undo
log itself: it reads one through the `UndoLogReader` protocol, and `cleaner.load_outcomes`
(the front door, which may see both rooms) hands it PhotoSift's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from cleaner.models import ScanResult
from cleaner.report.summary import (
    DEFAULT_CURRENCY,
    DEFAULT_PRICE_PER_GB_MONTH,
    DEFAULT_TIMES,
    Action,
    Fate,
    FileOutcome,
    OverRepresented,
    RemovalTotals,
    ReportOptions,
    ReportSummary,
    ScanHeader,
    Totals,
    UndoLogReader,
    action_of,
    outcomes_from_log,
    summarize,
)

__all__ = [
    "DEFAULT_CURRENCY",
    "DEFAULT_PRICE_PER_GB_MONTH",
    "DEFAULT_TIMES",
    "Action",
    "Fate",
    "FileOutcome",
    "OverRepresented",
    "RemovalTotals",
    "ReportOptions",
    "ReportSummary",
    "ScanHeader",
    "Totals",
    "UndoLogReader",
    "action_of",
    "outcomes_from_log",
    "summarize",
    "write_report",
]

PathLike = str | os.PathLike[str]


def write_report(
    result: ScanResult,
    *,
    html: PathLike | None = None,
    csv: PathLike | None = None,
    json: PathLike | None = None,
    options: ReportOptions | None = None,
    outcomes: Mapping[str, FileOutcome] | None = None,
) -> ReportSummary:
    """Write the report in each format given a path; return its figures.

    Raises OSError from the first format that cannot be written (the ones before it are
    complete). To write each format independently, call this once per format.
    """
    from cleaner.report.csv import write_csv
    from cleaner.report.html import write_html
    from cleaner.report.jsonout import write_json

    summary = summarize(result, options, outcomes)
    if html is not None:
        write_html(result, summary, html)
    if csv is not None:
        write_csv(result.groups, csv, outcomes=summary.outcomes)
    if json is not None:
        write_json(result, summary, json)
    return summary
