"""Two or more copies side by side, at the same zoom with synced panning, and a table of
their details where the rows that differ are highlighted."""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtGui import (
    QBrush,
    QKeySequence,
    QPainter,
    QPalette,
    QPixmap,
    QShortcut,
    QShowEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cleaner import N_, GroupMember, _, damage_words, ngettext, number, percent, printable, time_of
from ui.delegates.paint import KEEPER_HUE, REMOVE_HUE, tint
from ui.desktop import open_file, reveal_in_file_manager
from ui.format import (
    file_and_folder,
    format_label,
    human_bytes,
    plain_tooltip,
    quality_tooltip,
    resolution,
    sharpness_words,
)
from ui.models.session import ReviewSession
from ui.pane_keys import pane_actions
from ui.thumbnails import ThumbnailLoader
from ui.widgets.copy_chooser import CopyChooser
from ui.widgets.elided_label import ElidedLabel

PREVIEW_SIDE = 4096  # decoded size for zooming in (device pixels, long side)
OVERVIEW_SIDE = 1024  # decoded size for "Fit": QGraphicsView scales bilinearly, and
# shrinking a 4096-pixel picture into a 300-pixel panel that way shows moiré
PANEL_WIDTH = 180  # the least width a picture is worth comparing at


def copies_that_fit(screen_width: int, panel_width: int) -> int:
    """How many panels of `panel_width` (at least `PANEL_WIDTH`) fit side by side."""
    return max(2, (screen_width - 40) // max(PANEL_WIDTH, panel_width))


class ZoomView(QGraphicsView):
    """A picture view; Ctrl+wheel zooms (all views together through `on_wheel_zoom`)."""

    def __init__(self, on_wheel_zoom: Callable[[float], None], parent: QWidget | None = None):
        super().__init__(parent)
        self._on_wheel_zoom = on_wheel_zoom
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setBackgroundBrush(self.palette().color(QPalette.ColorRole.Window).darker(110))
        self.setMinimumSize(160, 160)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._on_wheel_zoom(1.25 if event.angleDelta().y() > 0 else 0.8)
            event.accept()
            return
        super().wheelEvent(event)


def _when(ns: int) -> str:
    """The file's time in the locale's words ("27 nov 2026, 12:27")."""
    return time_of(_dt.datetime.fromtimestamp(ns / 1e9).isoformat())


def _compression(m: GroupMember) -> str:
    if m.metrics and m.metrics.lossless:
        return _("none (lossless)")
    if m.metrics and m.metrics.jpeg_quality:
        return _("JPEG quality {quality}").format(quality=number(m.metrics.jpeg_quality))
    return "—"


# Each row's name is its key (`CompareDialog.differs` lists them, in English) and, through
# `_()`, its heading.
ROWS: list[tuple[str, Callable[[GroupMember], str]]] = [
    (N_("File name"), lambda m: os.path.basename(m.path)),
    (N_("Folder"), lambda m: os.path.dirname(m.path)),
    (N_("Quality score"), lambda m: _("{score} of 100").format(score=number(m.quality))),
    (N_("Resolution"), resolution),
    (N_("File size"), lambda m: human_bytes(m.entry.size)),
    (N_("Format"), format_label),
    (N_("Compression"), _compression),
    (N_("Condition"), lambda m: damage_words(m.metrics) or _("intact")),
    (N_("Camera"), lambda m: (m.metrics.camera if m.metrics else None) or "—"),
    (N_("Date taken"), lambda m: (m.metrics.capture_time if m.metrics else None) or "—"),
    (N_("Location (GPS)"), lambda m: _("yes") if m.metrics and m.metrics.has_gps else _("no")),
    (N_("Sharpness"), lambda m: "—"),  # against the sharpest copy of the set: CompareDialog
    (N_("File modified"), lambda m: _when(m.entry.mtime_ns)),
    (N_("Suggestion"), lambda m: _("Best copy (keep)") if m.is_keeper else _("Remove")),
]


class _Panel(QWidget):
    def __init__(self, dialog: CompareDialog, index: int, member: GroupMember) -> None:
        super().__init__()
        self.member = member
        name, folder = file_and_folder(member.path, dialog.session.roots)
        self.name = ElidedLabel(self.tr("Copy {n}: {name}").format(n=number(index + 1), name=name))
        bold = self.name.font()
        bold.setBold(True)
        self.name.setFont(bold)
        self.name.setToolTip(plain_tooltip(printable(member.path)))
        self.where = ElidedLabel(folder)
        self.where.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.where.setToolTip(plain_tooltip(printable(member.path)))
        self.view = ZoomView(dialog.zoom_by)
        self.view.setAccessibleName(
            self.tr("Picture: {name}").format(name=os.path.basename(member.path))
        )
        self.scene = QGraphicsScene(self.view)
        self.item = QGraphicsPixmapItem()
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene.addItem(self.item)
        self.view.setScene(self.scene)
        self.loading = QLabel(self.tr("Loading…"))
        self.loading.setTextFormat(Qt.TextFormat.PlainText)  # the reason may name the file
        # wraps rather than widening its panel when the picture arrives: "Preview reduced;
        # open the file to see every pixel." is wider than the panel's buttons in Spanish
        # (and 40 % longer in the pseudo-locale), which pushed four panels past the screen
        self.loading.setWordWrap(True)
        self.mark = QPushButton()
        self.mark.setCheckable(True)
        self.mark.setToolTip(self.tr("Switch between keeping and removing this copy"))
        self.mark.clicked.connect(lambda checked: dialog.set_mark(index, checked))
        open_button = QPushButton(self.tr("Open"))
        open_button.setToolTip(self.tr("Open in your picture viewer"))
        open_button.clicked.connect(lambda: open_file(member.path))
        reveal = QPushButton(self.tr("Show in folder"))
        reveal.clicked.connect(lambda: reveal_in_file_manager(member.path))
        buttons = QHBoxLayout()
        buttons.addWidget(self.mark, 1)
        buttons.addWidget(open_button)
        buttons.addWidget(reveal)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.name)
        layout.addWidget(self.where)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.loading)
        layout.addLayout(buttons)


class CompareDialog(QDialog):
    """Compare copies of session group `row`: `indices` (into its members) are shown
    first; "Choose copies…" shows or hides any copy of the set. Every copy has its panel
    and its column, numbered in the grid's order (the best copy first); those not chosen
    are hidden, and their pictures are not decoded until they are shown."""

    def __init__(
        self,
        session: ReviewSession,
        row: int,
        indices: list[int],
        parent: QWidget | None = None,
        locate: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.row = row
        group = session.groups[row]
        self.group_id = group.id  # rows and indices shift when moved files leave the session
        every = sorted(range(len(group.members)), key=lambda i: not group.members[i].is_keeper)
        self.indices = every  # the grid's order: the suggested keeper first
        self.members = [group.members[i] for i in every]
        wanted = set(indices)
        self.shown = [n for n, i in enumerate(every) if i in wanted] or list(range(len(every)))
        self.setWindowTitle(
            ngettext("Compare {n} copy", "Compare {n} copies", len(self.members)).format(
                n=number(len(self.members))
            )
        )
        self.setSizeGripEnabled(True)
        self.loader = ThumbnailLoader(max_bytes=256 * 1024 * 1024, threads=2, parent=self)
        # copies from catalogs: where their files are here. Set before the first picture is
        # asked for below: a decode that started without it took a catalog path for a file
        # and said "cannot show" instead of where the file is (a race seen in CI).
        self.loader.locate = locate
        self.loader.thumbnailReady.connect(self._image_ready)
        self.zoom = 1.0
        self._syncing = False
        self._fitted = False
        # one coordinate system for all: the largest copy's pixels
        widths = [m.metrics.width for m in self.members if m.metrics is not None]
        heights = [m.metrics.height for m in self.members if m.metrics is not None]
        self.ref = QSize(max(widths, default=1000), max(heights, default=750))

        # toolbar
        fit = QPushButton(self.tr("Fit"))
        fit.setToolTip(self.tr("Show the whole picture (0)"))
        fit.clicked.connect(self.fit)
        actual = QPushButton(self.tr("Actual size"))
        actual.setToolTip(self.tr("One screen pixel per pixel of the largest copy (1)"))
        actual.clicked.connect(lambda: self.set_zoom(1.0))
        zoom_in = QPushButton(self.tr("Zoom in"))
        zoom_in.setToolTip(self.tr("Zoom in (+ or Ctrl+wheel)"))
        zoom_in.clicked.connect(lambda: self.zoom_by(1.25))
        zoom_out = QPushButton(self.tr("Zoom out"))
        zoom_out.setToolTip(self.tr("Zoom out (−)"))
        zoom_out.clicked.connect(lambda: self.zoom_by(0.8))
        self.zoom_label = QLabel()
        self.message = QLabel()
        self.count_label = QLabel()  # "Showing 4 of 7 copies"
        bold = self.count_label.font()
        bold.setBold(True)
        self.count_label.setFont(bold)
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        names = [file_and_folder(m.path, session.roots) for m in self.members]
        self.chooser = CopyChooser(
            [
                self.fontMetrics().elidedText(
                    (
                        self.tr("Copy {n}: {name}  ({folder}) — best copy")
                        if m.is_keeper
                        else self.tr("Copy {n}: {name}  ({folder})")
                    ).format(n=number(n + 1), name=name, folder=folder),
                    Qt.TextElideMode.ElideMiddle,
                    min(720, screen.width() * 2 // 3),
                )
                for n, ((name, folder), m) in enumerate(zip(names, self.members, strict=True))
            ],
            [printable(m.path) for m in self.members],
            self.shown,
            len(self.members),  # until the panels are built and measured, below
            self,
        )
        self.chooser.chosenChanged.connect(self.show_copies)
        tools = QHBoxLayout()
        tools.addWidget(self.count_label)
        tools.addWidget(self.chooser)
        tools.addSpacing(12)
        hint = QLabel(self.tr("All pictures are shown at the same size; drag to move around."))
        hint.setWordWrap(True)  # wraps rather than widening a dialog on a small screen
        tools.addWidget(hint, 1)
        tools.addWidget(self.message)
        tools.addWidget(self.zoom_label)
        for b in (fit, actual, zoom_out, zoom_in):
            tools.addWidget(b)

        # pictures
        self.panels: list[_Panel] = []
        pictures = QSplitter(Qt.Orientation.Horizontal)
        self.pictures = pictures
        for n, member in enumerate(self.members):
            panel = _Panel(self, n, member)
            self.panels.append(panel)
            pictures.addWidget(panel)
            panel.view.horizontalScrollBar().valueChanged.connect(self._sync_scroll)
            panel.view.verticalScrollBar().valueChanged.connect(self._sync_scroll)
            panel.scene.setSceneRect(0, 0, self.ref.width(), self.ref.height())

        # as many copies as fit the screen side by side (each panel has its buttons)
        most = copies_that_fit(screen.width(), self.panels[0].minimumSizeHint().width() + 8)
        self.shown = self.shown[:most]
        self.chooser.set_limit(most, self.shown)

        # details
        self.table = QTableWidget(len(ROWS), len(self.members))
        self.table.setAccessibleName(self.tr("Details of each copy"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setVerticalHeaderLabels([_(name) for name, _fn in ROWS])
        self.table.setHorizontalHeaderLabels(
            [self.tr("Copy {n}").format(n=number(n + 1)) for n in range(len(self.members))]
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        self.differs: list[str] = []
        highlight = tint(self.palette(), KEEPER_HUE, 0.28)
        for r, (name, fn) in enumerate(ROWS):
            values = [fn(m) for m in self.members]
            if name == "Sharpness":  # words, against the sharpest of all the set's copies
                values = [sharpness_words(m, group) for m in self.members]
            differs = len(set(values)) > 1
            if differs:
                self.differs.append(name)
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(
                    quality_tooltip(self.members[c], group)
                    if name == "Quality score"
                    else plain_tooltip(value)
                )
                if differs and name != "Folder" and name != "File name":
                    item.setBackground(highlight)
                self.table.setItem(r, c, item)
        self.table.setMinimumHeight(
            self.table.verticalHeader().defaultSectionSize() * (len(ROWS) + 1) + 4
        )
        legend = QLabel(self.tr("Highlighted rows are where the copies differ."))
        legend.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(pictures)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.table)
        bottom_layout.addWidget(legend)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        self.pane_actions = pane_actions(self, pictures, split)
        split.setStretchFactor(1, 1)

        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        close_row = QHBoxLayout()
        close_row.addStretch(1)
        close_row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(split, 1)
        layout.addLayout(close_row)

        for key, handler in (
            ("0", self.fit),
            ("1", lambda: self.set_zoom(1.0)),
            ("+", lambda: self.zoom_by(1.25)),
            ("=", lambda: self.zoom_by(1.25)),
            ("-", lambda: self.zoom_by(0.8)),
        ):
            QShortcut(QKeySequence(key), self, handler)
        session.marksChanged.connect(self._update_marks)
        self._update_marks()
        self.resize(min(1200, screen.width()), min(820, screen.height()))
        self.show_copies(self.shown)

    # -- which copies --------------------------------------------------------------------

    def visible_panels(self) -> list[_Panel]:
        return [self.panels[n] for n in self.shown]

    @Slot(list)
    def show_copies(self, shown: list[int]) -> None:
        """Show copies `shown` (positions in the grid's order), hide the others."""
        self.shown = sorted(n for n in set(shown) if 0 <= n < len(self.members))
        self.shown = self.shown or [0]
        total = len(self.members)
        for n, panel in enumerate(self.panels):
            panel.setVisible(n in self.shown)
        for n in range(total):
            self.table.setColumnHidden(n, n not in self.shown)
        many, every = number(len(self.shown)), number(total)
        if len(self.shown) == total:
            count = ngettext("Showing {n} copy", "Showing all {n} copies", total)
            title = ngettext("Compare {n} copy", "Compare {n} copies", total)
        else:
            count = ngettext("Showing {shown} of {n} copy", "Showing {shown} of {n} copies", total)
            title = ngettext("Compare {shown} of {n} copy", "Compare {shown} of {n} copies", total)
        self.count_label.setText(count.format(shown=many, n=every))
        self.setWindowTitle(title.format(shown=many, n=every))
        # rows that differ, among the copies shown
        highlight = tint(self.palette(), KEEPER_HUE, 0.28)
        self.differs = []
        for r, (name, _fn) in enumerate(ROWS):
            items = [self.table.item(r, c) for c in self.shown]
            differs = len({i.text() for i in items if i is not None}) > 1
            if differs:
                self.differs.append(name)
            for c in range(total):
                item = self.table.item(r, c)
                if item is not None:
                    marked = differs and name not in ("Folder", "File name")
                    item.setBackground(highlight if marked else QBrush())
        if self.isVisible():
            width = self.pictures.width() // max(1, len(self.shown))
            self.pictures.setSizes([width if n in self.shown else 0 for n in range(total)])
            if self._fitted:
                self.fit()
        self._request_images()

    # -- images ------------------------------------------------------------------------

    def _request_images(self) -> None:
        for panel in self.visible_panels():
            self._show(panel)

    def _pixmap_for(self, panel: _Panel) -> tuple[QPixmap | None, str | None]:
        """The overview decode while it has enough pixels for the zoom, else the large one."""
        path = panel.member.path
        small = self.loader.get(path, QSize(OVERVIEW_SIDE, OVERVIEW_SIDE), 1.0)
        needed = self.zoom * self.ref.width() * self.devicePixelRatioF()
        if small is not None and needed <= small.width() * 1.05:
            return small, None
        large = self.loader.get(path, QSize(PREVIEW_SIDE, PREVIEW_SIDE), 1.0)
        if large is not None:
            return large, None
        error = self.loader.error(path, QSize(PREVIEW_SIDE, PREVIEW_SIDE), 1.0)
        return small, error

    def _show(self, panel: _Panel) -> bool:
        pixmap, error = self._pixmap_for(panel)
        if pixmap is None:
            panel.loading.setText(
                self.tr("Cannot show this picture ({reason})").format(reason=_(error))
                if error
                else self.tr("Loading…")
            )
            panel.loading.setVisible(True)
            return False
        if panel.item.pixmap().cacheKey() != pixmap.cacheKey():
            panel.item.setPixmap(pixmap)
            scale_x = self.ref.width() / max(1, pixmap.width())
            scale_y = self.ref.height() / max(1, pixmap.height())
            panel.item.setTransform(QTransform.fromScale(scale_x, scale_y))
        full = panel.member.metrics.width if panel.member.metrics else 0
        large = self.loader.peek(panel.member.path, QSize(PREVIEW_SIDE, PREVIEW_SIDE), 1.0)
        reduced = large is not None and large.width() < full
        panel.loading.setText(
            self.tr("Preview reduced; open the file to see every pixel.") if reduced else ""
        )
        panel.loading.setVisible(bool(panel.loading.text()))
        return True

    @Slot(str)
    def _image_ready(self, path: str) -> None:
        for panel in self.visible_panels():
            if panel.member.path == path:
                self._show(panel)
        if not self._fitted:
            self._fitted = True
            self.fit()

    def images_loaded(self) -> bool:
        return all(
            p.item.pixmap() is not None and not p.item.pixmap().isNull()
            for p in self.visible_panels()
        )

    # -- zoom and pan ------------------------------------------------------------------

    @Slot()
    def fit(self) -> None:
        """The whole picture in the smallest panel (all panels share one zoom)."""
        w = min(p.view.viewport().width() for p in self.visible_panels())
        h = min(p.view.viewport().height() for p in self.visible_panels())
        self.set_zoom(0.98 * min(w / max(1, self.ref.width()), h / max(1, self.ref.height())))

    def zoom_by(self, factor: float) -> None:
        self.set_zoom(self.zoom * factor)

    def set_zoom(self, z: float) -> None:
        self.zoom = max(0.01, min(z, 16.0))
        for panel in self.visible_panels():
            panel.view.setTransform(QTransform.fromScale(self.zoom, self.zoom))
            self._show(panel)
        self.zoom_label.setText(percent(round(self.zoom * 100)))

    @Slot(int)
    def _sync_scroll(self, _value: int) -> None:
        if self._syncing:
            return
        source = self.sender()
        self._syncing = True
        try:
            for panel in self.panels:
                h, v = panel.view.horizontalScrollBar(), panel.view.verticalScrollBar()
                if source is h or source is v:
                    hv, vv = h.value(), v.value()
                    for other in self.panels:
                        if other is not panel:
                            other.view.horizontalScrollBar().setValue(hv)
                            other.view.verticalScrollBar().setValue(vv)
                    break
        finally:
            self._syncing = False

    # -- marks -------------------------------------------------------------------------

    def _locate(self) -> bool:
        """Find the group and the copies again (moved files may have left the session).
        False when the group is gone."""
        self.row = self.session.row_of_group(self.group_id)
        if self.row < 0:
            return False
        where = {m.path: i for i, m in enumerate(self.session.groups[self.row].members)}
        self.indices = [where.get(m.path, -1) for m in self.members]
        return True

    def set_mark(self, n: int, remove: bool) -> None:
        if not self._locate() or self.indices[n] < 0:
            return
        refused = self.session.set_mark(self.row, self.indices[n], remove)
        self.message.setText(_(refused.value) if refused is not None else "")
        self._update_marks()

    @Slot()
    def _update_marks(self, *_args: object) -> None:
        if not self._locate():
            for panel in self.panels:
                panel.mark.setEnabled(False)
            return
        for n, panel in enumerate(self.panels):
            i = self.indices[n]
            if i < 0:  # this copy was moved away
                panel.mark.setEnabled(False)
                panel.mark.setText(self.tr("Moved away"))
                continue
            marked = self.session.is_marked(self.row, i)
            locked = self.session.is_locked(self.row, i)
            panel.mark.setChecked(marked)
            panel.mark.setEnabled(not locked)
            panel.mark.setText(
                self.tr("Always kept (protected)")
                if locked
                else self.tr("✗ Remove")
                if marked
                else self.tr("✓ Keep")
            )
            pal = panel.mark.palette()
            if marked:
                pal.setColor(QPalette.ColorRole.Button, tint(self.palette(), REMOVE_HUE, 0.6))
            else:
                pal.setColor(
                    QPalette.ColorRole.Button, self.palette().color(QPalette.ColorRole.Button)
                )
            panel.mark.setPalette(pal)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        width = self.pictures.width() // max(1, len(self.shown))
        sizes = [width if n in self.shown else 0 for n in range(len(self.panels))]
        self.pictures.setSizes(sizes)  # equal panels, equal views

    def done(self, result: int) -> None:
        self.loader.shutdown()
        super().done(result)
