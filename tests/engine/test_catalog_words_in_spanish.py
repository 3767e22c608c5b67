"""What a catalog build, a scan of catalogs and the writing of removal manifests say
(cleaner/catalog/builder.py, estate.py, manifest_write.py) reads in the user's language:
a Spanish reader gets the whole line in Spanish, one line, no traceback, with dates
formatted for the locale; the catalogs and manifests themselves keep their English codes."""

from __future__ import annotations

import datetime as _dt
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from babel.dates import format_date

from cleaner.catalog.builder import BuildSettings, build
from cleaner.catalog.manifest_write import write_scan_manifests
from cleaner.cli import main as cli_main
from cleaner.errors import Cancelled
from cleaner.i18n import set_language
from cleaner.models import ScanResult, ScanSettings
from cleaner.progress import CancelToken, Notice, Stage, StageStarted, drain
from tests.helpers import images
from tests.helpers.catalogs import Estate, make_estate


@pytest.fixture(autouse=True)
def _no_locale_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The language comes from --lang or set_language only (conftest's `_english` sets
    English back after every test)."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    return make_estate(tmp_path_factory.mktemp("estate"), sets=3, across=1, own=1)


def _error_line(argv: list[str], capsys: pytest.CaptureFixture[str], code: int) -> str:
    assert cli_main(argv) == code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


def _library(folder: Path) -> Path:
    folder.mkdir()
    for n in range(1, 4):
        images.save(images.photo(n), folder / f"photo {n}.jpg")
    (folder / "cut.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a whole picture")
    return folder


def _pause_when_reading_starts(settings: BuildSettings) -> None:
    """A build paused as Ctrl-C pauses it, once the walk is written: it resumes later."""
    token = CancelToken()
    for event in build(settings, cancel=token):
        if event == StageStarted(Stage.FINGERPRINT):
            token.cancel()


# -- a catalog build (cleaner/catalog/builder.py) --------------------------------------------


def test_a_build_over_another_labels_catalog_is_refused_in_spanish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = _library(tmp_path / "library")
    out = tmp_path / "nas-1.catalog"
    assert cli_main(["catalog", "build", str(library), "--label", "nas-1", "--out", str(out)]) == 0
    capsys.readouterr()
    before = out.read_bytes()
    other = ["catalog", "build", str(library), "--label", "nas-2", "--out", str(out)]
    assert _error_line(["--lang", "es", *other], capsys, code=3) == (
        f"photosift: {out} es el catálogo de 'nas-1', no de 'nas-2': escriba --label nas-1 "
        "para actualizarlo, o elija otro --out"
    )
    assert out.read_bytes() == before
    assert _error_line(other, capsys, code=3).startswith(f"photosift: {out} is the catalog of")
    # a label that is not one line
    tab = ["catalog", "build", str(library), "--label", "nas\t1", "--out", str(out)]
    assert _error_line(["--lang", "es", *tab], capsys, code=2) == (
        "photosift: --label debe ser una sola línea de 200 caracteres imprimibles como máximo"
    )


def test_resuming_an_interrupted_build_is_said_in_spanish_with_a_spanish_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The build of a library with a damaged picture is paused (Ctrl-C) and run again in
    Spanish: the notice names when it started as a Spanish reader writes a date."""
    library = _library(tmp_path / "library")
    out = tmp_path / "nas-1.catalog"
    settings = BuildSettings(roots=(str(library),), label="nas-1", out=out, workers=1)
    with pytest.raises(Cancelled):
        _pause_when_reading_starts(settings)
    with sqlite3.connect(out) as conn:
        started = dict(conn.execute("SELECT key, value FROM meta").fetchall())["build_started_at"]
    conn.close()
    assert cli_main(["--lang", "es", "catalog", "build", str(library), "--label", "nas-1",
                     "--out", str(out)]) == 0  # fmt: skip
    said = capsys.readouterr()
    assert "Traceback" not in said.err
    day = format_date(_dt.datetime.fromisoformat(started).astimezone(), "d MMM y", locale="es_419")
    (notice,) = [line for line in said.err.splitlines() if "creación" in line]
    assert notice.startswith(f"photosift: Continuando la creación de {out}, empezada el {day}, ")
    assert notice.endswith(": los archivos ya catalogados no se vuelven a leer.")
    assert started not in notice  # not the stored ISO time


def test_the_notices_of_a_build_follow_the_language_and_the_catalog_stays_english(
    tmp_path: Path,
) -> None:
    library = _library(tmp_path / "library")
    out = tmp_path / "nas-1.catalog"
    settings = BuildSettings(roots=(str(library),), label="nas-1", out=out, workers=1)
    drain(build(settings))
    with sqlite3.connect(out) as conn:
        conn.execute("UPDATE meta SET value = 'another reader' WHERE key = 'reading'")
        # a hand edit changes the checksum too: give the file its new one
        from cleaner.catalog.schema import compute_checksum

        conn.execute("UPDATE meta SET value = ? WHERE key = 'checksum'", (compute_checksum(conn),))
    conn.close()
    set_language("es")
    notices = [e for e in build(settings) if isinstance(e, Notice)]
    assert notices == [
        Notice(
            f"{out} se creó con otro PhotoSift o con otra configuración: se vuelven a leer "
            "todas las fotos.",
            "Se vuelven a leer todas las fotos.",
        )
    ]
    with sqlite3.connect(out) as conn:
        reasons = dict(conn.execute("SELECT key, value FROM meta").fetchall())["skipped_reasons"]
    conn.close()
    assert reasons == '{"corrupt": 1}'  # the damaged picture: a code, not words


# -- a scan of catalogs (cleaner/catalog/estate.py) ------------------------------------------


def test_two_catalogs_of_one_label_are_refused_in_spanish(
    estate: Estate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    twin = tmp_path / "twin.catalog"
    twin.write_bytes(estate.a.read_bytes())
    scan = ["scan", "--catalog", str(estate.a), "--catalog", str(twin), "-q"]
    assert _error_line(["--lang", "es", *scan], capsys, code=3) == (
        f"photosift: {twin} y {estate.a} tienen los dos la etiqueta 'nas-1': cada etiqueta "
        "nombra un servidor del conjunto; cree uno de los dos de nuevo con otra --label"
    )
    protect = ["scan", "--catalog", str(estate.a), "--protect-label", "nope", "-q"]
    assert _error_line(["--lang", "es", *protect], capsys, code=2) == (
        "photosift: --protect-label nope: ningún catálogo tiene esa etiqueta (nas-1)"
    )


def test_the_window_is_told_in_spanish_which_catalog_was_left_out(
    estate: Estate, tmp_path: Path
) -> None:
    from cleaner import scan_catalog_files

    twin = tmp_path / "twin.catalog"
    twin.write_bytes(estate.a.read_bytes())
    set_language("es")
    events = list(scan_catalog_files([estate.a, twin], ScanSettings(roots=())))
    (notice,) = [e for e in events if isinstance(e, Notice)]
    assert notice.short == "twin.catalog no se abrió"
    assert notice.text.endswith("cree uno de los dos de nuevo con otra --label")


# -- writing removal manifests (cleaner/catalog/manifest_write.py) ---------------------------


def _every_copy_marked(result: ScanResult) -> ScanResult:
    first = replace(
        result.groups[0],
        members=tuple(replace(m, suggested_remove=True) for m in result.groups[0].members),
    )
    return replace(result, groups=(first, *result.groups[1:]))


def test_marks_that_remove_every_copy_are_refused_in_spanish(
    estate: Estate, tmp_path: Path
) -> None:
    from cleaner.catalog.estate import scan_catalogs

    scanned = drain(scan_catalogs([str(estate.a), str(estate.b)], ScanSettings(roots=())))
    result = _every_copy_marked(scanned.result)
    set_language("es")
    with pytest.raises(ValueError, match="conserve una") as refused:
        write_scan_manifests(scanned, result, str(tmp_path))
    assert str(refused.value) == (
        f"todas las copias del grupo {result.groups[0].id} están marcadas para quitar: conserve una"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_catalog_without_its_checksum_is_refused_in_spanish_when_writing_manifests(
    estate: Estate, tmp_path: Path
) -> None:
    from cleaner.catalog.estate import scan_catalogs
    from cleaner.catalog.schema import CatalogError

    a, b = tmp_path / "nas-1.catalog", tmp_path / "archive.catalog"
    a.write_bytes(estate.a.read_bytes())
    b.write_bytes(estate.b.read_bytes())
    scanned = drain(scan_catalogs([str(a), str(b)], ScanSettings(roots=())))
    with sqlite3.connect(b) as conn:  # changed after the scan read it
        conn.execute("DELETE FROM meta WHERE key = 'checksum'")
    conn.close()
    set_language("es")
    out = tmp_path / "manifests"
    out.mkdir()
    with pytest.raises(CatalogError, match="créelo de nuevo") as refused:
        write_scan_manifests(scanned, scanned.result, str(out))
    assert str(refused.value) == f"{b} no tiene suma de verificación: créelo de nuevo"
