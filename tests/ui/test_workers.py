"""The scan thread: scan, cancel, rescan, failures, and a GUI thread that never stalls."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from cleaner.demo.library import DemoLibrary
from cleaner.models import ScanResult, ScanSettings
from cleaner.progress import CancelToken, Progress, ScanEvent, Stage, StageStarted
from ui.workers import base
from ui.workers import scan as scan_module
from ui.workers.scan import ScanController


def _slow_scan(
    settings: ScanSettings, *, cancel: CancelToken, cache_path: object = None
) -> Iterator[ScanEvent]:
    """A scan that never ends by itself and checks the token like the engine does."""
    yield StageStarted(Stage.WALK)
    for i in range(1_000_000):
        cancel.check()
        time.sleep(0.002)
        yield Progress(Stage.WALK, i, 0)


@pytest.fixture
def controller(qtbot: QtBot) -> Iterator[ScanController]:
    c = ScanController(cache_path=None)
    yield c
    assert c.shutdown(5000)


def test_scan_delivers_groups_then_the_result(
    controller: ScanController, qtbot: QtBot, demo_library: DemoLibrary
) -> None:
    groups: list[object] = []
    stages: list[str] = []
    controller.groupsFound.connect(groups.extend)
    controller.stageChanged.connect(stages.append)
    with qtbot.waitSignal(controller.finished, timeout=30_000) as done:
        controller.start(ScanSettings(roots=(str(demo_library.root),)))
    result: ScanResult = done.args[0]
    assert len(result.groups) == len(demo_library.groups)
    assert {id(g) for g in groups} == {id(g) for g in result.groups}  # all before finished
    assert stages[0] == Stage.WALK
    assert Stage.SCORE in stages
    assert not controller.is_running()


def test_cancel_stops_within_a_second(
    controller: ScanController, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan_module, "scan", _slow_scan)
    with qtbot.waitSignal(controller.progressChanged, timeout=5000):
        controller.start(ScanSettings(roots=("/x",)))
    t0 = time.monotonic()
    with qtbot.waitSignal(controller.cancelled, timeout=1000):
        controller.cancel()
    assert time.monotonic() - t0 < 1.0
    assert not controller.is_running()


def test_rescan_ignores_the_old_job(
    controller: ScanController,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    demo_library: DemoLibrary,
) -> None:
    real_scan = scan_module.scan
    calls: list[str] = []

    def fake(settings: ScanSettings, **kw: object) -> Iterator[ScanEvent]:
        calls.append(settings.roots[0])
        if settings.roots[0] == "/slow":
            return _slow_scan(settings, cancel=kw["cancel"])  # type: ignore[arg-type]
        return real_scan(settings, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_module, "scan", fake)
    cancelled: list[bool] = []
    controller.cancelled.connect(lambda: cancelled.append(True))
    with qtbot.waitSignal(controller.progressChanged, timeout=5000):
        first = controller.start(ScanSettings(roots=("/slow",)))
    with qtbot.waitSignal(controller.finished, timeout=30_000) as done:
        second = controller.start(ScanSettings(roots=(str(demo_library.root),)))
    assert second == first + 1
    assert calls == ["/slow", str(demo_library.root)]
    assert len(done.args[0].groups) == len(demo_library.groups)
    assert cancelled == []  # the old job's "cancelled" was stale and dropped


def test_a_bad_folder_fails_with_a_plain_message(controller: ScanController, qtbot: QtBot) -> None:
    with qtbot.waitSignal(controller.failed, timeout=10_000) as failed:
        controller.start(ScanSettings(roots=("/no/such/folder/anywhere",)))
    message, details = failed.args
    assert "/no/such/folder/anywhere" in message
    assert details == ""


def test_an_engine_crash_becomes_failed_not_a_dead_thread(
    controller: ScanController, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(settings: ScanSettings, **kw: object) -> Iterator[ScanEvent]:
        yield StageStarted(Stage.WALK)
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(scan_module, "scan", broken)
    with qtbot.waitSignal(controller.failed, timeout=5000) as failed:
        controller.start(ScanSettings(roots=("/x",)))
    assert "boom" in failed.args[0]
    assert "ZeroDivisionError" in failed.args[1]
    # the thread is still usable
    monkeypatch.setattr(scan_module, "scan", _slow_scan)
    with qtbot.waitSignal(controller.progressChanged, timeout=5000):
        controller.start(ScanSettings(roots=("/x",)))
    with qtbot.waitSignal(controller.cancelled, timeout=2000):
        controller.cancel()


def test_shutdown_during_a_scan_stops_the_thread(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan_module, "scan", _slow_scan)
    c = ScanController(cache_path=None)
    with qtbot.waitSignal(c.progressChanged, timeout=5000):
        c.start(ScanSettings(roots=("/x",)))
    assert c.shutdown(2000)
    assert base.running_threads() == []


def test_progress_is_throttled(
    controller: ScanController, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fast(settings: ScanSettings, *, cancel: CancelToken, **kw: object) -> Iterator[ScanEvent]:
        for i in range(200_000):  # far more events than anyone can read
            cancel.check()
            yield Progress(Stage.FINGERPRINT, i, 200_000)
        raise RuntimeError("no result")

    monkeypatch.setattr(scan_module, "scan", fast)
    seen: list[Progress] = []
    controller.progressChanged.connect(seen.append)
    t0 = time.monotonic()
    with qtbot.waitSignal(controller.failed, timeout=30_000):
        controller.start(ScanSettings(roots=("/x",)))
    elapsed = time.monotonic() - t0
    assert len(seen) <= scan_module.PROGRESS_HZ * elapsed + 3


def _noisy_library(folder: Path, n: int) -> None:
    rng = np.random.default_rng(1)
    for i in range(n):
        a = rng.integers(0, 255, size=(48, 64, 3), dtype=np.uint8)
        Image.fromarray(a).resize((960, 720), Image.Resampling.BICUBIC).save(
            folder / f"p{i:03d}.jpg", quality=90
        )


def test_the_gui_thread_keeps_running_during_a_scan(
    controller: ScanController, qtbot: QtBot, tmp_path: Path
) -> None:
    """A 10 ms timer on the GUI thread keeps firing while the engine decodes and hashes."""
    _noisy_library(tmp_path, 80)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    try:
        with qtbot.waitSignal(controller.finished, timeout=60_000):
            controller.start(ScanSettings(roots=(str(tmp_path),)))
    finally:
        timer.stop()
    gaps = np.diff(ticks)
    assert len(ticks) > 10
    # generous bound: a stall from decoding on the GUI thread would be seconds
    assert gaps.max() < 0.5, f"GUI thread stalled for {gaps.max():.2f} s"
