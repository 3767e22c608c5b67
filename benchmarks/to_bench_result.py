"""Convert a PhotoSift result JSON (`cleaner.resultio`) into the kit's RESULT.json.

    python -m benchmarks.to_bench_result RESULT_PHOTOSIFT.json OUT.json --root CORPUS \\
        [--seconds S] [--peak-rss-mb M]

Groups become lists of paths relative to the corpus root. Skipped files become
`unreadable`, except symbolic links (and link loops) the walk did not follow on
purpose: those are not files the tool failed to read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

NOT_UNREADABLE = frozenset({"symlink", "symlink_loop"})


def _relative(path: str, root: str) -> str:
    rel = os.path.relpath(path, root) if os.path.isabs(path) else path
    return rel.replace(os.sep, "/")


def convert(
    result: dict[str, Any],
    root: str | os.PathLike[str],
    tool: str | None = None,
    seconds: float | None = None,
    peak_rss_mb: float | None = None,
) -> dict[str, Any]:
    """The kit's RESULT.json as a dict, from a PhotoSift result dict."""
    base = os.path.abspath(root)
    settings = result.get("settings", {})
    label = tool or (
        f"photosift {result.get('app_version', '?')} --similarity {settings.get('similarity')}"
        + (" --rotations" if settings.get("rotations") else "")
    )
    out: dict[str, Any] = {
        "tool": label,
        "groups": [
            [_relative(m["path"], base) for m in group["members"]] for group in result["groups"]
        ],
        "unreadable": [
            _relative(s["path"], base)
            for s in result.get("skipped", [])
            if s.get("reason") not in NOT_UNREADABLE
        ],
    }
    if seconds is None:
        seconds = result.get("stats", {}).get("seconds")
    if seconds is not None:
        out["seconds"] = round(float(seconds), 3)
    if peak_rss_mb is not None:
        out["peak_rss_mb"] = round(float(peak_rss_mb), 1)
    return out


def convert_file(
    source: Path,
    target: Path,
    root: str | os.PathLike[str],
    seconds: float | None = None,
    peak_rss_mb: float | None = None,
) -> dict[str, Any]:
    with open(source, encoding="utf-8") as fh:
        data = convert(json.load(fh), root, seconds=seconds, peak_rss_mb=peak_rss_mb)
    # lone surrogates of non-UTF-8 names are kept as JSON \\udcXX escapes (ASCII output)
    target.write_text(json.dumps(data, indent=1, ensure_ascii=True), encoding="ascii")
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.to_bench_result")
    parser.add_argument("source", type=Path, help="PhotoSift result JSON (photosift scan --json)")
    parser.add_argument("target", type=Path, help="RESULT.json to write")
    parser.add_argument("--root", required=True, help="the corpus root that was scanned")
    parser.add_argument("--seconds", type=float, help="wall time measured by the harness")
    parser.add_argument("--peak-rss-mb", type=float, help="peak memory measured by the harness")
    args = parser.parse_args(argv)
    data = convert_file(args.source, args.target, args.root, args.seconds, args.peak_rss_mb)
    print(f"{args.target}: {len(data['groups'])} groups, {len(data['unreadable'])} unreadable")
    return 0


if __name__ == "__main__":
    sys.exit(main())
