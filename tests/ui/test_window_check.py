"""`PHOTOSIFT_QUIT_AFTER_SHOWN`: the proof CI and the bundle test use that the window opened
and stayed open (ui/window_check.py). The real-xcb runs are .ci/xcb_check.sh and
tests/smoke/test_bundle.py; here the verdicts themselves."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from ui import window_check


@pytest.fixture
def quits(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    seen: list[bool] = []
    monkeypatch.setattr(qapp, "quit", lambda: seen.append(True))
    return seen


def test_a_window_that_shows_and_stays_passes(
    qtbot: QtBot, qapp: QApplication, quits: list[bool], capsys: pytest.CaptureFixture[str]
) -> None:
    window = QWidget()
    window.setWindowTitle("PhotoSift")
    qtbot.addWidget(window)
    window.show()
    outcome = window_check.arm(qapp, window, 0.2)
    qtbot.waitUntil(lambda: quits == [True], timeout=5000)
    assert outcome == {"code": 0}
    out = capsys.readouterr().out
    assert out.startswith(f"window check: 'PhotoSift' shown on {qapp.platformName()}, ")
    assert out.endswith(", stayed up 0.2 s\n")


def test_a_window_that_goes_away_fails(
    qtbot: QtBot, qapp: QApplication, quits: list[bool], capsys: pytest.CaptureFixture[str]
) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    outcome = window_check.arm(qapp, window, 0.5)
    qtbot.waitExposed(window)
    qtbot.wait(200)  # the check has seen it shown and started its wait
    window.hide()
    qtbot.waitUntil(lambda: quits == [True], timeout=5000)
    assert outcome == {"code": 1}
    assert "the window went away" in capsys.readouterr().err


@pytest.mark.parametrize(("value", "seconds"), [("", None), ("5", 5.0), ("0.5", 0.5), ("x", None)])
def test_the_variable(monkeypatch: pytest.MonkeyPatch, value: str, seconds: float | None) -> None:
    monkeypatch.setenv(window_check.ENV, value)
    assert window_check.requested() == seconds
