"""Rt with an uncertain serial interval: EpiEstim's ``uncertain_si``, the Cori posterior of every
window pooled over serial intervals sampled from the fit's uncertainty (``epi.rt`` for the
method with one interval)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from pingji.epi.rt import (
    DEFAULT_WINDOW,
    PRIOR_MEAN,
    PRIOR_SD,
    QUANTILES,
    Float,
    _seed_day_one,
    _windows,
    check_counts,
    check_has_cases,
    check_si_distr,
    check_window_and_prior,
    window_sums,
)


@dataclass(frozen=True)
class PooledRt:
    """Rt per window pooled over sampled serial intervals (EpiEstim's ``uncertain_si``).

    ``mean``/``std``/``quantiles`` (in ``QUANTILES`` order) are those of the pooled draws;
    ``shape`` is each window's posterior shape (the same for every sampled interval).
    """

    t_start: NDArray[np.int64]
    t_end: NDArray[np.int64]
    shape: Float
    mean: Float
    std: Float
    quantiles: Float
    si_mean: float


def estimate_r_uncertain(
    local: ArrayLike,
    imported: ArrayLike | None = None,
    *,
    si_distrs: ArrayLike,
    n_draws: int = 50,
    seed: int = 0,
    window: int = DEFAULT_WINDOW,
    prior_mean: float = PRIOR_MEAN,
    prior_sd: float = PRIOR_SD,
    t_ends: ArrayLike | None = None,
) -> PooledRt:
    """Rt on sliding windows of one series with an uncertain serial interval.

    As EpiEstim's ``estimate_R(method = "si_from_sample")``: for each of the ``K`` rows of
    ``si_distrs`` (each a distribution ``check_si_distr`` accepts) the window's Gamma posterior is
    computed, ``n_draws`` values of R are drawn from it, and the ``K * n_draws`` draws are pooled.
    The draws use common random numbers (the same ``(K, n_draws)`` uniforms, seeded, transformed by
    each posterior's inverse CDF), so a window's result depends only on the data up to its end:
    recomputing it from a series cut at that end gives the same numbers. Windows ending on or
    before the mean of the sampled intervals' means are dropped (EpiEstim's ``final_mean_si``).
    ``t_ends`` (1-based days) limits the result to the windows ending on those days: a caller
    using a different interval for each day draws only the windows it keeps.
    """
    try:
        si = np.atleast_2d(np.asarray(si_distrs, dtype=float))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"serial interval samples are not numeric: {exc}") from exc
    if si.ndim != 2:
        raise ValueError("si_distrs must be a (K, L) array of serial interval distributions")
    for row in si:
        check_si_distr(row)
    if isinstance(n_draws, bool) or not isinstance(n_draws, int | np.integer) or n_draws < 1:
        raise ValueError(f"n_draws must be a whole number >= 1 (got {n_draws!r})")
    loc = check_counts(local, "local")
    imp = np.zeros_like(loc) if imported is None else check_counts(imported, "imported")
    if loc.ndim != 1 or imp.shape != loc.shape:
        raise ValueError("estimate_r_uncertain takes one series, local and imported of one shape")
    check_has_cases(loc, imp)
    check_window_and_prior(loc.size, window, prior_mean, prior_sd)
    days = loc.size
    loc2, imp2 = loc.copy(), imp.copy()
    _seed_day_one(loc2, imp2)
    lags = min(si.shape[1], days)
    padded = np.concatenate([np.zeros(lags - 1), loc2 + imp2])
    past = np.lib.stride_tricks.sliding_window_view(padded, lags)[:, ::-1]  # [t, s] = total_{t-s}
    lam = si[:, :lags] @ past.T  # (K, days): Lambda of every sampled interval
    lam[:, 0] = 0.0
    mean_si = float(np.mean(si @ np.arange(si.shape[1])))
    t_start, t_end = _windows(days, window, mean_si)
    if t_ends is not None:
        wanted = np.isin(t_end, np.asarray(t_ends, dtype=int))
        t_start, t_end = t_start[wanted], t_end[wanted]
    b_prior = prior_sd**2 / prior_mean
    scale = 1.0 / (1.0 / b_prior + window_sums(lam, t_start, t_end))  # (K, W)
    shape = (prior_mean / prior_sd) ** 2 + window_sums(loc2, t_start, t_end)[0]
    uniforms = np.random.default_rng(seed).random((si.shape[0], n_draws))
    distinct, inverse = np.unique(shape, return_inverse=True)
    unit = special.gammaincinv(distinct[:, None, None], uniforms[None])[inverse]  # (W, K, n)
    pooled = (unit * scale.T[:, :, None]).reshape(t_start.size, si.shape[0] * n_draws)
    return PooledRt(
        t_start,
        t_end,
        shape,
        pooled.mean(axis=1),
        pooled.std(axis=1, ddof=1) if pooled.shape[1] > 1 else np.zeros(t_start.size),
        np.quantile(pooled, QUANTILES, axis=1).T.reshape(t_start.size, len(QUANTILES))
        if t_start.size
        else np.zeros((0, len(QUANTILES))),
        mean_si,
    )
