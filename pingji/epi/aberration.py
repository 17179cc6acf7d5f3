"""Statistical early warning on daily count series: EARS C1, C2, C3 and the CUSUM (Farrington
flexible, for weekly series, is ``epi.farrington``).

Each algorithm judges every day of every series at once: ``counts`` is an array of series by days
(one row per series, e.g. influenza-like illness per sentinel site or per county), and the answer
has the same shape, an upper bound and an alarm for each day it can judge. Whole arrays rather
than a loop per series, because the situation room judges every county's every series each day
(bench/aberration.py measures the ratio to a loop per series).

The definitions are those of the R package ``surveillance`` (Salmon, Schumacher and Höhle 2016,
Journal of Statistical Software 70(10)); ``pingji/epi/tests/data/aberration_reference.R`` wrote
the reference outputs the tests compare with.

- **EARS** (Hutwagner et al. 2003, Journal of Urban Health 80(2) suppl. 1; Fricker et al. 2008,
  Statistics in Medicine 27(17)): day t is compared with the mean and standard deviation of
  ``baseline`` earlier days; C1 uses the days just before t, C2 the same number ending two days
  before t (so an outbreak's first days do not raise its own baseline), C3 adds to C2's
  exceedance of day t those of the two days before it.
- **CUSUM** (Rossi, Lampugnani and Marchi 1999, Statistics in Medicine 18; as ``algo.cusum`` with
  the standard transformation): each day's count standardised by a Poisson mean ``m`` (by
  default the mean of the days before the first judged day) accumulates above a reference ``k``;
  an alarm when the sum reaches ``h``.

Where a day's baseline has no spread and ``min_sigma`` is 0, EARS has no bound (``nan``) and the
day raises no alarm, as ``surveillance`` answers NA.
"""

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm


@dataclass(frozen=True)
class Detection:
    """An algorithm's judgement of each day of each series (series × days).

    ``upperbound`` is the highest count that would have raised no alarm (``nan`` on the days the
    algorithm cannot judge: before ``first_day``, or without a defined bound); ``alarm`` is True
    where the day's count exceeded it.
    """

    upperbound: np.ndarray
    alarm: np.ndarray
    first_day: int


def as_counts(counts) -> np.ndarray:
    """The counts as a float array of series × days; refuses what is not a count series."""
    array = np.asarray(counts, dtype=float)
    if array.ndim == 1:
        array = array[np.newaxis, :]
    if array.ndim != 2:
        raise ValueError(f"counts are series × days, not an array of {array.ndim} dimensions")
    if not np.isfinite(array).all():
        raise ValueError("counts must be numbers: a series has a gap or an infinite value")
    for wrong, problem in (
        (array < 0, "a count cannot be negative"),
        (array != np.floor(array), "a count is a whole number"),
    ):
        if wrong.any():
            series, day = (int(i) for i in np.argwhere(wrong)[0])
            raise ValueError(f"{problem} (series {series}, day {day})")
    return array


def ears(
    counts, method: str = "C1", *, baseline: int = 7, alpha: float | None = None,
    min_sigma: float = 0.0,
) -> Detection:  # fmt: skip
    """EARS ``C1``, ``C2`` or ``C3``; ``alpha`` defaults to 0.001 for C1 and C2, 0.025 for C3."""
    if method not in ("C1", "C2", "C3"):
        raise ValueError(f"EARS method is C1, C2 or C3, not {method!r}")
    if baseline < 3:
        raise ValueError("an EARS baseline needs at least 3 days")
    if min_sigma < 0:
        raise ValueError("min_sigma cannot be negative")
    y = as_counts(counts)
    z = norm.ppf(1 - (alpha if alpha is not None else 0.025 if method == "C3" else 0.001))
    lag = 0 if method == "C1" else 2
    mean, sd = _baseline(y, baseline, lag)
    sigma = np.maximum(sd, min_sigma)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "C3":
            first = baseline + 4
            excess = np.maximum(0.0, (y - mean) / sigma - 1)
            earlier = np.full_like(y, np.nan)
            earlier[:, 2:] = excess[:, :-2] + excess[:, 1:-1]
            upper = np.maximum(0.0, y + sigma * (z - earlier))
        else:
            first = baseline + lag
            upper = mean + z * sigma
    upper[:, :first] = np.nan
    return Detection(upper, _exceeds(y, upper), first)


def _baseline(y: np.ndarray, baseline: int, lag: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sample standard deviation of the ``baseline`` days ending ``lag`` days before
    each day (``nan`` where there are not enough days).

    From running sums of the counts and of their squares: whole counts keep those sums exact in
    floating point, so the variance, ``(n Σy² − (Σy)²) / (n (n − 1))``, is rounded once, at the
    division, and agrees with a two-pass computation to the last digit or so, at a fraction of
    its cost over many series.
    """
    series, days = y.shape
    mean, sd = np.full_like(y, np.nan), np.full_like(y, np.nan)
    first = baseline + lag
    if days <= first:
        return mean, sd
    start = np.zeros((series, 1))
    sums = np.concatenate([start, np.cumsum(y, axis=1)], axis=1)
    squares = np.concatenate([start, np.cumsum(y * y, axis=1)], axis=1)
    # the window of day t is [t - lag - baseline, t - lag): its sum is a difference of two sums
    ends, starts = slice(first - lag, days - lag), slice(first - lag - baseline, days - first)
    total = sums[:, ends] - sums[:, starts]
    square_total = squares[:, ends] - squares[:, starts]
    mean[:, first:] = total / baseline
    variance = (baseline * square_total - total * total) / (baseline * (baseline - 1))
    sd[:, first:] = np.sqrt(np.maximum(variance, 0.0))
    return mean, sd


def _exceeds(y: np.ndarray, upper: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(upper), False, y > upper)


def cusum(counts, *, first_day: int, k: float = 1.04, h: float = 2.26, m=None) -> Detection:
    """The CUSUM of counts standardised by the Poisson mean ``m``, from ``first_day`` on.

    ``m`` (one per series, or one for all) defaults to the mean of each series before
    ``first_day``. The sum restarts from 0 at ``first_day``; the upper bound of a day is the
    count that would have brought the sum to ``h`` (rounded up, as ``surveillance`` does).
    """
    y = as_counts(counts)
    series, days = y.shape
    if not 0 < first_day < days:
        raise ValueError(f"first_day must leave days before and after it (0 < it < {days})")
    if m is None:
        mean = y[:, :first_day].mean(axis=1)
    else:
        mean = np.broadcast_to(np.asarray(m, dtype=float), (series,)).copy()
    root = np.sqrt(mean)
    upper = np.full_like(y, np.nan)
    alarm = np.zeros(y.shape, dtype=bool)
    total = np.zeros(series)
    with np.errstate(divide="ignore", invalid="ignore"):
        for day in range(first_day, days):
            bound = np.ceil(root * (h + k - total) + mean)
            upper[:, day] = np.where(np.isnan(bound) | (bound < 0), 0.0, bound)
            total = np.maximum(0.0, total + (y[:, day] - mean) / root - k)
            alarm[:, day] = total >= h
    return Detection(upper, alarm, first_day)
