"""The confirmation's "Why it stays" shows a long path in full (issue 12's leftover: a
network path was cut in the middle, so the user could not tell which copy stays)."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from pytestqt.qtbot import QtBot

from cleaner import KeepReason, KeptFile, RemovalPlan
from ui.widgets.removal_dialogs import ConfirmRemovalDialog, kept_reason_text

ROOT = "//nas01.archive.example.org/Collections/Photographs"
STAYS = f"{ROOT}/2019 Summer Festival/Backup of Photos/Originals/Day 3/IMG_0747.JPG"
MARKED = f"{ROOT}/2019 Summer Festival/Downloads/IMG_0747.JPG"


def _dialog(qtbot: QtBot) -> ConfirmRemovalDialog:
    kept = KeptFile(MARKED, KeepReason.SAME_FILE, f"the same file as {STAYS}, which stays")
    dialog = ConfirmRemovalDialog(RemovalPlan((), (kept,)), roots=(ROOT,))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_why_it_stays_shows_the_whole_path(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    tree = dialog.refused
    item = tree.topLevelItem(0)
    shown = item.text(2)
    assert shown.replace("\u200b", "") == kept_reason_text(
        KeptFile(MARKED, KeepReason.SAME_FILE, f"the same file as {STAYS}, which stays")
    )
    # the row is as tall as the reason wrapped in its column: nothing is cut
    width = tree.columnWidth(2)
    assert width < QFontMetrics(tree.font()).horizontalAdvance(shown)  # it must wrap here
    needed = (
        QFontMetrics(tree.font())
        .boundingRect(QRect(0, 0, width - 12, 100_000), Qt.TextFlag.TextWordWrap, shown)
        .height()
    )
    qtbot.waitUntil(lambda: tree.visualItemRect(item).height() >= needed)


def test_the_row_grows_again_when_the_column_narrows(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    tree = dialog.refused
    item = tree.topLevelItem(0)
    before = tree.visualItemRect(item).height()
    dialog.resize(dialog.width() - 300, dialog.height())
    qtbot.waitUntil(lambda: tree.visualItemRect(item).height() > before)


def test_the_tooltip_names_the_file_first_then_the_whole_reason(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    tip = dialog.refused.topLevelItem(0).toolTip(2)
    assert tip.startswith("IMG_0747.JPG: ")
    assert STAYS in tip
    assert MARKED in tip
