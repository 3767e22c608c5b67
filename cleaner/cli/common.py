"""Small helpers shared by the subcommands: sizes, durations, a terminal progress bar."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from typing import TextIO

from cleaner.humanize import human_duration
from cleaner.i18n import _, number
from cleaner.i18n import human_size as human_bytes
from cleaner.progress import Progress
from cleaner.textsafe import printable

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_CANCELLED",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "ProgressBar",
    "aligned",
    "ask",
    "error",
    "human_bytes",
    "human_duration",
    "is_yes",
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


def aligned(rows: list[tuple[str, str]], indent: str = "  ", width: int = 20) -> list[str]:
    """Label and value pairs as lines with the values in one column ("  Files seen:   12"):
    the labels are padded here, not in the translated strings, so a translation of any
    length stays aligned (`width` is the least room a label gets)."""
    width = max([width, *(len(label) for label, _value in rows)])
    return [f"{indent}{label:<{width}} {value}" for label, value in rows]


def ask(prompt: str) -> str | None:
    """The user's answer to a yes/no question on standard input; None when there is none."""
    print(prompt, end="", flush=True)
    line = sys.stdin.readline()
    if not sys.stdin.isatty():
        print()  # the answer was not echoed: end the prompt's line
    return line if line else None


def is_yes(answer: str) -> bool:
    """Whether an answer to a "[y/N]" question is yes: "y" or "yes", or the words the
    user's language uses ("s" and "sí" in Spanish)."""
    # Translators: the short and the long answer "yes" to a [y/N] question
    words = {"y", "yes", _("y"), _("yes")}
    return answer.strip().lower() in {w.lower() for w in words}


def positive_int(text: str) -> int:
    """argparse type for counts such as --times and --limit: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not a whole number: {text}").format(text=repr(text))
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(_("must be at least 1, not {value}").format(value=value))
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
        count = f"{number(p.done)}/{number(p.total)}" if p.total else number(p.done)
        extra = " " + _("{rate}/s").format(rate=number(p.rate)) if p.rate >= 1 else ""
        if p.eta_seconds is not None and p.total:
            # Translators: "estimated time left" in the progress line, before a clock time
            extra += " " + _("ETA {time}").format(time=human_duration(p.eta_seconds))
        line = f"[{bar}] {p.overall * 100:3.0f}% {_(p.stage)}: {count}{extra}"
        self.stream.write("\r" + line[: width - 1].ljust(width - 1))
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self.enabled and self._shown:
            self.stream.write("\r" + " " * (shutil.get_terminal_size((80, 20)).columns - 1) + "\r")
            self.stream.flush()
            self._shown = False
