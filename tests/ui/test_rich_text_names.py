"""A file name is text, never markup: a file called "<b>x</b>.jpg" or
"a<img src=x>.jpg" shows as written in every label and tooltip of the window (Qt takes
a tooltip or a label for rich text as soon as its first line looks like a tag)."""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtGui import Qt as GuiQt  # GuiQt.mightBeRichText lives in QtGui
from PySide6.QtWidgets import QLabel, QTreeWidget
from pytestqt.qtbot import QtBot

from cleaner import IgnoreList, KeepReason, KeptFile, LogEntry, Method, Outcome, RemovalPlan
from cleaner.models import DuplicateGroup, KeptOver, SkippedFile, SkipReason
from cleaner.removal.plan import PlannedFile, Survivor
from tests.helpers.named_copies import named_group
from tests.helpers.window import open_window, show_groups
from ui.main_window import MainWindow
from ui.marks_menu import IgnoredDialog
from ui.widgets import compare_dialog
from ui.widgets.history_dialog import EntryTableModel
from ui.widgets.removal_dialogs import ConfirmRemovalDialog, fill_kept

ROOT = "/home/ann/<i>Library"  # no "/" in a name: "</b>" cannot be one
BOLD = "<b>x<b>.jpg"
IMG = "a<img src=x.png>.jpg"
AMP = "Tom &amp; Jerry.jpg"  # as rich text it would read "Tom & Jerry.jpg"
PATHS = [f"{ROOT}/{BOLD}", f"{ROOT}/Backup/{IMG}", f"{ROOT}/Old/{AMP}"]
NAMES = [BOLD, IMG, AMP]


def literal(text: str, *expected: str) -> bool:
    """Whether Qt shows `text` with each of `expected` as written: plain text, or rich
    text in which each is escaped (and none is raw)."""
    if not GuiQt.mightBeRichText(text):
        return all(e in text for e in expected)
    escaped = [html.escape(e, quote=False) for e in expected]
    return all(
        s in text and (s == e or e not in text) for s, e in zip(escaped, expected, strict=True)
    )


def plain_label(label: QLabel) -> bool:
    return label.textFormat() == Qt.TextFormat.PlainText or not GuiQt.mightBeRichText(label.text())


def _why(group: DuplicateGroup) -> DuplicateGroup:
    """Every copy says why the keeper is kept over it: a tie, named by folder and file."""
    keeper = group.keeper.path
    members = tuple(
        m if m.is_keeper else replace(m, kept_over=KeptOver("tie", keeper, m.path))
        for m in group.members
    )
    return replace(group, members=members)


@pytest.fixture
def window(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.setattr(compare_dialog, "copies_that_fit", lambda screen, panel: 3)
    w = open_window(qtbot)
    groups = [
        _why(named_group(PATHS, 1)),
        _why(named_group([f"{ROOT}/Trip/{n}" for n in reversed(NAMES)], 2)),
    ]
    show_groups(w, groups, ROOT)
    yield w
    w.close()


def test_the_set_header_names_files_as_written(window: MainWindow) -> None:
    page = window.review_page
    for row in range(page.group_model.rowCount()):
        page.select_group_at(row)
        assert page.group_title.textFormat() == Qt.TextFormat.PlainText
        assert page.group_reason.textFormat() == Qt.TextFormat.PlainText
        group = page.photo_model.group
        assert group is not None
        keeper = group.keeper.path.rsplit("/", 1)[1]
        assert keeper in page.group_title.text().replace("\u200b", "")
        tip = page.group_reason.toolTip()
        assert literal(tip, f"Why {keeper} is kept over each copy:")
        assert "<img" not in tip.replace("&lt;img", "")


def test_compare_names_copies_as_written(window: MainWindow, qtbot: QtBot) -> None:
    window.review_page.select_group_at(window.review_page.group_model.view_row(0))
    dialog = window.compare_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    for panel in dialog.panels:
        path = panel.member.path
        assert literal(panel.name.toolTip(), path)
        assert literal(panel.where.toolTip(), path)
        assert panel.name.textFormat() == Qt.TextFormat.PlainText
        assert panel.loading.textFormat() == Qt.TextFormat.PlainText
    table = dialog.table
    for r in range(table.rowCount()):
        for c in range(table.columnCount()):
            item = table.item(r, c)
            assert literal(item.toolTip(), item.text()), (item.text(), item.toolTip())
    actions: list[QAction] = dialog.chooser.actions_
    assert len(actions) == 3
    for action, member in zip(actions, dialog.members, strict=True):
        assert literal(action.toolTip(), member.path), action.toolTip()
    # the limit's extra line keeps the name escaped, and it goes again without a trace
    dialog.chooser.set_limit(1, [0])
    for action, member in zip(actions[1:], dialog.members[1:], strict=True):
        assert literal(action.toolTip(), member.path, "Up to 1 copy fits side by side")
    dialog.chooser.set_limit(3, [0, 1, 2])
    for action, member in zip(actions, dialog.members, strict=True):
        assert literal(action.toolTip(), member.path)
        assert "fit side by side" not in action.toolTip()
    dialog.close()


def test_the_ignored_sets_list_names_files_as_written(window: MainWindow) -> None:
    window.review_page.select_group_at(0)
    window.marks_menu.act_not_copies.trigger()
    dialog = IgnoredDialog(window.marks_menu, window)
    assert dialog.list.count() == 1
    tip = dialog.list.item(0).toolTip()
    assert literal(tip, *IgnoreList.load().entries()[0].files)


def _tips(tree: QTreeWidget) -> list[str]:
    tips = []
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        tips.extend(item.toolTip(c) for c in range(tree.columnCount()))
        stack.extend(item.child(i) for i in range(item.childCount()))
    return [t for t in tips if t]


def test_the_move_dialogs_name_files_as_written(qtbot: QtBot) -> None:
    keeper = Survivor(PATHS[0], 10, 1, None)
    plan = RemovalPlan(
        files=(
            PlannedFile(PATHS[1], 10, 1, None, 1, (keeper,), keeper_has_no_sidecar=True),
            PlannedFile(PATHS[2], 10, 1, None, 1, (keeper,)),
        ),
        refused=(KeptFile(f"{ROOT}/{IMG}", KeepReason.CHANGED, f"{BOLD} changed"),),
        roots=(ROOT,),
    )
    dialog = ConfirmRemovalDialog(plan, roots=(ROOT,))
    qtbot.addWidget(dialog)
    tips = _tips(dialog.files) + _tips(dialog.refused)
    assert len(tips) >= 8
    for tip in tips:
        assert literal(tip), tip
        assert not GuiQt.mightBeRichText(tip) or "&lt;" in tip
    for p in (*PATHS, f"{ROOT}/{IMG}"):
        assert any(literal(t, p) for t in tips), p
    assert dialog.sidecar_note is not None
    assert plain_label(dialog.sidecar_note)
    assert IMG in dialog.sidecar_note.text()
    tree = QTreeWidget()
    tree.setColumnCount(3)
    fill_kept(tree, [KeptFile(p, KeepReason.CHANGED) for p in PATHS], (ROOT,))
    tips = _tips(tree)
    for p in PATHS:
        assert any(literal(t, p) for t in tips)
    assert all(literal(t) and (not GuiQt.mightBeRichText(t) or "&lt;" in t) for t in tips)


def test_the_start_page_skipped_files_and_history_name_files_as_written(
    window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "<b>Library"
    folder.mkdir()
    start = window.start_page
    assert start.add_folders([str(folder)]) == 1
    item = start.folders.topLevelItem(start.folders.topLevelItemCount() - 1)
    assert literal(item.toolTip(0), str(folder))

    window.session.skipped = (SkippedFile(PATHS[1], SkipReason.UNREADABLE, f"{BOLD} broken"),)
    model = window.review_page.skipped_view.model
    model.beginResetModel()
    model.endResetModel()
    for col in range(model.columnCount()):
        tip = model.index(0, col).data(Qt.ItemDataRole.ToolTipRole)
        assert literal(tip, model.index(0, col).data(Qt.ItemDataRole.DisplayRole))

    entries = EntryTableModel()
    entry = LogEntry(
        id=1,
        batch_id="b",
        original_path=PATHS[1],
        size=10,
        mtime_ns=1,
        sha256=None,
        method=Method.TRASH,
        destination=f"/trash/{IMG}",
        outcome=Outcome.MOVED,
        detail="",
        started_at=1.0,
        moved_at=2.0,
        restore_state=None,
        restored_to=None,
        restored_at=None,
    )
    entries.set_entries([entry])
    for col in range(entries.columnCount()):
        tip = entries.index(0, col).data(Qt.ItemDataRole.ToolTipRole)
        assert literal(tip), tip
        assert not GuiQt.mightBeRichText(tip) or "&lt;" in tip


def test_messages_that_name_a_file_show_it_as_written(window: MainWindow, qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ui.widgets.error_dialog import ErrorDialog
    from ui.widgets.removal_dialogs import another_mover_box

    window.progress_page.reset([ROOT])
    assert plain_label(window.progress_page.folders)
    assert ROOT in window.progress_page.folders.text()

    error = ErrorDialog(f"Cannot read {PATHS[1]}", "details", title=f"Cannot open {BOLD}")
    qtbot.addWidget(error)
    for label in error.findChildren(QLabel):
        assert plain_label(label), label.text()

    box = another_mover_box(f"the lock {PATHS[1]} is held", False, window)
    qtbot.addWidget(box)
    texts = [label.text() for label in box.findChildren(QLabel) if PATHS[1][:9] in label.text()]
    assert texts
    assert all(html.escape(PATHS[1], quote=False) in t for t in texts)
    assert box.textFormat() == Qt.TextFormat.RichText
    assert isinstance(box, QMessageBox)


def test_the_status_bar_tooltip_names_files_as_written(window: MainWindow) -> None:
    from cleaner.progress import Notice

    first = f"The cache {ROOT}/cache.db was set aside"
    second = f"The cache {ROOT}/{IMG} was set aside"
    window._on_notice(Notice(first, "cache set aside"))
    window._on_notice(Notice(second, "cache set aside"))
    tip = window.statusBar().toolTip()
    assert literal(tip, first, second)  # both, each once, escaped
    assert tip.count("cache.db") == 1


def test_an_unsaved_ignore_list_names_its_folder_as_written(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    blocker = tmp_path / "<b>not a folder"
    blocker.write_text("x")
    monkeypatch.setenv("PHOTOSIFT_DATA_DIR", str(blocker))  # the list's folder is a file
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warnings.append(text))
    w = MainWindow(cache_path=None)
    qtbot.addWidget(w)
    show_groups(w, [named_group(PATHS, 1)], ROOT)
    w.review_page.select_group_at(0)
    w.marks_menu.act_not_copies.trigger()
    assert len(warnings) == 1
    assert literal(warnings[0], str(blocker))
    assert GuiQt.mightBeRichText(warnings[0])  # the <br> is a line break, not "<br>"
    w.close()
