"""The instantaneous reproduction number Rt by the method of Cori et al. (2013).

Source: A. Cori, N. M. Ferguson, C. Fraser, S. Cauchemez, "A new framework and software to estimate
time-varying reproduction numbers during epidemics", American Journal of Epidemiology 178(9):
1505-1512 (2013), doi:10.1093/aje/kwt133, and its Web Appendix. The behaviour reproduced is that of
the R package EpiEstim (mrc-ide/EpiEstim, ``estimate_R`` with methods ``"non_parametric_si"`` and
``"parametric_si"``, read in the development source of 2025, whose ``discr_si`` is checked there to
equal the closed form of EpiEstim <= 3.0.0); the tests reproduce EpiEstim's own regression outputs
(``tests/testthat/_snaps/estimate_R.md``, Examples 1-3) to 1e-7.

The model: local cases on day t are Poisson with mean ``R_t * Lambda_t``, where the infectivity
``Lambda_t = sum_{s>=1} w_s * (local + imported)_{t-s}`` weighs every earlier case, local or
imported, by the serial-interval distribution ``w``. With ``R`` constant over a window ``[t1, t2]``
and a Gamma(shape a, scale b) prior, the posterior is Gamma with

    shape = a + sum_{t1..t2} local_t,      scale = 1 / (1/b + sum_{t1..t2} Lambda_t)

(Cori 2013, Web Appendix 1). Imported cases spread infection but are not explained by it, so they
enter ``Lambda`` and never the numerator. As in EpiEstim's ``process_I``, every case of the first
day is counted as imported: nothing observed came before it.

Everything here is Django-free numpy/scipy and works on a 2-D array of series at once
(``estimate_many``): ``Lambda`` is one matrix product with the serial interval's Toeplitz matrix,
window sums are differences of cumulative sums, and the Gamma quantiles are computed once per
distinct posterior shape (with integer counts the shapes repeat a great deal) and scaled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

QUANTILES: tuple[float, ...] = (0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975)
"""The posterior quantiles EpiEstim's ``estimate_R`` reports, in its order."""

PRIOR_MEAN = 5.0
PRIOR_SD = 5.0
"""EpiEstim's default prior (``make_config``: ``mean_prior = 5``, ``std_prior = 5``): a Gamma with
shape 1 and scale 5, deliberately high and wide so that an estimate below 1 comes from the data."""

DEFAULT_WINDOW = 7
"""EpiEstim's default window (``make_config``: ``t_start = 2..T-6``, ``t_end = t_start + 6``)."""

SI_SUM_TOLERANCE = 0.01
"""How far a given serial-interval distribution may sum from 1: EpiEstim's ``check_si_distr``."""

Float = NDArray[np.float64]


def discr_si(k: ArrayLike, mean: float, sd: float) -> Float:
    """The discretised serial interval ``w_k`` for a gamma serial interval shifted by one day.

    The serial interval minus one day is Gamma with mean ``mean - 1`` and standard deviation
    ``sd`` (shape ``((mean-1)/sd)**2``, scale ``sd**2/(mean-1)``); ``w_k`` is the probability that
    an interval whose start is uniform within a day ends on day ``k``. Closed form of Cori et al.
    (2013), Web Appendix 11, as in EpiEstim's ``discr_si`` (which, as there, gives ``w_0 = 0``)::

        w_k = k F(k) + (k-2) F(k-2) - 2 (k-1) F(k-1)
              + a b (2 F'(k-1) - F'(k-2) - F'(k))

    with ``F`` the Gamma(a, b) and ``F'`` the Gamma(a+1, b) distribution functions (zero below 0);
    tiny negative round-off is clipped to 0. The discretised mean is ``mean`` exactly.
    """
    if not np.isfinite(mean) or mean <= 1:
        raise ValueError(f"serial interval mean must be greater than 1 day (got {mean})")
    if not np.isfinite(sd) or sd <= 0:
        raise ValueError(f"serial interval sd must be positive (got {sd})")
    days = np.asarray(k, dtype=float)
    if np.any(days < 0) or not np.all(np.isfinite(days)):
        raise ValueError("serial interval days k must be finite and >= 0")
    shape = ((mean - 1) / sd) ** 2
    scale = sd**2 / (mean - 1)

    def cdf(x: Float, a: float) -> Float:
        """The gamma CDF, as the regularised lower incomplete gamma P(a, x / scale): the same
        function as ``scipy.stats.gamma.cdf`` without importing ``scipy.stats`` (a second of
        start-up for every process that loads the URLs)."""
        return np.asarray(special.gammainc(a, np.maximum(x, 0.0) / scale), dtype=float)

    w = (
        days * cdf(days, shape)
        + (days - 2) * cdf(days - 2, shape)
        - 2 * (days - 1) * cdf(days - 1, shape)
    )
    w += (
        shape
        * scale
        * (2 * cdf(days - 1, shape + 1) - cdf(days - 2, shape + 1) - cdf(days, shape + 1))
    )
    return np.maximum(w, 0.0)


def check_si_distr(si_distr: ArrayLike) -> Float:
    """A given discrete serial interval as a float array, or ``ValueError`` saying what is wrong.

    The rules are EpiEstim's ``check_si_distr``: one-dimensional, ``si_distr[0] == 0`` (a case
    cannot infect on its own onset day in this model), no negative entry, and a sum within 0.01
    of 1. NaN and infinity are refused as well.
    """
    try:
        si = np.asarray(si_distr, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"serial interval distribution is not numeric: {exc}") from exc
    if si.ndim != 1 or si.size < 2:
        raise ValueError("serial interval distribution must be a 1-D sequence of at least 2 values")
    if not np.all(np.isfinite(si)):
        raise ValueError("serial interval distribution contains NaN or infinity")
    if si[0] != 0:
        raise ValueError(f"serial interval distribution must start with 0 for day 0 (got {si[0]})")
    if np.any(si < 0):
        day = int(np.flatnonzero(si < 0)[0])
        raise ValueError(f"serial interval distribution is negative on day {day} ({si[day]})")
    total = float(si.sum())
    if abs(total - 1) > SI_SUM_TOLERANCE:
        raise ValueError(
            f"serial interval distribution must sum to 1 (within {SI_SUM_TOLERANCE}); "
            f"it sums to {total:.6g}"
        )
    return si


def serial_interval(
    days: int,
    *,
    si_distr: ArrayLike | None = None,
    si_mean: float | None = None,
    si_sd: float | None = None,
) -> Float:
    """The serial interval ``w_0..w_{days-1}`` from exactly one of a distribution or mean and sd.

    A parametric interval is ``discr_si(0..days-1)``, as EpiEstim builds it for a series of
    ``days`` days (no renormalisation of the truncated tail); a given distribution is checked,
    then cut or zero-padded to ``days`` values (lags beyond the series can weigh no case).
    """
    if si_distr is not None and (si_mean is not None or si_sd is not None):
        raise ValueError("give either a serial interval distribution or its mean and sd, not both")
    if si_distr is not None:
        si = check_si_distr(si_distr)
        out = np.zeros(days)
        n = min(days, si.size)
        out[:n] = si[:n]
        return out
    if si_mean is None or si_sd is None:
        raise ValueError("a serial interval is required: a distribution, or both its mean and sd")
    return discr_si(np.arange(days), si_mean, si_sd)


def si_mean_used(
    days: int, *, si_distr: ArrayLike | None, si_mean: float | None, si_sd: float | None
) -> float:
    """The serial-interval mean EpiEstim compares window ends with (``final_mean_si``).

    EpiEstim reports no window ending on or before this day. For a given distribution it is the
    mean of the whole distribution; for a parametric one, of ``discr_si(0..days-1)``.
    """
    if si_distr is not None:
        si = check_si_distr(si_distr)
    else:
        si = serial_interval(days, si_mean=si_mean, si_sd=si_sd)
    return float(np.dot(np.arange(si.size), si))


def check_counts(values: ArrayLike, name: str) -> Float:
    """Daily counts as a float array (1-D or 2-D), or ``ValueError`` naming the first bad cell:
    cases are whole, non-negative and finite (EpiEstim refuses other incidence too)."""
    try:
        counts = np.array(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} counts are not numeric: {exc}") from exc
    if counts.ndim not in (1, 2):
        raise ValueError(f"{name} counts must be a 1-D series or a 2-D array of series")
    finite = np.isfinite(counts)
    checks = (
        (~finite, "NaN or infinite"),
        (counts < 0, "negative"),
        (finite & (counts != np.round(counts)), "not a whole number"),
    )
    for bad, reason in checks:
        if np.any(bad):
            where = np.argwhere(bad)[0]
            place = f"day {where[-1] + 1}" + (f" of series {where[0]}" if counts.ndim == 2 else "")
            raise ValueError(f"{name} count on {place} is {reason} ({counts[tuple(where)]})")
    return counts


def infectivity(total: ArrayLike, si: ArrayLike) -> Float:
    """``Lambda_t = sum_{s=1}^{t-1} w_s * total_{t-s}`` for every day of every series.

    ``total`` is (days,) or (series, days) of local + imported cases; ``si`` holds ``w_0..``.
    Day 1 (index 0) has no past and gets 0 (EpiEstim leaves it NA; no window uses it). Computed as
    ``total @ W`` with ``W[i, j] = w_{j-i}`` for ``j > i``: one BLAS product for all series.
    """
    cases = np.asarray(total, dtype=float)
    w = np.asarray(si, dtype=float)
    days = cases.shape[-1]
    lags = np.arange(days)[None, :] - np.arange(days)[:, None]  # lag j - i
    kernel = np.zeros((days, days))
    usable = (lags >= 1) & (lags < w.size)
    kernel[usable] = w[lags[usable]]
    return np.asarray(cases @ kernel, dtype=float)


@dataclass(frozen=True)
class RtEstimates:
    """Posterior Rt per window: arrays (windows,) for one series, (series, windows) for a batch.

    ``t_start``/``t_end`` are 1-based inclusive day numbers as in EpiEstim (day 1 is the first day
    of the series); ``quantiles`` has one more trailing axis, in the order of ``QUANTILES``.
    """

    t_start: NDArray[np.int64]
    t_end: NDArray[np.int64]
    shape: Float
    scale: Float
    si_mean: float

    @property
    def mean(self) -> Float:
        return self.shape * self.scale

    @property
    def std(self) -> Float:
        return np.sqrt(self.shape) * self.scale

    @property
    def quantiles(self) -> Float:
        return gamma_quantiles(self.shape, self.scale, QUANTILES)

    def rows(self) -> list[dict[str, float]]:
        """One dict per window (single series only), with EpiEstim's columns in its order."""
        if self.shape.ndim != 1:
            raise ValueError("rows() is for the estimates of one series; index the batch first")
        mean, std, quantiles = self.mean, self.std, self.quantiles
        out = []
        for i in range(self.t_start.size):
            row: dict[str, float] = {"t_start": int(self.t_start[i]), "t_end": int(self.t_end[i])}
            row |= {"mean": float(mean[i]), "std": float(std[i])}
            row |= {f"q{q}": float(quantiles[i, j]) for j, q in enumerate(QUANTILES)}
            out.append(row)
        return out

    def __getitem__(self, series: int) -> RtEstimates:
        """The estimates of one series of a batch."""
        return RtEstimates(
            self.t_start, self.t_end, self.shape[series], self.scale[series], self.si_mean
        )


def gamma_quantiles(shape: ArrayLike, scale: ArrayLike, probs: ArrayLike) -> Float:
    """Gamma quantiles with a trailing axis over ``probs``, one inversion per distinct shape.

    ``ppf(p; a, scale) = scale * P^-1(a, p)`` (the regularised incomplete gamma inverse); the
    posterior shapes ``a + sum(local)`` take few distinct values with integer counts, so inverting
    once per distinct shape is both exact and many times faster than a call per window.
    """
    a = np.asarray(shape, dtype=float)
    p = np.asarray(probs, dtype=float)
    distinct, inverse = np.unique(a, return_inverse=True)
    table = special.gammaincinv(distinct[:, None], p[None, :])
    unit = table[inverse.reshape(a.shape)]
    return np.asarray(unit * np.asarray(scale, dtype=float)[..., None], dtype=float)


def check_window_and_prior(days: int, window: int, prior_mean: float, prior_sd: float) -> None:
    """``ValueError`` unless ``window`` is a whole number of days a ``days``-day series can hold
    (day 1 only seeds the infectivity) and the prior's mean and sd are positive."""
    if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 1:
        raise ValueError(f"window must be a whole number of days >= 1 (got {window!r})")
    if days < window + 1:
        raise ValueError(
            f"series of {days} days is too short for a {window}-day window: "
            f"at least {window + 1} days are needed (day 1 only seeds the infectivity)"
        )
    if not (prior_mean > 0 and prior_sd > 0):
        raise ValueError("prior mean and sd must be positive")


def _seed_day_one(local: Float, imported: Float) -> None:
    """In place, rows of series: everything seen on day 1 seeds the epidemic (EpiEstim's
    ``process_I``): nothing observed came before it."""
    imported[..., 0] += local[..., 0]
    local[..., 0] = 0


def _windows(days: int, window: int, mean_si: float) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """EpiEstim's default windows ``t_start = 2..T-window+1`` (1-based), less those ending on or
    before the serial interval's mean."""
    t_start = np.arange(2, days - window + 2)
    t_end = t_start + window - 1
    keep = t_end > mean_si
    return t_start[keep], t_end[keep]


def window_sums(x: Float, t_start: NDArray[np.int64], t_end: NDArray[np.int64]) -> Float:
    """Each row's sums over the windows (1-based, inclusive), by differences of cumulative sums."""
    rows = np.atleast_2d(x)
    cum = np.concatenate([np.zeros((rows.shape[0], 1)), np.cumsum(rows, axis=1)], axis=1)
    return np.asarray(cum[:, t_end] - cum[:, t_start - 1], dtype=float)


def estimate_many(
    local: ArrayLike,
    imported: ArrayLike | None = None,
    *,
    isolated: ArrayLike | None = None,
    si_distr: ArrayLike | None = None,
    si_mean: float | None = None,
    si_sd: float | None = None,
    window: int = DEFAULT_WINDOW,
    prior_mean: float = PRIOR_MEAN,
    prior_sd: float = PRIOR_SD,
) -> RtEstimates:
    """Rt on sliding windows for many series at once (rows: series, columns: days).

    ``local`` (and ``imported``, same shape, zeros when omitted) are daily counts; the first day's
    local cases are moved to imported, as EpiEstim does. Windows are ``t_start = 2..T-window+1``,
    ``t_end = t_start + window - 1`` (EpiEstim's ``make_config`` default for ``window = 7``), less
    those ending on or before the serial-interval mean (EpiEstim drops them too). The serial
    interval is ``si_distr`` (method ``non_parametric_si``) or ``si_mean``/``si_sd`` discretised
    by ``discr_si`` (method ``parametric_si``); the prior is Gamma with ``prior_mean``/``prior_sd``.

    ``isolated`` (same shape, optional) counts the cases of each day, local or imported, that
    were found already under control (in quarantine): outcomes like any other, but isolated from
    then on, so they infect nobody and are left out of the infectivity. EpiEstim's split of
    imported cases (infectors, not outcomes) turned the other way; without it, every case infects.
    """
    loc = check_counts(local, "local")
    imp = np.zeros_like(loc) if imported is None else check_counts(imported, "imported")
    iso = np.zeros_like(loc) if isolated is None else check_counts(isolated, "isolated")
    if imp.shape != loc.shape or iso.shape != loc.shape:
        raise ValueError(
            f"local {loc.shape}, imported {imp.shape} and isolated {iso.shape} counts differ "
            "in shape"
        )
    if np.any(iso > loc + imp):
        raise ValueError("more cases isolated on a day than were found that day")
    loc2, imp2 = np.atleast_2d(loc).copy(), np.atleast_2d(imp).copy()
    days = loc2.shape[1]
    check_window_and_prior(days, window, prior_mean, prior_sd)
    si = serial_interval(days, si_distr=si_distr, si_mean=si_mean, si_sd=si_sd)
    mean_si = si_mean_used(days, si_distr=si_distr, si_mean=si_mean, si_sd=si_sd)

    _seed_day_one(loc2, imp2)
    lam = infectivity(loc2 + imp2 - np.atleast_2d(iso), si)
    t_start, t_end = _windows(days, window, mean_si)
    a_prior = (prior_mean / prior_sd) ** 2
    b_prior = prior_sd**2 / prior_mean
    shape = a_prior + window_sums(loc2, t_start, t_end)
    scale = 1.0 / (1.0 / b_prior + window_sums(lam, t_start, t_end))
    if loc.ndim == 1:
        shape, scale = shape[0], scale[0]
    return RtEstimates(t_start, t_end, shape, scale, mean_si)


def check_has_cases(local: ArrayLike, imported: ArrayLike | None) -> None:
    """``ValueError`` for a series without a single case: every window's posterior would be the
    prior (mean 5), which is not an estimate and must never be shown as one."""
    total = np.sum(check_counts(local, "local"))
    if imported is not None:
        total += np.sum(check_counts(imported, "imported"))
    if total == 0:
        raise ValueError("the series has no case: Rt cannot be estimated (it would be the prior)")


def estimate_r(
    local: ArrayLike,
    imported: ArrayLike | None = None,
    *,
    isolated: ArrayLike | None = None,
    si_distr: ArrayLike | None = None,
    si_mean: float | None = None,
    si_sd: float | None = None,
    window: int = DEFAULT_WINDOW,
    prior_mean: float = PRIOR_MEAN,
    prior_sd: float = PRIOR_SD,
) -> RtEstimates:
    """Rt on sliding windows for one series (1-D counts); see ``estimate_many``."""
    if np.ndim(local) != 1:
        raise ValueError("estimate_r takes one series; use estimate_many for several")
    check_has_cases(local, imported)
    return estimate_many(
        local,
        imported,
        isolated=isolated,
        si_distr=si_distr,
        si_mean=si_mean,
        si_sd=si_sd,
        window=window,
        prior_mean=prior_mean,
        prior_sd=prior_sd,
    )


MAX_POSTERIOR_CV = 0.3
"""EpiEstim's ``make_config(cv_posterior = 0.3)``: a window whose Gamma posterior has a larger
coefficient of variation (``1 / sqrt(shape)``, about 11 local cases with the default prior) is
mostly prior, and is reported as insufficient data rather than as a number."""


def too_early(window_first: ArrayLike, cases: ArrayLike, si_mean: float) -> NDArray[np.bool_]:
    """Whether each window (by the 0-based index of its first day) starts within one mean serial
    interval of the first case (Cori et al. 2013, Web Appendix; EpiEstim warns "too early in the
    epidemic"): the first cases' infectors were never observed, so such a window divides by an
    infectivity that is too small, and its Rt, and any forecast from it, explode.
    """
    seen = np.flatnonzero(np.asarray(cases))
    if seen.size == 0:
        return np.ones(np.shape(window_first), dtype=bool)
    return np.asarray(window_first) < seen[0] + int(np.ceil(si_mean))


def sufficient(shape: ArrayLike) -> NDArray[np.bool_]:
    """Whether each window's posterior CV ``1 / sqrt(shape)`` is at most ``MAX_POSTERIOR_CV``.

    The CV of the Gamma posterior does not depend on the serial interval (only its scale does),
    so the same windows are sufficient whichever interval is used or sampled.
    """
    return np.asarray(shape, dtype=float) >= MAX_POSTERIOR_CV**-2
