"""The Marks menu's bulk actions and the ignore list, for the window.

`MarksMenu` owns the actions (the window adds them to its Marks menu with `add_to`), runs
`ui.marking` on the review session, says what happened in the status bar, and keeps the
ignore list (`cleaner.IgnoreList`): "These are not copies" takes the current set out of
the review and remembers it; sets the list holds are never shown (`ReviewSession.
group_filter`); "Ignored sets (N)…" shows them and puts them back.

For the autosave of the review: `ignored_keys()`, `ignore_keys(keys)`, `unignore_keys(keys)`.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Iterable
from datetime import date

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from cleaner import (
    DuplicateGroup,
    IgnoreList,
    IgnoreListError,
    _,
    day,
    group_key,
    is_ignore_key,
    ngettext,
    number,
)
from ui.format import plain_tooltip
from ui.marking import BulkOutcome, Pick, invert_set, keep_in_folder, keep_one, mark_folder
from ui.models.session import ReviewSession

FolderChooser = Callable[[QWidget, str, str], str]  # (parent, title, start) -> folder or ""


def _choose_folder(parent: QWidget, title: str, start: str) -> str:
    return QFileDialog.getExistingDirectory(parent, title, start)


class MarksMenu(QObject):
    status = Signal(str)  # one sentence for the status bar
    ignoredChanged = Signal()

    def __init__(
        self,
        window: QWidget,
        session: ReviewSession,
        current_row: Callable[[], int],
        reviewing: Callable[[], bool],
        ignore: IgnoreList | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self.session = session
        self._current_row = current_row
        self._reviewing = reviewing
        self.ignore = ignore if ignore is not None else IgnoreList.load()
        self.choose_folder: FolderChooser = _choose_folder  # tests put their own
        self.last_outcome: BulkOutcome | None = None
        self._hidden: dict[str, list[DuplicateGroup]] = {}  # key -> this scan's sets it hides
        session.group_filter = self._shows
        session.aboutToReset.connect(self._hidden.clear)

        def act(text: str, slot: Callable[[], object], tip: str) -> QAction:
            action = QAction(text, window)
            action.setStatusTip(tip)
            action.setToolTip(tip)
            action.triggered.connect(slot)
            return action

        self.act_folder = act(
            self.tr("Mark every copy in a &folder…"),
            self.mark_folder,
            self.tr("Mark for removal every copy inside a folder and its subfolders, in every set"),
        )
        self.act_newest = act(
            self.tr("Keep the &newest in every set"),
            lambda: self.keep(Pick.NEWEST),
            self.tr("Keep the most recently changed copy of each set; mark the others"),
        )
        self.act_oldest = act(
            self.tr("Keep the &oldest in every set"),
            lambda: self.keep(Pick.OLDEST),
            self.tr("Keep the copy changed longest ago in each set; mark the others"),
        )
        self.act_largest = act(
            self.tr("Keep the &largest file in every set"),
            lambda: self.keep(Pick.LARGEST),
            self.tr("Keep the biggest file of each set; mark the others"),
        )
        self.act_keep_folder = act(
            self.tr("Keep the copy &inside a folder in every set…"),
            self.keep_folder,
            self.tr(
                "In every set with a copy inside a folder you choose, keep that copy; "
                "mark the others"
            ),
        )
        self.act_invert = act(
            self.tr("In&vert marks in this set"),
            self.invert,
            self.tr("Marked copies of this set become kept, kept ones marked"),
        )
        self.act_not_copies = act(
            self.tr("These are not &copies"),
            self.not_copies,
            self.tr("Take this set out of the review and leave it out of later scans"),
        )
        self.act_ignored = act(
            self.tr("I&gnored sets…"),
            self.show_ignored,
            self.tr("See the sets you said are not copies, and show them again"),
        )
        if self.ignore.problem:  # said once the window listens
            QTimer.singleShot(0, lambda: self.status.emit(self.ignore.problem))

    # -- the menu ------------------------------------------------------------------------

    def add_to(self, menu: QMenu) -> None:
        menu.addSeparator()
        for a in (self.act_folder, self.act_newest, self.act_oldest, self.act_largest):
            menu.addAction(a)
        menu.addAction(self.act_keep_folder)
        menu.addSeparator()
        menu.addAction(self.act_invert)
        menu.addAction(self.act_not_copies)
        menu.addAction(self.act_ignored)
        menu.aboutToShow.connect(self.update_actions)

    def update_actions(self) -> None:
        has_sets = self._reviewing() and len(self.session) > 0
        for a in (
            self.act_folder,
            self.act_newest,
            self.act_oldest,
            self.act_largest,
            self.act_keep_folder,
        ):
            a.setEnabled(has_sets)
        one = has_sets and 0 <= self._current_row() < len(self.session)
        self.act_invert.setEnabled(one)
        self.act_not_copies.setEnabled(one)
        self.act_ignored.setText(self.tr("I&gnored sets ({n})…").format(n=number(len(self.ignore))))
        self.act_ignored.setEnabled(len(self.ignore) > 0)

    # -- bulk marks ----------------------------------------------------------------------

    def _start_folder(self) -> str:
        roots = self.session.result.settings.roots if self.session.result else ()
        return roots[0] if roots else os.path.expanduser("~")

    def _say(self, outcome: BulkOutcome, skipped: Callable[[int], str] | None = None) -> None:
        self.last_outcome = outcome
        self.status.emit(outcome.message(skipped))

    def mark_folder(self) -> None:
        folder = self.choose_folder(
            self._window, self.tr("Mark every copy in this folder"), self._start_folder()
        )
        if folder:
            self._say(mark_folder(self.session, folder), _no_copy_in_folder)

    def keep(self, pick: Pick) -> None:
        self._say(keep_one(self.session, pick))

    def keep_folder(self) -> None:
        folder = self.choose_folder(
            self._window, self.tr("Keep the copy inside this folder"), self._start_folder()
        )
        if folder:
            self._say(keep_in_folder(self.session, folder), _no_copy_left_alone)

    def invert(self) -> None:
        row = self._current_row()
        if 0 <= row < len(self.session):
            self._say(invert_set(self.session, row))

    # -- the ignore list -----------------------------------------------------------------

    def _key(self, group: DuplicateGroup) -> str:
        # not cached: a set's copies change when some are moved away (and come back)
        return group_key(group)

    def _shows(self, group: DuplicateGroup) -> bool:
        if not len(self.ignore):
            return True
        key = self._key(group)
        if key not in self.ignore:
            return True
        hidden = self._hidden.setdefault(key, [])
        if all(g.id != group.id for g in hidden):
            hidden.append(group)
        return False

    def hidden_count(self) -> int:
        """How many sets of this scan the ignore list leaves out."""
        return sum(len(v) for v in self._hidden.values())

    def hidden_groups(self) -> list[DuplicateGroup]:
        """The sets of this scan the ignore list leaves out (the saved review keeps them,
        so that "Show again" in a continued review brings them back at once)."""
        return [g for groups in self._hidden.values() for g in groups]

    def _save(self) -> bool:
        try:
            self.ignore.save()
        except IgnoreListError as exc:
            why = str(exc)
            text = self.tr("{problem}.\nThe change holds until you quit.").format(
                problem=f"{why[:1].upper()}{why[1:]}"
            )
            # rich text with the file's name escaped: "<b>" in a folder's name shows as written
            body = html.escape(text, quote=False).replace("\n", "<br>")
            QMessageBox.warning(self._window, "PhotoSift", f"<p>{body}</p>")
            return False
        finally:
            self.ignoredChanged.emit()
        return True

    def not_copies(self) -> None:
        row = self._current_row()
        if not 0 <= row < len(self.session):
            return
        group = self.session.groups[row]
        key = self._key(group)
        self.ignore.add_key(key, [m.path for m in group.members])
        self._hidden.setdefault(key, []).append(group)
        self.session.remove_groups([row])
        self._save()
        n = len(group.members)
        self.status.emit(
            ngettext(
                "This set of {n} picture is no longer shown, and later scans leave it out. "
                "Marks → Ignored sets shows it again.",
                "This set of {n} pictures is no longer shown, and later scans leave it out. "
                "Marks → Ignored sets shows it again.",
                n,
            ).format(n=number(n))
        )

    def ignored_keys(self) -> list[str]:
        return self.ignore.keys()

    def ignore_keys(self, keys: Iterable[str]) -> int:
        """Ignore the sets with these keys (e.g. restored from a saved review); sets of this
        scan with such a key leave the review. Returns how many sets left it. A string that
        is no key (a damaged saved review) is passed over."""
        keys = [k for k in keys if is_ignore_key(k) and k not in self.ignore]
        for key in keys:
            self.ignore.add_key(key)
        wanted = set(keys)
        rows = [r for r, g in enumerate(self.session.groups) if self._key(g) in wanted]
        for group in self.session.remove_groups(rows):
            self._hidden.setdefault(self._key(group), []).append(group)
        if keys:
            self._save()
        return len(rows)

    def unignore_keys(self, keys: Iterable[str]) -> int:
        """Show these sets again; sets of this scan come back at once. Returns how many."""
        back: list[DuplicateGroup] = []
        changed = False
        for key in keys:
            changed |= self.ignore.remove(key)
            back.extend(self._hidden.pop(key, []))
        if back:
            self.session.add_groups(back)
        if changed:
            self._save()
        return len(back)

    def show_ignored(self) -> None:
        dialog = IgnoredDialog(self, self._window)
        dialog.exec()


def _no_copy_in_folder(n: int) -> str:
    return ngettext(
        "{n} set has no copy in that folder.", "{n} sets have no copy in that folder.", n
    ).format(n=number(n))


def _no_copy_left_alone(n: int) -> str:
    return ngettext(
        "{n} set has no copy in that folder, left as it was.",
        "{n} sets have no copy in that folder, left as they were.",
        n,
    ).format(n=number(n))


def _added_day(added: str) -> str:
    """The day a set was ignored ("2026-11-27T..." stored), in the user's words."""
    try:
        return day(date.fromisoformat(added[:10]))
    except ValueError:
        return added[:10]


class IgnoredDialog(QDialog):
    """The ignored sets, one line each, to show again."""

    def __init__(self, menu: MarksMenu, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.menu = menu
        self.setWindowTitle(self.tr("Ignored sets"))
        self.resize(640, 400)
        layout = QVBoxLayout(self)
        self.label = QLabel()
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        self.list = QListWidget()
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        layout.addWidget(self.list)
        buttons = QDialogButtonBox()
        self.show_selected = buttons.addButton(
            self.tr("Show selected again"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.show_all = buttons.addButton(
            self.tr("Show all again"), QDialogButtonBox.ButtonRole.ActionRole
        )
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        self.show_selected.clicked.connect(lambda: self._unignore(selected_only=True))
        self.show_all.clicked.connect(lambda: self._unignore(selected_only=False))
        buttons.rejected.connect(self.reject)
        self.list.itemSelectionChanged.connect(self._update)
        layout.addWidget(buttons)
        self._fill()

    def _fill(self) -> None:
        self.list.clear()
        for entry in self.menu.ignore.entries():
            if entry.files:
                count = len(entry.files)
                text = ngettext("{n} copy of {name}", "{n} copies of {name}", count).format(
                    n=number(count), name=os.path.basename(entry.files[0])
                )
            else:
                text = self.tr("A set")
            if entry.added:
                text += "  ·  " + self.tr("ignored {day}").format(day=_added_day(entry.added))
            item = QListWidgetItem(text)
            item.setToolTip(plain_tooltip("\n".join(entry.files)))
            item.setData(Qt.ItemDataRole.UserRole, entry.key)
            self.list.addItem(item)
        n = self.list.count()
        self.label.setText(
            ngettext(
                "{n} set you said are not copies. Scans leave it out; a set shows again by "
                "itself when a copy is added to it or taken from it.",
                "{n} sets you said are not copies. Scans leave them out; a set shows again by "
                "itself when a copy is added to it or taken from it.",
                n,
            ).format(n=number(n))
            if n
            else self.tr("No set is ignored.")
        )
        self._update()

    def _update(self) -> None:
        self.show_selected.setEnabled(bool(self.list.selectedItems()))
        self.show_all.setEnabled(self.list.count() > 0)

    def _unignore(self, selected_only: bool) -> None:
        items = (
            self.list.selectedItems()
            if selected_only
            else [self.list.item(i) for i in range(self.list.count())]
        )
        keys = [str(item.data(Qt.ItemDataRole.UserRole)) for item in items]
        back = self.menu.unignore_keys(keys)
        n = number(len(keys))
        if back:
            # Translators: "2 sets no longer ignored; 1 set of this scan shown again."
            text = _("{ignored}; {shown}.").format(
                ignored=ngettext(
                    "{n} set no longer ignored", "{n} sets no longer ignored", len(keys)
                ).format(n=n),
                shown=ngettext(
                    "{n} set of this scan shown again", "{n} sets of this scan shown again", back
                ).format(n=number(back)),
            )
        else:
            text = ngettext(
                "{n} set no longer ignored; later scans show it.",
                "{n} sets no longer ignored; later scans show them.",
                len(keys),
            ).format(n=n)
        self.menu.status.emit(text)
        self._fill()
