"""The translation layer (cleaner/i18n.py) and the Spanish catalog: complete, placeholders
kept, up to date with the sources, compiled, chosen from --lang or the environment; the
command line and the report speak Spanish; stored files keep English codes and words."""

from __future__ import annotations

import ast
import gettext
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from cleaner import i18n
from cleaner.i18n import PLACEHOLDER, _, ngettext, set_language
from tests.helpers import images

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "cleaner" / "locale"
POT = LOCALE / "photosift.pot"
LANGUAGES = sorted(p.parent.parent.name for p in LOCALE.glob("*/LC_MESSAGES/photosift.po"))


def _catalog(language: str):
    with open(LOCALE / language / "LC_MESSAGES" / "photosift.po", "rb") as f:
        return read_po(f, locale=language)


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


# -- the catalogs -------------------------------------------------------------------------


def test_spanish_is_shipped() -> None:
    assert "es" in LANGUAGES
    assert "es" in i18n.available_languages()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_has_a_translation_that_is_not_fuzzy(language: str) -> None:
    untranslated, fuzzy = [], []
    catalog = _catalog(language)
    for m in catalog:
        if not m.id:
            continue
        forms = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = catalog.num_plurals if isinstance(m.id, tuple) else 1
        if len(forms) != wanted or not all(forms):
            untranslated.append(m.id)
        if m.fuzzy:
            fuzzy.append(m.id)
    assert untranslated == [], f"{len(untranslated)} without a translation: {untranslated[:5]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy (a translator has to look): {fuzzy[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language: str) -> None:
    """A dropped or added {name} or %(n)d breaks `.format` or says the wrong thing."""
    wrong = []
    for m in _catalog(language):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        forms = m.string if isinstance(m.string, tuple) else (m.string,)
        expected = _placeholders(ids[-1])
        for form in forms:
            if _placeholders(form) != expected:
                wrong.append((ids[0], form))
    assert wrong == []


def test_the_placeholder_check_sees_a_dropped_or_added_placeholder() -> None:
    assert _placeholders("Moved {files} ({size})") != _placeholders("Se movieron {files}")
    assert _placeholders("%(prog)s: error") != _placeholders("%(prog)s: %(extra)s error")
    assert _placeholders("{n} copy") == _placeholders("{n} copias")


def _extracted_ids(pot: Path) -> set[object]:
    with open(pot, "rb") as f:
        return {(m.context, m.id) for m in read_po(f) if m.id}


def test_the_template_is_up_to_date_with_the_sources(tmp_path: Path) -> None:
    """A string wrapped in _() (or changed) since the last `make translations` fails here,
    so it cannot reach users untranslated."""
    from tools import translations

    fresh = tmp_path / "fresh.pot"
    translations.extract(fresh)
    assert _extracted_ids(fresh) == _extracted_ids(POT), "run: make translations"
    for language in LANGUAGES:
        po = {(m.context, m.id) for m in _catalog(language) if m.id}
        assert po == _extracted_ids(POT), f"{language}: run: make translations"


def _marked_in_sources() -> dict[str, list[str]]:
    """Every string literal passed to _(), N_(), ngettext() or pgettext() in the engine and
    the window, read with `ast`, which (unlike the extractor on Python < 3.12) also sees
    inside f-strings."""
    found: dict[str, list[str]] = {}
    for path in sorted([*(ROOT / "cleaner").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            at = {"_": 0, "N_": 0, "ngettext": 0, "pgettext": 1}.get(node.func.id)
            if at is None or len(node.args) <= at:
                continue
            arg = node.args[at]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.setdefault(arg.value, []).append(path.relative_to(ROOT).as_posix())
    return found


def test_every_marked_string_reaches_the_catalog() -> None:
    """A _() inside an f-string is invisible to the extractor: it would never be
    translated, and the template check above could not see it."""
    with open(POT, "rb") as f:
        ids = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(f) if m.id}
    lost = {text: where for text, where in _marked_in_sources().items() if text not in ids}
    assert lost == {}, "move these _() calls out of f-strings, then make translations"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_matches_its_source(language: str) -> None:
    """The .mo the app reads says what the .po says (a .po edited without compiling)."""
    folder = LOCALE / language / "LC_MESSAGES"
    with open(folder / "photosift.mo", "rb") as f:
        compiled = {(m.context, _tuple(m.id)): _tuple(m.string) for m in read_mo(f) if m.id}
    source = {(m.context, _tuple(m.id)): _tuple(m.string) for m in _catalog(language) if m.id}
    assert compiled == source, "run: make translations"


def _tuple(value: object) -> object:
    return tuple(value) if isinstance(value, (list, tuple)) else value


# -- choosing the language ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "es_MX.UTF-8"}, "es_MX"),
        ({"LC_ALL": "es_ES.UTF-8", "LANG": "en_US.UTF-8"}, "es_ES"),
        ({"LANGUAGE": "es:en", "LC_ALL": "en_US.UTF-8"}, "es"),
        ({"LC_MESSAGES": "es_AR", "LANG": "en_GB"}, "es_AR"),
        ({"LANG": "C.UTF-8"}, None),
        ({"LANG": "POSIX"}, None),
        ({}, None),
    ],
)
def test_the_environment_names_the_language_as_gettext_reads_it(
    environ: dict[str, str], expected: str | None
) -> None:
    assert i18n.system_language(environ) == expected


def test_a_language_with_a_region_uses_its_catalog_and_its_formats() -> None:
    assert set_language("es_ES") == "es"
    assert _("Cancelled.") == "Cancelado."
    assert i18n.number(1234567.5, 1) == "1.234.567,5"
    assert set_language("es_MX") == "es"
    assert i18n.number(1234567.5, 1) == "1,234,567.5"
    # a bare "es" is formatted as Latin-American Spanish, the volunteers' Spanish
    assert set_language("es") == "es"
    assert i18n.format_locale().territory == "419"


def test_a_language_without_a_catalog_is_english() -> None:
    assert set_language("xx_YY") == "en"
    assert _("Cancelled.") == "Cancelled."


def test_plural_forms_follow_the_language() -> None:
    set_language("es")
    assert ngettext("{n} copy", "{n} copies", 1).format(n=1) == "1 copia"
    assert ngettext("{n} copy", "{n} copies", 3).format(n=3) == "3 copias"
    assert ngettext("{n} copy", "{n} copies", 0).format(n=0) == "0 copias"
    assert ngettext("{n} copy", "{n} copies", 1_000_000).format(n="1.000.000") == (
        "1.000.000 copias"
    )


def test_sizes_days_and_money_are_formatted_for_the_locale() -> None:
    set_language("en")
    assert i18n.human_size(2_400_000) == "2.4 MB"
    assert i18n.human_size(1) == "1 byte"
    assert i18n.day(date(2026, 9, 27)) == "27 Sep 2026"
    assert i18n.money(1234.5, "USD") == "1,234.50 USD"
    assert i18n.money(0.00002, "USD") == "less than 0.01 USD"
    set_language("es_ES")
    assert i18n.human_size(2_400_000) == "2,4 MB"
    assert i18n.human_size(640) == "640 bytes"
    assert i18n.day(date(2026, 9, 27)) == "27 sept 2026"
    assert i18n.money(1234.5, "EUR") == "1.234,50 EUR"
    assert i18n.about_money(3.25, "EUR") == "alrededor de 3,25 EUR"
    assert i18n.money(0.00002, "EUR") == "menos de 0,01 EUR"


def test_stored_words_stay_english_whatever_the_language() -> None:
    """The English of stored formats (a skip reason's label, a stage name) is a code: the
    language changes only what `_()` returns."""
    from cleaner.models import SkippedFile, SkipReason
    from cleaner.progress import Stage

    set_language("es")
    skip = SkippedFile("/x.jpg", SkipReason.EMPTY)
    assert skip.message == "empty file (0 bytes)"
    assert Stage.WALK == "Looking for files"
    assert _(Stage.WALK) == "Buscando archivos"
    from cleaner.humanize import skipped_words

    assert skipped_words(skip) == "archivo vacío (0 bytes)"


# -- the pseudo-locale --------------------------------------------------------------------


def test_the_pseudo_locale_is_longer_accented_and_keeps_placeholders() -> None:
    assert set_language("pseudo") == "pseudo"
    text = _("Moved {files} ({size}): {where}. To put them back: photosift undo {batch}")
    assert text.startswith("[")
    assert text.endswith("]")
    assert _placeholders(text) == ["{batch}", "{files}", "{size}", "{where}"]
    assert re.search("[áéíóú]", text)
    plain = "Moved {files} ({size}): {where}. To put them back: photosift undo {batch}"
    assert len(text) >= 1.4 * len(plain)
    assert text.format(files="f", size="s", where="w", batch="b")  # still formats
    argparse_style = _("argument %(argument_name)s: %(message)s")
    assert "%(argument_name)s" in argparse_style
    assert "%(message)s" in argparse_style


# -- the command line and the report in Spanish -------------------------------------------


def _photosift(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LANG")}
    full_env.update(env or {})
    full_env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One picture in three files, one in two, and an empty file."""
    root = tmp_path_factory.mktemp("copies")
    first = images.photo(1)
    images.save(first, root / "harbour.jpg", quality=95)
    images.save(images.resized(first, 320), root / "harbour small.jpg", quality=90)
    images.save(first, root / "harbour.png")
    second = images.photo(2)
    images.save(second, root / "market.jpg", quality=95)
    images.save(second, root / "market copy.png")
    (root / "empty.jpg").write_bytes(b"")
    return root


def test_a_scan_speaks_spanish_with_lang_and_with_lang_from_the_environment(
    copies: Path, tmp_path: Path
) -> None:
    by_option = _photosift("--lang", "es", "scan", str(copies), "--no-cache", "--list")
    by_environment = _photosift(
        "scan", str(copies), "--no-cache", "--list", env={"LANG": "es_MX.UTF-8"}
    )
    for run in (by_option, by_environment):
        assert run.returncode == 0, run.stderr
        out = run.stdout
        assert "Se analizó 1 carpeta en" in out
        assert "Grupos de duplicados:" in out
        assert "3 copias" in out  # the plural, from ngettext
        assert "2 copias" in out
        assert "archivo vacío (0 bytes)" in out
        assert "Scanned" not in out
        assert "Files seen" not in out


def test_the_help_is_spanish_down_to_argparse_words() -> None:
    run = _photosift("--lang", "es", "scan", "--help")
    assert run.returncode == 0
    assert run.stdout.startswith("uso: photosift scan")
    assert "opciones:" in run.stdout
    assert "mostrar esta ayuda y salir" in run.stdout
    wrong = _photosift("--lang", "es", "clean")
    assert wrong.returncode == 2
    assert "faltan estos argumentos obligatorios: --from" in wrong.stderr


def test_the_report_and_the_result_file_in_spanish(copies: Path, tmp_path: Path) -> None:
    """The HTML is Spanish; the result JSON keeps its codes and English words (a result
    saved in one language is read back in any other)."""
    result, report = tmp_path / "r.json", tmp_path / "r.html"
    run = _photosift(
        "--lang", "es", "scan", str(copies), "--no-cache", "-q",
        "--json", str(result), "--report", str(report),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    page = report.read_text(encoding="utf-8")
    assert '<html lang="es">' in page
    for words in ("Informe de fotos duplicadas", "Todas las fotos que tienen copias",
                  "Conservar (mejor copia)", "Copia de más", "Vista previa"):  # fmt: skip
        assert words in page, words
    assert "Every picture that has copies" not in page
    saved = json.loads(result.read_text(encoding="utf-8"))
    skipped = saved["skipped"]
    assert [s["reason"] for s in skipped] == ["empty"]
    assert [s["message"] for s in skipped] == ["empty file (0 bytes)"]
    english = _photosift("report", "--from", str(result), "--html", str(tmp_path / "en.html"))
    assert english.returncode == 0, english.stderr
    assert "Every picture that has copies" in (tmp_path / "en.html").read_text(encoding="utf-8")


# -- strings left unwrapped ---------------------------------------------------------------

# Modules whose user-visible words go through the catalog: a sentence-like string literal
# in them must be inside _(), N_(), ngettext() or pgettext(), be a docstring, or be listed
# here with the reason it is not translated.
# The engine's modules whose messages reach a user (errors, refusals, why a file stays) are
# checked too; `PENDING` below holds the ones still being wrapped.
ENGINE = [
    "cleaner/errors.py",
    "cleaner/safeopen.py",
    "cleaner/models.py",
    "cleaner/keep/reason.py",
    "cleaner/keep/reason_text.py",
    "cleaner/removal/plan.py",
    "cleaner/removal/move.py",
    "cleaner/removal/movelock.py",
    "cleaner/removal/undolog_open.py",
    "cleaner/resultio.py",
    "cleaner/catalog/schema.py",
    "cleaner/catalog/manifest.py",
    "cleaner/catalog/manifest_local.py",
    "cleaner/catalog/reader.py",
    "cleaner/catalog/columns.py",
    "cleaner/catalog/pictures.py",
    "cleaner/removal/restore.py",
    "cleaner/removal/undolog.py",
    "cleaner/catalog/builder.py",
    "cleaner/catalog/estate.py",
    "cleaner/catalog/manifest_write.py",
    "cleaner/removal/undolog_recovery.py",
    "cleaner/removal/rescue.py",
    "cleaner/removal/trash.py",
    "cleaner/phrases.py",
    "cleaner/keep/score.py",
]
CHECKED = sorted(
    [
        *(ROOT / "cleaner" / "cli").glob("*.py"),
        *(ROOT / "cleaner" / "report").glob("*.py"),
        *(ROOT / name for name in ENGINE),
    ]
)
# Engine modules with user-visible English not wrapped yet, and how many literals: the
# number may only go down (a new unwrapped message fails), and is lowered as they are
# wrapped; a module is moved to `ENGINE` when none is left. Wrap a message with _() where
# it is raised or shown, except text that is stored (an undo log record's detail), which
# stays English, is marked with N_() and is translated where shown. Empty since session 9
# (the catalog build, the scan of catalogs, manifest writing, the trash, the undo log's
# recovery note and `undo --from-trash` were the last).
PENDING: dict[str, int] = {}
ALLOWED: dict[str, set[str]] = {
    # the dataset summary is a data set's card, in English like its JSON twin
    # (docs/translation.md); its Markdown headings and table are not translated
    "cleaner/report/estate.py": {
        "# Dataset de-duplication summary",
        "| source | pictures before | after de-duplication | sets | dates |",
        "## Leakage between sources",
        "No picture appears in two sources.",
        "A picture counts as over-represented above ",
        " by PhotoSift ",
        ", fingerprint algorithm ",
        " with rotations and mirrors",
        " (built on ",
    },
    # `Action` codes, written in the CSV's and the JSON's action column for scripts
    "cleaner/report/csv.py": {"keep (protected)"},
    # ReportOptions' checks: the window and the CLI never let such values through
    "cleaner/report/summary.py": {
        "keep (protected)",
        "the number of times must be at least 1",
        "the price per GB-month cannot be negative",
        "the currency cannot be empty",
        "the thumbnail size must be at least 16 pixels",
        "the thumbnail limit cannot be negative",
    },
    # a programming error (a report format the code does not have), not a user's words
    "cleaner/report/writers.py": {"unknown report format ", ": choose from "},
    # programming errors: hashes of two sizes, settings the window and the CLI check first
    "cleaner/models.py": {
        "cannot compare a ",
        "-bit hash with a ",
        "-bit one",
        " must be a whole number, 0 or more, not ",
    },
    # the stored English sentence's marks, to split a stored reason (`KeeperReason`);
    # its words in the user's language come from `cleaner.keep.reason_text`
    "cleaner/keep/reason.py": {" (other copies differ by"},
    # stored: the error's text is a skipped file's detail in the result file (English)
    "cleaner/safeopen.py": {"not a regular file: it is "},
    # stored in the undo log as a failed move's detail (English, like the log's codes); the
    # path-bearing details of a `KeptFile` are shown as written (`KeptFile.words`)
    "cleaner/removal/move.py": {
        "; choose a quarantine folder to remove it",
        " is not one of its sidecar files",
        "its folder: ",
        " appeared since the scan",
    },
    # the JSON reader's own errors, raised as `json.loads` raises them (`loads_in_steps`);
    # `resultio.load` shows them translated (they are marked there with N_())
    "cleaner/resultio.py": {"Expecting property name enclosed in double quotes", "Extra data"},
    # SQLite's own error texts, looked for in what it raised
    "cleaner/catalog/schema.py": {"no such table", "no such column"},
    # stored in the undo log as a kept file's detail (English); made of a label or a path,
    # shown as written (`KeptFile.words`)
    "cleaner/catalog/manifest_local.py": {
        "the scan",
        "it was catalogued",
        ": not verified on ",
        ": not confirmed by ",
        ": run 'photosift catalog verify' there",
    },
    "cleaner/removal/restore.py": {
        # the freedesktop.org trash's own group name, in a .trashinfo file
        "[Trash Info]",
        # a Windows recycle bin record that does not parse is passed over, never shown
        "recycle bin record is too short",
        "recycle bin record is cut short",
        "unknown recycle bin record version ",
        # stored in the undo log as a restore's detail (English); made of a path or the
        # system's error, shown as written (`FileRestore.words`)
        "the folder ",
        " is now a symbolic link; the file was left where it is",
        " is a symbolic link; the copy behind it was left where it is",
        "cannot look in the trash: ",
    },
    "cleaner/removal/undolog.py": {
        # the columns of its SQL, and SQLite's own words taken out of what it reports
        "id, batch_id, original_path, size, mtime_ns, sha256, method, destination, outcome, "
        "detail, started_at, moved_at, restore_state, restored_to, restored_at",
        "*** in database main *** ",
    },
    # SQLite's own words for a catalog it cannot create, looked for in what it raised
    "cleaner/catalog/builder.py": {"unable to open"},
    "cleaner/catalog/estate.py": {
        # the date range's source, for the dataset summary (English, like its JSON twin)
        "capture time",
        "modification time",
        "capture time where recorded, else modification time",
        # caught on the next line (the full decode then says what is wrong, translated) /
        # a programming error
        "metrics that do not parse",
        "metrics that do not parse decoded in full",
    },
    "cleaner/removal/undolog_recovery.py": {
        # the columns of its SQL
        "rowid, id, created_at, app_version, source, state, finished_at",
    },
    "cleaner/removal/trash.py": {
        # stored in the undo log as a failed move's detail (English); made of a path, shown
        # as written (`KeptFile.words`, `FileRestore.words`)
        "a symbolic link",
        "not a regular file",
        " is a symbolic link",
        " is not a regular file",
        # send2trash's own words, looked for in what it raised
        "mount point",
    },
    "cleaner/removal/plan.py": {
        " is a symbolic link",
        "the same file as ",
        ", which stays",
        "also listed as ",
    },
}
WORDS = re.compile(r"[A-Za-z]{2,}[,.:;'!?)]* +[(]?[A-Za-z]{2,}")
# An SQL statement (a catalog's), whole or as the start of an f-string: no words for people
SQL = re.compile(r"\s*(SELECT|PRAGMA|CREATE|INSERT|UPDATE|DELETE|REPLACE|BEGIN|DROP|ALTER)\b")
TRANSLATING = {"_", "N_", "ngettext", "pgettext", "npgettext"}
STYLE_SHEETS = {"_CSS"}  # the report's CSS: no words
NOT_SHOWN = {"metavar", "dest", "action", "choices", "default", "type", "prog", "version"}


def _unwrapped(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        text = re.sub(r"<[^>]*>|<[^>]*$|^[^<]*>", " ", node.value)  # tags and their parts
        if not WORDS.search(text):
            continue  # markup, a key, a single word
        parent = parents.get(node)
        if isinstance(parent, ast.Expr):
            continue  # a docstring
        first = parent.values[0] if isinstance(parent, ast.JoinedStr) else node
        if isinstance(first, ast.Constant) and SQL.match(str(first.value)):
            continue
        ok = isinstance(parent, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in STYLE_SHEETS for t in parent.targets
        )
        while (
            not ok and parent is not None and not isinstance(parent, (ast.FunctionDef, ast.Module))
        ):
            if isinstance(parent, ast.Call):
                func = parent.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in TRANSLATING:
                    ok = True
                    break
            if isinstance(parent, ast.keyword) and parent.arg in NOT_SHOWN:
                ok = True
                break
            parent = parents.get(parent)
        if not ok:
            found.append((node.lineno, node.value))
    return found


def test_user_visible_strings_in_the_command_line_and_the_report_are_wrapped() -> None:
    left = []
    for path in CHECKED:
        name = path.relative_to(ROOT).as_posix()
        allowed = ALLOWED.get(name, set())
        left += [
            f"{name}:{line}: {text!r}" for line, text in _unwrapped(path) if text not in allowed
        ]
    assert left == [], "wrap these in _() (or allow-list a machine key):\n" + "\n".join(left)


def test_engine_modules_still_being_wrapped_only_get_fewer_unwrapped_messages() -> None:
    counts = {name: len(_unwrapped(ROOT / name)) for name in PENDING}
    grew = {n: (counts[n], PENDING[n]) for n in PENDING if counts[n] > PENDING[n]}
    assert grew == {}, "new unwrapped messages (found, allowed): wrap them in _()"
    fewer = {n: (counts[n], PENDING[n]) for n in PENDING if counts[n] < PENDING[n]}
    assert fewer == {}, "fewer unwrapped messages (found, listed): lower PENDING"
    assert not set(PENDING) & set(ENGINE)


def test_the_unwrapped_check_finds_a_bare_message(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        'def f(n):\n    """A docstring is fine."""\n'
        '    print(_("Nothing was moved."))\n'
        '    print(f"Moved {n} files to the trash")\n'
        '    db.execute("SELECT key, value FROM meta")\n'
        '    db.execute(f"SELECT root, {n} FROM files")\n'
        '    return {"key": "group_id"}\n',
        encoding="utf-8",
    )
    assert [text for _line, text in _unwrapped(module)] == [" files to the trash"]


def test_the_catalog_is_read_through_gettext_as_the_app_reads_it() -> None:
    """The shipped .mo opens with Python's own gettext (what `set_language` does)."""
    t = gettext.translation(i18n.DOMAIN, i18n.LOCALE_DIR, languages=["es"])
    assert t.gettext("Nothing was moved.") == "No se movió nada."


def test_another_languages_catalog_is_read_without_changing_the_one_in_force() -> None:
    """The window's restart box says its question in the language in force and in the one
    just chosen (ui/language.py)."""
    set_language("en")
    assert i18n.translation_catalog("es").gettext("Nothing was moved.") == "No se movió nada."
    assert i18n.translation_catalog("es_MX").gettext("Cancelled.") == "Cancelado."
    assert i18n.translation_catalog("xx").gettext("Cancelled.") == "Cancelled."
    assert i18n.translation_catalog("pseudo").gettext("Cancelled.").startswith("[")
    assert i18n.current_language() == "en"
    assert _("Nothing was moved.") == "Nothing was moved."
