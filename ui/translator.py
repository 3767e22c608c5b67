"""The window's words from PhotoSift's one gettext catalog (cleaner/i18n.py), and Qt's own
dialogs (the standard buttons, the file dialog) from the translations PySide6 ships.

Qt asks each installed `QTranslator` for every `tr()` / `QCoreApplication.translate`
string, newest first. `CatalogTranslator` answers from the same catalog the engine, the
command line and the reports use, so there is one catalog and one extractor (`make
translations`; the window's `self.tr("...")` is one of its keywords) rather than a second
`.ts`/`.qm` set of the same strings (Electrum does the same). A string the catalog does
not translate gets a null string back, which tells Qt to ask the next translator: so Qt's
own "Cancel" is answered by `qtbase_es.qm`.

Plurals: gettext needs both forms, so the window says counted things with the engine's
`ngettext` (from the front door), not with Qt's `%n`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QObject, QTranslator

from cleaner import current_language, translation_catalog


class CatalogTranslator(QTranslator):
    """A `QTranslator` whose answers come from PhotoSift's gettext catalog."""

    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str | None:
        catalog = translation_catalog()
        if disambiguation:
            text = catalog.pgettext(disambiguation, source_text)
        else:
            text = catalog.gettext(source_text)
        # None is Qt's null string, "no translation here" (an empty one would be taken as
        # the translation), so Qt asks the next translator and at last uses the source
        return None if text == source_text else text

    def isEmpty(self) -> bool:
        return False


def qt_base_translator(language: str, parent: QObject | None = None) -> QTranslator | None:
    """Qt's own strings in `language` ("es"), from the qtbase catalog PySide6 ships; None
    when there is none (English, the pseudo-locale, a language Qt lacks)."""
    translator = QTranslator(parent)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{language}", folder):
        return translator
    return None


def install_translators(app: QCoreApplication) -> list[QTranslator]:
    """Install Qt's translator for the language in force, then ours (asked first). Call
    after `cleaner.set_language`; returns them, to remove with `remove_translators`."""
    installed: list[QTranslator] = []
    base = qt_base_translator(current_language(), app)
    if base is not None:
        app.installTranslator(base)
        installed.append(base)
    ours = CatalogTranslator(app)
    app.installTranslator(ours)
    installed.append(ours)
    return installed


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)
