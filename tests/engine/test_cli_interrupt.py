"""Issue 10, classes 8 and 10: every command stops within a second or two of Ctrl+C,
and a reader that goes away early (`photosift history | head`) ends it quietly.

Each test runs the real command in a child Python (from this checkout), with a small
prelude that makes it slow where a real library or disk would be slow, and touches a
marker file once the command is busy; then it sends SIGINT (what Ctrl+C sends) and
expects the child to be gone within 2 seconds, with a one-line message and no traceback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cleaner import resultio
from cleaner.cli import main
from cleaner.removal.undolog import UndoLog
from tests.helpers import images
from tests.helpers.removal_helpers import exact_result

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and FIFOs")

ROOT = Path(__file__).resolve().parents[2]
GRACE = 2.0  # seconds from Ctrl+C to exit


def _spawn(
    args: list[str],
    tmp_path: Path,
    prelude: str = "",
    stdin: int = subprocess.DEVNULL,
    stdout: int | None = None,
) -> tuple[subprocess.Popen[bytes], Path, Path]:
    code = textwrap.dedent(prelude) + (
        f"\nimport sys\nfrom cleaner.cli import main\nsys.exit(main({args!r}))\n"
    )
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with out.open("wb") as out_fh, err.open("wb") as err_fh:  # the child keeps its copies
        proc = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=ROOT,
            stdin=stdin,
            stdout=stdout if stdout is not None else out_fh,
            stderr=err_fh,
        )
    return proc, out, err


def _wait_for(condition, proc: subprocess.Popen[bytes], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            pytest.fail(f"the command ended (code {proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            pytest.fail(f"never reached: {what}")
        time.sleep(0.02)


def _interrupt(proc: subprocess.Popen[bytes]) -> tuple[int, float]:
    """Send Ctrl+C; return the exit code and how long the command took to end."""
    start = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        code = proc.wait(timeout=GRACE)
    except subprocess.TimeoutExpired:
        proc.kill()  # the child this test started, by its own handle
        proc.wait()
        pytest.fail(f"still running {GRACE} s after Ctrl+C (killed)")
    return code, time.monotonic() - start


def _assert_clean_exit(code: int, err: Path) -> None:
    text = err.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in text, text
    assert code == 130, text
    assert "Cancelled" in text, text


def _marker_prelude(marker: Path, module: str, names: tuple[str, ...], delay: float) -> str:
    """Wrap each of `names` that `module` has, so each call touches `marker` and then takes
    `delay` seconds (several names: the per-file steps may be spelled differently)."""
    return f"""
        import pathlib, time, importlib
        _mod = importlib.import_module({module!r})
        def _slowed(real):
            def _slow(*a, **k):
                pathlib.Path({str(marker)!r}).touch()
                time.sleep({delay!r})
                return real(*a, **k)
            return _slow
        for _name in {names!r}:
            if hasattr(_mod, _name):
                setattr(_mod, _name, _slowed(getattr(_mod, _name)))
    """


def test_ctrl_c_stops_a_scan_with_a_picture_turned_into_a_fifo(library, tmp_path: Path) -> None:
    """Caught on main: the worker stuck in open() of the FIFO kept the scan alive after
    Ctrl+C (the pool waits for its threads); only SIGKILL ended it."""
    lib = library()
    for i in range(120):
        lib.add(f"p{i:03d}.jpg", images.photo(i, (96, 72)))
    victims = [str(lib.path("p001.jpg")), str(lib.path("p050.jpg"))]
    marker = tmp_path / "walked"
    prelude = f"""
        import os, pathlib, time
        import cleaner.detect.scan as _scan
        _real_walk = _scan.walk
        def _walk(*a, **k):
            yield from _real_walk(*a, **k)
            for v in {victims!r}:
                os.unlink(v)
                os.mkfifo(v)
            pathlib.Path({str(marker)!r}).touch()
        _scan.walk = _walk
        _real_analyse = _scan.analyse_file
        def _analyse(*a, **k):
            time.sleep(0.1)  # a slow disk: the scan is still busy when Ctrl+C comes
            return _real_analyse(*a, **k)
        _scan.analyse_file = _analyse
    """
    proc, _, err = _spawn(
        ["scan", str(lib.root), "--no-cache", "--workers", "2"], tmp_path, prelude
    )
    _wait_for(marker.exists, proc, "the end of the walk")
    time.sleep(0.3)  # into the digest and fingerprint stages
    code, _ = _interrupt(proc)
    _assert_clean_exit(code, err)


@pytest.fixture
def saved_result(library, tmp_path: Path) -> tuple[Path, list[Path]]:
    """A saved scan of 30 pictures, each with one exact copy (60 previews to make)."""
    lib = library()
    for i in range(30):
        lib.add(f"a/p{i:02d}.jpg", images.photo(100 + i, (96, 72)))
        lib.copy(f"a/p{i:02d}.jpg", f"b/p{i:02d}.jpg")
    result = lib.scan()
    assert len(result.groups) == 30
    path = tmp_path / "result.json"
    resultio.save(result, path)
    return path, [lib.path(f"a/p{i:02d}.jpg") for i in range(30)]


def test_report_from_a_result_whose_picture_became_a_fifo_finishes(
    saved_result: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    """Caught on main: `report --from` waited forever in open() of the FIFO's preview."""
    result, pictures = saved_result
    pictures[0].unlink()
    os.mkfifo(pictures[0])
    proc, _, err = _spawn(
        ["report", "--from", str(result), "--html", str(tmp_path / "r.html")], tmp_path
    )
    try:
        code = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail("report --from hung on a FIFO")
    assert code == 0, err.read_text()
    assert "r.html" in (tmp_path / "stdout.txt").read_text()


def test_ctrl_c_stops_a_report(saved_result: tuple[Path, list[Path]], tmp_path: Path) -> None:
    result, pictures = saved_result
    pictures[0].unlink()
    os.mkfifo(pictures[0])
    marker = tmp_path / "busy"
    prelude = _marker_prelude(marker, "cleaner.report.thumbs", ("make_thumbnail",), 0.1)
    proc, _, err = _spawn(
        ["report", "--from", str(result), "--html", str(tmp_path / "r.html")], tmp_path, prelude
    )
    _wait_for(marker.exists, proc, "the first preview")
    code, _ = _interrupt(proc)
    _assert_clean_exit(code, err)
    assert not (tmp_path / "r.html").exists()  # no half-written report left behind


@pytest.fixture
def planned(tmp_path: Path) -> Path:
    """A saved result with 1,500 exact copies to move (a plan longer than a pipe holds)."""
    result = exact_result(tmp_path / "photos", groups=1500)
    path = tmp_path / "plan.json"
    resultio.save(result, path)
    return path


def test_ctrl_c_at_the_clean_question(planned: Path, tmp_path: Path) -> None:
    proc, out, err = _spawn(["clean", "--from", str(planned)], tmp_path, stdin=subprocess.PIPE)
    _wait_for(lambda: "[y/N]" in out.read_text(errors="replace"), proc, "the question")
    code, _ = _interrupt(proc)
    assert proc.stdin is not None
    proc.stdin.close()
    _assert_clean_exit(code, err)


def _clean(planned: Path, quarantine: Path) -> list[str]:
    return [
        "clean", "--from", str(planned), "--yes",
        "--quarantine-only", "--quarantine", str(quarantine),
    ]  # fmt: skip


def test_ctrl_c_stops_clean_between_two_files(planned: Path, tmp_path: Path) -> None:
    marker = tmp_path / "busy"
    prelude = _marker_prelude(
        marker, "cleaner.removal.move", ("move_to_quarantine", "file_state"), 0.02
    )
    proc, _, err = _spawn(_clean(planned, tmp_path / "q"), tmp_path, prelude)
    _wait_for(marker.exists, proc, "the first move")
    code, _ = _interrupt(proc)
    _assert_clean_exit(code, err)


@pytest.mark.slow
def test_ctrl_c_stops_undo(planned: Path, tmp_path: Path, capsys) -> None:
    assert main(_clean(planned, tmp_path / "q")) == 0
    capsys.readouterr()
    marker = tmp_path / "busy"
    prelude = _marker_prelude(marker, "cleaner.removal.restore", ("file_state",), 0.02)
    proc, _, err = _spawn(["undo"], tmp_path, prelude)
    _wait_for(marker.exists, proc, "the first file put back")
    code, _ = _interrupt(proc)
    text = err.read_text(errors="replace")
    assert "Traceback" not in text, text
    assert code == 130, text


def _big_batch(entries: int = 3000) -> str:
    """One batch in the undo log with `entries` records (as a big clean leaves)."""
    with UndoLog() as log:
        batch = log.begin_batch("test", source="/photos/result.json")
        for i in range(entries):
            log.record_skipped(
                batch,
                f"/photos/album{i % 10}/IMG_{i:05d}_copy1.jpg",
                size=2048,
                mtime_ns=0,
                detail="changed since the scan",
            )
        log.finish_batch(batch)
    return batch


def test_ctrl_c_while_history_waits_on_a_full_pipe(tmp_path: Path) -> None:
    """`photosift history BATCH | less`, then Ctrl+C: caught on main, the KeyboardInterrupt
    was handled but the exit then blocked flushing the rest into the full pipe."""
    batch = _big_batch()
    marker = tmp_path / "busy"
    prelude = _marker_prelude(marker, "cleaner.cli.history_cmd", ("_print_batch",), 0.0)
    proc, _, err = _spawn(["history", batch], tmp_path, prelude, stdout=subprocess.PIPE)
    _wait_for(marker.exists, proc, "the listing")
    time.sleep(0.5)  # long enough to fill the pipe, which nobody reads
    code, _ = _interrupt(proc)
    assert proc.stdout is not None
    proc.stdout.close()
    _assert_clean_exit(code, err)


# -- a reader that stops early (`| head`) ------------------------------------------------


def _head(args: list[str], tmp_path: Path, lines: int = 3) -> tuple[int, str]:
    """Run the command into a pipe, read `lines` lines, close the pipe, as `head` does."""
    proc, _, err = _spawn(args, tmp_path, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    for _ in range(lines):
        proc.stdout.readline()
    proc.stdout.close()
    try:
        code = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail("still running after its reader went away")
    return code, err.read_text(errors="replace")


def test_history_into_head_ends_quietly(tmp_path: Path) -> None:
    """Caught on main: a BrokenPipeError traceback."""
    batch = _big_batch()
    code, err = _head(["history", batch], tmp_path)
    assert err == ""
    assert code == 1


def test_history_list_into_head_ends_quietly(tmp_path: Path) -> None:
    with UndoLog() as log:
        for _ in range(1000):
            log.finish_batch(log.begin_batch("test", source="/photos/" + "x" * 200))
    code, err = _head(["history", "--limit", "1000"], tmp_path)
    assert err == ""
    assert code == 1


def test_clean_plan_into_head_ends_quietly(planned: Path, tmp_path: Path) -> None:
    code, err = _head(["clean", "--from", str(planned), "--dry-run"], tmp_path)
    assert err == ""
    assert code == 1


def test_scan_list_into_head_ends_quietly(tmp_path: Path, capsys) -> None:
    photos = tmp_path / "photos"
    for i in range(1500):
        data = images.jpeg_bytes(images.photo(i % 2, (32, 24)))
        (photos / f"album{i // 100}").mkdir(parents=True, exist_ok=True)
        (photos / f"album{i // 100}" / f"IMG_{i:05d}.jpg").write_bytes(data)
    code, err = _head(["scan", str(photos), "--list", "--no-cache"], tmp_path)
    assert "Traceback" not in err
    assert code == 1


@pytest.mark.parametrize("command", ["report", "clean"])
def test_a_fifo_given_as_the_result_file_is_one_line_not_a_hang(
    tmp_path: Path, command: str
) -> None:
    """Caught on main: `report --from FIFO` (and `clean --from FIFO`) waited for a writer
    forever."""
    fifo = tmp_path / "result.json"
    os.mkfifo(fifo)
    args = ["report", "--from", str(fifo), "--html", str(tmp_path / "r.html")]
    if command == "clean":
        args = ["clean", "--from", str(fifo), "--dry-run"]
    proc, _, err = _spawn(args, tmp_path)
    try:
        code = proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail(f"{command} --from a FIFO hung")
    text = err.read_text()
    assert code == 3, text
    assert text.count("\n") == 1, text
    assert "not a regular file" in text
