"""The de-duplication report: generated library -> scan -> report in HTML, CSV and JSON.

Checks that the figures in every format are the engine's, that anything coming from the
disk is escaped in the HTML, that previews and placeholders appear where they should,
that the undo log's record of each file shows up, and the `photosift report` exit codes.
"""

from __future__ import annotations

import csv
import html.parser
import io
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from cleaner import load_outcomes
from cleaner.cli import main as cli_main
from cleaner.humanize import money
from cleaner.models import GroupKind, ScanResult
from cleaner.report import (
    Fate,
    ReportOptions,
    outcomes_from_log,
    summarize,
    write_report,
)
from cleaner.report.csv import COLUMNS, OUTCOME_COLUMNS
from cleaner.resultio import load, result_to_dict, save

EVIL = "<img src=x onerror=alert(1)>.jpg"
NON_UTF8 = b"caf\xe9 \xff.jpg"  # Latin-1 bytes: not valid UTF-8


@dataclass
class Scanned:
    root: Path
    result: ScanResult


@pytest.fixture
def scanned(library: Callable[..., object], make_photo: Callable[..., object]) -> Scanned:
    """A library whose root name and file names are hostile, scanned without a cache.

    - picture 1: five byte-identical copies (appears more than 3 times)
    - picture 2: a JPEG and a half-size PNG, one of them named like an HTML tag
    - picture 3: two copies, one with a name that is not valid UTF-8
    - an empty file and a text file named .jpg (skipped)
    """
    lib = library('<i>Photos & "co"')
    lib.add("a/one.jpg", make_photo(1))
    for i in range(4):
        lib.copy("a/one.jpg", f"copies/one-{i}.jpg")
    lib.add(f"b/{EVIL}", make_photo(2))
    lib.add("b/two-small.png", make_photo(2).resize((320, 240)))
    lib.add("c/three.jpg", make_photo(3))
    root_b = os.fsencode(lib.root / "c") + b"/" + NON_UTF8
    with open(root_b, "wb") as fh:
        fh.write(lib.files["c/three.jpg"].read_bytes())
    lib.add_bytes("junk/empty.jpg", b"")
    lib.add_bytes("junk/notes.jpg", b"not a picture at all\n" * 10)
    result = lib.scan()
    return Scanned(lib.root, result)


def _group_sizes(result: ScanResult) -> list[int]:
    return sorted(g.size for g in result.groups)


def test_the_generated_library_scans_as_expected(scanned: Scanned) -> None:
    # The rest of this file relies on this shape; fail loudly here if the engine changes.
    assert _group_sizes(scanned.result) == [2, 2, 5]
    assert len(scanned.result.skipped) == 2


# -- the figures ------------------------------------------------------------------------------


def test_summary_figures_are_the_engines(scanned: Scanned) -> None:
    r = scanned.result
    s = summarize(r, ReportOptions(price_per_gb_month=2.0, currency="EUR"))
    t = s.totals
    assert t.files_seen == r.stats.files_seen
    assert t.images == r.stats.images
    assert t.groups == r.stats.groups == 3
    assert t.redundant_copies == r.stats.redundant_copies == 4 + 1 + 1
    assert t.reclaimable_bytes == r.stats.reclaimable_bytes > 0
    assert t.skipped == r.stats.skipped == 2
    assert sum(c for _, c in t.skipped_by_reason) == 2
    assert t.files_in_groups == 9
    assert t.exact_groups + t.similar_groups == 3
    assert t.cost_per_month == pytest.approx(t.reclaimable_bytes / 1e9 * 2.0)
    assert t.cost_per_year == pytest.approx(t.cost_per_month * 12)
    assert t.redundant_share == pytest.approx(6 / r.stats.images)
    assert t.reclaimable_share == pytest.approx(t.reclaimable_bytes / r.stats.bytes_seen)


def test_over_representation_means_more_than_n_times(scanned: Scanned) -> None:
    r = scanned.result
    over = summarize(r, ReportOptions(times=3)).over_represented
    assert [o.appearances for o in over] == [5]
    assert Path(over[0].keeper_path).name.startswith("one")
    assert summarize(r, ReportOptions(times=4)).over_represented[0].appearances == 5
    assert summarize(r, ReportOptions(times=5)).over_represented == ()  # 5 is not more than 5
    assert [o.appearances for o in summarize(r, ReportOptions(times=1)).over_represented] == [
        5,
        2,
        2,
    ]


@pytest.mark.parametrize(
    "kwargs",
    [{"times": 0}, {"price_per_gb_month": -1.0}, {"price_per_gb_month": float("nan")},
     {"currency": " "}, {"thumbnail_size": 4}],
)  # fmt: skip
def test_report_options_refuse_nonsense(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each message is checked by the CLI tests
        ReportOptions(**kwargs)  # type: ignore[arg-type]


# -- HTML -------------------------------------------------------------------------------------


class _TagCollector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(text: str) -> _TagCollector:
    parser = _TagCollector()
    parser.feed(text)
    parser.close()
    return parser


def test_html_escapes_every_name_and_shows_bad_bytes_as_fffd(scanned: Scanned, tmp_path: Path):
    out = tmp_path / "report.html"
    write_report(scanned.result, {"html": out})
    text = out.read_text(encoding="utf-8")  # also proves there is no lone surrogate in it
    parsed = _parse(text)
    # The hostile name is text, never a tag or an attribute.
    assert "<img src=x" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;.jpg" in text
    assert any(EVIL in chunk for chunk in parsed.text)
    assert '<i>Photos & "co"' in "".join(parsed.text)  # the root folder's name, as text
    assert not [t for t, _ in parsed.tags if t in ("i", "script", "iframe", "object", "embed")]
    for tag, attrs in parsed.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("src", "href"):
                assert value is not None
                assert value.startswith(("data:image/jpeg;base64,", "#group-")), value
    assert "caf\ufffd \ufffd.jpg" in "".join(parsed.text)
    # No JavaScript and no external resource.
    assert "<script" not in text.lower()
    assert "http://" not in text
    assert "https://" not in text


def test_html_shows_the_numbers_the_over_represented_first_and_skipped_last(
    scanned: Scanned, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    summary = write_report(
        scanned.result,
        {"html": out},
        options=ReportOptions(price_per_gb_month=3.0, currency="EUR"),
    )
    text = out.read_text(encoding="utf-8")
    t = summary.totals
    assert "3 pictures have copies" in text
    assert "6 extra copies" in text
    assert money(t.cost_per_month, "EUR") in text
    assert money(t.cost_per_year, "EUR") in text
    assert "1 picture appears more than 3 times" in text
    # Order: summary, over-represented table, groups, skipped files.
    over_at = text.index('id="over"')
    group_ats = [text.index(f'id="group-{g.id}"') for g in scanned.result.groups]
    skipped_at = text.index('id="skipped"')
    assert over_at < min(group_ats)
    assert max(group_ats) < skipped_at
    # Every grouped file and every skipped file is listed.
    rows = text.count("<tr")
    assert text.count('class="badge keep"') == 3 + 1  # three keepers plus the legend
    assert rows >= 9 + 2
    for k in scanned.result.skipped:
        assert os.path.basename(k.path) in text[skipped_at:]
    assert text.rstrip().endswith("</html>")


def test_html_embeds_previews_and_placeholders(scanned: Scanned, tmp_path: Path) -> None:
    victim = next(
        m.path for g in scanned.result.groups for m in g.members if m.path.endswith(".png")
    )
    os.unlink(victim)  # gone since the scan
    out = tmp_path / "report.html"
    write_report(scanned.result, {"html": out})
    text = out.read_text(encoding="utf-8")
    previews = text.count('src="data:image/jpeg;base64,')
    # one per distinct file content in each group (the 5 identical copies share one),
    # plus the over-represented table's; the deleted PNG has none
    assert previews == 1 + 1 + 1 + 1
    assert "No preview: file missing or unreadable" in text
    assert text.count("Same bytes as a copy above") == 4 + 1  # the non-UTF-8 twin too

    write_report(scanned.result, {"html": out}, options=ReportOptions(thumbnails=False))
    text = out.read_text(encoding="utf-8")
    assert "data:image" not in text
    assert "Previews turned off" in text

    write_report(scanned.result, {"html": out}, options=ReportOptions(max_thumbnails=1))
    assert out.read_text(encoding="utf-8").count("data:image/jpeg") == 1


def test_html_preview_of_a_heic_file(library: Callable[..., object], make_photo, tmp_path: Path):
    pytest.importorskip("pillow_heif")
    lib = library("heic")
    lib.add("a.heic", make_photo(7))
    lib.add("b.jpg", make_photo(7))
    result = lib.scan()
    assert len(result.groups) == 1
    out = tmp_path / "r.html"
    write_report(result, {"html": out})
    assert out.read_text(encoding="utf-8").count("data:image/jpeg;base64,") == 2


def test_html_says_so_when_nothing_was_found(library: Callable[..., object], make_photo, tmp_path):
    lib = library("single")
    lib.add("a.jpg", make_photo(1))
    out = tmp_path / "r.html"
    write_report(lib.scan(), {"html": out})
    text = out.read_text(encoding="utf-8")
    assert "No duplicates were found" in text
    assert "No picture appears more than 3 times" in text


# -- CSV --------------------------------------------------------------------------------------


def _read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark"
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def test_csv_has_one_row_per_file_with_the_group_id(scanned: Scanned, tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    write_report(scanned.result, {"csv": out})
    rows = _read_csv(out)
    assert list(rows[0].keys()) == [*COLUMNS, *OUTCOME_COLUMNS]
    expected = {(str(g.id), m.path) for g in scanned.result.groups for m in g.members}
    got = {(r["group_id"], r["path"]) for r in rows}
    assert len(rows) == 9
    # The non-UTF-8 name is written with U+FFFD; every other path exactly.
    assert {p for _, p in got if "\ufffd" not in p} == {p for _, p in expected if "\udce9" not in p}
    assert any(r["name"] == "caf\ufffd \ufffd.jpg" for r in rows)
    assert any(r["name"] == EVIL for r in rows)
    assert sum(r["action"] == "remove" for r in rows) == scanned.result.stats.redundant_copies
    assert sum(int(r["size_bytes"]) for r in rows if r["action"] == "remove") == (
        scanned.result.stats.reclaimable_bytes
    )
    assert all(r["outcome"] == "" for r in rows)


def test_csv_written_by_scan_keeps_its_columns(scanned: Scanned, tmp_path: Path) -> None:
    from cleaner.report.csv import write_csv

    out = tmp_path / "scan.csv"
    write_csv(scanned.result.groups, out)
    assert list(_read_csv(out)[0].keys()) == list(COLUMNS)


def test_csv_cells_that_look_like_formulas_stay_text(tmp_path: Path, library, make_photo) -> None:
    lib = library("f")
    lib.add("=HYPERLINK(1).jpg", make_photo(4))
    lib.copy("=HYPERLINK(1).jpg", "@copy.jpg")
    out = tmp_path / "f.csv"
    write_report(lib.scan(), {"csv": out})
    names = sorted(r["name"] for r in _read_csv(out))
    assert names == ["'=HYPERLINK(1).jpg", "'@copy.jpg"]


# -- JSON -------------------------------------------------------------------------------------


def test_json_report_reads_back_as_the_same_result(scanned: Scanned, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    summary = write_report(scanned.result, {"json": out}, options=ReportOptions(times=1))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema"] == "photosift-result"
    assert data["schema_version"] == 1
    rep = data["report"]
    assert rep["totals"]["reclaimable_bytes"] == scanned.result.stats.reclaimable_bytes
    assert rep["totals"]["redundant_copies"] == scanned.result.stats.redundant_copies
    assert [o["appearances"] for o in rep["over_represented"]] == [5, 2, 2]
    assert rep["options"] == {"times": 1, "price_per_gb_month": 0.023, "currency": "USD"}
    assert rep["removal"] is None
    assert rep["outcomes"] == []
    assert summary.totals.groups == len(data["groups"])
    back = load(out)  # what `photosift clean` and `photosift report --from` do
    assert result_to_dict(back) == result_to_dict(scanned.result)


# -- the undo log -----------------------------------------------------------------------------


def test_outcomes_of_moved_files_come_from_the_undo_log(scanned: Scanned, tmp_path: Path) -> None:
    from cleaner.removal.move import QuarantineMode, RemovalOptions, run_removal
    from cleaner.removal.plan import plan_removal
    from cleaner.removal.undolog import UndoLog

    result = scanned.result
    quarantine = tmp_path / "quarantine"
    plan = plan_removal(result)
    assert len(plan.files) == 6
    with UndoLog() as log:
        finished = run_removal(
            plan,
            log,
            options=RemovalOptions(QuarantineMode.ALWAYS, quarantine_dir=str(quarantine)),
        )
    assert len(finished.removed) == 6
    outcomes = load_outcomes(result)  # the default log ($PHOTOSIFT_DATA_DIR, isolated)
    assert set(outcomes) == {p.path for p in plan.files}
    assert {o.fate for o in outcomes.values()} == {Fate.MOVED}

    html_out, csv_out, json_out = tmp_path / "r.html", tmp_path / "r.csv", tmp_path / "r.json"
    summary = write_report(
        result, {"html": html_out, "csv": csv_out, "json": json_out}, outcomes=outcomes
    )
    assert summary.removal is not None
    assert summary.removal.moved == 6
    assert summary.removal.moved_bytes == result.stats.reclaimable_bytes
    text = html_out.read_text(encoding="utf-8")
    assert text.count("Moved to the quarantine folder") == 6
    assert text.count("now at ") == 6
    assert "6 of the 6 extra copies were moved out of the way" in text
    # a moved copy is previewed where it now is
    assert "No preview" not in text
    rows = _read_csv(csv_out)
    assert sum(r["outcome"] == "moved" for r in rows) == 6
    assert all(r["outcome"] == "" for r in rows if r["action"] == "keep")
    assert all(r["batch_id"] == finished.batch_id for r in rows if r["outcome"])
    rep = json.loads(json_out.read_text(encoding="utf-8"))["report"]
    assert len(rep["outcomes"]) == 6
    assert rep["removal"]["batches"] == [finished.batch_id]


def test_no_undo_log_is_created_by_a_report(scanned: Scanned, user_dirs: dict[str, Path]):
    assert load_outcomes(scanned.result) == {}
    assert not any(user_dirs["PHOTOSIFT_DATA_DIR"].iterdir())


@dataclass(frozen=True)
class _Batch:
    id: str
    created_at: str


@dataclass(frozen=True)
class _Entry:
    batch_id: str
    original_path: str
    size: int
    mtime_ns: int
    method: Fate  # any str enum will do for the adapter
    destination: str | None
    outcome: Fate
    detail: str
    started_at: float
    restored: bool = False


class _FakeLog:
    def __init__(self, batches: list[tuple[_Batch, list[_Entry]]]) -> None:
        self._batches = batches

    def batches(self) -> list[_Batch]:
        return [b for b, _ in reversed(self._batches)]  # newest first, like UndoLog

    def entries(self, batch_id: str) -> list[_Entry]:
        return next(e for b, e in self._batches if b.id == batch_id)


def test_outcome_adapter_matches_the_scanned_file_only(scanned: Scanned) -> None:
    result = scanned.result
    started = datetime.fromisoformat(result.started_at)
    before = (started - timedelta(days=1)).isoformat()
    after = (started + timedelta(minutes=1)).astimezone(timezone.utc).isoformat()
    g = next(g for g in result.groups if g.size == 5)
    a, b, c, d = [m for m in g.members if not m.is_keeper]

    def entry(batch: str, m, outcome: Fate, **kw: object) -> _Entry:
        fields: dict[str, object] = {
            "batch_id": batch, "original_path": m.path, "size": m.entry.size,
            "mtime_ns": m.entry.mtime_ns, "method": Fate.MOVED, "destination": None,
            "outcome": outcome, "detail": "", "started_at": 1.7e9,
        }  # fmt: skip
        fields.update(kw)
        return _Entry(**fields)  # type: ignore[arg-type]

    log = _FakeLog(
        [
            (_Batch("old", before), [entry("old", a, Fate.MOVED)]),  # before the scan
            (
                _Batch("one", after),
                [
                    entry("one", a, Fate.FAILED, detail="disk full"),
                    entry("one", b, Fate.MOVED, mtime_ns=b.entry.mtime_ns + 1),  # another file
                    entry("one", c, Fate.MOVED),
                    entry("one", d, Fate.MOVED, restored=True),
                ],
            ),
            (_Batch("two", after), [entry("two", c, Fate.SKIPPED, detail="changed")]),
        ]
    )
    got = outcomes_from_log(log, result)
    assert {p: o.fate for p, o in got.items()} == {
        a.path: Fate.FAILED,
        c.path: Fate.SKIPPED,  # the later batch wins
        d.path: Fate.RESTORED,
    }
    assert got[a.path].detail == "disk full"
    assert set(outcomes_from_log(log, result, batch_ids=["one"])) == {a.path, c.path, d.path}
    assert outcomes_from_log(log, result, batch_ids=["one"])[c.path].fate is Fate.MOVED


# -- the command line ------------------------------------------------------------------------


def test_cli_report_writes_every_format(scanned: Scanned, tmp_path: Path, capsys) -> None:
    src = tmp_path / "result.json"
    save(scanned.result, src)
    h, c, j = tmp_path / "r.html", tmp_path / "r.csv", tmp_path / "r.json"
    code = cli_main(
        ["report", "--from", str(src), "--html", str(h), "--csv", str(c), "--json", str(j),
         "--times", "1", "--price-per-gb-month", "0.5", "--currency", "EUR", "--no-thumbnails"]
    )  # fmt: skip
    assert code == 0
    assert "Wrote" in capsys.readouterr().out
    assert "data:image" not in h.read_text(encoding="utf-8")
    assert len(_read_csv(c)) == 9
    rep = json.loads(j.read_text(encoding="utf-8"))["report"]
    assert rep["options"] == {"times": 1, "price_per_gb_month": 0.5, "currency": "EUR"}
    # and the JSON report is itself a valid --from
    assert cli_main(["report", "--from", str(j), "--csv", str(tmp_path / "again.csv")]) == 0


def test_scan_writes_a_report_too(scanned: Scanned, tmp_path: Path) -> None:
    out = tmp_path / "scan-report.html"
    code = cli_main(["scan", str(scanned.root), "--no-cache", "-q", "--report", str(out),
                     "--times", "4"])  # fmt: skip
    assert code == 0
    assert "1 picture appears more than 4 times" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--html", "{tmp}/r.html"], 3, "result file not found"),
        ([], 2, "nothing to write"),
        (["--html", "{tmp}/no/such/folder/r.html"], 3, "folder does not exist"),
        (["--html", "{tmp}"], 1, "cannot write"),  # a folder, not a file
        (["--html", "{tmp}/r.html", "--times", "0"], 2, "at least 1"),
        (["--html", "{tmp}/r.html", "--price-per-gb-month", "-2"], 2, "zero or more"),
        (["--html", "{tmp}/r.html", "--csv", "{tmp}/r.html"], 2, "different files"),
        (["--html", "{tmp}/r.html", "--undo-log", "{tmp}/nolog"], 3, "undo log not found"),
    ],
)
def test_cli_report_exit_codes(
    scanned: Scanned,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    message: str,
) -> None:
    src = tmp_path / "result.json"
    if message != "result file not found":
        save(scanned.result, src)
    argv = ["report", "--from", str(src), *(a.format(tmp=tmp_path) for a in args)]
    if "--times" in args or "--price-per-gb-month" in args:
        with pytest.raises(SystemExit) as exc:  # argparse's own usage error
            cli_main(argv)
        assert exc.value.code == 2
    else:
        assert cli_main(argv) == code
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") <= 1 or "usage:" in err  # one clear line


def test_cli_report_on_a_file_that_is_not_a_result(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    assert cli_main(["report", "--from", str(bad), "--html", str(tmp_path / "r.html")]) == 3
    assert "not a PhotoSift result file" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_report_files_are_readable_by_others(scanned: Scanned, tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("POSIX permissions")
    out = tmp_path / "r.html"
    write_report(scanned.result, {"html": out})
    assert out.stat().st_mode & 0o044 == 0o044


def test_report_kinds_are_reported(scanned: Scanned) -> None:
    kinds = {g.kind for g in scanned.result.groups}
    s = summarize(scanned.result)
    assert s.totals.exact_groups == sum(g.kind is GroupKind.EXACT for g in scanned.result.groups)
    assert kinds  # at least one group of some kind
