"""Naive forecasts that any model must beat, with intervals from their own past errors.

Two baselines, as the COVID-19 Forecast Hubs keep one (Cramer et al., "Evaluation of individual and
ensemble probabilistic forecasts of COVID-19 mortality in the United States", PNAS 119(15):
e2113561119 (2022), doi:10.1073/pnas.2113561119: a median equal to the last observation, intervals
from the spread of past changes):

* ``last``: the last observed day repeated;
* ``mean7``: the mean of the last 7 observed days repeated.

The predictive distribution is the point plus the model's own one-day-ahead errors over the last
``ERROR_WINDOW`` days, taken with both signs (so the median stays the point and the spread is
honest about both directions) and widened by ``sqrt(h)`` for ``h`` days ahead — the random walk
the Hubs' baseline samples from past one-day changes — cut at zero, which puts the probability
of the spread below zero on 0 (``zero_probability``, which the coverage of a count forecast needs:
``scoring.coverage``). A day with fewer than ``MIN_ERRORS`` known errors gets no forecast: a
young series says "not enough data" instead of an interval that looks certain.

Everything is computed for a whole matrix of series (``N`` jurisdictions × ``T`` days) and every
issue day at once; :func:`forecast_one` is the same rule for one series and one day, kept as the
readable reference the batch is tested (and benchmarked) against.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

from .scoring import LEVELS

Float = NDArray[np.float64]

MODELS: tuple[str, ...] = ("last", "mean7")
MEAN_DAYS = 7
ERROR_WINDOW = 28
"""Issue days whose errors shape the interval: four weeks, long enough for a spread, short enough
to follow a change of phase."""
MIN_ERRORS = 7


def _series(values: ArrayLike) -> Float:
    y = np.asarray(values, dtype=float)
    if y.ndim != 2:
        raise ValueError("series must be a 2-D array: jurisdictions × days")
    if not np.all(np.isfinite(y)) or np.any(y < 0) or np.any(y != np.round(y)):
        raise ValueError("series must hold whole, non-negative counts")
    return y


def points(series: ArrayLike, model: str) -> Float:
    """The model's point forecast issued at the end of each day (NaN before it can be made)."""
    y = _series(series)
    if model == "last":
        return y.copy()
    if model == "mean7":
        out = np.full_like(y, np.nan)
        if y.shape[1] >= MEAN_DAYS:
            out[:, MEAN_DAYS - 1 :] = sliding_window_view(y, MEAN_DAYS, axis=1).mean(axis=2)
        return out
    raise ValueError(f"unknown baseline {model!r}; known: {', '.join(MODELS)}")


def _errors(y: Float, model: str) -> tuple[Float, Float, NDArray[np.bool_]]:
    """(point ``(N, T)``, the known one-day errors of each issue day with both signs
    ``(N, T, 2 * ERROR_WINDOW)``, NaN-padded, and whether a day has enough of them)."""
    n, t = y.shape
    point = points(y, model)
    # err[:, s] = y[s + 1] - point[s], known at the end of day s + 1; on day d the window of
    # known errors is s in [d - ERROR_WINDOW, d - 1]: pad so that window d ends at index d - 1
    err = np.full((n, t), np.nan)
    err[:, : t - 1] = y[:, 1:] - point[:, :-1]
    padded = np.concatenate([np.full((n, ERROR_WINDOW), np.nan), err], axis=1)
    windows = sliding_window_view(padded, ERROR_WINDOW, axis=1)[:, :t]
    enough = (np.sum(~np.isnan(windows), axis=2) >= MIN_ERRORS) & ~np.isnan(point)
    return point, np.concatenate([windows, -windows], axis=2), enough


def forecast_batch(
    series: ArrayLike, model: str, horizon: int = 7, levels: Sequence[float] = LEVELS
) -> Float:
    """Quantile forecasts ``(N, T, horizon, len(levels))`` issued at the end of every day.

    Entry ``[j, d, h-1]`` forecasts day ``d + h`` of series ``j`` from days ``0..d`` only; it is
    NaN where the model has too little history (see the module docstring).
    """
    point, errors, enough = _errors(_series(series), model)
    with np.errstate(all="ignore"):
        spread = _nanquantiles(errors, np.asarray(levels))
    widened = _widen(horizon)[..., None] * spread[:, :, None, :]
    fc = np.maximum(point[..., None, None] + widened, 0.0)
    return np.where(enough[..., None, None], fc, np.nan)


def _widen(horizon: int) -> Float:
    return np.sqrt(np.arange(1, horizon + 1))[None, None, :]


def zero_probability(series: ArrayLike, model: str, horizon: int = 7) -> Float:
    """``(N, T, horizon)``: the probability the forecast gives 0, where cutting at zero piles up
    the spread below it (NaN where no forecast): the inverse, at ``-point / sqrt(h)``, of the
    error quantile function ``forecast_batch`` interpolates."""
    point, errors, enough = _errors(_series(series), model)
    ordered = np.sort(errors, axis=-1)[:, :, None, :]  # NaN last
    count = np.sum(~np.isnan(errors), axis=-1)[:, :, None]
    v = (-point[..., None] / _widen(horizon))[..., None]
    k = np.sum(ordered <= v, axis=-1) - 1  # the last error at or below v
    with np.errstate(all="ignore"):
        lo = np.take_along_axis(ordered, np.clip(k, 0, None)[..., None], axis=-1)[..., 0]
        hi = np.take_along_axis(ordered, np.clip(k + 1, 0, count - 1)[..., None], axis=-1)[..., 0]
        between = np.where(hi > lo, (v[..., 0] - lo) / (hi - lo), 0.0)
        p = np.where(k < 0, 0.0, np.where(k >= count - 1, 1.0, (k + between) / (count - 1)))
    return np.where(enough[..., None], p, np.nan)


def forecast_cdf(
    quantiles: ArrayLike, p_zero: ArrayLike, levels: Sequence[float] = LEVELS
) -> Float:
    """``scoring.coverage``'s ``cdf`` of baseline forecasts: continuous, but for the mass
    ``p_zero`` (``zero_probability``) on the quantiles cut to 0."""
    q = np.asarray(quantiles, dtype=float)
    lv = np.asarray(levels, dtype=float)
    at_zero = q == 0
    p0 = np.asarray(p_zero, dtype=float)[..., None]
    below = np.where(at_zero, 0.0, lv)
    at = np.where(at_zero, np.maximum(lv, np.nan_to_num(p0)), lv)
    return np.stack([below, at], axis=-1)


def _nanquantiles(values: Float, levels: Float) -> Float:
    """``np.nanquantile`` over the last axis (linear interpolation), levels last; all-NaN → NaN."""
    ordered = np.sort(values, axis=-1)  # NaN sorts last
    count = np.sum(~np.isnan(values), axis=-1, keepdims=True).astype(float)
    pos = levels * np.maximum(count - 1, 0)
    below = np.floor(pos).astype(int)
    above = np.minimum(below + 1, np.maximum(count - 1, 0).astype(int))
    frac = pos - below
    lo = np.take_along_axis(ordered, below, axis=-1)
    hi = np.take_along_axis(ordered, above, axis=-1)
    return np.where(count > 0, lo + (hi - lo) * frac, np.nan)


def forecast_one(
    series: ArrayLike, day: int, model: str, horizon: int = 7, levels: Sequence[float] = LEVELS
) -> Float:
    """The same forecast for one series issued at the end of ``day``: ``(horizon, len(levels))``."""
    y = _series(np.asarray(series, dtype=float)[None, :])[0][: day + 1]
    if model == "last":
        point = y[day]
    elif model == "mean7":
        point = y[day - MEAN_DAYS + 1 : day + 1].mean() if day + 1 >= MEAN_DAYS else np.nan
    else:
        raise ValueError(f"unknown baseline {model!r}; known: {', '.join(MODELS)}")
    out = np.full((horizon, len(levels)), np.nan)
    if np.isnan(point):
        return out
    errors = []
    for past_day in range(max(0, day - ERROR_WINDOW), day):
        past = forecast_point(y[: past_day + 1], model)
        if not np.isnan(past):
            errors.append(y[past_day + 1] - past)
    if len(errors) < MIN_ERRORS:
        return out
    spread = np.quantile(np.array(errors + [-e for e in errors]), levels)
    for h in range(1, horizon + 1):
        out[h - 1] = np.maximum(point + np.sqrt(h) * spread, 0.0)
    return out


def forecast_point(history: Float, model: str) -> float:
    """One point forecast from the days observed so far (the loop form of :func:`points`)."""
    if model == "last":
        return float(history[-1])
    if history.size < MEAN_DAYS:
        return float("nan")
    return float(history[-MEAN_DAYS:].mean())
