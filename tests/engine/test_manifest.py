"""Removal manifests (issue 14): `photosift scan --catalog ... --manifests DIR`,
`photosift catalog verify MANIFEST` on the server of the keepers, and `photosift clean
--from MANIFEST` on the server of the copies.

Two "servers" are two folders, each catalogued on its own. Server b is the archive
(``--protect-label b``), so every copy the scan suggests moving is on server a: one of
each pair of copies that are both on a (their survivor is on a, read at clean time), and
a's copy of each picture that b holds too (its survivor is on b, counted only once b
confirmed it).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner.catalog import manifest_local, manifest_write
from cleaner.catalog.manifest import ChecksummedWriter, Record, read_manifest
from cleaner.catalog.manifest_local import local_path
from cleaner.catalog.manifest_write import file_stems
from cleaner.cli import main
from cleaner.removal.plan import KeepReason
from cleaner.removal.undolog import Outcome, UndoLog
from tests.engine.test_catalog_scan import build_in_process
from tests.helpers.copy_sets import noise_png, write_copy_sets
from tests.helpers.mover_child import DIED
from tests.helpers.movers import start
from tests.helpers.removal_helpers import Env, isolate, snapshot


@dataclass
class Estate:
    env: Env
    a: Path  # server a's root
    b: Path  # server b's root
    manifests: Path
    local_pairs: list[list[Path]]  # both copies on a
    cross: list[tuple[Path, Path]]  # (a's copy, b's copy)

    @property
    def a_manifest(self) -> Path:
        return self.manifests / "a.manifest.jsonl"

    @property
    def b_manifest(self) -> Path:
        return self.manifests / "b.manifest.jsonl"

    def every_file(self) -> list[str]:
        return sorted(str(p) for root in (self.a, self.b) for p in root.rglob("*") if p.is_file())


def run(*argv: str) -> tuple[int, str, str]:
    """`photosift ARGV` in this process: exit code, standard output, standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def make_estate(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    local: int = 3,
    cross: int = 3,
    separate_processes: bool = False,
    a_roots: tuple[str, ...] = (),
) -> Estate:
    env = isolate(monkeypatch, tmp_path)
    a, b = tmp_path / "server-a", tmp_path / "server-b"
    pairs = write_copy_sets(a / "local", local)
    crossing = []
    for d in (a / "cross", b / "cross", b / "own"):
        d.mkdir(parents=True)
    for i in range(cross):
        data = noise_png(70_000 + i)
        pa, pb = a / "cross" / f"c{i:05d}.png", b / "cross" / f"c{i:05d}.png"
        pa.write_bytes(data)
        pb.write_bytes(data)
        crossing.append((pa, pb))
    for i in range(2):
        (b / "own" / f"o{i:05d}.png").write_bytes(noise_png(90_000 + i))
    cats = tmp_path / "catalogs"
    cats.mkdir()
    for root, label in ((a, "a"), (b, "b")):
        out = cats / f"{label}.catalog"
        folders = [str(root / r) for r in a_roots] if label == "a" and a_roots else [str(root)]
        if separate_processes:
            build_in_process(root, label, out)
        else:
            code, _, err = run("catalog", "build", *folders, "--label", label, "--out", str(out))
            assert code == 0, err
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    code, _, err = run(
        "scan", "--catalog", str(cats / "a.catalog"), "--catalog", str(cats / "b.catalog"),
        "--protect-label", "b", "--manifests", str(manifests), "-q",
    )  # fmt: skip
    assert (code, err) == (0, "")  # two servers with copies of their own: no warning
    return Estate(env, a, b, manifests, pairs, crossing)


def suggested_on_a(estate: Estate) -> list[str]:
    """What a's manifest says to move, as local paths, sorted."""
    m = read_manifest(str(estate.a_manifest))
    roots = m.catalog.roots
    return sorted(os.path.join(roots[r.root], *r.path.split("/")) for s in m.sets for r in s.move)


def moved_paths() -> list[str]:
    with UndoLog() as log:
        return sorted(
            e.original_path
            for b in log.batches()
            for e in log.entries(b.id)
            if e.outcome is Outcome.MOVED
        )


def rewrite(path: Path, change: Callable[[list[dict[str, Any]]], None]) -> None:
    """Edit a manifest's records and write it with a correct checksum (as a tool that
    knows the format could): what the checksum cannot catch, the paths' checks must."""
    lines = [json.loads(x) for x in path.read_text().splitlines()[:-1]]
    change(lines)
    with path.open("w") as fh:
        w = ChecksummedWriter(fh)
        for line in lines:
            w.line(line)
        w.close()


# -- the whole round, as a team runs it ----------------------------------------------------


def test_clean_on_a_moves_exactly_its_suggested_copies_and_undo_puts_them_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = make_estate(tmp_path, monkeypatch, separate_processes=True)
    before = snapshot(e.every_file())
    expected = sorted(
        [str(p[1]) for p in e.local_pairs] + [str(pa) for pa, _ in e.cross]
    )  # the scan keeps a00000.png over b00000.png (same folder, same day: the first name)
    assert suggested_on_a(e) == expected
    assert read_manifest(str(e.b_manifest)).sets == ()  # b is protected: nothing moves there

    code, out, err = run("catalog", "verify", str(e.b_manifest))
    assert (code, err) == (0, ""), err
    assert "Confirmed 3 keepers of b" in out
    assert (e.manifests / "b.verified.jsonl").is_file()

    code, out, err = run("clean", "--from", str(e.a_manifest), "--dry-run")
    assert code == 0, err
    assert snapshot(e.every_file()) == before
    code, out, err = run("clean", "--from", str(e.a_manifest), "--yes")
    assert (code, err) == (0, ""), err
    assert "Moved 6 files" in out
    assert moved_paths() == expected
    assert e.every_file() == sorted(set(before) - set(expected))
    batch = out.split("photosift undo ")[1].split()[0]
    code, out, err = run("undo", batch)
    assert code == 0, out + err
    assert snapshot(e.every_file()) == before


def test_a_catalog_of_several_roots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    e = make_estate(tmp_path, monkeypatch, a_roots=("local", "cross"))
    roots = read_manifest(str(e.a_manifest)).catalog.roots
    assert sorted(roots) == [str(e.a / "cross"), str(e.a / "local")]
    expected = sorted([str(p[1]) for p in e.local_pairs] + [str(pa) for pa, _ in e.cross])
    assert suggested_on_a(e) == expected
    assert run("catalog", "verify", str(e.b_manifest))[0] == 0
    code, _, err = run("clean", "--from", str(e.a_manifest), "--yes")
    assert (code, err) == (0, "")
    assert moved_paths() == expected


def test_thousands_of_sets_move_and_come_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """2,000 copies to move (1,000 leaning on a's own copy, 1,000 on b's) and 1,000 keepers
    for b to confirm: the plan, the verification and the mover at a real size."""
    e = make_estate(tmp_path, monkeypatch, local=1000, cross=1000)
    before = snapshot(e.every_file())
    expected = suggested_on_a(e)
    assert len(expected) == 2000
    code, out, err = run("catalog", "verify", str(e.b_manifest))
    assert code == 0, err
    assert "Confirmed 1,000 keepers" in out
    code, out, err = run("clean", "--from", str(e.a_manifest), "--yes")
    assert (code, err) == (0, ""), err
    assert moved_paths() == expected
    assert sorted(set(before) - set(e.every_file())) == expected
    batch = out.split("photosift undo ")[1].split()[0]
    assert run("undo", batch)[0] == 0
    assert snapshot(e.every_file()) == before


# -- the copies that stay ----------------------------------------------------------------


def test_a_survivor_on_another_server_counts_only_once_it_is_confirmed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = make_estate(tmp_path, monkeypatch)
    code, out, err = run("clean", "--from", str(e.a_manifest), "--yes")
    assert code == 0, err
    locals_moved = sorted(str(p[1]) for p in e.local_pairs)
    assert moved_paths() == locals_moved  # only the copies whose survivor is here
    for pa, _ in e.cross:
        assert pa.exists()
        assert f"{pa}: the copy that would stay is on another server, which has not" in out
    assert "b: run 'photosift catalog verify' there" in out


def test_a_keeper_gone_from_its_server_protects_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = make_estate(tmp_path, monkeypatch)
    gone_a, gone_b = e.cross[1]
    gone_b.unlink()  # b's copy vanished after the catalog: b cannot confirm it
    code, out, err = run("catalog", "verify", str(e.b_manifest))
    assert code == 1
    assert f"not confirmed: {gone_b}: no longer there" in err
    code, out, err = run("clean", "--from", str(e.a_manifest), "--yes")
    assert gone_a.exists()
    assert f"{gone_a}: the copy that would stay is missing or changed" in out
    assert "not confirmed by b's verification" in out
    assert sorted(moved_paths()) == sorted(
        [str(p[1]) for p in e.local_pairs] + [str(x) for x, _ in (e.cross[0], e.cross[2])]
    )


def test_a_keeper_changed_on_its_server_is_not_confirmed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = make_estate(tmp_path, monkeypatch)
    pa, pb = e.cross[0]
    stat = pb.stat()
    data = bytearray(pb.read_bytes())
    data[-20] ^= 0xFF  # same size, same mtime: only the digest tells
    pb.write_bytes(bytes(data))
    os.utime(pb, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    code, _, err = run("catalog", "verify", str(e.b_manifest))
    assert code == 1
    assert "contents differ" in err
    run("clean", "--from", str(e.a_manifest), "--yes")
    assert pa.exists()


def test_a_vanished_local_survivor_keeps_the_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = make_estate(tmp_path, monkeypatch)
    keeper, copy = e.local_pairs[0]
    keeper.unlink()
    _code, out, _ = run("clean", "--from", str(e.a_manifest), "--yes")
    assert copy.exists()
    assert (
        f"{copy}: the copy that would stay is missing or changed ({keeper}: no longer there)" in out
    )
    assert str(copy) not in moved_paths()
    assert len(moved_paths()) == 2


def test_a_local_survivor_changed_between_plan_and_move_keeps_the_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mover reads the survivor here again just before the move (not only the plan)."""
    e = make_estate(tmp_path, monkeypatch, cross=0)
    keeper, copy = e.local_pairs[1]
    import cleaner.cli.clean_cmd as clean_cmd

    real = clean_cmd._execute

    def change_then_execute(*args: Any, **kw: Any) -> Any:
        st = keeper.stat()
        data = bytearray(keeper.read_bytes())
        data[-20] ^= 0xFF
        keeper.write_bytes(bytes(data))
        os.utime(keeper, ns=(st.st_atime_ns, st.st_mtime_ns))
        return real(*args, **kw)

    monkeypatch.setattr(clean_cmd, "_execute", change_then_execute)
    code, _, err = run("clean", "--from", str(e.a_manifest), "--yes")
    assert code == 1
    assert f"not moved: {copy}: the copy that would stay is missing or changed" in err
    assert copy.exists()


def test_the_same_share_catalogued_by_two_servers_is_not_its_own_survivor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A NAS mounted on both servers, catalogued by each: every picture's "copy on b" is
    the very file a would move. b confirms it (it is there), yet it is no second copy."""
    env = isolate(monkeypatch, tmp_path)
    nas = tmp_path / "nas"
    nas.mkdir()
    for i in range(3):
        (nas / f"p{i}.png").write_bytes(noise_png(5_000 + i))
    mounted_on_b = tmp_path / "b-mount"
    mounted_on_b.symlink_to(nas, target_is_directory=True)  # one share, two mount points
    for root, label in ((nas, "a"), (mounted_on_b, "b")):
        out = tmp_path / f"{label}.catalog"
        assert run("catalog", "build", str(root), "--label", label, "--out", str(out), "-q")[0] == 0
    man = tmp_path / "m"
    man.mkdir()
    code, _, err = run(
        "scan", "--catalog", str(tmp_path / "a.catalog"), "--catalog", str(tmp_path / "b.catalog"),
        "--protect-label", "b", "--manifests", str(man), "-q",
    )  # fmt: skip
    assert code == 0, err
    assert "3 files of a and b have the same inode, size and time" in err  # said at once
    assert run("catalog", "verify", str(man / "b.manifest.jsonl"))[0] == 0
    before = snapshot([str(p) for p in nas.iterdir()])
    code, out, err = run("clean", "--from", str(man / "a.manifest.jsonl"), "--yes")
    assert snapshot([str(p) for p in nas.iterdir()]) == before
    assert err.count("the copy that would stay is this same file") == 3
    assert env.trashed_names() == []


# -- the copies to move --------------------------------------------------------------------


def test_a_file_changed_after_cataloguing_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = make_estate(tmp_path, monkeypatch)
    assert run("catalog", "verify", str(e.b_manifest))[0] == 0
    resized = e.local_pairs[0][1]
    resized.write_bytes(resized.read_bytes() + b"more")  # size and mtime differ
    edited = e.cross[0][0]  # same size and mtime: only the digest read again tells
    st = edited.stat()
    data = bytearray(edited.read_bytes())
    data[-20] ^= 0xFF
    edited.write_bytes(bytes(data))
    os.utime(edited, ns=(st.st_atime_ns, st.st_mtime_ns))
    code, out, err = run("clean", "--from", str(e.a_manifest), "--yes")
    assert code == 1
    assert f"{resized}: changed since the scan (size" in out
    assert f"not moved: {edited}: changed since the scan (contents differ from the scan)" in err
    assert resized.exists()
    assert edited.exists()
    assert len(moved_paths()) == 4


def test_protected_folder_on_the_server_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = make_estate(tmp_path, monkeypatch)
    _code, out, _ = run(
        "clean", "--from", str(e.a_manifest), "--yes", "--protect", str(e.a / "local")
    )
    assert all(p[1].exists() for p in e.local_pairs)
    assert out.count(": in a protected folder") == 3


def test_running_the_same_manifest_twice_is_harmless(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = make_estate(tmp_path, monkeypatch)
    assert run("catalog", "verify", str(e.b_manifest))[0] == 0
    assert run("clean", "--from", str(e.a_manifest), "--yes")[0] == 0
    after_first, trashed = snapshot(e.every_file()), e.env.trashed_names()
    code, out, err = run("clean", "--from", str(e.a_manifest), "--yes")
    assert (code, err) == (0, "")
    assert "Nothing to remove." in out
    assert "6 files already moved by an earlier clean of this manifest" in out
    assert ": no longer there" not in out
    assert snapshot(e.every_file()) == after_first
    assert e.env.trashed_names() == trashed


# -- refusals in one line ------------------------------------------------------------------


def one_line_refusal(*argv: str) -> str:
    code, out, err = run(*argv)
    assert code == 3, out + err
    assert err.count("\n") == 1, err
    assert err.startswith("photosift: "), err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda t: t.replace('"path":"cross/c00001.png"', '"path":"cross/c00002.png"', 1),
         "was changed after it was written (its checksum does not match)"),
        (lambda t: t[: len(t) // 2], "is truncated or damaged"),
        (lambda t: t[: t.rindex('{"checksum"')], "does not end with its checksum"),
        (lambda t: "", "is empty"),
        (lambda t: '{"format":"something else"}\n', "is not a PhotoSift manifest"),
        (lambda t: t.replace('"format_version":1', '"format_version":2', 1),
         "was changed after it was written"),
    ],
    ids=["edited", "cut", "no-checksum", "empty", "foreign", "version-edited"],
)  # fmt: skip
def test_a_damaged_manifest_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: Callable[[str], str], says: str
) -> None:
    e = make_estate(tmp_path, monkeypatch)
    text = e.a_manifest.read_text()
    e.a_manifest.write_text(damage(text))
    err = one_line_refusal("clean", "--from", str(e.a_manifest), "--yes")
    if damage(text).startswith('{"format":"photosift-removal-manifest"'):  # still one, by its start
        assert says in err
    assert moved_paths() == []
    err = one_line_refusal("catalog", "verify", str(e.a_manifest))
    assert says in err


def test_a_copy_another_server_counts_on_is_never_moved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file in the manifest's keep list (a keeper for another server's removals) that a
    set also lists to move (as an edited, or a later scan's, manifest could) stays."""
    e = make_estate(tmp_path, monkeypatch)
    kept = e.local_pairs[0][1]

    def also_a_keeper(lines: list[dict[str, Any]]) -> None:
        record = next(x["move"][0] for x in lines[1:] if x["move"][0]["path"].endswith(kept.name))
        lines.append({"keep": record})

    rewrite(e.a_manifest, also_a_keeper)
    _, out, _ = run("clean", "--from", str(e.a_manifest), "--yes")
    assert f"{kept}: the same file as another path in the list" in out
    assert "(also a copy that stays)" in out
    assert kept.exists()
    assert len(moved_paths()) == 2


def test_labels_get_distinct_file_names() -> None:
    stems = file_stems(["nas/1", "nas_1", "NAS_1", "..", "archive"])
    assert stems == {
        "nas/1": "nas_1",
        "nas_1": "nas_1-2",
        "NAS_1": "NAS_1-3",
        "..": "label",
        "archive": "archive",
    }


def test_a_folder_or_a_pipe_is_no_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(monkeypatch, tmp_path)
    fifo = tmp_path / "a.manifest.jsonl"
    os.mkfifo(fifo)
    assert "is not a regular file" in one_line_refusal("catalog", "verify", str(fifo))
    assert "photosift: " in run("clean", "--from", str(fifo))[2]  # the result file's refusal
    assert "is not a regular file" in one_line_refusal("catalog", "verify", str(tmp_path))
    assert "no such manifest" in one_line_refusal("catalog", "verify", str(tmp_path / "none"))


@given(rel=st.text(alphabet="ab./\\\0:~ ", max_size=12))
def test_a_manifest_path_never_reaches_out_of_its_root(rel: str) -> None:
    """Whatever a manifest's path says, it names a file strictly below its root, with no
    '..' on the way, or it is refused."""
    root = os.path.join(os.sep, "srv", "photos")
    record = Record("a", 0, rel, 1, 1, 0, "0" * 64)
    placed = local_path(record, (root,))
    if isinstance(placed, tuple):
        path, at = placed
        assert at == root
        assert path.startswith(root + os.sep)
        assert os.path.normpath(path) == path
        assert ".." not in path[len(root) :].split(os.sep)
    else:
        assert placed.reason is KeepReason.BAD_PATH


def test_a_manifest_of_a_newer_format_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = make_estate(tmp_path, monkeypatch)
    rewrite(e.a_manifest, lambda lines: lines[0].update(format_version=2))
    assert "of format 2 and this PhotoSift reads format 1" in one_line_refusal(
        "clean", "--from", str(e.a_manifest)
    )


def test_a_manifest_for_another_machine_or_moved_root_is_refused_then_mapped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = make_estate(tmp_path, monkeypatch)
    assert run("catalog", "verify", str(e.b_manifest))[0] == 0
    catalogued_on = read_manifest(str(e.a_manifest)).catalog.machine
    monkeypatch.setattr(manifest_local, "this_machine", lambda: "another-server")
    err = one_line_refusal("clean", "--from", str(e.a_manifest), "--yes")
    assert f"is for 'a', catalogued on '{catalogued_on}', and this is 'another-server'" in err
    monkeypatch.undo()
    monkeypatch.setattr(manifest_local, "this_machine", lambda: catalogued_on)
    isolate(monkeypatch, tmp_path)
    moved = tmp_path / "mounted-elsewhere"
    e.a.rename(moved)
    err = one_line_refusal("clean", "--from", str(e.a_manifest), "--yes")
    assert f"the catalogued root {e.a} is not a folder on this machine" in err
    err = one_line_refusal("clean", "--from", str(e.a_manifest), "--root", f"/nowhere={moved}")
    assert "has no catalogued root '/nowhere'" in err
    assert moved_paths() == []
    code, _out, err = run("clean", "--from", str(e.a_manifest), "--yes", "--root", f"{e.a}={moved}")
    assert (code, err) == (0, ""), err
    assert len(moved_paths()) == 6
    assert all(p.startswith(str(moved) + os.sep) for p in moved_paths())


def test_a_manifest_run_on_the_server_of_another_label_says_which_to_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = make_estate(tmp_path, monkeypatch)

    def as_if_b_were_elsewhere(lines: list[dict[str, Any]]) -> None:
        for c in lines[0]["catalogs"]:
            c["machine"] = "server-a" if c["label"] == "a" else c["machine"]

    rewrite(e.a_manifest, as_if_b_were_elsewhere)
    err = one_line_refusal("clean", "--from", str(e.a_manifest), "--yes")
    assert "this machine catalogued 'b': use its manifest" in err


def test_a_verification_of_another_scan_or_damaged_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = make_estate(tmp_path, monkeypatch)
    assert run("catalog", "verify", str(e.b_manifest))[0] == 0
    v = e.manifests / "b.verified.jsonl"
    good = v.read_text()
    rewrite(v, lambda lines: lines[0].update(run="0" * 32))
    _, _, err = run("clean", "--from", str(e.a_manifest), "--yes")
    assert f"{v} verifies another scan's manifests; not used" in err
    assert all(pa.exists() for pa, _ in e.cross)
    v.write_text(good.replace('"size":', '"size":1', 1))
    _code, _out, err = run("clean", "--from", str(e.a_manifest), "--yes")
    assert "checksum does not match" in err
    assert "not used" in err
    assert all(pa.exists() for pa, _ in e.cross)


# -- paths that reach out of the root --------------------------------------------------------


def test_paths_out_of_the_root_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    e = make_estate(tmp_path, monkeypatch, local=4, cross=0)
    outside = tmp_path / "outside"
    outside.mkdir()
    victims = []
    for i, pair in enumerate(e.local_pairs):
        twin = outside / f"x{i}" / pair[1].name
        twin.parent.mkdir()
        shutil.copy2(pair[1], twin)
        victims.append(twin)
    # set 3: its folder swapped for a symbolic link to a folder outside, holding the same
    # file (same name, bytes and mtime)
    linked = e.local_pairs[3][1].parent
    shutil.rmtree(linked)
    linked.symlink_to(victims[3].parent, target_is_directory=True)
    depth = len(e.a.parts) - 1
    forms = {
        0: "../outside/x0/" + victims[0].name,
        1: str(victims[1]),  # absolute
        2: "local/" + "/".join([".."] * 2) + "/outside/x2/" + victims[2].name,
    }
    del depth

    def traverse(lines: list[dict[str, Any]]) -> None:
        for line in lines[1:]:
            n = int(line["move"][0]["path"].split("/")[-1][1:6])
            if n in forms:
                line["move"][0]["path"] = forms[n]

    rewrite(e.a_manifest, traverse)
    before = snapshot([str(v) for v in victims])
    _code, out, err = run("clean", "--from", str(e.a_manifest), "--yes")
    assert "Traceback" not in err
    assert snapshot([str(v) for v in victims]) == before
    assert moved_paths() == []
    assert (
        out.count("not a file this scan could have found (not a path below the catalogued root)")
        == 3
    )
    assert "a shortcut (symbolic link)" in out


# -- a kill in the middle --------------------------------------------------------------------


def test_a_clean_killed_midway_leaves_an_undo_log_that_puts_back_what_moved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = make_estate(tmp_path, monkeypatch, local=150, cross=150)
    assert run("catalog", "verify", str(e.b_manifest))[0] == 0
    before = snapshot(e.every_file())
    killed = start(tmp_path, "clean", "--yes", "--from", str(e.a_manifest), die_at=120)
    code, _out, err = killed.finish()
    assert code == DIED, err
    isolate(monkeypatch, tmp_path)
    moved = moved_paths()
    with UndoLog() as log:
        batches = [b.id for b in log.batches()]
        pending = [e for b in batches for e in log.entries(b) if e.outcome is Outcome.PENDING]
    assert 118 <= len(moved) <= 119
    assert len(pending) <= 1
    assert len(e.every_file()) == len(before) - len(e.env.trashed_names())
    code, out, err = run("undo", batches[0])
    assert code == 0, out + err
    assert snapshot(e.every_file()) == before


def test_options_that_need_a_manifest_or_catalogs_say_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate(monkeypatch, tmp_path)
    code, _, err = run("scan", str(tmp_path), "--manifests", str(tmp_path))
    assert (code, err) == (2, "photosift: --manifests needs --catalog\n")
    result = tmp_path / "result.json"
    result.write_text("{}")
    code, _, err = run("clean", "--from", str(result), "--root", "/a=/b")
    assert code == 2
    assert "--root and --verified apply to a removal manifest" in err


def test_a_set_of_thousands_of_copies_fits_on_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A logo found 6,000 times on one server: one set, one line of more than 1 MiB."""
    from cleaner.models import DuplicateGroup, FileEntry, GroupKind, GroupMember
    from tests.helpers.removal_helpers import result

    monkeypatch.setattr(manifest_write, "catalog_checksum", lambda path: "c" * 64)
    members = tuple(
        GroupMember(
            entry=FileEntry(f"a:logos/{i:05d}/logo-with-a-long-name.png", 1000, 7, 1, 100 + i),
            metrics=None,
            sha256="ab" * 32,
            quality=50,
            distance=0,
            is_keeper=i == 0,
            suggested_remove=i > 0,
        )
        for i in range(6000)
    )
    res = result([DuplicateGroup(1, GroupKind.EXACT, members, "test", None)], roots=("a:/srv/a",))
    (written,) = manifest_write.write_manifests(
        res, [("a", "a.catalog", "host", ("/srv/a",))], str(tmp_path)
    )
    assert max(len(line) for line in written.read_bytes().splitlines()) > 1 << 20
    m = read_manifest(str(written))
    assert [r.path for r in m.sets[0].move] == [
        f"logos/{i:05d}/logo-with-a-long-name.png" for i in range(1, 6000)
    ]
    assert [r.path for r in m.sets[0].survivors] == ["logos/00000/logo-with-a-long-name.png"]
