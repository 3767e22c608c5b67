"""The one registry of report formats (`cleaner.report.writers.REPORT_WRITERS`).

The command line, the window's export dialog and `write_report` all read it, so these
tests pin what they rely on: each row is distinct and can write, `photosift report`
offers exactly the registry's options in its order, and writing through the registry
gives the same bytes as calling each writer module itself.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

import cleaner
from cleaner.cli import build_parser
from cleaner.models import ScanResult
from cleaner.report import Fate, FileOutcome, ReportSummary, write_report
from cleaner.report.csv import write_csv
from cleaner.report.html import write_html
from cleaner.report.jsonout import write_json
from cleaner.report.writers import REPORT_WRITERS, ReportWriter, report_writer


def _report_parser() -> argparse.ArgumentParser:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    report: argparse.ArgumentParser = sub.choices["report"]
    return report


def test_every_writer_has_its_own_key_extension_and_option_and_can_write() -> None:
    assert REPORT_WRITERS, "at least one report format"
    for field in ("key", "name", "extension", "label", "option"):
        values = [getattr(w, field) for w in REPORT_WRITERS]
        assert len(set(values)) == len(values), f"two writers share a {field}: {values}"
    for w in REPORT_WRITERS:
        assert isinstance(w, ReportWriter)
        assert callable(w.write)
        assert w.key.isidentifier()  # also photosift report's dest and a saved window choice
        assert w.option.startswith("--")
        assert w.extension.isalnum()  # no dot: the window writes NAME.extension
        assert all((w.label, w.help, w.name))
        assert report_writer(w.key) is w


@pytest.fixture
def pairs(library: Callable[..., object], make_photo: Callable[..., object]) -> ScanResult:
    """Two pictures with two byte-identical copies each, scanned."""
    lib = library()
    lib.add("a/one.jpg", make_photo(1))  # type: ignore[attr-defined]
    lib.copy("a/one.jpg", "b/one.jpg")  # type: ignore[attr-defined]
    lib.add("a/two.jpg", make_photo(2))  # type: ignore[attr-defined]
    lib.copy("a/two.jpg", "b/two.jpg")  # type: ignore[attr-defined]
    result: ScanResult = lib.scan()  # type: ignore[attr-defined]
    assert len(result.groups) == 2
    return result


def test_an_unknown_key_names_the_known_ones(pairs: ScanResult, tmp_path: Path) -> None:
    known = ", ".join(w.key for w in REPORT_WRITERS)
    with pytest.raises(ValueError, match=f"'no-such-format': choose from {known}"):
        report_writer("no-such-format")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValueError, match="'no-such-format'"):
        write_report(pairs, {"html": out / "r.html", "no-such-format": out / "r.x"})
    assert not list(out.iterdir())  # checked before the first file was written


def test_the_front_door_exports_the_registry() -> None:
    assert cleaner.REPORT_WRITERS is REPORT_WRITERS
    assert cleaner.ReportWriter is ReportWriter
    assert cleaner.report_writer is report_writer
    assert {"REPORT_WRITERS", "ReportWriter", "report_writer"} <= set(cleaner.__all__)


def test_cli_report_options_are_exactly_the_registrys_in_order() -> None:
    report = _report_parser()
    file_options = [a for a in report._actions if a.metavar == "FILE" and a.dest != "undo_log"]
    assert [a.option_strings for a in file_options] == [[w.option] for w in REPORT_WRITERS]
    assert [a.dest for a in file_options] == [w.key for w in REPORT_WRITERS]
    assert [a.help for a in file_options] == [w.help for w in REPORT_WRITERS]
    # they sit together, right after --from, as --help has always listed them
    dests = [a.dest for a in report._actions]
    start = dests.index("source") + 1
    assert dests[start : start + len(REPORT_WRITERS)] == [w.key for w in REPORT_WRITERS]
    # and no writer's key takes the place of another option's value
    assert len(set(dests)) == len(dests)


def test_cli_report_names_the_registrys_formats_in_its_texts() -> None:
    report = _report_parser()
    assert report.description is not None
    options = report.description.split("Give at least one of ")[1]
    assert options.replace(" and ", ", ").rstrip(".").split(", ") == [
        w.option for w in REPORT_WRITERS
    ]
    subcommands = next(
        a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    )
    helps = {c.dest: c.help for c in subcommands._choices_actions}
    names = ", ".join(w.name for w in REPORT_WRITERS)
    assert helps["report"] == f"write a de-duplication report ({names}) from a saved scan"


def _direct_html(result: ScanResult, summary: ReportSummary, path: Path) -> None:
    write_html(result, summary, path)


def _direct_csv(result: ScanResult, summary: ReportSummary, path: Path) -> None:
    write_csv(result.groups, path, outcomes=summary.outcomes)


def _direct_json(result: ScanResult, summary: ReportSummary, path: Path) -> None:
    write_json(result, summary, path)


DIRECT: dict[str, Callable[[ScanResult, ReportSummary, Path], None]] = {
    "html": _direct_html,
    "csv": _direct_csv,
    "json": _direct_json,
}


@pytest.mark.parametrize("key", list(DIRECT))
def test_writing_through_the_registry_gives_the_writer_modules_bytes(
    key: str, pairs: ScanResult, tmp_path: Path
) -> None:
    result = pairs
    moved = next(m.path for g in result.groups for m in g.members if m.suggested_remove)
    outcomes = {
        moved: FileOutcome(Fate.MOVED, "batch-1", "2025-01-31T14:25:00", "trash", "/trash/x")
    }
    ext = report_writer(key).extension
    through_dir, direct_dir = tmp_path / "through", tmp_path / "direct"
    through_dir.mkdir()
    direct_dir.mkdir()
    summary = write_report(result, {key: through_dir / f"r.{ext}"}, outcomes=outcomes)
    assert summary.outcomes == outcomes
    DIRECT[key](result, summary, direct_dir / f"r.{ext}")  # the same figures and time
    assert [p.name for p in through_dir.iterdir()] == [f"r.{ext}"]  # only the one asked for
    assert (through_dir / f"r.{ext}").read_bytes() == (direct_dir / f"r.{ext}").read_bytes()


def test_write_report_writes_in_the_registrys_order_whatever_the_mappings(
    pairs: ScanResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cleaner.report

    order: list[str] = []

    def recorder(key: str) -> Callable[[ScanResult, ReportSummary, object], None]:
        return lambda result, summary, path: order.append(key)

    recording = tuple(replace(w, write=recorder(w.key)) for w in REPORT_WRITERS)
    monkeypatch.setattr(cleaner.report, "REPORT_WRITERS", recording)
    outputs = {w.key: tmp_path / f"r.{w.extension}" for w in reversed(REPORT_WRITERS)}
    write_report(pairs, outputs)
    assert order == [w.key for w in REPORT_WRITERS]
