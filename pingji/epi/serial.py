"""The serial interval estimated from linked infector → infectee pairs (Django-free).

The serial interval is the time from the infector's symptom onset to the infectee's. From ``n``
linked pairs with both onsets known, its mean and standard deviation are the sample moments of the
onset differences (Nishiura, Linton & Akhmetzhanov, "Serial interval of novel coronavirus (COVID-19)
infections", Int J Infect Dis 93:284-286 (2020), doi:10.1016/j.ijid.2020.02.060, who report exactly
these from line-list pairs). Differences of zero or below are real — Delta spread before symptoms —
and are kept in the moments; the discretised distribution the Rt estimate needs cannot hold them
(EpiEstim's ``check_si_distr``: ``w_0 = 0``), so two forms are offered:

* :func:`fitted_distribution`: the gamma shifted by one day with the pairs' mean and sd, as
  EpiEstim's ``parametric_si`` builds it (``epi.rt.discr_si``) — the usual input of Rt;
* :func:`empirical_distribution`: the observed intervals of one day or more, normalised, with how
  many shorter ones were left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .rt import discr_si

MIN_PAIRS = 2
"""A standard deviation needs at least two pairs."""


def _days(pairs_onset_days: Sequence[int]) -> NDArray[np.float64]:
    try:
        days = np.asarray(list(pairs_onset_days), dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"onset differences must be whole days: {exc}") from exc
    if days.ndim != 1:
        raise ValueError("onset differences must be a flat list of days")
    if not np.all(np.isfinite(days)):
        raise ValueError("onset differences contain NaN or infinity")
    if np.any(days != np.round(days)):
        raise ValueError("onset differences must be whole days")
    return days


def serial_interval(pairs_onset_days: Sequence[int]) -> tuple[float, float, int]:
    """(mean, sd, n) of the onset differences (infectee − infector, in days); sd with n − 1.

    Contract C7. ``ValueError`` with fewer than two pairs or a value that is not a whole day.
    """
    days = _days(pairs_onset_days)
    if days.size < MIN_PAIRS:
        raise ValueError(f"the serial interval needs at least {MIN_PAIRS} linked pairs")
    return float(days.mean()), float(days.std(ddof=1)), int(days.size)


def fitted_distribution(pairs_onset_days: Sequence[int], length: int = 30) -> NDArray[np.float64]:
    """``w_0..w_{length-1}`` of the shifted gamma with the pairs' mean and sd (``epi.rt``).

    EpiEstim's parametric serial interval needs a mean above one day; a smaller one (most pairs
    on the same day) is refused rather than silently replaced.
    """
    mean, sd, _n = serial_interval(pairs_onset_days)
    if mean <= 1 or sd <= 0:
        raise ValueError(
            f"a parametric serial interval needs a mean above 1 day and a positive sd "
            f"(got mean {mean:.2f}, sd {sd:.2f})"
        )
    w = discr_si(np.arange(length), mean, sd)
    return w / w.sum()


@dataclass(frozen=True)
class Empirical:
    """The observed distribution of intervals of at least one day, and what was left out."""

    weights: NDArray[np.float64]
    used: int
    left_out: int


def empirical_distribution(pairs_onset_days: Sequence[int]) -> Empirical:
    """Observed intervals ≥ 1 day as ``w_0 = 0, w_1, …`` summing to 1 (for ``epi.rt``)."""
    days = _days(pairs_onset_days).astype(int)
    positive = days[days >= 1]
    if positive.size == 0:
        raise ValueError("no linked pair has an interval of one day or more")
    w = np.bincount(positive).astype(float)
    w[0] = 0.0
    return Empirical(w / w.sum(), int(positive.size), int(days.size - positive.size))
