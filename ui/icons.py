"""Icons: SVG files under `ui/resources/icons` (scalable, sharp at every DPI).

They live inside the `ui` package, so one path finds them in the source tree, an editable
install, an installed wheel (package data) and the frozen bundle (the spec copies them to
the same place beside the `ui` modules).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon

ICONS_DIR = Path(__file__).resolve().parent / "resources" / "icons"


def icon_path(name: str) -> Path | None:
    path = ICONS_DIR / f"{name}.svg"
    return path if path.is_file() else None


@cache
def _icon(name: str) -> QIcon:
    path = icon_path(name)
    return QIcon(str(path)) if path is not None else QIcon()


def app_icon() -> QIcon:
    return _icon("photosift")
