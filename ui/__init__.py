"""PhotoSift's window (PySide6). The engine it drives is the Qt-free `cleaner` package."""

from ui import _pyside_refcount

_pyside_refcount.apply()
