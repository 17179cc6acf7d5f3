"""Rt and forecasts of a jurisdiction from its daily series; the maths is ``pingji.epi``.

The serial interval of day D (docs/decisions/0023, as amended) comes, in this order, from

1. the linked transmission pairs of the area recorded by the end of D (decision 0009,
   ``tracing.chains.transmission_pairs(known_by=)``; decision 0030: nothing learned later) when at
   least ``MIN_PAIRS`` of them have both onsets: a normal interval fitted to the censored onset
   differences (``epi.serial.fit``), conditioned on at least one day for the renewal equation,
   its uncertainty carried into Rt by sampling (``epi.rt_uncertain.estimate_r_uncertain``);
2. the published estimate in COVID-19's disease pack (decision 0041: the variant dominant in the
   area that day when the pack gives it one, else the disease's), with its citation there.

Every result records the interval used, its source (the pack figure's path when it came from the
pack) and how many pairs were known that day.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from pingji.epi import baselines as epi_baselines
from pingji.epi import ensemble as epi_ensemble
from pingji.epi import forecast as epi_forecast
from pingji.epi import rt as epi_rt
from pingji.epi import rt_uncertain as epi_rt_uncertain
from pingji.epi import scoring as epi_scoring
from pingji.epi import serial as epi_serial

from .choices import ForecastModel, SiSource
from .series import cutoff

#: Fewer pairs than this give a serial interval too uncertain to replace the published one (the
#: early Wuhan and Shenzhen estimates rested on 28-48 pairs; below ~20 the sd is mostly noise).
MIN_PAIRS = 20
FORECAST_SIMS = 1000
#: Sampled serial intervals and R draws per sample for Rt with a fitted interval (EpiEstim's
#: ``uncertain_si`` uses n1 samples and n2 draws; these keep a 2-year series under a second).
SI_SAMPLES = 100
R_DRAWS = 50
RT_SEED = 0


@dataclass(frozen=True)
class SerialInterval:
    """The interval an estimate used: ``mean``/``sd`` of what entered the renewal equation.

    From pairs, ``fit`` is the normal fit and ``weights`` its distribution conditioned on >= 1
    day (``mean``/``sd`` are that distribution's); otherwise both are None and ``mean``/``sd``
    are those of EpiEstim's shifted gamma. ``pairs``: linked pairs with both onsets known then.
    """

    mean: float
    sd: float
    source: str
    pairs: int = 0
    fit: epi_serial.SerialIntervalFit | None = field(default=None, compare=False)
    weights: np.ndarray | None = field(default=None, compare=False, repr=False)
    figure: str = ""  # the pack figure used (``PackFigure.source``), when one was


def serial_intervals(code: str, days: Sequence[datetime.date]) -> list[SerialInterval]:
    """The serial interval of each day: from the pairs recorded by its end, with each case's onset
    as it stood then (``tracing.chains.pairs_known_by``; module docstring).

    Fitted once per distinct multiset of onset differences: days that learned nothing new share
    one object (and, below ``MIN_PAIRS``, the protocol in force on the first of those days).
    """
    from pingji.tracing.chains import pairs_known_by

    by_diffs: dict[tuple[int, ...], SerialInterval] = {}
    out = []
    for day, pairs in zip(days, pairs_known_by(code, [cutoff(d) for d in days]), strict=True):
        diffs = tuple(sorted(p.onset_days for p in pairs if p.onset_days is not None))
        if diffs not in by_diffs:
            by_diffs[diffs] = _interval_of(code, day, list(diffs))
        out.append(by_diffs[diffs])
    return out


def serial_interval_for(code: str, on: datetime.date) -> SerialInterval:
    """The serial interval to use for ``code`` on ``on`` (``serial_intervals`` of one day)."""
    return serial_intervals(code, [on])[0]


def _interval_of(code: str, on: datetime.date, diffs: list[int]) -> SerialInterval:
    """From ``diffs`` when there are enough and they fit; else the disease pack's published one
    (still saying how many pairs were known, so a fallback is never silent)."""
    if len(diffs) >= MIN_PAIRS:
        try:
            fitted = epi_serial.fit(diffs)
            w = fitted.weights()
        except ValueError:  # e.g. most of the interval at <= 0 days: the renewal cannot use it
            pass
        else:
            return SerialInterval(w.mean, w.sd, SiSource.PAIRS, len(diffs), fitted, w.weights)
    from pingji.protocols.diseases import COVID_19, figure

    given = figure(COVID_19, "transmission", "serial_interval", on=on, region=code)
    if given is None or given.sd is None or given.mean <= 1:
        raise LookupError("COVID-19's disease pack gives no serial interval usable for Rt")
    return SerialInterval(
        given.mean, given.sd, SiSource.LITERATURE, len(diffs), figure=given.source
    )


@dataclass(frozen=True)
class RtRow:
    """Rt of the window ending on ``day``; no numbers (None) when the data are insufficient."""

    day: datetime.date
    window_start: datetime.date
    mean: float | None
    std: float | None
    quantiles: tuple[float, ...] | None  # epi.rt.QUANTILES order
    si: SerialInterval

    @property
    def insufficient(self) -> bool:
        return self.mean is None


def _estimate(local: np.ndarray, imported: np.ndarray, si: SerialInterval, ends: list[int]):
    """(t_start, t_end, shape, mean, std, quantiles) of the windows with interval ``si``: all of
    them for a fixed interval (exact and cheap), those ending on ``ends`` for a sampled one."""
    if si.fit is None:
        fixed = epi_rt.estimate_r(local, imported, si_mean=si.mean, si_sd=si.sd)
        return fixed.t_start, fixed.t_end, fixed.shape, fixed.mean, fixed.std, fixed.quantiles
    samples = epi_serial.sample_weights(si.fit, SI_SAMPLES, seed=RT_SEED)
    pooled = epi_rt_uncertain.estimate_r_uncertain(
        local, imported, si_distrs=samples, n_draws=R_DRAWS, seed=RT_SEED, t_ends=ends
    )
    return pooled.t_start, pooled.t_end, pooled.shape, pooled.mean, pooled.std, pooled.quantiles


def rt_rows(
    local: np.ndarray,
    imported: np.ndarray,
    start: datetime.date,
    sis: SerialInterval | Sequence[SerialInterval | None],
) -> list[RtRow]:
    """Rt per 7-day window of a series beginning on ``start``; [] while it is too short or empty.

    ``sis``: the interval of each day (``serial_intervals``), or one for all days; a day whose
    interval is None gets no row (a daily run estimates only its new days). A window ending on day D
    uses D's interval only. Windows before the first case are left out (the posterior is the
    prior); a window whose posterior CV exceeds ``epi.rt.MAX_POSTERIOR_CV``, or that starts too
    early in the epidemic (``epi.rt.too_early``), is a row with no numbers: insufficient data.
    """
    if local.size < epi_rt.DEFAULT_WINDOW + 1 or (local.sum() + imported.sum()) == 0:
        return []
    if isinstance(sis, SerialInterval):
        sis = [sis] * local.size
    seen = np.cumsum(local + imported)
    days_of: dict[int, tuple[SerialInterval, list[int]]] = {}
    for i, day_si in enumerate(sis):
        if day_si is not None:
            days_of.setdefault(id(day_si), (day_si, []))[1].append(i)
    by_day: dict[int, RtRow] = {}
    for si, indexes in days_of.values():
        wanted = set(indexes)
        t_start, t_end, shape, mean, std, q = _estimate(
            local, imported, si, [i + 1 for i in indexes]
        )
        ok = epi_rt.sufficient(shape) & ~epi_rt.too_early(t_start - 1, local + imported, si.mean)
        for i in range(t_start.size):
            last = int(t_end[i]) - 1
            if last not in wanted or seen[last] == 0:
                continue
            end = start + datetime.timedelta(days=last)
            first = start + datetime.timedelta(days=int(t_start[i]) - 1)
            if ok[i]:
                by_day[last] = RtRow(
                    end, first, float(mean[i]), float(std[i]), tuple(map(float, q[i])), si
                )
            else:
                by_day[last] = RtRow(end, first, None, None, None, si)
    return [by_day[i] for i in sorted(by_day)]


HORIZON = 7
MEMBERS = (ForecastModel.RENEWAL, ForecastModel.LAST, ForecastModel.MEAN7)
#: Days before an issue day whose member forecasts the ensemble's weights can read.
SKILL_REACH = epi_ensemble.SKILL_WINDOW + HORIZON


def _si_options(si: SerialInterval) -> dict:
    """The interval as ``epi`` takes it: the conditioned weights of a fit, else mean and sd."""
    if si.weights is not None:
        return {"si_distr": si.weights}
    return {"si_mean": si.mean, "si_sd": si.sd}


def renewal_quantiles(
    local: np.ndarray,
    imported: np.ndarray,
    si: SerialInterval,
    horizon: int = HORIZON,
    seed=0,
    isolated: np.ndarray | None = None,
) -> tuple[float, np.ndarray, np.ndarray] | None:
    """(Rt mean used, ``(horizon, Q)`` quantiles, their ``(horizon, Q, 2)`` CDF) of the renewal
    model, or None without the data.

    Only from a window that is neither too early (``epi.rt.too_early``) nor short of cases (CV).
    ``isolated``: the cases found inside control, who infect nobody (``epi.forecast.forecast``);
    the Rt it returns is then that of the cases found free.
    """
    window_first = np.array([local.size - epi_rt.DEFAULT_WINDOW])
    if epi_rt.too_early(window_first, local + imported, si.mean)[0]:
        return None
    try:
        fc = epi_forecast.forecast(
            local,
            imported,
            isolated=isolated,
            **_si_options(si),
            horizon=horizon,
            n_sims=FORECAST_SIMS,
            seed=seed,
        )
    except ValueError:
        return None
    if not epi_rt.sufficient(fc.r_shape):  # the last window's Rt would be mostly prior
        return None
    return fc.r_shape * fc.r_scale, fc.quantiles, fc.cdf


def points_of(quantiles: np.ndarray, last_day: datetime.date, cdf: np.ndarray) -> list[dict]:
    """A ``(horizon, Q)`` forecast as stored: one dict per day ahead with its quantiles, and
    ``cdf``, the forecast's ``[P(Y < q), P(Y <= q)]`` at each (``epi.scoring.coverage``)."""
    return [
        {
            "day": (last_day + datetime.timedelta(days=j + 1)).isoformat(),
            **{
                f"q{q}": float(v) for q, v in zip(epi_forecast.FORECAST_QUANTILES, row, strict=True)
            },
            "cdf": [[float(b), float(a)] for b, a in day_cdf],
        }
        for j, (row, day_cdf) in enumerate(zip(quantiles, cdf, strict=True))
    ]


@dataclass(frozen=True)
class ModelForecasts:
    """Per model, its forecasts issued each day: ``quantiles`` ``(T, horizon, Q)`` (NaN where it
    makes none) and their ``cdf`` ``(T, horizon, Q, 2)``; ``r_mean``: the renewal's Rt mean."""

    quantiles: dict[ForecastModel, np.ndarray]
    cdf: dict[ForecastModel, np.ndarray]
    r_mean: np.ndarray


def model_forecasts(
    local: np.ndarray,
    imported: np.ndarray,
    si: SerialInterval | Sequence[SerialInterval | None],
    horizon: int = HORIZON,
    shown_from: int = 0,
    *,
    first_day: datetime.date | None = None,
    earlier: np.ndarray | None = None,
    isolated: np.ndarray | None = None,
) -> ModelForecasts:
    """Every model's forecast issued at the end of each day, and the renewal's Rt mean per day.

    Day ``i`` uses days ``0..i`` only, and the serial interval of day ``i`` when ``si`` gives one
    per day (``serial_intervals``); no model forecasts before the area's first case. A caller that
    shows only the days from ``shown_from`` on is spared the renewal runs the ensemble's skill
    window cannot reach from there (the naive models cost nothing and keep their whole history);
    with ``earlier``, the renewal forecasts already stored for the days before ``shown_from``
    (``(T, horizon, Q)``, NaN where none), it runs none of them: the ensemble weighs those. The
    renewal's random seed is the issue day's ordinal when ``first_day`` (the date of index 0) is
    given, so a day's forecast is the same whichever period it is computed in. ``isolated`` (the
    cases found inside control each day) makes the renewal leave them out as infectors.
    """
    t = local.size
    renewal = np.full((t, horizon, len(epi_forecast.FORECAST_QUANTILES)), np.nan)
    renewal_cdf = epi_scoring.continuous_cdf((t, horizon))
    r_mean = np.full(t, np.nan)
    reach = max(0, shown_from - SKILL_REACH)
    if earlier is not None:
        renewal[reach:shown_from] = earlier[reach:shown_from]
        reach = shown_from
    seed_base = first_day.toordinal() if first_day else 0
    for i in range(reach, t):
        si_i = si if isinstance(si, SerialInterval) else si[i]
        if si_i is None:
            raise ValueError(f"no serial interval given for day {i}, which is forecast")
        found = None if isolated is None else isolated[: i + 1]
        made = renewal_quantiles(
            local[: i + 1], imported[: i + 1], si_i, horizon, seed_base + i, isolated=found
        )
        if made is not None:
            r_mean[i], renewal[i], renewal_cdf[i] = made
    y = local[None, :].astype(float)
    out = {ForecastModel.RENEWAL: renewal}
    cdf = {ForecastModel.RENEWAL: renewal_cdf}
    for model in (ForecastModel.LAST, ForecastModel.MEAN7):
        out[model] = epi_baselines.forecast_batch(y, model, horizon)[0]
        p_zero = epi_baselines.zero_probability(y, model, horizon)[0]
        cdf[model] = epi_baselines.forecast_cdf(out[model], p_zero)
    members = np.stack([out[m] for m in MEMBERS])[:, None]
    out[ForecastModel.ENSEMBLE] = epi_ensemble.combine(members, y)[0]
    cdf[ForecastModel.ENSEMBLE] = epi_ensemble.combine_cdf(
        np.stack([cdf[m] for m in MEMBERS])[:, None], members, y
    )[0]
    before_first = np.cumsum(local + imported) == 0
    for quantiles in out.values():
        quantiles[before_first] = np.nan
    return ModelForecasts(out, cdf, r_mean)


def quantiles_of(points: list[dict]) -> np.ndarray:
    """A stored forecast's points back as ``(horizon, Q)`` (the inverse of ``points_of``)."""
    return np.array([[p[f"q{q}"] for q in epi_forecast.FORECAST_QUANTILES] for p in points])


def cdf_of(point: dict) -> list[list[float]]:
    """A stored point's ``cdf`` (``points_of``); a continuous one for points stored before
    forecasts carried it."""
    return point.get("cdf") or [[q, q] for q in epi_forecast.FORECAST_QUANTILES]


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
    by_model: dict[str, dict[tuple, dict]] = {}
    for model, issued in runs.items():
        by_model[model] = {
            (issued_on, day): p
            for issued_on, points in issued
            for p in points
            if (day := datetime.date.fromisoformat(p["day"])) <= known_by
        }
    common = set.intersection(*(set(f) for f in by_model.values())) if by_model else set()
    if not common:
        return {}
    keys = sorted(common)
    seen = np.array([observed.get(day, 0) for _issued, day in keys], dtype=float)
    out = {}
    for model, forecasts in by_model.items():
        chosen = [forecasts[k] for k in keys]
        cdf = np.array([cdf_of(p) for p in chosen])
        out[model] = epi_scoring.skill(quantiles_of(chosen), seen, cdf=cdf)
    return out
