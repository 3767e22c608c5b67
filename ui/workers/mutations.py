"""File operations run here: one worker QObject in one "mutations" QThread.

    MutationController (GUI thread)  --run(job, task)-->  MutationWorker (mutations thread)
            ^                                                  |
            +-- planned / started / progress / removed / kept / removalFinished /
                restored / restoreFinished / historyLoaded / entriesLoaded /
                latestLoaded / lockedOut / failed   (every signal carries the job id)

Why one thread: moving files and putting them back must never overlap, and the undo
log's SQLite connection may only be used by the thread that opened it (sqlite3 refuses).
Every task opens its own `UndoLog` in this thread and closes it when done, so reading the
history also waits for a move in progress and always sees a consistent log.

The job ids, the catch-all (every exception becomes `failed` with a sentence for the user
and the traceback for the report) and the thread registry come from `ui.workers.base`.
Kept here:

- per-file results are sent in batches at most ~15 times a second, so a 50,000-file move
  does not queue 50,000 calls on the GUI thread;
- cancel is a thread-safe `CancelToken` set from the GUI thread; the engine stops between
  files and marks the batch cancelled, so a stopped move is as undoable as a finished one;
- `shutdown()` cancels, quits the thread and waits for it (bounded);
- another PhotoSift (window or command) moving files holds the engine's move lock: the
  job ends with `lockedOut` and the lock's message, having moved nothing. The engine's
  generators are closed as soon as their last event is in, so this window's own lock is
  released at once, not when the garbage collector gets to it.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from cleaner import (
    N_,
    AnotherRemovalRunning,
    Batch,
    CancelToken,
    FileKept,
    FileRemoved,
    FileRestore,
    KeptFile,
    LogEntry,
    Method,
    MoveLockError,
    Outcome,
    Progress,
    RemovalFinished,
    RemovalOptions,
    RemovalPlan,
    RemovalStarted,
    RestoreFinished,
    ScanResult,
    TrashFunc,
    UndoLog,
    UndoLogDamaged,
    UndoLogError,
    _,
    __version__,
    default_log_path,
    open_log,
    plan_removal,
    remove_files,
    restore_batch,
)
from ui.workers.base import JobController, JobWorker, stop_thread, worker_thread

FLUSH_S = 1.0 / 15.0  # per-file results go to the GUI at most this often
HISTORY_LIMIT = 200


# -- tasks (plain data handed to the worker) -------------------------------------------


@dataclass(frozen=True)
class PlanTask:
    result: ScanResult
    marked: tuple[str, ...]
    protected_folders: tuple[str, ...] = ()


@dataclass(frozen=True)
class RemoveTask:
    plan: RemovalPlan
    options: RemovalOptions
    source: str = ""
    trash: TrashFunc | None = None  # None: the operating system's trash


@dataclass(frozen=True)
class RestoreTask:
    batch_id: str
    entry_ids: tuple[int, ...] | None = None  # None: every file of the batch


@dataclass(frozen=True)
class HistoryTask:
    limit: int = HISTORY_LIMIT


@dataclass(frozen=True)
class EntriesTask:
    batch_id: str


@dataclass(frozen=True)
class LatestTask:
    """The newest batch that still has files to put back (or the batch `batch_id`, when
    it still has some)."""

    batch_id: str | None = None


Task = PlanTask | RemoveTask | RestoreTask | HistoryTask | EntriesTask | LatestTask


@dataclass(frozen=True)
class BatchInfo:
    """A batch of the undo log, with where its files went (the log's `Batch` lacks it)."""

    batch: Batch
    to_trash: int = 0
    to_quarantine: int = 0
    quarantine_dirs: tuple[str, ...] = field(default_factory=tuple)

    @property
    def where(self) -> str:
        if self.to_quarantine and self.to_trash:
            return "Trash and quarantine folder"
        if self.to_quarantine:
            return "Quarantine folder"
        return "Trash"


def batch_info(log: UndoLog, batch: Batch) -> BatchInfo:
    trash = quarantine = 0
    dirs: set[str] = set()
    for e in log.entries(batch.id):
        if e.outcome not in (Outcome.MOVED, Outcome.PENDING):
            continue
        if e.method is Method.QUARANTINE:
            quarantine += 1
            if e.destination and batch.id in Path(e.destination).parts:
                parts = Path(e.destination).parts
                dirs.add(str(Path(*parts[: parts.index(batch.id)])))
        else:
            trash += 1
    return BatchInfo(batch, trash, quarantine, tuple(sorted(dirs)))


DAMAGED_LOG_TEXT = N_(
    "The list of moved files (the undo log) is damaged. Nothing was moved. Open File → "
    "History: PhotoSift then sets the damaged list aside, keeps every record it can still "
    "read, and says what it could not."
)


# -- the worker (mutations thread) -----------------------------------------------------


class MutationWorker(JobWorker):
    """Lives in the mutations thread. `run` is invoked through a queued signal."""

    planned = Signal(int, object)  # job, RemovalPlan
    started = Signal(int, object)  # job, RemovalStarted
    progressChanged = Signal(int, object)  # job, Progress
    removed = Signal(int, list)  # job, list[FileRemoved]
    kept = Signal(int, list)  # job, list[KeptFile]
    removalFinished = Signal(int, object)  # job, RemovalFinished
    restored = Signal(int, list)  # job, list[FileRestore]
    restoreFinished = Signal(int, object)  # job, RestoreFinished
    historyLoaded = Signal(int, list)  # job, list[BatchInfo]
    entriesLoaded = Signal(int, str, list)  # job, batch id, list[LogEntry]
    latestLoaded = Signal(int, object)  # job, BatchInfo | None
    lockedOut = Signal(int, str, bool)  # job, the lock's message, it was a restore
    # failed (job, message for the user, details) comes from JobWorker
    logRecovered = Signal(int, str)  # job, what was done with a damaged undo log

    def __init__(self, log_path: Path | None) -> None:
        super().__init__()
        self.log_path = log_path
        # Whether the job running now is a restore (one job at a time on this thread),
        # so a lock held by another PhotoSift is reported for the right action.
        self._restoring = False

    def _open_log(self) -> UndoLog:
        return UndoLog(self.log_path)

    def _open_for_reading(self, job: int) -> UndoLog:
        """A damaged log is set aside and rebuilt from what can be read; the window says so."""
        log, recovery = open_log(self.log_path)
        if recovery is not None:
            self.logRecovered.emit(job, recovery.message)
        return log

    @Slot(int, object)
    def run(self, job: int, task: Task) -> None:
        self._restoring = isinstance(task, RestoreTask)
        self.run_job(job, lambda token: self._do(job, task, token))

    def _do(self, job: int, task: Task, token: CancelToken) -> None:
        if isinstance(task, PlanTask):
            self.planned.emit(
                job,
                plan_removal(task.result, task.marked, protected_folders=task.protected_folders),
            )
        elif isinstance(task, RemoveTask):
            self._remove(job, task, token)
        elif isinstance(task, RestoreTask):
            self._restore(job, task, token)
        else:
            self._read(job, task)

    def known_failure(self, job: int, exc: Exception) -> bool:
        if isinstance(exc, UndoLogDamaged):
            self.failed.emit(job, _(DAMAGED_LOG_TEXT), str(exc))
        elif isinstance(exc, AnotherRemovalRunning):  # raised before anything moved
            self.lockedOut.emit(job, str(exc), self._restoring)
        elif isinstance(exc, MoveLockError):
            self.failed.emit(job, _("Nothing was changed: {problem}.").format(problem=exc), "")
        elif isinstance(exc, UndoLogError):
            text = _("The list of moved files (the undo log) has a problem: {problem}")
            self.failed.emit(job, text.format(problem=exc), "")
        elif isinstance(exc, MemoryError):
            self.failed.emit(job, _("The computer ran out of memory."), "")
        else:
            return False
        return True

    def _read(self, job: int, task: HistoryTask | EntriesTask | LatestTask) -> None:
        path = self.log_path if self.log_path is not None else default_log_path()
        if not path.exists():  # nothing moved yet: do not create an empty log to read it
            if isinstance(task, HistoryTask):
                self.historyLoaded.emit(job, [])
            elif isinstance(task, EntriesTask):
                self.entriesLoaded.emit(job, task.batch_id, [])
            else:
                self.latestLoaded.emit(job, None)
            return
        with self._open_for_reading(job) as log:
            if isinstance(task, HistoryTask):
                infos = [batch_info(log, b) for b in log.batches(task.limit)]
                self.historyLoaded.emit(job, infos)
            elif isinstance(task, EntriesTask):
                self.entriesLoaded.emit(job, task.batch_id, log.entries(task.batch_id))
            else:
                if task.batch_id is None:
                    latest = log.latest_undoable()
                else:
                    found = next((b for b in log.batches() if b.id == task.batch_id), None)
                    latest = found if found is not None and found.undoable > 0 else None
                self.latestLoaded.emit(job, None if latest is None else batch_info(log, latest))

    def _remove(self, job: int, task: RemoveTask, token: CancelToken) -> None:
        removed: list[FileRemoved] = []
        kept: list[KeptFile] = []
        last_flush = time.monotonic()

        def flush() -> None:
            nonlocal removed, kept, last_flush
            if removed:
                self.removed.emit(job, removed)
                removed = []
            if kept:
                self.kept.emit(job, kept)
                kept = []
            last_flush = time.monotonic()

        with self._open_log() as log:
            events = remove_files(
                task.plan,
                log,
                options=task.options,
                cancel=token,
                app_version=__version__,
                source=task.source,
                trash=task.trash,
            )
            with closing(events):  # closed on return: the move lock goes at once
                for event in events:
                    if isinstance(event, RemovalStarted):
                        self.started.emit(job, event)
                    elif isinstance(event, FileRemoved):
                        removed.append(event)
                    elif isinstance(event, FileKept):
                        kept.append(event.kept)
                    elif isinstance(event, Progress):
                        flush()  # files first, so counts and progress agree
                        self.progressChanged.emit(job, event)
                    elif isinstance(event, RemovalFinished):
                        flush()
                        self.removalFinished.emit(job, event)
                        return
                    if time.monotonic() - last_flush >= FLUSH_S:
                        flush()
        raise RuntimeError("the move ended without a result")

    def _restore(self, job: int, task: RestoreTask, token: CancelToken) -> None:
        results: list[FileRestore] = []
        last_flush = time.monotonic()
        with self._open_for_reading(job) as log:
            events = restore_batch(log, task.batch_id, entry_ids=task.entry_ids, cancel=token)
            with closing(events):  # closed on return: the move lock goes at once
                for event in events:
                    if isinstance(event, FileRestore):
                        results.append(event)
                    elif isinstance(event, Progress):
                        self.progressChanged.emit(job, event)
                    elif isinstance(event, RestoreFinished):
                        if results:
                            self.restored.emit(job, results)
                        self.restoreFinished.emit(job, event)
                        return
                    if results and time.monotonic() - last_flush >= FLUSH_S:
                        self.restored.emit(job, results)
                        results, last_flush = [], time.monotonic()
        raise RuntimeError("putting files back ended without a result")


# -- the controller (GUI thread) -------------------------------------------------------


class MutationController(JobController):
    """Owns the mutations thread; re-emits the current job's events without the job id.

    Removals and restores are one at a time (`busy()`); reads of the log can be asked for
    at any time and are answered in order after whatever runs.
    """

    planned = Signal(object)  # RemovalPlan
    started = Signal(object)  # RemovalStarted
    progressChanged = Signal(object)  # Progress
    removed = Signal(list)  # list[FileRemoved]
    kept = Signal(list)  # list[KeptFile]
    removalFinished = Signal(object)  # RemovalFinished
    restored = Signal(list)  # list[FileRestore]
    restoreFinished = Signal(object)  # RestoreFinished
    historyLoaded = Signal(list)  # list[BatchInfo]
    entriesLoaded = Signal(str, list)  # batch id, list[LogEntry]
    latestLoaded = Signal(object)  # BatchInfo | None
    lockedOut = Signal(str, bool)  # another PhotoSift is moving files: message, was a restore
    failed = Signal(str, str)  # message, details
    logRecovered = Signal(str)  # what was done with a damaged undo log
    busyChanged = Signal(bool)
    _runRequested = Signal(int, object)

    def __init__(self, log_path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        # Where removed files go when the OS trash is used; tests put a failing one here.
        self.trash: TrashFunc | None = None
        self._busy_job = 0  # the removal/restore in flight (0: none)
        self._token: CancelToken | None = None
        self._worker = MutationWorker(log_path)
        self._thread = worker_thread("photosift-mutations", self._worker)
        # Connected after moveToThread, to @Slot methods: a lambda could run in the wrong thread.
        self._runRequested.connect(self._worker.run)
        w = self._worker
        w.planned.connect(self._on_planned)
        w.started.connect(self._on_started)
        w.progressChanged.connect(self._on_progress)
        w.removed.connect(self._on_removed)
        w.kept.connect(self._on_kept)
        w.removalFinished.connect(self._on_removal_finished)
        w.restored.connect(self._on_restored)
        w.restoreFinished.connect(self._on_restore_finished)
        w.historyLoaded.connect(self._on_history)
        w.entriesLoaded.connect(self._on_entries)
        w.latestLoaded.connect(self._on_latest)
        w.lockedOut.connect(self._on_locked_out)
        w.failed.connect(self._on_failed)
        w.logRecovered.connect(self._on_log_recovered)
        self.recovery_notice = ""  # the last such message, until the history shows it
        self._thread.start()
        self._closed = False

    # -- commands (GUI thread) ---------------------------------------------------------

    def busy(self) -> bool:
        """A plan, a removal or a restore is in flight."""
        return self._busy_job != 0

    def _submit(self, task: Task, busy: bool) -> int:
        if self._closed:
            return 0
        job = self._next_job()
        token = self._worker.token_for(job)
        if busy:
            self._busy_job, self._token = job, token
            self.busyChanged.emit(True)
        self._runRequested.emit(job, task)
        return job

    def plan(
        self, result: ScanResult, marked: Collection[str], protected: Collection[str] = ()
    ) -> int:
        return self._submit(PlanTask(result, tuple(marked), tuple(protected)), busy=True)

    def remove(self, plan: RemovalPlan, options: RemovalOptions, source: str = "") -> int:
        return self._submit(RemoveTask(plan, options, source, self.trash), busy=True)

    def restore(self, batch_id: str, entry_ids: Collection[int] | None = None) -> int:
        ids = None if entry_ids is None else tuple(entry_ids)
        return self._submit(RestoreTask(batch_id, ids), busy=True)

    def load_history(self) -> int:
        return self._submit(HistoryTask(), busy=False)

    def load_entries(self, batch_id: str) -> int:
        return self._submit(EntriesTask(batch_id), busy=False)

    def load_latest(self, batch_id: str | None = None) -> int:
        """The newest undoable move, or the move `batch_id` if it can still be undone."""
        return self._submit(LatestTask(batch_id), busy=False)

    def cancel(self) -> None:
        """Ask the removal or restore in flight to stop after the file it is on."""
        if self._token is not None:
            self._token.cancel()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop after the current file, quit the thread and wait (bounded). Idempotent."""
        self._closed = True
        self.cancel()
        self._worker.cancel_all()
        self._expire_jobs()
        self._busy_job = 0
        return stop_thread(self._thread, timeout_ms)

    # -- worker signals (GUI thread) ---------------------------------------------------

    def _idle(self, job: int) -> None:
        if job == self._busy_job:
            self._busy_job, self._token = 0, None
            self.busyChanged.emit(False)

    def _live(self, job: int) -> bool:
        return not self._closed and job <= self._job and job != 0

    @Slot(int, object)
    def _on_planned(self, job: int, plan: RemovalPlan) -> None:
        if self._live(job):
            self._idle(job)
            self.planned.emit(plan)

    @Slot(int, object)
    def _on_started(self, job: int, event: RemovalStarted) -> None:
        if job == self._busy_job:
            self.started.emit(event)

    @Slot(int, object)
    def _on_progress(self, job: int, progress: Progress) -> None:
        if job == self._busy_job:
            self.progressChanged.emit(progress)

    @Slot(int, list)
    def _on_removed(self, job: int, files: list[FileRemoved]) -> None:
        if job == self._busy_job:
            self.removed.emit(files)

    @Slot(int, list)
    def _on_kept(self, job: int, files: list[KeptFile]) -> None:
        if job == self._busy_job:
            self.kept.emit(files)

    @Slot(int, object)
    def _on_removal_finished(self, job: int, finished: RemovalFinished) -> None:
        if job == self._busy_job:
            self._idle(job)
            self.removalFinished.emit(finished)

    @Slot(int, list)
    def _on_restored(self, job: int, results: list[FileRestore]) -> None:
        if job == self._busy_job:
            self.restored.emit(results)

    @Slot(int, object)
    def _on_restore_finished(self, job: int, finished: RestoreFinished) -> None:
        if job == self._busy_job:
            self._idle(job)
            self.restoreFinished.emit(finished)

    @Slot(int, list)
    def _on_history(self, job: int, infos: list[BatchInfo]) -> None:
        if self._live(job):
            self.historyLoaded.emit(infos)

    @Slot(int, str, list)
    def _on_entries(self, job: int, batch_id: str, entries: list[LogEntry]) -> None:
        if self._live(job):
            self.entriesLoaded.emit(batch_id, entries)

    @Slot(int, object)
    def _on_latest(self, job: int, info: BatchInfo | None) -> None:
        if self._live(job):
            self.latestLoaded.emit(info)

    @Slot(int, str)
    def _on_log_recovered(self, job: int, message: str) -> None:
        if self._live(job):
            self.recovery_notice = message
            self.logRecovered.emit(message)

    @Slot(int, str, bool)
    def _on_locked_out(self, job: int, message: str, restoring: bool) -> None:
        if self._live(job):
            self._idle(job)
            self.lockedOut.emit(message, restoring)

    @Slot(int, str, str)
    def _on_failed(self, job: int, message: str, details: str) -> None:
        if self._live(job):
            self._idle(job)
            self.failed.emit(message, details)
