"""The review saved as it goes, so a closed window loses nothing (docs/saved-review.md).

The saved review lives in ``<data folder>/review/`` (``$PHOTOSIFT_DATA_DIR`` honoured):

- ``result.json``: the sets as the scan found them (those shown, those the ignore list
  hides, and files moved to the Trash still in their sets), in the engine's own result
  format (`cleaner.save_result`, read back by the validating `cleaner.load_result`);
- ``marks.json``: the user's decisions (`MARKS_SCHEMA`): the paths marked for removal
  (every other copy of a saved set is kept), the paths moved to the Trash (taken out
  again when the review is continued, so Undo can show them again), the number of sets
  and when. Sets the user
  said are not copies are not in it: the ignore list (`cleaner.IgnoreList`, saved at once)
  holds them, and every window filters every result through it, a continued review too.

Both are written atomically (a temporary file replaced at the end), the result first, so
a crash leaves the old review or the new one. `Autosaver` writes after a scan ends or a
review is opened, and 2 s after the last mark change (debounced), on a one-thread pool
registered with the workers' registry; `flush()` at close writes what is pending before
the window goes.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal, SignalInstance, Slot

from cleaner import (
    N_,
    DuplicateGroup,
    ScanResult,
    _,
    atomic_text_file,
    data_dir,
    day,
    save_result,
)
from ui.models.session import ReviewSession
from ui.workers.base import JobController, JobRunnable, register_pool

MARKS_SCHEMA = "photosift-review-marks"
MARKS_VERSION = 1
DEBOUNCE_MS = 2000

# 1 January 3000: later than any real save, well inside what the platform's clock can show
_LATEST_TIME = 32_503_680_000.0


def review_dir() -> Path:
    return data_dir() / "review"


def result_path() -> Path:
    return review_dir() / "result.json"


def marks_path() -> Path:
    return review_dir() / "marks.json"


@dataclass(frozen=True, slots=True)
class SavedMarks:
    """What ``marks.json`` holds."""

    remove: tuple[str, ...]
    sets: int
    saved_at: float  # seconds since the epoch
    moved: tuple[str, ...] = ()  # moved to the Trash by this review and not put back


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What one save writes, taken on the GUI thread (cheap: no copying of members)."""

    result: ScanResult | None  # None: the result file is unchanged, only the marks
    marks: SavedMarks


def marks_to_json(marks: SavedMarks) -> str:
    return json.dumps(
        {
            "schema": MARKS_SCHEMA,
            "schema_version": MARKS_VERSION,
            "saved_at": marks.saved_at,
            "sets": marks.sets,
            "remove": list(marks.remove),
            "moved": list(marks.moved),
        },
        # ASCII: a name that is not valid UTF-8 keeps its os.fsdecode() spelling (a lone
        # surrogate, "\\udced"), as in the result file, and reads back as the same str.
        ensure_ascii=True,
    )


class MarksFormatError(ValueError):
    pass


def marks_from_json(text: str) -> SavedMarks:
    """Parse ``marks.json``; every value checked. Raises `MarksFormatError`."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise MarksFormatError(f"the saved marks are not valid JSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("schema") != MARKS_SCHEMA:
        raise MarksFormatError("not a PhotoSift marks file")
    if data.get("schema_version") != MARKS_VERSION:
        raise MarksFormatError(f"marks format {data.get('schema_version')!r} is not known")
    # "ignored_sets" (set ids, written by earlier builds, never filled) is passed over:
    # the ignore list says which sets are ignored, and a stale value must not lose marks.
    remove = data.get("remove")
    sets, saved_at = data.get("sets"), data.get("saved_at")
    if not isinstance(remove, list) or not all(isinstance(p, str) for p in remove):
        raise MarksFormatError("“remove” must be a list of paths")
    if not isinstance(sets, int) or isinstance(sets, bool) or sets < 0:
        raise MarksFormatError("“sets” must be a whole number")
    moved = data.get("moved", [])  # written since the review remembered moves
    if not isinstance(moved, list) or not all(isinstance(p, str) for p in moved):
        raise MarksFormatError("“moved” must be a list of paths")
    if not isinstance(saved_at, int | float) or isinstance(saved_at, bool):
        raise MarksFormatError("“saved_at” must be a number")
    # a time the clock can show: NaN, infinity or 1e300 would stop the start page
    if not math.isfinite(saved_at) or not 0 <= saved_at < _LATEST_TIME:
        raise MarksFormatError("“saved_at” is not a time PhotoSift could have written")
    return SavedMarks(tuple(remove), sets, float(saved_at), tuple(moved))


def read_marks(path: Path | None = None) -> SavedMarks | None:
    """The saved marks, or None when there are none or they cannot be read."""
    path = path or marks_path()
    try:
        if not path.is_file() or not result_path().is_file():
            return None
        return marks_from_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, MarksFormatError):
        return None


def write_snapshot(snapshot: Snapshot) -> None:
    """Write the result (if given), then the marks; each atomically."""
    folder = review_dir()
    folder.mkdir(parents=True, exist_ok=True)
    if snapshot.result is not None:
        save_result(snapshot.result, result_path())
    with atomic_text_file(marks_path()) as fh:
        fh.write(marks_to_json(snapshot.marks))


def human_when(saved_at: float, now: float | None = None) -> str:
    """'today at 14:05', 'yesterday at 09:10', 'on 3 Nov 2026 at 18:00' (the day as the
    locale names it, `cleaner.day`)."""
    when = datetime.fromtimestamp(saved_at)
    today = datetime.fromtimestamp(now if now is not None else time.time()).date()
    clock = when.strftime("%H:%M")
    days = (today - when.date()).days
    if days == 0:
        return _("today at {time}").format(time=clock)
    if days == 1:
        return _("yesterday at {time}").format(time=clock)
    return _("on {day} at {time}").format(day=day(when), time=clock)


class _SaveJob(JobRunnable):
    stopped = N_("Saving the review stopped")

    def __init__(
        self, job: int, snapshot: Snapshot, done: SignalInstance, failed: SignalInstance
    ) -> None:
        super().__init__(job, failed)
        self.snapshot = snapshot
        self._done = done

    def work(self) -> None:
        write_snapshot(self.snapshot)
        self._done.emit(self.job, self.snapshot.marks.saved_at)

    def known_failure(self, exc: Exception) -> bool:
        if isinstance(exc, OSError):
            self._failed.emit(
                self.job, _("The review could not be saved: {problem}").format(problem=exc), ""
            )
            return True
        return False


class Autosaver(JobController):
    """Saves the session's review after changes (debounced) on its own one-thread pool.

    Signals:
        saved(saved_at): a save finished (the newest one).
        failed(message): a save could not be written (the window says so).
    """

    saved = Signal(float)
    failed = Signal(str)
    _job_done = Signal(int, float)
    _job_failed = Signal(int, str, str)

    def __init__(self, session: ReviewSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        # The sets the ignore list leaves out of the review (the window's Marks menu sets
        # it): saved in result.json with the others, so a continued review can show them
        # again; they stay hidden because every result shown goes through the ignore list.
        self.hidden_groups: Callable[[], Sequence[DuplicateGroup]] = lambda: ()
        self.active = False  # a finished result is shown: changes are saved
        self._result_dirty = False
        self._marks_dirty = False
        self.pool = register_pool(QThreadPool())
        self.pool.setMaxThreadCount(1)  # saves never overlap and land in order
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.save_soon_now)
        self._job_done.connect(self._done)
        self._job_failed.connect(self._failed)
        session.marksChanged.connect(self._marks_changed)
        for signal in (
            session.groupsRemoved,
            session.membersRemoved,
            session.membersInserted,
            session.groupsInserted,
        ):
            signal.connect(self._result_changed)
        session.aboutToReset.connect(self._before_reset)

    # -- what changed --------------------------------------------------------------------

    def start(self, result_changed: bool = True) -> None:
        """A finished result is shown (a scan ended, a review was opened): save it now
        (`result_changed`) or only from the next change on."""
        self.active = True
        if result_changed:
            self._result_dirty = True
            self._marks_dirty = True
            self.save_soon_now()

    @Slot()
    def _marks_changed(self) -> None:
        if self.active:
            self._marks_dirty = True
            self.timer.start()

    @Slot()
    def _result_changed(self) -> None:
        if self.active:
            self._result_dirty = True
            self._marks_dirty = True
            self.timer.start()

    @Slot()
    def _before_reset(self) -> None:
        self.flush_async()
        self.active = False

    def pending(self) -> bool:
        return self.active and (self._marks_dirty or self._result_dirty)

    # -- saving --------------------------------------------------------------------------

    def _snapshot(self) -> Snapshot:
        result = self.session.saved_result() if self._result_dirty else None
        if result is not None and (hidden := tuple(self.hidden_groups())):
            result = replace(result, groups=(*result.groups, *hidden))
        marks = SavedMarks(
            remove=tuple(self.session.paths_to_remove()),
            sets=len(self.session.groups),
            saved_at=time.time(),
            moved=tuple(self.session.moved_paths()),
        )
        self._result_dirty = self._marks_dirty = False
        return Snapshot(result, marks)

    @Slot()
    def save_soon_now(self) -> None:
        self.flush_async()

    def flush_async(self) -> None:
        """Hand what is pending to the save pool (returns at once)."""
        self.timer.stop()
        if not self.pending():
            return
        job = self._next_job()
        self.pool.start(_SaveJob(job, self._snapshot(), self._job_done, self._job_failed))

    def flush(self, timeout_ms: int = 10000) -> bool:
        """Write what is pending and wait for every save (the window is closing)."""
        self.timer.stop()
        self.pool.waitForDone(timeout_ms)
        if self.pending():
            snapshot = self._snapshot()
            try:
                write_snapshot(snapshot)
            except Exception as exc:  # closing goes on; the reason is shown while it can be
                self.failed.emit(_("The review could not be saved: {problem}").format(problem=exc))
                return False
            self.saved.emit(snapshot.marks.saved_at)
        return True

    @Slot(int, float)
    def _done(self, job: int, saved_at: float) -> None:
        if self._is_newest(job):
            self.saved.emit(saved_at)

    @Slot(int, str, str)
    def _failed(self, _job: int, message: str, _details: str) -> None:
        self.failed.emit(message)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Wait for a save in flight; writes nothing new (the window's close does that:
        at interpreter exit the data folder may no longer be the one this review used)."""
        self.timer.stop()
        return bool(self.pool.waitForDone(timeout_ms))


def saved_review_summary() -> tuple[int, str] | None:
    """(sets, 'saved today at 14:05') of the saved review, or None when there is none."""
    marks = read_marks()
    if marks is None:
        return None
    return marks.sets, human_when(marks.saved_at)
