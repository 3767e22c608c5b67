"""The dialogs around moving files to the Trash: confirm, progress, and what happened.

Every dialog here is shown with `open()` (window-modal, no nested event loop) and reports
the person's choice through `finished`/`accepted` or its own signals, so the window never
blocks and tests can click the buttons instead of patching `exec()`.

Words: "Trash" on every platform (the window title says what the OS calls it in a later
version); "put back", as the Trash itself says, rather than "restore".
"""

from __future__ import annotations

import enum
import html
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import QFont, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cleaner import (
    QUARANTINE_DIR_NAME,
    FileRestore,
    KeepReason,
    KeptFile,
    Method,
    PlannedFile,
    Progress,
    RemovalFinished,
    RemovalPlan,
    RestoreState,
    _,
    human_size,
    ngettext,
    number,
    stored_words,
)
from ui.format import plain_tooltip, short_folder

MAX_LISTED = 2000  # rows in a list; the rest is summed up in one line


def _headline(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # it may name a file
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.2)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _note(text: str, rich: bool = False) -> QLabel:
    """A paragraph: plain text (a file or folder name in it shows as written), or the
    window's own rich text (`rich`), which must escape any name it holds."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


def _quiet(text: str) -> QLabel:
    label = _note(text)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def _tree(headers: Sequence[str], name: str) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setHeaderLabels(list(headers))
    tree.setAccessibleName(name)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # keep both ends of long paths
    header = tree.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
    for col in range(1, len(headers)):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    return tree


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def kept_reason_text(kept: KeptFile) -> str:
    """Why a marked file was not moved, as a sentence."""
    if kept.reason is KeepReason.TRASH_UNAVAILABLE:
        return _("Its drive has no Trash (a network drive?). See below.")
    if kept.reason is KeepReason.CHANGED:
        return _("Changed since the scan, so it was left alone. Scan again to check it.")
    return _capitalised(kept.message) + "."


def kept_reason_tooltip(kept: KeptFile) -> str:
    """The sentence, plus the engine's detail (such as the sizes before and after)."""
    text = kept_reason_text(kept)
    return f"{text}\n{_capitalised(stored_words(kept.detail))}." if kept.detail else text


def wrappable(text: str) -> str:
    """`text` with invisible break points (zero-width spaces) after each folder separator
    and after _ - and ., so a long path in it wraps inside its column instead of being cut
    in the middle: the whole path shows, and with it which copy is meant."""
    return re.sub(r"([/\\_\-.])(?=\S)", "\\1\u200b", text)


class _WrappedColumn(QStyledItemDelegate):
    """A column whose text wraps (the other columns stay one line, cut in the middle),
    and whose rows are as tall as the wrapped text: a tree asks a row's height with no
    width, so the column's width is given here."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self._tree = tree

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        sized = QStyleOptionViewItem(option)
        sized.rect = QRect(0, 0, self._tree.columnWidth(index.column()), 1)
        return super().sizeHint(sized, index)


def _wrap_last_column(tree: QTreeWidget) -> None:
    """The last column wraps; its rows are measured again when a column is resized (Qt
    keeps a row's height until the items are laid out again)."""
    last = tree.columnCount() - 1
    if isinstance(tree.itemDelegateForColumn(last), _WrappedColumn):
        return
    tree.setUniformRowHeights(False)
    tree.setItemDelegateForColumn(last, _WrappedColumn(tree))
    tree.header().sectionResized.connect(lambda *_: tree.doItemsLayout())


def fill_kept(tree: QTreeWidget, kept: Iterable[KeptFile], roots: Sequence[str] = ()) -> int:
    """One row per file that stays: name, folder, why (in full, wrapped: a reason may
    name another copy by its whole path). Returns how many there are."""
    _wrap_last_column(tree)
    items = []
    n = 0
    for k in kept:
        n += 1
        if n > MAX_LISTED:
            continue
        why = wrappable(kept_reason_text(k))
        item = QTreeWidgetItem([os.path.basename(k.path), short_folder(k.path, roots), why])
        item.setToolTip(0, plain_tooltip(k.path))
        item.setToolTip(1, plain_tooltip(os.path.dirname(k.path)))
        # the file's name first, then why, then where it is: the row names it in full
        tip = f"{os.path.basename(k.path)}: {kept_reason_tooltip(k)}\n{k.path}"
        item.setToolTip(2, plain_tooltip(tip))
        items.append(item)
    if n > MAX_LISTED:
        rest = n - MAX_LISTED
        more = ngettext("… and {n} more", "… and {n} more", rest).format(n=number(rest))
        items.append(QTreeWidgetItem([more, "", ""]))
    tree.addTopLevelItems(items)
    tree.setColumnWidth(0, 230)
    tree.setColumnWidth(1, 190)
    return n


def _sidecar_note(plan: RemovalPlan) -> QLabel | None:
    """Said when copies that go carry sidecar files (keywords, captions, edits) and the copy
    that stays has none."""
    names = [os.path.basename(f.path) for f in plan.files if f.keeper_has_no_sidecar]
    if not names:
        return None
    shown = ", ".join(names[:3])
    if names[3:]:
        rest = len(names) - 3
        # Translators: a list of file names, then how many more are not named
        shown = ngettext("{names} and {n} more", "{names} and {n} more", rest).format(
            names=shown, n=number(rest)
        )
    return _note(
        ngettext(
            "Keywords, captions or edits may be lost from view: {names} has a sidecar file "
            "(listed under it) and the copy that stays has none. The sidecar files go to the "
            "Trash with their picture, and Undo puts them back; to keep them in place, keep "
            "that copy instead.",
            "Keywords, captions or edits may be lost from view: {names} have sidecar files "
            "(listed under them) and the copy that stays has none. The sidecar files go to "
            "the Trash with their picture, and Undo puts them back; to keep them in place, "
            "keep that copy instead.",
            len(names),
        ).format(names=shown)
    )


def _add_sidecars(item: QTreeWidgetItem, f: PlannedFile, roots: Sequence[str]) -> None:
    """The sidecar files that go with a planned picture, under it."""
    for car in f.sidecars:
        row = QTreeWidgetItem(
            [
                os.path.basename(car.path),
                _("Sidecar, goes too"),
                short_folder(car.path, roots),
                human_size(car.size),
            ]
        )
        row.setToolTip(0, plain_tooltip(car.path))
        item.addChild(row)
    if f.keeper_has_no_sidecar:
        item.setToolTip(1, _("The copy that stays has no sidecar file."))


# -- confirm ---------------------------------------------------------------------------


class ConfirmRemovalDialog(QDialog):
    """ "Move 412 files (38.2 GB) to the Trash?" with what goes, grouped by picture, and
    what stays and why. Accepted: move them."""

    def __init__(
        self,
        plan: RemovalPlan,
        *,
        roots: Sequence[str] = (),
        quarantine_note: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.plan = plan
        self.roots = tuple(roots)
        self.setWindowTitle(self.tr("Move to Trash"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        n = len(plan.files)
        layout = QVBoxLayout(self)
        if n:
            self.headline = _headline(
                ngettext(
                    "Move {n} file ({size}) to the Trash?",
                    "Move {n} files ({size}) to the Trash?",
                    n,
                ).format(n=number(n), size=human_size(plan.bytes_total))
            )
            self.explain = _note(
                ngettext(
                    "You can put it back with Undo (Ctrl+Z) or from History. "
                    "One copy of each picture always stays where it is.",
                    "You can put them back with Undo (Ctrl+Z) or from History. "
                    "One copy of each picture always stays where it is.",
                    n,
                )
            )
        else:
            self.headline = _headline(self.tr("None of the marked files can be moved."))
            self.explain = _note(self.tr("Nothing was changed. The list below says why."))
        layout.addWidget(self.headline)
        layout.addWidget(self.explain)
        if quarantine_note:
            layout.addWidget(_quiet(quarantine_note))
        self.sidecar_note = _sidecar_note(plan)
        if self.sidecar_note is not None:
            layout.addWidget(self.sidecar_note)

        self.files = _tree(
            (self.tr("File"), self.tr("What happens"), self.tr("Folder"), self.tr("Size")),
            self.tr("Files to move"),
        )
        if n:
            groups = self._fill_files()
            layout.addWidget(
                _note(
                    ngettext(
                        "<b>What happens</b>, picture by picture ({n} picture):",
                        "<b>What happens</b>, picture by picture ({n} pictures):",
                        groups,
                    ).format(n=number(groups)),
                    rich=True,
                )
            )
            layout.addWidget(self.files, 3)
        else:
            self.files.hide()

        self.refused = _tree(
            (self.tr("File"), self.tr("Folder"), self.tr("Why it stays")),
            self.tr("Files that stay"),
        )
        count = fill_kept(self.refused, plan.refused, self.roots)
        if count:
            layout.addWidget(
                _note(
                    ngettext(
                        "<b>{n} marked file will not be moved</b> (it stays):",
                        "<b>{n} marked files will not be moved</b> (they stay):",
                        count,
                    ).format(n=number(count)),
                    rich=True,
                )
            )
            layout.addWidget(self.refused, 1)
        else:
            self.refused.hide()

        buttons = QDialogButtonBox()
        self.cancel_button: QPushButton | None = None
        if n:
            self.move_button = buttons.addButton(
                ngettext("Move {n} file to Trash", "Move {n} files to Trash", n).format(
                    n=number(n)
                ),
                QDialogButtonBox.ButtonRole.AcceptRole,
            )
            # Enter must never be the destructive choice: Cancel is the default and has
            # the focus; Move takes a click, or Tab to it and then Enter or Space.
            self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        else:
            self.move_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
            self.move_button.setEnabled(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if self.cancel_button is not None:  # once in the dialog, so the dialog knows it
            self.cancel_button.setDefault(True)
        self.resize(920, 620)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.cancel_button is not None:  # not the Move button, which Qt would focus
            self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fill_files(self) -> int:
        by_group: dict[int, list[int]] = {}
        for i, f in enumerate(self.plan.files):
            by_group.setdefault(f.group_id, []).append(i)
        items = []
        for shown, (_gid, indices) in enumerate(by_group.items()):
            if shown >= MAX_LISTED:
                rest = len(by_group) - MAX_LISTED
                more = ngettext("… and {n} more picture", "… and {n} more pictures", rest).format(
                    n=number(rest)
                )
                items.append(QTreeWidgetItem([more, "", ""]))
                break
            files = [self.plan.files[i] for i in indices]
            stays = files[0].survivors
            keeper = stays[0] if stays else None
            others = len(stays) - 1
            stays_text = (
                ngettext("Stays (and {n} more)", "Stays (and {n} more)", others).format(
                    n=number(others)
                )
                if others
                else self.tr("Stays")
            )
            top = QTreeWidgetItem(
                [
                    os.path.basename(keeper.path) if keeper else "",
                    stays_text,
                    short_folder(keeper.path, self.roots) if keeper else "",
                    human_size(keeper.size) if keeper else "",
                ]
            )
            if keeper is not None:
                top.setToolTip(0, plain_tooltip(keeper.path))
                top.setToolTip(2, plain_tooltip(os.path.dirname(keeper.path)))
            font = QFont(top.font(0))
            font.setBold(True)
            top.setFont(0, font)
            for f in files:
                child = QTreeWidgetItem(
                    [
                        os.path.basename(f.path),
                        self.tr("Goes to the Trash"),
                        short_folder(f.path, self.roots),
                        human_size(f.size),
                    ]
                )
                child.setToolTip(0, plain_tooltip(f.path))
                child.setToolTip(2, plain_tooltip(os.path.dirname(f.path)))
                _add_sidecars(child, f, self.roots)
                top.addChild(child)
            items.append(top)
        self.files.addTopLevelItems(items)
        for item in items[:50]:
            item.setExpanded(True)
            for row in (item.child(k) for k in range(item.childCount())):
                if row is not None and row.childCount():
                    row.setExpanded(True)  # show its sidecar files
        self.files.setColumnWidth(0, 330)
        # as wide as its words ("Goes to the Trash" is longer in other languages)
        self.files.resizeColumnToContents(1)
        self.files.setColumnWidth(1, max(150, self.files.columnWidth(1)))
        self.files.setColumnWidth(2, 290)
        return len(by_group)


# -- progress --------------------------------------------------------------------------


class OperationProgressDialog(QDialog):
    """Moving (or putting back) files: a bar, counts, and Stop."""

    stopRequested = Signal()

    def __init__(self, title: str, text: str, total: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.total = total
        self.done_ok = 0
        self.done_not = 0
        self.headline = _headline(text)
        self.bar = QProgressBar()
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(0)
        self.bar.setAccessibleName(self.tr("Progress"))
        self.counts = _note("")
        self.hint = _quiet(
            self.tr(
                "You can stop at any time: the files already moved can be put back from History."
            )
        )
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop after the file being moved now"))
        self.stop_button.clicked.connect(self._stop)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.bar)
        layout.addWidget(self.counts)
        layout.addWidget(self.hint)
        layout.addLayout(row)
        self.restoring = False  # counts say "moved"; `set_words` makes them "put back"
        self._update()
        self.resize(520, 200)

    def set_words(self, *, restoring: bool, note: str) -> None:
        """Counts in the words of putting back (`restoring`) and another note below them."""
        self.restoring = restoring
        self.hint.setText(note)
        self._update()

    def add(self, ok: int = 0, not_ok: int = 0) -> None:
        self.done_ok += ok
        self.done_not += not_ok
        self._update()

    def set_progress(self, progress: Progress) -> None:
        if progress.total:
            self.bar.setRange(0, progress.total)
            self.bar.setValue(progress.done)

    def _update(self) -> None:
        done = self.done_ok + self.done_not
        self.bar.setValue(max(self.bar.value(), min(done, self.bar.maximum())))
        done_ok, total, done_not = number(self.done_ok), number(self.total), self.done_not
        if self.restoring:
            text = ngettext(
                "{done} of {total} put back", "{done} of {total} put back", self.total
            ).format(done=done_ok, total=total)
            if done_not:
                # Translators: after "12 of 40 put back, "
                text += ", " + ngettext(
                    "{n} could not be put back", "{n} could not be put back", done_not
                ).format(n=number(done_not))
        else:
            text = ngettext(
                "{done} of {total} moved", "{done} of {total} moved", self.total
            ).format(done=done_ok, total=total)
            if done_not:
                # Translators: after "12 of 40 moved, "
                text += ", " + ngettext("{n} not moved", "{n} not moved", done_not).format(
                    n=number(done_not)
                )
        self.counts.setText(text)

    @Slot()
    def _stop(self) -> None:
        self.stop_button.setEnabled(False)
        self.stop_button.setText(self.tr("Stopping…"))
        self.stopRequested.emit()

    def reject(self) -> None:  # Esc stops, it does not hide the dialog
        if self.stop_button.isEnabled():
            self._stop()


# -- what happened ---------------------------------------------------------------------


class SummaryChoice(str, enum.Enum):
    CLOSE = "close"
    UNDO = "undo"
    HISTORY = "history"
    QUARANTINE = "quarantine"


@dataclass(frozen=True)
class QuarantineChoice:
    folder: str | None  # None: .photosift-quarantine at the root of each file's drive
    remember: bool


def moved_sentence(finished: RemovalFinished) -> str:
    n, size = len(finished.removed), human_size(finished.bytes_removed)
    to_q = sum(1 for r in finished.removed if r.method is Method.QUARANTINE)
    if not n:
        return _("No files were moved.")
    if to_q == n:
        return ngettext(
            "Moved {n} file ({size}) to the quarantine folder.",
            "Moved {n} files ({size}) to the quarantine folder.",
            n,
        ).format(n=number(n), size=size)
    if to_q:
        # Translators: {trash} and {quarantine} are numbers of files
        return ngettext(
            "Moved {n} file ({size}): {trash} to the Trash, {quarantine} to the quarantine folder.",
            "Moved {n} files ({size}): {trash} to the Trash, {quarantine} to the quarantine "
            "folder.",
            n,
        ).format(n=number(n), size=size, trash=number(n - to_q), quarantine=number(to_q))
    return ngettext(
        "Moved {n} file ({size}) to the Trash.", "Moved {n} files ({size}) to the Trash.", n
    ).format(n=number(n), size=size)


def summary_sentence(finished: RemovalFinished, planned: int, refused: int = 0) -> str:
    """ "Moved 410 files (38.1 GB) to the Trash. 2 files were not moved:" and the like.
    `refused`: marked files the plan kept out before the move started."""
    text = moved_sentence(finished)
    if finished.cancelled:
        untouched = planned - len(finished.removed) - len(finished.kept)
        text = _("You stopped the move. {moved}").format(moved=text)
        if untouched > 0:
            text += " " + ngettext(
                "{n} other file was not touched.", "{n} other files were not touched.", untouched
            ).format(n=number(untouched))
    not_moved = len(finished.kept) + refused
    if not_moved:
        text += " " + ngettext(
            "{n} file was not moved:", "{n} files were not moved:", not_moved
        ).format(n=number(not_moved))
    return text


class RemovalSummaryDialog(QDialog):
    """What the move did: moved, not moved and why, Undo; and, for files on a drive
    without a Trash, the offer of a quarantine folder."""

    chosen = Signal(str)  # a SummaryChoice value

    def __init__(
        self,
        finished: RemovalFinished,
        planned: int,
        *,
        refused: Sequence[KeptFile] = (),
        quarantine_dir: str = "",
        roots: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.finished_event = finished
        self.not_moved = (
            *refused,
            *finished.kept,
            *(k for r in finished.removed for k in r.sidecars_kept),  # sidecars left behind
        )
        self.choice = SummaryChoice.CLOSE
        self.setWindowTitle(
            self.tr("Moved to Trash") if finished.removed else self.tr("Nothing was moved")
        )
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        self.headline = _headline(summary_sentence(finished, planned, len(refused)))
        layout.addWidget(self.headline)
        if finished.removed:
            layout.addWidget(
                _note(
                    ngettext(
                        "Changed your mind? <b>Put back</b> puts it back where it was. You can "
                        "also do it later with Undo (Ctrl+Z) or from <b>History</b> (File menu).",
                        "Changed your mind? <b>Put back</b> puts them back where they were. You "
                        "can also do it later with Undo (Ctrl+Z) or from <b>History</b> (File "
                        "menu).",
                        len(finished.removed),
                    ),
                    rich=True,
                )
            )
        q_dirs = quarantine_folders(finished)
        if q_dirs:
            layout.addWidget(
                _note(self.tr("Quarantine folder: {folders}").format(folders=", ".join(q_dirs)))
            )
        self.kept = _tree(
            (self.tr("File"), self.tr("Folder"), self.tr("Why it was not moved")),
            self.tr("Files not moved"),
        )
        if fill_kept(self.kept, self.not_moved, roots):
            layout.addWidget(self.kept, 1)
        else:
            self.kept.hide()

        self.no_trash = [k for k in finished.kept if k.reason is KeepReason.TRASH_UNAVAILABLE]
        self.quarantine_box = QFrame()
        self.quarantine_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.quarantine_box.setVisible(bool(self.no_trash))
        self._build_quarantine(quarantine_dir)
        layout.addWidget(self.quarantine_box)
        if not self.not_moved:
            layout.addStretch(1)

        buttons = QDialogButtonBox()
        self.undo_button = buttons.addButton(
            self.tr("Put back (Undo)"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.undo_button.setToolTip(self.tr("Put the moved files back where they were (Ctrl+Z)"))
        self.undo_button.setVisible(bool(finished.removed))
        self.history_button = buttons.addButton(
            self.tr("History…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.history_button.setToolTip(self.tr("See every move and put back all or some files"))
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setDefault(True)
        self.undo_button.clicked.connect(lambda: self._choose(SummaryChoice.UNDO))
        self.history_button.clicked.connect(lambda: self._choose(SummaryChoice.HISTORY))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(860, 540 if self.not_moved else 170)

    def _build_quarantine(self, quarantine_dir: str) -> None:
        n = len(self.no_trash)
        box = QVBoxLayout(self.quarantine_box)
        box.addWidget(
            _note(
                ngettext(
                    "<b>{n} file could not go to the Trash</b> because its drive has no Trash "
                    "(this happens on network drives). PhotoSift never deletes files, so it "
                    "was left where it is.<br>You can move it to a <b>quarantine folder</b> "
                    "instead: out of the way, and you can put it back from History at any time.",
                    "<b>{n} files could not go to the Trash</b> because their drive has no "
                    "Trash (this happens on network drives). PhotoSift never deletes files, so "
                    "they were left where they are.<br>You can move them to a <b>quarantine "
                    "folder</b> instead: out of the way, and you can put them back from History "
                    "at any time.",
                    n,
                ).format(n=number(n)),
                rich=True,
            )
        )
        roots = sorted({_drive_root_quarantine(k.path) for k in self.no_trash})
        if len(roots) == 1:
            drive = self.tr("A folder named {name} at the top of that drive ({path})").format(
                name=QUARANTINE_DIR_NAME, path=roots[0]
            )
        else:
            drive = self.tr("A folder named {name} at the top of that drive").format(
                name=QUARANTINE_DIR_NAME
            )
        self.q_drive = QRadioButton(drive)
        self.q_custom = QRadioButton(self.tr("A folder I choose:"))
        self.q_path = QLineEdit(quarantine_dir)
        self.q_path.setPlaceholderText(self.tr("No folder chosen yet"))
        self.q_path.setReadOnly(True)
        self.q_path.setAccessibleName(self.tr("Quarantine folder"))
        self.q_browse = QPushButton(self.tr("Choose…"))
        self.q_browse.clicked.connect(self._browse)
        group = QButtonGroup(self.quarantine_box)
        group.addButton(self.q_drive)
        group.addButton(self.q_custom)
        (self.q_custom if quarantine_dir else self.q_drive).setChecked(True)
        custom_row = QHBoxLayout()
        custom_row.addWidget(self.q_custom)
        custom_row.addWidget(self.q_path, 1)
        custom_row.addWidget(self.q_browse)
        box.addWidget(self.q_drive)
        box.addLayout(custom_row)
        self.q_remember = QCheckBox(self.tr("Next time, use the quarantine folder without asking"))
        box.addWidget(self.q_remember)
        self.q_button = QPushButton(
            ngettext(
                "Move {n} file to the quarantine folder",
                "Move {n} files to the quarantine folder",
                n,
            ).format(n=number(n))
        )
        self.q_button.clicked.connect(self._quarantine)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.q_button)
        box.addLayout(row)
        group.buttonToggled.connect(self._update_quarantine)
        self._update_quarantine()

    @Slot()
    def _update_quarantine(self) -> None:
        self.q_button.setEnabled(self.q_drive.isChecked() or bool(self.q_path.text()))

    @Slot()
    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a quarantine folder"))
        if folder:
            self.q_path.setText(folder)
            self.q_custom.setChecked(True)
        self._update_quarantine()

    def quarantine_choice(self) -> QuarantineChoice:
        folder = self.q_path.text() if self.q_custom.isChecked() and self.q_path.text() else None
        return QuarantineChoice(folder, self.q_remember.isChecked())

    @Slot()
    def _quarantine(self) -> None:
        self._choose(SummaryChoice.QUARANTINE)

    def _choose(self, choice: SummaryChoice) -> None:
        self.choice = choice
        self.chosen.emit(choice.value)
        self.accept()


def quarantine_folders(finished: RemovalFinished) -> list[str]:
    """The quarantine folders the batch used (the part of each destination before the
    batch's own folder)."""
    found: set[str] = set()
    for r in finished.removed:
        if r.method is Method.QUARANTINE and r.destination:
            parts = r.destination.split(os.sep)
            if finished.batch_id in parts:
                found.add(os.sep.join(parts[: parts.index(finished.batch_id)]) or os.sep)
    return sorted(found)


def _drive_root_quarantine(path: str) -> str:
    from cleaner import default_quarantine_root

    try:
        return default_quarantine_root(path)
    except OSError:
        return QUARANTINE_DIR_NAME


# -- another PhotoSift is moving files -------------------------------------------------


def another_mover_box(message: str, restoring: bool, parent: QWidget) -> QMessageBox:
    """The engine's move lock is held by another PhotoSift (window or command): say so,
    and that nothing happened, so the person can simply try again later."""
    box = QMessageBox(parent)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(_("Another PhotoSift is moving files"))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(f"<b>{html.escape(_capitalised(message))}.</b>")
    nothing = (
        _("Nothing was put back yet.")
        if restoring
        else _("Nothing was moved, and your marks are as you left them.")
    )
    box.setInformativeText(
        _(
            "Another PhotoSift window, or the photosift command, is moving files to the Trash "
            "or putting them back. Only one may do that at a time, so that one copy of every "
            "picture always stays."
        )
        + "\n\n"
        + nothing
    )
    # Wider than the default, so the sentences do not wrap every few words.
    box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 28em; }")
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.setDefaultButton(QMessageBox.StandardButton.Close)
    return box


# -- putting back ----------------------------------------------------------------------


def restore_line(r: FileRestore) -> str:
    """What happened to one file when putting it back, in words."""
    name = os.path.basename(r.original_path)
    if r.state is RestoreState.RESTORED:
        return _("{name}: put back").format(name=name)
    if r.state is RestoreState.RESTORED_BESIDE:
        new = os.path.basename(r.restored_to or "")
        return _("{name}: put back as “{new}” (a file with its name is there now)").format(
            name=name, new=new
        )
    return f"{name}: {r.words}"


def restore_sentence(results: Sequence[FileRestore], cancelled: bool = False) -> str:
    ok = [r for r in results if r.ok]
    bad = [r for r in results if not r.ok and r.state is not RestoreState.NOT_MOVED]
    text = (
        ngettext("Put back {n} file.", "Put back {n} files.", len(ok)).format(n=number(len(ok)))
        if ok
        else _("No files were put back.")
    )
    if cancelled:
        text = _("You stopped. {outcome}").format(outcome=text)
    if bad:
        text += " " + ngettext(
            "{n} file could not be put back.", "{n} files could not be put back.", len(bad)
        ).format(n=number(len(bad)))
    return text


def restore_details(results: Sequence[FileRestore]) -> str:
    lines = [
        restore_line(r)
        for r in results
        if r.state not in (RestoreState.RESTORED, RestoreState.NOT_MOVED)
    ]
    more = len(lines) - 200
    if more > 0:
        lines[200:] = [ngettext("… and {n} more", "… and {n} more", more).format(n=number(more))]
    return "\n".join(lines)
