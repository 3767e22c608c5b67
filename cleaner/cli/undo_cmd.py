"""`photosift undo [BATCH]`: put back the files of a removal batch (default: the latest)."""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from collections import Counter
from datetime import datetime
from typing import Any

from cleaner.cli.common import EXIT_FAILED, EXIT_OK, ProgressBar, ask, error, is_yes
from cleaner.i18n import _, ngettext, number, time_of
from cleaner.progress import Progress
from cleaner.removal import rescue
from cleaner.removal.movelock import AnotherRemovalRunning, MoveLockError
from cleaner.removal.restore import FileRestore, RestoreFinished, RestoreState, restore_batch
from cleaner.removal.undolog import Batch, UndoLog, UndoLogError
from cleaner.removal.undolog_open import open_log
from cleaner.textsafe import printable, printable_path


def add_parser(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "undo",
        help=_("put back files moved by 'photosift clean'"),
        description=_(
            "Put back the files of a removal batch from the trash or the quarantine "
            "folder, verifying each one by size and SHA-256. A file whose original name is "
            "taken comes back beside it as 'NAME (restored).EXT'; nothing is ever overwritten, "
            "and nothing goes back through a folder that is now a symbolic link. A record of "
            "the undo log that is not valid (edited or damaged) is listed and skipped; a "
            "damaged undo log is set aside and rebuilt from what can still be read."
        ),
        epilog=_(
            "Without the undo log: photosift undo --from-trash --folder ~/Pictures "
            "[--since 2025-01-31] [--quarantine DIR] [--yes]. "
            "Exit codes: 0 every file is back, 1 some could not be put back (each is "
            "listed with the reason), the batch is unknown, or another PhotoSift is moving "
            "files (then nothing is put back)."
        ),
    )
    p.add_argument(
        "batch",
        nargs="?",
        metavar="BATCH",
        help=_(
            "a batch id from 'photosift history' (or its start); default: the latest "
            "batch with files to put back"
        ),
    )
    p.add_argument(
        "--file",
        dest="files",
        action="append",
        metavar="PATH",
        help=_("only put back this file (its original path); may be repeated"),
    )
    lost = p.add_argument_group(
        _("without the undo log"),
        _(
            "When the undo log is gone or some of its records could not be read, --from-trash "
            "looks for PhotoSift's moves in the quarantine folders (each batch folder keeps "
            "its own index, with each file's SHA-256) and in the trash (files whose recorded "
            "original place is inside a --folder). It lists what it found and asks before "
            "putting anything back."
        ),
    )
    lost.add_argument(
        "--from-trash",
        action="store_true",
        help=_("find the files in the quarantine folders and the trash instead of the log"),
    )
    lost.add_argument(
        "--folder",
        dest="folders",
        action="append",
        metavar="DIR",
        help=_(
            "only files that were in this folder (or below); needed to search the trash; "
            "may be repeated"
        ),
    )
    lost.add_argument(
        "--quarantine",
        dest="quarantines",
        action="append",
        metavar="DIR",
        help=_(
            "a quarantine folder to search (default: the one PhotoSift uses for each "
            "--folder); may be repeated"
        ),
    )
    lost.add_argument(
        "--since",
        metavar="DATE",
        help=_("only files moved on or after this date (YYYY-MM-DD or YYYY-MM-DD HH:MM)"),
    )
    lost.add_argument(
        "--yes", action="store_true", help=_("do not ask before putting the files back")
    )


def run(args: argparse.Namespace) -> int:
    if args.from_trash:
        return _run_from_trash(args)
    if args.folders or args.quarantines or args.since or args.yes:
        error(_("--folder, --quarantine, --since and --yes go with --from-trash"))
        return EXIT_FAILED
    try:
        log, recovery = open_log()
        if recovery is not None:
            error(recovery.message)
        with log:
            if args.batch:
                batch = log.batch(args.batch)
            else:
                latest = log.latest_undoable()
                if latest is None:
                    print(_("Nothing to undo."))
                    if not log.batches(limit=1):
                        print(
                            _(
                                "If files were moved before the undo log was lost: "
                                "photosift undo --from-trash --folder DIR"
                            )
                        )
                    return EXIT_OK
                batch = latest
            finished = _run(log, batch, args.files)
    except (UndoLogError, AnotherRemovalRunning, MoveLockError) as exc:
        error(str(exc))
        return EXIT_FAILED
    return _report(finished, args.files)


def _run(log: UndoLog, batch: Batch, files: list[str] | None) -> RestoreFinished:
    bar = ProgressBar()
    finished: RestoreFinished | None = None
    events = restore_batch(log, batch.id, paths=files)
    first = next(events)  # raises AnotherRemovalRunning before saying anything
    print(
        printable(
            _("Putting back the files of batch {id} ({when}).").format(
                id=batch.id, when=time_of(batch.created_at)
            )
        )
    )
    try:
        for event in itertools.chain([first], events):
            if isinstance(event, Progress):
                bar.update(event)
            elif isinstance(event, FileRestore):
                if event.state in (RestoreState.RESTORED, RestoreState.ALREADY_RESTORED):
                    continue
                if event.state is RestoreState.NOT_MOVED:
                    continue  # skipped or failed at removal time: nothing to put back
                bar.close()
                stream = sys.stdout if event.ok else sys.stderr
                shown = f"{printable_path(event.original_path)}: {printable(event.words)}"
                print(f"  {shown}", file=stream)
            else:
                finished = event
    finally:
        bar.close()
    assert finished is not None
    return finished


def _report(finished: RestoreFinished, files: list[str] | None) -> int:
    relevant = [r for r in finished.results if r.state is not RestoreState.NOT_MOVED]
    if files and not finished.results:
        error(_("none of the given files is part of this batch"))
        return EXIT_FAILED
    counts = Counter(r.state for r in relevant)
    back = counts[RestoreState.RESTORED] + counts[RestoreState.RESTORED_BESIDE]
    parts = [_put_back(back, len(relevant))]
    if counts[RestoreState.ALREADY_RESTORED]:
        n = counts[RestoreState.ALREADY_RESTORED]
        parts.append(_("{n} already put back earlier").format(n=number(n)))
    if counts[RestoreState.IN_PLACE]:
        n = counts[RestoreState.IN_PLACE]
        parts.append(_("{n} had never left").format(n=number(n)))
    problems = [r for r in relevant if not r.ok]
    if problems:
        parts.append(_not_put_back(len(problems)))
    print("; ".join(parts) + ".")
    return EXIT_FAILED if problems else EXIT_OK


# -- without the undo log ------------------------------------------------------------------


def _run_from_trash(args: argparse.Namespace) -> int:
    if args.batch or args.files:
        error(_("--from-trash does not use the undo log: give --folder DIR instead of a batch"))
        return EXIT_FAILED
    folders = [os.path.abspath(f) for f in args.folders or []]
    if not folders and not args.quarantines:
        error(_("say where to look: --folder DIR (where the files were) and/or --quarantine DIR"))
        return EXIT_FAILED
    since: float | None = None
    if args.since:
        try:
            since = datetime.fromisoformat(args.since).timestamp()
        except (ValueError, OverflowError, OSError):
            error(
                _("--since {text} is not a date like 2025-01-31 or 2025-01-31 14:30").format(
                    text=repr(args.since)
                )
            )
            return EXIT_FAILED
    roots = [*(args.quarantines or []), *rescue.quarantine_roots_for(folders)]
    from_quarantine, problems = rescue.find_in_quarantine(roots, folders, since)
    in_quarantine = {f.data_path for f in from_quarantine}
    from_trash = [
        f for f in rescue.find_in_trash(folders, since) if f.data_path not in in_quarantine
    ]
    for line in problems:
        error(line)
    found = from_quarantine + from_trash
    if not found:
        if folders:
            print(_("Nothing found to put back in the quarantine folders or the trash."))
        else:
            print(_("Nothing found to put back in the quarantine folders."))
        return EXIT_OK
    print(
        ngettext("Found {n} file to put back:", "Found {n} files to put back:", len(found)).format(
            n=number(len(found))
        )
    )
    for f in found:
        print(
            "  "
            + _("{path}  (from {where})").format(
                path=printable_path(f.original_path), where=printable(f.where)
            )
        )
    if from_trash:
        n = len(from_trash)
        if since is not None:
            text = ngettext(
                "The {n} from the trash is chosen by its original folder and date only: the "
                "trash does not say who deleted it. Check the list.",
                "The {n} from the trash are chosen by their original folder and date only: the "
                "trash does not say who deleted them. Check the list.",
                n,
            )
        else:
            text = ngettext(
                "The {n} from the trash is chosen by its original folder only: the trash does "
                "not say who deleted it. Check the list.",
                "The {n} from the trash are chosen by their original folder only: the trash "
                "does not say who deleted them. Check the list.",
                n,
            )
        print(text.format(n=number(n)))
    if sys.platform == "darwin" and folders:
        print(_("The macOS trash keeps no record of where files came from: not searched."))
    if not args.yes:
        answer = ask(
            ngettext(
                "Put back this {n} file? [y/N] ", "Put back these {n} files? [y/N] ", len(found)
            ).format(n=number(len(found)))
        )
        if answer is None:
            error(_("no answer on standard input; nothing was put back (use --yes)"))
            return EXIT_FAILED
        if not is_yes(answer):
            print(_("Nothing was put back."))
            return EXIT_OK
    results = []
    try:
        for r in rescue.put_back_all(found):
            results.append(r)
            if r.state is not RestoreState.RESTORED:
                stream = sys.stdout if r.ok else sys.stderr
                print(f"  {printable_path(r.original_path)}: {printable(r.words)}", file=stream)
    except (AnotherRemovalRunning, MoveLockError) as exc:  # raised before the first file
        error(str(exc))
        return EXIT_FAILED
    back = sum(r.ok for r in results)
    problems_n = len(results) - back
    text = _put_back(back, len(results))
    if problems_n:
        text += "; " + _not_put_back(problems_n)
    print(text + ".")
    return EXIT_FAILED if problems_n else EXIT_OK


def _put_back(back: int, total: int) -> str:
    """ "3 of 4 files put back"."""
    return ngettext("{back} of {n} file put back", "{back} of {n} files put back", total).format(
        back=number(back), n=number(total)
    )


def _not_put_back(n: int) -> str:
    return ngettext(
        "{n} could not be put back (listed above)", "{n} could not be put back (listed above)", n
    ).format(n=number(n))
