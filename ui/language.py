"""The window's language: the system's (as the command line reads it), or the one chosen in
View → Language and remembered in the settings.

The language is chosen once, before the window is built (`start_language`, called by
`ui.app`): `cleaner.set_language` picks the gettext catalog that the engine's words and the
window's `self.tr()` are served from (`ui.translator`), Qt's own dialogs get `qtbase_es.qm`,
and `QLocale.setDefault` makes Qt's number fields and dates follow.

A change in View → Language takes effect at the next start, with a "Restart now" button that
restarts PhotoSift and continues the review where it was (the autosaved review,
`ui.saved_review`); the box asks in the language in force and in the one chosen, so a
language picked by mistake can be undone. Why not retranslate the open window live: every
screen would need a `changeEvent(LanguageChange)` that re-says each of its words, and the
words already built from the engine (a set's reasons, a skipped file's message, the status
bar's summary, an open dialog's sentences) would stay in the old language until rebuilt,
so the window would mix languages; LibreOffice, Firefox and Thunderbird ask for a restart
for the same reason.
The restart is cheap here because the review is saved as it goes.
"""

from __future__ import annotations

import html
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import (
    QCoreApplication,
    QLocale,
    QObject,
    QProcess,
    QProcessEnvironment,
    Qt,
    QTranslator,
)
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from cleaner import (
    N_,
    available_languages,
    current_language,
    set_language,
    system_language,
    translation_catalog,
)
from ui.settings import Keys, Settings
from ui.translator import install_translators, remove_translators

log = logging.getLogger("photosift")

AUTOMATIC = ""  # the stored choice "follow the system"
_INSTALLED: list[QTranslator] = []  # the translators `start_language` put in

# Set in the environment of the PhotoSift that "Restart now" starts: it continues the review.
CONTINUE_ENV = "PHOTOSIFT_CONTINUE_REVIEW"


# The restart box's words, marked here and looked up in two catalogs when it is shown: the
# language in force and the one just chosen (`in_both`). A person who picked a language by
# mistake reads the language in force; one who picked the language they read, the other.
TITLE = N_("Language")
QUESTION = N_("Restart PhotoSift to use {language}.")
SAVED = N_("Your review is saved and continues where you are now.")
RUNNING = N_(
    "A scan or a move is running: the new language is used the next time PhotoSift starts."
)
RESTART_NOW = N_("&Restart now")
LATER = N_("&Later")
CLOSE = N_("Close")
BOX_WORDS = (TITLE, QUESTION, SAVED, RUNNING, RESTART_NOW, LATER, CLOSE)


@dataclass(frozen=True)
class LanguageChoice:
    code: str  # AUTOMATIC, or a catalog language
    name: str  # the language's own name ("Español"): found by those who read it
    entry: str  # the menu entry, with an accelerator no other entry of the menu uses


# A language's name is written in that language, as every polished app's language menu
# does, so a person who reads only Spanish finds "Español" in an English window.
LANGUAGES = (
    LanguageChoice("en", "English", "E&nglish"),
    LanguageChoice("es", "Español", "&Español"),
)


def system_default() -> str | None:
    """The language the system asks for: the environment as gettext and the command line
    read it (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), else Qt's system locale (Windows and
    macOS set no variable); None for English."""
    code = system_language()
    if code is not None:
        return code
    name = QLocale.system().name()  # "es_MX"; "C" when nothing is set
    return None if name in ("C", "") else name


def wanted_language(settings: Settings) -> str | None:
    """The stored choice of View → Language, or the system's (None: English)."""
    stored = settings.get(Keys.LANGUAGE)
    if stored and stored in {c.code for c in LANGUAGES}:
        return stored
    return system_default()


def start_language(app: QCoreApplication, settings: Settings) -> str:
    """Use the wanted language for the engine's words, the window's and Qt's own; returns
    the catalog language now in force ("en", "es")."""
    language = set_language(wanted_language(settings))
    remove_translators(app, _INSTALLED)  # called again: the new ones replace them
    _INSTALLED[:] = install_translators(app)
    if language in {c.code for c in LANGUAGES}:
        QLocale.setDefault(QLocale(language))
    return language


def stop_language(app: QCoreApplication) -> None:
    """Remove the translators `start_language` installed (tests; the app keeps them)."""
    remove_translators(app, _INSTALLED)
    _INSTALLED.clear()


def restart_command() -> tuple[str, list[str]]:
    """The program and arguments that start this PhotoSift again, options kept: the frozen
    bundle's executable, or the interpreter with its own arguments (`-m ui.app`)."""
    if getattr(sys, "frozen", False):
        return sys.executable, sys.argv[1:]
    return sys.executable, list(sys.orig_argv[1:])


def restart_photosift(continue_review: bool) -> bool:
    """Start a new PhotoSift, which continues the saved review when `continue_review` (the
    window showed one); call it once this window has closed and so written the review."""
    program, arguments = restart_command()
    process = QProcess()
    process.setProgram(program)
    process.setArguments(arguments)
    env = QProcessEnvironment.systemEnvironment()
    env.remove(CONTINUE_ENV)
    if continue_review:
        env.insert(CONTINUE_ENV, "1")
    process.setProcessEnvironment(env)
    # PySide6's stubs say (ok, pid); the call gives the bool alone on 6.x
    started: object = process.startDetached()
    return bool(started[0] if isinstance(started, tuple) else started)


def take_continue_request() -> bool:
    """True once in a PhotoSift started by "Restart now" (it continues the review)."""
    return os.environ.pop(CONTINUE_ENV, "") == "1"


class LanguageMenu(QObject):
    """View → Language: Automatic, English, Español (radio items), remembered; a change
    asks to restart."""

    def __init__(
        self,
        window: QWidget,
        settings: Settings,
        *,
        can_restart: Callable[[], bool],
        reviewing: Callable[[], bool],
        close_window: Callable[[], bool],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._settings = settings
        self._can_restart = can_restart
        self._reviewing = reviewing
        self._close_window = close_window
        self.restart: Callable[[bool], bool] = restart_photosift  # tests put their own
        self.box: QMessageBox | None = None
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.actions: dict[str, QAction] = {}
        automatic = QAction(self.tr("&Automatic (system language)"), window)
        automatic.setStatusTip(self.tr("Use the language of your computer"))
        self.actions[AUTOMATIC] = automatic
        for choice in LANGUAGES:
            self.actions[choice.code] = QAction(choice.entry, window)
        stored = settings.get(Keys.LANGUAGE)
        for code, action in self.actions.items():
            action.setCheckable(True)
            action.setChecked(code == (stored if stored in self.actions else AUTOMATIC))
            action.setData(code)
            self.group.addAction(action)
        self.group.triggered.connect(self._chosen)

    def add_to(self, menu: QMenu) -> QMenu:
        sub = menu.addMenu(self.tr("&Language"))
        for action in self.actions.values():
            sub.addAction(action)
        return sub

    def _chosen(self, action: QAction) -> None:
        code = str(action.data() or AUTOMATIC)
        self._settings.set(Keys.LANGUAGE, code)
        self._settings.sync()
        wanted = catalog_language(code or system_default())
        if wanted == current_language():
            return
        self.ask_to_restart(wanted)

    def ask_to_restart(self, language: str) -> None:
        """Ask in the language in force and in `language` (the one chosen), one paragraph
        each, with every button labelled in both: whichever of the two the user reads."""
        name = next((c.name for c in LANGUAGES if c.code == language), "English")
        languages = in_both(current_language(), language)
        box = QMessageBox(self._window)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(" / ".join(dict.fromkeys(said(TITLE, languages))))
        can_restart = self._can_restart()
        questions = [q.format(language=name) for q in said(QUESTION, languages)]
        details = said(SAVED if can_restart else RUNNING, languages)
        paragraphs = list(dict.fromkeys(zip(questions, details, strict=True)))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(
            "".join(f"<p><b>{html.escape(q)}</b><br>{html.escape(d)}</p>" for q, d in paragraphs)
        )
        plain = "\n".join(f"{q} {d}" for q, d in paragraphs)
        box.setAccessibleName(box.windowTitle())
        box.setAccessibleDescription(plain)
        if can_restart:
            now = box.addButton(
                button_text(RESTART_NOW, languages), QMessageBox.ButtonRole.AcceptRole
            )
            later = box.addButton(button_text(LATER, languages), QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(now)
            now.clicked.connect(self._restart_now)
            later.setObjectName("later")
            now.setObjectName("restartNow")
            buttons = [now, later]
        else:
            close = box.addButton(button_text(CLOSE, languages), QMessageBox.ButtonRole.RejectRole)
            close.setObjectName("close")
            buttons = [close]
        for button in buttons:  # what a screen reader says is what is written
            button.setAccessibleName(button.text().replace("&", ""))
            button.setAccessibleDescription(plain)
        self.box = box
        box.open()

    def _restart_now(self) -> None:
        # The window closes first: its close writes the review the new PhotoSift continues.
        reviewing = self._reviewing()
        if self._close_window() and not self.restart(reviewing):
            log.warning("PhotoSift could not be started again: start it yourself")


def in_both(current: str, chosen: str) -> tuple[str, ...]:
    """The languages the restart box speaks: the one in force, then the one chosen (once
    when they are the same)."""
    return tuple(dict.fromkeys((current, chosen)))


def said(message: str, languages: tuple[str, ...]) -> list[str]:
    """`message` (marked with `N_`) in each of `languages`, in their order."""
    return [translation_catalog(code).gettext(message) for code in languages]


def button_text(message: str, languages: tuple[str, ...]) -> str:
    """A button's label in each language, " / " between them ("&Restart now / Reiniciar
    ahora"); the accelerator is the first language's, the only one a button can have."""
    words = said(message, languages)
    rest = [w.replace("&", "") for w in words[1:]]
    return " / ".join(dict.fromkeys([words[0], *rest]))


def catalog_language(code: str | None) -> str:
    """The catalog language `code` gives, as `cleaner.set_language` picks it ("es_MX" ->
    "es", "fr" or None -> "en"), without changing the language in force."""
    if not code:
        return "en"
    languages = available_languages()
    normalized = code.replace("-", "_")
    for candidate in (normalized, normalized.split("_")[0].lower()):
        if candidate in languages:
            return candidate
    return "pseudo" if code == "pseudo" else "en"
