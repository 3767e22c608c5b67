"""`photosift history [BATCH]`: list the removal batches in the undo log, or one in detail."""

from __future__ import annotations

import argparse
from typing import Any

from cleaner.cli.common import EXIT_FAILED, EXIT_OK, error, human_bytes, positive_int
from cleaner.humanize import human_time
from cleaner.removal.undolog import (
    BadEntry,
    Batch,
    BatchState,
    LogEntry,
    Outcome,
    UndoLogError,
)
from cleaner.removal.undolog_open import open_log
from cleaner.textsafe import printable, printable_path


def add_parser(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "history",
        help="list past removals (the undo log)",
        description="List the removal batches recorded in the undo log, newest first, or "
        "every file of one batch: where it went and whether it was put back. A damaged "
        "undo log is set aside (renamed, dated) and rebuilt from every record that can "
        "still be read; the command says which records could not be.",
        epilog="Exit codes: 0 success, 1 the undo log cannot be read or the batch is unknown.",
    )
    p.add_argument(
        "batch", nargs="?", metavar="BATCH", help="a batch id (or the start of one) to show"
    )
    p.add_argument(
        "--limit",
        type=positive_int,
        default=20,
        metavar="N",
        help="show the N newest batches (20)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        log, recovery = open_log()
        if recovery is not None:
            error(recovery.message)
        with log:
            if args.batch:
                batch = log.batch(args.batch)
                good, bad = log.entries_checked(batch.id)
                _print_batch(batch, good, bad)
            else:
                _print_batches(log.batches(limit=args.limit), log.path.as_posix())
    except UndoLogError as exc:
        error(str(exc))
        return EXIT_FAILED
    return EXIT_OK


def _state(b: Batch) -> str:
    if b.state is BatchState.RUNNING:
        return "interrupted or running"
    if b.moved and b.restored >= b.moved + b.pending:
        return "undone"
    if b.restored:
        return "partly undone"
    return str(b.state.value)


def _print_batches(batches: list[Batch], log_path: str) -> None:
    if not batches:
        print(f"No removals recorded yet (undo log: {printable_path(log_path)}).")
        return
    print(f"{'BATCH':<21} {'WHEN':<19} {'MOVED':>7} {'SIZE':>10} {'BACK':>6}  STATE")
    for b in batches:
        when = human_time(b.created_at)
        print(
            printable(
                f"{b.id:<21} {when:<19} {b.moved:>7,} {human_bytes(b.bytes_moved):>10} "
                f"{b.restored:>6,}  {_state(b)}"
            )
        )
    print("Details: photosift history BATCH    Put files back: photosift undo [BATCH]")


_OUTCOME_TEXT = {
    Outcome.MOVED: "moved",
    Outcome.PENDING: "interrupted (may have moved)",
    Outcome.FAILED: "failed",
    Outcome.SKIPPED: "skipped",
    Outcome.NOT_MOVED: "not moved",
}


def _print_batch(b: Batch, entries: list[LogEntry], bad: list[BadEntry]) -> None:
    print(
        printable(
            f"Batch {b.id}, {human_time(b.created_at)}, PhotoSift {b.app_version}, {_state(b)}"
        )
    )
    if b.source:
        print(f"From: {printable_path(b.source)}")
    for e in entries:
        line = f"  {_OUTCOME_TEXT[e.outcome]:<10} {printable_path(e.original_path)}"
        if e.destination and e.outcome is Outcome.MOVED:
            line += f"\n             → {e.method.value}: {printable_path(e.destination)}"
        if e.detail:
            line += f"\n             ({printable(e.detail)})"
        if e.restore_state:
            back = e.restore_state.replace("_", " ")
            line += f"\n             restore: {printable(back)}"
            if e.restored_to and e.restored_to != e.original_path:
                line += f" → {printable_path(e.restored_to)}"
        print(line)
    for record in bad:
        print(f"  {printable(record.message)}")
