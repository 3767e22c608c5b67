"""`photosift history [BATCH]`: list the removal batches in the undo log, or one in detail."""

from __future__ import annotations

import argparse
from typing import Any

from cleaner.cli.common import EXIT_FAILED, EXIT_OK, error, human_bytes, positive_int
from cleaner.i18n import N_, _, number, pgettext, stored_words, time_of
from cleaner.removal.restore import restore_state_words
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
        help=_("list past removals (the undo log)"),
        description=_(
            "List the removal batches recorded in the undo log, newest first, or "
            "every file of one batch: where it went and whether it was put back. A damaged "
            "undo log is set aside (renamed, dated) and rebuilt from every record that can "
            "still be read; the command says which records could not be."
        ),
        epilog=_("Exit codes: 0 success, 1 the undo log cannot be read or the batch is unknown."),
    )
    p.add_argument(
        "batch", nargs="?", metavar="BATCH", help=_("a batch id (or the start of one) to show")
    )
    p.add_argument(
        "--limit",
        type=positive_int,
        default=20,
        metavar="N",
        help=_("show the N newest batches (20)"),
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


# A batch's state in words (`BatchState` values are codes in the undo log).
_STATE_TEXT = {
    BatchState.FINISHED.value: N_("finished"),
    BatchState.CANCELLED.value: N_("cancelled"),
}


def _state(b: Batch) -> str:
    if b.state is BatchState.RUNNING:
        return _("interrupted or running")
    if b.moved and b.restored >= b.moved + b.pending:
        return _("undone")
    if b.restored:
        return _("partly undone")
    text = _STATE_TEXT.get(str(b.state.value))
    return _(text) if text else str(b.state.value)


def _print_batches(batches: list[Batch], log_path: str) -> None:
    if not batches:
        print(
            _("No removals recorded yet (undo log: {file}).").format(file=printable_path(log_path))
        )
        return
    # Column headings in capitals; each column as wide as its heading or widest value.
    heads = [
        pgettext("history column", "BATCH"),
        pgettext("history column", "WHEN"),
        pgettext("history column", "MOVED"),
        pgettext("history column", "SIZE"),
        pgettext("history column", "BACK"),
        pgettext("history column", "STATE"),
    ]
    rows = [
        [
            b.id,
            time_of(b.created_at),
            number(b.moved),
            human_bytes(b.bytes_moved),
            number(b.restored),
            _state(b),
        ]
        for b in batches
    ]
    widths = [max(len(r[i]) for r in [heads, *rows]) for i in range(5)]
    left = (True, True, False, False, False)
    for r in [heads, *rows]:
        cells = [
            (c.ljust(w) if lft else c.rjust(w))
            for c, w, lft in zip(r[:5], widths, left, strict=True)
        ]
        print(printable(" ".join(cells) + "  " + r[5]))
    print(_("Details: photosift history BATCH    Put files back: photosift undo [BATCH]"))


_OUTCOME_TEXT = {
    Outcome.MOVED: N_("moved"),
    Outcome.PENDING: N_("interrupted (may have moved)"),
    Outcome.FAILED: N_("failed"),
    Outcome.SKIPPED: N_("skipped"),
    Outcome.NOT_MOVED: N_("not moved"),
}


def _print_batch(b: Batch, entries: list[LogEntry], bad: list[BadEntry]) -> None:
    print(
        printable(
            _("Batch {id}, {when}, PhotoSift {version}, {state}").format(
                id=b.id, when=time_of(b.created_at), version=b.app_version, state=_state(b)
            )
        )
    )
    if b.source:
        # a path, or a rebuilt batch's note (stored in English, marked where it is made)
        print(_("From: {source}").format(source=printable_path(_(b.source))))
    for e in entries:
        line = f"  {_(_OUTCOME_TEXT[e.outcome]):<10} {printable_path(e.original_path)}"
        if e.destination and e.outcome is Outcome.MOVED:
            line += f"\n             → {e.method.value}: {printable_path(e.destination)}"
        if e.detail:
            line += f"\n             ({printable(stored_words(e.detail))})"
        if e.restore_state:
            back = restore_state_words(e.restore_state)
            line += "\n             " + _("restore: {state}").format(state=printable(back))
            if e.restored_to and e.restored_to != e.original_path:
                line += f" → {printable_path(e.restored_to)}"
        print(line)
    for record in bad:
        print(f"  {printable(record.message)}")
