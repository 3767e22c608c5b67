"""Refuse to run on a Qt binding with a known crash, with a message that says what to do.

PySide6/shiboken6 6.12.0 on Python < 3.12 drops one reference to `None` on every call
of a method that returns nothing (`QPainter.setPen`, `QLabel.setText`, ...), as if
`None` were immortal, which it only became in Python 3.12. A window that paints for a
while takes `None`'s count to zero and the interpreter aborts ("Fatal Python error:
none_dealloc"). pyproject.toml excludes that release; this check catches an
environment that got it anyway, before the user loses work to the crash.
"""

from __future__ import annotations

import sys


def binding_problem() -> str | None:
    """A message if this PySide6 loses references to None on void calls, else None."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return None
    import PySide6
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _i in range(64):
        probe.setObjectName("probe")
    if sys.getrefcount(None) >= before - 32:
        return None
    from cleaner import _

    return _(
        "PySide6 {version} has a known bug on Python {python} that crashes the window. "
        "Install another version, for example: pip install 'PySide6-Essentials<6.12'"
    ).format(
        version=PySide6.__version__,
        python=f"{sys.version_info.major}.{sys.version_info.minor}",
    )
