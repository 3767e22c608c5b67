"""Who starts what: `photosift` (ui/launch.py) opens the window without a command and hands
every command to the engine's command line; `python -m cleaner` is the command line only.

These run in the engine-only environment too (no PySide6): the launcher must not need Qt
to run a command, and must say plainly that the window needs it."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

import cleaner
from ui import launch

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("argv", "window"),
    [
        ([], True),
        (["--smoke-test"], True),
        (["--portable", "/tmp/p"], True),
        (["--portable", "/tmp/p", "-style", "fusion"], True),
        (["scan", "/photos"], False),
        (["--help"], False),
        (["--version"], False),
        (["--smoke-test", "scan"], False),
    ],
)
def test_which_arguments_open_the_window(argv: list[str], window: bool) -> None:
    assert launch.wants_window(argv) is window


def test_a_command_goes_to_the_engines_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def command_line(argv: list[str]) -> int:
        seen.append(argv)
        return 3

    monkeypatch.setattr(cleaner, "run_command_line", command_line)
    assert launch.main(["scan", "/photos", "--json", "r.json"]) == 3
    assert seen == [["scan", "/photos", "--json", "r.json"]]


def test_no_command_starts_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in PySide6, so this runs where the real one is not installed.
    monkeypatch.setitem(sys.modules, "PySide6", types.ModuleType("PySide6"))
    from ui import app

    seen: list[list[str]] = []
    monkeypatch.setattr(app, "main", lambda argv: seen.append(list(argv)) or 0)
    assert launch.main([]) == 0
    assert launch.main(["--portable", "/tmp/p"]) == 0
    assert seen == [[], ["--portable", "/tmp/p"]]


def test_without_pyside6_the_window_says_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "PySide6", None)  # `import PySide6` now fails
    assert launch.main([]) == 1
    err = capsys.readouterr().err
    assert err.startswith("photosift: the window needs PySide6, which is not installed (")
    assert err.endswith(
        "). Install the window with: pip install 'photosift[gui]' "
        "(the command line works without it: photosift --help)\n"
    )
    assert err.count("\n") == 1
    # `photosift-gui` (the window only) says the same
    monkeypatch.setattr(sys, "argv", ["photosift-gui"])
    assert launch.window_main() == 1
    assert "pip install 'photosift[gui]'" in capsys.readouterr().err


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("QT_QPA_PLATFORM", None)  # a window must not open: it would fail here
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_launcher_imports_no_qt() -> None:
    done = _python(
        "-c",
        "import sys, ui, ui.launch\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_command_through_the_launcher_is_the_command_line() -> None:
    done = _python("-m", "ui.launch", "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"PhotoSift {cleaner.__version__}\n"


@pytest.mark.parametrize("argv", [[], ["--smoke-test"]])
def test_python_m_cleaner_without_a_command_is_a_usage_error(argv: list[str]) -> None:
    done = _python("-m", "cleaner", *argv)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("usage: photosift ")
    assert "photosift: error: no command given: choose one of scan, clean, history" in done.stderr
    assert "the window opens when the photosift program is run without a command" in done.stderr
