"""Rt and forecasts of a jurisdiction from its daily series; the maths is ``pingji.epi``.

The serial interval (docs/decisions/0023) comes, in this order, from

1. linked transmission pairs of the area (contract C7, ``tracing.chains.transmission_pairs`` and
   ``epi.serial.serial_interval``) when there are at least ``MIN_PAIRS`` pairs with both onsets;
2. the protocol in force, if it carries ``epidemiology.serial_interval`` ``{mean, sd}``;
3. the published estimate of Nishiura, Linton & Akhmetzhanov (2020), "Serial interval of novel
   coronavirus (COVID-19) infections", Int J Infect Dis 93:284-286: mean 4.7 days, sd 2.9 days.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np

from pingji.epi import baselines as epi_baselines
from pingji.epi import ensemble as epi_ensemble
from pingji.epi import forecast as epi_forecast
from pingji.epi import rt as epi_rt
from pingji.epi import scoring as epi_scoring

from .choices import ForecastModel, SiSource

#: Fewer pairs than this give a serial interval too uncertain to replace the published one (the
#: early Wuhan and Shenzhen estimates rested on 28-48 pairs; below ~20 the sd is mostly noise).
MIN_PAIRS = 20
LITERATURE_SI = (4.7, 2.9)
FORECAST_SIMS = 1000


@dataclass(frozen=True)
class SerialInterval:
    mean: float
    sd: float
    source: str
    pairs: int = 0


def serial_interval_for(code: str, on: datetime.date) -> SerialInterval:
    """The serial interval to use for ``code`` on ``on`` (the module docstring's order)."""
    try:
        from pingji.epi.serial import serial_interval
        from pingji.tracing.chains import transmission_pairs
    except ImportError:
        pairs = []
    else:
        pairs = [
            (p.infectee_onset - p.infector_onset).days
            for p in transmission_pairs(code)
            if p.infector_onset and p.infectee_onset and p.infectee_onset <= on
        ]
        if len(pairs) >= MIN_PAIRS:
            try:
                mean, sd, n = serial_interval(pairs)
            except ValueError:  # pairs the estimator refuses: fall back, never fail the dashboard
                mean, sd, n = 0.0, 0.0, 0
            if mean > 1 and sd > 0:
                return SerialInterval(float(mean), float(sd), SiSource.PAIRS, int(n))
    from pingji.protocols import rules
    from pingji.protocols.versions import NoProtocolInForce, protocol_for

    try:
        section = rules.raw_section(protocol_for(code, on), "epidemiology", "serial_interval")
    except NoProtocolInForce:
        section = {}
    given_mean, given_sd = section.get("mean"), section.get("sd")
    if (
        isinstance(given_mean, int | float)
        and isinstance(given_sd, int | float)
        and given_mean > 1
        and given_sd > 0
    ):
        return SerialInterval(float(given_mean), float(given_sd), SiSource.PROTOCOL)
    return SerialInterval(*LITERATURE_SI, SiSource.LITERATURE)


@dataclass(frozen=True)
class RtRow:
    day: datetime.date
    window_start: datetime.date
    mean: float
    std: float
    quantiles: tuple[float, ...]  # epi.rt.QUANTILES order


def rt_rows(
    local: np.ndarray, imported: np.ndarray, start: datetime.date, si: SerialInterval
) -> list[RtRow]:
    """Rt per 7-day window of a series beginning on ``start``; [] while it is too short or empty."""
    if local.size < epi_rt.DEFAULT_WINDOW + 1 or (local.sum() + imported.sum()) == 0:
        return []
    est = epi_rt.estimate_r(local, imported, si_mean=si.mean, si_sd=si.sd)
    mean, std, q = est.mean, est.std, est.quantiles
    out = []
    for i in range(est.t_start.size):
        end = start + datetime.timedelta(days=int(est.t_end[i]) - 1)
        first = start + datetime.timedelta(days=int(est.t_start[i]) - 1)
        # before any case, the posterior is the prior: not an estimate worth showing
        if local[: int(est.t_end[i])].sum() + imported[: int(est.t_end[i])].sum() == 0:
            continue
        out.append(RtRow(end, first, float(mean[i]), float(std[i]), tuple(map(float, q[i]))))
    return out


#: The renewal model forecasts only when the last window's Rt posterior has a coefficient of
#: variation of at most 0.3 (EpiEstim's ``make_config(cv_posterior = 0.3)``; with the default
#: prior that is about 11 local cases in the window): fewer cases give an Rt that is mostly prior.
MAX_POSTERIOR_CV = 0.3
HORIZON = 7
MEMBERS = (ForecastModel.RENEWAL, ForecastModel.LAST, ForecastModel.MEAN7)


def renewal_quantiles(
    local: np.ndarray, imported: np.ndarray, si: SerialInterval, horizon: int = HORIZON, seed=0
) -> tuple[float, np.ndarray] | None:
    """(Rt mean used, ``(horizon, Q)`` quantiles) of the renewal model, or None without the data.

    Besides the posterior's CV, the last window must start at least one mean serial interval after
    the first case (Cori et al. 2013, Web Appendix, as EpiEstim warns "too early in the
    epidemic"): the infectors of the first cases were not observed, so an earlier window divides
    by an infectivity that is too small and gives an Rt, and a forecast, that explode.
    """
    cases = np.flatnonzero(local + imported)
    if cases.size == 0:
        return None
    if local.size - epi_rt.DEFAULT_WINDOW < cases[0] + int(np.ceil(si.mean)):
        return None
    try:
        fc = epi_forecast.forecast(
            local,
            imported,
            si_mean=si.mean,
            si_sd=si.sd,
            horizon=horizon,
            n_sims=FORECAST_SIMS,
            seed=seed,
        )
    except ValueError:
        return None
    if fc.r_shape < MAX_POSTERIOR_CV**-2:  # the Gamma posterior's CV is 1 / sqrt(shape)
        return None
    return fc.r_shape * fc.r_scale, fc.quantiles


def points_of(quantiles: np.ndarray, last_day: datetime.date) -> list[dict]:
    """A ``(horizon, Q)`` forecast as stored: one dict per day ahead with its quantiles."""
    return [
        {
            "day": (last_day + datetime.timedelta(days=j + 1)).isoformat(),
            **{
                f"q{q}": float(v) for q, v in zip(epi_forecast.FORECAST_QUANTILES, row, strict=True)
            },
        }
        for j, row in enumerate(quantiles)
    ]


def forecast_points(
    local: np.ndarray,
    imported: np.ndarray,
    last_day: datetime.date,
    si: SerialInterval,
    horizon: int = HORIZON,
    seed: int = 0,
) -> tuple[float, list[dict]] | None:
    """(Rt mean used, one dict per day ahead) or None when the series cannot carry a forecast."""
    made = renewal_quantiles(local, imported, si, horizon, seed)
    return None if made is None else (made[0], points_of(made[1], last_day))


def model_forecasts(
    local: np.ndarray, imported: np.ndarray, si: SerialInterval, horizon: int = HORIZON
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Every model's forecast issued at the end of each day, and the renewal's Rt mean per day.

    Returns model → ``(T, horizon, Q)`` (NaN where the model makes none) and ``(T,)``. Day ``i``
    uses days ``0..i`` only; no model forecasts before the area's first case.
    """
    t = local.size
    renewal = np.full((t, horizon, len(epi_forecast.FORECAST_QUANTILES)), np.nan)
    r_mean = np.full(t, np.nan)
    for i in range(t):
        made = renewal_quantiles(local[: i + 1], imported[: i + 1], si, horizon, seed=i)
        if made is not None:
            r_mean[i], renewal[i] = made
    y = local[None, :].astype(float)
    out = {
        ForecastModel.RENEWAL: renewal,
        ForecastModel.LAST: epi_baselines.forecast_batch(y, "last", horizon)[0],
        ForecastModel.MEAN7: epi_baselines.forecast_batch(y, "mean7", horizon)[0],
    }
    out[ForecastModel.ENSEMBLE] = epi_ensemble.combine(
        np.stack([out[m] for m in MEMBERS])[:, None], y
    )[0]
    before_first = np.cumsum(local + imported) == 0
    for quantiles in out.values():
        quantiles[before_first] = np.nan
    return out, r_mean


def model_skill(
    runs: dict[str, list[tuple[datetime.date, list[dict]]]],
    observed: dict[datetime.date, int],
    known_by: datetime.date,
) -> dict[str, epi_scoring.Skill]:
    """Each model's record on the forecasts every model made, for days observed by ``known_by``.

    ``runs``: model → [(issued_on, points)]; ``observed``: day → new local infections. Models are
    compared on the same (issue day, target day) pairs only, as the forecast hubs compare them:
    a model that abstains on hard days must not look better for it.
    """
    by_model: dict[str, dict[tuple, list[float]]] = {}
    for model, issued in runs.items():
        by_model[model] = {
            (issued_on, day): [p[f"q{q}"] for q in epi_forecast.FORECAST_QUANTILES]
            for issued_on, points in issued
            for p in points
            if (day := datetime.date.fromisoformat(p["day"])) <= known_by
        }
    common = set.intersection(*(set(f) for f in by_model.values())) if by_model else set()
    if not common:
        return {}
    keys = sorted(common)
    seen = np.array([observed.get(day, 0) for _issued, day in keys], dtype=float)
    return {
        model: epi_scoring.skill(np.array([forecasts[k] for k in keys]), seen)
        for model, forecasts in by_model.items()
    }
