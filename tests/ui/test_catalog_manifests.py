"""Removal manifests from the window's review of catalogs (issue 14): the user's marks,
written by the engine's own manifest writer, one per server, then the next steps."""

from __future__ import annotations

import contextlib
import io
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cleaner import ReportOptions, ScanResult
from cleaner.catalog.manifest import Manifest, read_manifest
from cleaner.catalog.manifest_write import write_manifests
from cleaner.cli import main
from tests.helpers.catalogs import Estate
from tests.helpers.removal_helpers import isolate
from tests.helpers.window import open_catalogs
from ui.catalog_export import (
    CATALOG_EXPORTS,
    MANIFESTS,
    EstateExportDialog,
    EstateRequest,
    export_estate,
)
from ui.catalog_manifests import ManifestsRefused
from ui.main_window import MainWindow
from ui.models.session import MarkRefused


def manifests_dialog(w: MainWindow, folder: Path) -> EstateExportDialog:
    """The export dialog with only the removal manifests ticked, saving in `folder`."""
    w.export_report()
    dialog = w.catalogs.export_dialog
    assert dialog is not None
    for export, check in dialog.checks:
        check.setChecked(export.key == MANIFESTS)
    dialog.folder.setText(str(folder))
    dialog.name.setText("estate")
    return dialog


def records(m: Manifest) -> tuple[list[object], list[object]]:
    """A manifest's set lines and keep lines as lists (its run and time left out)."""
    return [(s.set_id, s.kind, s.move, s.survivors) for s in m.sets], list(m.keep)


def read_all(folder: Path) -> dict[str, Manifest]:
    return {p.name: read_manifest(str(p)) for p in sorted(folder.iterdir())}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def change_marks(w: MainWindow) -> tuple[list[str], list[str]]:
    """Marks as a person changes them: in one set the suggested copy kept and its keeper
    marked instead, in another every mark taken off, in a set across servers only the
    archive's copy marked. Returns (the marks taken off, the new marks)."""
    session = w.session
    row_a = next(r for r, g in enumerate(session.groups) if session.marked_in_group(r) == 1)
    group = session.groups[row_a]
    off = next(i for i in range(len(group.members)) if session.is_marked(row_a, i))
    keeper = next(i for i in range(len(group.members)) if not session.is_marked(row_a, i))
    assert session.set_mark(row_a, off, False) is None
    assert session.set_mark(row_a, keeper, True) is None
    row_b = next(r for r in range(len(session.groups)) if r != row_a and session.marked_in_group(r))
    b = session.groups[row_b]
    taken_off = [group.members[off].path]
    taken_off += [m.path for i, m in enumerate(b.members) if session.is_marked(row_b, i)]
    assert session.set_marks(row_b, range(len(b.members)), False) is None
    row_x = next(
        r
        for r, g in enumerate(session.groups)
        if r not in (row_a, row_b) and any(m.path.startswith("archive:") for m in g.members)
    )
    x = session.groups[row_x]
    i_arch = next(i for i, m in enumerate(x.members) if m.path.startswith("archive:"))
    taken_off += [
        m.path for i, m in enumerate(x.members) if session.is_marked(row_x, i) and i != i_arch
    ]
    assert session.set_marks(row_x, range(len(x.members)), False) is None
    assert session.set_mark(row_x, i_arch, True) is None
    return taken_off, [group.members[keeper].path, x.members[i_arch].path]


def with_decisions(result: ScanResult, remove: dict[str, bool]) -> ScanResult:
    """The scan's result with `suggested_remove` set from the decisions: what the engine's
    writer is given in the test, built here and not by the window's code."""
    groups = tuple(
        replace(g, members=tuple(replace(m, suggested_remove=remove[m.path]) for m in g.members))
        for g in result.groups
    )
    return replace(result, groups=groups)


def test_manifests_of_changed_marks_equal_the_engines_and_clean_accepts_them(
    qtbot: QtBot,
    window: MainWindow,
    estate: Estate,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    isolate(monkeypatch, tmp_path)
    open_catalogs(qtbot, window, estate.a, estate.b)
    taken_off, marked = change_marks(window)
    remove = {p: d.value == "remove" for p, d in window.session.decisions().items()}
    assert not any(remove[p] for p in taken_off)
    assert all(remove[p] for p in marked)

    dialog = manifests_dialog(window, tmp_path / "out")
    with qtbot.waitSignal(window.catalogs.exporter.finished, timeout=60_000):
        dialog.export_button.click()
    folder = tmp_path / "out" / "estate-manifests"
    from_window = read_all(folder)
    assert sorted(from_window) == ["archive.manifest.jsonl", "nas-1.manifest.jsonl"]

    result = window.session.current_result()
    scanned = window.catalogs.scanned
    assert result is not None
    assert scanned is not None
    engine = tmp_path / "engine"
    engine.mkdir()
    catalogs = [(f.label, f.catalog, f.machine, f.roots) for f in scanned.labels]
    write_manifests(with_decisions(result, remove), catalogs, str(engine))
    from_engine = read_all(engine)
    assert {k: records(m) for k, m in from_window.items()} == {
        k: records(m) for k, m in from_engine.items()
    }
    moved = [(m.label, r.path) for m in from_window.values() for s in m.sets for r in s.move]
    assert len(moved) == sum(remove.values())
    names = {
        label: {path.rsplit("/", 1)[-1] for lb, path in moved if lb == label} for label, _ in moved
    }

    def in_a_manifest(path: str) -> bool:
        label, _, below = path.partition(":")
        return below.rsplit("/", 1)[-1] in names.get(label, set())

    assert [p for p in taken_off if in_a_manifest(p)] == []  # marks taken off: in none
    assert [p for p in marked if in_a_manifest(p)] == marked
    on_archive = sorted(
        p.partition(":")[2] for p, r in remove.items() if r and p.startswith("archive:")
    )
    assert sorted(path for lb, path in moved if lb == "archive") == on_archive

    steps = dialog.steps.text()
    assert dialog.steps.isVisible()
    assert dialog.open_button.isHidden()  # no report to open: only the manifests
    assert not dialog.status.text().startswith("<b>Report saved</b>")
    for command in (  # each server leans on the other: both verify, both clean
        "photosift catalog verify estate-manifests/nas-1.manifest.jsonl",
        "photosift catalog verify estate-manifests/archive.manifest.jsonl",
        "photosift clean --from estate-manifests/nas-1.manifest.jsonl --dry-run",
        "photosift clean --from estate-manifests/archive.manifest.jsonl",
    ):
        assert command in steps

    # both "servers" are this machine: verify each, then a dry run accepts each manifest
    before = sorted(p for p in estate.base.rglob("*") if p.is_file())
    for name in ("nas-1", "archive"):
        code, _, err = run("catalog", "verify", str(folder / f"{name}.manifest.jsonl"))
        assert (code, err) == (0, ""), err
    for name in ("nas-1", "archive"):
        manifest = str(folder / f"{name}.manifest.jsonl")
        code, out, err = run("clean", "--from", manifest, "--dry-run")
        assert (code, err) == (0, ""), err
        sets = from_window[f"{name}.manifest.jsonl"].sets
        assert f"): {len(sets):,} sets with copies to move here." in out, out[:300]
        assert f"jsonl: {sum(len(s.move) for s in sets):,} files (" in out, out[:600]
        assert out.endswith("Dry run: nothing was moved.\n")
    assert sorted(p for p in estate.base.rglob("*") if p.is_file()) == before
    dialog.reject()


def test_an_unwritable_folder_gives_one_clear_message(
    qtbot: QtBot, window: MainWindow, estate: Estate, tmp_path: Path
) -> None:
    open_catalogs(qtbot, window, estate.a, estate.b)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    dialog = manifests_dialog(window, blocker / "out")
    with qtbot.waitSignal(window.catalogs.exporter.failed, timeout=60_000):
        dialog.export_button.click()
    text = dialog.status.text()
    assert text.startswith("The report could not be saved: ")
    assert str(blocker / "out") in text
    assert "\n" not in text
    assert "Traceback" not in text
    assert not dialog.steps.isVisible()
    assert dialog.export_button.isEnabled()  # another folder can be tried
    dialog.reject()


def test_every_copy_of_a_set_cannot_be_marked_nor_written(
    qtbot: QtBot, window: MainWindow, estate: Estate, tmp_path: Path
) -> None:
    open_catalogs(qtbot, window, estate.a, estate.b)
    session = window.session
    every = list(range(len(session.groups[0].members)))
    assert session.set_marks(0, every, True) is MarkRefused.LAST_COPY
    assert session.marked_in_group(0) < len(every)
    # marks that came some other way are refused by the writer, in one line
    result, scanned = session.current_result(), window.catalogs.scanned
    assert result is not None
    assert scanned is not None
    remove = {p: d.value == "remove" for p, d in session.decisions().items()}
    remove.update({m.path: True for m in session.groups[0].members})
    export = next(e for e in CATALOG_EXPORTS if e.key == MANIFESTS)
    request = EstateRequest(scanned, result, remove, tmp_path, "x", (export,), ReportOptions())
    with pytest.raises(ManifestsRefused, match="marked for removal: keep one"):
        export_estate(request)
    assert list((tmp_path / "x-manifests").iterdir()) == []
