"""The `photosift` command line: `photosift scan|clean|undo|history|report|catalog`.

Each subcommand lives in `cleaner/cli/<name>_cmd.py` and exposes `add_parser(subparsers)`
and `run(args) -> int`. The `photosift` program itself starts in `ui/launch.py`, which
opens the window when no command is given and hands everything else to `main` here: the
engine never loads the window, not even by name. `python -m cleaner` is this command
line alone; without a command it is a usage error (see `main`).

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

from cleaner.cli.argparse_words import use_our_catalog
from cleaner.cli.common import EXIT_CANCELLED, EXIT_FAILED
from cleaner.i18n import _, set_language
from cleaner.version import __version__

SUBCOMMANDS = ["scan", "clean", "history", "undo", "report", "catalog"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="photosift",
        description=_(
            "Find duplicate and near-duplicate photos, choose the best copy of each, "
            "and move the other copies to the trash with an undo log. "
            "Run without a command to open the window."
        ),
        epilog=_(
            "Exit codes: 0 success, 1 failed, 2 bad options, 3 unusable folder or file, "
            "130 cancelled."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"PhotoSift {__version__}",
        help=_("show program's version number and exit"),
    )
    parser.add_argument(
        "--lang",
        metavar="LANG",
        help=_(
            "the language of messages and reports, such as es or en (default: the "
            "system's, from LANGUAGE, LC_ALL, LC_MESSAGES or LANG)"
        ),
    )
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"cleaner.cli.{name}_cmd")
        module.add_parser(sub)
    return parser


def language_option(args: Sequence[str]) -> str | None:
    """The value of `--lang` among the arguments, read before the parser is built (its
    help texts are in the chosen language); None when it is not given. Only options before
    a lone `--` count."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    set_language(language_option(args_list))
    use_our_catalog()
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.command is None:
        # Reached by `python -m cleaner` (or a script) without a command: the window is the
        # `photosift` program's, not the engine's. Treated like any other missing argument
        # (usage on stderr, exit 2) rather than printing the whole help, so a script that
        # forgot its command fails loudly instead of succeeding with help on stdout.
        parser.error(
            _(
                "no command given: choose one of {commands} "
                "(the window opens when the photosift program is run without a command)"
            ).format(commands=", ".join(SUBCOMMANDS))
        )
    module = importlib.import_module(f"cleaner.cli.{args.command}_cmd")
    try:
        code: int = module.run(args)
        sys.stdout.flush()  # inside the try: a reader gone early shows up here too
    except KeyboardInterrupt:
        print("\n" + _("Cancelled."), file=sys.stderr)
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


if __name__ == "__main__":
    sys.exit(main())
