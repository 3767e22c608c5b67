"""The one list of report formats: what each is called, where it is offered, who writes it.

`photosift report` builds its ``--html``/``--csv``/``--json`` options and their messages
from `REPORT_WRITERS`, the window's "Export report..." dialog shows one checkbox per
row, and `cleaner.report.write_report` writes the rows it is given a path for. So adding
a report format is one writer module (a function ``write(result, summary, path)``) plus
one row here; nothing else lists the formats.

The order is the order of the options in ``--help``, of the checkboxes, and of writing.
HTML comes first because it is the report people read: the window opens the first file
written.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from cleaner.i18n import N_
from cleaner.models import ScanResult
from cleaner.report.csv import write_csv_report
from cleaner.report.html import write_html
from cleaner.report.jsonout import write_json
from cleaner.report.summary import ReportSummary

__all__ = ["REPORT_WRITERS", "ReportWriter", "WriteFunc", "report_writer"]

PathLike = str | os.PathLike[str]

# Writes the whole report for `result` (whose figures are `summary`) to the path, through
# a temporary file that replaces it at the end; raises OSError when it cannot.
WriteFunc = Callable[[ScanResult, ReportSummary, PathLike], None]


@dataclass(frozen=True)
class ReportWriter:
    """One report format."""

    key: str  # what write_report's outputs and the window's saved choice call it
    name: str  # short name in lists of formats: "(HTML, CSV, JSON)"
    extension: str  # without the dot; the window names its files NAME.extension
    label: str  # the window's checkbox (English: `_(label)` where shown)
    option: str  # photosift report's option, which takes the file to write
    help: str  # that option's line in --help (English: `_(help)` where shown)
    write: WriteFunc


REPORT_WRITERS: tuple[ReportWriter, ...] = (
    ReportWriter(
        key="html",
        name="HTML",
        extension="html",
        label=N_("Web page (.html): to read, print or send"),
        option="--html",
        help=N_("write a self-contained HTML report"),
        write=write_html,
    ),
    ReportWriter(
        key="csv",
        name="CSV",
        extension="csv",
        label=N_("Spreadsheet (.csv): one row per file, for Excel or LibreOffice"),
        option="--csv",
        help=N_("write one row per file (UTF-8 with BOM)"),
        write=write_csv_report,
    ),
    ReportWriter(
        key="json",
        name="JSON",
        extension="json",
        label=N_("Data (.json): for other programs"),
        option="--json",
        help=N_("write the full result plus the report figures"),
        write=write_json,
    ),
)


def report_writer(key: str) -> ReportWriter:
    """The writer called `key`; ValueError (naming the known keys) for any other."""
    for writer in REPORT_WRITERS:
        if writer.key == key:
            return writer
    known = ", ".join(w.key for w in REPORT_WRITERS)
    raise ValueError(f"unknown report format {key!r}: choose from {known}")
