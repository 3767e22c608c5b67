"""Run a built PhotoSift's `--smoke-test` the way CI judges it.

    python packaging/smoke_check.py PATH_TO_EXECUTABLE

Exit 0 only if the app exits 0, reports every check as ok, and writes nothing to
stderr but the lines in ALLOWED_STDERR. Used by the release workflow on the installed
app of every OS, and by tests/smoke on the Linux tarball.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

# stderr lines that a healthy run may print; anything else fails the check.
ALLOWED_STDERR = [
    # The offscreen platform plugin cannot resize windows to their size hints.
    re.compile(r"This plugin does not support propagateSizeHints\(\)"),
    # Running as root or without a login session, as CI runners do.
    re.compile(r"QStandardPaths: (XDG_RUNTIME_DIR|runtime directory) .*"),
]

EXPECTED_STDOUT = [
    re.compile(r"smoke test: image plugins ok"),
    re.compile(r"smoke test: sample\.jpg ok"),
    re.compile(r"smoke test: sample\.png ok"),
    re.compile(r"smoke test: sample\.heic ok"),
    re.compile(r"smoke test: sample\.dng ok"),
    re.compile(r"smoke test: (\d+) groups \(expected \1\)"),
]


def unexpected_stderr(stderr: str) -> list[str]:
    return [
        line
        for line in stderr.splitlines()
        if line.strip() and not any(p.fullmatch(line.strip()) for p in ALLOWED_STDERR)
    ]


def problems(returncode: int, stdout: str, stderr: str) -> list[str]:
    found = [f"exit code {returncode}"] if returncode != 0 else []
    found += [f"missing in output: {p.pattern}" for p in EXPECTED_STDOUT if not p.search(stdout)]
    found += [f"unexpected stderr: {line}" for line in unexpected_stderr(stderr)]
    return found


def run(executable: str, env: dict[str, str] | None = None) -> list[str]:
    env = dict(os.environ if env is None else env)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    result = subprocess.run(
        [executable, "--smoke-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    sys.stdout.write(result.stdout)
    sys.stdout.write("".join(f"stderr: {line}\n" for line in result.stderr.splitlines()))
    return problems(result.returncode, result.stdout, result.stderr)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    found = run(argv[1])
    for problem in found:
        print(f"smoke_check: {problem}", file=sys.stderr)
    print("smoke_check: " + ("FAILED" if found else "passed"))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
