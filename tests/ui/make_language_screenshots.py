"""Render every screen in Spanish and in the pseudo-locale to PNG files (not a test).

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb PYTHONPATH=$PWD \\
        .venv/bin/python tests/ui/make_language_screenshots.py OUT_DIR PHOTOS_DIR

For each language of `PHOTOSIFT_SHOTS_LANGS` (default "es pseudo") it runs
make_screenshots.py (start, scan settings, progress, review, compare, skipped, removal,
summary, undo, history, export) and make_language_box_screenshot.py (View → Language's
restart box) into OUT_DIR/LANG/, and make_catalog_screenshots.py (catalogs open, review,
export, manifests) into OUT_DIR/LANG/catalogs/, each in its own
process with `PHOTOSIFT_SHOTS_LANG=LANG` (tests/ui/shots_language.py), so one language's
settings and translators never leak into the next. PHOTOS_DIR (e.g. the sample library of
real photos) is only read: both scripts copy what they move or catalog elsewhere.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = (
    ("make_screenshots.py", ""),
    ("make_language_box_screenshot.py", ""),
    ("make_catalog_screenshots.py", "catalogs"),
)


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out, photos = Path(sys.argv[1]), sys.argv[2]
    failed = []
    for language in os.environ.get("PHOTOSIFT_SHOTS_LANGS", "es pseudo").split():
        for script, sub in SCRIPTS:
            target = out / language / sub
            target.mkdir(parents=True, exist_ok=True)
            env = dict(os.environ, PHOTOSIFT_SHOTS_LANG=language)
            print(f"== {language}: {script} -> {target}", flush=True)
            done = subprocess.run(
                [sys.executable, str(HERE / script), str(target), photos], env=env, check=False
            )
            if done.returncode != 0:
                failed.append(f"{language} {script}: exit {done.returncode}")
    for line in failed:
        print("failed:", line, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
