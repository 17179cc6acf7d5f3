"""Contact indexes built once per run: CSR lists of static contacts and of group members."""

from __future__ import annotations

import numpy as np

from .common import njit


@njit(cache=True)
def csr_from_edges(n, src, dst):
    """Symmetric CSR (indptr int64, indices int32) of undirected edges ``src[k]–dst[k]``."""
    deg = np.zeros(n + 1, np.int64)
    for k in range(src.shape[0]):
        deg[src[k] + 1] += 1
        deg[dst[k] + 1] += 1
    for i in range(n):
        deg[i + 1] += deg[i]
    fill = deg[:-1].copy()
    idx = np.empty(deg[n], np.int32)
    for k in range(src.shape[0]):
        a = src[k]
        b = dst[k]
        idx[fill[a]] = b
        fill[a] += 1
        idx[fill[b]] = a
        fill[b] += 1
    return deg, idx


@njit(cache=True)
def group_index(gid, n_groups):
    """Members sorted by group (int32) and offsets (int64, ``n_groups + 1``); -1 is no group."""
    off = np.zeros(n_groups + 1, np.int64)
    for i in range(gid.shape[0]):
        g = gid[i]
        if g >= 0:
            off[g + 1] += 1
    for g in range(n_groups):
        off[g + 1] += off[g]
    fill = off[:-1].copy()
    members = np.empty(off[n_groups], np.int32)
    for i in range(gid.shape[0]):
        g = gid[i]
        if g >= 0:
            members[fill[g]] = i
            fill[g] += 1
    return members, off
