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

from pingji.epi import forecast as epi_forecast
from pingji.epi import rt as epi_rt

from .choices import SiSource

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


def forecast_points(
    local: np.ndarray,
    imported: np.ndarray,
    last_day: datetime.date,
    si: SerialInterval,
    horizon: int = 7,
    seed: int = 0,
) -> tuple[float, list[dict]] | None:
    """(Rt mean used, one dict per day ahead) or None when the series cannot carry a forecast."""
    if local.size < epi_rt.DEFAULT_WINDOW + 1 or (local.sum() + imported.sum()) == 0:
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
    points = []
    for j, row in enumerate(fc.rows()):
        day = last_day + datetime.timedelta(days=j + 1)
        points.append({"day": day.isoformat(), **{k: v for k, v in row.items() if k != "day"}})
    return fc.r_shape * fc.r_scale, points


def score_points(points: list[dict], observed: list[int]) -> dict | None:
    """How a stored forecast did on its first ``len(observed)`` days (``epi.forecast.score``)."""
    n = min(len(observed), len(points))
    if n == 0:
        return None
    quantiles = np.array([[p[f"q{q}"] for q in epi_forecast.FORECAST_QUANTILES] for p in points])
    past = epi_forecast.Forecast(
        np.arange(1, len(points) + 1), quantiles, np.zeros((0, len(points)), np.int64), 0.0, 0.0
    )
    s = epi_forecast.score(np.asarray(observed[:n], dtype=float), past)
    return {"n": s.n, "coverage95": s.coverage95, "coverage50": s.coverage50, "mae": s.mae_median}
