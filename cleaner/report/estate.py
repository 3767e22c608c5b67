"""The estate report: the figures of a scan across catalogs, per label and across all.

`estate_summary(result, labels, options)` computes, from a result whose paths are
labelled (``LABEL:RELPATH``, `cleaner.catalog.estate`) and the facts of each catalog
(`LabelFacts`): per label and across all, files, bytes, pictures, sets, redundant copies,
reclaimable bytes and their storage cost per month; the sets that span labels, with
counts per pair of labels (for training splits: the leakage between splits); and the
pictures that appear more than `options.times` times (`ReportSummary.over_represented`).

Writers: `estate_text` (the terminal), `estate_csv`, `estate_to_dict` (JSON),
`write_keep_list` (plain list or CSV), `dataset_summary_dict` / `dataset_summary_markdown`.
The HTML report shows the same figures (`cleaner.report.html`). Nothing here opens a
picture: the files are on other machines.
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from cleaner.atomic import atomic_text_file
from cleaner.i18n import _, human_size, money, ngettext, number
from cleaner.models import THRESHOLDS, ScanResult
from cleaner.report.summary import ReportOptions, ReportSummary, cost, summarize
from cleaner.resultio import result_to_dict


@dataclass(frozen=True, slots=True)
class LabelFacts:
    """One catalog, as the grouping read it."""

    label: str
    catalog: str  # the catalog file
    machine: str
    built_at: str
    photosift_version: str
    algorithm_version: int
    roots: tuple[str, ...]
    files: int
    bytes: int
    pictures: int


@dataclass(frozen=True, slots=True)
class LabelFigures:
    label: str  # "" for the whole estate
    files: int
    bytes: int
    pictures: int
    sets: int
    redundant_copies: int
    reclaimable_bytes: int
    cost_per_month: float
    after_dedup: int  # pictures left when each set keeps only its keeper


@dataclass(frozen=True, slots=True)
class SpanningPair:
    first: str
    second: str
    sets: int
    files: int  # files of those sets on either label


@dataclass(frozen=True, slots=True)
class KeepEntry:
    """One line of the keep-list."""

    label: str
    path: str  # labelled
    relpath: str
    size: int
    sha256: str
    group_id: int  # 0: in no set
    copies: int  # files in its set (1 when in none)


@dataclass(frozen=True, slots=True)
class EstateSummary:
    labels: tuple[LabelFigures, ...]
    total: LabelFigures
    spanning_sets: int
    pairs: tuple[SpanningPair, ...]  # most sets first
    report: ReportSummary  # the local report's figures (over_represented, header, options)
    facts: tuple[LabelFacts, ...]


def label_of(path: str, labels: Sequence[str]) -> str:
    """The label of a labelled path (the longest label it starts with, then a colon)."""
    best = ""
    for label in labels:
        if path.startswith(label + ":") and len(label) > len(best):
            best = label
    return best


def estate_summary(
    result: ScanResult, facts: Sequence[LabelFacts], options: ReportOptions | None = None
) -> EstateSummary:
    opts = options or ReportOptions(thumbnails=False)
    names = [f.label for f in facts]
    sets: Counter[str] = Counter()
    redundant: Counter[str] = Counter()
    reclaim: Counter[str] = Counter()
    pair_sets: Counter[tuple[str, str]] = Counter()
    pair_files: Counter[tuple[str, str]] = Counter()
    spanning = 0
    for g in result.groups:
        on: Counter[str] = Counter()
        for m in g.members:
            label = label_of(m.path, names)
            on[label] += 1
            if m.suggested_remove:
                redundant[label] += 1
                if m.entry.frees_space:
                    reclaim[label] += m.entry.size
        for label in on:
            sets[label] += 1
        if len(on) > 1:
            spanning += 1
            for a, b in combinations(sorted(on), 2):
                pair_sets[(a, b)] += 1
                pair_files[(a, b)] += on[a] + on[b]

    def figures(
        label: str, files: int, nbytes: int, pictures: int, s: int, r: int, b: int
    ) -> LabelFigures:
        return LabelFigures(
            label=label, files=files, bytes=nbytes, pictures=pictures, sets=s,
            redundant_copies=r, reclaimable_bytes=b,
            cost_per_month=cost(b, opts.price_per_gb_month)[0], after_dedup=pictures - r,
        )  # fmt: skip

    per = tuple(
        figures(
            f.label,
            f.files,
            f.bytes,
            f.pictures,
            sets[f.label],
            redundant[f.label],
            reclaim[f.label],
        )
        for f in facts
    )
    total = figures(
        "",
        sum(f.files for f in facts),
        sum(f.bytes for f in facts),
        sum(f.pictures for f in facts),
        len(result.groups),
        sum(redundant.values()),
        sum(g.reclaimable_bytes for g in result.groups),
    )
    pairs = tuple(
        sorted(
            (SpanningPair(a, b, n, pair_files[(a, b)]) for (a, b), n in pair_sets.items()),
            key=lambda p: (-p.sets, p.first, p.second),
        )
    )
    return EstateSummary(
        labels=per,
        total=total,
        spanning_sets=spanning,
        pairs=pairs,
        report=summarize(result, opts),
        facts=tuple(facts),
    )


def spanning_labels(result: ScanResult, names: Sequence[str]) -> dict[int, tuple[str, ...]]:
    """Set id -> the labels it spans, for the sets on more than one label."""
    out: dict[int, tuple[str, ...]] = {}
    for g in result.groups:
        on = sorted({label_of(m.path, names) for m in g.members})
        if len(on) > 1:
            out[g.id] = tuple(on)
    return out


# -- text ---------------------------------------------------------------------------


def estate_text(e: EstateSummary) -> list[str]:
    """The estate's figures as lines for the terminal, in the user's language."""
    o = e.report.options
    lines: list[str] = []
    over = e.report.over_represented
    lines.append(
        _("Pictures that appear more than {times} times across the estate: {n}").format(
            times=number(o.times), n=number(len(over))
        )
    )
    for x in over[:10]:
        lines.append(f"  {number(x.appearances):>4} x  {x.keeper_path}")
    if len(over) > 10:
        lines.append("  " + _("... and {n} more (see the report)").format(n=number(len(over) - 10)))
    heads = [
        _("Label"), _("Files"), _("Bytes"), _("Pictures"), _("Sets"), _("Redundant"),
        _("Reclaimable"), _("Cost/month"),
    ]  # fmt: skip
    rows = [
        [
            f.label or _("All"),
            number(f.files),
            human_size(f.bytes),
            number(f.pictures),
            number(f.sets),
            number(f.redundant_copies),
            human_size(f.reclaimable_bytes),
            money(f.cost_per_month, o.currency),
        ]
        for f in (*e.labels, e.total)
    ]
    # each column as wide as its heading or its widest value, whatever the language
    widths = [max(len(r[i]) for r in [heads, *rows]) for i in range(len(heads))]
    lines.append("")
    for r in [heads, *rows]:
        cells = [r[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells))
    lines.append(
        "("
        + _("storage at {price} {currency} per GB-month").format(
            price=o.price_per_gb_month, currency=o.currency
        )
        + ")"
    )
    lines.append("")
    lines.append(_("Sets that span labels: {n}").format(n=number(e.spanning_sets)))
    for p in e.pairs:
        sets = ngettext("{n} set", "{n} sets", p.sets).format(n=number(p.sets))
        files = ngettext("{n} file", "{n} files", p.files).format(n=number(p.files))
        lines.append(f"  {p.first} & {p.second}: {sets} ({files})")
    return lines


# -- CSV and JSON ------------------------------------------------------------------------


def write_estate_csv(e: EstateSummary, path: str | os.PathLike[str]) -> None:
    """One row per label and one for the whole estate, then one per pair of labels."""
    with atomic_text_file(path, newline="") as out:
        w = csv.writer(out)
        w.writerow(
            ["label", "files", "bytes", "pictures", "sets", "redundant_copies",
             "reclaimable_bytes", f"cost_per_month_{e.report.options.currency}",
             "pictures_after_dedup"]
        )  # fmt: skip
        for f in (*e.labels, e.total):
            w.writerow(
                [_cell(f.label or "(all)"), f.files, f.bytes, f.pictures, f.sets,
                 f.redundant_copies, f.reclaimable_bytes, f"{f.cost_per_month:.6f}", f.after_dedup]
            )  # fmt: skip
        w.writerow([])
        w.writerow(["label_a", "label_b", "sets_spanning_both", "files"])
        for p in e.pairs:
            w.writerow([_cell(p.first), _cell(p.second), p.sets, p.files])


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _figures_dict(f: LabelFigures) -> dict[str, Any]:
    return {
        "files": f.files,
        "bytes": f.bytes,
        "pictures": f.pictures,
        "sets": f.sets,
        "redundant_copies": f.redundant_copies,
        "reclaimable_bytes": f.reclaimable_bytes,
        "cost_per_month": round(f.cost_per_month, 6),
        "pictures_after_dedup": f.after_dedup,
    }


def estate_to_dict(e: EstateSummary) -> dict[str, Any]:
    o = e.report.options
    return {
        "price_per_gb_month": o.price_per_gb_month,
        "currency": o.currency,
        "times": o.times,
        "labels": [{"label": f.label, **_figures_dict(f)} for f in e.labels],
        "all": _figures_dict(e.total),
        "spanning_sets": e.spanning_sets,
        "spanning_pairs": [
            {"labels": [p.first, p.second], "sets": p.sets, "files": p.files} for p in e.pairs
        ],
        "over_represented": [
            {"group_id": x.group_id, "appearances": x.appearances, "keeper_path": x.keeper_path}
            for x in e.report.over_represented
        ],
        "catalogs": [
            {
                "label": f.label,
                "catalog": f.catalog,
                "machine": f.machine,
                "built_at": f.built_at,
                "photosift_version": f.photosift_version,
                "algorithm_version": f.algorithm_version,
                "roots": list(f.roots),
            }
            for f in e.facts
        ],
    }


# -- the keep-list -----------------------------------------------------------------------


def write_keep_list(entries: Iterable[KeepEntry], path: str | os.PathLike[str]) -> int:
    """The keep-list: a CSV when `path` ends in .csv (label, relpath, path, size, sha256,
    set, copies), else one labelled path a line. Returns the number of files listed."""
    count = 0
    as_csv = str(path).lower().endswith(".csv")
    with atomic_text_file(path) as out:
        w = csv.writer(out) if as_csv else None
        if w is not None:
            w.writerow(["label", "relpath", "path", "size", "sha256", "set", "copies_in_set"])
        for k in entries:
            if w is not None:
                w.writerow(
                    [_cell(k.label), _cell(k.relpath), _cell(k.path), k.size, k.sha256,
                     k.group_id or "", k.copies]
                )  # fmt: skip
            else:
                out.write(k.path + "\n")
            count += 1
    return count


# -- the dataset summary -------------------------------------------------------------------


def dataset_summary_dict(
    e: EstateSummary, dates: Mapping[str, tuple[str, str, str]], command: str = ""
) -> dict[str, Any]:
    h = e.report.header
    preset = THRESHOLDS.get(_similarity(h.similarity))
    thresholds = None if preset is None else {
        k: getattr(preset, k) for k in preset.__dataclass_fields__
    }  # fmt: skip
    if thresholds is not None and h.max_distance is not None:
        thresholds["hamming"] = h.max_distance
    return {
        "dataset_summary_version": 1,
        "generated_at": e.report.generated_at,
        "sources": [
            {
                "label": f.label,
                "pictures_before": f.pictures,
                "pictures_after": f.after_dedup,
                "files": f.files,
                "bytes": f.bytes,
                "sets": f.sets,
                "date_range": _dates(dates.get(f.label)),
            }
            for f in e.labels
        ],
        "all": {
            "pictures_before": e.total.pictures,
            "pictures_after": e.total.after_dedup,
            "sets": e.total.sets,
            "sets_spanning_sources": e.spanning_sets,
        },
        "leakage": [
            {"sources": [p.first, p.second], "sets": p.sets, "files": p.files} for p in e.pairs
        ],
        "method": {
            "photosift_version": e.report.generated_by,
            "algorithm_versions": sorted({f.algorithm_version for f in e.facts}),
            "similarity": h.similarity,
            "thresholds": thresholds,
            "rotations": h.rotations,
            "more_than_times": e.report.options.times,
        },
        "settings": {
            "catalogs": [
                {"label": f.label, "file": f.catalog, "machine": f.machine, "built_at": f.built_at}
                for f in e.facts
            ],
            "protected": list(h.protected),
            "command": command,
        },
    }


def _similarity(value: str) -> Any:
    from cleaner.models import Similarity

    return Similarity(value)


def _dates(found: tuple[str, str, str] | None) -> dict[str, str] | None:
    if found is None:
        return None
    return {"earliest": found[0], "latest": found[1], "from": found[2]}


def dataset_summary_markdown(data: Mapping[str, Any]) -> str:
    lines = ["# Dataset de-duplication summary", ""]
    lines.append(
        f"Generated {data['generated_at']} by PhotoSift {data['method']['photosift_version']}."
    )
    lines.append("")
    lines.append("| source | pictures before | after de-duplication | sets | dates |")
    lines.append("| --- | ---: | ---: | ---: | --- |")
    for s in data["sources"]:
        d = s["date_range"]
        when = f"{d['earliest']} to {d['latest']} ({d['from']})" if d else "unknown"
        lines.append(
            f"| {_md(s['label'])} | {s['pictures_before']:,} | {s['pictures_after']:,} | "
            f"{s['sets']:,} | {when} |"
        )
    a = data["all"]
    lines.append(
        f"| **all** | {a['pictures_before']:,} | {a['pictures_after']:,} | {a['sets']:,} | |"
    )
    lines += ["", "## Leakage between sources", ""]
    if data["leakage"]:
        for p in data["leakage"]:
            first, second = p["sources"]
            lines.append(
                f"- {_md(first)} and {_md(second)}: {p['sets']:,} sets ({p['files']:,} files)"
            )
    else:
        lines.append("No picture appears in two sources.")
    m = data["method"]
    lines += ["", "## Method", ""]
    lines.append(
        f"PhotoSift {m['photosift_version']}, fingerprint algorithm "
        f"{', '.join(str(v) for v in m['algorithm_versions'])}, similarity `{m['similarity']}`"
        f"{' with rotations and mirrors' if m['rotations'] else ''}."
    )
    lines.append(f"Thresholds: `{json.dumps(m['thresholds'])}`.")
    lines.append(f"A picture counts as over-represented above {m['more_than_times']} appearances.")
    lines += ["", "## Settings", ""]
    for c in data["settings"]["catalogs"]:
        lines.append(
            f"- `{_md(c['label'])}`: {_md(c['file'])} "
            f"(built on {_md(c['machine'])}, {c['built_at']})"
        )
    if data["settings"]["command"]:
        lines.append(f"- command: `{data['settings']['command']}`")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def save_estate_json(result: ScanResult, e: EstateSummary, path: str | os.PathLike[str]) -> None:
    """The result (`cleaner.resultio` layout, labelled paths, "source": "catalogs") with an
    ``estate`` section holding `estate_to_dict`."""
    data = result_to_dict(result)
    data["estate"] = estate_to_dict(e)
    with atomic_text_file(path) as out:
        # as `cleaner.resultio.dumps`: ensure_ascii keeps lone surrogates (a non-UTF-8 file
        # name) as \\udcXX escapes, which read back as the same path
        json.dump(data, out, indent=1, ensure_ascii=True)
        out.write("\n")


def write_dataset_summary(data: Mapping[str, Any], path: str | os.PathLike[str]) -> None:
    """JSON when `path` ends in .json, else Markdown."""
    text = (
        json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if str(path).lower().endswith(".json")
        else dataset_summary_markdown(data)
    )
    with atomic_text_file(path) as out:
        out.write(text)


def labels_by_set(result: ScanResult, names: Sequence[str]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for g in result.groups:
        for m in g.members:
            out[g.id].append(label_of(m.path, names))
    return out
