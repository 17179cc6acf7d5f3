"""Choosing layer weights from observed figures (household secondary attack rate, R0).

The household SAR of a pathogen is the chance that one household member, infected, infects a
given susceptible member over the whole course: ``E[1 - exp(-b · X)]`` with ``X`` the course's
summed daily infectiousness times the pathogen's ``beta`` and ``b`` the layer's weight (hazard
mode). :func:`household_beta` solves it for ``b`` by bisection over courses drawn with the
engine's own sampler; :func:`expected_sar` is the forward figure.
"""

from __future__ import annotations

import numpy as np

from .kernels import course_infectiousness
from .natural_history import Pathogen

__all__ = ["expected_sar", "household_beta"]


def _courses(pathogen: Pathogen, age: int, samples: int, seed: int) -> np.ndarray:
    if not 0 <= age <= 120:
        raise ValueError("age is 0–120 years")
    rng = np.random.default_rng(seed)
    band = pathogen.band_table()[:, age].copy()
    return pathogen.beta * course_infectiousness(
        rng, samples, band, pathogen.duration_table(), pathogen.factors()
    )


def expected_sar(
    pathogen: Pathogen,
    layer_beta: float,
    *,
    index_age: int = 30,
    contact_susceptibility: float = 1.0,
    samples: int = 100_000,
    seed: int = 0,
) -> float:
    """SAR of a household layer of weight ``layer_beta`` for one susceptible contact."""
    x = _courses(pathogen, index_age, samples, seed)
    return float(np.mean(-np.expm1(-layer_beta * contact_susceptibility * x)))


def household_beta(
    pathogen: Pathogen,
    sar: float,
    *,
    index_age: int = 30,
    contact_susceptibility: float = 1.0,
    samples: int = 100_000,
    seed: int = 0,
) -> float:
    """The household layer weight that gives secondary attack rate ``sar`` (0 < sar < 1)."""
    if not 0.0 < sar < 1.0:
        raise ValueError(f"a secondary attack rate is between 0 and 1, not {sar}")
    x = _courses(pathogen, index_age, samples, seed) * contact_susceptibility
    ceiling = float(np.mean(x > 0))
    if sar >= ceiling:
        raise ValueError(f"no weight reaches SAR {sar}: only {ceiling:.3f} of courses transmit")
    lo, hi = 0.0, 1.0
    while np.mean(-np.expm1(-hi * x)) < sar:
        hi *= 2.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if np.mean(-np.expm1(-mid * x)) < sar:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2
