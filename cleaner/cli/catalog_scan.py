"""`photosift scan --catalog A --catalog B ...`: group across catalogs, the estate report."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

from cleaner.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_CANCELLED,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    ProgressBar,
    error,
)
from cleaner.errors import Cancelled
from cleaner.i18n import _
from cleaner.textsafe import printable

# options of a scan of folders that mean nothing for catalogs (they were decided when
# each catalog was built): refused rather than silently ignored
_FOLDER_ONLY = (
    ("exclude", "--exclude"),
    ("follow_symlinks", "--follow-symlinks"),
    ("max_megapixels", "--max-megapixels"),
    ("min_size", "--min-size"),
    ("min_dimensions", "--min-dimensions"),
    ("cache_dir", "--cache-dir"),
)


def add_catalog_options(p: argparse.ArgumentParser) -> None:
    from cleaner.cli.report_cmd import add_price_options

    g = p.add_argument_group(
        _("grouping across catalogs"),
        _("Give --catalog once per catalog (built with 'photosift catalog build') instead of "
        "folders: the same matching, thresholds and keeper rules, and no access to the "
        "files. Paths in the result are LABEL:PATH below the catalog's root; they are not "
        "local paths, and 'photosift clean' refuses such a result."),
    )  # fmt: skip
    _repeatable(g, "--catalog", "FILE", _("a catalog to group with the others; repeatable"))
    _repeatable(
        g, "--protect-label", "LABEL",
        _("never suggest removing any file of this catalog (e.g. the archive masters); "
        "with catalogs, --protect takes LABEL:FOLDER for one folder of one catalog"),
    )  # fmt: skip
    # another name for --times (declared with the report's options): the same value
    g.add_argument(
        "--more-than", type=_positive, default=argparse.SUPPRESS, metavar="N", dest="times",
        help=_("list first every picture that appears more than N times across the estate "
        "(default 3; the same as --times)"),
    )  # fmt: skip
    add_price_options(g)
    g.add_argument(
        "--estate-csv", metavar="FILE",
        help=_("write the estate's figures as CSV: one row per label and for all, then the "
        "sets shared by each pair of labels"),
    )  # fmt: skip
    _repeatable(
        g, "--keep-list", "FILE",
        _("write the keep-list (each set's keeper and every picture in no set): CSV if "
        "FILE ends in .csv, else one LABEL:PATH a line; repeatable"),
    )  # fmt: skip
    _repeatable(
        g, "--dataset-summary", "FILE",
        _("write the dataset summary (counts before and after de-duplication per label, "
        "dates, leakage between labels, method and settings): JSON if FILE ends in .json, "
        "else Markdown; repeatable"),
    )  # fmt: skip
    g.add_argument(
        "--manifests", metavar="DIR",
        help=_("write a removal manifest per label into DIR, for 'photosift clean --from "
        "MANIFEST' on that server (docs/catalog.md)"),
    )  # fmt: skip


def _repeatable(g: argparse._ArgumentGroup, flag: str, metavar: str, help: str) -> None:
    """An option given once per value (the values in order, none by default)."""
    g.add_argument(flag, action="append", default=[], metavar=metavar, help=help)


def _positive(text: str) -> int:
    from cleaner.cli.common import positive_int

    return positive_int(text)


def run_catalogs(args: argparse.Namespace) -> int:
    from cleaner.catalog import CatalogError
    from cleaner.catalog.estate import scan_catalogs
    from cleaner.cli.scan_cmd import print_summary, settings_from_args
    from cleaner.progress import drain

    if args.paths:
        error(_("give either folders to scan or --catalog files, not both"))
        return EXIT_USAGE
    for dest, option in _FOLDER_ONLY:
        if getattr(args, dest):
            error(
                _(
                    "{option} applies when a catalog is built ('photosift catalog build'), "
                    "not to --catalog"
                ).format(option=option)
            )
            return EXIT_USAGE
    if args.ignore_list:
        error(_("--ignore-list does not apply to --catalog: ignored sets are of local paths"))
        return EXIT_USAGE
    try:
        settings = settings_from_args(args)
        options = _report_options(args)
    except ValueError as exc:
        error(str(exc))
        return EXIT_USAGE
    targets = [
        args.json,
        args.csv,
        args.report,
        args.estate_csv,
        *args.keep_list,
        *args.dataset_summary,
    ]
    for target in targets:
        if target and not Path(target).resolve().parent.is_dir():
            error(_("cannot write {target}: its folder does not exist").format(target=target))
            return EXIT_BAD_INPUT
    if args.manifests and not Path(args.manifests).is_dir():
        error(_("--manifests {manifests}: no such folder").format(manifests=args.manifests))
        return EXIT_BAD_INPUT
    bar = ProgressBar(enabled=None if not args.quiet else False)
    events = scan_catalogs(args.catalog, settings, protect_labels=args.protect_label)
    try:
        scanned = drain(events, lambda e: _show(bar, e))
    except (CatalogError, ValueError, KeyboardInterrupt, Cancelled) as exc:
        bar.close()
        if isinstance(exc, KeyboardInterrupt | Cancelled):
            print(_("Cancelled."), file=sys.stderr)
            return EXIT_CANCELLED
        error(str(exc))
        return EXIT_BAD_INPUT if isinstance(exc, CatalogError) else EXIT_USAGE
    bar.close()
    from cleaner.report.estate import estate_summary, estate_text

    result = scanned.result
    estate = estate_summary(result, scanned.labels, options)
    failed = _write(scanned, estate, args)
    if not args.quiet:
        print_summary(result, listing=args.list)
        print()
        for line in estate_text(estate):
            print(printable(line))
    return EXIT_FAILED if failed else EXIT_OK


def _show(bar: ProgressBar, event: object) -> None:
    """A progress event on the bar; a notice (a damaged detail map) as one line."""
    from cleaner.progress import Notice, Progress

    if isinstance(event, Progress):
        bar.update(event)
    elif isinstance(event, Notice):
        bar.close()
        print(f"photosift: {printable(event.text)}", file=sys.stderr)


def _report_options(args: argparse.Namespace) -> Any:
    from cleaner.report import ReportOptions

    return ReportOptions(
        times=args.times,
        price_per_gb_month=args.price_per_gb_month,
        currency=args.currency,
        thumbnails=False,  # the files are on other machines
    )


def _write(scanned: Any, estate: Any, args: argparse.Namespace) -> bool:
    from cleaner.report.csv import write_csv
    from cleaner.report.estate import (
        dataset_summary_dict,
        save_estate_json,
        write_dataset_summary,
        write_estate_csv,
        write_keep_list,
    )
    from cleaner.report.html import write_estate_html

    result = scanned.result
    jobs: list[tuple[str, Any]] = []
    if args.json:
        jobs.append((args.json, lambda p: save_estate_json(result, estate, p)))
    if args.csv:
        jobs.append((args.csv, lambda p: write_csv(result.groups, p)))
    if args.report:
        jobs.append((args.report, lambda p: write_estate_html(result, estate, p)))
    if args.estate_csv:
        jobs.append((args.estate_csv, lambda p: write_estate_csv(estate, p)))
    for target in args.keep_list:
        jobs.append((target, lambda p: write_keep_list(scanned.keep_list(), p)))
    if args.dataset_summary:
        command = shlex.join(["photosift", *sys.argv[1:]])
        data = dataset_summary_dict(estate, scanned.date_ranges(), command)
        for target in args.dataset_summary:
            jobs.append((target, lambda p, d=data: write_dataset_summary(d, p)))
    if args.manifests:
        from cleaner.cli.catalog_manifests import manifests_job

        jobs.append((args.manifests, manifests_job(scanned, args.quiet)))
    failed = False
    for target, job in jobs:
        try:
            job(target)
        except OSError as exc:
            error(
                _("cannot write {file}: {reason}").format(file=target, reason=exc.strerror or exc)
            )
            failed = True
    return failed
