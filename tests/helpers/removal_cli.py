"""`photosift clean`, `history` and `undo` run in-process through their own argparse parsers."""

from __future__ import annotations

import argparse

from cleaner.cli import clean_cmd, history_cmd, undo_cmd


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="photosift")
    sub = parser.add_subparsers(dest="command")
    for module in (clean_cmd, history_cmd, undo_cmd):
        module.add_parser(sub)
    args = parser.parse_args(argv)
    module = {"clean": clean_cmd, "history": history_cmd, "undo": undo_cmd}[args.command]
    return module.run(args)
