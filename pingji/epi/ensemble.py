"""An ensemble of quantile forecasts weighted by each model's recent skill.

The ensemble's quantile at each level is the weighted mean of the members' quantiles at that level
(quantile averaging, as the COVID-19 Forecast Hub ensembles combine submissions: Ray et al.,
"Comparing trained and untrained probabilistic ensemble forecasts of COVID-19 cases and deaths in
the United States", Int J Forecasting 39(3):1366-1383 (2023), doi:10.1016/j.ijforecast.2022.06.005).
A member's weight on issue day ``d`` is ``1 / (1 + mean WIS)`` of its forecasts whose outcome was
known by the end of ``d`` and fell in the last ``SKILL_WINDOW`` days; the ``1 +`` (one case) keeps
a weight finite when a member was exactly right on a run of zeros. A member without a forecast that
day takes no part; while any member taking part has no scored record yet, all of them share
equally (a newcomer is not outvoted by a record it could not have). Nothing after ``d`` is used.

Averaging quantile functions keeps a flat stretch only where every member is flat: the ensemble
puts mass on a quantile over the levels where all its weighted members do (``combine_cdf``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .scoring import LEVELS, wis

Float = NDArray[np.float64]
SKILL_WINDOW = 28


def targets(series: ArrayLike, horizon: int) -> Float:
    """``(N, T, horizon)``: the observed value each forecast aimed at (NaN beyond the data)."""
    y = np.asarray(series, dtype=float)
    n, t = y.shape
    out = np.full((n, t, horizon), np.nan)
    for h in range(1, min(horizon, t - 1) + 1):
        out[:, : t - h, h - 1] = y[:, h:]
    return out


def recent_wis(
    forecasts: ArrayLike, series: ArrayLike, levels: Sequence[float] = LEVELS
) -> tuple[Float, Float]:
    """Per member, jurisdiction and issue day: (sum, count) of the WIS known by that day's end.

    ``forecasts`` is ``(M, N, T, H, Q)``; the result arrays are ``(M, N, T)``.
    """
    fc = np.asarray(forecasts, dtype=float)
    m, n, t, horizon, _q = fc.shape
    goal = np.broadcast_to(targets(series, horizon), (m, n, t, horizon))
    scores = wis(np.nan_to_num(fc, nan=0.0), goal, levels)
    valid = ~np.isnan(goal) & ~np.isnan(fc[..., 0])
    # the score of (issue s, horizon h) becomes known on day s + h
    known_sum = np.zeros((m, n, t + horizon + 1))
    known_cnt = np.zeros((m, n, t + horizon + 1))
    for h in range(1, horizon + 1):
        known_sum[:, :, h : t + h] += np.where(valid[..., h - 1], scores[..., h - 1], 0.0)
        known_cnt[:, :, h : t + h] += valid[..., h - 1]
    csum = np.cumsum(known_sum[:, :, :t], axis=2)
    ccnt = np.cumsum(known_cnt[:, :, :t], axis=2)
    lag_sum = np.zeros_like(csum)
    lag_cnt = np.zeros_like(ccnt)
    lag_sum[:, :, SKILL_WINDOW:] = csum[:, :, :-SKILL_WINDOW]
    lag_cnt[:, :, SKILL_WINDOW:] = ccnt[:, :, :-SKILL_WINDOW]
    return csum - lag_sum, ccnt - lag_cnt


def weights(forecasts: ArrayLike, series: ArrayLike, levels: Sequence[float] = LEVELS) -> Float:
    """``(M, N, T)`` weights summing to 1 over the members that forecast that day (else 0)."""
    fc = np.asarray(forecasts, dtype=float)
    total, count = recent_wis(fc, series, levels)
    present = ~np.isnan(fc[..., 0]).any(axis=3)  # a member takes part only with every day ahead
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = np.where(count > 0, 1.0 / (1.0 + total / np.maximum(count, 1)), np.nan)
    all_scored = np.all(~present | ~np.isnan(raw), axis=0, keepdims=True)
    raw = np.where(all_scored, np.where(present, raw, 0.0), present.astype(float))
    norm = raw.sum(axis=0, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norm > 0, raw / norm, 0.0)


def combine(forecasts: ArrayLike, series: ArrayLike, levels: Sequence[float] = LEVELS) -> Float:
    """The skill-weighted ensemble ``(N, T, H, Q)``; NaN where no member forecast."""
    fc = np.asarray(forecasts, dtype=float)
    w = weights(fc, series, levels)
    mixed = np.einsum("mnt,mnthq->nthq", w, np.nan_to_num(fc, nan=0.0))
    none = w.sum(axis=0) == 0
    mixed[none] = np.nan
    return mixed


def combine_cdf(
    cdfs: ArrayLike, forecasts: ArrayLike, series: ArrayLike, levels: Sequence[float] = LEVELS
) -> Float:
    """``(N, T, H, Q, 2)``: the ensemble's CDF below and at its quantiles (``scoring.coverage``),
    from the members' ``(M, N, T, H, Q, 2)``: the latest ``P(Y < q)`` and the earliest
    ``P(Y <= q)`` among the members it weighs."""
    f = np.asarray(cdfs, dtype=float)
    w = weights(forecasts, series, levels)[:, :, :, None, None, None]
    below = np.max(np.where(w > 0, f[..., :1], -np.inf), axis=0)
    at = np.min(np.where(w > 0, f[..., 1:], np.inf), axis=0)
    out = np.concatenate([below, at], axis=-1)
    out[~np.isfinite(out)] = np.nan
    return out
