"""File → Open catalogs… (issue 14): catalogs built with the engine's builder are read
and grouped on the scan thread, reviewed in the same grid, and nothing is moved."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QDialog, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from cleaner import DuplicateGroup, load_result, run_command_line
from tests.helpers.catalogs import ESTATE_ACROSS as ACROSS
from tests.helpers.catalogs import ESTATE_SETS as SETS
from tests.helpers.catalogs import Estate, damaged_copy, make_estate, truncated_copy
from tests.helpers.window import open_catalogs
from ui.catalog_open import MOVE_REFUSED, ProtectCatalogsDialog
from ui.main_window import MainWindow
from ui.models import roles
from ui.settings import Keys
from ui.thumbnails import UNREACHABLE, ThumbnailLoader

Sets = list[tuple[list[str], str]]


def sets_of(groups: tuple[DuplicateGroup, ...] | list[DuplicateGroup]) -> Sets:
    return sorted((sorted(m.path for m in g.members), g.keeper.path) for g in groups)


def cli_sets(tmp_path: Path, *paths: Path) -> Sets:
    out = tmp_path / "cli.json"
    args = ["scan", "--quiet", "--json", str(out)]
    for p in paths:
        args += ["--catalog", str(p)]
    assert run_command_line(args) == 0
    return sets_of(load_result(out).groups)


def test_two_catalogs_open_as_the_command_line_groups_them(
    qtbot: QtBot, window: MainWindow, estate: Estate, tmp_path: Path
) -> None:
    open_catalogs(qtbot, window, estate.a, estate.b)
    expected = cli_sets(tmp_path, estate.a, estate.b)
    assert len(expected) == SETS + 1
    assert sets_of(window.session.groups) == expected
    # every set is in the list, not the first page of it (a past bug showed 32)
    model = window.review_page.group_model
    assert model.rowCount() == SETS + 1
    shown = [model.index(r).data(roles.GroupRole) for r in range(model.rowCount())]
    assert sets_of(shown) == expected
    window.review_page.select_group_at(model.rowCount() - 1)
    last = window.review_page.photo_model.group
    assert last is not None
    assert last.id == shown[-1].id
    # the server of each copy, and the sets on both servers
    spanning = [r for r in range(model.rowCount()) if model.index(r).data(roles.SpansRole)]
    assert len(spanning) == ACROSS + 1  # the mirrored pairs and the harbour
    row = spanning[0]
    assert model.index(row).data(roles.SpansRole) == ("nas-1", "archive")
    assert model.index(row).data(roles.LinesRole)[2] == "On 2 servers: nas-1, archive"
    window.review_page.select_group_at(row)
    tiles = window.review_page.photo_model
    labels = sorted(tiles.index(r).data(roles.LabelRole) for r in range(tiles.rowCount()))
    assert labels[0] == "archive"
    assert labels[-1] == "nas-1"
    assert "(top folder)" not in tiles.index(0).data(roles.LinesRole)[4]
    header = window.review_page.group_reason.text()
    assert header.endswith("Copies in: originals, web")  # the folders below the labels
    assert "nas-1:" not in header.split("Copies in:")[1]


def test_moving_is_not_offered_and_the_window_says_why(
    qtbot: QtBot, window: MainWindow, estate: Estate
) -> None:
    open_catalogs(qtbot, window, estate.a, estate.b)
    page = window.review_page
    assert window.session.marked_count == SETS + ACROSS + 1  # the engine's suggestions
    assert not window.act_move.isEnabled()
    assert window.act_move.toolTip() == MOVE_REFUSED
    assert page.trash_button.isHidden()
    banner = window.catalogs.banner
    assert banner.isVisible()
    assert "moves nothing from here" in banner.label.text()
    assert "nas-1, archive" in banner.label.text()
    window.act_move.trigger()  # even asked for, nothing starts
    assert not window.mutations.busy()
    # a local scan afterwards has its Move button back
    window.session.clear()
    assert not page.trash_button.isHidden()
    assert not banner.isVisible()


def test_a_damaged_or_truncated_catalog_is_named_and_the_others_open(
    qtbot: QtBot, window: MainWindow, estate: Estate, tmp_path: Path
) -> None:
    damaged = damaged_copy(estate.b, tmp_path / "damaged.catalog")
    truncated = truncated_copy(estate.a, tmp_path / "truncated.catalog")
    open_catalogs(qtbot, window, estate.a, damaged, truncated)
    refused = window.catalogs.banner.refused
    assert refused.isVisible()
    lines = refused.text().splitlines()
    assert lines[0] == "Not opened (2):"
    assert "damaged.catalog" in lines[1]
    assert "checksum does not match" in lines[1]
    assert "truncated" in lines[2]
    assert len(window.session.groups) == SETS  # the pairs of the one catalog left


def test_no_catalog_opened_goes_back_to_the_start_with_the_reasons(
    qtbot: QtBot, window: MainWindow, estate: Estate, tmp_path: Path
) -> None:
    damaged = damaged_copy(estate.b, tmp_path / "damaged.catalog")
    foreign = tmp_path / "holiday.catalog"
    foreign.write_text("not a catalog\n")
    with qtbot.waitSignal(window.scanner.failed, timeout=60_000):
        window.catalogs.start([str(damaged), str(foreign)])
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.start_page)
    status = window.start_page.status.text()
    assert status.startswith("None of the catalogs could be opened.")
    assert "checksum does not match" in status
    assert "holiday.catalog is not a PhotoSift catalog" in status


def test_opening_can_be_cancelled(qtbot: QtBot, window: MainWindow, estate: Estate) -> None:
    with qtbot.waitSignal(window.scanner.cancelled, timeout=60_000):
        window.catalogs.start([str(estate.a), str(estate.b)])
        window.cancel_scan()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.start_page)
    assert window.start_page.status.text() == "Opening the catalogs was cancelled."
    assert not window.catalogs.active


def test_pictures_show_where_the_file_is_here_and_a_placeholder_where_not(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    small = make_estate(tmp_path / "small", sets=3, across=3)
    shutil.move(small.server_b, tmp_path / "elsewhere")  # the archive is not reachable here
    # the archive kept whole: its copies are the keepers, and not on this computer
    open_catalogs(qtbot, window, small.a, small.b, protect=(str(small.b),))
    loader = window.thumbnails
    tiles = window.review_page.photo_model
    window.review_page.select_group_at(0)
    group = tiles.group
    assert group is not None
    paths = [m.path for m in group.members]
    assert {p.split(":")[0] for p in paths} == {"nas-1", "archive"}
    for p in paths:  # ask for every copy's picture
        loader.get(p, tiles.thumb_size, tiles.dpr)

    def settled() -> bool:
        return all(
            loader.peek(p, tiles.thumb_size, tiles.dpr) is not None
            or loader.error(p, tiles.thumb_size, tiles.dpr) is not None
            for p in paths
        )

    qtbot.waitUntil(settled, timeout=20_000)
    for r in range(tiles.rowCount()):
        index = tiles.index(r)
        path = index.data(roles.PathRole)
        if path.startswith("archive:"):
            assert index.data(roles.ThumbnailErrorRole) == UNREACHABLE
            assert index.data(roles.ThumbnailRole) is None
        else:
            assert index.data(roles.ThumbnailErrorRole) is None
            assert index.data(roles.ThumbnailRole) is not None
        # the delegate paints both kinds (a placeholder, never an error)
        image = QImage(QSize(240, 320), QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        option = QStyleOptionViewItem()
        option.rect = image.rect()
        option.font = window.font()
        option.palette = window.palette()
        window.review_page.grid.itemDelegate().paint(painter, option, index)
        painter.end()
    # each set's row shows a copy that is here, the keeper's file or another's
    rows = window.review_page.group_model
    keepers = [rows.index(r).data(roles.GroupRole).keeper.path for r in range(rows.rowCount())]
    assert any(k.startswith("archive:") for k in keepers)

    def every_row_shows_a_picture() -> bool:
        return all(rows.index(r).data(roles.ThumbnailRole) is not None for r in range(4))

    assert rows.rowCount() == 4
    qtbot.waitUntil(every_row_shows_a_picture, timeout=20_000)
    # side by side: the picture here, where the file is said for the other
    dialog = window.compare_dialog()
    assert dialog is not None
    dialog.show()
    panels = dialog.visible_panels()

    def shown(p: object) -> bool:
        pixmap = p.item.pixmap()  # type: ignore[attr-defined]
        return pixmap is not None and not pixmap.isNull()

    def unreachable(p: object) -> bool:
        return p.loading.text().endswith(f"({UNREACHABLE})")  # type: ignore[attr-defined]

    qtbot.waitUntil(lambda: all(shown(p) or unreachable(p) for p in panels), timeout=20_000)
    assert any(shown(p) for p in panels)
    assert any(unreachable(p) for p in panels)
    dialog.close()


def test_the_estate_report_is_written_with_the_marks(
    qtbot: QtBot, window: MainWindow, estate: Estate, tmp_path: Path
) -> None:
    open_catalogs(qtbot, window, estate.a, estate.b, protect=(str(estate.b),))
    members = [m for g in window.session.groups for m in g.members]
    assert all(m.protected for m in members if m.path.startswith("archive:"))
    window.session.clear_marks()
    window.export_report()
    dialog = window.catalogs.export_dialog
    assert dialog is not None
    dialog.folder.setText(str(tmp_path / "reports"))
    dialog.name.setText("estate")
    with qtbot.waitSignal(window.catalogs.exporter.finished, timeout=60_000):
        dialog.export_button.click()
    files = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert files == ["estate.csv", "estate.html", "estate.json"]
    data = json.loads((tmp_path / "reports" / "estate.json").read_text(encoding="utf-8"))
    assert data["source"] == "catalogs"
    assert data["estate"]["all"]["redundant_copies"] == 0  # every mark was taken off
    assert data["estate"]["spanning_sets"] == ACROSS + 1
    assert "nas-1" in (tmp_path / "reports" / "estate.html").read_text(encoding="utf-8")
    dialog.reject()


def test_the_marks_are_saved_and_continued_as_a_review(
    qtbot: QtBot, window: MainWindow, estate: Estate
) -> None:
    open_catalogs(qtbot, window, estate.a, estate.b)
    window.session.clear_marks()
    row = window.session.row_of_group(window.session.groups[0].id)
    marked = window.session.groups[row].members[1].path
    assert window.session.set_mark(row, 1, True) is None
    window.saved_review.autosaver.flush()
    window.show_start()
    with qtbot.waitSignal(window.saved_review.opened, timeout=60_000):
        window.saved_review.continue_review()
    assert window.pages.currentWidget() is window.review_page
    assert window.session.paths_to_remove() == [marked]
    assert not window.saved_review.banner.isVisible()  # nothing "changed": not local files
    assert window.catalogs.active
    assert window.review_page.trash_button.isHidden()


def test_file_menu_opens_catalogs_with_a_shortcut(
    qtbot: QtBot, window: MainWindow, estate: Estate, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    assert window.act_open_catalogs in file_menu.actions()
    key = window.act_open_catalogs.shortcut()
    assert key.toString() == "Ctrl+Alt+O"
    others = [a.shortcut() for a in window.actions() if a is not window.act_open_catalogs]
    assert key not in others
    chosen = [str(estate.a), str(estate.b)]
    monkeypatch.setattr(
        "ui.catalog_open.QFileDialog.getOpenFileNames", lambda *a, **k: (chosen, "")
    )

    def protect_the_archive(dialog: ProtectCatalogsDialog) -> int:
        dialog.checks[str(estate.b)].setChecked(True)
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(ProtectCatalogsDialog, "exec", protect_the_archive)
    with qtbot.waitSignal(window.scanner.finished, timeout=120_000):
        window.act_open_catalogs.trigger()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.review_page)
    assert window.settings.get(Keys.CATALOG_FOLDER) == str(estate.base)
    members = [m for g in window.session.groups for m in g.members]
    assert all(m.protected for m in members if m.path.startswith("archive:"))
    assert len(window.session.groups) == SETS + 1


def test_the_compare_dialog_knows_where_catalog_files_are_before_it_asks_for_a_picture(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its first pictures are asked for while it is built: a decode started before it
    knew `locate` took a catalog path for a file (a race CI lost once)."""
    small = make_estate(tmp_path / "small", sets=3, across=3)
    open_catalogs(qtbot, window, small.a, small.b)
    window.review_page.select_group_at(0)
    asked_with: list[object] = []
    real_get = ThumbnailLoader.get

    def get(loader: ThumbnailLoader, path: str, size: QSize, dpr: float) -> object:
        asked_with.append(loader.locate)
        return real_get(loader, path, size, dpr)

    monkeypatch.setattr(ThumbnailLoader, "get", get)
    dialog = window.compare_dialog()
    assert dialog is not None
    assert asked_with, "the dialog asked for no picture while it was built"
    assert all(locate is window.thumbnails.locate for locate in asked_with)
    assert window.thumbnails.locate is not None
