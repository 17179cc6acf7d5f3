"""Agents as a struct of arrays, built from the registry's arrays or generated for benches.

A :class:`Population` holds, per agent, the age (``uint8``), the household (``int32``; agents of
one household are contiguous, so a household is a range, never an edge list), the area
(``int32`` index into ``area_labels``: a district, street or grid whose risk level can change),
the vaccine doses received (``uint8``), and for each *group* layer (school class, workplace,
grid/community, a kind of venue) the group the agent belongs to (``int32``, -1 for none). Layers
with explicit person-to-person contacts (check-in co-visits, Covasim's random layer) are kept as
undirected edge arrays and turned into CSR when a run starts.

The Django side streams the registry (or the synthetic generator) into
:meth:`Population.from_arrays`; the bench uses :func:`random_population` (Covasim's "random"
population), and the tests and the province bench :func:`synthetic_population`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "COVASIM_AGES",
    "CHINA_AGES",
    "Population",
    "random_population",
    "synthetic_population",
]

#: Covasim's default age table (lower age, upper age, share), as its random population uses it
#: (covasim/defaults.py ``default_age_data``, Kerr et al., PLoS Comput Biol 2021).
COVASIM_AGES = np.array(
    [
        [0, 4, 0.0605],
        [5, 9, 0.0607],
        [10, 14, 0.0566],
        [15, 19, 0.0557],
        [20, 24, 0.0612],
        [25, 29, 0.0843],
        [30, 34, 0.0848],
        [35, 39, 0.0764],
        [40, 44, 0.0697],
        [45, 49, 0.0701],
        [50, 54, 0.0681],
        [55, 59, 0.0653],
        [60, 64, 0.0591],
        [65, 69, 0.0453],
        [70, 74, 0.0312],
        [75, 79, 0.02016],
        [80, 84, 0.01344],
        [85, 89, 0.01008],
        [90, 99, 0.00672],
    ]
)

#: China's age structure in broad bands (lower, upper, share): 0–14 17.95 %, 15–59 63.35 %,
#: 60+ 18.70 % (National Bureau of Statistics, Seventh National Population Census bulletin
#: no. 5, 2021-05-11); the split inside the broad bands is uniform (an approximation).
CHINA_AGES = np.array(
    [
        [0, 14, 0.1795],
        [15, 59, 0.6335],
        [60, 89, 0.1870],
    ]
)

#: Bytes one agent costs in a run, beyond its layers' indexes (see ``Population.estimate_bytes``):
#: the population (age, household, area, doses), the run's state (state, exposure, infectious,
#: end, diagnosis and result days, three quarantine days, a flag), its susceptibility, the
#: active, pending and quarantine lists, and its slot while infected (28, counted for all).
BYTES_PER_AGENT = (1 + 4 + 4 + 1) + (1 + 2 * 5 + 2 * 3 + 1) + 4 + 3 * 4 + 28


def _ages(rng: np.random.Generator, n: int, table: np.ndarray) -> NDArray[np.uint8]:
    share = table[:, 2] / table[:, 2].sum()
    band = rng.choice(len(table), size=n, p=share)
    low = table[band, 0]
    high = table[band, 1] + 1
    return np.minimum(np.floor(low + rng.random(n) * (high - low)), 120).astype(np.uint8)


@dataclass
class Population:
    """Agents as arrays; build with :meth:`from_arrays` or a generator below."""

    age: NDArray[np.uint8]
    household: NDArray[np.int32]
    area: NDArray[np.int32]
    doses: NDArray[np.uint8]
    groups: dict[str, NDArray[np.int32]] = field(default_factory=dict)
    contacts: dict[str, tuple[NDArray[np.int32], NDArray[np.int32]]] = field(default_factory=dict)
    area_labels: tuple[str, ...] = ("",)
    #: How the population was made (generator and arguments), so a run can be re-made from it;
    #: ``None`` when it came from arrays (then :meth:`digest` identifies it).
    recipe: dict[str, Any] | None = None
    #: For each agent here, its position in the arrays handed to ``from_arrays`` (which are put
    #: in household order); ``None`` when no reordering was needed.
    order: NDArray[np.int64] | None = None

    @property
    def size(self) -> int:
        return int(self.age.shape[0])

    @property
    def n_households(self) -> int:
        return int(self.household[-1]) + 1 if self.size else 0

    def household_starts(self) -> NDArray[np.int64]:
        """``n_households + 1`` offsets: household ``h`` is agents ``[s[h], s[h+1])``."""
        counts = np.bincount(self.household, minlength=self.n_households)
        out = np.zeros(self.n_households + 1, dtype=np.int64)
        np.cumsum(counts, out=out[1:])
        return out

    @classmethod
    def from_arrays(
        cls,
        age: ArrayLike,
        household: ArrayLike,
        *,
        area: ArrayLike | None = None,
        area_labels: tuple[str, ...] | list[str] | None = None,
        doses: ArrayLike | None = None,
        groups: Mapping[str, ArrayLike] | None = None,
        contacts: Mapping[str, tuple[ArrayLike, ArrayLike]] | None = None,
        recipe: dict[str, Any] | None = None,
    ) -> Population:
        """Agents from per-agent arrays (any order; households are made contiguous).

        ``household`` and each of ``groups`` hold any integer labels (-1 in a group: not a
        member); they are renumbered 0… in order of first appearance. ``area`` holds indexes
        into ``area_labels``. ``contacts`` maps a layer name to two equal-length arrays of agent
        indexes (positions in these arrays), one undirected contact per pair. ``order`` on the
        result maps each agent back to its input position.
        """
        age_a = np.asarray(age)
        n = age_a.shape[0]
        if n == 0:
            raise ValueError("a population needs at least one agent")
        if age_a.ndim != 1 or np.any(age_a < 0) or np.any(age_a > 120):
            raise ValueError("age must be a 1-D array of whole years between 0 and 120")
        hh = np.asarray(household)
        if hh.shape != (n,):
            raise ValueError("household must give one label per agent")
        order = np.argsort(hh, kind="stable")
        reorder = bool(np.any(order != np.arange(n)))
        perm = order if reorder else None
        _, hh_ids = np.unique(hh[order], return_inverse=True)

        def take(x: np.ndarray) -> np.ndarray:
            return x[order] if reorder else x

        if area is None:
            area_a = np.zeros(n, dtype=np.int32)
        else:
            area_a = np.asarray(area).astype(np.int64)
            if area_a.shape != (n,) or area_a.min() < 0:
                raise ValueError("area must give one non-negative index per agent")
        labels = tuple(area_labels) if area_labels is not None else None
        n_areas = int(area_a.max()) + 1
        if labels is None:
            labels = tuple(str(k) for k in range(n_areas))
        elif len(labels) < n_areas:
            raise ValueError(f"area indexes go up to {n_areas - 1} but only {len(labels)} labels")
        doses_a = np.zeros(n, dtype=np.uint8) if doses is None else np.asarray(doses)
        if doses_a.shape != (n,) or np.any(doses_a < 0) or np.any(doses_a > 255):
            raise ValueError("doses must give a count 0–255 per agent")
        group_arrays: dict[str, NDArray[np.int32]] = {}
        for name, raw in (groups or {}).items():
            g = np.asarray(raw)
            if g.shape != (n,):
                raise ValueError(f"group layer {name!r} must give one label per agent")
            g = take(g)
            member = g >= 0
            ids = np.full(n, -1, dtype=np.int32)
            if member.any():
                _, first, inverse = np.unique(g[member], return_index=True, return_inverse=True)
                # number groups in order of first appearance (household order: stable and local)
                rank = np.empty(first.shape[0], dtype=np.int64)
                rank[np.argsort(first, kind="stable")] = np.arange(first.shape[0])
                ids[member] = rank[inverse].astype(np.int32)
            group_arrays[name] = ids
        contact_arrays: dict[str, tuple[NDArray[np.int32], NDArray[np.int32]]] = {}
        if contacts:
            inverse_order = np.empty(n, dtype=np.int64)
            inverse_order[order] = np.arange(n)
            for name, (src, dst) in contacts.items():
                a = np.asarray(src, dtype=np.int64)
                b = np.asarray(dst, dtype=np.int64)
                if a.shape != b.shape or a.ndim != 1:
                    raise ValueError(f"contacts of {name!r} must be two equal 1-D arrays")
                if a.size and (min(a.min(), b.min()) < 0 or max(a.max(), b.max()) >= n):
                    raise ValueError(f"contacts of {name!r} name agents outside the population")
                if reorder:
                    a, b = inverse_order[a], inverse_order[b]
                contact_arrays[name] = (a.astype(np.int32), b.astype(np.int32))
        return cls(
            age=take(age_a).astype(np.uint8),
            household=hh_ids.astype(np.int32),
            area=take(area_a).astype(np.int32),
            doses=take(doses_a).astype(np.uint8),
            groups=group_arrays,
            contacts=contact_arrays,
            area_labels=labels,
            recipe=recipe,
            order=perm,
        )

    def digest(self) -> str:
        """SHA-256 of every array: the identity of a population built from arrays."""
        h = hashlib.sha256()
        for arr in (self.age, self.household, self.area, self.doses):
            h.update(np.ascontiguousarray(arr).tobytes())
        for name in sorted(self.groups):
            h.update(name.encode())
            h.update(np.ascontiguousarray(self.groups[name]).tobytes())
        for name in sorted(self.contacts):
            h.update(name.encode())
            for arr in self.contacts[name]:
                h.update(np.ascontiguousarray(arr).tobytes())
        h.update("\x1f".join(self.area_labels).encode())
        return h.hexdigest()

    def describe(self) -> dict[str, Any]:
        """What a run records of its population: the recipe, or the digest and sizes."""
        return {
            "recipe": self.recipe,
            "digest": self.digest(),
            "agents": self.size,
            "households": self.n_households,
            "groups": sorted(self.groups),
            "contacts": sorted(self.contacts),
            "areas": len(self.area_labels),
        }

    @staticmethod
    def estimate_bytes(agents: int, group_layers: int = 0, contact_pairs: int = 0) -> int:
        """Bytes a run of this many agents needs at its peak (arrays, indexes, state).

        Per agent: :data:`BYTES_PER_AGENT`, the household offsets (at most 8), and for each
        group layer its labels, their copy and its member index (3 × 4 bytes); each undirected
        contact costs two ``int32`` entries in the CSR plus the two input arrays.
        """
        per_agent = BYTES_PER_AGENT + 8 + 12 * group_layers + 8
        return int(agents * per_agent + contact_pairs * (8 + 8) + 64 * 2**20)

    def assign_doses(
        self, coverage: Mapping[int, float] | float, seed: int, doses: int = 2
    ) -> None:
        """Give ``doses`` to a share of each age band (``{lower age: share}``) at random."""
        rng = np.random.default_rng(seed)
        if isinstance(coverage, int | float):
            share = np.full(self.size, float(coverage))
        else:
            edges = np.array(sorted(coverage), dtype=float)
            values = np.array([coverage[k] for k in sorted(coverage)], dtype=float)
            band = np.searchsorted(edges, self.age, side="right") - 1
            share = np.where(band >= 0, values[np.maximum(band, 0)], 0.0)
        if np.any(share < 0) or np.any(share > 1):
            raise ValueError("vaccination coverage is a share between 0 and 1")
        self.doses = np.where(rng.random(self.size) < share, doses, self.doses).astype(np.uint8)


def random_population(
    n: int,
    seed: int,
    contacts: Mapping[str, float] | None = None,
    ages: np.ndarray = COVASIM_AGES,
) -> Population:
    """Covasim's "random" population: ages from its table, one random static layer.

    Each agent has its own household (unused), and per layer every agent starts
    ``round(Poisson(n_l) / 2)`` undirected contacts with agents drawn uniformly (with
    replacement, self-contacts possible), so each has ``n_l`` contacts on average, fixed for the
    whole run — Covasim's ``make_random_contacts`` (Kerr et al. 2021).
    """
    if n < 1:
        raise ValueError("a population needs at least one agent")
    layers = dict(contacts or {"a": 20.0})
    rng = np.random.default_rng(seed)
    age = _ages(rng, n, ages)
    pairs: dict[str, tuple[NDArray[np.int32], NDArray[np.int32]]] = {}
    for name, mean in layers.items():
        if mean < 0:
            raise ValueError(f"contacts of layer {name!r} must not be negative")
        count = np.round(rng.poisson(mean, n) / 2.0).astype(np.int64)
        src = np.repeat(np.arange(n, dtype=np.int32), count)
        dst = rng.integers(0, n, src.shape[0], dtype=np.int32)
        pairs[name] = (src, dst)
    return Population(
        age=age,
        household=np.arange(n, dtype=np.int32),
        area=np.zeros(n, dtype=np.int32),
        doses=np.zeros(n, dtype=np.uint8),
        contacts=pairs,
        recipe={"generator": "random_population", "n": n, "seed": seed, "contacts": layers},
    )


#: Shares of households by size 1–6 (6: six or more); mean about 2.6 persons. Seventh National
#: Population Census (2020) household tables, rounded; ``to_verify`` (see docs/simulator.md).
HOUSEHOLD_SIZES = np.array([0.254, 0.297, 0.209, 0.137, 0.064, 0.039])


def _area_of(
    household: NDArray[np.int32], n_hh: int, areas: int, shares: Sequence[float] | None
) -> NDArray[np.int32]:
    """Each agent's area: households cut into ``areas`` consecutive blocks, equal or by share."""
    if shares is None:
        return (household.astype(np.int64) * areas // n_hh).astype(np.int32)
    w = np.asarray(shares, dtype=float)
    if w.shape != (areas,) or np.any(w < 0) or not w.sum() > 0:
        raise ValueError("area_shares must give one non-negative share per area")
    bounds = np.cumsum(w / w.sum())[:-1] * n_hh
    return np.searchsorted(bounds, household, side="right").astype(np.int32)


def synthetic_population(
    n: int,
    seed: int,
    *,
    areas: int = 1,
    area_shares: Sequence[float] | None = None,
    class_size: int = 45,
    workplace_size: float = 20.0,
    employment: float = 0.7,
    grid_households: int = 300,
    household_sizes: np.ndarray = HOUSEHOLD_SIZES,
    ages: np.ndarray = CHINA_AGES,
) -> Population:
    """A synthetic city: households, school classes, workplaces and grids in ``areas`` areas.

    Households take sizes from ``household_sizes`` and are laid out in order, cut into
    ``areas`` blocks (areas: equal, or in proportion to ``area_shares``, e.g. the residents of
    a city's districts, so that measures by district act on the right numbers) and into grids
    of ``grid_households`` households (the grid layer, 网格). Ages are drawn independently (no
    household composition: a simplification); ages 6–17 go to classes of ``class_size`` of one
    year of age within their area, and a share ``employment`` of ages 20–59 to workplaces of
    mean size ``workplace_size`` within their area. Layers: ``school`` (classes), ``work`` and
    ``community`` (grids).
    """
    if n < 1:
        raise ValueError("a population needs at least one agent")
    if areas < 1 or class_size < 1 or workplace_size < 1 or grid_households < 1:
        raise ValueError("areas, class size, workplace size and grid size must be positive")
    rng = np.random.default_rng(seed)
    share = np.asarray(household_sizes, dtype=float)
    share = share / share.sum()
    sizes = rng.choice(np.arange(1, len(share) + 1), size=n // 2 + 1, p=share)
    ends = np.cumsum(sizes)
    n_hh = int(np.searchsorted(ends, n) + 1)
    household = np.repeat(np.arange(n_hh, dtype=np.int32), sizes[:n_hh])[:n]
    age = _ages(rng, n, ages)
    area = _area_of(household, n_hh, areas, area_shares)
    grid = (household // grid_households).astype(np.int32)

    school = np.full(n, -1, dtype=np.int32)
    pupils = np.flatnonzero((age >= 6) & (age <= 17))
    if pupils.size:
        key = area[pupils].astype(np.int64) * 128 + age[pupils]
        sorted_p = pupils[np.argsort(key, kind="stable")]
        k = key[np.argsort(key, kind="stable")]
        new_cohort = np.r_[True, k[1:] != k[:-1]]
        cohort_start = np.maximum.accumulate(np.where(new_cohort, np.arange(k.size), 0))
        rank = np.arange(k.size) - cohort_start
        cls_key = k * 100_000 + rank // class_size
        _, cls = np.unique(cls_key, return_inverse=True)
        school[sorted_p] = cls.astype(np.int32)

    work = np.full(n, -1, dtype=np.int32)
    workers = np.flatnonzero((age >= 20) & (age <= 59) & (rng.random(n) < employment))
    if workers.size:
        per_area = np.bincount(area[workers], minlength=areas)
        n_places = np.maximum(1, np.round(per_area / workplace_size)).astype(np.int64)
        base = np.r_[0, np.cumsum(n_places)[:-1]]
        wa = area[workers]
        work[workers] = (base[wa] + rng.integers(0, n_places[wa])).astype(np.int32)

    return Population(
        age=age,
        household=household,
        area=area,
        doses=np.zeros(n, dtype=np.uint8),
        groups={"school": school, "work": work, "community": grid},
        area_labels=tuple(str(k) for k in range(areas)),
        recipe={
            "generator": "synthetic_population",
            "n": n,
            "seed": seed,
            "areas": areas,
            "area_shares": None if area_shares is None else [float(x) for x in area_shares],
            "class_size": class_size,
            "workplace_size": workplace_size,
            "employment": employment,
            "grid_households": grid_households,
            "household_sizes": [float(x) for x in household_sizes],
            "ages": np.asarray(ages).tolist(),
        },
    )
