"""Small helpers shared by the subcommands: sizes, durations, a terminal progress bar."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from typing import TextIO

from cleaner.humanize import human_bytes, human_duration
from cleaner.progress import Progress
from cleaner.textsafe import printable

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_CANCELLED",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "ProgressBar",
    "ask",
    "error",
    "human_bytes",
    "human_duration",
    "positive_int",
]

# The exit codes of every subcommand, in one place so they cannot drift apart (what each
# means is in `cleaner.cli`'s docstring and `photosift --help`).
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_BAD_INPUT = 3
EXIT_CANCELLED = 130


def error(message: str) -> None:
    """One line on stderr. Control and bidi characters in the message (a file name in it)
    are shown as escapes (`cleaner.textsafe`), so a message is always exactly one line."""
    print(f"photosift: {printable(message)}", file=sys.stderr)


def ask(prompt: str) -> str | None:
    """The user's answer to a yes/no question on standard input; None when there is none."""
    print(prompt, end="", flush=True)
    line = sys.stdin.readline()
    if not sys.stdin.isatty():
        print()  # the answer was not echoed: end the prompt's line
    return line if line else None


def positive_int(text: str) -> int:
    """argparse type for counts such as --times and --limit: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


class ProgressBar:
    """A one-line progress bar on a terminal; silent when stderr is not a terminal."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._last = 0.0
        self._shown = False

    def update(self, p: Progress) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and p.done != p.total:
            return
        self._last = now
        width = shutil.get_terminal_size((80, 20)).columns
        bar_width = 20
        filled = int(bar_width * p.overall)
        bar = "#" * filled + "-" * (bar_width - filled)
        count = f"{p.done:,}/{p.total:,}" if p.total else f"{p.done:,}"
        extra = f" {p.rate:,.0f}/s" if p.rate >= 1 else ""
        if p.eta_seconds is not None and p.total:
            extra += f" ETA {human_duration(p.eta_seconds)}"
        line = f"[{bar}] {p.overall * 100:3.0f}% {p.stage}: {count}{extra}"
        self.stream.write("\r" + line[: width - 1].ljust(width - 1))
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self.enabled and self._shown:
            self.stream.write("\r" + " " * (shutil.get_terminal_size((80, 20)).columns - 1) + "\r")
            self.stream.flush()
            self._shown = False
