"""End to end through the real window: folders, scan, review, marks, compare, skipped."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from cleaner.demo.library import DemoLibrary
from cleaner.models import ScanSettings, Similarity
from cleaner.progress import CancelToken, Progress, ScanEvent, Stage, StageStarted
from ui.delegates.tile import PhotoTileDelegate
from ui.main_window import MainWindow
from ui.models import roles
from ui.settings import Keys, Settings
from ui.workers import base
from ui.workers import scan as scan_module


def _rel(path: str, root: Path) -> str:
    return Path(path).relative_to(root).as_posix()


def _scan(window: MainWindow, qtbot: QtBot, settings: ScanSettings) -> None:
    with qtbot.waitSignal(window.scanner.finished, timeout=60_000):
        window.run_scan(settings)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.review_page, timeout=5000)


def _select_group_with(window: MainWindow, name: str) -> int:
    rp = window.review_page
    for r in range(rp.group_model.rowCount()):
        group = rp.group_model.index(r, 0).data(roles.GroupRole)
        if any(Path(m.path).name == name for m in group.members):
            rp.select_group_at(r)
            return rp.current_group_row()
    raise AssertionError(f"no group with {name}")


def test_end_to_end_groups_and_preselected_keepers(
    window: MainWindow, qtbot: QtBot, demo_library: DemoLibrary
) -> None:
    window.start_page.add_folders([str(demo_library.root)])
    qtbot.mouseClick(window.start_page.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.review_page, timeout=60_000)
    rp = window.review_page
    planted = {frozenset(g.copies): g for g in demo_library.groups}
    assert rp.group_model.rowCount() == len(planted)
    for r in range(rp.group_model.rowCount()):
        rp.select_group_at(r)
        grid = rp.photo_model
        shown = [_rel(grid.member(i).path, demo_library.root) for i in range(grid.rowCount())]
        group = planted[frozenset(shown)]
        # the suggested keeper is first, kept, and badged; every other copy is marked
        assert shown[0] == group.keeper
        assert grid.index(0).data(roles.KeeperRole) is True
        assert grid.index(0).data(roles.MarkedRole) is False
        assert all(grid.index(i).data(roles.MarkedRole) for i in range(1, grid.rowCount()))
    removable = sum(len(g.removable) for g in demo_library.groups)
    assert rp.summary.text().startswith(f"{removable} files marked")
    assert "to free" in rp.summary.text()
    assert rp.tabs.tabText(0) == "Copies found (4)"


def test_click_and_space_switch_keep_and_remove(
    window: MainWindow, qtbot: QtBot, demo_library: DemoLibrary
) -> None:
    _scan(window, qtbot, ScanSettings(roots=(str(demo_library.root),)))
    rp = window.review_page
    row = _select_group_with(window, "lake.jpg")
    grid = rp.grid
    rect = grid.visualRect(rp.photo_model.index(1))
    bar = PhotoTileDelegate.bar_rect(rect.adjusted(3, 3, -3, -3))
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=bar.center())
    member = rp.photo_model.member_index(1)
    assert not window.session.is_marked(row, member)
    # Space on the selected tile marks it again
    grid.setCurrentIndex(rp.photo_model.index(1))
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_Space)
    assert window.session.is_marked(row, member)
    # the keeper cannot be marked while every other copy is
    grid.setCurrentIndex(rp.photo_model.index(0))
    with qtbot.waitSignal(rp.photo_model.markRefused, timeout=1000):
        qtbot.keyClick(grid, Qt.Key.Key_Space)
    assert not window.session.is_marked(row, rp.photo_model.member_index(0))
    assert "always kept" in window.statusBar().currentMessage()
    # keyboard navigation between groups
    before = rp.current_group_row()
    window.act_next.trigger()
    assert rp.current_group_row() != before or rp.group_model.rowCount() == 1


def test_apply_suggestions_and_clear_marks(
    window: MainWindow, qtbot: QtBot, demo_library: DemoLibrary
) -> None:
    _scan(window, qtbot, ScanSettings(roots=(str(demo_library.root),)))
    marked = window.session.marked_count
    window.act_clear.trigger()
    assert window.session.marked_count == 0
    assert window.review_page.summary.text() == "No files marked for removal"
    window.act_apply.trigger()
    assert window.session.marked_count == marked
    assert set(window.session.paths_to_remove()) == {
        str(demo_library.root / p) for g in demo_library.groups for p in g.removable
    }


def test_protected_folder_is_never_marked(
    window: MainWindow, qtbot: QtBot, demo_library: DemoLibrary
) -> None:
    backup = demo_library.root / "Backup of Photos"
    _scan(
        window,
        qtbot,
        ScanSettings(roots=(str(demo_library.root),), protected=(str(backup),)),
    )
    row = _select_group_with(window, "lake.jpg")
    group = window.session.groups[row]
    for i, m in enumerate(group.members):
        if m.path.startswith(str(backup)):
            assert window.session.is_locked(row, i)
            assert not window.session.is_marked(row, i)
            assert window.session.toggle(row, i) is not None
    window.act_apply.trigger()
    assert not any(p.startswith(str(backup)) for p in window.session.paths_to_remove())


def test_start_page_choices_are_remembered(
    qtbot: QtBot, demo_library: DemoLibrary, tmp_path: Path
) -> None:
    other = tmp_path / "Archive"
    other.mkdir()
    first = MainWindow(cache_path=None)
    qtbot.addWidget(first)
    sp = first.start_page
    assert sp.add_folders([str(demo_library.root), str(other), str(other)]) == 2
    sp.folders.topLevelItem(1).setCheckState(1, Qt.CheckState.Checked)
    sp.similarity.setCurrentIndex(sp.similarity.findData(Similarity.SIMILAR.value))
    assert sp.rotations.isChecked()  # on by default
    sp.rotations.setChecked(False)
    first.close()
    second = MainWindow(cache_path=None)
    qtbot.addWidget(second)
    sp2 = second.start_page
    assert sp2.folder_paths() == [str(demo_library.root), str(other)]
    assert sp2.protected_paths() == [str(other)]
    assert not sp2.rotations.isChecked()
    scan = Settings().scan_settings()
    assert scan.similarity is Similarity.SIMILAR
    assert scan.protected == (str(other),)
    assert scan.rotations is False
    second.close()


def test_folders_can_be_dropped_on_the_start_page(window: MainWindow, tmp_path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path)), QUrl("https://example.org/")])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    window.start_page.dropEvent(event)
    assert window.start_page.folder_paths() == [str(tmp_path)]
    assert window.start_page.scan_button.isEnabled()


def _slow_scan(
    settings: ScanSettings, *, cancel: CancelToken, cache_path: object = None
) -> Iterator[ScanEvent]:
    yield StageStarted(Stage.FINGERPRINT)
    for i in range(1_000_000):
        cancel.check()
        time.sleep(0.002)
        yield Progress(Stage.FINGERPRINT, i, 1_000_000, rate=500.0, eta_seconds=125.0)


def test_progress_page_and_cancel(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan_module, "scan", _slow_scan)
    with qtbot.waitSignal(window.scanner.progressChanged, timeout=5000):
        window.run_scan(ScanSettings(roots=("/x",)))
    qtbot.waitUntil(lambda: "of 1,000,000 pictures" in window.progress_page.counts.text())
    assert "per second" in window.progress_page.speed.text()
    assert "minutes left" in window.progress_page.speed.text()
    with qtbot.waitSignal(window.scanner.cancelled, timeout=1000):
        qtbot.mouseClick(window.progress_page.cancel_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.start_page
    assert "cancelled" in window.start_page.status.text()


def test_closing_during_a_scan_stops_cleanly(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scan_module, "scan", _slow_scan)
    w = MainWindow(cache_path=None)
    w.show()
    with qtbot.waitSignal(w.scanner.progressChanged, timeout=5000):
        w.run_scan(ScanSettings(roots=("/x",)))
    t0 = time.monotonic()
    assert w.close()
    assert time.monotonic() - t0 < 2.0
    assert base.running_threads() == []
    w.deleteLater()


def test_rescan_replaces_the_review(
    window: MainWindow, qtbot: QtBot, demo_library: DemoLibrary, tmp_path: Path
) -> None:
    _scan(window, qtbot, ScanSettings(roots=(str(demo_library.root),)))
    small = tmp_path / "small"
    shutil.copytree(demo_library.root / "Photos/2021 Market", small)
    shutil.copy(demo_library.root / "Email attachments/market.jpg", small / "copy.jpg")
    window.act_new.trigger()
    assert window.pages.currentWidget() is window.start_page
    _scan(window, qtbot, ScanSettings(roots=(str(small),)))
    assert len(window.session.groups) == 1
    assert window.review_page.group_model.rowCount() == 1


def test_compare_side_by_side(window: MainWindow, qtbot: QtBot, demo_library: DemoLibrary) -> None:
    _scan(window, qtbot, ScanSettings(roots=(str(demo_library.root),)))
    _select_group_with(window, "lake.jpg")
    rp = window.review_page
    sel = rp.grid.selectionModel()
    sel.select(rp.photo_model.index(0), sel.SelectionFlag.Select)
    sel.select(rp.photo_model.index(2), sel.SelectionFlag.Select)
    dialog = window.compare_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.show()
    assert len(dialog.visible_panels()) == 2
    assert dialog.count_label.text() == "Showing 2 of 3 copies"
    qtbot.waitUntil(dialog.images_loaded, timeout=20_000)
    assert "Resolution" in dialog.differs
    assert "File size" in dialog.differs
    # same zoom everywhere, panning one view pans the other
    dialog.set_zoom(1.0)
    a, b = (p.view for p in dialog.visible_panels())
    assert a.transform().m11() == b.transform().m11() == 1.0
    a.horizontalScrollBar().setValue(a.horizontalScrollBar().maximum() // 2)
    assert b.horizontalScrollBar().value() == a.horizontalScrollBar().value()
    # marking from the compare dialog goes through the same rules
    first, second = dialog.visible_panels()
    first.mark.click()  # the keeper, while both other copies are marked
    assert "always kept" in dialog.message.text()
    assert not first.mark.isChecked()
    second.mark.click()  # keep the export too
    member = dialog.indices[dialog.shown[1]]
    assert not window.session.is_marked(rp.current_group_row(), member)
    dialog.close()


def test_skipped_files_are_listed_with_reasons(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, demo_library: DemoLibrary
) -> None:
    lib = tmp_path / "lib"
    shutil.copytree(demo_library.root / "Photos", lib)
    (lib / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 50)
    (lib / "empty.png").write_bytes(b"")
    _scan(window, qtbot, ScanSettings(roots=(str(lib),)))
    model = window.review_page.skipped_model
    reasons = {model.index(r, 0).data(): model.index(r, 2).data() for r in range(model.rowCount())}
    assert set(reasons) == {"broken.jpg", "empty.png"}
    assert reasons["empty.png"].startswith("Empty file")
    assert window.review_page.tabs.tabText(1) == "Skipped files (2)"


def test_try_with_sample_photos(window: MainWindow, qtbot: QtBot) -> None:
    with qtbot.waitSignal(window.scanner.finished, timeout=60_000):
        window.start_page.sample_button.click()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.review_page, timeout=5000)
    assert len(window.session.groups) == 4
    folders = list(window._demo_dirs)
    window.close()
    assert not any(f.exists() for f in folders)  # the temporary sample is cleaned up


def test_no_text_for_programmers_on_buttons(window: MainWindow) -> None:
    """Every button and action has words and a tooltip; no enum names or snake_case."""
    from PySide6.QtWidgets import QAbstractButton

    buttons = window.findChildren(QAbstractButton)
    for b in buttons:
        text = b.text() or b.accessibleName()
        if not text or not b.isVisibleTo(window):
            continue
        assert "_" not in text, text
    for action in window.actions():
        assert action.text(), action
        assert action.toolTip(), action
        assert "_" not in action.text()


def test_every_main_action_has_a_shortcut(window: MainWindow) -> None:
    for action in (
        window.act_add, window.act_scan, window.act_cancel, window.act_new, window.act_apply,
        window.act_clear, window.act_compare, window.act_open, window.act_reveal,
        window.act_next, window.act_prev, window.act_toggle, window.act_quit,
    ):  # fmt: skip
        assert not action.shortcut().isEmpty(), action.text()


def test_controls_have_accessible_names(window: MainWindow) -> None:
    rp = window.review_page
    for w in (
        rp.group_view, rp.grid, rp.sort_combo, window.start_page.folders,
        window.start_page.similarity, window.progress_page.bar,
    ):  # fmt: skip
        assert isinstance(w, QWidget)
        assert w.accessibleName(), w
    # a label's name is its text (a name would replace it): what it is is its description
    assert rp.summary.accessibleDescription()
    assert not rp.summary.accessibleName()


def test_settings_file_path_is_isolated(user_dirs: Path) -> None:
    assert Settings().path.is_relative_to(user_dirs)
    assert Keys.FOLDERS.default == []
    assert QPoint(0, 0).isNull()
