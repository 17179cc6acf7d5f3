"""The pathogen as data: natural history, susceptibility, infectiousness, vaccine effects.

An infected agent goes S → E (latent) → I → R or D. While infectious it is *presymptomatic*
(before symptom onset), *asymptomatic* (never develops symptoms) or *symptomatic*; symptomatic
agents may go on to severe and critical illness, and critical ones may die. Every branch
probability is age-specific and every stage duration is a distribution; all of them come from a
plain dict (the ``simulation`` entry of a disease pack's variant, or a data file), never from
code, so a later pathogen is a new dict, not a new model.

The dict's keys (each parameter may be a bare number or list, or an object holding the figure
under ``value`` — or ``distribution``/``mean``/``sd`` for a duration — beside its ``citation``,
``to_verify`` and ``note``, which the engine ignores)::

    beta                      per-contact daily transmission hazard of a fully infectious agent
    age_bins                  lower edges of the age bands (years), starting at 0
    symptomatic_probability   per band: P(symptoms | infection)
    severe_probability        per band: P(severe | symptomatic)
    critical_probability      per band: P(critical | severe)
    death_probability         per band: P(death | critical)
    relative_susceptibility   per band: multiplier of the hazard received
    durations                 latent, presymptomatic, asymptomatic, mild, to_severe,
                              severe_recovery, to_critical, critical_recovery, critical_death
                              (days; each ``{distribution: lognormal|gamma|fixed, mean, sd}``)
    relative_infectiousness   {presymptomatic, asymptomatic, symptomatic}: multipliers
    individual_dispersion     shape k of a gamma(k, 1/k) per-agent infectiousness (mean 1);
                              null for none (overdispersion, superspreading)
    viral_load                {frac_time, load_ratio, high_cap}: infectiousness is
                              load_ratio/z for the first min(frac_time·D, high_cap) infectious
                              days and 1/z after (z keeps the mean at 1), as Covasim does; null
                              for flat
    detectable                {before_infectious, after_infectious}: days a PCR test can turn
                              positive before infectiousness starts and after it ends
    vaccine                   list indexed by doses received (0 first): {susceptibility,
                              infectiousness} multipliers

Durations are drawn once at infection and rounded to whole days (no negative days).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["DURATIONS", "Duration", "Pathogen"]

#: The stage durations a pathogen must give, in the order the engine holds them.
DURATIONS = (
    "latent",
    "presymptomatic",
    "asymptomatic",
    "mild",
    "to_severe",
    "severe_recovery",
    "to_critical",
    "critical_recovery",
    "critical_death",
)
_BANDED = (
    "symptomatic_probability",
    "severe_probability",
    "critical_probability",
    "death_probability",
    "relative_susceptibility",
)
_DIST_CODES = {"fixed": 0, "lognormal": 1, "gamma": 2}
_META = {"citation", "to_verify", "note", "population", "unit", "source"}


def _value(raw: Any, name: str) -> Any:
    """The figure of a parameter given bare or as ``{"value": ..., "citation": ...}``."""
    if isinstance(raw, Mapping):
        if "value" not in raw:
            raise ValueError(f"parameter {name!r} has no 'value'")
        return raw["value"]
    return raw


@dataclass(frozen=True)
class Duration:
    """A stage duration in days: ``fixed`` (mean), ``lognormal`` or ``gamma`` (mean and sd)."""

    distribution: str
    mean: float
    sd: float = 0.0

    def __post_init__(self) -> None:
        if self.distribution not in _DIST_CODES:
            raise ValueError(
                f"unknown distribution {self.distribution!r}: use one of {sorted(_DIST_CODES)}"
            )
        if not (self.mean >= 0 and self.sd >= 0) or not math.isfinite(self.mean + self.sd):
            raise ValueError(f"a duration needs a finite mean and sd ≥ 0, not {self}")
        if self.distribution != "fixed" and self.mean > 0 and self.sd == 0:
            object.__setattr__(self, "distribution", "fixed")

    @classmethod
    def from_dict(cls, raw: Any, name: str) -> Duration:
        if isinstance(raw, int | float):
            return cls("fixed", float(raw))
        if not isinstance(raw, Mapping):
            raise ValueError(f"duration {name!r} must be a number or an object")
        unknown = set(raw) - {"distribution", "mean", "sd"} - _META
        if unknown:
            raise ValueError(f"duration {name!r} has unknown keys {sorted(unknown)}")
        return cls(
            str(raw.get("distribution", "fixed")), float(raw["mean"]), float(raw.get("sd", 0))
        )

    def encoded(self) -> tuple[float, float, float]:
        """(code, p1, p2) for the compiled sampler: lognormal (mu, sigma), gamma (shape, scale)."""
        code = _DIST_CODES[self.distribution]
        if code == 0 or self.mean == 0:
            return 0.0, self.mean, 0.0
        if code == 1:
            sigma2 = math.log1p((self.sd / self.mean) ** 2)
            return 1.0, math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2)
        shape = (self.mean / self.sd) ** 2
        return 2.0, shape, self.sd**2 / self.mean

    def to_dict(self) -> dict[str, Any]:
        return {"distribution": self.distribution, "mean": self.mean, "sd": self.sd}


@dataclass(frozen=True)
class Pathogen:
    """A pathogen's parameters, checked; build it with :meth:`from_dict`."""

    name: str
    beta: float
    age_bins: tuple[float, ...]
    symptomatic_probability: tuple[float, ...]
    severe_probability: tuple[float, ...]
    critical_probability: tuple[float, ...]
    death_probability: tuple[float, ...]
    relative_susceptibility: tuple[float, ...]
    durations: Mapping[str, Duration]
    relative_infectiousness: Mapping[str, float] = field(
        default_factory=lambda: {"presymptomatic": 1.0, "asymptomatic": 1.0, "symptomatic": 1.0}
    )
    individual_dispersion: float | None = None
    viral_load: Mapping[str, float] | None = None
    detectable: Mapping[str, float] = field(
        default_factory=lambda: {"before_infectious": 0.0, "after_infectious": 0.0}
    )
    vaccine: tuple[Mapping[str, float], ...] = ({"susceptibility": 1.0, "infectiousness": 1.0},)

    def __post_init__(self) -> None:
        bands = len(self.age_bins)
        if bands == 0 or self.age_bins[0] != 0 or list(self.age_bins) != sorted(self.age_bins):
            raise ValueError("age_bins must be ascending lower edges starting at 0")
        if not (self.beta >= 0 and math.isfinite(self.beta)):
            raise ValueError(f"beta must be a finite rate ≥ 0, not {self.beta}")
        for name in _BANDED:
            values = getattr(self, name)
            if len(values) != bands:
                raise ValueError(f"{name} has {len(values)} values for {bands} age bands")
            if any(not (v >= 0) for v in values):
                raise ValueError(f"{name} must not be negative")
            if name != "relative_susceptibility" and any(v > 1 for v in values):
                raise ValueError(f"{name} holds probabilities: each between 0 and 1")
        missing = set(DURATIONS) - set(self.durations)
        if missing:
            raise ValueError(f"durations missing: {sorted(missing)}")
        for key in ("presymptomatic", "asymptomatic", "symptomatic"):
            if not (self.relative_infectiousness.get(key, 1.0) >= 0):
                raise ValueError(f"relative_infectiousness.{key} must not be negative")
        if self.individual_dispersion is not None and not self.individual_dispersion > 0:
            raise ValueError("individual_dispersion is a gamma shape > 0 (or null)")
        if self.viral_load is not None:
            vl = self.viral_load
            if not (0 <= vl["frac_time"] <= 1 and vl["load_ratio"] > 0 and vl["high_cap"] >= 0):
                raise ValueError("viral_load needs 0 ≤ frac_time ≤ 1, load_ratio > 0, high_cap ≥ 0")
        if not self.vaccine:
            raise ValueError("vaccine needs at least the entry for no dose")
        for dose in self.vaccine:
            if not (dose.get("susceptibility", 1) >= 0 and dose.get("infectiousness", 1) >= 0):
                raise ValueError("vaccine multipliers must not be negative")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], name: str = "") -> Pathogen:
        """Build from a plain dict (see the module's docstring); unknown keys are refused."""
        known = {
            "name",
            "beta",
            "age_bins",
            "durations",
            "relative_infectiousness",
            "individual_dispersion",
            "viral_load",
            "detectable",
            "vaccine",
            *_BANDED,
        }
        unknown = set(data) - known - _META - {"household_secondary_attack_rate", "sources"}
        if unknown:
            raise ValueError(f"unknown pathogen parameters: {sorted(unknown)}")
        durations = data.get("durations")
        if not isinstance(durations, Mapping):
            raise ValueError("durations must be an object of stage → distribution")
        extra = set(durations) - set(DURATIONS) - _META
        if extra:
            raise ValueError(f"unknown durations: {sorted(extra)}")

        def plain(raw: Any, key: str) -> dict[str, float]:
            raw = _value(raw, key) if isinstance(raw, Mapping) and "value" in raw else raw
            return {k: float(_value(v, f"{key}.{k}")) for k, v in raw.items() if k not in _META}

        disp = _value(data.get("individual_dispersion"), "individual_dispersion")
        vl = data.get("viral_load")
        vaccine = _value(data.get("vaccine", [{}]), "vaccine")
        return cls(
            name=str(data.get("name", name)),
            beta=float(_value(data["beta"], "beta")),
            age_bins=tuple(float(x) for x in _value(data["age_bins"], "age_bins")),
            **{k: tuple(float(x) for x in _value(data[k], k)) for k in _BANDED},
            durations={k: Duration.from_dict(durations[k], k) for k in DURATIONS if k in durations},
            relative_infectiousness={
                "presymptomatic": 1.0,
                "asymptomatic": 1.0,
                "symptomatic": 1.0,
                **plain(data.get("relative_infectiousness", {}), "relative_infectiousness"),
            },
            individual_dispersion=None if disp is None else float(disp),
            viral_load=None if vl is None else plain(vl, "viral_load"),
            detectable={
                "before_infectious": 0.0,
                "after_infectious": 0.0,
                **plain(data.get("detectable", {}), "detectable"),
            },
            vaccine=tuple(
                {
                    "susceptibility": 1.0,
                    "infectiousness": 1.0,
                    **{k: float(v) for k, v in d.items() if k not in _META},
                }
                for d in vaccine
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        """The plain figures (no citations): what a run records of its pathogen."""
        return {
            "name": self.name,
            "beta": self.beta,
            "age_bins": list(self.age_bins),
            **{k: list(getattr(self, k)) for k in _BANDED},
            "durations": {k: self.durations[k].to_dict() for k in DURATIONS},
            "relative_infectiousness": dict(self.relative_infectiousness),
            "individual_dispersion": self.individual_dispersion,
            "viral_load": None if self.viral_load is None else dict(self.viral_load),
            "detectable": dict(self.detectable),
            "vaccine": [dict(d) for d in self.vaccine],
        }

    def replace(self, **changes: Any) -> Pathogen:
        """A copy with some figures changed (e.g. ``beta``), checked again."""
        data = self.to_dict()
        data.update(changes)
        return Pathogen.from_dict(data)

    # The arrays the compiled engine reads -------------------------------------------------

    def band_table(self) -> np.ndarray:
        """``(5, 121)`` float64: per single year of age 0–120, the five banded figures."""
        ages = np.arange(121, dtype=float)
        band = np.searchsorted(np.asarray(self.age_bins), ages, side="right") - 1
        return np.stack([np.asarray(getattr(self, k))[band] for k in _BANDED]).astype(np.float64)

    def duration_table(self) -> np.ndarray:
        """``(9, 3)`` float64: each duration's (code, p1, p2), in :data:`DURATIONS` order."""
        return np.array([self.durations[k].encoded() for k in DURATIONS], dtype=np.float64)

    def factors(self) -> np.ndarray:
        """Scalars for the engine: relative infectiousness, dispersion, viral load, detection."""
        ri = self.relative_infectiousness
        vl = self.viral_load
        if vl is None:
            frac, high, low, cap = 0.0, 1.0, 1.0, 0.0
        else:
            z = 1.0 + vl["frac_time"] * (vl["load_ratio"] - 1.0)
            frac, high, low, cap = vl["frac_time"], vl["load_ratio"] / z, 1.0 / z, vl["high_cap"]
        return np.array(
            [
                ri["presymptomatic"],
                ri["asymptomatic"],
                ri["symptomatic"],
                self.individual_dispersion or 0.0,
                frac,
                high,
                low,
                cap,
                self.detectable["before_infectious"],
                self.detectable["after_infectious"],
            ],
            dtype=np.float64,
        )

    def vaccine_table(self) -> np.ndarray:
        """``(2, doses + 1)`` float64: susceptibility and infectiousness multipliers by doses."""
        return np.array(
            [
                [d["susceptibility"] for d in self.vaccine],
                [d["infectiousness"] for d in self.vaccine],
            ],
            dtype=np.float64,
        )

    def mean_infectiousness(self, samples: int = 200_000, seed: int = 0) -> float:
        """Mean of the summed daily infectiousness of one infection (for ``R0 ≈ β·c·this``).

        Computed by drawing ``samples`` courses with the engine's own sampler (age 30, no
        vaccine), so it includes the stage multipliers, dispersion and viral load.
        """
        from .kernels import course_infectiousness

        return float(
            course_infectiousness(
                np.random.default_rng(seed),
                samples,
                self.band_table()[:, 30].copy(),
                self.duration_table(),
                self.factors(),
            ).mean()
        )
