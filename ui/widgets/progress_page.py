"""The scanning screen: what is happening, how far, how fast, how long, and Cancel."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from cleaner import Progress, Stage
from ui.format import human_duration, plural

# What the counted items of each stage are, in words.
UNITS: dict[str, tuple[str, str]] = {
    Stage.WALK: ("file found", "files found"),
    Stage.DIGEST: ("file compared", "files compared"),
    Stage.FINGERPRINT: ("picture", "pictures"),
    Stage.GROUP: ("step", "steps"),
    Stage.SCORE: ("file", "files"),
}

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
        self.title = QLabel("Scanning your photos…")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        self.folders = QLabel()
        self.folders.setTextFormat(Qt.TextFormat.PlainText)  # folder names as written
        self.folders.setWordWrap(True)
        self.stage = QLabel("Starting…")
        stage_font = QFont(self.stage.font())
        stage_font.setPointSizeF(stage_font.pointSizeF() * 1.2)
        self.stage.setFont(stage_font)
        self.stage.setAccessibleDescription("Current step")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("Scan progress")
        self.counts = QLabel(" ")
        self.counts.setAccessibleDescription("Files done")
        self.speed = QLabel(" ")
        self.found = QLabel(" ")
        self.cancel_button = QPushButton("Cancel scan")
        self.cancel_button.setToolTip("Stop the scan (Esc). Nothing has been changed on disk.")
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
        shown = ", ".join(folders[:3]) + (
            f" and {len(folders) - 3} more" if len(folders) > 3 else ""
        )
        self.folders.setText(f"Looking in {shown}")
        self.title.setText("Scanning your photos…")
        self.stage.setText("Starting…")
        self.bar.setValue(0)
        self.counts.setText(" ")
        self.speed.setText(" ")
        self.found.setText("Nothing is moved or deleted during the scan.")
        self._started = self.clock()
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel scan")

    @Slot(str)
    def set_stage(self, stage: str) -> None:
        """A new step: its name, and no counts until its own progress comes (the last
        step's "4 of 4 files compared" must not stay under the next step's name)."""
        if self.stage.text() != f"{stage}…":
            self.stage.setText(f"{stage}…")
            self.counts.setText(" ")
            self.speed.setText(" ")

    @Slot(object)
    def set_progress(self, progress: Progress) -> None:
        self.stage.setText(f"{progress.stage}…")
        self.bar.setValue(round(progress.overall * 1000))
        one, many = UNITS.get(progress.stage, ("item", "items"))
        if progress.total:
            word = one if progress.total == 1 else many
            self.counts.setText(f"{progress.done:,} of {progress.total:,} {word}")
        else:
            self.counts.setText(plural(progress.done, one, many))
        parts = []
        if progress.rate >= 1 and progress.stage != Stage.GROUP:
            parts.append(f"{progress.rate:,.0f} {many.split()[0]} per second")
        eta = human_duration(progress.eta_seconds)
        if eta and progress.total:
            parts.append(f"{eta} left in this step")
        whole = overall_left(
            self.clock() - self._started,
            progress.overall,
            progress.eta_seconds if progress.total else None,
            progress.stage,
        )
        if whole is not None:
            parts.append(f"{human_duration(whole)} left in all")
        self.speed.setText(" · ".join(parts) or " ")

    def add_found(self, groups: int = 0, skipped: int = 0) -> None:
        self._groups += groups
        self._skipped += skipped
        parts = []
        if self._groups:
            parts.append(f"Found so far: {plural(self._groups, 'set', 'sets')} of copies")
        if self._skipped:
            parts.append(f"{plural(self._skipped, 'file')} could not be read (listed at the end)")
        self.found.setText(" · ".join(parts) or "Nothing is moved or deleted during the scan.")

    def cancelling(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Stopping…")
        self.title.setText("Stopping the scan…")
