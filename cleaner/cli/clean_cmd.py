"""`photosift clean --from RESULT.json`: move the copies a saved scan suggests removing.

Prints exactly what it will do, asks for confirmation (unless ``--yes``), then moves each
file to the trash, recording it in the undo log first. ``photosift undo`` puts them back.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any

from cleaner.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_CANCELLED,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    ProgressBar,
    ask,
    error,
    human_bytes,
    is_yes,
)
from cleaner.detect.ignore import IgnoreList, without_ignored
from cleaner.errors import ResultFormatError
from cleaner.i18n import _, ngettext, number
from cleaner.progress import CancelToken, Progress
from cleaner.removal.move import (
    FileKept,
    FileRemoved,
    QuarantineMode,
    RemovalFinished,
    RemovalOptions,
    remove_files,
)
from cleaner.removal.movelock import AnotherRemovalRunning, MoveLockError
from cleaner.removal.plan import KeepReason, KeptFile, PlannedFile, RemovalPlan, plan_removal
from cleaner.removal.undolog import UndoLog, UndoLogError
from cleaner.resultio import load
from cleaner.textsafe import printable, printable_path


def add_parser(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "clean",
        help=_("move the copies a saved scan suggests removing to the trash"),
        description=_(
            "Move the copies that a saved scan (photosift scan --json FILE) suggests "
            "removing to the trash. Every move is recorded in the undo log first; "
            "'photosift undo' puts the files back. Never removes the last copy of a picture, "
            "a file in a protected folder, a symbolic link, or a file that changed since the "
            "scan, and never deletes permanently. A picture's sidecar files (.xmp, .aae, .thm) "
            "go with it, unless another picture beside it still uses them. Sets you marked "
            "as not copies (the ignore list, as in 'photosift scan') are left alone."
        ),
        epilog=_(
            "Only one PhotoSift at a time moves files: while another one is moving or "
            "putting back files, clean says so and moves nothing. "
            "Exit codes: 0 done (or declined), 1 some files were not moved, the "
            "confirmation was not given or another PhotoSift is moving files, "
            "3 the result file, the manifest or the ignore list cannot be used, 130 cancelled."
        ),
    )
    p.add_argument(
        "--from",
        dest="result",
        required=True,
        metavar="RESULT.json",
        help=_(
            "the saved scan result, or a removal manifest (photosift scan --catalog ... "
            "--manifests DIR) run on its own server"
        ),
    )
    p.add_argument(
        "--dry-run", action="store_true", help=_("only show what would be moved; change nothing")
    )
    p.add_argument("-y", "--yes", action="store_true", help=_("do not ask for confirmation"))
    p.add_argument(
        "--protect",
        action="append",
        default=[],
        metavar="DIR",
        help=_(
            "never remove files under DIR (in addition to the scan's protected folders); "
            "may be repeated"
        ),
    )
    q = p.add_mutually_exclusive_group()
    q.add_argument(
        "--quarantine",
        metavar="DIR",
        help=_(
            "where the trash is unavailable (network shares, some external drives), move "
            "files to the quarantine folder DIR instead"
        ),
    )
    q.add_argument(
        "--quarantine-auto",
        action="store_true",
        help=_(
            "where the trash is unavailable, move files to '.photosift-quarantine' at the "
            "root of their drive or share"
        ),
    )
    p.add_argument(
        "--quarantine-only",
        action="store_true",
        help=_(
            "never use the trash: move every file to the quarantine folder "
            "(needs --quarantine DIR or --quarantine-auto)"
        ),
    )
    ignore = p.add_mutually_exclusive_group()
    ignore.add_argument(
        "--ignore-list",
        metavar="FILE",
        help=_(
            "leave alone the sets this ignore list holds (default: the list the window keeps, "
            "ignored-sets.json in PhotoSift's data folder); if it cannot be fully read, nothing "
            "is moved"
        ),
    )
    ignore.add_argument(
        "--no-ignore-list",
        action="store_true",
        help=_("clean every set of the result file, even sets you marked as not copies"),
    )
    from cleaner.cli.clean_manifest import add_manifest_options

    add_manifest_options(p)


def run(args: argparse.Namespace) -> int:
    if args.quarantine_only and not (args.quarantine or args.quarantine_auto):
        error(_("--quarantine-only needs --quarantine DIR or --quarantine-auto"))
        return EXIT_USAGE
    from cleaner.cli.clean_manifest import is_manifest_run, run_manifest

    if is_manifest_run(args):
        return run_manifest(args)
    try:
        result = load(args.result)
    except ResultFormatError as exc:
        error(str(exc))
        return EXIT_BAD_INPUT
    if result.from_catalogs:
        error(
            _(
                "{result} is the result of a scan of catalogs: its paths (LABEL:PATH) name "
                "files on other machines, not here; nothing was moved"
            ).format(result=args.result)
        )
        return EXIT_BAD_INPUT
    ignore = _ignore_list(args)
    if isinstance(ignore, str):
        error(ignore)
        return EXIT_BAD_INPUT
    result, left_alone = without_ignored(result, ignore)
    plan = plan_removal(result, protected_folders=args.protect)
    options = _options(args)
    if left_alone:
        n = len(left_alone)
        print(
            ngettext(
                "{n} set you marked as not copies (ignore list) is left alone; "
                "--no-ignore-list cleans it too.",
                "{n} sets you marked as not copies (ignore list) are left alone; "
                "--no-ignore-list cleans them too.",
                n,
            ).format(n=number(n))
        )
    return carry_out(plan, options, args)


def carry_out(plan: RemovalPlan, options: RemovalOptions, args: argparse.Namespace) -> int:
    """Show the plan, ask (unless --yes or --dry-run) and move: every clean ends here, of a
    scan result or of a removal manifest (`cleaner.cli.clean_manifest`)."""
    _print_plan(plan, options, args.result)
    if not plan.files:
        print(_("Nothing to remove."))
        return EXIT_OK
    if args.dry_run:
        print(_("Dry run: nothing was moved."))
        return EXIT_OK
    if not args.yes:
        answer = ask(
            _("Move {files} ({size})? [y/N] ").format(
                files=_files(len(plan.files)), size=human_bytes(plan.bytes_total)
            )
        )
        if answer is None:
            error(
                _("no answer on standard input; nothing was moved (use --yes to skip the question)")
            )
            return EXIT_FAILED
        if not is_yes(answer):
            print(_("Nothing was moved."))
            return EXIT_OK
    try:
        with UndoLog() as log:
            finished = _execute(plan, log, options, args.result)
    except UndoLogError as exc:
        error(
            _("{exc}. Files already moved are in the log; nothing else was moved.").format(exc=exc)
        )
        return EXIT_FAILED
    except (AnotherRemovalRunning, MoveLockError) as exc:  # raised before the first move
        error(str(exc))
        return EXIT_FAILED
    return _report(finished)


def _ignore_list(args: argparse.Namespace) -> IgnoreList | str | None:
    """The ignore list to honour (None with --no-ignore-list), or what is wrong with it.

    Unlike `scan`, which only shows less, `clean` moves files: with a list it could not
    fully read it might move a copy of a set the user said is no set, so it refuses.
    `IgnoreList.load` never opens a FIFO or a folder (no hang) and never raises; `error`
    shows control characters in the message as escapes."""
    if args.no_ignore_list:
        return None
    if args.ignore_list and not os.path.lexists(args.ignore_list):
        return _("cannot read the ignore list {file}: there is no such file").format(
            file=args.ignore_list
        )
    ignore = IgnoreList.load(args.ignore_list)
    if ignore.problem:
        refusal = _(
            "Nothing was moved, since sets you marked as not copies could be among them: fix "
            "or remove that file, or use --no-ignore-list to clean every set."
        )
        return f"{ignore.problem} {refusal}"
    return ignore


def _options(args: argparse.Namespace) -> RemovalOptions:
    if not (args.quarantine or args.quarantine_auto):
        return RemovalOptions()
    mode = QuarantineMode.ALWAYS if args.quarantine_only else QuarantineMode.FALLBACK
    return RemovalOptions(mode, args.quarantine or None)


def _files(n: int) -> str:
    return ngettext("{n} file", "{n} files", n).format(n=number(n))


def _print_plan(plan: RemovalPlan, options: RemovalOptions, source: str) -> None:
    where = {
        QuarantineMode.OFF: _("the trash"),
        QuarantineMode.FALLBACK: _("the trash (or the quarantine folder where there is no trash)"),
        QuarantineMode.ALWAYS: _("the quarantine folder"),
    }[options.quarantine]
    if plan.files:
        size = human_bytes(plan.bytes_total)
        print(
            ngettext(
                "From {source}: {n} file ({size}) will be moved to {where}:",
                "From {source}: {n} files ({size}) will be moved to {where}:",
                len(plan.files),
            ).format(
                source=printable_path(source), n=number(len(plan.files)), size=size, where=where
            )
        )
        carriers = {c.path: f.path for f in plan.files for c in f.sidecars}
        for f in plan.files:
            print(f"  {printable_path(f.path)}")
            _print_sidecars(f, carriers)
    if plan.refused:
        n = len(plan.refused)
        print(
            ngettext(
                "{n} file marked for removal will stay where it is:",
                "{n} files marked for removal will stay where they are:",
                n,
            ).format(n=number(n))
        )
        for k in plan.refused:
            print(f"  {printable_path(k.path)}: {printable(k.words)}")
    if options.quarantine is not QuarantineMode.OFF:
        folder = options.quarantine_dir or _("'.photosift-quarantine' at the root of each drive")
        print(_("Quarantine folder: {folder}").format(folder=printable_path(folder)))


def _print_sidecars(f: PlannedFile, carriers: dict[str, str]) -> None:
    """A planned picture's sidecar files, right under it. `carriers`: sidecar -> the
    planned picture it moves with."""
    for car in f.sidecars:
        print(
            "    "
            + _("+ {path} (its sidecar file, moved with it)").format(path=printable_path(car.path))
        )
    for path in f.shared_sidecars:
        with_other = carriers.get(path)
        shown = printable_path(path)
        if with_other is not None:
            with_shown = printable_path(with_other)
            print(
                "    "
                + _("= {shown} (sidecar file it shares: moved with {with_shown})").format(
                    shown=shown, with_shown=with_shown
                )
            )
        else:
            print(
                "    "
                + _("= {shown} (sidecar file another picture beside it uses: it stays)").format(
                    shown=shown
                )
            )
    if f.keeper_has_no_sidecar:
        print(
            "    "
            + _(
                "Note: the copy that stays has no sidecar file; keywords and captions found "
                "only in this copy's sidecar go to the trash with it (undo puts them back)."
            )
        )


@contextlib.contextmanager
def _ctrl_c_cancels(cancel: CancelToken) -> Iterator[None]:
    """Ctrl+C stops between two files instead of in the middle of one."""
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: cancel.cancel())
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _execute(
    plan: RemovalPlan, log: UndoLog, options: RemovalOptions, source: str
) -> RemovalFinished:
    cancel = CancelToken()
    bar = ProgressBar()
    finished: RemovalFinished | None = None
    with _ctrl_c_cancels(cancel):
        try:
            for event in remove_files(plan, log, options=options, cancel=cancel, source=source):
                if isinstance(event, Progress):
                    bar.update(event)
                elif isinstance(event, FileKept):
                    bar.close()
                    kept = event.kept
                    print(
                        "  "
                        + _("not moved: {path}: {message}").format(
                            path=printable_path(kept.path), message=printable(kept.words)
                        ),
                        file=sys.stderr,
                    )
                elif isinstance(event, FileRemoved) and event.sidecars_kept:
                    bar.close()
                    for k in event.sidecars_kept:
                        shown = f"{printable_path(k.path)}: {printable(k.words)}"
                        print(
                            "  " + _("sidecar not moved: {shown}").format(shown=shown),
                            file=sys.stderr,
                        )
                elif isinstance(event, RemovalFinished):
                    finished = event
        finally:
            bar.close()
    assert finished is not None
    return finished


def _report(finished: RemovalFinished) -> int:
    removed = finished.removed
    if removed:
        methods = Counter(r.method.value for r in removed)
        where = (" " + _("and") + " ").join(
            (_("{n} to the trash") if m == "trash" else _("{n} to the quarantine folder")).format(
                n=number(n)
            )
            for m, n in methods.items()
        )
        sidecars = sum(len(r.sidecars) for r in removed)
        moved = _files(len(removed))
        if sidecars:
            moved = ngettext(
                "{files} and {n} sidecar file", "{files} and {n} sidecar files", sidecars
            ).format(files=moved, n=number(sidecars))
        print(
            _("Moved {files} ({size}): {where}. To put them back: photosift undo {batch}").format(
                files=moved,
                size=human_bytes(finished.bytes_removed),
                where=where,
                batch=finished.batch_id,
            )
        )
    if finished.kept:
        n = len(finished.kept)
        print(
            ngettext(
                "{n} file was not moved (listed above).",
                "{n} files were not moved (listed above).",
                n,
            ).format(n=number(n))
        )
        _hint(finished.kept)
    if finished.cancelled:
        print(_("Cancelled: the remaining files were not moved."), file=sys.stderr)
        return EXIT_CANCELLED
    return EXIT_FAILED if finished.kept else EXIT_OK


def _hint(kept: tuple[KeptFile, ...]) -> None:
    if any(k.reason is KeepReason.TRASH_UNAVAILABLE for k in kept):
        print(
            _(
                "The trash is not available where some files are (a network share or an external "
                "drive). Run again with --quarantine DIR or --quarantine-auto to move them to a "
                "quarantine folder instead; nothing is ever deleted permanently."
            )
        )
