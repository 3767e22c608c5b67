"""`photosift scan PATH...`: find duplicate photos and print a summary."""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from cleaner.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_CANCELLED,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    ProgressBar,
    aligned,
    error,
    human_bytes,
    human_duration,
)
from cleaner.detect.checks import MAX_THRESHOLD
from cleaner.errors import BadRootError, Cancelled
from cleaner.humanize import match_words, skipped_words
from cleaner.i18n import N_, _, ngettext, number, pgettext
from cleaner.keep import CRITERIA_KEYS, keeper_reason_text, kept_over_words, parse_criteria
from cleaner.models import ScanResult, ScanSettings, Similarity
from cleaner.progress import CancelToken, Notice, Progress, ScanFinished
from cleaner.textsafe import printable, printable_path

_PRESET_HELP = {
    Similarity.IDENTICAL: N_("byte-identical files only"),
    Similarity.SAME: N_(
        "the same picture: resized (also squashed to other proportions, up to "
        "2:1), recompressed, converted, rotated by EXIF, turned or mirrored, cropped (edges "
        "trimmed, or cut to four fifths of each side) or lightly edited (default)"
    ),
    Similarity.SIMILAR: N_("also heavier edits and larger crops"),
    Similarity.LOOSE: N_("also pictures that merely look alike (check before removing!)"),
}
# The two kinds of group (`GroupKind` values) in words, for --list.
_KIND_WORDS = {"exact": N_("exact"), "similar": N_("similar")}


def add_parser(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "scan",
        help=_("find duplicate and near-duplicate photos"),
        description=_(
            "Find duplicate and near-duplicate photos under one or more folders, "
            "score every copy and suggest which one to keep. Nothing is moved or deleted."
        ),
        epilog=_(
            "Exit codes: 0 scan finished, 2 bad options, 3 a folder cannot be scanned "
            "or a catalog cannot be used, 130 cancelled."
        ),
    )
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help=_("folders to scan (or --catalog instead)")
    )
    from cleaner.cli.catalog_scan import add_catalog_options

    add_catalog_options(p)
    p.add_argument(
        "--similarity",
        choices=[s.value for s in Similarity],
        default=Similarity.SAME.value,
        help=_("how alike copies must be:")
        + " "
        + "; ".join(f"{s.value}: {_(text)}" for s, text in _PRESET_HELP.items()),
    )
    p.add_argument(
        "--threshold",
        type=int,
        metavar="N",
        help=_(
            "advanced: largest perceptual-hash distance (0-{most} of 64 bits); "
            "overrides the preset's"
        ).format(most=MAX_THRESHOLD),
    )
    p.add_argument(
        "--rotations",
        action=argparse.BooleanOptionalAction,
        default=True,
        help=_(
            "match copies turned by 90/180/270 degrees or mirrored (on by default; "
            "--no-rotations matches pictures only as displayed)"
        ),
    )
    p.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help=_(
            "skip files and folders whose name (or path below the scanned folder, "
            "if the pattern has a /) matches; repeatable"
        ),
    )
    p.add_argument(
        "--protect",
        action="append",
        default=[],
        metavar="FOLDER",
        help=_("never suggest removing files in this folder; repeatable"),
    )
    p.add_argument(
        "--keep-order",
        metavar="LIST",
        help=_("comma-separated criteria that decide the copy to keep, most important first:")
        + " "
        + ", ".join(CRITERIA_KEYS),
    )
    p.add_argument(
        "--prefer", action="append", default=[], metavar="TEXT",
        help=_("prefer keeping files whose path contains TEXT (default: 'originals'); repeatable"),
    )  # fmt: skip
    p.add_argument(
        "--avoid", action="append", default=[], metavar="TEXT",
        help=_("prefer removing files whose path contains TEXT; repeatable"),
    )  # fmt: skip
    p.add_argument("--follow-symlinks", action="store_true", help=_("follow symbolic links"))
    p.add_argument(
        "--max-megapixels",
        type=float,
        default=None,
        metavar="MP",
        help=_("skip pictures larger than this (default: 179)"),
    )
    p.add_argument(
        "--min-size",
        metavar="SIZE",
        help=_(
            "leave out picture files smaller than SIZE: bytes, or with KB or MB "
            "(1 KB = 1000 bytes), e.g. 50KB; they are listed as skipped"
        ),
    )
    p.add_argument(
        "--min-dimensions",
        metavar="WxH",
        help=_(
            "leave out pictures smaller than W by H pixels, turned either way "
            "(800x600 also lets a 600x800 picture through), e.g. 640x480; they are listed "
            "as skipped"
        ),
    )
    p.add_argument("--workers", type=int, default=0, metavar="N", help=_("parallel readers"))
    p.add_argument("--json", metavar="FILE", help=_("save the full result as JSON"))
    p.add_argument("--csv", metavar="FILE", help=_("save one row per file in a group as CSV"))
    p.add_argument(
        "--report",
        metavar="FILE.html",
        help=_(
            "write a self-contained HTML report to FILE.html (one file: open it in a "
            "browser, print it or send it)"
        ),
    )
    from cleaner.cli.report_cmd import add_times_option

    add_times_option(p)
    p.add_argument("--no-cache", action="store_true", help=_("do not read or write the cache"))
    p.add_argument("--cache-dir", metavar="DIR", help=_("keep the fingerprint cache here"))
    p.add_argument("-q", "--quiet", action="store_true", help=_("print only errors"))
    p.add_argument(
        "--list",
        action="store_true",
        help=_(
            'print every group with its files, what matched each to the one kept ("turned '
            '90° left", with the numbers) and why it is not the one kept, not only totals'
        ),
    )
    ignore = p.add_mutually_exclusive_group()
    ignore.add_argument(
        "--ignore-list",
        metavar="FILE",
        help=_(
            "leave out the sets this ignore list holds (default: the list the window keeps, "
            "ignored-sets.json in PhotoSift's data folder)"
        ),
    )
    ignore.add_argument(
        "--no-ignore-list", action="store_true", help=_("show every set, even ignored ones")
    )


def settings_from_args(args: argparse.Namespace) -> ScanSettings:
    criteria: tuple[str, ...] = ()
    if args.keep_order:
        criteria = tuple(c.strip() for c in args.keep_order.split(",") if c.strip())
        parse_criteria(criteria)  # raises ValueError with the valid names
    if args.threshold is not None and not 0 <= args.threshold <= MAX_THRESHOLD:
        raise ValueError(_("--threshold must be between 0 and {most}").format(most=MAX_THRESHOLD))
    if args.workers < 0:
        raise ValueError(_("{option} cannot be negative").format(option="--workers"))
    kwargs: dict[str, Any] = {}
    if args.max_megapixels is not None:
        if args.max_megapixels <= 0:
            raise ValueError(_("{option} must be positive").format(option="--max-megapixels"))
        kwargs["max_pixels"] = int(args.max_megapixels * 1_000_000)
    if args.min_size is not None:
        kwargs["min_file_size"] = parse_size(args.min_size)
    if args.min_dimensions is not None:
        kwargs["min_width"], kwargs["min_height"] = parse_dimensions(args.min_dimensions)
    return ScanSettings(
        roots=tuple(args.paths or ()),
        similarity=Similarity(args.similarity),
        threshold=args.threshold,
        rotations=args.rotations,
        excludes=tuple(args.exclude),
        follow_symlinks=args.follow_symlinks,
        protected=tuple(args.protect),
        workers=args.workers,
        criteria=criteria,
        prefer_paths=tuple(args.prefer) or ("originals",),
        avoid_paths=tuple(args.avoid),
        **kwargs,
    )


_SIZE_UNITS = {"": 1, "b": 1, "kb": 1000, "k": 1000, "mb": 1000**2, "m": 1000**2}


def parse_size(text: str) -> int:
    """'50KB', '1.5 MB', '20000' -> bytes. Raises ValueError with the option's name."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _SIZE_UNITS:
        raise ValueError(
            _("--min-size {text}: give a size such as 50000, 50KB or 1.5MB").format(text=repr(text))
        )
    return int(float(match.group(1)) * _SIZE_UNITS[unit])


def parse_dimensions(text: str) -> tuple[int, int]:
    """'640x480' (or 640X480, 640×480) -> (640, 480). Raises ValueError with the option."""
    match = re.fullmatch(r"\s*(\d{1,6})\s*[xX×]\s*(\d{1,6})\s*", text)
    if match is None:
        raise ValueError(
            _("--min-dimensions {text}: give width x height, such as 640x480").format(
                text=repr(text)
            )
        )
    return int(match.group(1)), int(match.group(2))


def run(args: argparse.Namespace) -> int:
    from cleaner.detect.scan import scan

    if args.catalog:
        from cleaner.cli.catalog_scan import run_catalogs

        return run_catalogs(args)
    if not args.paths:
        error(_("give the folders to scan, or --catalog FILE for each catalog to group"))
        return EXIT_USAGE
    for option in ("protect_label", "keep_list", "dataset_summary", "estate_csv", "manifests"):
        if getattr(args, option):
            error(_("{option} needs --catalog").format(option="--" + option.replace("_", "-")))
            return EXIT_USAGE

    try:
        settings = settings_from_args(args)
    except ValueError as exc:
        error(str(exc))
        return EXIT_USAGE
    for target in (args.json, args.csv, args.report):
        if target and not Path(target).resolve().parent.is_dir():
            error(_("cannot write {target}: its folder does not exist").format(target=target))
            return EXIT_BAD_INPUT
    if args.ignore_list and not Path(args.ignore_list).is_file():
        error(
            _("cannot read the ignore list {file}: there is no such file").format(
                file=args.ignore_list
            )
        )
        return EXIT_BAD_INPUT
    cache_path: Path | str | None = "default"
    if args.no_cache:
        cache_path = None
    elif args.cache_dir:
        cache_path = Path(args.cache_dir) / "fingerprints.sqlite3"
    bar = ProgressBar(enabled=None if not args.quiet else False)
    token = CancelToken()
    result: ScanResult | None = None
    try:
        for event in scan(settings, cancel=token, cache_path=cache_path):  # type: ignore[arg-type]
            if isinstance(event, Progress):
                bar.update(event)
            elif isinstance(event, ScanFinished):
                result = event.result
            elif isinstance(event, Notice):
                bar.close()
                print(f"photosift: {printable(event.text)}", file=sys.stderr)
    except BadRootError as exc:
        bar.close()
        error(str(exc))
        return EXIT_BAD_INPUT
    except (KeyboardInterrupt, Cancelled):
        bar.close()
        print(_("Cancelled."), file=sys.stderr)
        return EXIT_CANCELLED
    bar.close()
    if result is None:
        error(_("the scan ended without a result"))
        return EXIT_FAILED
    result = _without_ignored(result, args)
    failed = _write_outputs(result, args)
    if not args.quiet:
        print_summary(result, listing=args.list)
    return EXIT_FAILED if failed else EXIT_OK


def _without_ignored(result: ScanResult, args: argparse.Namespace) -> ScanResult:
    """The result without the sets the ignore list holds; a damaged list is said and
    skipped over (the scan's work is not thrown away for it)."""
    if args.no_ignore_list:
        return result
    from cleaner.detect.ignore import IgnoreList, without_ignored

    ignore = IgnoreList.load(args.ignore_list)
    if ignore.problem:
        print(f"photosift: {printable(ignore.problem)}", file=sys.stderr)
    return without_ignored(result, ignore)[0]


def _write_outputs(result: ScanResult, args: argparse.Namespace) -> bool:
    # Only --report is a report (the HTML row of `cleaner.report.writers`). --json saves
    # the scan result itself (`cleaner.resultio`, what `clean` and `report` read back) and
    # --csv the scan's CSV, without the undo log's columns: so neither comes from the
    # report's registry, and a new report format adds no option here.
    failed = False
    if args.json:
        from cleaner.resultio import save

        try:
            save(result, args.json)
        except OSError as exc:
            error(
                _("cannot write {file}: {reason}").format(
                    file=args.json, reason=exc.strerror or exc
                )
            )
            failed = True
    if args.csv:
        from cleaner.report.csv import write_csv

        try:
            write_csv(result.groups, args.csv)
        except OSError as exc:
            error(
                _("cannot write {file}: {reason}").format(file=args.csv, reason=exc.strerror or exc)
            )
            failed = True
    if args.report:
        from cleaner.report import ReportOptions, write_report

        try:
            write_report(result, {"html": args.report}, options=ReportOptions(times=args.times))
        except OSError as exc:
            error(
                _("cannot write {file}: {reason}").format(
                    file=args.report, reason=exc.strerror or exc
                )
            )
            failed = True
    return failed


def print_summary(result: ScanResult, listing: bool = False, out: Any = None) -> None:
    out = out or sys.stdout
    s = result.stats

    def line(text: str = "") -> None:
        print(printable(text), file=out)  # names and reasons can hold control characters

    if listing:
        for g in result.groups:
            copies = ngettext("{n} copy", "{n} copies", g.size).format(n=number(g.size))
            kind = _(_KIND_WORDS.get(g.kind.value, g.kind.value))
            group = _("Group {id}").format(id=g.id)
            line(f"{group} ({kind}, {copies}) - {keeper_reason_text(g)}")
            for m in g.members:
                if m.is_keeper:
                    mark = pgettext("listing mark", "keep")
                elif m.suggested_remove:
                    mark = pgettext("listing mark", "remove")
                else:
                    mark = pgettext("listing mark", "keep") + "*"
                keep_w = len(pgettext("listing mark", "keep")) + 1  # room for "keep*"
                width = max(keep_w, len(pgettext("listing mark", "remove")))
                dims = f"{m.metrics.width}x{m.metrics.height}" if m.metrics else _("unreadable")
                size = human_bytes(m.entry.size)
                line(
                    f"  {mark:<{width}} q{m.quality:3d} {dims:>11} {size:>9}  "
                    + printable_path(m.path)
                )
                if words := match_words(m.match, g.keeper.path):
                    line(f"{'':9}{words.one_line()}")
                if m.kept_over is not None:
                    not_kept = _("not kept: {why}").format(why=kept_over_words(m.kept_over))
                    line(f"{'':9}{not_kept}")
            line()
    roots, took = len(result.settings.roots), human_duration(s.seconds)
    if result.from_catalogs:
        line(
            ngettext(
                "Grouped {n} catalog root in {time}.", "Grouped {n} catalog roots in {time}.", roots
            ).format(n=number(roots), time=took)
        )
    else:
        line(
            ngettext(
                "Scanned {n} folder in {time}.", "Scanned {n} folders in {time}.", roots
            ).format(n=number(roots), time=took)
        )
    rows: list[tuple[str, str]] = [
        (_("Files seen:"), f"{number(s.files_seen)} ({human_bytes(s.bytes_seen)})"),
    ]
    if result.from_catalogs:  # read where the files are, when each catalog was built
        rows.append((_("Pictures:"), _("{n} (from the catalogs)").format(n=number(s.images))))
    else:
        from_cache = _("{n} from the cache").format(n=number(s.cache_hits))
        rows.append((_("Pictures read:"), f"{number(s.images)} ({from_cache})"))
    rows.append((_("Duplicate groups:"), number(s.groups)))
    if result.extra.get("ignored_sets"):
        hidden = number(int(result.extra["ignored_sets"]))
        note = _("left out; --no-ignore-list shows them")
        rows.append((_("Ignored sets:"), f"{hidden} ({note})"))
    rows.append((_("Redundant copies:"), number(s.redundant_copies)))
    rows.append((_("Space to reclaim:"), human_bytes(s.reclaimable_bytes)))
    if s.hardlinks:
        note = _("share their bytes; nothing to reclaim")
        rows.append((_("Hard links:"), f"{number(s.hardlinks)} ({note})"))
    rows.append((_("Skipped files:"), number(s.skipped)))
    for text in aligned(rows):
        line(text)
    if result.skipped:
        counts = Counter(k.reason for k in result.skipped)
        for reason, count in counts.most_common():
            line(f"    {number(count):>6}  {_(reason.label)}")
        if not listing:
            line("  " + _("(use --list or --json to see every group and skipped file)"))
        else:
            line()
            for k in result.skipped:
                line(
                    "  "
                    + _("skipped: {path}: {why}").format(
                        path=printable_path(k.path), why=skipped_words(k)
                    )
                )
