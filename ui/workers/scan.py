"""The scan runs here: one worker QObject in one QThread drives `cleaner.detect.scan.scan`.

    ScanController (GUI thread)  --start(job, settings)-->  ScanWorker (scan thread)
           ^                                                   |
           +--- progressChanged / stageChanged / groupsFound / skipped / finished / failed
                (every signal carries the job id; stale jobs are ignored)

File → Open catalogs… runs here too (`start_catalogs`, `ui.catalog_worker`): the same
events from `cleaner.scan_catalog_files`, and `estateRead` (the catalogs' facts for the
estate report) just before `finished`.

The job ids, the catch-all and the thread registry come from `ui.workers.base`. Kept here:

- progress is throttled to about 15 Hz and skipped files go out in batches;
- the controller applies incoming groups within about 50 ms per event-loop turn, so a
  result with 100,000 groups cannot starve painting;
- a new scan cancels the old one first and results tagged with an old job id are
  dropped; `shutdown()` cancels and waits, bounded, for the thread.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from cleaner import (
    N_,
    BadRootError,
    Cancelled,
    CancelToken,
    CatalogError,
    CatalogScan,
    DuplicateGroup,
    FileSkipped,
    GroupsFound,
    Notice,
    Progress,
    ScanEvent,
    ScanFinished,
    ScanResult,
    ScanSettings,
    SkippedFile,
    StageStarted,
    _,
    scan,
)
from ui.catalog_worker import CatalogRequest, catalog_events
from ui.workers.base import JobController, JobWorker, stop_thread, worker_thread

PROGRESS_HZ = 15.0
GUI_BUDGET_S = 0.050  # time the GUI thread spends applying groups per event-loop turn
GUI_CHUNK = 256  # groups handed to the window at a time within that budget

CachePath = Path | Literal["default"] | None


class ScanWorker(JobWorker):
    """Lives in the scan thread. `run` is invoked through a queued signal."""

    progressChanged = Signal(int, object)  # job, cleaner.progress.Progress
    stageChanged = Signal(int, str)  # job, stage in words
    groupsFound = Signal(int, list)  # job, list[DuplicateGroup]
    skipped = Signal(int, list)  # job, list[SkippedFile]
    notice = Signal(int, object)  # job, cleaner.progress.Notice: one line the user should know
    finished = Signal(int, object)  # job, ScanResult
    cancelled = Signal(int)  # job
    estateRead = Signal(int, object)  # job, CatalogScan: catalogs opened (before finished)
    # failed (job, message for the user, details) comes from JobWorker
    stopped = N_("The scan stopped")

    @Slot(int, object, object)
    def run(self, job: int, settings: ScanSettings, cache_path: CachePath) -> None:
        self.run_job(job, lambda token: self._drive(job, settings, token, cache_path))

    @Slot(int, object)
    def run_catalogs(self, job: int, request: CatalogRequest) -> None:
        """Open catalogs (`ui.catalog_worker`): the scan's events, from catalogs."""

        def work(token: CancelToken) -> None:
            def scanned(found: CatalogScan) -> None:
                self.estateRead.emit(job, found)

            self._pump(job, token, catalog_events(request, token, scanned))

        self.run_job(job, work)

    def known_failure(self, job: int, exc: Exception) -> bool:
        if isinstance(exc, Cancelled):
            self.cancelled.emit(job)
        elif isinstance(exc, BadRootError | CatalogError):
            self.failed.emit(job, str(exc), "")
        elif isinstance(exc, MemoryError):
            self.failed.emit(job, _("The computer ran out of memory during the scan."), "")
        else:
            return False
        return True

    def _drive(
        self, job: int, settings: ScanSettings, token: CancelToken, cache_path: CachePath
    ) -> None:
        self._pump(job, token, scan(settings, cancel=token, cache_path=cache_path))

    def _pump(self, job: int, token: CancelToken, events: Iterator[ScanEvent]) -> None:
        interval = 1.0 / PROGRESS_HZ
        last_progress = 0.0
        pending_progress: Progress | None = None
        skipped: list[SkippedFile] = []
        last_skip_flush = time.monotonic()
        for event in events:
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


class ScanController(JobController):
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
    estateRead = Signal(object)  # CatalogScan: catalogs were opened (before `finished`)
    _runRequested = Signal(int, object, object)
    _catalogsRequested = Signal(int, object)

    def __init__(self, cache_path: CachePath = "default", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cache_path = cache_path
        self._token: CancelToken | None = None
        self._running = False
        self._queue: deque[DuplicateGroup] = deque()
        self._final: ScanResult | None = None
        self._worker = ScanWorker()
        self._thread = worker_thread("photosift-scan", self._worker)
        # Connected after moveToThread, to @Slot methods: a lambda could run in the wrong thread.
        self._runRequested.connect(self._worker.run)
        self._catalogsRequested.connect(self._worker.run_catalogs)
        self._worker.estateRead.connect(self._on_estate)
        self._worker.progressChanged.connect(self._on_progress)
        self._worker.stageChanged.connect(self._on_stage)
        self._worker.groupsFound.connect(self._on_groups)
        self._worker.skipped.connect(self._on_skipped)
        self._worker.notice.connect(self._on_notice)
        self._worker.finished.connect(self._on_finished)
        self._worker.cancelled.connect(self._on_cancelled)
        self._worker.failed.connect(self._on_failed)
        self._drain_timer = QTimer(self)
        self._drain_timer.setSingleShot(True)
        self._drain_timer.setInterval(0)
        self._drain_timer.timeout.connect(self._drain)
        self._thread.start()

    # -- commands (GUI thread) ---------------------------------------------------------

    def is_running(self) -> bool:
        return self._running

    def start(self, settings: ScanSettings) -> int:
        """Start a scan, cancelling any scan in progress. Returns the new job id."""
        job = self._new_job()
        self._runRequested.emit(job, settings, self.cache_path)
        return job

    def start_catalogs(self, request: CatalogRequest) -> int:
        """Open catalogs (File → Open catalogs…) as a scan: the same signals follow, and
        `estateRead` just before `finished`. Returns the new job id."""
        job = self._new_job()
        self._catalogsRequested.emit(job, request)
        return job

    def _new_job(self) -> int:
        self.cancel()
        job = self._next_job()
        self._queue.clear()
        self._final = None
        self._token = self._worker.token_for(job)
        self._running = True
        self.started.emit()
        return job

    def cancel(self) -> None:
        """Ask the current scan to stop; `cancelled` follows within about a second."""
        if self._token is not None:
            self._token.cancel()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel, stop the thread and wait for it (bounded). True if it stopped."""
        self.cancel()
        self._expire_jobs()
        self._running = False
        self._queue.clear()
        stopped = stop_thread(self._thread, timeout_ms)
        # last: at exit the timer may be gone with a deleted window, the thread never is
        with contextlib.suppress(RuntimeError):
            self._drain_timer.stop()
        return stopped

    # -- worker signals (GUI thread) ---------------------------------------------------

    def _current(self, job: int) -> bool:
        return self._is_newest(job) and self._running

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
    def _on_estate(self, job: int, scanned: CatalogScan) -> None:
        if self._current(job):
            self.estateRead.emit(scanned)

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
