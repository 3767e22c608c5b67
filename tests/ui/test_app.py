"""The entry point: --smoke-test, --portable, and the exception hook's dialog."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from ui import app as app_mod
from ui.widgets.error_dialog import ErrorDialog


def test_smoke_test_scans_a_generated_library(tmp_path: Path) -> None:
    """In a child process, through the `photosift` entry point as a packaged build runs it
    (it owns its QApplication.exec)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "ui.launch", "--smoke-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "smoke test: 4 groups (expected 4)" in done.stdout
    unexpected = [
        line
        for line in done.stderr.splitlines()
        if line.strip() and "propagateSizeHints" not in line and not line.startswith("INFO")
    ]
    assert unexpected == []


def test_portable_redirects_config_and_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ui import settings

    args, rest = app_mod.parse_args(["--portable", str(tmp_path / "p"), "-style", "fusion"])
    assert args.portable == str(tmp_path / "p")
    assert rest == ["-style", "fusion"]
    settings.use_portable_dir(args.portable)
    assert settings.settings_path() == tmp_path / "p" / "config" / "photosift.ini"
    assert os.environ["PHOTOSIFT_CACHE_DIR"] == str(tmp_path / "p" / "cache")


def test_uncaught_exceptions_open_a_dialog_with_a_report(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[ErrorDialog] = []

    def fake_exec(self: ErrorDialog) -> int:
        shown.append(self)
        return 0

    monkeypatch.setattr(ErrorDialog, "exec", fake_exec)
    try:
        raise ValueError("the disk is full")
    except ValueError as exc:
        app_mod.excepthook(ValueError, exc, exc.__traceback__)
    assert len(shown) == 1
    dialog = shown[0]
    qtbot.addWidget(dialog)
    assert "ValueError: the disk is full" in dialog.report
    assert "PhotoSift" in dialog.report
    dialog.copy_button.click()
    clipboard = QGuiApplication.clipboard()
    assert clipboard is not None
    assert "the disk is full" in clipboard.text()
