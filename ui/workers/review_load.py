"""Open a saved review or any result JSON off the GUI thread, and re-check its files.

The result is read with the engine's validating reader (`cleaner.load_result`: a pipe
in the file's place is refused, every value checked), the saved marks with
`ui.autosave.marks_from_json`. Then every copy of every set is looked at on disk: a file
that is gone, or whose size or modification time differs from the result, is "changed"
(the window shows it so and will not mark it until a new scan looks at it again).
"""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QThreadPool

from cleaner import (
    N_,
    ResultFormatError,
    ScanResult,
    _,
    load_result,
)
from ui.autosave import MarksFormatError, SavedMarks, marks_from_json
from ui.workers.base import JobRunnable, PoolJobController

GONE = "gone"
CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class LoadedReview:
    result: ScanResult
    source: str  # the file opened
    marks: SavedMarks | None  # None: a plain result (the engine's suggestions apply)
    changed: dict[str, str] = field(default_factory=dict)  # path -> GONE or CHANGED
    marks_problem: str = ""  # why saved marks were not used ("" when fine or none)


def changed_files(result: ScanResult) -> dict[str, str]:
    """Every member whose file is gone or differs in size or mtime from the result."""
    changed: dict[str, str] = {}
    if result.from_catalogs:  # files on other machines: nothing here to check them with
        return changed
    for group in result.groups:
        for member in group.members:
            entry = member.entry
            try:
                st = os.stat(entry.path, follow_symlinks=False)
            except (OSError, ValueError):
                changed[entry.path] = GONE
                continue
            if st.st_size != entry.size or st.st_mtime_ns != entry.mtime_ns:
                changed[entry.path] = CHANGED
    return changed


def _sniff(path: Path) -> None:
    """Refuse at once a regular file that does not start like JSON (a photo or a video
    picked by mistake, perhaps gigabytes long), before the engine reads all of it. Anything
    else (a pipe, a folder, a missing file) is left to `load_result`'s own checks."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return
        with open(path, "rb") as fh:
            head = fh.read(4096).lstrip(b" \t\r\n\xef\xbb\xbf")
    except OSError:
        return
    if head and not head.startswith(b"{"):
        raise ResultFormatError(
            _("{path} is not a result file (it does not start like one)").format(path=path)
        )


@contextmanager
def _without_collection_pauses() -> Iterator[None]:
    """Python's cycle collector off while a big result is read, and what was read kept
    out of its later passes (`gc.freeze`). Reading 50,000 sets makes millions of objects;
    each full pass over them held Python's lock for up to 1.5 s, so the window, on
    another thread, could not paint (benchmarks/review_open.py: the longest stall went
    from 1.6 s to 0.3 s with the collector off). The result's objects are freed as usual
    when they go; only cycles among them would wait, and a result has none."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def load_review(result_file: Path, marks_file: Path | None) -> LoadedReview:
    _sniff(result_file)
    with _without_collection_pauses():
        result = load_result(result_file)
    marks: SavedMarks | None = None
    problem = ""
    if marks_file is not None:
        try:
            marks = marks_from_json(marks_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, MarksFormatError) as exc:
            problem = _(
                "The saved marks could not be read ({problem}); the suggestions are shown."
            ).format(problem=exc)
    return LoadedReview(result, str(result_file), marks, changed_files(result), problem)


class _LoadJob(JobRunnable):
    stopped = N_("Opening the review stopped")

    def __init__(
        self,
        controller: ReviewLoader,
        job: int,
        result: Path,
        marks: Path | None,
        after: QThreadPool | None,
    ):
        super().__init__(job, controller._failed)
        self._controller = controller
        self.result_file = result
        self.marks_file = marks
        self.after = after

    def work(self) -> None:
        if self.after is not None:  # the autosave still writing what is being opened
            self.after.waitForDone()
        loaded = load_review(self.result_file, self.marks_file)
        self._controller._done.emit(self.job, loaded)

    def known_failure(self, exc: Exception) -> bool:
        if isinstance(exc, ResultFormatError):
            self._failed.emit(
                self.job,
                _(
                    "“{name}” cannot be opened: it is not a PhotoSift result file, or it is "
                    "damaged."
                ).format(name=self.result_file.name)
                + f"\n\n{exc}",
                "",
            )
            return True
        return False


class ReviewLoader(PoolJobController):
    """Lives in the GUI thread; one open at a time (a newer one makes the older stale).
    `finished` carries a `LoadedReview`."""

    def start(
        self, result_file: Path, marks_file: Path | None = None, after: QThreadPool | None = None
    ) -> int:
        """Open `result_file` (and `marks_file`), once the jobs of `after` are done."""
        return self._start(lambda job: _LoadJob(self, job, result_file, marks_file, after))
