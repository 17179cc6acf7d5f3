"""Scoring quantile forecasts against what came: absolute error, WIS and interval coverage.

Every function works on whole batches at once — ``quantiles`` of shape ``(..., Q)`` against
``observed`` of shape ``(...)`` — so the forecasts of every jurisdiction, issue day, model and day
ahead are scored in a few array operations; a day not yet observed is ``NaN`` and drops out of
every mean.

The weighted interval score is that of Bracher, Ray, Gneiting & Reich, "Evaluating epidemic
forecasts in an interval format", PLoS Comput Biol 17(2):e1008618 (2021),
doi:10.1371/journal.pcbi.1008618, eq. (3), as the COVID-19 Forecast Hubs score submissions:

    WIS = 1 / (K + 1/2) * ( 1/2 |y - m| + sum_k alpha_k / 2 * IS_alpha_k(l_k, u_k; y) )
    IS_alpha(l, u; y) = (u - l) + 2/alpha (l - y) 1{y < l} + 2/alpha (y - u) 1{y > u}

over the median ``m`` and the K central intervals ``(l_k, u_k)`` at levels ``1 - alpha_k``. Lower
is better; it is in the units of the counts, and for a point forecast it is the absolute error.

**Coverage of count forecasts.** For a forecast of whole numbers the central interval
``[q_{alpha/2}, q_{1-alpha/2}]`` holds at least ``1 - alpha`` of its own probability, and often far
more: a forecast that gives 0 a probability of 0.9 has ``[0, 0]`` as its 50 % interval, and a
perfectly calibrated one covers nine outcomes in ten of it. ``held`` counts what fell inside the
bounds all the same (the Hubs' figure, right for large counts). ``coverage`` is the figure a
calibrated count forecast holds at its nominal level: the probability that the outcome's
randomised PIT, uniform on ``[F(y - 1), F(y)]``, falls in ``[alpha/2, 1 - alpha/2]`` (the
non-randomised PIT of C. Czado, T. Gneiting & L. Held, "Predictive model assessment for count
data", Biometrics 65(4):1254-1261 (2009), doi:10.1111/j.1541-0420.2009.01191.x, as S. Funk et
al. used it to score Ebola case forecasts, PLoS Comput Biol 15(2):e1006785 (2019),
doi:10.1371/journal.pcbi.1006785). It needs the forecast's ``F`` only at its own quantiles:
``cdf[..., i] = (P(Y < q_i), P(Y <= q_i))``; an outcome strictly between the bounds is inside
whatever ``F`` does there. For a continuous forecast both are the level and ``coverage`` is
``held``; it is never above ``held``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Float = NDArray[np.float64]

#: The quantile levels Pingji's forecasts carry: the median and the central 50 % and 95 % intervals.
LEVELS: tuple[float, ...] = (0.025, 0.25, 0.5, 0.75, 0.975)


@dataclass(frozen=True)
class Intervals:
    """Where each central interval's bounds sit among the quantile levels, and the median."""

    alphas: Float
    lower: tuple[int, ...]
    upper: tuple[int, ...]
    median: int


def intervals_of(levels: Sequence[float]) -> Intervals:
    """Pair the levels into central intervals around the median, or say which level is missing.

    ``(0.025, 0.25, 0.5, 0.75, 0.975)`` gives alphas ``(0.05, 0.5)``: the 95 % and 50 % intervals.
    """
    lv = np.asarray(levels, dtype=float)
    if lv.ndim != 1 or np.any(np.diff(lv) <= 0) or np.any((lv <= 0) | (lv >= 1)):
        raise ValueError("quantile levels must be increasing and strictly between 0 and 1")
    mid = np.flatnonzero(np.isclose(lv, 0.5))
    if mid.size != 1:
        raise ValueError("quantile levels must include the median (0.5)")
    lower, upper, alphas = [], [], []
    for i in range(int(mid[0])):
        partner = np.flatnonzero(np.isclose(lv, 1 - lv[i]))
        if partner.size != 1:
            raise ValueError(f"quantile level {lv[i]} has no symmetric partner {1 - lv[i]:.3f}")
        lower.append(i)
        upper.append(int(partner[0]))
        alphas.append(2 * lv[i])
    if 2 * len(lower) + 1 != lv.size:
        raise ValueError("every quantile level except the median needs its symmetric partner")
    return Intervals(np.asarray(alphas), tuple(lower), tuple(upper), int(mid[0]))


def _checked(quantiles: ArrayLike, observed: ArrayLike, n_levels: int) -> tuple[Float, Float]:
    q = np.asarray(quantiles, dtype=float)
    y = np.asarray(observed, dtype=float)
    if q.shape[-1:] != (n_levels,) or q.shape[:-1] != y.shape:
        raise ValueError(
            f"quantiles must have shape observed.shape + ({n_levels},); "
            f"got {q.shape} for observed {y.shape}"
        )
    if np.any(np.diff(q, axis=-1) < 0):
        raise ValueError("forecast quantiles must not decrease with the level")
    return q, y


def wis(quantiles: ArrayLike, observed: ArrayLike, levels: Sequence[float] = LEVELS) -> Float:
    """The weighted interval score of each forecast (``observed``'s shape; NaN where unseen)."""
    iv = intervals_of(levels)
    q, y = _checked(quantiles, observed, len(levels))
    total = 0.5 * np.abs(y - q[..., iv.median])
    for alpha, lo, hi in zip(iv.alphas, iv.lower, iv.upper, strict=True):
        low, high = q[..., lo], q[..., hi]
        width = high - low
        below = (2 / alpha) * np.maximum(low - y, 0.0)
        above = (2 / alpha) * np.maximum(y - high, 0.0)
        total = total + (alpha / 2) * (width + below + above)
    return total / (iv.alphas.size + 0.5)


def absolute_error(
    quantiles: ArrayLike, observed: ArrayLike, levels: Sequence[float] = LEVELS
) -> Float:
    """|observed − median| of each forecast."""
    iv = intervals_of(levels)
    q, y = _checked(quantiles, observed, len(levels))
    return np.abs(y - q[..., iv.median])


def _interval(iv: Intervals, level: float) -> int:
    match = np.flatnonzero(np.isclose(iv.alphas, 1 - level))
    if match.size != 1:
        raise ValueError(f"the forecasts carry no central {level:.0%} interval")
    return int(match[0])


def held(
    quantiles: ArrayLike, observed: ArrayLike, level: float, levels: Sequence[float] = LEVELS
) -> Float:
    """1.0 where the central ``level`` interval (e.g. 0.95) holds the observation, bounds
    included; NaN if unseen."""
    iv = intervals_of(levels)
    q, y = _checked(quantiles, observed, len(levels))
    k = _interval(iv, level)
    inside = (y >= q[..., iv.lower[k]]) & (y <= q[..., iv.upper[k]])
    return np.where(np.isnan(y), np.nan, inside.astype(float))


def continuous_cdf(shape: tuple[int, ...], levels: Sequence[float] = LEVELS) -> Float:
    """``cdf`` (module docstring) of forecasts with no probability mass on any quantile."""
    lv = np.asarray(levels, dtype=float)
    return np.broadcast_to(np.stack([lv, lv], axis=-1), (*shape, lv.size, 2)).copy()


def coverage(
    quantiles: ArrayLike,
    observed: ArrayLike,
    level: float,
    levels: Sequence[float] = LEVELS,
    cdf: ArrayLike | None = None,
) -> Float:
    """The share of each outcome's randomised PIT inside the central ``level`` interval (module
    docstring): 1 strictly inside the bounds, 0 outside, a fraction on a bound that carries
    probability mass; NaN if unseen. ``cdf`` None: continuous forecasts (then ``held``)."""
    iv = intervals_of(levels)
    q, y = _checked(quantiles, observed, len(levels))
    f = continuous_cdf(y.shape, levels) if cdf is None else np.asarray(cdf, dtype=float)
    if f.shape != q.shape + (2,):
        raise ValueError(f"cdf must have shape quantiles.shape + (2,); got {f.shape}")
    k = _interval(iv, level)
    lo, hi, alpha = iv.lower[k], iv.upper[k], iv.alphas[k]
    on_lo, on_hi = y == q[..., lo], y == q[..., hi]
    # F(y - 1) and F(y) where y is a bound; strictly inside, [alpha/2, 1 - alpha/2] itself
    below = np.where(on_lo, f[..., lo, 0], np.where(on_hi, f[..., hi, 0], alpha / 2))
    at = np.where(on_lo, f[..., lo, 1], np.where(on_hi, f[..., hi, 1], 1 - alpha / 2))
    mass = at - below
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (np.minimum(at, 1 - alpha / 2) - np.maximum(below, alpha / 2)) / mass
    share = np.where(mass > 0, np.clip(share, 0.0, 1.0), 1.0)
    inside = held(q, y, level, levels)
    return np.where(np.isnan(y), np.nan, inside * share)


@dataclass(frozen=True)
class Skill:
    """A model's record over the forecasts scored: means over every (forecast, day ahead) seen.

    ``coverage*`` is the count forecasts' coverage, ``held*`` the share inside the bounds (module
    docstring); they part where outcomes sit on a bound with mass, as zeros do in a tail."""

    n: int
    wis: float
    mae: float
    coverage50: float
    coverage95: float
    held50: float
    held95: float
    #: outcomes that were 0, which an interval from 0 holds whatever the model
    zeros: int = 0


def skill(
    quantiles: ArrayLike,
    observed: ArrayLike,
    levels: Sequence[float] = LEVELS,
    cdf: ArrayLike | None = None,
) -> Skill:
    """Mean WIS, mean absolute error and both coverages over all observed entries."""
    y = np.asarray(observed, dtype=float)
    seen = ~np.isnan(y)
    n = int(seen.sum())
    if n == 0:
        nan = float("nan")
        return Skill(0, nan, nan, nan, nan, nan, nan)
    return Skill(
        n=n,
        wis=float(np.nanmean(wis(quantiles, y, levels))),
        mae=float(np.nanmean(absolute_error(quantiles, y, levels))),
        coverage50=float(np.nanmean(coverage(quantiles, y, 0.5, levels, cdf))),
        coverage95=float(np.nanmean(coverage(quantiles, y, 0.95, levels, cdf))),
        held50=float(np.nanmean(held(quantiles, y, 0.5, levels))),
        held95=float(np.nanmean(held(quantiles, y, 0.95, levels))),
        zeros=int(np.sum(y[seen] == 0)),
    )
