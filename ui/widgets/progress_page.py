"""The scanning screen: what is happening, how far, how fast, how long, and Cancel."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from cleaner import Progress, Stage, _, ngettext, number
from ui.format import human_duration


def stage_count(stage: str, done: int, total: int | None = None) -> str:
    """What a stage counted, in words: "120 files found", "12 of 40 pictures"; each stage
    its own message, so a language can give each its own plural forms."""
    n = total if total else done
    if stage == Stage.WALK:
        text = (
            ngettext("{done} of {n} file found", "{done} of {n} files found", n)
            if total
            else ngettext("{n} file found", "{n} files found", n)
        )
    elif stage == Stage.DIGEST:
        text = (
            ngettext("{done} of {n} file compared", "{done} of {n} files compared", n)
            if total
            else ngettext("{n} file compared", "{n} files compared", n)
        )
    elif stage == Stage.FINGERPRINT:
        text = (
            ngettext("{done} of {n} picture", "{done} of {n} pictures", n)
            if total
            else ngettext("{n} picture", "{n} pictures", n)
        )
    elif stage == Stage.GROUP:
        text = (
            ngettext("{done} of {n} step", "{done} of {n} steps", n)
            if total
            else ngettext("{n} step", "{n} steps", n)
        )
    elif stage == Stage.SCORE:
        text = (
            ngettext("{done} of {n} file", "{done} of {n} files", n)
            if total
            else ngettext("{n} file", "{n} files", n)
        )
    else:
        text = (
            ngettext("{done} of {n} item", "{done} of {n} items", n)
            if total
            else ngettext("{n} item", "{n} items", n)
        )
    return text.format(done=number(done), n=number(n))


def stage_rate(stage: str, rate: float) -> str:
    """ "1,200 files per second", "85 pictures per second"."""
    n = round(rate)
    if stage == Stage.FINGERPRINT:
        text = ngettext("{n} picture per second", "{n} pictures per second", n)
    elif stage in (Stage.WALK, Stage.DIGEST, Stage.SCORE):
        text = ngettext("{n} file per second", "{n} files per second", n)
    else:
        text = ngettext("{n} item per second", "{n} items per second", n)
    return text.format(n=number(n))


# The whole scan's estimate needs a little history to mean anything.
OVERALL_AFTER_S = 3.0
OVERALL_AFTER_FRACTION = 0.02


def overall_left(
    elapsed: float, overall: float, step_left: float | None, stage: str = ""
) -> float | None:
    """Seconds the whole scan still needs, from the time so far and the share done (the
    stages weighted by `Stage.WEIGHTS`). When the step has its own estimate, that plus
    the steps after it at the scan's pace so far, whichever is longer."""
    if elapsed < OVERALL_AFTER_S or overall < OVERALL_AFTER_FRACTION or overall >= 1.0:
        return None
    per_whole = elapsed / overall  # seconds the whole scan takes at this pace
    left = per_whole * (1.0 - overall)
    if step_left is None:
        return left
    names = list(Stage.WEIGHTS)
    after = names[names.index(stage) + 1 :] if stage in names else []
    return max(left, step_left + per_whole * sum(Stage.WEIGHTS[n] for n in after))


class ProgressPage(QWidget):
    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self.tr("Scanning your photos…"))
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        self.folders = QLabel()
        self.folders.setTextFormat(Qt.TextFormat.PlainText)  # folder names as written
        self.folders.setWordWrap(True)
        self.stage = QLabel(self.tr("Starting…"))
        stage_font = QFont(self.stage.font())
        stage_font.setPointSizeF(stage_font.pointSizeF() * 1.2)
        self.stage.setFont(stage_font)
        self.stage.setAccessibleDescription(self.tr("Current step"))
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName(self.tr("Scan progress"))
        self.counts = QLabel(" ")
        self.counts.setAccessibleDescription(self.tr("Files done"))
        self.speed = QLabel(" ")
        self.found = QLabel(" ")
        self.cancel_button = QPushButton(self.tr("Cancel scan"))
        self.cancel_button.setToolTip(
            self.tr("Stop the scan (Esc). Nothing has been changed on disk.")
        )
        self.cancel_button.setMinimumWidth(160)
        self.cancel_button.clicked.connect(self.cancelRequested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 40, 60, 40)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.folders)
        layout.addSpacing(16)
        layout.addWidget(self.stage)
        layout.addWidget(self.bar)
        layout.addWidget(self.counts)
        layout.addWidget(self.speed)
        layout.addSpacing(10)
        layout.addWidget(self.found)
        layout.addSpacing(20)
        layout.addLayout(buttons)
        layout.addStretch(2)
        for label in (self.counts, self.speed, self.found, self.folders):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._groups = 0
        self._skipped = 0
        self.clock: Callable[[], float] = time.monotonic
        self._started = self.clock()

    def reset(self, folders: list[str]) -> None:
        self._groups = 0
        self._skipped = 0
        shown = ", ".join(folders[:3])
        if len(folders) > 3:
            more = len(folders) - 3
            shown = ngettext("{names} and {n} more", "{names} and {n} more", more).format(
                names=shown, n=number(more)
            )
        self.folders.setText(self.tr("Looking in {folders}").format(folders=shown))
        self.title.setText(self.tr("Scanning your photos…"))
        self.stage.setText(self.tr("Starting…"))
        self.bar.setValue(0)
        self.counts.setText(" ")
        self.speed.setText(" ")
        self.found.setText(self.tr("Nothing is moved or deleted during the scan."))
        self._started = self.clock()
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(self.tr("Cancel scan"))

    @Slot(str)
    def set_stage(self, stage: str) -> None:
        """A new step: its name, and no counts until its own progress comes (the last
        step's "4 of 4 files compared" must not stay under the next step's name)."""
        name = self.tr("{stage}…").format(stage=_(stage))
        if self.stage.text() != name:
            self.stage.setText(name)
            self.counts.setText(" ")
            self.speed.setText(" ")

    @Slot(object)
    def set_progress(self, progress: Progress) -> None:
        self.stage.setText(self.tr("{stage}…").format(stage=_(progress.stage)))
        self.bar.setValue(round(progress.overall * 1000))
        self.counts.setText(stage_count(progress.stage, progress.done, progress.total))
        parts = []
        if progress.rate >= 1 and progress.stage != Stage.GROUP:
            parts.append(stage_rate(progress.stage, progress.rate))
        eta = human_duration(progress.eta_seconds)
        if eta and progress.total:
            parts.append(self.tr("{time} left in this step").format(time=eta))
        whole = overall_left(
            self.clock() - self._started,
            progress.overall,
            progress.eta_seconds if progress.total else None,
            progress.stage,
        )
        if whole is not None:
            parts.append(self.tr("{time} left in all").format(time=human_duration(whole)))
        self.speed.setText(" · ".join(parts) or " ")

    def add_found(self, groups: int = 0, skipped: int = 0) -> None:
        self._groups += groups
        self._skipped += skipped
        parts = []
        if self._groups:
            parts.append(
                ngettext(
                    "Found so far: {n} set of copies",
                    "Found so far: {n} sets of copies",
                    self._groups,
                ).format(n=number(self._groups))
            )
        if self._skipped:
            parts.append(
                ngettext(
                    "{n} file could not be read (listed at the end)",
                    "{n} files could not be read (listed at the end)",
                    self._skipped,
                ).format(n=number(self._skipped))
            )
        nothing = self.tr("Nothing is moved or deleted during the scan.")
        self.found.setText(" · ".join(parts) or nothing)

    def cancelling(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText(self.tr("Stopping…"))
        self.title.setText(self.tr("Stopping the scan…"))
