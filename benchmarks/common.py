"""Shared helpers: corpus paths, the machine description, timing and peak memory."""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
KIT = Path(os.environ.get("PHOTOSIFT_BENCH_KIT", REPO.parent / "shared" / "bench"))
ENV_ACC = "PHOTOSIFT_BENCH_ACC"
ENV_SCALE = "PHOTOSIFT_BENCH_SCALE"
EXAMPLE = {ENV_ACC: "/work/dupbench/acc", ENV_SCALE: "/work/dupbench/scale"}
_BUILD = {
    ENV_ACC: "make_corpus.py --sources SOURCES --out {path} --seed 1",
    ENV_SCALE: "make_corpus.py --sources SOURCES --out {path} --profile scale --count 2000"
    " --seed 3",
}


class MissingCorpusError(RuntimeError):
    """A corpus the benchmark needs is not there; the message says how to build it."""


def corpus(env: str, given: str | None) -> Path:
    """The corpus root from the CLI option or the environment, checked for truth.json."""
    value = given or os.environ.get(env)
    if not value:
        raise MissingCorpusError(
            f"no corpus given: pass it on the command line or set {env} "
            f"(for example {env}={EXAMPLE[env]}).\n" + _how_to_build(env, EXAMPLE[env])
        )
    path = Path(value).expanduser().resolve()
    if not (path / "truth.json").is_file():
        raise MissingCorpusError(
            f"{path} is not a dupbench corpus (no truth.json).\n" + _how_to_build(env, str(path))
        )
    return path


def _how_to_build(env: str, path: str) -> str:
    build = _BUILD[env].format(path=path)
    return (
        f"Build it with the evaluation kit in {KIT} (see its README.md):\n"
        f"  {KIT}/fetch_sources.sh SOURCES\n"
        f"  python {KIT}/{build}"
    )


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model and the versions that decide decode speed."""
    import numpy
    import PIL
    import pillow_heif

    cpu = ""
    try:
        text = Path("/proc/cpuinfo").read_text()
        found = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
        cpu = found.group(1).strip() if found else ""
    except OSError:
        pass
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cores": os.cpu_count(),
        "ram_gb": round(ram_gb, 1),
        "cpu": cpu or platform.processor(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pillow": PIL.__version__,
        "pillow_heif": pillow_heif.__version__,
        "numpy": numpy.__version__,
    }


def drop_page_cache() -> bool:
    """Ask the kernel to drop clean page-cache pages (root only). True if it took effect."""
    before = _cached_kb()
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    after = _cached_kb()
    return after is not None and before is not None and after < before


def _cached_kb() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("Cached:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


@dataclass(frozen=True, slots=True)
class Run:
    """One timed subprocess: wall seconds, peak RSS (MiB) of it and its children, exit code.

    `other_cpu` is CPU time the rest of the machine used meanwhile (all busy time in
    /proc/stat minus the run's own user+system time): other work skews the timing.
    """

    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    cpu: float = 0.0
    other_cpu: float = 0.0


def run_measured(cmd: Sequence[str], env: dict[str, str] | None = None) -> Run:
    """Run `cmd`, timing it and taking its peak RSS with /usr/bin/time if present.

    Without GNU time, `resource.getrusage(RUSAGE_CHILDREN)` is read instead; that value
    is a maximum over every child so far, so it is only exact for the first run.
    """
    import resource

    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        full = [gnu_time, "-f", "%M", "-o", report.name, *cmd] if gnu_time else list(cmd)
        busy0 = _busy_seconds()
        t0 = time.perf_counter()
        proc = subprocess.run(full, capture_output=True, text=True, env=env, check=False)
        seconds = time.perf_counter() - t0
        busy = _busy_seconds() - busy0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if gnu_time:
            lines = [x for x in Path(report.name).read_text().split() if x.isdigit()]
            peak_kb = int(lines[-1]) if lines else 0
        else:
            peak_kb = after.ru_maxrss
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(
        seconds,
        peak_kb / 1024,
        proc.returncode,
        proc.stdout,
        proc.stderr,
        cpu,
        max(0.0, busy - cpu),
    )


def wait_until_quiet(max_wait: float = 120.0, cores: float = 0.3) -> float:
    """Wait (at most `max_wait` s) until the rest of the machine uses under `cores` CPUs
    over one second; other people's tests running on the same cores skew every timing.
    Returns the load seen last, in cores."""
    deadline = time.monotonic() + max_wait
    while True:
        busy0 = _busy_seconds()
        time.sleep(1.0)
        load = _busy_seconds() - busy0
        if load < cores or time.monotonic() > deadline:
            return load


def _busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (user, nice, system, irq, softirq, steal)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return 0.0
    values = [int(v) for v in fields]
    busy = sum(values[:3]) + sum(values[5:8])
    return busy / os.sysconf("SC_CLK_TCK")


def photosift_cmd(*args: str) -> list[str]:
    """`photosift ...` through this interpreter (the project's virtualenv)."""
    return [sys.executable, "-m", "cleaner", *args]


def check(run: Run, what: str) -> None:
    if run.returncode != 0:
        raise RuntimeError(f"{what} failed with exit code {run.returncode}:\n{run.stderr[-2000:]}")


@contextmanager
def scratch(prefix: str) -> Iterator[Path]:
    """A temporary folder that is removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix=f"photosift-bench-{prefix}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def load_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
