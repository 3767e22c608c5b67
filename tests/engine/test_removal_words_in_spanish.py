"""What a person reads when a move went wrong, in Spanish: a trash that refuses a file
(`cleaner/removal/trash.py`), an undo log set aside and rebuilt
(`cleaner/removal/undolog_recovery.py`) and files found again without the log
(`cleaner/removal/rescue.py`). Each test runs the real command line with `--lang es`;
what the undo log stores stays English."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import cleaner.removal.trash
from cleaner import resultio
from cleaner.cli import main as cli_main
from cleaner.i18n import set_language, stored_words
from cleaner.removal.move import QuarantineMode, RemovalOptions, run_removal
from cleaner.removal.plan import plan_removal
from cleaner.removal.trash import QUARANTINE_INDEX_NAME
from cleaner.removal.undolog import LOG_FILE_NAME, Outcome, UndoLog
from tests.helpers.damaged_log import damage_middle_page
from tests.helpers.removal_helpers import Env, exact_result, isolate


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    return isolate(monkeypatch, tmp_path)


def test_a_drive_without_a_trash_is_said_in_spanish_and_stored_in_english(
    env: Env,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The real `move_to_trash` refusing a network drive: every copy stays, each says why
    in Spanish; the undo log keeps the English detail."""
    res = exact_result(env.photos, groups=2, copies=2)
    result_file = tmp_path / "result.json"
    resultio.save(res, result_file)
    monkeypatch.setattr(cleaner.removal.trash, "trash_supported", lambda path: False)

    assert cli_main(["--lang", "es", "clean", "--from", str(result_file), "--yes"]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    refused = [line for line in err.splitlines() if "papelera" in line]
    assert len(refused) == 2, err
    for line in refused:
        assert line.endswith(
            "la papelera no está disponible en esta unidad (es una unidad de red, sin papelera)"
        ), line
    assert "network drive" not in err
    with UndoLog() as log:
        (batch,) = log.batches()
        details = [e.detail for e in log.entries(batch.id) if e.outcome is Outcome.FAILED]
    assert (
        details
        == ["this drive has no trash (network drive); choose a quarantine folder to remove it"] * 2
    )
    # `history` says that stored English in Spanish, both of its parts
    assert cli_main(["--lang", "es", "history", batch.id]) == 0
    out, err = capsys.readouterr()
    said = [line.strip() for line in out.splitlines() if "cuarentena para quitarlo" in line]
    assert (
        said
        == ["(es una unidad de red, sin papelera; elija una carpeta de cuarentena para quitarlo)"]
        * 2
    ), out
    assert "network drive" not in out + err


def test_a_stored_detail_is_said_part_by_part_and_the_rest_as_written() -> None:
    """`stored_words`: each "; "-joined part that is a catalog message is translated, a
    path or the system's error stays as written (a path holding "; " too), and in English
    the detail comes back as stored."""
    stored = "this drive has no trash (network drive); choose a quarantine folder to remove it"
    odd = "/mnt/share/a; b/photo.jpg; [Errno 5] Input/output error"
    set_language("en")
    assert stored_words(stored) == stored
    assert stored_words(odd) == odd
    set_language("es")
    assert stored_words(stored) == (
        "es una unidad de red, sin papelera; elija una carpeta de cuarentena para quitarlo"
    )
    assert stored_words(odd) == odd
    assert stored_words("") == ""


def test_a_recovered_undo_log_is_said_in_spanish(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    """A log with a damaged page, read by `history`: set aside, rebuilt, and the lost
    records named, in one Spanish line."""
    res = exact_result(env.photos, groups=1_000)
    with UndoLog() as log:
        assert len(run_removal(plan_removal(res), log).removed) == 1_000
    damage_middle_page(env.data_dir / LOG_FILE_NAME)

    assert cli_main(["--lang", "es", "history"]) == 0
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    head = "photosift: El registro para deshacer estaba dañado; se apartó como "
    assert line.startswith(head), line
    assert " Se recuperaron " in line
    assert "anotaciones de archivos en 1 lote." in line
    assert "anotaciones de archivos (números " in line
    assert line.endswith(
        "puede que esos archivos sigan en la papelera ('photosift undo --from-trash')."
    )
    for english in ("undo log", "Recovered", "record", "could not", "trash)"):
        assert english not in line


def test_files_found_without_the_log_are_listed_in_spanish(
    env: Env,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`undo --from-trash` over a quarantine batch whose index was edited by hand: the
    bad lines, where each file is, and why one could not go back, all in Spanish."""
    quarantine = tmp_path / "quarantine"
    res = exact_result(env.photos, groups=3)
    with UndoLog() as log:
        finished = run_removal(
            plan_removal(res), log, options=RemovalOptions(QuarantineMode.ALWAYS, str(quarantine))
        )
    index = quarantine / finished.batch_id / QUARANTINE_INDEX_NAME
    lines = index.read_text().splitlines()
    first = json.loads(lines[1])
    first["stored"] = "../../documents/letter.txt"  # an edit pointing outside the batch
    lines[1] = json.dumps(first)
    second = json.loads(lines[2])
    index.write_text("\n".join([*lines, "{not json"]) + "\n")
    (quarantine / finished.batch_id / second["stored"]).unlink()
    (quarantine / finished.batch_id / second["stored"]).mkdir()  # not a file any more
    for p in env.data_dir.iterdir():
        p.unlink()  # the undo log is lost

    monkeypatch.setattr("sys.stdin", io.StringIO("s\n"))
    argv = ["--lang", "es", "undo", "--from-trash", "--quarantine", str(quarantine)]
    assert cli_main(argv) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert f"{index}, línea 2: la ruta guardada sale de la carpeta del lote" in err
    assert f"{index}, línea 5: no es una anotación de las que escribe PhotoSift" in err
    assert f"(en el lote de cuarentena {finished.batch_id})" in out
    assert (
        f"{second['original']}: no se pudo devolver: la copia encontrada no es un archivo normal"
    ) in err
    assert "regular file" not in err
    assert "line" not in err
    assert "quarantine batch" not in out


def test_history_says_what_became_of_each_file_put_back_in_spanish(
    env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    """`history BATCH` after an undo: each file's restore state, stored as a code
    ("restored"), is said in Spanish, not as the code with its underscores."""
    res = exact_result(env.photos, groups=3, copies=2)
    with UndoLog() as log:
        assert len(run_removal(plan_removal(res), log).removed) == 3
        (batch,) = log.batches()
    assert cli_main(["undo", batch.id]) == 0
    capsys.readouterr()
    assert cli_main(["--lang", "es", "history", batch.id]) == 0
    out, err = capsys.readouterr()
    states = [line.strip() for line in out.splitlines() if "devolución:" in line]
    assert states == ["devolución: devuelto"] * 3, out
    assert "restore" not in out + err
