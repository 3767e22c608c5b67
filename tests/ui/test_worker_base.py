"""The workers' base: job ids drop stale results, the catch-all turns an exception into
`failed` with details, and every thread and pool is in the registry."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThreadPool, Signal, Slot
from pytestqt.qtbot import QtBot

from cleaner import CancelToken
from ui.workers import base
from ui.workers.base import (
    JobController,
    JobRunnable,
    JobWorker,
    register_pool,
    stop_thread,
    worker_thread,
)

TIMEOUT = 5000


class Known(Exception):
    """An exception the echo worker expects and words itself."""


class EchoWorker(JobWorker):
    """Echoes its job's value back; a value that is an exception is raised instead."""

    echoed = Signal(int, object)  # job, value

    @Slot(int, object)
    def run(self, job: int, value: object) -> None:
        self.run_job(job, lambda token: self._echo(job, value, token))

    def _echo(self, job: int, value: object, token: CancelToken) -> None:
        if isinstance(value, Exception):
            raise value
        self.echoed.emit(job, value)

    def known_failure(self, job: int, exc: Exception) -> bool:
        if isinstance(exc, Known):
            self.failed.emit(job, f"known: {exc}", "")
            return True
        return False


class EchoController(JobController):
    echoed = Signal(object)
    failed = Signal(str, str)
    _runRequested = Signal(int, object)

    def __init__(self) -> None:
        super().__init__()
        self._worker = EchoWorker()
        self._thread = worker_thread("photosift-test-echo", self._worker)
        self._runRequested.connect(self._worker.run)
        self._worker.echoed.connect(self._on_echoed)
        self._worker.failed.connect(self._on_failed)
        self._thread.start()

    def start(self, value: object) -> int:
        job = self._next_job()
        self._worker.token_for(job)
        self._runRequested.emit(job, value)
        return job

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        self._expire_jobs()
        return stop_thread(self._thread, timeout_ms)

    @Slot(int, object)
    def _on_echoed(self, job: int, value: object) -> None:
        if self._is_newest(job):
            self.echoed.emit(value)

    @Slot(int, str, str)
    def _on_failed(self, job: int, message: str, details: str) -> None:
        if self._is_newest(job):
            self.failed.emit(message, details)


@pytest.fixture
def echo(qtbot: QtBot) -> Iterator[EchoController]:
    controller = EchoController()
    yield controller
    assert controller.shutdown(TIMEOUT)


def test_a_stale_jobs_result_is_dropped(echo: EchoController, qtbot: QtBot) -> None:
    seen: list[object] = []
    echo.echoed.connect(seen.append)
    with qtbot.waitSignal(echo.echoed, timeout=TIMEOUT) as newest:
        first = echo.start("old")
        second = echo.start("new")
    assert second == first + 1 == echo.job
    assert newest.args == ["new"]
    # The worker answers in order, so "old" reached the controller first and was dropped.
    assert seen == ["new"]


def test_an_unexpected_exception_becomes_failed_with_details(
    echo: EchoController, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(echo.failed, timeout=TIMEOUT) as failed:
        echo.start(ValueError("the disk caught fire"))
    message, details = failed.args
    assert message == "PhotoSift stopped because of an unexpected problem: the disk caught fire"
    assert "Traceback" in details
    assert "ValueError: the disk caught fire" in details
    # The thread survived: the next job runs.
    with qtbot.waitSignal(echo.echoed, timeout=TIMEOUT) as echoed:
        echo.start("still here")
    assert echoed.args == ["still here"]


def test_a_known_exception_is_worded_by_the_worker(echo: EchoController, qtbot: QtBot) -> None:
    with qtbot.waitSignal(echo.failed, timeout=TIMEOUT) as failed:
        echo.start(Known("no room"))
    assert failed.args == ["known: no room", ""]


def test_worker_threads_are_registered_and_stopped(echo: EchoController) -> None:
    assert echo._thread in base.running_threads()
    assert echo._thread.objectName() == "photosift-test-echo"
    assert echo.shutdown(TIMEOUT)
    assert echo._thread not in base.running_threads()


class _Boom(JobRunnable):
    stopped = "The test job stopped"

    def work(self) -> None:
        raise RuntimeError("boom")


class PoolController(JobController):
    failed = Signal(int, str, str)  # job, message, details: emitted from the pool thread

    def __init__(self) -> None:
        super().__init__()
        self.pool = register_pool(QThreadPool())
        self.pool.setMaxThreadCount(1)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        self._expire_jobs()
        return bool(self.pool.waitForDone(timeout_ms))


def test_a_pool_jobs_exception_becomes_failed_with_details(qtbot: QtBot) -> None:
    controller = PoolController()
    assert controller.pool in base.registered_pools()
    job = controller._next_job()
    with qtbot.waitSignal(controller.failed, timeout=TIMEOUT) as failed:
        controller.pool.start(_Boom(job, controller.failed))
    assert failed.args[:2] == [job, "The test job stopped because of an unexpected problem: boom"]
    assert "RuntimeError: boom" in failed.args[2]
    assert controller.shutdown(TIMEOUT)


def test_the_exit_hook_stops_every_controller_even_when_a_windows_qt_side_is_gone(
    qtbot: QtBot,
) -> None:
    """The registry holds the mutations controller too; a scan controller whose window was
    deleted (its timer with it) must not stop the hook before it reaches the others."""
    import shiboken6
    from PySide6.QtCore import QObject

    from ui.workers.mutations import MutationController
    from ui.workers.scan import ScanController

    parent = QObject()
    scan = ScanController(None, parent)
    mutations = MutationController(parent=parent)
    threads = (scan._thread, mutations._thread)
    assert all(t.isRunning() for t in threads)
    shiboken6.delete(parent)
    base._stop_at_exit()
    assert not any(t.isRunning() for t in threads)
