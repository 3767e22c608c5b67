"""`make translations`: extract every translatable string into the one catalog template,
merge it into each language's .po file and compile the .mo files PhotoSift reads.

    python tools/translations.py            # extract, update, compile (what make runs)
    python tools/translations.py init LANG  # start a new language (docs/translation.md)

Babel does the work (`pybabel extract/update/init/compile`); this file only holds the
options in one place, so the Makefile and the test that checks the template is up to date
(tests/engine/test_translations.py) extract the same way.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "cleaner" / "locale"
DOMAIN = "photosift"
POT = LOCALE_DIR / f"{DOMAIN}.pot"

# Besides Babel's defaults (_, gettext, ngettext, pgettext, npgettext, N_): the window's
# `self.tr(text)` and `QCoreApplication.translate(context, text)`, served from the same
# catalog by ui/translator.py.
KEYWORDS = ["tr", "translate:2"]


def _pybabel(*args: str) -> None:
    """Run a pybabel command from the checkout's root, so the template names files by
    their path in the checkout ("cleaner/cli/scan_cmd.py"), wherever it is."""
    before = os.getcwd()
    os.chdir(ROOT)
    try:
        CommandLineInterface().run(["pybabel", "-q", *args])
    finally:
        os.chdir(before)


def extract(pot: Path = POT) -> None:
    """Every marked string of cleaner/ and ui/ into `pot` (sorted by file, no line numbers,
    so moving code does not rewrite the template)."""
    pot.parent.mkdir(parents=True, exist_ok=True)
    keywords = [arg for k in KEYWORDS for arg in ("-k", k)]
    _pybabel(
        "extract", "-F", str(ROOT / "babel.cfg"), *keywords,
        "--add-location=file", "--sort-by-file", "--add-comments=Translators:",
        "--project=PhotoSift", f"--version={_version()}",
        "--copyright-holder=PhotoSift developers",
        "-o", str(pot), ".",
    )  # fmt: skip


def _version() -> str:
    match = re.search(r'(?m)^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text())
    return match.group(1) if match else "0"


def languages() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def update() -> None:
    """Merge the template into every language's .po (new strings come in empty, changed
    ones fuzzy: the test fails on both until a translator has looked)."""
    if languages():
        _pybabel("update", "-i", str(POT), "-d", str(LOCALE_DIR), "-D", DOMAIN,
                 "--no-fuzzy-matching", "--ignore-obsolete")  # fmt: skip


def compile_all() -> None:
    _pybabel("compile", "-d", str(LOCALE_DIR), "-D", DOMAIN, "--statistics")


def init(language: str) -> None:
    _pybabel("init", "-i", str(POT), "-d", str(LOCALE_DIR), "-D", DOMAIN, "-l", language)


def main(argv: list[str]) -> int:
    if argv[:1] == ["init"] and len(argv) == 2:
        extract()
        init(argv[1])
        return 0
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    extract()
    update()
    if languages():
        compile_all()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
