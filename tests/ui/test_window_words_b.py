"""The review page, the compare dialog, the start page, the progress page and the scan
settings in Spanish, and every text of theirs through the catalog (issue 16, the window's
words, part B).

The language is set before the window is built, as ui/app.py does: `set_language` plus the
translators (ui/translator.py). The pseudo-locale test reads every text those screens show
(labels, buttons, tooltips, accessible names, tabs, list items, model rows, headers) and
fails on a word outside a pseudo-translated stretch: a string that skipped the catalog.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from cleaner import Stage, set_language
from tests.helpers.synthetic_result import synthetic_groups
from tests.helpers.window import open_window, show_groups
from ui.announce import set_row_announcement
from ui.main_window import MainWindow
from ui.models import roles
from ui.translator import install_translators, remove_translators
from ui.widgets.compare_dialog import CompareDialog
from ui.widgets.scan_settings_dialog import ScanSettingsDialog, settings_summary

NAME = Qt.ItemDataRole.AccessibleTextRole


@pytest.fixture
def speak(qapp: QApplication) -> Iterator[object]:
    """`speak("es")`: that language for the window built next (English again after)."""
    installed: list[object] = []

    def use(code: str) -> None:
        set_language(code)
        installed.extend(install_translators(qapp))

    yield use
    remove_translators(qapp, installed)  # type: ignore[arg-type]
    set_language("en")


def _review(qtbot: QtBot, tmp_path: Path, groups: int = 3, per_group: int = 3) -> MainWindow:
    window = open_window(qtbot)
    root = str(tmp_path / "lib")
    show_groups(window, synthetic_groups(groups, per_group, root=root), root)
    qtbot.waitUntil(lambda: window.review_page.photo_model.rowCount() == per_group)
    return window


def settings_summary_size(window: MainWindow) -> str:
    """The start page's summary line once files under 50,000 bytes are left out."""
    from ui.settings import Keys

    window.settings.set(Keys.MIN_FILE_SIZE, 50_000)
    return settings_summary(window.settings)


def _close(window: MainWindow, qtbot: QtBot) -> None:
    """Close the window once its thumbnail decodes are done (conftest fails a test that
    leaves a pool busy)."""
    from ui.workers.base import busy_pools

    qtbot.waitUntil(lambda: not busy_pools(), timeout=20_000)
    window.close()


def _plain(text: str) -> str:
    return text.replace("\u200b", "")  # `breakable`'s invisible break points


def test_the_review_page_speaks_spanish(speak, qtbot: QtBot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    speak("es")
    window = _review(qtbot, tmp_path)
    rp = window.review_page
    try:
        assert rp.apply_button.text() == "Usar las sugerencias en todo"
        assert rp.compare_button.text() == "Comparar lado a lado"
        assert rp.tabs.tabText(1) == "Archivos omitidos (0)"
        assert rp.sort_combo.itemText(0) == "Más espacio para liberar"
        assert rp.skipped_model.headerData(2, Qt.Orientation.Horizontal) == "Por qué se omitió"
        assert rp.group_count.text() == "3 grupos de copias"
        shown = os.path.basename(rp.photo_model.group.keeper.path)
        assert _plain(rp.group_title.text()) == f"3 copias de {shown}"
        # a tile, as a screen reader says it (the example)
        tile = rp.photo_model.index(0)
        spoken = tile.data(NAME)
        assert spoken.startswith(f"{shown}, se conserva, copia sugerida, calidad "), spoken
        lines = tile.data(roles.LinesRole)
        assert lines[0].startswith("Calidad ")
        # the set row: its words and its announcement
        row = rp.group_model.index(0)
        assert row.data(roles.LinesRole)[0] == f"3 copias de {shown}"
        assert row.data(NAME).startswith(f"3 copias de {shown}, 2 marcadas, ")
        # the summary and the move button count the marked files
        assert rp.summary.text().startswith("6 archivos marcados, ")
        assert rp.trash_button.text().startswith("Mover 6 archivos a la papelera (")
    finally:
        _close(window, qtbot)


def test_plurals_follow_the_count(speak) -> None:  # type: ignore[no-untyped-def]
    speak("es")
    one = set_row_announcement(1, "a.jpg", marked=1, marked_size="1 MB")
    many = set_row_announcement(3, "a.jpg", marked=0, marked_size="0 bytes")
    assert one == "1 copia de a.jpg, 1 marcada, 1 MB"
    assert many == "3 copias de a.jpg, nada marcado"
    from ui.widgets.progress_page import stage_count

    assert stage_count(Stage.WALK, 1) == "1 archivo encontrado"
    assert stage_count(Stage.WALK, 1200) == "1,200 archivos encontrados"
    assert stage_count(Stage.SCORE, 3, 40) == "3 de 40 archivos"
    assert stage_count(Stage.FINGERPRINT, 1, 1) == "1 de 1 foto"


def test_sizes_and_numbers_are_written_for_the_locale(speak, qtbot: QtBot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Spain's formats (the `es` catalog, es_ES numbers): a decimal comma in sizes, a
    point between thousands."""
    speak("es_ES")
    window = _review(qtbot, tmp_path, groups=2)
    try:
        lines = window.review_page.photo_model.index(0).data(roles.LinesRole)
        size = lines[2].split(" · ")[0]
        assert re.fullmatch(r"\d+,\d MB", size), size
        from ui.widgets.progress_page import stage_count

        assert stage_count(Stage.WALK, 12345) == "12.345 archivos encontrados"
        assert settings_summary_size(window) == "Su configuración: archivos de menos de 50,0 KB."
    finally:
        _close(window, qtbot)


def test_the_compare_dialog_speaks_spanish(speak, qtbot: QtBot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    speak("es")
    window = _review(qtbot, tmp_path)
    dialog = CompareDialog(window.session, 0, [0, 1], window)
    qtbot.addWidget(dialog)
    try:
        table = dialog.table
        assert table.verticalHeaderItem(0).text() == "Nombre del archivo"
        assert table.verticalHeaderItem(4).text() == "Tamaño del archivo"
        assert table.horizontalHeaderItem(0).text() == "Copia 1"
        assert dialog.windowTitle() == "Comparar 2 de 3 copias"
        assert dialog.count_label.text() == "Se muestran 2 de 3 copias"
        assert "Nombre del archivo" not in dialog.differs  # keys stay English
        suggestion = [table.item(13, c).text() for c in range(3)]
        assert suggestion == ["Mejor copia (conservar)", "Quitar", "Quitar"]
        sharpness = [table.item(11, c).text() for c in range(3)]
        assert all("nítida" in text for text in sharpness), sharpness
        buttons = {b.text() for b in dialog.findChildren(QAbstractButton)}
        assert {"Ajustar", "Tamaño real", "Acercar", "Alejar", "Cerrar"} <= buttons
        assert dialog.panels[1].mark.text() == "✗ Quitar"
    finally:
        dialog.done(0)
        _close(window, qtbot)


def test_the_start_page_and_scan_settings_speak_spanish(
    speak, qtbot: QtBot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    speak("es")
    window = open_window(qtbot)
    try:
        start = window.start_page
        assert start.scan_button.text() == "Buscar duplicados"
        assert start.similarity.itemText(1) == "La misma foto (recomendado)"
        assert start.folders.headerItem().text(0) == "Carpeta"
        start.add_folders([str(tmp_path)])
        item = start.folders.topLevelItem(0)
        assert item.data(0, NAME) == f"{tmp_path}, no protegida (Espacio cambia)"
        dialog = ScanSettingsDialog(window.settings, window)
        qtbot.addWidget(dialog)
        assert dialog.windowTitle() == "Configuración del análisis"
        first = dialog.criteria.model.index(0, 0)
        assert first.data().endswith("Mayor resolución")
        assert first.data(NAME) == "Mayor resolución, número 1 de 10"
        assert dialog.tabs.tabText(0) == "Qué copia conservar"
        dialog.reject()
        assert settings_summary_size(window) == "Su configuración: archivos de menos de 50.0 KB."
    finally:
        _close(window, qtbot)


# -- the pseudo-locale: nothing in these screens skips the catalog ------------------------

# The pseudo-locale writes every vowel accented (á é í ó ú ý): a word with a plain vowel
# left in it did not come through the catalog, however deep in a composed text it sits.
_PLAIN_VOWEL = re.compile(r"[aeiouyAEIOUY]")
_TAG = re.compile(r"<[^<>]*>")  # rich text's tags ("<span style=...>") are not words
# Words that are not the window's to translate: a format, a currency, Qt's own buttons
# (from qtbase's catalog, English in the pseudo-locale) and a key name.
_NOT_OURS = {"JPEG", "USD", "OK", "Save", "Cancel", "Ctrl", "Shift", "Alt", "Return", "Esc"}


def _unwrapped(text: str, names: set[str]) -> list[str]:
    """The words of `text` with a plain vowel that are neither data (`names`: the file
    and folder names shown) nor `_NOT_OURS`."""
    words = re.findall(r"\w+", _TAG.sub(" ", text).replace("\u200b", ""))
    return [w for w in words if _PLAIN_VOWEL.search(w) and w not in names and w not in _NOT_OURS]


def _texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a person reads or hears in `root`'s visible widgets."""
    found: list[tuple[str, str]] = []
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisibleTo(root) and w is not root:
            continue
        if isinstance(w.parent(), QDialogButtonBox):  # Qt's own standard buttons
            continue
        kind = type(w).__name__
        found += [(f"{kind} tooltip", w.toolTip()), (f"{kind} name", w.accessibleName())]
        found.append((f"{kind} description", w.accessibleDescription()))
        if isinstance(w, (QLabel, QAbstractButton)):
            found.append((f"{kind} text", w.text()))
        if isinstance(w, QGroupBox):
            found.append((f"{kind} title", w.title()))
        if isinstance(w, QTabWidget):
            found += [(f"{kind} tab", w.tabText(i)) for i in range(w.count())]
        if isinstance(w, QComboBox):
            found += [(f"{kind} item", w.itemText(i)) for i in range(w.count())]
        if isinstance(w, QLineEdit):
            found.append((f"{kind} placeholder", w.placeholderText()))
        if isinstance(w, QSpinBox):
            found.append((f"{kind} suffix", w.suffix()))
    return found


def _model_texts(model, columns: int = 1) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Every row's display, spoken, description and tooltip text, its line texts, and
    the headers."""
    found: list[tuple[str, str]] = []
    name = type(model).__name__
    for c in range(columns):
        header = model.headerData(c, Qt.Orientation.Horizontal)
        if isinstance(header, str):
            found.append((f"{name} header", header))
    for r in range(model.rowCount()):
        for c in range(columns):
            index = model.index(r, c, QModelIndex())
            for role in (
                Qt.ItemDataRole.DisplayRole,
                NAME,
                Qt.ItemDataRole.AccessibleDescriptionRole,
                Qt.ItemDataRole.ToolTipRole,
            ):
                value = index.data(role)
                if isinstance(value, str):
                    found.append((f"{name} row {r} role {role}", value))
            lines = index.data(roles.LinesRole)
            if isinstance(lines, tuple):
                found += [(f"{name} row {r} line", str(line)) for line in lines]
    return found


def test_every_text_of_these_screens_goes_through_the_catalog(  # type: ignore[no-untyped-def]
    speak, qtbot: QtBot, tmp_path: Path
) -> None:
    speak("pseudo")
    window = _review(qtbot, tmp_path)
    root = str(tmp_path / "lib")
    groups = synthetic_groups(3, 3, root=root)
    # data, not the window's words: file and folder names, the camera, and the keeper
    # reason a result file stores in English (translated once it is stored in parts:
    # docs/translation.md)
    data = [m.path for g in groups for m in g.members] + [g.reason for g in groups]
    data += [m.metrics.camera for g in groups for m in g.members if m.metrics and m.metrics.camera]
    names = {word for text in data for word in re.findall(r"\w+", text)}
    rp = window.review_page
    texts = _texts(rp)
    texts += _model_texts(rp.group_model)
    texts += _model_texts(rp.photo_model)
    texts += _model_texts(rp.skipped_model, columns=3)
    texts += [("group title", rp.group_title.text()), ("group reason", rp.group_reason.text())]
    rp.show_skipped_tab()
    texts += _texts(rp.skipped_view)
    compare = CompareDialog(window.session, 0, [0, 1], window)
    qtbot.addWidget(compare)
    compare.show()
    qtbot.waitExposed(compare)
    texts += _texts(compare)
    texts += [
        (f"compare header {r}", compare.table.verticalHeaderItem(r).text()) for r in range(14)
    ]
    texts += [("compare window", compare.windowTitle())]
    for c in range(3):
        texts += [
            (f"compare cell {r},{c}", compare.table.item(r, c).text()) for r in (2, 6, 7, 10, 13)
        ]
    compare.done(0)
    settings = ScanSettingsDialog(window.settings, window)
    qtbot.addWidget(settings)
    settings.show()
    qtbot.waitExposed(settings)
    texts += [*_texts(settings), ("settings window", settings.windowTitle())]
    texts += _model_texts(settings.criteria.model)
    settings.reject()
    window.pages.setCurrentWidget(window.start_page)
    window.start_page.add_folders([str(tmp_path)])
    texts += _texts(window.start_page)
    page = window.progress_page
    page.reset([str(tmp_path)])
    texts += _texts(page)
    # pseudo words are made of the markers; a real word is left over only where a
    # string skipped the catalog
    names |= set(re.findall(r"\w+", str(tmp_path)))
    bad = [(where, text, _unwrapped(text, names)) for where, text in texts if text]
    bad = [b for b in bad if b[2]]
    _close(window, qtbot)
    assert not bad, "\n".join(f"{where}: {words} in {text!r}" for where, text, words in bad[:40])
    assert len(texts) > 200  # the walk saw the screens


def test_the_pseudo_check_sees_an_unwrapped_word() -> None:
    assert _unwrapped("[Çópý 1: a.jpg~~] Open", {"a", "jpg"}) == ["Open"]
    assert _unwrapped("[Çópý 1: a.jpg~~], 2.4 MB", {"a", "jpg"}) == []
    assert _unwrapped("[[3 çópíéš~~], 2 márkéd <b>x</b>~~]", set()) == []
    assert _unwrapped("[[3 çópíéš~~], 2 marked~~]", set()) == ["marked"]


def test_a_long_preview_note_wraps_instead_of_widening_its_panel(  # type: ignore[no-untyped-def]
    speak, qtbot: QtBot, tmp_path: Path
) -> None:
    """Seen on xcb in the pseudo-locale: once the pictures arrived, "Preview reduced; open
    the file to see every pixel." widened its panel, and four panels went past a 1600-pixel
    screen. The note wraps: the panel keeps the width its buttons need."""
    speak("pseudo")
    window = _review(qtbot, tmp_path)
    dialog = CompareDialog(window.session, 0, [0, 1], window)
    qtbot.addWidget(dialog)
    try:
        panel = dialog.panels[0]
        panel.loading.setText("")
        before = panel.minimumSizeHint().width()
        panel.loading.setText(dialog.tr("Preview reduced; open the file to see every pixel."))
        panel.loading.show()
        assert panel.minimumSizeHint().width() <= before
    finally:
        dialog.done(0)
        _close(window, qtbot)
