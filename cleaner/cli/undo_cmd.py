"""`photosift undo [BATCH]`: put back the files of a removal batch (default: the latest)."""

from __future__ import annotations

import argparse
import itertools
import sys
from collections import Counter
from typing import Any

from cleaner.cli.common import ProgressBar, error
from cleaner.movelock import AnotherRemovalRunning, MoveLockError
from cleaner.progress import Progress
from cleaner.restore import FileRestore, RestoreFinished, RestoreState, restore_batch
from cleaner.undolog import Batch, UndoLog, UndoLogError

EXIT_OK, EXIT_FAILED = 0, 1


def add_parser(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "undo",
        help="put back files moved by 'photosift clean'",
        description="Put back the files of a removal batch from the trash or the quarantine "
        "folder, verifying each one by size and SHA-256. A file whose original name is "
        "taken comes back beside it as 'NAME (restored).EXT'; nothing is ever overwritten.",
        epilog="Exit codes: 0 every file is back, 1 some could not be put back (each is "
        "listed with the reason), the batch is unknown, or another PhotoSift is moving "
        "files (then nothing is put back).",
    )
    p.add_argument(
        "batch",
        nargs="?",
        metavar="BATCH",
        help="a batch id from 'photosift history' (or its start); default: the latest "
        "batch with files to put back",
    )
    p.add_argument(
        "--file",
        dest="files",
        action="append",
        metavar="PATH",
        help="only put back this file (its original path); may be repeated",
    )


def run(args: argparse.Namespace) -> int:
    try:
        with UndoLog() as log:
            if args.batch:
                batch = log.batch(args.batch)
            else:
                latest = log.latest_undoable()
                if latest is None:
                    print("Nothing to undo.")
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
    print(f"Putting back the files of batch {batch.id} ({batch.created_at}).")
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
                print(f"  {event.original_path}: {event.message}", file=stream)
            else:
                finished = event
    finally:
        bar.close()
    assert finished is not None
    return finished


def _report(finished: RestoreFinished, files: list[str] | None) -> int:
    relevant = [r for r in finished.results if r.state is not RestoreState.NOT_MOVED]
    if files and not finished.results:
        error("none of the given files is part of this batch")
        return EXIT_FAILED
    counts = Counter(r.state for r in relevant)
    back = counts[RestoreState.RESTORED] + counts[RestoreState.RESTORED_BESIDE]
    parts = [f"{back:,} of {len(relevant):,} files put back"]
    if counts[RestoreState.ALREADY_RESTORED]:
        parts.append(f"{counts[RestoreState.ALREADY_RESTORED]:,} already put back earlier")
    if counts[RestoreState.IN_PLACE]:
        parts.append(f"{counts[RestoreState.IN_PLACE]:,} had never left")
    problems = [r for r in relevant if not r.ok]
    if problems:
        parts.append(f"{len(problems):,} could not be put back (listed above)")
    print("; ".join(parts) + ".")
    return EXIT_FAILED if problems else EXIT_OK
