"""Turn confirmed pairs into groups without chaining.

A chain A~B~C can link pictures that are not alike at all (A and C), so groups
are stars: a representative and the pictures that each match it directly.
The representative is the picture with the most matches that is still free;
its free neighbours join it; repeat. Every member is thus within the threshold
of its group's representative.
"""

from __future__ import annotations

import heapq

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
    # Held as arrays over the nodes that have an edge, numbered 0..m-1: node x's
    # neighbours are nbr[start[x]:start[x + 1]]. Dicts of Python lists, a set and a heap
    # of every node cost ~50 MiB at 100,000 pairs, at the 1M benchmark's memory peak.
    ends = np.stack([i, j], axis=1).reshape(-1)  # a0, b0, a1, b1, ...: edge order
    nodes, local = np.unique(ends, return_inverse=True)
    others = np.stack([local[1::2], local[0::2]], axis=1).reshape(-1)
    nbr = others[np.argsort(local, kind="stable")]
    degree = np.bincount(local, minlength=len(nodes))
    start = np.zeros(len(nodes) + 1, dtype=np.int64)
    np.cumsum(degree, out=start[1:])
    # summed edge by edge in edge order (bincount adds in input order): the same floats
    # as adding them one by one
    strength = (
        np.zeros(len(nodes))
        if weight is None
        else np.bincount(local, weights=np.repeat(weight, 2), minlength=len(nodes))
    )
    later = np.zeros(len(nodes), dtype=bool) if first is None else ~first[nodes]
    # The representative is the free node first in (later, -degree, -strength, node).
    # Degrees shrink as nodes are taken, so re-rank lazily: a node whose free degree
    # dropped is pushed back (onto `again`) and met again later. Nodes are met in the
    # order one heap of all of them would pop them: the ranked ones, merged with `again`.
    ranked = np.lexsort((nodes, -strength, -degree, later))
    ranked_later, ranked_degree = later[ranked], degree[ranked]
    ranked_strength, ranked_node = strength[ranked], nodes[ranked]
    free = np.ones(len(nodes), dtype=bool)
    again: list[tuple[bool, int, float, int, int]] = []  # a heap
    clusters: list[list[int]] = []
    k = 0
    while k < len(ranked) or again:
        if k < len(ranked):
            key = (
                bool(ranked_later[k]),
                -int(ranked_degree[k]),
                -float(ranked_strength[k]),
                int(ranked_node[k]),
            )
        if k < len(ranked) and not (again and again[0][:4] < key):
            is_later, neg_degree, neg_strength, _ = key
            x = int(ranked[k])
            k += 1
        else:
            is_later, neg_degree, neg_strength, _, x = heapq.heappop(again)
        if not free[x]:
            continue
        near = nbr[start[x] : start[x + 1]]
        members = near[free[near]]
        if len(members) != -neg_degree:
            if len(members):
                v = int(nodes[x])
                heapq.heappush(again, (is_later, -len(members), neg_strength, v, x))
            continue
        if not len(members):
            continue
        free[x] = False
        free[members] = False
        clusters.append([int(nodes[x]), *sorted(nodes[members].tolist())])
    return clusters


def safe_centres(
    n: int, i: npt.NDArray[np.int64], j: npt.NDArray[np.int64], coloured: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """Per node: may it be a star's representative before the others (`star_clusters`'
    `first`)? A picture with colour may (`coloured`: its matches were colour-checked, so
    what joins through it agrees in colour), and so may one without colour that matches
    at most one picture with colour: no two pictures the colour check could tell apart
    meet through it. Only a grey picture between two coloured ones (a black-and-white
    copy of a red and of a green version of one design) must wait.

    Without the second rule, a picture whose colour is faint (below
    `cleaner.detect.checks.CHROMA_MIN`, as are most of its copies) loses the centre to a
    heavy crop of it, whose colour cells are closer together and just over that line;
    a turned copy, which matches the original but no heavy crop, is then left out
    (benchmarks/README.md, "Light crops on new seeds, session 10")."""
    ends = np.concatenate([i, j])
    across = np.concatenate([coloured[j], coloured[i]]).astype(np.float64)
    met = np.bincount(ends, weights=across, minlength=n)[:n]
    return np.asarray(coloured[:n] | (met <= 1))
