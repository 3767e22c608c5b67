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

from babel.dates import format_date, format_time

from cleaner.atomic import atomic_text_file
from cleaner.humanize import (
    criterion_label,
    damage_words,
    kept_over_summary,
    match_words,
    plain_number,
    skipped_words,
)
from cleaner.i18n import (
    _,
    about_money,
    current_language,
    format_locale,
    money,
    ngettext,
    number,
    pgettext,
)
from cleaner.i18n import human_size as human_bytes
from cleaner.i18n import percent as whole_percent
from cleaner.keep import shown_reason
from cleaner.models import (
    DuplicateGroup,
    GroupKind,
    GroupMember,
    ScanResult,
)
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
    return number(value)


def percent(share: float) -> str:
    """A share with one decimal: "12.5%" ("12,5 %" in Spain); "less than 0.1%"."""
    value = share * 100
    if value == 0:
        return whole_percent(0)
    if value < 0.1:
        return _("less than {percent}").format(percent=_one_decimal_percent(0.1))
    return _one_decimal_percent(value)


def _one_decimal_percent(value: float) -> str:
    return whole_percent(0).replace(number(0), number(value, 1))


def when(iso: str) -> str:
    """``2025-01-31T14:25:01+01:00`` as ``31 January 2025, 14:25 (UTC+01:00)``, the
    month named in the report's language."""
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
    loc = format_locale()
    # "31 January 2025" in English as before; the locale's long date elsewhere
    # ("31 de enero de 2025")
    day = format_date(d, "d MMMM y" if loc.language == "en" else "long", locale=loc)
    return f"{day}, {format_time(d, 'HH:mm', locale=loc)}{zone}"


def duration(seconds: float) -> str:
    total = max(0, round(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    parts = []
    if h:
        parts.append(ngettext("{n} hour", "{n} hours", h).format(n=number(h)))
    if m:
        parts.append(ngettext("{n} minute", "{n} minutes", m).format(n=number(m)))
    if s or not parts:
        parts.append(ngettext("{n} second", "{n} seconds", s).format(n=number(s)))
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
        footer = _(
            "Made by PhotoSift {version} on {when}. This file contains everything it shows "
            "and can be sent by email or printed."
        ).format(version=self.s.generated_by, when=when(self.s.generated_at))
        self.w(f"<footer>{esc(footer)}</footer>\n</body>\n</html>\n")

    # -- top of the page ------------------------------------------------------------

    def _head(self) -> None:
        title = _(self.opts.title)
        roots = ", ".join(display_path(r) for r in self.s.header.roots)
        lang = format_locale().language if current_language() != "pseudo" else "en"
        folders = len(self.s.header.roots)
        sub = ngettext(
            "{n} folder scanned on {when} on the computer “{machine}”. Report made on {made}.",
            "{n} folders scanned on {when} on the computer “{machine}”. Report made on {made}.",
            folders,
        ).format(
            n=number(folders),
            when=when(self.s.header.started_at),
            machine=self.s.header.machine or _("unknown"),
            made=when(self.s.generated_at),
        )
        self.w(
            f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="generator" content="PhotoSift">\n'
            f"<title>{esc(title)} — {esc(roots)}</title>\n<style>{_CSS}</style>\n"
            "</head>\n<body>\n"
            f"<h1>{esc(title)}</h1>\n"
            f'<p class="sub">{esc(sub)}</p>\n'
        )

    def _summary(self) -> None:
        t = self.s.totals
        o = self.opts
        cur = o.currency
        summary = esc(_("Summary"))
        self.w(f'<section class="summary" aria-label="{summary}">\n')
        if self.s.header.cancelled:
            stopped = _("This scan was stopped before it finished.")
            partial = _("The figures below cover only the part of the library it had read.")
            self.w(f'<p class="warning"><strong>{esc(stopped)}</strong> {esc(partial)}</p>\n')
        if t.groups == 0:
            none = ngettext(
                "No duplicates were found among {n} picture.",
                "No duplicates were found among {n} pictures.",
                t.images,
            ).format(n=number(t.images))
            self.w(f'<p class="big">{esc(none)}</p>\n')
        else:
            big = ngettext(
                "{n} picture has copies; {size} could be freed, {cost} per month.",
                "{n} pictures have copies; {size} could be freed, {cost} per month.",
                t.groups,
            ).format(
                n=number(t.groups),
                size=human_bytes(t.reclaimable_bytes),
                cost=about_money(t.cost_per_month, cur),
            )
            extra = ngettext(
                "There is {n} extra copy in total: {share} of the {pictures} read, using "
                "{space} of the space of the scanned files.",
                "There are {n} extra copies in total: {share} of the {pictures} read, using "
                "{space} of the space of the scanned files.",
                t.redundant_copies,
            ).format(
                n=number(t.redundant_copies),
                share=percent(t.redundant_share),
                pictures=ngettext("{n} picture", "{n} pictures", t.images).format(
                    n=number(t.images)
                ),
                space=percent(t.reclaimable_share),
            )
            cost = _(
                "At {price} {currency} per GB per month (standard cloud storage), keeping the "
                "extra copies costs {cost} a year."
            ).format(
                price=number_plain(o.price_per_gb_month),
                currency=cur,
                cost=about_money(t.cost_per_year, cur),
            )
            self.w(f'<p class="big">{esc(big)}</p>\n<p>{esc(extra)}</p>\n<p>{esc(cost)}</p>\n')
            if t.protected_copies:
                kept = ngettext(
                    "{n} copy is in protected folders and will be kept.",
                    "{n} copies are in protected folders and will be kept.",
                    t.protected_copies,
                ).format(n=number(t.protected_copies))
                self.w(f"<p>{esc(kept)}</p>\n")
        over = len(self.s.over_represented)
        times = ngettext("{n} time", "{n} times", o.times).format(n=number(o.times))
        if over:
            often = ngettext(
                "{n} picture appears more than {times} (listed first below).",
                "{n} pictures appear more than {times} (listed first below).",
                over,
            ).format(n=number(over), times=times)
        else:
            often = _("No picture appears more than {times}.").format(times=times)
        self.w(f"<p>{esc(often)}</p>\n")
        if t.skipped:
            skipped = ngettext(
                "{n} file could not be read or was skipped; it is listed at the end.",
                "{n} files could not be read or were skipped; they are listed at the end.",
                t.skipped,
            ).format(n=number(t.skipped))
            self.w(f"<p>{esc(skipped)}</p>\n")
        r = self.s.removal
        if r is not None:
            extra_copies = ngettext(
                "{n} extra copy", "{n} extra copies", t.redundant_copies
            ).format(n=number(t.redundant_copies))
            parts = [
                ngettext(
                    "{n} of the {extra} was moved out of the way ({size})",
                    "{n} of the {extra} were moved out of the way ({size})",
                    r.moved,
                ).format(n=number(r.moved), extra=extra_copies, size=human_bytes(r.moved_bytes))
            ]
            if r.failed:
                parts.append(
                    ngettext(
                        "{n} copy could not be moved", "{n} copies could not be moved", r.failed
                    ).format(n=number(r.failed))
                )
            if r.left_in_place:
                parts.append(
                    ngettext(
                        "{n} copy was left in place",
                        "{n} copies were left in place",
                        r.left_in_place,
                    ).format(n=number(r.left_in_place))
                )
            if r.restored:
                parts.append(
                    ngettext(
                        "{n} copy was put back later", "{n} copies were put back later", r.restored
                    ).format(n=number(r.restored))
                )
            done = _("Done so far:")
            self.w(f"<p><strong>{esc(done)}</strong> {esc('; '.join(parts))}.</p>\n")
        else:
            nothing = _("Nothing has been moved or deleted yet.")
            self.w(f"<p>{esc(nothing)}</p>\n")
        self.w("</section>\n")
        self._figures()

    def _figures(self) -> None:
        t = self.s.totals
        o = self.opts
        kinds = ""
        if t.exact_groups and t.similar_groups:
            kinds = (
                " ("
                + _(
                    "{exact} with identical files only, {similar} with edited or converted copies"
                ).format(exact=n(t.exact_groups), similar=n(t.similar_groups))
                + ")"
            )
        rows: list[tuple[str, str]] = [
            (_("Files looked at"), f"{n(t.files_seen)} ({human_bytes(t.bytes_seen)})"),
            (_("Pictures read"), n(t.images)),
            (_("Files skipped or unreadable"), n(t.skipped)),
            (_("Pictures that have copies (groups)"), f"{n(t.groups)}{kinds}"),
            (_("Files in these groups"), n(t.files_in_groups)),
            (_("Extra copies (suggested for removal)"), n(t.redundant_copies)),
            (_("Space the extra copies use"), human_bytes(t.reclaimable_bytes)),
            (
                _("Share of the library that is redundant"),
                _("{pictures} of pictures, {bytes} of bytes").format(
                    pictures=percent(t.redundant_share), bytes=percent(t.reclaimable_share)
                ),
            ),
            (
                _("Storage cost of the extra copies"),
                _("{month} per month, {year} per year (at {price} {currency} per GB-month)").format(
                    month=money(t.cost_per_month, o.currency),
                    year=money(t.cost_per_year, o.currency),
                    price=number_plain(o.price_per_gb_month),
                    currency=o.currency,
                ),
            ),
        ]
        if t.protected_copies:
            rows.insert(6, (_("Extra copies kept (protected folders)"), n(t.protected_copies)))
        if t.hardlinks:
            rows.append((_("Hard links (share their bytes; nothing to free)"), n(t.hardlinks)))
        key_figures = _("Key figures")
        self.w(f'<h2>{esc(key_figures)}</h2>\n<table class="facts">\n')
        for label, value in rows:
            self.w(f'<tr><th scope="row">{esc(label)}</th><td>{esc(value)}</td></tr>\n')
        if t.skipped_by_reason:
            reasons = "; ".join(f"{n(count)} {_(label)}" for label, count in t.skipped_by_reason)
            why = _("Why files were skipped")
            self.w(f'<tr><th scope="row">{esc(why)}</th><td>{esc(reasons)}</td></tr>\n')
        self.w("</table>\n")

    def _estate(self, e: EstateSummary) -> None:
        cur = self.opts.currency
        heads = (
            _("Label"), _("Files"), _("Bytes"), _("Pictures"), _("Sets"), _("Extra copies"),
            _("Reclaimable"), _("Cost per month"), _("Pictures after de-duplication"),
        )  # fmt: skip
        title = _("Per label (server or data set)")
        self.w(f'<h2 id="estate">{esc(title)}</h2>\n<table class="facts">\n')
        self.w("<tr>" + "".join(f"<th>{esc(h)}</th>" for h in heads) + "</tr>\n")
        for f in (*e.labels, e.total):
            name = esc(f.label) if f.label else "<strong>" + esc(_("All")) + "</strong>"
            self.w(
                f'<tr><th scope="row">{name}</th><td>{n(f.files)}</td>'
                f"<td>{esc(human_bytes(f.bytes))}</td><td>{n(f.pictures)}</td><td>{n(f.sets)}</td>"
                f"<td>{n(f.redundant_copies)}</td><td>{esc(human_bytes(f.reclaimable_bytes))}</td>"
                f"<td>{esc(money(f.cost_per_month, cur))}</td><td>{n(f.after_dedup)}</td></tr>\n"
            )
        self.w("</table>\n")
        storage = _(
            "Storage at {price} {currency} per GB per month. A set counts on every label it "
            "has a file on."
        ).format(price=number_plain(self.opts.price_per_gb_month), currency=cur)
        self.w(f"<p>{esc(storage)}</p>\n")
        spanning_title = _("Sets that span labels")
        self.w(f'<h2 id="spanning">{esc(spanning_title)}</h2>\n')
        if not e.pairs:
            no_pairs = _("No set has files on two labels.")
            self.w(f"<p>{esc(no_pairs)}</p>\n")
            return
        spanning = ngettext(
            "{n} set has files on more than one label. With one catalog per training split, "
            "it is a leak between splits.",
            "{n} sets have files on more than one label. With one catalog per training split, "
            "each is a leak between splits.",
            e.spanning_sets,
        ).format(n=n(e.spanning_sets))
        self.w(
            f"<p>{esc(spanning)}</p>\n"
            '<table class="facts">\n<tr>'
            + "".join(f"<th>{esc(h)}</th>" for h in (_("Labels"), _("Sets"), _("Files")))
            + "</tr>\n"
        )
        for p in e.pairs:
            self.w(
                f'<tr><th scope="row">{esc(p.first)} &amp; {esc(p.second)}</th>'
                f"<td>{n(p.sets)}</td><td>{n(p.files)}</td></tr>\n"
            )
        self.w("</table>\n")

    def _over_represented(self) -> None:
        over = self.s.over_represented
        times = ngettext("{n} time", "{n} times", self.opts.times).format(n=number(self.opts.times))
        title = _("Pictures that appear more than {times}").format(times=times)
        self.w(f'<h2 id="over">{esc(title)}</h2>\n')
        if not over:
            none = _("No picture appears more than {times}.").format(times=times)
            self.w(f"<p>{esc(none)}</p>\n")
            return
        note = _(
            "Each row is one picture and the number of files that hold it. Rules for training "
            "data may flag any image that appears more than {times}."
        ).format(times=times)
        self.w(
            f'<p class="note">{esc(note)}</p>\n'
            '<table class="over">\n<thead><tr>'
            + _header_cells(
                [
                    ("thumb", _("Preview")),
                    ("num", _("Times it appears")),
                    ("", _("Copy to keep")),
                    ("num", _("Space of the extra copies")),
                    ("", _("Details")),
                ]
            )
            + "</tr></thead>\n<tbody>\n"
        )
        for o in over:
            self.w('<tr><td class="thumb">')
            self._preview(o.keeper_path)
            kind = _("identical files") if o.kind is GroupKind.EXACT else _("same picture")
            sha = (
                f'<div class="hash">SHA-256 {esc(o.keeper_sha256)}</div>' if o.keeper_sha256 else ""
            )
            group = _("Group {id}").format(id=o.group_id)
            self.w(
                f'</td><td class="num"><strong>{esc(n(o.appearances))}</strong></td>'
                f'<td class="path">{esc_path(o.keeper_path)}{sha}</td>'
                f'<td class="num">{esc(human_bytes(o.reclaimable_bytes))}</td>'
                f'<td><a href="#group-{o.group_id}">{esc(group)}</a> ({esc(kind)})</td>'
                "</tr>\n"
            )
        self.w("</tbody></table>\n")

    @staticmethod
    def _smallest(h: ScanHeader) -> list[tuple[str, str]]:
        """The smallest files and pictures looked at, when the scan had such limits."""
        limits = []
        if h.min_file_size:
            limits.append(_("files under {size}").format(size=human_bytes(h.min_file_size)))
        if h.min_width or h.min_height:
            limits.append(
                _("pictures under {width}x{height} pixels (either way round)").format(
                    width=h.min_width, height=h.min_height
                )
            )
        return [(_("Left out as too small"), "\n".join(limits))] if limits else []

    def _details(self) -> None:
        h = self.s.header
        similarity = _(h.similarity_label)
        if h.max_distance is None:
            likeness = _("{similarity}: only files with exactly the same bytes").format(
                similarity=similarity
            )
        else:
            likeness = _(
                "{similarity} (pictures may differ by up to {n} points of 64 in their visual "
                "fingerprint)"
            ).format(similarity=similarity, n=h.max_distance)
        rows: list[tuple[str, str]] = [
            (_("Folders scanned"), "\n".join(display_path(r) for r in h.roots)),
            (_("Left out (exclusion patterns)"), "\n".join(h.excludes) or _("nothing")),
            (
                _("Protected folders (never suggested for removal)"),
                "\n".join(display_path(p) for p in h.protected) or _("none"),
            ),
            *self._smallest(h),
            (_("How alike copies must be"), likeness),
            (_("Rotated or mirrored copies"), _("matched") if h.rotations else _("not matched")),
            (_("Scan started"), when(h.started_at)),
            (_("Scan finished"), when(h.finished_at)),
            (_("Time the scan took"), duration(h.seconds)),
            (_("Computer"), h.machine or _("unknown")),
            (_("PhotoSift version that scanned"), h.app_version),
            (
                _("Report made"),
                _("{when} by PhotoSift {version}").format(
                    when=when(self.s.generated_at), version=self.s.generated_by
                ),
            ),
        ]
        if self.s.removal is not None and self.s.removal.batches:
            rows.append((_("Removal batches in the undo log"), ", ".join(self.s.removal.batches)))
        scanned = _("What was scanned")
        self.w(f'<h2>{esc(scanned)}</h2>\n<table class="facts">\n')
        for label, value in rows:
            cell = "<br>".join(esc(line) for line in value.split("\n"))
            self.w(f'<tr><th scope="row">{esc(label)}</th><td class="path">{cell}</td></tr>\n')
        self.w("</table>\n")

    def _how_to_read(self) -> None:
        keep = '<span class="badge keep">' + esc(_("Keep (best copy)")) + "</span>"
        extra = '<span class="badge remove">' + esc(_("Extra copy")) + "</span>"
        # The explanation is translated as one piece; the badges and bold words are put
        # into it after it is escaped, so a translation cannot add markup.
        note = esc(
            _(
                "Each box below is one picture found in several files. PhotoSift suggests "
                "keeping the best copy ({keep}) and lists the others as {extra}. {quality} is a "
                "score from 0 to 100 (resolution, sharpness, compression, metadata). "
                "{difference} compares each copy with the kept one: 0 means it looks the same; "
                "larger numbers mean more visible differences. {sha} is a fingerprint of the "
                "file's bytes: two files with the same SHA-256 are exactly identical."
            )
        ).format(
            keep=keep,
            extra=extra,
            quality="<strong>" + esc(_("Quality")) + "</strong>",
            difference="<strong>" + esc(_("Difference")) + "</strong>",
            sha="<strong>SHA-256</strong>",
        )
        title = _("Every picture that has copies")
        self.w(f'<h2 id="groups">{esc(title)}</h2>\n<p class="note">{note}</p>\n')
        if not self.result.groups:
            none = _("No duplicates were found.")
            self.w(f"<p>{esc(none)}</p>\n")

    # -- groups ---------------------------------------------------------------------

    def _groups(self) -> None:
        for g in self.result.groups:
            self._group(g)

    def _group(self, g: DuplicateGroup) -> None:
        reclaim = g.reclaimable_bytes
        if g.kind is GroupKind.EXACT:
            heading = ngettext(
                "Group {id}: {n} copy of identical files",
                "Group {id}: {n} copies of identical files",
                g.size,
            )
        else:
            heading = ngettext(
                "Group {id}: {n} copy of the same picture",
                "Group {id}: {n} copies of the same picture",
                g.size,
            )
        heading = heading.format(id=g.id, n=number(g.size))
        if reclaim:
            freed = _("{size} could be freed").format(size=human_bytes(reclaim))
            heading = f"{heading} — {freed}"
        self.w(f'<section class="group" id="group-{g.id}">\n<h3>{esc(heading)}</h3>\n')
        reason = shown_reason(g).full
        if reason:
            why = _("Why the first copy is kept: {reason}").format(reason=reason)
            self.w(f'<p class="why">{esc(why)}</p>\n')
        heads = [
            ("thumb", _("Preview")),
            ("", _("Suggestion")),
            ("", pgettext("report column", "File")),
            ("num", pgettext("report column", "Picture")),
            ("num", _("Quality")),
            ("num", _("Difference")),
        ]
        if self.with_outcomes:
            heads.append(("", _("What happened")))
        self.w(f"<table>\n<thead><tr>{_header_cells(heads)}</tr></thead>\n<tbody>\n")
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
            self._placeholder(_("Same bytes as a copy above"))
        else:
            # a moved file is previewed where it went, when the undo log knows
            self._preview(m.path, outcome.destination if outcome else None)
            if m.sha256:
                shown_hashes.add(m.sha256)
        self.w(
            f'</td><td><span class="badge {badge[action]}">{esc(_(action.label))}</span></td>'
            f'<td><div class="path">{esc_path(m.path)}</div>'
        )
        if m.sha256:
            self.w(f'<div class="hash">SHA-256 {esc(m.sha256)}</div>')
        if metrics is not None and metrics.damaged:
            damage = damage_words(metrics)
            self.w(
                '<div><span class="badge damaged">'
                + esc(_("Damaged"))
                + f'</span> <span class="note">{esc(damage)}</span></div>'
            )
        if (words := match_words(m.match, keeper)) is not None:
            self.w(
                f'<div class="match"><span class="badge match">{esc(words.short)}</span> '
                f'<span class="note">{esc(words.details)}</span></div>'
            )
        if m.kept_over is not None:
            on = criterion_label(m.kept_over.criterion)  # the window's words for it
            preferred = _("Why the kept copy is preferred ({criterion}): {why}").format(
                criterion=on, why=kept_over_summary(m.kept_over)
            )
            self.w(f'<div class="note">{esc(preferred)}</div>')
        if m.entry.hardlinks:
            others = ", ".join(display_path(p) for p in m.entry.hardlinks)
            links = _("Also under these names (hard links): {names}").format(names=others)
            self.w(f'<div class="note">{esc(links)}</div>')
        if m.entry.sidecars:
            cars = ", ".join(esc_path(os.path.basename(c.path)) for c in m.entry.sidecars)
            label = esc(_("Sidecar files (keywords, captions, edits):"))
            self.w(f'<div class="note">{label} {cars}</div>')
        dims = _("cannot be decoded")
        if metrics:
            dims = f"{n(metrics.width)} × {n(metrics.height)}"
        fmt = metrics.format if metrics else ""
        distance = esc(_("kept copy")) if m.is_keeper else str(m.distance)
        self.w(
            f'</td><td class="num">{esc(dims)}<br>{esc(fmt)} {esc(human_bytes(m.entry.size))}</td>'
            f'<td class="num">{m.quality}</td>'
            f'<td class="num">{distance}</td>'
        )
        if self.with_outcomes:
            self._outcome_cell(outcome)
        self.w("</tr>\n")

    def _outcome_cell(self, outcome: FileOutcome | None) -> None:
        if outcome is None:
            self.w('<td class="note">' + esc(_("not moved")) + "</td>")
            return
        trash = outcome.method == "trash"
        if outcome.fate is Fate.MOVED:
            headline = _("Moved to the trash") if trash else _("Moved to the quarantine folder")
        elif outcome.fate is Fate.RESTORED:
            if trash:
                headline = _("Moved to the trash, then put back")
            else:
                headline = _("Moved to the quarantine folder, then put back")
        else:
            label = _(outcome.fate.label)
            headline = label[:1].upper() + label[1:]
        ok = outcome.fate in (Fate.MOVED, Fate.RESTORED)
        self.w(f'<td class="{"fate-moved" if ok else "fate-bad"}">{esc(headline)}')
        if outcome.detail and not ok:
            self.w(f"<div>{esc(outcome.detail)}</div>")
        self.w(f'<div class="note">{esc(when(outcome.when))}</div>')
        if outcome.destination and outcome.fate is Fate.MOVED:
            now_at = esc(_("now at {path}")).format(path=esc_path(outcome.destination))
            self.w(f'<div class="hash">{now_at}</div>')
        self.w("</td>")

    # -- previews ---------------------------------------------------------------------

    def _preview(self, path: str, moved_to: str | None = None) -> None:
        """Make one preview, write it, and let it go before the next one is made."""
        o = self.opts
        if self.result.from_catalogs:  # a labelled path names a file on another machine
            self._placeholder(_("No preview: the file is on another machine"))
            return
        if not o.thumbnails:
            self._placeholder(_("Previews turned off"))
            return
        if o.max_thumbnails is not None and self.previews_made >= o.max_thumbnails:
            limited = _("No preview (report limited to {n} previews)").format(n=n(o.max_thumbnails))
            self._placeholder(limited)
            return
        thumb = thumbs.make_thumbnail(path, o.thumbnail_size)
        if thumb is None and moved_to:
            thumb = thumbs.make_thumbnail(moved_to, o.thumbnail_size)
        if thumb is None:
            self._placeholder(_("No preview: file missing or unreadable"))
            return
        self.previews_made += 1
        name = os.path.basename(display_path(path))
        alt = _("Preview of {name}").format(name=name)
        self.w(
            f'<img src="{esc(thumb.data_uri)}" width="{thumb.width}" height="{thumb.height}" '
            f'alt="{esc(alt)}">'
        )

    def _placeholder(self, text: str) -> None:
        self.w(f'<div class="noprev">{esc(text)}</div>')

    # -- skipped files -------------------------------------------------------------------

    def _skipped(self) -> None:
        skipped = self.result.skipped
        title = _("Files that were skipped or could not be read ({n})").format(n=n(len(skipped)))
        self.w(f'<h2 id="skipped">{esc(title)}</h2>\n')
        if not skipped:
            every = _("Every file was read.")
            self.w(f"<p>{esc(every)}</p>\n")
            return
        note = _(
            "These files are not part of any group: PhotoSift did not compare them with anything."
        )
        file_head = pgettext("report column", "File")
        self.w(
            f'<p class="note">{esc(note)}</p>\n'
            f'<table>\n<thead><tr><th style="width:62%">{esc(file_head)}</th>'
            + "<th>"
            + esc(_("Reason"))
            + "</th></tr></thead>\n<tbody>\n"
        )
        for k in skipped:
            why = esc(skipped_words(k))
            self.w(f'<tr><td class="path">{esc_path(k.path)}</td><td>{why}</td></tr>\n')
        self.w("</tbody></table>\n")


def _header_cells(heads: list[tuple[str, str]]) -> str:
    """Table heading cells from (CSS class or "", words) pairs."""
    return "".join(
        f'<th class="{cls}">{esc(text)}</th>' if cls else f"<th>{esc(text)}</th>"
        for cls, text in heads
    )


def number_plain(value: float) -> str:
    """A price as people write it, never in scientific notation, in the locale's digits:
    0.023, 3 ("0,023" in Spain)."""
    text = plain_number(value)
    if "." not in text:
        return number(int(text))
    return number(value, len(text.split(".")[1]))


def _keeper_first(members: Iterable[GroupMember]) -> list[GroupMember]:
    return sorted(members, key=lambda m: not m.is_keeper)
