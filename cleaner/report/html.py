"""The report as one self-contained HTML file: readable on screen, printable, safe.

The file is written as a stream, group by group, into a temporary file that replaces
the target at the end. Previews are made one at a time (`cleaner.report.thumbs`),
written, and dropped before the next one is made, so memory does not grow with the
library. There is no JavaScript and no external resource: the page works offline and
can be sent by email. Every piece of text that comes from the disk or the user (paths,
names, reasons, settings) goes through `html.escape`, attributes included, and names
that are not valid UTF-8 are shown with U+FFFD in place of the bad bytes. Control and
bidi characters are shown as visible escapes (``\x1b``, ``\u202e``: `cleaner.textsafe`),
so no name can reorder the text around it or hide in the page.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from cleaner.report.estate import EstateSummary

from cleaner.atomic import atomic_text_file
from cleaner.humanize import (
    about_money,
    criterion_label,
    human_bytes,
    match_words,
    money,
    plain_number,
    plural,
)
from cleaner.models import DuplicateGroup, GroupKind, GroupMember, ScanResult
from cleaner.report import thumbs
from cleaner.report.csv import display_path
from cleaner.report.summary import (
    Action,
    Fate,
    FileOutcome,
    ReportSummary,
    ScanHeader,
    action_of,
)
from cleaner.textsafe import printable


def esc(text: object) -> str:
    """Escape for HTML text and for quoted attribute values, control and bidi characters
    shown as visible escapes (so text that is meant to be several lines is split first)."""
    return html.escape(printable(str(text)), quote=True)


def esc_path(path: str) -> str:
    """An escaped path that a narrow column may wrap after a folder separator."""
    text = esc(display_path(path))
    return text.replace("/", "/<wbr>").replace("\\", "\\<wbr>")


def write_html(result: ScanResult, summary: ReportSummary, path: str | os.PathLike[str]) -> None:
    """Write the report for `result` (whose figures are `summary`) to `path`."""
    with atomic_text_file(path, newline="\n") as out:
        _Writer(result, summary, out).write()


# -- words and numbers -----------------------------------------------------------------


def n(value: int) -> str:
    return f"{value:,}"


def percent(share: float) -> str:
    value = share * 100
    if value == 0:
        return "0%"
    if value < 0.1:
        return "less than 0.1%"
    return f"{value:.1f}%"


def when(iso: str) -> str:
    """``2025-01-31T14:25:01+01:00`` as ``31 January 2025, 14:25 (UTC+01:00)``."""
    try:
        d = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    zone = ""
    if d.utcoffset() is not None:
        zone = " (" + (d.tzname() or "") + ")" if d.tzname() and "UTC" in str(d.tzname()) else ""
        offset = d.strftime("%z")
        if not zone and offset:
            zone = f" (UTC{offset[:3]}:{offset[3:]})"
    return f"{d.day} {d:%B %Y, %H:%M}{zone}"


def duration(seconds: float) -> str:
    total = max(0, round(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    parts = []
    if h:
        parts.append(plural(h, "hour"))
    if m:
        parts.append(plural(m, "minute"))
    if s or not parts:
        parts.append(plural(s, "second"))
    return " ".join(parts)


# -- the page -------------------------------------------------------------------------

_CSS = """
:root { --ink: #1d2330; --muted: #5b6473; --line: #d5dae2; --soft: #f3f5f8;
        --keep: #17653a; --keep-bg: #e3f4e9; --remove: #8a3b00; --remove-bg: #fdeedf;
        --warn-bg: #fff4d6; --accent: #2356a8; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: var(--ink); margin: 0 auto; padding: 24px 32px 48px; max-width: 1200px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 36px 0 10px; padding-bottom: 4px;
     border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 0 0 4px; }
p { margin: 6px 0; }
.sub { color: var(--muted); margin: 0 0 20px; }
.summary { border: 2px solid var(--accent); border-radius: 10px; padding: 16px 20px;
           background: #f5f8fe; margin: 16px 0; }
.summary p { font-size: 17px; margin: 4px 0; }
.summary .big { font-size: 20px; font-weight: 600; }
.warning { background: var(--warn-bg); border: 1px solid #e2c15b; border-radius: 8px;
           padding: 10px 14px; margin: 12px 0; }
.note { color: var(--muted); font-size: 14px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px;
         border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; font-size: 13px; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.facts th { width: 34%; background: none; font-size: 15px; font-weight: 600; }
table.facts td.num { text-align: left; }
.path { overflow-wrap: anywhere; }
.hash { font: 11px/1.3 ui-monospace, "SF Mono", Consolas, monospace; color: var(--muted);
        word-break: break-all; }
.thumb { width: 112px; }
.thumb img { display: block; max-width: 96px; max-height: 96px; border: 1px solid var(--line);
             border-radius: 4px; background: var(--soft); }
.noprev { width: 96px; height: 72px; display: flex; align-items: center; justify-content: center;
          text-align: center; font-size: 11px; color: var(--muted); border: 1px dashed var(--line);
          border-radius: 4px; padding: 4px; }
.badge { display: inline-block; padding: 2px 8px; border-radius: 12px; font-size: 13px;
         font-weight: 600; white-space: nowrap; }
.badge.keep { color: var(--keep); background: var(--keep-bg); border: 1px solid #9fd3b1; }
.badge.remove { color: var(--remove); background: var(--remove-bg); border: 1px solid #efbf94; }
.badge.protected { color: var(--accent); background: #e7eefb; border: 1px solid #a9c0e8; }
.badge.damaged { color: #a11d1d; background: #fde8e8; border: 1px solid #e5a3a3; }
.badge.match { color: #3d3d3d; background: #f1f1ec; border: 1px solid #cfcfc4; }
tr.keeper td { background: #f6fbf8; }
.group { border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; margin: 16px 0; }
.group .why { color: var(--muted); font-size: 14px; }
.fate-moved { color: var(--keep); }
.fate-bad { color: #a11d1d; font-weight: 600; }
a { color: var(--accent); }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { font-size: 10.5pt; padding: 0; max-width: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .summary, .group, tr, .warning { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  .summary { background: none; }
}
"""


def write_estate_html(
    result: ScanResult, estate: EstateSummary, path: str | os.PathLike[str]
) -> None:
    """The report of a scan across catalogs: the local report's sections (no previews:
    the files are on other machines) with the estate's figures per label after the
    pictures that appear more than N times."""
    with atomic_text_file(path, newline="\n") as out:
        _Writer(result, estate.report, out, estate).write()


class _Writer:
    def __init__(
        self,
        result: ScanResult,
        summary: ReportSummary,
        out: TextIO,
        estate: EstateSummary | None = None,
    ) -> None:
        self.estate = estate
        self.result = result
        self.s = summary
        self.out = out
        self.opts = summary.options
        self.previews_made = 0
        self.with_outcomes = bool(summary.outcomes)

    def w(self, text: str) -> None:
        self.out.write(text)

    def write(self) -> None:
        self._head()
        self._summary()
        self._over_represented()
        if self.estate is not None:
            self._estate(self.estate)
        self._details()
        self._how_to_read()
        self._groups()
        self._skipped()
        self.w(
            f"<footer>Made by PhotoSift {esc(self.s.generated_by)} on "
            f"{esc(when(self.s.generated_at))}. This file contains everything it shows "
            "and can be sent by email or printed.</footer>\n</body>\n</html>\n"
        )

    # -- top of the page ------------------------------------------------------------

    def _head(self) -> None:
        title = self.opts.title
        roots = ", ".join(display_path(r) for r in self.s.header.roots)
        self.w(
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="generator" content="PhotoSift">\n'
            f"<title>{esc(title)} — {esc(roots)}</title>\n<style>{_CSS}</style>\n"
            "</head>\n<body>\n"
            f"<h1>{esc(title)}</h1>\n"
            f'<p class="sub">{esc(plural(len(self.s.header.roots), "folder"))} scanned on '
            f"{esc(when(self.s.header.started_at))} on the computer "
            f"“{esc(self.s.header.machine or 'unknown')}”. Report made on "
            f"{esc(when(self.s.generated_at))}.</p>\n"
        )

    def _summary(self) -> None:
        t = self.s.totals
        o = self.opts
        cur = o.currency
        self.w('<section class="summary" aria-label="Summary">\n')
        if self.s.header.cancelled:
            self.w(
                '<p class="warning"><strong>This scan was stopped before it finished.</strong> '
                "The figures below cover only the part of the library it had read.</p>\n"
            )
        if t.groups == 0:
            self.w(
                f'<p class="big">No duplicates were found among {esc(plural(t.images, "picture"))}.'
                "</p>\n"
            )
        else:
            self.w(
                f'<p class="big">{esc(plural(t.groups, "picture has", "pictures have"))} copies; '
                f"{esc(human_bytes(t.reclaimable_bytes))} could be freed, "
                f"{esc(about_money(t.cost_per_month, cur))} per month.</p>\n"
                f"<p>There are {esc(plural(t.redundant_copies, 'extra copy', 'extra copies'))} "
                f"in total: {esc(percent(t.redundant_share))} of the "
                f"{esc(plural(t.images, 'picture'))} read, using "
                f"{esc(percent(t.reclaimable_share))} of the space of the scanned files.</p>\n"
                f"<p>At {esc(plain_number(o.price_per_gb_month))} {esc(cur)} per GB per month "
                "(standard cloud storage), keeping the extra copies costs "
                f"{esc(about_money(t.cost_per_year, cur))} a year.</p>\n"
            )
            if t.protected_copies:
                self.w(
                    f"<p>{esc(plural(t.protected_copies, 'copy is', 'copies are'))} in "
                    "protected folders and will be kept.</p>\n"
                )
        over = len(self.s.over_represented)
        who = plural(over, "picture appears", "pictures appear") if over else "No picture appears"
        tail = " (listed first below)." if over else "."
        self.w(f"<p>{esc(who)} more than {esc(plural(o.times, 'time'))}{tail}</p>\n")
        if t.skipped:
            self.w(
                f"<p>{esc(plural(t.skipped, 'file', 'files'))} could not be read or "
                "were skipped; they are listed at the end.</p>\n"
            )
        r = self.s.removal
        if r is not None:
            extra = plural(t.redundant_copies, "extra copy", "extra copies")
            verb = "was" if r.moved == 1 else "were"
            parts = [f"{n(r.moved)} of the {extra} {verb} moved out of the way "
                     f"({human_bytes(r.moved_bytes)})"]  # fmt: skip
            if r.failed:
                parts.append(f"{plural(r.failed, 'copy', 'copies')} could not be moved")
            if r.left_in_place:
                parts.append(f"{plural(r.left_in_place, 'copy was', 'copies were')} left in place")
            if r.restored:
                parts.append(f"{plural(r.restored, 'copy was', 'copies were')} put back later")
            self.w(f"<p><strong>Done so far:</strong> {esc('; '.join(parts))}.</p>\n")
        else:
            self.w("<p>Nothing has been moved or deleted yet.</p>\n")
        self.w("</section>\n")
        self._figures()

    def _figures(self) -> None:
        t = self.s.totals
        o = self.opts
        kinds = ""
        if t.exact_groups and t.similar_groups:
            kinds = (
                f" ({n(t.exact_groups)} with identical files only, "
                f"{n(t.similar_groups)} with edited or converted copies)"
            )
        rows: list[tuple[str, str]] = [
            ("Files looked at", f"{n(t.files_seen)} ({human_bytes(t.bytes_seen)})"),
            ("Pictures read", n(t.images)),
            ("Files skipped or unreadable", n(t.skipped)),
            ("Pictures that have copies (groups)", f"{n(t.groups)}{kinds}"),
            ("Files in these groups", n(t.files_in_groups)),
            ("Extra copies (suggested for removal)", n(t.redundant_copies)),
            ("Space the extra copies use", human_bytes(t.reclaimable_bytes)),
            (
                "Share of the library that is redundant",
                f"{percent(t.redundant_share)} of pictures, "
                f"{percent(t.reclaimable_share)} of bytes",
            ),
            (
                "Storage cost of the extra copies",
                f"{money(t.cost_per_month, o.currency)} per month, "
                f"{money(t.cost_per_year, o.currency)} per year "
                f"(at {plain_number(o.price_per_gb_month)} {o.currency} per GB-month)",
            ),
        ]
        if t.protected_copies:
            rows.insert(6, ("Extra copies kept (protected folders)", n(t.protected_copies)))
        if t.hardlinks:
            rows.append(("Hard links (share their bytes; nothing to free)", n(t.hardlinks)))
        self.w('<h2>Key figures</h2>\n<table class="facts">\n')
        for label, value in rows:
            self.w(f'<tr><th scope="row">{esc(label)}</th><td>{esc(value)}</td></tr>\n')
        if t.skipped_by_reason:
            reasons = "; ".join(f"{count:,} {label}" for label, count in t.skipped_by_reason)
            self.w(f'<tr><th scope="row">Why files were skipped</th><td>{esc(reasons)}</td></tr>\n')
        self.w("</table>\n")

    def _estate(self, e: EstateSummary) -> None:
        cur = self.opts.currency
        self.w('<h2 id="estate">Per label (server or data set)</h2>\n<table class="facts">\n')
        self.w(
            "<tr><th>Label</th><th>Files</th><th>Bytes</th><th>Pictures</th><th>Sets</th>"
            "<th>Extra copies</th><th>Reclaimable</th><th>Cost per month</th>"
            "<th>Pictures after de-duplication</th></tr>\n"
        )
        for f in (*e.labels, e.total):
            name = esc(f.label) if f.label else "<strong>All</strong>"
            self.w(
                f'<tr><th scope="row">{name}</th><td>{n(f.files)}</td>'
                f"<td>{esc(human_bytes(f.bytes))}</td><td>{n(f.pictures)}</td><td>{n(f.sets)}</td>"
                f"<td>{n(f.redundant_copies)}</td><td>{esc(human_bytes(f.reclaimable_bytes))}</td>"
                f"<td>{esc(money(f.cost_per_month, cur))}</td><td>{n(f.after_dedup)}</td></tr>\n"
            )
        self.w("</table>\n")
        self.w(
            f"<p>Storage at {esc(plain_number(self.opts.price_per_gb_month))} {esc(cur)} per GB "
            "per month. A set counts on every label it has a file on.</p>\n"
        )
        self.w('<h2 id="spanning">Sets that span labels</h2>\n')
        if not e.pairs:
            self.w("<p>No set has files on two labels.</p>\n")
            return
        self.w(
            f"<p>{n(e.spanning_sets)} sets have files on more than one label. With one "
            "catalog per training split, each is a leak between splits.</p>\n"
            '<table class="facts">\n<tr><th>Labels</th><th>Sets</th><th>Files</th></tr>\n'
        )
        for p in e.pairs:
            self.w(
                f'<tr><th scope="row">{esc(p.first)} &amp; {esc(p.second)}</th>'
                f"<td>{n(p.sets)}</td><td>{n(p.files)}</td></tr>\n"
            )
        self.w("</table>\n")

    def _over_represented(self) -> None:
        over = self.s.over_represented
        times = self.opts.times
        self.w(f'<h2 id="over">Pictures that appear more than {esc(plural(times, "time"))}</h2>\n')
        if not over:
            self.w(f"<p>No picture appears more than {esc(plural(times, 'time'))}.</p>\n")
            return
        self.w(
            f'<p class="note">Each row is one picture and the number of files that hold it. '
            f"Rules for training data may flag any image that appears more than "
            f"{esc(plural(times, 'time'))}.</p>\n"
            '<table class="over">\n<thead><tr><th class="thumb">Preview</th>'
            '<th class="num">Times it appears</th><th>Copy to keep</th>'
            '<th class="num">Space of the extra copies</th><th>Details</th></tr></thead>\n<tbody>\n'
        )
        for o in over:
            self.w('<tr><td class="thumb">')
            self._preview(o.keeper_path)
            kind = "identical files" if o.kind is GroupKind.EXACT else "same picture"
            sha = (
                f'<div class="hash">SHA-256 {esc(o.keeper_sha256)}</div>' if o.keeper_sha256 else ""
            )
            self.w(
                f'</td><td class="num"><strong>{esc(n(o.appearances))}</strong></td>'
                f'<td class="path">{esc_path(o.keeper_path)}{sha}</td>'
                f'<td class="num">{esc(human_bytes(o.reclaimable_bytes))}</td>'
                f'<td><a href="#group-{o.group_id}">Group {o.group_id}</a> ({esc(kind)})</td>'
                "</tr>\n"
            )
        self.w("</tbody></table>\n")

    @staticmethod
    def _smallest(h: ScanHeader) -> list[tuple[str, str]]:
        """The smallest files and pictures looked at, when the scan had such limits."""
        limits = []
        if h.min_file_size:
            limits.append(f"files under {human_bytes(h.min_file_size)}")
        if h.min_width or h.min_height:
            limits.append(f"pictures under {h.min_width}x{h.min_height} pixels (either way round)")
        return [("Left out as too small", "\n".join(limits))] if limits else []

    def _details(self) -> None:
        h = self.s.header
        if h.max_distance is None:
            likeness = f"{h.similarity_label}: only files with exactly the same bytes"
        else:
            likeness = (
                f"{h.similarity_label} (pictures may differ by up to {h.max_distance} "
                "points of 64 in their visual fingerprint)"
            )
        rows: list[tuple[str, str]] = [
            ("Folders scanned", "\n".join(display_path(r) for r in h.roots)),
            ("Left out (exclusion patterns)", "\n".join(h.excludes) or "nothing"),
            (
                "Protected folders (never suggested for removal)",
                "\n".join(display_path(p) for p in h.protected) or "none",
            ),
            *self._smallest(h),
            ("How alike copies must be", likeness),
            ("Rotated or mirrored copies", "matched" if h.rotations else "not matched"),
            ("Scan started", when(h.started_at)),
            ("Scan finished", when(h.finished_at)),
            ("Time the scan took", duration(h.seconds)),
            ("Computer", h.machine or "unknown"),
            ("PhotoSift version that scanned", h.app_version),
            ("Report made", f"{when(self.s.generated_at)} by PhotoSift {self.s.generated_by}"),
        ]
        if self.s.removal is not None and self.s.removal.batches:
            rows.append(("Removal batches in the undo log", ", ".join(self.s.removal.batches)))
        self.w('<h2>What was scanned</h2>\n<table class="facts">\n')
        for label, value in rows:
            cell = "<br>".join(esc(line) for line in value.split("\n"))
            self.w(f'<tr><th scope="row">{esc(label)}</th><td class="path">{cell}</td></tr>\n')
        self.w("</table>\n")

    def _how_to_read(self) -> None:
        self.w(
            '<h2 id="groups">Every picture that has copies</h2>\n'
            '<p class="note">Each box below is one picture found in several files. PhotoSift '
            'suggests keeping the best copy (<span class="badge keep">Keep (best copy)</span>) '
            'and lists the others as <span class="badge remove">Extra copy</span>. '
            "<strong>Quality</strong> is a score from 0 to 100 (resolution, sharpness, "
            "compression, metadata). <strong>Difference</strong> compares each copy with the kept "
            "one: 0 means it looks the same; larger numbers mean more visible differences. "
            "<strong>SHA-256</strong> is a fingerprint of the file's bytes: two files with the "
            "same SHA-256 are exactly identical.</p>\n"
        )
        if not self.result.groups:
            self.w("<p>No duplicates were found.</p>\n")

    # -- groups ---------------------------------------------------------------------

    def _groups(self) -> None:
        for g in self.result.groups:
            self._group(g)

    def _group(self, g: DuplicateGroup) -> None:
        kind = "identical files" if g.kind is GroupKind.EXACT else "the same picture"
        reclaim = g.reclaimable_bytes
        self.w(
            f'<section class="group" id="group-{g.id}">\n'
            f"<h3>Group {g.id}: {esc(plural(g.size, 'copy', 'copies'))} of {kind}"
            + (f" — {esc(human_bytes(reclaim))} could be freed" if reclaim else "")
            + "</h3>\n"
        )
        reason = g.reason
        if reason.lower().startswith("kept: "):
            reason = reason[len("kept: ") :]
        if reason:
            self.w(f'<p class="why">Why the first copy is kept: {esc(reason)}</p>\n')
        self.w(
            '<table>\n<thead><tr><th class="thumb">Preview</th><th>Suggestion</th>'
            '<th>File</th><th class="num">Picture</th><th class="num">Quality</th>'
            '<th class="num">Difference</th>'
            + ("<th>What happened</th>" if self.with_outcomes else "")
            + "</tr></thead>\n<tbody>\n"
        )
        shown_hashes: set[str] = set()
        for m in _keeper_first(g.members):
            self._member(m, shown_hashes, g.keeper.path)
        self.w("</tbody></table>\n</section>\n")

    def _member(self, m: GroupMember, shown_hashes: set[str], keeper: str) -> None:
        action = action_of(m)
        badge = {Action.KEEP: "keep", Action.REMOVE: "remove", Action.KEEP_PROTECTED: "protected"}
        metrics = m.metrics
        row_class = ' class="keeper"' if m.is_keeper else ""
        self.w(f'<tr{row_class}><td class="thumb">')
        outcome = self.s.outcome(m.path) if self.with_outcomes else None
        if m.sha256 and m.sha256 in shown_hashes:
            self._placeholder("Same bytes as a copy above")
        else:
            # a moved file is previewed where it went, when the undo log knows
            self._preview(m.path, outcome.destination if outcome else None)
            if m.sha256:
                shown_hashes.add(m.sha256)
        self.w(
            f'</td><td><span class="badge {badge[action]}">{esc(action.label)}</span></td>'
            f'<td><div class="path">{esc_path(m.path)}</div>'
        )
        if m.sha256:
            self.w(f'<div class="hash">SHA-256 {esc(m.sha256)}</div>')
        if metrics is not None and metrics.damaged:
            self.w(
                f'<div><span class="badge damaged">Damaged</span> '
                f'<span class="note">{esc(metrics.damage_message)}</span></div>'
            )
        if (words := match_words(m.match, keeper)) is not None:
            self.w(
                f'<div class="match"><span class="badge match">{esc(words.short)}</span> '
                f'<span class="note">{esc(words.details)}</span></div>'
            )
        if m.kept_over is not None:
            on = criterion_label(m.kept_over.criterion)  # the window's words for it
            self.w(
                f'<div class="note">Why the kept copy is preferred ({esc(on)}): '
                f"{esc(m.kept_over.summary)}</div>"
            )
        if m.entry.hardlinks:
            others = ", ".join(display_path(p) for p in m.entry.hardlinks)
            self.w(f'<div class="note">Also under these names (hard links): {esc(others)}</div>')
        if m.entry.sidecars:
            cars = ", ".join(esc_path(os.path.basename(c.path)) for c in m.entry.sidecars)
            self.w(f'<div class="note">Sidecar files (keywords, captions, edits): {cars}</div>')
        dims = f"{metrics.width:,} × {metrics.height:,}" if metrics else "cannot be decoded"
        fmt = metrics.format if metrics else ""
        self.w(
            f'</td><td class="num">{esc(dims)}<br>{esc(fmt)} {esc(human_bytes(m.entry.size))}</td>'
            f'<td class="num">{m.quality}</td>'
            f'<td class="num">{"kept copy" if m.is_keeper else m.distance}</td>'
        )
        if self.with_outcomes:
            self._outcome_cell(outcome)
        self.w("</tr>\n")

    def _outcome_cell(self, outcome: FileOutcome | None) -> None:
        if outcome is None:
            self.w('<td class="note">not moved</td>')
            return
        where = "the trash" if outcome.method == "trash" else "the quarantine folder"
        headline = {
            Fate.MOVED: f"Moved to {where}",
            Fate.RESTORED: f"Moved to {where}, then put back",
        }.get(outcome.fate, outcome.fate.label.capitalize())
        ok = outcome.fate in (Fate.MOVED, Fate.RESTORED)
        self.w(f'<td class="{"fate-moved" if ok else "fate-bad"}">{esc(headline)}')
        if outcome.detail and not ok:
            self.w(f"<div>{esc(outcome.detail)}</div>")
        self.w(f'<div class="note">{esc(when(outcome.when))}</div>')
        if outcome.destination and outcome.fate is Fate.MOVED:
            self.w(f'<div class="hash">now at {esc_path(outcome.destination)}</div>')
        self.w("</td>")

    # -- previews ---------------------------------------------------------------------

    def _preview(self, path: str, moved_to: str | None = None) -> None:
        """Make one preview, write it, and let it go before the next one is made."""
        o = self.opts
        if self.result.from_catalogs:  # a labelled path names a file on another machine
            self._placeholder("No preview: the file is on another machine")
            return
        if not o.thumbnails:
            self._placeholder("Previews turned off")
            return
        if o.max_thumbnails is not None and self.previews_made >= o.max_thumbnails:
            self._placeholder(f"No preview (report limited to {o.max_thumbnails:,} previews)")
            return
        thumb = thumbs.make_thumbnail(path, o.thumbnail_size)
        if thumb is None and moved_to:
            thumb = thumbs.make_thumbnail(moved_to, o.thumbnail_size)
        if thumb is None:
            self._placeholder("No preview: file missing or unreadable")
            return
        self.previews_made += 1
        name = os.path.basename(display_path(path))
        self.w(
            f'<img src="{esc(thumb.data_uri)}" width="{thumb.width}" height="{thumb.height}" '
            f'alt="{esc("Preview of " + name)}">'
        )

    def _placeholder(self, text: str) -> None:
        self.w(f'<div class="noprev">{esc(text)}</div>')

    # -- skipped files -------------------------------------------------------------------

    def _skipped(self) -> None:
        skipped = self.result.skipped
        title = f"Files that were skipped or could not be read ({n(len(skipped))})"
        self.w(f'<h2 id="skipped">{esc(title)}</h2>\n')
        if not skipped:
            self.w("<p>Every file was read.</p>\n")
            return
        self.w(
            '<p class="note">These files are not part of any group: PhotoSift did not compare '
            "them with anything.</p>\n"
            '<table>\n<thead><tr><th style="width:62%">File</th><th>Reason</th></tr></thead>\n'
            "<tbody>\n"
        )
        for k in skipped:
            self.w(f'<tr><td class="path">{esc_path(k.path)}</td><td>{esc(k.message)}</td></tr>\n')
        self.w("</tbody></table>\n")


def _keeper_first(members: Iterable[GroupMember]) -> list[GroupMember]:
    return sorted(members, key=lambda m: not m.is_keeper)
