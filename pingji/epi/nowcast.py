"""Nowcasting the epidemic curve by symptom onset: how many cases of its last days are to come.

A curve by onset read on day ``T`` is right-truncated: a case that fell ill on ``T - 2`` appears
only once it is reported, and the reporting delay (report day minus onset day) runs to days. Its
last bars are therefore too low, and falling bars at the end of a curve by onset are mostly this
artefact. Counting the cases by onset day ``t`` and delay ``d`` gives the *reporting triangle*
``n[t, d]``: only cells with ``t + d <= T`` can have been seen yet.

**Delay distribution** (J. F. Lawless, "Adjustments for reporting delays and the prediction of
occurred but not reported events", Canadian Journal of Statistics 22(1):15-31, 1994; the
reverse-time estimator of J. D. Kalbfleisch & J. F. Lawless, "Regression models for right
truncated data with applications to AIDS incubation times and reporting lags", Statistica Sinica
1:19-32, 1991). With ``F(d)`` the probability of a delay of at most ``d`` days (``F(D) = 1`` at the
maximum delay ``D``), the reverse-time hazard ``g(d) = P(delay = d | delay <= d)`` is estimated
from the onset days for which a delay of ``d`` could have been seen already::

    g(d) = sum_{t <= T-d} n[t, d] / sum_{t <= T-d} sum_{j <= d} n[t, j]
    F(d - 1) = F(d) (1 - g(d)),  F(D) = 1

This is the maximum-likelihood estimate under right truncation (and the actuaries' chain ladder).
It assumes delays do not exceed ``D`` (``reporting_triangle`` counts longer ones at ``D``) and
that the delay distribution is the same for every onset day of the triangle: a caller should
give it recent onsets only, since delays shorten as an outbreak's screening widens.

**Nowcast.** The expected completeness of onset day ``t`` is ``F(T - t)``: the share of its cases
reported by ``T``. Each day's final count is Poisson with a rate ``lambda_t`` and its reported
part is a thinning of it, ``n_t ~ Poisson(lambda_t F(T - t))``, while the cases still to come are
``Poisson(lambda_t (1 - F(T - t)))``, independent given the rate. With a gamma prior
``lambda_t ~ Gamma(a, b)`` the rate's posterior is ``Gamma(a + n_t, b + F)`` and the cases still
to come follow a negative binomial of size ``a + n_t`` and probability ``(b + F) / (b + 1)``: the
predictive of the Bayesian nowcast of M. Höhle & M. an der Heiden, "Bayesian nowcasting during
the STEC O104:H4 outbreak in Germany, 2011", Biometrics 70(4):993-1002 (2014), for a known delay.
The prior is weak (``a = 1``, an exponential) with its mean at the level of the last days that
are mostly reported already (``_recent_level``): a day with almost nothing reported yet is
nowcast near the recent level with a wide interval instead of from its few reports alone (a flat
prior would send its interval to infinity as its completeness goes to zero). The uncertainty of
``F`` is carried by a bootstrap of the triangle (the cases resampled, ``F`` estimated again for
each sample), so the interval widens when few cases inform the delay. ``nowcast`` returns, for
each of the last ``D`` onset days, the observed count, the completeness, and the median and
interval of the total.

Django-free, numpy only, as all of ``pingji.epi``. Every refusal is a ``ValueError`` saying why
(negative or fractional counts, a case reported after the last day, too few cases, all zeros): a
caller then shows the last days as incomplete without a nowcast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Delays longer than this many days are counted at it: three weeks covers the onset-to-report
#: delays of a reporting system under outbreak pressure, and the reverse-time estimate of a delay
#: longer than the window of onsets it is given is not identified anyway.
MAX_DELAY = 21
#: Fewer cases than this estimate no delay distribution (the sd of a share from 20 cases is
#: already about 0.1): the caller marks the last days without a nowcast.
MIN_CASES = 20
#: Bootstrap samples of the delay distribution (and draws of the cases not yet reported).
N_SIMS = 1000
LEVEL = 0.95
#: The gamma prior of a day's rate: shape 1 (an exponential, as wide as its mean), its mean the
#: level of the last ``LEVEL_DAYS`` days at least ``LEVEL_COMPLETENESS`` reported, not below
#: ``MIN_LEVEL`` cases a day (an outbreak dying out still may have a case to come).
PRIOR_SHAPE = 1.0
LEVEL_DAYS = 7
LEVEL_COMPLETENESS = 0.5
MIN_LEVEL = 0.5

Float = NDArray[np.float64]
Int = NDArray[np.int64]


def _whole(values: ArrayLike, what: str) -> Int:
    """``values`` as whole numbers, or ``ValueError``: not numbers, not finite or fractional."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be whole numbers: {exc}") from exc
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{what} contain NaN or infinity")
    if np.any(array != np.round(array)):
        raise ValueError(f"{what} must be whole numbers, not fractions")
    return array.astype(np.int64)


def reporting_triangle(
    onset_days: Sequence[int] | ArrayLike,
    report_days: Sequence[int] | ArrayLike,
    *,
    last_day: int,
    first_day: int | None = None,
    max_delay: int = MAX_DELAY,
) -> Int:
    """The triangle ``n[t, d]`` of cases by onset day ``first_day + t`` and delay ``d`` in days.

    Days are whole numbers on any common scale (e.g. days since an origin); ``last_day`` is the day
    the curve is read on (``T``), ``first_day`` its first onset day (default: the earliest onset).
    Cases with an onset before ``first_day`` are left out. A case reported before its onset (found
    before symptoms, in quarantine) counts at delay 0: it was known by its onset day. A delay
    above ``max_delay`` counts at ``max_delay``. A case reported or falling ill after
    ``last_day`` is refused: it cannot be known on that day.
    """
    onset = _whole(onset_days, "onset days")
    report = _whole(report_days, "report days")
    if onset.ndim != 1 or onset.shape != report.shape:
        raise ValueError("give one onset day and one report day per case")
    if max_delay < 1 or max_delay != int(max_delay):
        raise ValueError("the maximum delay must be a whole number of days, at least 1")
    if onset.size and (report.max() > last_day or onset.max() > last_day):
        raise ValueError("a case falls ill or is reported after the day the curve is read on")
    if first_day is None:
        first_day = int(onset.min()) if onset.size else int(last_day)
    if first_day > last_day:
        raise ValueError("the first onset day is after the last day")
    kept = onset >= first_day
    t = onset[kept] - first_day
    d = np.clip(report[kept] - onset[kept], 0, max_delay)
    triangle = np.zeros((int(last_day) - int(first_day) + 1, int(max_delay) + 1), dtype=np.int64)
    np.add.at(triangle, (t, d), 1)
    return triangle


def _check_triangle(triangle: ArrayLike) -> Int:
    n = _whole(triangle, "counts")
    if n.ndim != 2 or n.shape[0] < 1 or n.shape[1] < 2:
        raise ValueError("the reporting triangle is onset days × delays (0..D, D >= 1)")
    if np.any(n < 0):
        raise ValueError("counts cannot be negative")
    if np.any(n[~_observable(*n.shape)] != 0):
        raise ValueError("a cell counts cases reported after the last day")
    total = int(n.sum())
    if total == 0:
        raise ValueError("all counts are zero: there is no case to estimate a reporting delay from")
    return n


def _observable(rows: int, cols: int) -> NDArray[np.bool_]:
    """Cells ``(t, d)`` with ``t + d <= T`` (``T = rows - 1``): those seen by the last day."""
    t = np.arange(rows)[:, None]
    d = np.arange(cols)[None, :]
    return t + d <= rows - 1


def _cdf(n: NDArray, mask: NDArray[np.bool_]) -> Float:
    """``F(d)``, ``d = 0..D``, of each triangle of ``n`` (``(..., rows, cols)``) by the reverse-time
    hazard (module docstring); a delay no onset day could show yet has a hazard of 0."""
    observed = np.where(mask, n, 0)
    seen = np.where(mask, np.cumsum(n, axis=-1), 0)
    num = observed.sum(axis=-2).astype(float)
    den = seen.sum(axis=-2).astype(float)
    g = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    survive = 1.0 - g[..., 1:]  # d = 1..D
    tail = np.cumprod(survive[..., ::-1], axis=-1)[..., ::-1]  # prod_{j > d}, d = 0..D-1
    ones = np.ones(tail.shape[:-1] + (1,))
    return np.concatenate([tail, ones], axis=-1)


@dataclass(frozen=True)
class DelayEstimate:
    """The reporting delay: ``cdf[d]`` = P(delay <= d), ``pmf`` its differences, ``n`` cases."""

    cdf: Float
    n: int

    @property
    def pmf(self) -> Float:
        return np.diff(self.cdf, prepend=0.0)

    @property
    def mean(self) -> float:
        return float(np.dot(np.arange(self.cdf.size), self.pmf))


def delay_distribution(triangle: ArrayLike, *, min_cases: int = MIN_CASES) -> DelayEstimate:
    """The delay distribution estimated from a reporting triangle (module docstring)."""
    n = _check_triangle(triangle)
    total = int(n.sum())
    if total < min_cases:
        raise ValueError(
            f"too few cases to estimate a reporting delay: {total} reported, "
            f"at least {min_cases} needed"
        )
    return DelayEstimate(_cdf(n, _observable(*n.shape)), total)


def _recent_level(n: Int, cdf: Float) -> float:
    """Cases a day lately: the mean of ``observed / completeness`` over the last ``LEVEL_DAYS``
    onset days at least ``LEVEL_COMPLETENESS`` reported (any reported at all when none is), not
    below ``MIN_LEVEL``: the mean of the prior of the days still mostly to be reported."""
    rows, cols = n.shape
    c = cdf[np.minimum(rows - 1 - np.arange(rows), cols - 1)]
    informed = np.flatnonzero(c >= LEVEL_COMPLETENESS)
    if informed.size == 0:
        informed = np.flatnonzero(c > 0)
    if informed.size == 0:
        return MIN_LEVEL
    recent = informed[-LEVEL_DAYS:]
    return max(float(np.mean(n[recent].sum(axis=1) / c[recent])), MIN_LEVEL)


@dataclass(frozen=True)
class Nowcast:
    """The last ``k`` onset days of the triangle (``k = min(D, rows)``), oldest first.

    ``days``: their row in the triangle; ``observed``: cases reported by the last day;
    ``completeness``: the expected share of their cases already reported (0 when none is
    reported so soon: the day is nowcast from the recent level alone); ``mean``, ``median``,
    ``lower``, ``upper``: the final count's mean, median and ``level`` interval (of the bootstrap
    × negative binomial draws).
    """

    days: Int
    observed: Int
    completeness: Float
    mean: Float
    median: Float
    lower: Float
    upper: Float
    delay: DelayEstimate
    level: float

    def rows(self) -> list[dict]:
        return [
            {
                "day": int(t),
                "observed": int(o),
                "completeness": float(c),
                "mean": float(mean),
                "median": float(m),
                "lower": float(lo),
                "upper": float(hi),
            }
            for t, o, c, mean, m, lo, hi in zip(
                self.days,
                self.observed,
                self.completeness,
                self.mean,
                self.median,
                self.lower,
                self.upper,
                strict=True,
            )
        ]


def nowcast(
    triangle: ArrayLike,
    *,
    n_sims: int = N_SIMS,
    seed: int = 0,
    level: float = LEVEL,
    min_cases: int = MIN_CASES,
) -> Nowcast:
    """The nowcast of the last onset days of ``triangle`` (``reporting_triangle``), or
    ``ValueError`` when it cannot be made (module docstring). Same seed, same numbers."""
    if not 0 < level < 1:
        raise ValueError("the interval's level lies between 0 and 1")
    if n_sims < 10:
        raise ValueError("give at least 10 samples")
    delay = delay_distribution(triangle, min_cases=min_cases)
    n = _check_triangle(triangle)
    rows, cols = n.shape
    last = rows - 1
    k = min(cols - 1, rows)
    days = np.arange(rows - k, rows)
    lag = last - days  # delay already allowed to each of the last days
    completeness = delay.cdf[lag]
    observed = n[days].sum(axis=1)
    level_mean = _recent_level(n, delay.cdf)
    shape, rate = PRIOR_SHAPE, PRIOR_SHAPE / level_mean
    rng = np.random.default_rng(seed)
    mask = _observable(rows, cols)
    cells = n[mask].astype(float)
    resampled = np.zeros((n_sims, rows, cols), dtype=np.int64)
    resampled[:, mask] = rng.multinomial(int(cells.sum()), cells / cells.sum(), size=n_sims)
    boot = _cdf(resampled, mask)[:, lag]  # (n_sims, k)
    p = (rate + np.minimum(boot, 1.0)) / (rate + 1.0)
    missing = rng.negative_binomial(shape + observed[None, :], p)
    total = observed[None, :] + missing
    tail = (1 - level) / 2
    low, mid, high = np.quantile(total, [tail, 0.5, 1 - tail], axis=0, method="inverted_cdf")
    return Nowcast(
        days=days,
        observed=observed,
        completeness=completeness,
        mean=total.mean(axis=0),
        median=mid.astype(float),
        lower=low.astype(float),
        upper=high.astype(float),
        delay=delay,
        level=level,
    )
