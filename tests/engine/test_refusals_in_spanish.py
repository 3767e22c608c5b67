"""The one-line refusals of a damaged file (a result file, a catalog, a manifest, the undo
log) read in the user's language: a Spanish reader gets the whole line in Spanish from the
command line, one line, no traceback; the file itself keeps its English and codes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from cleaner import resultio
from cleaner.cli import main as cli_main
from cleaner.i18n import set_language
from cleaner.removal.undolog import UndoLog, default_log_path
from tests.helpers import images
from tests.helpers.catalogs import make_estate
from tests.helpers.removal_helpers import Env, exact_result, isolate


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    return isolate(monkeypatch, tmp_path)


def _one_error_line(argv: list[str], capsys: pytest.CaptureFixture[str], code: int = 3) -> str:
    assert cli_main(argv) == code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


# -- the result file (cleaner/resultio.py) ---------------------------------------------------


def test_a_cut_result_file_is_refused_in_spanish(
    env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = resultio.dumps(exact_result(env.photos, groups=3, copies=2))
    cut = text[: text.index('"groups": [') + len('"groups": [')]  # a copy stopped mid-way
    path = tmp_path / "cut.json"
    path.write_text(cut, encoding="utf-8")
    line = cut.count("\n") + 1
    argv = ["report", "--from", str(path), "--csv", str(tmp_path / "out.csv")]
    assert _one_error_line(["--lang", "es", *argv], capsys) == (
        f"photosift: {path} no es JSON válido (se esperaba un valor, línea {line})"
    )
    assert _one_error_line(argv, capsys) == (
        f"photosift: {path} is not valid JSON (Expecting value, line {line})"
    )


def test_a_wrong_value_in_a_result_file_is_refused_in_spanish(
    env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(resultio.dumps(exact_result(env.photos, groups=2, copies=2)))
    data["groups"][1]["members"][0]["size"] = "big"
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    argv = ["--lang", "es", "clean", "--from", str(path), "--dry-run"]
    assert _one_error_line(argv, capsys) == (
        "photosift: el archivo de resultados está dañado o incompleto: "
        "groups[1].members[0].size debería ser un número entero, no texto"
    )


# -- the catalog file (cleaner/catalog/schema.py) --------------------------------------------


def test_a_cut_catalog_is_refused_in_spanish_by_a_reader_and_by_a_build(
    env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    images.save(images.photo(1), library / "harbour.jpg")
    images.save(images.photo(2), library / "beach.png")
    out = tmp_path / "nas-1.catalog"
    build = ["catalog", "build", str(library), "--label", "nas-1", "--out", str(out)]
    assert cli_main(build) == 0
    capsys.readouterr()
    cut = out.read_bytes()[: out.stat().st_size // 2]
    out.write_bytes(cut)
    line = _one_error_line(["--lang", "es", "catalog", "info", str(out)], capsys)
    assert line.startswith(f"photosift: {out} está cortado (")
    assert line.endswith(" bytes): créelo de nuevo o cópielo de nuevo")
    # a build over it swaps the advice, in Spanish too, and leaves the file alone
    line = _one_error_line(["--lang", "es", *build], capsys)
    assert line.startswith(f"photosift: {out} está cortado (")
    assert line.endswith(
        " bytes): muévalo a otro lugar o elija otro --out (crear un catálogo no lo sobrescribe)"
    )
    assert out.read_bytes() == cut
    assert "is truncated" in _one_error_line(["catalog", "info", str(out)], capsys)


# -- a removal manifest (cleaner/catalog/manifest.py) ----------------------------------------


def test_a_cut_manifest_is_refused_in_spanish(
    env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "nas-1.manifest.jsonl"
    manifest.write_text('{"format":"photosift-removal-manifest","format_version":1}\n')
    for argv in (["clean", "--from", str(manifest), "--yes"], ["catalog", "verify", str(manifest)]):
        assert _one_error_line(["--lang", "es", *argv], capsys) == (
            f"photosift: {manifest} está cortado (no termina con su suma de verificación): "
            "escriba otra vez los manifiestos (photosift scan --catalog ... --manifests DIR)"
        )
    manifest.write_text("")
    assert _one_error_line(["--lang", "es", "catalog", "verify", str(manifest)], capsys) == (
        f"photosift: {manifest} está vacío: no es un manifiesto de PhotoSift"
    )


# -- a manifest on this machine (cleaner/catalog/manifest_local.py) --------------------------


def test_a_manifest_whose_root_moved_is_refused_in_spanish(
    env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    estate = make_estate(tmp_path / "estate", sets=2, across=1, own=1)
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    scan = ["scan", "--catalog", str(estate.a), "--catalog", str(estate.b)]
    assert cli_main([*scan, "--manifests", str(manifests), "-q"]) == 0
    manifest = manifests / "nas-1.manifest.jsonl"
    assert manifest.is_file()
    capsys.readouterr()
    estate.server_a.rename(tmp_path / "elsewhere")
    line = _one_error_line(["--lang", "es", "clean", "--from", str(manifest), "--yes"], capsys)
    assert line == (
        f"photosift: {manifest.name}: la raíz catalogada {estate.server_a} no es una carpeta "
        "en esta máquina (si se movió, escriba --root CATALOGUED_ROOT=FOLDER); no se movió nada"
    )
    # a wrong --root is a usage error, said in Spanish too
    assert cli_main(["--lang", "es", "clean", "--from", str(manifest), "--root", "x"]) == 2
    assert capsys.readouterr().err == (
        "photosift: --root x: escriba CATALOGUED_ROOT=FOLDER_HERE (o LABEL=FOLDER para un "
        "catálogo de una sola raíz)\n"
    )


# -- putting files back (cleaner/removal/restore.py) -----------------------------------------


def test_what_could_not_be_put_back_is_said_in_spanish_and_stored_in_english(
    env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = exact_result(env.photos, groups=2, copies=2)
    saved = tmp_path / "result.json"
    saved.write_text(resultio.dumps(result), encoding="utf-8")
    assert cli_main(["clean", "--from", str(saved), "--yes"]) == 0
    for p in (env.trash / "files").iterdir():
        p.unlink()  # the trash was emptied
    capsys.readouterr()
    assert cli_main(["--lang", "es", "undo"]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    copies = sorted(m.entry.path for g in result.groups for m in g.members if not m.is_keeper)
    assert sorted(line.strip() for line in lines) == [
        f"{path}: no se encontró donde se había movido: puede que se haya vaciado la papelera"
        for path in copies
    ]
    with UndoLog() as log:
        (batch,) = log.batches()
        details = {e.detail for e in log.entries(batch.id)}
    assert details == {"the trash may have been emptied"}


# -- the undo log (cleaner/removal/undolog.py) -----------------------------------------------


def test_a_hand_edited_undo_log_record_and_an_unknown_batch_are_said_in_spanish(
    env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = exact_result(env.photos, groups=2, copies=2)
    saved = tmp_path / "result.json"
    saved.write_text(resultio.dumps(result), encoding="utf-8")
    assert cli_main(["clean", "--from", str(saved), "--yes"]) == 0
    with UndoLog() as log:
        (batch,) = log.batches()
        first = log.entries(batch.id)[0]
    with sqlite3.connect(default_log_path()) as conn:
        conn.execute("UPDATE entries SET size = -1 WHERE id = ?", (first.id,))
    conn.close()
    capsys.readouterr()
    assert cli_main(["--lang", "es", "history", batch.id]) == 0
    out = capsys.readouterr().out
    assert (
        f"  la anotación {first.id} ({first.original_path}) del registro para deshacer no es "
        "válida: su tamaño es negativo\n"
    ) in out
    assert _one_error_line(["--lang", "es", "undo", "nope"], capsys, code=1) == (
        "photosift: no hay ningún lote de eliminación 'nope' en el registro para deshacer"
    )


def test_a_hand_edited_catalog_is_refused_in_spanish(
    env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The reader's refusal (cleaner/catalog/reader.py), as `catalog info` and a scan of
    catalogs say it."""
    library = tmp_path / "library"
    library.mkdir()
    images.save(images.photo(1), library / "harbour.jpg")
    out = tmp_path / "nas-1.catalog"
    assert cli_main(["catalog", "build", str(library), "--label", "nas-1", "--out", str(out)]) == 0
    with sqlite3.connect(out) as conn:
        conn.execute("UPDATE files SET size = size + 1 WHERE rowid = 1")
    conn.close()
    capsys.readouterr()
    expected = (
        f"photosift: {out} está dañado o se cambió después de crearse (su suma de verificación "
        "no coincide): créelo de nuevo o cópielo de nuevo"
    )
    assert _one_error_line(["--lang", "es", "catalog", "info", str(out)], capsys) == expected
    scan = ["--lang", "es", "scan", "--catalog", str(out), "-q"]
    assert cli_main(scan) == 3
    assert expected in capsys.readouterr().err.splitlines()


def test_catalogs_read_on_worker_processes_are_refused_in_the_chosen_language(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A spawned reader starts in the environment's language (English here): it is told
    the language chosen (--lang, View → Language), so its refusals read as the parent's."""
    from cleaner.catalog import columns

    monkeypatch.setattr(columns, "PARALLEL_BYTES", 0)  # two small catalogs: on workers too
    empty, other = tmp_path / "empty.catalog", tmp_path / "places.sqlite"
    empty.write_bytes(b"")
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE moz_places (url TEXT)")
    conn.close()
    set_language("es")
    said = [str(e) for e in columns.read_many([empty, other], workers=2)]
    assert said == [
        f"{empty} está vacío: no es un catálogo de PhotoSift",
        f"{other} no es un catálogo de PhotoSift (es una base de datos SQLite de otro programa)",
    ]
