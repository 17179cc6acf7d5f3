"""A run: a scenario (population, pathogen, layers, measures) and a seed, day by day.

Each day, in order: importations arrive; infections progress (E→I→R/D) and symptom onsets seek a
test; results due today become diagnoses (isolation) and their contacts are traced; quarantines
start, end and are tested on their test days; mass-testing rounds take samples; then every agent
infectious at the start of the day transmits on every layer. All randomness comes from one PCG64
generator seeded with the run's seed, so the same :class:`Scenario` and seed give bit-identical
:class:`Result` arrays, in any process.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import interventions as iv
from . import kernels
from .layers import Layer, check_layers, compile_layers
from .natural_history import Pathogen
from .population import Population

__all__ = ["DEFAULT_RISK_LEVELS", "Result", "Scenario", "available_memory", "run"]

#: Illustrative effects of risk-area levels on the usual layers (factor kept); the Django side
#: hands in the protocol's own table. ``high``: lockdown (封控区, no contact outside home);
#: ``medium``: stay in the compound (管控区); ``low``: precautions (防范区).
DEFAULT_RISK_LEVELS: dict[str, dict[str, float]] = {
    "high": {"school": 0.0, "work": 0.0, "community": 0.0},
    "medium": {"school": 0.0, "work": 0.0, "community": 0.3},
    "low": {"community": 0.8},
}
MAX_DAYS = 3650  # day counters are int16: stages of up to 1000 days must fit after the last day


def available_memory() -> int:
    """Bytes the kernel says a new allocation can take (``MemAvailable``), else all RAM."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


@dataclass
class Scenario:
    """Everything a run reads besides its seed.

    ``n_days`` days are simulated (day 0 to ``n_days - 1``); ``initial_infections`` agents are
    infected on day 0 at random (in ``initial_areas`` if given), besides ``initial_agents``
    (indexes into the population: the cases known when the scenario starts). ``transmission`` is
    ``"hazard"`` (``p = 1 - exp(-h)``) or ``"linear"`` (``p = min(h, 1)``, as Covasim).
    ``memory_limit`` (bytes) defaults to the memory available when the run starts.
    """

    population: Population
    pathogen: Pathogen
    layers: Sequence[Layer]
    n_days: int
    initial_infections: int = 10
    initial_areas: tuple[int, ...] | None = None
    initial_agents: tuple[int, ...] | None = None
    interventions: Sequence[iv.Intervention] = ()
    risk_levels: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: {k: dict(v) for k, v in DEFAULT_RISK_LEVELS.items()}
    )
    transmission: str = "hazard"
    start_date: str | None = None
    memory_limit: int | None = None

    def check(self) -> iv.Schedule:
        """Refuse bad input before anything runs; return the measures laid out by day."""
        if not isinstance(self.n_days, int) or not 1 <= self.n_days <= MAX_DAYS:
            raise ValueError(f"n_days must be a whole number 1–{MAX_DAYS}, not {self.n_days}")
        if self.transmission not in ("hazard", "linear"):
            raise ValueError("transmission is 'hazard' or 'linear'")
        n = self.population.size
        if not isinstance(self.initial_infections, int) or not 0 <= self.initial_infections <= n:
            raise ValueError(f"initial_infections must be 0–{n}, not {self.initial_infections}")
        if self.initial_agents is not None and any(not 0 <= a < n for a in self.initial_agents):
            raise ValueError(f"initial_agents must be indexes below {n}")
        layers = check_layers(self.layers, self.population)
        n_areas = len(self.population.area_labels)
        if self.initial_areas is not None and any(
            a < 0 or a >= n_areas for a in self.initial_areas
        ):
            raise ValueError(f"initial_areas must be indexes below {n_areas}")
        if int(self.population.doses.max()) >= len(self.pathogen.vaccine):
            raise ValueError(
                f"agents have up to {int(self.population.doses.max())} doses but the pathogen "
                f"gives vaccine effects for {len(self.pathogen.vaccine) - 1}"
            )
        groups = sum(1 for layer in layers if layer.kind == "group")
        pairs = sum(
            self.population.contacts[layer.data][0].shape[0]
            for layer in layers
            if layer.kind == "static"
        )
        need = Population.estimate_bytes(n, groups, pairs) + 8 * len(layers) * self.n_days * n_areas
        limit = self.memory_limit if self.memory_limit is not None else available_memory()
        if need > limit:
            raise ValueError(
                f"the run needs about {need / 2**30:.1f} GiB and {limit / 2**30:.1f} GiB is "
                "available: use fewer agents or layers, or a larger machine"
            )
        return iv.schedule(
            self.interventions,
            [layer.name for layer in layers],
            self.n_days,
            n_areas,
            self.risk_levels,
        )

    def to_dict(self) -> dict[str, Any]:
        """The recorded inputs of a run (with the seed, enough to re-make it)."""
        return {
            "population": self.population.describe(),
            "pathogen": self.pathogen.to_dict(),
            "layers": [layer.to_dict() for layer in self.layers],
            "n_days": self.n_days,
            "initial_infections": self.initial_infections,
            "initial_areas": None if self.initial_areas is None else list(self.initial_areas),
            "initial_agents": None if self.initial_agents is None else list(self.initial_agents),
            "interventions": [iv.to_dict(x) for x in self.interventions],
            "risk_levels": {k: dict(v) for k, v in self.risk_levels.items()},
            "transmission": self.transmission,
            "start_date": self.start_date,
        }

    def digest(self) -> str:
        """SHA-256 of :meth:`to_dict` (canonical JSON)."""
        text = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Result:
    """Daily series of one run (index: day). ``by_layer`` column 0 is seeded/imported."""

    seed: int
    layers: tuple[str, ...]
    population: int
    new_infections: np.ndarray  # int64 (T,)
    by_area: np.ndarray  # int64 (T, A)
    by_layer: np.ndarray  # int64 (T, L + 1)
    new_symptomatic: np.ndarray
    new_diagnoses: np.ndarray
    new_deaths: np.ndarray
    infectious: np.ndarray  # agents infectious that day
    quarantined: np.ndarray  # agents held in quarantine that day
    traced: np.ndarray  # contacts named by tracing that day
    tests_people: np.ndarray  # people sampled (rounds and quarantine tests)
    tests_tubes: np.ndarray  # tubes run (rounds: pools and retests; quarantine: one each)
    ever_infected: int

    SERIES = (
        "new_infections",
        "new_symptomatic",
        "new_diagnoses",
        "new_deaths",
        "infectious",
        "quarantined",
        "traced",
        "tests_people",
        "tests_tubes",
    )

    @property
    def attack_rate(self) -> float:
        """Share of the population infected over the run (seeds and importations included)."""
        return self.ever_infected / self.population

    def layer_infections(self, name: str) -> int:
        """Infections made on layer ``name`` over the run."""
        if name not in self.layers:
            raise ValueError(f"unknown layer {name!r}")
        return int(self.by_layer[:, self.layers.index(name) + 1].sum())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "seed": self.seed,
            "layers": list(self.layers),
            "population": self.population,
            "ever_infected": self.ever_infected,
            "attack_rate": self.attack_rate,
            "by_area": self.by_area.tolist(),
            "by_layer": self.by_layer.tolist(),
        }
        for key in self.SERIES:
            out[key] = getattr(self, key).tolist()
        return out


def run(scenario: Scenario, seed: int) -> Result:
    """Simulate ``scenario`` with ``seed``; same inputs, same seed → identical result."""
    sched = scenario.check()
    pop = scenario.population
    lay = compile_layers(scenario.layers, pop)
    pat = scenario.pathogen
    n = pop.size
    T = scenario.n_days
    n_areas = len(pop.area_labels)
    n_layers = len(lay.names)
    rng = np.random.Generator(np.random.PCG64(seed))

    band = pat.band_table()
    dur = pat.duration_table()
    fac = pat.factors()
    vac = pat.vaccine_table()
    beta = pat.beta
    linear = scenario.transmission == "linear"

    st = np.zeros(n, np.int8)
    t_exp = np.full(n, -1, np.int16)
    t_inf = np.full(n, kernels.NEVER, np.int16)
    t_end = np.full(n, kernels.NEVER, np.int16)
    t_diag = np.full(n, -1, np.int16)
    t_result = np.full(n, -1, np.int16)
    q_start = np.full(n, -1, np.int16)
    q_home = np.full(n, -1, np.int16)
    q_end = np.full(n, -1, np.int16)
    in_q = np.zeros(n, np.uint8)
    active = np.empty(n, np.int32)
    slot = np.empty((n, 7), np.float32)  # pages are touched only as far as the epidemic goes
    pending = np.empty(n, np.int32)
    qlist = np.empty(n, np.int32)
    n_active = n_pending = n_q = 0
    any_diag = False
    sus = (band[4][pop.age] * vac[0][pop.doses]).astype(np.float32)
    uniform = bool(np.all(sched.scale == sched.scale[:, :, :1]))

    series = {key: np.zeros(T, np.int64) for key in Result.SERIES}
    by_area = np.zeros((T, n_areas), np.int64)
    by_layer = np.zeros((T, n_layers + 1), np.int64)

    sympt = sched.symptomatic
    seek_delays = np.array(sympt.delays if sympt else (0,), np.int64)
    seek_turn = sympt.turnaround if sympt else 0
    seek_sens = sympt.sensitivity if sympt else 0.0
    tr = sched.tracing
    trace_delays = np.array(tr.delays if tr else (0,), np.int64)
    central = tr.central_days if tr else 0
    home = tr.home_days if tr else 0
    test_offsets = np.zeros(central + home + 1, np.bool_)
    if tr:
        test_offsets[list(tr.test_days)] = True
    q_sens = tr.sensitivity if tr else 0.0
    q_turn = tr.turnaround if tr else 0

    seed_areas = np.ones(n_areas, np.bool_)
    if scenario.initial_areas is not None:
        seed_areas[:] = False
        seed_areas[list(scenario.initial_areas)] = True
    all_areas = np.ones(n_areas, np.bool_)

    def infect_args() -> tuple[Any, ...]:
        return (
            pop.doses,
            pop.age,
            pop.area,
            band,
            dur,
            fac,
            st,
            t_exp,
            t_inf,
            t_end,
            active,
            slot,
        )

    # mypy cannot count through the unpacked tuple of per-agent arrays
    n_active = kernels.seed_infections(  # type: ignore[call-arg]
        0,
        rng,
        scenario.initial_infections,
        seed_areas,
        *infect_args(),
        n_active,
        by_area[0],
        by_layer[0],
        vac,
    )
    if scenario.initial_agents:
        n_active = kernels.infect_agents(  # type: ignore[call-arg]
            0,
            rng,
            np.asarray(scenario.initial_agents, np.int64),
            *infect_args(),
            n_active,
            by_area[0],
            by_layer[0],
            vac,
        )
    for day in range(T):
        ba, bl = by_area[day], by_layer[day]
        if sched.imports[day] > 0:
            count = int(rng.poisson(sched.imports[day]))
            if count:
                n_active = kernels.seed_infections(  # type: ignore[call-arg]
                    day, rng, count, sched.import_areas[day], *infect_args(), n_active, ba, bl, vac
                )
        n_active, n_pending, new_sym, _rec, new_dead, infectious = kernels.progress(
            day,
            rng,
            active,
            slot,
            n_active,
            st,
            t_diag,
            t_result,
            pending,
            n_pending,
            sched.seek[day],
            seek_delays,
            seek_turn,
            seek_sens,
        )
        n_pending, n_q, new_diag, traced = kernels.diagnose_and_trace(
            day,
            rng,
            pending,
            n_pending,
            t_result,
            t_diag,
            q_start,
            q_home,
            q_end,
            in_q,
            qlist,
            n_q,
            bool(sched.tracing_on[day]),
            lay.trace,
            lay.kinds,
            lay.sub,
            lay.hh_start,
            pop.household,
            lay.gid,
            lay.gmem,
            lay.goff,
            lay.gbase,
            lay.sptr,
            lay.sidx,
            lay.sbase,
            trace_delays,
            central,
            home,
        )
        n_q, n_pending, held, q_tests = kernels.quarantine_day(
            day,
            rng,
            qlist,
            n_q,
            in_q,
            q_start,
            q_home,
            q_end,
            test_offsets,
            st,
            t_exp,
            t_inf,
            t_end,
            t_diag,
            t_result,
            pending,
            n_pending,
            fac,
            q_sens,
            q_turn,
        )
        people, tubes = q_tests, q_tests
        for rnd in sched.rounds.get(day, ()):
            on = all_areas
            if rnd.areas is not None:
                on = np.zeros(n_areas, np.bool_)
                on[list(rnd.areas)] = True
            n_pending, p_people, p_tubes, _pos = kernels.mass_test(
                day,
                rng,
                rnd.coverage,
                on,
                rnd.pool,
                rnd.sensitivity,
                rnd.pool_sensitivity,
                rnd.turnaround,
                pop.area,
                st,
                t_exp,
                t_inf,
                t_end,
                t_diag,
                t_result,
                q_start,
                q_home,
                q_end,
                pending,
                n_pending,
                fac,
            )
            people += p_people
            tubes += p_tubes
        n_active = kernels.transmit(
            day,
            rng,
            linear,
            active,
            slot,
            n_active,
            pop.age,
            pop.area,
            pop.doses,
            sus,
            float(sus.max()),
            band,
            dur,
            fac,
            vac,
            beta,
            any_diag,
            lay.beta,
            lay.kinds,
            lay.sub,
            lay.contacts,
            sched.scale,
            uniform,
            n_q > 0,
            lay.isolation,
            lay.quarantine_central,
            lay.quarantine_home,
            lay.hh_start,
            pop.household,
            lay.gid,
            lay.gmem,
            lay.goff,
            lay.gbase,
            lay.sptr,
            lay.sidx,
            lay.sbase,
            st,
            t_exp,
            t_inf,
            t_end,
            t_diag,
            q_start,
            q_home,
            q_end,
            ba,
            bl,
        )
        series["new_symptomatic"][day] = new_sym
        series["new_diagnoses"][day] = new_diag
        any_diag = any_diag or new_diag > 0
        series["new_deaths"][day] = new_dead
        series["infectious"][day] = infectious
        series["quarantined"][day] = held
        series["traced"][day] = traced
        series["tests_people"][day] = people
        series["tests_tubes"][day] = tubes
    series["new_infections"][:] = by_area.sum(axis=1)
    return Result(
        seed=seed,
        layers=lay.names,
        population=n,
        by_area=by_area,
        by_layer=by_layer,
        ever_infected=int(np.count_nonzero(st)),
        **series,
    )
