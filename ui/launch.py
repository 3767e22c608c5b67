"""What the `photosift` program runs: the window without a command, the command line with one.

    photosift                         the window
    photosift --smoke-test            the window's self-check (packaged builds)
    photosift --portable DIR [...]    the window, keeping settings and caches under DIR
    photosift COMMAND ...             the command line (`cleaner.cli`), which needs no Qt
    photosift-gui [...]               the window only

An install without the window (`pip install photosift`, on a server) has no PySide6:
then the window's commands say how to add it (`pip install 'photosift[gui]'`).

The choice lives here, in the window's package, so the engine never has to know that a
window exists. Nothing is imported at module level beyond the standard library: where
PySide6 is not installed (the engine-only environment) `photosift scan ...` must still
work, and `photosift` alone must say plainly what is missing.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

EXIT_FAILED = 1  # the same code as the command line's "something it was asked to do failed"


def wants_window(argv: Sequence[str]) -> bool:
    """No arguments, only `--smoke-test`, or `--portable DIR` first: the window."""
    args = list(argv)
    return not args or args == ["--smoke-test"] or args[:1] == ["--portable"]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if wants_window(args):
        return launch_window(args)
    from cleaner import run_command_line

    return run_command_line(args)


def window_main() -> int:
    """`photosift-gui`: the window only, with the same plain words where Qt is missing."""
    return launch_window(list(sys.argv[1:]))


def launch_window(argv: list[str]) -> int:
    try:
        # Only to learn whether the window can start; ui.app imports the rest of Qt.
        import PySide6  # noqa: F401
    except ImportError as exc:
        from cleaner import _

        print(
            _(
                "photosift: the window needs PySide6, which is not installed ({problem}). "
                "Install the window with: pip install 'photosift[gui]' "
                "(the command line works without it: photosift --help)"
            ).format(problem=exc),
            file=sys.stderr,
        )
        return EXIT_FAILED
    from ui import app

    return app.main(argv)


if __name__ == "__main__":
    sys.exit(main())
