"""Writing a de-duplication report off the GUI thread.

`cleaner.report.write_report` reads every keeper picture for the HTML previews, so it runs
as a `JobRunnable` on a one-thread "reports" pool registered with `register_pool()` (so the
window's shutdown waits for it, bounded). The runnable emits the controller's internal
signal from the pool thread; Qt queues it to the controller in the GUI thread (the same
pattern as `ui.thumbnails`), and the controller re-emits it for the current job only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cleaner import (
    N_,
    ReportOptions,
    ReportSummary,
    ScanResult,
    UndoLogError,
    _,
    describe_error,
    load_outcomes,
    report_writer,
    write_report,
)
from ui.workers.base import JobRunnable, PoolJobController


@dataclass(frozen=True)
class ExportRequest:
    result: ScanResult
    folder: Path
    name: str  # file name without extension
    formats: tuple[str, ...]  # keys of cleaner.REPORT_WRITERS, in the registry's order
    options: ReportOptions
    log_path: Path | None = None  # None: the user's undo log

    def path(self, fmt: str) -> Path:
        return self.folder / f"{self.name}.{report_writer(fmt).extension}"

    def paths(self) -> list[Path]:
        return [self.path(f) for f in self.formats]


@dataclass(frozen=True)
class ExportDone:
    request: ExportRequest
    summary: ReportSummary
    files: tuple[Path, ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)


def export(request: ExportRequest) -> ExportDone:
    """Write the report (any thread). Raises OSError when a file cannot be written."""
    warnings: list[str] = []
    try:
        outcomes = load_outcomes(request.result, request.log_path)
    except UndoLogError as exc:
        outcomes = {}
        warnings.append(
            _(
                "The list of moved files could not be read, so the report does not say which "
                "files were moved ({problem})."
            ).format(problem=exc)
        )
    request.folder.mkdir(parents=True, exist_ok=True)
    paths = {f: request.path(f) for f in request.formats}
    summary = write_report(request.result, paths, options=request.options, outcomes=outcomes)
    return ExportDone(request, summary, tuple(paths.values()), tuple(warnings))


def not_saved(exc: OSError, folder: Path) -> str:
    """What a report (or estate report) that could not be written says: why, where, and
    what to do."""
    where = exc.filename or folder
    return _("The report could not be saved: {problem} ({path}). Try another folder.").format(
        problem=describe_error(exc), path=where
    )


class _ExportRun(JobRunnable):
    stopped = N_("The report could not be made")

    def __init__(self, controller: ReportController, job: int, request: ExportRequest) -> None:
        super().__init__(job, controller._failed)
        self._controller = controller
        self._request = request

    def work(self) -> None:
        done = export(self._request)
        self._controller._done.emit(self.job, done)

    def known_failure(self, exc: Exception) -> bool:
        if not isinstance(exc, OSError):
            return False
        self._failed.emit(self.job, not_saved(exc, self._request.folder), "")
        return True


class ReportController(PoolJobController):
    """Lives in the GUI thread; one export at a time. `finished` carries an `ExportDone`."""

    shutdown_wait_ms = 10_000

    def start(self, request: ExportRequest) -> int:
        return self._start(lambda job: _ExportRun(self, job, request))
