"""The window in Spanish, View → Language (remembered, a change asks to restart), the
system's language as the default, and no English word left unwrapped in the main window,
its menus and the dialogs of moving and putting back files (the pseudo-locale shows every
wrapped string marked, so any text without the marks was never translated)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QTableView,
    QTreeWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from cleaner import (
    FileRestore,
    KeepReason,
    KeptFile,
    RemovalFinished,
    RemovalPlan,
    RestoreState,
    current_language,
    set_language,
)
from cleaner.detect.scan import run_scan
from cleaner.models import ScanSettings
from cleaner.removal.move import FileRemoved
from cleaner.removal.plan import plan_removal
from cleaner.removal.undolog import Method
from tests.helpers import images
from tests.helpers.removal_helpers import Env
from tests.helpers.window import open_window
from ui import language
from ui.language import AUTOMATIC, start_language, wanted_language
from ui.main_window import MainWindow
from ui.marks_menu import IgnoredDialog
from ui.settings import Keys, Settings
from ui.translator import install_translators, remove_translators
from ui.widgets.error_dialog import ErrorDialog
from ui.widgets.history_dialog import HistoryDialog
from ui.widgets.removal_dialogs import (
    ConfirmRemovalDialog,
    OperationProgressDialog,
    RemovalSummaryDialog,
    another_mover_box,
    restore_details,
    restore_sentence,
)

_ENV = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_H = Qt.Orientation.Horizontal


@pytest.fixture
def in_language(qapp: QApplication) -> Iterator[object]:
    """`use(code)` puts the whole app in a language as `ui.app` does; English after."""
    installed: list[object] = []

    def use(code: str) -> str:
        got = set_language(code)
        installed.extend(install_translators(qapp))
        return got

    yield use
    remove_translators(qapp, installed)  # type: ignore[arg-type]
    set_language("en")
    QLocale.setDefault(QLocale(QLocale.Language.English))


def _menus(window: MainWindow) -> dict[str, QMenu]:
    return {
        a.text(): a.menu()
        for a in window.menuBar().actions()
        if isinstance(a.menu(), QMenu)  # type: ignore[arg-type]
    }


# -- Spanish ---------------------------------------------------------------------------


def test_the_main_window_speaks_spanish(qtbot: QtBot, in_language) -> None:  # type: ignore[no-untyped-def]
    assert in_language("es") == "es"
    window = open_window(qtbot)
    menus = _menus(window)
    assert list(menus) == ["&Archivo", "&Marcas", "&Ver", "A&yuda"]
    assert window.act_move.text() == "&Mover a la papelera los archivos marcados…"
    assert window.act_move.statusTip().startswith("Mover a la papelera las copias marcadas")
    assert window.statusBar().currentMessage() == "Listo"
    view = menus["&Ver"]
    language_menu = next(a.menu() for a in view.actions() if a.text() == "&Idioma")
    entries = [a.text() for a in language_menu.actions()]  # type: ignore[union-attr]
    assert entries == ["&Automático (idioma del sistema)", "E&nglish", "&Español"]
    window.close()


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_menu_has_its_own_accelerators(qtbot: QtBot, in_language, language: str) -> None:  # type: ignore[no-untyped-def]
    """Entries need their own & letters, each used once per menu (and on the menu bar),
    or the keyboard reaches only the first of two; translated ones have their own."""
    in_language(language)
    window = open_window(qtbot)

    def letters(actions: list[QAction]) -> list[str]:
        found = []
        for a in actions:
            m = re.search(r"&(\w)", a.text())
            if not a.isSeparator():
                assert m, f"no accelerator in {a.text()!r}"
                found.append(m.group(1).lower())
        return found

    bar = letters(window.menuBar().actions())
    assert len(bar) == len(set(bar)), bar
    for title, menu in _menus(window).items():
        window.marks_menu.update_actions()
        keys = letters(menu.actions())
        assert len(keys) == len(set(keys)), (title, keys)
    window.close()


# -- View → Language -------------------------------------------------------------------


def test_the_language_chosen_is_remembered_and_asks_to_restart(
    qtbot: QtBot,
    in_language,
    qapp: QApplication,  # type: ignore[no-untyped-def]
) -> None:
    in_language("en")
    window = open_window(qtbot)
    restarts: list[bool] = []
    window.language_menu.restart = lambda reviewing: restarts.append(reviewing) or True
    assert window.language_menu.actions[AUTOMATIC].isChecked()

    window.language_menu.actions["es"].trigger()
    qtbot.waitUntil(
        lambda: window.language_menu.box is not None and window.language_menu.box.isVisible()
    )
    box = window.language_menu.box
    assert box is not None
    assert "Restart PhotoSift to use Español." in box.text()
    assert window.settings.get(Keys.LANGUAGE) == "es"
    # a new window (the next start) reads the choice
    again = MainWindow(settings=Settings())
    qtbot.addWidget(again)
    assert again.language_menu.actions["es"].isChecked()
    assert wanted_language(Settings()) == "es"

    restart_now = next(b for b in box.buttons() if b.objectName() == "restartNow")
    restart_now.click()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert restarts == [False]  # the start page was showing: nothing to continue
    again.close()


def test_choosing_the_language_in_force_asks_nothing(qtbot: QtBot, in_language) -> None:  # type: ignore[no-untyped-def]
    in_language("en")
    window = open_window(qtbot)
    window.language_menu.actions["en"].trigger()
    assert window.settings.get(Keys.LANGUAGE) == "en"
    assert window.language_menu.box is None
    window.close()


def test_while_a_scan_runs_the_restart_waits(qtbot: QtBot, in_language) -> None:  # type: ignore[no-untyped-def]
    in_language("en")
    window = open_window(qtbot)
    window.language_menu._can_restart = lambda: False
    window.language_menu.actions["es"].trigger()
    box = window.language_menu.box
    assert box is not None
    assert not [b for b in box.buttons() if b.objectName() == "restartNow"]
    assert "next time PhotoSift starts" in box.text()
    assert "la próxima vez que inicie PhotoSift" in box.text()
    (close,) = box.buttons()
    assert close.text() == "Close / Cerrar"
    assert close.accessibleName() == "Close / Cerrar"
    window.close()


def _shown_box(qtbot: QtBot, window: MainWindow, code: str) -> QMessageBox:
    window.language_menu.actions[code].trigger()
    qtbot.waitUntil(
        lambda: window.language_menu.box is not None and window.language_menu.box.isVisible()
    )
    box = window.language_menu.box
    assert box is not None
    return box


def _paragraphs(box: QMessageBox) -> list[str]:
    """The box's paragraphs as plain text, one a language."""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", p).split()) for p in re.findall("<p>(.*?)</p>", box.text())
    ]


@pytest.mark.parametrize(
    ("start", "choose", "paragraphs", "buttons", "title"),
    [
        (
            "en",
            "es",
            [
                "Restart PhotoSift to use Español. Your review is saved and continues where "
                "you are now.",
                "Reinicie PhotoSift para usarlo en Español. Su revisión está guardada y "
                "continúa donde está ahora.",
            ],
            ["&Restart now / Reiniciar ahora", "&Later / Más tarde"],
            "Language / Idioma",
        ),
        (
            "es",
            "en",
            [
                "Reinicie PhotoSift para usarlo en English. Su revisión está guardada y "
                "continúa donde está ahora.",
                "Restart PhotoSift to use English. Your review is saved and continues where "
                "you are now.",
            ],
            ["&Reiniciar ahora / Restart now", "&Más tarde / Later"],
            "Idioma / Language",
        ),
    ],
)
def test_the_restart_box_speaks_the_language_in_force_and_the_one_chosen(
    qtbot: QtBot,
    in_language,  # type: ignore[no-untyped-def]
    start: str,
    choose: str,
    paragraphs: list[str],
    buttons: list[str],
    title: str,
) -> None:
    """A user who picked the wrong language by mistake still reads the box: its question
    and its buttons are in the language in force (first) and in the one chosen, and a
    screen reader says the same words."""
    in_language(start)
    window = open_window(qtbot)
    box = _shown_box(qtbot, window, choose)
    assert box.windowTitle() == title
    assert _paragraphs(box) == paragraphs
    assert [b.text() for b in box.buttons()] == buttons
    assert [b.accessibleName() for b in box.buttons()] == [t.replace("&", "") for t in buttons]
    assert box.accessibleName() == title
    assert box.accessibleDescription() == "\n".join(paragraphs)
    assert box.defaultButton().objectName() == "restartNow"
    next(b for b in box.buttons() if b.objectName() == "later").click()
    qtbot.waitUntil(lambda: not box.isVisible())
    assert window.isVisible()  # Later: nothing restarts
    window.close()


def test_the_system_language_is_the_default_and_the_choice_overrides_it(
    qapp: QApplication,
    in_language,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    for var in _ENV:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "es_MX.UTF-8")
    settings = Settings()
    assert wanted_language(settings) == "es_MX"
    assert start_language(qapp, settings) == "es"
    assert QCoreApplication.translate("MainWindow", "&File") == "&Archivo"
    assert QLocale().language() == QLocale.Language.Spanish  # Qt's number fields follow
    settings.set(Keys.LANGUAGE, "en")
    assert start_language(qapp, settings) == "en"
    assert QCoreApplication.translate("MainWindow", "&File") == "&File"
    monkeypatch.setenv("LANGUAGE", "fr")  # no catalog: English
    settings.set(Keys.LANGUAGE, AUTOMATIC)
    assert start_language(qapp, settings) == "en"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"  # not stacked
    language.stop_language(qapp)


def test_the_restart_command_keeps_the_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(language.sys, "orig_argv", ["python3", "-m", "ui.app", "--portable", "p"])
    monkeypatch.setattr(language.sys, "executable", "/venv/bin/python3")
    assert language.restart_command() == ("/venv/bin/python3", ["-m", "ui.app", "--portable", "p"])
    monkeypatch.setattr(language.sys, "frozen", True, raising=False)
    monkeypatch.setattr(language.sys, "executable", "/opt/PhotoSift/photosift")
    monkeypatch.setattr(language.sys, "argv", ["/opt/PhotoSift/photosift", "--portable", "p"])
    assert language.restart_command() == ("/opt/PhotoSift/photosift", ["--portable", "p"])


def test_a_restarted_photosift_continues_the_review(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(language.CONTINUE_ENV, "1")
    assert language.take_continue_request()
    assert not language.take_continue_request()  # once


# -- nothing left in English -----------------------------------------------------------

_PSEUDO = re.compile(r"\[[^\[\]]*?~+\]")
_NOT_WORDS = re.compile(
    r"<[^>]+>"  # markup
    r"|\S*[./\\]\S*"  # file names, paths, "photosift.ini"
    r"|\b(?:KB|MB|GB|TB|PhotoSift|Ctrl|Esc)\b"
    # a language's own name, in View → Language, is the same in every language
    r"|E&?n&?glish|&?Español"
)


def unwrapped(text: str) -> str | None:
    """The English left in `text` once the pseudo-translated parts, markup, file names and
    units are taken out (None when nothing is left)."""
    rest = text
    while _PSEUDO.search(rest):  # inner ones first: a sentence may hold a marked part
        rest = _PSEUDO.sub(" ", rest)
    rest = _NOT_WORDS.sub(" ", rest)
    words = re.findall(r"[A-Za-z]{2,}", rest)
    return " ".join(words) if words else None


def _standard(button: QAbstractButton) -> bool:
    """Qt's own buttons (Close, Cancel): Qt translates them, and has no pseudo-locale."""
    parent = button.parent()
    while parent is not None:
        if isinstance(parent, QDialogButtonBox) and parent.standardButton(button) != (
            QDialogButtonBox.StandardButton.NoButton
        ):
            return True
        if isinstance(parent, QMessageBox) and parent.standardButton(button) != (
            QMessageBox.StandardButton.NoButton
        ):
            return True
        parent = parent.parent()
    return False


def texts_of(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of every word a person can read or hear in `root` and its children."""
    found: list[tuple[str, str]] = [("title", root.windowTitle())]
    for w in [root, *root.findChildren(QWidget)]:
        name = type(w).__name__
        found += [(f"{name} name", w.accessibleName()), (f"{name} tip", w.toolTip())]
        if isinstance(w, QLabel) or (isinstance(w, QAbstractButton) and not _standard(w)):
            found.append((name, w.text()))
        elif isinstance(w, QLineEdit):
            found.append((f"{name} placeholder", w.placeholderText()))
        elif isinstance(w, QTreeWidget):
            header = w.headerItem()
            found += [("tree header", header.text(c)) for c in range(w.columnCount())]
            for i in range(w.topLevelItemCount()):
                item = w.topLevelItem(i)
                found += [("tree row", item.text(c)) for c in range(w.columnCount())]
        elif isinstance(w, QTableView) and w.model() is not None:
            model = w.model()
            found += [
                ("table header", str(model.headerData(c, _H))) for c in range(model.columnCount())
            ]
    for a in root.findChildren(QAction):
        found += [("action", a.text()), ("action tip", a.statusTip()), ("action tip", a.toolTip())]
    return [(where, text) for where, text in found if text]


def english_in(root: QWidget) -> list[tuple[str, str]]:
    return [(where, text) for where, text in texts_of(root) if unwrapped(text)]


def test_the_check_finds_english(qtbot: QtBot) -> None:
    """The check itself: English reads as English, the pseudo-locale's marks do not."""
    label = QLabel("Move 3 files to the Trash?")
    qtbot.addWidget(label)
    assert english_in(label) == [("QLabel", "Move 3 files to the Trash?")]
    assert unwrapped("[Móvé 3 fíléš ~~~] IMG_1.JPG, 2.4 MB") is None


@pytest.fixture
def pseudo(in_language) -> None:  # type: ignore[no-untyped-def]
    assert in_language("pseudo") == "pseudo"


def test_no_english_in_the_main_window_and_its_menus(
    qtbot: QtBot, pseudo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(qtbot)
    window.marks_menu.update_actions()
    menu_texts = []
    for bar_action in window.menuBar().actions():
        menu_texts.append(("menu", bar_action.text()))
        menu = bar_action.menu()
        stack = [menu] if isinstance(menu, QMenu) else []
        while stack:
            m = stack.pop()
            for a in m.actions():
                menu_texts += [("entry", a.text()), ("tip", a.statusTip()), ("tip", a.toolTip())]
                if isinstance(a.menu(), QMenu):
                    stack.append(a.menu())  # type: ignore[arg-type]
    left = [(w, t) for w, t in menu_texts if t and unwrapped(t)]
    assert left == []
    # the main window's own words: the title is the program's name
    assert window.statusBar().currentMessage().startswith("[")
    # the restart question of View → Language: in the language in force (here the
    # pseudo-locale, so every word of it is marked) and in the one chosen, from its catalog
    window.language_menu.ask_to_restart("es")
    box = window.language_menu.box
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    spanish = [
        language.said(m, ("es",))[0].replace("&", "").format(language="Español")
        for m in language.BOX_WORDS
    ]
    assert "Reiniciar ahora" in spanish

    def without_spanish(text: str) -> str:
        for words in spanish:
            text = text.replace(words, " ")
        return text

    assert [(w, t) for w, t in texts_of(box) if unwrapped(without_spanish(t))] == []
    assert box.text().count("<p>") == 2
    box.close()
    window.close()


def test_no_english_in_the_marks_dialogs_and_messages(qtbot: QtBot, pseudo: None) -> None:
    window = open_window(qtbot)
    dialog = IgnoredDialog(window.marks_menu, window)
    qtbot.addWidget(dialog)
    assert english_in(dialog) == []
    from ui.marking import BulkOutcome, KeptBecause

    outcome = BulkOutcome(marked=3, unmarked=1, sets_changed=2, sets_skipped=4)
    for reason in KeptBecause:
        outcome.kept[reason] += 2
    from ui.marks_menu import _no_copy_left_alone

    assert unwrapped(outcome.message(_no_copy_left_alone)) is None
    window.close()


def _plan(photos: Path) -> RemovalPlan:
    """A real plan: copies of one picture (one with a sidecar), and a marked file that
    changed since the scan."""
    (photos / "originals").mkdir()
    (photos / "copies").mkdir()
    data = images.jpeg_bytes(images.photo(3, (320, 240)))
    for n in range(5):
        (photos / "originals" / f"{n}.JPG").write_bytes(data + bytes(n))
        (photos / "copies" / f"{n}.JPG").write_bytes(data + bytes(n))
    (photos / "copies" / "0.xmp").write_bytes(b"<x:xmpmeta/>")
    result = run_scan(ScanSettings(roots=(str(photos),)), cache_path=None)
    changed = KeptFile(str(photos / "copies" / "9.JPG"), KeepReason.CHANGED, "changed")
    return replace(plan_removal(result), refused=(changed,))


def test_the_move_confirmation_speaks_spanish_with_qt_own_buttons(
    qtbot: QtBot,
    in_language,
    trash_env: Env,  # type: ignore[no-untyped-def]
) -> None:
    in_language("es")
    plan = _plan(trash_env.photos)
    dialog = ConfirmRemovalDialog(plan, roots=(str(trash_env.photos),))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Mover a la papelera"
    n = len(plan.files)
    assert n > 1
    assert dialog.move_button.text() == f"Mover {n} archivos a la papelera"
    assert dialog.cancel_button is not None
    assert dialog.cancel_button.text().replace("&", "") == "Cancelar"  # qtbase_es.qm
    assert dialog.headline.text().startswith(f"¿Mover {n} archivos (")
    assert dialog.files.headerItem().text(1) == "Qué pasa"


def test_no_english_in_the_dialogs_of_moving_and_putting_back(
    qtbot: QtBot, pseudo: None, trash_env: Env
) -> None:
    photos = trash_env.photos
    plan = _plan(photos)
    changed = plan.refused[0]
    confirm = ConfirmRemovalDialog(plan, roots=(str(photos),), quarantine_note="")
    qtbot.addWidget(confirm)
    assert plan.files
    assert confirm.sidecar_note is not None
    assert english_in(confirm) == []

    no_trash = KeptFile("/net/share/x.JPG", KeepReason.TRASH_UNAVAILABLE, "no trash")
    removed = FileRemoved("/p/copies/1.JPG", 10, Method.TRASH, None, 1)
    finished = RemovalFinished("b", (removed,), (no_trash,), cancelled=True)
    summary = RemovalSummaryDialog(finished, 4, refused=(changed,), roots=("/p",))
    qtbot.addWidget(summary)
    assert english_in(summary) == []

    progress = OperationProgressDialog("[Ţ~]", "[Ţ~]", 10)
    qtbot.addWidget(progress)
    progress.add(ok=3, not_ok=1)
    assert english_in(progress) == []
    progress.set_words(restoring=True, note="[Ñ~]")
    assert english_in(progress) == []

    busy = another_mover_box("[ánóţhér~~]", restoring=False, parent=summary)
    assert english_in(busy) == []
    assert unwrapped(busy.informativeText()) is None

    back = [
        FileRestore(1, "/p/a.JPG", RestoreState.RESTORED, "/p/a.JPG"),
        FileRestore(2, "/p/b.JPG", RestoreState.RESTORED_BESIDE, "/p/b (restored).JPG"),
    ]
    assert unwrapped(restore_sentence(back, cancelled=True)) is None
    assert unwrapped(restore_details(back)) is None

    error = ErrorDialog("[Ó~]", "Traceback")
    qtbot.addWidget(error)
    assert [t for w, t in english_in(error) if "QPlainTextEdit" not in w] == []


def test_no_english_in_the_history_and_the_undo_question(
    qtbot: QtBot, pseudo: None, trash_env: Env
) -> None:
    window = open_window(qtbot)
    history = HistoryDialog(window.mutations, window)
    qtbot.addWidget(history)
    history.reload()
    qtbot.waitUntil(lambda: history.loaded, timeout=10_000)
    assert english_in(history) == []
    window.removal.undo_last()
    qtbot.waitUntil(
        lambda: window.removal.undo_box is not None and window.removal.undo_box.isVisible()
    )
    assert english_in(window.removal.undo_box) == []  # type: ignore[arg-type]
    window.removal.undo_box.close()  # type: ignore[union-attr]
    window.close()


def test_the_language_is_english_again_after_these_tests() -> None:
    assert current_language() == "en"


def test_a_restart_from_a_review_continues_it(qtbot: QtBot, in_language) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers.named_copies import named_group
    from tests.helpers.window import show_groups

    in_language("en")
    window = open_window(qtbot)
    show_groups(window, [named_group(["/p/a/1.jpg", "/p/b/1.jpg"], 1)], "/p")
    restarts: list[bool] = []
    window.language_menu.restart = lambda reviewing: restarts.append(reviewing) or True
    window.language_menu.actions["es"].trigger()
    box = window.language_menu.box
    assert box is not None
    next(b for b in box.buttons() if b.objectName() == "restartNow").click()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert restarts == [True]


@pytest.mark.parametrize("continue_review", [True, False])
def test_restart_starts_photosift_again(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, continue_review: bool
) -> None:
    """The real QProcess start (a child that writes down what it was given)."""
    import sys

    out = tmp_path / "child.txt"
    code = (
        "import os, sys; open(sys.argv[1], 'w').write("
        f"os.environ.get({language.CONTINUE_ENV!r}, '-'))"
    )
    monkeypatch.setattr(
        language, "restart_command", lambda: (sys.executable, ["-c", code, str(out)])
    )
    monkeypatch.setenv(language.CONTINUE_ENV, "1")  # never passed on by itself
    assert language.restart_photosift(continue_review)
    qtbot.waitUntil(lambda: out.exists() and out.read_text() != "", timeout=20_000)
    assert out.read_text() == ("1" if continue_review else "-")
