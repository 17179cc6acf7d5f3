"""Contact layers: where transmission happens, and how each layer is indexed for a run.

Three kinds, all built from the population without storing per-day edges:

``household``
    Everyone in the agent's household is a contact every day (a clique over a contiguous range
    of agents).
``group``
    The agent's group in a group layer of the population (a school class, a workplace, a grid,
    a kind of venue); each day an infectious agent meets ``Poisson(contacts)`` members drawn
    uniformly (with replacement) from its group. The draw is made afresh every day (a dynamic
    layer), so nothing is stored but the member index (CSR).
``static``
    Fixed person-to-person contacts (check-in co-visits, Covasim's random layer): an undirected
    edge list turned into CSR once per run; every contact is met every day.

A :class:`Layer` names the population data it reads (``source``: a group or contact layer of the
population; the household layer reads the households) and carries its transmission weight and
how tracing, isolation and quarantine act on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from . import kernels
from .population import Population

__all__ = ["KINDS", "Layer", "CompiledLayers", "compile_layers"]

KINDS = {"household": kernels.HOUSEHOLD, "group": kernels.GROUP, "static": kernels.STATIC}


@dataclass(frozen=True)
class Layer:
    """One contact layer of a run.

    ``beta`` multiplies the pathogen's hazard on this layer; ``contacts`` is the mean number of
    contacts per day (group layers only); ``trace`` the probability that a contact on this layer
    is traced and quarantined when the agent is diagnosed (group layers: each member of the
    agent's group); ``isolation`` and ``quarantine_central``/``quarantine_home`` the factor kept
    of transmission to and from an isolated (diagnosed) or quarantined agent.
    """

    name: str
    kind: str
    beta: float = 1.0
    contacts: float = 0.0
    source: str = ""
    trace: float = 0.0
    isolation: float = 0.0
    quarantine_central: float = 0.0
    quarantine_home: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(
                f"layer {self.name!r}: unknown kind {self.kind!r}, use {sorted(KINDS)}"
            )
        for key in (
            "beta",
            "contacts",
            "trace",
            "isolation",
            "quarantine_central",
            "quarantine_home",
        ):
            value = getattr(self, key)
            if not (value >= 0 and np.isfinite(value)):
                raise ValueError(f"layer {self.name!r}: {key} must be finite and ≥ 0, not {value}")
        for key in ("trace", "isolation", "quarantine_central", "quarantine_home"):
            if getattr(self, key) > 1:
                raise ValueError(f"layer {self.name!r}: {key} is a share, at most 1")

    @property
    def data(self) -> str:
        """The population layer it reads (its ``source``, else its name)."""
        return self.source or self.name

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Layer:
        return cls(**dict(raw))


@dataclass
class CompiledLayers:
    """The arrays the kernels read (see :mod:`.kernels`)."""

    names: tuple[str, ...]
    kinds: np.ndarray  # int8 (L,)
    sub: np.ndarray  # int64 (L,): index among the group or static layers
    beta: np.ndarray  # float64 (L,)
    contacts: np.ndarray
    trace: np.ndarray
    isolation: np.ndarray
    quarantine_central: np.ndarray
    quarantine_home: np.ndarray
    hh_start: np.ndarray  # int64 (H + 1,)
    gid: np.ndarray  # int32 (G, N)
    gmem: np.ndarray  # int32 (G, N)
    goff: np.ndarray  # int64, concatenated
    gbase: np.ndarray  # int64 (G,)
    sptr: np.ndarray  # int64 (S, N + 1)
    sidx: np.ndarray  # int32, concatenated
    sbase: np.ndarray  # int64 (S,)

    def index(self, name: str) -> int:
        try:
            return self.names.index(name)
        except ValueError:
            raise ValueError(f"unknown layer {name!r}: the run has {list(self.names)}") from None


def check_layers(layers: Iterable[Layer], population: Population) -> list[Layer]:
    """The layers, checked against the population: unique names, data present."""
    out = list(layers)
    if not out:
        raise ValueError("a run needs at least one contact layer")
    names = [layer.name for layer in out]
    if len(set(names)) != len(names):
        raise ValueError(f"layer names repeat: {names}")
    for layer in out:
        if layer.kind == "group" and layer.data not in population.groups:
            raise ValueError(
                f"layer {layer.name!r} reads group {layer.data!r}, which the population lacks "
                f"(it has {sorted(population.groups)})"
            )
        if layer.kind == "static" and layer.data not in population.contacts:
            raise ValueError(
                f"layer {layer.name!r} reads contacts {layer.data!r}, which the population lacks "
                f"(it has {sorted(population.contacts)})"
            )
    return out


def compile_layers(layers: Iterable[Layer], population: Population) -> CompiledLayers:
    """Index the layers over the population (member lists, CSR) for the kernels."""
    specs = check_layers(layers, population)
    n = population.size
    groups = [s for s in specs if s.kind == "group"]
    statics = [s for s in specs if s.kind == "static"]
    sub = np.zeros(len(specs), dtype=np.int64)
    for k, spec in enumerate(specs):
        if spec.kind == "group":
            sub[k] = groups.index(spec)
        elif spec.kind == "static":
            sub[k] = statics.index(spec)
    gid = np.empty((len(groups), n), dtype=np.int32)
    gmem = np.empty((len(groups), n), dtype=np.int32)
    offs: list[np.ndarray] = []
    gbase = np.zeros(len(groups), dtype=np.int64)
    base = 0
    for k, spec in enumerate(groups):
        ids = population.groups[spec.data]
        gid[k] = ids
        n_groups = int(ids.max()) + 1 if ids.size and ids.max() >= 0 else 0
        members, off = kernels.group_index(ids, n_groups)
        gmem[k, : members.shape[0]] = members
        offs.append(off)
        gbase[k] = base
        base += off.shape[0]
    sptr = np.empty((len(statics), n + 1), dtype=np.int64)
    idx: list[np.ndarray] = []
    sbase = np.zeros(len(statics), dtype=np.int64)
    base = 0
    for k, spec in enumerate(statics):
        src, dst = population.contacts[spec.data]
        ptr, ind = kernels.csr_from_edges(n, src, dst)
        sptr[k] = ptr
        idx.append(ind)
        sbase[k] = base
        base += ind.shape[0]

    def arr(key: str) -> np.ndarray:
        return np.array([getattr(s, key) for s in specs], dtype=np.float64)

    return CompiledLayers(
        names=tuple(s.name for s in specs),
        kinds=np.array([KINDS[s.kind] for s in specs], dtype=np.int8),
        sub=sub,
        beta=arr("beta"),
        contacts=arr("contacts"),
        trace=arr("trace"),
        isolation=arr("isolation"),
        quarantine_central=arr("quarantine_central"),
        quarantine_home=arr("quarantine_home"),
        hh_start=population.household_starts(),
        gid=gid,
        gmem=gmem,
        goff=np.concatenate(offs) if offs else np.zeros(1, dtype=np.int64),
        gbase=gbase,
        sptr=sptr,
        sidx=np.concatenate(idx) if idx else np.zeros(1, dtype=np.int32),
        sbase=sbase,
    )
