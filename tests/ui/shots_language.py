"""The language of a screenshot run (not a test): `PHOTOSIFT_SHOTS_LANG=es` or `pseudo`
renders the screens in that language, as View → Language would; unset: English."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QApplication

from cleaner import set_language
from ui.translator import install_translators


def apply_shots_language(app: QApplication) -> str:
    """Set the engine's and the window's language from the environment; call right after
    the QApplication is made, before any window is. Returns the language in force."""
    wanted = os.environ.get("PHOTOSIFT_SHOTS_LANG", "").strip() or "en"
    language = set_language(wanted)
    if language != "en":
        install_translators(app)
    return language
