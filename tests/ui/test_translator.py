"""The window's translator: our strings from the gettext catalog, Qt's own from qtbase."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from cleaner import set_language
from ui.translator import install_translators, remove_translators


@pytest.fixture
def spanish(qapp: QApplication) -> Iterator[QApplication]:
    set_language("es")
    translators = install_translators(qapp)
    yield qapp
    remove_translators(qapp, translators)
    set_language("en")


def test_our_strings_come_through_tr_from_the_gettext_catalog(spanish: QApplication) -> None:
    assert QCoreApplication.translate("ReviewPage", "Nothing was moved.") == "No se movió nada."
    # with a disambiguation, the catalog's context (pgettext)
    assert QCoreApplication.translate("History", "BATCH", "history column") == "LOTE"
    # a string the catalog does not have stays as it is
    assert QCoreApplication.translate("X", "Not in the catalog") == "Not in the catalog"


def test_qt_own_buttons_are_spanish(spanish: QApplication, qtbot) -> None:
    box = QMessageBox(QMessageBox.Icon.Question, "PhotoSift", "?")
    box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    cancel = box.button(QMessageBox.StandardButton.Cancel)
    assert cancel.text().replace("&", "") == "Cancelar"
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    qtbot.addWidget(buttons)
    close = buttons.button(QDialogButtonBox.StandardButton.Close).text().replace("&", "")
    assert close == "Cerrar"


def test_english_leaves_every_string_alone(qapp: QApplication, qtbot) -> None:
    set_language("en")
    translators = install_translators(qapp)
    try:
        box = QMessageBox(QMessageBox.Icon.Question, "PhotoSift", "?")
        box.setStandardButtons(QMessageBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        assert box.button(QMessageBox.StandardButton.Cancel).text().replace("&", "") == "Cancel"
        assert QCoreApplication.translate("X", "Nothing was moved.") == "Nothing was moved."
    finally:
        remove_translators(qapp, translators)
