"""A Dask worker plugin for tests: reading a file named ``poison*`` kills the worker
process at once, as a crash in a decoder or the kernel's OOM killer would. Registered by
a test on its own cluster (`client.register_plugin(PoisonReads())`), it patches only the
worker processes (and the ones the nannies start again)."""

from __future__ import annotations

import os
from typing import Any

from distributed import WorkerPlugin


class PoisonReads(WorkerPlugin):
    name = "photosift-poison-reads"

    def setup(self, worker: Any) -> None:
        from cleaner.catalog import builder

        real = builder._read_file

        def read(path: str, size: int, max_pixels: int) -> Any:
            if os.path.basename(path).startswith("poison"):
                os._exit(70)
            return real(path, size, max_pixels)

        builder._read_file = read  # type: ignore[assignment]
