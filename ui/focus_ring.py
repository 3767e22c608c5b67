"""Where the keyboard is, on every control (issue 16; WCAG 2.4.7 and 2.4.13).

The system style's own focus marks are faint or absent (Fusion: a 1 px tinted line on a
button, nothing around a list whose delegate paints its own rows), so one ring follows
the focus through the whole application: a solid line, `WIDTH` px thick, just inside the
edge of the focused control, in the theme's highlight colour made dark or light enough
to stand out from the window, the lists and the buttons by at least `CONTRAST`
(light and dark palettes alike). The painted grids add their own ring on the current tile
or set row (`ui.delegates`), so both the list and the place in it can be seen.

The ring is a child widget of the focused control, laid over it and never taking a click
or the focus; it moves with the focus (`QApplication.focusChanged`). A control that hands
its focus to an inner part (a spin box's text field) is ringed whole."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar, QTabBar, QWidget

from ui.delegates.paint import contrast, readable

WIDTH = 2  # px: WCAG 2.4.13's focus indicator is at least a 2 px perimeter
CONTRAST = 3.0  # against what is around it (WCAG 1.4.11 / 2.4.13)
_AROUND = (  # what the ring is drawn on or next to
    QPalette.ColorRole.Window,
    QPalette.ColorRole.Base,
    QPalette.ColorRole.Button,
    QPalette.ColorRole.Highlight,
)


def ring_colour(palette: QPalette) -> QColor:
    """The window's text colour, made darker or lighter where needed until it is at
    least `CONTRAST` against the window, list, button and highlight colours: a ring in
    the highlight colour vanished on the default button, whose own frame is that colour."""
    ink = palette.color(QPalette.ColorRole.WindowText)
    for _ in range(len(_AROUND)):
        faintest = min(_AROUND, key=lambda role: contrast(ink, palette.color(role)))
        background = palette.color(faintest)
        if contrast(ink, background) >= CONTRAST:
            break
        ink = readable(ink, background, CONTRAST)
    return ink


def ringed(widget: QWidget | None) -> QWidget | None:
    """The control to ring when `widget` has the focus: itself, or the control whose
    focus proxy it is; None for windows, menus and the menu bar (they show their own)."""
    while widget is not None and not isinstance(widget, QTabBar):  # a tab bar is a control
        parent = widget.parentWidget()  # (its tab widget's proxy: not the whole page)
        if parent is None or parent.focusProxy() is not widget:
            break
        widget = parent
    if widget is None or widget.isWindow() or isinstance(widget, QMenu | QMenuBar):
        return None
    return widget


class _Ring(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setObjectName("focus-ring")

    def paintEvent(self, event: QPaintEvent) -> None:
        target = self.parentWidget()
        if target is None:
            return
        painter = QPainter(self)
        painter.setPen(QPen(ring_colour(target.palette()), WIDTH))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = WIDTH // 2
        painter.drawRect(self.rect().adjusted(half, half, -half, -half))
        painter.end()


class FocusRing(QObject):
    """Follows the application's focus; one per application (`install_focus_ring`)."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._ring: _Ring | None = None
        self._target: QWidget | None = None
        app.focusChanged.connect(self.follow)
        self.follow(None, app.focusWidget())

    def target(self) -> QWidget | None:
        """The control the ring is on now (None when none)."""
        if self._target is not None and not shiboken6.isValid(self._target):
            self._target = None
        return self._target

    @Slot(QWidget, QWidget)
    def follow(self, _old: QWidget | None, new: QWidget | None) -> None:
        previous = self.target()
        if previous is not None:
            previous.removeEventFilter(self)
        target = ringed(new)
        self._target = target
        ring = self._ring if self._ring is not None and shiboken6.isValid(self._ring) else None
        if target is None:
            if ring is not None:
                ring.hide()
            return
        if ring is None:  # the first, or the last went with the control it was on
            ring = self._ring = _Ring()
        ring.setParent(target)
        target.installEventFilter(self)
        self._place()

    def _place(self) -> None:
        target, ring = self.target(), self._ring
        if target is None or ring is None or not shiboken6.isValid(ring):
            return
        ring.setGeometry(target.rect())
        ring.raise_()  # above a list's viewport and scroll bars
        ring.show()
        ring.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._target and event.type() in (
            QEvent.Type.Resize,
            QEvent.Type.ChildAdded,
            QEvent.Type.PaletteChange,
        ):
            self._place()
        return False


def install_focus_ring() -> FocusRing | None:
    """The application's focus ring, made on the first call (the window calls this)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return None
    ring = app.findChild(FocusRing)
    return ring if isinstance(ring, FocusRing) else FocusRing(app)
