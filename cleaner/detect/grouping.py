"""Turn confirmed pairs into groups without chaining.

A chain A~B~C can link pictures that are not alike at all (A and C), so groups
are stars: a representative and the pictures that each match it directly.
The representative is the picture with the most matches that is still free;
its free neighbours join it; repeat. Every member is thus within the threshold
of its group's representative.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt


def star_clusters(
    n: int,
    i: npt.NDArray[np.int64],
    j: npt.NDArray[np.int64],
    weight: npt.NDArray[np.float64] | None = None,
    first: npt.NDArray[np.bool_] | None = None,
) -> list[list[int]]:
    """Clusters (each with its representative first) of size >= 2 over `n` nodes.

    `weight` (optional, per edge, higher is closer) breaks ties between
    representatives of equal degree in favour of the tighter star. `first` (optional,
    per node) marks the nodes that may be representatives before any other: matches
    that are not transitive through some nodes (a black-and-white copy matches a red and
    a green version of one design, which do not match each other) must not have such a
    node at the centre of a star.
    """
    if len(i) == 0:
        return []
    neighbours: dict[int, list[int]] = {}
    for a, b in zip(i.tolist(), j.tolist(), strict=True):
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    strength: dict[int, float] = {}
    if weight is not None:
        for a, b, w in zip(i.tolist(), j.tolist(), weight.tolist(), strict=True):
            strength[a] = strength.get(a, 0.0) + w
            strength[b] = strength.get(b, 0.0) + w
    free = set(neighbours)
    order: Sequence[int] = sorted(
        neighbours, key=lambda v: (-len(neighbours[v]), -strength.get(v, 0.0), v)
    )
    clusters: list[list[int]] = []
    # Degrees shrink as nodes are taken, so re-rank lazily: a node whose free degree
    # dropped is pushed back and met again later.
    import heapq

    later = [False] * n if first is None else (~first).tolist()
    heap = [(later[v], -len(neighbours[v]), -strength.get(v, 0.0), v) for v in order]
    heapq.heapify(heap)
    while heap:
        is_later, neg_degree, neg_strength, v = heapq.heappop(heap)
        if v not in free:
            continue
        members = [u for u in neighbours[v] if u in free]
        if len(members) != -neg_degree:
            if members:
                heapq.heappush(heap, (is_later, -len(members), neg_strength, v))
            continue
        if not members:
            continue
        free.discard(v)
        for u in members:
            free.discard(u)
        clusters.append([v, *sorted(members)])
    return clusters
