"""The window's menu bar: which actions go in which menu, in what order.

The actions themselves (their words, shortcuts and slots) are made by the window
(`MainWindow._make_actions`); this only arranges them, so the order of the menus can be
read and changed in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def build_menu_bar(w: MainWindow) -> None:
    bar = w.menuBar()
    file_menu = bar.addMenu(w.tr("&File"))
    for a in (w.act_add, w.act_scan, w.act_sample, w.act_open_results, w.act_open_catalogs):
        file_menu.addAction(a)
    for a in (w.act_cancel, w.act_new):
        file_menu.addAction(a)
    file_menu.addAction(w.act_settings)
    file_menu.addSeparator()
    for a in (w.act_move, w.act_undo, w.act_history):
        file_menu.addAction(a)
    file_menu.addSeparator()
    file_menu.addAction(w.act_export)
    file_menu.addSeparator()
    file_menu.addAction(w.act_quit)
    marks = bar.addMenu(w.tr("&Marks"))
    for a in (w.act_toggle, w.act_apply, w.act_clear):
        marks.addAction(a)
    w.marks_menu.add_to(marks)
    view = bar.addMenu(w.tr("&View"))
    for a in (w.act_next, w.act_prev, w.act_compare, w.act_open, w.act_reveal):
        view.addAction(a)
    view.addSeparator()
    view.addAction(w.act_tab_groups)
    view.addAction(w.act_tab_skipped)
    view.addSeparator()
    view.addAction(w.act_quality)
    for a in w.pane_actions:
        view.addAction(a)
    w.language_menu.add_to(view)
    help_menu = bar.addMenu(w.tr("&Help"))
    help_menu.addAction(w.act_keys)
    help_menu.addAction(w.act_about)
