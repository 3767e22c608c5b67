"""Help → Keyboard shortcuts and Help → About."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from cleaner import _, __version__


def show_shortcuts(parent: QWidget, actions: Iterable[QAction]) -> None:
    """Every action that has a shortcut, with its key in the platform's own spelling."""
    rows = []
    for a in actions:
        if not a.shortcut().isEmpty():
            key = a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            rows.append(f"<tr><td><b>{key}</b></td><td>{a.text().replace('&', '')}</td></tr>")
    QMessageBox.information(parent, _("Keyboard shortcuts"), "<table>" + "".join(rows) + "</table>")


def show_about(parent: QWidget) -> None:
    QMessageBox.about(
        parent,
        _("About PhotoSift"),
        f"<b>PhotoSift {__version__}</b><p>"
        + _(
            "Finds duplicate and near-duplicate photos, suggests the best copy of each, and "
            "lets you choose what to remove."
        )
        + "</p>",
    )
