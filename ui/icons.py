"""Icons: SVG files under `resources/icons` (scalable, sharp at every DPI)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon

_CANDIDATES = (
    Path(__file__).resolve().parent.parent / "resources" / "icons",  # source tree / editable
    Path(__file__).resolve().parent / "resources" / "icons",  # installed package data
)


def icon_path(name: str) -> Path | None:
    for folder in _CANDIDATES:
        path = folder / f"{name}.svg"
        if path.is_file():
            return path
    return None


@cache
def _icon(name: str) -> QIcon:
    path = icon_path(name)
    return QIcon(str(path)) if path is not None else QIcon()


def app_icon() -> QIcon:
    return _icon("photosift")
