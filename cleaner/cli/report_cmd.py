"""`photosift report --from RESULT.json`: write a de-duplication report (HTML, CSV, JSON).

Its options for the files to write, and the messages that name them, come from the
report's registry of writers (`cleaner.report.writers`), so a new report format shows up
here without a change to this module.

The report says what was scanned, what was found (totals, storage cost, pictures that
appear more than N times, every group with its copies) and, when copies were moved,
what happened to each file according to the undo log.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cleaner.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    error,
    human_bytes,
    positive_int,
)
from cleaner.errors import ResultFormatError
from cleaner.i18n import _, about_money, ngettext, number
from cleaner.models import ScanResult
from cleaner.report.summary import (
    DEFAULT_CURRENCY,
    DEFAULT_PRICE_PER_GB_MONTH,
    DEFAULT_TIMES,
    FileOutcome,
    ReportOptions,
    ReportSummary,
)
from cleaner.report.writers import REPORT_WRITERS
from cleaner.textsafe import printable


def price(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not a number: {text}").format(text=repr(text))
        ) from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(_("must be zero or more, not {text}").format(text=text))
    return value


def currency(text: str) -> str:
    value = text.strip()
    if not value or len(value) > 12:
        raise argparse.ArgumentTypeError(_("give a short currency name, such as USD or EUR"))
    return value


def add_times_option(p: argparse.ArgumentParser) -> None:
    """--times N, shared with `photosift scan --report`."""
    p.add_argument(
        "--times",
        type=positive_int,
        default=DEFAULT_TIMES,
        metavar="N",
        help=_("list first every picture that appears more than N times (default: {n})").format(
            n=DEFAULT_TIMES
        ),
    )


def add_price_options(p: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """--price-per-gb-month and --currency, shared with `photosift scan --catalog`."""
    p.add_argument(
        "--price-per-gb-month",
        type=price,
        default=DEFAULT_PRICE_PER_GB_MONTH,
        metavar="X",
        help=_(
            "storage price used for the cost saved (default: {price}, standard cloud "
            "object storage)"
        ).format(price=DEFAULT_PRICE_PER_GB_MONTH),
    )
    p.add_argument(
        "--currency",
        type=currency,
        default=DEFAULT_CURRENCY,
        help=_("currency of that price (default: {currency})").format(currency=DEFAULT_CURRENCY),
    )


def in_words(items: Sequence[str], last_joint: str) -> str:
    """'a, b and c' (last_joint "and") or 'a, b or c'; the one item alone."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last_joint} {items[-1]}"


def add_parser(subparsers: Any) -> None:
    names = ", ".join(w.name for w in REPORT_WRITERS)
    flags = [w.option for w in REPORT_WRITERS]
    p: argparse.ArgumentParser = subparsers.add_parser(
        "report",
        help=_("write a de-duplication report ({names}) from a saved scan").format(names=names),
        description=_(
            "Write a report of a saved scan (photosift scan --json FILE) that can be filed or "
            "sent: what was scanned, what was found, what it costs to store, and what was "
            "moved. Give at least one of {options}."
        ).format(options=in_words(flags, _("and"))),
        epilog=_(
            "Exit codes: 0 report written, 1 a report file could not be written, "
            "2 bad options, 3 the result file (or an output folder) cannot be used."
        ),
    )
    p.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="RESULT.json",
        help=_("a result saved by 'photosift scan --json' (or a JSON report)"),
    )
    for writer in REPORT_WRITERS:
        p.add_argument(writer.option, dest=writer.key, metavar="FILE", help=_(writer.help))
    add_times_option(p)
    add_price_options(p)
    p.add_argument(
        "--no-thumbnails", action="store_true", help=_("do not embed previews in the HTML")
    )
    p.add_argument(
        "--undo-log",
        metavar="FILE",
        help=_("read what was moved from this undo log (default: PhotoSift's own, if any)"),
    )
    p.add_argument(
        "--batch",
        action="append",
        default=[],
        metavar="ID",
        help=_(
            "only report moves from this removal batch; repeatable (default: every batch "
            "made after the scan)"
        ),
    )
    p.add_argument("-q", "--quiet", action="store_true", help=_("print only errors"))


def run(args: argparse.Namespace) -> int:
    from cleaner import load_outcomes
    from cleaner.removal.undolog import UndoLogError
    from cleaner.report import summarize
    from cleaner.resultio import load

    outputs = requested_outputs(args)
    targets = list(outputs.values())
    flags = [w.option for w in REPORT_WRITERS]
    if not targets:
        error(
            _("nothing to write: give {options}").format(
                options=in_words([f"{f} FILE" for f in flags], _("or"))
            )
        )
        return EXIT_USAGE
    if len({Path(t).resolve() for t in targets}) < len(targets):
        error(_("{options} must name different files").format(options=in_words(flags, _("and"))))
        return EXIT_USAGE
    if any(Path(t).resolve() == Path(args.source).resolve() for t in targets):
        error(
            _("refusing to overwrite the result file {source} with the report").format(
                source=args.source
            )
        )
        return EXIT_USAGE
    for target in targets:
        if not Path(target).resolve().parent.is_dir():
            error(_("cannot write {target}: its folder does not exist").format(target=target))
            return EXIT_BAD_INPUT
    try:
        result = load(args.source)
    except ResultFormatError as exc:
        error(str(exc))
        return EXIT_BAD_INPUT
    options = ReportOptions(
        times=args.times,
        price_per_gb_month=args.price_per_gb_month,
        currency=args.currency,
        thumbnails=not args.no_thumbnails,
    )
    outcomes: dict[str, FileOutcome] = {}
    if args.undo_log and not Path(args.undo_log).is_file():
        error(_("undo log not found: {file}").format(file=args.undo_log))
        return EXIT_BAD_INPUT
    try:
        outcomes = load_outcomes(result, args.undo_log, args.batch or None)
    except UndoLogError as exc:
        if args.undo_log:
            error(str(exc))
            return EXIT_BAD_INPUT
        warning = _("warning: {problem}; the report will not say what was moved.").format(
            problem=printable(str(exc))
        )
        print(f"photosift: {warning}", file=sys.stderr)
    summary = summarize(result, options, outcomes)
    written, failed = write_formats(result, summary, outputs)
    if written and not args.quiet:
        print(
            printable(
                _("Wrote {files}: {summary}").format(
                    files=", ".join(written), summary=describe(summary)
                )
            )
        )
    return EXIT_FAILED if failed else EXIT_OK


def requested_outputs(args: argparse.Namespace) -> dict[str, str]:
    """The files asked for: writer key -> path, in the registry's order."""
    return {w.key: getattr(args, w.key) for w in REPORT_WRITERS if getattr(args, w.key)}


def write_formats(
    result: ScanResult, summary: ReportSummary, outputs: dict[str, str]
) -> tuple[list[str], bool]:
    """Write each format given (writer key -> path); one error line per file that fails,
    the others still go (which is why this does not call `write_report`, which stops at
    the first failure)."""
    written: list[str] = []
    failed = False
    for writer in REPORT_WRITERS:
        target = outputs.get(writer.key)
        if not target:
            continue
        try:
            writer.write(result, summary, target)
        except OSError as exc:
            error(
                _("cannot write {file}: {reason}").format(file=target, reason=exc.strerror or exc)
            )
            failed = True
        else:
            written.append(target)
    return written, failed


def describe(summary: ReportSummary) -> str:
    t = summary.totals
    o = summary.options
    over = len(summary.over_represented)
    pictures = ngettext("{n} picture with copies", "{n} pictures with copies", t.groups).format(
        n=number(t.groups)
    )
    extra = ngettext("{n} extra copy", "{n} extra copies", t.redundant_copies).format(
        n=number(t.redundant_copies)
    )
    reclaimable = _("{size} reclaimable ({cost} a month)").format(
        size=human_bytes(t.reclaimable_bytes), cost=about_money(t.cost_per_month, o.currency)
    )
    often = ngettext(
        "{n} picture appears more than {times} times.",
        "{n} pictures appear more than {times} times.",
        over,
    ).format(n=number(over), times=number(o.times))
    return f"{pictures}, {extra}, {reclaimable}; {often}"
