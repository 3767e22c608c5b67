"""Open a file in the system viewer, or show it in the file manager."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices


def open_file(path: str) -> bool:
    """Open `path` with the application the system uses for it."""
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(path)))


def reveal_in_file_manager(path: str) -> bool:
    """Show `path` selected in Explorer / Finder / the freedesktop file manager.

    Falls back to opening the folder that holds it.
    """
    try:
        if sys.platform == "win32":
            subprocess.Popen(["explorer", "/select,", os.path.normpath(path)])
            return True
        if sys.platform == "darwin":
            subprocess.Popen(["open", "-R", path])
            return True
        if _reveal_dbus(path):
            return True
    except OSError:
        pass
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(path))))


def _reveal_dbus(path: str) -> bool:
    """org.freedesktop.FileManager1.ShowItems, which Nautilus, Dolphin, Nemo... implement."""
    try:
        from PySide6.QtDBus import QDBusConnection, QDBusInterface
    except ImportError:
        return False
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return False
    iface = QDBusInterface(
        "org.freedesktop.FileManager1",
        "/org/freedesktop/FileManager1",
        "org.freedesktop.FileManager1",
        bus,
    )
    if not iface.isValid():
        return False
    reply = iface.call("ShowItems", [QUrl.fromLocalFile(path).toString()], "")
    return not reply.errorMessage()
