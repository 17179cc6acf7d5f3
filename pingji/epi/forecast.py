"""Short-term forecasts of new local cases from the latest Rt posterior (scored by ``scoring``).

Method: the renewal equation of Cori et al. (2013) run forward, as the R packages ``projections``
(Jombart et al., R Epidemics Consortium) and EpiEstim's forecasting examples do, and as Nouvellet et
al. (2018, Epidemics 22:29-35, doi:10.1016/j.epidem.2017.02.012) used for Ebola:

1. draw ``R`` from the Gamma posterior of the last window (the one ending on the last day),
   one value per simulated path, held constant over the horizon;
2. for each day ahead, ``local_t ~ NegBin(mean R * Lambda_t, dispersion k)``, where ``Lambda_t``
   weighs all past cases (observed local + imported, then simulated) by the serial interval;
3. report per day the median and the 2.5/25/75/97.5 % quantiles over paths, and the paths' CDF
   just below and at each quantile (``cdf``), which a count forecast's coverage is scored with
   (``scoring.coverage``).

**Overdispersion.** Daily reported counts scatter far more than Poisson around the renewal's mean
(testing rounds, batches of results, clusters found in a day), so a Poisson forecast's intervals
are too narrow. ``k`` is estimated from the series itself, before the issue day: the renewal's
*one-day-ahead* predictions over the last ``DISPERSION_DAYS`` (each from the Rt window that ended
the day before) and what came, by moments (``Var = mu + mu**2 / k``). This is the negative binomial
observation model of EpiNow2 (Abbott et al., "Estimating the time-varying reproduction number of
SARS-CoV-2 using national and subnational case counts", Wellcome Open Research 5:112 (2020),
doi:10.12688/wellcomeopenres.16006.1), estimated here by moments instead of by MCMC; when the
errors are no wider than Poisson, ``k`` is infinite and the forecast is the Poisson one.

No future imported cases are assumed (the forecast is of local transmission from what is already
known). A seed makes it reproducible: the same inputs and seed give the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pingji.epi import rt
from pingji.epi.scoring import LEVELS as FORECAST_QUANTILES

DISPERSION_DAYS = 14
"""One-day-ahead errors the overdispersion is estimated from: two Rt windows, so that a change of
phase is followed within a fortnight while one window's noise does not set the spread alone."""


@dataclass(frozen=True)
class Forecast:
    """Forecast local cases for days ``T+1..T+horizon`` (1-based day numbers, as in ``rt``).

    ``quantiles`` is (horizon, 5) in the order of ``FORECAST_QUANTILES``, ``cdf`` (horizon, 5, 2)
    the share of paths below and at each; ``paths`` keeps every simulated trajectory
    (n_sims, horizon) for callers that need other summaries.
    """

    day: NDArray[np.int64]
    quantiles: NDArray[np.float64]
    cdf: NDArray[np.float64]
    paths: NDArray[np.int64]
    r_shape: float
    r_scale: float
    overdispersion: float = 0.0  # 1/k of the negative binomial; 0 is Poisson

    @property
    def median(self) -> NDArray[np.float64]:
        return self.quantiles[:, 2]

    @property
    def lower95(self) -> NDArray[np.float64]:
        return self.quantiles[:, 0]

    @property
    def upper95(self) -> NDArray[np.float64]:
        return self.quantiles[:, 4]

    @property
    def lower50(self) -> NDArray[np.float64]:
        return self.quantiles[:, 1]

    @property
    def upper50(self) -> NDArray[np.float64]:
        return self.quantiles[:, 3]

    def rows(self) -> list[dict[str, float]]:
        return [
            {
                "day": int(d),
                **{f"q{q}": float(v) for q, v in zip(FORECAST_QUANTILES, row, strict=True)},
            }
            for d, row in zip(self.day, self.quantiles, strict=True)
        ]


def forecast(
    local: ArrayLike,
    imported: ArrayLike | None = None,
    *,
    isolated: ArrayLike | None = None,
    si_distr: ArrayLike | None = None,
    si_mean: float | None = None,
    si_sd: float | None = None,
    window: int = rt.DEFAULT_WINDOW,
    horizon: int = 14,
    n_sims: int = 2000,
    seed: int = 0,
) -> Forecast:
    """Simulate ``horizon`` days (7 or 14 in the situation room) of new local cases.

    Rt comes from ``rt.estimate_r`` with the same options on the window ending on the last day.
    With ``isolated`` (the cases found already under control, ``rt.estimate_many``), those
    cases infect nobody: Rt is that of the cases left free, and each simulated case is isolated
    with the share of the last window's local cases that were (``isolated_share``).
    """
    if isinstance(horizon, bool) or not isinstance(horizon, int) or not 1 <= horizon <= 60:
        raise ValueError(f"horizon must be a whole number of days from 1 to 60 (got {horizon!r})")
    if isinstance(n_sims, bool) or not isinstance(n_sims, int) or n_sims < 100:
        raise ValueError(f"n_sims must be a whole number >= 100 (got {n_sims!r})")
    est = rt.estimate_r(
        local,
        imported,
        isolated=isolated,
        si_distr=si_distr,
        si_mean=si_mean,
        si_sd=si_sd,
        window=window,
    )
    loc = rt.check_counts(local, "local")
    imp = np.zeros_like(loc) if imported is None else rt.check_counts(imported, "imported")
    iso = np.zeros_like(loc) if isolated is None else rt.check_counts(isolated, "isolated")
    free = 1.0 - isolated_share(loc, iso, window)
    days = loc.size
    if est.t_end.size == 0 or est.t_end[-1] != days:
        raise ValueError("no Rt window ends on the last day: the series is too short to forecast")
    shape, scale = float(est.shape[-1]), float(est.scale[-1])

    si = rt.serial_interval(days + horizon, si_distr=si_distr, si_mean=si_mean, si_sd=si_sd)
    infectors = loc + imp - iso
    inv_k = overdispersion(loc, imp, rt.infectivity(infectors, si[: days + 1]), est)
    rng = np.random.default_rng(seed)
    r = rng.gamma(shape, scale, size=n_sims)
    history = np.empty((n_sims, days + horizon))  # the cases that infect: found free
    history[:, :days] = infectors
    paths = np.empty((n_sims, horizon), dtype=np.int64)
    reversed_si = si[1 : days + horizon][::-1]  # w_{n-1} .. w_1, to dot with the past
    for step in range(horizon):
        t = days + step
        mean = r * (history[:, :t] @ reversed_si[-t:])
        if inv_k > 0:  # a Gamma-mixed Poisson is the negative binomial
            mean = rng.gamma(1.0 / inv_k, mean * inv_k)
        paths[:, step] = rng.poisson(mean)
        history[:, t] = paths[:, step] if free == 1.0 else rng.binomial(paths[:, step], free)
    quantiles = np.quantile(paths, FORECAST_QUANTILES, axis=0).T
    cdf = path_cdf(paths, quantiles)
    return Forecast(
        np.arange(days + 1, days + horizon + 1), quantiles, cdf, paths, shape, scale, inv_k
    )


def path_cdf(paths: NDArray, quantiles: NDArray) -> NDArray[np.float64]:
    """``(horizon, Q, 2)``: the share of paths below and at each day's quantiles."""
    ahead = paths.T[:, None, :]  # (horizon, 1, n_sims)
    q = quantiles[..., None]
    return np.stack([(ahead < q).mean(axis=-1), (ahead <= q).mean(axis=-1)], axis=-1)


def isolated_share(local: NDArray, isolated: NDArray, window: int = rt.DEFAULT_WINDOW) -> float:
    """The share of the last ``window`` days' local cases found already under control, taken to
    hold over the horizon (0 without local cases then: nothing says they would be found)."""
    recent = float(local[-window:].sum())
    return min(1.0, float(isolated[-window:].sum()) / recent) if recent else 0.0


def overdispersion(local: NDArray, imported: NDArray, lam: NDArray, est: rt.RtEstimates) -> float:
    """``1/k`` from the renewal's one-day-ahead errors over the last ``DISPERSION_DAYS``.

    The window ending on day ``e`` (1-based) predicts day ``e + 1`` as ``R_e * Lambda_{e+1}``;
    by moments, ``sum((y - mu)**2 - mu) / sum(mu**2)``, cut at 0 (no wider than Poisson).
    Only the windows the model would forecast from are checked: not those too early in the
    epidemic nor those whose posterior is mostly prior (their R is not an estimate, and one such
    prediction of hundreds of cases would set the spread of every later forecast).
    ``lam`` is ``Lambda`` of every observed day. 0 while no prediction can be checked.
    """
    target = est.t_end  # 0-based index of day e + 1
    early = rt.too_early(est.t_start - 1, local + imported, est.si_mean)
    usable = rt.sufficient(est.shape) & ~early
    keep = usable & (target < local.size) & (target >= local.size - DISPERSION_DAYS)
    mu = est.mean[keep] * lam[target[keep]]
    seen = local[target[keep]]
    spread = float(np.sum(mu**2))
    if spread == 0:
        return 0.0
    return max(0.0, float(np.sum((seen - mu) ** 2 - mu)) / spread)
