"""Work around a reference-count bug of PySide6 6.12 on Python < 3.12.

On Python 3.11, PySide6/shiboken6 6.12.0 drops one reference to `None` on every call of
a method that returns nothing (`QPainter.setPen`, `QLabel.setText`, ...), as if `None`
were immortal, which it only became in Python 3.12 (PEP 683). A window that paints
for a while takes `None`'s count to zero and the interpreter aborts with "Fatal Python
error: none_dealloc" (we hit it after a few thousand tile paints). Measured with
`sys.getrefcount(None)` around `QObject.setObjectName` in a loop: -1 per call.

The fix gives `None`, `True` and `False` the effectively unlimited count that Python
3.12 gives them. It is applied only when the leak is measured, so a fixed PySide6 (or
Python >= 3.12) leaves everything untouched.
"""

from __future__ import annotations

import ctypes
import sys

_IMMORTAL = 1 << 60
applied = False


def leaks_none() -> bool:
    """True if a void PySide6 call loses a reference to None."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(64):
        probe.setObjectName("probe")
    return sys.getrefcount(None) < before - 32


def apply() -> bool:
    """Make None/True/False effectively immortal if this PySide6 needs it. Idempotent."""
    global applied
    if applied or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return applied
    if not leaks_none():
        return False
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _IMMORTAL
    applied = True
    return True
