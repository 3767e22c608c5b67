"""The `photosift` command.

With no arguments it opens the window. `photosift scan|clean|undo|history|report`
is the command line; each subcommand lives in `cleaner/cli/<name>_cmd.py` and
exposes `add_parser(subparsers)` and `run(args) -> int`.

Exit codes (all subcommands):
  0  success
  1  the command ran but something it was asked to do failed (see its message), or its
     output went into a pipe that was closed early (`photosift history | head`)
  2  bad arguments or options
  3  a folder or file given on the command line cannot be used
  130 cancelled with Ctrl+C
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence

from cleaner.version import __version__

SUBCOMMANDS = ["scan", "clean", "history", "undo", "report"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_BAD_INPUT = 3
EXIT_CANCELLED = 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="photosift",
        description="Find duplicate and near-duplicate photos, choose the best copy of each, "
        "and move the other copies to the trash with an undo log. "
        "Run without a command to open the window.",
        epilog="Exit codes: 0 success, 1 failed, 2 bad options, 3 unusable folder or file, "
        "130 cancelled.",
    )
    parser.add_argument("--version", action="version", version=f"PhotoSift {__version__}")
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"cleaner.cli.{name}_cmd")
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list == ["--smoke-test"] or args_list[:1] == ["--portable"]:
        return _launch_window(args_list)
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.command is None:
        return _launch_window(args_list)
    module = importlib.import_module(f"cleaner.cli.{args.command}_cmd")
    try:
        code: int = module.run(args)
        sys.stdout.flush()  # inside the try: a reader gone early shows up here too
    except KeyboardInterrupt:
        print("\nCancelled.", file=sys.stderr)
        return EXIT_CANCELLED
    except BrokenPipeError:
        return _reader_went_away()
    return code


def _reader_went_away() -> int:
    """The command's output was piped into something that stopped reading early
    (`photosift history | head`): end quietly, without a traceback. As the Python docs
    recommend (signal module, "Note on SIGPIPE"), point stdout at devnull so the flush at
    exit does not fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return EXIT_FAILED


def _launch_window(argv: list[str]) -> int:
    # Imported by name so that the engine package never imports Qt (import-linter checks
    # static imports; this one runs only when the window is asked for).
    try:
        app = importlib.import_module("ui.app")
    except ImportError as exc:
        print(
            f"photosift: the window needs PySide6, which is not installed ({exc}). "
            "The command line works without it: photosift --help",
            file=sys.stderr,
        )
        return EXIT_FAILED
    code: int = app.main(argv)
    return code


if __name__ == "__main__":
    sys.exit(main())
