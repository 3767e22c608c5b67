"""De-duplication reports an agency or studio can file: HTML, CSV and JSON.

The formats are the rows of `REPORT_WRITERS` (`cleaner.report.writers`), which the
window's "Export report...", ``photosift report`` and ``photosift scan --report`` all
read; `write_report` writes the ones it is given a path for::

    from cleaner import ReportOptions, load_outcomes, write_report

    outcomes = load_outcomes(result)          # what the undo log says was moved ({} if none)
    summary = write_report(
        result,
        {"html": "report.html", "csv": "report.csv", "json": "report.json"},  # any subset
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
from cleaner.report.writers import REPORT_WRITERS, ReportWriter, report_writer

__all__ = [
    "DEFAULT_CURRENCY",
    "DEFAULT_PRICE_PER_GB_MONTH",
    "DEFAULT_TIMES",
    "REPORT_WRITERS",
    "Action",
    "Fate",
    "FileOutcome",
    "OverRepresented",
    "RemovalTotals",
    "ReportOptions",
    "ReportSummary",
    "ReportWriter",
    "ScanHeader",
    "Totals",
    "UndoLogReader",
    "action_of",
    "outcomes_from_log",
    "report_writer",
    "summarize",
    "write_report",
]

PathLike = str | os.PathLike[str]


def write_report(
    result: ScanResult,
    outputs: Mapping[str, PathLike],
    *,
    options: ReportOptions | None = None,
    outcomes: Mapping[str, FileOutcome] | None = None,
) -> ReportSummary:
    """Write the report to each path in `outputs` (a writer's key -> its file, any subset of
    `REPORT_WRITERS`), in the registry's order; return its figures.

    Raises ValueError for a key that is no writer's, before writing anything. Raises
    OSError from the first format that cannot be written (the ones before it are
    complete). To write each format independently, call this once per format.
    """
    for key in outputs:
        report_writer(key)  # check them all before the first file is written
    summary = summarize(result, options, outcomes)
    for writer in REPORT_WRITERS:
        if writer.key in outputs:
            writer.write(result, summary, outputs[writer.key])
    return summary
