"""Every control a keyboard reaches says what it is to a screen reader (issue 16).

Each screen is walked widget by widget; a visible control that takes focus must have a
name in Qt's accessibility tree: what `QAccessible` hands a screen reader as the
interface's Name. Qt fills that from `accessibleName()`, else from what the control shows
itself (a button's or check box's text, a group box's title), else from a QLabel whose
buddy it is; a tab bar is read tab by tab, so there each tab must have a text. A widget
with a focus proxy never has focus itself (a spin box's line edit hands it to the spin
box): the proxy is checked instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QTextDocument
from PySide6.QtWidgets import QAbstractButton, QLabel, QTabBar, QWidget
from pytestqt.qtbot import QtBot

from cleaner.demo.library import DemoLibrary
from tests.helpers.catalogs import make_estate
from tests.helpers.removal_support import (
    look_at_move_screens,
)
from tests.helpers.screen_walk import look_at_first_screens
from ui.catalog_open import ProtectCatalogsDialog
from ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("trash_env")  # the move screens move files


def accessible_name(widget: QWidget) -> str:
    face = QAccessible.queryAccessibleInterface(widget)
    return face.text(QAccessible.Text.Name).strip() if face is not None else ""


def describe(widget: QWidget) -> str:
    chain = []
    w: QWidget | None = widget
    while w is not None and len(chain) < 4:
        chain.append(w.objectName() or type(w).__name__)
        w = w.parentWidget()
    extra = f" {widget.text()!r}" if isinstance(widget, QAbstractButton) else ""
    tip = f" tip={widget.toolTip()[:40]!r}" if widget.toolTip() else ""
    return f"{type(widget).__name__}{extra}{tip} in {'/'.join(reversed(chain[1:]))}"


def unnamed(top: QWidget) -> list[str]:
    """The visible, focusable controls under `top` (and `top`) without a name."""
    out = []
    for widget in [top, *top.findChildren(QWidget)]:
        if not widget.isVisible() or widget.focusPolicy() == widget.focusPolicy().NoFocus:
            continue
        if widget.focusProxy() is not None:  # focus goes on to the proxy, checked itself
            continue  # (a tab widget's tab bar; a spin box for its own line edit)
        if isinstance(widget, QTabBar):
            if any(not widget.tabText(i).strip() for i in range(widget.count())):
                out.append(describe(widget))
            continue
        if not accessible_name(widget):
            out.append(describe(widget))
    return out


def hidden_texts(top: QWidget) -> list[str]:
    """Visible labels whose accessible name is not their text: Qt then hands a screen
    reader the name alone (a QLabel has no Value), so "Files done" would be read instead
    of "1,204 of 5,000 files". What a label is goes in its description."""
    out = []
    for label in top.findChildren(QLabel):
        text = label.text()
        if label.textFormat() != Qt.TextFormat.PlainText and "<" in text:
            document = QTextDocument()
            document.setHtml(text)
            text = document.toPlainText()
        text = text.strip()
        named = label.accessibleName()
        if label.isVisible() and text and named and text not in accessible_name(label):
            out.append(f"{label.accessibleName()!r} hides {text[:40]!r}")
    return out


def test_the_start_progress_and_review_screens_name_every_control(
    window: MainWindow, qtbot: QtBot, library: DemoLibrary
) -> None:
    problems = look_at_first_screens(
        window, qtbot, library.root, lambda top: unnamed(top) + hidden_texts(top)
    )
    missing = {k: v for k, v in problems.items() if v}
    assert not missing, "\n".join(f"{k}: {v}" for k, v in missing.items())


def test_the_move_screens_name_every_control(
    window: MainWindow, qtbot: QtBot, library: DemoLibrary
) -> None:
    problems = look_at_move_screens(window, qtbot, library.root, unnamed)
    missing = {k: v for k, v in problems.items() if v}
    assert not missing, "\n".join(f"{k}: {v}" for k, v in missing.items())


def test_the_catalog_review_names_every_control(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    estate = make_estate(tmp_path / "estate", sets=20, across=5)
    with qtbot.waitSignal(window.scanner.finished, timeout=120_000):
        window.catalogs.start([str(estate.a), str(estate.b)], ())
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.review_page)
    assert not unnamed(window) + hidden_texts(window)
    window.export_report()  # the estate report's dialog: formats, times, price, place
    export = window.catalogs.export_dialog
    assert export is not None
    assert export.isVisible()
    assert unnamed(export) == []
    export.close()
    protect = ProtectCatalogsDialog([str(estate.a), str(estate.b)], window)
    qtbot.addWidget(protect)
    protect.show()
    assert not unnamed(protect)


def test_the_walk_knows_what_qt_reads(qtbot: QtBot) -> None:
    """What counts as a name is what Qt's accessibility tree hands on: a button's text, a
    label's buddy, an accessible name; an icon-only button or a bare field has none."""
    from PySide6.QtWidgets import QFormLayout, QLineEdit, QPushButton, QSpinBox, QToolButton

    top = QWidget()
    qtbot.addWidget(top)
    form = QFormLayout(top)
    bare, buddied, named = QLineEdit(), QLineEdit(), QLineEdit()
    named.setAccessibleName("Folder")
    form.addRow(bare)
    form.addRow("File name:", buddied)  # the form's label is the field's buddy
    form.addRow(named)
    form.addRow(QPushButton("Scan"))
    icon_only = QToolButton()
    icon_only.setToolTip("Remove the folder")  # a tooltip is a description, not a name
    form.addRow(icon_only)
    spin = QSpinBox()
    spin.setAccessibleName("Copies")
    form.addRow(spin)
    top.show()
    qtbot.waitExposed(top)
    assert accessible_name(buddied) == "File name:"
    assert sorted(w.split(" in ")[0] for w in unnamed(top)) == [
        "QLineEdit",
        "QToolButton '' tip='Remove the folder'",
    ]
    assert unnamed(bare) == ["QLineEdit in QWidget"]
