"""The scan runs here: one worker QObject in one QThread drives `cleaner.detect.scan.scan`.

    ScanController (GUI thread)  --start(job, settings)-->  ScanWorker (scan thread)
           ^                                                   |
           +--- progressChanged / stageChanged / groupsFound / skipped / finished / failed
                (every signal carries the job id; stale jobs are ignored)

Rules kept here, so the window never freezes, crashes from a worker or exits mid-thread:

- the worker never touches a widget, and catches every exception in `run`;
- cancel is a thread-safe `CancelToken` set from the GUI thread directly;
- progress is throttled to about 15 Hz and skipped files go out in batches;
- the controller applies incoming groups within about 50 ms per event-loop turn, so a
  result with 100,000 groups cannot starve painting;
- a new scan cancels the old one first and results tagged with an old job id are
  dropped; `shutdown()` cancels and waits, bounded, for the thread.
"""

from __future__ import annotations

import atexit
import time
import traceback
import weakref
from collections import deque
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from cleaner import (
    BadRootError,
    Cancelled,
    CancelToken,
    DuplicateGroup,
    FileSkipped,
    GroupsFound,
    Notice,
    Progress,
    ScanFinished,
    ScanResult,
    ScanSettings,
    SkippedFile,
    StageStarted,
    scan,
)

PROGRESS_HZ = 15.0
GUI_BUDGET_S = 0.050  # time the GUI thread spends applying groups per event-loop turn
GUI_CHUNK = 256  # groups handed to the window at a time within that budget

# Every worker thread ever started (the scan's and the mutations thread), so tests and
# shutdown can check none is left running.
_threads: weakref.WeakSet[QThread] = weakref.WeakSet()


def register_thread(thread: QThread) -> QThread:
    """Every worker QThread goes here, so tests and shutdown can check none is left."""
    _threads.add(thread)
    return thread


def running_threads() -> list[QThread]:
    return [t for t in list(_threads) if t.isRunning()]


def _stop_at_exit() -> None:
    """Last resort when Python exits without closing the window (a script, a crash)."""
    for controller in list(_controllers):
        controller.shutdown(2000)


_controllers: weakref.WeakSet[ScanController] = weakref.WeakSet()
atexit.register(_stop_at_exit)


CachePath = Path | Literal["default"] | None


class ScanWorker(QObject):
    """Lives in the scan thread. `run` is invoked through a queued signal."""

    progressChanged = Signal(int, object)  # job, cleaner.progress.Progress
    stageChanged = Signal(int, str)  # job, stage in words
    groupsFound = Signal(int, list)  # job, list[DuplicateGroup]
    skipped = Signal(int, list)  # job, list[SkippedFile]
    notice = Signal(int, object)  # job, cleaner.progress.Notice: one line the user should know
    finished = Signal(int, object)  # job, ScanResult
    cancelled = Signal(int)  # job
    failed = Signal(int, str, str)  # job, message for the user, details (traceback)

    def __init__(self) -> None:
        super().__init__()
        self._tokens: dict[int, CancelToken] = {}

    def token_for(self, job: int) -> CancelToken:
        """Called from the GUI thread before the job is queued; dict ops are atomic."""
        token = CancelToken()
        self._tokens[job] = token
        return token

    @Slot(int, object, object)
    def run(self, job: int, settings: ScanSettings, cache_path: CachePath) -> None:
        token = self._tokens.get(job) or CancelToken()
        try:
            self._drive(job, settings, token, cache_path)
        except Cancelled:
            self.cancelled.emit(job)
        except BadRootError as exc:
            self.failed.emit(job, str(exc), "")
        except MemoryError:
            self.failed.emit(job, "The computer ran out of memory during the scan.", "")
        except Exception as exc:  # the catch-all: a worker must never die silently
            self.failed.emit(
                job,
                f"The scan stopped because of an unexpected problem: {exc}",
                traceback.format_exc(),
            )
        finally:
            self._tokens.pop(job, None)

    def _drive(
        self, job: int, settings: ScanSettings, token: CancelToken, cache_path: CachePath
    ) -> None:
        interval = 1.0 / PROGRESS_HZ
        last_progress = 0.0
        pending_progress: Progress | None = None
        skipped: list[SkippedFile] = []
        last_skip_flush = time.monotonic()
        for event in scan(settings, cancel=token, cache_path=cache_path):
            if token.cancelled:
                raise Cancelled
            now = time.monotonic()
            if isinstance(event, Progress):
                pending_progress = event
                if now - last_progress >= interval or (event.total and event.done == event.total):
                    self.progressChanged.emit(job, event)
                    last_progress, pending_progress = now, None
            elif isinstance(event, StageStarted):
                self.stageChanged.emit(job, event.stage)
            elif isinstance(event, FileSkipped):
                skipped.append(event.skipped)
                if now - last_skip_flush >= interval:
                    self.skipped.emit(job, skipped)
                    skipped, last_skip_flush = [], now
            elif isinstance(event, GroupsFound):
                self.groupsFound.emit(job, list(event.groups))
            elif isinstance(event, Notice):
                self.notice.emit(job, event)
            elif isinstance(event, ScanFinished):
                if skipped:
                    self.skipped.emit(job, skipped)
                    skipped = []
                if pending_progress is not None:
                    self.progressChanged.emit(job, pending_progress)
                self.finished.emit(job, event.result)
                return
        raise RuntimeError("the scan ended without a result")


class ScanController(QObject):
    """Owns the scan thread and its worker; lives in the GUI thread.

    Re-emits the current job's events without the job id. Groups are queued and handed
    out by `_drain` in chunks, within `GUI_BUDGET_S` per event-loop turn; `finished`
    is emitted only after every group of the job has been handed out.
    """

    started = Signal()
    progressChanged = Signal(object)  # Progress
    stageChanged = Signal(str)
    groupsFound = Signal(list)  # list[DuplicateGroup]
    skipped = Signal(list)  # list[SkippedFile]
    notice = Signal(object)  # Notice: one line the user should know (a damaged cache set aside)
    finished = Signal(object)  # ScanResult
    cancelled = Signal()
    failed = Signal(str, str)  # message, details
    _runRequested = Signal(int, object, object)

    def __init__(self, cache_path: CachePath = "default", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cache_path = cache_path
        self._job = 0
        self._token: CancelToken | None = None
        self._running = False
        self._queue: deque[DuplicateGroup] = deque()
        self._final: ScanResult | None = None
        self._thread = QThread()
        self._thread.setObjectName("photosift-scan")
        _threads.add(self._thread)
        _controllers.add(self)
        self._worker = ScanWorker()
        self._worker.moveToThread(self._thread)
        # Connected after moveToThread, to @Slot methods: a lambda could run in the wrong thread.
        self._runRequested.connect(self._worker.run)
        self._worker.progressChanged.connect(self._on_progress)
        self._worker.stageChanged.connect(self._on_stage)
        self._worker.groupsFound.connect(self._on_groups)
        self._worker.skipped.connect(self._on_skipped)
        self._worker.notice.connect(self._on_notice)
        self._worker.finished.connect(self._on_finished)
        self._worker.cancelled.connect(self._on_cancelled)
        self._worker.failed.connect(self._on_failed)
        self._thread.finished.connect(self._worker.deleteLater)
        self._drain_timer = QTimer(self)
        self._drain_timer.setSingleShot(True)
        self._drain_timer.setInterval(0)
        self._drain_timer.timeout.connect(self._drain)
        self._thread.start()

    # -- commands (GUI thread) ---------------------------------------------------------

    @property
    def job(self) -> int:
        return self._job

    def is_running(self) -> bool:
        return self._running

    def start(self, settings: ScanSettings) -> int:
        """Start a scan, cancelling any scan in progress. Returns the new job id."""
        self.cancel()
        self._job += 1
        self._queue.clear()
        self._final = None
        self._token = self._worker.token_for(self._job)
        self._running = True
        self.started.emit()
        self._runRequested.emit(self._job, settings, self.cache_path)
        return self._job

    def cancel(self) -> None:
        """Ask the current scan to stop; `cancelled` follows within about a second."""
        if self._token is not None:
            self._token.cancel()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel, stop the thread and wait for it (bounded). True if it stopped."""
        self.cancel()
        self._job += 1  # anything still in flight is now stale
        self._running = False
        self._drain_timer.stop()
        self._queue.clear()
        if not self._thread.isRunning():
            return True
        self._thread.quit()
        return bool(self._thread.wait(timeout_ms))

    # -- worker signals (GUI thread) ---------------------------------------------------

    def _current(self, job: int) -> bool:
        return job == self._job and self._running

    @Slot(int, object)
    def _on_progress(self, job: int, progress: Progress) -> None:
        if self._current(job):
            self.progressChanged.emit(progress)

    @Slot(int, str)
    def _on_stage(self, job: int, stage: str) -> None:
        if self._current(job):
            self.stageChanged.emit(stage)

    @Slot(int, list)
    def _on_groups(self, job: int, groups: list[DuplicateGroup]) -> None:
        if self._current(job):
            self._queue.extend(groups)
            if not self._drain_timer.isActive():
                self._drain_timer.start()

    @Slot(int, object)
    def _on_notice(self, job: int, notice: Notice) -> None:
        if self._current(job):
            self.notice.emit(notice)

    @Slot(int, list)
    def _on_skipped(self, job: int, files: list[SkippedFile]) -> None:
        if self._current(job):
            self.skipped.emit(files)

    @Slot(int, object)
    def _on_finished(self, job: int, result: ScanResult) -> None:
        if self._current(job):
            self._final = result
            self._drain()

    @Slot(int)
    def _on_cancelled(self, job: int) -> None:
        if self._current(job):
            self._running = False
            self._queue.clear()
            self.cancelled.emit()

    @Slot(int, str, str)
    def _on_failed(self, job: int, message: str, details: str) -> None:
        if self._current(job):
            self._running = False
            self._queue.clear()
            self.failed.emit(message, details)

    @Slot()
    def _drain(self) -> None:
        """Hand queued groups to the window for at most GUI_BUDGET_S, then yield."""
        deadline = time.monotonic() + GUI_BUDGET_S
        while self._queue and time.monotonic() < deadline:
            n = min(GUI_CHUNK, len(self._queue))
            self.groupsFound.emit([self._queue.popleft() for _ in range(n)])
        if self._queue:
            self._drain_timer.start()
        elif self._final is not None and self._running:
            result, self._final = self._final, None
            self._running = False
            self.finished.emit(result)
