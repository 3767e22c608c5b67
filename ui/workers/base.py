"""What every worker of the window shares, and the one list of the threads and pools it starts.

    JobController (GUI thread)  --job id + task-->  JobWorker (its own QThread)
          ^                                         or JobRunnable (a pool thread)
          +------- results and `failed`, each tagged with the job id ------+

- A controller numbers its jobs. A result whose job is no longer the one the controller
  waits for (a newer job started, the window is closing) is dropped, so a slow old scan
  cannot overwrite a new one.
- A worker runs every job inside one catch-all: an exception it knows becomes its own
  sentence; any other becomes `failed` with a plain sentence and the traceback, so a
  worker never dies silently and the window can always show what happened.
- Qt's threading rules hold for every worker: one worker object per QThread, moved there
  before its signals are connected (to bound methods marked @Slot, so calls are queued);
  a worker never touches a widget, everything it learns goes out as a signal; cancelling
  sets a thread-safe `CancelToken` from the GUI thread directly.
- Every thread, pool and controller is registered here (weakly), so shutdown, tests and
  the last-resort exit hook find all of them in one place.
"""

from __future__ import annotations

import atexit
import contextlib
import traceback
import weakref
from collections.abc import Callable
from typing import ClassVar

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal, SignalInstance, Slot

from cleaner import (
    N_,
    CancelToken,
    _,
)

# -- the registry ----------------------------------------------------------------------

_threads: weakref.WeakSet[QThread] = weakref.WeakSet()
_pools: weakref.WeakSet[QThreadPool] = weakref.WeakSet()
_controllers: weakref.WeakSet[JobController] = weakref.WeakSet()


def register_thread(thread: QThread) -> QThread:
    """Every worker QThread goes here, so tests and shutdown can check none is left."""
    _threads.add(thread)
    return thread


def register_pool(pool: QThreadPool) -> QThreadPool:
    """Every QThreadPool goes here, so `drain_pools()` at shutdown waits for all of them."""
    _pools.add(pool)
    return pool


def running_threads() -> list[QThread]:
    return [t for t in list(_threads) if t.isRunning()]


def busy_pools() -> list[QThreadPool]:
    return [p for p in list(_pools) if p.activeThreadCount() > 0]


def registered_pools() -> list[QThreadPool]:
    return list(_pools)


def drain_pools(timeout_ms: int = 3000) -> bool:
    """Drop queued work on every registered pool and wait for running work. True if idle."""
    idle = True
    for pool in list(_pools):
        pool.clear()
        idle = bool(pool.waitForDone(timeout_ms)) and idle
    return idle


def _stop_at_exit() -> None:
    """Last resort when Python exits without closing the window (a script, a crash): a
    QThread destroyed while running aborts the process."""
    for controller in list(_controllers):
        # one controller whose Qt side is already gone (its window was deleted) must not
        # keep the others, the mutations thread among them, from being stopped
        with contextlib.suppress(RuntimeError):
            controller.shutdown(2000)


atexit.register(_stop_at_exit)


# -- threads ---------------------------------------------------------------------------


def worker_thread(name: str, worker: QObject) -> QThread:
    """A registered, not yet started QThread that owns `worker` (one worker per thread).
    The caller connects the worker's signals, then starts the thread."""
    thread = register_thread(QThread())
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.finished.connect(worker.deleteLater)
    return thread


def stop_thread(thread: QThread, timeout_ms: int) -> bool:
    """Quit the thread's event loop and wait for it (bounded). True if it stopped."""
    if not thread.isRunning():
        return True
    thread.quit()
    return bool(thread.wait(timeout_ms))


# -- the catch-all ---------------------------------------------------------------------


def run_guarded(
    work: Callable[[], None],
    known: Callable[[Exception], bool],
    fail: Callable[[str, str], None],
    stopped: str,
) -> None:
    """Run `work`. An exception that `known` handles (it emitted its own signal) ends
    there; any other becomes `fail("<stopped> because of an unexpected problem: ...",
    traceback)`."""
    try:
        work()
    except Exception as exc:  # the catch-all: a worker must never die silently
        if not known(exc):
            # Translators: {stopped} is a sentence start such as "The scan stopped"
            text = _("{stopped} because of an unexpected problem: {problem}").format(
                stopped=_(stopped), problem=exc
            )
            fail(text, traceback.format_exc())


class JobWorker(QObject):
    """Base of a worker living in its own QThread; its slot calls `run_job` for each job."""

    failed = Signal(int, str, str)  # job, message for the user, details (traceback)
    # How the sentence for an unexpected problem starts ("... because of ..."), marked with
    # N_ where it is set and translated when said.
    stopped: ClassVar[str] = N_("PhotoSift stopped")

    def __init__(self) -> None:
        super().__init__()
        self._tokens: dict[int, CancelToken] = {}

    def token_for(self, job: int) -> CancelToken:
        """Called from the GUI thread before the job is queued; dict ops are atomic."""
        token = CancelToken()
        self._tokens[job] = token
        return token

    def cancel_all(self) -> None:
        """Cancel every job queued or running (GUI thread, at shutdown)."""
        for token in list(self._tokens.values()):
            token.cancel()

    def run_job(self, job: int, work: Callable[[CancelToken], None]) -> None:
        token = self._tokens.get(job) or CancelToken()
        try:
            run_guarded(
                lambda: work(token),
                lambda exc: self.known_failure(job, exc),
                lambda message, details: self.failed.emit(job, message, details),
                self.stopped,
            )
        finally:
            self._tokens.pop(job, None)

    def known_failure(self, job: int, exc: Exception) -> bool:
        """Emit the signal that fits an exception this worker expects; False if none does."""
        return False


class JobRunnable(QRunnable):
    """Base of a job run on a thread pool. `work` runs inside the same catch-all as a
    `JobWorker`'s job; a failure goes out through `failed`, a signal of the controller
    (emitted from the pool thread, Qt queues it to the controller's GUI thread)."""

    stopped: ClassVar[str] = N_("PhotoSift stopped")

    def __init__(self, job: int, failed: SignalInstance) -> None:
        super().__init__()
        self.job = job
        self._failed = failed
        self.setAutoDelete(True)

    def run(self) -> None:
        run_guarded(
            self.work,
            self.known_failure,
            lambda message, details: self._failed.emit(self.job, message, details),
            self.stopped,
        )

    def work(self) -> None:
        raise NotImplementedError

    def known_failure(self, exc: Exception) -> bool:
        """Emit the failure that fits an exception this job expects; False if none does."""
        return False


class JobController(QObject):
    """Base of a controller (GUI thread): numbers its jobs and tells stale results apart."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job = 0
        _controllers.add(self)

    @property
    def job(self) -> int:
        """The newest job id; results of older jobs are stale."""
        return self._job

    def _next_job(self) -> int:
        self._job += 1
        return self._job

    def _expire_jobs(self) -> None:
        """Everything still in flight is now stale (a shutdown)."""
        self._job += 1

    def _is_newest(self, job: int) -> bool:
        return job == self._job

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop whatever runs and wait for it (bounded). True if it stopped. Idempotent."""
        raise NotImplementedError


class PoolJobController(JobController):
    """Base of a controller whose jobs run one at a time on its own registered thread
    pool (a report, opening a saved review). Only the newest job's result (`finished`)
    or failure (`failed`) is passed on; `busyChanged` says when one starts and ends.
    A job is a `JobRunnable` that emits `_done(job, value)` or `_failed(job, ...)`."""

    finished = Signal(object)
    failed = Signal(str, str)  # message, details
    busyChanged = Signal(bool)
    _done = Signal(int, object)
    _failed = Signal(int, str, str)
    # how long `shutdown()` waits for a running job by default
    shutdown_wait_ms: ClassVar[int] = 5000

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = register_pool(QThreadPool())
        self.pool.setMaxThreadCount(1)
        self._running = False
        self._done.connect(self._on_done)
        self._failed.connect(self._on_failed)

    def busy(self) -> bool:
        return self._running

    def _start(self, make_job: Callable[[int], QRunnable]) -> int:
        job = self._next_job()
        self._running = True
        self.busyChanged.emit(True)
        self.pool.start(make_job(job))
        return job

    def shutdown(self, timeout_ms: int | None = None) -> bool:
        self._expire_jobs()
        self._running = False
        self.pool.clear()
        wait = self.shutdown_wait_ms if timeout_ms is None else timeout_ms
        return bool(self.pool.waitForDone(wait))

    def _settle(self, job: int) -> bool:
        """True (and no longer busy) if `job` is the one still awaited."""
        if not (self._running and self._is_newest(job)):
            return False
        self._running = False
        self.busyChanged.emit(False)
        return True

    @Slot(int, object)
    def _on_done(self, job: int, value: object) -> None:
        if self._settle(job):
            self.finished.emit(value)

    @Slot(int, str, str)
    def _on_failed(self, job: int, message: str, details: str) -> None:
        if self._settle(job):
            self.failed.emit(message, details)
