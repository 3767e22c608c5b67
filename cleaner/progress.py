"""The engine's Qt-free progress and cancel protocol.

Long operations are generators of events. A consumer (the command line, the
window's worker thread, a test) iterates them, shows `Progress`, and stops the
work either by closing the generator or by setting the `CancelToken` it passed
in; the engine checks the token between files, so a stop takes effect within
one file's work.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from cleaner.errors import Cancelled
from cleaner.i18n import N_, _, number

if TYPE_CHECKING:
    from cleaner.models import DuplicateGroup, ScanResult, SkippedFile

T = TypeVar("T")
E = TypeVar("E")
R = TypeVar("R")
Y = TypeVar("Y")


class CancelToken:
    """A thread-safe stop flag. `check()` raises `Cancelled` once it is set."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled


class Stage:
    """Stage names, with their share of the whole scan. A name is also the stage's code
    (events and the window compare it), so it stays English: `_(stage)` where it is shown."""

    WALK = N_("Looking for files")
    DIGEST = N_("Comparing file contents")
    FINGERPRINT = N_("Reading pictures")
    GROUP = N_("Grouping copies")
    SCORE = N_("Choosing the best copies")

    WEIGHTS: dict[str, float] = {  # noqa: RUF012 - a constant table
        WALK: 0.05,
        DIGEST: 0.10,
        FINGERPRINT: 0.75,
        GROUP: 0.05,
        SCORE: 0.05,
    }


@dataclass(frozen=True, slots=True)
class Progress:
    stage: str
    done: int
    total: int  # 0 while unknown (the walk does not know how many files remain)
    bytes_done: int = 0
    bytes_total: int = 0
    rate: float = 0.0  # items per second in this stage
    eta_seconds: float | None = None
    overall: float = 0.0  # 0.0-1.0 across all stages, by `Stage.WEIGHTS`

    @property
    def text(self) -> str:
        """ "Reading pictures: 1,200 of 5,000", in the user's language."""
        done = number(self.done)
        count = _("{done} of {total}").format(done=done, total=number(self.total))
        return f"{_(self.stage)}: {count if self.total else done}"


@dataclass(frozen=True, slots=True)
class StageStarted:
    stage: str


@dataclass(frozen=True, slots=True)
class FileSkipped:
    skipped: SkippedFile


@dataclass(frozen=True, slots=True)
class GroupsFound:
    groups: tuple[DuplicateGroup, ...]


@dataclass(frozen=True, slots=True)
class ScanFinished:
    result: ScanResult


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should know that did not stop the work, as one line of plain
    words (a damaged fingerprint cache set aside, for example). `short` says the gist in
    a few words, for places with little room (the window's status bar); `text` is whole."""

    text: str
    short: str = ""


ScanEvent = Progress | StageStarted | FileSkipped | GroupsFound | ScanFinished | Notice


class ProgressMeter:
    """Counts work in one stage and decides when a `Progress` event is worth sending.

    Events are throttled to `hz` per second (the first and the last always go
    out), so a million tiny files do not flood a terminal or the GUI thread.
    """

    def __init__(
        self,
        stage: str,
        total: int = 0,
        bytes_total: int = 0,
        hz: float = 15.0,
        clock: object = time.monotonic,
        span: tuple[float, float] = (0.0, 1.0),
    ) -> None:
        """`span` is the part of the stage this meter covers, for a stage done in steps
        (the digest stage reads prefixes in its first half and whole files in its second),
        so the overall fraction never goes backwards when a later step starts."""
        self.stage = stage
        self.span = span
        self.total = total
        self.bytes_total = bytes_total
        self.done = 0
        self.bytes_done = 0
        self._clock = clock if callable(clock) else time.monotonic
        self._start = float(self._clock())
        self._last = -1e9
        self._interval = 1.0 / hz

    def advance(self, items: int = 1, nbytes: int = 0) -> Progress | None:
        """Count finished work; return an event if one is due, else None."""
        self.done += items
        self.bytes_done += nbytes
        now = float(self._clock())
        if now - self._last < self._interval and self.done != self.total:
            return None
        self._last = now
        return self.snapshot(now)

    def snapshot(self, now: float | None = None) -> Progress:
        now = float(self._clock()) if now is None else now
        elapsed = max(now - self._start, 1e-6)
        rate = self.done / elapsed
        eta: float | None = None
        if self.total and self.done and self.done <= self.total:
            if self.bytes_total and self.bytes_done:
                eta = elapsed * (self.bytes_total - self.bytes_done) / self.bytes_done
            else:
                eta = (self.total - self.done) / rate if rate > 0 else None
        return Progress(
            stage=self.stage,
            done=self.done,
            total=self.total,
            bytes_done=self.bytes_done,
            bytes_total=self.bytes_total,
            rate=rate,
            eta_seconds=eta,
            overall=overall_fraction(self.stage, self.done, self.total, self.span),
        )


def overall_fraction(
    stage: str, done: int, total: int, span: tuple[float, float] = (0.0, 1.0)
) -> float:
    """Where a stage's progress puts the whole scan, from 0.0 to 1.0."""
    before = 0.0
    for name, weight in Stage.WEIGHTS.items():
        if name == stage:
            part = min(done / total, 1.0) if total else 0.0
            lo, hi = span
            return min(before + weight * (lo + (hi - lo) * part), 1.0)
        before += weight
    return before


def final_event(events: Iterable[object], kind: type[E]) -> E:
    """Drive a generator of events to its end and return its last event of type `kind`
    (the `...Finished` event), for callers that do not show progress."""
    last: E | None = None
    for event in events:
        if isinstance(event, kind):
            last = event
    if last is None:
        raise RuntimeError(f"the operation ended without {kind.__name__}")
    return last


def drain(events: Generator[Y, None, R], on_event: Callable[[Y], object] | None = None) -> R:
    """Run a generator of events to its end and return what it returns (its
    `StopIteration` value), handing each event to `on_event` if given: the one loop for
    callers that want the result of a long operation rather than its events."""
    while True:
        try:
            event = next(events)
        except StopIteration as stop:
            value: R = stop.value
            return value
        if on_event is not None:
            on_event(event)


def relay(events: Generator[Y, None, R], convert: Callable[[Y], T]) -> Generator[T, None, R]:
    """Pass on each event of `events` as `convert(event)` and return what `events`
    returns (`value = yield from relay(...)`): a stage that reports a sub-step's
    progress on its own scale."""
    while True:
        try:
            event = next(events)
        except StopIteration as stop:
            value: R = stop.value
            return value
        yield convert(event)


def step_fraction(step: int, steps: int) -> Callable[[tuple[int, int]], float]:
    """For `relay`: a sub-step's (done, total) events as the fraction of the whole when
    it is step `step` (from 0) of `steps` equal steps."""
    return lambda event: (step + event[0] / max(event[1], 1)) / steps


def iter_with_progress(
    items: Iterable[T], meter: ProgressMeter, cancel: CancelToken | None = None
) -> Iterator[tuple[T, Progress | None]]:
    """Yield each item with the progress event due after it (or None), checking `cancel`."""
    for item in items:
        if cancel is not None:
            cancel.check()
        yield item, meter.advance()
