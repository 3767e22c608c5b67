"""The figures of a de-duplication report, computed once from a `ScanResult`.

Everything the HTML, CSV and JSON writers print comes from here, so the three formats
cannot disagree: totals (files, pictures, skipped files by reason, groups, redundant
copies, bytes reclaimable), the storage cost those bytes represent, the pictures that
appear more than N times, and what the undo log says happened to each file.

All figures are frozen dataclasses. Nothing here reads an image or holds one.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Protocol

from cleaner.i18n import N_, _
from cleaner.models import THRESHOLDS, DuplicateGroup, GroupKind, GroupMember, ScanResult
from cleaner.version import __version__

# Standard cloud object storage (e.g. Amazon S3 Standard, first 50 TB), per GB-month.
DEFAULT_PRICE_PER_GB_MONTH = 0.023
DEFAULT_CURRENCY = "USD"
# A draft industry rule flags any image that appears more than three times in a training set.
DEFAULT_TIMES = 3
# Bytes in one GB for the cost figure: decimal, as cloud price lists and our byte sizes use.
BYTES_PER_GB = 1_000_000_000


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """What the person making the report chose. Plain values: no Qt, no settings object."""

    times: int = DEFAULT_TIMES  # list pictures that appear more than this many times
    price_per_gb_month: float = DEFAULT_PRICE_PER_GB_MONTH
    currency: str = DEFAULT_CURRENCY
    thumbnails: bool = True  # embed small previews in the HTML
    thumbnail_size: int = 96  # long edge in CSS pixels (the JPEG is made at twice this)
    # Past this many previews the HTML shows a text placeholder instead, so a report of a
    # huge library stays small enough to send by email. None: no limit.
    max_thumbnails: int | None = 5000
    title: str = N_("Duplicate photo report")  # the HTML shows `_(title)`

    def __post_init__(self) -> None:
        if self.times < 1:
            raise ValueError("the number of times must be at least 1")
        if not self.price_per_gb_month >= 0:  # also rejects NaN
            raise ValueError("the price per GB-month cannot be negative")
        if not self.currency.strip():
            raise ValueError("the currency cannot be empty")
        if self.thumbnail_size < 16:
            raise ValueError("the thumbnail size must be at least 16 pixels")
        if self.max_thumbnails is not None and self.max_thumbnails < 0:
            raise ValueError("the thumbnail limit cannot be negative")


class Action(str, enum.Enum):
    """What the scan suggested for one file. The value is stable (CSV, JSON)."""

    KEEP = "keep"  # the suggested keeper
    REMOVE = "remove"  # a redundant copy
    KEEP_PROTECTED = "keep (protected)"  # a copy in a protected folder

    @property
    def label(self) -> str:
        return {
            Action.KEEP: N_("Keep (best copy)"),
            Action.REMOVE: N_("Extra copy"),
            Action.KEEP_PROTECTED: N_("Keep (protected folder)"),
        }[self]


def action_of(member: GroupMember) -> Action:
    if member.is_keeper:
        return Action.KEEP
    return Action.REMOVE if member.suggested_remove else Action.KEEP_PROTECTED


# -- what happened to each file (the undo log) ---------------------------------------


class Fate(str, enum.Enum):
    """What happened to a file after the scan, as the undo log records it."""

    MOVED = "moved"
    PENDING = "pending"  # the move started and its end was never recorded (a crash)
    FAILED = "failed"
    SKIPPED = "skipped"  # not attempted: the file changed or vanished since the scan
    NOT_MOVED = "not_moved"
    RESTORED = "restored"  # moved, then put back

    @property
    def label(self) -> str:
        return _FATE_LABELS[self]


# English, as the JSON report stores them; `_(label)` where they are shown.
_FATE_LABELS = {
    Fate.MOVED: N_("moved"),
    Fate.PENDING: N_("move interrupted (may or may not have moved)"),
    Fate.FAILED: N_("could not be moved"),
    Fate.SKIPPED: N_("left in place (changed or missing since the scan)"),
    Fate.NOT_MOVED: N_("left in place"),
    Fate.RESTORED: N_("moved, then put back"),
}


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """The last thing the undo log says about one file of the result."""

    fate: Fate
    batch_id: str
    when: str  # ISO 8601 of the move attempt
    method: str  # "trash" or "quarantine"
    destination: str | None  # where it went, when known
    detail: str = ""

    @property
    def text(self) -> str:
        """One line in plain English, as the JSON report stores it, e.g. "moved to the
        trash on 2025-01-31 14:25"; `words()` says it in the user's language."""
        return self.words(translate=False)

    def words(self, translate: bool = True) -> str:
        """One line in the user's language (the CSV's and the HTML's words)."""
        say = _ if translate else (lambda text: text)
        when = self.when[:16].replace("T", " ")
        if self.fate is Fate.MOVED:
            if self.method == "trash":
                text = say(N_("moved to the trash on {when}"))
            else:
                text = say(N_("moved to the quarantine folder on {when}"))
        elif self.fate is Fate.RESTORED:
            if self.method == "trash":
                text = say(N_("moved to the trash on {when}, then put back"))
            else:
                text = say(N_("moved to the quarantine folder on {when}, then put back"))
        else:
            text = f"{say(self.fate.label)} ({{when}})"
        text = text.format(when=when)
        return f"{text}: {self.detail}" if self.detail and self.fate is not Fate.MOVED else text


class BatchLike(Protocol):
    """The fields of `cleaner.removal.undolog.Batch` the report reads."""

    @property
    def id(self) -> str: ...
    @property
    def created_at(self) -> str: ...


class EntryLike(Protocol):
    """The fields of `cleaner.removal.undolog.LogEntry` the report reads."""

    @property
    def batch_id(self) -> str: ...
    @property
    def original_path(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def mtime_ns(self) -> int: ...
    @property
    def method(self) -> enum.Enum: ...
    @property
    def destination(self) -> str | None: ...
    @property
    def outcome(self) -> enum.Enum: ...
    @property
    def detail(self) -> str: ...
    @property
    def started_at(self) -> float: ...
    @property
    def restored(self) -> bool: ...


class UndoLogReader(Protocol):
    """The read side of `cleaner.removal.undolog.UndoLog` that the report needs."""

    def batches(self) -> Iterable[BatchLike]: ...
    def entries(self, batch_id: str) -> Iterable[EntryLike]: ...


def outcomes_from_log(
    log: UndoLogReader, result: ScanResult, batch_ids: Iterable[str] | None = None
) -> dict[str, FileOutcome]:
    """What the undo log says happened to each file of `result`, by path.

    An entry counts only if it is about the very file the scan saw (same path, size and
    modification time) and its batch started after the scan did, so an older removal of
    another file at the same path never shows up. When a file appears in several batches,
    the latest one wins. `batch_ids` limits the search to those batches.
    """
    wanted = {m.path: m for g in result.groups for m in g.members}
    if not wanted:
        return {}
    scan_started = _parse_time(result.started_at)
    only = None if batch_ids is None else set(batch_ids)
    found: dict[str, FileOutcome] = {}
    # batches() is newest first; walk oldest first so later batches overwrite.
    for batch in reversed(list(log.batches())):
        if only is not None and batch.id not in only:
            continue
        created = _parse_time(batch.created_at)
        if scan_started and created and created < scan_started:
            continue
        for e in log.entries(batch.id):
            member = wanted.get(e.original_path)
            if member is None or (e.size, e.mtime_ns) != (
                member.entry.size,
                member.entry.mtime_ns,
            ):
                continue
            fate = Fate.RESTORED if e.restored else Fate(str(e.outcome.value))
            found[e.original_path] = FileOutcome(
                fate=fate,
                batch_id=e.batch_id,
                when=datetime.fromtimestamp(e.started_at).astimezone().isoformat("T", "seconds"),
                method=str(e.method.value),
                destination=e.destination,
                detail=e.detail,
            )
    return found


def _parse_time(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return value if value.tzinfo is not None else value.astimezone()


# -- the figures ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OverRepresented:
    """A picture that appears more than `ReportOptions.times` times."""

    group_id: int
    appearances: int  # file names that hold the picture (copies plus their hard links)
    copies: int  # files in the group (hard links counted once)
    kind: GroupKind
    keeper_path: str
    keeper_sha256: str | None
    reclaimable_bytes: int


@dataclass(frozen=True, slots=True)
class Totals:
    files_seen: int
    bytes_seen: int
    images: int  # pictures read (every name of a hard-linked file counted once)
    skipped: int
    skipped_by_reason: tuple[tuple[str, int], ...]  # (plain-words reason, count), most first
    groups: int  # pictures that have copies
    exact_groups: int
    similar_groups: int
    files_in_groups: int
    redundant_copies: int  # copies suggested for removal
    protected_copies: int  # extra copies kept because they are in a protected folder
    reclaimable_bytes: int
    hardlinks: int
    redundant_share: float  # redundant copies / pictures read (0-1)
    reclaimable_share: float  # reclaimable bytes / bytes seen (0-1)
    cost_per_month: float
    cost_per_year: float


@dataclass(frozen=True, slots=True)
class RemovalTotals:
    """What the undo log says was done to the files of this result."""

    moved: int
    moved_bytes: int
    failed: int
    left_in_place: int  # skipped, not moved, pending
    restored: int
    batches: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScanHeader:
    roots: tuple[str, ...]
    excludes: tuple[str, ...]
    protected: tuple[str, ...]
    similarity: str  # preset value
    similarity_label: str  # in words
    max_distance: int | None  # the Hamming threshold in force, None for identical files only
    rotations: bool
    started_at: str
    finished_at: str
    seconds: float
    app_version: str  # the PhotoSift that scanned
    machine: str
    cancelled: bool
    min_file_size: int = 0  # bytes; smaller picture files were left out (0: no limit)
    min_width: int = 0  # pictures under min_width x min_height, either way round, too
    min_height: int = 0


@dataclass(frozen=True, slots=True)
class ReportSummary:
    header: ScanHeader
    totals: Totals
    over_represented: tuple[OverRepresented, ...]  # most appearances first
    options: ReportOptions
    removal: RemovalTotals | None  # None when the undo log has nothing about this result
    generated_at: str
    generated_by: str  # the PhotoSift that wrote the report
    outcomes: Mapping[str, FileOutcome] = field(default_factory=lambda: MappingProxyType({}))

    def outcome(self, path: str) -> FileOutcome | None:
        return self.outcomes.get(path)


def appearances(group: DuplicateGroup) -> int:
    """File names holding this picture: every copy plus its other hard-linked names."""
    return sum(1 + len(m.entry.hardlinks) for m in group.members)


def cost(nbytes: int, price_per_gb_month: float) -> tuple[float, float]:
    """Storage cost of `nbytes` per month and per year at a price per GB-month."""
    per_month = nbytes / BYTES_PER_GB * price_per_gb_month
    return per_month, per_month * 12


def summarize(
    result: ScanResult,
    options: ReportOptions | None = None,
    outcomes: Mapping[str, FileOutcome] | None = None,
    *,
    generated_by: str | None = None,
    now: datetime | None = None,
) -> ReportSummary:
    """Compute every figure of the report. One pass over the groups; no file is opened."""
    opts = options or ReportOptions()
    outcomes = MappingProxyType(dict(outcomes or {}))
    s = result.stats
    exact = similar = files_in_groups = redundant = protected = reclaimable = 0
    over: list[OverRepresented] = []
    for g in result.groups:
        if g.kind is GroupKind.EXACT:
            exact += 1
        else:
            similar += 1
        files_in_groups += g.size
        group_reclaimable = g.reclaimable_bytes
        reclaimable += group_reclaimable
        for m in g.members:
            if m.suggested_remove:
                redundant += 1
            elif not m.is_keeper:
                protected += 1
        count = appearances(g)
        if count > opts.times:
            keeper = g.keeper
            over.append(
                OverRepresented(
                    group_id=g.id,
                    appearances=count,
                    copies=g.size,
                    kind=g.kind,
                    keeper_path=keeper.path,
                    keeper_sha256=keeper.sha256,
                    reclaimable_bytes=group_reclaimable,
                )
            )
    over.sort(key=lambda o: (-o.appearances, o.group_id))
    reasons = Counter(k.reason.label for k in result.skipped)
    per_month, per_year = cost(reclaimable, opts.price_per_gb_month)
    totals = Totals(
        files_seen=s.files_seen,
        bytes_seen=s.bytes_seen,
        images=s.images,
        skipped=len(result.skipped),
        skipped_by_reason=tuple(reasons.most_common()),
        groups=len(result.groups),
        exact_groups=exact,
        similar_groups=similar,
        files_in_groups=files_in_groups,
        redundant_copies=redundant,
        protected_copies=protected,
        reclaimable_bytes=reclaimable,
        hardlinks=s.hardlinks,
        redundant_share=redundant / s.images if s.images else 0.0,
        reclaimable_share=reclaimable / s.bytes_seen if s.bytes_seen else 0.0,
        cost_per_month=per_month,
        cost_per_year=per_year,
    )
    settings = result.settings
    if settings.threshold is not None:
        max_distance: int | None = settings.threshold
    else:
        preset = THRESHOLDS.get(settings.similarity)
        max_distance = None if preset is None else preset.hamming
    header = ScanHeader(
        roots=settings.roots,
        excludes=settings.excludes,
        protected=settings.protected,
        similarity=settings.similarity.value,
        similarity_label=settings.similarity.label,
        max_distance=max_distance,
        rotations=settings.rotations,
        started_at=result.started_at,
        finished_at=result.finished_at,
        seconds=s.seconds,
        app_version=result.app_version,
        machine=result.machine,
        cancelled=result.cancelled,
        min_file_size=settings.min_file_size,
        min_width=settings.min_width,
        min_height=settings.min_height,
    )
    return ReportSummary(
        header=header,
        totals=totals,
        over_represented=tuple(over),
        options=opts,
        removal=_removal_totals(result, outcomes),
        generated_at=(now or datetime.now().astimezone()).isoformat("T", "seconds"),
        generated_by=generated_by or __version__,
        outcomes=outcomes,
    )


def _removal_totals(
    result: ScanResult, outcomes: Mapping[str, FileOutcome]
) -> RemovalTotals | None:
    if not outcomes:
        return None
    sizes = {m.path: m.entry.size for g in result.groups for m in g.members}
    fates = Counter(o.fate for o in outcomes.values())
    return RemovalTotals(
        moved=fates[Fate.MOVED],
        moved_bytes=sum(sizes.get(p, 0) for p, o in outcomes.items() if o.fate is Fate.MOVED),
        failed=fates[Fate.FAILED],
        left_in_place=fates[Fate.SKIPPED] + fates[Fate.NOT_MOVED] + fates[Fate.PENDING],
        restored=fates[Fate.RESTORED],
        batches=tuple(sorted({o.batch_id for o in outcomes.values()})),
    )
