"""The progress and cancel protocol: stage order, sane counts, prompt stops, no leftovers."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Generator
from pathlib import Path

import pytest

import cleaner.detect.scan
from cleaner.detect.scan import scan
from cleaner.errors import Cancelled
from cleaner.models import ScanSettings
from cleaner.progress import (
    CancelToken,
    Progress,
    ProgressMeter,
    ScanFinished,
    Stage,
    StageStarted,
    drain,
    iter_with_progress,
    overall_fraction,
    relay,
    step_fraction,
)
from tests.helpers import images

STAGE_ORDER = [Stage.WALK, Stage.DIGEST, Stage.FINGERPRINT, Stage.GROUP, Stage.SCORE]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("progress")
    for seed in range(24):
        img = images.photo(300 + seed, (160, 120))
        images.save(img, root / f"sub{seed % 3}" / f"p{seed}.jpg")
        if seed % 4 == 0:
            images.save(images.resized(img, 80), root / f"p{seed}_small.png")
            data = (root / f"sub{seed % 3}" / f"p{seed}.jpg").read_bytes()
            (root / f"p{seed} copy.jpg").write_bytes(data)
    return root


def _settings(folder: Path) -> ScanSettings:
    return ScanSettings(roots=(str(folder),), workers=2)


def _scan_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("photosift-scan")]


def test_events_come_in_stage_order_and_counts_stay_sane(folder: Path) -> None:
    events = list(scan(_settings(folder), cache_path=None, progress_hz=float("inf")))
    started = [e.stage for e in events if isinstance(e, StageStarted)]
    assert started == STAGE_ORDER
    assert isinstance(events[-1], ScanFinished)
    current = None
    for e in events:
        if isinstance(e, StageStarted):
            current = e.stage
        elif isinstance(e, Progress):
            assert e.stage == current  # progress belongs to the stage that is running
            assert e.done >= 0
            if e.total > 0:
                assert e.done <= e.total, e
            assert 0.0 <= e.overall <= 1.0
            if e.eta_seconds is not None:
                assert e.eta_seconds >= 0
    progress = [e for e in events if isinstance(e, Progress)]
    assert {p.stage for p in progress} == set(STAGE_ORDER)
    walk_last = [p for p in progress if p.stage == Stage.WALK][-1]
    assert walk_last.done == 24 + 6 + 6


def test_overall_progress_never_goes_backwards(folder: Path) -> None:
    events = list(scan(_settings(folder), cache_path=None, progress_hz=float("inf")))
    overall = [e.overall for e in events if isinstance(e, Progress)]
    drops = [(a, b) for a, b in itertools.pairwise(overall) if b < a - 1e-9]
    assert drops == []


def test_progress_is_throttled(folder: Path) -> None:
    events = list(scan(_settings(folder), cache_path=None, progress_hz=0.001))
    progress = [e for e in events if isinstance(e, Progress)]
    # with a very low rate only the first and final events of each stage are sent
    assert len(progress) <= 3 * len(STAGE_ORDER)


def test_cancel_after_the_first_progress_event_raises_promptly(folder: Path) -> None:
    token = CancelToken()
    seen = []

    def consume() -> None:
        for event in scan(_settings(folder), cancel=token, cache_path=None):
            seen.append(event)
            if isinstance(event, Progress):
                token.cancel()

    with pytest.raises(Cancelled):
        consume()
    # the scan stops at its next check, within the stage it was in
    stages = [e.stage for e in seen if isinstance(e, StageStarted)]
    assert stages == [Stage.WALK]
    assert not any(isinstance(e, ScanFinished) for e in seen)
    assert not _scan_threads()


def test_cancel_from_another_thread_during_fingerprinting(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = CancelToken()
    entered = threading.Event()
    release = threading.Event()
    real = cleaner.detect.scan.analyse_file

    def slow_analyse(path: str, max_pixels: int):  # type: ignore[no-untyped-def]
        entered.set()
        release.wait(timeout=10)  # held until the test has cancelled
        return real(path, max_pixels)

    monkeypatch.setattr(cleaner.detect.scan, "analyse_file", slow_analyse)

    cancelled_at: list[float] = []

    def canceller() -> None:
        entered.wait(timeout=10)
        cancelled_at.append(time.monotonic())
        token.cancel()
        release.set()

    helper = threading.Thread(target=canceller)
    helper.start()
    try:
        with pytest.raises(Cancelled):
            for _ in scan(_settings(folder), cancel=token, cache_path=None):
                pass
    finally:
        release.set()
        helper.join(timeout=10)
    stopped_at = time.monotonic()
    assert entered.is_set()
    assert stopped_at - cancelled_at[0] < 2.0  # within one file's work, not the whole scan
    assert not _scan_threads()


def test_closing_the_generator_shuts_the_pool_down(folder: Path) -> None:
    gen = scan(_settings(folder), cache_path=None, progress_hz=float("inf"))
    for event in gen:
        if isinstance(event, StageStarted) and event.stage == Stage.FINGERPRINT:
            break
    assert _scan_threads(), "the pool should be running mid-scan"
    gen.close()
    assert not _scan_threads()


def test_a_finished_scan_leaves_no_threads(folder: Path, no_scan_threads_left) -> None:
    events = list(scan(_settings(folder), cache_path=None))
    assert isinstance(events[-1], ScanFinished)


def test_cancel_token() -> None:
    token = CancelToken()
    token.check()
    assert token.cancelled is False
    token.cancel()
    assert token.cancelled is True
    with pytest.raises(Cancelled):
        token.check()


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_meter_throttles_but_always_reports_the_last_item() -> None:
    clock = FakeClock()
    meter = ProgressMeter(Stage.FINGERPRINT, total=10, hz=10.0, clock=clock)
    sent = []
    for _ in range(10):
        event = meter.advance(1, 100)
        if event is not None:
            sent.append(event)
        clock.now += 0.01  # 100 items per second, ten times the allowed rate
    assert sent[0].done == 1
    assert sent[-1].done == 10
    assert len(sent) <= 3
    final = sent[-1]
    assert final.done == final.total
    assert final.eta_seconds == 0


def test_meter_eta_and_rate() -> None:
    clock = FakeClock()
    meter = ProgressMeter(Stage.FINGERPRINT, total=4, bytes_total=400, clock=clock)
    clock.now = 2.0
    p = meter.advance(1, 100)
    assert p is not None
    assert p.rate == pytest.approx(0.5)
    assert p.eta_seconds == pytest.approx(6.0)


def test_overall_fraction_follows_the_stage_weights() -> None:
    assert overall_fraction(Stage.WALK, 0, 0) == 0.0
    assert overall_fraction(Stage.SCORE, 1, 1) == pytest.approx(1.0)
    previous = -1.0
    for stage in STAGE_ORDER:
        for done in (0, 5, 10):
            value = overall_fraction(stage, done, 10)
            assert value >= previous
            previous = value
    assert abs(sum(Stage.WEIGHTS.values()) - 1.0) < 1e-9


def test_iter_with_progress_checks_cancel() -> None:
    token = CancelToken()
    meter = ProgressMeter(Stage.WALK, total=5, hz=1e6)
    out = []

    def consume() -> None:
        for item, event in iter_with_progress(range(5), meter, token):
            out.append((item, event.done if event else None))
            if item == 2:
                token.cancel()

    with pytest.raises(Cancelled):
        consume()
    assert [i for i, _ in out] == [0, 1, 2]
    assert out[0][1] == 1


def _steps(n: int) -> Generator[tuple[int, int], None, str]:
    for done in range(n):
        yield done, n
    return "result"


def test_drain_returns_the_value_and_hands_on_every_event() -> None:
    seen: list[tuple[int, int]] = []
    assert drain(_steps(3), seen.append) == "result"
    assert seen == [(0, 3), (1, 3), (2, 3)]
    assert drain(_steps(0)) == "result"


def test_relay_scales_a_sub_step_and_returns_its_value() -> None:
    def stage() -> Generator[float, None, str]:
        value = yield from relay(_steps(2), step_fraction(1, 2))
        return value + "!"

    fractions: list[float] = []
    assert drain(stage(), fractions.append) == "result!"
    assert fractions == [0.5, 0.75]
