"""File servers simulated on one machine for the Dask cluster build (tests/engine/
test_cluster.py and benchmarks/cluster_build.py): a scheduler and one worker process per
server, each offering a resource named after its own share, as `dask worker ...
--resources share-a=1` on a real file server does. Needs the [dask] extra."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

SERVERS = ("server-a", "server-b", "server-c")


def share_of(server: str) -> str:
    """The resource a server's worker offers: server-a reads share-a."""
    return server.replace("server", "share")


@contextmanager
def simulated_servers(timeout: float = 60) -> Iterator[str]:
    """The scheduler's address while the servers' workers are up (waits for them all)."""
    from distributed import Client, Nanny, Scheduler, SpecCluster

    workers = {
        name: {
            "cls": Nanny,
            "options": {"nthreads": 1, "name": name, "resources": {share_of(name): 1}},
        }
        for name in SERVERS
    }
    scheduler = {"cls": Scheduler, "options": {"dashboard_address": None}}
    with (
        SpecCluster(workers=workers, scheduler=scheduler) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        client.wait_for_workers(len(SERVERS), timeout=timeout)
        yield str(cluster.scheduler_address)
