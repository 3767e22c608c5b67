"""Entry point of the window: `photosift` with no arguments, or `photosift-gui`.

    photosift [--portable DIR] [--smoke-test]

`--portable DIR` keeps settings, the fingerprint cache and the undo log under DIR.
`--smoke-test` opens the main window offscreen, scans a generated sample library,
checks that copies were found, and exits 0 (1 on any failure), for packaged builds.

Before Qt starts on X11, the libraries Qt's xcb plugin needs are checked
(ui/platform_libs.py): when one is missing it prints the apt-get command that installs
it (offering to run it from a terminal) and exits 4, instead of Qt's abort.
`PHOTOSIFT_QUIT_AFTER_SHOWN=SECONDS` quits once the window has been shown that long
(ui/window_check.py: CI's proof that the window opens).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

log = logging.getLogger("photosift")

SMOKE_TIMEOUT_MS = 60_000


def parse_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="photosift", add_help=True)
    from cleaner import _

    parser.add_argument("--portable", metavar="DIR", help=_("keep settings and caches in DIR"))
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_known_args(list(argv))


_hook_busy = False


def excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Log an uncaught exception and show it in a dialog with a "Copy report" button."""
    global _hook_busy
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("Unexpected error:\n%s", details)
    sys.stderr.write(details)
    if issubclass(exc_type, KeyboardInterrupt):
        return
    from PySide6.QtWidgets import QApplication

    if _hook_busy or QApplication.instance() is None:
        return
    _hook_busy = True
    try:
        from cleaner import _
        from ui.widgets.error_dialog import ErrorDialog

        dialog = ErrorDialog(
            _("PhotoSift ran into an unexpected problem: {problem}").format(problem=exc),
            details,
            _("Something went wrong"),
        )
        dialog.exec()
    finally:
        _hook_busy = False


def install_excepthook() -> None:
    sys.excepthook = excepthook


def main(argv: Sequence[str] | None = None) -> int:
    args, qt_args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.smoke_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Before anything loads Qt's display plugin: a missing X11 library would abort the
    # process inside Qt; say instead which packages to install (ui/platform_libs.py).
    from ui.platform_libs import check_before_qt

    refused = check_before_qt(qt_args)
    if refused is not None:
        return refused
    from ui.settings import use_portable_dir

    if args.portable:
        use_portable_dir(args.portable)
    elif args.smoke_test:
        use_portable_dir(tempfile.mkdtemp(prefix="photosift-smoke-"))

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from ui.qtcheck import binding_problem

    problem = binding_problem()
    if problem is not None:
        print(f"photosift: {problem}", file=sys.stderr)
        return 1

    from ui.icons import app_icon
    from ui.main_window import MainWindow
    from ui.workers.base import drain_pools

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    QCoreApplication.setApplicationName("PhotoSift")
    QCoreApplication.setOrganizationName("PhotoSift")
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0], *qt_args])
    # The language (View → Language, else the system's) is in force before any window is
    # built: the engine's words, the window's and Qt's own dialogs (ui/language.py).
    from ui.language import start_language, take_continue_request
    from ui.settings import Settings

    start_language(app, Settings())
    app.setWindowIcon(app_icon())
    app.setDesktopFileName("photosift")
    install_excepthook()
    window = MainWindow()
    app.aboutToQuit.connect(window.shutdown)
    window.show()
    if take_continue_request():  # started by View → Language's "Restart now"
        window.saved_review.continue_saved()
    if args.smoke_test:
        return _smoke_test(app, window)
    from ui import window_check

    seconds = window_check.requested()
    if seconds is not None:
        outcome = window_check.arm(app, window, seconds)
        app.exec()
        drain_pools()
        return outcome["code"]
    code = int(app.exec())
    drain_pools()
    return code


def _smoke_test(app: object, window: object) -> int:
    """Scan a generated library in the real window; 0 if the planted copies were found."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from cleaner import ScanResult, ScanSettings, make_demo_library, register_plugins
    from ui.main_window import MainWindow

    assert isinstance(app, QApplication)
    assert isinstance(window, MainWindow)
    plugins = register_plugins()
    # Engine half: every image plugin loads and the bundled JPEG/PNG/HEIC/RAW samples decode.
    from cleaner import check_samples

    problems = check_samples()
    if problems:
        print("smoke test failed:\n  " + "\n  ".join(problems), file=sys.stderr, flush=True)
        window.close()
        return 1
    folder = Path(tempfile.mkdtemp(prefix="photosift-smoke-lib-"))
    library = make_demo_library(folder)
    outcome: dict[str, int] = {"code": 1}

    def finished(result: ScanResult) -> None:
        ok = len(result.groups) == len(library.groups)
        print(
            f"smoke test: {len(result.groups)} groups (expected {len(library.groups)}), "
            f"{result.stats.images} pictures, plugins {plugins}",
            flush=True,
        )
        outcome["code"] = 0 if ok else 1
        window.close()
        app.quit()

    def failed(message: str, details: str) -> None:
        print(f"smoke test: scan failed: {message}\n{details}", file=sys.stderr, flush=True)
        window.close()
        app.quit()

    def timeout() -> None:
        print("smoke test: timed out", file=sys.stderr, flush=True)
        window.close()
        app.quit()

    window.scanner.finished.connect(finished)
    window.scanner.failed.connect(failed)
    QTimer.singleShot(SMOKE_TIMEOUT_MS, timeout)
    window.run_scan(ScanSettings(roots=(str(library.root),)))
    app.exec()
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    return outcome["code"]


if __name__ == "__main__":
    sys.exit(main())
