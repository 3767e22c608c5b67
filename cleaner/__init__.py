"""PhotoSift's engine: find duplicate and near-duplicate photos, score them, and
remove rejected copies safely. Never imports Qt (checked by import-linter).

This module is the front door: the names the window, the command line and scripts use.
The window imports nothing else from the engine (an import-linter contract checks it),
so what is listed here is the engine's public surface; everything else may change.

The rooms behind it (see docs/architecture.md):

- `cleaner.detect`: walk, decode, fingerprint, match and group (a scan);
- `cleaner.keep`: score the copies and choose the one to keep;
- `cleaner.removal`: move rejected copies safely, record them, put them back;
- `cleaner.report`: the HTML, CSV and JSON reports;
- `cleaner.cli`: the `photosift` subcommands; `cleaner.demo`: sample photos, smoke test;
- shared by all of them: `models`, `errors`, `progress`, `formats`, `paths`, `resultio`,
  `sidecars`, `safeopen`, `atomic`, `humanize`, `textsafe`, `i18n` (words in the user's
  language: docs/translation.md).

A scan::

    import cleaner

    token = cleaner.CancelToken()
    for event in cleaner.scan(cleaner.ScanSettings(roots=("/photos",)), cancel=token):
        if isinstance(event, cleaner.ScanFinished):
            result = event.result
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from cleaner.atomic import atomic_text_file
from cleaner.catalog import CatalogError
from cleaner.catalog.estate import CatalogScan, labelled_base, scan_catalogs
from cleaner.catalog.manifest import MANIFEST_SUFFIX
from cleaner.catalog.manifest_write import (
    ManifestRoles,
    file_stems,
    manifest_roles,
    write_scan_manifests,
)
from cleaner.catalog.reader import check_usable
from cleaner.catalog.schema import open_read_only
from cleaner.cli import main as run_command_line
from cleaner.demo.library import make_demo_library
from cleaner.demo.smoke import check_samples
from cleaner.detect.decode import DecodeFailure, open_small, register_plugins
from cleaner.detect.ignore import (
    IgnoredSet,
    IgnoreList,
    IgnoreListError,
    default_ignore_path,
    group_key,
    is_ignore_key,
    split_ignored,
)
from cleaner.detect.scan import scan
from cleaner.errors import BadRootError, Cancelled, PhotoSiftError, ResultFormatError
from cleaner.formats import RAW_EXTENSIONS, is_image_candidate
from cleaner.humanize import (
    MatchWords,
    criterion_label,
    criterion_title,
    damage_words,
    human_bytes,
    human_day,
    human_time,
    match_words,
    plural,
    skipped_words,
)
from cleaner.i18n import (
    N_,
    _,
    available_languages,
    current_language,
    day,
    human_size,
    ngettext,
    npgettext,
    number,
    percent,
    pgettext,
    set_language,
    stored_words,
    system_language,
    time_of,
    translation_catalog,
)
from cleaner.keep import (
    CRITERIA,
    CRITERIA_BY_KEY,
    KeeperCriterion,
    KeeperReason,
    QualityBreakdown,
    QualityPart,
    keeper_reason_text,
    kept_over_words,
    part_label,
    part_words,
    quality_breakdown,
    relative_sharpness,
    shown_reason,
)
from cleaner.models import (
    KEPT_OVER_DAMAGED,
    KEPT_OVER_PROTECTED,
    KEPT_OVER_TIE,
    DuplicateGroup,
    GroupMember,
    KeptOver,
    MatchEvidence,
    MatchKind,
    ScanResult,
    ScanSettings,
    Similarity,
    SkippedFile,
)
from cleaner.paths import cache_dir, config_dir, data_dir, use_portable_dir
from cleaner.phrases import phrases_of, value_words
from cleaner.progress import (
    CancelToken,
    FileSkipped,
    GroupsFound,
    Notice,
    Progress,
    ScanEvent,
    ScanFinished,
    Stage,
    StageStarted,
)
from cleaner.removal.move import (
    FileKept,
    FileRemoved,
    QuarantineMode,
    RemovalFinished,
    RemovalOptions,
    RemovalStarted,
    TrashFunc,
    remove_files,
)
from cleaner.removal.movelock import AnotherRemovalRunning, MoveLockError
from cleaner.removal.plan import KeepReason, KeptFile, PlannedFile, RemovalPlan, plan_removal
from cleaner.removal.restore import FileRestore, RestoreFinished, RestoreState, restore_batch
from cleaner.removal.trash import QUARANTINE_DIR_NAME, default_quarantine_root, describe_error
from cleaner.removal.undolog import (
    Batch,
    BatchState,
    LogEntry,
    Method,
    Outcome,
    UndoLog,
    UndoLogDamaged,
    UndoLogError,
    default_log_path,
)
from cleaner.removal.undolog_open import open_log
from cleaner.report import (
    REPORT_WRITERS,
    FileOutcome,
    ReportOptions,
    ReportSummary,
    ReportWriter,
    report_writer,
    write_report,
)
from cleaner.report.estate import (
    EstateSummary,
    LabelFacts,
    estate_summary,
    label_of,
    save_estate_json,
    spanning_labels,
    write_estate_csv,
    write_keep_list,
)
from cleaner.report.html import write_estate_html
from cleaner.report.summary import outcomes_from_log
from cleaner.resultio import load as load_result
from cleaner.resultio import save as save_result
from cleaner.textsafe import printable
from cleaner.version import __version__


def load_outcomes(
    result: ScanResult,
    log_path: str | os.PathLike[str] | None = None,
    batch_ids: Iterable[str] | None = None,
) -> dict[str, FileOutcome]:
    """What the undo log records for the files of `result` (for a report); {} if there is
    no undo log. Here, at the front door, because it joins two rooms that never import
    each other: the report reads a log through its `UndoLogReader` protocol, and this
    hands it PhotoSift's.

    `log_path` defaults to the user's undo log (``$PHOTOSIFT_DATA_DIR`` honoured). A log
    that does not exist is not created. Raises `UndoLogError` when the log exists but
    cannot be read.
    """
    path = Path(log_path) if log_path is not None else default_log_path()
    if not path.is_file():
        return {}
    with UndoLog(path) as log:
        return outcomes_from_log(log, result, batch_ids)


def catalog_label_and_roots(path: str | os.PathLike[str]) -> tuple[str, tuple[str, ...]] | None:
    """A catalog's label and root folders from its description only (no row is read, so
    it is quick even for a catalog of millions of pictures): what the window needs to
    turn the user's protection into labels before grouping. None when the catalog cannot
    be read: grouping then says why, in its one line."""
    where = Path(path)
    try:
        with open_read_only(where) as conn:
            meta = check_usable(where, conn, for_grouping=False)
            rows = conn.execute("SELECT path FROM roots ORDER BY id").fetchall()
    except (CatalogError, OSError):
        return None
    roots = tuple(os.fsdecode(r) for (r,) in rows if isinstance(r, bytes | str))
    return meta.get("label", ""), roots


def catalog_protection(
    local_folders: Iterable[str], catalogs: Iterable[tuple[str, Sequence[str]]]
) -> tuple[str, ...]:
    """Protected folders of this machine as ``LABEL:FOLDER`` forms, for each catalog
    (label, roots) whose labelled base holds them: a folder a catalog was built from keeps
    its protection when its catalog is grouped here. Folders no catalog holds mean nothing
    for files on other machines and are left out."""
    forms: list[str] = []
    folders = [os.path.normpath(f) for f in local_folders]
    for label, roots in catalogs:
        base = labelled_base(roots)
        if not base:
            continue
        for folder in folders:
            if folder == base or folder.startswith(base.rstrip(os.sep) + os.sep):
                below = os.path.relpath(folder, base).replace(os.sep, "/")
                forms.append(f"{label}:" if below == "." else f"{label}:{below}")
    return tuple(dict.fromkeys(forms))


def scan_catalog_files(
    paths: Sequence[str | os.PathLike[str]],
    settings: ScanSettings,
    *,
    protect_catalogs: Iterable[str | os.PathLike[str]] = (),
    cancel: CancelToken | None = None,
) -> Generator[ScanEvent, None, CatalogScan]:
    """Group the catalogs at `paths` as the window does: `scan_catalogs` with the
    window's `settings` (similarity, keeper order; its `protected` are this machine's
    folders, kept for the catalogs built from them), every file of the catalogs at
    `protect_catalogs` protected, and a catalog that cannot be used left out with a
    `Notice` while the others open (a `CatalogError` only when none can)."""
    described = {os.fspath(p): catalog_label_and_roots(p) for p in paths}
    found = [d for d in described.values() if d is not None]
    protected = catalog_protection(settings.protected, found)
    whole = [d[0] for p in protect_catalogs if (d := described.get(os.fspath(p))) is not None]
    scanned = yield from scan_catalogs(
        paths,
        replace(settings, protected=protected),
        protect_labels=list(dict.fromkeys(whole)),
        cancel=cancel,
        skip_refused=True,
    )
    return scanned


__all__ = [
    "CRITERIA",
    "CRITERIA_BY_KEY",
    "KEPT_OVER_DAMAGED",
    "KEPT_OVER_PROTECTED",
    "KEPT_OVER_TIE",
    "MANIFEST_SUFFIX",
    "N_",
    "QUARANTINE_DIR_NAME",
    "RAW_EXTENSIONS",
    "REPORT_WRITERS",
    "AnotherRemovalRunning",
    "BadRootError",
    "Batch",
    "BatchState",
    "CancelToken",
    "Cancelled",
    "CatalogError",
    "CatalogScan",
    "DecodeFailure",
    "DuplicateGroup",
    "EstateSummary",
    "FileKept",
    "FileOutcome",
    "FileRemoved",
    "FileRestore",
    "FileSkipped",
    "GroupMember",
    "GroupsFound",
    "IgnoreList",
    "IgnoreListError",
    "IgnoredSet",
    "KeepReason",
    "KeeperCriterion",
    "KeeperReason",
    "KeptFile",
    "KeptOver",
    "LabelFacts",
    "LogEntry",
    "ManifestRoles",
    "MatchEvidence",
    "MatchKind",
    "MatchWords",
    "Method",
    "MoveLockError",
    "Notice",
    "Outcome",
    "PhotoSiftError",
    "PlannedFile",
    "Progress",
    "QualityBreakdown",
    "QualityPart",
    "QuarantineMode",
    "RemovalFinished",
    "RemovalOptions",
    "RemovalPlan",
    "RemovalStarted",
    "ReportOptions",
    "ReportSummary",
    "ReportWriter",
    "RestoreFinished",
    "RestoreState",
    "ResultFormatError",
    "ScanEvent",
    "ScanFinished",
    "ScanResult",
    "ScanSettings",
    "Similarity",
    "SkippedFile",
    "Stage",
    "StageStarted",
    "TrashFunc",
    "UndoLog",
    "UndoLogDamaged",
    "UndoLogError",
    "_",
    "__version__",
    "atomic_text_file",
    "available_languages",
    "cache_dir",
    "catalog_label_and_roots",
    "catalog_protection",
    "check_samples",
    "config_dir",
    "criterion_label",
    "criterion_title",
    "current_language",
    "damage_words",
    "data_dir",
    "day",
    "default_ignore_path",
    "default_log_path",
    "default_quarantine_root",
    "describe_error",
    "estate_summary",
    "file_stems",
    "group_key",
    "human_bytes",
    "human_day",
    "human_size",
    "human_time",
    "is_ignore_key",
    "is_image_candidate",
    "keeper_reason_text",
    "kept_over_words",
    "label_of",
    "labelled_base",
    "load_outcomes",
    "load_result",
    "make_demo_library",
    "manifest_roles",
    "match_words",
    "ngettext",
    "npgettext",
    "number",
    "open_log",
    "open_small",
    "part_label",
    "part_words",
    "percent",
    "pgettext",
    "phrases_of",
    "plan_removal",
    "plural",
    "printable",
    "quality_breakdown",
    "register_plugins",
    "relative_sharpness",
    "remove_files",
    "report_writer",
    "restore_batch",
    "run_command_line",
    "save_estate_json",
    "save_result",
    "scan",
    "scan_catalog_files",
    "scan_catalogs",
    "set_language",
    "shown_reason",
    "skipped_words",
    "spanning_labels",
    "split_ignored",
    "stored_words",
    "system_language",
    "time_of",
    "translation_catalog",
    "use_portable_dir",
    "value_words",
    "write_estate_csv",
    "write_estate_html",
    "write_keep_list",
    "write_report",
    "write_scan_manifests",
]
