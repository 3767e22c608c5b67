"""Record what the command line writes for one library, so that a change that must not
change any output (a restructure, a rename) can be checked byte for byte.

    python tools/snapshot_outputs.py LIBRARY OUT_DIR
    ... change the code ...
    python tools/snapshot_outputs.py LIBRARY OUT_DIR2
    diff -r OUT_DIR OUT_DIR2

It runs `photosift scan` (several settings, with and without the cache), `report`,
`clean --dry-run`, `history` and every `--help`, each in its own empty cache, data and
config folders, and keeps stdout, stderr, the exit code and every file written. What
legitimately differs between two runs of the same code (elapsed times, the date and time
of the run, the temporary folders) is replaced by a fixed placeholder; everything else is
kept as written.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_VOLATILE = [
    # when the scan ran and the report was made, in the JSON and in words
    (re.compile(r'"(started_at|finished_at|generated_at)": "[^"]*"'), r'"\1": "<TIME>"'),
    (re.compile(r'"(seconds|elapsed[a-z_]*)": [0-9.e+-]+'), r'"\1": <T>'),
    (re.compile(r"\b\d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d \([^)]*\)"), "<DATE>"),
    # how long it took
    (re.compile(r"(Time the scan took</th><td[^>]*>)[^<]*"), r"\1<T>"),
    (re.compile(r"\b\d+(\.\d+)? ?(s|seconds|ms|sec)\b"), "<T>"),
    (re.compile(r"(Scanned .* in )\d+(:\d\d)+"), r"\1<T>"),
]


def _normalise(text: str, tmp: str) -> str:
    text = text.replace(tmp, "<TMP>")
    for pattern, repl in _VOLATILE:
        text = pattern.sub(repl, text)
    return text


def _run(name: str, args: list[str], tmp: Path, out: Path, env: dict[str, str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cleaner", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp,
        timeout=1800,
    )
    record = (
        f"$ photosift {' '.join(args)}\nexit {proc.returncode}\n"
        f"--- stdout\n{proc.stdout}--- stderr\n{proc.stderr}"
    )
    (out / f"{name}.txt").write_text(_normalise(record, str(tmp)), encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    library = Path(argv[0]).resolve()
    out = Path(argv[1])
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="snap-") as tmp_name:
        tmp = Path(tmp_name)
        env = dict(os.environ)
        for var in ("CACHE", "DATA", "CONFIG", "LOCK"):
            (tmp / var.lower()).mkdir()
            env[f"PHOTOSIFT_{var}_DIR"] = str(tmp / var.lower())
        env["PYTHONHASHSEED"] = "0"
        env["COLUMNS"] = "100"
        lib = str(library)
        w = str(tmp)
        runs: list[tuple[str, list[str]]] = [
            (
                "scan_default",
                [
                    "scan",
                    lib,
                    "--json",
                    f"{w}/r.json",
                    "--csv",
                    f"{w}/r.csv",
                    "--report",
                    f"{w}/r.html",
                    "--list",
                ],
            ),
            ("scan_cached", ["scan", lib, "--json", f"{w}/r_cached.json", "--list"]),
            (
                "scan_rotations",
                [
                    "scan",
                    lib,
                    "--rotations",
                    "--similarity",
                    "similar",
                    "--keep-order",
                    "metadata,resolution,lossless",
                    "--protect",
                    f"{lib}/Downloads",
                    "--prefer",
                    "Backup",
                    "--avoid",
                    "Exports",
                    "--json",
                    f"{w}/r_rot.json",
                    "--list",
                    "--no-cache",
                ],
            ),
            (
                "scan_identical",
                [
                    "scan",
                    lib,
                    "--similarity",
                    "identical",
                    "--json",
                    f"{w}/r_ident.json",
                    "--no-cache",
                ],
            ),
            (
                "scan_loose",
                [
                    "scan",
                    lib,
                    "--similarity",
                    "loose",
                    "--exclude",
                    "Demo",
                    "--csv",
                    f"{w}/r_loose.csv",
                    "--no-cache",
                    "-q",
                ],
            ),
            (
                "report",
                [
                    "report",
                    "--from",
                    f"{w}/r.json",
                    "--html",
                    f"{w}/rep.html",
                    "--csv",
                    f"{w}/rep.csv",
                    "--json",
                    f"{w}/rep.json",
                    "--times",
                    "2",
                ],
            ),
            (
                "report_no_thumbs",
                [
                    "report",
                    "--from",
                    f"{w}/r_rot.json",
                    "--html",
                    f"{w}/rep2.html",
                    "--no-thumbnails",
                    "--currency",
                    "EUR",
                    "--price-per-gb-month",
                    "0.05",
                ],
            ),
            ("clean_dry_run", ["clean", "--from", f"{w}/r.json", "--dry-run"]),
            ("history_empty", ["history"]),
            ("undo_nothing", ["undo"]),
            ("help", ["--help"]),
        ]
        commands = ("scan", "clean", "undo", "history", "report")
        runs += [(f"help_{c}", [c, "--help"]) for c in commands]
        for name, args in runs:
            _run(name, args, tmp, out, env)
        for path in sorted(tmp.glob("*.*")):
            if path.is_file():
                text = path.read_text(encoding="utf-8-sig", errors="replace")
                (out / path.name).write_text(_normalise(text, str(tmp)), encoding="utf-8")
    print(f"wrote {len(list(out.iterdir()))} files to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
