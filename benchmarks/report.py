"""Turn benchmark results into rows of the README's table: measure, value, target, pass."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Row:
    benchmark: str
    measure: str
    value: str
    target: str
    passed: bool | None  # None: recorded for context, no target


def _accuracy(r: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for variant, v in r.items():
        if not isinstance(v, dict):
            continue
        name = f"accuracy ({variant})"
        missed = [a for a, rec in v["full_recall_attacks"].items() if rec < 1.0]
        rows += [
            Row(name, "F1 / P / R", f"{v['f1']:.3f} / {v['precision']:.3f} / {v['recall']:.3f}",
                "F1 >= 0.95", v["checks"]["f1"]),
            Row(name, "recall, exact + easy attacks",
                "1.0 on all" if not missed else "below 1.0: " + ", ".join(missed),
                "1.0 each", v["checks"]["full_recall_attacks"]),
            Row(name, "hard-negative pairs grouped", str(v["hardneg_fp"]), "0",
                v["checks"]["hardneg_fp"]),
            Row(name, "broken files grouped", str(v["bad_grouped"]), "0",
                v["checks"]["bad_grouped"]),
        ]  # fmt: skip
    return rows


def _warm(r: dict[str, Any]) -> list[Row]:
    n = r["files"]
    return [
        Row("warm_rescan", f"`photosift scan`, {n:,} files, unchanged (median / worst)",
            f"{r['warm_command_median']:.2f} s / {r['warm_command_max']:.2f} s", "< 2 s",
            r["pass"]),
        Row("warm_rescan", "engine time of the same runs (median / worst)",
            f"{r['warm_engine_median']:.2f} s / {r['warm_engine_max']:.2f} s", "", None),
    ]  # fmt: skip


def _noisy(runs: Any) -> str:
    """A note when other work used the machine during any of these runs."""
    worst = max((run.get("other_cpu", 0.0) for run in runs), default=0.0)
    return f" (noisy: other CPU up to {worst:.0f} s)" if worst >= 4.0 else ""


def _cold(r: dict[str, Any]) -> list[Row]:
    med = r["median_seconds"]
    rows = [
        Row("cold_scan", f"decode floor ({r['floor_pool'].split('_')[1]})",
            f"{r['floor_seconds']:.1f} s", "", None),
        Row("cold_scan", "scan, thread pool", f"{med['scan_threads']:.1f} s "
            f"({r['ratio_threads']:.2f}x floor)", "<= 1.1x floor",
            r["ratio_threads"] <= r["target_ratio"]),
        Row("cold_scan", "scan, process pool", f"{med['scan_processes']:.1f} s "
            f"({r['ratio_processes']:.2f}x floor)", "<= 1.1x floor",
            r["ratio_processes"] <= r["target_ratio"]),
    ]  # fmt: skip
    for key in (k for k in med if k.startswith("scan_threads_w")):  # --scan-workers N
        rows.append(
            Row("cold_scan", f"scan, thread pool of {key.rsplit('_w', 1)[1]} workers",
                f"{med[key]:.1f} s ({r[f'ratio_{key}']:.2f}x floor)", "", None)
        )  # fmt: skip
    if "cpu_ratio_threads" in r:
        rows.append(
            Row("cold_scan", "CPU seconds vs the floor's: threads / processes",
                f"{r['cpu_ratio_threads']:.2f}x / {r['cpu_ratio_processes']:.2f}x", "", None)
        )  # fmt: skip
    if "quiet_runs" in r:
        rows.append(
            Row("cold_scan", "quiet runs (other CPU < 4 s) behind the times",
                ", ".join(f"{k} {n}" for k, n in r["quiet_runs"].items()), "", None)
        )  # fmt: skip
    if "cold_page_cache" in r:
        rows.append(
            Row("cold_scan", "cold page cache: threads / processes vs floor",
                f"{r['cold_ratio_threads']:.2f}x / {r['cold_ratio_processes']:.2f}x"
                + _noisy(r["cold_page_cache"].values()), "", None)
        )  # fmt: skip
    return rows


def _naive(r: dict[str, Any]) -> list[Row]:
    per = r["photosift_per_file"]
    return [
        Row("naive_baseline", f"per file, {r['files']} JPEGs of {r['megapixels_mean']:.0f} MP "
            "mean: naive / PhotoSift (threads, processes)",
            f"{r['naive_per_file'] * 1000:.0f} ms / {per['threads_all'] * 1000:.0f}, "
            f"{per['processes_all'] * 1000:.0f} ms", "", None),
        Row("naive_baseline", "speedup (all cores; one worker)",
            f"{r['speedup']:.1f}x; {r['speedup_one_worker']:.1f}x"
            + _noisy({"other_cpu": v} for v in r.get("other_cpu", {}).values()),
            ">= 5x", r["pass"]),
    ]  # fmt: skip


def _grouping(r: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for label, g in r["runs"].items():
        name = f"grouping_1m ({label})"
        rows += [
            Row(name, f"{g['fingerprints']:,} fingerprints: time", f"{g['seconds']:.1f} s",
                "< 60 s", g["seconds"] < 60),
            Row(name, "peak RSS while grouping (engine objects + grouping)",
                _mib(g.get("peak_rss_grouping_mb")), "< 2 GB",
                g.get("peak_rss_grouping_mb") is not None
                and g["peak_rss_grouping_mb"] < 2000 / 1.048576),
            Row(name, "for reference: before grouping; whole process incl. loading",
                f"{g['rss_before_grouping_mb']:,.0f} MiB; {g['peak_rss_mb']:,.0f} MiB", "", None),
            Row(name, f"planted pairs found by the index ({g['planted']:,})",
                f"{g['planted_found_fraction'] * 100:.2f} %", ">= 99 %",
                g["planted_found_fraction"] >= 0.99),
            Row(name, "planted pairs confirmed and grouped",
                f"{g['planted_grouped_fraction'] * 100:.2f} %", "", None),
        ]  # fmt: skip
        turns = g.get("by_planted_turn", {})
        if len(turns) > 1:
            rows.append(Row(name, "planted pairs found by the index, per kind of copy",
                            "; ".join(f"{kind} {v['found'] * 100:.2f} %"
                                      for kind, v in turns.items()), "", None))  # fmt: skip
        kinds = {k: v for k, v in g.get("by_planted_kind", {}).items() if v["pairs"]}
        if kinds:
            rows.append(Row(name, "planted pairs found / grouped, per kind of plant",
                            "; ".join(f"{kind} {v['found'] * 100:.2f} / {v['grouped'] * 100:.2f} %"
                                      for kind, v in kinds.items()), "", None))  # fmt: skip
    return rows


def _review(r: dict[str, Any]) -> list[Row]:
    first, stalls, mem = r["first_set"], r["stalls"], r["memory"]
    name = "review_100k"
    size = f"{r['files']:,} files, {r['files_in_sets']:,} in {r['sets']:,} sets"
    return [
        Row(name, f"{size}: scan's end (`ScanFinished`) to the first set's tiles painted",
            f"{first['from_scan_finished_s']:.2f} s", "< 1 s", first["pass"]),
        Row(name, "longest GUI stall (10 ms timer): scroll set list / grid / "
            f"{stalls['toggle_marks']['toggles']:,} mark toggles",
            f"{stalls['scroll_set_list']['max_gap_ms']:.0f} / "
            f"{stalls['scroll_grid']['max_gap_ms']:.0f} / "
            f"{stalls['toggle_marks']['max_gap_ms']:.0f} ms", "<= 100 ms", stalls["pass"]),
        Row(name, "set list scrolled to its last set",
            f"{stalls['scroll_set_list']['last_set_reached']:,} of "
            f"{stalls['scroll_set_list']['sets']:,}", "all", None),
        Row(name, f"longest GUI stall going through every set, one per {r.get('step_ms', 20)} ms",
            f"{mem['stall_while_walking']['max_gap_ms']:.0f} ms", "", None),
        Row(name, f"RSS going through all {mem['sets_walked']:,} sets: peak; growth 10 % -> end",
            f"{mem['rss_peak_while_walking_mb']:,.0f} MiB; "
            f"{mem['growth_10pct_to_end_mb']:+,.0f} MiB", "bounded: growth <= 50 MiB",
            mem["pass"]),
    ]  # fmt: skip


def _catalog(r: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for share, c in r["runs"].items():
        target = share == r["target_share"]
        rows.append(
            Row(
                "catalog_size",
                f"{c['rows']:,} rows, {share} low-detail: bytes per row (x 1M); read back",
                f"{c['bytes_per_row']:,.0f} ({c['extrapolated_1m_bytes'] / 1e9:.2f} GB); "
                f"{c['read_seconds']:.1f} s",
                "< 1,000 (1 GB)" if target else "",
                c["under_target"] if target else None,
            )
        )
    return rows


def _cluster(r: dict[str, Any]) -> list[Row]:
    v, t, w = r["versus_local"], r["three_servers"], r["central_writer"]
    return [
        Row(
            "cluster_build",
            f"{v['files']} pictures: `--cluster local:2` vs `--workers 2` (build; with "
            "LocalCluster start/stop)",
            f"{v['cluster_build_median']:.1f} s vs {v['local_median']:.1f} s "
            f"({v['overhead_build']:+.0%}; {v['overhead_total']:+.0%})",
            "<= +10 %, identical catalog",
            v["under_target"],
        ),
        Row("cluster_build", "catalog identical to the local build, row by row",
            str(v["identical"]), "True", v["identical"]),
        Row(
            "cluster_build",
            "three pinned workers: files read by another worker than their folder's",
            f"{t['read_by_another_worker']} of {t['files_read']}",
            "0",
            t["all_read_by_owner"] and t["identical_to_local"],
        ),
        Row(
            "cluster_build",
            "central writer: rows written per second (unpickle, pack, insert, commit 1/s)",
            f"{w['rows_per_second']:,.0f}; {w['result_bytes_per_picture']:,.0f} B per result",
            "",
            None,
        ),
    ]  # fmt: skip


_ROWS: dict[str, Callable[[dict[str, Any]], list[Row]]] = {
    "accuracy": _accuracy,
    "warm_rescan": _warm,
    "cold_scan": _cold,
    "naive_baseline": _naive,
    "grouping_1m": _grouping,
    "review_100k": _review,
    "catalog_size": _catalog,
    "cluster_build": _cluster,
}


def rows_for(name: str, result: dict[str, Any]) -> list[Row]:
    return _ROWS[name](result)


def table(info: dict[str, Any], rows: list[Row]) -> str:
    head = (
        f"Measured {info.get('date', '')} on {info['cores']} cores, {info['ram_gb']} GB RAM, "
        f"{info['cpu']}; Python {info['python']}, Pillow {info['pillow']}, "
        f"pillow-heif {info['pillow_heif']}, numpy {info['numpy']}.\n\n"
    )
    lines = ["| benchmark | measure | result | target | pass |", "| --- | --- | --- | --- | --- |"]
    for row in rows:
        mark = "" if row.passed is None else ("yes" if row.passed else "**no**")
        lines.append(f"| {row.benchmark} | {row.measure} | {row.value} | {row.target} | {mark} |")
    return head + "\n".join(lines) + "\n"


def _mib(value: float | None) -> str:
    return "not measured (no /proc/self/clear_refs)" if value is None else f"{value:,.0f} MiB"
