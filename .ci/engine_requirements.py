"""Print the runtime dependencies from pyproject.toml, minus Qt, one per argument.

Used by `make test-engine-headless` to build an environment in which the engine's
tests prove that `cleaner/` runs without PySide6 installed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path


def main() -> int:
    text = Path(__file__).resolve().parent.parent.joinpath("pyproject.toml").read_text("utf-8")
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M)
    if block is None:
        print("no [project] dependencies found", file=sys.stderr)
        return 1
    deps = re.findall(r'^\s*"([^"]+)"', block.group(1), re.M)
    print(" ".join(d for d in deps if not d.lower().startswith("pyside6")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
