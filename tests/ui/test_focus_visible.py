"""The focus can be seen on every control of every screen (issue 16; WCAG 2.4.7, and the
size and contrast of 2.4.13): each visible, enabled control that Tab reaches is painted
once with the focus and once without, and enough of its pixels change by 3:1 or more to
make a ring at least 1 px thick all round it. In the light and the dark palette.

Against the system style alone (the window's focus ring switched off) this fails: Fusion
marks a focused button with a faint tint and a list whose rows are painted by the
window with nothing at all."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.helpers.synthetic_result import synthetic_groups
from tests.helpers.window import show_groups
from tests.ui.test_contrast import dark_palette, light_palette
from ui.delegates.paint import contrast
from ui.focus_ring import install_focus_ring, ring_colour
from ui.main_window import MainWindow

PALETTES: dict[str, Callable[[], object]] = {"light": light_palette, "dark": dark_palette}


@pytest.fixture(params=sorted(PALETTES))
def theme(request: pytest.FixtureRequest) -> Iterator[str]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.palette()
    app.setPalette(PALETTES[request.param]())  # type: ignore[arg-type]
    yield str(request.param)
    app.setPalette(before)


def focusable(top: QWidget) -> list[QWidget]:
    """The controls Tab reaches on `top` as shown (a proxied inner part counts as its
    control)."""
    return [
        w
        for w in top.findChildren(QWidget)
        if w.isVisibleTo(top)
        and w.isEnabled()
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.focusProxy() is None
        and w.width() > 4
        and w.height() > 4
    ]


def picture(top: QWidget, widget: QWidget) -> QImage:
    return top.grab(QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())).toImage()


def changed_pixels(a: QImage, b: QImage) -> int:
    assert a.size() == b.size()
    return sum(
        1
        for y in range(a.height())
        for x in range(a.width())
        if contrast(QColor(a.pixel(x, y)), QColor(b.pixel(x, y))) >= 3.0
    )


def unseen_focus(qtbot: QtBot, top: QWidget) -> list[str]:
    """Every control of `top` whose focus is not seen: "Class 'name': N of M pixels"."""
    top.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is top)
    found = focusable(top)
    assert found, f"nothing focusable on {top!r}"
    missing: list[str] = []
    for widget in found:
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(widget.hasFocus)
        focused = picture(top, widget)
        widget.clearFocus()
        qtbot.waitUntil(lambda w=widget: not w.hasFocus())  # type: ignore[misc]
        plain = picture(top, widget)
        need = 2 * (widget.width() + widget.height()) - 4  # a 1 px ring all round
        got = changed_pixels(focused, plain)
        if got < need:
            import os

            d = os.environ.get("FOCUS_DEBUG")
            if d:
                n = type(widget).__name__ + str(len(missing))
                focused.save(f"{d}/{n}-on.png")
                plain.save(f"{d}/{n}-off.png")
            name = widget.accessibleName() or getattr(widget, "text", lambda: "")()
            missing.append(f"{type(widget).__name__} {name!r}: {got} of {need} pixels")
    return missing


@pytest.mark.parametrize("palette", [light_palette, dark_palette])
def test_the_ring_colour_stands_out_from_the_window_lists_buttons_and_highlight(
    palette: Callable[[], object],
) -> None:
    from PySide6.QtGui import QPalette

    pal = palette()
    assert isinstance(pal, QPalette)
    ink = ring_colour(pal)
    R = QPalette.ColorRole
    for role in (R.Window, R.Base, R.Button, R.Highlight):
        assert contrast(ink, pal.color(role)) >= 3.0, role


@pytest.mark.qt_log_ignore("This plugin does not support")
def test_every_control_of_every_screen_shows_its_focus(
    window: MainWindow, qtbot: QtBot, theme: str, tmp_path: Path
) -> None:
    assert install_focus_ring() is not None
    folder = tmp_path / "Pictures"
    folder.mkdir()
    window.start_page.add_folders([str(folder)])
    window.start_page.folders.setCurrentItem(window.start_page.folders.topLevelItem(0))
    problems = {"start": unseen_focus(qtbot, window)}

    groups = synthetic_groups(3, root=str(folder))
    show_groups(window, groups, str(folder))
    rp = window.review_page
    rp.grid.setCurrentIndex(rp.photo_model.index(0))
    problems["review"] = unseen_focus(qtbot, window)
    rp.show_skipped_tab()
    problems["skipped"] = unseen_focus(qtbot, window)
    rp.show_copies_tab()

    compare = window.compare_dialog()
    assert compare is not None
    qtbot.addWidget(compare)
    compare.show()
    qtbot.waitExposed(compare)
    problems["compare"] = unseen_focus(qtbot, compare)
    compare.reject()

    window.export_report()
    export = window.export_dialog
    assert export is not None
    qtbot.waitExposed(export)
    problems["export"] = unseen_focus(qtbot, export)
    export.reject()

    assert {screen: p for screen, p in problems.items() if p} == {}, theme
