"""Which file is this? Tiles and set rows name the file and its folder from the scanned
folder, elided in the middle to fit, with the full path on hover (issue 12, point 4)."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QListView, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from cleaner import printable
from tests.helpers.named_copies import named_group
from tests.helpers.window import open_window, show_groups
from ui.delegates.group_row import GroupRowDelegate
from ui.delegates.tile import PhotoTileDelegate
from ui.format import folder_in_scan, plain_tooltip, root_labels, short_folder
from ui.main_window import MainWindow
from ui.models import roles

ROOT = "/home/ann/Library"
LONG = "A very long file name from a scanner that named every page " * 3 + "end.jpg"
PATHS = [
    f"{ROOT}/Photos/2019 Summer/harbour.jpg",
    f"{ROOT}/Backup of Photos/2019 Summer/harbour.jpg",
    f"{ROOT}/Reisen/Kraków/Zürich/Été/harbour.jpg",
    f"{ROOT}/Scans/{'Deeply nested folder/' * 6}2019 Summer/{LONG}",
    f"{ROOT}/Downloads/evil\u202egpj.exe",
    f"{ROOT}/Downloads/<img src=x>bold.jpg",
]


def test_short_folder_names_the_folder_from_the_scanned_folder_down() -> None:
    roots = ["/home/ann/Library"]
    assert short_folder(PATHS[0], roots) == "Library/Photos/2019 Summer"
    assert short_folder(PATHS[1], roots) == "Library/Backup of Photos/2019 Summer"
    assert short_folder(f"{ROOT}/top.jpg", roots) == "Library"
    assert short_folder(f"{ROOT}/top.jpg", [ROOT + "/"]) == "Library"
    assert short_folder("/elsewhere/x/top.jpg", roots) == "/elsewhere/x"  # in no root
    assert short_folder("/home/ann/Library2/a.jpg", roots) == "/home/ann/Library2"
    assert short_folder("/x/a.jpg", ["/"]) == "/x"
    # the deepest root wins; two roots of the same name are told apart by their parents
    assert short_folder(f"{ROOT}/Photos/a.jpg", [ROOT, f"{ROOT}/Photos"]) == "Photos"
    assert root_labels(["/a/Photos", "/b/Photos", "/c/Other"]) == {
        "/a/Photos": "a/Photos",
        "/b/Photos": "b/Photos",
        "/c/Other": "Other",
    }
    assert short_folder("/b/Photos/2019/x.jpg", ["/a/Photos", "/b/Photos"]) == "b/Photos/2019"


def test_one_scanned_folder_is_left_out_of_the_folder_a_tile_shows() -> None:
    assert folder_in_scan(PATHS[1], [ROOT]) == "Backup of Photos/2019 Summer"
    assert folder_in_scan(PATHS[1], [ROOT + "/"]) == "Backup of Photos/2019 Summer"
    assert folder_in_scan(f"{ROOT}/top.jpg", [ROOT]) == "Library"  # right in it: its name
    assert folder_in_scan(PATHS[1], [ROOT, "/media/usb"]) == "Library/Backup of Photos/2019 Summer"
    assert folder_in_scan("/elsewhere/a.jpg", [ROOT]) == "/elsewhere"


def test_a_tooltip_shows_a_name_with_angle_brackets_as_written() -> None:
    assert plain_tooltip("/a/b.jpg\nline") == "/a/b.jpg\nline"
    escaped = plain_tooltip("/a/<b>x</b>.jpg\nline")
    assert "&lt;b&gt;x&lt;/b&gt;.jpg<br>line" in escaped
    assert "<b>" not in escaped


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    w = open_window(qtbot, size=None)
    groups = [named_group(PATHS, 1), named_group([p.replace("/h", "/k", 1) for p in PATHS], 2)]
    show_groups(w, groups, ROOT)
    yield w
    w.close()


def _resize(window: MainWindow, qtbot: QtBot, size: tuple[int, int]) -> None:
    """The window at `size` (or its least width, when its other parts ask for more)."""
    window.resize(*size)
    least = window.minimumSizeHint().width()
    qtbot.waitUntil(lambda: window.width() == max(size[0], least))
    qtbot.waitUntil(lambda: window.review_page.grid.viewport().width() > 0)


def _option(view: QListView, index: QModelIndex) -> QStyleOptionViewItem:
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.font = view.font()
    option.rect = view.visualRect(index)
    return option


@pytest.mark.parametrize("size", [(900, 600), (1400, 900)])
def test_tiles_tell_copies_apart_by_name_and_folder_and_nothing_is_clipped(
    window: MainWindow, qtbot: QtBot, size: tuple[int, int]
) -> None:
    _resize(window, qtbot, size)
    page = window.review_page
    grid, model = page.grid, page.photo_model
    page.select_group_at(page.group_model.view_row(window.session.row_of_group(1)))
    qtbot.waitUntil(lambda: model.rowCount() == len(PATHS))
    delegate = grid.itemDelegate()
    assert isinstance(delegate, PhotoTileDelegate)

    painted: dict[str, tuple[str, str]] = {}
    for row in range(model.rowCount()):
        index = model.index(row)
        path = index.data(roles.PathRole)
        option = _option(grid, index)
        tile = option.rect
        assert tile.height() >= delegate.sizeHint(option, index).height()
        bar = PhotoTileDelegate.bar_rect(tile.adjusted(3, 3, -3, -3))
        lines = delegate.text_lines(option, index)
        assert len(lines) == 5
        for line in lines:  # each line fits its box, inside the tile and above the bar
            fm = QFontMetrics(line.font)
            assert fm.horizontalAdvance(line.text) <= line.rect.width(), line.text
            assert fm.height() <= line.rect.height()
            assert tile.contains(line.rect), line.text
            assert line.rect.bottom() < bar.top(), line.text
        name, folder = lines[3].text, lines[4].text
        painted[path] = (name, folder)
        # the full path is the tooltip's first line
        tip = index.data(Qt.ItemDataRole.ToolTipRole)
        first = tip.split("<br>")[0].split("'>")[-1] if tip.startswith("<p") else tip.split("\n")[0]
        assert first == html.escape(printable(path), quote=False)

    # the two harbour.jpg in "2019 Summer" are told apart by what the tiles say
    lines = {
        model.index(r).data(roles.PathRole): model.index(r).data(roles.LinesRole) for r in range(6)
    }
    assert lines[PATHS[0]][3:] == ("harbour.jpg", "Photos/2019 Summer")
    assert lines[PATHS[1]][3:] == ("harbour.jpg", "Backup of Photos/2019 Summer")
    assert lines[PATHS[2]][3:] == ("harbour.jpg", "Reisen/Kraków/Zürich/Été")
    assert painted[PATHS[0]] == ("harbour.jpg", "Photos/2019 Summer")
    assert painted[PATHS[1]][0] == "harbour.jpg"
    assert painted[PATHS[1]][1] != painted[PATHS[0]][1]
    assert painted[PATHS[1]][1].startswith("Backup")
    assert painted[PATHS[1]][1].endswith("2019 Summer")
    assert painted[PATHS[2]] == ("harbour.jpg", "Reisen/Kraków/Zürich/Été")
    # a long name and folder keep their start and end, elided in the middle
    name, folder = painted[PATHS[3]]
    assert name.startswith("A very long")
    assert name.endswith("end.jpg")
    assert "…" in name
    assert folder.startswith("Scans/Deeply")
    assert folder.endswith("2019 Summer")
    assert "…" in folder
    # a bidi override is shown as an escape, never obeyed
    assert painted[PATHS[4]][0] == "evil\\u202egpj.exe"
    assert painted[PATHS[5]][0] == "<img src=x>bold.jpg"  # painted as plain text
    assert "\u202e" not in "".join(model.index(r).data(roles.LinesRole)[3] for r in range(6))


@pytest.mark.parametrize("size", [(900, 600), (1400, 900)])
def test_set_rows_show_the_folder_from_the_scanned_folder_elided_in_the_middle(
    window: MainWindow, qtbot: QtBot, size: tuple[int, int]
) -> None:
    _resize(window, qtbot, size)
    page = window.review_page
    view, model = page.group_view, page.group_model
    delegate = view.itemDelegate()
    assert isinstance(delegate, GroupRowDelegate)
    # a root of another name: the second set is outside the scanned folder
    folders = []
    for row in range(model.rowCount()):
        index = model.index(row)
        option = _option(view, index)
        assert option.rect.height() >= delegate.sizeHint(option, index).height()
        lines = delegate.text_lines(option, index)
        assert len(lines) == 3
        for box, text in lines:
            fm = QFontMetrics(view.font())
            if box is lines[0][0]:
                bold = view.font()
                bold.setBold(True)
                fm = QFontMetrics(bold)
            assert fm.horizontalAdvance(text) <= box.width(), text
            assert option.rect.contains(box), text
            assert box.right() <= view.viewport().width()
        folders.append(lines[2][1])
        group = index.data(roles.GroupRole)
        assert index.data(Qt.ItemDataRole.ToolTipRole).split("\n")[0] == group.keeper.path
    assert "Photos/2019 Summer" in folders
    # outside every scanned folder: the whole folder, its start and end kept
    other = next(f for f in folders if f != "Photos/2019 Summer")
    assert other.startswith("/kome/")
    assert other.endswith("2019 Summer")
