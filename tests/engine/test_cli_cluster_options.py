"""The cluster build's options and errors, one line each (issue 15). Apart from
test_cluster.py on purpose: these run while no Dask cluster of another test is alive in
this process, so that no scheduler thread logs or formats a traceback while they read
stderr (and, on CPython 3.11 before 3.11.8, while pytest formats a failure: gh-106905).

Dask is the optional extra [dask]: where it is not installed, this file is skipped."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from cleaner.catalog import cluster as dask_cluster
from cleaner.cli import main
from tests.helpers import images


def closed_port() -> int:
    """A port nothing listens on: one the system just gave out and took back (not a fixed
    one such as 9, which a machine may serve)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def estate(tmp_path: Path) -> list[Path]:
    """Two folders of one photo each: the builds below stop before reading them."""
    folders = []
    for n, name in enumerate(("server-a", "server-b")):
        root = tmp_path / name
        root.mkdir()
        images.save(images.photo(n), root / "photo.jpg")
        folders.append(root)
    return folders


def test_cluster_options_are_checked_before_anything_runs(
    estate: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["catalog", "build", str(estate[0]), "--label", "a", "--out", str(tmp_path / "c")]
    for extra, text in [
        (["--cluster", "nowhere"], "neither a scheduler address"),
        (["--cluster", "local:0"], "at least one worker"),
        (["--pin", f"{estate[0]}=share-a"], "go with --cluster"),
        (["--cluster", "local:1", "--pin", "share-a"], "must be ROOT=RESOURCE"),
        (["--cluster", "local:1", "--pin", f"{estate[1]}=share-b"], "not one of the folders"),
        (["--cluster", "local:1", "--workers", "2"], "a cluster uses its workers"),
        (["--wait-for-workers", "60"], "go with --cluster"),
        (["--cluster", "local:1", "--wait-for-workers", "-1"], "a number of seconds"),
        (["--cluster", "local:1", "--wait-for-workers", "nan"], "a number of seconds"),
    ]:
        code = main(base + extra)
        err = capsys.readouterr().err
        assert code == 2, err
        assert text in err, err
        assert len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "c").exists()


def test_without_dask_the_cluster_option_says_how_to_install_it(
    estate: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)
    settings = dask_cluster.ClusterSettings("local:1")
    with (
        pytest.raises(dask_cluster.ClusterError, match=r"pip install 'photosift\[dask\]'"),
        dask_cluster.connect(settings),
    ):
        pass


def test_an_unreachable_scheduler_is_one_line(
    estate: list[Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(dask_cluster, "SCHEDULER_TIMEOUT", 1.0)
    address = f"tcp://127.0.0.1:{closed_port()}"
    out = tmp_path / "c.catalog"
    code = main(
        [
            "catalog",
            "build",
            str(estate[0]),
            "--label",
            "a",
            "--out",
            str(out),
            "--cluster",
            address,
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == 1, err
    assert err.startswith(f"photosift: cannot reach the Dask scheduler at {address}"), err
    assert len(err.splitlines()) == 1, err


def test_whatever_dask_raises_while_connecting_is_one_line(
    estate: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not only OSError and TimeoutError: a scheduler that answers in another protocol
    or refuses the handshake makes Dask raise other exceptions, said in one line too."""
    import distributed

    def refuse(*args: object, **kwargs: object) -> None:
        raise ValueError("handshake\nrefused")

    monkeypatch.setattr(distributed, "Client", refuse)
    with (
        pytest.raises(dask_cluster.ClusterError) as caught,
        dask_cluster.connect(dask_cluster.ClusterSettings("tcp://127.0.0.1:9")),
    ):
        pass
    assert str(caught.value).startswith("cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert len(str(caught.value).splitlines()) == 1
