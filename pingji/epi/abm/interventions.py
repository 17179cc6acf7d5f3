"""Measures as interventions: what changes, where and on which days of the run.

Every intervention is a frozen dataclass holding day offsets (day 0 is the run's first day;
``end`` is exclusive) and plain figures, so a run's measures serialise with :func:`to_dict` and
come back with :func:`from_dict`. The Django side turns its register of measures (venue closures
by kind, school mode, gatherings, public transport, workplace attendance, risk-area levels, the
protocol's quarantine regime and test days, the platform's recorded tracing delays, mass-testing
cadence and pooling, the 48-hour test to leave the city) into these:

* :class:`Scale` — multiply a layer's transmission in some areas over some days (a closure is
  factor 0, half attendance 0.5); school mode, venue kinds, gatherings and public transport are
  layers of their own.
* :class:`RiskArea` — an area's risk level over some days; the level's effect on each layer comes
  from the run's ``risk_levels`` table (the protocol's rules, handed in).
* :class:`Importation` and :class:`Checkpoint` — infections arriving from outside per day, and
  the share of them checkpoints stop.
* :class:`SymptomaticTesting` — people with symptoms seek a test.
* :class:`Tracing` — contacts of a diagnosed person are quarantined after the recorded delays,
  under the protocol's regime (centralised days, then home days) and tested on its test days.
* :class:`MassTesting` — rounds of (pooled) testing of a share of some areas; the 48-hour test to
  leave the city is a round every 2 days of the share of people who leave.

Vaccination is the population's ``doses`` (coverage given, see ``Population.assign_doses``) and
the pathogen's ``vaccine`` effects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "Checkpoint",
    "Importation",
    "Intervention",
    "MassTesting",
    "RiskArea",
    "Scale",
    "SymptomaticTesting",
    "Tracing",
    "every",
    "from_dict",
    "to_dict",
]


def _check_window(name: str, start: int, end: int) -> None:
    if not (isinstance(start, int) and isinstance(end, int)) or start < 0 or end <= start:
        raise ValueError(f"{name}: days must be whole with 0 ≤ start < end, not {start}–{end}")


def _check_share(name: str, value: float) -> None:
    if not (0.0 <= value <= 1.0):
        raise ValueError(f"{name} is a share between 0 and 1, not {value}")


def _areas(value: Sequence[int] | None) -> tuple[int, ...] | None:
    return None if value is None else tuple(int(a) for a in value)


@dataclass(frozen=True)
class Scale:
    """Multiply ``layer``'s transmission by ``factor`` on days ``[start, end)`` in ``areas``."""

    layer: str
    start: int
    end: int
    factor: float
    areas: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        _check_window(f"Scale({self.layer})", self.start, self.end)
        if not (self.factor >= 0 and np.isfinite(self.factor)):
            raise ValueError(f"Scale({self.layer}): factor must be finite and ≥ 0")
        object.__setattr__(self, "areas", _areas(self.areas))


@dataclass(frozen=True)
class RiskArea:
    """Areas held at risk ``level`` (a key of the run's ``risk_levels``) on ``[start, end)``."""

    level: str
    start: int
    end: int
    areas: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        _check_window(f"RiskArea({self.level})", self.start, self.end)
        object.__setattr__(self, "areas", _areas(self.areas))


@dataclass(frozen=True)
class Importation:
    """``per_day`` infections (Poisson mean) arrive on each day of ``[start, end)``."""

    per_day: float
    start: int
    end: int
    areas: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        _check_window("Importation", self.start, self.end)
        if not (self.per_day >= 0 and np.isfinite(self.per_day)):
            raise ValueError("Importation: per_day must be finite and ≥ 0")
        object.__setattr__(self, "areas", _areas(self.areas))


@dataclass(frozen=True)
class Checkpoint:
    """Checkpoints stop a share ``efficacy`` of the importations on ``[start, end)``."""

    efficacy: float
    start: int
    end: int

    def __post_init__(self) -> None:
        _check_window("Checkpoint", self.start, self.end)
        _check_share("Checkpoint efficacy", self.efficacy)


@dataclass(frozen=True)
class SymptomaticTesting:
    """At symptom onset an agent seeks a test with ``probability``.

    The sample is taken ``delays`` days after onset (one drawn uniformly from the list: the
    recorded onset-to-sampling delays) and the result comes ``turnaround`` days later.
    """

    probability: float
    start: int
    end: int
    delays: tuple[int, ...] = (1,)
    turnaround: int = 1
    sensitivity: float = 0.8

    def __post_init__(self) -> None:
        _check_window("SymptomaticTesting", self.start, self.end)
        _check_share("SymptomaticTesting probability", self.probability)
        _check_share("SymptomaticTesting sensitivity", self.sensitivity)
        delays = tuple(int(d) for d in self.delays)
        if not delays or min(delays) < 0 or self.turnaround < 0:
            raise ValueError("SymptomaticTesting: delays and turnaround must be ≥ 0 days")
        object.__setattr__(self, "delays", delays)


@dataclass(frozen=True)
class Tracing:
    """Contact tracing and quarantine, active for diagnoses made on ``[start, end)``.

    A traced contact enters quarantine ``delays`` days after the index case's diagnosis (one
    drawn from the list: the dispatch-to-placement delays the platform recorded), spends
    ``central_days`` in centralised quarantine then ``home_days`` at home, and is tested on the
    quarantine days in ``test_days`` (0 is the first day). The defaults are the close-contact
    regime of the eighth edition in the platform's protocol data (14 days centralised, tested on
    days 1, 4, 7 and 14, then 7 days of home health monitoring); the Django side hands in the
    regime of the protocol in force, the home part being its home quarantine plus monitoring
    days, held to the layers' ``quarantine_home`` factors. Which contacts are traced is each
    layer's ``trace``.
    """

    start: int
    end: int
    delays: tuple[int, ...] = (1,)
    central_days: int = 14
    home_days: int = 7
    test_days: tuple[int, ...] = (0, 3, 6, 13)
    sensitivity: float = 0.8
    turnaround: int = 1

    def __post_init__(self) -> None:
        _check_window("Tracing", self.start, self.end)
        _check_share("Tracing sensitivity", self.sensitivity)
        delays = tuple(int(d) for d in self.delays)
        tests = tuple(sorted(int(d) for d in self.test_days))
        if not delays or min(delays) < 0:
            raise ValueError("Tracing: delays must be a non-empty list of days ≥ 0")
        if self.central_days < 0 or self.home_days < 0 or self.turnaround < 0:
            raise ValueError("Tracing: quarantine days and turnaround must be ≥ 0")
        if tests and (tests[0] < 0 or tests[-1] >= self.central_days + self.home_days):
            raise ValueError("Tracing: test days must fall inside the quarantine")
        object.__setattr__(self, "delays", delays)
        object.__setattr__(self, "test_days", tests)


@dataclass(frozen=True)
class MassTesting:
    """Testing rounds on ``days`` of a share ``coverage`` of the people of ``areas``.

    Samples go ``pool`` to a tube (``pool_sensitivity``: the chance a detectable sample is
    still detected once diluted in the pool, relative to a single tube); every member of a
    positive tube is retested singly; results come ``turnaround`` days after the round.
    """

    days: tuple[int, ...]
    coverage: float = 1.0
    areas: tuple[int, ...] | None = None
    pool: int = 1
    sensitivity: float = 0.8
    pool_sensitivity: float = 1.0
    turnaround: int = 1

    def __post_init__(self) -> None:
        days = tuple(sorted({int(d) for d in self.days}))
        if not days or days[0] < 0:
            raise ValueError("MassTesting: days must be a non-empty list of days ≥ 0")
        _check_share("MassTesting coverage", self.coverage)
        _check_share("MassTesting sensitivity", self.sensitivity)
        _check_share("MassTesting pool_sensitivity", self.pool_sensitivity)
        if self.pool < 1 or self.pool > 100 or self.turnaround < 0:
            raise ValueError("MassTesting: pool is 1–100 samples a tube, turnaround ≥ 0 days")
        object.__setattr__(self, "days", days)
        object.__setattr__(self, "areas", _areas(self.areas))


Intervention = (
    Scale | RiskArea | Importation | Checkpoint | SymptomaticTesting | Tracing | MassTesting
)
_KINDS: dict[str, Any] = {
    cls.__name__: cls
    for cls in (Scale, RiskArea, Importation, Checkpoint, SymptomaticTesting, Tracing, MassTesting)
}


def every(start: int, end: int, step: int) -> tuple[int, ...]:
    """The days ``start, start + step, …`` before ``end`` (a testing cadence)."""
    if step < 1:
        raise ValueError("a cadence is at least one day")
    return tuple(range(start, end, step))


def to_dict(intervention: Intervention) -> dict[str, Any]:
    """``{"kind": ..., **fields}``, lists for tuples (JSON-ready)."""
    data = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(intervention).items()}
    return {"kind": type(intervention).__name__, **data}


def from_dict(raw: Mapping[str, Any]) -> Intervention:
    data = dict(raw)
    kind = data.pop("kind", None)
    if kind not in _KINDS:
        raise ValueError(f"unknown intervention {kind!r}: use one of {sorted(_KINDS)}")
    for key, value in data.items():
        if isinstance(value, list):
            data[key] = tuple(value)
    result: Intervention = _KINDS[kind](**data)
    return result


@dataclass
class Schedule:
    """The interventions of a run turned into per-day arrays for the engine."""

    scale: np.ndarray  # float64 (L, T, A)
    imports: np.ndarray  # float64 (T,): Poisson mean of importations per day
    import_areas: np.ndarray  # bool (T, A)
    seek: np.ndarray  # float64 (T,): probability that a symptom onset seeks a test
    symptomatic: SymptomaticTesting | None
    tracing_on: np.ndarray  # bool (T,)
    tracing: Tracing | None
    rounds: dict[int, list[MassTesting]] = field(default_factory=dict)


def schedule(
    interventions: Iterable[Intervention],
    layers: Sequence[str],
    n_days: int,
    n_areas: int,
    risk_levels: Mapping[str, Mapping[str, float]],
) -> Schedule:
    """Check every intervention against the run (layers, days, areas) and lay it out by day."""
    items = list(interventions)
    scale = np.ones((len(layers), n_days, n_areas), dtype=np.float64)
    imports = np.zeros(n_days)
    import_areas = np.ones((n_days, n_areas), dtype=bool)
    blocked = np.zeros(n_days)
    seek = np.zeros(n_days)
    tracing_on = np.zeros(n_days, dtype=bool)
    sympt: SymptomaticTesting | None = None
    trace: Tracing | None = None
    rounds: dict[int, list[MassTesting]] = {}

    def area_index(areas: tuple[int, ...] | None, what: str) -> Any:
        if areas is None:
            return slice(None)
        if any(a < 0 or a >= n_areas for a in areas):
            raise ValueError(f"{what}: areas must be indexes below {n_areas}")
        return np.array(areas, dtype=np.int64)

    def window(what: str, start: int, end: int) -> slice:
        if end > n_days:
            raise ValueError(f"{what}: days {start}–{end} run past the run's {n_days} days")
        return slice(start, end)

    for item in items:
        what = type(item).__name__
        if isinstance(item, Scale):
            if item.layer not in layers:
                raise ValueError(f"Scale: unknown layer {item.layer!r}; the run has {list(layers)}")
            sel = area_index(item.areas, what)
            scale[layers.index(item.layer), window(what, item.start, item.end), sel] *= item.factor
        elif isinstance(item, RiskArea):
            if item.level not in risk_levels:
                raise ValueError(f"RiskArea: unknown level {item.level!r}: {sorted(risk_levels)}")
            sel = area_index(item.areas, what)
            days = window(what, item.start, item.end)
            for name, factor in risk_levels[item.level].items():
                if name in layers:
                    scale[layers.index(name), days, sel] *= factor
        elif isinstance(item, Importation):
            days = window(what, item.start, item.end)
            imports[days] += item.per_day
            if item.areas is not None:
                mask = np.zeros(n_areas, dtype=bool)
                mask[area_index(item.areas, what)] = True
                import_areas[days] &= mask
        elif isinstance(item, Checkpoint):
            days = window(what, item.start, item.end)
            blocked[days] = 1 - (1 - blocked[days]) * (1 - item.efficacy)
        elif isinstance(item, SymptomaticTesting):
            if sympt is not None and sympt != item:
                raise ValueError("one SymptomaticTesting per run (its delays apply throughout)")
            sympt = item
            seek[window(what, item.start, item.end)] = item.probability
        elif isinstance(item, Tracing):
            if trace is not None and trace != item:
                raise ValueError("one Tracing per run (its regime applies throughout)")
            trace = item
            tracing_on[window(what, item.start, item.end)] = True
        elif isinstance(item, MassTesting):
            if item.days[-1] >= n_days:
                raise ValueError(
                    f"MassTesting: day {item.days[-1]} is past the run's {n_days} days"
                )
            area_index(item.areas, what)
            for day in item.days:
                rounds.setdefault(day, []).append(item)
        else:
            raise ValueError(f"not an intervention: {item!r}")
    for level, effects in risk_levels.items():
        for name, factor in effects.items():
            if not (factor >= 0 and np.isfinite(factor)):
                raise ValueError(f"risk level {level!r}: factor of {name!r} must be ≥ 0")
    return Schedule(
        scale=scale,
        imports=imports * (1 - blocked),
        import_areas=import_areas,
        seek=seek,
        symptomatic=sympt,
        tracing_on=tracing_on,
        tracing=trace,
        rounds=rounds,
    )
