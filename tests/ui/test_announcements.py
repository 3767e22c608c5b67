"""What a screen reader gets for the tiles and set rows of the live window (issue 16), read
through Qt's accessibility interface as a screen reader reads it, for a few states, and
again after the keys change them: the words say what the model holds."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.helpers.synthetic_result import synthetic_groups
from tests.helpers.window import show_groups
from ui.announce import set_row_announcement, tile_announcement
from ui.format import human_bytes
from ui.main_window import MainWindow

NAME = QAccessible.Text.Name


def spoken(view: QWidget) -> list[str]:
    """What a screen reader reads for each item of `view`, in order."""
    iface = QAccessible.queryAccessibleInterface(view)
    assert iface is not None
    return [iface.child(k).text(NAME) for k in range(iface.childCount())]


def test_the_words_are_written_once() -> None:
    """The English of both announcements, as the issue's example has it."""
    assert tile_announcement(
        "harbour.jpg",
        marked=False,
        suggested=True,
        changed=False,
        protected=False,
        match="",
        damaged=False,
        quality=69,
        resolution="4000 × 3000",
        size="4.2 MB",
        file_format="JPEG",
        folder="Photos/2019",
    ) == (
        "harbour.jpg, kept, suggested keeper, quality 69, 4000 × 3000, 4.2 MB, JPEG, in Photos/2019"
    )
    assert (
        set_row_announcement(3, "harbour.jpg", marked=2, marked_size="8.1 MB")
        == "3 copies of harbour.jpg, 2 marked, 8.1 MB"
    )
    assert (
        set_row_announcement(2, "a.jpg", marked=0, marked_size="0 B", servers=["nas-1", "archive"])
        == "2 copies of a.jpg, nothing marked, on 2 servers: nas-1, archive"
    )


def test_tiles_and_set_rows_say_their_state_as_the_keys_change_it(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    root = str(tmp_path)
    show_groups(window, synthetic_groups(2, root=root), root)
    rp = window.review_page
    session = window.session
    row = rp.current_group_row()
    group = session.groups[row]

    def check() -> None:
        tiles = spoken(rp.grid)
        assert len(tiles) == group.size
        for r, text in enumerate(tiles):
            i = rp.photo_model.member_index(r)
            m = group.members[i]
            state = "marked for removal" if session.is_marked(row, i) else "kept"
            start = f"{os.path.basename(m.path)}, {state}"
            start += ", suggested keeper" if m.is_keeper else ""
            assert text.startswith(start + ", "), (text, start)
            assert f", quality {m.quality}, " in text
            assert text.endswith(f", in {os.path.dirname(m.path).removeprefix(root + '/')}")
        sets = spoken(rp.group_view)
        marked = session.marked_in_group(row)
        said = f"{group.size} copies of {os.path.basename(group.keeper.path)}, "
        said += f"{marked} marked, {human_bytes(session.bytes_in_group(row))}"
        assert sets[rp.group_view.currentIndex().row()] == (
            said if marked else said.split(", ")[0] + ", nothing marked"
        )

    check()  # as suggested: the keeper kept, the others marked
    assert session.marked_in_group(row) == group.size - 1
    rp.grid.setFocus()
    QTest.keyClick(rp.grid, Qt.Key.Key_End)
    QTest.keyClick(rp.grid, Qt.Key.Key_Space)  # the last copy: kept
    assert session.marked_in_group(row) == group.size - 2
    check()
    QTest.keyClick(
        rp.grid,
        Qt.Key.Key_U,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert session.marked_in_group(row) == 0  # Unmark all
    check()
